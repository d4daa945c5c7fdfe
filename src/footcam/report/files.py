"""Writing a clip's output folder: angles.csv, landmarks.csv, analysis.json.

The folder is assembled under a temporary name beside the target and renamed into place at the
end, so a folder with the final name is always complete; analysis.json is the last file in it.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from ..constants import LANDMARK_NAMES, N_LANDMARKS
from ..errors import OutputError
from ..fsutil import atomic_write_text  # noqa: F401  (re-exported for the report and batch)
from ..fsutil import check_replaceable, claim_output_dir, is_leftover
from ..kinematics.cycles import cycle_curves, spatiotemporal

ANALYSIS_SCHEMA_VERSION = "1.0"


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return None if not math.isfinite(v) else v
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, Path):
        return str(x)
    return x


def dumps(obj) -> str:
    return json.dumps(_jsonable(obj), indent=2, ensure_ascii=False)


#: what footcam writes in a clip's folder (analyze and its extras, overlay, stills): replaced
#: as a whole when the folder is rewritten. Anything else in an existing folder (toes.json
#: and toes.png from `footcam toes -o`, a note of the user's) is moved into the new folder.
CLIP_ENTRIES = frozenset({"analysis.json", "angles.csv", "landmarks.csv", "events.csv",
                          "cycles.csv", "curves.csv", "summary.json", "report.html",
                          "overlay.mp4", "stills", "landmarks.trc", "angles.mot",
                          "landmarks.c3d"})
#: the footcam outputs a clip folder may already hold when it is (re)written
CLIP_FOLDER_KINDS = ("clip", "toes")


#: free space asked before a clip's analysis, measured on sample_videos/normal_side.mp4
#: (1280x720, 120 frames: 4.9 MB of outputs, overlay.mp4 0.66 MB) plus a quarter: per frame
#: the tables (landmarks.csv is ~4.4 kB a frame) and, per pixel of a frame, its share of the
#: stills and of the report that embeds them (~0.04 B) and of overlay.mp4 (~0.006 B)
BYTES_PER_FRAME = 5_500
BYTES_PER_FRAME_PIXEL = 0.05 + 0.008


def expected_clip_bytes(clip: str | Path) -> int:
    """About how many bytes a clip's folder takes (0 when the clip cannot be read: the analysis
    then says why)."""
    from ..errors import VideoError
    from ..video.reader import peek

    try:
        n, (w, h) = peek(clip)
    except VideoError:
        return 0
    return int(n * (BYTES_PER_FRAME + BYTES_PER_FRAME_PIXEL * w * h))


def claim_clip_dir(out_dir: Path, clip: str | Path | None = None) -> None:
    """Before the analysis: ``out_dir`` may become ``clip``'s folder (see claim_output_dir),
    with room for its outputs."""
    claim_output_dir(out_dir, CLIP_FOLDER_KINDS,
                     need_bytes=expected_clip_bytes(clip) if clip is not None else 0)


@contextmanager
def staged_dir(out_dir: Path, kinds=CLIP_FOLDER_KINDS, owned=CLIP_ENTRIES) -> Iterator[Path]:
    """Yield a temporary folder beside ``out_dir``; on success it replaces ``out_dir``.

    An existing ``out_dir`` is replaced only when it holds footcam's outputs of one of
    ``kinds`` (checked again at the moment of the swap); entries of it not in ``owned`` that
    the new folder lacks are moved into the new folder, so nothing but footcam's own outputs
    is ever deleted.
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    claim_output_dir(out_dir, kinds)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=parent))
        os.chmod(tmp, 0o755)
    except OSError as e:
        raise OutputError(f"cannot write the output folder: {e.strerror or e}", out_dir) from None
    try:
        yield tmp
        check_replaceable(out_dir, kinds)
        old, keep = None, []
        if out_dir.exists():
            keep = [n for n in os.listdir(out_dir)
                    if n not in owned and not is_leftover(n) and not os.path.lexists(tmp / n)]
            old = parent / f".{out_dir.name}.old-{os.getpid()}"
            if old.exists():
                shutil.rmtree(old)
            os.replace(out_dir, old)
        try:
            os.replace(tmp, out_dir)
        except OSError:
            if old is not None:          # the earlier folder goes back where it was
                os.replace(old, out_dir)
            raise
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"cannot write the output folder: {e.strerror or e}", out_dir) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        try:
            for n in keep:
                os.replace(old / n, out_dir / n)
        except OSError as e:
            raise OutputError(f"the new outputs are in place, but {n} of the earlier folder could "
                              f"not be moved into it ({e.strerror or e}): it is still in {old}",
                              out_dir) from None
        shutil.rmtree(old, ignore_errors=True)


LANDMARK_CHUNK_FRAMES = 300


def landmarks_frame(analysis, frames: slice = slice(None)) -> pd.DataFrame:
    """Long table: one row per frame and landmark, cleaned and raw values side by side."""
    raw, cl = analysis.raw, analysis.pose
    idx = np.arange(raw.n_frames)[frames]
    n = len(idx)
    rep = lambda a: np.repeat(a, N_LANDMARKS)  # noqa: E731
    tile = lambda a: np.tile(a, n)  # noqa: E731
    xy, w = cl.image_xy[idx], cl.world_xyz[idx]
    rxy, rw = raw.image_xy[idx], raw.world_xyz[idx]
    return pd.DataFrame({
        "frame": rep(idx), "time_s": rep(raw.time_s[idx]),
        "landmark_id": tile(np.arange(N_LANDMARKS)),
        "landmark": pd.Categorical.from_codes(tile(np.arange(N_LANDMARKS)), LANDMARK_NAMES),
        "x_px": xy[..., 0].ravel(), "y_px": xy[..., 1].ravel(),
        "world_x_m": w[..., 0].ravel(), "world_y_m": w[..., 1].ravel(), "world_z_m": w[..., 2].ravel(),
        "visibility": raw.visibility[idx].ravel(), "presence": raw.presence[idx].ravel(),
        "raw_x_px": rxy[..., 0].ravel(), "raw_y_px": rxy[..., 1].ravel(),
        "raw_world_x_m": rw[..., 0].ravel(), "raw_world_y_m": rw[..., 1].ravel(),
        "raw_world_z_m": rw[..., 2].ravel(),
        "leg_swap_fixed": rep(analysis.clean.swapped[idx].astype(int)),
    })


def write_landmarks_csv(analysis, path: Path) -> None:
    """landmarks.csv, written in blocks of frames so memory does not grow with clip length."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        for start in range(0, max(analysis.raw.n_frames, 1), LANDMARK_CHUNK_FRAMES):
            block = landmarks_frame(analysis, slice(start, start + LANDMARK_CHUNK_FRAMES))
            block.to_csv(f, index=False, header=start == 0, float_format="%.5f")


def analysis_dict(analysis) -> dict:
    v = analysis.video
    return {
        "schema_version": ANALYSIS_SCHEMA_VERSION,
        "footcam_version": analysis.footcam_version,
        "source": {"name": v.name, "path": v.path, "size_bytes": v.size_bytes, "sha256": v.sha256},
        "video": {**v.to_dict(), "rotation": analysis.rotation},
        "model": analysis.model,
        "config": analysis.config.to_dict(),
        "person": analysis.selection,
        "frames": {"total": analysis.raw.n_frames,
                   "with_pose": int(analysis.raw.detected.sum()),
                   "with_pose_after_cleaning": int(analysis.pose.detected.sum()),
                   "damaged": len(analysis.damaged_frames)},
        "cleaning": analysis.clean.to_dict(),
        "foot_refinement": analysis.feet,
        "trust": analysis.trust,
        "bouts": [b.to_dict(analysis.raw.time_s) for b in analysis.bouts],
        "angles_available": analysis.availability,
        "events": {"heel_strikes": int((analysis.events["event"] == "hs").sum()),
                   "toe_offs": int((analysis.events["event"] == "to").sum()),
                   "method": "foot position relative to the pelvis along the walking direction "
                             "(Zeni et al. 2008), sub-frame extrema, calibrated offsets"},
        "spatiotemporal": spatiotemporal(analysis.cycles),
        "scale": analysis.scale,
        "warnings": list(analysis.warnings),
        "timing_s": {k: round(x, 3) for k, x in analysis.timing_s.items()},
    }


def write_analysis(analysis, out_dir: Path, extras=()) -> Path:
    """Write the clip's folder atomically and return its path.

    ``extras``: callables ``f(folder)`` run on the staged folder once the tables and
    analysis.json are in it (the report, the overlay, ...), so that they are part of the one
    atomic rename too.
    """
    out_dir = Path(out_dir)
    with staged_dir(out_dir) as tmp:
        analysis.angles.to_csv(tmp / "angles.csv", index=False, float_format="%.4f")
        analysis.events.to_csv(tmp / "events.csv", index=False, float_format="%.4f")
        analysis.cycles.to_csv(tmp / "cycles.csv", index=False, float_format="%.4f")
        cycle_curves(analysis.angles, analysis.cycles).to_csv(tmp / "curves.csv", index=False,
                                                              float_format="%.4f")
        write_landmarks_csv(analysis, tmp / "landmarks.csv")
        (tmp / "analysis.json").write_text(dumps(analysis_dict(analysis)), encoding="utf-8")
        for extra in extras:
            extra(tmp)
    return out_dir
