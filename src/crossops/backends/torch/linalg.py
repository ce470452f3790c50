"""PyTorch's functions of crossops.linalg beyond the array API namespace's, found by op
name (``backends/torch/linalg.py``): ``cholesky_inverse`` (``torch.cholesky_inverse``),
``det`` (its derivative at singular matrices) and ``qr`` (the array API's and keras.ops's
modes only: torch's own ``'r'`` gives an empty Q)."""

from __future__ import annotations

import torch

from .. import _numpy_ops as shared
from . import NAMESPACE

qr = shared.mode_checked_qr(NAMESPACE)


def cholesky_inverse(x, upper=False):
    return torch.cholesky_inverse(x, upper=upper)


def det(x):
    """torch.linalg.det; where a gradient is recorded, with the derivative torch.func
    gives, the adjugate's transpose, also at singular matrices (torch's eager autograd
    formula gives 0 there)."""
    if torch.is_grad_enabled() and x.requires_grad:
        return _Det.apply(x)
    return torch.linalg.det(x)


class _Det(torch.autograd.Function):
    """det(x) with d det / dx = adj(x)^T, from the SVD (no inverse, so singular matrices
    have their true derivative); the backward is made of differentiable ops (second
    derivatives work)."""

    @staticmethod
    def forward(x):
        return torch.linalg.det(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad[..., None, None] * _adjugate_transposed(x)

    generate_vmap_rule = True  # torch.func.vmap and jacrev run the methods above batched


def _adjugate_transposed(x):
    """adj(x)^T = det(U) det(Vh) U diag(p) Vh for x = U diag(s) Vh, where p_i is the
    product of the singular values other than s_i (prefix and suffix products: no
    division by a zero singular value)."""
    u, s, vh = torch.linalg.svd(x)
    one = torch.ones_like(s[..., :1])
    before = torch.cumprod(torch.cat([one, s[..., :-1]], -1), -1)
    after = torch.cumprod(torch.cat([one, s.flip(-1)[..., :-1]], -1), -1).flip(-1)
    sign = torch.linalg.det(u) * torch.linalg.det(vh)
    return sign[..., None, None] * (u * (before * after)[..., None, :]) @ vh
