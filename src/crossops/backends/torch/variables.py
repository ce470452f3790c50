"""What ``crossops.Variable`` (and what reads variables and batches on the host) does on
PyTorch: arrays written in place, so that a module's registered Parameter or buffer stays
the one it holds, and tensors taken off autograd's tape.

Found by name (:func:`crossops._backend.backend_chapter`, chapter ``variables``); a backend
without one of these names takes the neutral default (a new array rebinds the variable;
arrays are used as they are).
"""

from __future__ import annotations

import contextlib
import sys

import torch

from ._functorch import in_transform


def assign_in_place(current, value) -> None:
    """Copy ``value`` into a variable's tensor ``current`` in place, off the tape: the
    module's registered tensor stays this one. Into a DTensor (a ModelParallel variable),
    ``value`` distributed as ``current`` is; out of a DTensor, its full value."""
    if "torch.distributed.tensor" in sys.modules:  # else no DTensor can exist
        from .distribution import assignable
        value = assignable(value, current)
    with torch.no_grad():
        current.copy_(value)


def adopt(current, value) -> None:
    """Make ``value`` (a pure step's new tensor, of ``current``'s dtype and shape) the
    storage of a variable's tensor ``current``, without a copy: the module keeps its
    Parameter or buffer."""
    current.data = value


def detached(x):
    """``x`` off autograd's tape (the same storage): what NumPy conversion and a compiled
    step need of a Parameter or a tensor that requires grad."""
    return x.detach()


def update_scope():
    """The context an optimizer's update runs in: off autograd's tape when eager (trainable
    variables are ``nn.Parameter`` s: without it every update's result would record a graph
    back to the previous step's parameters, and a training loop would keep all of them
    alive); inside a ``torch.func`` transform (``crossops.grad``) the update stays
    differentiable, as on JAX."""
    if torch.is_grad_enabled() and not in_transform():
        return torch.no_grad()
    return contextlib.nullcontext()
