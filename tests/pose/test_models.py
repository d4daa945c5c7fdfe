"""Model provisioning: the metadata writer, the build, the cache, verification and the CLI.

Only the ``default_model`` fixture touches the real cache (building the model once if it is
missing); everything else runs in a temporary FOOTCAM_MODELS with pip and the network faked.
"""
import hashlib
import json
import subprocess
import sys
import urllib.error
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from footcam.cli import main
from footcam.errors import ModelError
from footcam.pose import models as M

WHEEL_NAME = "mediapipe-0.10.14-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"


@pytest.fixture(scope="module")
def default_model() -> Path:
    """The provisioned default model in the real cache (built once if missing)."""
    return Path(M.resolve_model("full").path)


def _strip_metadata(buf: bytes) -> bytes:
    import flatbuffers
    from mediapipe.tasks.metadata import schema_py_generated as tfl_fb

    m = tfl_fb.ModelT.InitFromObj(tfl_fb.Model.GetRootAsModel(buf, 0))
    m.metadata = [e for e in m.metadata or [] if e.name not in (b"TFLITE_METADATA", "TFLITE_METADATA")]
    b = flatbuffers.Builder(len(buf))
    b.Finish(m.Pack(b), b"TFL3")
    return bytes(b.Output())


@pytest.fixture(scope="module")
def bare(default_model) -> tuple[bytes, bytes]:
    """The two networks without footcam's metadata: what the 0.10.14 wheel ships."""
    with zipfile.ZipFile(default_model) as z:
        return _strip_metadata(z.read(M.MEMBERS[0])), _strip_metadata(z.read(M.MEMBERS[1]))


@pytest.fixture(scope="module")
def rebuilt(bare) -> bytes:
    return M.bundle(*bare)


@pytest.fixture(scope="module")
def fake_wheel(bare, tmp_path_factory) -> Path:
    """A stand-in for the 0.10.14 wheel: the two tflite files at the wheel's paths."""
    p = tmp_path_factory.mktemp("wheel") / WHEEL_NAME
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(M.SOURCE_WHEEL["detector"], bare[0])
        z.writestr(M.SOURCE_WHEEL["landmarker"], bare[1])
        z.writestr("mediapipe/__init__.py", "")
    return p


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("FOOTCAM_MODELS", str(d))
    return d


def _fake_pip(monkeypatch, *, wheel: Path | None = None, returncode: int = 0, stderr: str = ""):
    """Replace subprocess.run for the pip call; returns the list of commands it was given."""
    calls = []

    def run(cmd, **kw):
        calls.append(cmd)
        if wheel is not None:
            d = Path(cmd[cmd.index("-d") + 1])
            (d / wheel.name).write_bytes(wheel.read_bytes())
        return subprocess.CompletedProcess(cmd, returncode, stdout="", stderr=stderr)

    monkeypatch.setattr(M.subprocess, "run", run)
    return calls


def _normalization(tflite: bytes) -> tuple[float, float]:
    """Read back the (mean, std) that the metadata declares for the input tensor."""
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tfl_fb

    model = tfl_fb.Model.GetRootAsModel(tflite, 0)
    entries = [model.Metadata(i) for i in range(model.MetadataLength())]
    (entry,) = [e for e in entries if e.Name() == b"TFLITE_METADATA"]
    raw = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
    assert raw[4:8] == b"M001"
    mm = meta_fb.ModelMetadataT.InitFromObj(meta_fb.ModelMetadata.GetRootAsModelMetadata(raw, 0))
    (unit,) = mm.subgraphMetadata[0].inputTensorMetadata[0].processUnits
    assert unit.optionsType == meta_fb.ProcessUnitOptions.NormalizationOptions
    return unit.options.mean[0], unit.options.std[0]


# --- the metadata writer and the bundle ------------------------------------------------------

def test_metadata_is_what_mediapipe_needs(bare, rebuilt, tmp_path):
    """Without the metadata MediaPipe refuses the networks; with footcam's it loads and runs."""
    no_meta = tmp_path / "bare.task"
    with zipfile.ZipFile(no_meta, "w") as z:
        z.writestr(M.MEMBERS[0], bare[0])
        z.writestr(M.MEMBERS[1], bare[1])
    with pytest.raises(ModelError, match="NormalizationOptions"):
        M.check_bundle(no_meta)
    good = tmp_path / "rebuilt.task"
    good.write_bytes(rebuilt)
    M.check_bundle(good)                          # loads and runs


def test_metadata_declares_each_networks_normalization(rebuilt):
    with zipfile.ZipFile(__import__("io").BytesIO(rebuilt)) as z:
        assert _normalization(z.read(M.MEMBERS[0])) == (127.5, 127.5)
        assert _normalization(z.read(M.MEMBERS[1])) == (0.0, 255.0)
        # fixed entry times: the same wheel gives the same sha256 on every machine
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.compress_type for i in z.infolist()] == [zipfile.ZIP_STORED] * 2


def test_metadata_writer_replaces_existing_metadata(bare):
    once = M.add_normalization_metadata(bare[1], 0.0, 255.0, "x")
    twice = M.add_normalization_metadata(once, 1.0, 2.0, "x")
    assert _normalization(twice) == (1.0, 2.0)    # one TFLITE_METADATA entry, the new one


def test_metadata_writer_rejects_garbage():
    with pytest.raises(ModelError, match="junk: not a TFLite model"):
        M.add_normalization_metadata(b"\x00" * 64, 0, 255, "junk")


# --- building the default --------------------------------------------------------------------

def test_default_model_resolves_offline_with_record(default_model):
    info = M.resolve_model("full", build=False)
    assert Path(info.path) == default_model and info.source == "built"
    record = json.loads(M.sidecar_path(default_model).read_text())
    assert record["sha256"] == info.sha256 == M.sha256_file(default_model)
    assert record["source_wheel"].startswith("mediapipe-0.10.14-")
    assert len(record["source_wheel_sha256"] or "") == 64
    with zipfile.ZipFile(default_model) as z:
        assert sorted(z.namelist()) == sorted(M.MEMBERS)


def test_missing_default_is_built_with_the_pinned_wheel(cache, monkeypatch, fake_wheel, rebuilt):
    calls = _fake_pip(monkeypatch, wheel=fake_wheel)
    logs = []
    info = M.resolve_model("full", log=logs.append)
    (cmd,) = calls
    assert cmd[:4] == [sys.executable, "-m", "pip", "download"]
    for opt in (["mediapipe==0.10.14"], ["--no-deps"], ["--only-binary=:all:"],
                ["--python-version", "3.11"], ["--platform", "manylinux_2_17_x86_64"]):
        assert any(cmd[i:i + len(opt)] == opt for i in range(len(cmd))), opt
    assert "downloading mediapipe==0.10.14" in logs[0] and str(cache) in logs[-1]
    path = cache / M.MODELS["full"]["file"]
    assert info.path == str(path) and path.read_bytes() == rebuilt      # reproducible
    record = json.loads(M.sidecar_path(path).read_text())
    assert record["sha256"] == info.sha256 == hashlib.sha256(rebuilt).hexdigest()
    assert record["source_wheel"] == WHEEL_NAME
    assert record["source_wheel_sha256"] == M.sha256_file(fake_wheel)
    assert sorted(p.name for p in cache.iterdir()) == [path.name, path.name + ".json"]  # no temp files
    # now cached: no second download
    assert M.resolve_model("full").sha256 == info.sha256 and len(calls) == 1


def test_pip_failure_says_what_to_do(cache, monkeypatch):
    _fake_pip(monkeypatch, returncode=1, stderr="ERROR: No matching distribution found for mediapipe==0.10.14")
    with pytest.raises(ModelError) as e:
        M.resolve_model("full", log=lambda m: None)
    msg = str(e.value)
    assert msg.startswith(f"{cache / M.MODELS['full']['file']}: pip could not download mediapipe==0.10.14 "
                          "(is the package index reachable?): ERROR: No matching distribution")
    assert "footcam models fetch --from-wheel WHEEL" in msg
    assert not cache.exists() or not any(cache.iterdir())


def test_missing_pip_is_named(cache, monkeypatch):
    _fake_pip(monkeypatch, returncode=1, stderr=f"{sys.executable}: No module named pip")
    with pytest.raises(ModelError, match=r"pip is not installed in .* -m ensurepip"):
        M.build_default(log=lambda m: None)


def test_wheel_without_the_networks_is_refused(cache, tmp_path):
    w = tmp_path / "other.whl"
    with zipfile.ZipFile(w, "w") as z:
        z.writestr("x.py", "")
    with pytest.raises(ModelError, match=r"other.whl: not a wheel holding BlazePose's tflite files"):
        M.build_default(wheel=w, log=lambda m: None)


def test_build_default_not_allowed(cache):
    with pytest.raises(ModelError, match=r"not built yet: run `footcam models fetch`"):
        M.resolve_model("full", build=False)


# --- the cache folder ------------------------------------------------------------------------

def test_models_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FOOTCAM_MODELS", str(tmp_path))
    assert M.models_dir() == tmp_path
    rows = {r["name"]: r for r in M.list_models()}
    assert set(rows) == {"full", "official-lite", "official-full", "official-heavy"}
    assert rows["full"]["present"] is False and rows["full"]["default"] is True
    assert rows["full"]["path"] == str(tmp_path / M.MODELS["full"]["file"])


def test_models_dir_checkout_or_user_cache(monkeypatch, tmp_path):
    repo = tmp_path / "repo"
    (repo / "src" / "footcam").mkdir(parents=True)
    assert M._source_checkout(repo / "src" / "footcam") is None        # no pyproject.toml
    (repo / "pyproject.toml").write_text("")
    assert M._source_checkout(repo / "src" / "footcam") == repo
    site = tmp_path / "lib" / "site-packages" / "footcam"
    site.mkdir(parents=True)
    assert M._source_checkout(site) is None

    monkeypatch.delenv("FOOTCAM_MODELS", raising=False)
    here = Path(M.__file__).resolve().parents[1]
    expected = M._source_checkout(here)
    assert expected is not None       # the tests run from the checkout
    assert M.models_dir() == expected / "models"
    monkeypatch.setattr(M, "_source_checkout", lambda p: None)
    from platformdirs import user_cache_dir
    assert M.models_dir() == Path(user_cache_dir("footcam")) / "models"


# --- official models -------------------------------------------------------------------------

def test_missing_official_model_says_how_to_fetch(cache):
    with pytest.raises(ModelError, match=r"model official-heavy is not downloaded: run "
                                         r"`footcam models fetch --official heavy`"):
        M.resolve_model("official-heavy")


def test_fetch_official_offline(cache, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(M, "_urlopen", offline)
    with pytest.raises(ModelError, match=r"cannot download Google's official lite pose model from "
                                         r"https://storage.googleapis.com/.*name resolution.*works offline"):
        M.fetch_official("lite", log=lambda m: None)
    assert not (cache / M.MODELS["official-lite"]["file"]).exists()


def test_fetch_official_rejects_a_non_bundle(cache, monkeypatch):
    class Page:                          # e.g. a captive portal answering with HTML
        def __enter__(self):
            return self

        def __exit__(self, *a):
            pass

        def read(self):
            return b"<html>sign in</html>"

    monkeypatch.setattr(M, "_urlopen", lambda url, timeout: Page())
    with pytest.raises(ModelError, match=r"pose_landmarker_heavy.task: not a MediaPipe .task bundle"):
        M.fetch_official("heavy", log=lambda m: None)
    assert not (cache / M.MODELS["official-heavy"]["file"]).exists()


# --- damaged models and verify ---------------------------------------------------------------

def test_corrupt_task_files_are_named(tmp_path):
    bad = tmp_path / "broken.task"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match=rf"^{bad}: not a MediaPipe .task bundle \(not a zip file\)"):
        M.verify(str(bad))
    half = tmp_path / "half.task"
    with zipfile.ZipFile(half, "w") as z:
        z.writestr(M.MEMBERS[0], b"x")
    with pytest.raises(ModelError, match=rf"^{half}: not a pose .task bundle: pose_landmarks_detector.tflite missing"):
        M.verify(str(half))
    garbage = tmp_path / "garbage.task"
    with zipfile.ZipFile(garbage, "w") as z:
        for m in M.MEMBERS:
            z.writestr(m, b"\x00" * 256)
    with pytest.raises(ModelError, match=rf"^{garbage}: MediaPipe cannot load this pose model"):
        M.verify(str(garbage))


def test_bad_names_and_paths(tmp_path):
    with pytest.raises(ModelError, match=r"nope.task: model file not found"):
        M.resolve_model(str(tmp_path / "nope.task"))
    with pytest.raises(ModelError, match=r"is a folder; expected a MediaPipe pose .task file"):
        M.resolve_model(str(tmp_path))
    with pytest.raises(ModelError, match=r"unknown model 'medium': choose one of full, official-lite"):
        M.resolve_model("medium")


def test_verify_detects_a_changed_file(default_model, cache):
    cache.mkdir()
    copy = cache / default_model.name
    copy.write_bytes(default_model.read_bytes())
    M.sidecar_path(copy).write_bytes(M.sidecar_path(default_model).read_bytes())
    r = M.verify("full")
    assert r["sha256"] == r["recorded_sha256"] and r["sha256_matches_record"] is True
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF                  # a flipped bit inside the landmark network
    copy.write_bytes(bytes(data))
    for check in (M.verify, M.resolve_model):     # caught before a run, not only by verify
        with pytest.raises(ModelError, match=rf"^{copy}: checksum mismatch: .*footcam models fetch --force"):
            check("full")


def test_unreadable_record_is_named(default_model, cache):
    cache.mkdir()
    copy = cache / default_model.name
    copy.write_bytes(default_model.read_bytes())
    M.sidecar_path(copy).write_text("{truncated")
    with pytest.raises(ModelError, match=rf"^{M.sidecar_path(copy)}: unreadable model record"):
        M.verify("full")


def test_verify_without_record(default_model, tmp_path):
    copy = tmp_path / "mine.task"
    copy.write_bytes(default_model.read_bytes())
    r = M.verify(str(copy))
    assert r["sha256"] == M.sha256_file(default_model) and r["sha256_matches_record"] is None


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_list_and_path(default_model):
    r = CliRunner().invoke(main, ["models", "list", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    rows = {m["name"]: m for m in out["models"]}
    assert out["models_dir"] == str(default_model.parent)
    assert rows["full"]["present"] is True and rows["full"]["path"] == str(default_model)
    assert rows["full"]["sha256"] == M.sha256_file(default_model)
    r = CliRunner().invoke(main, ["models", "path"])
    assert r.exit_code == 0 and r.stdout == f"{default_model}\n" and r.stderr == ""


def test_cli_path_builds_logging_on_stderr(cache, monkeypatch, fake_wheel):
    _fake_pip(monkeypatch, wheel=fake_wheel)
    r = CliRunner().invoke(main, ["models", "path"])
    path = cache / M.MODELS["full"]["file"]
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{path}\n"
    assert "downloading mediapipe==0.10.14" in r.stderr and path.is_file()


def test_cli_fetch_from_wheel_then_verify(cache, fake_wheel):
    r = CliRunner().invoke(main, ["models", "fetch", "-q", "--from-wheel", str(fake_wheel)])
    path = cache / M.MODELS["full"]["file"]
    assert r.exit_code == 0 and r.stdout == f"{path}\n" and r.stderr == ""
    r = CliRunner().invoke(main, ["models", "verify", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["sha256"] == M.sha256_file(path)


def test_cli_errors(cache):
    r = CliRunner().invoke(main, ["models", "path", "official-lite"])
    assert r.exit_code == 1
    assert r.stderr == (f"Error: {cache / M.MODELS['official-lite']['file']}: model official-lite is not "
                        "downloaded: run `footcam models fetch --official lite` (needs a network to "
                        "Google's storage)\n")
    r = CliRunner().invoke(main, ["models", "verify", "nonexistent-model"])
    assert r.exit_code == 1 and r.stderr.startswith("Error: unknown model 'nonexistent-model'")
    r = CliRunner().invoke(main, ["models", "fetch", "--official", "lite", "--from-wheel", __file__])
    assert r.exit_code == 2 and "exclude each other" in r.stderr


def test_importing_the_module_does_not_load_mediapipe():
    code = ("import sys, footcam.pose.models, footcam.cli.models; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'mediapipe'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
