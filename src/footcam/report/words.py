"""Plain words and numbers for the report's view data: labels of angles and key values, units,
and how a number is written (``—`` when missing, a real minus sign, the unit after it)."""
from __future__ import annotations

import math
import re
from pathlib import PurePath
from typing import Any

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
    "step_time_symmetry_index_pct": "Step time symmetry index (%, per-side medians)",
    "stance_symmetry_index_pct": "Stance symmetry index (%, per-side medians)",
}

SIDE_NAMES = {"l": "left", "r": "right"}


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


def num(x: Any) -> float | None:
    """``x`` as a finite float, or None."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def text(x: Any) -> str:
    """What the page shows for a value from a file: ``""`` for None, else ``str(x)``."""
    return "" if x is None else str(x)


def humanise(name: str) -> str:
    """``peak_knee_flexion_swing_deg`` → ``Peak knee flexion swing (°)``, for names the report
    has no words for yet."""
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


def side_word(side: Any) -> str:
    s = str(side or "").lower()
    return {"l": "left", "r": "right", "left": "left", "right": "right", "both": "both sides",
            "lr": "both sides", "b": "both sides", "": "—", "none": "—", "c": "—", "centre": "—"}.get(s, s)


def still_caption(name: str) -> str:
    """``l_hs_1.67s.png`` → ``left heel strike at 1.67 s``."""
    stem = PurePath(name).stem
    words = {"hs": "heel strike", "to": "toe off", "l": "left", "r": "right"}
    out = []
    for t in re.split(r"[_\-\s]+", stem):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)s", t)
        if m:
            out.append(f"at {m.group(1)} s")
        elif re.fullmatch(r"\d+p\d+s", t):
            out.append(f"at {t[:-1].replace('p', '.')} s")
        else:
            out.append(words.get(t.lower(), t))
    return " ".join(out)
