"""Keras networks in a model file: Keras' own ``.keras`` format, loaded in safe mode.

A ``.keras`` file is a zip archive of the network's configuration (JSON), its
weights (HDF5) and metadata. Keras rebuilds the layers the configuration names;
in safe mode it refuses Python lambdas (a ``Lambda`` layer's bytecode) and
classes or functions outside Keras and its registered objects. Before Keras
sees a configuration, it is checked here against the same rule, so that the
rule holds whatever the installed Keras does: every object it names is Keras'
own (module ``keras`` or ``keras.*``) or registered with
:func:`keras.saving.register_keras_serializable` in this process (skrnn's
layers: ``MissingStepMasking``, ``NewestStep``, ``PeepholeLSTM`` and its cell),
and none is a lambda.
"""

import io
import json
import os
import sys
import tempfile
import zipfile

from skrnn._persistence._trusted import Refused

#: The special objects of Keras' configurations that name no class or function.
_PLAIN_VALUES = {
    "__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__ellipsis__", "__slice__",
}  # fmt: skip


def is_network(value):
    """Whether `value` is a Keras model (without importing Keras for the question)."""
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


def to_bytes(network):
    """The network as the bytes of a ``.keras`` file."""
    with tempfile.TemporaryDirectory(prefix="skrnn-") as folder:
        path = os.path.join(folder, "network.keras")
        network.save(path)
        with open(path, "rb") as file:
            return file.read()


def from_bytes(data, where):
    """The network of a ``.keras`` file's bytes, checked, then loaded in Keras' safe mode."""
    import keras

    # Registers skrnn's layers, which the configuration may name.
    import skrnn._base  # noqa: F401
    import skrnn._peephole  # noqa: F401

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            config = json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValueError(
            f"holds a network (at {where}) that is not a .keras file ({exc})."
        ) from exc
    _check_config(config, where)
    with tempfile.TemporaryDirectory(prefix="skrnn-") as folder:
        path = os.path.join(folder, "network.keras")
        with open(path, "wb") as file:
            file.write(data)
        try:
            return keras.saving.load_model(path, safe_mode=True)
        except (ValueError, TypeError) as exc:
            raise Refused(
                f"holds a network (at {where}) that Keras would not load in safe mode: "
                f"{_root_cause(exc)}"
            ) from exc


def _check_config(config, where):
    """Refuse a configuration that names an object outside Keras and its registry."""
    import keras

    for node in _objects(config):
        class_name = node.get("class_name")
        module = node.get("module")
        registered = node.get("registered_name")
        if class_name == "__lambda__":
            raise Refused(
                f"holds a network (at {where}) with a Python lambda in its configuration, "
                "which would run code when loaded."
            )
        if isinstance(registered, str) and keras.saving.get_registered_object(registered):
            continue
        if module is None and class_name in _PLAIN_VALUES:
            continue
        if isinstance(module, str) and (module == "keras" or module.startswith("keras.")):
            continue
        raise Refused(
            f"holds a network (at {where}) whose configuration names {module}.{class_name}, "
            "which is neither Keras' own nor a registered Keras object."
        )


def _objects(config):
    """Every dictionary of `config` that describes an object (has a ``class_name``)."""
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "class_name" in node:
                yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _root_cause(exc):
    """The innermost reason of a Keras deserialisation error, in a line of reason.

    Keras wraps the error of each object in that of the object around it, each
    with its whole configuration: the last one is the reason.
    """
    message = " ".join(str(exc).split()).rsplit("Exception encountered: ", 1)[-1]
    return message if len(message) <= 300 else f"{message[:297]}..."
