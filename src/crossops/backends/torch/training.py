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
