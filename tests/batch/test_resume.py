"""The resume rule: a folder is done only when its analysis.json records the same input hash,
configuration, footcam version and model; leftovers of a killed run; one batch per OUT."""
import hashlib
import json
from pathlib import Path

import pytest

from footcam import __version__
from footcam.batch import Expected, check_done
from footcam.batch._resume import BatchLock, remove_leftovers
from footcam.config import Config
from footcam.errors import OutputError
from footcam.report.files import dumps


@pytest.fixture
def done_folder(tmp_path):
    clip = tmp_path / "walk.mp4"
    clip.write_bytes(b"some video bytes")
    out = tmp_path / "out" / "walk_mp4"
    out.mkdir(parents=True)
    cfg = Config()
    a = {"schema_version": "1.0", "footcam_version": __version__, "config": cfg.to_dict(),
         "source": {"sha256": hashlib.sha256(clip.read_bytes()).hexdigest()},
         "model": {"sha256": "m" * 64}}
    (out / "analysis.json").write_text(dumps(a))
    return clip, out, a


def write(out: Path, a: dict) -> None:
    (out / "analysis.json").write_text(dumps(a))


def test_a_matching_folder_is_done(done_folder):
    clip, out, _ = done_folder
    assert check_done(out, clip, Expected.of(Config(), "m" * 64)) == (
        True, "done with the same input, configuration and footcam version")


@pytest.mark.parametrize("change, why", [
    (lambda a: a.update(footcam_version="0.0.1"), f"made by footcam 0.0.1, this is {__version__}"),
    (lambda a: a["config"]["clean"].update(cutoff_hz=5.0), "made with another configuration"),
    (lambda a: a["model"].update(sha256="x" * 64), "made with another pose model file"),
    (lambda a: a["source"].update(sha256="0" * 64), "the clip's content changed since it was analysed"),
    (lambda a: a.pop("source"), "its analysis.json records no input sha256"),
])
def test_any_difference_means_redo(done_folder, change, why):
    clip, out, a = done_folder
    change(a)
    write(out, a)
    assert check_done(out, clip, Expected.of(Config(), "m" * 64)) == (False, why)


def test_changed_clip_bytes_mean_redo(done_folder):
    clip, out, _ = done_folder
    clip.write_bytes(b"other video bytes")
    assert check_done(out, clip, Expected.of(Config(), "m" * 64))[0] is False


def test_a_folder_without_a_readable_analysis_json_is_never_trusted(done_folder):
    clip, out, _ = done_folder
    e = Expected.of(Config(), "m" * 64)
    (out / "analysis.json").write_text('{"footcam_version": "0.1')        # cut short
    done, why = check_done(out, clip, e)
    assert not done and why.startswith("analysis.json cannot be read (JSONDecodeError: ")
    (out / "analysis.json").unlink()
    (out / "angles.csv").write_text("frame,time_s\n")
    assert check_done(out, clip, e) == (False, "not a footcam output folder (no analysis.json)")
    assert check_done(out.parent / "other_mp4", clip, e) == (False, "not analysed yet")


def test_config_compares_as_analysis_json_stores_it(done_folder):
    """Through JSON, a float option written as 6 reads back as 6.0 and still matches."""
    clip, out, a = done_folder
    cfg = Config().with_options(clean={"cutoff_hz": 6})
    a["config"] = json.loads(dumps(cfg.to_dict()))
    write(out, a)
    assert check_done(out, clip, Expected.of(Config(), "m" * 64))[0]


def test_leftovers_of_a_killed_run_are_removed_and_nothing_else(tmp_path):
    keep = [tmp_path / "p01" / "walk_mp4" / "angles.csv", tmp_path / "summary.csv",
            tmp_path / ".footcam-batch.lock", tmp_path / "p01" / ".notes.txt"]
    gone = [tmp_path / "p01" / ".walk_mp4.partial-k2j3h4" / "angles.csv",
            tmp_path / ".walk_mov.old-1234" / "analysis.json",
            tmp_path / ".summary.csv.x8d7f6.tmp"]
    for p in keep + gone:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    assert remove_leftovers(tmp_path) == 3
    assert all(p.exists() for p in keep)
    assert not any(p.exists() for p in gone)
    assert not (tmp_path / "p01" / ".walk_mp4.partial-k2j3h4").exists()
    assert not (tmp_path / ".walk_mov.old-1234").exists()


def test_one_batch_per_output_folder(tmp_path):
    with BatchLock(tmp_path):
        with pytest.raises(OutputError, match="another footcam batch .* is writing to this folder"):
            with BatchLock(tmp_path):
                pass
    with BatchLock(tmp_path):       # released: free again
        pass
