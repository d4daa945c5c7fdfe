"""Per-clip heights for a batch: a CSV with a ``clip`` column (a clip's path under the batch
folder, or a folder: every clip under it, e.g. one folder per participant) and ``height_cm``.
The most specific row wins (a clip's own row over its folder's)."""
from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

from ..config import SubjectConfig
from ..errors import ConfigError
from ._discover import Clip


def read_heights(path: str | Path, clips: list[Clip]) -> dict[str, float]:
    """{clip key: height_cm} for the clips the file covers. Raises ConfigError naming the
    file and the row for a missing column, a bad height or a row that matches no clip."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ConfigError(f"cannot read the heights file: {e.strerror or e}", path) from None
    rows = list(csv.DictReader(text.splitlines()))
    cols = {c.strip().lower(): c for c in (rows[0].keys() if rows else [])}
    if "clip" not in cols or "height_cm" not in cols:
        raise ConfigError(f"a heights file needs the columns clip and height_cm "
                          f"(found: {', '.join(cols) or 'none'})", path)
    wanted: dict[PurePosixPath, float] = {}
    for n, row in enumerate(rows, start=2):
        where = PurePosixPath(str(row[cols["clip"]]).strip().replace("\\", "/").strip("/"))
        raw = str(row[cols["height_cm"]]).strip()
        try:
            h = float(raw)
            SubjectConfig(height_cm=h)
        except (ValueError, ConfigError):
            raise ConfigError(f"row {n}: height_cm must be a number of centimetres within "
                              f"50..250, got {raw!r}", path) from None
        if str(where) in ("", "."):
            raise ConfigError(f"row {n}: the clip column is empty", path)
        wanted[where] = h
    out: dict[str, float] = {}
    used: set[PurePosixPath] = set()
    for c in clips:
        rel = PurePosixPath(c.key)
        # the clip itself, then its folders from the deepest up
        for cand in (rel, *rel.parents):
            if cand in wanted:
                out[c.key] = wanted[cand]
                used.add(cand)
                break
    unknown = sorted(str(w) for w in wanted if w not in used)
    if unknown:
        raise ConfigError(f"no clip under the batch folder matches "
                          f"{', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''} "
                          f"(give a clip's path or a folder, relative to the batch folder)", path)
    return out
