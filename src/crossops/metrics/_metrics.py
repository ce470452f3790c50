"""Keras-like metrics over pure update/result functions.

A metric's state is a list of arrays. ``stateless_update_state``, ``stateless_result``
and ``stateless_reset_state`` are pure, usable under ``jax.jit`` / ``tf.function`` /
``crossops.jit``; ``update_state`` / ``result`` / ``reset_state`` keep the state in the
object's ``variables`` (crossops Variables, there from construction, on
the backend of the data the metric last saw: ``tf.Variable`` s on tensorflow, so that
``update_state`` works inside ``tf.function``), as Keras does.
"""

from __future__ import annotations

import functools
import inspect

import crossops
import crossops.numpy as xnp
from crossops import core

from .._accel import CalledAsIs
from .._backend import backend_of_values
from .._dispatch import call_on
from .._names import snake_case
from .._variable import Variable
from ..losses import _functions as L
from ..losses._functions import as_array_like, label, squeeze_or_expand_to_same_rank
from . import _functions as F


@functools.cache
def _update_names(cls: type) -> tuple:
    """The names of the positional data arguments of ``cls.update`` (after ``variables``)."""
    params = list(inspect.signature(cls.update).parameters.values())[2:]
    return tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD)


def _argument_names(cls: type, n: int, keywords) -> tuple:
    """The names of ``n`` positional data arguments and ``keywords`` of ``cls.update``
    (``args[i]`` past its named ones)."""
    names = _update_names(cls)
    return (*names[:n], *(f"args[{i}]" for i in range(len(names), n)), *keywords)


class Metric(CalledAsIs):
    """Base class. Subclasses give ``initial()`` (a tuple of Python numbers or (shape,
    value) pairs), ``update(variables, *args, sample_weight=None)`` and
    ``compute(variables)``, all pure.

    Examples
    --------
    >>> import numpy as np
    >>> m = Mean()
    >>> m.update_state(np.array([1.0, 3.0]))
    >>> float(m.result())
    2.0
    """

    #: the names of the state's variables, Keras's (``total``, ``count`` ...); a metric
    #: without names calls them ``state_0``, ``state_1`` ...
    state_names: tuple = ()

    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = dtype or "float32"
        self._backend = crossops.get_backend()
        self._variables = None

    # -- pure core ----------------------------------------------------------------------
    def initial(self) -> tuple:
        raise NotImplementedError

    def update(self, variables, *args, sample_weight=None):
        raise NotImplementedError

    def compute(self, variables):
        raise NotImplementedError

    def _fresh(self, backend):
        return tuple(call_on(backend, "full", v[0], v[1], dtype=self.dtype) if isinstance(v, tuple)
                     else call_on(backend, "asarray", v, dtype=self.dtype) for v in self.initial())

    # -- the stateless API (Keras's names and signatures) -------------------------------
    def _data_backend(self, method: str, args, kwargs) -> str:
        """The backend of an update's data (crossops's one rule, NumPy arrays being host
        data), else the default backend; arrays of two backends raise TypeError naming the
        metric, ``method`` and the two arguments."""
        values = (*args, *kwargs.values())
        try:
            return backend_of_values(values)
        except TypeError:  # the names worked out only for the error (never traced)
            return backend_of_values(values, f"{label(self)}.{method}",
                                     _argument_names(type(self), len(args), kwargs))

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """New metric variables after one update; ``metric_variables`` is not changed."""
        self._data_backend("stateless_update_state", args, kwargs)
        variables = tuple(metric_variables)
        if len(variables) != len(self.initial()):
            raise ValueError(f"{self.name}.stateless_update_state: expected "
                             f"{len(self.initial())} metric variables, got {len(variables)}")
        return list(self.update(variables, *args, **kwargs))

    def stateless_result(self, metric_variables):
        return self.compute(tuple(metric_variables))

    def stateless_reset_state(self):
        """Initial metric variables, on the default backend."""
        return list(self._fresh(crossops.get_backend()))

    # -- the stateful API ---------------------------------------------------------------
    @property
    def variables(self) -> list[Variable]:
        """The state, as Variables (made on first use, on the default backend)."""
        if self._variables is None:
            names = self.state_names
            self._variables = [
                Variable(x, trainable=False,
                         name=f"{self.name}/{names[i] if i < len(names) else f'state_{i}'}")
                for i, x in enumerate(self._fresh(self._backend))]
        return self._variables

    def _on_backend(self, backend):
        """Move the state to ``backend`` (the metric met another backend's data)."""
        if backend != self._backend:
            values = [v.numpy() for v in self.variables] if self._variables else None
            self._backend, self._variables = backend, None
            if values is not None:
                for v, x in zip(self.variables, values):
                    v.assign(call_on(backend, "asarray", x))

    def update_state(self, *args, **kwargs):
        self._on_backend(self._data_backend("update_state", args, kwargs))
        new = self.stateless_update_state([v.value for v in self.variables], *args, **kwargs)
        for v, x in zip(self.variables, new):
            v.assign(x)

    def result(self):
        return self.stateless_result([v.value for v in self.variables])

    def reset_state(self, backend=None):
        """Back to the initial state (moved to ``backend`` first, if given)."""
        if backend is not None:
            self._on_backend(backend)
        for v, x in zip(self.variables, self._fresh(self._backend)):
            v.assign(x)

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)




def samplewise(values, sample_weight, reduce, dtype, op):
    """Keras's reduction of values (and weights) to one value per example; ``op`` names
    the metric in errors."""
    values = xnp.astype(values, dtype, copy=False)
    if sample_weight is not None:
        sample_weight = as_array_like(sample_weight, values, op=op,
                                      names=("sample_weight", "values"))
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        if values.ndim > sample_weight.ndim:
            values = reduce(values, axis=tuple(range(sample_weight.ndim, values.ndim)))
        sample_weight = xnp.broadcast_to(sample_weight, core.shape(values))
        values = values * sample_weight
        if sample_weight.ndim > 1:
            sample_weight = reduce(sample_weight, axis=tuple(range(1, sample_weight.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The weighted sum of the values."""

    state_names = ("total",)

    def initial(self):
        return (0.0,)

    def update(self, variables, values, sample_weight=None):
        op = f"{label(self)}.update"
        values = as_array_like(values, variables[0], op=op, names=("values", "total"))
        values, _ = samplewise(values, sample_weight, xnp.sum, self.dtype, op)
        return (variables[0] + xnp.sum(values),)

    def compute(self, variables):
        return variables[0]


class Mean(Metric):
    """The weighted mean of the values."""

    state_names = ("total", "count")

    def initial(self):
        return (0.0, 0.0)

    def update(self, variables, values, sample_weight=None):
        total, count = variables
        op = f"{label(self)}.update"
        values = as_array_like(values, total, op=op, names=("values", "total"))
        values, sample_weight = samplewise(values, sample_weight, xnp.mean, self.dtype, op)
        if sample_weight is not None:
            n = xnp.sum(sample_weight)
        elif values.ndim == 0:
            n = 1
        else:  # (a tensor where the batch size is known when the graph runs)
            n = values.shape[0]
            if n is None:
                n = xnp.astype(core.shape(values)[0], count.dtype)
        return total + xnp.sum(values), count + n

    def compute(self, variables):
        total, count = variables
        return xnp.where(count != 0, total / xnp.where(count != 0, count, 1.0), 0.0)

    def add_weighted(self, value, weight: float) -> None:
        """``update_state(value, sample_weight=weight)`` for a 0-d array ``value`` of the
        state's backend and a Python number ``weight``, in three operations (a training
        step's loss weighted by its batch size): the same arithmetic and result as the
        general update, without its checks."""
        total, count = self.variables
        value = xnp.astype(value, self.dtype, copy=False)
        total.assign(total.value + value * weight)
        count.assign(count.value + weight)


class MeanMetricWrapper(Mean):
    """The mean of a per-example function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self.fn = fn
        self.kwargs = kwargs

    def update(self, variables, y_true, y_pred, sample_weight=None):
        return super().update(variables, self.fn(y_true, y_pred, **self.kwargs),
                              sample_weight=sample_weight)

    def get_config(self):
        return {**super().get_config(), **self.kwargs}


def _wrapped(class_name, fn, default_name, **defaults):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{class_name}: unknown arguments {sorted(unknown)}")
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **{**defaults, **kwargs})

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self.kwargs}
    return type(class_name, (MeanMetricWrapper,), {
        "__init__": __init__, "get_config": get_config,
        "__doc__": f"The mean of ``{fn.__name__}`` over examples."})


Accuracy = _wrapped("Accuracy", F.accuracy, "accuracy")
BinaryAccuracy = _wrapped("BinaryAccuracy", F.binary_accuracy, "binary_accuracy", threshold=0.5)
CategoricalAccuracy = _wrapped("CategoricalAccuracy", F.categorical_accuracy,
                               "categorical_accuracy")
SparseCategoricalAccuracy = _wrapped("SparseCategoricalAccuracy", F.sparse_categorical_accuracy,
                                     "sparse_categorical_accuracy")
TopKCategoricalAccuracy = _wrapped("TopKCategoricalAccuracy", F.top_k_categorical_accuracy,
                                   "top_k_categorical_accuracy", k=5)
MeanSquaredError = _wrapped("MeanSquaredError", L.mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _wrapped("MeanAbsoluteError", L.mean_absolute_error, "mean_absolute_error")
