"""Video in, as the phone meant it: display rotation applied, every frame's own timestamp,
frames streamed one at a time (memory does not grow with clip length).

PyAV (FFmpeg) decodes everything phones write, HEVC .MOV included.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import VideoError
from ..fsutil import check_input_file

#: variable frame rate: the frame intervals differ from their median by more than this share
VFR_TOLERANCE = 0.02


@dataclass(frozen=True)
class VideoInfo:
    """What footcam knows about a clip before decoding its pictures."""

    path: str
    name: str
    size_bytes: int
    sha256: str
    container: str
    codec: str
    stored_wh: tuple[int, int]
    display_rotation_deg: int       # counter-clockwise rotation the display matrix asks for
    display_wh: tuple[int, int]     # size after the display rotation
    fps: float                      # mean frame rate from the timestamps (frames-1)/span
    nominal_fps: float              # the container's average rate
    variable_frame_rate: bool
    duration_s: float
    n_frames: int
    time_s: tuple[float, ...]       # every frame's presentation time, from the first frame

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("time_s")
        d["stored_wh"] = list(self.stored_wh)
        d["display_wh"] = list(self.display_wh)
        return d


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while b := f.read(chunk):
            h.update(b)
    return h.hexdigest()


def _open(path: Path):
    import av

    check_input_file(path, VideoError, "a video")
    try:
        # metadata that is not UTF-8 (a damaged header) must not stop the reading of pictures
        return av.open(str(path), metadata_errors="replace")
    except av.error.InvalidDataError:
        raise VideoError("not a video file: FFmpeg found no recognisable container "
                         "(a text or damaged file with a video extension?)", path) from None
    except av.error.FFmpegError as e:
        raise VideoError(f"cannot be opened as a video: {_ffmpeg_msg(e)}", path) from None


def _ffmpeg_msg(e) -> str:
    s = getattr(e, "strerror", None) or str(e)
    return s.split(":")[-1].strip() if ":" in s and "'" in s else s


def _video_stream(container, path: Path):
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams})
        if not kinds:
            raise VideoError("no video stream: the file holds no streams at all "
                             "(an empty or unfinished recording?)", path)
        raise VideoError(f"no video stream (the file holds {', '.join(kinds)} only)", path)
    s = container.streams.video[0]
    if s.codec_context is None or not s.codec_context.name:
        raise VideoError("video stream with an unknown codec", path)
    return s


def peek(path: str | Path) -> tuple[int, tuple[int, int]]:
    """``(frames, (w, h))`` from the container's header alone (milliseconds, no demuxing): an
    estimate for planning, e.g. the free space the outputs need. Raises VideoError."""
    path = Path(path)
    with _open(path) as c:
        s = _video_stream(c, path)
        n = int(s.frames or 0)
        if n <= 0 and s.duration and s.average_rate:
            n = int(float(s.duration * s.time_base) * float(s.average_rate))
        return n, (int(s.codec_context.width or 0), int(s.codec_context.height or 0))


def probe(path: str | Path) -> VideoInfo:
    """Read the container and every packet's timestamp (no picture decoding)."""
    import av

    path = Path(path)
    with _open(path) as c:
        s = _video_stream(c, path)
        tb = float(s.time_base)
        pts = []
        try:
            for pk in c.demux(s):
                if pk.pts is not None and pk.size > 0:
                    pts.append(pk.pts)
        except av.error.FFmpegError as e:
            if not pts:
                raise VideoError(f"cannot read video packets: {_ffmpeg_msg(e)}", path) from None
        if not pts:
            raise VideoError("the video stream holds no frames", path)
        listed = int(s.frames or 0)
        if listed > len(pts) + 1:
            raise VideoError(f"truncated or damaged: the container lists {listed} frames but only "
                             f"{len(pts)} can be read", path)
        # the display rotation lives in the frames' side data: decode the first frame for it
        rotation = _first_frame_rotation(path)
        pts_sorted = np.unique(np.asarray(pts, dtype=np.int64))
        t = (pts_sorted - pts_sorted[0]) * tb
        n = len(t)
        w, h = s.codec_context.width, s.codec_context.height
        if w <= 0 or h <= 0:
            raise VideoError(f"video stream reports no picture size ({w}x{h})", path)
        rot = int(round(rotation / 90.0)) * 90 % 360
        disp = (h, w) if rot in (90, 270) else (w, h)
        nominal = float(s.average_rate) if s.average_rate else float("nan")
        if n > 1:
            dt = np.diff(t)
            med = float(np.median(dt))
            fps = (n - 1) / float(t[-1] - t[0])
            vfr = bool(np.any(np.abs(dt - med) > VFR_TOLERANCE * med))
            duration = float(t[-1] - t[0]) + med
        else:
            fps = nominal
            vfr = False
            duration = 1.0 / nominal if nominal and nominal > 0 else 0.0
        return VideoInfo(
            path=str(path.resolve()), name=path.name, size_bytes=path.stat().st_size,
            sha256=sha256_file(path), container=c.format.name, codec=s.codec_context.name,
            stored_wh=(w, h), display_rotation_deg=rot, display_wh=disp, fps=float(fps),
            nominal_fps=nominal, variable_frame_rate=vfr, duration_s=duration, n_frames=n,
            time_s=tuple(float(x) for x in t),
        )


def _decode(container, stream) -> Iterator:
    """The stream's frames, decoded as the ffmpeg tool decodes: a packet the decoder rejects
    (damaged data) is skipped and decoding goes on with the next one; an error reading the
    file (a truncated file) ends the frames with that error."""
    import av

    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue
        yield from frames


def _first_frame_rotation(path: Path) -> float:
    import av

    with _open(path) as c:
        s = _video_stream(c, path)
        try:
            for frame in _decode(c, s):
                return float(getattr(frame, "rotation", 0) or 0)
        except av.error.FFmpegError as e:
            raise VideoError(f"cannot decode the first frame: {_ffmpeg_msg(e)}", path) from None
    raise VideoError("no frame could be decoded", path)


def upright(img: np.ndarray, rotation_ccw_deg: int) -> np.ndarray:
    """Rotate a picture counter-clockwise by a multiple of 90°."""
    k = (int(rotation_ccw_deg) // 90) % 4
    return np.ascontiguousarray(np.rot90(img, k=k)) if k else img


#: pixel formats whose first plane is the 8-bit luma (Y) picture
_Y_PLANE_FORMATS = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21"}


def _luma(frame) -> np.ndarray:
    """The frame's grey picture: its Y plane when it has one (no colour conversion), else
    converted."""
    if frame.format.name in _Y_PLANE_FORMATS:
        plane = frame.planes[0]
        buf = np.frombuffer(plane, np.uint8)
        return buf.reshape(-1, plane.line_size)[:frame.height, :frame.width]
    return frame.to_ndarray(format="gray")


def iter_frames(info: VideoInfo, extra_rotation_ccw_deg: int = 0, *, gray: bool = False,
                damaged: list[int] | None = None) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(index, time_s, rgb)`` for every frame, upright, one at a time (``gray``:
    a single-channel picture instead of RGB).

    ``extra_rotation_ccw_deg`` turns pictures that are rotated without metadata. ``time_s`` is
    the frame's own presentation time from the first frame (never index / rounded fps).
    Frames whose timestamps do not increase (broken muxers) are dropped; a packet FFmpeg
    cannot decode at all is skipped. ``damaged``, when given, receives the index of every
    yielded frame that FFmpeg flags as corrupt (decode errors, concealed macroblocks): its
    picture is FFmpeg's guess, not the scene.
    """
    import av

    path = Path(info.path)
    rot = (info.display_rotation_deg + extra_rotation_ccw_deg) % 360
    with _open(path) as c:
        s = _video_stream(c, path)
        # one decoding thread: with frame threads FFmpeg's corrupt flags differ from run to run
        # (10, 8, 9 flagged frames in three decodes of one damaged clip); decoding is a small
        # share of a frame's cost next to the pose model
        s.codec_context.thread_count = 1
        tb = float(s.time_base)
        t0 = None
        last = -np.inf
        i = 0
        try:
            for frame in _decode(c, s):
                if frame.pts is None:
                    continue
                if t0 is None:
                    t0 = frame.pts
                t = (frame.pts - t0) * tb
                if t <= last:
                    continue
                last = t
                if damaged is not None and frame.is_corrupt:
                    damaged.append(i)
                img = _luma(frame) if gray else frame.to_ndarray(format="rgb24")
                yield i, float(t), upright(img, rot)
                i += 1
        except av.error.FFmpegError as e:
            if i == 0:
                raise VideoError(f"cannot decode video frames: {_ffmpeg_msg(e)}", path) from None
            # a truncated tail: keep what was decoded; the caller compares counts and warns
            return


def sample_frames(info: VideoInfo, n: int = 6, extra_rotation_ccw_deg: int = 0) -> list[tuple[float, np.ndarray]]:
    """``n`` upright frames spread over the clip (seeking, not decoding everything)."""
    import av

    path = Path(info.path)
    times = np.asarray(info.time_s)
    if len(times) == 0:
        return []
    targets = np.unique(times[np.linspace(0, len(times) - 1, min(n, len(times))).round().astype(int)])
    rot = (info.display_rotation_deg + extra_rotation_ccw_deg) % 360
    out = []
    with _open(path) as c:
        s = _video_stream(c, path)
        tb = float(s.time_base)
        start = s.start_time or 0
        for target in targets:
            try:
                c.seek(int(start + target / tb), stream=s, backward=True, any_frame=False)
                for frame in c.decode(s):
                    if frame.pts is None:
                        continue
                    t = (frame.pts - start) * tb
                    if t + 1e-6 >= target:
                        out.append((float(t), upright(frame.to_ndarray(format="rgb24"), rot)))
                        break
            except av.error.FFmpegError:
                continue
    return out
