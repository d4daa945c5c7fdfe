"""The report's view data: what each section of report.html shows, as plain Python values.

``load(folder)`` reads a clip folder through :class:`footcam.results.ClipResult` into
:class:`ReportData` (each part, or in ``missing`` why it is absent). Each section is one
function ``f(data) -> dict | None`` here plus one template ``templates/sections/<name>.html.j2``;
:data:`SECTIONS` lists them in page order (a function returning None leaves its section out).
The functions never write HTML: the templates do, and escape every value (autoescaping);
only the SVG charts of :mod:`footcam.report.plots` (which escape their own text) come in as
:class:`markupsafe.Markup`.

Typical ranges, typical curves and references come from :mod:`footcam.findings.rules`.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from markupsafe import Markup

from .._version import __version__
from ..constants import SIDES
from ..errors import ResultError
from ..findings.rules import CURVE_REFERENCES, KEY_VALUES, REFERENCES, TYPICAL_CURVES
from ..findings.summary import DISCLAIMER
from ..kinematics.cycles import CURVE_SAMPLES, cycle_curves
from ..results import ClipResult
from ..toes.outputs import summary_lines
from . import plots
from .words import (ANGLE_LABELS, CURVE_ORDER, KEY_LABELS, SIDE_NAMES, SPATIOTEMPORAL_LABELS, fmt,
                    humanise, num, side_word, still_caption, text, unit_of)

#: stills beyond this many are left out of the page (it must stay printable)
MAX_STILLS = 12
#: columns of cycles.csv that are not key values
CYCLE_ID_COLUMNS = {"side", "cycle", "bout", "start_s", "end_s", "start_frame", "end_frame",
                    "view", "quality", "confidence", "valid"}
KEY_VALUE_SPECS = {kv.column: kv for kv in KEY_VALUES}
ALL_REFERENCES = {**REFERENCES, **CURVE_REFERENCES}


# --- reading the folder --------------------------------------------------------------------------

@dataclass
class Curve:
    mean: np.ndarray
    sd: np.ndarray | None
    n: int | None


@dataclass
class ReportData:
    """What the folder holds; ``missing`` says, per part, why it is absent."""

    clip: ClipResult
    analysis: dict
    angles: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    cycles: pd.DataFrame | None = None
    curves: dict[tuple[str, str], Curve] = field(default_factory=dict)
    curves_source: str = ""
    summary: dict | None = None
    stills: list[tuple[str, bytes, tuple[int, int]]] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _part(d: ReportData, key: str, name: str, read: Callable[[], Any]):
    """A part of the folder, or None with the reason in ``d.missing[key]``."""
    if not d.clip.has(name):
        d.missing[key] = d.clip.missing(name).detail
        return None
    try:
        return read()
    except ResultError as e:
        d.missing[key] = e.detail
        return None


def curves_from_table(df: pd.DataFrame) -> dict[tuple[str, str], Curve]:
    """curves.csv's long form (angle, side, pct, mean, sd, n) as (angle, side) → Curve over
    0..100 % in CURVE_SAMPLES samples."""
    out: dict[tuple[str, str], Curve] = {}
    grid = np.linspace(0, 100, CURVE_SAMPLES)
    for (angle, side), g in df.groupby(["angle", "side"], sort=False):
        g = g.sort_values("pct")
        if len(g) < 2:
            continue
        x = g["pct"].to_numpy(float)
        mean = np.interp(grid, x, g["mean"].to_numpy(float))
        sd = np.interp(grid, x, g["sd"].to_numpy(float))
        n = int(g["n"].max()) if g["n"].notna().any() else None
        out[(str(angle), str(side))] = Curve(mean, sd, n)
    return out


def load(out_dir: str | Path) -> ReportData:
    """Read a finished clip folder. Raises ResultError when it is not one."""
    clip = ClipResult.open(out_dir)
    d = ReportData(clip=clip, analysis=clip.analysis)
    d.angles = _part(d, "angles", "angles.csv", lambda: clip.angles)
    events = _part(d, "events", "events.csv", lambda: clip.events)
    if events is not None and events.empty:
        d.missing["events"] = "no heel strike or toe off was detected in the clip"
    elif events is not None:
        d.events = events
    cycles = _part(d, "cycles", "cycles.csv", lambda: clip.cycles)
    if cycles is not None and cycles.empty:
        d.missing["cycles"] = "no complete gait cycle (heel strike to the next heel strike of the same foot)"
    elif cycles is not None:
        d.cycles = cycles

    if clip.has("curves.csv"):
        table = _part(d, "curves", "curves.csv", lambda: clip.curves)
        if table is not None:
            d.curves = curves_from_table(table)
            d.curves_source = "curves.csv"
    elif d.angles is not None and d.cycles is not None:
        d.curves = curves_from_table(cycle_curves(d.angles, d.cycles))
        d.curves_source = "angles.csv and the gait cycles in cycles.csv"
    if not d.curves:
        d.missing["curves"] = (d.missing.get("events") or d.missing.get("angles")
                               or d.missing.get("curves") or "no gait cycle had enough measured samples")

    if clip.has("summary.json"):
        try:
            d.summary = clip.summary
        except ResultError as e:
            d.missing["summary"] = e.detail
    else:
        d.missing["summary"] = "footcam's findings have not been computed for this folder (no summary.json)"

    for still in clip.stills:
        b = still.read_bytes()
        wh = still.png_size(b)
        if wh is None:
            d.notes.append(f"stills/{still.name} is not a PNG image and was left out")
            continue
        d.stills.append((still.name, b, wh))
    if len(d.stills) > MAX_STILLS:
        d.notes.append(f"{len(d.stills)} stills in stills/: the first {MAX_STILLS} in time are shown")
        d.stills = d.stills[:MAX_STILLS]
    if not d.stills:
        d.missing["stills"] = ("no still frames: stills/ holds no PNG image" if clip.has("stills")
                               else "no still frames: the folder has no stills/")
    return d


# --- shared pieces ---------------------------------------------------------------------------------

def source_name(a: dict) -> str:
    return str((a.get("source") or {}).get("name") or (a.get("video") or {}).get("name") or "unnamed clip")


def bouts(a: dict) -> list[dict]:
    out = []
    for b in a.get("bouts") or []:
        s, e = num(b.get("start_s")), num(b.get("stop_s"))
        if s is None or e is None:
            continue
        direction = str(b.get("direction", "")).replace("_", " ")
        if b.get("backward"):
            direction += " (moving backward: the body faces the other way)"
        elif b.get("facing") and not b.get("travel_sign") and b.get("view") in ("side", "oblique"):
            direction += f", facing {str(b['facing']).replace('image_', '')}"
        out.append({"start_s": s, "stop_s": e, "view": str(b.get("view", "unknown")),
                    "direction": direction, "confidence": num(b.get("confidence")),
                    "activity": str(b.get("activity") or "—"),
                    "unusual": "; ".join(str(r) for r in b.get("unusual") or []),
                    "label": f"{b.get('view', 'unknown')} view, {direction}" if direction else str(b.get("view"))})
    return out


def side_colours() -> dict[str, str]:
    return {s: plots.SIDE_STYLE[s]["colour"] for s in SIDES}


def _summary_refs(s: dict) -> dict:
    refs = s.get("references") or {}
    if isinstance(refs, list):
        return {str(r["id"]): r for r in refs if isinstance(r, dict) and r.get("id")}
    return refs if isinstance(refs, dict) else {}


def _reference_text(ref: Any, refs: dict) -> str:
    if isinstance(ref, list):
        return "; ".join(_reference_text(r, refs) for r in ref)
    if isinstance(ref, dict):
        return str(ref.get("short") or ref.get("citation") or ref.get("text") or ref.get("id") or "")
    r = str(ref or "")
    full = refs.get(r)
    if isinstance(full, dict):
        return str(full.get("short") or full.get("citation") or r)
    return str(full) if full else r


def _short_ref(key: str | None) -> str:
    return ALL_REFERENCES[key][0] if key in ALL_REFERENCES else (key or "")


def _side_stats(v: Any) -> tuple[float | None, float | None, int | None]:
    if isinstance(v, dict):
        n = v.get("n")
        return num(v.get("mean")), num(v.get("sd")), int(n) if num(n) is not None else None
    return num(v), None, None


# --- the sections ----------------------------------------------------------------------------------

def _glance(d: ReportData) -> list[str]:
    """Data quality in one line: how much of the clip could be measured."""
    a = d.analysis
    fr = a.get("frames") or {}
    out = []
    if fr.get("total"):
        out.append(f"person found in {100 * (fr.get('with_pose') or 0) / fr['total']:.0f} % of frames")
    if d.cycles is not None:
        n = d.cycles.groupby("side").size().to_dict()
        out.append(f"{sum(n.values())} gait cycles ({n.get('l', 0)} left, {n.get('r', 0)} right)")
    elif d.events is None:
        out.append("no gait events")
    else:
        out.append("no complete gait cycle")
    if d.angles is not None and "quality" in d.angles.columns:
        out.append(f"median pose quality {fmt(pd.to_numeric(d.angles['quality'], errors='coerce').median(), 2)} (0–1)")
    nw = len(a.get("warnings") or [])
    out.append(f"{nw} warning{'s' if nw != 1 else ''}" + (" (see Clip and data quality)" if nw else ""))
    return out


def activity_word(d: ReportData) -> str:
    """walking / running / gait (both, or neither known), from summary.json's activity."""
    kind = ((d.summary or {}).get("activity") or {}).get("kind")
    return {"walking": "walking", "running": "running"}.get(kind, "gait")


def header(d: ReportData) -> dict:
    a = d.analysis
    views = sorted({b["view"] for b in bouts(a)})
    return {"name": source_name(a), "kicker": f"footcam {activity_word(d)} report",
            "sub": [f"{', '.join(views) or 'unknown'} view",
                    f"{fmt((a.get('video') or {}).get('duration_s'), 1)} s of video",
                    f"report made {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
                    f"footcam {a.get('footcam_version', __version__)}"],
            "glance": " · ".join(_glance(d)),
            "disclaimer": (d.summary or {}).get("disclaimer") or DISCLAIMER}


_SEVERITY_WORDS = {"none": "within footcam's limits", "mild": "mild", "marked": "marked"}


def _evidence_text(x: Any) -> str:
    if isinstance(x, float):
        return fmt(x, 1)
    if isinstance(x, (dict, list)):
        return json.dumps(x, ensure_ascii=False)[:300]
    return text(x)


def _evidence(ev: Any) -> dict | None:
    """{"kind": "text"|"list", ...} for a finding's evidence, or None when it has none."""
    if ev is None or ev == "" or ev == [] or ev == {}:
        return None
    if isinstance(ev, list):
        return {"kind": "list", "entries": [{"key": None, "text": _evidence_text(x)} for x in ev]}
    if isinstance(ev, dict):
        return {"kind": "list", "entries": [{"key": humanise(str(k)), "text": _evidence_text(v)}
                                          for k, v in ev.items()]}
    return {"kind": "text", "text": str(ev)}


def findings(d: ReportData) -> dict:
    if d.summary is None:
        return {"none": f"no findings: {d.missing.get('summary', 'summary.json is missing')}",
                "all_typical": False, "cards": [], "checked": [], "not_measurable": []}
    refs = _summary_refs(d.summary)
    order = {"marked": 0, "mild": 1}
    items = sorted((f for f in d.summary.get("findings") or [] if isinstance(f, dict)),
                   key=lambda f: order.get(str(f.get("severity", "none")).lower(), 2))
    notable = [f for f in items if str(f.get("severity", "none")).lower() != "none"]
    checked = [f for f in items if str(f.get("severity", "none")).lower() == "none"]
    cards = []
    for f in notable:
        unit = str(f.get("unit") or "")
        u = "°" if unit in ("deg", "°") else (f" {unit}" if unit else "")
        measured = f.get("measured")
        meas = (", ".join(f"{side_word(k)} {fmt(v, 1, u)}" for k, v in measured.items())
                if isinstance(measured, dict) else fmt(measured, 1, u))
        thr = f.get("threshold")
        thr_s = (", ".join(f"{humanise(str(k))} {fmt(v, 1, u)}" for k, v in thr.items())
                 if isinstance(thr, dict) else fmt(thr, 1, u))
        facts = [("Measured", meas), ("Threshold", thr_s), ("Side", side_word(f.get("side"))),
                 ("Gait cycles", str(f.get("n_cycles")) if f.get("n_cycles") is not None else None),
                 ("Confidence", fmt(f.get("confidence"), 2) if num(f.get("confidence")) is not None
                  else (str(f["confidence"]) if f.get("confidence") else None)),
                 ("View", str(f.get("view")) if f.get("view") else None),
                 ("Reference", _reference_text(f.get("reference"), refs) or None)]
        sev = str(f.get("severity") or "none").lower()
        cards.append({"id": str(f.get("id", "")), "title": text(f.get("title") or f.get("id") or "finding"),
                      "severity": {"word": _SEVERITY_WORDS.get(sev, sev),
                                   "css": re.sub(r"[^a-z]", "", sev) or "none"},
                      "facts": [(k, v) for k, v in facts if v is not None],
                      "evidence": _evidence(f.get("evidence"))})
    not_measurable = []
    for x in d.summary.get("not_measurable") or []:
        if isinstance(x, dict):
            not_measurable.append((text(x.get("what", "")), text(x.get("why", "")),
                                   text(x.get("view") or x.get("which_view") or "")))
        else:
            not_measurable.append((text(x), "", ""))
    return {"none": "no findings: no rule could be checked on this clip (see what is not measurable below)"
                    if not items else None,
            "all_typical": bool(items) and not notable,
            "cards": cards,
            "checked": [text(f.get("title") or f.get("id") or "") + (f" ({side_word(f.get('side'))})" if f.get("side") else "")
                        for f in checked],
            "not_measurable": not_measurable}


@dataclass
class KeyRow:
    name: str
    mean: dict[str, float | None]
    sd: dict[str, float | None]
    n: dict[str, int | None]
    low: float | None
    high: float | None
    source: str
    note: str = ""


def key_rows(d: ReportData) -> list[KeyRow]:
    """Key values per side from summary.json, or else from cycles.csv, with their typical
    ranges (summary.json's own, else findings.rules.KEY_VALUES)."""
    rows: list[KeyRow] = []
    kv = (d.summary or {}).get("key_values")
    refs = _summary_refs(d.summary or {})
    if isinstance(kv, dict) and kv:
        for name, e in kv.items():
            if not isinstance(e, dict):
                continue
            mean, sd, n = {}, {}, {}
            per_side = e.get("sides") if isinstance(e.get("sides"), dict) else e
            for side in SIDES + ("both", "c"):
                for key in (side, SIDE_NAMES.get(side, side)):
                    if key in per_side:
                        mean[side], sd[side], n[side] = _side_stats(per_side[key])
            if not mean and "mean" in e:
                mean["c"], sd["c"], n["c"] = _side_stats(e)
            nr = e.get("normal") or e.get("normal_range") or {}
            low = high = None
            src = ""
            if isinstance(nr, dict):
                low, high = num(nr.get("low", nr.get("min"))), num(nr.get("high", nr.get("max")))
                src = _reference_text(nr.get("source") or nr.get("reference"), refs)
            elif isinstance(nr, (list, tuple)) and len(nr) >= 2:
                low, high = num(nr[0]), num(nr[1])
                src = _reference_text(nr[2], refs) if len(nr) > 2 else ""
            note = ""
            spec = KEY_VALUE_SPECS.get(name)
            if low is None and high is None and spec is not None and (spec.low, spec.high) != (None, None):
                low, high, src, note = spec.low, spec.high, _short_ref(spec.reference), spec.note
            rows.append(KeyRow(name, mean, sd, n, low, high, src, note))
        return rows
    if d.cycles is None:
        return rows
    for name in d.cycles.columns:
        if name in CYCLE_ID_COLUMNS or not pd.api.types.is_numeric_dtype(d.cycles[name]):
            continue
        mean, sd, n = {}, {}, {}
        for side in SIDES:
            v = d.cycles.loc[d.cycles["side"] == side, name].dropna().to_numpy(float)
            mean[side] = float(v.mean()) if len(v) else None
            sd[side] = float(v.std(ddof=1)) if len(v) > 1 else None
            n[side] = len(v)
        if all(x is None for x in mean.values()):
            continue
        low = high = None
        src = note = ""
        spec = KEY_VALUE_SPECS.get(name)
        if spec is not None and (spec.low, spec.high) != (None, None):
            low, high, src, note = spec.low, spec.high, _short_ref(spec.reference), spec.note
        rows.append(KeyRow(name, mean, sd, n, low, high, src, note))
    return rows


def key_values(d: ReportData) -> dict:
    rows = key_rows(d)
    if not rows:
        why = d.missing.get("cycles") or d.missing.get("summary") or "no key values"
        if d.missing.get("events"):
            why = f"no gait events: {d.missing['events']}"
        return {"none": f"no key values: {why}", "running": running_rows(d)}
    out = []
    for r in rows:
        unit = unit_of(r.name)
        nd = 2 if unit == " s" else 1
        label = KEY_LABELS.get(r.name, humanise(r.name))
        cells = []
        for side in SIDES:
            if side in r.mean or any(k in r.mean for k in SIDES):
                m = r.mean.get(side)
                txt = fmt(m, nd, unit)
                if r.sd.get(side) is not None:
                    txt += f" ± {fmt(r.sd[side], nd)}"
                outside = (m is not None and ((r.low is not None and m < r.low)
                                              or (r.high is not None and m > r.high)))
                cells.append({"text": txt, "n": r.n.get(side), "outside": outside, "colspan": None})
        if not cells:   # a central value (trunk, pelvis) measured over both sides' cycles
            m = next(iter(r.mean.values()), None)
            s = next(iter(r.sd.values()), None)
            cells = [{"text": fmt(m, nd, unit) + (f" ± {fmt(s, nd)}" if s is not None else ""),
                      "n": None, "outside": False, "colspan": 2}]
        bar = plots.range_svg({k: v for k, v in r.mean.items() if k in ("l", "r", "c", "both")},
                              r.low, r.high, sd={k: v for k, v in r.sd.items() if v is not None},
                              title=f"{label}: values against the typical range")
        out.append({"label": label, "cells": cells, "bar": Markup(bar),
                    "range": (f"{fmt(r.low, nd)} to {fmt(r.high, nd, unit)}"
                              if r.low is not None and r.high is not None else "— no published range set"),
                    "note": r.note, "source": r.source})
    return {"rows": out, "colours": side_colours(), "running": running_rows(d)}


def running_rows(d: ReportData) -> dict | None:
    """Running bouts' values, shown without a typical range or a rating."""
    run = (d.summary or {}).get("running")
    if not isinstance(run, dict):
        return None
    rows = []
    for col, e in (run.get("key_values") or {}).items():
        unit = unit_of(col)
        cells = []
        for side in SIDES:
            m, sd, n = _side_stats((e or {}).get(side))
            cells.append(fmt(m, 1, unit) + (f" ± {fmt(sd, 1)}" if sd is not None else "")
                         + (f" (n={n})" if n else ""))
        rows.append((KEY_LABELS.get(col, humanise(col)), cells))
    return {"note": text(run.get("note") or ""), "cadence": fmt(run.get("cadence_steps_per_min"), 1),
            "rows": rows}


def trust(d: ReportData) -> dict | None:
    """What footcam did not trust on this clip and why, and how far each curve holds up."""
    t = ((d.summary or {}).get("quality") or {}).get("trust")
    if not isinstance(t, dict):
        return None
    lines = []
    if t.get("frames_masked"):
        why = "; ".join(f"{k} ({v})" for k, v in (t.get("frames_masked_reasons") or {}).items())
        lines.append(f"{t['frames_masked']} frames with a skeleton no body can take were treated as "
                     f"frames without a pose: {why}")
    if t.get("values_gated"):
        per = ", ".join(f"{humanise(k)} {v}" for k, v in (t.get("values_gated_per_angle") or {}).items())
        lines.append(f"{t['values_gated']} angle values outside what a body can reach were removed ({per})")
    if t.get("cycles_left_out"):
        why = "; ".join(f"{k} ({v})" for k, v in (t.get("cycles_left_out_reasons") or {}).items())
        lines.append(f"{t['cycles_left_out']} gait cycles were left out: {why}")
    for w in t.get("values_withheld") or []:
        lines.append(f"{side_word(w.get('side'))} {humanise(str(w.get('angle', '')))}: values withheld: "
                     f"{text(w.get('why', ''))}")
    curves = []
    for base, e in (t.get("curves") or {}).items():
        for side in SIDES:
            x = e.get(side)
            if isinstance(x, dict):
                curves.append((f"{humanise(base)}, {side_word(side)}"
                               + (f" ({x['leg_view']} leg)" if x.get("leg_view") else ""),
                               fmt(x.get("shape_r"), 2), "passes" if x.get("passes") else "withheld",
                               text(x.get("words") or "") + (f"; {x['there_and_back']}" if x.get("there_and_back") else "")))
        if isinstance(e.get("left_right"), str):
            curves.append((f"{humanise(base)}, left against right", "", "", text(e["left_right"])))
    return {"lines": lines or ["nothing was removed: every value was within what a body can reach"],
            "curves": curves}


def typical_band(angle: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(low, high) over 0..100 % (CURVE_SAMPLES samples) of an angle's typical pattern
    (findings.rules.TYPICAL_CURVES), or None."""
    if angle not in TYPICAL_CURVES:
        return None
    pts, half = TYPICAL_CURVES[angle]
    x = np.arange(CURVE_SAMPLES, dtype=float)
    px, py = np.array(pts, float).T
    mean = np.interp(x, px, py)
    # smooth the corners with a short circular moving average (the cycle is periodic)
    k = 7
    padded = np.concatenate([mean[-k - 1:-1], mean, mean[1:k + 1]])
    mean = np.convolve(padded, np.ones(2 * k + 1) / (2 * k + 1), mode="valid")[:CURVE_SAMPLES]
    return mean - half, mean + half


def _toe_off_pct(d: ReportData) -> dict[str, float]:
    out = {}
    if d.cycles is not None and "stance_pct" in d.cycles.columns:
        for side in SIDES:
            v = pd.to_numeric(d.cycles.loc[d.cycles["side"] == side, "stance_pct"], errors="coerce").dropna()
            if len(v):
                out[side] = float(v.mean())
    return out


def curves(d: ReportData) -> dict:
    if not d.curves:
        why = d.missing.get("curves", "no gait cycles")
        prefix = "no gait events" if "events" in d.missing else "no gait-cycle curves"
        return {"none": f"{prefix}: {why}"}
    toe = _toe_off_pct(d)
    bases = [b for b in CURVE_ORDER if any((b, s) in d.curves for s in SIDES)]
    bases += sorted({b for b, _ in d.curves} - set(bases))
    figures = []
    for base in bases:
        sides = {s: (d.curves[(base, s)].mean, d.curves[(base, s)].sd) for s in SIDES if (base, s) in d.curves}
        band = typical_band(base)
        title, meaning = ANGLE_LABELS.get(base, (humanise(base), ""))
        svg = plots.curve_svg(np.linspace(0, 100, CURVE_SAMPLES), sides, band=band,
                              toe_off_pct={s: toe[s] for s in sides if s in toe},
                              title=f"{title} over the gait cycle", y_label="degrees")
        ns = ", ".join(f"{plots.SIDE_STYLE[s]['label']} n={d.curves[(base, s)].n}" for s in sides
                       if d.curves[(base, s)].n is not None)
        figures.append({"title": title, "meaning": meaning, "cycles": f"cycles: {ns}" if ns else "",
                        "no_band": "" if band is not None else (" · no typical band drawn for this angle"
                                                                if ns else "no typical band drawn for this angle"),
                        "svg": Markup(svg)})
    return {"figures": figures, "colours": side_colours(), "band_fill": plots.BAND_FILL,
            "source": d.curves_source}


def timing(d: ReportData) -> dict:
    st = (d.summary or {}).get("spatiotemporal")
    rows = []
    if isinstance(st, dict) and st:
        for k, v in st.items():
            label = SPATIOTEMPORAL_LABELS.get(k, humanise(k))
            if isinstance(v, dict):
                sides = {s: _side_stats(v.get(s, v.get(SIDE_NAMES[s]))) for s in SIDES
                         if s in v or SIDE_NAMES[s] in v}
                if sides:
                    cells = [fmt(sides[s][0], 2) + (f" ± {fmt(sides[s][1], 2)}" if sides[s][1] is not None else "")
                             if s in sides else "—" for s in SIDES]
                else:
                    m, sdv, _ = _side_stats(v)
                    cells = [fmt(m, 2) + (f" ± {fmt(sdv, 2)}" if sdv is not None else ""), None]
            else:
                cells = [fmt(v, 2), None]
            if label.startswith("Cadence"):
                cells = [c if c is None else re.sub(r"^(\d+)\.\d+$", r"\1", c) for c in cells]
            rows.append((label, cells))
    elif d.cycles is not None:
        for k in ("stride_time_s", "stance_pct", "swing_pct"):
            if k in d.cycles.columns:
                cells = []
                for s in SIDES:
                    v = pd.to_numeric(d.cycles.loc[d.cycles["side"] == s, k], errors="coerce").dropna()
                    cells.append(fmt(v.mean(), 2) + (f" ± {fmt(v.std(ddof=1), 2)}" if len(v) > 1 else "") if len(v) else "—")
                rows.append((SPATIOTEMPORAL_LABELS.get(k, humanise(k)), cells))
        stt = pd.to_numeric(d.cycles["stride_time_s"], errors="coerce").dropna() if "stride_time_s" in d.cycles else []
        if len(stt):
            rows.insert(0, ("Cadence (steps/min)", [fmt(120.0 / float(np.mean(stt)), 0), None]))
    no_table = None
    if not rows and d.events is not None:
        no_table = f"no step timing: {d.missing.get('cycles') or 'no complete gait cycle'}"

    a = d.analysis
    dur = num((a.get("video") or {}).get("duration_s"))
    if dur is None and d.angles is not None:
        dur = float(d.angles["time_s"].max())
    quality = None
    if d.angles is not None and "quality" in d.angles.columns:
        quality = (d.angles["time_s"].to_numpy(float), pd.to_numeric(d.angles["quality"], errors="coerce").to_numpy(float))
    events = [] if d.events is None else d.events.to_dict("records")
    svg = plots.timeline_svg(dur or 1.0, events, bouts(a), quality, title="Event timeline")
    counts = None
    if d.events is not None:
        n = d.events.groupby(["side", "event"]).size().to_dict()
        counts = "Events: " + "; ".join(
            f"{plots.SIDE_STYLE[s]['label']} {n.get((s, 'hs'), 0)} heel strikes, {n.get((s, 'to'), 0)} toe offs"
            for s in SIDES) + "."
    return {"rows": [{"label": lab, "cells": cells} for lab, cells in rows], "no_table": no_table,
            "timeline": Markup(svg), "colour": plots.SIDE_STYLE["l"]["colour"],
            "no_events": None if d.events is not None else
            f"no gait events: {d.missing.get('events', 'events.csv is missing')}",
            "counts": counts}


def stills(d: ReportData) -> dict:
    if not d.stills:
        return {"none": d.missing.get("stills", "no still frames"), "keep": False}
    return {"figures": [{"src": "data:image/png;base64," + base64.b64encode(b).decode("ascii"),
                         "width": int(w), "height": int(h), "caption": still_caption(name)}
                        for name, b, (w, h) in d.stills],
            "keep": len(d.stills) <= 4}


def toes(d: ReportData) -> dict | None:
    """Toe splay and forefoot values when `footcam toes ... -o` wrote toes.json into this
    folder (no section otherwise)."""
    if not d.clip.has("toes.json"):
        return None
    try:
        lines = summary_lines(d.clip.toes)
    except (ResultError, KeyError, TypeError, ValueError) as e:
        why = e.detail if isinstance(e, ResultError) else f"toes.json could not be read ({type(e).__name__})"
        return {"none": why}
    png = d.clip.file("toes.png")
    src = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii") if png else None
    return {"lines": lines, "picture": src}


def quality(d: ReportData) -> dict:
    a = d.analysis
    v = a.get("video") or {}
    fr = a.get("frames") or {}
    cl = a.get("cleaning") or {}
    total, with_pose = fr.get("total"), fr.get("with_pose")
    rot = (v.get("rotation") or {})
    wh = rot.get("analysed_wh") or v.get("display_wh")
    fps = num(v.get("fps"))
    facts = [
        ("Clip", source_name(a)),
        ("Video", f"{fmt(v.get('duration_s'), 1)} s, {v.get('n_frames', '—')} frames at "
                  f"{fmt(fps, 2)} fps{' (variable frame rate)' if v.get('variable_frame_rate') else ''}"
                  + (f", {wh[0]}×{wh[1]} px upright" if wh and len(wh) == 2 else "")
                  + (f", turned {rot.get('total_ccw_deg')}° to stand upright" if rot.get("total_ccw_deg") else "")),
    ]
    if total:
        person = a.get("person")
        facts.append(("Person found", f"in {with_pose} of {total} frames ({100 * with_pose / total:.0f} %)"
                      + (f"; {person.get('reason')}" if isinstance(person, dict) and person.get("reason") else "")))
    if d.angles is not None and "quality" in d.angles.columns:
        q = pd.to_numeric(d.angles["quality"], errors="coerce")
        facts.append(("Pose quality", f"median {fmt(q.median(), 2)} on a 0–1 scale (MediaPipe's visibility of "
                                      f"the leg and trunk points); below 0.5 in {int((q < 0.5).sum())} frames"))
    if cl:
        facts.append(("Cleaning", f"left/right leg labels corrected in {cl.get('leg_swap_frames', 0)} frames; "
                                  f"{cl.get('masked_landmarks', 0)} low-visibility points masked, "
                                  f"{cl.get('filled_landmarks', 0)} filled over short gaps"))
    sq = (d.summary or {}).get("quality")
    if isinstance(sq, dict):
        for k, val in sq.items():
            if isinstance(val, (str, int, float)) and not isinstance(val, bool):
                facts.append((humanise(str(k)), fmt(val, 2) if isinstance(val, float) else str(val)))
    if d.cycles is not None:
        n = d.cycles.groupby("side").size().to_dict()
        facts.append(("Gait cycles used", ", ".join(f"{plots.SIDE_STYLE[s]['label']} {n.get(s, 0)}" for s in SIDES)))
    avail = a.get("angles_available") or {}
    na = sorted({e.get("reason", "") for e in avail.values() if isinstance(e, dict) and not e.get("available")} - {""})
    return {"facts": [(k, text(v)) for k, v in facts if v is not None],
            "bouts": [(f"{fmt(b['start_s'], 1)}–{fmt(b['stop_s'], 1)} s", b["view"], b["direction"],
                       b["activity"] + (f" — not rated: {b['unusual']}" if b["unusual"] else ""),
                       fmt(b["confidence"], 2)) for b in bouts(a)],
            "trust": trust(d),
            "warnings": [text(w) for w in a.get("warnings") or []],
            "not_measurable": na if na and not (d.summary or {}).get("not_measurable") else []}


def references(d: ReportData) -> dict:
    items: list[tuple[str | None, str]] = []      # (id attribute, text)
    refs = (d.summary or {}).get("references")
    seen = set()
    if isinstance(refs, dict):
        for k, v in refs.items():
            txt = v.get("citation") or v.get("text") or json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
            items.append((f"ref-{re.sub(r'[^A-Za-z0-9_-]', '', str(k))}", str(txt)))
            seen.add(str(txt).split(".")[0])
    elif isinstance(refs, list):
        for v in refs:
            txt = (v.get("citation") or v.get("text") or v.get("id")) if isinstance(v, dict) else v
            items.append((None, str(txt)))
            seen.add(str(txt).split(".")[0])
    for _, citation in ALL_REFERENCES.values():
        if citation.split(".")[0] not in seen:
            items.append((None, citation))
    a = d.analysis
    return {"citations": items,
            "about": [f"Model {(a.get('model') or {}).get('name', '—')}, "
                      f"source sha256 {str((a.get('source') or {}).get('sha256', '—'))[:16]}…, "
                      f"folder written by footcam {a.get('footcam_version', '—')}, "
                      f"report by footcam {__version__}."],
            "notes": list(d.notes)}


@dataclass(frozen=True)
class Section:
    """One section of the page: ``templates/sections/<name>.html.j2`` fed with ``view(data)``."""

    name: str
    view: Callable[[ReportData], dict | None]

    @property
    def template(self) -> str:
        return f"sections/{self.name}.html.j2"


#: the page, top to bottom
SECTIONS: tuple[Section, ...] = (
    Section("header", header), Section("findings", findings), Section("key_values", key_values),
    Section("curves", curves), Section("timing", timing), Section("stills", stills),
    Section("toes", toes), Section("quality", quality), Section("references", references),
)


def page(d: ReportData) -> dict:
    """The view data of the whole page: its title and every section's (name, template, view).
    Every view has ``none``: the plain sentence a section shows instead of its content when
    the folder lacks its data (None when it has it)."""
    name = source_name(d.analysis)
    return {"name": name, "version": __version__,
            "sections": [(s.name, s.template, {"none": None, **v}) for s in SECTIONS
                         if (v := s.view(d)) is not None]}
