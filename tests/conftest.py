"""Shared set-up of the test suite."""

import os

# The suite runs on one Keras backend per process: TensorFlow unless KERAS_BACKEND
# names another (make test-jax). Without this, the skrnn command, which prefers JAX
# when it is installed, would pick another backend than the tests' own imports.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
