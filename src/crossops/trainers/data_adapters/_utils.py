"""What every data adapter shares: the base class, small pytree helpers, the detection of
array leaves (without importing a framework), argument validation, batch unpacking and
class weights.

Error messages name the caller (``fit``, ``evaluate``, ``predict``) and the argument, in
the form ``"<caller>: <what is wrong>; <what to do>"``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..._backend import BACKENDS, backend_chapter, backend_of_type
from ..._convert import to_numpy
from ..._shapes import static_dims
from ..._variable import detached

#: the accepted kinds of ``x``, for the TypeError on anything else
ACCEPTED = ("NumPy arrays, arrays of jax / torch / tensorflow, pandas DataFrames or Series "
            "(or a dict, list or tuple of those), a tf.data.Dataset, a "
            "torch.utils.data.DataLoader, a crossops.utils.PyDataset, or a generator or "
            "other iterable of batches")

#: what an adapter yields: ``(x, y, sample_weight)``; y and sample_weight may be None
Batch = tuple


class DataAdapter:
    """One kind of input data, seen as passes of batches ``(x, y, sample_weight)``.

    Subclasses give ``get_iterator`` (a fresh iterator over one pass), ``num_batches`` and
    ``batch_size`` (None where unknown); ``on_epoch_begin`` / ``on_epoch_end`` are hooks
    (a PyDataset's own hooks run there).
    """

    #: the public method that the data feeds, for error messages
    caller = "fit"
    #: a few words naming the kind of input, for messages ("a generator")
    kind = "data"

    @property
    def num_batches(self) -> int | None:
        return None

    @property
    def batch_size(self) -> int | None:
        return None

    def get_iterator(self):
        raise NotImplementedError

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass


# -------------------------------------------------------------------------------- pytrees


def is_namedtuple(t) -> bool:
    return isinstance(t, tuple) and hasattr(type(t), "_fields")


def is_nested(t) -> bool:
    return isinstance(t, (dict, list, tuple))


def map_structure(fn, tree):
    """``fn`` applied to every leaf of ``tree`` (dicts, lists, tuples, named tuples; None
    stays None), keeping the structure and the dicts' key order."""
    if tree is None:
        return None
    if isinstance(tree, dict):
        return {k: map_structure(fn, v) for k, v in tree.items()}
    if is_namedtuple(tree):
        return type(tree)(*(map_structure(fn, v) for v in tree))
    if isinstance(tree, tuple):
        return tuple(map_structure(fn, v) for v in tree)
    if isinstance(tree, list):
        return [map_structure(fn, v) for v in tree]
    return fn(tree)


def leaves_with_paths(tree, name: str) -> list[tuple[str, object]]:
    """``(path, leaf)`` for every leaf of ``tree`` (None skipped), the path written as
    ``x['a'][0]``."""
    out: list = []

    def walk(t, path):
        if t is None:
            return
        if isinstance(t, dict):
            for k, v in t.items():
                walk(v, f"{path}[{k!r}]")
        elif isinstance(t, (tuple, list)):
            for i, v in enumerate(t):
                walk(v, f"{path}[{i}]")
        else:
            out.append((path, t))

    walk(tree, name)
    return out


def same_structure(a, b) -> bool:
    """Whether trees ``a`` and ``b`` have the same nesting (leaves may differ)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)
                and all(same_structure(a[k], b[k]) for k in a))
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return (isinstance(a, (tuple, list)) and isinstance(b, (tuple, list))
                and len(a) == len(b) and all(same_structure(u, v) for u, v in zip(a, b)))
    return (a is None) == (b is None)


# ------------------------------------------------------------------------ array leaves


def array_backend(leaf) -> str | None:
    """The backend of an array leaf held in memory ("numpy", "jax", "torch",
    "tensorflow"), "pandas" for a DataFrame / Series, or None for anything else. Imports no
    framework: a framework's array exists only once the framework is imported."""
    if isinstance(leaf, np.ndarray):
        return "numpy"
    t = type(leaf)
    module = t.__module__ or ""
    if _is_pandas(module) and hasattr(leaf, "to_numpy"):
        return "pandas"
    if isinstance(leaf, (str, bytes, numbers.Number, np.generic, type)) or leaf is None:
        return None
    backend = backend_of_type(t)
    if backend is not None and hasattr(leaf, "shape") and not isinstance(leaf, type):
        return backend
    return None


def _is_pandas(module: str) -> bool:
    return module == "pandas" or module.startswith("pandas.")


def is_array_leaf(leaf) -> bool:
    return array_backend(leaf) is not None


def prepare_leaf(leaf, backend: str):
    """An array leaf ready for slicing: pandas as NumPy, a torch tensor off autograd's
    tape (same storage); others as they are."""
    if backend == "pandas":
        return np.asarray(leaf.to_numpy())
    if getattr(leaf, "requires_grad", False):  # on autograd's tape (torch)
        return detached(leaf)
    return leaf


def training_piece(backend: str | None, name: str):
    """Backend ``backend``'s piece ``name`` of its ``training`` chapter
    (``crossops/backends/<backend>/training.py``), or None where it has none (or
    ``backend`` is no crossops backend: "pandas", None)."""
    if backend not in BACKENDS:
        return None
    return getattr(backend_chapter(backend, "training"), name, None)


def host_leaf(leaf):
    """A batch leaf from a tf.data.Dataset or a DataLoader, as NumPy on the host."""
    if leaf is None or isinstance(leaf, np.ndarray):
        return leaf
    if _is_pandas(type(leaf).__module__ or "") and hasattr(leaf, "to_numpy"):
        return np.asarray(leaf.to_numpy())
    if backend_of_type(type(leaf)) is not None:
        return to_numpy(leaf)
    if hasattr(leaf, "numpy"):  # a tf value type that crossops's table does not list
        return np.asarray(leaf.numpy())
    return np.asarray(leaf)


def stream_leaf(leaf):
    """A batch leaf from a generator or a PyDataset: NumPy and backend arrays as they are
    (no copy, no device round trip), pandas and other array-likes as NumPy."""
    if leaf is None or isinstance(leaf, np.ndarray):
        return leaf
    backend = array_backend(leaf)
    if backend == "pandas":
        return np.asarray(leaf.to_numpy())
    if backend is not None:
        return leaf
    return np.asarray(leaf)


def first_dim(leaf) -> int | None:
    shape = getattr(leaf, "shape", None)
    if shape is None or len(shape) == 0:
        return None
    return static_dims(shape[:1])[0]


# -------------------------------------------------------------------------- validation


def steps_name(caller: str) -> str:
    """The name of the steps argument of ``caller`` (``steps_per_epoch`` for fit)."""
    return "steps_per_epoch" if caller == "fit" else "steps"


def check_positive_int(value, name: str, caller: str) -> None:
    """A ValueError unless ``value`` is None or a positive int (not a bool)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{caller}: {name} must be a positive integer, got {value!r}")


def check_class_weight(class_weight, caller: str) -> dict | None:
    """``class_weight`` as a plain dict ``{int class index: float weight}``, or a
    ValueError naming the bad key or value."""
    if class_weight is None:
        return None
    if not hasattr(class_weight, "items"):
        raise ValueError(f"{caller}: class_weight must be a dict from class index to weight "
                         f"(e.g. {{0: 1.0, 1: 5.0}}), got {type(class_weight).__name__}")
    out = {}
    for k, v in class_weight.items():
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            raise ValueError(f"{caller}: class_weight keys must be int class indices "
                             f"(0, 1, ...), got the key {k!r}")
        if isinstance(v, bool) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
            raise ValueError(f"{caller}: class_weight[{k!r}] must be a number, got {v!r}")
        out[int(k)] = float(v)
    return out


def class_weight_to_sample_weight(y, class_weight: dict, caller: str) -> np.ndarray:
    """Per-example weights (float32, shape (n,)) from labels ``y``: int labels of shape
    (n,) or (n, 1), or one-hot / probabilities of shape (n, k) (argmax); labels are
    rounded, as Keras; a class missing from ``class_weight`` weighs 1.0, as Keras."""
    if y is None:
        raise ValueError(f"{caller}: class_weight needs targets y to weigh; give y (or "
                         "batches (x, y)) or leave class_weight out")
    if is_nested(y):
        raise ValueError(f"{caller}: class_weight is only supported for a single output "
                         "(y one array, not a dict, list or tuple of arrays); give "
                         "sample_weight per output instead")
    labels = to_numpy(y)
    if labels.ndim == 2:
        labels = labels[:, 0] if labels.shape[1] == 1 else np.argmax(labels, axis=-1)
    elif labels.ndim != 1:
        raise ValueError(f"{caller}: class_weight needs y of shape (n,), (n, 1) or (n, "
                         f"classes), got y of shape {tuple(labels.shape)}")
    labels = np.round(labels).astype(np.int64)
    weights = np.ones(labels.shape[0], dtype=np.float32)
    for k, v in class_weight.items():
        weights[labels == k] = v
    return weights


def check_sample_weight(y, sample_weight, n_examples, caller: str):
    """``sample_weight`` checked against ``y`` (Keras's rules); a single sample-wise array
    for a multi-output ``y`` is repeated for every output, as Keras."""
    if sample_weight is None:
        return None
    if is_nested(y):
        if is_nested(sample_weight):
            if not same_structure(y, sample_weight):
                raise ValueError(f"{caller}: sample_weight must have one array per output "
                                 f"in y (the same structure); y is {_shape_tree(y)}, "
                                 f"sample_weight is {_shape_tree(sample_weight)}")
            pairs = list(zip([p for p, _ in leaves_with_paths(y, "y")],
                             [leaf for _, leaf in leaves_with_paths(y, "y")],
                             leaves_with_paths(sample_weight, "sample_weight")))
            for _, y_leaf, (sw_path, sw_leaf) in pairs:
                _check_weight_shape(y_leaf, sw_leaf, sw_path, caller)
            return sample_weight
        shape = tuple(sample_weight.shape)
        if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
            raise ValueError(f"{caller}: for several outputs a single sample_weight array "
                             f"must hold one weight per example (shape ({n_examples},)), "
                             f"got shape {shape}; give one array per output for other "
                             "shapes")
        return map_structure(lambda _: sample_weight, y)
    if is_nested(sample_weight):
        raise ValueError(f"{caller}: sample_weight is a {type(sample_weight).__name__} but "
                         "y is a single array; give one sample_weight array")
    if y is not None:
        _check_weight_shape(y, sample_weight, "sample_weight", caller)
    return sample_weight


def _check_weight_shape(y, sw, name, caller):
    ys, ws = tuple(y.shape), tuple(sw.shape)
    ok = 1 <= len(ws) and (
        (len(ws) <= len(ys) and all(w in (1, d) for w, d in zip(ws[1:], ys[1:])))
        or (len(ys) == 1 and ws[1:] == (1,)))
    if not ok:
        raise ValueError(f"{caller}: {name} has shape {ws}, which does not fit the targets' "
                         f"shape {ys}; give one weight per example (shape ({ys[0]},)) or "
                         "weights of the targets' leading shape")


def _shape_tree(t):
    return map_structure(lambda a: tuple(getattr(a, "shape", ())), t)


def check_lengths(named_leaves, caller: str) -> int:
    """The common number of examples of ``[(path, leaf), ...]``, or a ValueError naming
    the first leaf whose first dimension differs (or that has none)."""
    n = None
    first = None
    for path, leaf in named_leaves:
        d = first_dim(leaf)
        if d is None:
            raise ValueError(f"{caller}: {path} has shape {tuple(getattr(leaf, 'shape', ()))}"
                             "; arrays need a first (batch) dimension of examples")
        if n is None:
            n, first = d, path
        elif d != n:
            raise ValueError(f"{caller}: {first} has {n} examples but {path} has {d}; give "
                             "arrays with the same first dimension")
    return 0 if n is None else n


# ----------------------------------------------------------------------------- batches


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch, as Keras: a tuple (or a list) of 1, 2 or 3
    elements is ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``; anything else (an array,
    a dict) is ``x`` alone.

    Examples
    --------
    >>> from crossops.trainers.data_adapters import unpack_x_y_sample_weight
    >>> unpack_x_y_sample_weight(([1], [2]))
    ([1], [2], None)
    >>> unpack_x_y_sample_weight({"a": 1})
    ({'a': 1}, None, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError("data must be x, (x,), (x, y) or (x, y, sample_weight); got a "
                     f"{type(data).__name__} of {len(data)} elements")


def standardize_batch(batch, *, caller: str, kind: str, convert, class_weight=None) -> Batch:
    """A batch from a stream as ``(x, y, sample_weight)``: unpacked (Keras's rule), leaves
    converted by ``convert``, sizes checked, class weights applied."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if isinstance(batch, tuple) and not 1 <= len(batch) <= 3:
        raise ValueError(f"{caller}: each batch from {kind} must be x, (x,), (x, y) or "
                         f"(x, y, sample_weight); got a tuple of {len(batch)} elements")
    x, y, sw = unpack_x_y_sample_weight(batch)
    x, y, sw = (map_structure(convert, t) for t in (x, y, sw))
    if x is None:
        raise ValueError(f"{caller}: a batch from {kind} has no inputs x")
    if class_weight is not None:
        if sw is not None:
            raise ValueError(f"{caller}: class_weight and sample_weight cannot be given "
                             f"together, and the batches from {kind} carry sample weights; "
                             "leave class_weight out or weigh in the batches")
        sw = class_weight_to_sample_weight(y, class_weight, caller)
    check_lengths(leaves_with_paths(x, "x") + leaves_with_paths(y, "y")
                  + leaves_with_paths(sw, "sample_weight"), f"{caller}: a batch from {kind}")
    return x, y, sw
