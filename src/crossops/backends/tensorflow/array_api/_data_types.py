"""Data type functions of the array API standard on TensorFlow (finfo, iinfo, can_cast,
isdtype and result_type follow crossops's table and live in ``backends.tensorflow``)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .._compute import eager_cpu, run_kernel
from ._helpers import is_float8, nonzero, on_device

__all__ = ["astype"]

#: the real dtypes that TensorFlow's Cast kernel converts as :func:`astype` does (no bool
#: result, no complex, no float8): a ``dtype`` argument naming one (the DType, its NumPy
#: dtype, its name) -> the DType
_PLAIN_CASTS: dict = {}
for _d in (tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16, tf.uint32, tf.uint64,
           tf.float16, tf.bfloat16, tf.float32, tf.float64):
    _PLAIN_CASTS.update({_d: _d, _d.as_numpy_dtype: _d, np.dtype(_d.as_numpy_dtype): _d,
                         _d.name: _d})
del _d
#: the same dtypes and bool, by id (a tensor's dtype is interned): sources of a plain cast
_PLAIN_SOURCES = frozenset(map(id, [*_PLAIN_CASTS.values(), tf.bool]))


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``; to bool is ``x != 0`` (subnormals and complex numbers
    included), complex to real keeps the real part."""
    if device is None and eager_cpu(x):
        try:
            to = _PLAIN_CASTS.get(dtype)
        except TypeError:  # (an unhashable dtype argument: the general path says what)
            to = None
        if to is not None and (src := x.dtype) is not to and id(src) in _PLAIN_SOURCES:
            # eagerly, between real dtypes: tf.cast's kernel, without its Python layers
            return run_kernel("Cast", x, "DstT", to, "Truncate", False)
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
