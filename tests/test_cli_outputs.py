"""Every command that writes refuses a folder of the user's, before any work, and keeps what
footcam did not write when it rewrites one of its own folders."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import footcam.pipeline
import footcam.toes
from footcam.cli import main
from helpers import REPO
from test_fsutil import ANALYSIS, TOES, tree, user_folder

CLIP = REPO / "sample_videos" / "normal_side.mp4"
REFUSED = ("already exists and is not a footcam output folder (it holds photos, thesis.docx); "
           "footcam writes only into a new or empty folder or one of its own: choose another "
           "output folder")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def no_work(monkeypatch):
    """Any analysis or measurement started fails the test: the refusal must come first."""
    def work(*a, **k):
        raise AssertionError("the work started before the output folder was checked")

    monkeypatch.setattr(footcam.pipeline, "analyze_video", work)
    monkeypatch.setattr(footcam.toes, "measure_photo", work)
    monkeypatch.setattr(footcam.toes, "measure_video", work)


@pytest.mark.parametrize("command", [
    ("analyze", CLIP, "-o"), ("batch", REPO / "sample_videos", "-o"), ("toes", CLIP, "-o"),
    ("report",), ("overlay",)])
def test_every_command_refuses_a_users_folder(tmp_path, command, no_work):
    docs = user_folder(tmp_path / "MyDocuments")
    before = tree(docs)
    r = run(*command, docs, "-q")
    assert (r.exit_code, r.output) == (1, f"Error: {docs}: {REFUSED}\n")
    assert tree(docs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["MyDocuments"]


def test_a_clip_folder_is_not_a_batch_output(tmp_path, no_work):
    clip = tmp_path / "walk"
    clip.mkdir()
    (clip / "analysis.json").write_text(json.dumps(ANALYSIS))
    r = run("batch", REPO / "sample_videos", "-o", clip, "-q")
    assert r.exit_code == 1
    assert r.output == (f"Error: {clip}: holds footcam's clip analysis (`footcam analyze`) "
                        f"outputs, not a batch (`footcam batch`): choose another output folder\n")


def test_toes_refuses_a_toes_json_that_is_not_footcams(tmp_path, no_work):
    clip = tmp_path / "walk"
    clip.mkdir()
    (clip / "analysis.json").write_text(json.dumps(ANALYSIS))
    (clip / "toes.png").write_bytes(b"the user's own picture")
    r = run("toes", CLIP, "-o", clip, "-q")
    assert r.exit_code == 1
    assert r.output == (f"Error: {clip}: holds a toes.png that footcam did not write: it is not "
                        f"replaced; choose another output folder\n")
    assert (clip / "toes.png").read_bytes() == b"the user's own picture"


def test_toes_writes_into_a_clip_folder(synth_photo_path, tmp_path):
    clip = tmp_path / "walk"
    clip.mkdir()
    (clip / "analysis.json").write_text(json.dumps(ANALYSIS))
    r = run("toes", synth_photo_path, "-o", clip, "-q")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in clip.iterdir()) == ["analysis.json", "toes.json", "toes.png"]
    r = run("toes", synth_photo_path, "-o", clip, "-q")       # and again over its own files
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def synth_photo_path(tmp_path_factory):
    import cv2

    from footcam.toes.synth import SynthCamera, SynthFoot, render

    img, _ = render(SynthFoot(), SynthCamera(tilt_deg=5), seed=1)
    p = tmp_path_factory.mktemp("photo") / "foot.jpg"
    cv2.imwrite(str(p), img, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return p


@pytest.mark.slow
def test_reanalysis_keeps_the_users_and_the_toes_files(tmp_path):
    """analyze over an earlier footcam folder: footcam's outputs are replaced, the rest kept."""
    out = tmp_path / "walk"
    shutil.copytree(REPO / "tests" / "report" / "data" / "clip", out)
    (out / "notes.txt").write_text("left knee sore since May")
    (out / "toes.json").write_text(json.dumps(TOES))
    (out / "overlay.mp4").write_bytes(b"an overlay of the earlier analysis")
    old = json.loads((out / "analysis.json").read_text())["timing_s"]
    r = run("analyze", CLIP, "-o", out, "-q", "--no-stills", "--no-refine-feet")
    assert r.exit_code == 0, r.output
    assert (out / "notes.txt").read_text() == "left knee sore since May"
    assert json.loads((out / "toes.json").read_text()) == TOES
    assert not (out / "overlay.mp4").exists()            # footcam's own, of the old analysis
    assert json.loads((out / "analysis.json").read_text())["timing_s"] != old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["walk"]
