"""
=====================================
A series with something to learn
=====================================

On daily index closes nothing beats the naive forecast "tomorrow = today" by
more than noise, and :func:`~skrnn.model_selection.compare` says so. The yearly
sunspot numbers are different: solar activity rises and falls over a cycle of
about eleven years, and the naive forecast lags every turn of it. This example
runs the same comparison on them (every network family tuned with time-series
cross-validation, refitted, and scored on the last quarter of the series) and
asks the questions an expert asks first: do the networks beat the naive
forecast, do they beat a linear autoregression on the same windows, and is
the difference real?
"""

# %%
# The series
# ----------
#
# 309 yearly means, 1700 to 2008, shipped with skrnn
# (:func:`~skrnn.datasets.load_sunspots`). Windows of 11 and 20 years hold one
# and about two cycles. (All imports come first.)
import matplotlib.pyplot as plt
from skrnn import diebold_mariano
from skrnn.datasets import load_sunspots
from skrnn.model_selection import compare
from skrnn.plotting import plot_predictions

sunspots = load_sunspots()
first, last = sunspots.index[0].year, sunspots.index[-1].year
print(f"{len(sunspots)} years, {first} to {last}")

# %%
# The comparison
# --------------
#
# The defaults of ``skrnn compare``, the two windows, seed 0. Each network
# family has four candidates: two windows, times two starts of its skip
# connection, the naive forecast (``residual=True``) and the linear
# autoregression on the window (``residual="linear"``: the network begins as
# the linear model and learns what it misses). 231 tuning years make a short
# series, so each candidate is an ensemble of three seeds trained with
# batches of 16 rows and a learning rate of 0.01. The table has the naive
# forecast, the linear baseline (a ridge regression on the same scaled
# windows, its window tuned as the networks' are) and each family; the ratios
# are test RMSEs over the naive forecast's and the linear model's, and the
# verdicts the Diebold-Mariano tests of the test-period errors against each.
result = compare(sunspots, windows=(11, 20), random_state=0)
table = result.results
columns = ["learned", "cv_rmse_mean", "ratio_to_naive", "ratio_to_linear"]
print(table[columns].round(3).to_string())
# The chosen parameters and the two verdicts, one model per line, to fit the page.
for name, row in table.iterrows():
    params = " ".join(f"{k}={v}" for k, v in row.params.items()) or "-"
    print(f"{name}: {params}")
    print(f"    {row.verdict}; {row.verdict_linear}")

# %%
# Every network beats the naive forecast by 42 % of its RMSE, and is exactly
# the linear model: each kept its start (``learned`` is False). Why? In the
# cross-validation the networks learned freely, and the selection then asked
# whether the best candidate of each family beat the best baseline (here the
# linear model on 11 years) on the out-of-fold rows, the 171 tuning years of
# the three test folds. The test's p-value for every candidate, and the best
# candidate of each family:
linear_rmse = table.loc["linear", "cv_rmse_mean"]
for name in ["RNN", "LSTM", "GRU"]:
    cv = result.cv_results[name]
    print(
        name,
        cv[["window", "residual", "mean_rmse", "pvalue_vs_reference"]]
        .round(4)
        .to_string(),
    )
    best = cv.loc[cv["mean_rmse"].idxmin()]
    print(f"  best: window={best.window} residual={best.residual}")
    print(f"  fold RMSE {best.mean_rmse:.2f} against the linear model's "
          f"{linear_rmse:.2f}, p = {best.pvalue_vs_reference:.2g}")  # fmt: skip

# %%
# The best candidates' fold RMSEs are within 4 % of the linear model's (the
# GRU's below it, the RNN's and the LSTM's a hair above), and no p-value is
# below 0.05 (0.11 to 0.46): on 171 years, such a gain is within what chance
# gives two equally accurate forecasts. So each network keeps its start, and is
# the linear model. These close calls depend on the backend: this page is built
# on TensorFlow; on JAX the same call lets the GRU pass the test (p = 0.017),
# and it is then 2 % worse than the linear model on the test period, not
# significantly (the user guide's :ref:`compare`).
#
# What the rule prevented
# -----------------------
#
# ``significance=None`` lets the best candidate keep what it learned, whatever
# the test says. The GRU, learning freely, against the linear model on the
# test period:
free = compare(
    sunspots,
    windows=(11, 20),
    models=["gru"],
    random_state=0,
    significance=None,
)
predictions = free.predictions
test = diebold_mariano(
    predictions["y_true"],
    predictions["GRU"],
    predictions["linear"],
    alternative="less",
)
ratio = free.results.loc["GRU", "ratio_to_linear"]
print(f"GRU learning freely: RMSE {ratio:.3f} x the linear model's, "
      f"one-sided p = {test.pvalue:.2g}")  # fmt: skip

# %%
# On the test period the freely learned GRU is 8.5 % worse than the linear
# model (one-sided p = 0.96 for "better"): the rule kept out a network that
# would have done worse than the model it started from. The
# cycle of the sunspots is largely a linear oscillation of the last decade; the
# linear model is as hard to beat here as the naive forecast is on stock
# prices, and a network that "beats the naive forecast" has cleared only the
# first bar. ``benchmarks/skill.py`` measures the same questions on seven
# series with structure and two random walks (the repository's
# ``benchmarks/RESULTS.md``).
#
# The figure shows the test period: the naive forecast a year late at every
# turn, the freely learned GRU and the linear model close to each other.
figure = plot_predictions(
    predictions["y_true"],
    {"GRU (learning freely)": predictions["GRU"].to_numpy(),
     "linear": predictions["linear"].to_numpy()},
    naive=predictions["naive"],
    label="sunspots",
    title="Yearly sunspot numbers, test period",
    ylabel="sunspot number",
    ncols=1,
)  # fmt: skip
plt.figure(figure)
plt.show()
