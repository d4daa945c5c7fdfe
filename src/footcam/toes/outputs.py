"""toes.json, the annotated PNG and the short text summary; written atomically."""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OutputError

SCHEMA_VERSION = "1.0"

HALLUX_NOTE = ("footprint-style hallux angle: medial tangent of the hallux against the medial "
               "tangent of the foot behind the first metatarsal head; a hallux-valgus proxy, not "
               "the radiographic hallux-valgus angle")


def _num(x, nd=1):
    if x is None:
        return None
    x = float(x)
    return None if not math.isfinite(x) else round(x, nd)


def _pts(p, nd=1):
    return None if p is None else np.round(np.asarray(p, float), nd).tolist()


def frame_dict(res) -> dict:
    """Measurements of one picture (photo or video frame) as JSON-ready values."""
    g = res.foot
    share = g.toe_spread_width_mm / g.ball_width_mm if g.ball_width_mm > 0 else None
    toes = [{"name": t.name, "angle_to_foot_axis_deg": _num(t.angle_deg),
             "separation_mm": _num(t.separation_mm), "tip_xy_mm": _pts(t.tip_xy),
             "measured": t.angle_deg is not None} for t in g.toes]
    return {
        "side": g.side,
        "side_margin_mm": _num(g.side_margin_mm),
        "heel_visible": bool(g.heel_visible),
        "foot_length_mm": _num(g.foot_length_mm),
        "foot_length_method": ("heel to the longest toe along the foot axis" if g.heel_visible
                               else "not measured: the heel is hidden"),
        "forefoot_width_mm": _num(g.ball_width_mm),
        "heel_width_mm": _num(g.heel_width_mm),
        "splay_angle_deg": _num(g.splay_angle_deg),
        "toe_spread_width_mm": _num(g.toe_spread_width_mm),
        "toe_spread_share_of_forefoot": _num(share, 3),
        "hallux_angle_deg": _num(g.hallux_angle_deg),
        "hallux_angle_note": HALLUX_NOTE,
        "toes_separated": g.toes_separated,
        "toes": toes,
        "sheet_mm_points": {"tip_xy_mm": _pts(g.tip_xy), "heel_xy_mm": _pts(g.heel_xy),
                            "ball_chord_mm": _pts(g.ball_chord),
                            "axis_origin_mm": _pts(g.axis_origin), "axis_dir": _pts(g.axis_dir, 4)},
        "confidence": _num(res.confidence, 2),
        "warnings": list(res.warnings),
    }


def sheet_dict(sheet) -> dict:
    return {"paper": sheet.paper, "size_mm": list(sheet.size_mm),
            "corners_xy_px": _pts(sheet.corners_xy), "camera_tilt_deg": _num(sheet.tilt_deg),
            "focal_px": _num(sheet.focal_px, 0), "focal_source": sheet.focal_source,
            "corners_outside_photo": sheet.corners_outside,
            "edges_visible_share": [_num(v, 2) for v in sheet.side_visible]}


def photo_json(path: Path, res, meta: dict) -> dict:
    d = {"schema_version": SCHEMA_VERSION, "source": {"file": Path(path).name, "kind": "photo",
                                                      **meta},
         "units": "mm and degrees; angles + lateral (away from the big toe); splay = fifth − hallux",
         "sheet": sheet_dict(res.sheet)}
    fd = frame_dict(res)
    d["confidence"] = fd.pop("confidence")
    d["warnings"] = fd.pop("warnings")
    d["foot"] = fd
    return d


def video_json(path: Path, vres) -> dict:
    frames = []
    for i, t, r, err in vres.frames:
        row = {"frame_index": i, "time_s": _num(t, 3)}
        if r is None:
            row["error"] = err
        else:
            g = r.foot
            row.update(splay_angle_deg=_num(g.splay_angle_deg),
                       toe_spread_share_of_forefoot=_num(g.toe_spread_width_mm / g.ball_width_mm, 3),
                       hallux_angle_deg=_num(g.hallux_angle_deg),
                       forefoot_width_mm=_num(g.ball_width_mm), toes_separated=g.toes_separated,
                       confidence=_num(r.confidence, 2))
        frames.append(row)
    measured = [r for _, _, r, _ in vres.frames if r is not None]
    warnings = []
    pick = lambda x: None if x is None else {"frame_index": x[0], "time_s": _num(x[1], 3),
                                             **frame_dict(x[2])}
    relaxed, active = pick(vres.best_relaxed), pick(vres.best_active)
    if relaxed is None:
        warnings.append("no frame had both the hallux and the fifth toe separable: splay could "
                        "not be compared over the clip")
    if vres.damaged_s:
        warnings.append(f"damaged video: FFmpeg flagged {len(vres.damaged_s)} of {len(frames)} "
                        f"sampled frames as corrupt (at "
                        f"{', '.join(f'{t:.2f}' for t in vres.damaged_s[:8])} s); they are not measured")
    n_err = sum(1 for f in frames if "error" in f)
    if n_err:
        warnings.append(f"{n_err} of {len(frames)} sampled frames could not be measured")
    conf = float(np.median([r.confidence for r in measured])) if measured else 0.0
    d = {"schema_version": SCHEMA_VERSION,
         "source": {"file": Path(path).name, "kind": "video", "frames_sampled": len(frames),
                    "frames_measured": len(measured)},
         "units": "mm and degrees; angles + lateral (away from the big toe); splay = fifth − hallux",
         "relaxed": relaxed, "active": active,
         "active_minus_relaxed_splay_deg": (None if relaxed is None else
                                            _num(active["splay_angle_deg"] - relaxed["splay_angle_deg"])),
         "confidence": _num(conf, 2), "warnings": warnings, "frames": frames}
    return d


def summary_lines(d: dict) -> list[str]:
    def f(v, unit, nd=0):
        return "n/a" if v is None else f"{v:.{nd}f} {unit}"
    if d["source"]["kind"] == "video":
        lines = [f"{d['source']['file']}: {d['source']['frames_measured']}/"
                 f"{d['source']['frames_sampled']} frames measured"]
        for k in ("relaxed", "active"):
            r = d[k]
            if r:
                lines.append(f"{k}: t={r['time_s']:.2f} s  splay {f(r['splay_angle_deg'], 'deg')}  "
                             f"toe spread {f(r['toe_spread_width_mm'], 'mm')}")
        if d.get("active_minus_relaxed_splay_deg") is not None:
            lines.append(f"active - relaxed splay: {d['active_minus_relaxed_splay_deg']:+.1f} deg")
        return lines + [f"warning: {w}" for w in d["warnings"]]
    g = d["foot"]
    L = (f"foot length {f(g['foot_length_mm'], 'mm')}" if g["heel_visible"] else
         "foot length n/a (heel hidden)")
    share = g["toe_spread_share_of_forefoot"]
    deg = lambda v: "0" if round(v) == 0 else f"{round(v):+d}"
    toes = ", ".join(f"{t['name']} {deg(t['angle_to_foot_axis_deg'])}" for t in g["toes"]
                     if t["angle_to_foot_axis_deg"] is not None)
    lines = [f"{d['source']['file']}: {g['side']} foot, camera tilt {d['sheet']['camera_tilt_deg']:.0f} deg, "
             f"confidence {d['confidence']:.2f}",
             f"{L}; forefoot {f(g['forefoot_width_mm'], 'mm')}; heel {f(g['heel_width_mm'], 'mm')}",
             f"splay (hallux-5th) {f(g['splay_angle_deg'], 'deg')}; toe-tip spread "
             f"{f(g['toe_spread_width_mm'], 'mm')}" + (f" = {share:.0%} of forefoot" if share else ""),
             f"toe angles vs foot axis (+ lateral): {toes or 'no toe separable'}",
             f"hallux angle (valgus proxy) {f(g['hallux_angle_deg'], 'deg')}"]
    return lines + [f"warning: {w}" for w in d["warnings"]]


def _dumps(d: dict) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def claim_toes_dir(out_dir: Path, need_bytes: int = 0) -> None:
    """Before measuring: footcam may write toes.json and toes.png into ``out_dir``.

    The folder must be new, empty, a `footcam toes` folder or a clip's folder (toes.json then
    joins its report); a toes.json or toes.png already there must be footcam's own.
    """
    from ..fsutil import claim_output_dir, is_toes_json

    out_dir = Path(out_dir)
    claim_output_dir(out_dir, ("clip", "toes"), inside=True, need_bytes=need_bytes)
    ours = is_toes_json(out_dir / "toes.json")
    for name in ("toes.json", "toes.png"):
        if os.path.lexists(out_dir / name) and not ours:
            raise OutputError(f"holds a {name} that footcam did not write: it is not replaced; "
                              f"choose another output folder", out_dir)


def write_outputs(out_dir: Path, d: dict, annotated_bgr: np.ndarray | None) -> list[Path]:
    """toes.png (if given) then toes.json, each atomically; returns the paths written."""
    import cv2

    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the output folder: {e.strerror}", out_dir) from None
    written = []
    try:
        if annotated_bgr is not None:
            ok, buf = cv2.imencode(".png", annotated_bgr)
            if not ok:
                raise OutputError("could not encode the annotated PNG", out_dir / "toes.png")
            _atomic_write(out_dir / "toes.png", buf.tobytes())
            written.append(out_dir / "toes.png")
        _atomic_write(out_dir / "toes.json", (_dumps(d) + "\n").encode("utf-8"))
        written.append(out_dir / "toes.json")
    except OSError as e:
        raise OutputError(f"cannot write outputs: {e.strerror}", out_dir) from None
    return written


def report_section_html(d: dict) -> str:
    """A small HTML fragment with the toes.json values, for the HTML report to include."""
    import html

    rows = "".join(f"<tr><td>{html.escape(line)}</td></tr>" for line in summary_lines(d))
    return (f'<section class="toes"><h2>Toe splay and forefoot</h2><table>{rows}</table>'
            '<p>A measurement, not a diagnosis. The hallux angle is a footprint proxy.</p>'
            '<img src="toes.png" alt="annotated top view of the foot"></section>')
