"""skrnn's benchmark suite: what fits, predictions and ``skrnn compare`` cost, side by side.

Measures, in one run on one machine, for each Keras backend installed:

- the lecture's workload (a year of S&P 500 closes, 4 x 32 SimpleRNN / LSTM / GRU,
  window 5, batch 32, early stopping with patience 40 on a 20 % validation tail, at
  most 200 epochs, 75/25 split): the lecture's Keras code as written, against the
  same workload through skrnn's pipeline;
- skrnn's seconds per epoch against plain Keras with the same network and data;
- the fixed cost of a fit (first and repeated) and of ``predict``;
- resident memory over consecutive fits;
- ``skrnn compare`` with its default grid: wall time and table.

and writes the figures, with the machine, the versions and the command, to
``benchmarks/RESULTS.md`` (raw numbers to ``RESULTS.json`` beside it).

    python benchmarks/run.py                  # the full suite, a few minutes
    python benchmarks/run.py --quick          # a smoke run of every measurement
    python benchmarks/run.py --checkout before=../old --checkout after=.

Each ``--checkout NAME=DIR`` is measured with ``DIR/.venv/bin/python`` (the skrnn
installed there); the first is the baseline of the ratios, the last the one
the targets are checked on. Every measurement runs in its own process, since
Keras fixes its backend when it is imported.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKLOADS = HERE / "workloads.py"
BACKENDS = ("tensorflow", "jax")
SECTIONS = ("fixed", "epoch", "lecture", "lecture-skrnn", "rss", "compare")

# The targets, checked on the last checkout.
TARGETS = {
    "compare_speedup": 5.0,
    "compare_seconds": 60.0,
    "epoch_ratio": 1.3,
    "lecture_speedup": 5.0,
    "repeated_fit_seconds": 0.5,
    "predict_1_seconds": 0.002,
    "rss_growth_mb": 50.0,
}


def main(argv=None):
    args = _parser().parse_args(argv)
    checkouts = _checkouts(args.checkout)
    backends = args.backends or _default_backends(checkouts, args.quick)
    sections = args.sections or list(SECTIONS)
    run = {
        "command": " ".join(shlex.quote(a) for a in [Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": _machine(),
        "quick": args.quick,
        "fits": args.fits,
        "checkouts": {name: str(python) for name, python in checkouts.items()},
        "backends": backends,
        "results": {},
    }
    start = time.perf_counter()
    if args.quick:
        # One process for every measurement but compare: a smoke run pays its
        # imports once.
        workloads = [s for s in sections if s != "compare"]
        for backend in backends if workloads else []:
            for name, python in checkouts.items():
                _log(f"{', '.join(workloads)} on {backend}, {name} ...")
                result = _measure(workloads, backend, python, args)
                for section in workloads:
                    part = {k: result[k] for k in ("backend", "versions", section)}
                    run["results"].setdefault(section, {}).setdefault(backend, {})[name] = part
                    _log(f"  {section}: {_summary(section, part)}")
        sections = ["compare"] if "compare" in sections else []
    for section in sections:
        for backend in backends:
            # The lecture's code is the same whichever skrnn is installed.
            names = list(checkouts)[:1] if section == "lecture" else list(checkouts)
            for name in names:
                _log(f"{section} on {backend}, {name} ...")
                result = _measure(section, backend, checkouts[name], args)
                run["results"].setdefault(section, {}).setdefault(backend, {})[name] = result
                _log(f"  {_summary(section, result)}")
    run["seconds"] = time.perf_counter() - start
    run["load_average_end"] = _load_average()
    report = _report(run)
    print(report)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report + _kept_sections(out))
    out.with_suffix(".json").write_text(json.dumps(run, indent=1) + "\n")
    _log(f"wrote {out} and {out.with_suffix('.json').name} ({run['seconds']:.0f} s)")
    return 0


def _kept_sections(out):
    """The sections other benchmarks wrote into the report (between ``<!-- begin: NAME
    -->`` and ``<!-- end: NAME -->``, such as benchmarks/skill.py's), kept as they are."""
    if not out.exists():
        return ""
    pattern = re.compile(r"<!-- begin: ([\w-]+) -->.*?<!-- end: \1 -->", re.DOTALL)
    return "".join(f"\n\n{m.group(0)}\n" for m in pattern.finditer(out.read_text()))


def _parser():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument(
        "--checkout",
        action="append",
        metavar="[NAME=]DIR",
        help="a checkout of skrnn to measure with DIR/.venv/bin/python (repeatable; "
        "default: this one, with this interpreter)",
    )
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        help="Keras backends (default: those installed; --quick: the current one)",
    )
    parser.add_argument("--sections", nargs="+", choices=SECTIONS, help="default: all")
    parser.add_argument("--fits", type=int, default=100, help="fits of the memory measurement")
    parser.add_argument(
        "--jax-cache",
        action="store_true",
        help="also run skrnn's lecture workload on JAX twice with a new persistent "
        "compilation cache (cold, then warm)",
    )
    parser.add_argument(
        "--compare-variant",
        action="append",
        metavar="ARGS",
        help="also time `skrnn compare ARGS` (repeatable); '+cache' in ARGS: on JAX, with "
        "a new persistent compilation cache, run twice (cold, then warm)",
    )
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"), help="the report (Markdown)")
    return parser


def _checkouts(specs):
    if not specs:
        return {"skrnn": Path(sys.executable)}
    checkouts = {}
    for spec in specs:
        name, _, folder = spec.rpartition("=")
        folder = Path(folder).resolve()
        python = folder / ".venv" / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"run.py: error: {python} not found (set up {folder} with make)")
        checkouts[name or folder.name] = python
    return checkouts


def _default_backends(checkouts, quick):
    if quick:
        return [os.environ.get("KERAS_BACKEND", "tensorflow")]
    python = next(iter(checkouts.values()))
    found = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('jax') is not None)"],
        capture_output=True,
        text=True,
    )
    return list(BACKENDS) if found.stdout.strip() == "True" else ["tensorflow"]


# -- running the measurements ---------------------------------------------------


def _env(backend):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("PYTHONPATH", None)  # the checkout's own skrnn, not this one's
    return env


def _measure(section, backend, python, args):
    load = _load_average()
    if section == "compare":
        result = _compare(backend, python, args)
    else:
        sections = [section] if isinstance(section, str) else section
        result = _workloads(sections, backend, python, args)
        if args.jax_cache and backend == "jax" and section == "lecture-skrnn":
            with tempfile.TemporaryDirectory() as folder:
                runs = [
                    _workloads(sections, backend, python, args, _jax_cache_env(folder))
                    for _ in range(2)
                ]
            result["with_cache_seconds"] = [r[section]["seconds"] for r in runs]
    result["load_average_before"] = load
    return result


def _workloads(sections, backend, python, args, env=None):
    command = [str(python), str(WORKLOADS), *sections, "--fits", str(args.fits)]
    command += ["--quick"] if args.quick else []
    done = subprocess.run(
        command,
        env={**_env(backend), **(env or {})},
        cwd=python.parents[2],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"run.py: {sections} on {backend} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(backend, python, args):
    """``skrnn compare`` with its defaults (``--quick`` in a smoke run), timed, then
    each ``--compare-variant``."""
    result = _compare_run(backend, python, ["--quick"] if args.quick else [])
    result["variants"] = {}
    for variant in args.compare_variant or []:
        words = variant.split()
        cache = "+cache" in words
        extra = [w for w in words if w != "+cache"] + (["--quick"] if args.quick else [])
        if cache and backend != "jax":
            continue
        with tempfile.TemporaryDirectory() as folder:
            env = _jax_cache_env(folder) if cache else {}
            runs = [_compare_run(backend, python, extra, env) for _ in range(2 if cache else 1)]
        result["variants"][variant] = {
            "seconds": [r["seconds"] for r in runs],
            "same_table": all(_scores(r["table"]) == _scores(result["table"]) for r in runs),
            "table": runs[0]["table"],
        }
    return result


def _scores(table):
    """A compare table without its last column, the seconds each refit took."""
    return [line.rsplit(None, 1)[0] for line in table]


def _jax_cache_env(folder):
    """JAX's persistent compilation cache in `folder`, as skrnn's
    ``enable_compilation_cache`` sets it."""
    return {
        "JAX_COMPILATION_CACHE_DIR": folder,
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    }


def _compare_run(backend, python, extra, env=None):
    script = python.parent / "skrnn"
    command = [str(script)] if script.exists() else [str(python), "-m", "skrnn.cli"]
    with tempfile.TemporaryDirectory() as out:
        command += ["compare", "--out", out, *extra]
        start = time.perf_counter()
        done = subprocess.run(
            command,
            env={**_env(backend), **(env or {})},
            cwd=python.parents[2],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        written = sorted(p.name for p in Path(out).iterdir())
    if done.returncode != 0:
        raise SystemExit(f"run.py: skrnn compare on {backend} failed:\n{done.stderr[-3000:]}")
    lines = done.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("model "))
    table = [line for line in lines[first:] if line and not line.startswith("wrote ")]
    return {
        "seconds": seconds,
        "command": " ".join(["skrnn compare --out DIR", *extra]),
        "table": table,
        "written": written,
    }


def _summary(section, result):
    if section in ("lecture", "lecture-skrnn"):
        epochs = "/".join(str(m["epochs"]) for m in result[section]["models"].values())
        return f"{result[section]['seconds']:.1f} s, epochs {epochs}"
    if section == "epoch":
        r = result["epoch"]
        return (
            f"skrnn {r['skrnn']['seconds_per_epoch'] * 1e3:.1f} ms/epoch, plain Keras "
            f"{r['plain_keras']['seconds_per_epoch'] * 1e3:.1f}"
        )
    if section == "fixed":
        r = result["fixed"]
        return (
            f"fit first {r['first_fit_seconds']:.2f} s, repeated "
            f"{r['repeated_fit_seconds']:.2f} s; predict 1 window "
            f"{r['predict_1_seconds'] * 1e3:.2f} ms"
        )
    if section == "rss":
        r = result["rss"]
        return f"{r['fits']} fits: +{r['growth_mb']:.0f} MB"
    return f"{result['seconds']:.1f} s"


# -- the report -------------------------------------------------------------------------


def _report(run):
    results = run["results"]
    names = list(run["checkouts"])
    lines = [
        "# skrnn benchmarks",
        "",
        f"Measured {run['date']} with `{run['command']}`"
        + (" (smoke run: tiny sizes, not figures to quote)" if run["quick"] else "")
        + f", {run['seconds'] / 60:.1f} min in all.",
        "",
        _machine_lines(run),
        "",
    ]
    lines += _versions_lines(run)
    lines += _targets_lines(run)
    if "lecture" in results or "lecture-skrnn" in results:
        lines += _lecture_lines(run)
    if "epoch" in results:
        lines += _epoch_lines(run)
    if "fixed" in results:
        lines += _fixed_lines(run)
    if "rss" in results:
        lines += _rss_lines(run)
    if "compare" in results:
        lines += _compare_lines(run)
    lines += [
        "Wall times come from a machine that may be busy with other work (the load",
        "average before each measurement is in the JSON file): compare ratios taken in",
        "the same run, not figures from different runs."
        + (f" Checkouts: {', '.join(names)}." if len(names) > 1 else ""),
        "",
    ]
    return "\n".join(lines)


def _machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "system": f"{platform.system()} {platform.release()}",
        "load_average_start": _load_average(),
    }


def _load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _machine_lines(run):
    m = run["machine"]
    return (
        f"Machine: {m['cpu']}, {m['usable_cores']} cores usable of {m['cores']}, "
        f"{m['system']}; load average {m['load_average_start']} at the start, "
        f"{run['load_average_end']} at the end."
    )


def _versions_lines(run):
    seen = {}
    for section in run["results"].values():
        for by_checkout in section.values():
            for name, result in by_checkout.items():
                if "versions" in result:
                    seen.setdefault(name, result["versions"])
    if not seen:
        return []
    packages = list(next(iter(seen.values())))
    lines = ["| checkout | " + " | ".join(packages) + " |", "|---" * (len(packages) + 1) + "|"]
    for name, versions in seen.items():
        lines.append(f"| {name} | " + " | ".join(str(versions[p]) for p in packages) + " |")
    interpreters = ", ".join(f"{n}: `{p}`" for n, p in run["checkouts"].items())
    return ["Versions (" + interpreters + "):", "", *lines, ""]


def _get(run, section, backend, name, *keys):
    try:
        value = run["results"][section][backend][name]
        for key in keys:
            value = value[key]
        return value
    except (KeyError, TypeError):
        return None


def _fmt(value, unit="s", digits=2):
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value * 1e3:.{digits}f} ms"
    if unit == "x":
        return f"{value:.{digits}f}x"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.{digits}f} s"


def _ratio(a, b):
    return a / b if a is not None and b else None


def _met(ok):
    return "-" if ok is None else ("yes" if ok else "**no**")


def _cli_backend(run):
    """The backend the command line picks: JAX when installed, else TensorFlow."""
    return "jax" if "jax" in run["backends"] else run["backends"][0]


def _targets_lines(run):
    names = list(run["checkouts"])
    base, last = names[0], names[-1]
    fast = _cli_backend(run)
    rows = []
    before = _get(run, "compare", "tensorflow", base, "seconds")
    after = _get(run, "compare", fast, last, "seconds")
    if after is not None:
        speedup = _ratio(before, after) if len(names) > 1 else None
        rows.append(
            (
                f"`skrnn compare` default run, {last} on {fast}"
                + (f" vs {base} on tensorflow" if len(names) > 1 else ""),
                f">= {TARGETS['compare_speedup']:.0f}x less wall, "
                f"< {TARGETS['compare_seconds']:.0f} s",
                _fmt(before, digits=1) if len(names) > 1 else "-",
                _fmt(after, digits=1),
                _fmt(speedup, "x", 1),
                _met(
                    after < TARGETS["compare_seconds"]
                    and (speedup is None or speedup >= TARGETS["compare_speedup"])
                ),
            )
        )
    for backend in run["backends"]:
        ratios = [
            _ratio(
                _get(run, "epoch", backend, name, "epoch", "skrnn", "seconds_per_epoch"),
                _get(run, "epoch", backend, name, "epoch", "plain_keras", "seconds_per_epoch"),
            )
            for name in (base, last)
        ]
        if ratios[1] is not None:
            rows.append(
                (
                    f"seconds per epoch, skrnn / plain Keras, {backend}",
                    f"<= {TARGETS['epoch_ratio']}x",
                    _fmt(ratios[0], "x") if len(names) > 1 else "-",
                    _fmt(ratios[1], "x"),
                    "",
                    _met(ratios[1] <= TARGETS["epoch_ratio"]),
                )
            )
    lecture_tf = _get(run, "lecture", "tensorflow", base, "lecture", "seconds")
    skrnn_walls = [
        _get(run, "lecture-skrnn", fast, name, "lecture-skrnn", "seconds") for name in (base, last)
    ]
    if lecture_tf is not None and skrnn_walls[1] is not None:
        speedups = [_ratio(lecture_tf, wall) for wall in skrnn_walls]
        rows.append(
            (
                f"lecture workload (3 models), lecture code on tensorflow / skrnn on {fast}",
                f">= {TARGETS['lecture_speedup']:.0f}x",
                _fmt(speedups[0], "x") if len(names) > 1 else "-",
                _fmt(speedups[1], "x"),
                "",
                _met(speedups[1] >= TARGETS["lecture_speedup"]),
            )
        )
    for label, section, key, unit, goal in (
        (
            "fixed cost of a repeated fit",
            "fixed",
            "repeated_fit_seconds",
            "s",
            "repeated_fit_seconds",
        ),
        ("predict of one window", "fixed", "predict_1_seconds", "ms", "predict_1_seconds"),
        (f"RSS growth over {run['fits']} fits", "rss", "growth_mb", "MB", "rss_growth_mb"),
    ):
        for backend in run["backends"]:
            values = [_get(run, section, backend, name, section, key) for name in (base, last)]
            if values[1] is None:
                continue
            label_here = label
            if section == "rss" and run["quick"]:
                fits = _get(run, "rss", backend, last, "rss", "fits")
                label_here = f"RSS growth over {fits} fits"
            rows.append(
                (
                    f"{label_here}, {backend}",
                    f"< {_fmt(TARGETS[goal], unit, 0 if unit != 's' else 1)}",
                    _fmt(values[0], unit) if len(names) > 1 else "-",
                    _fmt(values[1], unit),
                    _fmt(_ratio(values[0], values[1]), "x", 1) if len(names) > 1 else "",
                    _met(values[1] < TARGETS[goal]),
                )
            )
    if not rows:
        return []
    header = f"| target | goal | {base} | {last} | {base} / {last} | met |"
    if len(names) == 1:
        header = f"| target | goal | - | {last} | | met |"
    lines = ["## Targets", "", header, "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _lecture_lines(run):
    names = list(run["checkouts"])
    lines = [
        "## The lecture's workload",
        "",
        "S&P 500 closes of 2018, windows of 5, 75 % train, 4 x 32 networks, batch 32,",
        "early stopping on val_loss (patience 40, 20 % validation tail), at most 200",
        "epochs. The lecture's Keras code as written (`verbose=0`), and the same through",
        "skrnn: `MinMaxScaler -> SlidingWindowTransformer(5) -> Regressor(residual=False,",
        "patience=40, validation_fraction=0.2, epochs=200)`. Seed 0 before each network.",
        "Wall per model includes building, compiling, fitting and predicting the test rows.",
        "",
        "| backend | run | total wall | RNN epochs / wall | LSTM epochs / wall | "
        "GRU epochs / wall | wall per epoch (R/L/G) | lecture / this |",
        "|---|---|---|---|---|---|---|---|",
    ]
    totals = {}
    for backend in run["backends"]:
        runs = [("lecture code", "lecture", names[0])]
        runs += [(f"skrnn ({name})", "lecture-skrnn", name) for name in names]
        lecture_total = _get(run, "lecture", backend, names[0], "lecture", "seconds")
        for label, section, name in runs:
            r = _get(run, section, backend, name, section)
            if r is None:
                continue
            totals[(backend, label)] = r["seconds"]
            models = [r["models"].get(model) for model in ("RNN", "LSTM", "GRU")]
            cells = [f"{m['epochs']} / {m['seconds']:.1f} s" if m else "-" for m in models]
            per_epoch = "/".join(f"{m['seconds_per_epoch']:.3f}" if m else "-" for m in models)
            lines.append(
                f"| {backend} | {label} | {r['seconds']:.1f} s | "
                + " | ".join(cells)
                + f" | {per_epoch} | {_fmt(_ratio(lecture_total, r['seconds']), 'x')} |"
            )
    for name in names:
        cached = _get(run, "lecture-skrnn", "jax", name, "with_cache_seconds")
        if cached:
            lecture_tf = _get(run, "lecture", "tensorflow", names[0], "lecture", "seconds")
            lines += [
                "",
                f"skrnn ({name}) on jax with JAX's persistent compilation cache in a new "
                f"folder: {cached[0]:.1f} s (cold), then {cached[1]:.1f} s (warm)"
                + (
                    f"; lecture code on tensorflow / warm: {lecture_tf / cached[1]:.2f}x"
                    if lecture_tf
                    else ""
                )
                + ".",
            ]
    tf_jax = []
    for label in {label for _, label in totals}:
        ratio = _ratio(totals.get(("tensorflow", label)), totals.get(("jax", label)))
        if ratio is not None:
            tf_jax.append(f"{label} {ratio:.2f}x")
    if tf_jax:
        lines += ["", "TensorFlow / JAX, total wall: " + ", ".join(sorted(tf_jax)) + "."]
    return lines + [""]


def _epoch_lines(run):
    lines = [
        "## Seconds per epoch",
        "",
        "The last 1,000 S&P 500 closes, 75 % train, windows of 5 (the first 4, which",
        "reach before the series, left out), batch 32, the last 10 % of the rows",
        "evaluated every epoch: `LSTMRegressor(units=16, layers=1)` against plain Keras",
        "with the same network (`LSTM(16) -> Dense(1)`, `validation_data`). Slope",
        "between a fit of 2 epochs and a longer one (median of repeats), so the cost a",
        "fit pays once cancels.",
        "",
        "| backend | checkout | plain Keras | skrnn `residual=False` | skrnn / Keras | "
        "skrnn `residual=True` |",
        "|---|---|---|---|---|---|",
    ]
    per_backend = {}
    for backend, name, r in _measured(run, "epoch"):
        keras_s = r["plain_keras"]["seconds_per_epoch"]
        skrnn_s = r["skrnn"]["seconds_per_epoch"]
        per_backend.setdefault(name, {})[backend] = (keras_s, skrnn_s)
        lines.append(
            f"| {backend} | {name} | {_fmt(keras_s, 'ms', 1)} | {_fmt(skrnn_s, 'ms', 1)} | "
            f"{_fmt(skrnn_s / keras_s, 'x')} | "
            f"{_fmt(r['skrnn_residual']['seconds_per_epoch'], 'ms', 1)} |"
        )
    notes = []
    for name, by_backend in per_backend.items():
        if {"tensorflow", "jax"} <= set(by_backend):
            tf, jax = by_backend["tensorflow"], by_backend["jax"]
            notes.append(f"{name}: plain Keras {tf[0] / jax[0]:.1f}x, skrnn {tf[1] / jax[1]:.1f}x")
    if notes:
        lines += ["", "TensorFlow / JAX per epoch: " + "; ".join(notes) + "."]
    return lines + [""]


def _fixed_lines(run):
    lines = [
        "## Fixed costs",
        "",
        "A fit of one epoch (and its validation) of a new `LSTMRegressor(units=16,",
        "layers=1)` on the data above: the first in a process, then the median of",
        "repeats with new estimators of the same architecture; plain Keras building",
        "and fitting a new model of the same network likewise. `predict` of one window",
        "and of 1,000 windows: the first call after fit, then the median of repeats.",
        "",
        "| backend | checkout | first fit | repeated fit | plain Keras first / repeated | "
        "predict 1 (first) | predict 1 | predict 1,000 (first) | predict 1,000 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for backend, name, r in _measured(run, "fixed"):
        lines.append(
            f"| {backend} | {name} | {_fmt(r['first_fit_seconds'])} | "
            f"{_fmt(r['repeated_fit_seconds'])} | "
            f"{_fmt(r['plain_keras_first_fit_seconds'])} / "
            f"{_fmt(r['plain_keras_repeated_fit_seconds'])} | "
            f"{_fmt(r['predict_1_first_seconds'], 'ms', 1)} | "
            f"{_fmt(r['predict_1_seconds'], 'ms')} | "
            f"{_fmt(r['predict_1000_first_seconds'], 'ms', 1)} | "
            f"{_fmt(r['predict_1000_seconds'], 'ms')} |"
        )
    return lines + [""]


def _rss_lines(run):
    lines = [
        "## Memory",
        "",
        "Resident set size over consecutive fits of new `LSTMRegressor(units=16, layers=1,",
        "epochs=3)` estimators, each used for one prediction and dropped; growth from",
        "after the first fit to after the last, garbage collected before each reading.",
        "",
        "| backend | checkout | fits | after the first | after the last | growth | per fit | "
        "wall |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for backend, name, r in _measured(run, "rss"):
        lines.append(
            f"| {backend} | {name} | {r['fits']} | {_fmt(r['rss_after_first_mb'], 'MB')} | "
            f"{_fmt(r['rss_after_last_mb'], 'MB')} | {_fmt(r['growth_mb'], 'MB')} | "
            f"{r['growth_per_fit_mb']:.2f} MB | {_fmt(r['seconds'], digits=1)} |"
        )
    return lines + [""]


def _measured(run, section):
    """(backend, checkout, the section's figures) for each measurement made."""
    for backend in run["backends"]:
        for name in run["checkouts"]:
            figures = _get(run, section, backend, name, section)
            if figures is not None:
                yield backend, name, figures


def _compare_lines(run):
    names = list(run["checkouts"])
    lines = ["## `skrnn compare`", ""]
    walls = {}
    for backend in run["backends"]:
        for name in names:
            r = _get(run, "compare", backend, name)
            if r is None:
                continue
            walls[(backend, name)] = r["seconds"]
            lines += [
                f"`{r['command']}` with `KERAS_BACKEND={backend}`, {name}: "
                f"{r['seconds']:.1f} s wall.",
                "",
                "```",
                *r["table"],
                "```",
                "",
            ]
            for variant, v in r.get("variants", {}).items():
                walls_here = " then ".join(f"{t:.1f} s" for t in v["seconds"])
                same = "the same scores" if v["same_table"] else "**other scores**"
                lines += [f"- `skrnn compare {variant}`: {walls_here} wall, {same}.", ""]
    if len(walls) > 1:
        base = min(walls, key=lambda k: (names.index(k[1]), k[0] != "tensorflow"))
        lines.append(
            f"Wall time against {base[1]} on {base[0]}: "
            + ", ".join(
                f"{name} on {backend} {walls[base] / wall:.1f}x"
                for (backend, name), wall in walls.items()
                if (backend, name) != base
            )
            + "."
        )
        lines.append("")
    return lines


def _log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
