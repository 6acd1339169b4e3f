# Everything a newcomer needs, from a machine with only Python and make:
#   make demo   set up .venv (with JAX) and run the main job on the bundled S&P 500 data
#   make test   set up .venv and run the whole test suite (TensorFlow backend)
#   make docs   build the HTML documentation into docs/_build/html
#   make bench  measure fits, predictions and compare on every backend (benchmarks/RESULTS.md)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Keras prints TensorFlow's start-up chatter otherwise; it is noise for users of skrnn.
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: demo test test-jax docs lint clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp is remade whenever pyproject.toml changes, so `make` reinstalls then.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[tests]"
	touch $@

$(VENV)/.installed-jax: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[tests,jax]"
	touch $@

# The demo runs on JAX, several times faster than TensorFlow on these small networks.
demo: $(VENV)/.installed-jax
	$(BIN)/skrnn compare

# The Dask tests share one local cluster of worker processes: they run on their own,
# in one process, after the rest (spread over two pytest-xdist processes).
test: $(VENV)/.installed
	$(BIN)/python -m pytest -n 2 -m "not dask"
	$(BIN)/python -m pytest -m dask tests

# The same suite on Keras' JAX backend: skrnn must not depend on one backend.
test-jax: $(VENV)/.installed-jax
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n 2 -m "not dask"
	KERAS_BACKEND=jax $(BIN)/python -m pytest -m dask tests

# The benchmark suite on every backend installed (a few minutes), its report in
# benchmarks/RESULTS.md; BENCH_ARGS adds options (python benchmarks/run.py --help).
bench: $(VENV)/.installed-jax
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# A smoke run of every measurement, tiny sizes, on the current backend.
bench-quick: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py --quick --out results/bench-quick/RESULTS.md

$(VENV)/.installed-docs: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[tests,docs]"
	touch $@

# The HTML documentation, every gallery example executed, warnings as errors.
docs: $(VENV)/.installed-docs
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

lint: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet ruff
	$(BIN)/ruff check skrnn tests examples docs benchmarks
	$(BIN)/ruff format --check skrnn tests examples docs benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info results
