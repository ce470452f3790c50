"""Per-backend functions behind ``i0`` and ``view`` (spec/numpy_keras.toml names them in
each op's ``native`` table): thin adapters over each framework's own function that give
NumPy's dtypes and shapes.

Frameworks are imported inside the functions, so that importing this module imports none.

Examples
--------
>>> import numpy as np
>>> from crossops.numpy._natives_a import view_numpy
>>> view_numpy(np.ones(2, np.float32), np.dtype("int16")).shape
(4,)
"""

from __future__ import annotations

import math

from .._dtypes import dtype_name

# -- i0 ---------------------------------------------------------------------------------------

def _i0_dtypes(name: str, wide: str) -> tuple[str, str]:
    """(the dtype to compute i0 in, the result dtype) for an input dtype ``name``.

    Integers give ``wide`` (float64, as NumPy); float16 and bfloat16 are computed in float32
    and rounded once (the frameworks' half-precision kernels lose digits or are missing)."""
    if name in ("float16", "bfloat16"):
        return "float32", name
    if name in ("float32", "float64"):
        return name, name
    if name.startswith("complex"):
        raise TypeError(f"i0: x must be real (NumPy's i0 has no complex values), got {name}")
    return wide, wide


def i0_numpy(x):
    import numpy as np

    from .._backend import backend_module
    mod = backend_module("numpy")
    x = np.asarray(x)
    work, out = _i0_dtypes(dtype_name(x.dtype), "float64")
    return np.asarray(np.i0(x.astype(mod.DTYPES[work]))).astype(mod.DTYPES[out])


def i0_jax(x):
    import jax.numpy as jnp

    from .._backend import backend_module
    mod = backend_module("jax")
    work, out = _i0_dtypes(dtype_name(x.dtype), mod.default_dtypes()[1])
    return jnp.i0(x.astype(mod.DTYPES[work])).astype(mod.DTYPES[out])


def i0_torch(x):
    import torch

    from .._backend import backend_module
    mod = backend_module("torch")
    work, out = _i0_dtypes(dtype_name(x.dtype), "float64")
    return torch.special.i0(x.to(mod.DTYPES[work])).to(mod.DTYPES[out])


def i0_tensorflow(x):
    import tensorflow as tf

    from .._backend import backend_module
    mod = backend_module("tensorflow")
    x = tf.convert_to_tensor(x)
    work, out = _i0_dtypes(dtype_name(x.dtype), "float64")
    return tf.cast(tf.math.bessel_i0(tf.cast(x, mod.DTYPES[work])), mod.DTYPES[out])


# -- view -------------------------------------------------------------------------------------

_ITEMSIZE = {"bool": 1, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2,
             "bfloat16": 2, "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8,
             "float64": 8, "complex64": 8, "complex128": 16}


def view_shape(shape: tuple, old: str, new: str) -> tuple:
    """The shape of ``x.view(new)`` for ``x`` of dtype ``old`` and ``shape`` (NumPy's rule:
    a change of itemsize rescales the last axis).

    Raises
    ------
    ValueError
        For a 0-d array, or a last axis whose size in bytes the new itemsize does not
        divide, when the itemsize changes.
    """
    a, b = _ITEMSIZE[old], _ITEMSIZE[new]
    if a == b:
        return tuple(shape)
    if not shape:
        raise ValueError(f"view: a 0-d array of {old} cannot be viewed as {new} (itemsize "
                         f"{a} -> {b}); only a dtype of the same itemsize works on 0-d arrays")
    nbytes = shape[-1] * a
    if nbytes % b:
        raise ValueError(f"view: the last axis of x ({shape[-1]} x {a} bytes, shape "
                         f"{tuple(shape)}) does not divide into {new} items of {b} bytes; "
                         f"use a last axis of a multiple of {b // math.gcd(a, b)} elements")
    return tuple(shape[:-1]) + (nbytes // b,)


def view_numpy(x, dtype=None):
    if dtype is None:
        return x.view()
    view_shape(x.shape, dtype_name(x.dtype), dtype_name(dtype))
    return x.view(dtype)


def view_jax(x, dtype=None):
    if dtype is None:
        return x
    view_shape(x.shape, dtype_name(x.dtype), dtype_name(dtype))
    return x.view(dtype)


def view_torch(x, dtype=None):
    if dtype is None:
        return x.view(x.shape)
    import torch
    old, new = dtype_name(x.dtype), dtype_name(dtype)
    shape = view_shape(tuple(x.shape), old, new)
    if _ITEMSIZE[old] != _ITEMSIZE[new]:
        if x.numel() == 0:  # torch wants a unit stride even where there are no items
            return torch.empty(shape, dtype=dtype, device=x.device)
        x = x.contiguous()  # torch rescales only a contiguous last axis
    return x.view(dtype)


def view_tensorflow(x, dtype=None):
    import tensorflow as tf
    x = tf.convert_to_tensor(x)
    if dtype is None:
        return x
    old, new = dtype_name(x.dtype), dtype_name(dtype)
    static = tuple(x.shape)
    known = None not in static  # else a shape of tf.function left open: tf checks it
    shape = view_shape(static, old, new) if known else None
    if old == new:
        return x
    if old == "bool":  # tf.bitcast has no bool: its bytes are those of uint8 0 and 1
        x, old = tf.cast(x, tf.uint8), "uint8"
    target = tf.uint8 if new == "bool" else dtype
    a, b = _ITEMSIZE[old], _ITEMSIZE[new]
    if a == b:
        out = tf.bitcast(x, target)
    elif a > b:  # each item becomes a // b items: a new last axis, merged into the old one
        out = tf.reshape(tf.bitcast(x, target),
                         shape if known else tf.concat([tf.shape(x)[:-1], [-1]], 0))
    else:  # b // a items become one: split the last axis, then bitcast drops the new one
        split = shape + (b // a,) if known else tf.concat([tf.shape(x)[:-1], [-1, b // a]], 0)
        out = tf.bitcast(tf.reshape(x, split), target)
    return tf.not_equal(out, 0) if new == "bool" else out
