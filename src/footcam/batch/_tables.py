"""The batch's own outputs, each written atomically under OUT: failures.csv, summary.csv, index.html.

They are rebuilt at the end of every run (an interrupted one included) from the clip folders
that exist, so they always describe what is on disk. Files a clip folder lacks (summary.json,
report.html, ... are optional) leave their columns empty.
"""
from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import math
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

import pandas as pd

from .._version import __version__
from ..errors import ResultError
from ..fsutil import atomic_write_text
from ..results import ClipResult as ClipFolder
from ._discover import Clip
from ._task import ClipResult

FAILURES_CSV = "failures.csv"
SUMMARY_CSV = "summary.csv"
INDEX_HTML = "index.html"
FAILURE_COLUMNS = ("clip", "error_type", "error")
#: the first columns of summary.csv, always present, in this order
BASE_COLUMNS = ("clip", "status", "output", "error", "duration_s", "fps", "variable_frame_rate",
                "frames", "frames_with_pose", "person_found_pct", "analysed_w_px",
                "analysed_h_px", "rotation_ccw_deg", "views", "directions", "leg_swap_frames", "heel_strikes", "toe_offs",
                "median_pose_quality", "angles_available", "n_warnings", "warnings",
                "n_findings", "findings", "footcam_version", "model", "sha256")
_SIDE_KEYS = {"l": "l", "left": "l", "r": "r", "right": "r", "both": "", "c": "", "central": ""}
#: keys of a summary.json value entry that are not measured values
_NOT_VALUES = {"normal", "normal_range", "source", "reference", "unit", "sd", "n", "low", "high"}


def write_failures(out_root: Path, results: Iterable[ClipResult]) -> Path:
    """failures.csv: one row per clip that failed in this run (a header only when none did)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FAILURE_COLUMNS)
    for r in sorted((r for r in results if not r.ok), key=lambda r: r.key):
        w.writerow((r.key, r.error_type, r.error))
    path = out_root / FAILURES_CSV
    atomic_write_text(path, buf.getvalue())
    return path


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None


def _values(prefix: str, entry: Any) -> dict[str, float | None]:
    """Columns for one summary.json value: a number, {"mean": ...}, or per side
    {"l": <value>, "r": <value>} → ``<prefix>`` / ``<prefix>_l`` / ``<prefix>_r``."""
    n = _num(entry)
    if n is not None:
        return {prefix: n}
    if not isinstance(entry, dict):
        return {}
    if "mean" in entry:
        return {prefix: _num(entry["mean"])}
    out: dict[str, float | None] = {}
    for k, v in entry.items():
        if k in _NOT_VALUES:
            continue
        side = _SIDE_KEYS.get(str(k).lower())
        if side is None:
            continue
        out.update(_values(f"{prefix}_{side}" if side else prefix, v))
    return out


def _summary_json_columns(s: dict) -> dict[str, Any]:
    """Quality, spatio-temporal values, key values and findings from a clip's summary.json."""
    row: dict[str, Any] = {}
    q = s.get("quality")
    if isinstance(q, dict):
        for k, v in q.items():
            if _num(v) is not None:
                row[f"quality_{k}"] = _num(v)
    for section in ("spatiotemporal", "key_values"):
        block = s.get(section)
        if isinstance(block, dict):
            for name, entry in block.items():
                row.update(_values(str(name), entry))
    findings = [f for f in (s.get("findings") or []) if isinstance(f, dict)]
    notable = [f for f in findings if str(f.get("severity", "none")).lower() not in ("none", "")]
    row["n_findings"] = len(notable)
    row["findings"] = "; ".join(
        f"{f.get('id') or f.get('title')} ({f.get('severity')}"
        + (f", {f.get('side')}" if f.get("side") else "") + ")" for f in notable)
    return row


def _median_quality(folder: ClipFolder) -> float | None:
    if not folder.has("angles.csv"):
        return None
    try:
        angles = folder.angles
    except ResultError:
        return None
    if "quality" not in angles.columns:
        return None
    m = pd.to_numeric(angles["quality"], errors="coerce").median()
    return float(m) if pd.notna(m) else None


def _summary(folder: ClipFolder) -> dict | None:
    try:
        return folder.summary
    except ResultError:     # unreadable: as if the findings had not been computed
        return None


def clip_row(clip: Clip, out_dir: Path) -> dict[str, Any]:
    """summary.csv's row for a finished clip folder (read through footcam.results): facts,
    events and spatio-temporal values from analysis.json, quality from angles.csv, key values
    and findings from summary.json. A folder that cannot be read is a failed row."""
    try:
        folder = ClipFolder.open(out_dir)
    except ResultError as e:
        return {"clip": clip.key, "status": "failed", "output": str(clip.out_rel), "error": e.detail}
    a = folder.analysis
    v = a.get("video") or {}
    fr = a.get("frames") or {}
    rot = v.get("rotation") or {}
    bouts = [b for b in a.get("bouts") or [] if isinstance(b, dict)]
    total = fr.get("total")
    wh = rot.get("analysed_wh") or [None, None]
    avail = [k for k, e in (a.get("angles_available") or {}).items()
             if isinstance(e, dict) and e.get("available")]
    warnings = [str(w) for w in a.get("warnings") or []]
    row: dict[str, Any] = {
        "clip": clip.key, "status": "ok", "output": str(clip.out_rel), "error": "",
        "duration_s": v.get("duration_s"), "fps": v.get("fps"),
        "variable_frame_rate": v.get("variable_frame_rate"),
        "frames": total, "frames_with_pose": fr.get("with_pose"),
        "person_found_pct": (100.0 * fr.get("with_pose", 0) / total) if total else None,
        "analysed_w_px": wh[0], "analysed_h_px": wh[1],
        "rotation_ccw_deg": rot.get("total_ccw_deg"),
        "views": ";".join(dict.fromkeys(str(b.get("view")) for b in bouts)),
        "directions": ";".join(dict.fromkeys(str(b.get("direction")) for b in bouts)),
        "leg_swap_frames": (a.get("cleaning") or {}).get("leg_swap_frames"),
        "heel_strikes": (a.get("events") or {}).get("heel_strikes"),
        "toe_offs": (a.get("events") or {}).get("toe_offs"),
        "median_pose_quality": _median_quality(folder),
        "angles_available": ";".join(avail),
        "n_warnings": len(warnings), "warnings": " | ".join(warnings),
        "footcam_version": a.get("footcam_version"),
        "model": (a.get("model") or {}).get("name"),
        "sha256": (a.get("source") or {}).get("sha256"),
    }
    st = a.get("spatiotemporal")
    if isinstance(st, dict):
        for name, entry in st.items():
            row.update(_values(str(name), entry))
    s = _summary(folder)
    if s is not None:
        row.update(_summary_json_columns(s))
    else:
        row["n_findings"] = None       # not computed: summary.json is absent
    return row


def summary_rows(out_root: Path, clips: list[Clip], results: dict[str, ClipResult],
                 done: set[str], interrupted: bool = False) -> list[dict[str, Any]]:
    """One row per clip: folders known to be done (skipped as finished, or analysed in this run)
    give their facts; failures their error; the rest are "not done" (the run was interrupted)."""
    rows = []
    for c in clips:
        r = results.get(c.key)
        if r is not None and not r.ok:
            rows.append({"clip": c.key, "status": "failed", "output": "", "error": r.error})
        elif c.key in done:
            rows.append(clip_row(c, out_root / c.out_rel))
        else:
            rows.append({"clip": c.key, "status": "not done" if interrupted else "missing",
                         "output": "", "error": ""})
    return rows


def write_summary_csv(out_root: Path, rows: list[dict[str, Any]]) -> Path:
    cols = list(BASE_COLUMNS) + sorted({k for r in rows for k in r} - set(BASE_COLUMNS))
    df = pd.DataFrame(rows, columns=cols)
    path = out_root / SUMMARY_CSV
    atomic_write_text(path, df.to_csv(index=False, float_format="%.6g", lineterminator="\n"))
    return path


def _href(out_root: Path, out_rel: str) -> str:
    folder = out_root / out_rel
    target = f"{out_rel}/report.html" if (folder / "report.html").is_file() else f"{out_rel}/"
    return quote(target)


def _cell(x: Any, nd: int = 1) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return ""
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em} p.sub{color:#555;margin:0 0 1em}
table{border-collapse:collapse;width:100%} th,td{padding:.3em .6em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top} th{background:#f3f3f3;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fff1f0} tr.failed td.status{color:#a8071a;font-weight:600}
tr.missing td, tr.notdone td{color:#888} .err{color:#a8071a}
"""


def write_index_html(out_root: Path, rows: list[dict[str, Any]], *, title: str) -> Path:
    """index.html: every clip with a link to its report (or its folder), failures with their error."""
    e = html.escape
    counts = {s: sum(1 for r in rows if r.get("status") == s) for s in ("ok", "failed")}
    other = len(rows) - counts["ok"] - counts["failed"]
    body = []
    for r in rows:
        status = str(r.get("status"))
        if status == "ok":
            name = f'<a href="{e(_href(out_root, str(r["output"])))}">{e(r["clip"])}</a>'
            note = e(str(r.get("findings") or ""))
            if r.get("n_findings") is None:
                note = '<span class="sub">findings not computed</span>'
        else:
            name = e(str(r["clip"]))
            note = f'<span class="err">{e(str(r.get("error") or ""))}</span>'
        body.append(
            f'<tr class="{e(status.replace(" ", ""))}"><td>{name}</td><td class="status">{e(status)}</td>'
            f'<td>{e(str(r.get("views") or ""))}</td>'
            f'<td class="num">{_cell(r.get("duration_s"))}</td>'
            f'<td class="num">{_cell(r.get("person_found_pct"), 0)}</td>'
            f'<td class="num">{_cell(r.get("median_pose_quality"), 2)}</td>'
            f'<td class="num">{_cell(r.get("n_warnings"), 0)}</td><td>{note}</td></tr>')
    made = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    sub = (f"{len(rows)} clips: {counts['ok']} analysed, {counts['failed']} failed"
           + (f", {other} not done" if other else "")
           + f" · made {made} by footcam {__version__} · "
           f'<a href="{SUMMARY_CSV}">{SUMMARY_CSV}</a> · <a href="{FAILURES_CSV}">{FAILURES_CSV}</a>')
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)} · footcam batch</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><h1>{e(title)}</h1><p class="sub">{sub}</p>
<p class="sub">A measurement, not a diagnosis.</p>
<table><thead><tr><th>clip</th><th>status</th><th>view</th><th>duration s</th>
<th>person found %</th><th>pose quality</th><th>warnings</th><th>findings / error</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table></body></html>
"""
    path = out_root / INDEX_HTML
    atomic_write_text(path, page)
    return path
