"""Keras-like loss classes: thin shells that hold a loss function's arguments, then weight
and reduce its per-example values (``loss(y_true, y_pred, sample_weight=None)``)."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import core

from .._accel import CalledAsIs
from .._names import snake_case
from . import _functions as F
from ._reduction import check_reduction, reduce_weighted


class Loss(CalledAsIs):
    """Base class: ``call(y_true, y_pred)`` gives per-example values; ``__call__`` weights
    and reduces them.

    Parameters
    ----------
    name : str, optional
    reduction : str
        ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
        ``"mean_with_sample_weight"`` or ``"none"``.
    dtype : str, optional
        Compute dtype; by default the predictions' floating dtype.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = check_reduction(reduction, type(self).__name__)
        self.dtype = dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        op = F.label(self)
        F.check_one_backend(op, y_true=y_true, y_pred=y_pred, sample_weight=sample_weight)
        y_pred = F.float_pred(y_pred)
        if self.dtype is not None:
            y_pred = F.as_array_like(y_pred, y_pred, self.dtype, op=op)
        values, mask = self._values_and_mask(y_true, y_pred)
        return reduce_weighted(values, sample_weight, mask, self.reduction)

    def _values_and_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)




class LossFunctionWrapper(Loss):
    """A loss class around a per-example function and its keyword arguments."""

    fn = None

    def __init__(self, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true = F.as_array_like(y_true, y_pred, getattr(y_true, "dtype", None),
                                 op=F.label(self))
        y_true, y_pred = F.squeeze_or_expand_to_same_rank(y_true, y_pred)
        return type(self).fn(y_true, y_pred, **self.kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.kwargs}


def _wrapper(class_name, fn, doc, **defaults):
    def __init__(self, *args, reduction="sum_over_batch_size", name=None, dtype=None,
                 **kwargs):
        params = dict(defaults)
        unknown = set(kwargs) - set(params)
        if unknown:
            raise TypeError(f"{class_name}: unknown arguments {sorted(unknown)}; it takes "
                            f"{sorted(params)}")
        for k, v in zip(params, args):
            params[k] = v
        params.update(kwargs)
        LossFunctionWrapper.__init__(self, reduction=reduction, name=name, dtype=dtype,
                                     **params)
    return type(class_name, (LossFunctionWrapper,),
                {"fn": staticmethod(fn), "__init__": __init__, "__doc__": doc})


MeanSquaredError = _wrapper("MeanSquaredError", F.mean_squared_error,
                            "Mean of squared errors over the last axis.")
MeanAbsoluteError = _wrapper("MeanAbsoluteError", F.mean_absolute_error,
                             "Mean of absolute errors over the last axis.")
Huber = _wrapper("Huber", F.huber, "Huber loss (``delta=1.0``).", delta=1.0)
LogCosh = _wrapper("LogCosh", F.log_cosh, "Mean of log(cosh(error)).")
Hinge = _wrapper("Hinge", F.hinge, "Hinge loss; {0, 1} labels are mapped to {-1, 1}.")
KLDivergence = _wrapper("KLDivergence", F.kl_divergence, "Kullback-Leibler divergence.")
BinaryCrossentropy = _wrapper(
    "BinaryCrossentropy", F.binary_crossentropy, "Binary crossentropy.",
    from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalCrossentropy = _wrapper(
    "CategoricalCrossentropy", F.categorical_crossentropy,
    "Crossentropy with one-hot labels.", from_logits=False, label_smoothing=0.0, axis=-1)
CategoricalFocalCrossentropy = _wrapper(
    "CategoricalFocalCrossentropy", F.categorical_focal_crossentropy,
    "Focal crossentropy with one-hot labels.", alpha=0.25, gamma=2.0, from_logits=False,
    label_smoothing=0.0, axis=-1)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy with integer labels; entries labelled ``ignore_class`` are masked out
    of the reduction.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SparseCategoricalCrossentropy(from_logits=True)
    >>> round(float(loss(np.array([0, 1]), np.zeros((2, 2)))), 4)
    0.6931
    """

    fn = staticmethod(F.sparse_categorical_crossentropy)

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name=None, dtype=None, axis=-1):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def call(self, y_true, y_pred):
        y_true = F.as_array_like(y_true, y_pred, getattr(y_true, "dtype", "int32"),
                                 op=F.label(self))
        return F.sparse_categorical_crossentropy(y_true, y_pred, **self.kwargs)

    def _values_and_mask(self, y_true, y_pred):
        values = self.call(y_true, y_pred)
        ignore = self.kwargs["ignore_class"]
        if ignore is None:
            return values, None
        y_true = F.as_array_like(y_true, y_pred, getattr(y_true, "dtype", "int32"),
                                 op=F.label(self))
        return values, F.as_array_like(xnp.reshape(y_true != ignore, core.shape(values)), values,
                                       op=F.label(self))
