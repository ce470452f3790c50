"""JAX backend: ``jax.numpy`` is an array API namespace of its own."""

from __future__ import annotations

import jax
import jax.numpy as NAMESPACE  # noqa: N812
import numpy as np

from ._common import dtype_functions, dtype_table, make_native_dtype

ARRAY_TYPES = (jax.Array,)
DTYPE_TYPES = ()
#: jax's promotion lattice is crossops's table
NATIVE_PROMOTION = True

DTYPES = dtype_table(lambda n: getattr(NAMESPACE, n).dtype if n != "bool" else np.dtype(bool))


def native_dtype(dtype):
    """jax takes NumPy dtypes; 64-bit ones follow jax's x64 setting."""
    return _native(dtype)


_native = make_native_dtype(DTYPES, "jax")


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names; 64-bit only with jax's x64 on."""
    if jax.config.jax_enable_x64:
        return ("int64", "float64", "complex128")
    return ("int32", "float32", "complex64")


def to_numpy(x) -> np.ndarray:
    return np.asarray(x)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))


def namespace_info():
    return NAMESPACE.__array_namespace_info__()
