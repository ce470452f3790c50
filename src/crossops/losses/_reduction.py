"""Sample weighting and reduction of per-example loss values, as Keras 3's losses do."""

from __future__ import annotations

import math

import crossops.numpy as xnp
from crossops import core

from .._dtypes import dtype_name
from ._functions import as_array_like, squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def check_reduction(reduction, owner="Loss"):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{owner}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def reduce_weighted(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Weight ``values`` by ``sample_weight`` (and a boolean ``mask``), then reduce.

    ``"sum_over_batch_size"`` and ``"mean"`` divide the weighted sum by the number of
    values (by the number of unmasked values when there is a mask);
    ``"mean_with_sample_weight"`` by the sum of the weights; ``"sum"`` sums; ``"none"``
    returns the weighted values.

    Examples
    --------
    >>> import numpy as np
    >>> float(reduce_weighted(np.array([1.0, 3.0]), np.array([1.0, 0.0])))
    0.5
    """
    # half precision is weighted and summed in float32 (64 losses of 2e4 overflow float16)
    # and the result rounded once to the values' dtype, as Keras does
    dtype = dtype_name(values.dtype)
    if dtype in ("float16", "bfloat16"):
        out = reduce_weighted(xnp.astype(values, "float32"), sample_weight, mask, reduction)
        return xnp.astype(out, dtype)
    if mask is not None:
        mask = as_array_like(mask, values, op="reduce_weighted", names=("mask", "values"))
        if reduction in ("mean", "sum_over_batch_size"):
            valid = xnp.sum(mask)
            total = _count(mask, "float32")
            scale = xnp.where(valid > 0, total / xnp.where(valid > 0, valid, 1.0), 0.0)
            mask = mask * scale
        if sample_weight is None:
            sample_weight = mask
        else:
            sample_weight = as_array_like(sample_weight, values, op="reduce_weighted",
                                          names=("sample_weight", "values"))
            mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
            sample_weight = sample_weight * mask
    if sample_weight is not None:
        sample_weight = as_array_like(sample_weight, values, op="reduce_weighted",
                                      names=("sample_weight", "values"))
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or values.ndim == 0 or values.shape == (0,):
        return values
    total = xnp.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = xnp.sum(sample_weight)
        return xnp.where(divisor != 0, total / xnp.where(divisor != 0, divisor, 1.0), 0.0)
    n = _count(values, total.dtype)
    if not isinstance(n, int):  # known when the graph runs (an empty batch sums to 0)
        return total / xnp.maximum(n, 1)
    return total / n if n else total * 0


def _count(x, dtype):
    """The number of elements of ``x``: an int, or, where a size is unknown until the
    graph runs (TensorFlow's step traced once, with a None batch axis), a scalar array of
    ``dtype``."""
    dims = tuple(x.shape)
    if None not in dims:
        return math.prod(dims)
    return xnp.astype(math.prod(core.shape(x)), dtype)
