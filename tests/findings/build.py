"""Small cycles tables and analysis dicts for the findings tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

#: a textbook cycle: every key value inside footcam's limits (ankle range = peak dorsiflexion
#: 12° minus push-off peak −18° = 30°; the builder does not recompute it when either changes)
NORMAL = {
    "stride_time_s": 1.10, "step_time_s": 0.55, "stance_pct": 60.0, "swing_pct": 40.0,
    "double_support_pct": 10.0,
    "peak_ankle_dorsiflexion_stance_deg": 12.0, "ankle_dorsiflexion_at_toe_off_deg": -15.0,
    "peak_ankle_plantarflexion_push_off_deg": -18.0, "ankle_range_deg": 30.0,
    "peak_knee_flexion_swing_deg": 60.0, "peak_hip_extension_deg": 12.0,
    "pelvic_rotation_range_deg": 10.0, "trunk_extension_mean_deg": -3.0,
    "trunk_extension_range_deg": 4.0, "foot_progression_stance_deg": 8.0,
}
SAGITTAL = ("peak_ankle_dorsiflexion_stance_deg", "ankle_dorsiflexion_at_toe_off_deg",
            "peak_ankle_plantarflexion_push_off_deg", "ankle_range_deg",
            "peak_knee_flexion_swing_deg", "peak_hip_extension_deg", "trunk_extension_mean_deg",
            "trunk_extension_range_deg")
TRANSVERSE = ("pelvic_rotation_range_deg", "foot_progression_stance_deg")


def cycles(n_l: int = 3, n_r: int = 3, bout: int = 0, view: str = "side", l: dict | None = None,
           r: dict | None = None, spread: float = 0.0, far: str | tuple[str, ...] = ()) -> pd.DataFrame:
    """``n_l``/``n_r`` cycles per side in one bout. ``l``/``r`` override NORMAL per side (a
    scalar, or a list with one value per cycle); values the view cannot measure are NaN, as
    footcam writes them. ``spread`` adds ±spread alternately (a cycle-to-cycle SD).

    ``leg_view`` is "near" for every side-view cycle (as if the walk was filmed both ways) and
    "" in other views; the sides in ``far`` ("l", "r" or both) are the far leg in all their
    cycles instead, and ``l``/``r`` may also override ``leg_view`` per cycle."""
    far = (far,) if isinstance(far, str) else tuple(far)
    rows = []
    for side, n, over in (("l", n_l, l or {}), ("r", n_r, r or {})):
        for i in range(n):
            row = {"side": side, "cycle": i, "bout": bout, "start_s": 1.1 * i, "end_s": 1.1 * (i + 1)}
            for k, v in NORMAL.items():
                x = over.get(k, v)
                x = x[i] if isinstance(x, (list, tuple)) else x
                if spread and k.endswith("_deg"):
                    x = x + (spread if i % 2 else -spread)
                if (view != "side" and k in SAGITTAL) or (view == "side" and k in TRANSVERSE):
                    x = np.nan
                if view == "back" and k == "foot_progression_stance_deg":
                    x = np.nan
                row[k] = x
            lv = ("far" if side in far else "near") if view == "side" else ""
            lv = over.get("leg_view", lv)
            row["leg_view"] = lv[i] if isinstance(lv, (list, tuple)) else lv
            rows.append(row)
    return pd.DataFrame(rows)


def analysis(*views: str, frames_each: int = 120) -> dict:
    """An analysis.json dict with one bout per view, ``frames_each`` frames each."""
    views = views or ("side",)
    bouts = [{"start_frame": i * frames_each, "stop_frame": (i + 1) * frames_each, "view": v,
              "direction": "left_to_right", "confidence": 0.8,
              "start_s": i * frames_each / 30, "stop_s": ((i + 1) * frames_each - 1) / 30}
             for i, v in enumerate(views)]
    total = frames_each * len(views)
    return {"schema_version": "1.0", "footcam_version": "0.1.0",
            "source": {"name": "walk.mp4", "sha256": "ab" * 32},
            "frames": {"total": total, "with_pose": total - 6, "with_pose_after_cleaning": total},
            "bouts": bouts, "angles_available": {}, "warnings": []}


def finding(summary: dict, rule_id: str) -> dict | None:
    return next((f for f in summary["findings"] if f["id"] == rule_id), None)


def not_measurable(summary: dict, rule_id: str) -> list[dict]:
    return [x for x in summary["not_measurable"] if x.get("rule") == rule_id]
