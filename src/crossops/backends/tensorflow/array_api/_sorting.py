"""Sorting functions of the array API standard on TensorFlow.

Sorting goes through ``tf.math.top_k``, which is stable (equal keys keep their order),
on an integer key whose order is the order of the values: NaNs sort last, -0.0 equals
0.0, as in NumPy. An eager tensor on the CPU of a dtype NumPy sorts natively is ordered
by NumPy's stable argsort on the tensor's own buffer (the same order, for a fraction of
the kernels' time: ``tf.sort`` of 32x32 float32 takes ~250 us); a float sort then
gathers with TensorFlow, so that a ``GradientTape`` sees it.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ...._axes import normalize_axis
from .._compute import cpu_buffer
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


#: the dtypes NumPy sorts as TensorFlow's key does (not bfloat16, whose NumPy sort is
#: ml_dtypes's, nor complex, which has no order), by id
_HOST_SORTED = frozenset(map(id, (tf.bool, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8,
                                  tf.uint16, tf.uint32, tf.uint64, tf.float16, tf.float32,
                                  tf.float64)))


def _on_host(x):
    """NumPy's view of ``x``'s buffer where ``x`` is an eager CPU tensor that NumPy sorts
    (see ``_HOST_SORTED``), else None."""
    return cpu_buffer(x) if id(x.dtype) in _HOST_SORTED else None


def _host_argsort(h, axis: int, descending: bool):
    """NumPy's stable argsort (int64, a NumPy array) of ``h`` (a tensor's buffer) along
    ``axis`` (an int in range); descending keeps the order of ties too, as ``top_k``'s."""
    if not descending:
        return np.argsort(h, axis=axis, kind="stable")
    n = h.shape[axis] - 1
    return n - np.flip(np.argsort(np.flip(h, axis), axis=axis, kind="stable"), axis)


def _prepared(x, axis, op):
    """(x as a tensor, the axis to sort along as an int in range) as NumPy reads them."""
    x = _tensor(x, op)
    if axis is None:  # NumPy's: the flattened array
        x, axis = tf.reshape(x, [-1]), -1
    nd = _ndim(x, op)
    if nd == 0 and op == "argsort" and axis in (-1, 0):  # NumPy: as the 1-d array of its
        x, nd = tf.reshape(x, [1]), 1                    # one value, [0]
    if nd == 0:
        raise ValueError(f"{op}: x must have at least one dimension; reshape a 0-d array "
                         f"to (1,) first")
    return x, normalize_axis(axis, nd, op)


def _argsort(x, axis, descending, op):
    """(x with ``axis`` moved last, the stable argsort along it, the permutation back)."""
    xt, back = _last(x, axis, x.shape.rank)
    if (h := _on_host(xt)) is not None:
        idx = tf.constant(_host_argsort(h, -1, descending), tf.int32)
    else:
        idx = _argsort_last(_sort_key(xt, op), descending)
    return xt, idx, back


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None``: the indices that sort the flattened array, as NumPy."""
    x, axis = _prepared(x, axis, "argsort")
    if (h := _on_host(x)) is not None:
        return tf.constant(_host_argsort(h, axis, descending), tf.int64)
    _, idx, back = _argsort(x, axis, descending, "argsort")
    idx = tf.cast(idx, tf.int64)
    return idx if back is None else tf.transpose(idx, back)


def sort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None`` sorts the flattened array, as NumPy."""
    x, axis = _prepared(x, axis, "sort")
    h = None if x.dtype.is_floating else _on_host(x)  # (a float's sort gathers: the
    if h is not None:                                  # gradient goes through it)
        return tf.constant(np.take_along_axis(h, _host_argsort(h, axis, descending), axis))
    xt, idx, back = _argsort(x, axis, descending, "sort")
    out = tf.gather(xt, idx, axis=-1, batch_dims=xt.shape.rank - 1)
    return out if back is None else tf.transpose(out, back)
