"""The scheduling loop with a scripted executor: bounded in-flight work, and a worker crash
pinned on the clip that causes it rather than on the clips that happened to run beside it."""
from concurrent.futures import Future
from pathlib import Path, PurePosixPath

from footcam.batch import BatchResult, Clip, ClipResult
from footcam.batch._run import _schedule
from footcam.config import Config


class ScriptedExecutor:
    """``slots`` clips at a time; when ``culprit`` is among the running clips, the 'pool'
    breaks and every running clip comes back crashed (as with BrokenProcessPool)."""

    def __init__(self, culprit: str | None, slots: int = 3):
        self.culprit, self._slots = culprit, slots
        self.running: list = []
        self.batches: list[list[str]] = []       # the clips that ran together, in order
        self.recoveries = 0

    def slots(self):
        return self._slots

    def submit(self, job):
        f = Future()
        self.running.append((f, job))
        return f

    def wait(self, handles, timeout):
        keys = [j.key for _, j in self.running]
        assert len(keys) <= self._slots
        self.batches.append(keys)
        crash = self.culprit in keys
        for f, j in self.running:
            f.set_result(ClipResult(j.key, "crashed", error="the worker process died", error_type="WorkerDied")
                         if crash else ClipResult(j.key, "done"))
        self.running = []
        return [h for h in handles if h.done()]

    def settle(self, handles, timeout=0):
        pass

    def result(self, handle, job):
        return handle.result()

    def recover(self):
        self.recoveries += 1


def clips(n):
    return [Clip(Path(f"/v/c{i}.mp4"), PurePosixPath(f"c{i}.mp4"), PurePosixPath(f"c{i}_mp4")) for i in range(n)]


def run(ex, cs):
    res = BatchResult(root=Path("/v"), out=Path("/o"), clips=cs)
    _schedule(ex, cs, Path("/o"), lambda c: Config(), res, progress=_P(), log=lambda m: None)
    return res


class _P:
    def __getattr__(self, name):
        return lambda *a, **k: None


def test_no_crash_runs_everything_in_slots():
    ex = ScriptedExecutor(None, slots=3)
    res = run(ex, clips(7))
    assert [len(b) for b in ex.batches] == [3, 3, 1]
    assert sorted(r.key for r in res.analysed) == sorted(c.key for c in clips(7)) and not res.failed


def test_a_crash_is_pinned_on_the_clip_that_causes_it():
    ex = ScriptedExecutor("c4.mp4", slots=3)
    res = run(ex, clips(7))
    assert [r.key for r in res.failed] == ["c4.mp4"]
    assert "worker process died" in res.results["c4.mp4"].error
    assert len(res.analysed) == 6
    # c3, c4, c5 crashed together; each then reran alone; c4 alone crashed again
    assert ex.batches[:2] == [["c0.mp4", "c1.mp4", "c2.mp4"], ["c3.mp4", "c4.mp4", "c5.mp4"]]
    assert ex.batches[2:5] == [["c3.mp4"], ["c4.mp4"], ["c5.mp4"]]
    assert ex.batches[5:] == [["c6.mp4"]]
    assert ex.recoveries == 2
