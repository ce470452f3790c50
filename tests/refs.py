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


def floor_divide(x1, x2, /):
    """NumPy's floor_divide with the standard's special cases: an infinite operand (or a
    zero dividend) gives ``x1 / x2`` (inf // 1 is inf, 1 // -inf is -0), where NumPy
    gives nan and -1."""
    out = np.floor_divide(x1, x2)
    if np.issubdtype(out.dtype, np.floating) or str(out.dtype) == "bfloat16":
        special = np.isinf(x1) | np.isinf(x2) | (x1 == 0)
        out = np.where(special, (x1 / x2).astype(out.dtype), out)
    return out


def _half_in_float32(f):
    """NumPy alone accumulates float16 statistics in float16 (and overflows); every backend
    computes them in float32 and rounds once, which the standard allows."""
    def g(x, /, **kwargs):
        if x.dtype == np.float16:
            return f(x.astype(np.float32), **kwargs).astype(np.float16)
        return f(x, **kwargs)
    return g


std = _half_in_float32(np.std)
var = _half_in_float32(np.var)


def pinv(x, /, *, rtol=None):
    """NumPy's pinv with the standard's default cutoff, max(M, N) * eps."""
    if rtol is None:
        rtol = max(x.shape[-2:]) * np.finfo(x.dtype).eps
    return np.linalg.pinv(x, rtol=rtol)
