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


#: the largest picture footcam decodes: a 200-megapixel phone photo (16320 x 12240) fits; a
#: file declaring more (an "image bomb") is refused from its header, before any decoding
MAX_PHOTO_PIXELS = 200_000_000
#: the largest photo file read into memory
MAX_PHOTO_BYTES = 512 << 20


def _check_file(path: Path) -> None:
    from ..fsutil import check_input_file

    check_input_file(path, ToesError, "a photo or a video of a foot on paper")


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i, n = 2, len(data)
    while i + 9 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:                      # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        seg_len = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):   # start of frame
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        if marker in (0xD9, 0xDA):
            return None
        i += 2 + seg_len
    return None


def _tiff_size(t: bytes) -> tuple[int, int] | None:
    if len(t) < 8 or t[:2] not in (b"II", b"MM"):
        return None
    e = "<" if t[:2] == b"II" else ">"
    ifd = struct.unpack(e + "I", t[4:8])[0]
    if ifd + 2 > len(t):
        return None
    vals = {}
    for k in range(struct.unpack(e + "H", t[ifd:ifd + 2])[0]):
        off = ifd + 2 + 12 * k
        if off + 12 > len(t):
            break
        tag, typ = struct.unpack(e + "HH", t[off:off + 4])
        if tag in (256, 257):
            vals[tag] = (struct.unpack(e + "H", t[off + 8:off + 10])[0] if typ == 3
                         else struct.unpack(e + "I", t[off + 8:off + 12])[0])
    return (vals[256], vals[257]) if len(vals) == 2 else None


def declared_size(data: bytes) -> tuple[int, int] | None:
    """The picture size ``(w, h)`` a PNG, JPEG, WebP, BMP or TIFF file declares in its header,
    read without decoding; None when the format is not one of these or the header is cut."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if data[:2] == b"\xff\xd8":
            return _jpeg_size(data)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            chunk = data[12:16]
            if chunk == b"VP8X":
                return (int.from_bytes(data[24:27], "little") + 1,
                        int.from_bytes(data[27:30], "little") + 1)
            if chunk == b"VP8L" and data[20] == 0x2F:
                b = int.from_bytes(data[21:25], "little")
                return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
            if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            return None
        if data[:2] == b"BM":
            w, h = struct.unpack("<ii", data[18:26])
            return abs(w), abs(h)
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(data)
    except (struct.error, IndexError):
        return None
    return None


def read_photo(path: str | Path) -> Photo:
    import cv2

    path = Path(path)
    _check_file(path)
    size = path.stat().st_size
    if size > MAX_PHOTO_BYTES:
        raise ToesError(f"file too large for a photo ({size / 1e6:,.0f} MB; footcam reads photos "
                        f"up to {MAX_PHOTO_BYTES / 1e6:,.0f} MB)", path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ToesError(f"cannot be read: {e.strerror or e}", path) from None
    wh = declared_size(data)
    if wh is not None and wh[0] * wh[1] > MAX_PHOTO_PIXELS:
        raise ToesError(f"the image declares {wh[0]} x {wh[1]} px ({wh[0] * wh[1] / 1e6:,.0f} "
                        f"megapixels): more than the {MAX_PHOTO_PIXELS / 1e6:.0f} megapixels footcam "
                        f"decodes, so it is not decoded (a damaged or hostile file?)", path)
    buf = np.frombuffer(data, np.uint8)
    try:
        img = cv2.imdecode(buf, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    except cv2.error:
        img = None
    if img is None:
        raise ToesError("not a readable image (expected a JPEG/PNG photo of a foot on paper)", path)
    o = exif_orientation(data)
    h, w = img.shape[:2]
    return Photo(apply_orientation(img, o), o, (w, h))


def is_video(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def iter_video_frames(path: str | Path, max_fps: float = 5.0, *,
                      damaged_s: list[float] | None = None) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(frame_index, time_s, bgr)`` upright, at most ``max_fps`` frames per second;
    ``damaged_s`` receives the time of each yielded frame that FFmpeg flags as corrupt."""
    from ..video.reader import iter_frames, probe

    info = probe(path)
    next_t = -np.inf
    flagged: list[int] = []
    for i, t, rgb in iter_frames(info, damaged=flagged):
        if t + 1e-9 < next_t:
            continue
        next_t = t + 1.0 / max_fps
        if damaged_s is not None and flagged and flagged[-1] == i:
            damaged_s.append(t)
        yield i, t, np.ascontiguousarray(rgb[..., ::-1])
