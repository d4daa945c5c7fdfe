"""The Dask executor: the same ClipJobs on a Dask distributed cluster (``footcam[dask]``).

Two ways to get results home, see docs/batch.md:

- shared storage (default): every worker sees DIR and OUT at the same absolute paths and writes
  each clip's folder itself (atomically, like a local run);
- ``shared_storage=False``: the client sends each clip's bytes to a worker, the worker analyses
  it in a local temporary folder and returns the finished folder's files; the client writes
  them under OUT (atomically). Nothing is shared but the network.

Dask is imported only here, and only when a Dask run is asked for.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path

from .._version import __version__
from ..errors import FootcamError
from ._task import ClipJob, ClipResult, run_clip, run_clip_returning_files, worker_environment

INSTALL_HINT = "pip install 'footcam[dask]'"
CONNECT_TIMEOUT_S = 20
WORKER_WAIT_S = 120


def require_distributed():
    try:
        import distributed
    except ImportError:
        raise FootcamError(f"running on Dask needs the optional Dask extra, which is not "
                           f"installed: {INSTALL_HINT}") from None
    return distributed


def worker_facts(root: str, out: str, shared: bool) -> dict:
    """Run on every worker before the batch: what it runs and what it can see."""
    facts = {"host": socket.gethostname(), "footcam": __version__}
    if shared:
        facts["sees_dir"] = Path(root).is_dir()
        facts["out_writable"] = Path(out).is_dir() and os.access(out, os.W_OK)
    return facts


class DaskExecutor:
    """Runs ClipJobs on a Dask cluster: an existing one (``scheduler``) or a LocalCluster of
    ``local_workers`` processes started here (one thread each)."""

    name = "dask"

    def __init__(self, *, scheduler: str | None = None, local_workers: int | None = None,
                 shared_storage: bool = True, root: Path, out: Path, log=lambda m: None):
        distributed = require_distributed()
        self._distributed = distributed
        self.shared = shared_storage
        self._cluster = None
        self._data: dict = {}            # handle → scattered clip bytes (no shared storage)
        if local_workers:
            import logging

            self._cluster = distributed.LocalCluster(
                n_workers=local_workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=logging.ERROR, env=worker_environment())
            self._client = distributed.Client(self._cluster)
            self.where = f"a local Dask cluster of {local_workers} worker process" + ("es" if local_workers != 1 else "")
        else:
            try:
                self._client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as e:
                raise FootcamError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
            self.where = f"the Dask cluster at {scheduler}"
        try:
            self._check_workers(root, out, log)
        except BaseException:
            self.close()
            raise

    def _check_workers(self, root: Path, out: Path, log) -> None:
        if not self._client.nthreads():
            log(f"waiting for a worker to join {self.where} ...")
            try:
                self._client.wait_for_workers(1, timeout=WORKER_WAIT_S)
            except TimeoutError:
                raise FootcamError(f"no worker joined {self.where} within {WORKER_WAIT_S} s") from None
        try:
            facts = self._client.run(worker_facts, str(root), str(out), self.shared)
        except Exception as e:  # noqa: BLE001 - whatever the workers raise, report it as one problem
            raise FootcamError(f"the Dask workers cannot run footcam ({type(e).__name__}: {e}); install "
                               f"footcam {__version__} in the workers' environment") from None
        bad_version = sorted({f"{f['host']} has footcam {f['footcam']}" for f in facts.values()
                              if f["footcam"] != __version__})
        if bad_version:
            raise FootcamError(f"the Dask workers must run footcam {__version__} like this client "
                               f"(outputs record the version): {', '.join(bad_version)}")
        if self.shared:
            blind = sorted({f["host"] for f in facts.values() if not (f["sees_dir"] and f["out_writable"])})
            if blind:
                raise FootcamError(f"Dask worker(s) on {', '.join(blind)} cannot see {root} or cannot write "
                                   f"{out} at the same path: mount both at the same paths on every "
                                   f"worker, or use --no-shared-storage")

    def describe(self) -> str:
        n = sum(self._client.nthreads().values())
        how = "writing to shared storage" if self.shared else "returning results to this machine"
        return f"{self.where} ({n} worker thread{'s' if n != 1 else ''}, {how})"

    def slots(self) -> int:
        # one clip per worker thread in flight: the in-flight list is what runs, and with no
        # shared storage at most that many clips' bytes are in memory
        return max(1, sum(self._client.nthreads().values()))

    def submit(self, job: ClipJob):
        key = f"footcam-clip-{uuid.uuid4().hex}"
        if self.shared:
            return self._client.submit(run_clip, job, key=key, pure=False, retries=0)
        data = self._client.scatter(Path(job.source).read_bytes(), hash=False)
        fut = self._client.submit(run_clip_returning_files, job, data, key=key, pure=False, retries=0)
        self._data[fut.key] = data
        return fut

    def wait(self, handles: list, timeout: float) -> list:
        t_end = time.monotonic() + timeout
        while True:
            done = [h for h in handles if h.done()]
            if done or time.monotonic() >= t_end:
                return done
            time.sleep(0.05)

    def settle(self, handles: list, timeout: float = 10.0) -> None:
        pass

    def result(self, handle, job: ClipJob) -> ClipResult:
        d = self._distributed
        try:
            return handle.result()
        except d.KilledWorker:
            return ClipResult(job.key, "failed", error="the Dask worker running this clip died each "
                              "time it was tried (a crash in native code, or out of memory)",
                              error_type="WorkerDied")
        except Exception as e:  # noqa: BLE001 - a task that could not run is that clip's failure
            return ClipResult(job.key, "failed", error=f"the Dask task failed: {type(e).__name__}: {e}",
                              error_type=type(e).__name__)
        finally:
            data = self._data.pop(handle.key, None)
            if data is not None:
                data.release()
            handle.release()

    def recover(self) -> None:
        pass

    def interrupt(self) -> None:
        self.close()

    def close(self) -> None:
        for c in (getattr(self, "_client", None), self._cluster):
            if c is not None:
                try:
                    c.close()
                except Exception:  # noqa: BLE001 - closing after an interrupt: nothing left to save
                    pass
        self._client = None
        self._cluster = None
