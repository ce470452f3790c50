"""``linspace`` of the backends: the framework's own for Python-number bounds; array bounds
(NumPy's samples along a new first axis, which torch and TensorFlow do not take, and whose
rounding JAX's differs from NumPy's in) return ``NotImplemented``, so that the op's generic
implementation (``crossops.numpy._keras.linspace``) computes them as NumPy does, on the
arrays' own backend.

Examples
--------
>>> import numpy as np
>>> f = number_linspace(lambda a, b, n, **kw: np.linspace(a, b, n))
>>> f(0.0, 1.0, 3)
array([0. , 0.5, 1. ])
>>> f(np.zeros(2), 1.0, 3) is NotImplemented
True
"""

from __future__ import annotations

from collections.abc import Callable

from ._common import partial

#: the types of Python's numbers: the bounds a framework's linspace takes
NUMBERS = frozenset({bool, int, float, complex})


def number_linspace(f: Callable) -> Callable:
    """``f`` (a namespace's ``linspace``) for bounds that are Python numbers, marked
    partial: other bounds give ``NotImplemented`` (the generic's)."""
    def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True):
        if type(start) not in NUMBERS or type(stop) not in NUMBERS:
            return NotImplemented
        return f(start, stop, num, dtype=dtype, device=device, endpoint=endpoint)

    return partial(linspace)
