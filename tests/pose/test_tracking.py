"""Linking detections into tracks and choosing the walker, on synthetic detections."""
import numpy as np
import pytest

from footcam.errors import NoPersonError
from footcam.pose.landmarker import Detection
from footcam.pose.survey import distinct, is_upright
from footcam.pose.tracking import Tracker, select_person


def person(cx: float, foot_y: float, height: float, stride: float = 0.0) -> Detection:
    """An upright stick person: hips at 50 % height, shoulders at 80 %, ankles on the floor."""
    xy = np.zeros((33, 2))
    xy[:, 0] = cx
    xy[:, 1] = foot_y - 0.9 * height          # head-ish
    for i in (11, 12, 13, 14, 15, 16):
        xy[i, 1] = foot_y - 0.8 * height
    for i in (23, 24):
        xy[i, 1] = foot_y - 0.5 * height
    for i in (25, 26):
        xy[i, 1] = foot_y - 0.25 * height
    for i in (27, 28, 29, 30, 31, 32):
        xy[i, 1] = foot_y
    xy[[27, 29, 31], 0] += stride / 2
    xy[[28, 30, 32], 0] -= stride / 2
    xy[[25], 0] += stride / 4
    xy[[26], 0] -= stride / 4
    return Detection(xy, np.zeros((33, 3)), np.ones(33), np.ones(33))


def run(frames):
    tr = Tracker()
    t = np.arange(len(frames)) / 30.0
    for i, dets in enumerate(frames):
        tr.update(i, t[i], dets)
    return tr, t


def test_walker_chosen_over_person_standing_on_a_box():
    frames = []
    for i in range(120):
        walker = person(100 + 8 * i, 700, 300, stride=120 * np.sin(2 * np.pi * i / 33))
        jumper = person(640, 300 - 40 * abs(np.sin(i / 5)), 280)
        frames.append([jumper, walker] if i % 2 else [walker, jumper])   # order is not stable
    tr, t = run(frames)
    assert len(tr.tracks) == 2
    sel = select_person(tr, t, (1280, 720))
    assert sel.frames_with_person == 120
    assert np.nanmedian(sel.pose.image_xy[:, 27, 1]) == pytest.approx(700)
    assert sel.people_seen == 2
    assert "walks the most" in sel.reason


def test_identity_never_jumps_to_another_person():
    """The walker disappears; another person far away must start a new track, not continue it."""
    frames = [[person(100 + 8 * i, 700, 300, stride=100 * np.sin(i / 5))] for i in range(60)]
    frames += [[person(1100, 700, 300)] for _ in range(30)]
    tr, t = run(frames)
    assert len(tr.tracks) == 2
    assert tr.tracks[0].frames == list(range(60))
    sel = select_person(tr, t, (1280, 720))
    assert sel.track == 0
    assert np.isnan(sel.pose.image_xy[60:, 0, 0]).all()


def test_person_override_and_errors():
    frames = [[person(100 + 8 * i, 700, 300, stride=90 * np.sin(i / 5)), person(900, 700, 300)]
              for i in range(40)]
    tr, t = run(frames)
    sel = select_person(tr, t, (1280, 720), person="1")
    assert sel.track == 1 and "--person" in sel.reason
    with pytest.raises(NoPersonError, match="--person 7: no such track"):
        select_person(tr, t, (1280, 720), person="7", path="clip.mp4")
    with pytest.raises(NoPersonError, match="clip.mp4: no person visible in 5 of 5 frames"):
        select_person(Tracker(), np.arange(5) / 30, (64, 48), path="clip.mp4")


def test_duplicate_detection_of_one_person_is_dropped():
    big = person(500, 700, 300)
    small = person(505, 650, 120)            # MediaPipe's occasional second, smaller copy
    other = person(900, 700, 300)
    kept = distinct([small, big, other])
    assert len(kept) == 2
    assert any(k is big for k in kept) and any(k is other for k in kept)


def test_upright():
    p = person(500, 700, 300)
    assert is_upright(p)
    lying = Detection(p.image_xy[:, ::-1].copy(), p.world_xyz, p.visibility, p.presence)
    assert not is_upright(lying)


def test_switch_between_people_is_told_from_a_walker_coming_back():
    # single-pose tracking: MediaPipe jumps from one person to another far away -> a switch
    frames = [[person(200, 700, 300)] for _ in range(30)] + [[person(1000, 700, 300)] for _ in range(30)]
    tr, t = run(frames)
    assert tr.people_taking_turns(t)
    # the walker leaves the picture and comes back two seconds later elsewhere -> not a switch
    frames = ([[person(100 + 10 * i, 700, 300)] for i in range(60)] + [[] for _ in range(60)]
              + [[person(1200 - 10 * i, 700, 300)] for i in range(60)])
    tr, t = run(frames)
    assert len(tr.tracks) == 2
    assert not tr.people_taking_turns(t)
