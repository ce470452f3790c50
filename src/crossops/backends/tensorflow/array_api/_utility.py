"""Utility functions of the array API standard on TensorFlow."""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from .._compute import all_axes, eager, run_kernel
from .._private import rank
from ._helpers import (
    is_tensor,
    ndim,
    nonzero,
    norm_axes,
    promote,
    reduce_axis,
    scalar_tensor,
)

__all__ = ["all", "any", "diff"]


def _reduce(op, fn, kernel: str):
    """``fn`` (tf.math.reduce_all or reduce_any) of ``x != 0``. Eagerly, a bool tensor over
    every axis or one int axis in range: ``kernel``, fn's kernel, straight away (on a kept
    tensor of every axis: fn makes one per call, ~5x the kernel's time)."""
    def f(x, /, *, axis=None, keepdims=False):
        if eager(x) and x.dtype is tf.bool and type(keepdims) is bool:
            n = rank(x)
            if axis is None:
                return run_kernel(kernel, x, all_axes(n), "keep_dims", keepdims)
            if type(axis) is int and -n <= axis < n:
                return run_kernel(kernel, x, axis, "keep_dims", keepdims)
        n = ndim(x, op)
        return fn(nonzero(x), axis=reduce_axis(norm_axes(axis, n, op), n), keepdims=keepdims)
    f.__name__ = f.__qualname__ = op
    return f


all = _reduce("all", tf.math.reduce_all, "All")  # noqa: A001
any = _reduce("any", tf.math.reduce_any, "Any")  # noqa: A001


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    """The ``n``-th discrete difference along ``axis`` (``!=`` for booleans);
    ``prepend``/``append`` are joined to ``x`` first."""
    d = ndim(x, "diff")
    if d == 0:
        raise ValueError("diff: x must have at least one dimension")
    axis = normalize_axis(axis, d, "diff")
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"diff: n must be a non-negative int, got {n!r}")
    parts = [x]
    for where, extra in ((0, prepend), (1, append)):
        if extra is None:
            continue
        if not is_tensor(extra) or extra.shape.rank == 0:
            e = scalar_tensor(extra, x.dtype)
            shape = tf.tensor_scatter_nd_update(tf.shape(x), [[axis]], [1])
            extra = tf.broadcast_to(e, shape)
        parts.insert(0 if where == 0 else len(parts), extra)
    if len(parts) > 1:
        x = tf.concat(promote(parts, "diff"), axis)
    head = (slice(None),) * axis
    for _ in range(n):
        a, b = x[head + (slice(1, None),)], x[head + (slice(None, -1),)]
        x = tf.math.not_equal(a, b) if x.dtype == tf.bool else tf.math.subtract(a, b)
    return x
