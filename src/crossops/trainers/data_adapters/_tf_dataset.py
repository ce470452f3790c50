"""``tf.data.Dataset``: every pass iterates the dataset afresh (eagerly); each batch's
tensors become NumPy arrays on the host."""

from __future__ import annotations

import sys

from ._utils import DataAdapter, host_leaf, standardize_batch, steps_name


def is_tf_dataset(x) -> bool:
    """Whether ``x`` is a ``tf.data.Dataset``, found without importing TensorFlow."""
    if "tensorflow" not in sys.modules:
        return False
    return any(c.__name__ in ("DatasetV2", "DatasetV1") and
               c.__module__.startswith("tensorflow.python.data")
               for c in type(x).__mro__)


class TFDatasetAdapter(DataAdapter):
    """Batches from a ``tf.data.Dataset`` (batched already), as NumPy."""

    kind = "a tf.data.Dataset"

    def __init__(self, dataset, *, class_weight=None, steps=None, caller="fit"):
        self.caller = caller
        self._dataset = dataset
        self._class_weight = class_weight
        cardinality = int(dataset.cardinality())
        tf = sys.modules["tensorflow"]
        if cardinality == int(tf.data.INFINITE_CARDINALITY) and steps is None:
            raise ValueError(f"{caller}: x is an infinitely repeating tf.data.Dataset; give "
                             f"{steps_name(caller)} to say how many batches make an epoch")
        if cardinality == 0:
            raise ValueError(f"{caller}: x (a tf.data.Dataset) holds no batch; give at "
                             "least one")
        self._num_batches = cardinality if cardinality > 0 else None
        self._batch_size = None
        leaves = tf.nest.flatten(dataset.element_spec)
        shape = getattr(leaves[0], "shape", None) if leaves else None
        if shape is not None and shape.rank:
            self._batch_size = shape[0]

    @property
    def num_batches(self) -> int | None:
        return self._num_batches

    @property
    def batch_size(self) -> int | None:
        return self._batch_size

    def get_iterator(self):
        return self._batches()

    def _batches(self):
        for batch in self._dataset:
            yield standardize_batch(batch, caller=self.caller, kind=self.kind,
                                    convert=host_leaf, class_weight=self._class_weight)
