"""Searching functions of the array API standard on TensorFlow.

``nonzero`` has a data-dependent output shape: it runs eagerly and inside
``tf.function`` (with an unknown leading dimension), not under XLA.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from ...._axes import normalize_axis
from .._compute import EAGER_TENSOR, cpu_buffer, eager_cpu, run_kernel
from ._helpers import reduce_axis
from ._sorting import _sort_key
from ._statistics import _axes, _ndim, _promote, _tensor

__all__ = ["argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where"]


def _arg(op, f, x, axis, keepdims, index=tf.int64):
    """``f``'s indices (``index``: their dtype; keras.ops's int32 in one kernel, see
    :func:`argmax_int32`)."""
    x = _tensor(x, op)
    if x.dtype.is_complex:
        raise TypeError(f"{op}: complex input ({x.dtype.name}) has no order; use real(x) or abs(x)")
    nd = _ndim(x, op)
    if x.dtype is tf.bool:  # (dtypes are interned: ``==`` costs ~1 us more)
        x = tf.cast(x, tf.uint8)
    if axis is None:
        if 0 in x.shape:
            raise ValueError(f"{op}: attempt to get {op} of an empty array")
    else:
        axis = normalize_axis(axis, nd, op)
        if x.shape[axis] == 0:
            raise ValueError(f"{op}: attempt to get {op} over an empty axis {axis} of shape "
                             f"{tuple(x.shape)}")
    if x.dtype.is_floating and (h := cpu_buffer(x)) is not None:
        # TF's CPU kernels read subnormals as 0 (ties where NumPy has an order): NumPy's
        # argmax over the tensor's own buffer (no copy) gives NumPy's index, the first NaN
        # and -0.0 tied with 0.0 included, for less than the kernel and a NaN check cost
        host = (np.argmax if f is tf.argmax else np.argmin)(h, axis=axis,
                                                             keepdims=bool(keepdims))
        if index is tf.int32:  # (NumPy's cast: cheaper than the constant's own)
            return tf.constant(np.asarray(host, np.int32))
        return tf.constant(host, tf.int64)
    if axis is None:
        out = _first_nan(f, tf.reshape(x, [-1]), 0, index)
        return tf.reshape(out, [1] * nd) if keepdims else out
    out = _first_nan(f, x, axis, index)
    return tf.expand_dims(out, axis) if keepdims else out


def _first_nan(f, x, axis, index=tf.int64):
    """``f`` (tf.argmax / tf.argmin) as NumPy's: floating ``x`` (traced, or on a device
    other than the CPU) on its integer order key (:func:`_order_key`)."""
    # the kernel f calls, without its wrapper's ~3 us
    raw = tf.raw_ops.ArgMax if f is tf.argmax else tf.raw_ops.ArgMin
    if x.dtype.is_floating:
        x = _order_key(x, f is tf.argmax)
    return raw(input=x, dimension=axis, output_type=index)


#: a floating dtype's width in bytes -> the signed integer dtype of its bits
_KEY_INT = {2: tf.int16, 4: tf.int32, 8: tf.int64}


def _order_key(x, largest):
    """Floating ``x`` as integers of the same order (subnormals by their values, -0.0 the
    key of 0.0), NaN the largest key for argmax (``largest``) and the smallest for argmin,
    so that the first NaN wins as in NumPy: integer kernels read every bit, where the
    floating ones on CPU (and XLA's) read subnormals as 0."""
    it = _KEY_INT[x.dtype.size]
    low, high = it.min, it.max
    bits = tf.bitcast(x, it)
    magnitude = tf.bitwise.bitwise_and(bits, tf.constant(high, it))
    sign = tf.bitwise.right_shift(bits, tf.constant(it.size * 8 - 1, it))  # 0 or -1
    key = tf.bitwise.bitwise_xor(magnitude, sign) - sign  # sign and magnitude: +/-magnitude
    return tf.where(tf.math.is_nan(x), tf.constant(high if largest else low, it), key)


def argmax(x, /, *, axis=None, keepdims=False):
    return _arg("argmax", tf.argmax, x, axis, keepdims)


def argmin(x, /, *, axis=None, keepdims=False):
    return _arg("argmin", tf.argmin, x, axis, keepdims)


def argmax_int32(x, /, *, axis=None, keepdims=False):
    """:func:`argmax` with int32 indices, as keras.ops gives them (its cast of the int64
    indices), made without a second kernel: ``ops.argmax``'s result on TensorFlow (see
    ``RESULT_FUNCTIONS``)."""
    return _arg("argmax", tf.argmax, x, axis, keepdims, tf.int32)


def argmin_int32(x, /, *, axis=None, keepdims=False):
    """:func:`argmin` with int32 indices (see :func:`argmax_int32`)."""
    return _arg("argmin", tf.argmin, x, axis, keepdims, tf.int32)


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
    if (h := cpu_buffer(x)) is not None:
        # NumPy's nonzero on the eager tensor's buffer (exact for subnormals), one constant
        # per axis: int64 indices without a gradient, a fifth of Where and its slices
        return tuple(tf.constant(i) for i in np.nonzero(h))
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
    # anything else makes tf.where raise before it runs, and takes the full path. Eager
    # tensors: tf.where's kernel (SelectV2), without its Python layers
    if (type(x1) is EAGER_TENSOR and type(x2) is EAGER_TENSOR and eager_cpu(condition)
            and condition.dtype is tf.bool and x1.dtype is x2.dtype):
        try:
            return run_kernel("SelectV2", condition, x1, x2)
        except tf.errors.InvalidArgumentError:  # shapes that do not broadcast: as below
            return _where(condition, x1, x2)
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
