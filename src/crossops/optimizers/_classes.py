"""Keras-like optimizer classes: thin stateful shells over the ``(init, update)`` pairs,
with Keras's ``apply`` / ``apply_gradients`` and the pure ``stateless_apply``."""

from __future__ import annotations

import inspect

from .._accel import CalledAsIs
from .._variable import Variable
from . import _builders
from ._functional import OptimizerState, state_from_leaves, state_leaves, state_skeleton


class Optimizer(CalledAsIs):
    """A functional optimizer with its state kept as ``variables`` (a flat list of
    :class:`crossops.layers.Variable`, built from the trainable variables on first use).

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.layers import Variable
    >>> w = Variable(np.ones(2, np.float32))
    >>> opt = SGD(learning_rate=0.5)
    >>> opt.apply([np.ones(2, np.float32)], [w])
    >>> w.numpy().tolist()
    [0.5, 0.5]
    """

    _builder = None

    def __init__(self, *args, **kwargs):
        names = [n for n in inspect.signature(type(self)._builder).parameters
                 if n != "kwargs"]
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}: at most {len(names)} positional "
                            f"arguments ({', '.join(names)}), got {len(args)}")
        kwargs.update(zip(names, args))
        self.name = kwargs.pop("name", None) or type(self).__name__.lower()
        self.config = kwargs
        self.pair = type(self)._builder(**kwargs)
        self.variables = None
        self._layout = None
        self.version = 0

    @property
    def learning_rate(self):
        return self.config.get("learning_rate", _default(type(self)._builder, "learning_rate"))

    @learning_rate.setter
    def learning_rate(self, value):
        """A new rate rebuilds the update rule (the state keeps its layout); a compiled
        training step built on the old rule is traced again (``version`` changes)."""
        self.config["learning_rate"] = value
        self.pair = type(self)._builder(**self.config)
        self.version += 1

    def build(self, trainable_variables):
        values = [v.value if hasattr(v, "value") else v for v in trainable_variables]
        state = self.pair.init(values)
        leaves = state_leaves(state)
        self._layout = state_skeleton(state)
        self.variables = [Variable(x, trainable=False, name=f"{self.name}/state_{i}")
                          for i, x in enumerate(leaves)]

    @property
    def iterations(self):
        return self._state([v.value for v in self.variables]).iterations

    def _state(self, leaves) -> OptimizerState:
        return state_from_leaves(leaves, self._layout)

    def _check_state(self, optimizer_variables):
        """That the optimizer is built, with as many variables as given."""
        if self.variables is None:
            raise ValueError(f"{self.name}.stateless_apply: build the optimizer first "
                             "(optimizer.build(trainable_variables))")
        if len(optimizer_variables) != len(self.variables):
            raise ValueError(f"{self.name}.stateless_apply: expected {len(self.variables)} "
                             f"optimizer variables, got {len(optimizer_variables)}")

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """One update, purely: returns ``(trainable_variables, optimizer_variables)`` as
        new lists of arrays."""
        self._check_state(optimizer_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"{self.name}.stateless_apply: {len(grads)} gradients for "
                             f"{len(trainable_variables)} trainable variables")
        params, state = self.pair.update(list(grads), self._state(optimizer_variables),
                                         list(trainable_variables))
        return list(params), state_leaves(state)

    def apply(self, grads, trainable_variables=None):
        """Update the variables in place from their gradients."""
        if trainable_variables is None:
            raise ValueError(f"{self.name}.apply: pass the trainable variables")
        if self.variables is None:
            self.build(trainable_variables)
        new_params, new_state = self.stateless_apply(
            [v.value for v in self.variables], grads, [v.value for v in trainable_variables])
        for v, x in zip(trainable_variables, new_params):
            v.assign(x)
        for v, x in zip(self.variables, new_state):
            v.assign(x)

    def apply_gradients(self, grads_and_vars):
        grads, variables = zip(*grads_and_vars)
        self.apply(list(grads), list(variables))

    def save_own_variables(self, store) -> None:
        """Write the state into ``store`` (a dict-like): ``store["0"]``, ``store["1"]``, ...
        are the ``variables`` as NumPy arrays, in order (Keras's layout).

        Examples
        --------
        >>> import numpy as np
        >>> from crossops.layers import Variable
        >>> w = Variable(np.ones(2, np.float32))
        >>> opt = SGD(learning_rate=0.5, momentum=0.9)
        >>> opt.apply([np.ones(2, np.float32)], [w])
        >>> store = {}
        >>> opt.save_own_variables(store)
        >>> sorted(store) == [str(i) for i in range(len(opt.variables))]
        True
        """
        if self.variables is None:
            raise ValueError(f"{self.name}.save_own_variables: the optimizer has no state "
                             "yet; build it first (optimizer.build(trainable_variables))")
        for i, v in enumerate(self.variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store) -> None:
        """Set the state from ``store`` as written by :meth:`save_own_variables`: each
        NumPy array goes to the backend (and dtype) of the variable it replaces. Counts
        and shapes are checked first, so a failed load changes nothing."""
        where = f"{self.name}.load_own_variables"
        if self.variables is None:
            raise ValueError(f"{where}: the optimizer has no variables to load into; build "
                             "it first (optimizer.build(trainable_variables))")
        import numpy as np

        from .._backend import backend_of_type
        from .._dispatch import from_numpy
        keys = [str(i) for i in range(len(self.variables))]
        if len(store) != len(keys) or any(k not in store for k in keys):
            raise ValueError(f"{where}: the optimizer has {len(keys)} variables, the store "
                             f"holds {len(store)} (keys {sorted(store)[:5]}...); it was "
                             "saved from another optimizer or model")
        arrays = []
        for k, v in zip(keys, self.variables):
            a = np.asarray(store[k])
            if tuple(a.shape) != v.shape:
                raise ValueError(f"{where}: variable {k} ({v.name}) has shape {v.shape}, "
                                 f"the store's has {tuple(a.shape)}")
            arrays.append(a)
        for v, a in zip(self.variables, arrays):
            host = np.array(a, dtype=v.numpy().dtype, copy=True)
            backend = backend_of_type(type(v.value)) or "numpy"
            v.assign(from_numpy(backend, host))

    def get_config(self) -> dict:
        return {"name": self.name, **self.config}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def _class(name, builder):
    doc = f"Keras-like ``{name}`` over ``crossops.optimizers.{builder.__name__}``.\n\n" + \
        f"Arguments as ``{builder.__name__}{inspect.signature(builder)}``."
    return type(name, (Optimizer,), {"_builder": staticmethod(builder), "__doc__": doc})


SGD = _class("SGD", _builders.sgd)
Adam = _class("Adam", _builders.adam)
AdamW = _class("AdamW", _builders.adamw)
Adamax = _class("Adamax", _builders.adamax)
Nadam = _class("Nadam", _builders.nadam)
RMSprop = _class("RMSprop", _builders.rmsprop)
Adagrad = _class("Adagrad", _builders.adagrad)
Adadelta = _class("Adadelta", _builders.adadelta)
Lion = _class("Lion", _builders.lion)

ALL = {c.__name__.lower(): c for c in (SGD, Adam, AdamW, Adamax, Nadam, RMSprop, Adagrad,
                                       Adadelta, Lion)}


def get(identifier) -> Optimizer:
    """An optimizer from a name (``"adam"``) or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ALL:
        return ALL[identifier.lower()]()
    raise ValueError(f"unknown optimizer {identifier!r}; known: {sorted(ALL)}")
