import numpy as np
import pandas as pd
import pytest

from footcam.config import Config
from footcam.constants import L_ANKLE, L_HEEL, L_HIP, L_KNEE, R_ANKLE, R_HEEL, R_HIP, R_KNEE
from footcam.errors import ConfigError
from footcam.kinematics.scale import LEG_SHARE_OF_HEIGHT, contact_positions, leg_length_px, px_per_m
from footcam.types import Bout, PoseSequence


def _pose(n=60, ppm=200.0, height=1.75, direction=1):
    """A stick walker: straight legs of Winter length, heels moving 1.2 m/s along x."""
    t = np.arange(n) / 30
    xy = np.full((n, 33, 2), np.nan)
    leg = LEG_SHARE_OF_HEIGHT * height * ppm
    x0 = 100 + direction * 1.2 * t * ppm
    for hip, knee, ankle, heel, dx in ((L_HIP, L_KNEE, L_ANKLE, L_HEEL, -5), (R_HIP, R_KNEE, R_ANKLE, R_HEEL, 5)):
        xy[:, hip] = np.c_[x0 + dx, np.full(n, 100.0)]
        xy[:, knee] = np.c_[x0 + dx, np.full(n, 100 + leg / 2)]
        xy[:, ankle] = np.c_[x0 + dx, np.full(n, 100 + leg)]
        xy[:, heel] = np.c_[x0 + dx - 10, np.full(n, 110 + leg)]
    xy[5, R_KNEE] += 40                          # a bent/noisy frame does not move the median
    z = np.zeros((n, 33))
    return PoseSequence(t, xy, np.zeros((n, 33, 3)), z + 1, z + 1, (1920, 1080))


def test_scale_from_leg_length():
    pose = _pose()
    assert leg_length_px(pose.image_xy) == pytest.approx(LEG_SHARE_OF_HEIGHT * 1.75 * 200)
    side = [Bout(0, 60, "side", "left_to_right", 1)]
    assert px_per_m(pose, side, 1.75) == pytest.approx(200.0)
    assert px_per_m(pose, side, 1.60) == pytest.approx(200.0 * 1.75 / 1.60)
    assert np.isnan(px_per_m(pose, [Bout(0, 60, "front", "toward_camera", 0)], 1.75))


@pytest.mark.parametrize("direction", [1, -1])
def test_contact_positions_along_walking_direction(direction):
    pose = _pose(direction=direction)
    b = [Bout(0, 60, "side", "left_to_right" if direction > 0 else "right_to_left", direction)]
    ev = pd.DataFrame({"side": ["r", "r", "l"], "event": ["hs", "hs", "to"],
                       "time_s": [0.2, 1.0, 0.5], "bout": [0, 0, 0]})
    pos = contact_positions(pose, b, ev, 200.0)
    # the heel moves on during the window, so the position is its median over 0.15 s
    assert pos[1] - pos[0] == pytest.approx(1.2 * 0.8, abs=1e-6)
    assert np.isnan(pos[2])                      # toe offs carry no position


def test_height_is_checked():
    assert Config().with_options(subject={"height_cm": 172}).subject.height_cm == 172
    with pytest.raises(ConfigError, match="height_cm"):
        Config().with_options(subject={"height_cm": 17.2})
    assert Config.from_dict(Config().to_dict()) == Config()
