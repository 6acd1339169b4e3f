"""A fitted model as a tree of JSON nodes, with its arrays and networks beside it.

Each value of a model becomes one JSON node; none runs code when read:

- ``None``, booleans, integers, floats and strings are themselves, a list is a
  JSON list;
- a node of any other value is a JSON object with one key, its kind:

  ``{"tuple": [...]}``, ``{"dict": [[key, value], ...]}``
      Python containers.
  ``{"array": i}``
      A NumPy array of numbers, booleans, dates or fixed-width text, in the
      member ``arrays/i.npy`` (read with ``allow_pickle=False``).
  ``{"object_array": {"shape": [...], "items": [...]}}``
      An array of Python objects (scikit-learn's ``feature_names_in_``), item
      by item, each item a node.
  ``{"masked_array": {"data": ..., "mask": ..., "fill_value": ...}}``
      A NumPy masked array (a search's ``cv_results_``).
  ``{"scalar": {"dtype": ..., "value": ...}}`` or ``{"scalar": {"array": i}}``
      A NumPy scalar: a number in JSON, anything else as a 0-d array.
  ``{"random_state": ...}``
      A ``numpy.random.RandomState``, by its state.
  ``{"timestamp": ...}``, ``{"period": ...}``, ``{"index": ...}``,
  ``{"series": ...}``, ``{"dataframe": ...}``
      pandas values, by their data, dtype and labels; a
      :class:`~pandas.MultiIndex` (the (series, date) rows of a panel) by its
      levels and codes.
  ``{"offset": "B"}``
      A pandas date offset (a step between dates), by its name.
  ``{"network": i}``
      A Keras model, in the member ``networks/i.keras`` (see
      :mod:`skrnn._persistence._networks`).
  ``{"name": "dotted.name"}``
      A class or function, referred to (never called).
  ``{"object": {"class": "dotted.name", "state": {...}}}``
      An instance of a class, rebuilt as pickle rebuilds a plain object: its
      ``__new__``, then its ``__setstate__`` or ``__dict__`` with the state's
      attributes.
  ``{"ref": i}``
      The ``i``-th object or network of the tree (in the order they are first
      met), reached once more.

Only the classes and functions of :data:`skrnn._persistence._trusted.TRUSTED`
(and those a caller of ``load_model`` names as ``trusted``) may appear in a
``name`` or ``object`` node.
"""

import copyreg
import io

import numpy as np
import pandas as pd

from skrnn._persistence import _networks, _trusted
from skrnn._persistence._trusted import Refused

_PRIMITIVES = (bool, int, float, str)
#: NumPy scalars written as JSON numbers: the conversion to a Python number and
#: back is exact for these.
_JSON_SCALAR_KINDS = "biuf"
#: pandas dtypes of Index, Series and DataFrame columns beyond NumPy's own.
_PANDAS_DTYPES = {"object", "str", "string"}


class TreeWriter:
    """Turns a model into JSON nodes, collecting its arrays and networks."""

    def __init__(self):
        self.arrays = []
        self.networks = []
        self._objects = {}  # id -> position among the objects and networks met
        self._alive = []  # what is in _objects, so that no id is reused meanwhile

    def node(self, value, where):
        kind = type(value)
        if value is None or kind in _PRIMITIVES:
            return value
        if kind is list:
            return [self.node(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if kind is tuple:
            return {"tuple": [self.node(item, f"{where}[{i}]") for i, item in enumerate(value)]}
        if kind is dict:
            return {
                "dict": [
                    [self.node(key, f"{where} (a key)"), self.node(item, f"{where}[{key!r}]")]
                    for key, item in value.items()
                ]
            }
        for types, write in self._WRITERS:
            if isinstance(value, types):
                return write(self, value, where)
        if _networks.is_network(value):
            return self._shared(value, lambda: {"network": self._network(value)})
        if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
            return {"name": _trusted.name_of(value, where)}
        return self._object(value, where)

    # -- NumPy -----------------------------------------------------------------

    def _array(self, value, where):
        if isinstance(value, np.ma.MaskedArray):
            return {
                "masked_array": {
                    "data": self._array(np.ma.getdata(value), f"{where}.data"),
                    "mask": self._array(np.ma.getmaskarray(value), f"{where}.mask"),
                    "fill_value": self.node(value.fill_value, f"{where}.fill_value"),
                }
            }
        value = np.asarray(value)
        if value.dtype.hasobject:
            if value.dtype != object:
                raise ValueError(f"{where} is an array of records holding Python objects.")
            items = [self.node(item, f"{where}[{i}]") for i, item in enumerate(value.ravel())]
            return {"object_array": {"shape": list(value.shape), "items": items}}
        self.arrays.append(value)
        return {"array": len(self.arrays) - 1}

    def _scalar(self, value, where):
        dtype = value.dtype
        if dtype.kind in _JSON_SCALAR_KINDS and dtype.itemsize <= 8:
            return {"scalar": {"dtype": dtype.str, "value": value.item()}}
        return {"scalar": self._array(np.asarray(value), where)}

    def _random_state(self, value, where):
        return {"random_state": self.node(value.get_state(), f"{where}.get_state()")}

    # -- pandas ----------------------------------------------------------------

    def _timestamp(self, value, where):
        utc = value.tz_convert("UTC").tz_localize(None) if value.tz is not None else value
        return {
            "timestamp": {
                "value": int(utc.to_datetime64().astype(np.int64)),
                "unit": utc.unit,
                "tz": self._tz(value.tz, where),
            }
        }

    def _period(self, value, where):
        return {"period": {"ordinal": int(value.ordinal), "freq": value.freqstr}}

    def _index(self, value, where):
        name = self.node(value.name, f"{where}.name")
        if isinstance(value, pd.RangeIndex):
            body = {"kind": "range", "start": value.start, "stop": value.stop, "step": value.step}
        elif isinstance(value, pd.DatetimeIndex):
            utc = value.tz_convert("UTC").tz_localize(None) if value.tz is not None else value
            body = {
                "kind": "datetime",
                "values": self._array(utc.to_numpy(), where),
                "tz": self._tz(value.tz, where),
                "freq": self._freq(value.freq, where),
            }
        elif isinstance(value, pd.PeriodIndex):
            body = {
                "kind": "period",
                "ordinals": self._array(value.asi8, where),
                "freq": value.freqstr,
            }
        elif type(value) is pd.Index:
            body = {"kind": "plain", **self._values(value, where)}
        elif isinstance(value, pd.MultiIndex):
            body = {
                "kind": "multi",
                "levels": [
                    self._index(level, f"{where}.levels[{i}]")
                    for i, level in enumerate(value.levels)
                ],
                "codes": [self._array(np.asarray(codes), where) for codes in value.codes],
                "names": [self.node(n, f"{where}.names") for n in value.names],
            }
        else:
            raise ValueError(
                f"{where} is a {type(value).__name__}, which save_model cannot write; "
                "expected a RangeIndex, DatetimeIndex, PeriodIndex, MultiIndex or plain Index."
            )
        return {"index": {**body, "name": name}}

    def _series(self, value, where):
        return {
            "series": {
                **self._values(value, where),
                "index": self._index(value.index, f"{where}.index"),
                "name": self.node(value.name, f"{where}.name"),
            }
        }

    def _frame(self, value, where):
        if value.attrs:
            raise ValueError(f"{where} is a DataFrame with attrs, which save_model cannot write.")
        columns = [
            self._values(value.iloc[:, j], f"{where}.iloc[:, {j}]") for j in range(value.shape[1])
        ]
        return {
            "dataframe": {
                "columns": self._index(value.columns, f"{where}.columns"),
                "index": self._index(value.index, f"{where}.index"),
                "data": columns,
            }
        }

    def _values(self, labels_or_column, where):
        """The values and dtype of an Index or Series."""
        dtype = labels_or_column.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
            values = labels_or_column.to_numpy()
        elif str(dtype) in _PANDAS_DTYPES:
            values = labels_or_column.to_numpy(dtype=object)
        else:
            raise ValueError(
                f"{where} has the dtype {dtype}, which save_model cannot write; expected "
                "numbers, booleans, dates, strings or Python objects."
            )
        return {"values": self._array(values, where), "dtype": str(dtype)}

    def _tz(self, tz, where):
        if tz is None:
            return None
        if pd.DatetimeTZDtype(tz=str(tz)) != pd.DatetimeTZDtype(tz=tz):
            raise ValueError(f"{where} has the time zone {tz!r}, which has no name to save.")
        return str(tz)

    def _offset(self, value, where):
        return {"offset": self._freq(value, where)}

    def _freq(self, freq, where):
        if freq is None:
            return None
        if pd.tseries.frequencies.to_offset(freq.freqstr) != freq:
            raise ValueError(
                f"{where} has the frequency {freq!r}, which its name {freq.freqstr!r} "
                "does not describe in full; save_model cannot write it."
            )
        return freq.freqstr

    # -- objects and networks ----------------------------------------------------

    def _network(self, value):
        self.networks.append(value)
        return len(self.networks) - 1

    def _object(self, value, where):
        cls = type(value)
        try:
            reduced = value.__reduce_ex__(2)
        except Exception as exc:
            raise ValueError(
                f"{where} is a {cls.__qualname__}, which save_model cannot write ({exc})."
            ) from exc
        if not (
            isinstance(reduced, tuple)
            and reduced[0] is copyreg.__newobj__
            and reduced[1] == (cls,)
            and all(part is None for part in reduced[3:])
        ):
            raise ValueError(
                f"{where} is a {cls.__module__}.{cls.__qualname__}, which save_model cannot "
                "write: it is not a plain object of attributes (its pickle calls "
                f"{getattr(reduced[0], '__qualname__', reduced[0])})."
            )
        state = reduced[2] if len(reduced) > 2 else None
        if state is not None and not (
            type(state) is dict and all(type(key) is str for key in state)
        ):
            raise ValueError(
                f"{where} is a {cls.__module__}.{cls.__qualname__} whose state is not a "
                "dictionary of attributes; save_model cannot write it."
            )
        name = _trusted.name_of(cls, where)

        def write():
            attributes = None
            if state is not None:
                attributes = {key: self.node(item, f"{where}.{key}") for key, item in state.items()}
            return {"object": {"class": name, "state": attributes}}

        return self._shared(value, write)

    def _shared(self, value, write):
        """`write` the first time `value` is met; a reference to it afterwards."""
        if id(value) in self._objects:
            return {"ref": self._objects[id(value)]}
        self._objects[id(value)] = len(self._objects)
        self._alive.append(value)
        return write()

    _WRITERS = (
        (np.ndarray, _array),
        (np.generic, _scalar),
        (np.random.RandomState, _random_state),
        (pd.Timestamp, _timestamp),
        (pd.Period, _period),
        (pd.Index, _index),
        (pd.Series, _series),
        (pd.DataFrame, _frame),
        (pd.offsets.BaseOffset, _offset),
    )


class TreeReader:
    """Rebuilds a model from its JSON nodes and the members of its archive."""

    def __init__(self, archive, trusted):
        self._archive = archive
        self._trusted = trusted
        self._objects = []

    def value(self, node, where):
        if node is None or type(node) in _PRIMITIVES:
            return node
        if type(node) is list:
            return [self.value(item, f"{where}[{i}]") for i, item in enumerate(node)]
        if type(node) is not dict or len(node) != 1:
            raise ValueError(f"has a damaged node at {where}: {_shorten(node)}.")
        ((kind, body),) = node.items()
        read = self._READERS.get(kind)
        if read is None:
            raise ValueError(f"has a node of unknown kind {kind!r} at {where}.")
        return read(self, body, where)

    # -- Python ----------------------------------------------------------------

    def _tuple(self, body, where):
        return tuple(self._list(body, where))

    def _dict(self, body, where):
        pairs = _expect(body, list, where)
        result = {}
        for pair in pairs:
            key, item = _expect(pair, list, where, length=2)
            key = self.value(key, f"{where} (a key)")
            result[key] = self.value(item, f"{where}[{key!r}]")
        return result

    def _list(self, body, where):
        items = _expect(body, list, where)
        return [self.value(item, f"{where}[{i}]") for i, item in enumerate(items)]

    # -- NumPy -----------------------------------------------------------------

    def _array(self, body, where):
        index = _expect(body, int, where)
        member = f"arrays/{index}.npy"
        data = self._member(member, where)
        try:
            return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:
            raise Refused(
                f"holds {member} (at {where}), which is not a NumPy array of plain values "
                f"({exc}); load_model reads no pickled data."
            ) from exc

    def _object_array(self, body, where):
        body = _expect(body, dict, where)
        shape = _expect(body.get("shape"), list, where)
        items = self._list(body.get("items"), where)
        result = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            result[i] = item
        return result.reshape([_expect(n, int, where) for n in shape])

    def _masked_array(self, body, where):
        body = _expect(body, dict, where)
        data = self.value(body.get("data"), f"{where}.data")
        mask = self.value(body.get("mask"), f"{where}.mask")
        fill_value = self.value(body.get("fill_value"), f"{where}.fill_value")
        return np.ma.MaskedArray(
            _expect(data, np.ndarray, where), mask=_expect(mask, np.ndarray, where),
            fill_value=fill_value,
        )  # fmt: skip

    def _scalar(self, body, where):
        body = _expect(body, dict, where)
        if "array" in body:
            array = self._array(body["array"], where)
            if array.ndim != 0:
                raise ValueError(f"has an array of shape {array.shape} as a scalar at {where}.")
            return array[()]
        dtype = np.dtype(_expect(body.get("dtype"), str, where))
        value = body.get("value")
        if dtype.kind not in _JSON_SCALAR_KINDS or type(value) not in (bool, int, float):
            raise ValueError(f"has a scalar {_shorten(value)} of dtype {dtype} at {where}.")
        return dtype.type(value)

    def _random_state(self, body, where):
        state = self.value(body, where)
        generator = np.random.RandomState()
        generator.set_state(_expect(state, tuple, where))
        return generator

    # -- pandas ----------------------------------------------------------------

    def _timestamp(self, body, where):
        body = _expect(body, dict, where)
        value = np.datetime64(_expect(body.get("value"), int, where), body.get("unit"))
        return _localize(pd.Timestamp(value), body.get("tz"))

    def _period(self, body, where):
        body = _expect(body, dict, where)
        return pd.Period(
            ordinal=_expect(body.get("ordinal"), int, where),
            freq=_expect(body.get("freq"), str, where),
        )

    def _index(self, body, where):
        body = _expect(body, dict, where)
        name = self.value(body.get("name"), f"{where}.name")
        kind = body.get("kind")
        if kind == "range":
            start, stop, step = (
                _expect(body.get(k), int, where) for k in ("start", "stop", "step")
            )
            return pd.RangeIndex(start, stop, step, name=name)
        if kind == "datetime":
            values = self.value(body.get("values"), where)
            if not (isinstance(values, np.ndarray) and values.dtype.kind == "M"):
                raise ValueError(f"has a DatetimeIndex without dates at {where}.")
            index = _localize(pd.DatetimeIndex(values, name=name), body.get("tz"))
            freq = body.get("freq")
            return index if freq is None else pd.DatetimeIndex(index, freq=freq)
        if kind == "period":
            ordinals = self.value(body.get("ordinals"), where)
            dtype = pd.PeriodDtype(_expect(body.get("freq"), str, where))
            array = pd.arrays.PeriodArray(_expect(ordinals, np.ndarray, where), dtype=dtype)
            return pd.PeriodIndex(array, name=name)
        if kind == "plain":
            return pd.Index(self._values(body, where), name=name)
        if kind == "multi":
            levels = [
                self._labels(level, f"{where}.levels")
                for level in _expect(body.get("levels"), list, where)
            ]
            codes = [
                _expect(self.value(c, f"{where}.codes"), np.ndarray, where)
                for c in _expect(body.get("codes"), list, where)
            ]
            names = self._list(body.get("names"), f"{where}.names")
            if not (len(levels) == len(codes) == len(names)) or any(
                c.dtype.kind not in "iu" for c in codes
            ):
                raise ValueError(f"has a damaged MultiIndex at {where}.")
            return pd.MultiIndex(levels=levels, codes=codes, names=names, verify_integrity=True)
        raise ValueError(f"has an index of unknown kind {kind!r} at {where}.")

    def _offset(self, body, where):
        try:
            return pd.tseries.frequencies.to_offset(_expect(body, str, where))
        except ValueError:
            raise ValueError(
                f"has a date offset {_shorten(body)} at {where}, not a frequency."
            ) from None

    def _series(self, body, where):
        body = _expect(body, dict, where)
        index = self._labels(body.get("index"), f"{where}.index")
        name = self.value(body.get("name"), f"{where}.name")
        return pd.Series(self._values(body, where), index=index, name=name, copy=False)

    def _dataframe(self, body, where):
        body = _expect(body, dict, where)
        columns = self._labels(body.get("columns"), f"{where}.columns")
        index = self._labels(body.get("index"), f"{where}.index")
        data = _expect(body.get("data"), list, where)
        if len(data) != len(columns):
            raise ValueError(f"has {len(data)} columns for {len(columns)} labels at {where}.")
        values = {
            j: self._values(_expect(column, dict, where), f"{where}.iloc[:, {j}]")
            for j, column in enumerate(data)
        }
        frame = pd.DataFrame(values, index=index, copy=False)
        frame.columns = columns
        return frame

    def _labels(self, node, where):
        return _expect(self.value(node, where), pd.Index, where)

    def _values(self, body, where):
        """The values of an Index or a column, in their dtype."""
        values = _expect(self.value(body.get("values"), where), np.ndarray, where)
        dtype = _expect(body.get("dtype"), str, where)
        if dtype in ("str", "string"):
            return pd.array(values, dtype=dtype)
        if values.dtype != np.dtype(dtype):
            raise ValueError(f"has values of dtype {values.dtype} for dtype {dtype} at {where}.")
        return values

    # -- objects and networks ----------------------------------------------------

    def _network(self, body, where):
        index = _expect(body, int, where)
        network = _networks.from_bytes(self._member(f"networks/{index}.keras", where), where)
        self._objects.append(network)
        return network

    def _name(self, body, where):
        return _trusted.resolve(body, self._trusted, where)

    def _object(self, body, where):
        body = _expect(body, dict, where)
        cls = _trusted.resolve(body.get("class"), self._trusted, where, must_be_class=True)
        instance = cls.__new__(cls)
        self._objects.append(instance)
        attributes = body.get("state")
        if attributes is None:
            return instance
        state = {
            key: self.value(item, f"{where}.{key}")
            for key, item in _expect(attributes, dict, where).items()
        }
        setstate = getattr(instance, "__setstate__", None)
        if setstate is not None:
            setstate(state)
        else:
            instance.__dict__.update(state)
        return instance

    def _ref(self, body, where):
        index = _expect(body, int, where)
        if not 0 <= index < len(self._objects):
            raise ValueError(f"refers to object {index} at {where}, before it exists.")
        return self._objects[index]

    def _member(self, member, where):
        try:
            return self._archive.read(member)
        except KeyError:
            raise ValueError(f"lacks {member}, which it needs at {where}.") from None

    _READERS = {
        "tuple": _tuple,
        "dict": _dict,
        "array": _array,
        "object_array": _object_array,
        "masked_array": _masked_array,
        "scalar": _scalar,
        "random_state": _random_state,
        "timestamp": _timestamp,
        "period": _period,
        "index": _index,
        "series": _series,
        "dataframe": _dataframe,
        "offset": _offset,
        "network": _network,
        "name": _name,
        "object": _object,
        "ref": _ref,
    }


def _expect(value, kind, where, length=None):
    if not isinstance(value, kind) or kind is int and isinstance(value, bool):
        raise ValueError(f"has {_shorten(value)} at {where}, where a {kind.__name__} belongs.")
    if length is not None and len(value) != length:
        raise ValueError(f"has {_shorten(value)} at {where}, expected {length} items.")
    return value


def _localize(dates, tz):
    return dates if tz is None else dates.tz_localize("UTC").tz_convert(tz)


def _shorten(value):
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."
