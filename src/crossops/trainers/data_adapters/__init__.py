"""The data under ``fit`` / ``evaluate`` / ``predict``, seen as passes of batches.

:func:`get_data_adapter` picks the adapter for the kind of ``x``:

========================================  ==================================================
``x``                                     adapter
========================================  ==================================================
arrays in memory (NumPy, jax, torch,      :class:`ArrayDataAdapter`: slices batches of
tensorflow, pandas; or a dict / list /    ``batch_size`` with the arrays' own backend,
tuple of them)                            shuffled per pass when asked
``tf.data.Dataset``                       :class:`TFDatasetAdapter` (batches as NumPy)
``torch.utils.data.DataLoader``           :class:`TorchDataLoaderAdapter` (batches as NumPy)
:class:`crossops.utils.PyDataset`         :class:`PyDatasetAdapter` (worker pools)
a generator, an iterator, or another      :class:`GeneratorDataAdapter`
iterable of batches (e.g. a list of
``(x, y)`` tuples)
========================================  ==================================================

Every adapter yields batches ``(x, y, sample_weight)`` (y, sample_weight may be None).
No framework is imported here: an input is recognised by its type's module, and its
framework is used only once such an input is seen.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._arrays import ArrayDataAdapter, is_array_input, train_validation_split
from ._generator import GeneratorDataAdapter, is_iterable_input
from ._py_dataset import PyDatasetAdapter
from ._tf_dataset import TFDatasetAdapter, is_tf_dataset
from ._torch_dataloader import TorchDataLoaderAdapter, is_torch_dataloader
from ._utils import (
    ACCEPTED,
    DataAdapter,
    check_class_weight,
    check_positive_int,
    class_weight_to_sample_weight,
    steps_name,
    unpack_x_y_sample_weight,
)

__all__ = [
    "ArrayDataAdapter", "DataAdapter", "GeneratorDataAdapter", "PyDatasetAdapter",
    "TFDatasetAdapter", "TorchDataLoaderAdapter", "class_weight_to_sample_weight",
    "get_data_adapter", "is_array_input", "train_validation_split",
    "unpack_x_y_sample_weight",
]


def get_data_adapter(x, y=None, sample_weight=None, *, batch_size=None, steps_per_epoch=None,
                     shuffle=False, class_weight=None, caller="fit", seed=None) -> DataAdapter:
    """The adapter that turns ``x`` (with ``y``, ``sample_weight``) into passes of batches.

    Parameters
    ----------
    x, y, sample_weight
        The data, as ``fit`` takes them. ``y`` and ``sample_weight`` go with arrays only;
        datasets, generators and PyDatasets carry them in their batches.
    batch_size : int, optional
        For arrays (default 32, or ``ceil(n / steps_per_epoch)`` when that is given, as
        Keras). A ValueError with any other kind of input, whose batches are made already.
    steps_per_epoch : int, optional
        Batches per epoch (the epoch iterator uses it); needed for an infinite dataset.
    shuffle : bool or "batch"
        Arrays: ``True`` permutes the examples every pass, ``"batch"`` shuffles within
        each batch (Keras's option for data that reads fastest in order). Ignored for a
        PyDataset (whose ``on_epoch_end`` can reshuffle), and ignored with a warning for a
        tf.data.Dataset, a DataLoader and a generator (Keras).
    class_weight : dict, optional
        ``{class index: weight}``, made into per-example sample weights from ``y`` on the
        host, batch by batch for streams (every kind of input).
    caller : str
        ``"fit"``, ``"evaluate"`` or ``"predict"``: errors name it.
    seed : int, optional
        Seeds the shuffling (a crossops extension); default: fresh entropy.

    Raises
    ------
    TypeError
        For an ``x`` of no accepted kind.
    ValueError
        For data or arguments that do not fit (messages name the caller and argument).
    """
    if isinstance(x, DataAdapter):
        return x
    check_positive_int(batch_size, "batch_size", caller)
    check_positive_int(steps_per_epoch, steps_name(caller), caller)
    if isinstance(shuffle, str) and shuffle == "batch":
        pass
    elif isinstance(shuffle, (bool, int, np.bool_, np.integer)) and shuffle in (0, 1):
        shuffle = bool(shuffle)
    else:
        raise ValueError(f"{caller}: shuffle must be True, False or 'batch', got {shuffle!r}")
    class_weight = check_class_weight(class_weight, caller)

    from ...utils import PyDataset
    if isinstance(x, PyDataset):
        _no_stream_args("a PyDataset", y, sample_weight, batch_size, caller)
        if x.num_batches is None and steps_per_epoch is None:
            raise ValueError(f"{caller}: x is an infinite PyDataset (num_batches is None); "
                             f"give {steps_name(caller)} to say how many batches make an "
                             "epoch")
        if x.num_batches is None and shuffle:
            _ignored_shuffle("an infinite PyDataset", shuffle, "")
        # a finite PyDataset's batch order is shuffled when asked, as in Keras 3
        return PyDatasetAdapter(x, class_weight=class_weight, caller=caller,
                                shuffle=bool(shuffle) and x.num_batches is not None,
                                seed=seed)
    if is_tf_dataset(x):
        _no_stream_args("a tf.data.Dataset", y, sample_weight, batch_size, caller)
        _ignored_shuffle("a tf.data.Dataset", shuffle, "(e.g. with .shuffle(buffer_size))")
        return TFDatasetAdapter(x, class_weight=class_weight, steps=steps_per_epoch,
                                caller=caller)
    if is_torch_dataloader(x):
        _no_stream_args("a torch DataLoader", y, sample_weight, batch_size, caller)
        _ignored_shuffle("a torch DataLoader", shuffle, "(e.g. with shuffle=True there)")
        return TorchDataLoaderAdapter(x, class_weight=class_weight, caller=caller)
    if is_array_input(x, y, sample_weight):
        return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size,
                                steps=steps_per_epoch, shuffle=shuffle,
                                class_weight=class_weight, seed=seed, caller=caller)
    if is_iterable_input(x) and y is None and sample_weight is None and batch_size is None:
        _ignored_shuffle("a generator or iterable", shuffle, "")
        return GeneratorDataAdapter(x, class_weight=class_weight, caller=caller)
    if is_iterable_input(x):
        _no_stream_args("a generator or iterable of batches", y, sample_weight, batch_size,
                        caller)
    if isinstance(x, (dict, list, tuple)) or y is not None or sample_weight is not None:
        # arrays with a leaf that is not one: name it
        ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, caller=caller)
    raise TypeError(f"{caller}: x of type {type(x).__module__}.{type(x).__qualname__} is not "
                    f"supported; give {ACCEPTED}")


def _no_stream_args(kind, y, sample_weight, batch_size, caller):
    for name, value, what in (("y", y, "the targets"),
                              ("sample_weight", sample_weight, "the sample weights")):
        if value is not None:
            raise ValueError(f"{caller}: {name} must not be given when x is {kind}; "
                             f"{what} belong in its batches, as (x, y) or "
                             "(x, y, sample_weight)")
    if batch_size is not None:
        raise ValueError(f"{caller}: batch_size must not be given when x is {kind}, whose "
                         f"batches are made already (got batch_size={batch_size}); batch "
                         "the data there instead")


def _ignored_shuffle(kind, shuffle, how):
    if shuffle:
        warnings.warn(f"shuffle={shuffle!r} is ignored since x is {kind}, which is expected "
                      f"to yield shuffled data already {how}".rstrip() + ".", stacklevel=3)
