"""TensorFlow's special functions for crossops.math, from ``tf.math``, with Keras's
parameter names; half precision is computed in float32 (TensorFlow has no half erfinv or
igamma kernels) and rounded once."""

from __future__ import annotations

import tensorflow as tf

_HALF = (tf.float16, tf.bfloat16)


def _unary(f, x):
    if x.dtype in _HALF:
        return tf.cast(f(tf.cast(x, tf.float32)), x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = tf.float32 if x1.dtype in _HALF else x1.dtype
    return tf.cast(f(tf.cast(x1, compute), tf.cast(x2, compute)), x1.dtype)


def _erf(c):
    # tf.math.erf gives nan for float64 |x| beyond ~1e2; erf(6) rounds to 1 in float64
    six = tf.constant(6, c.dtype)
    return tf.math.erf(tf.where(c > six, six, tf.where(c < -six, -six, c)))


def erf(x):
    return _unary(_erf, x)


def erfc(x):
    return _unary(tf.math.erfc, x)


def erfinv(x):
    return _unary(tf.math.erfinv, x)


def gammainc(x1, x2):
    return _binary(tf.math.igamma, x1, x2)
