"""PyTorch backend: array-api-compat's torch namespace, torch's own kernels on hot paths."""

from __future__ import annotations

import array_api_compat.torch as NAMESPACE  # noqa: N812
import ml_dtypes
import numpy as np
import torch

from ._common import dtype_functions, dtype_table, make_native_dtype

ARRAY_TYPES = (torch.Tensor,)
DTYPE_TYPES = (torch.dtype,)
#: torch treats 0-d tensors as weak and lacks some unsigned kernels
NATIVE_PROMOTION = False

DTYPES = dtype_table(lambda n: getattr(torch, n))
native_dtype = make_native_dtype(DTYPES, "torch")


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names: torch's defaults (never changed here)."""
    f = torch.get_default_dtype()
    return ("int64", "float64" if f == torch.float64 else "float32",
            "complex128" if f == torch.float64 else "complex64")


def to_numpy(x) -> np.ndarray:
    x = x.detach().cpu()
    if x.dtype == torch.bfloat16:
        return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return x.resolve_conj().numpy()


def astype(x, dtype, /, *, copy=True, device=None):
    return NAMESPACE.astype(x, native_dtype(dtype), copy=copy, device=device)


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    if dtype is not None:
        dtype = native_dtype(dtype)
    return NAMESPACE.asarray(obj, dtype=dtype, device=device, copy=copy)


add = torch.add
matmul = torch.matmul
where = torch.where


def sum(x, /, *, axis=None, dtype=None, keepdims=False):  # noqa: A001
    if axis is None and not keepdims:
        return torch.sum(x, dtype=dtype)
    return NAMESPACE.sum(x, axis=axis, dtype=dtype, keepdims=keepdims)


def reshape(x, /, shape, *, copy=None):
    if copy is None:
        return torch.reshape(x, shape)
    return NAMESPACE.reshape(x, shape, copy=copy)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))


def namespace_info():
    return NAMESPACE.__array_namespace_info__()


def translate_error(e):
    """torch raises RuntimeError for bad shapes and for missing dtype kernels."""
    from .._errors import OpTypeError, OpValueError
    if type(e) is RuntimeError:
        return OpTypeError if "not implemented for" in str(e) else OpValueError
    return None
