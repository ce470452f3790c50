"""Indexing functions of the array API standard on TensorFlow."""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ._helpers import ndim, tensor, via_int

__all__ = ["take", "take_along_axis"]


def _wrap(indices, size, op):
    """Negative indices counted from the end of an axis of ``size``.

    Eagerly, an index outside ``[-size, size)`` raises IndexError, as in NumPy. Inside a
    ``tf.function`` TensorFlow's gather decides: InvalidArgumentError when the graph runs
    on CPU, zeros on GPU (see the spec entry's doc).
    """
    indices = tensor(indices)
    if not indices.dtype.is_integer:
        raise TypeError(f"{op}: indices has dtype {indices.dtype.name}; use an integer array")
    if tf.executing_eagerly() and tf.size(indices) > 0:
        wide = tf.cast(indices, tf.int64) if indices.dtype != tf.uint64 else None
        n = tf.cast(size, tf.int64)
        bad = (tf.reduce_any(indices >= tf.cast(size, indices.dtype)) if wide is None
               else tf.reduce_any((wide < -n) | (wide >= n)))
        if bad:
            lo, hi = (int(tf.reduce_min(indices)), int(tf.reduce_max(indices)))
            raise IndexError(f"{op}: indices span [{lo}, {hi}], out of bounds for an axis of "
                             f"size {int(size)}; use indices in [{-int(size)}, {int(size)})")
    if indices.dtype in (tf.uint8, tf.uint16, tf.uint32, tf.uint64):
        return tf.cast(indices, tf.int64)
    if indices.dtype in (tf.int8, tf.int16):
        indices = tf.cast(indices, tf.int32)
    return tf.where(indices < 0, indices + tf.cast(size, indices.dtype), indices)


def take(x, indices, /, *, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis``; without one, of the flattened ``x``
    (NumPy's and keras.ops's reading; the standard leaves it open beyond 1-D)."""
    if axis is None:
        x, axis = tf.reshape(tensor(x), [-1]), 0
    n = ndim(x, "take")
    axis = normalize_axis(axis, n, "take")
    idx = _wrap(indices, tf.shape(x, out_type=tf.int64)[axis], "take")
    return via_int(x, lambda v: tf.gather(v, idx, axis=axis))


def take_along_axis(x, indices, /, *, axis=-1):
    """Elements of ``x`` at ``indices`` along ``axis``; the other axes broadcast."""
    n = ndim(x, "take_along_axis")
    if ndim(tensor(indices), "take_along_axis") != n:
        raise ValueError(f"take_along_axis: indices must have as many axes as x ({n}), "
                         f"got {tensor(indices).shape.rank}")
    axis = normalize_axis(axis, n, "take_along_axis")
    idx = _wrap(indices, tf.shape(x, out_type=tf.int64)[axis], "take_along_axis")
    # move the axis last, broadcast the other axes, gather with batch dims
    perm = [a for a in range(n) if a != axis] + [axis]
    xt, it = tf.transpose(x, perm), tf.transpose(idx, perm)
    xs, is_ = tf.shape(xt, out_type=tf.int64), tf.shape(it, out_type=tf.int64)
    batch = tf.broadcast_dynamic_shape(xs[:-1], is_[:-1])
    xt = tf.broadcast_to(xt, tf.concat([batch, xs[-1:]], 0))
    it = tf.broadcast_to(it, tf.concat([batch, is_[-1:]], 0))
    out = via_int(xt, lambda v: tf.gather(v, it, axis=n - 1, batch_dims=n - 1))
    inv = [0] * n
    for i, p in enumerate(perm):
        inv[p] = i
    return tf.transpose(out, inv)
