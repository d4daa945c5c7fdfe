"""Output folders to export: the shipped sample clip analysed once per session (runs in a plain
clone), and the same clip re-timed to 29.97 fps (NTSC, 30000/1001) by re-muxing its packets."""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_videos" / "normal_side.mp4"
HEIGHT_CM = 175.0
NTSC = Fraction(30000, 1001)


def remux(src: Path, dst: Path, rate: Fraction) -> Path:
    """The same coded pictures with new timestamps: frame k at k / rate seconds."""
    import av

    with av.open(str(src)) as ic, av.open(str(dst), "w") as oc:
        s = ic.streams.video[0]
        ticks_per_frame = 1 / (s.average_rate * s.time_base)        # input ticks per frame
        o = oc.add_stream_from_template(s)
        o.time_base = Fraction(1, rate.numerator)
        out_ticks = rate.denominator                                 # output ticks per frame
        for p in ic.demux(s):
            if p.dts is None:                                        # the flush packet
                continue
            p.pts = int(Fraction(p.pts) / ticks_per_frame * out_ticks)
            p.dts = int(Fraction(p.dts) / ticks_per_frame * out_ticks)
            p.duration = out_ticks
            p.time_base = o.time_base
            p.stream = o
            oc.mux(p)
    return dst


def _analysed(src: Path, out: Path) -> Path:
    """Through the Python API (the sample folder goes through the command line)."""
    import footcam

    footcam.analyze(src, out, height_cm=HEIGHT_CM, stills=False)
    return out


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory) -> Path:
    """The sample clip's output folder (side view, left to right, 30 fps, height 175 cm),
    written by `footcam analyze --export trc,mot`."""
    from click.testing import CliRunner

    from footcam.cli import main

    out = tmp_path_factory.mktemp("sample") / "normal_side"
    r = CliRunner().invoke(main, ["analyze", str(SAMPLE), "-o", str(out), "-q", "--no-stills",
                                  "--height-cm", str(HEIGHT_CM), "--export", "trc,mot"])
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="session")
def ntsc_folder(tmp_path_factory) -> Path:
    """The sample clip re-timed to 29.97 fps, analysed."""
    tmp = tmp_path_factory.mktemp("ntsc")
    clip = remux(SAMPLE, tmp / "normal_side_2997.mp4", NTSC)
    return _analysed(clip, tmp / "normal_side_2997")


def analysis_json(folder: Path) -> dict:
    return json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
