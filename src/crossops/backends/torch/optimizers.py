"""Multi-tensor forms of the optimizer rules of ``crossops.optimizers._rules`` on PyTorch.

An eager update written with crossops ops makes about ten passes and allocations per
variable, each a Python call. These forms update all the variables of one dtype at once with
``torch._foreach_*`` kernels (the ones ``torch.optim`` uses), a few launches per step;
Adam on CPU with ``torch._fused_adam_``, one pass over each variable (the kernel of
``torch.optim.Adam(fused=True)``).

They are pure, as the rules are: every result is a new tensor and the inputs are never
written, unless ``in_place`` says the caller gave the parameters and slots up (a ``fit``
step's donated state, ``crossops.optimizers._functional.donated``): then the results are
written into them, with the same kernels and bits, as torch.optim does. The arithmetic is
Keras's, as in the rules, up to the rounding of fused kernels (``lerp``, ``addcmul``,
``addcdiv``, fused Adam); ``tests/test_optimizers.py`` compares the forms.

``crossops.optimizers._functional`` calls a form only where :func:`usable` says so. That
means eagerly, outside torch.compile and outside torch.func transforms, where the rules'
crossops form stays traceable and differentiable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from ._functorch import in_transform

#: the float dtypes a multi-tensor update takes (float16 and bfloat16 variables are updated
#: in float32 by the rules' form, with float32 slots)
_DTYPES = (torch.float32, torch.float64)


def usable(params: Sequence, grads: Sequence) -> bool:
    """Whether ``params`` and ``grads`` can take a multi-tensor update: eager, outside any
    torch.func transform, and all plain tensors (or Parameters) of one float32 or float64
    dtype on one device."""
    if not params or torch.compiler.is_compiling() or in_transform():
        return False
    first = params[0]
    if not isinstance(first, torch.Tensor) or first.dtype not in _DTYPES:
        return False
    dtype, device = first.dtype, first.device
    for x in (*params, *grads):  # not a DTensor (no foreach); a loop: runs every update
        if type(x) not in _PLAIN or x.dtype != dtype or x.device != device:
            return False
    return True


#: the tensor types a multi-tensor update takes
_PLAIN = (torch.Tensor, torch.nn.Parameter)


def _scalar(x) -> float:
    """A 0-d tensor (the learning rate, a step size) as a Python float."""
    return float(x.item()) if isinstance(x, torch.Tensor) else float(x)


def _into(op: str, tensors: list, *args, in_place: bool) -> list:
    """``torch._foreach_<op>(tensors, *args)``: written into ``tensors`` (and returned)
    where ``in_place``, else new tensors."""
    if in_place:
        getattr(torch, f"_foreach_{op}_")(tensors, *args)
        return tensors
    return getattr(torch, f"_foreach_{op}")(tensors, *args)


def _decayed(params: list, lr, weight_decay, in_place: bool) -> list:
    """Keras's decoupled weight decay, ``p - p * weight_decay * lr``."""
    if not weight_decay:
        return params
    decay = torch._foreach_mul(params, weight_decay)
    torch._foreach_mul_(decay, _scalar(lr))
    return _into("sub", params, decay, in_place=in_place)


def sgd(grads: list, params: list, slots: list, lr, t, weight_decay=None, *,
        momentum: float, nesterov: bool, in_place: bool = False) -> tuple[list, list]:
    """SGD with (Nesterov) momentum: ``m = m * momentum - g * lr``, ``p + m`` (Nesterov:
    ``p + m * momentum - g * lr``). Returns the new parameters and slot tuples."""
    params = _decayed(params, lr, weight_decay, in_place)
    step = -_scalar(lr)
    if momentum == 0:
        if in_place:
            torch._foreach_add_(params, grads, alpha=step)
            return params, slots
        return torch._foreach_add(params, grads, alpha=step), slots
    m = _into("mul", [s[0] for s in slots], momentum, in_place=in_place)
    torch._foreach_add_(m, grads, alpha=step)
    if nesterov:
        update = torch._foreach_mul(m, momentum)
        torch._foreach_add_(update, grads, alpha=step)
    else:
        update = m
    return _into("add", params, update, in_place=in_place), [(x,) for x in m]


def adam(grads: list, params: list, slots: list, lr, t, weight_decay=None, *,
         beta_1: float, beta_2: float, epsilon: float, amsgrad: bool,
         in_place: bool = False) -> tuple[list, list]:
    """Adam (AdamW with ``weight_decay``), as Keras writes it:
    ``m += (g - m) * (1 - beta_1)``, ``v += (g * g - v) * (1 - beta_2)`` and
    ``p -= m * alpha / (sqrt(v) + epsilon)`` with
    ``alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)``, computed in the variables'
    dtype. Returns the new parameters and slot tuples ``(m, v)`` (``(m, v, v_hat)`` with
    ``amsgrad``)."""
    decayed = _decayed(params, lr, weight_decay, in_place)
    cpu = params[0].device.type == "cpu"
    if cpu and not amsgrad and _FUSED_ADAM and _fusable(grads, decayed, slots, beta_1, beta_2):
        # (the decayed parameters are new tensors already, where decay made them)
        return _adam_fused(grads, decayed, slots, lr, t, beta_1, beta_2, epsilon, in_place,
                           own_params=in_place or decayed is not params)
    params = decayed
    t = torch.as_tensor(t, dtype=params[0].dtype)
    alpha = _scalar(lr * torch.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t))
    if cpu and not amsgrad:
        return _adam_per_tensor(grads, params, slots, alpha, beta_1, beta_2, epsilon,
                                in_place)
    m = _into("lerp", [s[0] for s in slots], grads, 1 - beta_1, in_place=in_place)
    v = _into("mul", [s[1] for s in slots], beta_2, in_place=in_place)
    torch._foreach_addcmul_(v, grads, grads, 1 - beta_2)
    if amsgrad:
        v_hat = _into("maximum", [s[2] for s in slots], v, in_place=in_place)
        denominator = torch._foreach_sqrt(v_hat)
        new_slots = list(zip(m, v, v_hat))
    else:
        denominator = torch._foreach_sqrt(v)
        new_slots = list(zip(m, v))
    torch._foreach_add_(denominator, epsilon)
    return _into("addcdiv", params, m, denominator, -alpha, in_place=in_place), new_slots


#: torch.optim.Adam(fused=True)'s kernel (on CPU since torch 2.4)
_FUSED_ADAM = hasattr(torch, "_fused_adam_")


def _fusable(grads: list, params: list, slots: list, beta_1: float, beta_2: float) -> bool:
    """Whether :func:`_adam_fused` can take these arrays: contiguous (the fused kernel
    writes through the storage it is given) and ``0 <= beta < 1`` (so that the bias
    corrections it divides by are not 0; Keras's rule then runs as it is written)."""
    if not (0 <= beta_1 < 1 and 0 <= beta_2 < 1):
        return False
    for x in (*grads, *params):  # (loops: this runs at every update)
        if not x.is_contiguous():
            return False
    for m, v in slots:
        if not (m.is_contiguous() and v.is_contiguous()):
            return False
    return True


def _adam_fused(grads: list, params: list, slots: list, lr, t, beta_1: float, beta_2: float,
                epsilon: float, in_place: bool, own_params: bool) -> tuple[list, list]:
    """:func:`adam` in one pass over each variable: ``torch._fused_adam_``, the kernel of
    ``torch.optim.Adam(fused=True)`` (vectorised and threaded on CPU), where the separate
    kernels make six passes and three or four temporaries per variable. The pure form
    writes into copies of the parameters and slots (the same kernel, so the same bits as
    the in-place form); ``own_params``: the parameters are the caller's to write (given
    up, or new already).

    torch's kernel computes ``p -= lr / c1 * m / (sqrt(v) / sqrt(c2) + eps')`` (the bias
    corrections ``c = 1 - beta ** t`` in float64); with ``eps' = epsilon / sqrt(c2)`` that
    is Keras's ``p -= m * alpha / (sqrt(v) + epsilon)``, ``alpha = lr * sqrt(c2) / c1``, up
    to rounding (the moments ``m`` and ``v`` come out with the same bits)."""
    step = _scalar(t)
    if not own_params:
        params = [p.clone() for p in params]
    m = [s[0] if in_place else s[0].clone() for s in slots]
    v = [s[1] if in_place else s[1].clone() for s in slots]
    if not isinstance(t, torch.Tensor) or t.ndim or t.device.type != "cpu":
        t = torch.tensor(step, dtype=torch.float64)
    torch._fused_adam_(params, grads, m, v, [], [t] * len(params), lr=_scalar(lr),
                       beta1=beta_1, beta2=beta_2, weight_decay=0.0,
                       eps=epsilon / math.sqrt(1 - beta_2 ** step), amsgrad=False,
                       maximize=False)
    return params, list(zip(m, v))


def _adam_per_tensor(grads: list, params: list, slots: list, alpha: float, beta_1: float,
                     beta_2: float, epsilon: float, in_place: bool) -> tuple[list, list]:
    """:func:`adam`'s arithmetic (the same kernels, so the same bits) one variable at a
    time, as torch.optim does on CPU, where ``_foreach_*`` kernels are a loop over the
    tensors anyway: each variable's update stays in cache, and the denominators are made
    one variable at a time (reused by the allocator) instead of all at once (fresh pages
    for the whole model at every step: Adam ran 1.3x to 1.8x slower on ResNet50 and BERT)."""
    new_params, new_slots = [], []
    for g, p, (m, v) in zip(grads, params, slots):
        if in_place:
            m.lerp_(g, 1 - beta_1)
            v.mul_(beta_2)
        else:
            m = torch.lerp(m, g, 1 - beta_1)
            v = torch.mul(v, beta_2)
        v.addcmul_(g, g, value=1 - beta_2)
        denominator = torch.sqrt(v).add_(epsilon)
        # the pure form writes the new parameter over its denominator, the one temporary
        # (the same kernel, so the same bits): three new tensors a variable, not four
        p = p.addcdiv_(m, denominator, value=-alpha) if in_place else \
            torch.addcdiv(p, m, denominator, value=-alpha, out=denominator)
        new_params.append(p)
        new_slots.append((m, v))
    return new_params, new_slots
