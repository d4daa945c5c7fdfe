"""Model provisioning: the metadata writer, the cache, verification and the CLI."""
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from footcam.cli import main
from footcam.errors import ModelError
from footcam.pose import models as M


@pytest.fixture(scope="module")
def default_model() -> Path:
    """The provisioned default model (built once; CI provisions it before the tests)."""
    return Path(M.resolve_model("full").path)


def test_default_model_resolves_offline_with_record(default_model):
    info = M.resolve_model("full", build=False)
    assert Path(info.path) == default_model
    record = json.loads((default_model.parent / (default_model.name + ".json")).read_text())
    assert record["sha256"] == info.sha256 == M.sha256_file(default_model)
    assert record["source_wheel"].startswith("mediapipe-0.10.14-")
    with zipfile.ZipFile(default_model) as z:
        assert sorted(z.namelist()) == sorted(M.MEMBERS)


def test_metadata_is_what_mediapipe_needs(default_model, tmp_path):
    """Strip the metadata: MediaPipe refuses; write it back with footcam's writer: it loads."""
    with zipfile.ZipFile(default_model) as z:
        det, lmk = z.read(M.MEMBERS[0]), z.read(M.MEMBERS[1])
    from mediapipe.tasks.metadata import schema_py_generated as tfl_fb

    def strip(buf: bytes) -> bytes:
        import flatbuffers
        m = tfl_fb.ModelT.InitFromObj(tfl_fb.Model.GetRootAsModel(buf, 0))
        m.metadata = [e for e in m.metadata or [] if e.name not in (b"TFLITE_METADATA", "TFLITE_METADATA")]
        b = flatbuffers.Builder(len(buf))
        b.Finish(m.Pack(b), b"TFL3")
        return bytes(b.Output())

    bare_det, bare_lmk = strip(det), strip(lmk)
    bare = tmp_path / "bare.task"
    with zipfile.ZipFile(bare, "w") as z:
        z.writestr(M.MEMBERS[0], bare_det)
        z.writestr(M.MEMBERS[1], bare_lmk)
    with pytest.raises(ModelError, match="NormalizationOptions"):
        M.check_bundle(bare)
    rebuilt = tmp_path / "rebuilt.task"
    rebuilt.write_bytes(M.bundle(bare_det, bare_lmk))
    M.check_bundle(rebuilt)          # loads and runs


def test_models_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("FOOTCAM_MODELS", str(tmp_path))
    assert M.models_dir() == tmp_path
    with pytest.raises(ModelError, match="not built yet: run `footcam models fetch`"):
        M.resolve_model("full", build=False)
    rows = {r["name"]: r for r in M.list_models()}
    assert rows["full"]["present"] is False and rows["full"]["default"] is True


def test_missing_official_model_says_how_to_fetch(monkeypatch, tmp_path):
    monkeypatch.setenv("FOOTCAM_MODELS", str(tmp_path))
    with pytest.raises(ModelError, match=r"footcam models fetch --official heavy"):
        M.resolve_model("official-heavy")


def test_corrupt_and_unknown_models(tmp_path):
    bad = tmp_path / "broken.task"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match=r"broken.task: not a MediaPipe .task bundle"):
        M.check_bundle(bad)
    with pytest.raises(ModelError, match="model file not found"):
        M.resolve_model(str(tmp_path / "nope.task"))
    with pytest.raises(ModelError, match="unknown model 'medium'"):
        M.resolve_model("medium")
    with pytest.raises(ModelError, match="not a TFLite model"):
        M.add_normalization_metadata(b"\x00" * 64, 0, 255, "junk")


def test_verify_detects_a_changed_file(default_model, tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTCAM_MODELS", str(tmp_path))
    copy = tmp_path / default_model.name
    copy.write_bytes(default_model.read_bytes())
    record = json.loads((default_model.parent / (default_model.name + ".json")).read_text())
    (tmp_path / (copy.name + ".json")).write_text(json.dumps(record))
    assert M.verify("full")["loads"] is True
    data = bytearray(copy.read_bytes())
    data[-10] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum mismatch"):
        M.verify("full")


def test_cli_models(default_model):
    r = CliRunner().invoke(main, ["models", "list", "--json"])
    assert r.exit_code == 0
    rows = {m["name"]: m for m in json.loads(r.output)["models"]}
    assert rows["full"]["present"] is True
    assert rows["full"]["sha256"] == M.sha256_file(default_model)
    r = CliRunner().invoke(main, ["models", "path"])
    assert r.exit_code == 0 and r.output.strip() == str(default_model)
    r = CliRunner().invoke(main, ["models", "verify", "nonexistent-model"])
    assert r.exit_code == 1 and r.output.startswith("Error: unknown model 'nonexistent-model'")
