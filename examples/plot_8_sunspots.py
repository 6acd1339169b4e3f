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
forecast, is the difference real, and do they beat a linear autoregression on
the same windows?
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
print(f"{len(sunspots)} years, {sunspots.index[0].year} to {sunspots.index[-1].year}")

# %%
# The comparison
# --------------
#
# The defaults of ``skrnn compare`` (16 units, one layer, the skip connection
# from the newest year, patience 10), the two windows, seed 0. The table has
# the naive forecast, the linear baseline (a ridge regression on the same
# scaled windows, its window tuned as the networks' are) and each network
# family; ``ratio_to_naive`` is the test RMSE over the naive forecast's
# (Theil's U2), and the verdict is the Diebold-Mariano test of the test-period
# errors against the naive forecast's.
result = compare(sunspots, windows=(11, 20), random_state=0)
table = result.results
shown = table.assign(
    params=[" ".join(f"{k}={v}" for k, v in p.items()) for p in table.params]
)
columns = ["params", "cv_rmse_mean", "test_rmse", "ratio_to_naive", "verdict"]
print(shown[columns].round(3).to_string())

# %%
# Every network family beats the naive forecast, and the test says the
# difference is real:
networks = table.drop(["naive", "linear"])
for name, row in networks.iterrows():
    print(f"{name}: {1 - row.ratio_to_naive:.0%} lower RMSE than naive, "
          f"p = {row.dm_pvalue:.1g}")  # fmt: skip

# %%
# A network against the linear baseline
# -------------------------------------
#
# Beating "next year = this year" on a cyclical series is the low bar. The
# linear autoregression is the high one: a network with a skip connection is a
# linear model of the newest step plus what its recurrent part learns, and the
# ridge regression sees the whole window linearly. The same test, between the
# best network and the linear baseline:
best = networks["test_rmse"].idxmin()
predictions = result.predictions
test = diebold_mariano(predictions["y_true"], predictions[best], predictions["linear"])
ratio = table.loc[best, "test_rmse"] / table.loc["linear", "test_rmse"]
print(f"best network: {best}, RMSE {ratio:.3f} x the linear baseline's, "
      f"two-sided p = {test.pvalue:.2g}")  # fmt: skip

# %%
# On this series the cycle is largely a linear oscillation of the last decade
# or two: the linear baseline is as hard to beat as the naive forecast is on
# stock prices. A p-value above 0.05 in the line above means that this test
# period cannot tell the best network and the linear model apart; a ratio
# above 1 with a small p-value means the linear model is really better. Either
# way the report keeps the network honest: a network that "beats the naive
# forecast" has cleared only the first bar.
#
# The figure shows the test period: the naive forecast a year late at every
# turn, the best network and the linear baseline close to each other.
figure = plot_predictions(
    predictions["y_true"],
    {best: predictions[best].to_numpy(), "linear": predictions["linear"].to_numpy()},
    naive=predictions["naive"].to_numpy(),
    title="Yearly sunspot numbers, test period",
    ylabel="sunspot number",
    ncols=1,
)
plt.figure(figure)
plt.show()
