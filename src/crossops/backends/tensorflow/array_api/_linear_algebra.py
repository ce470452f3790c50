"""Linear algebra functions of the array API standard on TensorFlow.

TensorFlow's matmul kernels lack bool, int8, int16 and the unsigned dtypes: those are
computed in int64 and cast back, which is exact (integer products wrap modulo 2**bits).
"""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ._helpers import dim
from ._statistics import _ndim, _promote, _tensor

__all__ = ["matmul", "matrix_transpose", "tensordot", "vecdot"]

_NO_MATMUL = (tf.bool, tf.int8, tf.int16, tf.uint8, tf.uint16, tf.uint32, tf.uint64)


def _widened(f, x1, x2):
    """``f(x1, x2)``, through int64 for dtypes TF's matmul kernels lack."""
    dt = x1.dtype
    if dt in _NO_MATMUL:
        out = f(tf.cast(x1, tf.int64), tf.cast(x2, tf.int64))
        return tf.not_equal(out, 0) if dt == tf.bool else tf.cast(out, dt)
    return f(x1, x2)


def _check_ranks(x1, x2, op):
    n1, n2 = _ndim(x1, op), _ndim(x2, op)
    if n1 == 0 or n2 == 0:
        raise ValueError(f"{op}: operands must have at least one dimension, got shapes "
                         f"{tuple(x1.shape)} and {tuple(x2.shape)}; use multiply for scalars")
    return n1, n2


#: dtypes with TF matmul kernels, by id (tensors' dtypes are interned; DType.__eq__ is slow)
_MATMUL_KERNEL = frozenset(map(id, (tf.float32, tf.float64, tf.float16, tf.bfloat16,
                                    tf.complex64, tf.complex128, tf.int32, tf.int64)))


def matmul(x1, x2, /):
    # hot path: operands of a dtype with a kernel, of rank 2 (TF's MatMul op straight away,
    # without tf.matmul's Python layers: ~8 of its ~21 us on 32x32) or more (tf.matmul);
    # the dispatcher gives both one dtype, and TF raises, before running, for two dtypes
    if id(x1.dtype) in _MATMUL_KERNEL:
        r1, r2 = x1.shape.rank, x2.shape.rank
        try:
            if r1 == 2 and r2 == 2:
                return tf.raw_ops.MatMul(a=x1, b=x2)
            if r2 == 2 and (r1 or 0) > 2:
                if tf.executing_eagerly():  # one kernel call: the cheapest eagerly
                    return tf.raw_ops.BatchMatMulV2(x=x1, y=x2)
                return _rows_matmul(x1, x2)
            if (r1 or 0) >= 2 and (r2 or 0) >= 2:
                return tf.linalg.matmul(x1, x2)
        except (TypeError, ValueError, tf.errors.InvalidArgumentError):
            pass  # two dtypes, or mismatched sizes: the full path promotes, or names them
    return _matmul(x1, x2)


def _rows_matmul(x1, x2):
    """``x1 (..., n, k) @ x2 (k, m)`` as one 2-D MatMul over the rows of ``x1``, as
    Keras's Dense computes it (in graphs; eagerly the two reshapes cost more than they
    save): the gradient of ``x2`` is then one MatMul, where TF's broadcasting
    BatchMatMulV2 forms a product per batch and sums them (a Dense layer's step on
    (batch, time, features) ran at 0.55-0.7x of Keras's)."""
    shape = x1.shape[:-1].concatenate(x2.shape[-1:])
    rows = tf.raw_ops.MatMul(a=tf.reshape(x1, (-1, dim(x1, -1))), b=x2)
    if shape.is_fully_defined():
        return tf.reshape(rows, shape)
    out = tf.reshape(rows, tf.concat([tf.shape(x1)[:-1], tf.shape(x2)[-1:]], 0))
    return tf.ensure_shape(out, shape)


def _matmul(x1, x2):
    x1, x2 = _promote(x1, x2, "matmul")
    n1, n2 = _check_ranks(x1, x2, "matmul")
    k1, k2 = x1.shape[-1], x2.shape[-2 if n2 > 1 else 0]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ValueError(f"matmul: contracted dimensions differ: x1 {tuple(x1.shape)} (last "
                         f"axis {k1}) and x2 {tuple(x2.shape)} (axis {-2 if n2 > 1 else 0}: {k2})")
    a = x1[None, :] if n1 == 1 else x1
    b = x2[:, None] if n2 == 1 else x2
    out = _widened(tf.linalg.matmul, a, b)
    if n1 == 1:
        out = tf.squeeze(out, -2)
    if n2 == 1:
        out = tf.squeeze(out, -1)
    return out


def matrix_transpose(x, /):
    x = _tensor(x, "matrix_transpose")
    if _ndim(x, "matrix_transpose") < 2:
        raise ValueError(f"matrix_transpose: x must have at least two dimensions, got shape "
                         f"{tuple(x.shape)}")
    return tf.linalg.matrix_transpose(x)


def tensordot(x1, x2, /, *, axes=2):
    x1, x2 = _promote(x1, x2, "tensordot")
    n1, n2 = _ndim(x1, "tensordot"), _ndim(x2, "tensordot")
    if isinstance(axes, int):
        if axes < 0 or axes > n1 or axes > n2:
            raise ValueError(f"tensordot: axes={axes} must be in [0, {min(n1, n2)}] for arrays "
                             f"of {n1} and {n2} dimensions")
        a1, a2 = list(range(n1 - axes, n1)), list(range(axes))
    else:
        try:
            a1, a2 = axes
        except (TypeError, ValueError):
            raise TypeError("tensordot: axes must be an int or a pair of sequences of ints, "
                            f"got {axes!r}") from None
        a1 = [normalize_axis(a, n1, "tensordot", "axes[0]") for a in a1]
        a2 = [normalize_axis(a, n2, "tensordot", "axes[1]") for a in a2]
        if len(a1) != len(a2) or len(set(a1)) != len(a1) or len(set(a2)) != len(a2):
            raise ValueError(f"tensordot: axes {axes!r} must be two sequences of the same "
                             f"length, each without repeats")
    for i, j in zip(a1, a2):
        d1, d2 = x1.shape[i], x2.shape[j]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(f"tensordot: contracted axes differ in size: x1 axis {i} ({d1}) "
                             f"and x2 axis {j} ({d2})")
    return _widened(lambda a, b: tf.tensordot(a, b, [a1, a2]), x1, x2)


def vecdot(x1, x2, /, *, axis=-1):
    x1, x2 = _promote(x1, x2, "vecdot")
    n1, n2 = _check_ranks(x1, x2, "vecdot")
    n = max(n1, n2)
    a = axis - n if axis >= 0 else axis
    if not -min(n1, n2) <= a <= -1:
        raise ValueError(f"vecdot: axis={axis} is out of bounds for shapes {tuple(x1.shape)} "
                         f"and {tuple(x2.shape)}; use an axis in [{-min(n1, n2)}, -1]")
    d1, d2 = x1.shape[a], x2.shape[a]
    if d1 is not None and d2 is not None and d1 != d2:
        raise ValueError(f"vecdot: the contracted axis {axis} differs in size: {d1} and {d2} "
                         f"(it is not broadcast)")
    if x1.dtype.is_complex:
        x1 = tf.math.conj(x1)
    if x1.dtype == tf.bool:
        return tf.reduce_any(tf.logical_and(x1, x2), axis=a)
    return tf.reduce_sum(x1 * x2, axis=a)
