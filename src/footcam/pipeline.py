"""analyze_video(path, config) -> Analysis: wires the stages, nothing else.

video in → pose (follow one person) → clean → bouts/view → angles.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ._version import __version__
from .config import Config
from .errors import NoPersonError, VideoError
from .kinematics.clean import CleanResult, clean_pose
from .kinematics.cycles import gait_cycles
from .kinematics.events import detect_events
from .kinematics.gates import gate_angles, implausible_frames, mask_frames
from .kinematics.quality import bout_activity, curve_quality, screen_cycles, withhold_failed_shapes
from .kinematics.unusual import bout_reasons, camera_moves, clip_warnings
from .video.footage import camera_motion, scene_cuts
from .kinematics.scale import LEG_SHARE_OF_HEIGHT, contact_positions, px_per_m
from .kinematics.view import classify_bouts
from .kinematics.tables import angles_table
from .types import Bout, PoseSequence
from .video.reader import VideoInfo, iter_frames, probe, sample_frames

#: frames sampled over the clip to find the rotation of a picture rotated without metadata
SURVEY_FRAMES = 6
#: below this share of frames with an upright person, other rotations are tried
UPRIGHT_MIN = 0.5
#: people tracked at once when several are in view
MULTI_POSES = 2
#: a clip shorter than this cannot hold a stride (one gait cycle lasts about a second at a
#: normal walking speed): refused before any work, and when damage leaves less than this
MIN_CLIP_S = 1.0
#: refuse a clip when FFmpeg flags more than this share of its frames as damaged
MAX_DAMAGED_SHARE = 0.5
#: warn when the followed person's body is smaller than this in pixels (shoulder→ankle)
SMALL_PERSON_PX = 200

Progress = Callable[[int, int], None]


@dataclass
class Analysis:
    """Everything one clip's analysis produced; the writers in ``report`` turn it into files."""

    video: VideoInfo
    config: Config
    model: dict
    rotation: dict
    selection: dict
    raw: PoseSequence
    clean: CleanResult
    bouts: list[Bout]
    angles: pd.DataFrame
    availability: dict
    events: pd.DataFrame
    cycles: pd.DataFrame
    scale: dict = field(default_factory=dict)
    feet: dict = field(default_factory=dict)
    #: what was not trusted and why: implausible skeleton frames, gated angle values, cycles
    #: left out, key values withheld; and the per-angle curve quality
    trust: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timing_s: dict = field(default_factory=dict)
    damaged_frames: list[int] = field(default_factory=list)   # flagged corrupt by FFmpeg
    footcam_version: str = __version__

    @property
    def pose(self) -> PoseSequence:
        return self.clean.pose


def _log_none(msg: str) -> None:
    pass


def analyze_video(path: str | Path, config: Config | None = None, *, progress: Progress | None = None,
                  log: Callable[[str], None] = _log_none) -> Analysis:
    """Run the whole per-clip analysis. Raises FootcamError subclasses on bad input."""
    from .pose.models import resolve_model
    from .pose.survey import survey
    from .pose.tracking import select_person

    config = config or Config()
    path = Path(path)
    timing = {}
    t0 = time.perf_counter()
    warnings: list[str] = []
    info = probe(path)
    if info.duration_s + 1e-6 < MIN_CLIP_S:
        raise VideoError(f"too short: {info.duration_s:.2f} s ({info.n_frames} frame"
                         f"{'s' if info.n_frames != 1 else ''}); a clip must hold a stride: at "
                         f"least {MIN_CLIP_S:g} s of walking", path)
    model = resolve_model(config.pose.model, log=log)

    # --- pose, orientation, people -------------------------------------------------------------
    # One VIDEO-mode pass at the stored orientation with single-pose tracking (the fastest, and
    # on a one-person clip the most reliable). Only when it shows a problem is work redone:
    # a person rarely upright → find the rotation on sample frames and redo the pass; several
    # people taking turns in the single-pose track → redo it with multi-pose tracking so that
    # the walker can be followed throughout.
    rot_cfg = config.video.rotate
    extra = 0 if rot_cfg == "auto" else (360 - int(rot_cfg)) % 360   # --rotate is clockwise
    num_poses = config.pose.num_poses or 1
    rotation = {"display_matrix_ccw_deg": info.display_rotation_deg, "mode": rot_cfg}
    passes = []
    t1 = time.perf_counter()
    tracker, time_s, footage, damaged = _pose_pass(info, extra, model.path, config, num_poses, progress)
    passes.append({"rotation_ccw_deg": extra, "num_poses": num_poses, "why": "first pass"})
    if rot_cfg == "auto" and _upright_rate(tracker, len(time_s)) < UPRIGHT_MIN:
        sv = survey([img for _, img in sample_frames(info, SURVEY_FRAMES)], model.path)
        rotation["survey"] = sv.to_dict()
        if sv.rotation_ccw_deg:
            extra = sv.rotation_ccw_deg
            warnings.append(f"the picture is rotated without metadata: turned it {extra} deg "
                            f"counter-clockwise to make the person upright (use --rotate to force)")
            tracker, time_s, footage, damaged = _pose_pass(info, extra, model.path, config, num_poses, progress)
            passes.append({"rotation_ccw_deg": extra, "num_poses": num_poses,
                           "why": "person not upright: picture rotated without metadata"})
    cuts = scene_cuts(footage.arrays()[0])
    if config.pose.num_poses == 0 and tracker.people_taking_turns(time_s, cuts=tuple(cuts)):
        num_poses = MULTI_POSES
        tracker, time_s, footage, damaged = _pose_pass(info, extra, model.path, config, num_poses, progress)
        passes.append({"rotation_ccw_deg": extra, "num_poses": num_poses,
                       "why": "several people took turns in the single-pose track"})
    rotation["passes"] = passes
    rotation["content_ccw_deg"] = extra
    rotation["total_ccw_deg"] = (info.display_rotation_deg + extra) % 360
    w, h = info.display_wh
    wh = (h, w) if extra in (90, 270) else (w, h)
    rotation["analysed_wh"] = list(wh)
    if len(time_s) < info.n_frames:
        warnings.append(f"damaged or cut short: only {len(time_s)} of {info.n_frames} frames "
                        f"could be decoded")
    if damaged:
        warnings.append(_damage_warning(damaged, time_s))
    usable_s = (len(time_s) - len(damaged)) / info.fps if info.fps > 0 else 0.0
    if (usable_s + 1e-6 < MIN_CLIP_S or len(damaged) > MAX_DAMAGED_SHARE * len(time_s)):
        raise VideoError(f"damaged: {len(time_s) - len(damaged)} of {info.n_frames} frames decode "
                         f"cleanly ({len(damaged)} flagged as corrupt by FFmpeg), too little to "
                         f"analyse (needs at least {MIN_CLIP_S:g} s and half of the frames)", path)
    timing["decode_and_pose"] = time.perf_counter() - t1
    edges = [0, *cuts, len(time_s)]
    shots = list(zip(edges, edges[1:]))
    camera_speed = camera_motion(footage.arrays()[1], time_s, wh[0])
    sel = select_person(tracker, time_s, wh, config.pose.person, str(path), shots=shots)
    raw = sel.pose
    n_det = int(raw.detected.sum())
    if n_det == 0:
        raise NoPersonError(f"no person visible in {len(time_s)} of {len(time_s)} frames", path)
    if sel.people_seen > 1:
        warnings.append(f"{sel.people_seen} people in view at once; followed track {sel.track} "
                        f"({sel.reason}); use --person N to choose another")
    missing = len(time_s) - n_det
    if missing / len(time_s) > 0.2:
        warnings.append(f"the followed person was found in only {n_det} of {len(time_s)} frames")

    # --- clean, bouts, angles -----------------------------------------------------------------
    t2 = time.perf_counter()
    # a skeleton no body can take (a leg on an arm, legs lost behind furniture) is a frame
    # without a pose: masked before cleaning, so that filling and filtering do not spread it
    implausible, implausible_why = implausible_frames(raw)
    # around a scene cut nothing may be filled or filtered across: a gap longer than the
    # longest gap that is filled
    near_cut = _near_cuts(time_s, cuts, config.clean.max_gap_s)
    implausible_why[near_cut & ~implausible] = "at a scene cut"
    implausible |= near_cut
    clean = clean_pose(mask_frames(raw, implausible), config.clean)
    bouts = classify_bouts(clean.pose, breaks=cuts)
    events = detect_events(clean.pose, bouts)
    timing["clean_and_events"] = time.perf_counter() - t2
    feet = {"used": False, "why_not": "turned off (--no-refine-feet)"}
    if config.pose.refine_feet:
        from .pose.footrefine import refine_feet

        t3 = time.perf_counter()
        refined, feet = refine_feet(lambda: iter_frames(info, extra, gray=True), clean.pose, bouts, events,
                                    cutoff_hz=config.clean.cutoff_hz, order=config.clean.filter_order)
        clean = replace(clean, pose=refined)
        timing["refine_feet"] = time.perf_counter() - t3
    t2 = time.perf_counter()
    angles, availability = angles_table(clean.pose, bouts)
    scale = {"height_cm": config.subject.height_cm, "px_per_m": None,
             "method": "leg length in the picture (hip-knee-ankle, median of the longer leg) "
                       f"= {LEG_SHARE_OF_HEIGHT} x height (Winter 2009); side views only"}
    if config.subject.height_cm:
        ppm = px_per_m(clean.pose, bouts, config.subject.height_cm / 100.0)
        scale["px_per_m"] = ppm if np.isfinite(ppm) else None
        # heel positions on the floor need a camera that stands still
        moving = {k for k, b in enumerate(bouts) if camera_moves(b, camera_speed)}
        events["position_m"] = contact_positions(clean.pose, bouts, events, ppm, skip_bouts=moving)
        if not np.isfinite(ppm):
            warnings.append("no side view: stride and step length need one (height ignored)")
    angles, cycles, bouts, trust = _trusted(angles, events, bouts, clean.pose)
    unusual = bout_reasons(clean.pose, bouts, events, cycles, camera_speed)
    bouts = [replace(b, unusual=tuple(unusual.get(k, ()))) for k, b in enumerate(bouts)]
    warnings += clip_warnings(clean.pose, bouts, cycles, cuts, unusual)
    trust["footage"] = {"scene_cuts_s": [round(float(time_s[c]), 3) for c in cuts],
                        "camera_speed_widths_per_s": _round_or_none(np.nanmedian(camera_speed))
                        if np.isfinite(camera_speed).any() else None}
    counts = pd.Series(implausible_why[implausible]).value_counts()
    trust["skeleton_frames_masked"] = {"frames": int(implausible.sum()),
                                       "reasons": {str(k): int(v) for k, v in counts.items()}}
    for c, g in trust["gated"].items():
        if c in availability:
            availability[c]["frames_gated"] = g["gated"]
            availability[c]["frames_with_value"] = int(angles[c].notna().sum())
    timing["angles_and_cycles"] = time.perf_counter() - t2

    size = np.nanmedian(_shoulder_to_ankle_px(clean.pose))
    if np.isfinite(size) and size < SMALL_PERSON_PX:
        warnings.append(f"the person is small in the picture ({size:.0f} px shoulder to ankle; "
                        f"{SMALL_PERSON_PX}+ px recommended): angles are less precise")
    if any(b.view == "oblique" for b in bouts):
        warnings.append("oblique view in part of the clip: sagittal angles (ankle, knee, hip, "
                        "trunk) need a side view, pelvic rotation and foot progression a front "
                        "or back view")
    timing["total"] = time.perf_counter() - t0
    return Analysis(video=info, config=config, model=model.to_dict(), rotation=rotation,
                    selection={**sel.to_dict(), "num_poses_used": num_poses}, raw=raw, clean=clean,
                    bouts=bouts, angles=angles, events=events, cycles=cycles, scale=scale, feet=feet,
                    trust=trust, availability=availability, warnings=warnings, timing_s=timing,
                    damaged_frames=damaged)


def _trusted(angles: pd.DataFrame, events: pd.DataFrame, bouts: list[Bout], pose: PoseSequence):
    """Walking or running per bout, the plausibility gates on the angles, the cycle screening
    and the curve quality: the angles, cycles and bouts to report, and what was not trusted."""
    from .findings.rules import angle_limits

    activity = bout_activity(gait_cycles(angles, events))
    bouts = [replace(b, activity=activity.get(k, "")) for k, b in enumerate(bouts)]
    per_frame = np.full(len(angles), "", dtype=object)
    for b in bouts:
        per_frame[b.start:b.stop] = b.activity
    angles, gated = gate_angles(angles, per_frame, angle_limits(), pose.visibility)
    cycles, screen = screen_cycles(angles, gait_cycles(angles, events, activity))
    quality = curve_quality(angles, cycles, {k: b.direction_sign for k, b in enumerate(bouts)})
    cycles, withheld = withhold_failed_shapes(cycles, quality)
    trust = {"gated": gated, "cycles_left_out": screen["left_out"],
             "values_withheld": screen["withheld"] + withheld, "curves": quality}
    return angles, cycles, bouts, trust


def _near_cuts(time_s: np.ndarray, cuts, max_gap_s: float) -> np.ndarray:
    """(T,) frames within half a (longest filled gap + a frame) of a scene cut."""
    out = np.zeros(len(time_s), bool)
    if not len(cuts) or len(time_s) < 2:
        return out
    half = 0.5 * max_gap_s + float(np.median(np.diff(time_s)))
    for c in cuts:
        t0 = 0.5 * (time_s[c - 1] + time_s[c])
        out |= np.abs(time_s - t0) <= half
    return out


def _round_or_none(x, nd=4):
    return round(float(x), nd) if np.isfinite(x) else None


def _pose_pass(info: VideoInfo, extra_rot: int, model_path, config: Config, num_poses: int,
               progress: Progress | None):
    """Decode every frame and run the landmarker in VIDEO mode; link detections into tracks."""
    from .pose.landmarker import PoseLandmarker
    from .pose.survey import distinct
    from .pose.tracking import Tracker

    from .video.footage import FootageMonitor

    tracker = Tracker()
    footage = FootageMonitor()
    times: list[float] = []
    damaged: list[int] = []
    pc = config.pose
    with PoseLandmarker(model_path, video=True, num_poses=num_poses,
                        min_pose_detection_confidence=pc.min_pose_detection_confidence,
                        min_pose_presence_confidence=pc.min_pose_presence_confidence,
                        min_tracking_confidence=pc.min_tracking_confidence) as lm:
        for i, t, img in iter_frames(info, extra_rot, damaged=damaged):
            times.append(t)
            # a damaged picture is FFmpeg's guess, not the scene: no pose rather than a wrong one
            dets = [] if damaged and damaged[-1] == i else lm.detect(img, t)
            tracker.update(i, t, distinct(dets) if len(dets) > 1 else dets)
            footage.update(img, [d.bbox_xyxy for d in dets])
            if progress:
                progress(i + 1, info.n_frames)
    return tracker, np.asarray(times), footage, damaged


def _damage_warning(damaged: list[int], time_s: np.ndarray, shown: int = 8) -> str:
    at = ", ".join(f"{time_s[i]:.2f}" for i in damaged[:shown])
    more = f" and {len(damaged) - shown} more" if len(damaged) > shown else ""
    return (f"damaged video: FFmpeg flagged {len(damaged)} of {len(time_s)} frames as corrupt "
            f"(at {at} s{more}); they are treated as frames without a pose")


def _upright_rate(tracker, n_frames: int) -> float:
    """Share of frames in which some tracked person stands upright (shoulders above ankles)."""
    from .pose.survey import is_upright

    frames = {f for tr in tracker.tracks for f, d in zip(tr.frames, tr.detections) if is_upright(d)}
    return len(frames) / max(n_frames, 1)


def _shoulder_to_ankle_px(pose: PoseSequence) -> np.ndarray:
    from .kinematics.view import body_height_px

    return body_height_px(pose.image_xy)


def analyze_to_dir(path: str | Path, out_dir: str | Path, config: Config | None = None, *,
                   progress: Progress | None = None, log: Callable[[str], None] = _log_none,
                   extras=(), stills: bool = True) -> Analysis:
    """Analyse one clip and write its complete output folder (atomically): the tables,
    analysis.json, summary.json (findings), stills/ at each gait event (``stills``),
    report.html, and whatever ``extras(folder)`` add (e.g. the overlay). summary.json comes
    first (the overlay and the report read it), the report last (it shows the stills)."""
    from .findings import write_summary
    from .report.files import claim_clip_dir, write_analysis
    from .report.html import write_report

    claim_clip_dir(Path(out_dir), path)     # before the work: footcam's folder, writable, room
    analysis = analyze_video(path, config, progress=progress, log=log)
    drawn = ()
    if stills:
        from .overlay.stills import write_stills

        drawn = (lambda folder: write_stills(folder, log=log),)
    write_analysis(analysis, Path(out_dir), extras=(write_summary, *extras, *drawn, write_report))
    return analysis
