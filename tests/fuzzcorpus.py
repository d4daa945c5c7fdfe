"""A deterministic corpus of damaged videos, built from the shipped sample clip at test time
(never committed): every kind of damage a phone, a copy or a disk does to an MP4.

The base is the sample clip's first 1.6 s at half size (48 frames of 640x360, a key frame a
second), so that a case costs seconds; ``corpus(tmp)`` writes the cases and returns
``{name: path}``. Damage is placed with fixed seeds at positions found in the base's own
structure, so the same machine always writes the same bytes and a failure names a case
anyone can rebuild.
"""
from __future__ import annotations

import random
import struct
from pathlib import Path

from helpers import REPO

SOURCE = REPO / "sample_videos" / "normal_side.mp4"


def boxes(data: bytes) -> dict[str, tuple[int, int]]:
    """Top-level MP4 boxes: type → (offset, size)."""
    out, i = {}, 0
    while i + 8 <= len(data):
        size, typ = struct.unpack(">I4s", data[i:i + 8])
        if size < 8:
            break
        out.setdefault(typ.decode("latin-1"), (i, size))
        i += size
    return out


def packets(path: Path) -> list[tuple[int, int]]:
    """(offset, size) in the file of every video packet, in decoding order."""
    import av

    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return [(p.pos, p.size) for p in c.demux(s) if p.size and p.pos is not None]


def flip(data: bytes, positions) -> bytes:
    b = bytearray(data)
    for p in positions:
        b[p] ^= 0xFF
    return bytes(b)


def faststart(src: Path, dst: Path) -> Path:
    """The same packets remuxed with the index (moov) at the front, as phones and web
    exporters write it."""
    import av

    with av.open(str(src)) as i, av.open(str(dst), "w", options={"movflags": "faststart"}) as o:
        s = i.streams.video[0]
        t = o.add_stream_from_template(s)
        for p in i.demux(s):
            if p.dts is None:
                continue
            p.stream = t
            o.mux(p)
    return dst


BASE_FRAMES, BASE_WH = 48, (640, 360)


def base(dst: Path) -> Path:
    """The sample clip's first BASE_FRAMES frames at BASE_WH, H.264 in MP4 (index at the end)."""
    from fractions import Fraction

    import av

    with av.open(str(SOURCE)) as i, av.open(str(dst), "w") as o:
        s = o.add_stream("libx264", rate=30, options={"g": "30", "threads": "1"})
        s.width, s.height = BASE_WH
        s.pix_fmt = "yuv420p"
        for k, f in enumerate(i.decode(i.streams.video[0])):
            if k >= BASE_FRAMES:
                break
            g = f.reformat(width=BASE_WH[0], height=BASE_WH[1], format="yuv420p")
            g.pts, g.time_base = k, Fraction(1, 30)
            for p in s.encode(g):
                o.mux(p)
        for p in s.encode():
            o.mux(p)
    return dst


def corpus(tmp: Path) -> dict[str, Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    src = base(tmp / "src_base.mp4")
    data = src.read_bytes()
    bx = boxes(data)
    mdat_at, mdat_size = bx["mdat"]
    moov_at, moov_size = bx["moov"]
    assert moov_at > mdat_at, "the base keeps its index (moov) at the end"
    pk = packets(src)
    rng = random.Random(12)
    front = faststart(src, tmp / "src_faststart.mp4").read_bytes()
    fbx = boxes(front)
    assert fbx["moov"][0] < fbx["mdat"][0]

    def in_packets(frames, per_frame=1):
        """Byte positions inside the data of the given frames (past their slice headers)."""
        out = []
        for f in frames:
            off, size = pk[f]
            out += [off + rng.randrange(min(16, size - 1), size) for _ in range(per_frame)]
        return out

    cases = {
        "clean": data,                                                      # the baseline
        "index_at_front": front,
        "cut_half": data[:len(data) // 2],                                  # index lost
        "cut_in_index": data[:moov_at + moov_size // 2],
        "index_at_front_cut": front[:int(len(front) * 0.6)],                # frames lost
        "flips_in_frames": flip(data, in_packets(rng.sample(range(1, len(pk)), 6))),
        "flips_in_header": flip(data, [moov_at + rng.randrange(8, moov_size) for _ in range(10)]),
        "flips_in_ftyp": flip(data, range(8, 16)),
        "index_removed": data[:moov_at],
        "index_twice": data + data[moov_at:moov_at + moov_size],
        "zeroed_block": (data[:mdat_at + mdat_size // 2]
                         + bytes(4096) + data[mdat_at + mdat_size // 2 + 4096:]),
        "zeroed_head": bytes(64) + data[64:],
        "mostly_damaged": flip(data, in_packets(range(1, len(pk)), per_frame=4)),
    }
    out = {}
    for name, b in cases.items():
        p = tmp / f"{name}.mp4"
        p.write_bytes(b)
        out[name] = p
    (tmp / "src_faststart.mp4").unlink()
    src.unlink()
    return out


def damage(path: Path) -> tuple[int, int, int]:
    """(frames FFmpeg decodes, frames it flags as corrupt, packets it cannot decode at all):
    the oracle, read independently of footcam; zeros when FFmpeg cannot open the file."""
    import av

    n = bad = lost = 0
    try:
        with av.open(str(path), metadata_errors="replace") as c:
            s = c.streams.video[0]
            s.codec_context.thread_count = 1      # deterministic corrupt flags, as footcam decodes
            for p in c.demux(s):
                try:
                    frames = p.decode()
                except av.error.InvalidDataError:
                    lost += 1
                    continue
                for f in frames:
                    n += 1
                    bad += bool(f.is_corrupt)
    except (av.error.FFmpegError, IndexError):
        pass
    return n, bad, lost
