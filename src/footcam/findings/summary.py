"""summarize(cycles, analysis) -> the summary.json dict: quality, spatio-temporal values, key
values against typical ranges, findings with their evidence, what the view cannot measure.

Pure pandas/numpy. Every threshold comes from ``rules.RULES``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._version import __version__
from ..kinematics.quality import SCREENED
from .rules import (CONSISTENCY_SD_DEG, CONSISTENCY_SD_PCT, FULL_CONFIDENCE_CYCLES, KEY_VALUES,
                    MIN_CYCLES, REFERENCES, RULES, RUNNING_KEY_VALUES, RUNNING_NOTE, VIEW_LIMITS,
                    RuleSpec)

#: the angle each screened key value comes from (kinematics.quality withholds them per angle)
MEASURE_ANGLE = {m: base for base, ms in SCREENED.items() for m in ms}
#: what to do when an angle's curve could not be trusted
WITHHELD_HINT = {
    "ankle_dorsiflexion_deg": "film with the whole foot in view, lit, against a floor of another "
                              "colour than the shoes, from the side at foot height",
    "knee_flexion_deg": "film with both legs in view, nothing in front of them, from the side",
    "hip_flexion_deg": "film with both legs in view, nothing in front of them, from the side",
}

#: why a back view gives no per-stride value at all
BACK_NO_CYCLES = ("from behind footcam detects no steps (MediaPipe's 3D model turns the feet toward "
                  "the camera), so there is no per-stride value")

SUMMARY_SCHEMA_VERSION = "1.0"
SEVERITIES = ("none", "mild", "marked")
SIDE_WORD = {"l": "left", "r": "right", "both": "both sides"}

DISCLAIMER = (
    "footcam measures how you walk; it does not diagnose anything. A value outside the typical "
    "range is not a problem in itself: typical ranges come from adults walking at a comfortable "
    "speed in motion labs, and footcam's angles from a phone video are less precise than a lab's. "
    "Talk to a physiotherapist or doctor about what the numbers mean for you.")

#: per-side timing columns of cycles.csv (the lengths only exist when a scale was given)
SPATIOTEMPORAL_COLUMNS = ("stride_time_s", "step_time_s", "stance_pct", "swing_pct",
                          "double_support_pct", "stride_length_m", "step_length_m",
                          "walking_speed_m_per_s")


# --- small helpers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stats:
    mean: float
    sd: float | None
    n: int
    values: tuple[float, ...]

    def to_dict(self) -> dict:
        # 4 decimals: the precision of cycles.csv, so that tables built from summary.json
        # (batch summary.csv) agree with analysis.json
        return {"mean": _r(self.mean, 4), "sd": _r(self.sd, 4), "n": self.n}


def _r(x, nd: int = 2):
    if x is None:
        return None
    x = float(x)
    return round(x, nd) if math.isfinite(x) else None


def _stats(values) -> Stats | None:
    v = pd.to_numeric(pd.Series(values, dtype="float64"), errors="coerce").dropna().to_numpy(float)
    v = v[np.isfinite(v)]
    if not len(v):
        return None
    return Stats(float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else None, len(v),
                 tuple(float(x) for x in v))


def _sev_rank(s: str) -> int:
    return SEVERITIES.index(s)


def _u(unit: str) -> str:
    return "°" if unit == "deg" else (f" {unit}" if unit else "")


def _fmt(x: float, unit: str, nd: int = 1) -> str:
    s = f"{x:.{nd}f}".replace("-", "−")
    return (s[1:] if s in ("−0.0", "−0") else s) + _u(unit)


def _view_word(views) -> str:
    return " or ".join(views)


# --- the clip: bouts, views, cycles --------------------------------------------------------------

class _Clip:
    """The analysis facts the rules need: the view of each bout and its share of the clip."""

    def __init__(self, cycles: pd.DataFrame, analysis: dict):
        self.analysis = analysis
        bouts = [b for b in (analysis.get("bouts") or []) if isinstance(b, dict)]
        self.bout_view = {i: str(b.get("view") or "unknown") for i, b in enumerate(bouts)}
        frames = {}
        for b in bouts:
            v = str(b.get("view") or "unknown")
            n = max(int(b.get("stop_frame", 0) or 0) - int(b.get("start_frame", 0) or 0), 0)
            frames[v] = frames.get(v, 0) + n
        total = (analysis.get("frames") or {}).get("total") or sum(frames.values())
        self.view_share = {v: n / total for v, n in frames.items()} if total else {}
        cy = cycles.copy() if cycles is not None else pd.DataFrame()
        # running cycles are reported apart (summary "running") and never rated by the
        # walking rules; folders written before footcam knew running have no activity column
        if not cy.empty and "activity" in cy.columns:
            act = cy["activity"].fillna("").astype(str)
            self.running = cy[act == "running"].reset_index(drop=True)
            cy = cy[act != "running"].reset_index(drop=True)
        else:
            self.running = pd.DataFrame()
        # cycles of a bout that is not an ordinary walk in front of a still camera (a moving
        # camera, stairs, slow motion: kinematics.unusual) are never rated either
        self.unusual = {i: [str(r) for r in b.get("unusual") or []] for i, b in enumerate(bouts)
                        if b.get("unusual")}
        self.unusual_bouts = [(b.get("start_s"), b.get("stop_s"), self.unusual[i])
                              for i, b in enumerate(bouts) if i in self.unusual]
        if not cy.empty and "bout" in cy.columns and self.unusual:
            odd = pd.to_numeric(cy["bout"], errors="coerce").isin(list(self.unusual))
            self.n_unusual = int(odd.sum())
            cy = cy[~odd].reset_index(drop=True)
        else:
            self.n_unusual = 0
        trust = analysis.get("trust") or {}
        self.trust = trust if isinstance(trust, dict) else {}
        self.withheld = {(w.get("side"), w.get("angle")): str(w.get("why"))
                         for w in self.trust.get("values_withheld") or []
                         if isinstance(w, dict) and w.get("cycles") == "all"}
        if not cy.empty and "bout" in cy.columns:
            bout = pd.to_numeric(cy["bout"], errors="coerce")
            cy["view"] = [self.bout_view.get(int(b), "unknown") if np.isfinite(b) else "unknown"
                          for b in bout]
        elif not cy.empty:
            cy["view"] = "unknown"
        self.cycles = cy

    def why_withheld(self, measure: str, side: str | None) -> tuple[str, str] | None:
        """(why, hint) when this side's values of ``measure`` were withheld because the
        angle's curve could not be trusted (kinematics.quality)."""
        base = MEASURE_ANGLE.get(measure)
        why = self.withheld.get((side, base)) if base and side in ("l", "r") else None
        return (why, WITHHELD_HINT.get(base, "")) if why else None

    @property
    def views(self) -> list[str]:
        return sorted(self.view_share, key=lambda v: -self.view_share[v])

    def share(self, views) -> float:
        return float(sum(self.view_share.get(v, 0.0) for v in views))

    def values(self, column: str, views, side: str | None, near_only: bool = False) -> Stats | None:
        cy = self.cycles
        if cy.empty or column not in cy.columns:
            return None
        m = cy["view"].isin(views)
        if side in ("l", "r"):
            m &= cy["side"] == side
        if near_only and "leg_view" in cy.columns:
            m &= (cy["view"] != "side") | (cy["leg_view"].fillna("").astype(str) == "near")
        return _stats(cy.loc[m, column])

    def far_only(self, column: str, side: str) -> int:
        """Cycles of this leg measured only as the far leg of a side view."""
        cy = self.cycles
        if cy.empty or column not in cy.columns or "leg_view" not in cy.columns:
            return 0
        m = (cy["side"] == side) & (cy["view"] == "side") & pd.to_numeric(cy[column], errors="coerce").notna()
        return int((m & (cy["leg_view"].fillna("").astype(str) == "far")).sum())

    def used_views(self, column: str, views) -> list[str]:
        cy = self.cycles
        if cy.empty or column not in cy.columns:
            return []
        ok = cy["view"].isin(views) & pd.to_numeric(cy[column], errors="coerce").notna()
        return sorted(set(cy.loc[ok, "view"]))


# --- confidence ----------------------------------------------------------------------------------

def _confidence(view_share: float, n: int, sd: float | None, sd_ref: float) -> tuple[float, dict]:
    """0..1 = view suitability × number of cycles × consistency (see docs/findings.md)."""
    f_view = max(0.0, min(1.0, view_share))
    f_n = min(1.0, n / FULL_CONFIDENCE_CYCLES)
    f_sd = 1.0 / (1.0 + (sd or 0.0) / sd_ref)
    parts = {"view_share": _r(f_view), "cycles": _r(f_n), "consistency": _r(f_sd)}
    return round(f_view * f_n * f_sd, 2), parts


# --- rules ---------------------------------------------------------------------------------------

def _not_measurable(rule: RuleSpec, clip: _Clip, side: str | None = None, n: int | None = None) -> dict:
    what = rule.what + (f" ({SIDE_WORD[side]})" if side in ("l", "r") else "")
    sides = (side,) if side in ("l", "r") else (("l", "r") if not rule.central else ())
    withheld = [(s, w) for s in sides if (w := clip.why_withheld(rule.measure, s))]
    if withheld:
        if len(withheld) == 2 and side not in ("l", "r"):
            what = rule.what
        return {"what": what, "why": "; ".join(f"{SIDE_WORD[s]}: {w[0]}" if len(withheld) > 1 else w[0]
                                               for s, w in withheld),
                "view": rule.film, "rule": rule.id, "hint": withheld[0][1][1]}
    if n is not None and clip.share(rule.views) > 0:
        present = [v for v in clip.views if v in rule.views]
        on = f"on the {SIDE_WORD[side]} " if side in ("l", "r") else ""
        why = (f"only {n} gait cycle{'s' if n != 1 else ''} with a value {on}"
               f"from the {_view_word(present)} view; footcam needs at least {MIN_CYCLES}")
        if n == 0 and present == ["back"]:
            why = BACK_NO_CYCLES
        view = f"{rule.film}, walking at least {MIN_CYCLES + 1} full strides"
    else:
        here = [v for v in clip.views if v not in rule.views] or ["unknown"]
        why = "; ".join(VIEW_LIMITS.get(v, f"a {v} view cannot measure it") for v in here)
        if not clip.views:
            why = "no walking bout was found"
        view = rule.film
    return {"what": what, "why": why, "view": view, "rule": rule.id,
            "hint": f"film from the {rule.film} to measure {rule.what}"}


def _grade(rule: RuleSpec, x: float) -> str:
    def beyond(t):
        return t is not None and (x < t if rule.direction == "below" else x > t)
    return "marked" if beyond(rule.marked) else "mild" if beyond(rule.mild) else "none"


def _thresholds(rule: RuleSpec) -> dict:
    return {k: v for k, v in (("mild", rule.mild), ("marked", rule.marked)) if v is not None}


def _threshold_words(rule: RuleSpec, what: str) -> str:
    rel = "below" if rule.direction == "below" else "above"
    if rule.kind == "difference":
        rel, what = "more than", "a left/right difference of"
    if rule.kind == "index":
        rel, what = "above", "a symmetry index"
    return (f"footcam flags {what} {rel} {_fmt(rule.mild, rule.unit)} as mild and "
            f"{rel} {_fmt(rule.marked, rule.unit)} as marked")


def _finding(rule: RuleSpec, **kw) -> dict:
    out = {"id": rule.id, "title": rule.title, "side": kw.pop("side"), "severity": kw.pop("severity"),
           "measured": kw.pop("measured"), "threshold": _thresholds(rule) or None,
           "direction": rule.direction if rule.kind == "level" else
           ("above" if rule.kind in ("difference", "index") else None),
           "unit": rule.unit, "reference": list(rule.reference),
           }
    out.update(kw)
    return out


def _level(rule: RuleSpec, clip: _Clip) -> tuple[dict | None, list[dict]]:
    sides = ("both",) if rule.central else ("l", "r")
    if clip.share(rule.views) == 0:
        return None, [_not_measurable(rule, clip)]
    stats: dict[str, Stats] = {}
    short: dict[str, int] = {}
    far: dict[str, int] = {}
    for s in sides:
        st = clip.values(rule.measure, rule.views, None if s == "both" else s, rule.near_leg_only)
        if st is None or st.n < MIN_CYCLES:
            short[s] = st.n if st else 0
            if rule.near_leg_only and s != "both":
                far[s] = clip.far_only(rule.measure, s)
        else:
            stats[s] = st
    if not stats:   # nothing to rate: one entry for the rule
        if any(far.values()) or any(clip.why_withheld(rule.measure, s) for s in short):
            return None, [_far_leg(rule, s, far[s], n) if far.get(s) else _not_measurable(rule, clip, s, n)
                          for s, n in short.items()]
        return None, [_not_measurable(rule, clip, None, sum(short.values()))]
    nm = [_far_leg(rule, s, far[s], n) if far.get(s) else _not_measurable(rule, clip, s, n)
          for s, n in short.items()]
    sev = {s: _grade(rule, st.mean) for s, st in stats.items()}
    flagged = [s for s in stats if sev[s] != "none"]
    rel = flagged or list(stats)
    side = rel[0] if len(rel) == 1 else "both"
    severity = max(sev.values(), key=_sev_rank)
    n_min = min(stats[s].n for s in rel)
    sd_max = max((stats[s].sd or 0.0) for s in rel)
    conf, parts = _confidence(clip.share(rule.views), n_min, sd_max, CONSISTENCY_SD_DEG)
    views = clip.used_views(rule.measure, rule.views)
    evidence = []
    vals = ", ".join(f"{_fmt(st.mean, rule.unit)} {'' if s == 'both' else SIDE_WORD[s] + ' '}"
                     f"(mean of {st.n} cycles, SD {_fmt(st.sd, rule.unit) if st.sd is not None else '—'})"
                     for s, st in stats.items())
    evidence.append(f"{rule.what}: {vals}; {rule.typical}")
    for s, st in stats.items():
        k = sum(_grade(rule, x) != "none" for x in st.values)
        who = "" if s == "both" else f"{SIDE_WORD[s]} "
        rel_w = "below" if rule.direction == "below" else "above"
        evidence.append(f"{k} of {st.n} {who}cycles {rel_w} {_fmt(rule.mild, rule.unit)}")
    evidence.append(_threshold_words(rule, rule.what))
    evidence.append(f"measured from the {', '.join(views)} view "
                    f"({100 * clip.share(rule.views):.0f} % of the clip)")
    f = _finding(rule, side=side, severity=severity,
                 measured={s: _r(st.mean) for s, st in stats.items()},
                 n_cycles=int(sum(stats[s].n for s in rel)), confidence=conf,
                 confidence_parts=parts, evidence=evidence, view=", ".join(views),
                 per_side={s: {**stats[s].to_dict(), "severity": sev[s]} for s in stats})
    return f, nm


def _far_leg(rule: RuleSpec, side: str, n_far: int, n_near: int = 0) -> dict:
    """Not measurable: this leg was (almost) always the far leg of a side view."""
    toward = "left-to-right" if side == "r" else "right-to-left"   # that side faces the camera
    seen = (f"the far leg in all {n_far} of its cycles" if not n_near else
            f"toward the camera in only {n_near} of its {n_near + n_far} cycles (footcam needs "
            f"{MIN_CYCLES})")
    return {"what": f"{rule.what} ({SIDE_WORD[side]})",
            "why": f"the {SIDE_WORD[side]} leg was {seen}; seen through the other leg, its ankle "
                   f"is measured less well",
            "view": f"side, walking {toward} (the {SIDE_WORD[side]} leg toward the camera)",
            "rule": rule.id,
            "hint": "film the walk both ways (there and back) so each leg is seen from its side"}


def _difference(rule: RuleSpec, clip: _Clip) -> tuple[dict | None, list[dict]]:
    if clip.share(rule.views) == 0:
        return None, [_not_measurable(rule, clip)]
    st = {s: clip.values(rule.measure, rule.views, s, rule.near_leg_only) for s in ("l", "r")}
    short = {s: (x.n if x else 0) for s, x in st.items() if not x or x.n < MIN_CYCLES}
    if short:
        return None, [_far_leg(rule, s, clip.far_only(rule.measure, s), n)
                      if rule.near_leg_only and clip.far_only(rule.measure, s)
                      and not clip.why_withheld(rule.measure, s)
                      else _not_measurable(rule, clip, s, n) for s, n in short.items()]
    l, r = st["l"], st["r"]
    if rule.kind == "difference":
        value = abs(l.mean - r.mean)
        sd_ref = CONSISTENCY_SD_DEG
        sd = max(l.sd or 0.0, r.sd or 0.0)
        measured = {"l": _r(l.mean), "r": _r(r.mean)}
        unit_vals = "deg"
        gap = f"{_fmt(value, 'deg')} apart"
    else:
        # timing: per-side medians, so that one missed or extra heel strike on a short clip
        # (a step twice as long, or half) does not make an asymmetry
        lm, rm = float(np.median(l.values)), float(np.median(r.values))
        mean = 0.5 * (lm + rm)
        value = 100 * abs(lm - rm) / mean if mean else float("nan")
        sd_ref = CONSISTENCY_SD_PCT
        sd = 100 * max(l.sd or 0.0, r.sd or 0.0) / mean if mean else None
        measured = _r(value)
        unit_vals = "s" if rule.measure.endswith("_s") else "%"
        gap = f"symmetry index {_fmt(value, '%')}"
    if not math.isfinite(value):
        return None, [_not_measurable(rule, clip, None, 0)]
    severity = "marked" if value > rule.marked else "mild" if value > rule.mild else "none"
    if severity == "none" or rule.kind == "index":
        side = "both"
    else:   # the side with less movement: lower dorsiflexion, or less plantarflexion
        lower = "l" if l.mean < r.mean else "r"
        side = lower if rule.direction == "below" else ("r" if lower == "l" else "l")
    conf, parts = _confidence(clip.share(rule.views), min(l.n, r.n), sd, sd_ref)
    views = clip.used_views(rule.measure, rule.views)
    nd = 2 if unit_vals == "s" else 1
    evidence = [f"{rule.what}: {_fmt(l.mean, unit_vals, nd)} left ({l.n} cycles), "
                f"{_fmt(r.mean, unit_vals, nd)} right ({r.n} cycles): {gap}",
                _threshold_words(rule, rule.what),
                f"measured from the {', '.join(views)} view ({100 * clip.share(rule.views):.0f} % of the clip)"]
    if side in ("l", "r"):
        evidence.insert(1, f"the {SIDE_WORD[side]} side moves less")
    f = _finding(rule, side=side, severity=severity, measured=measured, n_cycles=l.n + r.n,
                 confidence=conf, confidence_parts=parts, evidence=evidence,
                 view=", ".join(views), difference=_r(value),
                 per_side={"l": {**l.to_dict()}, "r": {**r.to_dict()}})
    return f, []


def _chain(rule: RuleSpec, found: dict[str, dict]) -> tuple[dict | None, list[dict]]:
    ankle = [found[i] for i in rule.parts[0] if i in found]
    comp = [found[i] for i in rule.parts[1] if i in found]
    if not ankle or not comp:
        missing = "the ankle" if not ankle else "the pelvis or trunk"
        need = ("film from the side to measure the ankle" if not ankle else
                "film from the side (trunk) or the front (pelvis) to measure the compensation")
        return None, [{"what": rule.what, "why": f"{missing} could not be measured on this clip",
                       "view": rule.film, "rule": rule.id, "hint": need}]

    def worst(fs):
        return max((f["severity"] for f in fs), key=_sev_rank)

    a_sev, c_sev = worst(ankle), worst(comp)
    fired = _sev_rank(a_sev) >= 1 and _sev_rank(c_sev) >= 1
    severity = min(a_sev, c_sev, key=_sev_rank) if fired else "none"
    a_fired = [f for f in ankle if f["severity"] != "none"]
    c_fired = [f for f in comp if f["severity"] != "none"]
    sides = {f["side"] for f in a_fired}
    side = sides.pop() if fired and len(sides) == 1 else "both"
    used = (a_fired + c_fired) if fired else ankle + comp

    def line(f):
        sev = f["severity"] if f["severity"] != "none" else "within footcam's limits"
        where = "" if f["side"] == "both" else f", {SIDE_WORD[f['side']]}"
        return f"{f['title']} ({sev}{where})"

    evidence = [f"ankle: {'; '.join(line(f) for f in ankle)}",
                f"pelvis/trunk: {'; '.join(line(f) for f in comp)}"]
    if fired:
        evidence.append("both parts are present on this clip: the ankle moves less while the "
                        "pelvis or trunk moves more, a pattern that may make up for it")
    elif a_fired:
        evidence.append("the ankle moves less, but no more pelvis or trunk movement than "
                        "footcam's limits was measured")
    views = sorted({v for f in used for v in str(f.get("view", "")).split(", ") if v})
    return _finding(rule, side=side, severity=severity, measured=None,
                    n_cycles=min(int(f["n_cycles"]) for f in used),
                    confidence=min(float(f["confidence"]) for f in used), evidence=evidence,
                    view=", ".join(views),
                    components=[{"id": f["id"], "severity": f["severity"]} for f in ankle + comp]), []


# --- the sections --------------------------------------------------------------------------------

def _key_values(clip: _Clip) -> dict:
    out = {}
    for kv in KEY_VALUES:
        if kv.central:
            st = {"both": clip.values(kv.column, kv.views, None)}
        else:
            st = {s: clip.values(kv.column, kv.views, s, kv.near_leg_only) for s in ("l", "r")}
        if all(x is None for x in st.values()):
            continue
        e = {s: (x.to_dict() if x else {"mean": None, "sd": None, "n": 0}) for s, x in st.items()}
        e["normal"] = {"low": kv.low, "high": kv.high, "source": kv.reference,
                       "note": kv.note + ("; side views: the leg facing the camera only"
                                          if kv.near_leg_only else "")}
        e["views"] = clip.used_views(kv.column, kv.views)
        out[kv.column] = e
    return out


def _spatiotemporal(clip: _Clip) -> dict:
    cy = clip.cycles
    out: dict = {}
    if cy.empty or "stride_time_s" not in cy.columns:
        return out

    exact = clip.analysis.get("spatiotemporal") or {}

    def per_side(series_of, name: str = "") -> dict:
        d = {}
        for s in ("l", "r"):
            st = _stats(series_of(cy[cy["side"] == s]))
            d[s] = st.to_dict() if st else {"mean": None, "sd": None, "n": 0}
            # analysis.json's per-side mean of the same cycles, computed before cycles.csv was
            # rounded to 4 decimals: use it, so that the two files agree to the last digit
            m = exact.get(f"{name}_{s}") if name else None
            if st and isinstance(m, (int, float)) and math.isfinite(m) and abs(m - st.mean) < 1e-3:
                d[s]["mean"] = float(m)
        return d

    stride = pd.to_numeric(cy["stride_time_s"], errors="coerce")
    with np.errstate(divide="ignore", invalid="ignore"):
        cy = cy.assign(_cadence=120.0 / stride.where(stride > 0))
    out["cadence_steps_per_min"] = per_side(lambda c: c["_cadence"])
    for k in SPATIOTEMPORAL_COLUMNS:
        if k in cy.columns and pd.to_numeric(cy[k], errors="coerce").notna().any():
            out[k] = per_side(lambda c, k=k: c[k], k)
    for k in ("step_time_s", "stance_pct"):
        if k not in out:
            continue
        # from the per-side medians, exactly as the asymmetry rules compute it (one odd step
        # on a short clip must not make the table and the finding disagree)
        med = {sd: pd.to_numeric(cy.loc[cy["side"] == sd, k], errors="coerce").median() for sd in ("l", "r")}
        lm, rm = (None if pd.isna(med[sd]) else float(med[sd]) for sd in ("l", "r"))
        si = (100 * abs(lm - rm) / (0.5 * (lm + rm))
              if lm is not None and rm is not None and (lm + rm) else None)
        out[f"{k.removesuffix('_s').removesuffix('_pct')}_symmetry_index_pct"] = _r(si)
    return out


def _quality(clip: _Clip, analysis: dict, angles: pd.DataFrame | None) -> dict:
    fr = analysis.get("frames") or {}
    total, with_pose = fr.get("total"), fr.get("with_pose")
    q: dict = {"frames_with_pose_pct": _r(100 * with_pose / total, 1) if total and with_pose is not None else None}
    if angles is not None and "quality" in angles.columns:
        q["median_pose_quality"] = _r(pd.to_numeric(angles["quality"], errors="coerce").median())
    cy = clip.cycles
    per = {s: int((cy["side"] == s).sum()) if not cy.empty else 0 for s in ("l", "r")}
    q["cycles_used"] = per["l"] + per["r"]
    q["cycles_used_per_side"] = per
    q["view_shares"] = {v: _r(x, 3) for v, x in clip.view_share.items()}
    return q


def _activity(clip: _Clip) -> dict:
    """Which activity the gait cycles show: walking, running or both (shares of the cycles)."""
    n_walk, n_run = len(clip.cycles), len(clip.running)
    tot = n_walk + n_run
    kind = ("running" if n_run and not n_walk else "walking and running" if n_run else
            "walking" if n_walk else "none")
    return {"kind": kind, "walking_cycles": n_walk, "running_cycles": n_run,
            "running_share": _r(n_run / tot, 3) if tot else None}


def _running(clip: _Clip) -> dict | None:
    """Running bouts: cadence and the running key values, without a rating (RUNNING_NOTE)."""
    cy = clip.running
    if cy.empty:
        return None
    out: dict = {"note": RUNNING_NOTE, "key_values": {}}
    stride = pd.to_numeric(cy["stride_time_s"], errors="coerce")
    out["cadence_steps_per_min"] = _r(120.0 / float(stride.mean()), 1) if stride.notna().any() else None
    for col in RUNNING_KEY_VALUES:
        if col not in cy:
            continue
        e = {}
        for s in ("l", "r"):
            v = cy[cy["side"] == s]
            if col in SCREENED.get("ankle_dorsiflexion_deg", ()) + SCREENED.get("knee_flexion_deg", ()) \
                    and "leg_view" in v:
                v = v[v["leg_view"].fillna("").astype(str) != "far"]
            st = _stats(v[col])
            e[s] = st.to_dict() if st else {"mean": None, "sd": None, "n": 0}
        out["key_values"][col] = e
    return out


def _trust(clip: _Clip) -> dict:
    """What the analysis did not trust, for the report's data-quality section."""
    t = clip.trust
    gated = t.get("gated") or {}
    left = t.get("cycles_left_out") or []
    reasons: dict[str, int] = {}
    for c in left:
        key = str(c.get("why", "")).split(":")[0]
        reasons[key] = reasons.get(key, 0) + 1
    curves = {}
    for base, e in (t.get("curves") or {}).items():
        curves[base] = {s: {"shape_r": x.get("shape_r"), "passes": x.get("passes"), "words": x.get("words"),
                            "leg_view": x.get("leg_view"),
                            "there_and_back": (x.get("there_and_back") or {}).get("words")}
                        for s, x in e.items() if s in ("l", "r")}
        if "left_right" in e:
            curves[base]["left_right"] = e["left_right"].get("words")
    masked = t.get("skeleton_frames_masked") or {}
    return {"values_gated": int(sum(int(g.get("gated", 0)) for g in gated.values())),
            "values_gated_per_angle": {c: int(g.get("gated", 0)) for c, g in gated.items()},
            "frames_masked": int(masked.get("frames", 0) or 0),
            "frames_masked_reasons": masked.get("reasons") or {},
            "cycles_left_out": len(left), "cycles_left_out_reasons": reasons,
            "values_withheld": [{"side": w.get("side"), "angle": w.get("angle"), "why": w.get("why")}
                                for w in t.get("values_withheld") or []],
            "curves": curves}


def summarize(cycles: pd.DataFrame, analysis: dict, *, angles: pd.DataFrame | None = None) -> dict:
    """The summary.json dict for one clip from its cycles table and analysis.json dict
    (``angles``, optional, adds the median pose quality). Non-finite numbers become None."""
    clip = _Clip(cycles if cycles is not None else pd.DataFrame(), analysis)
    findings: list[dict] = []
    not_measurable: list[dict] = []
    found: dict[str, dict] = {}
    for t0, t1, reasons in clip.unusual_bouts:
        span = (f"{t0:.1f}-{t1:.1f} s" if isinstance(t0, (int, float)) and isinstance(t1, (int, float))
                else "part of the clip")
        not_measurable.append({"what": f"findings for {span}", "why": "; ".join(reasons),
                               "view": "side or front, camera still, level ground, real speed",
                               "rule": None, "hint": "film with the phone on a stand, on level ground"})
    only_running = clip.cycles.empty and not clip.running.empty
    if only_running:
        not_measurable.append({"what": "walking findings (ankle, knee, trunk, pelvis, timing)",
                               "why": "the clip shows running: " + RUNNING_NOTE, "view": "side",
                               "rule": None, "hint": "film a walk to have it rated"})
    skip_rules = only_running or (clip.cycles.empty and clip.running.empty and clip.n_unusual > 0)
    for rule in RULES if not skip_rules else ():
        if rule.kind == "level":
            f, nm = _level(rule, clip)
        elif rule.kind in ("difference", "index"):
            f, nm = _difference(rule, clip)
        elif rule.kind == "chain":
            f, nm = _chain(rule, found)
        else:
            raise ValueError(f"unknown rule kind {rule.kind!r} in rule {rule.id}")
        if f is not None:
            findings.append(f)
            found[rule.id] = f
        not_measurable += nm
    if clip.cycles.empty and clip.views and not skip_rules:
        backward = any(isinstance(b, dict) and b.get("backward") for b in analysis.get("bouts") or [])
        why = (BACK_NO_CYCLES if clip.views == ["back"] else
               "the walker moves against the way the body faces (walking backward, or the clip "
               "plays in reverse): footcam finds gait events in forward walking only"
               if backward else "no complete gait cycle was found")
        not_measurable.insert(0, {
            "what": "gait cycles (steps, timing and every key value)",
            "why": why,
            "view": "side or front", "rule": None,
            "hint": "film at least three full strides per foot from the side or the front"})
    src = analysis.get("source") or {}
    return _jsonable({
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "footcam_version": __version__,
        "source": {"name": src.get("name"), "sha256": src.get("sha256")},
        "activity": _activity(clip),
        "quality": {**_quality(clip, analysis, angles), "trust": _trust(clip)},
        "running": _running(clip),
        "spatiotemporal": _spatiotemporal(clip),
        "key_values": _key_values(clip),
        "findings": findings,
        "not_measurable": not_measurable,
        "rules": [{"id": r.id, "threshold": _thresholds(r) or None, "unit": r.unit,
                   "views": list(r.views) if r.kind != "chain" else None,
                   "reference": list(r.reference), "basis": r.basis} for r in RULES],
        "references": {k: {"short": s, "citation": c} for k, (s, c) in REFERENCES.items()},
        "disclaimer": DISCLAIMER,
    })


def _jsonable(x):
    """Plain JSON types; NaN and infinities become None."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return v if math.isfinite(v) else None
    return x
