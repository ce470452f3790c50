"""PyTorch's special functions for crossops.math, from ``torch.special``, with Keras's
parameter names; half precision is computed in float32 and rounded once."""

from __future__ import annotations

import torch

from . import _HALF


def _unary(f, x):
    if x.dtype in _HALF:
        return f(x.float()).to(x.dtype)
    return f(x)


def _binary(f, x1, x2):
    compute = torch.float32 if x1.dtype in _HALF else x1.dtype
    return f(x1.to(compute), x2.to(compute)).to(x1.dtype)


def rsqrt(x):
    return _unary(torch.rsqrt, x)


def erf(x):
    return _unary(torch.special.erf, x)


def erfc(x):
    return _unary(torch.special.erfc, x)


def erfinv(x):
    return _unary(torch.special.erfinv, x)


def gammainc(x1, x2):
    if x1.dtype == torch.float64 or x2.dtype == torch.float64:
        raise NotImplementedError(
            "math.gammainc: torch.special.gammainc is accurate to about 1e-9 only in float64 "
            "(1e6 epsilons); compute in float32, or on another backend")
    return _binary(torch.special.gammainc, x1, x2)
