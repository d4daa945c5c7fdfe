"""The tab-separated data rows that .trc and .mot share."""
from __future__ import annotations

import numpy as np


def data_rows(lead: list[str], values: np.ndarray, decimals: int, missing: str) -> list[str]:
    """One line per row: ``lead[i]`` (the row's first cells), then ``values[i]`` ``(T, C)`` with
    ``decimals`` decimals, ``missing`` where a value is NaN; tab-separated."""
    cells = np.where(np.isfinite(values), np.char.mod(f"%.{decimals}f", np.nan_to_num(values)),
                     missing)
    return [f"{lead[i]}\t" + "\t".join(cells[i]) for i in range(len(lead))]
