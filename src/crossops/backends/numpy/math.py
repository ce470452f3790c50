"""NumPy's special functions for crossops.math, from SciPy (imported on first call), with
Keras's parameter names. SciPy has no float16 or bfloat16 loops: half precision is
computed in float32 and rounded once."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from .._common import partial, plain_axes

_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))
_F32_F64 = (np.dtype(np.float32), np.dtype(np.float64))


def _special(name: str):
    import scipy.special
    return getattr(scipy.special, name)


def _unary(f, x):
    if x.dtype in _HALF:
        return np.asarray(f(x.astype(np.float32))).astype(x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = np.dtype(np.float32) if x1.dtype in _HALF else x1.dtype
    out = f(x1.astype(compute, copy=False), x2.astype(compute, copy=False))
    return np.asarray(out).astype(x1.dtype, copy=False) if compute != x1.dtype else out


def erf(x):
    return _unary(_special("erf"), x)


def erfc(x):
    return _unary(_special("erfc"), x)


def erfinv(x):
    return _unary(_special("erfinv"), x)


def gammainc(x1, x2):
    return _binary(_special("gammainc"), x1, x2)


@partial
def logsumexp(x, axis=None, keepdims=False):
    """The generic form's computation (``crossops/math/_generic.py``) in NumPy's own calls,
    without the dispatch of each of its ten ops: float32 and float64 arrays reduced over
    every axis, an int axis or a tuple of distinct axes; other cases take the generic
    form."""
    if not isinstance(x, np.ndarray) or x.dtype not in _F32_F64 or not x.size \
            or type(keepdims) is not bool:
        return NotImplemented
    axis = plain_axes(axis, x.ndim)
    if axis is None:
        return NotImplemented
    m = np.max(x, axis=axis, keepdims=True)
    fin = np.isfinite(m)
    if fin.all():  # (the common case: the selections below would keep every value)
        s = np.sum(np.exp(x - m), axis=axis, keepdims=keepdims)
        # (a 0-d array, not a NumPy scalar, where every axis is reduced: the generic's)
        return np.asarray(np.log(s) + (m if keepdims else m.reshape(s.shape)))
    # (a slice whose max is not finite gives that max: its terms are summed as zeros)
    m0 = np.where(fin, m, 0)
    s = np.sum(np.exp(np.where(fin, x, 0) - m0), axis=axis, keepdims=keepdims)
    if not keepdims:
        m, m0, fin = m.reshape(s.shape), m0.reshape(s.shape), fin.reshape(s.shape)
    return np.where(fin, np.log(s) + m0, m)
