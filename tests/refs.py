"""Reference implementations where NumPy's function differs from the array API's
signature or result (the spec names them as ``tests.refs.<name>``)."""

from __future__ import annotations

import numpy as np


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    if not descending:
        return np.argsort(x, axis=axis, stable=True)
    # stable descending: sort the reversed array ascending, then reverse back
    n = x.shape[axis]
    rev = np.argsort(np.flip(x, axis), axis=axis, stable=True)
    return np.flip(n - 1 - rev, axis)


def sort(x, /, *, axis=-1, descending=False, stable=True):
    return np.take_along_axis(x, argsort(x, axis=axis, descending=descending), axis)


def _complex(w):
    return w.astype(np.result_type(w.dtype, np.complex64))


def eig(x, /):
    w, v = np.linalg.eig(x)
    return _complex(w), _complex(v)


def eigvals(x, /):
    return _complex(np.linalg.eigvals(x))
