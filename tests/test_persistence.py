"""Saved models load back and forecast the same; no model file can run code on load.

The hostile files below carry payloads that create a folder (``marker``) when
they run. Controls show that the payloads are live (a pickle, a Keras Lambda
layer loaded unsafely, a pickle file loaded with the opt-in); the tests show
that loading each hostile file raises a ValueError that says what it refused,
and that the folder never appears.
"""

import io
import json
import os
import pickle
import zipfile
from pathlib import Path

import joblib
import keras
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal, assert_index_equal
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler

from skrnn import (
    GRURegressor,
    LSTMRegressor,
    PersistenceRegressor,
    RidgeAutoregressor,
    RNNRegressor,
    SlidingWindowTransformer,
    make_u2_scorer,
)
from skrnn.cli import main
from skrnn.datasets import load_sp500, make_forecast_xy
from skrnn.forecasting import ConformalForecaster, forecast, load_model, save_model
from tests._tiny import TINY

HORIZONS = [1, 2]


def _pipeline(regressor, window=5):
    return make_pipeline(
        MinMaxScaler(), SlidingWindowTransformer(window=window), regressor
    ).set_output(transform="pandas")


@pytest.fixture(scope="module")
def frame():
    return load_sp500().iloc[-200:]


@pytest.fixture(scope="module")
def xy(frame):
    return make_forecast_xy(frame.iloc[:-20], horizon=HORIZONS)


MODELS = {
    "naive": lambda: _pipeline(PersistenceRegressor()),
    "ridge": lambda: _pipeline(RidgeAutoregressor(alpha=0.5)),
    "rnn": lambda: _pipeline(RNNRegressor(**TINY)),
    "lstm": lambda: _pipeline(LSTMRegressor(**TINY)),
    "peephole": lambda: _pipeline(LSTMRegressor(peephole=True, **TINY)),
    "gru": lambda: _pipeline(GRURegressor(**TINY)),
    "conformal": lambda: ConformalForecaster(
        _pipeline(GRURegressor(**TINY)), horizon=HORIZONS, cv=2
    ),
    "search": lambda: GridSearchCV(
        _pipeline(GRURegressor(**TINY)),
        {"gruregressor__patience": [1, 2]},  # one architecture: compiled once
        cv=TimeSeriesSplit(n_splits=2),
        scoring="neg_root_mean_squared_error",
    ),
}


@pytest.fixture(scope="module")
def conformal(xy):
    return MODELS["conformal"]().fit(*xy)


@pytest.fixture(scope="module", params=list(MODELS))
def fitted(request, xy):
    if request.param == "conformal":
        return "conformal", request.getfixturevalue("conformal")
    return request.param, MODELS[request.param]().fit(*xy)


@pytest.fixture(scope="module")
def saved_conformal(conformal, tmp_path_factory):
    return Path(save_model(conformal, tmp_path_factory.mktemp("models") / "gru.skrnn"))


@pytest.fixture(scope="module")
def saved_naive(xy, tmp_path_factory):
    naive = MODELS["naive"]().fit(*xy)
    return naive, Path(save_model(naive, tmp_path_factory.mktemp("models") / "naive.skrnn"))


# -- round trips --------------------------------------------------------------


def test_a_saved_model_forecasts_identically(fitted, frame, tmp_path):
    name, model = fitted
    loaded = load_model(save_model(model, tmp_path / f"{name}.skrnn"))
    assert type(loaded) is type(model)
    X, _ = make_forecast_xy(frame, horizon=HORIZONS)  # training days and the 20 after them
    assert_array_equal(loaded.predict(X), model.predict(X))
    if name == "conformal":
        expected, got = (
            model.forecast(frame, level=[80, 95]),
            loaded.forecast(frame, level=[80, 95]),
        )
    else:
        expected = forecast(model, frame, horizon=HORIZONS)
        got = forecast(loaded, frame, horizon=HORIZONS)
    assert_frame_equal(got, expected, check_exact=True)


def test_the_interval_state_round_trips_exactly(conformal, saved_conformal):
    loaded = load_model(saved_conformal)
    assert_frame_equal(loaded.residuals_, conformal.residuals_, check_exact=True)
    assert_array_equal(loaded.conformity_scores_, conformal.conformity_scores_)
    assert loaded.training_end_ == conformal.training_end_
    assert loaded.horizons_ == conformal.horizons_
    window = loaded.estimator_[1]
    assert_index_equal(window.index_, conformal.estimator_[1].index_, exact=True)
    assert_array_equal(window.series_, conformal.estimator_[1].series_)
    assert window.series_.dtype == np.float32


def test_the_whole_pipeline_is_in_the_file(saved_conformal):
    pipe = load_model(saved_conformal).estimator_
    assert [name for name, _ in pipe.steps] == [
        "minmaxscaler", "slidingwindowtransformer", "gruregressor",
    ]  # fmt: skip
    assert pipe[0].data_max_.shape == (1,)
    assert isinstance(pipe[-1].model_, keras.Model) and pipe[-1].model_.count_params() > 0
    assert pipe.get_params()["memory"] is None


def test_a_forecaster_on_periods_round_trips(tmp_path):
    monthly = load_sp500().resample("ME").last().to_period("M").iloc[-80:]
    X, y = make_forecast_xy(monthly.iloc[:-6], horizon=1)
    forecaster = ConformalForecaster(_pipeline(PersistenceRegressor(), window=3), cv=2).fit(X, y)
    loaded = load_model(save_model(forecaster, tmp_path / "monthly.skrnn"))
    assert isinstance(loaded.training_end_, pd.Period)
    assert loaded.training_end_ == forecaster.training_end_
    assert_index_equal(loaded.estimator_[1].index_, forecaster.estimator_[1].index_, exact=True)
    assert_frame_equal(loaded.forecast(monthly), forecaster.forecast(monthly), check_exact=True)


def test_plain_values_keep_their_types_and_values(tmp_path):
    naive = PersistenceRegressor().fit(np.arange(6.0)[:, None], np.arange(1.0, 7.0))
    dates = pd.date_range("2024-03-29", periods=3, freq="B", tz="Europe/Paris", name="day")
    values = {
        "text": pd.DataFrame(
            {"name": pd.Series(["a", None, "c"], dtype="str"), "n": [1, 2, 3]}, index=dates
        ),
        "series": pd.Series([1.5, np.nan], index=pd.RangeIndex(2, 6, 2), name=("a", 1)),
        "objects": np.array(["x", 1, None], dtype=object),
        "masked": np.ma.MaskedArray([1, 2, 3], mask=[False, True, False]),
        "scalars": (np.float32(0.1), np.int64(-3), np.bool_(True), np.datetime64("2024-01-02")),
        "when": (pd.Timestamp("2024-01-02 03:04:05.000000006", tz="UTC"), pd.Period("2024Q1")),
        "keys": {1: "one", (2, 3): [4.25, float("inf")], None: "none"},
        "state": np.random.RandomState(7),
        "text_array": np.array(["ab", "c"]),
    }
    naive.extra_ = values
    loaded = load_model(save_model(naive, tmp_path / "values.skrnn")).extra_
    assert_frame_equal(loaded["text"], values["text"], check_exact=True)
    assert loaded["text"].index.freq == values["text"].index.freq
    pd.testing.assert_series_equal(loaded["series"], values["series"], check_exact=True)
    assert loaded["objects"].dtype == object and list(loaded["objects"]) == ["x", 1, None]
    assert_array_equal(loaded["masked"].mask, values["masked"].mask)
    assert_array_equal(loaded["masked"].data, values["masked"].data)
    for got, expected in zip(loaded["scalars"], values["scalars"], strict=True):
        assert type(got) is type(expected) and got == expected
    assert loaded["when"] == values["when"] and loaded["when"][0].tz == values["when"][0].tz
    assert loaded["keys"] == values["keys"]
    assert (
        loaded["state"].randint(10**6, size=5).tolist()
        == np.random.RandomState(7).randint(10**6, size=5).tolist()
    )
    assert loaded["text_array"].dtype == values["text_array"].dtype


def test_an_object_reached_twice_is_one_object_after_loading(tmp_path):
    splits = TimeSeriesSplit(n_splits=2)
    naive = PersistenceRegressor().fit(np.arange(6.0)[:, None], np.arange(1.0, 7.0))
    naive.extra_ = [splits, splits]
    first, second = load_model(save_model(naive, tmp_path / "shared.skrnn")).extra_
    assert first is second and first.n_splits == 2


def test_a_search_keeps_its_scorer_and_results(xy, tmp_path):
    search = GridSearchCV(
        _pipeline(RidgeAutoregressor()),
        {"ridgeautoregressor__alpha": [0.1, 1.0]},
        cv=TimeSeriesSplit(n_splits=2),
        scoring=make_u2_scorer(),
    ).fit(*xy)
    loaded = load_model(save_model(search, tmp_path / "search.skrnn"))
    assert repr(loaded.scorer_) == "make_u2_scorer(feature=0)"
    assert loaded.best_params_ == search.best_params_
    for key, column in search.cv_results_.items():
        if key.endswith("_time"):
            continue
        if isinstance(column, np.ndarray):
            assert_array_equal(loaded.cv_results_[key], column)
        else:
            assert loaded.cv_results_[key] == column
    assert loaded.score(*xy) == search.score(*xy)


def test_the_file_is_a_header_and_an_archive_without_pickles(saved_conformal):
    header, members = _read(saved_conformal)
    assert header["format"] == 2
    assert header["model"] == "ConformalForecaster"
    assert {"skrnn", "scikit-learn", "keras", "keras_backend"} <= set(header)
    assert "model.json" in members and "networks/0.keras" in members
    arrays = [name for name in members if name.startswith("arrays/")]
    assert arrays and all(name.endswith(".npy") for name in arrays)
    for name in arrays:
        array = np.lib.format.read_array(io.BytesIO(members[name]), allow_pickle=False)
        assert array.dtype != object
    assert set(members) == {"model.json", *arrays, "networks/0.keras"}


def test_saving_an_unfitted_model_is_refused(tmp_path):
    with pytest.raises(NotFittedError):
        save_model(GRURegressor(), tmp_path / "unfitted.skrnn")
    assert list(tmp_path.iterdir()) == []


def test_a_value_the_format_cannot_hold_is_refused_when_saving(xy, tmp_path):
    pipe = make_pipeline(FunctionTransformer(lambda X: X), PersistenceRegressor())
    pipe.fit(*xy)
    with pytest.raises(ValueError, match=r"Pipeline\.steps\[0\]\[1\]\.func is .*lambda"):
        save_model(pipe, tmp_path / "lambda.skrnn")
    assert list(tmp_path.iterdir()) == []


# -- hostile files --------------------------------------------------------------


class _Payload:
    """Pickles to a call of ``os.mkdir(path)``: it runs when the pickle is loaded."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (os.mkdir, (self.path,))


class _MinMaxScaler(MinMaxScaler):
    """A subclass of a trusted class: code of its own, so not trusted by default."""


@pytest.fixture
def marker(tmp_path):
    return tmp_path / "payload-ran"


def _read(path):
    """The header and the archive's members of a model file."""
    with open(path, "rb") as file:
        assert file.readline() == b"skrnn model file\n"
        header = json.loads(file.readline())
        with zipfile.ZipFile(io.BytesIO(file.read())) as archive:
            return header, {name: archive.read(name) for name in archive.namelist()}


def _forge(path, target, changes):
    """A copy of the model file `path` at `target`, with the members `changes` replaced."""
    with open(path, "rb") as file:
        start = file.readline() + file.readline()
    _, members = _read(path)
    members.update(changes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    target.write_bytes(start + buffer.getvalue())
    return target


def _tree(path):
    return json.loads(_read(path)[1]["model.json"])


def _state(node):
    return node["object"]["state"]


def _lambda_network(marker):
    """A network whose Lambda layer creates `marker` when it is built."""
    # The path is a constant of the lambda's code: Keras stores the code, not its defaults.
    source = f"lambda x: (__import__('os').makedirs({str(marker)!r}, exist_ok=True), x)[1]"
    inputs = keras.Input(shape=(None, 1))
    network = keras.Model(inputs, keras.layers.Lambda(eval(source))(inputs))
    os.rmdir(marker)  # building it ran the payload once
    return network


def _keras_bytes(network, folder):
    path = folder / "network.keras"
    network.save(path)
    return path.read_bytes()


def _with_config(data, change):
    """The bytes of a .keras file whose config.json went through `change`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, member in members.items():
            archive.writestr(name, member)
    return buffer.getvalue()


def _layer(config, name):
    return next(layer for layer in config["config"]["layers"] if layer["name"] == name)


def test_the_payloads_run_when_loaded_unsafely(marker, tmp_path):
    pickle.loads(pickle.dumps(_Payload(marker)))
    assert marker.exists()
    os.rmdir(marker)
    data = _keras_bytes(_lambda_network(marker), tmp_path)
    (tmp_path / "unsafe.keras").write_bytes(data)
    keras.saving.load_model(tmp_path / "unsafe.keras", safe_mode=False)
    assert marker.exists()


def test_a_pickle_in_place_of_an_array_is_refused(saved_naive, marker, tmp_path):
    _, path = saved_naive
    forged = _forge(path, tmp_path / "f.skrnn", {"arrays/0.npy": pickle.dumps(_Payload(marker))})
    with pytest.raises(ValueError, match=r"holds arrays/0\.npy .* not a NumPy array .* no pickled"):
        load_model(forged)
    assert not marker.exists()


def test_an_array_of_python_objects_is_refused(saved_naive, marker, tmp_path):
    _, path = saved_naive
    npy = io.BytesIO()
    np.save(npy, np.array([_Payload(marker)], dtype=object), allow_pickle=True)
    forged = _forge(path, tmp_path / "f.skrnn", {"arrays/0.npy": npy.getvalue()})
    with pytest.raises(ValueError, match=r"arrays/0\.npy .*Object arrays cannot be loaded"):
        load_model(forged)
    assert not marker.exists()


@pytest.mark.parametrize(
    "forge, refused",
    [
        (lambda tree: tree["object"].update({"class": "builtins.eval"}), "builtins.eval"),
        (
            lambda tree: _state(tree)["steps"][0]["tuple"][1]["object"].update(
                {"class": "os.system"}
            ),
            "os.system",
        ),  # fmt: skip
        (lambda tree: _state(tree).update({"hook": {"name": "os.system"}}), "os.system"),
        (lambda tree: _state(tree).update({"hook": {"name": "skrnn.cli.main"}}), "skrnn.cli.main"),
    ],
    ids=["root-class", "step-class", "function", "untrusted-skrnn-function"],
)
def test_a_tree_naming_an_untrusted_class_or_function_is_refused(
    saved_naive, tmp_path, forge, refused
):
    _, path = saved_naive
    tree = _tree(path)
    forge(tree)
    forged = _forge(path, tmp_path / "f.skrnn", {"model.json": json.dumps(tree).encode()})
    with pytest.raises(ValueError, match=rf"names the .*'{refused}' .*trusted=\['{refused}'\]"):
        load_model(forged)


def test_a_subclass_of_a_trusted_class_needs_trusting(xy, tmp_path):
    pipe = make_pipeline(
        _MinMaxScaler(), SlidingWindowTransformer(window=3), PersistenceRegressor()
    ).set_output(transform="pandas")
    pipe.fit(*xy)
    path = save_model(pipe, tmp_path / "subclass.skrnn")
    with pytest.raises(ValueError, match=r"names the class '\w*\.?_MinMaxScaler' \(at Pipeline"):
        load_model(path)
    loaded = load_model(path, trusted=[_MinMaxScaler])
    assert_array_equal(loaded.predict(xy[0]), pipe.predict(xy[0]))


def test_a_network_with_a_lambda_layer_is_refused(saved_conformal, marker, tmp_path):
    data = _keras_bytes(_lambda_network(marker), tmp_path)
    (tmp_path / "lambda.keras").write_bytes(data)
    with pytest.raises(ValueError, match="lambda"):  # Keras' own safe mode refuses it too
        keras.saving.load_model(tmp_path / "lambda.keras", safe_mode=True)
    forged = _forge(saved_conformal, tmp_path / "f.skrnn", {"networks/0.keras": data})
    with pytest.raises(ValueError, match=r"network \(at .*model_\) with a Python lambda"):
        load_model(forged)
    assert not marker.exists()


def test_a_network_naming_a_module_outside_keras_is_refused(saved_conformal, tmp_path):
    genuine = _read(saved_conformal)[1]["networks/0.keras"]

    def to_os_system(config):
        _layer(config, "output").update({"module": "os", "class_name": "system"})

    network = _with_config(genuine, to_os_system)
    forged = _forge(saved_conformal, tmp_path / "f.skrnn", {"networks/0.keras": network})
    with pytest.raises(ValueError, match=r"names os\.system, which is neither Keras' own"):
        load_model(forged)


def test_a_network_calling_a_keras_function_safe_mode_forbids_is_refused(
    saved_conformal, marker, tmp_path
):
    genuine = _read(saved_conformal)[1]["networks/0.keras"]
    source = tmp_path / "source.txt"
    source.write_text("downloaded")

    def to_get_file(config):
        _layer(config, "output").update(
            module="keras.utils",
            class_name="get_file",
            config={"fname": str(marker), "origin": source.as_uri()},
        )

    network = _with_config(genuine, to_get_file)
    forged = _forge(saved_conformal, tmp_path / "f.skrnn", {"networks/0.keras": network})
    with pytest.raises(
        ValueError,
        match=r"Keras would not load in safe mode: Cannot deserialize `keras.utils.get_file`",
    ):
        load_model(forged)
    assert not marker.exists()


def _header(**changes):
    header = {"format": 1, "model": "ConformalForecaster", "skrnn": "0.1.0", **changes}
    return json.dumps(header).encode() + b"\n"


def _save_in_the_pickle_format(model, path):
    """What save_model wrote before format 2: the header, then joblib's pickle."""
    with open(path, "wb") as file:
        file.write(b"skrnn model file\n" + _header(model=type(model).__name__))
        joblib.dump(model, file)
    return path


def test_a_pickle_file_is_refused_without_the_opt_in(marker, tmp_path):
    path = tmp_path / "old.skrnn"
    path.write_bytes(b"skrnn model file\n" + _header() + pickle.dumps(_Payload(marker)))
    with pytest.raises(ValueError, match=r"former format, a pickle .*trust_pickle=True\) .*again"):
        load_model(path)
    assert not marker.exists()
    # The opt-in is what stands between the file and its code.
    load_model(path, trust_pickle=True)
    assert marker.exists()


def test_a_genuine_pickle_file_loads_with_the_opt_in_and_saves_anew(conformal, frame, tmp_path):
    old = _save_in_the_pickle_format(conformal, tmp_path / "old.skrnn")
    loaded = load_model(old, trust_pickle=True)
    assert_frame_equal(loaded.forecast(frame), conformal.forecast(frame), check_exact=True)
    new = load_model(save_model(loaded, tmp_path / "new.skrnn"))
    assert_frame_equal(new.forecast(frame), conformal.forecast(frame), check_exact=True)


def _truncated(data):
    return data[: len(data) // 2]


def _garbled(data):
    middle = len(data) // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64]) + data[middle + 64 :]


@pytest.mark.parametrize("damage", [_truncated, _garbled], ids=["truncated", "garbled"])
def test_a_damaged_container_is_a_clear_error(saved_conformal, tmp_path, damage):
    path = tmp_path / "damaged.skrnn"
    path.write_bytes(damage(saved_conformal.read_bytes()))
    with pytest.raises(ValueError, match="is a skrnn model file, but it could not be read"):
        load_model(path)


@pytest.mark.parametrize(
    "tree",
    [
        {"ref": 3},
        {"array": 99},
        {"array": "../../etc/passwd"},
        {"object": {"class": "sklearn.preprocessing.MinMaxScaler", "state": [1]}},
        {"unknown": 1},
        {"dict": [[["unhashable"], 1]]},
    ],
    ids=["ref", "missing-array", "array-by-path", "state-not-a-dict", "unknown-kind", "key"],
)
def test_a_damaged_tree_is_a_clear_error(saved_naive, tmp_path, tree):
    _, path = saved_naive
    forged = _forge(path, tmp_path / "f.skrnn", {"model.json": json.dumps(tree).encode()})
    with pytest.raises(ValueError, match="is a skrnn model file, but it could not be read"):
        load_model(forged)


def test_a_missing_tree_is_a_clear_error(saved_naive, tmp_path):
    _, path = saved_naive
    with open(path, "rb") as file:
        start = file.readline() + file.readline()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("arrays/0.npy", b"")
    forged = tmp_path / "f.skrnn"
    forged.write_bytes(start + buffer.getvalue())
    with pytest.raises(ValueError, match="could not be read .*model.json"):
        load_model(forged)


@pytest.mark.parametrize(
    "content, match",
    [
        (b"date,closed_price\n2021/5/6,1.0\n", "is not a skrnn model file.*'date,closed_price'"),
        (b"", "is not a skrnn model file"),
        (b"skrnn model file\n{not json\n", "header is damaged"),
        (b"skrnn model file\n" + _header(format=2, skrnn="9.9.0"), "written by skrnn 9.9.0"),
        (b"skrnn model file\n" + _header(format=3), "file format 3"),
        (b"skrnn model file\n" + _header(format=2) + b"PK\x03\x04garbage", "could not be read"),
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


@pytest.mark.parametrize("trusted", ["mypackage.MyEstimator", [3]])
def test_trusted_must_be_a_list_of_classes_functions_or_names(saved_naive, trusted):
    with pytest.raises(ValueError, match="trusted"):
        load_model(saved_naive[1], trusted=trusted)


# -- the command line -------------------------------------------------------------


def test_forecast_refuses_a_hostile_file_in_one_line(saved_naive, marker, tmp_path, capsys):
    _, path = saved_naive
    forged = _forge(path, tmp_path / "f.skrnn", {"arrays/0.npy": pickle.dumps(_Payload(marker))})
    assert main(["forecast", "--model", str(forged), "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("skrnn forecast: error: ")
    assert "no pickled data" in err and not marker.exists()


def test_forecast_reads_a_pickle_file_only_with_the_flag_and_warns(conformal, tmp_path, capsys):
    old = _save_in_the_pickle_format(conformal, tmp_path / "old.skrnn")
    argv = ["forecast", "--model", str(old), "--out", str(tmp_path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--trust-pickle" in err
    assert main([*argv, "--trust-pickle"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("skrnn forecast: warning: --trust-pickle") and "runs code" in err
    assert (tmp_path / "forecast.csv").exists()
