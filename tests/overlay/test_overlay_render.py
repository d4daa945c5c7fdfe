"""overlay.mp4 and the stills, measured: frame count, timing, size and orientation, drawn
joints on the subject (against the rendered truth and against footcam's own landmarks),
no-pose frames, rotation, missing events, findings, and the folder's error messages."""
from __future__ import annotations

import json
import re
import shutil

import cv2
import numpy as np
import pandas as pd
import pytest

from footcam.errors import ResultError
from footcam.overlay import render_overlay, write_stills
from footcam.overlay.draw import NO_POSE, SEVERITY_COLOUR, SIDE_COLOUR
from footcam.overlay.frames import banner_findings, load_inputs
from footcam.results import ClipResult
from footcam.overlay.stills import STILL_HEIGHT, still_name
from footcam.video.reader import probe
from footcam.video.writer import H264Writer
from helpers import synth_clip, synth_truth
from overlay_helpers import bone_points, colour_mask, decode, hit_rate

pytestmark = pytest.mark.slow   # the session fixtures run MediaPipe on two 120-frame clips

#: a drawn bone must pass within this many pixels of a point on the bone (720p: the line is
#: 3 px wide over a 2 px outline; H.264 blurs colour edges by a pixel or two)
RADIUS_PX = 6


def _own_bone_points(folder, frame: int, side: str) -> np.ndarray:
    lm = pd.read_csv(folder / "landmarks.csv")
    f = lm[lm.frame == frame].set_index("landmark")
    name = {"l": "left", "r": "right"}[side]
    pts = []
    for a, b in (("hip", "knee"), ("knee", "ankle")):
        pa = f.loc[f"{name}_{a}", ["x_px", "y_px"]].to_numpy(float)
        pb = f.loc[f"{name}_{b}", ["x_px", "y_px"]].to_numpy(float)
        pts += [pa + (pb - pa) * k for k in (0.25, 0.5, 0.75)]
    return np.array(pts)


@pytest.mark.parametrize("fixture", ["side_folder", "portrait_folder"])
def test_frame_count_timing_size(request, fixture):
    folder = request.getfixturevalue(fixture)
    src = probe(json.loads((folder / "analysis.json").read_text())["source"]["path"])
    out = probe(folder / "overlay.mp4")
    assert out.codec == "h264"
    assert out.n_frames == src.n_frames
    np.testing.assert_allclose(out.time_s, src.time_s, atol=1e-4)
    frame_s = 1 / src.fps
    assert abs(out.duration_s - src.duration_s) < frame_s
    # same upright orientation: the picture on top at the source's size, the dashboard below
    w, h = src.display_wh
    assert out.display_wh[0] == w and out.display_wh[1] > h
    assert out.display_rotation_deg == 0


def test_picture_is_the_source_not_shifted(side_folder):
    _, over = decode(side_folder / "overlay.mp4")
    _, src = decode(synth_clip("normal_side"))
    h, w = src[0].shape[:2]
    for i in (0, 60, 119):
        diff = np.abs(over[i][:h].astype(int) - src[i].astype(int)).max(axis=2)
        # most of the picture is untouched (drawing covers a few per cent of it)
        assert np.median(diff) <= 4
        assert (diff > 40).mean() < 0.08


def test_drawn_bones_land_on_the_subject(side_folder):
    """Against the renderer's exact truth: the thigh and shank of each side are drawn in that
    side's colour where the walker's thigh and shank are. Shifted by 40 px, the same check
    fails — the test can tell."""
    _, over = decode(side_folder / "overlay.mp4")
    truth = synth_truth("normal_side")
    h = 720
    rates = {("l", 0): [], ("r", 0): [], ("l", 40): [], ("r", 40): []}
    for i in range(0, 120, 6):
        if not truth.loc[i, "in_frame"]:
            continue
        for s in "lr":
            m = colour_mask(over[i][:h], SIDE_COLOUR[s])
            for shift in (0, 40):
                rates[(s, shift)].append(hit_rate(m, bone_points(truth.iloc[i], s) + [shift, 0], RADIUS_PX))
    for s in "lr":
        assert np.mean(rates[(s, 0)]) >= 0.75, (s, rates[(s, 0)])
        assert np.mean(rates[(s, 40)]) <= 0.3, (s, rates[(s, 40)])


def test_drawn_bones_follow_footcams_landmarks(side_folder):
    """Against landmarks.csv, what the renderer was given: nearly every point of every bone is
    drawn in its side's colour (a few are hidden under the other leg or a label)."""
    _, over = decode(side_folder / "overlay.mp4")
    for s in "lr":
        rates = []
        for i in range(0, 120, 10):
            m = colour_mask(over[i][:720], SIDE_COLOUR[s])
            rates.append(hit_rate(m, _own_bone_points(side_folder, i, s), 4))
        assert np.mean(rates) >= 0.9 and min(rates) >= 0.5, (s, rates)


def test_portrait_bones_land_on_the_subject(portrait_folder):
    _, over = decode(portrait_folder / "overlay.mp4")
    truth = synth_truth("normal_side_portrait_60fps")
    rates = []
    for i in range(0, 120, 10):
        if truth.loc[i, "in_frame"]:
            for s in "lr":
                m = colour_mask(over[i][:1280], SIDE_COLOUR[s])
                rates.append(hit_rate(m, bone_points(truth.iloc[i], s), RADIUS_PX))
    assert np.mean(rates) >= 0.75, rates


def test_nothing_drawn_over_the_feet_by_the_dashboard(side_folder):
    """The dashboard sits below the picture: the picture's bottom rows (where the feet are in
    every clip) are the source's own pixels except where the skeleton is drawn."""
    ts, over = decode(side_folder / "overlay.mp4")
    src = probe(synth_clip("normal_side"))
    assert over[0].shape[0] > src.display_wh[1]
    panel = over[0][src.display_wh[1]:]
    assert panel.shape[0] >= 100            # a real dashboard, legible at 720p


def test_stills_at_each_event(side_folder):
    ev = pd.read_csv(side_folder / "events.csv")
    names = sorted(p.name for p in (side_folder / "stills").glob("*.png"))
    assert names == sorted(still_name(r.event, r.side, r.time_s) for r in ev.itertuples())
    assert re.fullmatch(r"[lr]_(hs|to)_\d+\.\d\ds\.png", names[0])
    r = ev.iloc[0]
    img = cv2.imread(str(side_folder / "stills" / still_name(r.event, r.side, r.time_s)))
    assert STILL_HEIGHT < img.shape[0] < STILL_HEIGHT + 60
    rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    assert colour_mask(rgb, SIDE_COLOUR["l"]).sum() > 200    # the skeleton is on the still
    assert colour_mask(rgb, SIDE_COLOUR["r"]).sum() > 200


def test_frames_without_pose_get_a_red_border(folder_copy):
    lm = pd.read_csv(folder_copy / "landmarks.csv")
    gone = lm.frame.between(10, 19)
    lm.loc[gone, ["x_px", "y_px"]] = np.nan
    lm.to_csv(folder_copy / "landmarks.csv", index=False)
    render_overlay(folder_copy)
    _, over = decode(folder_copy / "overlay.mp4")
    for i, expect in ((9, False), (12, True), (19, True), (25, False)):
        pic = over[i][:720]
        border = np.concatenate([pic[:2].reshape(-1, 3), pic[-2:].reshape(-1, 3),
                                 pic[:, :2].reshape(-1, 3), pic[:, -2:].reshape(-1, 3)])
        red = colour_mask(border[None], NO_POSE, 60).mean()
        assert (red > 0.9) == expect, (i, red)
        skeleton = colour_mask(pic, SIDE_COLOUR["r"]).sum()   # the scene has a little blue too
        assert (skeleton < 300 if expect else skeleton > 1500), (i, skeleton)


def test_content_rotation_is_applied(folder_copy, tmp_path):
    """A clip whose picture was stored turned (no metadata): the renderer turns it back with the
    analysis' content rotation, and draws the same overlay as for the upright clip."""
    from footcam.video.reader import iter_frames

    src = probe(synth_clip("normal_side"))
    turned = tmp_path / "turned.mp4"
    with H264Writer(turned, (720, 1280), fps_hint=src.fps, crf=12) as w:
        for _, t, img in iter_frames(src):
            w.write(np.ascontiguousarray(np.rot90(img, k=-1)), t)   # clockwise
    a = json.loads((folder_copy / "analysis.json").read_text())
    info = probe(turned)
    a["source"].update(path=str(turned), sha256=info.sha256)
    a["video"]["rotation"].update(content_ccw_deg=90, total_ccw_deg=90)
    (folder_copy / "analysis.json").write_text(json.dumps(a))
    # the re-encode shifts timestamps by nothing but rounding; frames line up with landmarks
    render_overlay(folder_copy)
    _, over = decode(folder_copy / "overlay.mp4")
    assert over[0].shape[1] == 1280 and over[0].shape[0] > 720
    rates = []
    for i in (20, 50, 90):
        for s in "lr":
            m = colour_mask(over[i][:720], SIDE_COLOUR[s])
            rates.append(hit_rate(m, _own_bone_points(folder_copy, i, s), 4))
    assert np.mean(rates) >= 0.9, rates


def test_without_events_no_stills_and_it_says_so(folder_copy):
    (folder_copy / "events.csv").unlink()
    said = []
    assert write_stills(folder_copy, log=said.append) == []
    assert not (folder_copy / "stills").exists()
    assert said == ["no stills: the folder has no events.csv (gait events were not detected)"]


def test_write_stills_alone_matches_events(folder_copy):
    said = []
    paths = write_stills(folder_copy, log=said.append)
    ev = pd.read_csv(folder_copy / "events.csv")
    assert len(paths) == len(ev) > 0
    assert said == [f"wrote {len(ev)} stills in stills/"]
    # an old footcam still that no longer matches an event is removed, other files are kept
    (folder_copy / "stills" / "l_hs_99.99s.png").write_bytes(b"x")
    (folder_copy / "stills" / "my_notes.png").write_bytes(b"x")
    write_stills(folder_copy)
    left = {p.name for p in (folder_copy / "stills").iterdir()}
    assert "l_hs_99.99s.png" not in left and "my_notes.png" in left


def test_findings_banner(folder_copy):
    summary = {"schema_version": "1.0", "findings": [
        {"title": "Checked, fine", "severity": "none", "side": "both"},
        {"title": "Reduced push-off", "severity": "mild", "side": "l"},
        {"title": "Less ankle dorsiflexion in stance", "severity": "marked", "side": "both"},
    ]}
    (folder_copy / "summary.json").write_text(json.dumps(summary))
    assert banner_findings(ClipResult.open(folder_copy).summary) == [("Less ankle dorsiflexion in stance (both, marked)", "marked"),
                                      ("Reduced push-off (left, mild)", "mild")]
    render_overlay(folder_copy)
    _, over = decode(folder_copy / "overlay.mp4")
    banner = over[30][-40:]
    assert colour_mask(banner, SEVERITY_COLOUR["marked"], 60).sum() > 30
    (folder_copy / "summary.json").unlink()
    assert banner_findings(ClipResult.open(folder_copy).summary) is None


def test_not_an_analysis_folder(tmp_path):
    with pytest.raises(ResultError) as e:
        render_overlay(tmp_path)
    assert str(e.value) == f"{tmp_path}: not a footcam output folder (no analysis.json)"


def test_source_moved(folder_copy, tmp_path):
    a = json.loads((folder_copy / "analysis.json").read_text())
    a["source"]["path"] = str(tmp_path / "gone.mp4")
    (folder_copy / "analysis.json").write_text(json.dumps(a))
    with pytest.raises(ResultError, match=r"source video moved: .*gone\.mp4 \(named in "
                                                  r"analysis\.json\) is not there; pass the clip's "
                                                  r"new place with --source"):
        render_overlay(folder_copy)
    # pointed at its new place, it renders; pointed at another clip, it refuses
    moved = tmp_path / "moved.mp4"
    shutil.copy(synth_clip("normal_side"), moved)
    assert load_inputs(folder_copy, source=moved).info.path == str(moved.resolve())
    with pytest.raises(Exception, match="is not the analysed video"):
        load_inputs(folder_copy, source=synth_clip("normal_side_rtl"))
