"""Python generators, iterators and other iterables of batches.

A generator (or any iterator) is one-shot: every pass continues it, so a second pass
over an exhausted generator yields nothing (the epoch iterator then warns that the input
ran out of data, as Keras). Any other iterable (a list of batches, an object with
``__iter__``) is re-iterable: each pass calls ``iter()`` on it afresh.

Batches are ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` (a list counts as a
tuple, as Keras); NumPy and backend arrays stay as they are, other array-likes (pandas,
Python lists) become NumPy.
"""

from __future__ import annotations

from ._utils import DataAdapter, array_backend, standardize_batch, stream_leaf


def is_batch_list(x) -> bool:
    """Whether ``x`` is a list of batch tuples ``[(x, y), (x, y), ...]`` rather than the
    arrays of a model with several inputs (a list of arrays)."""
    return (isinstance(x, list) and len(x) > 0
            and all(isinstance(b, tuple) and not hasattr(type(b), "_fields")
                    and 1 <= len(b) <= 3 for b in x))


def is_iterable_input(x) -> bool:
    """Whether ``x`` is a generator, an iterator or another iterable of batches (not a
    string, a mapping, nor an array)."""
    if isinstance(x, (str, bytes, dict, tuple)) or array_backend(x) is not None:
        return False
    return is_batch_list(x) or (not isinstance(x, list) and hasattr(x, "__iter__"))


class GeneratorDataAdapter(DataAdapter):
    """Batches from a generator, an iterator or a re-iterable of batches."""

    def __init__(self, source, *, class_weight=None, caller="fit"):
        self.caller = caller
        self._source = source
        self._one_shot = hasattr(source, "__next__")
        self.kind = ("a generator" if self._one_shot and hasattr(source, "gi_frame")
                     else "an iterator" if self._one_shot else "an iterable of batches")
        self._class_weight = class_weight
        self._num_batches = None
        if not self._one_shot and hasattr(source, "__len__"):
            try:
                self._num_batches = len(source)
            except TypeError:
                self._num_batches = None
        if self._num_batches == 0:
            raise ValueError(f"{caller}: x ({self.kind}) holds no batch; give at least one")

    @property
    def num_batches(self) -> int | None:
        return self._num_batches

    def get_iterator(self):
        source = self._source if self._one_shot else iter(self._source)
        return self._batches(source)

    def _batches(self, source):
        for batch in source:
            yield standardize_batch(batch, caller=self.caller, kind=self.kind,
                                    convert=stream_leaf, class_weight=self._class_weight)
