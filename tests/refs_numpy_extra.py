"""Reference implementations for spec/numpy_extra.toml where NumPy's own function has
another result dtype or leaves a result's order open (the spec names them as
``tests.refs_numpy_extra.<name>``); everywhere else the reference is NumPy's function."""

from __future__ import annotations

import warnings

import numpy as np

from crossops._dtypes import dtype_name, kind, result_name

from .refs_numpy_products import _exact
from .strategies import np_dtype


def float_power(x1, x2, /, **kwargs):
    """NumPy's float_power (float64, or complex128): ml_dtypes gives bfloat16 a loop of
    its own, which NumPy's rule would not."""
    wide = np.complex128 if np.iscomplexobj(x1) or np.iscomplexobj(x2) else np.float64
    return np.float_power(np.asarray(x1).astype(wide), np.asarray(x2).astype(wide))


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """crossops returns the sorted array (a partition for every kth); NumPy's partition
    agrees with it at every kth, which is checked here too."""
    out = np.sort(a, axis=axis)
    got = np.partition(a.astype(np.float64), kth, axis=axis)
    ax = -1 if axis is None else axis
    want = out.astype(np.float64).reshape(-1) if axis is None else out.astype(np.float64)
    for k in np.atleast_1d(kth):
        np.testing.assert_array_equal(np.take(got, k, axis=ax), np.take(want, k, axis=ax))
    return out


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    with warnings.catch_warnings():  # 2-vectors are deprecated in NumPy 2.0
        warnings.simplefilter("ignore", DeprecationWarning)
        return np.cross(a, b, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def matvec(x1, x2, /, **kwargs):
    return _exact(np.matvec, x1, x2)


def vecmat(x1, x2, /, **kwargs):
    return _exact(np.vecmat, x1, x2)


def convolve(a, v, mode="full"):
    return _exact(lambda a, v: np.convolve(a, v, mode=mode), a, v)


def polyval(p, x):
    return _exact(np.polyval, p, x)


def polyadd(a1, a2):
    return _exact(np.polyadd, a1, a2)


def polysub(a1, a2):
    return _exact(np.polysub, a1, a2)


def polymul(a1, a2):
    return _exact(np.polymul, a1, a2)


def polyder(p, m=1):
    """NumPy's polyder, its result in crossops's promotion of p with the int64 factors
    (NumPy's table gives float64 for float16 and float32)."""
    out = np.polyder(p, m)
    if m == 0:
        return out
    return np.asarray(out).astype(np_dtype(result_name(dtype_name(p.dtype), "int64")))


def polyint(p, m=1, k=None):
    """NumPy's polyint with crossops's promotion: the quotients of p by the int64 factors
    keep p's float dtype (float64 for integers), then take in the constants'."""
    if m == 0:
        return np.polyint(p, m, k)
    kk = np.atleast_1d(np.zeros(m) if k is None else k)
    name = dtype_name(p.dtype)
    q = name if kind(name) in "fc" else "float64"
    return np.asarray(np.polyint(p, m, k)).astype(
        np_dtype(result_name(q, dtype_name(kk.dtype))))


def roots(p):
    """NumPy's roots, sorted by real part, then imaginary part (crossops's order)."""
    r = np.roots(p)
    if np.iscomplexobj(r):
        return r[np.lexsort((r.imag, r.real))]
    return np.sort(r)


def gradient(f, *varargs, **kwargs):
    """NumPy's gradient; bfloat16 (which NumPy takes for a non-float type, giving float64)
    through float32, rounded back."""
    import ml_dtypes
    if f.dtype != ml_dtypes.bfloat16:
        return np.gradient(f, *varargs, **kwargs)
    out = np.gradient(f.astype(np.float32), *varargs, **kwargs)
    if isinstance(out, tuple):
        return tuple(o.astype(f.dtype) for o in out)
    return out.astype(f.dtype)


def spacing(x, /, **kwargs):
    """NumPy's spacing, except that NumPy's float16 kernel (2.4) gives negative x a
    positive spacing where float32 and float64 give it a negative one, as the docs say
    (``spacing(float16(-1))`` is ``+2**-11``): crossops gives every dtype the sign of x."""
    out = np.spacing(x, **kwargs)
    x = np.asarray(x)
    if x.dtype == np.float16:
        out = np.where(np.signbit(x), -np.abs(out), out).astype(np.float16)
    return out
