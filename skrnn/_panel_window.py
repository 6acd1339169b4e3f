"""Windows of a panel, cut within each series: SlidingWindowTransformer on (series, date) rows.

Each series of the panel is windowed as :class:`~skrnn.SlidingWindowTransformer`
windows one series on its own, with its own fitted rows and time labels, so every
rule of the single series (NaN before the start, rows found by their dates, new rows
continuing the fitted ones) holds per series and no window reads another series'
rows. A series with no fitted rows (one that starts after the training period) is
windowed from its own rows, NaN before its first.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from skrnn._panel import check_panel_index, is_panel, is_panel_index, series_groups, series_name


def fitted_on_panel(transformer):
    """Whether `transformer` was fitted on a panel."""
    return is_panel_index(getattr(transformer, "index_", None))


def fit(transformer, X):
    """Fit `transformer` on the panel `X`: one fitted series per series of `X`."""
    X = _as_frame(X)
    check_panel_index(X.index)
    values = validate_data(transformer, X, dtype=np.float64, reset=True)
    groups = series_groups(X.index)
    longest = max(len(positions) for _, positions in groups)
    if transformer.window > longest:
        raise ValueError(
            f"window={transformer.window} is longer than every series of the panel (the "
            f"longest has {longest} rows); expected a window of at most {longest} rows."
        )
    transformer.series_ = values.astype(np.float32)
    transformer.index_ = X.index
    dates = X.index.droplevel(0)
    transformer._by_series = {
        label: _fitted_alone(transformer, transformer.series_[positions], dates[positions])
        for label, positions in groups
    }
    return transformer


def transform(transformer, X):
    """The windows of the rows of the panel `X`, each cut within its own series."""
    if not is_panel(X):
        raise ValueError(
            "this SlidingWindowTransformer was fitted on a panel indexed by (series, "
            "date), but X is not one; expected rows indexed by (series, date)."
        )
    from skrnn._window import cut_windows  # that module imports this one

    X = _as_frame(X)
    check_panel_index(X.index)
    values = validate_data(transformer, X, dtype=np.float64, reset=False).astype(np.float32)
    dates = X.index.droplevel(0)
    window = transformer.window
    windows = np.empty((len(X), window, values.shape[1]), dtype=np.float32)
    for label, positions in series_groups(X.index):
        rows = values[positions]
        fitted = transformer._by_series.get(label) if transformer.continue_series else None
        if fitted is None:
            # A series not fitted (or not continued) is windowed from its own rows.
            windows[positions] = cut_windows(rows, np.arange(len(rows)), window)
            continue
        try:
            steps, new_rows = fitted._locate_by_label(dates[positions], rows)
        except ValueError as exc:
            raise ValueError(f"{series_name(X.index)} {label!r}: {exc}") from None
        series = np.concatenate([fitted.series_, new_rows]) if len(new_rows) else fitted.series_
        windows[positions] = cut_windows(series, steps, window)
    return windows


def _as_frame(X):
    return X.to_frame() if isinstance(X, pd.Series) else X


def _fitted_alone(transformer, rows, dates):
    """A SlidingWindowTransformer with `transformer`'s options, fitted on the `rows`
    of one series (float32, already validated with the panel), dated `dates`.

    A series may be shorter than the window (one that starts shortly before a
    fold boundary): its steps before its start are NaN.
    """
    alone = type(transformer)(
        window=transformer.window, continue_series=transformer.continue_series
    )
    alone.series_, alone.index_ = rows, dates
    alone.n_features_in_ = transformer.n_features_in_
    if hasattr(transformer, "feature_names_in_"):
        alone.feature_names_in_ = transformer.feature_names_in_
    return alone
