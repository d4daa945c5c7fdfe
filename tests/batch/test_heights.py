"""--heights: per-clip (or per-folder) heights for a batch, so that every participant's stride
length and speed use their own height; a rerun with a changed height redoes only those clips."""
import json
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from footcam.batch._discover import Clip, output_rel
from footcam.batch._subjects import read_heights
from footcam.errors import ConfigError
from helpers import synth_clip

from .conftest import build_folder, run_json


def _clips(*rels):
    return [Clip(Path("/study") / r, PurePosixPath(r), output_rel(PurePosixPath(r))) for r in rels]


CLIPS = _clips("p01/walk.mp4", "p01/back.mp4", "p02/walk.mp4", "p03/deep/walk.mov", "loose.mp4")


def test_folder_rows_and_clip_rows(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("clip,height_cm\np01,172\np01/back.mp4,173.5\np03,181\n", encoding="utf-8")
    assert read_heights(f, CLIPS) == {"p01/walk.mp4": 172.0, "p01/back.mp4": 173.5,
                                      "p03/deep/walk.mov": 181.0}


def test_windows_separators_bom_and_column_case(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("\ufeffClip,Height_cm\np03\\deep\\walk.mov,160\n", encoding="utf-8")
    assert read_heights(f, CLIPS) == {"p03/deep/walk.mov": 160.0}


@pytest.mark.parametrize("text, message", [
    ("name,height\np01,170\n", "a heights file needs the columns clip and height_cm (found: name, height)"),
    ("clip,height_cm\np01,tall\n", "row 2: height_cm must be a number of centimetres within 50..250, got 'tall'"),
    ("clip,height_cm\np01,1.72\n", "row 2: height_cm must be a number of centimetres within 50..250, got '1.72'"),
    ("clip,height_cm\np01,170\n,170\n", "row 3: the clip column is empty"),
    ("clip,height_cm\np09,170\np01,170\n", "no clip under the batch folder matches p09 (give a clip's "
                                         "path or a folder, relative to the batch folder)"),
])
def test_bad_files_name_the_file_and_the_row(tmp_path, text, message):
    f = tmp_path / "h.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        read_heights(f, CLIPS)
    assert str(e.value) == f"{f}: {message}"


@pytest.mark.slow
def test_batch_uses_each_clips_height_and_redoes_only_changed_ones(tmp_path):
    src = synth_clip("normal_side")
    root = build_folder(tmp_path / "study", {"p01/walk.mp4": src, "p02/walk.mp4": src}, bad=False)
    heights = tmp_path / "heights.csv"
    heights.write_text("clip,height_cm\np01,175\n", encoding="utf-8")
    out = tmp_path / "out"
    code, s = run_json("batch", root, "-o", out, "--heights", heights, "-w", 2)
    assert (code, s["analysed"]) == (0, 2)
    a1 = json.loads((out / "p01" / "walk_mp4" / "analysis.json").read_text())
    a2 = json.loads((out / "p02" / "walk_mp4" / "analysis.json").read_text())
    assert a1["config"]["subject"]["height_cm"] == 175 and a1["scale"]["px_per_m"] > 0
    assert a2["config"]["subject"]["height_cm"] is None
    stride = pd.read_csv(out / "p01" / "walk_mp4" / "cycles.csv")["stride_length_m"].mean()
    assert stride == pytest.approx(1.384, rel=0.03)            # the rendered truth, 1.384 m
    assert "stride_length_m" not in pd.read_csv(out / "p02" / "walk_mp4" / "cycles.csv")
    # the same heights: nothing to do; a changed height: only that clip again
    code, s = run_json("batch", root, "-o", out, "--heights", heights)
    assert (code, s["analysed"], s["already_done"]) == (0, 0, 2)
    heights.write_text("clip,height_cm\np01,180\n", encoding="utf-8")
    code, s = run_json("batch", root, "-o", out, "--heights", heights)
    assert (code, s["analysed"], s["already_done"]) == (0, 1, 1)
    a1 = json.loads((out / "p01" / "walk_mp4" / "analysis.json").read_text())
    assert a1["config"]["subject"]["height_cm"] == 180
