"""Every random draw of a fit, derived from the estimator's ``random_state``.

A fit draws three things: the initial weights, the dropout masks and the order
of the rows in each epoch. Each comes from here, computed from
``random_state`` and the name of what is drawn, never from a generator the
process shares: Keras gives an initializer or a dropout layer created without a
seed one drawn from Python's global ``random``, and any other thread of the
process that draws from it (a Dask worker's event loop does, while it runs a
fit) would change the network. So a seeded fit reads and changes no global
random state, and gives the same network wherever and alongside whatever it
runs.

With ``random_state=None`` the draws are fresh: Keras' own unseeded draws for
the network, the operating system's entropy for the row orders.
"""

import zlib

import keras
import numpy as np
from sklearn.utils import check_random_state

_MAX_SEED = int(np.iinfo(np.int32).max)


def _base_seed(random_state):
    """The integer a fit's draws start from: `random_state` itself for an int, a draw
    from it for a RandomState instance, None for None."""
    if random_state is None:
        return None
    return int(check_random_state(random_state).randint(_MAX_SEED))


def layer_seed(random_state, layer, part):
    """The seed of `part` (``"kernel"``, ``"dropout"`` ...) of the layer named
    `layer`; None, for Keras' own unseeded draw, when `random_state` is None."""
    base = _base_seed(random_state)
    if base is None:
        return None
    return (base + zlib.crc32(f"{layer}/{part}".encode())) % _MAX_SEED


def seeded_initializer(name, random_state, layer, part):
    """The Keras initializer `name` (``"glorot_uniform"`` ...) with the seed of
    :func:`layer_seed`, or `name` itself when `random_state` is None."""
    seed = layer_seed(random_state, layer, part)
    if seed is None:
        return name
    return keras.initializers.get({"class_name": name, "config": {"seed": seed}})


def epoch_order(random_state, epoch, n_rows):
    """The order in which epoch `epoch` (from 0) of a fit visits its `n_rows` rows.

    A permutation of ``range(n_rows)``, a function of `random_state` (an int),
    `epoch` and `n_rows` alone: a fit, its continuation by ``partial_fit`` and a
    trainer that runs many fits at once compute the same orders, in any order
    of their epochs. With `random_state` None, a fresh random order.
    """
    base = _base_seed(random_state)
    key = None if base is None else [base, zlib.crc32(b"epoch order"), epoch]
    return np.random.default_rng(key).permutation(n_rows)


def member_seeds(random_state, n_members):
    """The ``random_state`` of each of `n_members` networks of a seed ensemble.

    The first member keeps `random_state` itself, so that an ensemble of one
    is the network a plain fit trains; the others get seeds derived from it
    (all None, unseeded, when `random_state` is None).
    """
    base = _base_seed(random_state)
    if base is None:
        return [None] * n_members
    derived = [(base + zlib.crc32(f"member/{i}".encode())) % _MAX_SEED for i in range(1, n_members)]
    return [random_state, *derived]
