"""Arrays held in memory: NumPy, jax / torch / tensorflow arrays, pandas DataFrames and
Series, and dicts / lists / tuples of those.

A batch is sliced with the array's own backend (``x[start:stop]``, or a gather by an index
array for shuffled batches: ``torch.index_select``, ``tf.gather``, jax / NumPy indexing),
so that arrays of a backend stay on it and on their device; pandas objects become NumPy
once, up front.
"""

from __future__ import annotations

import math

import numpy as np

from ._utils import (
    DataAdapter,
    array_backend,
    check_class_weight,
    check_lengths,
    check_sample_weight,
    class_weight_to_sample_weight,
    is_nested,
    leaves_with_paths,
    map_structure,
    prepare_leaf,
    training_piece,
)

#: Keras's default batch size for arrays
DEFAULT_BATCH_SIZE = 32


def prepare_arrays(tree, name: str, caller: str, error=TypeError):
    """``tree`` with its leaves ready for slicing (pandas as NumPy, ...), or ``error``
    naming the first leaf that is not an array."""
    for path, leaf in leaves_with_paths(tree, name):
        if array_backend(leaf) is None:
            raise error(f"{caller}: {path} is of type {type(leaf).__name__}, not an array; give "
                        f"NumPy arrays, arrays of jax / torch / tensorflow, or pandas objects "
                        f"(alone or in a dict, list or tuple)")
    return map_structure(lambda a: prepare_leaf(a, array_backend(a)), tree)


def take(leaf, index):
    """Rows ``index`` (a slice, or a NumPy int array) of ``leaf``, by its own backend."""
    if isinstance(index, slice):
        return leaf[index]
    if isinstance(leaf, np.ndarray):
        return leaf.take(index, axis=0)
    rows = training_piece(array_backend(leaf), "take_rows")  # torch, tensorflow
    if rows is not None:
        return rows(leaf, index)
    return leaf[index]  # jax, and anything that indexes as NumPy does


class ArrayDataAdapter(DataAdapter):
    """Batches sliced from arrays in memory, shuffled per pass when asked."""

    kind = "arrays"

    def __init__(self, x, y=None, sample_weight=None, *, batch_size=None, steps=None,
                 shuffle=False, class_weight=None, seed=None, caller="fit"):
        self.caller = caller
        if x is None:
            raise TypeError(f"{caller}: x is None; give the input data")
        x = prepare_arrays(x, "x", caller)
        y = prepare_arrays(y, "y", caller)
        sample_weight = prepare_arrays(sample_weight, "sample_weight", caller)
        named = (leaves_with_paths(x, "x") + leaves_with_paths(y, "y")
                 + leaves_with_paths(sample_weight, "sample_weight"))
        if not leaves_with_paths(x, "x"):
            raise ValueError(f"{caller}: x holds no arrays; give the input data")
        n = check_lengths(named, caller)
        if n == 0:
            raise ValueError(f"{caller}: x has 0 examples; give at least one example")
        class_weight = check_class_weight(class_weight, caller)
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(f"{caller}: class_weight and sample_weight cannot be given "
                                 "together; fold the class weights into sample_weight")
            sample_weight = class_weight_to_sample_weight(y, class_weight, caller)
        sample_weight = check_sample_weight(y, sample_weight, n, caller)
        if batch_size is None:
            batch_size = math.ceil(n / steps) if steps else DEFAULT_BATCH_SIZE
        self._data = (x, y, sample_weight)
        self._n = n
        self._batch_size = int(batch_size)
        self._num_batches = math.ceil(n / self._batch_size)
        self._shuffle = shuffle
        self._rng = np.random.default_rng(seed)

    @property
    def num_batches(self) -> int:
        return self._num_batches

    @property
    def batch_size(self) -> int:
        return self._batch_size

    @property
    def num_examples(self) -> int:
        return self._n

    def get_iterator(self):
        n, size = self._n, self._batch_size
        order = self._rng.permutation(n) if self._shuffle is True else None
        return self._batches(order, n, size)

    def _batches(self, order, n, size):
        x, y, sw = self._data
        for start in range(0, n, size):
            stop = min(start + size, n)
            if order is not None:
                index = order[start:stop]
            elif self._shuffle == "batch":
                index = start + self._rng.permutation(stop - start)
            else:
                index = slice(start, stop)
            yield tuple(map_structure(lambda a: take(a, index), t) for t in (x, y, sw))


def train_validation_split(arrays, validation_split):
    """Split in-memory ``arrays`` (e.g. ``(x, y, sample_weight)``, None allowed) into
    ``(train, validation)``: the last ``validation_split`` fraction of the examples
    becomes the validation data, before any shuffling (Keras's rule). With a split of 0
    the result is ``(arrays, None)``.

    Raises ValueError unless ``0 <= validation_split < 1``, if ``arrays`` are not arrays
    in memory (a dataset or a generator: give ``validation_data`` instead), or if either
    part would hold no example.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.trainers.data_adapters import train_validation_split
    >>> (x, y), (vx, vy) = train_validation_split((np.arange(10), np.arange(10)), 0.2)
    >>> x.tolist(), vx.tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    caller = "fit"
    if (isinstance(validation_split, bool)
            or not isinstance(validation_split, (int, float, np.integer, np.floating))
            or not 0 <= validation_split < 1):
        raise ValueError(f"{caller}: validation_split must be a fraction in [0, 1), got "
                         f"{validation_split!r}")
    if not validation_split:
        return arrays, None
    for name, tree in _named_parts(arrays):
        for path, leaf in leaves_with_paths(tree, name):
            if array_backend(leaf) is None:
                raise ValueError(
                    f"{caller}: validation_split is only supported when the data are arrays "
                    f"in memory, but {path} is of type {type(leaf).__name__}; give "
                    "validation_data instead")
    arrays = prepare_arrays(arrays, "x", caller, error=ValueError)
    named = [p for name, tree in _named_parts(arrays) for p in leaves_with_paths(tree, name)]
    if not named:
        return arrays, arrays
    n = check_lengths(named, caller)
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"{caller}: the data hold {n} examples, too few to split into "
                         f"training and validation sets by validation_split="
                         f"{validation_split}; give more data or another validation_split")
    train = map_structure(lambda a: a[:split_at], arrays)
    val = map_structure(lambda a: a[split_at:], arrays)
    return train, val


def _named_parts(arrays):
    """``arrays`` as (name, tree) pairs: the parts of an ``(x, y, sample_weight)`` tuple
    named as such, anything else as ``x``."""
    if isinstance(arrays, tuple) and not hasattr(type(arrays), "_fields") \
            and 1 <= len(arrays) <= 3:
        return list(zip(("x", "y", "sample_weight"), arrays))
    return [("x", arrays)]


def is_array_input(x, y=None, sample_weight=None) -> bool:
    """Whether ``x`` (with ``y``, ``sample_weight``) is arrays held in memory, the input
    that :func:`get_data_adapter` slices into batches (and the only one that takes
    ``batch_size``, ``shuffle`` and ``validation_split``)."""
    from ._generator import is_batch_list
    if x is None or is_batch_list(x):
        return False
    parts = [leaves_with_paths(t, "") for t in (x, y, sample_weight)]
    return bool(parts[0]) and all(array_backend(leaf) is not None
                                  for part in parts for _, leaf in part) \
        and (is_nested(x) or array_backend(x) is not None)
