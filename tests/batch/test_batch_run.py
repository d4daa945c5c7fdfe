"""A real batch on clips from ../shared plus broken files: outputs, failures, tables, resume,
and the Dask executors giving the same folders as the local run."""
import hashlib
import json
import shutil
from pathlib import Path, PurePosixPath

import pandas as pd
import pytest

from footcam.batch import output_rel

from .conftest import BAD, GOOD, build_folder, run_cli, run_json

pytestmark = pytest.mark.slow


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def folder_of(out: Path, rel: str) -> Path:
    return out / output_rel(PurePosixPath(rel))


def same_folder(a: Path, b: Path) -> None:
    """The same files; tables and JSON byte for byte (analysis.json apart from its timings).
    Pages and media (report.html says when it was made, video encoders may differ in a byte)
    only need to be there in both."""
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert {"analysis.json", "angles.csv", "landmarks.csv"} <= set(names)
    for n in names:
        if n == "analysis.json":
            ja, jb = (json.loads((x / n).read_text()) for x in (a, b))
            ja.pop("timing_s"), jb.pop("timing_s")
            assert ja == jb, n
        elif n.endswith((".csv", ".json")):
            assert (a / n).read_bytes() == (b / n).read_bytes(), n


def test_counts_and_exit_code(first_run):
    _, _, code, s = first_run
    assert code == 3, "some files failed: exit code 3"
    assert (s["clips"], s["analysed"], s["already_done"], s["failed"], s["not_done"]) == (6, 3, 0, 3, 0)


def test_failures_csv_lists_exactly_the_bad_files(first_run):
    _, out, _, _ = first_run
    df = pd.read_csv(out / "failures.csv")
    assert sorted(df["clip"]) == sorted(BAD)
    for row in df.itertuples():
        assert row.error.startswith(BAD[row.clip]), row
        assert row.error_type == "VideoError"
    assert not any(folder_of(out, rel).exists() for rel in BAD)


def test_every_good_clip_has_a_complete_folder_mirroring_its_path(first_run):
    root, out, _, _ = first_run
    for rel in GOOD:
        d = folder_of(out, rel)
        a = json.loads((d / "analysis.json").read_text(encoding="utf-8"))
        assert a["source"]["sha256"] == sha256(root / rel)
        assert a["source"]["path"] == str(root / rel)
        assert (d / "angles.csv").stat().st_size > 1000 and (d / "landmarks.csv").stat().st_size > 1000
    # same file name in two subfolders: two folders, two different clips
    p01, p02 = (json.loads((folder_of(out, r) / "analysis.json").read_text()) for r in ("p01/walk.mp4", "p02/walk.mp4"))
    assert p01["source"]["sha256"] != p02["source"]["sha256"]
    assert (out / "sub dir" / "Gång ü 歩行_MOV" / "analysis.json").is_file()
    # nothing half-written left behind
    assert not [p for p in out.rglob(".*") if p.name not in (".footcam-batch.lock", ".footcam-batch.log")]


def test_same_numbers_as_footcam_analyze(first_run, tmp_path):
    root, out, _, _ = first_run
    code, _ = run_cli("analyze", root / "p01" / "walk.mp4", "-o", tmp_path / "one", "-q")
    assert code == 0
    same_folder(folder_of(out, "p01/walk.mp4"), tmp_path / "one")


def test_summary_csv(first_run):
    root, out, _, _ = first_run
    df = pd.read_csv(out / "summary.csv", keep_default_na=False, na_values=[""])
    assert list(df["clip"]) == sorted(list(GOOD) + list(BAD), key=lambda r: PurePosixPath(r).parts)
    by = df.set_index("clip")
    assert set(by.loc[list(GOOD), "status"]) == {"ok"} and set(by.loc[list(BAD), "status"]) == {"failed"}
    side = by.loc["p01/walk.mp4"]
    assert (side["fps"], side["frames"], side["views"], side["output"]) == (30, 120, "side", "p01/walk_mp4")
    assert side["person_found_pct"] > 90 and 0.5 < side["median_pose_quality"] <= 1
    a = json.loads((folder_of(out, "p01/walk.mp4") / "analysis.json").read_text())
    for name, value in (a.get("spatiotemporal") or {}).items():      # gait values, when computed
        assert side[name] == pytest.approx(value, rel=1e-5), name
    assert by.loc["sub dir/Gång ü 歩行.MOV", "views"].startswith("front")
    assert by.loc["p02/walk.mp4", "fps"] == pytest.approx(29.76, abs=0.01)
    assert by.loc["empty.MP4", "error"] == BAD["empty.MP4"]


def test_index_html_links_every_clip(first_run):
    _, out, _, _ = first_run
    page = (out / "index.html").read_text(encoding="utf-8")
    for rel in GOOD:
        d = folder_of(out, rel)
        target = "report.html" if (d / "report.html").exists() else ""
        from urllib.parse import quote
        assert f'href="{quote(str(output_rel(PurePosixPath(rel))) + "/" + target)}"' in page
    assert "empty file (0 bytes), expected a video" in page
    assert "6 clips: 3 analysed, 3 failed" in page


def test_rerun_skips_finished_clips_and_retries_failures(first_run):
    root, out, _, _ = first_run
    stamps = {rel: (folder_of(out, rel) / "analysis.json").stat().st_mtime_ns for rel in GOOD}
    code, s = run_json("batch", root, "-o", out, "-w", 2)
    assert code == 3
    assert (s["analysed"], s["already_done"], s["failed"]) == (0, 3, 3)
    assert stamps == {rel: (folder_of(out, rel) / "analysis.json").stat().st_mtime_ns for rel in GOOD}
    assert len(pd.read_csv(out / "summary.csv")) == 6


def test_a_copied_folder_is_recognised_and_force_redoes_it(first_run, tmp_path):
    root, out, _, _ = first_run
    out2 = tmp_path / "out2"
    shutil.copytree(folder_of(out, "p01/walk.mp4"), out2 / "walk_mp4")
    code, s = run_json("batch", root / "p01", "-o", out2)
    assert (code, s["analysed"], s["already_done"]) == (0, 0, 1)
    before = (out2 / "walk_mp4" / "analysis.json").stat().st_mtime_ns
    code, s = run_json("batch", root / "p01", "-o", out2, "--force")
    assert (code, s["analysed"], s["already_done"]) == (0, 1, 0)
    assert (out2 / "walk_mp4" / "analysis.json").stat().st_mtime_ns != before


def test_changed_config_redoes_every_clip(first_run, tmp_path):
    root, out, _, _ = first_run
    out2 = tmp_path / "out2"
    shutil.copytree(folder_of(out, "p01/walk.mp4"), out2 / "walk_mp4")
    code, s = run_json("batch", root / "p01", "-o", out2, "--cutoff-hz", 5)
    assert (code, s["analysed"], s["already_done"]) == (0, 1, 0)
    a = json.loads((out2 / "walk_mp4" / "analysis.json").read_text())
    assert a["config"]["clean"]["cutoff_hz"] == 5.0


def test_dask_local_cluster_gives_the_same_outputs(first_run, tmp_path):
    pytest.importorskip("distributed", reason="footcam[dask] is not installed")
    root, out, _, _ = first_run
    code, s = run_json("batch", root, "-o", tmp_path / "dask", "--dask-local", 2)
    assert code == 3
    assert (s["analysed"], s["failed"]) == (3, 3)
    assert s["executor"].startswith("a local Dask cluster of 2 worker processes")
    for rel in GOOD:
        same_folder(folder_of(out, rel), folder_of(tmp_path / "dask", rel))
    for name in ("failures.csv", "summary.csv"):
        assert (out / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def test_dask_cluster_without_shared_storage(first_run, tmp_path):
    """A separately started cluster (--scheduler ADDRESS): clips go to the workers as bytes,
    finished folders come back and are written here; same folders as the local run."""
    distributed = pytest.importorskip("distributed", reason="footcam[dask] is not installed")
    _, out, _, _ = first_run
    small = build_folder(tmp_path / "small", {"p02/walk.mp4": GOOD["p02/walk.mp4"]}, bad=False)
    (small / "notes.mp4").write_text("not a video")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        code, s = run_json("batch", small, "-o", tmp_path / "remote", "--scheduler",
                           cluster.scheduler_address, "--no-shared-storage")
    assert code == 3
    assert (s["analysed"], s["failed"]) == (1, 1)
    assert s["failures"] == [{"clip": "notes.mp4", "error_type": "VideoError",
                              "error": pd.read_csv(out / "failures.csv").set_index("clip").loc["notes.mp4", "error"]}]
    assert "returning results to this machine" in s["executor"]
    got = folder_of(tmp_path / "remote", "p02/walk.mp4")
    a = json.loads((got / "analysis.json").read_text())
    assert a["source"]["path"] == str(small / "p02" / "walk.mp4")       # the client's path, not the worker's
    ref = json.loads((folder_of(out, "p02/walk.mp4") / "analysis.json").read_text())
    for k in ("source", "video"):                   # the same clip, in another folder
        a[k].pop("path"), ref[k].pop("path")
    a.pop("timing_s"), ref.pop("timing_s")
    assert a == ref
    ref_dir = folder_of(out, "p02/walk.mp4")
    tables = sorted(p.name for p in ref_dir.glob("*.csv"))
    assert {"angles.csv", "landmarks.csv"} <= set(tables)
    assert sorted(p.name for p in got.glob("*.csv")) == tables
    for name in tables:
        assert (got / name).read_bytes() == (ref_dir / name).read_bytes(), name
