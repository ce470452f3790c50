"""Data type functions of the array API standard on TensorFlow (finfo, iinfo, can_cast,
isdtype and result_type follow crossops's table and live in ``backends.tensorflow``)."""

from __future__ import annotations

import tensorflow as tf

from ._helpers import is_float8, nonzero, on_device

__all__ = ["astype"]


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``; to bool is ``x != 0`` (subnormals and complex numbers
    included), complex to real keeps the real part."""
    if not isinstance(dtype, tf.dtypes.DType):
        dtype = tf.as_dtype(dtype)
    with on_device(device):
        if x.dtype == dtype:
            return tf.identity(x) if copy or device is not None else x
        if dtype == tf.bool:  # (float8 has no comparison kernels: through float32)
            return nonzero(tf.cast(x, tf.float32) if is_float8(x.dtype) else x)
        if x.dtype.is_complex and not dtype.is_complex:
            x = tf.math.real(x)
        if is_float8(dtype) and not x.dtype.is_floating:
            x = tf.cast(x, tf.float32)  # TensorFlow casts to float8 from floats only (exact)
        return tf.cast(x, dtype)
