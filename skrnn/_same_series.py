"""Which training rows are a few steps apart in one series, read from the windows alone.

A regressor of windows does not know the series of its rows: a panel's rows
reach it as windows, grouped by series or interleaved by date. It can still
tell which row is ``lag`` steps after which in the same series: the window of
that later row holds the earlier row's newest step ``lag`` steps back. The
naive start pairs ``y`` with the newest step ``lag`` rows later through these
pairs, so its map never crosses from one series into the next.
"""

import numpy as np


def later_rows(windows, lag):
    """For each row ``i`` of `windows` (n, window, n_features), the row ``j`` whose
    window holds row ``i``'s newest step `lag` steps back (the same series, `lag`
    steps later), or -1 where there is none or it is ambiguous.

    Windows of `lag` steps or fewer hold no step `lag` back: the next row is
    found `lag` times over. Windows of one step tell nothing: rows are then
    taken in order, row ``i + lag`` after row ``i`` (one series in time order).
    """
    n, steps, _ = windows.shape
    later = np.full(n, -1)
    if steps == 1:
        later[: n - lag] = np.arange(lag, n)
        return later
    if steps <= lag:
        step = later_rows(windows, 1)
        later = np.arange(n)
        for _ in range(lag):
            later = np.where(later >= 0, step[later], -1)
        return later
    newest = _keys(windows[:, -1, :])
    back = _keys(windows[:, -1 - lag, :])
    first = {}
    repeated = set()
    for i, key in enumerate(newest):
        if key in first:
            repeated.add(key)
        first.setdefault(key, i)
    for j, key in enumerate(back):
        i = first.get(key)
        if i is not None and key not in repeated:
            later[i] = j
    return later


def _keys(rows):
    """Each row's values as bytes, NaN included (a NaN step matches no newest step)."""
    rows = np.ascontiguousarray(rows, dtype=np.float32)
    return [row.tobytes() for row in rows]
