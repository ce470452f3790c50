"""Sorting functions of the array API standard on TensorFlow.

Sorting goes through ``tf.math.top_k``, which is stable (equal keys keep their order),
on an integer key whose order is the order of the values: NaNs sort last, -0.0 equals
0.0, as in NumPy.
"""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ._statistics import _ndim, _tensor

__all__ = ["argsort", "sort"]

_BITS = {tf.float16: tf.int16, tf.bfloat16: tf.int16, tf.float32: tf.int32,
         tf.float64: tf.int64}


def _sort_key(x, op: str):
    """An integer (or unchanged) tensor with the same ascending order as ``x``."""
    dt = x.dtype
    if dt == tf.bool:
        return tf.cast(x, tf.uint8)
    if dt.is_integer:
        return x
    if dt.is_complex:
        raise TypeError(f"{op}: complex input ({dt.name}) has no order; sort real(x) or abs(x)")
    it = _BITS[dt]
    x = tf.where(tf.math.is_nan(x), tf.constant(float("nan"), dt), x)  # one NaN, positive
    i = tf.bitcast(x, it)
    # -0.0 -> 0.0 on the bits: TensorFlow's CPU kernels read subnormals as 0, so a float
    # comparison with 0 would make them equal to 0.0 too (NumPy orders them)
    i = tf.where(tf.equal(i, it.min), tf.zeros_like(i), i)
    # negative floats: flip every bit but the sign; gives the order of two's complement ints
    return tf.bitwise.bitwise_xor(i, tf.bitwise.bitwise_and(
        tf.bitwise.right_shift(i, tf.constant(it.size * 8 - 1, it)), it.max))


def _last(x, axis, nd):
    """(x with ``axis`` moved last, the permutation that moves it back)."""
    if axis == nd - 1:
        return x, None
    perm = [i for i in range(nd) if i != axis] + [axis]
    inv = list(range(nd - 1))
    inv.insert(axis, nd - 1)
    return tf.transpose(x, perm), inv


def _argsort_last(key, descending: bool):
    """Stable argsort (int32) of ``key`` along its last axis."""
    if not descending:
        key = tf.bitwise.invert(key)
    return tf.math.top_k(key, k=tf.shape(key)[-1], sorted=True).indices


def _argsort(x, axis, descending, op):
    x = _tensor(x, op)
    if axis is None:  # NumPy's: the flattened array
        x, axis = tf.reshape(x, [-1]), -1
    nd = _ndim(x, op)
    if nd == 0 and op == "argsort" and axis in (-1, 0):  # NumPy: as the 1-d array of its
        x, nd = tf.reshape(x, [1]), 1                    # one value, [0]
    if nd == 0:
        raise ValueError(f"{op}: x must have at least one dimension; reshape a 0-d array "
                         f"to (1,) first")
    axis = normalize_axis(axis, nd, op)
    xt, back = _last(x, axis, nd)
    idx = _argsort_last(_sort_key(xt, op), descending)
    return xt, idx, back


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None``: the indices that sort the flattened array, as NumPy."""
    _, idx, back = _argsort(x, axis, descending, "argsort")
    idx = tf.cast(idx, tf.int64)
    return idx if back is None else tf.transpose(idx, back)


def sort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None`` sorts the flattened array, as NumPy."""
    xt, idx, back = _argsort(x, axis, descending, "sort")
    out = tf.gather(xt, idx, axis=-1, batch_dims=xt.shape.rank - 1)
    return out if back is None else tf.transpose(out, back)
