"""Which way is up: for a picture rotated without metadata, try each rotation on sample frames.

Also drops MediaPipe's duplicate detections of one person in multi-pose mode.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..constants import L_ANKLE, L_HIP, L_SHOULDER, R_ANKLE, R_HIP, R_SHOULDER
from .landmarker import Detection, PoseLandmarker

ROTATIONS_CCW = (0, 90, 180, 270)
#: another rotation must score this much better than the stored picture to be applied
MARGIN = 1.5
#: the survey asks MediaPipe for up to this many people per frame
SURVEY_POSES = 3


def is_upright(d: Detection) -> bool:
    y = d.image_xy[:, 1]
    sh = (y[L_SHOULDER] + y[R_SHOULDER]) / 2
    hp = (y[L_HIP] + y[R_HIP]) / 2
    an = (y[L_ANKLE] + y[R_ANKLE]) / 2
    return bool(sh < hp < an)


def upright_score(dets: list[Detection]) -> float:
    """Best upright detection's mean presence; 0 if nobody stands upright."""
    return max((d.score for d in dets if is_upright(d)), default=0.0)


def distinct(dets: list[Detection]) -> list[Detection]:
    """Drop MediaPipe's duplicate detections of one person (a smaller pose centred on a larger
    one), keeping the larger."""
    from .tracking import _centre_and_height

    info = [_centre_and_height(d) for d in dets]
    order = sorted(range(len(dets)), key=lambda k: -info[k][1])
    kept: list[int] = []
    for k in order:
        c, h = info[k]
        dup = any(np.linalg.norm(c - info[j][0]) < 0.25 * info[j][1] and h < 0.75 * info[j][1]
                  for j in kept)
        if not dup:
            kept.append(k)
    return [dets[k] for k in sorted(kept)]


@dataclass(frozen=True)
class Survey:
    rotation_ccw_deg: int
    rotation_scores: dict[int, float] = field(default_factory=dict)
    frames: int = 0

    def to_dict(self) -> dict:
        return {"frames_sampled": self.frames,
                "rotation_scores": {str(k): round(v, 3) for k, v in self.rotation_scores.items()},
                "rotation_ccw_deg": self.rotation_ccw_deg}


def survey(frames: list[np.ndarray], model_path) -> Survey:
    """Find the counter-clockwise rotation (0/90/180/270) that shows people upright on the
    sample frames; 0 unless another rotation is clearly better."""
    if not frames:
        return Survey(0)
    scores = {}
    with PoseLandmarker(model_path, video=False, num_poses=SURVEY_POSES) as lm:
        for r in ROTATIONS_CCW:
            scores[r] = float(sum(
                upright_score(lm.detect(np.ascontiguousarray(np.rot90(img, k=r // 90)) if r else img))
                for img in frames))
    best = max(scores, key=scores.get)
    if best == 0 or scores[best] <= MARGIN * scores[0] + 0.2:
        best = 0
    return Survey(best, scores, len(frames))
