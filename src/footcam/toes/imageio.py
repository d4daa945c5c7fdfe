"""Reading photos as the phone showed them (EXIF orientation applied) and frames of a clip.

cv2 is told to *ignore* EXIF orientation so that footcam applies it itself, once, and can say in
toes.json what it did.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import ToesError

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"}


@dataclass(frozen=True)
class Photo:
    bgr: np.ndarray                 # (H, W, 3) uint8, upright as the phone displayed it
    exif_orientation: int           # 1..8 (1 when absent)
    stored_wh: tuple[int, int]      # size as stored in the file, before orientation


def exif_orientation(data: bytes) -> int:
    """The EXIF Orientation tag (0x0112) of a JPEG file's bytes; 1 when absent or unreadable."""
    if data[:2] != b"\xff\xd8":
        return 1
    i = 2
    n = len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return 1
        marker = data[i + 1]
        if marker in (0xD9, 0xDA):          # end of image / start of scan: no EXIF before it
            return 1
        seg_len = struct.unpack(">H", data[i + 2:i + 4])[0]
        seg = data[i + 4:i + 2 + seg_len]
        if marker == 0xE1 and seg[:6] == b"Exif\x00\x00":
            return _tiff_orientation(seg[6:])
        i += 2 + seg_len
    return 1


def _tiff_orientation(t: bytes) -> int:
    if len(t) < 8 or t[:2] not in (b"II", b"MM"):
        return 1
    e = "<" if t[:2] == b"II" else ">"
    ifd = struct.unpack(e + "I", t[4:8])[0]
    if ifd + 2 > len(t):
        return 1
    count = struct.unpack(e + "H", t[ifd:ifd + 2])[0]
    for k in range(count):
        off = ifd + 2 + 12 * k
        if off + 12 > len(t):
            break
        tag, typ = struct.unpack(e + "HH", t[off:off + 4])
        if tag == 0x0112 and typ == 3:
            v = struct.unpack(e + "H", t[off + 8:off + 10])[0]
            return v if 1 <= v <= 8 else 1
    return 1


def apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Turn a stored picture into the displayed one for EXIF orientation 1..8."""
    o = orientation
    if o == 2:
        img = img[:, ::-1]
    elif o == 3:
        img = img[::-1, ::-1]
    elif o == 4:
        img = img[::-1]
    elif o == 5:
        img = np.swapaxes(img, 0, 1)
    elif o == 6:                             # rotate 90° clockwise
        img = np.swapaxes(img, 0, 1)[:, ::-1]
    elif o == 7:
        img = np.swapaxes(img, 0, 1)[::-1, ::-1]
    elif o == 8:                             # rotate 90° counter-clockwise
        img = np.swapaxes(img, 0, 1)[::-1]
    return np.ascontiguousarray(img)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ToesError("file not found", path)
    if path.is_dir():
        raise ToesError("is a folder, expected a photo or a video of a foot on paper", path)
    if path.stat().st_size == 0:
        raise ToesError("empty file (0 bytes), expected a photo or a video", path)


def read_photo(path: str | Path) -> Photo:
    import cv2

    path = Path(path)
    _check_file(path)
    data = path.read_bytes()
    buf = np.frombuffer(data, np.uint8)
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if img is None:
        raise ToesError("not a readable image (expected a JPEG/PNG photo of a foot on paper)", path)
    o = exif_orientation(data)
    h, w = img.shape[:2]
    return Photo(apply_orientation(img, o), o, (w, h))


def is_video(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def iter_video_frames(path: str | Path, max_fps: float = 5.0) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(frame_index, time_s, bgr)`` upright, at most ``max_fps`` frames per second."""
    from ..video.reader import iter_frames, probe

    info = probe(path)
    next_t = -np.inf
    for i, t, rgb in iter_frames(info):
        if t + 1e-9 < next_t:
            continue
        next_t = t + 1.0 / max_fps
        yield i, t, np.ascontiguousarray(rgb[..., ::-1])
