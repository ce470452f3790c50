"""Compute dtypes of TensorFlow's op functions: half precision computed in float32 and
cast back once; and the eager helpers of the fast paths (TensorFlow's private API they read
lives in :mod:`._private`)."""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from ..._config import floatx
from ._private import (
    EAGER_TENSOR,
    eager,
    executing_eagerly,
    host_buffer,
    raw_kernel,
    run_kernel,
)

__all__ = ["EAGER_TENSOR", "KERNEL_FLOATS", "all_axes", "below_inf", "buffer_below_inf",
           "buffer_free_of_subnormals", "cpu_buffer", "down", "eager", "eager_cpu",
           "executing_eagerly", "int_tuple", "raw_kernel", "run_kernel", "up",
           "up_float"]

_HALF = (tf.float16, tf.bfloat16)
#: the floating dtypes whose NumPy maximum :func:`below_inf` reads (by id)
_HOST_FLOATS = frozenset(map(id, (tf.float16, tf.float32, tf.float64)))


def up(x):
    """``x`` in its compute dtype (float16 and bfloat16 computed in float32), and its own
    dtype, to cast the result back with :func:`down`."""
    return (tf.cast(x, tf.float32) if x.dtype in _HALF else x), x.dtype


def up_float(x):
    """:func:`up` for an op whose result is a float: bool and integer inputs computed in, and
    given as, ``floatx()`` (as jax.nn's activations)."""
    if x.dtype.is_floating or x.dtype.is_complex:
        return up(x)
    f = tf.as_dtype(floatx())
    return tf.cast(x, f), f


def down(y, dtype):
    """``y`` cast back to ``dtype`` where it is not already."""
    return y if y.dtype == dtype else tf.cast(y, dtype)


#: rank -> the int32 tensor of every axis (made eagerly, once per rank)
_ALL_AXES: dict = {}
#: float32 and float64 by id: the floating dtypes TensorFlow's kernels take as they are
#: (no float32 compute dtype, as float16 and bfloat16 have)
KERNEL_FLOATS = frozenset(map(id, (tf.float32, tf.float64)))
_MIN = np.minimum.reduce
_MAX = np.maximum.reduce
_SQUARES = np.vdot  # (flattens: the sum of products, by BLAS for float32 and float64)


def eager_cpu(x) -> bool:
    """Whether ``x`` is an eager tensor on the CPU and TensorFlow executes eagerly (not
    while a ``tf.function`` traces, where an eager tensor is a captured constant): where
    :func:`run_kernel` may run a kernel on it and :func:`cpu_buffer` reads it."""
    return type(x) is EAGER_TENSOR and "CPU" in x.device and executing_eagerly()


def cpu_buffer(x):
    """The NumPy view of eager CPU tensor ``x``'s own buffer (no copy; read only:
    :func:`._private.host_buffer`), or None for a traced tensor, a variable or a tensor on
    another device (:func:`eager_cpu`): for the kernels NumPy runs faster than TensorFlow
    on small tensors, or in NumPy's order (argmax, sort, the NaN check)."""
    return host_buffer(x) if eager_cpu(x) else None


def below_inf(x) -> bool:
    """Whether floating ``x`` is known to hold no NaN and no +inf (what makes a softmax row
    NaN), read eagerly: from NumPy's maximum of an eager CPU tensor's buffer
    (:func:`buffer_below_inf`), else from one sum over every axis (NaN or +inf where x
    holds one, and where the sum overflows or +inf and -inf meet: cases then left to the
    caller's element-wise check); False when traced (tf.function) or not floating. Cheaper
    than ``reduce_any(is_nan(x))``: one kernel and no axes made per call."""
    if not (x.dtype.is_floating and tf.executing_eagerly()):
        return False
    if id(x.dtype) in _HOST_FLOATS and (h := cpu_buffer(x)) is not None:
        return buffer_below_inf(h)
    # tf.math.reduce_sum adds ~3 us, and makes the tensor of every axis on each call
    return float(tf.raw_ops.Sum(input=x, axis=all_axes(x.shape.rank))) < math.inf


def buffer_below_inf(h) -> bool:
    """Whether floating NumPy array ``h`` holds no NaN and no +inf. A float32 or float64
    buffer's sum of squares comes first, from BLAS (``np.vdot``): finite, it says that
    ``h`` holds no NaN and no inf; else (an inf, a NaN, or a value whose square overflows)
    and for other dtypes, ``h``'s maximum decides: below +inf (NumPy's maximum propagates
    NaN, and NaN is below nothing), without a warning. At 32x32 the sum of squares takes
    0.6 us and the maximum 1.1; and a NumPy reduction run between two of TensorFlow's
    eager Softmax kernels made them 15-30 us slower, where BLAS's dot did not (measured
    on this project's host; the cause not found)."""
    if h.size == 0:
        return True
    if h.dtype.kind == "f" and h.dtype.itemsize >= 4 and _SQUARES(h, h) < math.inf:
        return True
    return _MAX(h, None) < math.inf


#: float dtype's itemsize -> (the unsigned int of its width, the count of bit patterns of
#: its subnormals): ``(bits << 1) - 1`` of a subnormal is below that count, and of no other
#: value (zeros wrap around to the largest unsigned int)
_SUBNORMAL_BITS = {4: (np.uint32, np.uint32((1 << 24) - 1)),
                   8: (np.uint64, np.uint64((1 << 53) - 1))}


def buffer_free_of_subnormals(h) -> bool:
    """Whether float32/float64 NumPy array ``h`` holds no subnormal number (which
    TensorFlow's CPU kernels that compute flush to zero, where a selection keeps it)."""
    if h.size == 0:
        return True
    uint, count = _SUBNORMAL_BITS[h.itemsize]
    v = h.view(uint) << 1  # (the sign bit dropped)
    v -= 1
    return _MIN(v, None) >= count


#: a tuple of ints -> its int32 tensor, made eagerly and kept (see :func:`int_tuple`)
_INT_TUPLES: dict = {}
_INT32 = range(-(1 << 31), 1 << 31)


def int_tuple(values: tuple):
    """The int32 tensor of ``values``, a tuple of Python ints (``type(v) is int``: no bool,
    which would share a key), for a kernel's shape or permutation input, made once and
    kept (a few hundred): TensorFlow's fast path takes no Python sequence for such an input
    and converts it in Python (~10 us). None where a value is beyond int32, or where
    TensorFlow does not execute eagerly (a kept tensor read while tracing would become a
    graph input)."""
    if not executing_eagerly():
        return None
    t = _INT_TUPLES.get(values)
    if t is None:
        if not all(v in _INT32 for v in values):
            return None
        if len(_INT_TUPLES) >= 512:
            _INT_TUPLES.clear()
        t = _INT_TUPLES[values] = tf.constant(values, tf.int32)
    return t


def all_axes(rank: int):
    """Every axis of a rank-``rank`` tensor, as the ``axis`` of a reduction kernel: a kept
    int32 tensor (made once per rank) where executing eagerly, else a list (a tensor made
    while tracing belongs to that graph)."""
    axes = _ALL_AXES.get(rank)
    if axes is None:
        if not tf.executing_eagerly():
            return list(range(rank))
        axes = _ALL_AXES[rank] = tf.constant(list(range(rank)), tf.int32)
    return axes
