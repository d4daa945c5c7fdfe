"""The progress display: counts, time left, clips in flight, failures kept above the bar."""
import io
import re

from footcam.batch import ClipResult, LogProgress, Progress


def screen(raw: str) -> list[str]:
    """What a terminal shows at the end: apply the cursor-up / clear-below redraws."""
    lines = [""]
    for tok in re.split(r"(\x1b\[1A|\x1b\[J|\r|\n)", raw):
        if tok == "\n":
            lines.append("")
        elif tok == "\r":
            lines[-1] = ""
        elif tok == "\x1b[1A":
            lines.pop()
        elif tok == "\x1b[J":
            lines[-1] = ""
        else:
            lines[-1] += tok
    return lines


def test_bar_counts_in_flight_and_failures():
    s = io.StringIO()
    p = Progress(s, min_interval_s=0)
    p.begin(total=10, skipped=3)
    p.started("p01/walk.mp4")
    p.started("p02/walk 2.mov")
    p.finished(ClipResult("p01/walk.mp4", "done", 4.0))
    p.finished(ClipResult("p02/walk 2.mov", "failed", error="not a video file"))
    p.started("p03/walk.mp4")
    shown = screen(s.getvalue())
    assert shown[0] == "failed: p02/walk 2.mov: not a video file"
    assert re.fullmatch(r"\[#{6}-{14}\] 5/10 · 4 ok \(3 from before\) · 1 failed · 5 left · "
                        r"0:00 elapsed · ~0:00 left", shown[1]), shown[1]
    assert shown[2] == "  in flight: p03/walk.mp4 (0:00)"
    assert len(shown) == 3


def test_log_progress_prints_one_line_per_clip():
    s = io.StringIO()
    p = LogProgress(s)
    p.begin(total=4, skipped=2)
    p.finished(ClipResult("a.mp4", "done", 3.25))
    p.finished(ClipResult("b.mp4", "failed", error="empty file"))
    assert s.getvalue() == "[3/4] a.mp4: ok (3.2 s)\n[4/4] b.mp4: failed: empty file\n"
