"""findings stage: compensation rules with their references and thresholds → summary.json.

Pure pandas/numpy (never mediapipe, cv2, av or click). ``rules.RULES`` is the one table of
thresholds and sources; ``summarize`` applies it to a clip's cycles; ``write_summary`` does
that for a finished clip folder. The JSON Schema of summary.json ships beside this module
(``SCHEMA_PATH``).
"""
from pathlib import Path

from .files import SUMMARY_NAME, write_summary
from .rules import KEY_VALUES, MIN_CYCLES, REFERENCES, RULES, RULES_BY_ID, RuleSpec
from .summary import DISCLAIMER, SUMMARY_SCHEMA_VERSION, summarize

SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")

__all__ = ["summarize", "write_summary", "RULES", "RULES_BY_ID", "RuleSpec", "KEY_VALUES",
           "REFERENCES", "MIN_CYCLES", "DISCLAIMER", "SUMMARY_SCHEMA_VERSION", "SUMMARY_NAME",
           "SCHEMA_PATH"]
