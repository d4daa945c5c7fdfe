"""Video out: H.264 in MP4 that plays everywhere (browsers, phones, presentation software).

- H.264 (libx264), ``yuv420p``, even picture size: the combination every player decodes;
- ``moov`` atom at the front (``movflags=+faststart``), so playback starts before the whole file
  has arrived;
- every frame keeps its own timestamp: a variable-frame-rate clip stays variable, a 29.97 fps
  clip stays 29.97 — nothing is resampled onto a rounded rate;
- written under a temporary name beside the target and renamed when complete, so a file with
  the final name is never half-written.
"""
from __future__ import annotations

import os
import queue
import tempfile
import threading
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np

from ..errors import OutputError

#: timestamps are stored in this time base (the MPEG 90 kHz clock): 11 µs resolution
TIME_BASE = Fraction(1, 90_000)
#: x264 speed preset and quality: ``veryfast`` with CRF 21 keeps the overlay's thin lines
#: and small text crisp at a few Mbit/s while encoding well above real time on a laptop core
DEFAULT_PRESET = "veryfast"
DEFAULT_CRF = 21
#: pictures waiting for the encoder thread
QUEUE_FRAMES = 3


def even_size(wh: tuple[int, int]) -> tuple[int, int]:
    """The picture size rounded up to even numbers (yuv420p halves both dimensions)."""
    w, h = int(wh[0]), int(wh[1])
    return w + (w & 1), h + (h & 1)


def _i420_frame(yuv: np.ndarray, w: int, h: int):
    """An ``av.VideoFrame`` (yuv420p) from OpenCV's I420 layout: Y (h×w), then U and V
    (h/2×w/2 each) stacked in one (3h/2, w) array; copied plane by plane (line sizes may be
    padded)."""
    import av

    frame = av.VideoFrame(w, h, "yuv420p")
    q = h * w // 4
    flat = yuv.reshape(-1)
    parts = (yuv[:h], flat[h * w:h * w + q].reshape(h // 2, w // 2),
             flat[h * w + q:].reshape(h // 2, w // 2))
    for plane, src in zip(frame.planes, parts):
        dst = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)
        dst[:src.shape[0], :src.shape[1]] = src
    return frame


class H264Writer:
    """Write RGB frames with their own timestamps to an MP4 file, atomically.

    >>> with H264Writer("out.mp4", (1280, 720), fps_hint=30.0) as w:   # doctest: +SKIP
    ...     for t, rgb in frames:
    ...         w.write(rgb, t)

    ``fps_hint`` only guides the encoder's rate control and the stream's nominal rate; the
    stored timestamps are the ones passed to :meth:`write`. Odd picture sizes are padded by one
    edge pixel to even ones. The last frame is shown for ``last_frame_s`` (default: the median
    interval so far), so the file's duration matches the source's.
    """

    def __init__(self, path: str | Path, size_wh: tuple[int, int], *, fps_hint: float,
                 crf: int = DEFAULT_CRF, preset: str = DEFAULT_PRESET, threads: int = 0,
                 background: bool = True):
        import av

        self.path = Path(path)
        self.size_wh = (int(size_wh[0]), int(size_wh[1]))
        if min(self.size_wh) < 2:
            raise OutputError(f"picture size {self.size_wh[0]}x{self.size_wh[1]} is too small "
                              f"to encode", self.path)
        self.enc_wh = even_size(self.size_wh)
        if not (fps_hint and np.isfinite(fps_hint) and fps_hint > 0):
            raise OutputError(f"frame rate hint must be a positive number, got {fps_hint!r}", self.path)
        self._tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                       dir=self.path.parent)
            os.close(fd)
        except OSError as e:
            raise OutputError(f"cannot write here: {e.strerror or e}", self.path) from None
        self._tmp = Path(tmp)
        try:
            self._c = av.open(str(self._tmp), "w", format="mp4",
                              options={"movflags": "+faststart"})
            rate = Fraction(fps_hint).limit_denominator(1001)
            s = self._c.add_stream("libx264", rate=rate)
            s.width, s.height = self.enc_wh
            s.pix_fmt = "yuv420p"
            s.time_base = TIME_BASE
            s.codec_context.time_base = TIME_BASE
            s.codec_context.thread_count = threads
            # the pictures are converted with OpenCV's RGB→I420 (BT.601 matrix, limited range,
            # several times faster than swscale); tagged so that players use the same matrix
            s.codec_context.color_range = 1        # MPEG (limited) range
            s.codec_context.colorspace = 6         # SMPTE 170M = BT.601 matrix
            s.codec_context.color_primaries = 1    # BT.709 / sRGB primaries
            s.codec_context.color_trc = 1
            s.options = {"crf": str(int(crf)), "preset": preset, "profile": "high",
                         "x264-params": "colorprim=bt709:transfer=bt709:colormatrix=smpte170m:range=tv"}
            self._s = s
        except Exception:
            self._discard()
            raise
        self._last_pts: int | None = None
        self._intervals: list[int] = []
        self.n_frames = 0
        self._closed = False
        # colour conversion, encoding and muxing run in a worker thread (OpenCV and FFmpeg
        # release the GIL), overlapping with the caller drawing the next picture
        self._error: BaseException | None = None
        self._q: queue.Queue | None = None
        if background:
            self._q = queue.Queue(maxsize=QUEUE_FRAMES)
            self._worker = threading.Thread(target=self._work, name="footcam-encode", daemon=True)
            self._worker.start()

    # -- writing ---------------------------------------------------------------------------
    def write(self, rgb: np.ndarray, time_s: float) -> None:
        """Encode one ``(h, w, 3)`` uint8 RGB picture shown from ``time_s`` (seconds, from the
        clip's first frame; must increase)."""
        if rgb.shape[:2] != (self.size_wh[1], self.size_wh[0]) or rgb.ndim != 3:
            raise ValueError(f"frame of shape {rgb.shape}, expected "
                             f"({self.size_wh[1]}, {self.size_wh[0]}, 3)")
        pts = int(round(float(time_s) / TIME_BASE))
        if self._last_pts is not None:
            if pts <= self._last_pts:
                raise ValueError(f"timestamps must increase: {time_s:.6f} s after "
                                 f"{float(self._last_pts * TIME_BASE):.6f} s")
            self._intervals.append(pts - self._last_pts)
        self._raise_worker_error()
        if self._q is not None:
            self._q.put((rgb, pts))
        else:
            self._encode(rgb, pts)
        self._last_pts = pts
        self.n_frames += 1

    def _encode(self, rgb: np.ndarray, pts: int) -> None:
        if self.enc_wh != self.size_wh:
            w, h = self.size_wh
            rgb = np.pad(rgb, ((0, self.enc_wh[1] - h), (0, self.enc_wh[0] - w), (0, 0)), mode="edge")
        frame = _i420_frame(cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2YUV_I420),
                            *self.enc_wh)
        frame.pts = pts
        frame.time_base = TIME_BASE
        self._mux(self._s.encode(frame))

    def _work(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            if self._error is not None:
                continue          # drain: the caller sees the error on its next call
            try:
                self._encode(*item)
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
                self._error = e

    def _stop_worker(self) -> None:
        if self._q is not None:
            self._q.put(None)
            self._worker.join()
            self._q = None

    def _raise_worker_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _mux(self, packets) -> None:
        for p in packets:
            self._c.mux(p)

    def close(self, last_frame_s: float | None = None) -> Path:
        """Flush the encoder, finish the file and move it into place. Returns the path."""
        if self._closed:
            return self.path
        self._closed = True
        try:
            if self.n_frames == 0:
                raise OutputError("no frames were written", self.path)
            self._stop_worker()
            self._raise_worker_error()
            self._flush(last_frame_s)
            self._c.close()
            os.chmod(self._tmp, 0o644)
            os.replace(self._tmp, self.path)
        except OSError as e:
            self._discard()
            raise OutputError(f"cannot write the video: {e.strerror or e}", self.path) from None
        except BaseException:
            self._discard()
            raise
        return self.path

    def _flush(self, last_frame_s: float | None) -> None:
        if last_frame_s is not None:
            last = int(round(float(last_frame_s) / TIME_BASE))
        elif self._intervals:
            last = int(np.median(self._intervals))
        else:
            last = int(round(1 / float(self._s.average_rate or 30) / TIME_BASE))
        self._last_duration = max(last, 1)
        packets = list(self._s.encode(None))
        for p in packets:
            if p.pts == self._last_pts:
                p.duration = self._last_duration
        self._mux(packets)

    def abort(self) -> None:
        """Give up: close and delete the temporary file; the target is left untouched."""
        if not self._closed:
            self._closed = True
            self._discard()

    def _discard(self) -> None:
        try:
            self._stop_worker()
        except Exception:  # noqa: BLE001 - a failing worker must not hide the real error
            pass
        try:
            c = getattr(self, "_c", None)
            if c is not None:
                c.close()
        except Exception:  # noqa: BLE001 - closing a broken muxer must not hide the real error
            pass
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> "H264Writer":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
