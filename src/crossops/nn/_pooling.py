"""max_pool, average_pool, adaptive_max_pool and adaptive_average_pool (Keras's
signatures; 1D, 2D and 3D; both data formats).

``"same"`` padding is Keras's (TensorFlow's): the odd padding element goes at the end,
max pooling never sees the padding and average pooling divides by the number of real
elements in each window. Adaptive pooling uses PyTorch's windows: output ``i`` of an
axis of length ``L`` pools ``[floor(i * L / out), ceil((i + 1) * L / out))``.

The generic functions (strided slices, every backend) run on NumPy; ``*_jax``
(``lax.reduce_window``), ``*_torch`` (``torch.nn.functional``) and ``*_tensorflow``
(``tf.nn.pool``) are named in spec/nn.toml's ``native`` tables.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.average_pool(np.arange(5.0).reshape(1, 5, 1), 2, 2, "same")[0, :, 0].tolist()
[0.5, 2.5, 4.0]
"""

from __future__ import annotations

import math

import numpy as np

import crossops.numpy as xnp

from .._config import standardize_data_format
from ..numpy._compute import down, up
from . import _windows as w


def _args(op, inputs, pool_size, strides, padding, data_format):
    n = w.spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    pad = w.padding(op, padding)
    pool = w.ints(op, "pool_size", pool_size, n)
    strides = pool if strides is None else w.ints(op, "strides", strides, n)
    size = w.spatial(inputs, fmt)
    shapes = f"inputs shape {w.shape_of(inputs)}, pool_size {pool}, data_format={fmt!r}"
    pads = w.pads(op, size, pool, strides, (1,) * n, pad, shapes)
    return w.Args(n=n, fmt=fmt, pad=pad, pool=pool, strides=strides, size=size,
                           pads=pads, out=w.out_sizes(size, pool, strides, (1,) * n, pads))


def _counts(a, like, dtype):
    """The number of real (not padding) elements in each window, shaped to broadcast
    against the output in its layout; None where every window is full."""
    if a.pad == "valid" or not any(lo or hi for lo, hi in a.pads):
        return None
    per_dim = []
    for n, k, s, (lo, _), m in zip(a.size, a.pool, a.strides, a.pads, a.out):
        start = np.arange(m) * s - lo
        per_dim.append(np.minimum(start + k, n) - np.maximum(start, 0))
    counts = per_dim[0]
    for c in per_dim[1:]:
        counts = np.multiply.outer(counts, c)
    shape = (1,) + counts.shape + (1,) if a.fmt == "channels_last" else (1, 1) + counts.shape
    return w.constant(like, counts.reshape(shape).astype(np.float64), dtype)


def _average(total, a, like):
    """Window sums ``total`` (compute dtype) divided by the window's real element count."""
    counts = _counts(a, like, total.dtype)
    if counts is None:
        return xnp.divide(total, float(math.prod(a.pool)))
    return xnp.divide(total, counts)


# -- generic ---------------------------------------------------------------------------

def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = _args("nn.max_pool", inputs, pool_size, strides, padding, data_format)
    p = w.patches(w.to_last(inputs, a.fmt), a.pool, a.strides, (1,) * a.n, a.pads,
                  -float("inf"))
    return w.from_last(xnp.max(p, axis=-2), a.fmt)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = _args("nn.average_pool", inputs, pool_size, strides, padding, data_format)
    c, n = up(inputs)
    p = w.patches(w.to_last(c, a.fmt), a.pool, a.strides, (1,) * a.n, a.pads)
    return down(_average(w.from_last(xnp.sum(p, axis=-2), a.fmt), a, c), n)


# -- jax -------------------------------------------------------------------------------

def _window(a, values, fill=1):
    """Per-axis window values in the input layout (1 for batch and channels)."""
    return (fill,) + tuple(values) + (fill,) if a.fmt == "channels_last" else (
        fill, fill) + tuple(values)


def _max_pool_jax(inputs, pool_size, strides=None, padding="valid", data_format=None):
    from jax import lax
    a = _args("nn.max_pool", inputs, pool_size, strides, padding, data_format)
    # a concrete (NumPy) init value: lax then knows the max monoid and differentiates it
    return lax.reduce_window(inputs, np.array(-np.inf, inputs.dtype), lax.max,
                             _window(a, a.pool), _window(a, a.strides),
                             _window(a, a.pads, (0, 0)))


def _average_pool_jax(inputs, pool_size, strides=None, padding="valid", data_format=None):
    from jax import lax
    a = _args("nn.average_pool", inputs, pool_size, strides, padding, data_format)
    c, n = up(inputs)
    total = lax.reduce_window(c, np.array(0, c.dtype), lax.add, _window(a, a.pool),
                              _window(a, a.strides), _window(a, a.pads, (0, 0)))
    return down(_average(total, a, c), n)


_POOL_STATIC = ("pool_size", "strides", "padding", "data_format")
max_pool_jax = w.jax_compiled(_max_pool_jax, *_POOL_STATIC)
average_pool_jax = w.jax_compiled(_average_pool_jax, *_POOL_STATIC)


# -- torch -----------------------------------------------------------------------------

def _torch_pool(kind, op, inputs, pool_size, strides, padding, data_format):
    import torch.nn.functional as F

    from ._conv import _torch_back, _torch_first, _torch_pad
    a = _args(op, inputs, pool_size, strides, padding, data_format)
    c, n = up(inputs)
    x = _torch_first(c, a)
    if kind == "max":
        f = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[a.n - 1]
        y = f(_torch_pad(x, a.pads, -float("inf")), a.pool, a.strides)
        return down(_torch_back(y, a), n)
    f = (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d)[a.n - 1]
    y = f(_torch_pad(x, a.pads), a.pool, a.strides)
    if _counts(a, c, c.dtype) is not None:  # back to sums, then the real counts
        y = _average(xnp.multiply(_torch_back(y, a), float(math.prod(a.pool))), a, c)
        return down(y, n)
    return down(_torch_back(y, a), n)


def max_pool_torch(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _torch_pool("max", "nn.max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool_torch(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _torch_pool("avg", "nn.average_pool", inputs, pool_size, strides, padding,
                       data_format)


# -- tensorflow ------------------------------------------------------------------------

def _tf_pool(kind, op, inputs, pool_size, strides, padding, data_format):
    import tensorflow as tf
    a = _args(op, inputs, pool_size, strides, padding, data_format)
    if a.n == 3 and inputs.dtype == tf.float64 or any(
            s > k for s, k in zip(a.strides, a.pool)):
        # the generic where TF has no kernel: 3-D float64, strides beyond the window
        return (max_pool if kind == "MAX" else average_pool)(inputs, pool_size, strides,
                                                             padding, data_format)
    c, n = up(inputs)
    # TF's "SAME" is Keras's (average pooling excludes the padding); its CPU kernels
    # take channels_last only
    y = tf.nn.pool(w.to_last(c, a.fmt), a.pool, kind, strides=a.strides,
                   padding=a.pad.upper())
    return down(w.from_last(y, a.fmt), n)


def max_pool_tensorflow(inputs, pool_size, strides=None, padding="valid", data_format=None):
    return _tf_pool("MAX", "nn.max_pool", inputs, pool_size, strides, padding, data_format)


def average_pool_tensorflow(inputs, pool_size, strides=None, padding="valid",
                            data_format=None):
    return _tf_pool("AVG", "nn.average_pool", inputs, pool_size, strides, padding, data_format)


# -- adaptive --------------------------------------------------------------------------

def _adaptive_args(op, inputs, output_size, data_format):
    n = w.spatial_input(op, inputs)
    fmt = standardize_data_format(data_format, op)
    out = w.ints(op, "output_size", output_size, n)
    size = w.spatial(inputs, fmt)
    if 0 in size:
        raise ValueError(f"{op}: the inputs have an empty spatial dimension: shape "
                         f"{w.shape_of(inputs)}, data_format={fmt!r}")
    return w.Args(n=n, fmt=fmt, out=out, size=size)


def _adaptive(reduce, op, inputs, output_size, data_format):
    """Generic: pool one spatial axis at a time (max and mean over a box are separable)."""
    a = _adaptive_args(op, inputs, output_size, data_format)
    c, n = up(inputs)
    x = w.to_last(c, a.fmt)
    for i, (length, m) in enumerate(zip(a.size, a.out)):
        ax = 1 + i
        parts = []
        for j in range(m):
            lo, hi = (j * length) // m, -((-(j + 1) * length) // m)
            sl = x[(slice(None),) * ax + (slice(lo, hi),)]
            parts.append(reduce(sl, axis=ax))
        x = xnp.stack(parts, axis=ax)
    return down(w.from_last(x, a.fmt), n)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return _adaptive(xnp.max, "nn.adaptive_max_pool", inputs, output_size, data_format)


def adaptive_average_pool(inputs, output_size, data_format=None):
    return _adaptive(xnp.mean, "nn.adaptive_average_pool", inputs, output_size, data_format)


def _adaptive_torch(kind, op, inputs, output_size, data_format):
    import torch.nn.functional as F

    from ._conv import _torch_back, _torch_first
    a = _adaptive_args(op, inputs, output_size, data_format)
    c, n = up(inputs)
    fs = (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d) if kind == \
        "max" else (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d)
    return down(_torch_back(fs[a.n - 1](_torch_first(c, a), a.out), a), n)


def adaptive_max_pool_torch(inputs, output_size, data_format=None):
    return _adaptive_torch("max", "nn.adaptive_max_pool", inputs, output_size, data_format)


def adaptive_average_pool_torch(inputs, output_size, data_format=None):
    return _adaptive_torch("avg", "nn.adaptive_average_pool", inputs, output_size, data_format)


# JAX: the generic, compiled as one program per shape
adaptive_max_pool_jax = w.jax_compiled(adaptive_max_pool, "output_size", "data_format")
adaptive_average_pool_jax = w.jax_compiled(adaptive_average_pool, "output_size", "data_format")

POOLING = {f.__name__: f for f in (max_pool, average_pool, adaptive_max_pool,
                                   adaptive_average_pool)}
