"""The unit of work: one clip, run in a worker process (local pool or Dask worker).

A clip's failure is data, not an exception: ``run_clip`` returns a ClipResult with the error, so
one bad file never stops a batch and Dask never retries a clip that is simply not a video.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import Config
from ..errors import FootcamError

#: thread pools of the numeric libraries a worker may load. Parallelism comes from running
#: several clips at once, so each worker keeps one thread per library (MediaPipe's XNNPACK
#: already runs its inference on one thread on desktop Linux). Values the user set are kept.
THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}


def worker_environment() -> dict[str, str]:
    """The environment variables a worker should start with (user settings win)."""
    return {k: os.environ.get(k, v) for k, v in THREAD_ENV.items()}


@dataclass(frozen=True)
class ClipJob:
    key: str              # the clip's path relative to DIR: its name in failures/summary
    source: str           # where the worker reads the clip
    out_dir: str          # where the worker writes the clip's folder (shared storage)
    config: Config
    stills: bool = True   # stills/ at each gait event, as `footcam analyze` draws them


@dataclass
class ClipResult:
    key: str
    status: str                       # "done" | "failed" | "crashed"
    seconds: float = 0.0
    error: str = ""                   # what went wrong, without the file name
    error_type: str = ""              # the exception's class ("VideoError", ...)
    traceback: str = ""               # only for unexpected errors (a bug in footcam)
    worker: str = ""
    files: dict[str, bytes] = field(default_factory=dict)   # no-shared-storage mode only

    @property
    def ok(self) -> bool:
        return self.status == "done"


def _who() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _failure(key: str, e: BaseException, t0: float) -> ClipResult:
    if isinstance(e, FootcamError):
        return ClipResult(key, "failed", time.perf_counter() - t0, error=e.detail,
                          error_type=type(e).__name__, worker=_who())
    # anything else is a bug in footcam met on this clip: isolate it, keep the evidence
    return ClipResult(key, "failed", time.perf_counter() - t0,
                      error=f"internal error ({type(e).__name__}: {e}); please report it",
                      error_type=type(e).__name__, traceback=traceback.format_exc(), worker=_who())


def run_clip(job: ClipJob) -> ClipResult:
    """Analyse one clip into ``job.out_dir`` (written atomically by the pipeline)."""
    from ..pipeline import analyze_to_dir

    t0 = time.perf_counter()
    try:
        analyze_to_dir(job.source, job.out_dir, job.config, stills=job.stills)
    except Exception as e:  # noqa: BLE001 - failure isolation: every error becomes this clip's record
        return _failure(job.key, e, t0)
    return ClipResult(job.key, "done", time.perf_counter() - t0, worker=_who())


def run_clip_returning_files(job: ClipJob, data: bytes) -> ClipResult:
    """For a cluster without shared storage: the clip arrives as bytes, is analysed in a local
    temporary folder under its own file name, and its finished folder goes back to the client
    as {relative path: bytes}; the client writes it (atomically) under OUT.

    The worker's temporary path of the clip is replaced by the clip's own path in the folder's
    JSON files, so the folder equals a local run's.
    """
    t0 = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="footcam-batch-") as tmp:
            src = Path(tmp) / "in" / Path(job.key).name
            src.parent.mkdir()
            src.write_bytes(data)
            out = Path(tmp) / "out"
            res = run_clip(replace(job, source=str(src), out_dir=str(out)))
            if res.ok:
                res.files = {p.relative_to(out).as_posix(): _restore_path(p, str(src), job.source)
                             for p in sorted(out.rglob("*")) if p.is_file()}
            res.seconds = time.perf_counter() - t0
            return res
    except OSError as e:           # the worker's own disk: full, unwritable temp folder
        return ClipResult(job.key, "failed", time.perf_counter() - t0,
                          error=f"the worker could not stage the clip: {e.strerror or e}",
                          error_type="OSError", worker=_who())


def _restore_path(p: Path, tmp_source: str, source: str) -> bytes:
    """The file's bytes; in a JSON file, every string equal to the temporary path of the clip
    becomes the clip's own path (re-encoded exactly as footcam's writers encode JSON)."""
    data = p.read_bytes()
    if p.suffix != ".json" or tmp_source.encode() not in data:
        return data
    import json

    from ..report.files import dumps

    def fix(x):
        if isinstance(x, dict):
            return {k: fix(v) for k, v in x.items()}
        if isinstance(x, list):
            return [fix(v) for v in x]
        return source if x == tmp_source else x

    return dumps(fix(json.loads(data))).encode("utf-8")
