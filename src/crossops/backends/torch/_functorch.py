"""Whether a torch.func transform is running: the one test every torch module asks
before an eager shortcut (torch has no public one)."""

from __future__ import annotations

import torch

#: functorch's level of the innermost running transform, or None
_TRANSFORM_LEVEL = getattr(getattr(torch._C, "_functorch", None), "maybe_current_level", None)


def in_transform() -> bool:
    """Whether a torch.func transform (``grad``, ``vmap``, ``jvp`` ...) is running, where
    tensors may be the transform's wrappers (storage-less, of type Tensor): what eager
    shortcuts (fused kernels, ``out=`` calls, tensors kept for later calls, autograd's
    tape, a seed read as Python ints) must not run under. True where this torch cannot
    tell.

    Examples
    --------
    >>> import torch
    >>> in_transform()
    False
    >>> torch.func.grad(lambda x: (x * float(in_transform())).sum())(torch.ones(2))
    tensor([1., 1.])
    """
    return _TRANSFORM_LEVEL is None or _TRANSFORM_LEVEL() is not None
