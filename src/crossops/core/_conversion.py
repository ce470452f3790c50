"""``cast``, ``saturate_cast``, ``convert_to_tensor``, ``convert_to_numpy``, ``is_tensor``,
``shape`` and ``dtype`` (spec/core.toml), written with crossops ops; ``unstack`` and the
backends' own ``saturate_cast`` are in ``crossops/backends/<backend>/core.py``."""

from __future__ import annotations

import crossops.numpy as xnp

from .._backend import backend_of_type, get_backend, is_dtype_type
from .._convert import to_numpy
from .._dispatch import from_numpy
from .._dtypes import dtype_name, kind
from .._pytree import is_array as _is_array
from ..backends._core import saturate_limits
from ..numpy._keras import sizes


def cast(x, dtype):
    return xnp.astype(x, dtype)


# ----------------------------------------------------------------------------- saturate_cast


def saturate_cast(x, dtype):
    limits = saturate_limits(dtype_name(x.dtype), dtype_name(dtype))
    if limits is not None:
        if kind(dtype_name(x.dtype)) == "f" and kind(dtype_name(dtype)) in "biu":  # nan: 0
            x = xnp.where(xnp.isnan(x), xnp.zeros_like(x), x)
        x = xnp.clip(x, *limits)
    return xnp.astype(x, dtype)


# ----------------------------------------------------------------------------- conversion


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    for name, flag in (("sparse", sparse), ("ragged", ragged)):
        if flag not in (None, True, False):
            raise TypeError(f"core.convert_to_tensor: {name} must be None, True or False, got "
                            f"{flag!r}")
    if _is_array(x):
        default = get_backend()
        if default != "numpy" and backend_of_type(type(x)) == "numpy":
            x = from_numpy(default, x)  # host data: a tensor of the default backend, as Keras
        return x if dtype is None or dtype_name(x.dtype) == dtype_name(dtype) \
            else xnp.astype(x, dtype)
    return xnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    return to_numpy(x)


def is_tensor(x):
    b = backend_of_type(type(x))
    if b is None or is_dtype_type(type(x)):
        return False
    return b != "numpy" or get_backend() == "numpy"


def shape(x):
    if not _is_array(x):
        x = xnp.asarray(x)
    return sizes(x)  # TensorFlow under tf.function: unknown sizes as scalar tensors


def dtype(x):
    if not _is_array(x):
        x = xnp.asarray(x)
    return dtype_name(x.dtype)


GENERIC = {"cast": cast, "saturate_cast": saturate_cast, "convert_to_tensor": convert_to_tensor,
           "convert_to_numpy": convert_to_numpy, "is_tensor": is_tensor, "shape": shape,
           "dtype": dtype}
