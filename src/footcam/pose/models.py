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
import http.client
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

from .._version import __version__
from ..errors import ModelError
from ..fsutil import atomic_write_bytes
from .network import user_environ, user_proxies

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
#: zip entry time of built bundles: fixed, so that one wheel always gives the same sha256
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PIP_TIMEOUT_S = 900

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
    checkout = _source_checkout(Path(__file__).resolve().parents[1])
    if checkout is not None:
        return checkout / "models"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("footcam")) / "models"


def _source_checkout(package_dir: Path) -> Path | None:
    """The checkout root when the package sits in ``<checkout>/src/footcam`` beside a
    ``pyproject.toml`` (an editable install or running from the tree), else None."""
    src = package_dir.parent
    if src.name == "src" and (src.parent / "pyproject.toml").is_file():
        return src.parent
    return None


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
    members = {MEMBERS[0]: add_normalization_metadata(detector, *DETECTOR_NORM, "pose_detector"),
               MEMBERS[1]: add_normalization_metadata(landmarks, *LANDMARKS_NORM, "pose_landmarks_detector")}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            entry.external_attr = 0o644 << 16
            z.writestr(entry, data)
    return out.getvalue()


# --- checking -------------------------------------------------------------------------------

def check_bundle(path: Path, *, label: str | Path | None = None) -> None:
    """Load the bundle with MediaPipe and run it once on a synthetic image; raise ModelError
    (naming ``label``, default the file) if it is not a pose ``.task`` bundle that runs."""
    path = Path(path)
    label = path if label is None else label
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ModelError("not a MediaPipe .task bundle (not a zip file)", label) from None
    missing = [m for m in MEMBERS if m not in names]
    if missing:
        raise ModelError(f"not a pose .task bundle: {', '.join(missing)} missing", label)
    from .landmarker import PoseLandmarker

    img = np.full((256, 192, 3), 127, np.uint8)
    try:
        with PoseLandmarker(path, video=False) as lm:
            lm.detect(img)
    except ModelError as e:
        raise ModelError(e.detail, label) from None
    except (RuntimeError, ValueError) as e:      # loads, but inference fails
        raise ModelError(f"MediaPipe loads this pose model but cannot run it: {e}", label) from None


def sidecar_path(path: Path) -> Path:
    """The ``<file>.json`` record beside a model file."""
    return path.with_name(path.name + ".json")


def read_sidecar(path: Path) -> dict | None:
    """The record beside a model, None if there is none; ModelError if it is unreadable."""
    side = sidecar_path(Path(path))
    if not side.exists():
        return None
    try:
        rec = json.loads(side.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelError(f"unreadable model record ({e}); delete it and the model and run "
                         f"`footcam models fetch`", side) from None
    if not isinstance(rec, dict):
        raise ModelError("unreadable model record (not a JSON object)", side)
    return rec


def _record(path: Path, name: str, extra: dict) -> dict:
    info = {"name": name, "file": path.name, "sha256": sha256_file(path), "size_bytes": path.stat().st_size,
            "footcam_version": __version__,
            "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"), **extra}
    atomic_write_bytes(sidecar_path(path), json.dumps(info, indent=2).encode())
    return info


# --- building and fetching ------------------------------------------------------------------

def pip_download_command(dest_dir: str | Path) -> list[str]:
    """The pip command that fetches the source wheel: always the one manylinux cp311 wheel
    (the tflite files inside are platform-independent), whatever the host."""
    return [sys.executable, "-m", "pip", "download", SOURCE_WHEEL["requirement"], "--no-deps",
            "--only-binary=:all:", "--python-version", SOURCE_WHEEL["python_version"],
            "--platform", SOURCE_WHEEL["platform"], "--disable-pip-version-check",
            "--retries", "2", "--timeout", "30", "-q", "-d", str(dest_dir)]


def _download_wheel(dest_dir: Path, log: Log, target: Path) -> Path:
    log(f"footcam: building the default pose model; downloading {SOURCE_WHEEL['requirement']} "
        f"(~36 MB) from the Python package index with pip into a temporary folder")
    hint = ("the default pose model is built from the mediapipe 0.10.14 wheel on the Python "
            "package index. Without access to it: on a machine with access run `pip download "
            "mediapipe==0.10.14 --no-deps --only-binary=:all: --python-version 3.11 --platform "
            "manylinux_2_17_x86_64`, copy the wheel here and run `footcam models fetch "
            "--from-wheel WHEEL`; or set FOOTCAM_MODELS to a folder that holds a built model")
    try:
        r = subprocess.run(pip_download_command(dest_dir), capture_output=True, text=True,
                           timeout=PIP_TIMEOUT_S, env=user_environ())
    except subprocess.TimeoutExpired:
        raise ModelError(f"pip download did not finish within {PIP_TIMEOUT_S} s; {hint}", target) from None
    except OSError as e:
        raise ModelError(f"cannot run pip ({e}); {hint}", target) from None
    out = (r.stderr or "") + (r.stdout or "")
    if r.returncode != 0 and "No module named pip" in out:
        raise ModelError(f"pip is not installed in {sys.executable} (install it with "
                         f"`{sys.executable} -m ensurepip`); {hint}", target)
    wheels = sorted(dest_dir.glob("mediapipe-0.10.14-*.whl"))
    if r.returncode != 0 or not wheels:
        tail = " | ".join(line.strip() for line in out.strip().splitlines()[-3:])
        raise ModelError(f"pip could not download {SOURCE_WHEEL['requirement']} (is the package "
                         f"index reachable?): {tail or 'no wheel was written'}; {hint}", target)
    return wheels[0]


def build_default(dest: Path | None = None, *, log: Log = _stderr, wheel: Path | None = None) -> Path:
    """Build the default ``full`` model from the mediapipe 0.10.14 wheel (downloaded with pip
    from the package index unless ``wheel`` is given), check that it loads and runs, and store
    it atomically with its ``.json`` record. Returns the model's path."""
    dest = Path(dest) if dest is not None else models_dir() / MODELS["full"]["file"]
    with tempfile.TemporaryDirectory(prefix="footcam-model-") as td:
        if wheel is None:
            wheel = _download_wheel(Path(td), log, dest)
        else:
            log(f"footcam: building the default pose model from {wheel}")
        wheel = Path(wheel)
        try:
            wheel_sha = sha256_file(wheel)
            with zipfile.ZipFile(wheel) as z:
                det = z.read(SOURCE_WHEEL["detector"])
                lmk = z.read(SOURCE_WHEEL["landmarker"])
        except OSError as e:
            raise ModelError(f"cannot read the wheel ({e.strerror or e})", wheel) from None
        except (KeyError, zipfile.BadZipFile) as e:
            raise ModelError(f"not a wheel holding BlazePose's tflite files ({e}); expected the "
                             f"mediapipe 0.10.14 wheel", wheel) from None
        data = bundle(det, lmk)
        tmp = Path(td) / dest.name
        tmp.write_bytes(data)
        check_bundle(tmp, label=f"model built from {wheel.name}")
        try:
            atomic_write_bytes(dest, data)
            _record(dest, "full", {
                "source": "built", "source_wheel": wheel.name, "source_wheel_sha256": wheel_sha,
                "members": {SOURCE_WHEEL["detector"]: sha256_bytes(det),
                            SOURCE_WHEEL["landmarker"]: sha256_bytes(lmk)},
                "normalization": {"pose_detector": {"mean": DETECTOR_NORM[0], "std": DETECTOR_NORM[1]},
                                  "pose_landmarks_detector": {"mean": LANDMARKS_NORM[0],
                                                              "std": LANDMARKS_NORM[1]}}})
        except OSError as e:
            raise ModelError(f"cannot write the model cache ({e.strerror or e}); set "
                             f"FOOTCAM_MODELS to a writable folder", dest.parent) from None
    log(f"footcam: pose model ready: {dest}")
    return dest


def _urlopen(url: str, timeout: float):
    """urlopen through the user's own proxies (pose/network.py points the environment's
    proxy variables elsewhere, for MediaPipe's usage reports)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler(user_proxies())).open(
        url, timeout=timeout)


def fetch_official(variant: str, *, log: Log = _stderr, timeout_s: float = 60.0) -> Path:
    """Download Google's official bundle (needs a network that reaches Google's storage),
    check that it loads and runs, store it with its ``.json`` record. Returns its path."""
    if variant not in ("lite", "full", "heavy"):
        raise ModelError(f"unknown official variant {variant!r}: choose lite, full or heavy")
    url = OFFICIAL_URL.format(v=variant)
    dest = models_dir() / MODELS[f"official-{variant}"]["file"]
    log(f"footcam: downloading {url} into {dest.parent}")
    try:
        with _urlopen(url, timeout=timeout_s) as r:
            data = r.read()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        raise ModelError(f"cannot download Google's official {variant} pose model from {url}: "
                         f"{getattr(e, 'reason', None) or e} (no network to Google's storage?); "
                         f"the default model 'full' works offline") from None
    with tempfile.TemporaryDirectory(prefix="footcam-model-") as td:
        tmp = Path(td) / dest.name
        tmp.write_bytes(data)
        check_bundle(tmp, label=url)
    try:
        atomic_write_bytes(dest, data)
        _record(dest, f"official-{variant}", {"source": "official", "url": url})
    except OSError as e:
        raise ModelError(f"cannot write the model cache ({e.strerror or e}); set FOOTCAM_MODELS "
                         f"to a writable folder", dest.parent) from None
    log(f"footcam: {dest} ready (sha256 {sha256_bytes(data)})")
    return dest


# --- resolving ------------------------------------------------------------------------------

def _cached_info(name: str, path: Path) -> ModelInfo:
    """ModelInfo of a cached model, after checking its sha256 against its record (~15 ms for
    the default model) so that a damaged cache is reported before a long run, not in it."""
    actual = sha256_file(path)
    rec = read_sidecar(path)
    recorded = rec.get("sha256") if rec else None
    if recorded and recorded != actual:
        redo = (f"footcam models fetch --official {MODELS[name]['variant']} --force"
                if MODELS[name]["source"] == "official" else "footcam models fetch --force")
        raise ModelError(f"checksum mismatch: its record says sha256 {recorded[:12]}…, the file "
                         f"has {actual[:12]}… (damaged or replaced); run `{redo}`", path)
    return ModelInfo(name=name, path=str(path), sha256=actual, source=MODELS[name]["source"])


def resolve_model(name_or_path: str = DEFAULT_MODEL, *, build: bool = True, log: Log = _stderr) -> ModelInfo:
    """The model to use: a ``.task`` path as is, or a known name from the cache (building the
    default one if it is missing and ``build`` is true; official ones are never downloaded
    here). Raises ModelError saying what to do."""
    name_or_path = str(name_or_path)
    if name_or_path not in MODELS:
        p = Path(name_or_path).expanduser()
        if p.suffix == ".task" or p.exists():
            if p.is_dir():
                raise ModelError("is a folder; expected a MediaPipe pose .task file", p)
            if not p.is_file():
                raise ModelError("model file not found", p)
            return ModelInfo(name=p.name, path=str(p.resolve()), sha256=sha256_file(p), source="file")
        raise ModelError(f"unknown model {name_or_path!r}: choose one of {', '.join(MODELS)} "
                         f"or give a .task file")
    spec = MODELS[name_or_path]
    path = models_dir() / spec["file"]
    if path.is_file():
        return _cached_info(name_or_path, path)
    if spec["source"] == "official":
        raise ModelError(f"model {name_or_path} is not downloaded: run `footcam models fetch "
                         f"--official {spec['variant']}` (needs a network to Google's storage)", path)
    if not build:
        raise ModelError("the default pose model is not built yet: run `footcam models fetch`", path)
    build_default(path, log=log)
    return _cached_info(name_or_path, path)


def verify(name_or_path: str = DEFAULT_MODEL) -> dict:
    """Recompute the sha256, compare it with the record, load the model and run it once.
    Returns what was checked; raises ModelError on a mismatch or a model that does not run."""
    info = resolve_model(name_or_path, build=False)   # checks the record for cached models
    path = Path(info.path)
    rec = read_sidecar(path)
    recorded = rec.get("sha256") if rec else None
    if recorded and recorded != info.sha256:          # a .task path given directly
        raise ModelError(f"checksum mismatch: its record says sha256 {recorded[:12]}…, the file "
                         f"has {info.sha256[:12]}… (damaged or replaced)", path)
    check_bundle(path)
    return {"name": info.name, "path": str(path), "sha256": info.sha256,
            "recorded_sha256": recorded, "sha256_matches_record": None if recorded is None else True,
            "loads_and_runs": True}


def list_models() -> list[dict]:
    """Every known model: name, default, present, path, sha256 (from its record, else computed;
    None when missing), description."""
    d = models_dir()
    out = []
    for name, spec in MODELS.items():
        p = d / spec["file"]
        present = p.is_file()
        sha = None
        if present:
            try:
                rec = read_sidecar(p)
            except ModelError:
                rec = None
            sha = (rec or {}).get("sha256") or sha256_file(p)
        out.append({"name": name, "default": name == DEFAULT_MODEL, "present": present,
                    "path": str(p), "sha256": sha, "description": spec["description"]})
    return out
