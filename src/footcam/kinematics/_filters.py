"""Gap filling and zero-lag low-pass filtering of landmark time series. Pure numpy/scipy.

Both work on ``values (T, ...)`` sampled at real (possibly variable) timestamps ``time_s (T,)``
and treat every trailing column independently, NaN marking a missing sample. Columns with the
same pattern of missing samples are processed together.
"""
from __future__ import annotations

import numpy as np
from scipy.interpolate import CubicSpline, PchipInterpolator
from scipy.signal import butter, sosfiltfilt

__all__ = ["fill_gaps", "lowpass"]


def _as_columns(values, time_s) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    v = np.asarray(values, dtype=float)
    t = np.asarray(time_s, dtype=float)
    if t.ndim != 1 or v.ndim < 1 or v.shape[0] != t.shape[0]:
        raise ValueError(f"values {v.shape} and time_s {t.shape}: expected (T, ...) and (T,)")
    if len(t) > 1 and np.any(np.diff(t) <= 0):
        raise ValueError("time_s must be strictly increasing")
    return v.reshape(len(t), -1), t, v.shape


def _groups_by_mask(ok: np.ndarray):
    """Yield (column indices, finite mask) for columns sharing one finite-sample pattern."""
    if ok.shape[1] == 0:
        return
    keys = np.packbits(ok, axis=0).T               # one byte string per column
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    for g in np.unique(inverse):
        cols = np.flatnonzero(inverse.ravel() == g)
        yield cols, ok[:, cols[0]]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the True runs of a 1-D bool array."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


def fill_gaps(values, time_s, max_gap_s: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """Interpolate interior runs of NaN that last at most ``max_gap_s``.

    A run's duration is the time from its first missing sample to the next valid sample (n
    missing frames at a steady rate last n frame intervals). Shape-preserving cubic (PCHIP)
    interpolation through the valid samples, at the real timestamps. Longer runs, and NaN before
    the first or after the last valid sample, stay NaN.
    Returns ``(filled values, filled mask)``, both shaped like ``values``.
    """
    v, t, shape = _as_columns(values, time_s)
    if max_gap_s < 0:
        raise ValueError(f"max_gap_s must be >= 0, got {max_gap_s}")
    out = v.copy()
    filled = np.zeros(v.shape, dtype=bool)
    ok_all = np.isfinite(v)
    for cols, ok in _groups_by_mask(ok_all):
        idx = np.flatnonzero(ok)
        if len(idx) < 2 or ok.all():
            continue
        todo = np.zeros(len(t), dtype=bool)
        for a, b in _runs(~ok):
            if a == 0 or b == len(t):
                continue                       # leading / trailing: nothing on one side
            if t[b] - t[a] <= max_gap_s + 1e-9:
                todo[a:b] = True
        if not todo.any():
            continue
        interp = PchipInterpolator(t[idx], v[np.ix_(idx, cols)], axis=0, extrapolate=False)
        out[np.ix_(todo, cols)] = interp(t[todo])
        filled[np.ix_(todo, cols)] = True
    return out.reshape(shape), filled.reshape(shape)


def _min_samples(sos: np.ndarray) -> int:
    """Shortest input ``sosfiltfilt`` accepts with its default padding."""
    n_zeros = min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * (2 * len(sos) + 1 - n_zeros) + 1


def lowpass(values, time_s, cutoff_hz: float = 6.0, order: int = 4,
            rate_hz: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Zero-lag Butterworth low-pass at real (possibly variable) timestamps.

    Each contiguous run of finite samples of each column is resampled by cubic-spline
    interpolation onto a uniform grid spanning it (at ``rate_hz``, 0 = the clip's median frame
    rate), filtered forward and backward (``butter`` + ``sosfiltfilt``: order ``order`` each way, no
    phase shift) and sampled back at the original timestamps. Runs too short for the filter's
    padding are left as they are.
    Returns ``(filtered values, unfiltered mask)``: the mask marks finite samples left unfiltered.
    Raises ValueError when ``cutoff_hz`` is not below the Nyquist frequency of the rate.
    """
    v, t, shape = _as_columns(values, time_s)
    out = v.copy()
    unfiltered = np.zeros(v.shape, dtype=bool)
    if len(t) < 2:
        unfiltered[:] = np.isfinite(v)
        return out.reshape(shape), unfiltered.reshape(shape)
    if not 1 <= int(order) <= 8:
        raise ValueError(f"order must be 1..8, got {order}")
    fs = float(rate_hz) if rate_hz > 0 else 1.0 / float(np.median(np.diff(t)))
    if not 0 < cutoff_hz < fs / 2:
        raise ValueError(f"cutoff_hz {cutoff_hz:g} must be above 0 and below the Nyquist "
                         f"frequency {fs / 2:.3g} Hz of a {fs:.4g} Hz time base")
    sos_cache: dict[float, np.ndarray] = {}
    for cols, ok in _groups_by_mask(np.isfinite(v)):
        for a, b in _runs(ok):
            seg_t = t[a:b]
            n_grid = int(round((seg_t[-1] - seg_t[0]) * fs)) + 1
            if n_grid < 2:
                unfiltered[a:b, cols] = True
                continue
            seg_fs = (n_grid - 1) / (seg_t[-1] - seg_t[0])    # the grid spans the run exactly
            key = round(seg_fs, 9)
            if key not in sos_cache:
                sos_cache[key] = butter(int(order), cutoff_hz, btype="low", fs=seg_fs, output="sos")
            sos = sos_cache[key]
            if n_grid < _min_samples(sos) or not cutoff_hz < seg_fs / 2:
                unfiltered[a:b, cols] = True
                continue
            grid = np.linspace(seg_t[0], seg_t[-1], n_grid)
            seg = v[a:b][:, cols]
            on_grid = _interp_columns(grid, seg_t, seg)
            smooth = sosfiltfilt(sos, on_grid, axis=0)
            out[a:b, cols] = _interp_columns(seg_t, grid, smooth)
    return out.reshape(shape), unfiltered.reshape(shape)


def _interp_columns(x_new: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cubic-spline interpolation of every column of ``y (n, k)`` from ``x`` to ``x_new``
    (linear for fewer than 4 samples); a no-op when the sample times already agree."""
    if len(x_new) == len(x) and np.allclose(x_new, x, rtol=0, atol=1e-9):
        return y.copy()
    if len(x) < 4:
        return np.stack([np.interp(x_new, x, y[:, k]) for k in range(y.shape[1])], axis=1)
    return CubicSpline(x, y, axis=0, bc_type="not-a-knot")(x_new)
