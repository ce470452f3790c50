"""Compute dtypes of TensorFlow's op functions: half precision computed in float32 and
cast back once."""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from ..._config import floatx

_HALF = (tf.float16, tf.bfloat16)
#: the floating dtypes whose NumPy sum :func:`free_of_nan` reads (by id)
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


def cpu_buffer(x):
    """The NumPy view of eager CPU tensor ``x``'s own buffer (no copy; TensorFlow's
    private ``_numpy``, read here only), or None for a traced tensor or one on another
    device: for the kernels NumPy runs faster than TensorFlow on small tensors, or in
    NumPy's order (argmax, sort, the NaN check)."""
    if tf.executing_eagerly() and "CPU" in x.device:
        return x._numpy()
    return None


def free_of_nan(x) -> bool:
    """Whether floating ``x`` is known to hold no NaN, read eagerly from one sum over every
    axis (NaN where x holds a NaN, and where +inf and -inf meet, a case then left to the
    caller's element-wise check); False when traced (tf.function) or not floating. Cheaper
    than ``reduce_any(is_nan(x))``: one kernel and no axes made per call."""
    if not (x.dtype.is_floating and tf.executing_eagerly()):
        return False
    if id(x.dtype) in _HOST_FLOATS and (h := cpu_buffer(x)) is not None:
        return not math.isnan(np.sum(h))  # (NumPy's sum: a fifth of the kernel's time)
    # tf.math.reduce_sum adds ~3 us, and makes the tensor of every axis on each call
    return not math.isnan(tf.raw_ops.Sum(input=x, axis=all_axes(x.shape.rank)))


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
