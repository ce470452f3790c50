"""What ``fit`` / ``evaluate`` / ``predict`` and the in-memory data adapters do on PyTorch
(found by name, chapter ``training``, by ``crossops.trainers``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import torch


def inference_scope():
    """The context a stateful (eager) ``predict_step`` runs in: ``torch.no_grad()``, so
    that predictions record no graph."""
    return torch.no_grad()


def take_rows(leaf, index):
    """Rows ``index`` (a NumPy int array) of the torch tensor ``leaf``, on its device."""
    return leaf.index_select(0, torch.from_numpy(index).to(leaf.device))


def eager_value_and_grad(fun, params: list):
    """``((value, aux), grads)`` of ``fun(params)`` (``params`` a flat list of float
    tensors, ``fun`` returning ``(scalar, aux)``), as
    ``crossops.value_and_grad(fun, has_aux=True)(params)`` gives them, by torch's autograd
    directly: what a default training step differentiates with eagerly, without the
    transform's per-call work (finding the backend of its arguments, checking and
    converting them; a training step's arrays are the model's own). None where the
    transform must run instead: under torch.compile or a torch.func transform, inside
    another value_and_grad, or for a parameter that is not floating point or already
    requires a gradient."""
    from .transforms import _by_autograd, _outermost
    if not _outermost() or not all(p.is_floating_point() for p in params):
        return None
    return _by_autograd(fun, 0, True, (params,), {})
