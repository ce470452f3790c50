"""NumPy references of the core array ops, written as explicit loops over indices (not
with the vectorised NumPy calls the implementations use)."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from .strategies import np_dtype


def _clamp(v, lo, hi):
    return min(max(v, lo), hi)


def slice(inputs, start_indices, shape):
    dims = inputs.shape
    starts = [int(s) for s in np.asarray(start_indices).reshape(-1)]
    sizes = [d - _clamp(s, 0, d) if int(n) == -1 else int(n)
             for d, s, n in zip(dims, starts, shape)]
    starts = [_clamp(s, 0, d - n) for s, d, n in zip(starts, dims, sizes)]
    out = np.empty(sizes, inputs.dtype)
    for idx in np.ndindex(*sizes):
        out[idx] = inputs[tuple(s + i for s, i in zip(starts, idx))]
    return out


def slice_update(inputs, start_indices, updates):
    dims = inputs.shape
    starts = [int(s) for s in np.asarray(start_indices).reshape(-1)]
    starts = [_clamp(s, 0, d - n) for s, d, n in zip(starts, dims, updates.shape)]
    out = inputs.copy()
    for idx in np.ndindex(*updates.shape):
        out[tuple(s + i for s, i in zip(starts, idx))] = updates[idx].astype(inputs.dtype)
    return out


def scatter(indices, values, shape):
    indices = np.asarray(indices)
    out = np.zeros(shape, values.dtype)
    k = indices.shape[-1]
    for lead in np.ndindex(*indices.shape[:-1]):
        target = tuple(int(i) for i in indices[lead])
        for rest in np.ndindex(*shape[k:]):
            out[target + rest] = out[target + rest] + values[lead + rest]
    return out


_COMBINE = {"add": lambda a, b: a + b, "max": max, "min": min, "mul": lambda a, b: a * b}


def scatter_update(inputs, indices, updates, reduction=None):
    out = inputs.copy()
    updates = updates.astype(inputs.dtype)
    k = indices.shape[-1]
    for r in range(indices.shape[0]):
        target = tuple(int(i) for i in indices[r])
        for rest in np.ndindex(*inputs.shape[k:]):
            u = updates[(r,) + rest]
            if reduction is None:
                out[target + rest] = u
            else:
                out[target + rest] = _COMBINE[reduction](out[target + rest], u)
    return out


def unstack(x, num=None, axis=0):
    axis %= x.ndim
    return [x[(np.s_[:],) * axis + (i,)] for i in range(x.shape[axis])]


def cast(x, dtype):
    return x.astype(np_dtype(dtype))


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    return np.asarray(x) if dtype is None else np.asarray(x).astype(np_dtype(dtype))


def _largest_at_most(bound, dt):
    """The value of float dtype ``dt`` of largest magnitude not beyond ``bound`` (exact)."""
    if dt.itemsize == 2:  # float16, bfloat16: search all 65536 values
        every = np.arange(2 ** 16, dtype=np.uint16).view(dt).astype(np.float64)
        every = every[np.isfinite(every)]
        return float(every[every <= bound].max() if bound >= 0 else every[every >= bound].min())
    v = np.asarray(bound, np.float64).astype(dt)
    while abs(float(v)) > abs(bound):
        v = np.nextafter(v, dt.type(0))
    return float(v)


def _bounds(name):
    if name == "bool":
        return 0, 1
    dt = np_dtype(name)
    if dt.kind in "iu":
        return int(np.iinfo(dt).min), int(np.iinfo(dt).max)
    info = ml_dtypes.finfo(dt)
    return float(info.min), float(info.max)


def saturate_cast(x, dtype):
    """Clamp each element to the target's range (bounds taken toward zero into the input
    dtype; float inputs always lose their infinities), nan -> 0 for integer and bool
    targets, then cast."""
    target = np_dtype(dtype)
    src = x.dtype
    lo_t, hi_t = _bounds(target.name)
    if src.kind == "b":
        return x.astype(target)
    lo_s, hi_s = _bounds(src.name)
    out = np.empty(x.shape, target)
    if src.kind in "iu":
        lo, hi = max(lo_s, math.ceil(lo_t)), min(hi_s, math.floor(hi_t))
        for idx in np.ndindex(*x.shape):
            out[idx] = np.asarray(_clamp(int(x[idx]), lo, hi)).astype(target)
        return out
    lo = lo_s if lo_t <= lo_s else _largest_at_most(lo_t, src)
    hi = hi_s if hi_t >= hi_s else _largest_at_most(hi_t, src)
    for idx in np.ndindex(*x.shape):
        v = float(x[idx])
        if math.isnan(v):
            v = 0.0 if target.kind in "biu" else v
        else:
            v = _clamp(v, lo, hi)
        out[idx] = np.asarray(np.asarray(v, np.float64).astype(src)).astype(target)
    return out
