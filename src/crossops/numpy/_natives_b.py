"""``bin_sums``: the counting step of ``bincount`` that other ops (``histogram``'s) share,
run by the backend of its array (``crossops/backends/<backend>/numpy.py``, where
``einsum`` and ``bincount`` adapt each framework's own function too).
"""

from __future__ import annotations

from .._backend import backend_chapter
from ._keras import _backend


def bin_sums(x, weights, length: int):
    """The counts of the values of ``x`` (int64), or the sums of ``weights`` at them, in a
    result of ``length`` entries: ``x`` is 1-d, of the backend's index dtype, and holds
    only values in ``[0, length)`` (unchecked). The length is a Python int, so this
    compiles, where ``bincount`` reads it from the values."""
    return backend_chapter(_backend(x), "numpy").bin_sums(x, weights, length)
