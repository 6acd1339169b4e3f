"""The tiny sizes the tests train at, in one place: fast fits that still learn a little.

Each test file takes what it needs from these, and says where it needs more (two
layers, to exercise stacking) with ``dict(TINY, ...)``.
"""

#: A tiny network: one recurrent layer of 4 units, 3 epochs, seeded.
TINY = dict(units=4, layers=1, epochs=3, batch_size=16, random_state=0)

#: compare with a tiny grid of that network: 2 epochs, 2 folds.
TINY_COMPARE = dict(
    units=[TINY["units"]], layers=[TINY["layers"]], epochs=2, patience=1, n_splits=2
)
