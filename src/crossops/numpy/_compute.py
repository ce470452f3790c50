"""Compute dtypes of the generic op implementations (numpy, math, nn, image): half
precision computed in float32 and cast back."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops._dtypes import dtype_name, kind

_HALF = ("float16", "bfloat16")


def name(x) -> str:
    return dtype_name(x.dtype)


def up(x):
    """``x`` in its compute dtype (float16 and bfloat16 computed in float32), and its
    own dtype name, to cast the result back with :func:`down`."""
    n = dtype_name(x.dtype)
    if n in _HALF:
        return xnp.astype(x, "float32", copy=False), n
    return x, n


def down(y, n: str):
    """``y`` cast back to dtype name ``n`` where it is not already."""
    return y if dtype_name(y.dtype) == n else xnp.astype(y, n, copy=False)


def compute_dtype(x) -> str:
    """The float dtype an op computes ``x`` in when it needs floats: half precision and
    integers in float32, other floats in their own dtype."""
    n = dtype_name(x.dtype)
    if n in _HALF or kind(n) != "f":
        return "float32"
    return n


def to_compute(x):
    """``x`` in :func:`compute_dtype` (integers too, unlike :func:`up`)."""
    c = compute_dtype(x)
    return x if dtype_name(x.dtype) == c else xnp.astype(x, c)


def elementwise(f):
    """Wrap a float function of one array so it computes half precision in float32."""
    def g(x, *args, **kwargs):
        c, n = up(x)
        return down(f(c, *args, **kwargs), n)
    g.__name__ = f.__name__
    g.__doc__ = f.__doc__
    return g


def arange_like(x, n: int, dtype="int32"):
    """``arange(n)`` on the backend of array ``x`` (not the default backend)."""
    from crossops._backend import backend_of
    from crossops._dispatch import call_on
    return call_on(backend_of(x), "arange", n, dtype=dtype)
