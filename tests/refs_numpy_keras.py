"""Reference implementations for spec/numpy_keras.toml where NumPy's own function has
another signature or result (the spec names them as ``tests.refs_numpy_keras.<name>``)."""

from __future__ import annotations

import itertools
import math

import ml_dtypes
import numpy as np

from crossops._dtypes import dtype_name

from . import strategies as S


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    if x.dtype.kind not in "fc" and x.dtype != ml_dtypes.bfloat16:
        return x.copy()
    if x.dtype.kind == "c":
        re = nan_to_num(x.real, nan, posinf, neginf)
        im = nan_to_num(x.imag, nan, posinf, neginf)
        return (re + 1j * im).astype(x.dtype)
    info = ml_dtypes.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    out = np.where(np.isnan(x), np.asarray(nan).astype(x.dtype), x)
    out = np.where(np.isposinf(out), np.asarray(posinf).astype(x.dtype), out)
    return np.where(np.isneginf(out), np.asarray(neginf).astype(x.dtype), out).astype(x.dtype)


def divide_no_nan(x1, x2):
    dt = np.result_type(x1, x2)
    q = np.divide(x1, np.where(x2 == 0, np.ones((), dt), x2))
    return np.where(x2 == 0, np.zeros((), q.dtype), q).astype(q.dtype)


def _q(f):
    def ref(x, q, axis=None, method="linear", keepdims=False):
        wide = x.astype(np.float32) if x.dtype == ml_dtypes.bfloat16 else x
        out = f(wide, np.asarray(q, np.float64), axis=axis, method=method, keepdims=keepdims)
        return np.asarray(out).astype(x.dtype)
    ref.__name__ = f.__name__
    return ref


quantile = _q(np.quantile)
nanquantile = _q(np.nanquantile)
percentile = _q(np.percentile)
nanpercentile = _q(np.nanpercentile)


def _widened(f):
    """NumPy's nan* functions do not see NaNs in ml_dtypes bfloat16 arrays: compute those
    in float32 and round."""
    def ref(x, *args, **kwargs):
        if x.dtype == ml_dtypes.bfloat16:
            out = np.asarray(f(x.astype(np.float32), *args, **kwargs))
            return out.astype(ml_dtypes.bfloat16) if out.dtype == np.float32 else out
        return f(x, *args, **kwargs)
    ref.__name__ = f.__name__
    return ref


nansum = _widened(np.nansum)
nanprod = _widened(np.nanprod)
nanmean = _widened(np.nanmean)
nanvar = _widened(np.nanvar)
nanstd = _widened(np.nanstd)
nanmax = _widened(np.nanmax)
nanmin = _widened(np.nanmin)
nanargmax = _widened(np.nanargmax)
nanargmin = _widened(np.nanargmin)
nanmedian = _widened(np.nanmedian)
nancumsum = _widened(np.nancumsum)
nancumprod = _widened(np.nancumprod)


def get_item(x, key):
    return x[key]


def pad(x, pad_width, mode="constant", constant_values=None):
    if mode == "constant":
        return np.pad(x, pad_width, mode=mode,
                      constant_values=0 if constant_values is None else constant_values)
    return np.pad(x, pad_width, mode=mode)


def _as_tuple(f):
    """NumPy's split functions return lists; the harness narrows bfloat16 results of
    tuples (not lists), so give a tuple (the comparison takes either)."""
    def ref(*args, **kwargs):
        return tuple(f(*args, **kwargs))
    ref.__name__ = f.__name__
    return ref


split = _as_tuple(np.split)
array_split = _as_tuple(np.array_split)
hsplit = _as_tuple(np.hsplit)
vsplit = _as_tuple(np.vsplit)
dsplit = _as_tuple(np.dsplit)


# -- windows, spaced sequences, identity, vander, select, unravel_index, view, digitize ----
# (explicit loops over the definitions, in float64)

def _window(m, w):
    m = int(m)
    if m < 1:
        return np.zeros(0)
    if m == 1:
        return np.ones(1)
    return np.array([w(n, m) for n in range(m)], dtype=np.float64)


def bartlett(x):
    return _window(x, lambda n, m: 1 - abs(2 * n / (m - 1) - 1))


def _cos(n, m, k):
    return math.cos(2 * math.pi * k * n / (m - 1))


def blackman(x):
    return _window(x, lambda n, m: 0.42 - 0.5 * _cos(n, m, 1) + 0.08 * _cos(n, m, 2))


def hamming(x):
    return _window(x, lambda n, m: 0.54 - 0.46 * _cos(n, m, 1))


def hanning(x):
    return _window(x, lambda n, m: 0.5 - 0.5 * _cos(n, m, 1))


def _i0_series(z):
    """I0(z) = sum_k ((z / 2)**k / k!)**2, summed until the terms vanish."""
    total, term, k = 0.0, 1.0, 0
    while term > 1e-17 * total or k < 5:
        total += term
        k += 1
        term *= (z / 2) ** 2 / k ** 2
    return total


def kaiser(x, beta):
    beta = float(beta)
    return _window(x, lambda n, m: _i0_series(beta * math.sqrt(max(0.0, 1 - (2 * n / (m - 1) - 1)
                                                                       ** 2)))
                   / _i0_series(beta))


def i0(x):
    """scipy's I0 in float64, rounded to x's float dtype (integers give float64); numpy.i0
    and every backend's kernel give nan at +-inf, where I0 is inf."""
    import scipy.special
    out = x.dtype if x.dtype.kind == "f" or x.dtype == ml_dtypes.bfloat16 else np.float64
    wide = x.astype(np.float64)
    with np.errstate(all="ignore"):
        return np.where(np.isinf(wide), np.nan, scipy.special.i0(wide)).astype(out)


def _sequence(start, stop, num, endpoint, axis, dtype, value):
    """``value(a, b, t)`` for t = i / div of each pair (a, b) of broadcast start and stop."""
    s, e = np.broadcast_arrays(np.asarray(start, np.float64), np.asarray(stop, np.float64))
    out = np.empty((num,) + s.shape)
    div = num - 1 if endpoint else num
    for idx in np.ndindex(s.shape):
        a, b = float(s[idx]), float(e[idx])
        for i in range(num):
            out[(i,) + idx] = value(a, b, i / div if div else 0.0)
    if dtype is None:
        dtype = start.dtype if isinstance(start, np.ndarray) else np.float64
    return np.moveaxis(out, 0, axis).astype(dtype if not isinstance(dtype, str) else
                                            S.np_dtype(dtype))


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    return _sequence(start, stop, num, endpoint, axis, dtype,
                     lambda a, b, t: float(base) ** (b if t == 1 else a + t * (b - a)))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    return _sequence(start, stop, num, endpoint, axis, dtype,
                     lambda a, b, t: b if t == 1 else a * (b / a) ** t)


def identity(n, dtype=None):
    dt = np.float64 if dtype is None else S.np_dtype(dtype)
    out = np.zeros((n, n), dt)
    for i in range(n):
        out[i, i] = 1
    return out


_VANDER = {"bool": "int64", "int8": "int64", "int16": "int64", "int32": "int64",
           "uint8": "int64", "uint16": "int64", "uint32": "int64", "uint64": "float64"}


def vander(x, N=None, increasing=False):
    name = dtype_name(x.dtype)
    dt = S.np_dtype(_VANDER.get(name, name))
    x = x.astype(dt)
    n = len(x) if N is None else N
    out = np.zeros((len(x), n), dt)
    with np.errstate(all="ignore"):
        for i in range(len(x)):
            p = np.ones((), dt)
            for j in range(n):
                out[i, j if increasing else n - 1 - j] = p
                p = (p * x[i]).astype(dt)
    return out


def select(condlist, choicelist, default=0):
    dt = choicelist[0].dtype
    if dt == np.bool_ and not isinstance(default, bool):
        dt = np.dtype(np.int64)  # a Python int is weak, of a higher kind than bool
    arrays = np.broadcast_arrays(*condlist, *choicelist)
    conds, choices = arrays[:len(condlist)], arrays[len(condlist):]
    out = np.empty(arrays[0].shape, dt)
    for idx in np.ndindex(out.shape):
        out[idx] = next((c[idx] for k, c in zip(conds, choices) if k[idx]), default)
    return out


def unravel_index(indices, shape):
    idx = np.asarray(indices)
    out = [np.zeros(idx.shape, np.int64) for _ in shape]
    for pos in np.ndindex(idx.shape):
        rest = int(idx[pos])
        for k in reversed(range(len(shape))):
            rest, out[k][pos] = divmod(rest, shape[k])
    return tuple(out)


def view(x, dtype=None):
    return x.copy() if dtype is None else x.view(S.np_dtype(dtype))


def digitize(x, bins):
    num = int if x.dtype.kind in "iu" else float  # exact comparisons of 64-bit integers
    b = [num(v) for v in bins]
    increasing = all(p <= q for p, q in itertools.pairwise(b))
    out = np.zeros(x.shape, np.int64)
    for idx in np.ndindex(x.shape):
        v = num(x[idx])
        # NaN sorts after every number, as in NumPy's searchsorted
        if num is float and math.isnan(v):
            out[idx] = len(b) if increasing else 0
        elif increasing:
            out[idx] = sum(q <= v for q in b)
        else:
            out[idx] = sum(q > v for q in b)
    return out
