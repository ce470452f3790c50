"""``cast``, ``saturate_cast``, ``convert_to_tensor``, ``convert_to_numpy``, ``is_tensor``,
``shape``, ``dtype`` and ``unstack`` (spec/core.toml), written with crossops ops; the
``unstack_<backend>`` and ``saturate_cast_<numpy|torch>`` functions are named in the spec's
``native`` tables."""

from __future__ import annotations

import ml_dtypes
import numpy as np

import crossops.numpy as xnp

from .._backend import backend_of_type, get_backend, is_dtype_type
from .._convert import to_numpy
from .._dispatch import from_numpy
from .._dtypes import CATEGORIES, dtype_name, kind
from .._pytree import is_array as _is_array


def cast(x, dtype):
    return xnp.astype(x, dtype)


# ----------------------------------------------------------------------------- saturate_cast


def _np_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def _range(name: str) -> tuple:
    """The smallest and largest finite values of a dtype (Python numbers)."""
    k = kind(name)
    if k == "b":
        return 0, 1
    if k in "iu":
        info = np.iinfo(name)
        return int(info.min), int(info.max)
    info = ml_dtypes.finfo(_np_dtype(name))
    return float(info.min), float(info.max)


def _toward_zero(value, name: str):
    """``value`` rounded to the float dtype ``name``, stepped toward zero if rounding took
    it beyond ``value`` (so that it stays inside the target range)."""
    dt = _np_dtype(name)
    v = np.asarray(float(value), np.float64).astype(dt)
    if abs(float(v)) > abs(value):  # also catches inf: step by one unit in the last place
        bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize]
        v = (v.reshape(1).view(bits) - bits(1)).view(dt)[0]
    return float(v)


def saturation_limits(in_name: str, out_name: str):
    """``(low, high)`` (Python numbers, exact in ``in_name``) that ``saturate_cast`` clips
    to, or None when every value of ``in_name`` already fits ``out_name``."""
    if kind(in_name) == "b":
        return None
    lo_in, hi_in = _range(in_name)
    lo_out, hi_out = _range(out_name)
    if kind(in_name) in "iu":
        lo = max(lo_in, int(np.ceil(lo_out)))
        hi = min(hi_in, int(np.floor(hi_out)))
    else:
        lo = _toward_zero(lo_out, in_name) if lo_out > lo_in else lo_in
        hi = _toward_zero(hi_out, in_name) if hi_out < hi_in else hi_in
    if lo <= lo_in and hi >= hi_in and kind(in_name) in "iu":
        return None  # every integer fits: nothing to clip
    return lo, hi


# every pair's limits, computed once (ml_dtypes' finfo does not trace under torch.compile)
_REAL = CATEGORIES["real_or_bool"]
_LIMITS = {(a, b): saturation_limits(a, b) for a in _REAL for b in _REAL}


def saturate_cast(x, dtype, names=None):
    in_name, out_name = names or (dtype_name(x.dtype), dtype_name(dtype))
    if kind(in_name) == "c" or kind(out_name) == "c":
        raise TypeError(f"core.saturate_cast: complex dtypes have no range to saturate to (got "
                        f"{in_name} -> {out_name}); use cast")
    limits = _LIMITS[in_name, out_name]
    if limits is not None:
        if kind(in_name) == "f" and kind(out_name) in "biu":  # nan becomes 0
            x = xnp.where(xnp.isnan(x), xnp.zeros_like(x), x)
        x = xnp.clip(x, *limits)
    return xnp.astype(x, dtype)


def saturate_cast_numpy(x, dtype):
    if x.dtype == ml_dtypes.bfloat16:  # NumPy's clip has no bfloat16 loop: clip in float32
        limits = _LIMITS["bfloat16", dtype_name(dtype)]  # exact in bfloat16
        return np.clip(np.where(np.isnan(x), 0, x).astype(np.float32)
                       if kind(dtype_name(dtype)) in "biu" else x.astype(np.float32),
                       *limits).astype(ml_dtypes.bfloat16).astype(dtype)
    return saturate_cast(x, dtype)


def _torch_name(dtype) -> str:
    # compared one by one: torch.compile cannot hash a torch dtype (a dict lookup)
    from .._backend import backend_module
    for name, native in backend_module("torch").DTYPES.items():
        if native == dtype:
            return name
    return dtype_name(dtype)


def saturate_cast_torch(x, dtype):
    import torch
    names = _torch_name(x.dtype), _torch_name(dtype)
    if x.dtype == torch.uint64:  # torch has no uint64 comparisons: clamp the int64 view
        limits = _LIMITS[names]
        if limits is not None:
            v = x.view(torch.int64)
            big = (v < 0) | (v > limits[1])  # values of 2**63 and more view as negative
            x = torch.where(big, torch.full_like(v, limits[1]), v)
        return x.to(dtype)
    return saturate_cast(x, dtype, names)


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
    dims = tuple(x.shape)
    if None in dims:  # TensorFlow under tf.function: unknown sizes as scalar tensors
        import tensorflow as tf
        dynamic = tf.shape(x)
        dims = tuple(dynamic[i] if d is None else d for i, d in enumerate(dims))
    return dims


def dtype(x):
    if not _is_array(x):
        x = xnp.asarray(x)
    return dtype_name(x.dtype)


# ----------------------------------------------------------------------------- unstack


def _unstack_axis(x, num, axis):
    ndim = len(x.shape)
    if ndim == 0:
        raise ValueError("core.unstack: x is 0-d; it needs an axis to unstack along")
    if not -ndim <= axis < ndim:
        raise ValueError(f"core.unstack: axis {axis} is out of range for an array of {ndim} "
                         f"dimensions")
    axis %= ndim
    n = x.shape[axis]
    if n is None and num is None:
        raise ValueError(f"core.unstack: the length of axis {axis} is unknown; pass num")
    if num is not None and n is not None and int(num) != int(n):
        raise ValueError(f"core.unstack: num={num} but axis {axis} has length {n}")
    return axis


def unstack_numpy(x, num=None, axis=0):
    return list(np.moveaxis(x, _unstack_axis(x, num, axis), 0))


def unstack_jax(x, num=None, axis=0):
    import jax.numpy as jnp
    return list(jnp.moveaxis(x, _unstack_axis(x, num, axis), 0))


def unstack_torch(x, num=None, axis=0):
    return list(x.unbind(_unstack_axis(x, num, axis)))


def unstack_tensorflow(x, num=None, axis=0):
    import tensorflow as tf
    return tf.unstack(x, num=num, axis=_unstack_axis(x, num, axis))


GENERIC = {"cast": cast, "saturate_cast": saturate_cast, "convert_to_tensor": convert_to_tensor,
           "convert_to_numpy": convert_to_numpy, "is_tensor": is_tensor, "shape": shape,
           "dtype": dtype}
