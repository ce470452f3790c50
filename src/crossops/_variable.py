"""Variables: named, mutable holders of one backend array, and the stateless scope that
lets a pure call see other values in their place (Keras 3's design)."""

from __future__ import annotations

import threading

from ._backend import backend_chapter, backend_of_type, read_holders, value_holders
from ._convert import to_numpy
from ._dtypes import dtype_name, kind
from .distribution._api import _STATE as _DISTRIBUTION
from .distribution._hooks import place_variable

# the stateless scopes entered in each thread, innermost last: a thread-local list rather
# than a ContextVar, which torch.compile cannot trace (a graph break per layer call)
_LOCAL = threading.local()
_LOCAL.scopes = []


def _scopes() -> list:
    try:
        return _LOCAL.scopes
    except AttributeError:  # a thread's first scope
        _LOCAL.scopes = []
        return _LOCAL.scopes


# the autocast scopes (Keras's AutocastScope): how many are open in all threads (so that
# reading a variable costs one check of this number when no layer computes in another
# dtype than its weights'), and this thread's innermost target dtype in _LOCAL.autocast
_AUTOCAST_OPEN = [0]


def _piece(backend: str | None, name: str):
    """Backend ``backend``'s function ``name`` of its ``variables`` chapter
    (``crossops/backends/<backend>/variables.py``), or None where it has none: each
    framework's piece of a variable lives there, found by name."""
    return None if backend is None else getattr(backend_chapter(backend, "variables"), name,
                                                None)


#: array type -> its backend's ``detached`` (None: nothing to do), found once per type
_DETACH: dict = {}


def detached(x):
    """``x`` off its framework's autograd tape where it has one (torch: ``x.detach()``, the
    same storage), else ``x``."""
    t = type(x)
    try:
        off = _DETACH[t]
    except KeyError:
        off = _DETACH[t] = _piece(backend_of_type(t), "detached")
    return x if off is None else off(x)


def autocast_dtype():
    """The dtype that floating variables are read in by this thread, else None."""
    if not _AUTOCAST_OPEN[0]:
        return None
    return getattr(_LOCAL, "autocast", None)


class AutocastScope:
    """Inside ``with AutocastScope(dtype)``, floating variables with ``autocast=True`` read
    as ``dtype`` (``None`` turns autocasting off); a layer whose policy is mixed opens one
    around its call (Keras's design)."""

    def __init__(self, dtype):
        self.dtype = dtype
        self._outer = None

    def __enter__(self):
        self._outer = getattr(_LOCAL, "autocast", None)
        _LOCAL.autocast = self.dtype
        _AUTOCAST_OPEN[0] += 1
        return self

    def __exit__(self, *exc):
        _AUTOCAST_OPEN[0] -= 1
        _LOCAL.autocast = self._outer


def cast_floating(value, dtype):
    """``value`` as ``dtype`` when it is floating of another dtype."""
    name = dtype_name(value.dtype)
    if name == dtype or kind(name) != "f":
        return value
    import crossops.numpy as xnp
    return xnp.astype(value, dtype, copy=False)


def current_scope():
    """The innermost :class:`StatelessScope` of this thread, else None."""
    scopes = _scopes()
    return scopes[-1] if scopes else None


class Variable:
    """A named array that layers read with ``.value`` and update with ``.assign``.

    Under a :class:`StatelessScope` both go to the scope instead, which keeps
    ``Layer.stateless_call`` pure (and traceable by jax.jit, torch.func, tf.function).
    On the torch backend the array is a ``torch.nn.Parameter`` (trainable) or a plain
    tensor (non-trainable), registered in the layer's ``torch.nn.Module``.

    Examples
    --------
    >>> import numpy as np
    >>> v = Variable(np.zeros(2), name="bias")
    >>> v.assign(v.value + 1)
    >>> v.numpy().tolist()
    [1.0, 1.0]
    """

    def __init__(self, value, *, trainable=True, name="variable", path=None):
        held = _piece(backend_of_type(type(value)), "held_value")
        if held is not None:  # tensorflow: a tf.Variable, which tf.GradientTape knows
            value = held(value, trainable)
        self._value = value
        #: a tf.Variable, which layers read as a tensor (GradientTape records the read)
        self._tf_variable = hasattr(value, "handle") and hasattr(value, "read_value")
        self.trainable = trainable
        self.name = name
        self.path = path or name
        if _DISTRIBUTION["distribution"] is not None:  # laid out as it says
            self._value = place_variable(self._value, self)
        self.seed_state = False
        #: whether a layer computing in another dtype reads this variable in that dtype
        self.autocast = True

    @property
    def value(self):
        scope = current_scope()
        if scope is not None:
            found = scope.get(self)
            if found is not None:
                if _AUTOCAST_OPEN[0]:
                    return self._autocast(found)
                return found
        value = self._value.value() if self._tf_variable else self._value
        if _AUTOCAST_OPEN[0]:
            return self._autocast(value)
        return value

    def _autocast(self, value):
        dtype = getattr(_LOCAL, "autocast", None)
        if dtype is None or not self.autocast:
            return value
        return cast_floating(value, dtype)

    def assign(self, value):
        scope = current_scope()
        if scope is not None:
            if _AUTOCAST_OPEN[0] and hasattr(value, "dtype"):
                # a value computed in a layer's compute dtype keeps the variable's dtype
                # (a moving statistic updated under a mixed policy)
                target = dtype_name(self._value.dtype)
                if kind(target) == "f":
                    value = cast_floating(value, target)
            scope.assign(self, value)
            return
        backend = backend_of_type(type(self._value))
        if type(value) is not type(self._value) and backend_of_type(type(value)) != backend:
            value = _as_backend(value, backend, self._value.dtype)  # host data (a NumPy array)
        in_place = _piece(backend, "assign_in_place")
        if in_place is not None:  # torch: the module's registered tensor stays this one;
            in_place(self._value, value)  # tensorflow: the tf.Variable, as tf.function expects
            return
        if _DISTRIBUTION["distribution"] is not None:
            value = place_variable(value, self)
        self._value = value

    def _adopt(self, value) -> bool:
        """Hold ``value``, a pure training step's new array for this variable, without
        copying it, where that is possible: on numpy and jax the array itself, on torch
        its storage (the module keeps its Parameter). So a ``fit`` keeps one copy of the
        training state, not the variables' and the step's. False, and nothing done, on
        tensorflow (a tf.Variable is written in place only), under a distribution, and
        for a value of another type, dtype or shape (``assign`` then casts or places)."""
        old = self._value
        if self._tf_variable or _DISTRIBUTION["distribution"] is not None or \
                getattr(value, "dtype", None) != old.dtype or \
                getattr(value, "shape", None) != old.shape:
            return False
        backend = backend_of_type(type(old))
        if backend != backend_of_type(type(value)):
            return False
        adopt = _piece(backend, "adopt")
        if adopt is not None:  # torch: the module's Parameter or buffer stays its own
            adopt(old, value)
        else:
            self._value = value
        return True

    # -- what tf.GradientTape needs to take the variable as a source (``tape.gradient(loss,
    # model.trainable_variables)``): it differentiates with respect to the handle of the
    # tf.Variable that the layers read
    @property
    def _should_act_as_resource_variable(self):
        if not self._tf_variable:
            raise AttributeError("_should_act_as_resource_variable")
        return True

    @property
    def handle(self):
        if not self._tf_variable:
            raise AttributeError(f"{self.path}: only a tensorflow variable has a handle")
        return self._value.handle

    @property
    def shape(self):
        return tuple(self._value.shape)

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def ndim(self):
        return len(self.shape)

    def numpy(self):
        """The value as a NumPy array."""
        return to_numpy(detached(self.value))

    def __repr__(self):
        return f"<Variable path={self.path} shape={self.shape} dtype={self.dtype}>"

    # -- the variable as its value, as a Keras Variable is: crossops's ops, transforms and
    # stateless calls read it (crossops._backend.value_holders), and so do NumPy
    # (``np.asarray(v)``), the array's own operators (``v + 1``, ``x @ v``, ``v[0]``) and
    # ``len``; ``==`` and ``hash`` stay those of the object, so that variables key dicts
    def __array__(self, dtype=None, copy=None):
        out = self.numpy()
        return out if dtype is None else out.astype(dtype, copy=False)

    def __tf_tensor__(self, dtype=None, name=None):
        import tensorflow as tf
        return tf.convert_to_tensor(self.value, dtype=dtype, name=name)

    def __jax_array__(self):
        return self.value

    def __len__(self):
        return len(self.value)

    def __getitem__(self, key):
        return self.value[read_holders(key)]

    def __bool__(self):
        return bool(self.value)

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __index__(self):
        return int(self.numpy())


def _read_operator(name: str):
    """Variable's operator ``name``: the value's, with the other operand read too."""
    def operator(self, *other):
        return getattr(self.value, name)(*map(read_holders, other))
    operator.__name__ = name
    operator.__doc__ = f"``self.value.{name}(...)``."
    return operator


for _name in ("__neg__", "__pos__", "__abs__", "__invert__",
              "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__",
              "__mod__", "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__",
              "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__",
              "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(Variable, _name, _read_operator(_name))
value_holders.add(Variable)


def _as_backend(value, backend: str, dtype):
    """Host data ``value`` (a NumPy array, list or scalar) as an array of ``backend`` with
    the variable's ``dtype``."""
    import numpy as np

    from ._dispatch import from_numpy
    return from_numpy(backend, np.asarray(value, dtype=dtype_name(dtype)))


class StatelessScope:
    """Inside ``with StatelessScope(mapping)``, variables in ``mapping`` read their mapped
    value, and ``assign`` records new values here instead of changing the variables."""

    def __init__(self, mapping=None):
        # a variable mapped to a variable (``stateless_call(model.trainable_variables, ...)``)
        # reads that one's value, as it is now
        self.values = {k: read_holders(v) for k, v in (mapping or {}).items()}
        self.losses: list = []

    def get(self, variable):
        return self.values.get(variable)

    def assign(self, variable, value):
        self.values[variable] = value

    def __enter__(self):
        _scopes().append(self)
        return self

    def __exit__(self, *exc):
        _scopes().pop()
