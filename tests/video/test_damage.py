"""Damaged frames are said to be damaged: counted from FFmpeg's corrupt flags, warned about
with their times, analysed as frames without a pose; a clip damaged throughout is refused."""
from __future__ import annotations

import random

import pytest

import fuzzcorpus
from footcam.errors import VideoError
from footcam.video.reader import iter_frames, probe

CLIP = fuzzcorpus.SOURCE


def shown(packets_hit: list[int]) -> set[int]:
    """The display index of packets given in decoding order (B-frames are shown out of it)."""
    import av

    with av.open(str(CLIP)) as c:
        pts = [p.pts for p in c.demux(c.streams.video[0]) if p.size]
    rank = {t: k for k, t in enumerate(sorted(pts))}
    return {rank[pts[i]] for i in packets_hit}


def damaged_copy(tmp_path, frames, per_frame=1, name="damaged.mp4"):
    """The sample clip with bytes flipped inside the data of the given packets (deterministic)."""
    rng = random.Random(5)
    pk = fuzzcorpus.packets(CLIP)
    pos = [off + rng.randrange(16, size) for f in frames for off, size in [pk[f]] * per_frame]
    p = tmp_path / name
    p.write_bytes(fuzzcorpus.flip(CLIP.read_bytes(), pos))
    return p


def test_clean_clip_has_no_damaged_frames():
    flagged = []
    n = sum(1 for _ in iter_frames(probe(CLIP), damaged=flagged))
    assert (n, flagged) == (120, [])


def test_corrupt_frames_are_reported_as_ffmpeg_flags_them(tmp_path):
    p = damaged_copy(tmp_path, [10, 40, 70, 100])
    flagged = []
    n = sum(1 for _ in iter_frames(probe(p), damaged=flagged))
    assert n == 120
    assert fuzzcorpus.damage(p)[1] == len(flagged) > 0     # the same count as FFmpeg's own
    assert set(flagged) >= shown([10, 40, 70, 100])           # at least the frames hit
    again = []
    list(iter_frames(probe(p), damaged=again))
    assert again == flagged                                   # the same every time


@pytest.mark.slow
def test_damaged_frames_are_frames_without_a_pose(tmp_path, analyse):
    p = damaged_copy(tmp_path, [10, 40, 70, 100])
    a = analyse(p)
    flagged = a.damaged_frames
    assert flagged and not a.raw.detected[flagged].any()
    assert a.raw.detected.sum() == 120 - len(flagged)     # every other frame has the walker
    (w,) = [w for w in a.warnings if w.startswith("damaged video")]
    t = a.raw.time_s[flagged[0]]
    assert w.startswith(f"damaged video: FFmpeg flagged {len(flagged)} of 120 frames as corrupt "
                        f"(at {t:.2f}")
    assert w.endswith("they are treated as frames without a pose")
    from footcam.report.files import analysis_dict

    assert analysis_dict(a)["frames"]["damaged"] == len(flagged)


@pytest.mark.slow
def test_a_clip_damaged_throughout_is_refused(tmp_path):
    from footcam.pipeline import analyze_video

    p = damaged_copy(tmp_path, range(1, 120), per_frame=3)
    n_bad = fuzzcorpus.damage(p)[1]
    assert n_bad > 60
    with pytest.raises(VideoError, match=rf"damaged: {120 - n_bad} of 120 frames decode cleanly "
                                         rf"\({n_bad} flagged as corrupt by FFmpeg\), too little to "
                                         rf"analyse \(needs at least 1 s and half of the frames\)"):
        analyze_video(p)
