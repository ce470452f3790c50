"""NumPy's special functions for crossops.math, from SciPy (imported on first call), with
Keras's parameter names. SciPy has no float16 or bfloat16 loops: half precision is
computed in float32 and rounded once."""

from __future__ import annotations

import ml_dtypes
import numpy as np

_HALF = (np.dtype(np.float16), np.dtype(ml_dtypes.bfloat16))


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
