"""The ``skrnn compare`` command, end to end on a small CSV and on bad input."""

import contextlib
import importlib.util
import inspect
import io
import os
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skrnn.cli import main
from skrnn.model_selection import compare

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _write_lecture_csv(path, n_rows, seed=0):
    rng = np.random.RandomState(seed)
    prices = 20_000 + np.cumsum(rng.normal(0, 150, n_rows))
    dates = pd.bdate_range("2021-05-06", periods=n_rows)
    lines = ["date,closed_price"] + [
        f'{d.year}/{d.month}/{d.day},"{p:,.2f}"' for d, p in zip(dates, prices, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """The quick run's exit status, output folder and what it printed on stdout."""
    folder = tmp_path_factory.mktemp("compare")
    csv = _write_lecture_csv(folder / "nikkei_stock_price.csv", 244)
    out = folder / "results"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["compare", str(csv), "--quick", "--out", str(out)])
    return status, out, printed.getvalue()


def test_quick_run_succeeds(quick_run):
    status, _, _ = quick_run
    assert status == 0


def test_quick_run_writes_the_table_to_csv(quick_run):
    _, out, _ = quick_run
    table = pd.read_csv(out / "results.csv")
    assert list(table["name"]) == ["naive", "linear", "RNN", "LSTM", "LSTM (peephole)", "GRU"]
    assert table.loc[0, "ratio_to_naive"] == pytest.approx(1.0)
    assert np.isfinite(table[["cv_rmse_mean", "test_rmse", "test_mae", "test_mape"]]).all().all()
    assert (table["test_rmse"] > 0).all()


def test_quick_run_prints_the_split_and_the_table(quick_run):
    _, out, printed = quick_run
    split, header, rule, *rows, wrote = printed.splitlines()
    # 244 business days from 2021-05-06: 243 pairs, 183 to tune, 60 to test.
    days = pd.bdate_range("2021-05-06", periods=244)
    assert split == (
        f"244 rows; tuning on {days[1].date()} .. {days[183].date()}, "
        f"testing on {days[184].date()} .. {days[-1].date()} (days forecast)"
    )
    assert header.split() == [
        "model", "best", "parameters", "CV", "RMSE", "±", "std", "test", "RMSE", "MAE",
        "MAPE", "%", "/", "naive", "/", "linear", "fit", "s", "Diebold-Mariano", "test", "vs",
        "naive", "vs", "linear",
    ]  # fmt: skip
    assert set(rule) == {"-"} and len(rule) == len(header)
    table = pd.read_csv(out / "results.csv", index_col="name")
    assert [row[:16].strip() for row in rows] == list(table.index)
    for row, (name, result) in zip(rows, table.iterrows(), strict=True):
        # The numbers start after the parameters' column, as wide as its longest entry.
        numbers = row[header.index("CV RMSE") - 2 :].split()[:8]
        assert numbers == [
            f"{result.cv_rmse_mean:.2f}", f"{result.cv_rmse_std:.2f}",
            f"{result.test_rmse:.2f}", f"{result.test_mae:.2f}", f"{result.test_mape:.2f}",
            f"{result.ratio_to_naive:.3f}", f"{result.ratio_to_linear:.3f}",
            f"{result.fit_seconds:.1f}",
        ], name  # fmt: skip
        assert f" {result.verdict} " in row and row.endswith(result.verdict_linear)
    assert wrote == f"wrote results.csv, learning_history.png and predictions.png to {out}"


def test_quick_run_writes_the_two_figures(quick_run):
    _, out, _ = quick_run
    for name in ("learning_history.png", "predictions.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000


def test_table_and_progress_on_the_terminal(tmp_path, capsys):
    csv = _write_lecture_csv(tmp_path / "prices.csv", 150)
    # One process: progress lines from worker processes would bypass capsys.
    argv = ["compare", str(csv), "--quick", "--models", "gru", "--n-jobs", "1"]
    status = main([*argv, "--out", str(tmp_path / "r")])
    captured = capsys.readouterr()
    assert status == 0
    assert "test RMSE" in captured.out and "GRU" in captured.out and "naive" in captured.out
    assert "/ linear" in captured.out and "vs linear" in captured.out
    assert "[9/9 " in captured.err  # naive, linear and GRU: 2 folds and a refit each
    assert "GRU window=5 units=4 layers=1 residual=True" in captured.err


def test_figures_name_the_series_and_lay_out_for_a_page(tmp_path, monkeypatch):
    """The column the series comes from labels it (spelled as in the file), the
    naive forecast is "naive", and four networks take a 2 x 2 grid."""
    from matplotlib.figure import Figure

    saved = {}
    monkeypatch.setattr(Figure, "savefig", lambda fig, path, **kw: saved.update({path: fig}))
    csv = _write_lecture_csv(tmp_path / "prices.csv", 150)
    argv = ["compare", str(csv), "--quick", "--value-column", "CLOSED_PRICE", "--n-jobs", "1"]
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--out", str(tmp_path / "r")]) == 0
    figures = {os.path.basename(path): fig for path, fig in saved.items()}
    predictions = figures["predictions.png"]
    legend = [text.get_text() for text in predictions.legends[0].get_texts()]
    assert legend == ["closed_price", "prediction", "naive"]
    for fig in figures.values():
        spans = [(ax.get_subplotspec().rowspan.start, ax.get_subplotspec().colspan.start)
                 for ax in fig.axes]  # fmt: skip
        assert spans == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_compare_options_take_compare_s_defaults_and_show_them(capsys):
    from skrnn.cli import _parser

    parameters = inspect.signature(compare).parameters
    args = vars(_parser().parse_args(["compare"]))
    passed = {name: value for name, value in args.items() if name in parameters}
    assert {"horizon", "models", "windows", "units", "n_splits", "epochs", "random_state"} <= set(
        passed
    )
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for name, value in passed.items():
        default = parameters[name].default
        assert value == (list(default) if isinstance(default, tuple) else default), name
        # Words, or not at all; a flag (False unless given) shows no default.
        if default not in (None, False) and name not in ("residual", "n_jobs"):
            listed = " ".join(map(str, default)) if isinstance(default, tuple) else default
            assert f"(default: {listed})" in shown, name
    assert f"The last {100 * parameters['test_size'].default:g} % of the series" in shown


@pytest.fixture
def options_of_compare(tmp_path, monkeypatch):
    """Run ``skrnn compare`` on a small CSV with more arguments, and return the
    options it called :func:`skrnn.model_selection.compare` with (the call stops there)."""
    import skrnn.model_selection

    seen = {}

    def compare(frame, **options):
        seen.update(options)
        raise ValueError("stop here")

    monkeypatch.setattr(skrnn.model_selection, "compare", compare)
    csv = _write_lecture_csv(tmp_path / "prices.csv", 150)

    def run(*argv):
        assert main(["compare", str(csv), *argv]) == 1
        return seen

    return run


def test_training_options_reach_the_grid(options_of_compare):
    seen = options_of_compare(
        "--residual", "naive", "linear", "off", "--inputs", "levels", "from_newest",
        "--learning-rate", "0.01", "0.001", "--weight-decay", "0", "0.001", "--dropout", "0.1",
        "--batch-size", "8", "16", "--patience", "20", "--n-seeds", "2", "--significance", "none",
    )  # fmt: skip
    assert seen["residual"] == [True, "linear", False]
    assert seen["inputs"] == ["levels", "from_newest"]
    assert seen["learning_rate"] == [0.01, 0.001] and seen["weight_decay"] == [0.0, 0.001]
    assert seen["dropout"] == [0.1] and seen["batch_size"] == [8, 16]
    assert seen["patience"] == [20] and seen["n_seeds"] == 2 and seen["significance"] is None


def test_training_options_left_out_are_chosen_by_compare(options_of_compare):
    seen = options_of_compare()
    assert seen["residual"] == [True, "linear"] and seen["significance"] == 0.05
    for name in ("learning_rate", "batch_size", "patience", "n_seeds"):
        assert seen[name] is None


def _one_line_error(captured):
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    "content, match",
    [
        ('date,closed_price\n2021/5/6,"29,331.37"\n2021/5/7,abc\n', "line 3"),
        ("date,price\n2021/5/6,1.0\n", "closed_price"),
        ("", "empty"),
    ],
)
def test_bad_csv_is_a_one_line_error(tmp_path, capsys, content, match):
    csv = tmp_path / "bad.csv"
    csv.write_text(content)
    assert main(["compare", str(csv), "--quick", "--out", str(tmp_path)]) == 1
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn compare: error:") and match in line


def test_missing_file_is_a_one_line_error(tmp_path, capsys):
    assert main(["compare", str(tmp_path / "nowhere.csv"), "--quick"]) == 1
    assert "nowhere.csv" in _one_line_error(capsys.readouterr())


def test_series_too_short_for_the_windows_is_a_one_line_error(tmp_path, capsys):
    csv = _write_lecture_csv(tmp_path / "short.csv", 30)
    assert main(["compare", str(csv), "--window", "20", "--out", str(tmp_path)]) == 1
    assert "too short" in _one_line_error(capsys.readouterr())


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "--bogus"],
        ["compare", "--window", "0"],
        ["compare", "--residual", "maybe"],
        ["compare", "--inputs", "diffs"],
        ["compare", "--learning-rate", "0"],
        ["compare", "--weight-decay", "-1"],
        ["compare", "--dropout", "1"],
        ["compare", "--batch-size", "0"],
        ["compare", "--n-seeds", "0"],
        ["compare", "--significance", "2"],
    ],
)
def test_bad_option_is_a_one_line_error(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn") and "error:" in line


def test_console_script_exits_non_zero_without_a_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "skrnn.cli", "compare", "--last", "x"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    folder = tmp_path_factory.mktemp("forecast")
    csv = _write_lecture_csv(folder / "prices.csv", 150)
    argv = ["compare", str(csv), "--quick", "--models", "gru", "--n-jobs", "1"]
    status = main([*argv, "--out", str(folder / "r"), "--save", str(folder / "models")])
    return status, csv, folder / "models"


def test_compare_saves_one_model_file_per_model(saved_models):
    status, _, models = saved_models
    assert status == 0
    assert sorted(p.name for p in models.iterdir()) == ["gru.skrnn", "linear.skrnn", "naive.skrnn"]


@pytest.mark.parametrize("model", ["naive", "gru"])
def test_forecast_prints_a_dated_table_and_writes_csv_and_figure(
    saved_models, tmp_path, capsys, model
):
    _, csv, models = saved_models
    argv = ["forecast", str(csv), "--model", str(models / f"{model}.skrnn")]
    assert main([*argv, "--level", "80", "95", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    last_day = pd.bdate_range("2021-05-06", periods=150)[-1]
    next_day = last_day + pd.offsets.BDay(1)
    assert f"prices up to {last_day.date()}" in out
    assert "80 % lower" in out and "95 % upper" in out
    assert str(next_day.date()) in out
    table = pd.read_csv(tmp_path / "forecast.csv", index_col="date", parse_dates=True)
    assert list(table.index) == [next_day]
    assert list(table.columns) == [
        "horizon", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
    ]  # fmt: skip
    assert (table["lower_95"] < table["forecast"]).all()
    assert (table["forecast"] < table["upper_95"]).all()
    data = (tmp_path / "forecast.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10_000


def test_forecast_of_a_file_that_is_not_a_model_is_a_one_line_error(saved_models, tmp_path, capsys):
    _, csv, _ = saved_models
    assert main(["forecast", str(csv), "--model", str(csv), "--out", str(tmp_path)]) == 1
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn forecast: error:") and "is not a skrnn model file" in line


def test_forecast_from_a_csv_ending_before_the_training_end_is_a_one_line_error(
    saved_models, tmp_path, capsys
):
    _, csv, models = saved_models
    short = tmp_path / "short.csv"
    short.write_text("\n".join(csv.read_text().splitlines()[:60]) + "\n")
    argv = ["forecast", str(short), "--model", str(models / "naive.skrnn")]
    assert main([*argv, "--out", str(tmp_path)]) == 1
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn forecast: error:") and "before the model's training end" in line


def test_forecast_for_a_horizon_the_model_was_not_trained_for_is_a_one_line_error(
    saved_models, tmp_path, capsys
):
    _, csv, models = saved_models
    argv = ["forecast", str(csv), "--model", str(models / "gru.skrnn"), "--horizon", "5"]
    assert main([*argv, "--out", str(tmp_path)]) == 1
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn forecast: error:") and "not trained for horizon 5" in line


@pytest.mark.parametrize("argv", [["forecast"], ["forecast", "--model", "m", "--level", "100"]])
def test_bad_forecast_option_is_a_one_line_error(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    line = _one_line_error(capsys.readouterr())
    assert line.startswith("skrnn forecast: error:")


def test_forecast_with_a_saved_model_that_has_no_intervals_is_a_one_line_error(
    saved_models, tmp_path, capsys
):
    from skrnn import PersistenceRegressor
    from skrnn.forecasting import save_model

    _, csv, _ = saved_models
    prices = np.arange(10.0)
    path = save_model(PersistenceRegressor().fit(prices[:-1, None], prices[1:]), tmp_path / "m")
    assert main(["forecast", str(csv), "--model", path, "--out", str(tmp_path)]) == 1
    line = _one_line_error(capsys.readouterr())
    assert "holds a PersistenceRegressor, not a ConformalForecaster" in line


def test_backend_option_names_an_installed_backend(tmp_path, capsys, monkeypatch):
    import keras

    monkeypatch.setenv("KERAS_BACKEND", keras.backend.backend())
    other = "torch" if keras.backend.backend() != "torch" else "jax"
    csv = _write_lecture_csv(tmp_path / "prices.csv", 150)
    status = main(["compare", str(csv), "--quick", "--backend", other])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("\n") == 1 and err.startswith("skrnn compare: error: ")
    assert repr(other) in err


# Any line TensorFlow (or absl, oneDNN, CUDA) writes: absl's prefix, or their names.
TENSORFLOW_LINE = re.compile(r"^[IWEF]\d{4} |absl|oneDNN|cuda|cuInit|TensorFlow|tensorflow", re.M)
BACKENDS = [b for b in ("jax", "tensorflow") if importlib.util.find_spec(b)]


def _run_quietly(argv, backend):
    """The command's output, stdout then stderr, run as a user runs it on `backend`."""
    env = {**os.environ, "KERAS_BACKEND": backend}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # the command must not need it
    result = subprocess.run(
        [sys.executable, "-m", "skrnn.cli", *argv], capture_output=True, text=True, env=env
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "wrote " in result.stdout, output
    return output


@pytest.mark.parametrize("backend", BACKENDS)
def test_compare_prints_no_tensorflow_line(tmp_path, backend):
    import keras

    csv = _write_lecture_csv(tmp_path / "prices.csv", 150)
    # On the suite's backend, two worker processes, which import TensorFlow too.
    n_jobs = "2" if backend == keras.backend.backend() else "1"
    argv = ["compare", str(csv), "--quick", "--models", "gru", "--n-jobs", n_jobs]
    output = _run_quietly([*argv, "--out", str(tmp_path)], backend)
    assert TENSORFLOW_LINE.findall(output) == [], output
    assert "[9/9 " in output


def test_forecast_prints_no_tensorflow_line(saved_models, tmp_path):
    import keras

    _, csv, models = saved_models
    argv = ["forecast", str(csv), "--model", str(models / "gru.skrnn"), "--out", str(tmp_path)]
    output = _run_quietly(argv, keras.backend.backend())
    assert TENSORFLOW_LINE.findall(output) == [], output


def test_the_filter_passes_on_what_is_not_tensorflow_chatter(capfd):
    from skrnn._quiet import without_tensorflow_chatter

    lines = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1796524853.201843    7390 port.cc:153] oneDNN custom operations are on.",
        "E0000 00:00:1796525559.257736   13962 cuda_platform.cc:52] failed call to cuInit: x",
        "E0000 00:00:1796525559.257736   13962 some_op.cc:52] a real error",
        "Traceback (most recent call last):",
    ]
    with without_tensorflow_chatter():
        for line in lines:
            os.write(2, f"{line}\n".encode())
    assert capfd.readouterr().err.splitlines() == lines[3:]
