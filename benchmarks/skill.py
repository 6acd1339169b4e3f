"""Do the networks learn where there is something to learn? Skill on real series.

Runs :func:`skrnn.model_selection.compare`, with its defaults (the training
settings chosen by the series' length, both starts of the skip connection, the
selection's test against the best baseline), on the bundled real series: seven
with structure (cycles, seasons) and two indexes of daily closes (close to
random walks). For each series and seed it records the naive forecast, the
linear autoregression and the network each family selects: test RMSE over the
naive forecast's and over the linear model's, the one-sided Diebold-Mariano
p-values of "the network is more accurate" against each, and whether the
network kept what it learned or its start. The windows (and the season) of each
series are fixed here from its periods, before any run; nothing is chosen on the
test period, which only scores.

Then, over the seeds, the worst case per series and family, and the targets:
on every series with structure the best network no worse than the linear model
(and significantly better on at least half), on the random walks no selected
network above 1.02 times the naive RMSE.

    python benchmarks/skill.py                        # 9 series, seeds 0 1 2
    python benchmarks/skill.py --quick                # a smoke run, seconds
    python benchmarks/skill.py --write                # also into RESULTS.md

Cost: about an hour on two busy CPU cores with JAX (the short series take a
minute or two each per seed, the long ones several); ``--series`` and
``--seeds`` run a part.
"""

import argparse
import json
import os
import re
import shlex
import sys
import time
from pathlib import Path
from typing import NamedTuple

from skrnn._backend import select_backend

HERE = Path(__file__).resolve().parent


class Series(NamedTuple):
    loader: str  # the loader in skrnn.datasets
    what: str
    windows: tuple  # one and two of the series' periods, where they fit the smallest fold
    kind: str = "structure"
    season: int | None = None
    log10: bool = False
    last: int | None = None  # rows, from the end


SERIES = {
    "sunspots": Series("load_sunspots", "yearly, cycle ~11 years", (11, 20)),
    "lynx": Series("load_lynx", "yearly, cycle ~10 years, log10", (5, 10), log10=True),
    "unemployment": Series("load_unemployment", "quarterly, business cycle", (8, 16)),
    "elnino": Series("load_elnino", "monthly, season 12", (12, 24), season=12),
    "airpassengers": Series(
        "load_airpassengers", "monthly, trend, season 12, log10", (12, 24), season=12, log10=True
    ),
    "wineind": Series("load_wineind", "monthly, season 12", (12, 24), season=12),
    "seattle_weather": Series("load_seattle_weather", "daily, yearly season", (7, 28)),
    "sp500": Series("load_sp500", "daily closes, last 1,000", (5, 20), "random walk", last=1000),
    "nasdaq": Series("load_nasdaq", "daily closes, last 1,000", (5, 20), "random walk", last=1000),
}
QUICK_SERIES = ("lynx", "sp500")
FAMILIES = ("rnn", "lstm", "gru")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", choices=SERIES, default=list(SERIES))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--models",
        nargs="+",
        default=list(FAMILIES),
        help="network families (default: rnn lstm gru)",
    )
    parser.add_argument("--quick", action="store_true", help="two short series, tiny networks")
    parser.add_argument(
        "--significance",
        default="0.05",
        help="compare's significance, or none: the networks keep what they learn wherever "
        "their fold RMSE is the lowest (default: 0.05, compare's)",
    )
    parser.add_argument("--json", default=str(HERE / "skill.json"), help="raw results")
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the report into benchmarks/RESULTS.md, its own section",
    )
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"), help=argparse.SUPPRESS)
    parser.add_argument("--backend", default=None, help="Keras backend (default: JAX if installed)")
    parser.add_argument(
        "--from-json",
        metavar="FILE",
        help="report the raw results of an earlier run instead of measuring",
    )
    args = parser.parse_args(argv)
    command = " ".join(["python benchmarks/skill.py", *map(shlex.quote, sys.argv[1:])])
    if args.from_json:
        run = json.loads(Path(args.from_json).read_text())
    else:
        run = _measure(args, command)
        Path(args.json).write_text(json.dumps(run, indent=1) + "\n")
    report = _report(run)
    print(report)
    if args.write:
        _write_section(Path(args.results), report, _section_name(run))
    return 0


def _measure(args, command):
    backend = select_backend(args.backend)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    series = [s for s in args.series if s in QUICK_SERIES] if args.quick else args.series
    seeds = args.seeds[:1] if args.quick else args.seeds
    start = time.perf_counter()
    runs = [_run(name, seed, args) for name in series for seed in seeds]
    return {
        "command": command,
        "backend": backend,
        "seconds": time.perf_counter() - start,
        "runs": runs,
    }


def _run(name, seed, args):
    """One comparison: the rows of the report for one series and seed."""
    import numpy as np

    from skrnn import datasets, diebold_mariano
    from skrnn.model_selection import compare

    series = SERIES[name]
    frame = getattr(datasets, series.loader)()
    if series.last:
        frame = frame.iloc[-series.last :]
    if series.log10:
        frame = np.log10(frame)
    windows, season = series.windows, series.season
    significance = None if args.significance == "none" else float(args.significance)
    options = dict(
        windows=windows,
        season=season,
        models=args.models,
        random_state=seed,
        significance=significance,
    )
    if season:
        options["residual"] = (True, "linear", "seasonal")
    if args.quick:
        options.update(
            models=args.models[:1], units=[4], epochs=3, patience=2, n_seeds=1, windows=windows[:1]
        )
    started = time.perf_counter()
    result = compare(frame, **options)
    seconds = time.perf_counter() - started
    p = result.predictions
    rows = {}
    for model, r in result.results.iterrows():
        one_sided = {
            reference: _one_sided(diebold_mariano, p, model, reference)
            for reference in ("naive", "linear")
        }
        rows[model] = {
            "params": r.params,
            "learned": bool(r.learned),
            "test_rmse": float(r.test_rmse),
            "ratio_to_naive": float(r.ratio_to_naive),
            "ratio_to_linear": float(r.ratio_to_linear),
            "p_better_than_naive": one_sided["naive"],
            "p_better_than_linear": one_sided["linear"],
            "pvalue_vs_reference": _cv_pvalue(result, model),
        }
    days = p.index
    print(f"{name} seed {seed}: {seconds:.0f} s", file=sys.stderr, flush=True)
    return {
        "series": name,
        "what": series.what,
        "kind": series.kind,
        "seed": seed,
        "seconds": seconds,
        "n_rows": len(frame),
        "test": [str(days[0].date()), str(days[-1].date()), len(days)],
        "models": rows,
    }


def _one_sided(diebold_mariano, predictions, model, reference):
    """p-value of "`model` is more accurate than `reference`": NaN for itself, 1 for
    the same forecast (equal up to round-off: no evidence of a gain)."""
    from skrnn.model_selection import SAME_FORECAST_RTOL

    if model == reference:
        return float("nan")
    difference = (predictions[model] - predictions[reference]).abs().max()
    if difference <= SAME_FORECAST_RTOL * predictions["y_true"].abs().max():
        return 1.0
    try:
        test = diebold_mariano(
            predictions["y_true"], predictions[model], predictions[reference], alternative="less"
        )
    except ValueError:
        return float("nan")
    return test.pvalue


def _cv_pvalue(result, model):
    """The smallest p-value, over a network's candidates, of the selection's test."""
    table = result.cv_results[model]
    if "pvalue_vs_reference" not in table:
        return float("nan")
    return float(table["pvalue_vs_reference"].min())


def _free(run):
    """Whether the run let the networks keep what they learned, untested."""
    return "--significance none" in run["command"]


def _section_name(run):
    """The section of RESULTS.md a run's report goes to: one for compare's defaults,
    one for the networks learning freely."""
    return "skill-significance-none" if _free(run) else "skill"


def _report(run):
    runs, command, backend, seconds = run["runs"], run["command"], run["backend"], run["seconds"]
    networks = sorted(
        {m for r in runs for m in r["models"] if m not in ("naive", "linear", "seasonal naive")},
        key=["RNN", "LSTM", "LSTM (peephole)", "GRU"].index,
    )
    seeds = sorted({r["seed"] for r in runs})
    lines = [
        "## Skill on series with structure, and on random walks"
        + (": the networks learning freely" if _free(run) else ""),
        "",
        f"Measured with `{command}` (Keras backend: {backend}; seeds {', '.join(map(str, seeds))}; "
        f"{seconds / 60:.0f} min on a machine shared with other work).",
        "",
        "`skrnn.model_selection.compare` with its defaults"
        + (" but `significance=None` (no test)" if _free(run) else "")
        + " on each series: the last 25 % of the "
        "rows is the test period, everything is tuned on the rest. Per series and network "
        "family, the **worst over the seeds**: test RMSE over the naive forecast's and over the "
        "linear model's (largest), the one-sided Diebold-Mariano p-values of \"more accurate "
        "than naive / than linear\" on the test period (largest); then the best seed's ratio "
        "to linear and p-value, and in how many seeds the network kept what it learned "
        "(else it kept its start, the baseline it begins as).",
        "",
        "| series | kind | test rows | model | / naive | / linear | p vs naive | p vs linear "
        "| best seed: / linear, p | learned |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    by_series = {}
    for one in runs:
        by_series.setdefault(one["series"], []).append(one)
    targets = {"no worse": [], "better": [], "random walk": []}
    for name, group in by_series.items():
        first = group[0]
        label = f"{name} ({first['what']})"
        for model in ["naive", "linear", *networks]:
            rows = [g["models"][model] for g in group if model in g["models"]]
            if not rows:
                continue
            worst = {
                k: max(r[k] for r in rows)
                for k in (
                    "ratio_to_naive",
                    "ratio_to_linear",
                    "p_better_than_naive",
                    "p_better_than_linear",
                )
            }
            learned = sum(r["learned"] for r in rows)
            best = min(rows, key=lambda r: (r["ratio_to_linear"], r["p_better_than_linear"]))
            lines.append(
                f"| {label} | {first['kind']} | {first['test'][2]} | {model} | "
                f"{worst['ratio_to_naive']:.3f} | {worst['ratio_to_linear']:.3f} | "
                f"{_p(worst['p_better_than_naive'])} | {_p(worst['p_better_than_linear'])} | "
                f"{best['ratio_to_linear']:.3f}, {_p(best['p_better_than_linear'])} | "
                f"{'-' if model in ('naive', 'linear') else f'{learned}/{len(rows)}'} |"
            )
            label = ""
        _targets(targets, first["kind"], name, group, networks)
    lines += ["", *_target_lines(targets, by_series), "", *_cost_lines(by_series)]
    return "\n".join(lines)


def _targets(targets, kind, name, group, networks):
    """Per seed, the best network by test RMSE; per series, the worst seed."""
    best = [
        min(
            (g["models"][m] for m in networks if m in g["models"]),
            key=lambda r: r["ratio_to_linear"],
        )
        for g in group
    ]
    if kind == "random walk":
        worst = max(
            g["models"][m]["ratio_to_naive"] for g in group for m in networks if m in g["models"]
        )
        targets["random walk"].append((name, worst, worst <= 1.02))
        return
    ratio = max(b["ratio_to_linear"] for b in best)
    pvalue = max(b["p_better_than_linear"] for b in best)
    # "No worse": not above the linear model's RMSE beyond float32 round-off.
    targets["no worse"].append((name, ratio, ratio <= 1 + 1e-4))
    targets["better"].append((name, pvalue, pvalue < 0.05))


def _target_lines(targets, by_series):
    no_worse, better, walks = targets["no worse"], targets["better"], targets["random walk"]
    lines = ["Targets (over the seeds, the worst case):", ""]
    if no_worse:
        met = sum(ok for *_, ok in no_worse)
        shown = ", ".join(f"{n} {r:.3f}" for n, r, _ in no_worse)
        lines.append(
            f"- best network no worse than the linear model on every series with "
            f"structure (test RMSE / linear <= 1): {met} of {len(no_worse)} ({shown})."
        )
        met = sum(ok for *_, ok in better)
        shown = ", ".join(f"{n} p = {_p(p)}" for n, p, _ in better)
        lines.append(
            f"- best network significantly better than the linear model (one-sided "
            f"p < 0.05 in every seed) on at least half: {met} of {len(better)} ({shown})."
        )
    if walks:
        shown = ", ".join(f"{n} {r:.3f}" for n, r, _ in walks)
        lines.append(
            f"- random walks, every selected network within 1.02 of naive: "
            f"{'met' if all(ok for *_, ok in walks) else 'NOT met'} (largest ratio: {shown})."
        )
    return lines


def _cost_lines(by_series):
    shown = ", ".join(
        f"{name} {sum(g['seconds'] for g in group) / len(group):.0f} s"
        for name, group in by_series.items()
    )
    return [f"Seconds per comparison (mean over the seeds): {shown}."]


def _p(value):
    return "-" if value != value else f"{value:.2g}"


def _write_section(path, report, name):
    """Put `report` into `path` between the markers of the section `name`, replacing
    an older one."""
    text = path.read_text() if path.exists() else ""
    markers = (f"<!-- begin: {name} -->", f"<!-- end: {name} -->")
    section = f"{markers[0]}\n{report}\n{markers[1]}"
    pattern = re.compile(re.escape(markers[0]) + ".*?" + re.escape(markers[1]), re.DOTALL)
    text = (
        pattern.sub(lambda _: section, text)
        if pattern.search(text)
        else f"{text.rstrip()}\n\n{section}\n"
    )
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
