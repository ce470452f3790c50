"""Data type functions of the array API standard on TensorFlow (finfo, iinfo, can_cast,
isdtype and result_type follow crossops's table and live in ``backends.tensorflow``)."""

from __future__ import annotations

import tensorflow as tf

from ._helpers import nonzero, on_device

__all__ = ["astype"]


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``; to bool is ``x != 0`` (subnormals and complex numbers
    included), complex to real keeps the real part."""
    if not isinstance(dtype, tf.dtypes.DType):
        dtype = tf.as_dtype(dtype)
    with on_device(device):
        if x.dtype == dtype:
            return tf.identity(x) if copy or device is not None else x
        if dtype == tf.bool:
            return nonzero(x)
        if x.dtype.is_complex and not dtype.is_complex:
            x = tf.math.real(x)
        return tf.cast(x, dtype)
