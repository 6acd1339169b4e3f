"""Keras 3 layers of skrnn, for Keras users who build their own models.

:class:`PeepholeLSTMCell` and :class:`PeepholeLSTM` are the peephole LSTM of
Gers & Schmidhuber (2000) that ``LSTMRegressor(peephole=True)`` stacks; Keras 3
itself has no peephole cell. Both are written with ``keras.ops`` only, so they
run on every Keras backend, and are registered for ``.keras`` saving.
"""

from skrnn._peephole import PeepholeLSTM, PeepholeLSTMCell

__all__ = ["PeepholeLSTM", "PeepholeLSTMCell"]
