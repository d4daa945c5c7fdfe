"""run_batch: discover → skip what is done → run the rest on an executor → write the tables.

The loop keeps at most ``executor.slots()`` clips in flight, so the in-flight list is what is
running, memory stays bounded, and an interrupt loses at most those clips.
"""
from __future__ import annotations

import concurrent.futures as cf
import os
import signal
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..config import Config
from ..constants import VIDEO_EXTENSIONS
from ..errors import FootcamError, OutputError
from ..fsutil import claim_output_dir
from ..report.files import staged_dir
from ._discover import Clip, discover
from ._progress import NoProgress
from ._resume import NATIVE_LOG, BatchLock, Expected, check_done, remove_leftovers
from ._subjects import read_heights
from ._tables import summary_rows, write_failures, write_index_html, write_summary_csv
from ._task import ClipJob, ClipResult

Log = Callable[[str], None]


@dataclass
class BatchResult:
    root: Path
    out: Path
    clips: list[Clip]
    skipped: list[str] = field(default_factory=list)       # already done: same input, config, version
    results: dict[str, ClipResult] = field(default_factory=dict)
    interrupted: bool = False
    elapsed_s: float = 0.0
    executor: str = ""
    files: dict[str, Path] = field(default_factory=dict)   # failures.csv, summary.csv, index.html

    @property
    def analysed(self) -> list[ClipResult]:
        return [r for r in self.results.values() if r.ok]

    @property
    def failed(self) -> list[ClipResult]:
        return [r for r in self.results.values() if not r.ok]

    @property
    def not_done(self) -> int:
        return len(self.clips) - len(self.skipped) - len(self.results)


def make_executor(*, workers: int | None, scheduler: str | None, dask_local: int | None,
                  shared_storage: bool, root: Path, out: Path, log: Log):
    if scheduler or dask_local:
        from ._dask import DaskExecutor

        return DaskExecutor(scheduler=scheduler, local_workers=dask_local,
                            shared_storage=shared_storage, root=root, out=out, log=log)
    from ._local import LocalExecutor, default_workers

    return LocalExecutor(workers or default_workers(), native_log=out / NATIVE_LOG)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """``kill PID`` stops a batch as cleanly as Ctrl-C does (kill -9 cannot be caught; the
    next run cleans up after it)."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:           # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _resolve_model_sha(config: Config, remote: bool, log: Log) -> str | None:
    """The pose model's sha256 for the resume check; resolving it here also builds the default
    model once, before any worker needs it. A remote cluster resolves its own model: when this
    machine does not have it, the model is left out of the resume check."""
    from ..errors import ModelError
    from ..pose.models import resolve_model

    try:
        return resolve_model(config.pose.model, build=not remote, log=log).sha256
    except ModelError:
        if remote:
            return None
        raise


def _write_returned(out_dir: Path, files: dict[str, bytes]) -> None:
    with staged_dir(out_dir) as tmp:
        # analysis.json last, as the pipeline writes it
        for rel in sorted(files, key=lambda r: r == "analysis.json"):
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(files[rel])


def _check_all(clips: list[Clip], out: Path, expected: Callable[[Clip], Expected], threads: int,
               progress, log: Log) -> tuple[list[Clip], list[str]]:
    """(clips to run, keys already done); inputs are hashed in parallel (hashlib releases the GIL)."""
    todo, done = [], []
    with cf.ThreadPoolExecutor(max(1, threads)) as pool:
        checks = pool.map(lambda c: check_done(out / c.out_rel, c.source, expected(c)), clips)
        for i, (c, (ok, why)) in enumerate(zip(clips, checks), 1):
            progress.checking(i, len(clips))
            if ok:
                done.append(c.key)
            else:
                if why != "not analysed yet":
                    log(f"{c.key}: redoing it: {why}")
                todo.append(c)
    return todo, done


def run_batch(root: str | Path, out: str | Path, config: Config | None = None, *,
              workers: int | None = None, scheduler: str | None = None,
              dask_local: int | None = None, shared_storage: bool = True, force: bool = False,
              heights: str | Path | None = None, stills: bool = True, progress=None,
              log: Log = lambda m: None) -> BatchResult:
    """Analyse every video under ``root`` into ``out``; see docs/batch.md. ``heights``: a CSV
    of per-clip (or per-folder) heights in cm (``batch/_subjects.py``), over the config's.

    Raises FootcamError for what stops the whole batch (no videos, OUT not writable, no model,
    no cluster); a clip's own problem is recorded in the result and the batch goes on.
    """
    config = config or Config()
    progress = progress or NoProgress()
    if scheduler or dask_local:
        from ._dask import require_distributed

        require_distributed()               # before any work: a missing extra is a usage problem
    t0 = time.monotonic()
    root = Path(root).absolute()
    out = Path(out).absolute()
    # OUT must be new, empty or a batch's own (footcam never writes into a folder of the user's)
    claim_output_dir(out, ("batch",), inside=True)
    clips = discover(root, exclude=out, log=log)
    if not clips:
        raise FootcamError(f"no video files found (looked for {', '.join(VIDEO_EXTENSIONS)} in any "
                           f"letter case, in subfolders too)", root)
    per_clip = read_heights(heights, clips) if heights else {}
    configs = {h: config.with_options(subject={"height_cm": h}) for h in set(per_clip.values())}

    def config_for(c: Clip) -> Config:
        h = per_clip.get(c.key)
        return config if h is None else configs[h]

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the output folder: {e.strerror or e}", out) from None
    remote = bool(scheduler)
    res = BatchResult(root=root, out=out, clips=clips)
    with BatchLock(out), _sigterm_as_interrupt():
        n = remove_leftovers(out)
        if n:
            log(f"removed {n} half-written folder(s) left by an interrupted run")
        model_sha = _resolve_model_sha(config, remote, log)

        def expected(c: Clip) -> Expected:
            return Expected.of(config_for(c), model_sha)

        if force:
            todo = clips
        else:
            todo, res.skipped = _check_all(clips, out, expected, workers or os.cpu_count() or 1,
                                           progress, log)
        if todo:
            ex = make_executor(workers=workers, scheduler=scheduler, dask_local=dask_local,
                               shared_storage=shared_storage, root=root, out=out, log=log)
            res.executor = ex.describe()
            log(f"{len(todo)} clip(s) to analyse on {res.executor}; {len(res.skipped)} already done")
            progress.begin(len(clips), len(res.skipped))
            try:
                _schedule(ex, todo, out, config_for, res, progress, log, stills=stills)
            except KeyboardInterrupt:
                res.interrupted = True
                progress.message("interrupted: stopping the workers; finished clips are kept")
                ex.interrupt()
                remove_leftovers(out)
            except BaseException:
                ex.interrupt()
                raise
            else:
                ex.close()
        else:
            progress.begin(len(clips), len(res.skipped))
        progress.close()
        res.files = write_tables(res)
    res.elapsed_s = time.monotonic() - t0
    return res


def write_tables(res: BatchResult) -> dict[str, Path]:
    done = set(res.skipped) | {r.key for r in res.analysed}
    rows = summary_rows(res.out, res.clips, res.results, done, res.interrupted)
    return {"failures": write_failures(res.out, res.results.values()),
            "summary": write_summary_csv(res.out, rows),
            "index": write_index_html(res.out, rows, title=res.root.name or str(res.root))}


def _schedule(ex, todo: list[Clip], out: Path, config_for: Callable[[Clip], Config],
              res: BatchResult, progress, log: Log, stills: bool = True) -> None:
    by_key = {c.key: c for c in todo}
    queue: deque[ClipJob] = deque(ClipJob(key=c.key, source=str(c.source), out_dir=str(out / c.out_rel),
                                          config=config_for(c), stills=stills) for c in todo)
    suspects: deque[ClipJob] = deque()      # in flight when a worker died: rerun one at a time
    in_flight: dict = {}                    # handle → (job, alone)

    def submit(job: ClipJob, alone: bool) -> None:
        in_flight[ex.submit(job)] = (job, alone)
        progress.started(job.key)

    def record(r: ClipResult) -> None:
        if r.ok and r.files:                # no shared storage: the client writes the folder
            try:
                _write_returned(out / by_key[r.key].out_rel, r.files)
            except OutputError as e:
                r.status, r.error, r.error_type = "failed", e.detail, type(e).__name__
            r.files = {}
        res.results[r.key] = r
        progress.finished(r)
        if r.traceback:
            log(f"{r.key}: {r.traceback}")

    while queue or suspects or in_flight:
        if suspects:
            if not in_flight:
                submit(suspects.popleft(), alone=True)
        else:
            while queue and len(in_flight) < ex.slots():
                submit(queue.popleft(), alone=False)
        crashed = False
        for h in ex.wait(list(in_flight), timeout=0.5):
            if h not in in_flight:
                continue
            job, alone = in_flight.pop(h)
            r = ex.result(h, job)
            if r.status == "crashed":
                crashed = True
                if alone:
                    r.status = "failed"
                    record(r)
                else:
                    suspects.append(job)
                    progress.requeued(job.key)
                continue
            record(r)
        if crashed:
            # every clip then in flight shared the broken pool: collect them, start afresh
            ex.settle(list(in_flight))
            for h, (job, alone) in list(in_flight.items()):
                r = ex.result(h, job)
                del in_flight[h]
                if r.status == "crashed":
                    suspects.append(job)
                    progress.requeued(job.key)
                else:
                    record(r)
            if suspects:
                log(f"a worker process died; rerunning {len(suspects)} clip(s) one at a time to "
                    f"find the one that kills it")
            ex.recover()
        progress.tick()
