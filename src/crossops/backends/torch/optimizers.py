"""Multi-tensor forms of the optimizer rules of ``crossops.optimizers._rules`` on PyTorch.

An eager update written with crossops ops makes about ten passes and allocations per
variable, each a Python call. These forms update all the variables of one dtype at once with
``torch._foreach_*`` kernels (the ones ``torch.optim`` uses), a few launches per step.

They are pure, as the rules are: every result is a new tensor and the inputs are never
written. The arithmetic is Keras's, as in the rules, up to the rounding of fused kernels
(``lerp``, ``addcmul``, ``addcdiv``); ``tests/test_optimizers.py`` compares the two forms.

``crossops.optimizers._functional`` calls a form only where :func:`usable` says so. That
means eagerly, outside torch.compile and outside torch.func transforms, where the rules'
crossops form stays traceable and differentiable.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

#: the float dtypes a multi-tensor update takes (float16 and bfloat16 variables are updated
#: in float32 by the rules' form, with float32 slots)
_DTYPES = (torch.float32, torch.float64)


def usable(params: Sequence, grads: Sequence) -> bool:
    """Whether ``params`` and ``grads`` can take a multi-tensor update: eager, outside any
    torch.func transform, and all plain tensors (or Parameters) of one float32 or float64
    dtype on one device."""
    if not params or torch.compiler.is_compiling() or (
            torch._C._functorch.maybe_current_level() is not None):
        return False
    first = params[0]
    if not isinstance(first, torch.Tensor) or first.dtype not in _DTYPES:
        return False
    dtype, device = first.dtype, first.device
    return all(type(x) in (torch.Tensor, torch.nn.Parameter) and x.dtype == dtype and
               x.device == device for x in (*params, *grads))  # not a DTensor (no foreach)


def _scalar(x) -> float:
    """A 0-d tensor (the learning rate, a step size) as a Python float."""
    return float(x.item()) if isinstance(x, torch.Tensor) else float(x)


def _decayed(params: list, lr, weight_decay) -> list:
    """Keras's decoupled weight decay, ``p - p * weight_decay * lr``, as new tensors."""
    if not weight_decay:
        return params
    decay = torch._foreach_mul(params, weight_decay)
    torch._foreach_mul_(decay, _scalar(lr))
    return torch._foreach_sub(params, decay)


def sgd(grads: list, params: list, slots: list, lr, t, weight_decay=None, *,
        momentum: float, nesterov: bool) -> tuple[list, list]:
    """SGD with (Nesterov) momentum: ``m = m * momentum - g * lr``, ``p + m`` (Nesterov:
    ``p + m * momentum - g * lr``). Returns the new parameters and slot tuples."""
    params = _decayed(params, lr, weight_decay)
    step = -_scalar(lr)
    if momentum == 0:
        return torch._foreach_add(params, grads, alpha=step), slots
    m = torch._foreach_mul([s[0] for s in slots], momentum)
    torch._foreach_add_(m, grads, alpha=step)
    if nesterov:
        update = torch._foreach_mul(m, momentum)
        torch._foreach_add_(update, grads, alpha=step)
    else:
        update = m
    return torch._foreach_add(params, update), [(x,) for x in m]


def adam(grads: list, params: list, slots: list, lr, t, weight_decay=None, *,
         beta_1: float, beta_2: float, epsilon: float, amsgrad: bool) -> tuple[list, list]:
    """Adam (AdamW with ``weight_decay``), as Keras writes it:
    ``m += (g - m) * (1 - beta_1)``, ``v += (g * g - v) * (1 - beta_2)`` and
    ``p -= m * alpha / (sqrt(v) + epsilon)`` with
    ``alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)``, computed in the variables'
    dtype. Returns the new parameters and slot tuples ``(m, v)`` (``(m, v, v_hat)`` with
    ``amsgrad``)."""
    params = _decayed(params, lr, weight_decay)
    t = torch.as_tensor(t, dtype=params[0].dtype)
    alpha = _scalar(lr * torch.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t))
    m = torch._foreach_lerp([s[0] for s in slots], grads, 1 - beta_1)
    v = torch._foreach_mul([s[1] for s in slots], beta_2)
    torch._foreach_addcmul_(v, grads, grads, 1 - beta_2)
    if amsgrad:
        v_hat = torch._foreach_maximum([s[2] for s in slots], v)
        denominator = torch._foreach_sqrt(v_hat)
        new_slots = list(zip(m, v, v_hat))
    else:
        denominator = torch._foreach_sqrt(v)
        new_slots = list(zip(m, v))
    torch._foreach_add_(denominator, epsilon)
    return torch._foreach_addcdiv(params, m, denominator, -alpha), new_slots
