"""Compute dtypes of TensorFlow's op functions: half precision computed in float32 and
cast back once."""

from __future__ import annotations

import tensorflow as tf

from ..._config import floatx

_HALF = (tf.float16, tf.bfloat16)


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
