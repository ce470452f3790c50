"""JAX backend: ``jax.numpy`` is an array API namespace of its own."""

from __future__ import annotations

import jax
import jax.numpy as NAMESPACE  # noqa: N812
import numpy as np

from ._common import dtype_functions, dtype_table, make_native_dtype

# tracers are instances of jax.Array but not subclasses of it: name their class too
ARRAY_TYPES = (jax.Array, jax.core.Tracer)
DTYPE_TYPES = ()
#: jax's promotion lattice is crossops's table
NATIVE_PROMOTION = True

#: every dtype crossops knows, as jax's NumPy dtypes. Without jax's x64 setting the
#: 64-bit ones are kept (as ``jax.numpy.float64`` is): jax itself then warns and gives
#: the 32-bit dtype, and ``__array_namespace_info__().dtypes()`` leaves them out.
DTYPES = dtype_table(lambda n: getattr(NAMESPACE, n).dtype if n != "bool" else np.dtype(bool))
native_dtype = make_native_dtype(DTYPES, "jax")


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names; 64-bit only with jax's x64 on."""
    if jax.config.jax_enable_x64:
        return ("int64", "float64", "complex128")
    return ("int32", "float32", "complex64")


def to_numpy(x) -> np.ndarray:
    return np.asarray(x)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))
_result_type = result_type  # noqa: F821  (defined just above)


def result_type(*arrays_and_dtypes):
    """crossops's promotion, then jax's x64 setting (float64 -> float32 without x64)."""
    return jax.dtypes.canonicalize_dtype(_result_type(*arrays_and_dtypes))


def namespace_info():
    """jax's own inspection object: its dtypes and defaults follow the x64 setting."""
    return NAMESPACE.__array_namespace_info__()
