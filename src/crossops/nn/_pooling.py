"""max_pool, average_pool, adaptive_max_pool and adaptive_average_pool (Keras's
signatures; 1D, 2D and 3D; both data formats).

``"same"`` padding is Keras's (TensorFlow's): the odd padding element goes at the end,
max pooling never sees the padding and average pooling divides by the number of real
elements in each window. Adaptive pooling uses PyTorch's windows: output ``i`` of an
axis of length ``L`` pools ``[floor(i * L / out), ceil((i + 1) * L / out))``.

The generic functions here (strided slices, every backend) run on NumPy, and where a
framework lacks a kernel; JAX (``lax.reduce_window``; the adaptive poolings: the generic,
compiled), PyTorch (``torch.nn.functional``) and TensorFlow (``tf.nn.pool``) have theirs
in ``crossops/backends/<backend>/nn.py``.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> nn.average_pool(np.arange(5.0).reshape(1, 5, 1), 2, 2, "same")[0, :, 0].tolist()
[0.5, 2.5, 4.0]
"""

from __future__ import annotations

import math

import crossops.numpy as xnp

from .._dtypes import dtype_name
from ..numpy._compute import down, up
from . import _windows as w


def _average(total, a, like):
    """Window sums ``total`` (compute dtype) divided by the window's real element count."""
    counts = w.window_counts(a)
    if counts is None:
        return xnp.divide(total, float(math.prod(a.pool)))
    return xnp.divide(total, w.constant(like, counts, total.dtype))


# -- generic ---------------------------------------------------------------------------

def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = w.pool_args("nn.max_pool", inputs, pool_size, strides, padding, data_format)
    p = w.patches(w.to_last(inputs, a.fmt), a.pool, a.strides, (1,) * a.n, a.pads,
                  w.max_pool_fill(dtype_name(inputs.dtype)))
    return w.from_last(xnp.max(p, axis=-2), a.fmt)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    a = w.pool_args("nn.average_pool", inputs, pool_size, strides, padding, data_format)
    c, n = up(inputs)
    p = w.patches(w.to_last(c, a.fmt), a.pool, a.strides, (1,) * a.n, a.pads)
    return down(_average(w.from_last(xnp.sum(p, axis=-2), a.fmt), a, c), n)


# -- adaptive --------------------------------------------------------------------------

def _adaptive(reduce, op, inputs, output_size, data_format):
    """Generic: pool one spatial axis at a time (max and mean over a box are separable)."""
    a = w.adaptive_args(op, inputs, output_size, data_format)
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


POOLING = {f.__name__: f for f in (max_pool, average_pool, adaptive_max_pool,
                                   adaptive_average_pool)}
