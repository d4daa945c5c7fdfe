"""The local executor: a pool of worker processes on this machine.

Processes are started with "spawn" (MediaPipe and FFmpeg keep threads; forking a process that
has them is unsafe). Each worker
- starts with one thread per numeric library (``worker_environment``): clips run in parallel,
  not the maths inside one clip;
- ignores Ctrl-C: the runner stops the pool itself, then removes the half-written folders;
- writes native (C++) log output to OUT/.footcam-batch.log rather than the terminal;
- dies with the runner (Linux: PR_SET_PDEATHSIG), so kill -9 of ``footcam batch`` leaves no
  worker writing behind the next run's back.

A worker that dies (a crash in native code, the out-of-memory killer) breaks the whole pool
and every clip then in flight; the runner cannot tell which clip caused it, so it reruns those
clips one at a time (``recover`` gives it a fresh pool) and only a clip that kills a worker on
its own is recorded as failed.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import sys
from concurrent.futures.process import BrokenProcessPool

from ._task import ClipJob, ClipResult, run_clip, worker_environment


def _init_worker(parent_pid: int, native_log: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if native_log and os.environ.get("FOOTCAM_NATIVE_LOGS") != "1":
        # MediaPipe/TFLite write warnings straight to file descriptor 2, which would tear the
        # progress display apart: the workers' fd 2 goes to a log file in OUT instead
        try:
            fd = os.open(native_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(fd, 2)
            os.close(fd)
        except OSError:
            pass
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        try:
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        except (OSError, AttributeError):      # no prctl: workers may outlive a killed runner
            pass
    if os.getppid() != parent_pid:             # the runner died before the line above
        os._exit(1)


def default_workers() -> int:
    """Worker processes for this machine: one per CPU this process may use.

    MediaPipe's XNNPACK runs a clip's inference on one thread on desktop Linux, and decoding
    (FFmpeg) takes a fraction of a core, so one clip per core keeps every core busy without
    oversubscribing it (measured: benchmarks/batch_speed.py, docs/batch.md).
    """
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    if quota is not None:
        n = min(n, max(1, int(quota + 0.5)))
    return max(1, n)


def _cgroup_cpu_quota() -> float | None:
    """CPUs allowed by a cgroup v2 quota (containers), or None."""
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return int(quota) / int(period)


class LocalExecutor:
    """Runs ClipJobs in ``workers`` local processes."""

    name = "local"

    def __init__(self, workers: int, native_log: str | os.PathLike | None = None):
        self.workers = workers
        self.native_log = None if native_log is None else str(native_log)
        if self.native_log:
            try:
                open(self.native_log, "w").close()      # this run's log only
            except OSError:
                self.native_log = None
        # spawned workers inherit the environment at start: the thread settings go there
        for k, v in worker_environment().items():
            os.environ.setdefault(k, v)
        self._pool = self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.workers,
                                      mp_context=multiprocessing.get_context("spawn"),
                                      initializer=_init_worker,
                                      initargs=(os.getpid(), self.native_log))

    def describe(self) -> str:
        return f"{self.workers} local worker process{'es' if self.workers != 1 else ''}"

    def slots(self) -> int:
        return self.workers

    def submit(self, job: ClipJob) -> cf.Future:
        return self._pool.submit(run_clip, job)

    def wait(self, handles: list, timeout: float) -> list:
        done, _ = cf.wait(handles, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def settle(self, handles: list, timeout: float = 10.0) -> None:
        """After a crash: let every future of the broken pool receive its outcome."""
        cf.wait(handles, timeout=timeout)

    def result(self, handle: cf.Future, job: ClipJob) -> ClipResult:
        try:
            return handle.result()
        except BrokenProcessPool:
            return ClipResult(job.key, "crashed",
                              error="the worker process died while analysing this clip (a crash "
                                    "in native code, or the system ran out of memory)",
                              error_type="WorkerDied")

    def recover(self) -> None:
        self._stop(kill=True)
        self._pool = self._new_pool()

    def interrupt(self) -> None:
        self._stop(kill=True)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _stop(self, kill: bool) -> None:
        # ProcessPoolExecutor has no public way to stop running work before Python 3.14
        # (terminate_workers); its worker table is the only handle on the processes.
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        if kill:
            for p in procs:
                if p.is_alive():
                    p.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)
