"""Seeds of the random parts of skrnn's networks, derived from ``random_state``.

Keras gives an initializer or a dropout layer created without a seed one drawn
from Python's global ``random`` at that moment. ``keras.utils.set_random_seed``
resets that generator, but any other thread of the process that draws from it
before the layers exist (a Dask worker's event loop does, while it runs a fit)
changes the initial weights: a seeded fit would depend on what else the process
is doing. Every random part of skrnn's networks therefore gets its own seed,
from the estimator's ``random_state`` and the layer's name, and no draw from a
shared generator decides a network's weights.
"""

import zlib

import keras
import numpy as np
from sklearn.utils import check_random_state

_MAX_SEED = int(np.iinfo(np.int32).max)


def layer_seed(random_state, layer, part):
    """The seed of `part` (``"kernel"``, ``"dropout"`` ...) of the layer named
    `layer`; None, for Keras' own unseeded draw, when `random_state` is None."""
    if random_state is None:
        return None
    base = int(check_random_state(random_state).randint(_MAX_SEED))
    return (base + zlib.crc32(f"{layer}/{part}".encode())) % _MAX_SEED


def seeded_initializer(name, random_state, layer, part):
    """The Keras initializer `name` (``"glorot_uniform"`` ...) with the seed of
    :func:`layer_seed`, or `name` itself when `random_state` is None."""
    seed = layer_seed(random_state, layer, part)
    if seed is None:
        return name
    return keras.initializers.get({"class_name": name, "config": {"seed": seed}})


def member_seeds(random_state, n_members):
    """The ``random_state`` of each of `n_members` networks of a seed ensemble.

    The first member keeps `random_state` itself, so that an ensemble of one
    is the network a plain fit trains; the others get seeds derived from it
    (all None, unseeded, when `random_state` is None).
    """
    if random_state is None:
        return [None] * n_members
    base = int(check_random_state(random_state).randint(_MAX_SEED))
    derived = [(base + zlib.crc32(f"member/{i}".encode())) % _MAX_SEED for i in range(1, n_members)]
    return [random_state, *derived]
