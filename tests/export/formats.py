"""Strict readers of the published TRC and MOT layouts, written for the tests.

They check everything the formats prescribe (and OpenSim's readers rely on) and fail loudly on
any deviation, so a test that reads a file back through them proves the file is well formed.
TRC: Motion Analysis Corp.'s track row column format as OpenSim documents it (PathFileType 4).
MOT: OpenSim's Storage/STO text layout (a header of key=value lines closed by ``endheader``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TRC_KEYS = ["DataRate", "CameraRate", "NumFrames", "NumMarkers", "Units", "OrigDataRate",
            "OrigDataStartFrame", "OrigNumFrames"]


class FormatViolation(AssertionError):
    pass


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise FormatViolation(what)


def _float(s: str, where: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise FormatViolation(f"{where}: {s!r} is not a number") from None
    return v


@dataclass
class Trc:
    header: str                 # line 1 as written
    meta: dict[str, str]
    markers: list[str]
    frames: np.ndarray          # (T,) Frame# column
    time_s: np.ndarray          # (T,)
    xyz: np.ndarray             # (T, M, 3), NaN where a marker's three fields are empty


def read_trc(path: Path) -> Trc:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    _check(lines[-1] == "", "the file ends with a newline")
    lines = lines[:-1]
    first = lines[0].split("\t")
    _check(first[:3] == ["PathFileType", "4", "(X/Y/Z)"], f"line 1: {first[:3]}")
    _check(len(first) >= 4 and first[3] == Path(path).name, "line 1 names the file")
    keys = lines[1].split("\t")
    _check(keys == TRC_KEYS, f"line 2: the eight keys in order, got {keys}")
    values = lines[2].split("\t")
    _check(len(values) == len(TRC_KEYS), f"line 3: {len(values)} values")
    meta = dict(zip(keys, values))
    for k in ("DataRate", "CameraRate", "OrigDataRate"):
        _check(_float(meta[k], k) > 0, f"{k} > 0")
    n, m = int(meta["NumFrames"]), int(meta["NumMarkers"])
    start = int(meta["OrigDataStartFrame"])
    _check(int(meta["OrigNumFrames"]) == n, "OrigNumFrames == NumFrames")
    _check(meta["Units"] in ("m", "mm", "px"), f"Units {meta['Units']}")
    names = lines[3].split("\t")
    _check(names[:2] == ["Frame#", "Time"], f"line 4 starts Frame#, Time: {names[:2]}")
    cells = names[2:]
    _check(len(cells) in (3 * m, 3 * m - 2), f"line 4: {m} markers of three columns")
    markers = cells[0::3]
    _check(len(markers) == m and all(markers), f"line 4: {m} marker names")
    _check(all(c == "" for i, c in enumerate(cells) if i % 3), "line 4: two empty cells per marker")
    _check(len(set(markers)) == m, "marker names are unique")
    _check(all(" " not in x and "\t" not in x for x in markers), "marker names have no blanks")
    comp = lines[4].split("\t")
    _check(comp[:2] == ["", ""], "line 5 starts with two empty cells")
    want = [f"{a}{i}" for i in range(1, m + 1) for a in "XYZ"]
    _check(comp[2:] == want, "line 5: X1 Y1 Z1 ... X<M> Y<M> Z<M>")
    _check(lines[5] == "", "line 6 is blank")
    rows = lines[6:]
    _check(len(rows) == n, f"{len(rows)} data rows, NumFrames says {n}")
    frames = np.empty(n, int)
    time_s = np.empty(n)
    xyz = np.full((n, m, 3), np.nan)
    for r, line in enumerate(rows):
        f = line.split("\t")
        _check(len(f) == 2 + 3 * m, f"row {r + 1}: {len(f)} fields, expected {2 + 3 * m}")
        frames[r] = int(f[0])
        time_s[r] = _float(f[1], f"row {r + 1} Time")
        for j in range(m):
            trip = f[2 + 3 * j: 5 + 3 * j]
            empty = [c == "" for c in trip]
            _check(all(empty) or not any(empty), f"row {r + 1} {markers[j]}: all or none empty")
            if not any(empty):
                xyz[r, j] = [_float(c, f"row {r + 1} {markers[j]}") for c in trip]
    _check(np.array_equal(frames, np.arange(start, start + n)), "Frame# counts up from the start")
    _check(bool(np.all(np.diff(time_s) > 0)), "Time increases")
    return Trc(lines[0], meta, markers, frames, time_s, xyz)


@dataclass
class Mot:
    name: str
    meta: dict[str, str]
    columns: list[str]
    time_s: np.ndarray
    values: np.ndarray          # (T, C) without time


def read_mot(path: Path) -> Mot:
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    _check(lines[-1] == "", "the file ends with a newline")
    lines = lines[:-1]
    _check("endheader" in lines, "an endheader line")
    end = lines.index("endheader")
    name, meta = lines[0], {}
    _check("=" not in name, "line 1 is the name")
    for line in lines[1:end]:
        _check(line.count("=") == 1, f"header line {line!r} is key=value")
        k, v = line.split("=")
        _check(k not in meta, f"{k} given once")
        meta[k] = v
    for k in ("version", "nRows", "nColumns", "inDegrees"):
        _check(k in meta, f"header has {k}")
    _check(meta["inDegrees"] in ("yes", "no"), "inDegrees is yes or no")
    columns = lines[end + 1].split("\t")
    _check(columns[0] == "time", "the first column is time")
    _check(len(columns) == int(meta["nColumns"]), "nColumns counts every column, time included")
    _check(len(set(columns)) == len(columns), "column names are unique")
    rows = lines[end + 2:]
    _check(len(rows) == int(meta["nRows"]), f"{len(rows)} rows, nRows says {meta['nRows']}")
    data = np.empty((len(rows), len(columns)))
    for r, line in enumerate(rows):
        f = line.split("\t")
        _check(len(f) == len(columns), f"row {r + 1}: {len(f)} fields")
        for c, s in enumerate(f):
            v = _float(s, f"row {r + 1} {columns[c]}")
            _check(math.isfinite(v) or s == "nan", f"row {r + 1}: missing values are 'nan'")
            data[r, c] = v
    _check(bool(np.all(np.isfinite(data[:, 0]))), "every time is a number")
    _check(bool(np.all(np.diff(data[:, 0]) > 0)), "time increases")
    return Mot(name, meta, columns[1:], data[:, 0], data[:, 1:])
