"""Accuracy of footcam against the rendered ground truth, with the raw-MediaPipe baseline from
the same run. Prints the summary table the README carries, then the per-clip tables.

    python benchmarks/accuracy.py [FOLDER] [--csv errors.csv]

FOLDER defaults to ../shared/data/synth (the project's rendered clips with exact truth).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from footcam.validate import markdown_summary, markdown_tables, validate

REPO = Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=REPO.parent / "shared" / "data" / "synth")
    ap.add_argument("--csv", type=Path, help="write the per-clip angle table as CSV")
    args = ap.parse_args()
    errors, facts = validate(args.folder, log=lambda m: print(m, file=sys.stderr))
    if args.csv:
        errors.to_csv(args.csv, index=False, float_format="%.3f")
    print("## Summary (mean over clips)\n")
    print(markdown_summary(errors))
    print("\n## Per clip\n")
    print(markdown_tables(errors, facts))


if __name__ == "__main__":
    main()
