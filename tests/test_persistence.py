"""A fitted forecaster saved to one file and loaded back forecasts the same; bad files fail."""

import json

import joblib
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skrnn import GRURegressor, LSTMRegressor, SlidingWindowTransformer
from skrnn.datasets import load_sp500, make_forecast_xy
from skrnn.forecasting import ConformalForecaster, load_model, save_model

HORIZONS = [1, 2]


@pytest.fixture(scope="module")
def frame():
    return load_sp500().iloc[-200:]


@pytest.fixture(scope="module")
def gru_forecaster(frame):
    X, y = make_forecast_xy(frame.iloc[:-20], horizon=HORIZONS)
    pipe = make_pipeline(
        MinMaxScaler(),
        SlidingWindowTransformer(window=5),
        GRURegressor(units=3, layers=1, epochs=2, random_state=0),
    ).set_output(transform="pandas")
    return ConformalForecaster(pipe, horizon=HORIZONS, cv=2).fit(X, y)


@pytest.fixture(scope="module")
def saved(gru_forecaster, tmp_path_factory):
    return save_model(gru_forecaster, tmp_path_factory.mktemp("models") / "gru.skrnn")


def test_a_network_forecasts_dated_days_with_intervals(gru_forecaster, frame):
    table = gru_forecaster.forecast(frame, level=[80, 95])
    assert list(table.index) == list(pd.bdate_range("2019-01-01", periods=2))
    assert np.isfinite(table.to_numpy()).all()
    assert (table["lower_95"] < table["lower_80"]).all()
    assert (table["lower_80"] < table["forecast"]).all()
    assert (table["forecast"] < table["upper_80"]).all()


def test_round_trip_gives_identical_forecasts(gru_forecaster, saved, frame):
    loaded = load_model(saved)
    assert type(loaded) is ConformalForecaster
    assert_frame_equal(
        loaded.forecast(frame, level=[80, 95]), gru_forecaster.forecast(frame, level=[80, 95])
    )
    assert loaded.training_end_ == gru_forecaster.training_end_


def test_the_whole_pipeline_is_in_the_file(saved):
    pipe = load_model(saved).estimator_
    assert [name for name, _ in pipe.steps] == [
        "minmaxscaler", "slidingwindowtransformer", "gruregressor",
    ]  # fmt: skip
    assert pipe[0].data_max_.shape == (1,)
    assert pipe[1].index_ is not None
    assert pipe[-1].model_.count_params() > 0


def test_the_file_names_the_versions_that_wrote_it(saved):
    with open(saved, "rb") as file:
        assert file.readline() == b"skrnn model file\n"
        header = json.loads(file.readline())
    assert header["format"] == 1
    assert header["model"] == "ConformalForecaster"
    assert {"skrnn", "scikit-learn", "keras", "keras_backend"} <= set(header)


def test_a_peephole_network_round_trips(frame, tmp_path):
    X, y = make_forecast_xy(frame, horizon=1)
    pipe = make_pipeline(
        MinMaxScaler(),
        SlidingWindowTransformer(window=3),
        LSTMRegressor(units=2, layers=1, epochs=1, peephole=True, random_state=0),
    ).set_output(transform="pandas")
    pipe.fit(X, y)
    loaded = load_model(save_model(pipe, tmp_path / "peephole.skrnn"))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))


def test_saving_an_unfitted_model_is_refused(tmp_path):
    with pytest.raises(NotFittedError):
        save_model(GRURegressor(), tmp_path / "unfitted.skrnn")
    assert list(tmp_path.iterdir()) == []


def _header(**changes):
    header = {"format": 1, "model": "ConformalForecaster", "skrnn": "0.1.0", **changes}
    return json.dumps(header).encode() + b"\n"


@pytest.mark.parametrize(
    "content, match",
    [
        (b"date,closed_price\n2021/5/6,1.0\n", "is not a skrnn model file.*'date,closed_price'"),
        (b"", "is not a skrnn model file"),
        (b"skrnn model file\n{not json\n", "header is damaged"),
        (b"skrnn model file\n" + _header(skrnn="9.9.0"), "written by skrnn 9.9.0"),
        (b"skrnn model file\n" + _header(format=2), "file format 2"),
        (b"skrnn model file\n" + _header() + b"\x80\x04truncated", "could not be read"),
    ],
)
def test_a_file_that_is_not_a_compatible_model_is_a_clear_error(tmp_path, content, match):
    path = tmp_path / "model.skrnn"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        load_model(path)


def test_a_plain_joblib_file_is_not_a_model_file(tmp_path):
    path = tmp_path / "plain.joblib"
    joblib.dump({"weights": [1, 2, 3]}, path)
    with pytest.raises(ValueError, match="is not a skrnn model file"):
        load_model(path)


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nowhere.skrnn")
