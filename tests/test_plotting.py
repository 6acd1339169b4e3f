"""Tests of skrnn.plotting: the learning-history, prediction and forecast figures.

No Keras here: the fitted networks are a tiny stand-in estimator whose `fit`
records a Keras-style ``history_``, which is all the plots read.
"""

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from skrnn.plotting import plot_forecast, plot_learning_history, plot_predictions

LOSS = [0.09, 0.05, 0.03, 0.02, 0.015]
VAL_LOSS = [0.06, 0.02, 0.01, 0.012, 0.011]  # best at epoch 3 (index 2)


class FakeNetwork(RegressorMixin, BaseEstimator):
    """Predicts the mean; `fit` records a Keras-style history_."""

    def __init__(self, scale=1.0, validation=True):
        self.scale = scale
        self.validation = validation

    def fit(self, X, y):
        self.history_ = {"loss": [self.scale * v for v in LOSS]}
        if self.validation:
            self.history_["val_loss"] = [self.scale * v for v in VAL_LOSS]
        self.n_iter_ = len(LOSS)
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        return np.full(len(X), self.mean_)


class FakeBaseline(RegressorMixin, BaseEstimator):
    """A fitted estimator with no learning history, like PersistenceRegressor."""

    def fit(self, X, y):
        self.coef_ = 1.0
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0]


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    return rng.rand(12, 1), rng.rand(12)


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def legend_texts(fig):
    """The texts of the figure's one legend (the Axes have none of their own)."""
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    return [text.get_text() for text in legend.get_texts()]


# ----------------------------------------------------------- learning history


def test_learning_history_has_one_axes_per_model_with_loss_curves(data):
    models = {
        "LSTM": FakeNetwork().fit(*data),
        "GRU": FakeNetwork(scale=2.0).fit(*data),
    }
    fig = plot_learning_history(models)
    assert len(fig.axes) == 2
    assert fig.get_suptitle() == "Learning History"
    for ax, (title, scale) in zip(fig.axes, [("LSTM", 1.0), ("GRU", 2.0)], strict=True):
        assert ax.get_title() == title
        assert ax.get_xlabel() == "epoch"
        assert ax.get_ylabel() == "loss (MSE of scaled target)"
        lines = lines_by_label(ax)
        np.testing.assert_allclose(lines["loss"].get_ydata(), np.multiply(scale, LOSS))
        np.testing.assert_allclose(lines["val loss"].get_ydata(), np.multiply(scale, VAL_LOSS))
        np.testing.assert_array_equal(lines["loss"].get_xdata(), [1, 2, 3, 4, 5])
    assert legend_texts(fig) == ["loss", "val loss", "best epoch"]


def test_learning_history_marks_best_epoch_at_argmin_of_val_loss(data):
    fig = plot_learning_history({"LSTM": FakeNetwork().fit(*data)})
    marker = lines_by_label(fig.axes[0])["best epoch"]
    # epochs are numbered from 1 on the x axis
    assert list(marker.get_xdata()) == [np.argmin(VAL_LOSS) + 1] * 2
    assert marker.get_linestyle() == ":"


@pytest.mark.parametrize("kept, label", [(2, "best epoch"), (0, "kept: untrained (epoch 0)")])
def test_learning_history_marks_the_epoch_the_network_kept(data, kept, label):
    network = FakeNetwork().fit(*data)
    network.best_epoch_ = kept  # as skrnn's regressors record it
    marker = lines_by_label(plot_learning_history({"LSTM": network}).axes[0])[label]
    assert list(marker.get_xdata()) == [kept] * 2


def test_learning_history_without_val_loss_has_no_best_epoch(data):
    fig = plot_learning_history({"LSTM": FakeNetwork(validation=False).fit(*data)})
    assert set(lines_by_label(fig.axes[0])) == {"loss"}


def test_learning_history_accepts_pipeline_and_grid_search(data):
    pipe = Pipeline([("identity", FunctionTransformer()), ("net", FakeNetwork())])
    pipe.fit(*data)
    search = GridSearchCV(
        Pipeline([("identity", FunctionTransformer()), ("net", FakeNetwork())]),
        {"net__scale": [1.0, 3.0]},
        cv=2,
    ).fit(*data)
    fig = plot_learning_history({"pipeline": pipe, "search": search})
    assert [ax.get_title() for ax in fig.axes] == ["pipeline", "search"]
    best_scale = search.best_params_["net__scale"]
    np.testing.assert_allclose(
        lines_by_label(fig.axes[1])["loss"].get_ydata(),
        np.multiply(best_scale, LOSS),
    )


def test_learning_history_accepts_grid_search_over_bare_network(data):
    search = GridSearchCV(FakeNetwork(), {"scale": [1.0, 2.0]}, cv=2).fit(*data)
    fig = plot_learning_history({"search": search})
    assert len(fig.axes) == 1


@pytest.mark.parametrize("wrap", [False, True])
def test_learning_history_entry_without_history_raises_naming_it(data, wrap):
    baseline = FakeBaseline()
    if wrap:
        baseline = Pipeline([("identity", FunctionTransformer()), ("naive", baseline)])
    baseline.fit(*data)
    models = {"LSTM": FakeNetwork().fit(*data), "naive": baseline}
    match = r"models\['naive'\].*history_.*fitted networks"
    with pytest.raises(ValueError, match=match):
        plot_learning_history(models)


def test_learning_history_unfitted_network_raises(data):
    with pytest.raises(ValueError, match=r"models\['LSTM'\].*no history_"):
        plot_learning_history({"LSTM": FakeNetwork()})


def test_learning_history_empty_or_not_a_dict_raises(data):
    with pytest.raises(ValueError, match="empty"):
        plot_learning_history({})
    with pytest.raises(TypeError, match="dict"):
        plot_learning_history(FakeNetwork().fit(*data))


def test_learning_history_applies_ylim_to_every_axes(data):
    models = {"a": FakeNetwork().fit(*data), "b": FakeNetwork(scale=9).fit(*data)}
    fig = plot_learning_history(models, ylim=(0, 0.05), figsize=(6, 3))
    for ax in fig.axes:
        assert ax.get_ylim() == pytest.approx((0, 0.05))
    assert tuple(fig.get_size_inches()) == pytest.approx((6, 3))


def test_learning_history_saves_png(data, tmp_path):
    fig = plot_learning_history({"LSTM": FakeNetwork().fit(*data)})
    path = tmp_path / "history.png"
    fig.savefig(path)
    assert path.stat().st_size > 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- predictions

Y = np.array([10.0, 11.0, 13.0, 12.0, 14.0, 15.0])
PREDICTIONS = {
    "LSTM": np.array([10.5, 10.8, 12.1, 12.6, 13.2, 14.7]),
    "GRU": np.array([9.9, 11.2, 12.8, 12.2, 13.9, 15.1]),
}
NAIVE = np.array([9.0, 10.0, 11.0, 13.0, 12.0, 14.0])


def test_predictions_has_one_axes_per_model_with_inputs_as_lines():
    fig = plot_predictions(Y, PREDICTIONS)
    assert len(fig.axes) == 2
    assert fig.get_suptitle() == "Predictions on the test period"
    for ax, name in zip(fig.axes, PREDICTIONS, strict=True):
        assert ax.get_title() == name
        assert ax.get_xlabel() == "time step"
        lines = lines_by_label(ax)
        assert set(lines) == {"actual", f"{name} prediction"}
        np.testing.assert_array_equal(lines["actual"].get_ydata(), Y)
        np.testing.assert_array_equal(lines[f"{name} prediction"].get_ydata(), PREDICTIONS[name])
        np.testing.assert_array_equal(lines["actual"].get_xdata(), np.arange(6))
    # One legend: the model's line once, as "prediction" (the titles name the models).
    assert legend_texts(fig) == ["actual", "prediction"]
    assert fig.axes[0].get_ylabel() == "price"
    # one shared price axis
    assert fig.axes[0].get_shared_y_axes().joined(fig.axes[0], fig.axes[1])


def test_predictions_draws_naive_in_every_axes():
    fig = plot_predictions(Y, PREDICTIONS, naive=list(NAIVE))
    for ax in fig.axes:
        naive = lines_by_label(ax)["naive"]
        np.testing.assert_array_equal(naive.get_ydata(), NAIVE)
        assert naive.get_linestyle() == "--"
    assert legend_texts(fig) == ["actual", "prediction", "naive"]


def test_predictions_labels_come_from_the_data():
    """A named series and a named baseline label their own lines, as the
    columns of compare's predictions do ("naive", "seasonal naive")."""
    sunspots = pd.Series(Y, name="sunspots")
    fig = plot_predictions(sunspots, PREDICTIONS, naive=pd.Series(NAIVE, name="seasonal naive"))
    assert legend_texts(fig) == ["sunspots", "prediction", "seasonal naive"]
    assert set(lines_by_label(fig.axes[0])) == {"sunspots", "LSTM prediction", "seasonal naive"}
    fig = plot_predictions(pd.DataFrame({"close": Y}), PREDICTIONS, naive=NAIVE)
    assert legend_texts(fig) == ["close", "prediction", "naive"]


def test_predictions_explicit_labels_win_over_names():
    fig = plot_predictions(
        pd.Series(Y, name="y_true"),
        PREDICTIONS,
        naive=pd.Series(NAIVE, name="naive"),
        label="sunspot number",
        naive_label="seasonal naive",
    )
    assert legend_texts(fig) == ["sunspot number", "prediction", "seasonal naive"]


@pytest.mark.parametrize("ncols", [None, 1, 2])
def test_figure_legend_lies_off_the_data_and_inside_the_figure(data, ncols):
    dates = pd.date_range("2018-01-02", periods=len(Y), freq="B")
    models = {name: FakeNetwork().fit(*data) for name in THREE}
    for fig in (
        plot_predictions(pd.Series(Y, index=dates, name="close"), THREE, naive=NAIVE, ncols=ncols),
        plot_learning_history(models, ncols=ncols),
        plot_forecast(HISTORY, FORECAST),
    ):
        fig.canvas.draw()
        (legend,) = fig.legends
        box = legend.get_window_extent()
        assert not any(box.overlaps(ax.get_window_extent()) for ax in fig.axes)
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width
        assert 0 <= box.y0 and box.y1 <= fig.bbox.height


def test_predictions_uses_dates_of_a_series():
    dates = pd.date_range("2018-01-02", periods=len(Y), freq="B")
    fig = plot_predictions(pd.Series(Y, index=dates), PREDICTIONS)
    for ax in fig.axes:
        assert ax.get_xlabel() == "date"
        assert isinstance(ax.xaxis.get_major_formatter(), mdates.AutoDateFormatter)
        xdata = pd.DatetimeIndex(lines_by_label(ax)["actual"].get_xdata())
        assert xdata.equals(dates)
        labels = ax.get_xticklabels()
        assert labels and all(t.get_rotation() == 30 for t in labels)


def test_predictions_index_argument_overrides_series_index():
    dates = pd.date_range("2018-01-02", periods=len(Y), freq="D")
    fig = plot_predictions(pd.Series(Y), PREDICTIONS, index=dates.date)
    assert fig.axes[0].get_xlabel() == "date"
    fig = plot_predictions(pd.Series(Y, index=dates), PREDICTIONS, index=range(6))
    assert fig.axes[0].get_xlabel() == "time step"


@pytest.mark.parametrize("bad", ["predictions", "naive", "index"])
def test_predictions_length_mismatch_raises_naming_entry(bad):
    predictions = dict(PREDICTIONS)
    kwargs = {}
    if bad == "predictions":
        predictions["GRU"] = predictions["GRU"][:-1]
        match = r"predictions\['GRU'\] has 5 values but y_true has 6"
    elif bad == "naive":
        kwargs["naive"] = NAIVE[:4]
        match = r"naive has 4 values but y_true has 6"
    else:
        kwargs["index"] = np.arange(7)
        match = r"index has 7 values but y_true has 6"
    with pytest.raises(ValueError, match=match):
        plot_predictions(Y, predictions, **kwargs)


def test_predictions_empty_dict_raises():
    with pytest.raises(ValueError, match="predictions is empty"):
        plot_predictions(Y, {})


def test_predictions_several_horizons_plot_first_with_note():
    y2 = np.column_stack([Y, Y + 1, Y + 2])
    pred2 = {"LSTM": y2 - 0.5}
    fig = plot_predictions(pd.DataFrame(y2), pred2)
    ax = fig.axes[0]
    assert ax.get_title() == "LSTM (horizon 1 of 3)"
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["actual"].get_ydata(), Y)
    np.testing.assert_array_equal(lines["LSTM prediction"].get_ydata(), Y - 0.5)
    with pytest.raises(ValueError, match=r"predictions\['LSTM'\] has 2 horizons"):
        plot_predictions(y2, {"LSTM": y2[:, :2]})


def test_predictions_saves_png(tmp_path):
    dates = pd.date_range("2018-01-02", periods=len(Y), freq="B")
    fig = plot_predictions(pd.Series(Y, index=dates), PREDICTIONS, naive=NAIVE, title="S&P 500")
    assert fig.get_suptitle() == "S&P 500"
    path = tmp_path / "predictions.png"
    fig.savefig(path)
    assert path.stat().st_size > 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plotting_leaves_pyplot_state_alone(data):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plot_learning_history({"LSTM": FakeNetwork().fit(*data)})
    plot_predictions(Y, PREDICTIONS)
    plot_forecast(HISTORY, FORECAST)
    assert plt.get_fignums() == before


# ------------------------------------------------------------------- layout


def grid_positions(fig):
    """(row, column) of each Axes, in the figure's order."""
    return [
        (ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start) for ax in fig.axes
    ]


THREE = {"RNN": Y - 1, "LSTM": Y + 1, "GRU": Y}


def test_subplots_are_two_per_row_by_default(data):
    models = {name: FakeNetwork().fit(*data) for name in THREE}
    for fig in (plot_predictions(Y, THREE), plot_learning_history(models)):
        assert grid_positions(fig) == [(0, 0), (0, 1), (1, 0)]
        assert tuple(fig.get_size_inches()) == pytest.approx((10, 8))
    fig = plot_predictions(Y, {"LSTM": Y})
    assert grid_positions(fig) == [(0, 0)]
    assert tuple(fig.get_size_inches()) == pytest.approx((5, 4))


@pytest.mark.parametrize(
    ("ncols", "positions", "size"),
    [
        (1, [(0, 0), (1, 0), (2, 0)], (5, 12)),
        (2, [(0, 0), (0, 1), (1, 0)], (10, 8)),
        (5, [(0, 0), (0, 1), (0, 2)], (15, 4)),
    ],
)
def test_ncols_fills_rows_in_dict_order(data, ncols, positions, size):
    models = {name: FakeNetwork().fit(*data) for name in THREE}
    for fig in (
        plot_predictions(Y, THREE, ncols=ncols),
        plot_learning_history(models, ncols=ncols),
    ):
        assert grid_positions(fig) == positions
        assert [ax.get_title() for ax in fig.axes] == list(THREE)
        assert tuple(fig.get_size_inches()) == pytest.approx(size)


def test_stacked_predictions_label_each_axis_once_per_row_or_column():
    fig = plot_predictions(Y, THREE, ncols=2, ylabel="index points")
    assert [ax.get_ylabel() for ax in fig.axes] == ["index points", "", "index points"]
    # The x axis is shared: labelled under the lowest subplot of each column,
    # including the one with an empty cell below it.
    assert [ax.get_xlabel() for ax in fig.axes] == ["", "time step", "time step"]
    fig.canvas.draw()
    shows_x_ticks = [
        any(label.get_visible() and label.get_text() for label in ax.get_xticklabels())
        for ax in fig.axes
    ]
    assert shows_x_ticks == [False, True, True]


@pytest.mark.parametrize("bad", [0, -1, 1.5, "1", True])
def test_ncols_not_a_positive_integer_raises(data, bad):
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        plot_predictions(Y, THREE, ncols=bad)
    with pytest.raises(ValueError, match="ncols must be a positive integer"):
        plot_learning_history({"LSTM": FakeNetwork().fit(*data)}, ncols=bad)


HISTORY = pd.Series(
    100 + np.arange(120.0), index=pd.bdate_range("2018-07-02", periods=120, name="date")
)
FORECAST = pd.DataFrame(
    {
        "horizon": [1, 2, 3],
        "forecast": [219.0, 219.0, 219.0],
        "lower_80": [217.0, 216.0, 215.0],
        "upper_80": [221.0, 222.0, 223.0],
        "lower_95": [215.0, 213.0, 212.0],
        "upper_95": [223.0, 225.0, 226.0],
    },
    index=pd.bdate_range(HISTORY.index[-1] + pd.offsets.BDay(1), periods=3, name="date"),
)


def test_forecast_draws_the_last_days_then_the_forecast_from_the_last_price():
    fig = plot_forecast(HISTORY, FORECAST, last=60)
    (ax,) = fig.axes
    prices, forecast = ax.get_lines()
    assert len(prices.get_xdata()) == 60
    assert prices.get_ydata()[-1] == HISTORY.iloc[-1]
    assert list(forecast.get_ydata()) == [HISTORY.iloc[-1], 219.0, 219.0, 219.0]
    assert ax.get_xlabel() == "date"


def test_forecast_draws_one_band_per_level_the_widest_lightest():
    fig = plot_forecast(HISTORY, FORECAST.drop(columns="horizon"))
    (ax,) = fig.axes
    assert legend_texts(fig) == ["actual", "forecast", "95 % interval", "80 % interval"]
    bands = ax.collections
    assert bands[0].get_alpha() < bands[1].get_alpha()
    upper_95 = bands[0].get_paths()[0].vertices[:, 1].max()
    assert upper_95 == 226.0


def test_forecast_without_intervals_draws_the_line_alone():
    fig = plot_forecast(HISTORY.to_frame("closed_price"), FORECAST[["forecast"]])
    assert len(fig.axes[0].collections) == 0
    assert legend_texts(fig) == ["closed_price", "forecast"]


def test_forecast_label_names_the_history():
    fig = plot_forecast(HISTORY.rename("close"), FORECAST, label="S&P 500 close")
    assert legend_texts(fig)[0] == "S&P 500 close"
    assert fig.get_suptitle() == "Forecast of the next days"


@pytest.mark.parametrize(
    "history, forecast, match",
    [
        (HISTORY, FORECAST.drop(columns="forecast"), "'forecast' column"),
        (HISTORY, FORECAST.iloc[:0], "no rows"),
        (HISTORY.iloc[:0], FORECAST, "history is empty"),
        (HISTORY.to_frame().assign(b=1.0), FORECAST, "2 columns"),
        (HISTORY, FORECAST.drop(columns="upper_80"), "'lower_80' without its 'upper_80'"),
        (HISTORY, FORECAST.set_axis(HISTORY.index[-3:]), "not after the last day"),
    ],
)
def test_forecast_bad_input_raises_naming_it(history, forecast, match):
    with pytest.raises(ValueError, match=match):
        plot_forecast(history, forecast)
