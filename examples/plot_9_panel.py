"""
==========================================
Five stocks, one network: a global GRU
==========================================

A user with several stocks can compare models on each one alone, each network
learning from one short series; or train one network on all of them, a
*global* network, as the forecasting competitions since M4 found works best
for neural networks. This example does both on the bundled panel of five
stocks (AAPL, IBM, MSFT, GOOG and FB, 2000 to 2013; FB starts in 2012), next
to the naive forecast and a linear autoregression per stock, for the next day
and for the whole next week, with and without covariates, and says for each
comparison whether the difference is significant.

The networks are small and train for few epochs, so that the example runs in
under a minute: read the numbers as an illustration.
"""

# %%
# The panel
# ---------
#
# :func:`~skrnn.datasets.load_wiki_stocks` returns a long table indexed by
# (ticker, date). The comparison uses the two years up to March 2013, which
# FB's first months join. (All imports come first.)
import matplotlib.pyplot as plt
import pandas as pd
from skrnn.datasets import load_wiki_stocks, make_forecast_xy
from skrnn.forecasting import ConformalForecaster
from skrnn.model_selection import compare

panel = load_wiki_stocks()[["Close", "Volume"]]
panel = panel[panel.index.get_level_values("date") >= "2011-03-01"]
print(panel.groupby(level="Ticker").size().to_string())

# %%
# The settings every comparison below shares: one GRU family, a window of a
# week, eight units, six epochs at most.
SETTINGS = dict(
    target="Close", models=["gru"], windows=[5], units=[8], epochs=6, patience=2,
    n_splits=2, random_state=0,
)  # fmt: skip
COLUMNS = ["test_mase", "ratio_to_naive", "verdict"]


def show(table, columns=COLUMNS):
    """A results table, narrow enough to read: its scores rounded."""
    with pd.option_context("display.width", 79, "display.max_colwidth", 34):
        print(table[columns].round(3).to_string())


# %%
# Tomorrow: one global network against a network per stock
# --------------------------------------------------------
#
# :func:`~skrnn.model_selection.compare` on a panel tunes each family's
# global network (:class:`~skrnn.SeriesScaledRegressor`: every stock in units
# of its own size) with :class:`~skrnn.model_selection.PanelSplit`, folds by
# date, and with ``per_series_networks=True`` the same network fitted on each
# stock alone. The naive forecast and the linear model are fitted per stock.
# The test period is the last quarter of the dates, shared by every stock.
#
# The scores are scale-free, so that AAPL at 400 dollars and MSFT at 30 count
# alike: ``test_mase`` is each stock's mean absolute error divided by its
# in-sample naive error, averaged over the stocks; ``ratio_to_naive`` is each
# stock's RMSE over the naive forecast's, averaged. The verdicts are
# Diebold-Mariano tests of the day-by-day mean over the stocks of the scaled
# squared-error differences.
next_day = compare(panel, per_series_networks=True, **SETTINGS)
print("left out:", next_day.left_out or "none")
show(next_day.results)

# %%
# The global network against the network per stock, and each against the
# linear model:
show(next_day.results, ["verdict_global"])
show(next_day.results, ["verdict_linear"])

# %%
# Each stock's own scores (``results_by_series``, which ``skrnn compare``
# writes to ``results_by_series.csv``):
by_stock = next_day.results_by_series["ratio_to_naive"].unstack("name")
print(by_stock.round(3).to_string())

# %%
# The next week, with covariates
# ------------------------------
#
# With ``horizon=5`` each network has five outputs, one per day of the next
# week (the direct strategy: no forecast is fed back as an input). The
# networks also read the volume of the day the forecast is made (a past
# covariate) and the calendar of each day forecast, known in advance. The test
# period starts four days after the last training day, so that no training
# target lies in it.
week = compare(
    panel, horizon=5, covariates=["Volume"], calendar=True, series_identity=True,
    per_series_networks=True, **SETTINGS,
)  # fmt: skip
show(week.results)
show(week.results, ["verdict_global"])

# %%
# Per step: the error grows with the horizon for every model, and the tests
# are made step by step.
steps = week.results_by_horizon
print(steps["test_mase"].unstack("horizon").round(3).to_string())
print(steps.loc["GRU", "verdict"].to_string())

# %%
# Intervals, step by step
# -----------------------
#
# :class:`~skrnn.forecasting.ConformalForecaster` learns the global network's
# errors on folds by date (each divided by its own stock's volatility), and
# gives each step its own interval. How often did they hold on the test
# period? The forecaster is fitted on the comparison's training rows and asked
# for the intervals of the days after them, each from what was known on its
# day.
X, y = make_forecast_xy(
    panel,
    target="Close",
    horizon=[1, 2, 3, 4, 5],
    features=["Close", "Volume"],
)
dates = X.index.get_level_values("date")
train = dates <= week.train_dates[-1]
forecaster = ConformalForecaster(
    week.estimators["GRU"], horizon=[1, 2, 3, 4, 5], cv=2
)
forecaster.fit(X[train], y[train])
_, bounds = forecaster.predict_interval(X[~train], level=[80, 95])
tested = dates[~train] >= week.test_dates[0]
truth = y[~train].to_numpy()[tested]
for k, level in enumerate([80, 95]):
    lower, upper = bounds[tested, :, 0, k], bounds[tested, :, 1, k]
    shares = 100 * ((lower <= truth) & (truth <= upper)).mean(axis=0)
    print(
        f"{level} % intervals held, steps 1-5:",
        " ".join(f"{v:.0f}" for v in shares),
    )

# %%
# The same week without the covariates, for the comparison:
plain = compare(panel, horizon=5, **SETTINGS)
show(plain.results)

# %%
# The path of the last test week for one stock: what each model forecast on
# the day the week began, against what happened.
predictions = week.predictions.loc["IBM"]
start = predictions.index[-1]
days = pd.bdate_range(start, periods=6)[1:]
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
history = panel.loc["IBM", "Close"].loc[:start].iloc[-15:]
ax.plot(history.index, history, color="black", label="close")
ax.plot(
    days,
    predictions.loc[start, "y_true"],
    color="black",
    linestyle=":",
    label="what came",
)
for name in ["naive", "linear", "GRU"]:
    ax.plot(days, predictions.loc[start, name], marker="o", label=name)
ax.set_title(f"IBM: the path forecast on {start.date()}")
ax.legend()
plt.show()

# %%
# Conclusion
# ----------
#
# On daily closes of large stocks, nothing here is clearly better than
# "tomorrow = today", one day or five days ahead. The networks, global or per
# stock, start as the naive forecast and keep what they learned only where it
# beats that start on their validation days: for the next day, the global
# network kept its start, and the networks per stock moved little from theirs.
# With the volume and the calendar, the global network learned something,
# and the test period does not find it better than naive. Whether a network
# per stock beats the global one is the third verdict of each table; with
# tiny networks and a few epochs, neither has much to show. The linear model,
# fitted per stock on the same inputs, is worse than naive in every table;
# with the covariates it reads a hundred numbers per window from about four
# hundred days of one stock, and overfits. The intervals, from the global
# network's errors scaled by each stock's volatility, held on close to 80 %
# and 95 % of the test days at every step. Whether the covariates help is read
# from the two tables of the week: the same verdicts against the same
# baselines, with and without them. On series with structure that many series
# share (seasons, cycles), a global network has more to learn from than any
# one series; see :ref:`panels` and
# :ref:`sphx_glr_auto_examples_plot_8_sunspots.py`.
