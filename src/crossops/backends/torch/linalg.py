"""PyTorch's functions of crossops.linalg beyond the array API namespace's, found by op
name (``backends/torch/linalg.py``): ``cholesky_inverse`` (``torch.cholesky_inverse``)."""

from __future__ import annotations

import torch


def cholesky_inverse(x, upper=False):
    return torch.cholesky_inverse(x, upper=upper)
