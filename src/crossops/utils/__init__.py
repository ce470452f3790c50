"""Utilities for feeding models: :class:`PyDataset`, a dataset written in Python batch
by batch, that ``fit`` / ``evaluate`` / ``predict`` read with parallel workers (Keras's
``keras.utils.PyDataset``; ``Sequence`` is its older name)."""

from ._py_dataset import PyDataset, Sequence

__all__ = ["PyDataset", "Sequence"]
