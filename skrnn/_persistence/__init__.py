"""Model files that are data, not code.

A file that :func:`save_model` writes is::

    skrnn model file\\n                          the magic line
    {"format": 2, "model": ..., "skrnn": ...}\\n  the versions that wrote it (JSON, one line)
    a zip archive:
        model.json          the model's attributes, a tree of JSON nodes (_tree)
        arrays/<i>.npy      its NumPy arrays, read with allow_pickle=False
        networks/<i>.keras  its Keras networks, read in Keras' safe mode (_networks)

:func:`load_model` rebuilds only the classes and functions of one list
(:data:`_trusted.TRUSTED`) and those its caller names; nothing in a file is
unpickled, except a file of the former pickle format (format 1) whose reader
says ``trust_pickle=True``.
"""

from skrnn._persistence._file import load_model, save_model

__all__ = ["load_model", "save_model"]
