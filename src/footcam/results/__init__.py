"""Reading footcam's outputs back: one typed, read-only reader per kind of output folder.

- :class:`ClipResult` — a clip's folder from ``footcam analyze``: video facts, configuration,
  bouts, angles, events, cycles, curves, landmarks, summary, stills, toes.

Every later stage (findings, report, overlay, batch tables) reads a folder through its reader
instead of opening the JSON and CSVs itself; each reader checks its folder once and raises
:class:`footcam.errors.ResultError` with a message naming the folder
(``footcam-out/x: not a footcam output folder (no analysis.json)``). Readers of other folders
(a visit, a comparison) subclass :class:`OutputFolder` beside ClipResult.

Pure Python + pandas (never mediapipe, cv2, av or click).
"""
from ..errors import ResultError
from ._folder import OutputFolder, schema_major
from .clip import (ANALYSIS_JSON, ANGLES_CSV, CURVES_CSV, CYCLES_CSV, EVENTS_CSV, LANDMARKS_CSV,
                   STILL_NAME, STILLS_DIR, SUMMARY_JSON, TOES_JSON, TOES_PNG, BoutFacts,
                   ClipResult, Rotation, Still, VideoFacts, still_name)

__all__ = ["ClipResult", "OutputFolder", "ResultError", "VideoFacts", "Rotation", "BoutFacts",
           "Still", "still_name", "schema_major", "STILL_NAME", "STILLS_DIR", "ANALYSIS_JSON",
           "ANGLES_CSV", "LANDMARKS_CSV", "EVENTS_CSV", "CYCLES_CSV", "CURVES_CSV",
           "SUMMARY_JSON", "TOES_JSON", "TOES_PNG"]
