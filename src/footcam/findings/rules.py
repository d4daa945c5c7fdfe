"""Every threshold footcam's findings use, with its source, in one table.

``RULES`` is the table: one ``RuleSpec`` per finding. ``KEY_VALUES`` lists the key values that
summary.json reports with their typical range. ``REFERENCES`` holds the full citations.
``TYPICAL_CURVES`` (with ``CURVE_REFERENCES``) are the typical patterns the report draws behind
its curves. The report reads its ranges and references from here, never from a copy.
docs/findings.md explains each row; change a number here and there together.

Where a cut-off is footcam's own choice rather than a published figure, its ``basis`` says so
and its ``reference`` is ``"footcam"``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SIDE, FRONT, BACK, OBLIQUE = "side", "front", "back", "oblique"

#: id -> (short, full citation). Only literature that says what footcam uses it for.
REFERENCES: dict[str, tuple[str, str]] = {
    "perry2010": ("Perry & Burnfield 2010",
                  "Perry J, Burnfield JM. Gait Analysis: Normal and Pathological Function. 2nd ed. "
                  "Thorofare, NJ: SLACK; 2010."),
    "mcginley2009": ("McGinley et al. 2009",
                     "McGinley JL, Baker R, Wolfe R, Morris ME. The reliability of three-dimensional "
                     "kinematic gait measurements: a systematic review. Gait Posture. "
                     "2009;29(3):360-369."),
    "staheli1985": ("Staheli et al. 1985",
                    "Staheli LT, Corbett M, Wyss C, King H. Lower-extremity rotational problems in "
                    "children. Normal values to guide management. J Bone Joint Surg Am. "
                    "1985;67(1):39-47."),
    "norkin2016": ("Norkin & White 2016",
                   "Norkin CC, White DJ. Measurement of Joint Motion: A Guide to Goniometry. 5th ed. "
                   "Philadelphia: F.A. Davis; 2016 (normal ranges of motion, incl. the AAOS values)."),
    "novacheck1998": ("Novacheck 1998",
                      "Novacheck TF. The biomechanics of running. Gait Posture. 1998;7(1):77-95."),
    "schwartz2008": ("Schwartz et al. 2008",
                     "Schwartz MH, Rozumalski A, Trost JP. The effect of walking speed on the gait of "
                     "typically developing children. J Biomech. 2008;41(8):1639-1650 (the normative "
                     "curves footcam compares curve shapes with)."),
    "footcam": ("footcam's own choice",
                "footcam's own working cut-off, not taken from a published norm; see "
                "docs/findings.md for the reasoning. Treat it as provisional."),
}


@dataclass(frozen=True)
class RuleSpec:
    """One finding rule.

    kind:
      ``level``      the mean of ``measure`` per side (or over both sides' cycles when
                     ``central``) against ``mild``/``marked``, in ``direction``;
      ``difference`` left minus right of ``measure`` (absolute), in the measure's unit;
      ``index``      symmetry index 100·|l−r| / mean(l, r), in %;
      ``chain``      fires when one of ``parts[0]`` and one of ``parts[1]`` fire on the clip.
    """

    id: str
    title: str                       # plain words, shown as the finding's heading
    kind: str
    measure: str = ""                # a cycles.csv column
    direction: str = "above"         # "above": flagged when greater; "below": when smaller
    mild: float | None = None
    marked: float | None = None
    unit: str = "deg"
    central: bool = False            # one value for the body (pelvis, trunk), not per leg
    views: tuple[str, ...] = (SIDE,)  # views whose cycles the rule may use
    reference: tuple[str, ...] = ()
    basis: str = ""                  # where each number comes from, in plain words
    what: str = ""                   # the quantity, for "not measurable" and evidence
    film: str = ""                   # which view measures it, for "not measurable"
    typical: str = ""                # the typical value in words, for the evidence
    parts: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    #: side views: use only cycles in which the leg faced the camera (the far leg is seen
    #: through the near one; its ankle is measured less well)
    near_leg_only: bool = False


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        id="restricted_ankle_motion", title="Less ankle motion from late stance to push-off",
        kind="level", measure="ankle_range_deg", direction="below",
        mild=20.0, marked=15.0, views=(SIDE,), reference=("perry2010", "footcam"), near_leg_only=True,
        basis="the ankle typically turns through about 30° between its peak dorsiflexion in "
              "terminal stance (about 10°) and its peak plantarflexion at push-off (about 20°) "
              "(Perry & Burnfield 2010); mild below 20° (two thirds of that), marked below 15° "
              "(half), footcam's own cut-offs. footcam rates this range rather than the "
              "dorsiflexion peak alone because it measures it better from video (docs/findings.md)",
        what="ankle range from late stance to push-off", film="side",
        typical="typically about 30°"),
    RuleSpec(
        id="restricted_dorsiflexion", title="Less ankle dorsiflexion in stance",
        kind="level", measure="peak_ankle_dorsiflexion_stance_deg", direction="below",
        mild=5.0, marked=0.0, views=(SIDE,), reference=("perry2010", "footcam"), near_leg_only=True,
        basis="the typical peak dorsiflexion in terminal stance is about 10° (Perry & Burnfield "
              "2010); mild below 5° (half of it), marked below 0° (the shin never passes the "
              "vertical over the foot), footcam's own cut-offs",
        what="ankle dorsiflexion in stance", film="side",
        typical="typical about 10° in late stance"),
    RuleSpec(
        id="reduced_push_off", title="Less ankle push-off",
        kind="level", measure="peak_ankle_plantarflexion_push_off_deg", direction="above",
        mild=-10.0, marked=-5.0, views=(SIDE,), reference=("perry2010", "footcam"), near_leg_only=True,
        basis="the ankle typically plantarflexes by about 20° around toe off (Perry & Burnfield "
              "2010); mild when the peak is less than 10° (half of it), marked when less than 5°, "
              "footcam's own cut-offs",
        what="peak ankle plantarflexion at push-off", film="side",
        typical="typically about 20° of plantarflexion, i.e. about −20°"),
    RuleSpec(
        id="excess_pelvic_rotation", title="More pelvic rotation than typical",
        kind="level", measure="pelvic_rotation_range_deg", direction="above", central=True,
        mild=15.0, marked=20.0, views=(FRONT,), reference=("perry2010", "mcginley2009"),
        basis="the pelvis typically turns about 10° in all over a stride (Perry & Burnfield "
              "2010); mild above 15°: more than the 5° that McGinley et al. (2009) call the "
              "limit of a reasonable measurement error beyond it; marked above 20° (twice the "
              "typical range), footcam's own choice",
        what="pelvic rotation", film="front",
        typical="typically about 10° in all (5° each way)"),
    RuleSpec(
        id="excess_trunk_extension_range",
        title="More back-and-forth trunk (lower back) movement than footcam expects",
        kind="level", measure="trunk_extension_range_deg", direction="above", central=True,
        mild=6.0, marked=9.0, views=(SIDE,), reference=("footcam",),
        basis="footcam's own choice: an upright walker's trunk (lumbar proxy) pitches by a few "
              "degrees per stride (about 3° on the rendered typical walks); footcam measures "
              "the range of the stride's periodic trunk motion (its first two harmonics, so that "
              "frame-to-frame noise does not widen it) and reads 3.5-4.7° on typical rendered "
              "walks, 6.2° on one with twice the motion, and 4.0-7.5° on six real clips of people "
              "walking (no truth); mild above 6° (twice the typical range), marked above 9° "
              "(three times). No published norm for this proxy is used",
        what="trunk (lumbar proxy) extension range", film="side",
        typical="footcam expects a few degrees per stride"),
    RuleSpec(
        id="stiff_knee_swing", title="Less knee bending in swing (a stiff knee)",
        kind="level", measure="peak_knee_flexion_swing_deg", direction="below",
        mild=45.0, marked=35.0, views=(SIDE,), reference=("perry2010", "mcginley2009", "footcam"),
        near_leg_only=True,
        basis="the knee typically bends to about 60 deg in initial swing to clear the foot (Perry & "
              "Burnfield 2010); mild below 45 deg (15 deg less: three times the 5 deg that "
              "McGinley et al. 2009 call a reasonable measurement error), marked below 35 deg, "
              "footcam's own cut-offs. Circumduction, hip hiking and a stiff-legged limp all show "
              "here. Near leg only: footcam reads the far knee 15-20 deg low in side views",
        what="peak knee flexion in swing", film="side",
        typical="typically about 60°"),
    RuleSpec(
        id="forward_trunk_lean", title="Trunk leaning forward while walking",
        kind="level", measure="trunk_extension_mean_deg", direction="below", central=True,
        mild=-10.0, marked=-20.0, views=(SIDE,), reference=("perry2010", "footcam"),
        basis="an upright walker's trunk stays within a few degrees of the vertical (Perry & "
              "Burnfield 2010); footcam's own cut-offs: mild when it leans forward by more than "
              "10 deg on average over the stride, marked beyond 20 deg. footcam reads ordinary "
              "walkers at -6..+9 deg (rendered typical walks about -5, real clips +3..+9: phone "
              "cameras and clothing put the shoulders a little behind the hips)",
        what="mean trunk (lumbar proxy) inclination", film="side",
        typical="typically within a few degrees of upright"),
    RuleSpec(
        id="out_toeing", title="Feet turned out (out-toeing)",
        kind="level", measure="foot_progression_stance_deg", direction="above",
        mild=20.0, marked=30.0, views=(FRONT,), reference=("staheli1985",),
        basis="adults typically walk with the feet turned out by about 10°, up to about 20° "
              "(Staheli et al. 1985): mild above 20°; marked above 30°, footcam's own choice",
        what="toe-out (foot progression in stance)", film="front",
        typical="typically about 10° toe-out, up to about 20°"),
    RuleSpec(
        id="asymmetry_dorsiflexion", title="Left and right ankles bend differently in stance",
        kind="difference", measure="peak_ankle_dorsiflexion_stance_deg", direction="below",
        mild=5.0, marked=10.0, views=(SIDE,), reference=("mcginley2009",), near_leg_only=True,
        basis="mild when left and right differ by more than 5°: McGinley et al. (2009) regard "
              "errors of 2–5° as reasonable, so a larger difference is more than measurement "
              "error; marked above 10° (twice that), footcam's own choice",
        what="left/right difference in ankle dorsiflexion in stance", film="side"),
    RuleSpec(
        id="asymmetry_push_off", title="Left and right ankles push off differently",
        kind="difference", measure="peak_ankle_plantarflexion_push_off_deg", direction="above",
        mild=5.0, marked=10.0, views=(SIDE,), reference=("mcginley2009",), near_leg_only=True,
        basis="as for dorsiflexion: more than 5° (McGinley et al. 2009) mild, more than 10° "
              "marked (footcam's own choice)",
        what="left/right difference in ankle push-off", film="side"),
    RuleSpec(
        id="asymmetry_step_time", title="Left and right steps take different times",
        kind="index", measure="step_time_s", unit="%", mild=15.0, marked=25.0,
        views=(SIDE, FRONT, OBLIQUE), reference=("footcam",),
        basis="footcam's own choice: a symmetry index (100·|left−right| / mean of the per-side "
              "medians) above 15 % mild, above 25 % marked. footcam times a heel strike to about "
              "a frame (95 % within 3 frames on rendered clips), which alone can make a 5-10 % "
              "index from two or three strides; the cut-offs sit well above that",
        what="left/right step time", film="side or front"),
    RuleSpec(
        id="asymmetry_stance_time", title="Left and right feet stay on the ground for different times (a limp)",
        kind="index", measure="stance_pct", unit="%", mild=15.0, marked=25.0,
        views=(SIDE, FRONT, OBLIQUE), reference=("footcam",),
        basis="footcam's own choice, as for step time: a symmetry index of the stance share above "
              "15 % mild, above 25 % marked",
        what="left/right stance time", film="side or front"),
    RuleSpec(
        id="ankle_compensation_chain",
        title="Less ankle movement together with more pelvis or trunk movement",
        kind="chain", unit="", reference=("footcam",),
        parts=(("restricted_ankle_motion", "restricted_dorsiflexion", "reduced_push_off"),
               ("excess_pelvic_rotation", "excess_trunk_extension_range")),
        basis="footcam's own rule, with no threshold of its own: it fires when an ankle finding "
              "(less dorsiflexion or less push-off) and a pelvis or trunk finding are both at "
              "least mild on the same clip; its severity is the lower of the two",
        what="the ankle-and-compensation pattern", film="side (ankle, trunk) and front (pelvis)"),
)

RULES_BY_ID: dict[str, RuleSpec] = {r.id: r for r in RULES}

#: the minimum number of gait cycles (per side, or in all for a central value) a rule rests on
MIN_CYCLES = 2
#: confidence: the number of cycles (per side) at which the "how many cycles" factor reaches 1
FULL_CONFIDENCE_CYCLES = 5
#: confidence: a cycle-to-cycle SD of this many degrees halves the "consistency" factor
#: (McGinley et al. 2009: errors above 5° should raise concern)
CONSISTENCY_SD_DEG = 5.0
#: the same for a symmetry index, in percentage points (footcam's own choice)
CONSISTENCY_SD_PCT = 10.0


@dataclass(frozen=True)
class KeyValueSpec:
    """A key value of cycles.csv reported in summary.json, with its typical adult range."""

    column: str
    central: bool
    views: tuple[str, ...]
    low: float | None
    high: float | None
    reference: str | None
    note: str = ""
    #: side views: only the cycles in which the leg faced the camera, as the rules on it (the
    #: far leg's ankle and knee read worse: the far knee 15-20 deg low in swing)
    near_leg_only: bool = False


KEY_VALUES: tuple[KeyValueSpec, ...] = (
    KeyValueSpec("peak_ankle_dorsiflexion_stance_deg", False, (SIDE,), 5.0, 15.0, "perry2010",
                 "about 10° in terminal stance", near_leg_only=True),
    KeyValueSpec("ankle_dorsiflexion_at_toe_off_deg", False, (SIDE,), -20.0, -10.0, "perry2010",
                 "about 15° plantarflexion at toe off", near_leg_only=True),
    KeyValueSpec("peak_ankle_plantarflexion_push_off_deg", False, (SIDE,), -25.0, -15.0, "perry2010",
                 "about 20° plantarflexion around toe off", near_leg_only=True),
    KeyValueSpec("ankle_range_deg", False, (SIDE,), 25.0, 35.0, "perry2010",
                 "about 30° from late stance to push-off", near_leg_only=True),
    KeyValueSpec("peak_knee_flexion_swing_deg", False, (SIDE,), 55.0, 65.0, "perry2010",
                 "about 60° in initial swing", near_leg_only=True),
    KeyValueSpec("peak_hip_extension_deg", False, (SIDE,), 5.0, 20.0, "perry2010",
                 "thigh about 10–20° behind the vertical in terminal stance"),
    KeyValueSpec("pelvic_rotation_range_deg", True, (FRONT,), 5.0, 15.0, "perry2010",
                 "about 10° in all"),
    KeyValueSpec("trunk_extension_mean_deg", True, (SIDE,), None, None, None,
                 "no published range for this proxy"),
    KeyValueSpec("trunk_extension_range_deg", True, (SIDE,), None, 6.0, "footcam",
                 "footcam's own working limit"),
    KeyValueSpec("foot_progression_stance_deg", False, (FRONT,), -3.0, 20.0, "staheli1985",
                 "about 10° toe-out"),
)

#: the key values footcam reports for running bouts. footcam has no sound running reference for
#: its own definitions, so they carry no typical range and no rule rates them
RUNNING_KEY_VALUES: tuple[str, ...] = (
    "stance_pct", "peak_knee_flexion_swing_deg", "peak_ankle_dorsiflexion_stance_deg",
    "peak_ankle_plantarflexion_push_off_deg", "peak_hip_extension_deg",
    "trunk_extension_mean_deg")
RUNNING_NOTE = ("footcam's findings and typical ranges are for walking; it has no sound running "
                "reference for its own definitions, so running bouts get their values without a "
                "rating")

#: why a view cannot measure what a rule needs, in plain words
VIEW_LIMITS: dict[str, str] = {
    SIDE: "a side view shows the sagittal plane only (no pelvic rotation or toe-out)",
    FRONT: "a front view hides the sagittal plane (no ankle, knee, hip or trunk bending)",
    BACK: "a back view hides the sagittal plane (no ankle, knee, hip or trunk bending) and "
          "gives no toe-out (from behind MediaPipe turns the feet toward the camera)",
    OBLIQUE: "an oblique view foreshortens both planes, so footcam does not rate these angles "
             "from it",
    "unknown": "the view could not be classified",
}


@dataclass(frozen=True)
class AngleLimit:
    """What a body can reach, per angle (base column of angles.csv) and activity: a value
    outside is a measurement error and becomes NaN with a counted reason (kinematics.gates)."""

    column: str
    walking: tuple[float, float]
    running: tuple[float, float]
    reference: tuple[str, ...]
    basis: str


ANGLE_LIMITS: tuple[AngleLimit, ...] = (
    AngleLimit("ankle_dorsiflexion_deg", (-40.0, 35.0), (-50.0, 45.0), ("norkin2016", "perry2010", "novacheck1998"),
               "passive range about 20 deg dorsiflexion and 50 deg plantarflexion (Norkin & White "
               "2016), more dorsiflexion under body weight with the knee bent; walking uses about "
               "-20..+15 (Perry & Burnfield 2010), running about -30..+30 (Novacheck 1998)"),
    AngleLimit("knee_flexion_deg", (-15.0, 100.0), (-15.0, 140.0), ("norkin2016", "perry2010", "novacheck1998"),
               "the knee bends to about 135-150 deg and straightens to 0 (a few degrees of "
               "hyperextension in some people; Norkin & White 2016); walking uses 0..70 (Perry & "
               "Burnfield 2010), running up to about 130 in swing (Novacheck 1998)"),
    AngleLimit("hip_flexion_deg", (-40.0, 65.0), (-50.0, 80.0), ("norkin2016", "perry2010", "novacheck1998"),
               "footcam's hip is the thigh against the vertical (the pelvis' tilt included): the "
               "hip flexes to about 120 deg and extends to about 20-30 (Norkin & White 2016); "
               "walking uses about -20..+30 (Perry & Burnfield 2010), running up to about +70 "
               "(Novacheck 1998)"),
    AngleLimit("trunk_extension_deg", (-40.0, 25.0), (-40.0, 25.0), ("perry2010",),
               "an upright walker's trunk stays within a few degrees of the vertical (Perry & "
               "Burnfield 2010); a stooped walker leans forward by up to 30-40 deg; leaning back "
               "further than 25 deg a person cannot walk or run"),
    AngleLimit("pelvic_rotation_deg", (-30.0, 30.0), (-30.0, 30.0), ("perry2010", "novacheck1998"),
               "the pelvis turns about +-5 deg in walking (Perry & Burnfield 2010) and somewhat "
               "more in running (Novacheck 1998); beyond +-30 deg the hips have turned the body "
               "away from its path"),
    AngleLimit("pelvic_obliquity_deg", (-20.0, 20.0), (-20.0, 20.0), ("perry2010",),
               "the pelvis tilts about +-5 deg to the side in walking (Perry & Burnfield 2010); a "
               "marked Trendelenburg drop reaches 10-15 deg"),
    AngleLimit("trunk_lateral_lean_deg", (-30.0, 30.0), (-30.0, 30.0), ("perry2010",),
               "the trunk sways a few degrees to the side (Perry & Burnfield 2010); a marked lurch "
               "over the stance leg reaches 15-20 deg"),
    AngleLimit("foot_progression_deg", (-35.0, 45.0), (-35.0, 45.0), ("staheli1985",),
               "adults walk with about 10 deg toe-out, from about -5 (toe-in) to +20 (Staheli et "
               "al. 1985); marked in- or out-toeing stays within -30..+40"),
    AngleLimit("hip_rotation_deg", (-50.0, 60.0), (-50.0, 60.0), ("norkin2016",),
               "the hip rotates about 45 deg inward and 45-60 deg outward at most (Norkin & White "
               "2016); footcam's is a proxy (the foot against the pelvis)"),
)


def angle_limits() -> dict[str, dict[str, tuple[float, float]]]:
    """``ANGLE_LIMITS`` as ``{base column: {"walking": (lo, hi), "running": (lo, hi)}}``, the
    form kinematics.gates takes."""
    return {a.column: {"walking": a.walking, "running": a.running} for a in ANGLE_LIMITS}

#: typical adult sagittal patterns over the gait cycle, drawn as a grey band behind the
#: report's curves: ``angle -> ((% cycle, mean), ...), ± half-width`` through the values in
#: Perry & Burnfield (2010) and the shapes of Kadaba et al. (1990) and Winter (2009). A guide
#: to the shape, not a normative data set: footcam's hip is the thigh against the vertical (no
#: pelvis markers), so no lab curve is directly comparable. No finding uses them.
TYPICAL_CURVES: dict[str, tuple[tuple[tuple[float, float], ...], float]] = {
    "ankle_dorsiflexion_deg": (((0, 0), (7, -5), (15, 0), (30, 5), (45, 10), (50, 9), (55, 3),
                                (60, -12), (65, -16), (70, -10), (80, -2), (90, 0), (100, 0)), 6.0),
    "knee_flexion_deg": (((0, 5), (15, 18), (30, 9), (40, 5), (50, 9), (60, 38), (67, 55),
                          (72, 60), (80, 50), (90, 20), (97, 4), (100, 5)), 7.0),
    "hip_flexion_deg": (((0, 22), (10, 20), (30, 5), (50, -11), (55, -12), (62, -6), (75, 14),
                         (87, 25), (100, 22)), 8.0),
}

#: the literature behind TYPICAL_CURVES beyond REFERENCES (id -> (short, full citation)); the
#: report lists them with the findings' references
CURVE_REFERENCES: dict[str, tuple[str, str]] = {
    "kadaba1990": ("Kadaba et al. 1990",
                   "Kadaba MP, Ramakrishnan HK, Wootten ME. Measurement of lower extremity "
                   "kinematics during level walking. J Orthop Res. 1990;8(3):383-392."),
    "winter2009": ("Winter 2009",
                   "Winter DA. Biomechanics and Motor Control of Human Movement. 4th ed. "
                   "Hoboken, NJ: Wiley; 2009."),
}
