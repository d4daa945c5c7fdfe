"""report.html: one self-contained page a clinician can read, print on A4 and keep offline.

``write_report(out_dir)`` reads a finished clip folder (analysis.json and angles.csv, and
whatever of events.csv, cycles.csv, curves.csv, summary.json and stills/*.png exist) and writes
``report.html`` atomically. Every section whose data is missing says so in plain words instead of
breaking. Nothing in the page is fetched: styles are inline, charts are inline SVG
(``plots.py``), stills are data URIs, and a Content-Security-Policy forbids any request.

Every text from the folder (clip names, finding titles, warnings) is escaped: the page is built
from ``Html`` fragments, and anything that is not already an ``Html`` fragment is escaped when
it is put into one.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import re
import struct
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .. import __version__
from ..constants import SIDES
from ..errors import FootcamError
from . import plots
from .files import atomic_write_text

REPORT_NAME = "report.html"
N_CURVE = 101
#: stills beyond this many are left out of the page (it must stay printable)
MAX_STILLS = 12
#: a cycle computed here from angles.csv needs this share of its samples measured
CURVE_MIN_COVERAGE = 0.8
#: gait cycles outside this duration are not averaged (a pause or a missed heel strike)
CYCLE_S_RANGE = (0.4, 2.5)

DISCLAIMER = ("footcam measures joint angles from an ordinary video. It is a measurement tool, "
              "never a diagnosis: read these numbers with the person's history and a clinical "
              "examination. Angles from a single camera are less precise than a motion lab's.")


# --- safe HTML fragments -------------------------------------------------------------------------

class Html(str):
    """A fragment already safe to put into the page. Adding anything to it escapes that."""

    def __add__(self, other: Any) -> "Html":
        return Html(str.__add__(self, esc(other)))

    def __radd__(self, other: Any) -> "Html":
        return Html(str.__add__(esc(other), self))


def esc(x: Any) -> Html:
    return x if isinstance(x, Html) else Html(escape("" if x is None else str(x), quote=True))


def join(parts: Iterable[Any], sep: str = "") -> Html:
    return Html(esc(sep).join(esc(p) for p in parts))


def tag(name: str, *children: Any, **attrs: Any) -> Html:
    """``<name attrs>children</name>``; attribute names: ``class_`` → ``class``, ``_`` → ``-``."""
    a = "".join(f' {k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items()
                if v is not None and v is not False)
    return Html(f"<{name}{a}>" + "".join(esc(c) for c in children) + f"</{name}>")


def fmt(x: Any, nd: int = 1, unit: str = "") -> str:
    """A number for the page: ``—`` when missing, a real minus sign, the unit after it."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "—" if x is None or x == "" else str(x)
    if not math.isfinite(v):
        return "—"
    s = f"{v:.{nd}f}".replace("-", "−")
    if s in ("−0", "−0.0", "−0.00"):
        s = s[1:]
    return s + unit


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# --- reference values ----------------------------------------------------------------------------
# Used only where summary.json (footcam.findings) does not give a normal range itself.

REFERENCES: dict[str, str] = {
    "perry2010": "Perry J, Burnfield JM. Gait Analysis: Normal and Pathological Function. 2nd ed. "
                 "Thorofare, NJ: SLACK; 2010.",
    "kadaba1990": "Kadaba MP, Ramakrishnan HK, Wootten ME. Measurement of lower extremity "
                  "kinematics during level walking. J Orthop Res. 1990;8(3):383-392.",
    "winter2009": "Winter DA. Biomechanics and Motor Control of Human Movement. 4th ed. "
                  "Hoboken, NJ: Wiley; 2009.",
}

REFERENCE_SHORT: dict[str, str] = {"perry2010": "Perry & Burnfield 2010",
                                   "kadaba1990": "Kadaba et al. 1990", "winter2009": "Winter 2009"}

#: typical adult values at a comfortable walking speed: (low, high, reference key, note)
NORMAL_RANGES: dict[str, tuple[float, float, str, str]] = {
    "peak_ankle_dorsiflexion_stance_deg": (5.0, 15.0, "perry2010", "about 10° in terminal stance"),
    "ankle_dorsiflexion_at_toe_off_deg": (-20.0, -10.0, "perry2010", "about 15° plantarflexion at toe off"),
    "peak_knee_flexion_swing_deg": (55.0, 65.0, "perry2010", "about 60° in initial swing"),
    "peak_hip_extension_deg": (5.0, 20.0, "perry2010", "thigh about 10–20° behind the vertical in terminal stance"),
    "pelvic_rotation_range_deg": (6.0, 14.0, "perry2010", "about 10° in all (5° each way)"),
    "stance_pct": (57.0, 63.0, "perry2010", "about 60 % stance, 40 % swing"),
    "swing_pct": (37.0, 43.0, "perry2010", "about 40 % of the cycle"),
}

#: typical adult sagittal patterns over the gait cycle, as (% cycle, mean) key points drawn
#: through the values in Perry & Burnfield (2010) and the shapes of Kadaba (1990) and Winter
#: (2009), with a ± half-width. A guide to the shape, not a normative data set: footcam's hip is
#: the thigh against the vertical (no pelvis markers), so no lab curve is directly comparable.
NORMAL_PATTERNS: dict[str, tuple[tuple[tuple[float, float], ...], float]] = {
    "ankle_dorsiflexion_deg": (((0, 0), (7, -5), (15, 0), (30, 5), (45, 10), (50, 9), (55, 3),
                                (60, -12), (65, -16), (70, -10), (80, -2), (90, 0), (100, 0)), 6.0),
    "knee_flexion_deg": (((0, 5), (15, 18), (30, 9), (40, 5), (50, 9), (60, 38), (67, 55),
                          (72, 60), (80, 50), (90, 20), (97, 4), (100, 5)), 7.0),
    "hip_flexion_deg": (((0, 22), (10, 20), (30, 5), (50, -11), (55, -12), (62, -6), (75, 14),
                         (87, 25), (100, 22)), 8.0),
}


def normal_band(angle: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(low, high) over 0..100 % (101 samples) for an angle's typical pattern, or None."""
    if angle not in NORMAL_PATTERNS:
        return None
    pts, half = NORMAL_PATTERNS[angle]
    x = np.arange(N_CURVE, dtype=float)
    px, py = np.array(pts, float).T
    mean = np.interp(x, px, py)
    # smooth the corners with a short circular moving average (the cycle is periodic)
    k = 7
    padded = np.concatenate([mean[-k - 1:-1], mean, mean[1:k + 1]])
    mean = np.convolve(padded, np.ones(2 * k + 1) / (2 * k + 1), mode="valid")[: N_CURVE]
    return mean - half, mean + half


# --- plain words for the numbers -----------------------------------------------------------------

ANGLE_LABELS: dict[str, tuple[str, str]] = {
    # column base: (title, what + means)
    "ankle_dorsiflexion_deg": ("Ankle", "+ dorsiflexion (toes toward the shin), − plantarflexion"),
    "knee_flexion_deg": ("Knee", "+ flexion"),
    "hip_flexion_deg": ("Hip (thigh against the vertical)", "+ thigh forward (flexion), − thigh behind (extension)"),
    "trunk_extension_deg": ("Trunk (lumbar proxy)", "+ leaning back (extension), − leaning forward"),
    "pelvic_rotation_deg": ("Pelvic rotation", "+ right hip forward"),
    "pelvic_obliquity_deg": ("Pelvic obliquity", "+ right hip higher"),
    "trunk_lateral_lean_deg": ("Trunk side lean", "+ toward the right"),
    "foot_progression_deg": ("Foot progression", "+ toe-out, − toe-in"),
    "hip_rotation_deg": ("Hip rotation (foot against the pelvis, a proxy)", "+ external"),
}
CURVE_ORDER = tuple(ANGLE_LABELS)

KEY_LABELS: dict[str, str] = {
    "peak_ankle_dorsiflexion_stance_deg": "Ankle: most dorsiflexion in stance",
    "ankle_dorsiflexion_at_toe_off_deg": "Ankle at toe off (− = plantarflexion, push-off)",
    "peak_knee_flexion_swing_deg": "Knee: most flexion in swing",
    "peak_hip_extension_deg": "Hip: most extension (thigh behind the vertical)",
    "pelvic_rotation_range_deg": "Pelvis: rotation range",
    "trunk_extension_mean_deg": "Trunk (lumbar proxy): mean extension (− = forward lean)",
    "trunk_extension_range_deg": "Trunk (lumbar proxy): extension range in a cycle",
    "foot_progression_stance_deg": "Foot progression in stance (+ = toe-out)",
    "stride_time_s": "Stride time",
    "stance_pct": "Stance, % of the cycle",
    "swing_pct": "Swing, % of the cycle",
}
#: columns of cycles.csv that are not key values
CYCLE_ID_COLUMNS = {"side", "cycle", "bout", "start_s", "end_s", "start_frame", "end_frame",
                    "view", "quality", "confidence", "valid"}

SPATIOTEMPORAL_LABELS: dict[str, str] = {
    "cadence_steps_per_min": "Cadence (steps/min)",
    "stride_time_s": "Stride time (s)",
    "step_time_s": "Step time (s)",
    "stance_pct": "Stance (% of cycle)",
    "swing_pct": "Swing (% of cycle)",
    "double_support_pct": "Double support (% of cycle)",
    "stride_length_m": "Stride length (m)",
    "step_length_m": "Step length (m)",
    "walking_speed_m_per_s": "Walking speed (m/s)",
}


def humanise(name: str) -> str:
    """``peak_knee_flexion_swing_deg`` → ``Peak knee flexion swing (deg)``, for names the
    report has no words for yet."""
    m = re.match(r"^(.*?)_(deg|pct|s|m|m_per_s|steps_per_min)$", name)
    base, unit = (m.group(1), m.group(2)) if m else (name, "")
    words = base.replace("_", " ").strip()
    unit_words = {"deg": "°", "pct": "%", "s": "s", "m": "m", "m_per_s": "m/s", "steps_per_min": "steps/min"}
    return (words[:1].upper() + words[1:]) + (f" ({unit_words[unit]})" if unit else "")


def unit_of(name: str) -> str:
    for suffix, u in (("_deg", "°"), ("_pct", " %"), ("_m_per_s", " m/s"), ("_steps_per_min", " /min"),
                      ("_s", " s"), ("_m", " m")):
        if name.endswith(suffix):
            return u
    return ""


# --- reading the folder --------------------------------------------------------------------------

@dataclass
class Curve:
    mean: np.ndarray
    sd: np.ndarray | None
    n: int | None


@dataclass
class ReportData:
    """What the folder holds; ``missing`` says, per part, why it is absent."""

    out_dir: Path
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


def _read_csv(path: Path, data: ReportData, key: str) -> pd.DataFrame | None:
    if not path.exists():
        data.missing[key] = f"{path.name} is not in the folder"
        return None
    try:
        df = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as e:
        data.missing[key] = f"{path.name} could not be read ({type(e).__name__})"
        return None
    return df


def _read_events(data: ReportData) -> None:
    df = _read_csv(data.out_dir / "events.csv", data, "events")
    if df is None:
        return
    need = {"side", "event", "time_s"}
    if not need <= set(df.columns):
        data.missing["events"] = f"events.csv lacks the columns {sorted(need - set(df.columns))}"
        return
    df = df.copy()
    df["side"] = df["side"].astype(str).str.lower().str[0]
    df["event"] = df["event"].astype(str).str.lower()
    df = df[df["side"].isin(SIDES) & df["event"].isin(("hs", "to"))]
    df = df[pd.to_numeric(df["time_s"], errors="coerce").notna()]
    df["time_s"] = df["time_s"].astype(float)
    if df.empty:
        data.missing["events"] = "no heel strike or toe off was detected in the clip"
        return
    data.events = df.sort_values("time_s").reset_index(drop=True)


def _read_cycles(data: ReportData) -> None:
    df = _read_csv(data.out_dir / "cycles.csv", data, "cycles")
    if df is None:
        return
    if "side" not in df.columns:
        data.missing["cycles"] = "cycles.csv lacks the column 'side'"
        return
    df = df.copy()
    df["side"] = df["side"].astype(str).str.lower().str[0]
    if "valid" in df.columns:
        df = df[df["valid"].astype(str).str.lower().isin(("1", "true", "1.0"))]
    if df.empty:
        data.missing["cycles"] = "no complete gait cycle (heel strike to the next heel strike of the same foot)"
        return
    data.cycles = df


_WIDE = re.compile(r"^(?P<angle>.+_deg)(?:_(?P<s1>[lr]))?_(?P<stat>mean|sd|n)(?:_(?P<s2>[lr]))?$")


def parse_curves(df: pd.DataFrame) -> dict[tuple[str, str], Curve]:
    """Normalised curves from a table in long form (angle, side, pct, mean, sd[, n]) or wide
    form (pct, <angle>[_<side>]_mean[_<side>], ..._sd); keys are (angle base, side)."""
    cols = {c.lower(): c for c in df.columns}
    angle_c = next((cols[c] for c in ("angle", "column", "name", "variable", "quantity") if c in cols), None)
    pct_c = next((cols[c] for c in ("pct", "percent", "cycle_pct", "pct_cycle", "gait_cycle_pct", "sample") if c in cols), None)
    out: dict[tuple[str, str], Curve] = {}
    if angle_c and pct_c and "mean" in cols and "side" in cols:
        for (angle, side), g in df.groupby([angle_c, cols["side"]], sort=False):
            g = g.sort_values(pct_c)
            if len(g) < 2:
                continue
            base = re.sub(r"_[lr]$", "", str(angle))
            x = g[pct_c].to_numpy(float)
            if x.max() <= 1.0 + 1e-9:
                x = x * 100
            grid = np.linspace(0, 100, N_CURVE)
            mean = np.interp(grid, x, g[cols["mean"]].to_numpy(float))
            sd = np.interp(grid, x, g[cols["sd"]].to_numpy(float)) if "sd" in cols else None
            n = int(g[cols["n"]].max()) if "n" in cols and g[cols["n"]].notna().any() else None
            out[(base, str(side).lower()[0])] = Curve(mean, sd, n)
        return out
    if pct_c:
        stats: dict[tuple[str, str], dict[str, str]] = {}
        for c in df.columns:
            m = _WIDE.match(str(c))
            if m:
                side = m.group("s1") or m.group("s2")
                if side:
                    stats.setdefault((m.group("angle"), side), {})[m.group("stat")] = c
        for key, st in stats.items():
            if "mean" in st:
                n = df[st["n"]].max() if "n" in st else None
                out[key] = Curve(df[st["mean"]].to_numpy(float),
                                 df[st["sd"]].to_numpy(float) if "sd" in st else None,
                                 int(n) if n is not None and np.isfinite(n) else None)
    return out


def curves_from_angles(angles: pd.DataFrame, events: pd.DataFrame) -> dict[tuple[str, str], Curve]:
    """Mean ± SD over the gait cycle (101 samples) per side and angle, from the per-frame angles
    and the heel strikes: each cycle is one heel strike to the next of the same foot in the same
    bout, resampled on its own time base; cycles with too few measured samples are left out."""
    t = angles["time_s"].to_numpy(float)
    bout = angles["bout"].to_numpy() if "bout" in angles.columns else np.zeros(len(t))
    out: dict[tuple[str, str], Curve] = {}
    for side in SIDES:
        hs = events[(events["side"] == side) & (events["event"] == "hs")].sort_values("time_s")
        hs_t = hs["time_s"].to_numpy(float)
        hs_b = hs["bout"].to_numpy() if "bout" in hs.columns else None
        spans = []
        for i in range(len(hs_t) - 1):
            a, b = hs_t[i], hs_t[i + 1]
            if hs_b is not None and hs_b[i] != hs_b[i + 1]:
                continue
            if CYCLE_S_RANGE[0] <= b - a <= CYCLE_S_RANGE[1]:
                spans.append((a, b))
        for base in CURVE_ORDER:
            col = f"{base}_{side}" if f"{base}_{side}" in angles.columns else base
            if col not in angles.columns or (col == base and f"{base}_l" in angles.columns):
                continue
            y = angles[col].to_numpy(float)
            rows = []
            for a, b in spans:
                # the frames of the cycle plus one either side: heel strikes fall between frames
                i0 = max(int(np.searchsorted(t, a, side="right")) - 1, 0)
                i1 = min(int(np.searchsorted(t, b, side="left")) + 1, len(t))
                inside = np.zeros(len(t), bool)
                inside[i0:i1] = True
                if inside.sum() < 5 or len(set(bout[(t >= a) & (t <= b)])) > 1:
                    continue
                ok = inside & np.isfinite(y)
                if ok.sum() < CURVE_MIN_COVERAGE * inside.sum() or t[ok].min() > a or t[ok].max() < b:
                    continue
                grid = np.linspace(a, b, N_CURVE)
                rows.append(np.interp(grid, t[ok], y[ok]))
            if rows:
                m = np.vstack(rows)
                out[(base, side)] = Curve(m.mean(axis=0), m.std(axis=0, ddof=1) if len(m) > 1 else None, len(m))
    return out


def _png_size(b: bytes) -> tuple[int, int] | None:
    if len(b) < 24 or b[:8] != b"\x89PNG\r\n\x1a\n" or b[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", b[16:24])


def _still_order(p: Path):
    """Stills in the order of the clip (the time in names like ``l_hs_1.67s.png``), then name."""
    m = re.search(r"(\d+(?:\.\d+)?)s\.png$", p.name)
    return (float(m.group(1)) if m else float("inf"), p.name)


def load(out_dir: str | Path) -> ReportData:
    """Read a finished clip folder. Raises FootcamError when it is not one."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FootcamError("not a folder: expected a footcam output folder (from `footcam analyze`)", out_dir)
    ap = out_dir / "analysis.json"
    if not ap.exists():
        raise FootcamError("no analysis.json: expected a finished `footcam analyze` output folder", out_dir)
    try:
        analysis = json.loads(ap.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise FootcamError(f"analysis.json is not valid JSON ({e})", out_dir) from None
    if not isinstance(analysis, dict):
        raise FootcamError("analysis.json does not hold an object", out_dir)
    data = ReportData(out_dir=out_dir, analysis=analysis)
    data.angles = _read_csv(out_dir / "angles.csv", data, "angles")
    if data.angles is not None and "time_s" not in data.angles.columns:
        data.missing["angles"] = "angles.csv lacks the column time_s"
        data.angles = None
    _read_events(data)
    _read_cycles(data)

    cp = out_dir / "curves.csv"
    if cp.exists():
        df = _read_csv(cp, data, "curves")
        if df is not None:
            data.curves = parse_curves(df)
            data.curves_source = "curves.csv"
            if not data.curves:
                data.notes.append(f"curves.csv has a layout this report does not read (columns: "
                                  f"{', '.join(map(str, df.columns[:12]))})")
    if not data.curves and data.angles is not None and data.events is not None:
        data.curves = curves_from_angles(data.angles, data.events)
        data.curves_source = "angles.csv and the heel strikes in events.csv"
    if not data.curves:
        why = data.missing.get("events") or data.missing.get("angles") or \
            "no gait cycle had enough measured samples"
        data.missing["curves"] = why

    sp = out_dir / "summary.json"
    if sp.exists():
        try:
            s = json.loads(sp.read_text(encoding="utf-8"))
            data.summary = s if isinstance(s, dict) else None
            if data.summary is None:
                data.missing["summary"] = "summary.json does not hold an object"
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            data.missing["summary"] = f"summary.json could not be read ({type(e).__name__})"
    else:
        data.missing["summary"] = "footcam's findings have not been computed for this folder (no summary.json)"

    sd = out_dir / "stills"
    pngs = sorted(sd.glob("*.png"), key=_still_order) if sd.is_dir() else []
    for p in pngs:
        b = p.read_bytes()
        wh = _png_size(b)
        if wh is None:
            data.notes.append(f"stills/{p.name} is not a PNG image and was left out")
            continue
        data.stills.append((p.name, b, wh))
    if len(data.stills) > MAX_STILLS:
        data.notes.append(f"{len(data.stills)} stills in stills/: the first {MAX_STILLS} in time are shown")
        data.stills = data.stills[:MAX_STILLS]
    if not data.stills:
        data.missing["stills"] = ("no still frames: stills/ holds no PNG image" if sd.is_dir()
                                  else "no still frames: the folder has no stills/")
    return data


# --- sections ------------------------------------------------------------------------------------

def _none(msg: str) -> Html:
    return tag("p", msg, class_="none")


def _dl(rows: Iterable[tuple[Any, Any]]) -> Html:
    return tag("table", tag("tbody", join(tag("tr", tag("th", k, scope="row"), tag("td", v))
                                          for k, v in rows if v is not None)), class_="facts")


def _source_name(a: dict) -> str:
    return str((a.get("source") or {}).get("name") or (a.get("video") or {}).get("name") or "unnamed clip")


def _bouts(a: dict) -> list[dict]:
    out = []
    for b in a.get("bouts") or []:
        s, e = _num(b.get("start_s")), _num(b.get("stop_s"))
        if s is None or e is None:
            continue
        direction = str(b.get("direction", "")).replace("_", " ")
        out.append({"start_s": s, "stop_s": e, "view": str(b.get("view", "unknown")),
                    "direction": direction, "confidence": _num(b.get("confidence")),
                    "label": f"{b.get('view', 'unknown')} view, {direction}" if direction else str(b.get("view"))})
    return out


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


def section_header(d: ReportData) -> Html:
    a = d.analysis
    name = _source_name(a)
    bouts = _bouts(a)
    views = sorted({b["view"] for b in bouts})
    made = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    sub = join([tag("span", f"{', '.join(views) or 'unknown'} view"),
                tag("span", f"{fmt((a.get('video') or {}).get('duration_s'), 1)} s of video"),
                tag("span", f"report made {made}"),
                tag("span", f"footcam {a.get('footcam_version', __version__)}")], " · ")
    disclaimer = (d.summary or {}).get("disclaimer") or DISCLAIMER
    return join([
        tag("header",
            tag("p", "footcam walking report", class_="kicker"),
            tag("h1", name, id="clip-name"),
            tag("p", sub, class_="sub"),
            tag("p", join(_glance(d), " · "), class_="glance", id="glance")),
        tag("p", tag("strong", "A measurement, not a diagnosis. "), disclaimer, class_="disclaimer"),
    ])


def section_quality(d: ReportData) -> Html:
    a = d.analysis
    v = a.get("video") or {}
    fr = a.get("frames") or {}
    cl = a.get("cleaning") or {}
    total, with_pose = fr.get("total"), fr.get("with_pose")
    rot = (v.get("rotation") or {})
    wh = rot.get("analysed_wh") or v.get("display_wh")
    fps = _num(v.get("fps"))
    facts = [
        ("Clip", _source_name(a)),
        ("Video", f"{fmt(v.get('duration_s'), 1)} s, {v.get('n_frames', '—')} frames at "
                  f"{fmt(fps, 2)} fps{' (variable frame rate)' if v.get('variable_frame_rate') else ''}"
                  + (f", {wh[0]}×{wh[1]} px upright" if wh and len(wh) == 2 else "")
                  + (f", turned {rot.get('total_ccw_deg')}° to stand upright" if rot.get("total_ccw_deg") else "")),
    ]
    if total:
        facts.append(("Person found", f"in {with_pose} of {total} frames ({100 * with_pose / total:.0f} %)"
                      + (f"; {a['person'].get('reason')}" if isinstance(a.get("person"), dict) and a['person'].get('reason') else "")))
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
    bouts = _bouts(a)
    brows = [tag("tr", tag("td", f"{fmt(b['start_s'], 1)}–{fmt(b['stop_s'], 1)} s"), tag("td", b["view"]),
                 tag("td", b["direction"]), tag("td", fmt(b["confidence"], 2))) for b in bouts]
    btable = (tag("table", tag("thead", tag("tr", *(tag("th", h) for h in ("time", "view", "walking", "view confidence")))),
                  tag("tbody", join(brows)), class_="data") if brows
              else _none("no walking bout: the view and direction could not be established"))
    warns = a.get("warnings") or []
    wl = tag("ul", join(tag("li", w) for w in warns), class_="warnings") if warns else tag("p", "No warnings.")
    avail = a.get("angles_available") or {}
    na = sorted({e.get("reason", "") for e in avail.values() if isinstance(e, dict) and not e.get("available")} - {""})
    return tag("section",
               tag("h2", "Clip and data quality"),
               _dl(facts),
               tag("h3", "Walking bouts"), btable,
               tag("h3", "Warnings"), wl,
               *( [tag("h3", "Not measurable from this view"), tag("ul", join(tag("li", r) for r in na))] if na and not (d.summary or {}).get("not_measurable") else []),
               id="quality")


def _severity_badge(sev: str) -> Html:
    sev = str(sev or "none").lower()
    words = {"none": "within the typical range", "mild": "mild", "marked": "marked"}
    return tag("span", words.get(sev, sev), class_=f"badge sev-{re.sub(r'[^a-z]', '', sev) or 'none'}")


def _side_word(side: Any) -> str:
    s = str(side or "").lower()
    return {"l": "left", "r": "right", "left": "left", "right": "right", "both": "both sides",
            "lr": "both sides", "b": "both sides", "": "—", "none": "—", "c": "—", "centre": "—"}.get(s, s)


def _evidence(ev: Any) -> Html:
    if ev is None or ev == "" or ev == [] or ev == {}:
        return Html("")
    if isinstance(ev, str):
        return tag("p", ev, class_="evidence")
    if isinstance(ev, list):
        return tag("ul", join(tag("li", _evidence_item(x)) for x in ev), class_="evidence")
    if isinstance(ev, dict):
        return tag("ul", join(tag("li", tag("span", humanise(str(k)), class_="k"), ": ", _evidence_item(v))
                              for k, v in ev.items()), class_="evidence")
    return tag("p", str(ev), class_="evidence")


def _evidence_item(x: Any) -> Html:
    if isinstance(x, float):
        return esc(fmt(x, 1))
    if isinstance(x, (dict, list)):
        return esc(json.dumps(x, ensure_ascii=False)[:300])
    return esc(x)


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


def section_findings(d: ReportData) -> Html:
    head = tag("h2", "Findings")
    if d.summary is None:
        return tag("section", head, _none(f"no findings: {d.missing.get('summary', 'summary.json is missing')}"),
                   id="findings")
    findings = d.summary.get("findings") or []
    refs = _summary_refs(d.summary)
    order = {"marked": 0, "mild": 1}
    findings = sorted((f for f in findings if isinstance(f, dict)),
                      key=lambda f: order.get(str(f.get("severity", "none")).lower(), 2))
    notable = [f for f in findings if str(f.get("severity", "none")).lower() != "none"]
    checked = [f for f in findings if str(f.get("severity", "none")).lower() == "none"]
    parts: list[Html] = [head]
    if not findings:
        parts.append(_none("no findings: no rule could be checked on this clip (see what is not measurable below)"))
    elif not notable:
        parts.append(tag("p", "Every measured value checked by footcam's rules was within its typical range.",
                         class_="ok"))
    for f in notable:
        unit = str(f.get("unit") or "")
        u = "°" if unit in ("deg", "°") else (f" {unit}" if unit else "")
        measured = f.get("measured")
        meas = (", ".join(f"{_side_word(k)} {fmt(v, 1, u)}" for k, v in measured.items())
                if isinstance(measured, dict) else fmt(measured, 1, u))
        thr = f.get("threshold")
        thr_s = (", ".join(f"{humanise(str(k))} {fmt(v, 1, u)}" for k, v in thr.items())
                 if isinstance(thr, dict) else fmt(thr, 1, u))
        facts = [("Measured", meas), ("Threshold", thr_s), ("Side", _side_word(f.get("side"))),
                 ("Gait cycles", str(f.get("n_cycles")) if f.get("n_cycles") is not None else None),
                 ("Confidence", fmt(f.get("confidence"), 2) if _num(f.get("confidence")) is not None
                  else (str(f["confidence"]) if f.get("confidence") else None)),
                 ("View", str(f.get("view")) if f.get("view") else None),
                 ("Reference", _reference_text(f.get("reference"), refs) or None)]
        grid = join(tag("div", tag("dt", k), tag("dd", v)) for k, v in facts if v is not None)
        parts.append(tag("article",
                         tag("h3", _severity_badge(f.get("severity")), " ", f.get("title") or f.get("id") or "finding"),
                         tag("dl", grid, class_="ffacts"), _evidence(f.get("evidence")),
                         class_="finding", data_id=str(f.get("id", ""))))
    if checked:
        parts.append(tag("h3", "Checked and within the typical range"))
        parts.append(tag("ul", join(tag("li", f.get("title") or f.get("id") or "",
                                        f" ({_side_word(f.get('side'))})" if f.get("side") else "")
                                    for f in checked), class_="checked"))
    nm = d.summary.get("not_measurable") or []
    if nm:
        rows = []
        for x in nm:
            if isinstance(x, dict):
                rows.append(tag("tr", tag("td", x.get("what", "")), tag("td", x.get("why", "")),
                                tag("td", x.get("view") or x.get("which_view") or "")))
            else:
                rows.append(tag("tr", tag("td", x), tag("td", ""), tag("td", "")))
        parts += [tag("h3", "Not measurable from this clip"),
                  tag("table", tag("thead", tag("tr", tag("th", "what"), tag("th", "why"), tag("th", "film to measure it"))),
                      tag("tbody", join(rows)), class_="data")]
    return tag("section", *parts, id="findings")


def _summary_refs(s: dict) -> dict:
    refs = s.get("references") or {}
    if isinstance(refs, list):
        out = {}
        for r in refs:
            if isinstance(r, dict) and r.get("id"):
                out[str(r["id"])] = r
        return out
    return refs if isinstance(refs, dict) else {}


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


def _side_stats(v: Any) -> tuple[float | None, float | None, int | None]:
    if isinstance(v, dict):
        n = v.get("n")
        return _num(v.get("mean")), _num(v.get("sd")), int(n) if _num(n) is not None else None
    return _num(v), None, None


def key_rows(d: ReportData) -> list[KeyRow]:
    """Key values per side from summary.json, or else from cycles.csv, with their normal
    ranges (summary.json's own, else footcam's reference table)."""
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
                for key in (side, {"l": "left", "r": "right"}.get(side, side)):
                    if key in per_side:
                        mean[side], sd[side], n[side] = _side_stats(per_side[key])
            if not mean and "mean" in e:
                mean["c"], sd["c"], n["c"] = _side_stats(e)
            nr = e.get("normal") or e.get("normal_range") or {}
            low = high = None
            src = ""
            if isinstance(nr, dict):
                low, high = _num(nr.get("low", nr.get("min"))), _num(nr.get("high", nr.get("max")))
                src = _reference_text(nr.get("source") or nr.get("reference"), refs)
            elif isinstance(nr, (list, tuple)) and len(nr) >= 2:
                low, high = _num(nr[0]), _num(nr[1])
                src = _reference_text(nr[2], refs) if len(nr) > 2 else ""
            note = ""
            if low is None and high is None and name in NORMAL_RANGES:
                low, high, key, note = NORMAL_RANGES[name]
                src = _short_ref(key)
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
        if name in NORMAL_RANGES:
            low, high, key, note = NORMAL_RANGES[name]
            src = _short_ref(key)
        rows.append(KeyRow(name, mean, sd, n, low, high, src, note))
    return rows


def _short_ref(key: str) -> str:
    return REFERENCE_SHORT.get(key, key)


def section_key_values(d: ReportData) -> Html:
    head = tag("h2", "Key values against typical ranges")
    rows = key_rows(d)
    if not rows:
        why = d.missing.get("cycles") or d.missing.get("summary") or "no key values"
        if d.missing.get("events"):
            why = f"no gait events: {d.missing['events']}"
        return tag("section", head, _none(f"no key values: {why}"), id="key-values")
    body = []
    for r in rows:
        unit = unit_of(r.name)
        nd = 2 if unit == " s" else 1
        cells = []
        for side in ("l", "r"):
            if side in r.mean or any(k in r.mean for k in ("l", "r")):
                m = r.mean.get(side)
                txt = fmt(m, nd, unit)
                if r.sd.get(side) is not None:
                    txt += f" ± {fmt(r.sd[side], nd)}"
                nn = r.n.get(side)
                out = (m is not None and ((r.low is not None and m < r.low) or (r.high is not None and m > r.high)))
                sub = join([tag("span", f"n={nn}", class_="n") if nn is not None else "",
                            tag("span", "outside", class_="flag") if out else ""], " ")
                cells.append(tag("td", txt, tag("div", sub, class_="sub") if sub else "",
                                 class_="num" + (" outside" if out else "")))
        if not cells:   # a central value (trunk, pelvis) measured over both sides' cycles
            m = next(iter(r.mean.values()), None)
            s = next(iter(r.sd.values()), None)
            cells = [tag("td", fmt(m, nd, unit) + (f" ± {fmt(s, nd)}" if s is not None else ""),
                         colspan="2", class_="num")]
        rng = (f"{fmt(r.low, nd)} to {fmt(r.high, nd, unit)}" if r.low is not None and r.high is not None
               else "— no published range set")
        bar = plots.range_svg({k: v for k, v in r.mean.items() if k in ("l", "r", "c", "both")},
                              r.low, r.high, sd={k: v for k, v in r.sd.items() if v is not None},
                              title=f"{KEY_LABELS.get(r.name, humanise(r.name))}: values against the typical range")
        body.append(tag("tr", tag("th", KEY_LABELS.get(r.name, humanise(r.name)), scope="row"), *cells,
                        tag("td", Html(bar), class_="bar"),
                        tag("td", rng, tag("div", r.note, class_="note") if r.note else "", class_="range"),
                        tag("td", r.source, class_="src")))
    table = tag("table",
                tag("thead", tag("tr", tag("th", "measure"), tag("th", "left (mean ± SD)"), tag("th", "right (mean ± SD)"),
                                 tag("th", "against the range", class_="bar"), tag("th", "typical adult range"),
                                 tag("th", "source"))),
                tag("tbody", join(body)), class_="data keyvalues")
    legend = tag("p", _legend_marks(), " Grey bar: typical adult range. \u201cOutside\u201d marks a mean "
                 "outside that range; it is a measurement, not a diagnosis.", class_="legend")
    return tag("section", head, table, legend, id="key-values")


def _legend_marks() -> Html:
    l, r = plots.SIDE_STYLE["l"]["colour"], plots.SIDE_STYLE["r"]["colour"]
    return Html(f'<span class="mark" style="color:{l}">●</span> left, '
                f'<span class="mark" style="color:{r}">■</span> right (mean, line = ±1 SD).')


def _toe_off_pct(d: ReportData) -> dict[str, float]:
    out = {}
    if d.cycles is not None and "stance_pct" in d.cycles.columns:
        for side in SIDES:
            v = pd.to_numeric(d.cycles.loc[d.cycles["side"] == side, "stance_pct"], errors="coerce").dropna()
            if len(v):
                out[side] = float(v.mean())
    return out


def section_curves(d: ReportData) -> Html:
    head = tag("h2", "Joint angles over the gait cycle")
    if not d.curves:
        why = d.missing.get("curves", "no gait cycles")
        prefix = "no gait events" if "events" in d.missing else "no gait-cycle curves"
        return tag("section", head, _none(f"{prefix}: {why}"), id="curves")
    toe = _toe_off_pct(d)
    figs = []
    bases = [b for b in CURVE_ORDER if any((b, s) in d.curves for s in SIDES)]
    bases += sorted({b for b, _ in d.curves} - set(bases))
    for base in bases:
        sides = {s: (d.curves[(base, s)].mean, d.curves[(base, s)].sd) for s in SIDES if (base, s) in d.curves}
        band = normal_band(base)
        title, meaning = ANGLE_LABELS.get(base, (humanise(base), ""))
        svg = plots.curve_svg(np.linspace(0, 100, N_CURVE), sides, band=band,
                              toe_off_pct={s: toe[s] for s in sides if s in toe},
                              title=f"{title} over the gait cycle", y_label="degrees")
        ns = ", ".join(f"{plots.SIDE_STYLE[s]['label']} n={d.curves[(base, s)].n}" for s in sides
                       if d.curves[(base, s)].n is not None)
        cap = [tag("strong", title), f" ({meaning})" if meaning else "", tag("br"),
               f"cycles: {ns}" if ns else "",
               "" if band is not None else (" · no typical band drawn for this angle" if ns else "no typical band drawn for this angle")]
        figs.append(tag("figure", tag("figcaption", *cap), Html(svg), class_="curve"))
    l, r = plots.SIDE_STYLE["l"]["colour"], plots.SIDE_STYLE["r"]["colour"]
    legend = tag("p", Html(
        f'<svg class="key" viewBox="0 0 30 8"><line x1="0" x2="30" y1="4" y2="4" stroke="{l}" stroke-width="2"/></svg> left '
        f'<svg class="key" viewBox="0 0 30 8"><line x1="0" x2="30" y1="4" y2="4" stroke="{r}" stroke-width="2" stroke-dasharray="6 3"/></svg> right: '
        f'mean, with a light shade of ±1 SD. '
        f'<svg class="key" viewBox="0 0 30 8"><rect width="30" height="8" fill="{plots.BAND_FILL}"/></svg> '
        f'typical adult pattern. Dotted vertical lines: toe off. '
        f'0 % and 100 % are heel strikes of the same foot.'), class_="legend")
    note = tag("p", "The grey band is a guide to the typical adult pattern, drawn through the key values "
               "in Perry & Burnfield (2010), with the shapes of Kadaba et al. (1990) and Winter (2009). "
               "It is not a normative data set: motion labs use skin markers and a pelvis, while footcam's "
               "hip is the thigh against the vertical and its trunk a lumbar proxy. "
               f"Curves computed from {d.curves_source}.", class_="note")
    return tag("section", head, legend, tag("div", join(figs), class_="curves"), note, id="curves")


def section_timing(d: ReportData) -> Html:
    head = tag("h2", "Steps and event timeline")
    parts: list[Html] = [head]
    st = (d.summary or {}).get("spatiotemporal")
    rows = []
    if isinstance(st, dict) and st:
        for k, v in st.items():
            label = SPATIOTEMPORAL_LABELS.get(k, humanise(k))
            if isinstance(v, dict):
                sides = {s: _side_stats(v.get(s, v.get({"l": "left", "r": "right"}[s]))) for s in SIDES
                         if s in v or {"l": "left", "r": "right"}[s] in v}
                if sides:
                    cells = [fmt(sides[s][0], 2) + (f" ± {fmt(sides[s][1], 2)}" if sides.get(s) and sides[s][1] is not None else "")
                             if s in sides else "—" for s in SIDES]
                else:
                    m, sdv, _ = _side_stats(v)
                    cells = [fmt(m, 2) + (f" ± {fmt(sdv, 2)}" if sdv is not None else "")] * 1 + [None]
            else:
                cells = [fmt(v, 2), None]
            rows.append((label, cells))
        rows = [(lab, [c if c is None else re.sub(r"^(\d+)\.\d+$", r"\1", c) if lab.startswith("Cadence") else c
                       for c in cells]) for lab, cells in rows]
    elif d.cycles is not None:
        for k in ("stride_time_s", "stance_pct", "swing_pct"):
            if k in d.cycles.columns:
                cells = []
                for s in SIDES:
                    v = pd.to_numeric(d.cycles.loc[d.cycles["side"] == s, k], errors="coerce").dropna()
                    cells.append(fmt(v.mean(), 2) + (f" ± {fmt(v.std(ddof=1), 2)}" if len(v) > 1 else "") if len(v) else "—")
                rows.append((SPATIOTEMPORAL_LABELS.get(k, humanise(k)), cells))
        stt = pd.to_numeric(d.cycles.get("stride_time_s"), errors="coerce").dropna() if "stride_time_s" in d.cycles else []
        if len(stt):
            rows.insert(0, ("Cadence (steps/min)", [fmt(120.0 / float(np.mean(stt)), 0), None]))
    if rows:
        body = []
        for label, cells in rows:
            if cells[1] is None:
                body.append(tag("tr", tag("th", label, scope="row"), tag("td", cells[0], colspan="2", class_="num")))
            else:
                body.append(tag("tr", tag("th", label, scope="row"), *(tag("td", c, class_="num") for c in cells)))
        parts.append(tag("table", tag("thead", tag("tr", tag("th", ""), tag("th", "left"), tag("th", "right"))),
                         tag("tbody", join(body)), class_="data spatio"))
    elif d.events is not None:
        parts.append(_none(f"no step timing: {d.missing.get('cycles') or 'no complete gait cycle'}"))

    a = d.analysis
    dur = _num((a.get("video") or {}).get("duration_s"))
    if dur is None and d.angles is not None:
        dur = float(d.angles["time_s"].max())
    quality = None
    if d.angles is not None and "quality" in d.angles.columns:
        quality = (d.angles["time_s"].to_numpy(float), pd.to_numeric(d.angles["quality"], errors="coerce").to_numpy(float))
    events = [] if d.events is None else d.events.to_dict("records")
    svg = plots.timeline_svg(dur or 1.0, events, _bouts(a), quality, title="Event timeline")
    l = plots.SIDE_STYLE["l"]["colour"]
    parts.append(tag("figure", Html(svg), tag("figcaption", Html(
        f'Shaded bars: stance (heel strike → toe off). '
        f'<svg class="key" viewBox="0 0 8 14"><line x1="4" x2="4" y1="0" y2="14" stroke="{l}" stroke-width="2"/></svg> heel strike, '
        f'<svg class="key" viewBox="0 0 8 14"><line x1="4" x2="4" y1="0" y2="14" stroke="{l}" stroke-width="1.2" stroke-dasharray="2 2"/></svg> toe off; '
        'faint marks: events detected with low confidence. Bottom row: pose quality per frame (0–1).')),
        class_="timeline"))
    if d.events is None:
        parts.append(_none(f"no gait events: {d.missing.get('events', 'events.csv is missing')}"))
    else:
        n = d.events.groupby(["side", "event"]).size().to_dict()
        parts.append(tag("p", "Events: " + "; ".join(
            f"{plots.SIDE_STYLE[s]['label']} {n.get((s, 'hs'), 0)} heel strikes, {n.get((s, 'to'), 0)} toe offs"
            for s in SIDES) + ".", class_="small"))
    return tag("section", *parts, id="timing")


def _still_caption(name: str) -> str:
    stem = Path(name).stem
    words = {"hs": "heel strike", "to": "toe off", "l": "left", "r": "right"}
    toks = re.split(r"[_\-\s]+", stem)
    out = []
    for t in toks:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)s", t)
        if m:
            out.append(f"at {m.group(1)} s")
        elif re.fullmatch(r"\d+p\d+s", t):
            out.append(f"at {t[:-1].replace('p', '.')} s")
        else:
            out.append(words.get(t.lower(), t))
    return " ".join(out)


def section_stills(d: ReportData) -> Html:
    head = tag("h2", "Still frames at key events")
    if not d.stills:
        return tag("section", head, _none(d.missing.get("stills", "no still frames")), id="stills")
    figs = []
    for name, b, (w, h) in d.stills:
        src = "data:image/png;base64," + base64.b64encode(b).decode("ascii")
        figs.append(tag("figure", Html(f'<img src="{esc(src)}" width="{int(w)}" height="{int(h)}" '
                                       f'alt="{esc(_still_caption(name))}">'),
                        tag("figcaption", _still_caption(name)), class_="still"))
    return tag("section", head, tag("p", "The skeleton footcam measured, drawn on the video frame.", class_="small"),
               tag("div", join(figs), class_="stills"), id="stills",
               class_="keep" if len(figs) <= 4 else None)


def section_references(d: ReportData) -> Html:
    items: list[Any] = []
    refs = (d.summary or {}).get("references")
    seen = set()
    if isinstance(refs, dict):
        for k, v in refs.items():
            text = v.get("citation") or v.get("text") or json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
            items.append(tag("li", str(text), id=f"ref-{re.sub(r'[^A-Za-z0-9_-]', '', str(k))}"))
            seen.add(str(text).split(".")[0])
    elif isinstance(refs, list):
        for v in refs:
            text = (v.get("citation") or v.get("text") or v.get("id")) if isinstance(v, dict) else v
            items.append(tag("li", str(text)))
            seen.add(str(text).split(".")[0])
    for k, v in REFERENCES.items():
        if v.split(".")[0] not in seen:
            items.append(tag("li", v))
    notes = [tag("li", n) for n in d.notes]
    return tag("section", tag("h2", "References"), tag("ol", join(items), class_="refs"),
               tag("h3", "About this report"),
               tag("ul", tag("li", "Angles follow footcam's conventions (ANGLES.md): ankle = shank to foot minus 90°; "
                                   "knee = 180° minus the hip–knee–ankle angle; hip = thigh against the vertical "
                                   "(no pelvis markers); trunk (lumbar proxy) = mid-hip to mid-shoulder against the vertical."),
                   tag("li", f"Model {(d.analysis.get('model') or {}).get('name', '—')}, "
                             f"source sha256 {str((d.analysis.get('source') or {}).get('sha256', '—'))[:16]}…, "
                             f"folder written by footcam {d.analysis.get('footcam_version', '—')}, "
                             f"report by footcam {__version__}."),
                   join(notes), class_="small"),
               id="references")


# --- the page -----------------------------------------------------------------------------------

#: nothing may be fetched: images only from data: URIs, styles only inline, no scripts at all
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'none'; "
       "connect-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'")


def _css() -> str:
    return resources.files("footcam.report").joinpath("templates/report.css").read_text(encoding="utf-8")


def section_toes(d: ReportData) -> Html:
    """Toe splay and forefoot values when `footcam toes ... -o` wrote toes.json into this folder."""
    p = d.out_dir / "toes.json"
    if not p.exists():
        return Html("")
    from ..toes.outputs import summary_lines

    try:
        toes = json.loads(p.read_text(encoding="utf-8"))
        lines = summary_lines(toes)
    except (OSError, ValueError, KeyError, TypeError) as e:
        return tag("section", tag("h2", "Toe splay and forefoot"),
                   _none(f"toes.json could not be read ({type(e).__name__})"), id="toes")
    parts = [tag("h2", "Toe splay and forefoot"),
             tag("ul", join(tag("li", line) for line in lines)),
             tag("p", "From a top-down photo on paper (footcam toes). The hallux angle is a "
                      "footprint proxy, not a radiographic angle.", **{"class": "note"})]
    png = d.out_dir / "toes.png"
    if png.exists():
        src = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
        parts.append(Html('<img class="still" alt="annotated top view of the foot" src="')
                     + esc(src) + Html('">'))
    return tag("section", join(parts), id="toes")


def render(d: ReportData) -> str:
    """The whole page as a string."""
    name = _source_name(d.analysis)
    sections = [section_header(d), section_findings(d), section_key_values(d), section_curves(d),
                section_timing(d), section_stills(d), section_toes(d), section_quality(d),
                section_references(d)]
    head = join([
        Html('<meta charset="utf-8">'),
        Html(f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'),
        Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
        Html('<meta name="generator" content="footcam ') + esc(__version__) + Html('">'),
        Html('<link rel="icon" href="data:,">'),
        tag("title", f"footcam report: {name}"),
        Html("<style>") + Html(_css().replace("</", "<\\/")) + Html("</style>"),
    ])
    body = tag("main", join(sections))
    foot = tag("footer", f"footcam {__version__} · {name} · a measurement, not a diagnosis")
    return Html("<!DOCTYPE html>\n") + tag("html", Html(f"<head>{head}</head>"), tag("body", body, foot), lang="en") + "\n"


def write_report(out_dir: str | Path) -> Path:
    """(Re)write ``report.html`` in a finished clip folder, atomically; return its path."""
    data = load(out_dir)
    text = render(data)
    path = Path(out_dir) / REPORT_NAME
    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise FootcamError(f"cannot write {REPORT_NAME}: {e.strerror or e}", out_dir) from None
    return path
