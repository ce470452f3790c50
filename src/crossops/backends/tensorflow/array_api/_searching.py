"""Searching functions of the array API standard on TensorFlow.

``nonzero`` has a data-dependent output shape: it runs eagerly and inside
``tf.function`` (with an unknown leading dimension), not under XLA.
"""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from .._compute import free_of_nan
from ._helpers import reduce_axis
from ._sorting import _sort_key
from ._statistics import _axes, _ndim, _promote, _tensor

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]


def _arg(op, f, x, axis, keepdims):
    x = _tensor(x, op)
    if x.dtype.is_complex:
        raise TypeError(f"{op}: complex input ({x.dtype.name}) has no order; use real(x) or abs(x)")
    nd = _ndim(x, op)
    if x.dtype == tf.bool:
        x = tf.cast(x, tf.uint8)
    if axis is None:
        if 0 in x.shape:
            raise ValueError(f"{op}: attempt to get {op} of an empty array")
        out = _first_nan(f, tf.reshape(x, [-1]), 0)
        return tf.reshape(out, [1] * nd) if keepdims else out
    axis = normalize_axis(axis, nd, op)
    if x.shape[axis] == 0:
        raise ValueError(f"{op}: attempt to get {op} over an empty axis {axis} of shape "
                         f"{tuple(x.shape)}")
    out = _first_nan(f, x, axis)
    return tf.expand_dims(out, axis) if keepdims else out


def _first_nan(f, x, axis):
    """``f`` (tf.argmax / tf.argmin) where NaN wins, as in NumPy (the first NaN). Eagerly,
    an array without NaN takes ``f`` alone."""
    # the kernel f calls, without its wrapper's ~3 us
    raw = tf.raw_ops.ArgMax if f is tf.argmax else tf.raw_ops.ArgMin
    out = raw(input=x, dimension=axis, output_type=tf.int64)
    if x.dtype.is_floating:
        if free_of_nan(x):  # eagerly: one sum says there is no NaN
            return out
        nan = tf.math.is_nan(x)
        out = tf.where(tf.reduce_any(nan, axis=axis),
                       tf.argmax(tf.cast(nan, tf.uint8), axis=axis, output_type=tf.int64), out)
    return out


def argmax(x, /, *, axis=None, keepdims=False):
    return _arg("argmax", tf.argmax, x, axis, keepdims)


def argmin(x, /, *, axis=None, keepdims=False):
    return _arg("argmin", tf.argmin, x, axis, keepdims)


def count_nonzero(x, /, *, axis=None, keepdims=False):
    x = _tensor(x, "count_nonzero")
    axes = _axes(x, axis, "count_nonzero")
    nz = tf.cast(tf.not_equal(x, tf.zeros_like(x)), tf.int64)
    return tf.reduce_sum(nz, axis=reduce_axis(axes, x.shape.rank), keepdims=keepdims)


def nonzero(x, /):
    x = _tensor(x, "nonzero")
    nd = _ndim(x, "nonzero")
    if nd == 0:
        raise ValueError("nonzero: x must have at least one dimension; for a 0-d array use "
                         "nonzero(reshape(x, (1,)))")
    idx = tf.where(tf.not_equal(x, tf.zeros_like(x)))
    return tuple(idx[:, i] for i in range(nd))


def searchsorted(x1, x2, /, *, side="left", sorter=None):
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    x1 = _tensor(x1, "searchsorted", "x1")
    if _ndim(x1, "searchsorted") != 1:
        raise ValueError(f"searchsorted: x1 must be one-dimensional, got shape {tuple(x1.shape)}")
    x1, x2 = _promote(x1, x2, "searchsorted")
    if sorter is not None:
        x1 = tf.gather(x1, _tensor(sorter, "searchsorted", "sorter"))
    k1, k2 = _sort_key(x1, "searchsorted"), _sort_key(x2, "searchsorted")
    out = tf.searchsorted(k1[None], tf.reshape(k2, [1, -1]), side=side, out_type=tf.int64)
    return tf.reshape(out, tf.shape(x2))


def where(condition, x1, x2, /):
    # hot path: a bool condition and two tensors of one dtype (as the dispatcher gives);
    # anything else makes tf.where raise before it runs, and takes the full path
    try:
        return tf.where(condition, x1, x2)
    except (TypeError, ValueError, tf.errors.InvalidArgumentError):
        return _where(condition, x1, x2)


def _where(condition, x1, x2):
    condition = _tensor(condition, "where", "condition")
    if condition.dtype != tf.bool:
        condition = tf.not_equal(condition, tf.zeros_like(condition))
    x1, x2 = _promote(x1, x2, "where")
    return tf.where(condition, x1, x2)
