"""The pose model, offline by default.

mediapipe >= 1.2 wheels ship no pose model, and the Tasks ``PoseLandmarker`` needs a ``.task``
bundle (a zip of ``pose_detector.tflite`` + ``pose_landmarks_detector.tflite``). Google's official
bundles live on Google's model storage, which many machines cannot reach. The default model,
``full``, is therefore built by footcam itself from the two BlazePose files inside the mediapipe
0.10.14 wheel on the Python package index, after adding the input-normalisation metadata the
Tasks API requires. It is built once, checked by loading it and running it, and cached; after that
nothing touches the network.

Where models live: ``$FOOTCAM_MODELS`` if set; else ``models/`` of a source checkout; else the
user cache folder. Each ``.task`` file has a ``.json`` sidecar with its sha256 and provenance.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import __version__
from ..errors import ModelError

#: the wheel that carries BlazePose's tflite files (they are platform-independent; this one
#: wheel is always fetched, whatever the host platform)
SOURCE_WHEEL = {
    "requirement": "mediapipe==0.10.14",
    "python_version": "3.11",
    "platform": "manylinux_2_17_x86_64",
    "detector": "mediapipe/modules/pose_detection/pose_detection.tflite",
    "landmarker": "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
}
#: input normalisation the two networks expect: (mean, std) applied as (pixel - mean) / std
DETECTOR_NORM = (127.5, 127.5)
LANDMARKS_NORM = (0.0, 255.0)

OFFICIAL_URL = ("https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
                "pose_landmarker_{v}/float16/latest/pose_landmarker_{v}.task")

MODELS: dict[str, dict] = {
    "full": {"file": "pose_landmarker_full_mp01014.task", "source": "built",
             "description": "BlazePose full, built by footcam from the mediapipe 0.10.14 wheel "
                            "(default, offline after the first build)"},
    **{f"official-{v}": {"file": f"pose_landmarker_{v}_official.task", "source": "official",
                         "variant": v,
                         "description": f"Google's official pose_landmarker_{v} bundle "
                                        f"(footcam models fetch --official {v})"}
       for v in ("lite", "full", "heavy")},
}
DEFAULT_MODEL = "full"
MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

Log = Callable[[str], None]


def _stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str
    sha256: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


def models_dir() -> Path:
    """Where models are cached (created on demand)."""
    env = os.environ.get("FOOTCAM_MODELS")
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parents[3]
    if (checkout / "pyproject.toml").exists() and (checkout / "src" / "footcam").is_dir():
        return checkout / "models"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("footcam")) / "models"


def sha256_bytes(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# --- metadata -------------------------------------------------------------------------------

def add_normalization_metadata(tflite: bytes, mean: float, std: float, name: str) -> bytes:
    """Return the TFLite flatbuffer with a ``TFLITE_METADATA`` entry that declares the input
    tensor's NormalizationOptions (what the Tasks API needs for a float32 image input)."""
    import flatbuffers
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as tfl_fb

    try:
        model = tfl_fb.ModelT.InitFromObj(tfl_fb.Model.GetRootAsModel(tflite, 0))
    except Exception as e:  # noqa: BLE001 - flatbuffers raises assorted errors on garbage
        raise ModelError(f"not a TFLite model ({type(e).__name__})", name) from None
    if not model.subgraphs or model.buffers is None:
        raise ModelError("not a TFLite model (no subgraphs or buffers)", name)
    norm = meta_fb.NormalizationOptionsT()
    norm.mean, norm.std = [float(mean)], [float(std)]
    unit = meta_fb.ProcessUnitT()
    unit.optionsType = meta_fb.ProcessUnitOptions.NormalizationOptions
    unit.options = norm
    tensor = meta_fb.TensorMetadataT()
    tensor.name = "image"
    tensor.processUnits = [unit]
    sub = meta_fb.SubGraphMetadataT()
    sub.inputTensorMetadata = [tensor]
    mm = meta_fb.ModelMetadataT()
    mm.name = name
    mm.description = f"input normalisation (x - {mean}) / {std}; added by footcam"
    mm.subgraphMetadata = [sub]
    mm.minParserVersion = "1.0.0"
    b = flatbuffers.Builder(1024)
    b.Finish(mm.Pack(b), b"M001")
    meta = bytes(b.Output())
    # replace any existing metadata entry of that name
    entries = [m for m in (model.metadata or []) if (m.name or b"") not in (b"TFLITE_METADATA", "TFLITE_METADATA")]
    buf = tfl_fb.BufferT()
    buf.data = np.frombuffer(meta, dtype=np.uint8)
    model.buffers.append(buf)
    entry = tfl_fb.MetadataT()
    entry.name = "TFLITE_METADATA"
    entry.buffer = len(model.buffers) - 1
    model.metadata = entries + [entry]
    b = flatbuffers.Builder(len(tflite) + len(meta) + 4096)
    b.Finish(model.Pack(b), b"TFL3")
    return bytes(b.Output())


def bundle(detector: bytes, landmarks: bytes) -> bytes:
    """A ``.task`` bundle (zip, stored) from the two tflite files with metadata."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(MEMBERS[0], add_normalization_metadata(detector, *DETECTOR_NORM, "pose_detector"))
        z.writestr(MEMBERS[1], add_normalization_metadata(landmarks, *LANDMARKS_NORM, "pose_landmarks_detector"))
    return out.getvalue()


# --- checking -------------------------------------------------------------------------------

def check_bundle(path: Path) -> None:
    """Load the bundle with MediaPipe and run it on a synthetic image; raise ModelError if not."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ModelError("not a MediaPipe .task bundle (not a zip file)", path) from None
    missing = [m for m in MEMBERS if m not in names]
    if missing:
        raise ModelError(f"not a pose .task bundle: {', '.join(missing)} missing", path)
    from .landmarker import PoseLandmarker

    img = np.full((256, 192, 3), 127, np.uint8)
    with PoseLandmarker(path, video=False) as lm:
        lm.detect(img)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _record(path: Path, name: str, extra: dict) -> dict:
    info = {"name": name, "file": path.name, "sha256": sha256_file(path), "size_bytes": path.stat().st_size,
            "footcam_version": __version__,
            "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), **extra}
    _write_atomic(_sidecar(path), json.dumps(info, indent=2).encode())
    return info


# --- building and fetching ------------------------------------------------------------------

def build_default(dest: Path | None = None, *, log: Log = _stderr, wheel: Path | None = None) -> Path:
    """Build the default ``full`` model from the mediapipe 0.10.14 wheel (fetched with pip from
    the package index unless ``wheel`` is given)."""
    dest = dest or models_dir() / MODELS["full"]["file"]
    with tempfile.TemporaryDirectory(prefix="footcam-model-") as td:
        if wheel is None:
            log(f"footcam: building the pose model; downloading {SOURCE_WHEEL['requirement']} "
                f"(~36 MB) from the Python package index into a temporary folder")
            cmd = [sys.executable, "-m", "pip", "download", SOURCE_WHEEL["requirement"], "--no-deps",
                   "--only-binary=:all:", "--python-version", SOURCE_WHEEL["python_version"],
                   "--platform", SOURCE_WHEEL["platform"], "--disable-pip-version-check", "-q", "-d", td]
            r = subprocess.run(cmd, capture_output=True, text=True)
            wheels = list(Path(td).glob("mediapipe-*.whl"))
            if r.returncode != 0 or not wheels:
                tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
                raise ModelError("could not download the mediapipe 0.10.14 wheel that the default "
                                 "pose model is built from (is the Python package index reachable? "
                                 "set FOOTCAM_MODELS to a folder holding a built model, or pass "
                                 "--model FILE.task): " + " ".join(tail), dest)
            wheel = wheels[0]
        try:
            with zipfile.ZipFile(wheel) as z:
                det = z.read(SOURCE_WHEEL["detector"])
                lmk = z.read(SOURCE_WHEEL["landmarker"])
        except (KeyError, zipfile.BadZipFile) as e:
            raise ModelError(f"the wheel does not hold BlazePose's tflite files ({e})", wheel) from None
        data = bundle(det, lmk)
        tmp = Path(td) / dest.name
        tmp.write_bytes(data)
        check_bundle(tmp)
        _write_atomic(dest, data)
    _record(dest, "full", {"source": "built", "source_wheel": Path(wheel).name,
                           "source_wheel_sha256": sha256_file(wheel) if Path(wheel).exists() else None,
                           "members": {SOURCE_WHEEL["detector"]: sha256_bytes(det),
                                       SOURCE_WHEEL["landmarker"]: sha256_bytes(lmk)},
                           "normalization": {"pose_detector": DETECTOR_NORM,
                                             "pose_landmarks_detector": LANDMARKS_NORM}})
    log(f"footcam: pose model ready: {dest}")
    return dest


def fetch_official(variant: str, *, log: Log = _stderr, timeout_s: float = 60.0) -> Path:
    """Download Google's official bundle (needs a network that reaches Google's storage)."""
    if variant not in ("lite", "full", "heavy"):
        raise ModelError(f"unknown official variant {variant!r}: choose lite, full or heavy")
    url = OFFICIAL_URL.format(v=variant)
    dest = models_dir() / MODELS[f"official-{variant}"]["file"]
    log(f"footcam: downloading {url} into {dest.parent}")
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            data = r.read()
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        raise ModelError(f"cannot download Google's official {variant} pose model from {url}: "
                         f"{getattr(e, 'reason', e)} (no network to Google's storage?); the default "
                         f"model 'full' works offline") from None
    with tempfile.TemporaryDirectory() as td:
        tmp = Path(td) / dest.name
        tmp.write_bytes(data)
        check_bundle(tmp)
    _write_atomic(dest, data)
    _record(dest, f"official-{variant}", {"source": "official", "url": url})
    log(f"footcam: {dest.name} sha256 {sha256_bytes(data)}")
    return dest


# --- resolving ------------------------------------------------------------------------------

def _info_for(name: str, path: Path) -> ModelInfo:
    side = _sidecar(path)
    sha = None
    if side.exists():
        try:
            sha = json.loads(side.read_text()).get("sha256")
        except (OSError, json.JSONDecodeError):
            sha = None
    return ModelInfo(name=name, path=str(path), sha256=sha or sha256_file(path),
                     source=MODELS.get(name, {}).get("source", "file"))


def resolve_model(name_or_path: str = DEFAULT_MODEL, *, build: bool = True, log: Log = _stderr) -> ModelInfo:
    """The model to use: a ``.task`` path as is, or a known name from the cache (building the
    default one if it is missing and ``build`` is true)."""
    if name_or_path not in MODELS:
        p = Path(name_or_path).expanduser()
        if p.suffix == ".task" or p.exists():
            if not p.is_file():
                raise ModelError("model file not found", p)
            return ModelInfo(name=p.name, path=str(p.resolve()), sha256=sha256_file(p), source="file")
        raise ModelError(f"unknown model {name_or_path!r}: choose one of {', '.join(MODELS)} "
                         f"or give a .task file")
    spec = MODELS[name_or_path]
    path = models_dir() / spec["file"]
    if path.is_file():
        return _info_for(name_or_path, path)
    if spec["source"] == "official":
        raise ModelError(f"model {name_or_path} is not downloaded: run `footcam models fetch "
                         f"--official {spec['variant']}` (needs a network to Google's storage)", path)
    if not build:
        raise ModelError("the default pose model is not built yet: run `footcam models fetch`", path)
    try:
        build_default(path, log=log)
    except OSError as e:
        raise ModelError(f"cannot write the model cache: {e.strerror or e}", path.parent) from None
    return _info_for(name_or_path, path)


def verify(name_or_path: str = DEFAULT_MODEL) -> dict:
    """Recompute the sha256, compare it with the sidecar, load and run the model."""
    info = resolve_model(name_or_path, build=False)
    path = Path(info.path)
    actual = sha256_file(path)
    side = _sidecar(path)
    recorded = None
    if side.exists():
        recorded = json.loads(side.read_text()).get("sha256")
        if recorded and recorded != actual:
            raise ModelError(f"checksum mismatch: sidecar records {recorded[:12]}…, file has "
                             f"{actual[:12]}… (damaged or replaced; delete it and run "
                             f"`footcam models fetch`)", path)
    check_bundle(path)
    return {"name": info.name, "path": str(path), "sha256": actual,
            "sidecar_sha256": recorded, "loads": True}


def list_models() -> list[dict]:
    d = models_dir()
    out = []
    for name, spec in MODELS.items():
        p = d / spec["file"]
        present = p.is_file()
        out.append({"name": name, "default": name == DEFAULT_MODEL, "present": present,
                    "path": str(p), "sha256": _info_for(name, p).sha256 if present else None,
                    "description": spec["description"]})
    return out
