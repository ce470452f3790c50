"""``torch.utils.data.DataLoader``: every pass iterates the loader afresh (its own
workers and sampler as configured); each batch's tensors become NumPy arrays on the host.
The default collate function turns ``(x, y)`` samples into a list ``[x, y]``, which counts
as the tuple ``(x, y)`` (Keras's rule)."""

from __future__ import annotations

import sys

from ._utils import DataAdapter, host_leaf, standardize_batch


def is_torch_dataloader(x) -> bool:
    """Whether ``x`` is a ``torch.utils.data.DataLoader``, found without importing torch."""
    if "torch" not in sys.modules:
        return False
    return any(c.__name__ == "DataLoader" and c.__module__.startswith("torch.utils.data")
               for c in type(x).__mro__)


class TorchDataLoaderAdapter(DataAdapter):
    """Batches from a ``torch.utils.data.DataLoader``, as NumPy."""

    kind = "a torch DataLoader"

    def __init__(self, loader, *, class_weight=None, caller="fit"):
        self.caller = caller
        self._loader = loader
        self._class_weight = class_weight
        try:
            self._num_batches = len(loader)
        except TypeError:  # an IterableDataset without __len__
            self._num_batches = None
        if self._num_batches == 0:
            raise ValueError(f"{caller}: x (a torch DataLoader) holds no batch; give at "
                             "least one")

    @property
    def num_batches(self) -> int | None:
        return self._num_batches

    @property
    def batch_size(self) -> int | None:
        return self._loader.batch_size

    def get_iterator(self):
        return self._batches()

    def _batches(self):
        for batch in self._loader:
            yield standardize_batch(batch, caller=self.caller, kind=self.kind,
                                    convert=host_leaf, class_weight=self._class_weight)
