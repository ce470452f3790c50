"""Compute dtypes of torch's op functions: half precision computed in float32 and cast
back once, and the rule that keeps ``torch.autocast``'s lower dtype."""

from __future__ import annotations

import torch

from ..._config import floatx


def is_half(dtype) -> bool:
    """Whether ``dtype`` is float16 or bfloat16 (compared one by one: torch.compile cannot
    hash a torch dtype)."""
    return dtype == torch.float16 or dtype == torch.bfloat16


def up(x):
    """``x`` in its compute dtype (float16 and bfloat16 computed in float32), and its own
    dtype, to cast the result back with :func:`down`."""
    dt = x.dtype  # torch's dtypes are singletons: compared by identity, the fastest way
    return (x.float() if dt is torch.float16 or dt is torch.bfloat16 else x), dt


def up_float(x):
    """:func:`up` for an op whose result is a float: bool and integer inputs computed in, and
    given as, ``floatx()`` (as jax.nn's activations)."""
    dt = x.dtype
    if dt is torch.float32 or dt is torch.float64:  # the common case, first
        return x, dt
    if dt is torch.float16 or dt is torch.bfloat16:
        return x.float(), dt
    if dt.is_floating_point or dt.is_complex:
        return x, dt
    f = getattr(torch, floatx())
    return x.to(f), f


def down(y, dtype):
    """``y`` cast back to ``dtype`` where it is not already."""
    return y if y.dtype is dtype else y.to(dtype)


def down_autocast(y, dtype):
    """:func:`down`, except that a float32 op which ``torch.autocast`` ran in its lower
    dtype keeps that dtype, as the torch op gives it."""
    if dtype == torch.float32 and y.dtype != dtype:
        device = y.device.type
        if torch.is_autocast_enabled(device) and y.dtype == torch.get_autocast_dtype(device):
            return y
    return down(y, dtype)
