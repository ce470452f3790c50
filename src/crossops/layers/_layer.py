"""The Layer base class: weights as :class:`Variable` s, lazy building from the first
input's shape, sublayer tracking, and Keras's stateless API.

On the torch backend (the default backend when the layer is made) a layer is also a
``torch.nn.Module``: its trainable weights are registered ``torch.nn.Parameter`` s, so
``torch.optim`` optimizers train it and ``module.parameters()`` lists them. Inside a
``torch.autocast`` region a float32 layer computes as under the mixed policy of the region's
dtype (its floating inputs and weights read in that dtype, the weights staying float32), as
``torch.nn.Linear`` does there.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import sys
from typing import Self

import numpy as np
import optree

import crossops

from .. import dtype_policies, initializers
from .._accel import CalledAsIs, eager_under_torch_compile
from .._backend import (
    backend_chapter,
    backend_of_type,
    call_backend,
    get_backend,
    loaded_backends,
)
from .._dtypes import dtype_name, kind
from .._names import auto_name, snake_case
from .._typing import Array
from .._variable import (
    _AUTOCAST_OPEN,
    AutocastScope,
    StatelessScope,
    Variable,
    autocast_dtype,
    cast_floating,
    current_scope,
)
from ._config import from_keras_config, serialize_dtype
from ._symbolic import SymbolicTensor, symbolic_call

#: the name scope open now (Keras's): the path of the layer building or first calling, ""
#: outside every layer; a weight's path is its layer's scope path, then the weight's name
_SCOPE_PATH: contextvars.ContextVar[str] = contextvars.ContextVar("crossops_scope", default="")


class _NameScope:
    """Makes ``path`` the open name scope for a ``with`` block (thread- and task-safe)."""

    __slots__ = ("path", "token")

    def __init__(self, path: str):
        self.path = path

    def __enter__(self):
        self.token = _SCOPE_PATH.set(self.path)
        return self

    def __exit__(self, *exc):
        _SCOPE_PATH.reset(self.token)




def _chapter(backend: str | None, name: str = "layers"):
    """``backend``'s chapter ``name`` (``crossops/backends/<backend>/<name>.py``), or None
    where it has none (or no backend is known yet): each framework's piece of the layers
    lives there, found by name."""
    return None if backend is None else backend_chapter(backend, name)


def backend_of_tree(tree) -> str | None:
    """The backend of the leaves of ``tree`` (crossops's one rule, NumPy arrays being host
    data), or None if none has one."""
    return call_backend((type(leaf) for leaf in optree.tree_leaves(tree, none_is_leaf=False)),
                        "layers")


class Layer(CalledAsIs):
    """Base class of the layers.

    Subclasses create weights in ``build(input_shape)`` with :meth:`add_weight` and
    compute in ``call(inputs, ...)`` reading ``variable.value``.

    Parameters
    ----------
    trainable : bool
        Whether the layer's weights are trainable.
    name : str, optional
        Defaults to the class name in snake case, numbered (``dense``, ``dense_1``).
    dtype : str or crossops.dtype_policies.DTypePolicy, optional
        The dtype policy: a dtype name (weights and computation), ``"mixed_float16"`` or
        ``"mixed_bfloat16"`` (float32 weights, half-precision computation); default the
        global policy (``crossops.dtype_policies.set_dtype_policy``).

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.layers import Dense
    >>> layer = Dense(2, kernel_initializer="ones", name="dense")
    >>> layer(np.ones((1, 3), np.float32)).tolist()
    [[3.0, 3.0]]
    >>> [v.path for v in layer.trainable_variables]
    ['dense/kernel', 'dense/bias']
    """

    #: whether this layer is a TorchModuleWrapper (the one layer that holds a bare module)
    _wraps_torch_module = False
    #: its backend's check "is a framework autocast region open" (the ``layers`` chapter's
    #: ``autocasting``: torch.autocast), or None, and the chapter's ``autocast_dtype``
    #: (the region's dtype for some inputs); found once, when ``_backend`` is set, so that
    #: a call reads one attribute
    _autocast_region = None
    _autocast_region_dtype = None

    #: whether ``call`` takes a ``training`` argument, and how many positional arguments
    #: leave it free (see :func:`_training_parameter`): read from the signature once per
    #: class (and per instance whose ``call`` is set), not on every call (~0.1 ms), and
    #: kept on the class, which torch.compile's guards see as a constant (a cache filled on
    #: the first call made a compiled function's second call compile again)
    _call_accepts_training = False
    _call_training_free_below = 0
    #: whether ``call`` takes a ``mask`` argument (read alike: True where the signature
    #: cannot be read), for wrappers that pass a mask on (TimeDistributed)
    _call_accepts_mask = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:  # a build called directly marks the layer built too
            cls.build = _marking_built(cls.__dict__["build"])
        call = _unbound_call(cls)
        cls._call_accepts_training, cls._call_training_free_below = _training_parameter(call)
        cls._call_accepts_mask = _accepts(call, "mask")

    def __new__(cls, *args, **kwargs) -> Self:
        # the default backend's class for layers (torch: mixed with torch.nn.Module)
        made = getattr(_chapter(get_backend()), "layer_class", None)
        if made is not None and module_home(cls) is None:
            cls = made(cls)
        return object.__new__(cls)

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unknown arguments {sorted(kwargs)}")
        home = module_home(type(self))
        if home is not None:
            home.init_module(self)
        base = snake_case(type(self).__name__)
        if name is None:
            name = auto_name(base)
        self.name = name
        self.trainable = trainable
        self.dtype_policy = dtype
        self.built = False
        self._own_weights: list[Variable] = []
        self._tracked: list[Layer] = []
        self._losses: list = []
        self._backend = None
        #: the default backend when the layer was made: its weights' backend where neither
        #: its inputs nor a build call say otherwise (a model made in a use_backend block
        #: and built after it)
        self._made_on = get_backend()

    # -- dtype policy (Keras's) -----------------------------------------------------------
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        policy = dtype_policies.get(value)
        self._dtype_policy = policy
        compute = policy.compute_dtype
        # what the call casts its floating inputs to (None: they pass as they are; only
        # half-precision policies cast, so float64 data still reaches float32 layers)
        self._cast_inputs = compute if compute in dtype_policies.LOW_PRECISION else None
        #: what a full-precision floating layer takes half-precision inputs up to (Keras
        #: casts them too: a float32 softmax after bfloat16 layers computes in float32)
        self._upcast = (compute if policy.is_floating and self._cast_inputs is None
                        else None)
        self._mixed = policy.is_mixed
        #: whether a call goes through _autocast_call (one check on the hot path)
        self._autocasts = self._mixed or self._cast_inputs is not None

    @property
    def dtype(self) -> str:
        """The weights' dtype (the policy's ``variable_dtype``), as Keras."""
        return self._dtype_policy.variable_dtype

    @dtype.setter
    def dtype(self, value):
        self.dtype_policy = value

    @property
    def compute_dtype(self) -> str:
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype_policy.variable_dtype

    # -- attribute tracking -------------------------------------------------------------
    def __setattr__(self, key, value):
        if key == "call":  # a call of this instance's own: its signature read once too
            self.__dict__["_call_accepts_training"], \
                self.__dict__["_call_training_free_below"] = _training_parameter(value)
            self.__dict__["_call_accepts_mask"] = _accepts(value, "mask")
        if key == "_backend":
            home = _chapter(value)
            self.__dict__["_autocast_region"] = getattr(home, "autocasting", None)
            self.__dict__["_autocast_region_dtype"] = getattr(home, "autocast_dtype", None)
        if (not isinstance(value, Layer) and module_home(type(value)) is not None
                and not self._wraps_torch_module):
            # a bare torch module: wrapped (as Keras), so that its parameters are this
            # layer's variables, which fit trains (the wrapper runs the module with the
            # values of a stateless call); ``self.<key>(x)`` calls the wrapper, and
            # ``self.<key>.module`` is the module itself
            value = _wrap_torch_module(value, self._made_on)
            tracked = self.__dict__.get("_tracked")
            if tracked is not None and all(value is not t for t in tracked):
                tracked.append(value)
        if not key.startswith("_") and key != "name":
            found = [v for v in optree.tree_leaves(value, is_leaf=lambda x: isinstance(x, Layer))
                     if isinstance(v, Layer)] if isinstance(value, Layer | list | tuple | dict) \
                else []
            tracked = self.__dict__.get("_tracked")
            if tracked is not None:
                for layer in found:
                    if layer is not self and all(layer is not t for t in tracked):
                        tracked.append(layer)
                if module_home(type(self)) is not None and not isinstance(value, Layer):
                    for i, layer in enumerate(found):  # lists of layers: register each
                        self.add_module(f"{key}_{i}", layer)
        super().__setattr__(key, value)

    # -- weights ------------------------------------------------------------------------
    def add_weight(self, shape=(), initializer="glorot_uniform", dtype=None, trainable=True,
                   name=None, seed_state=False, layout=None):
        """Create a weight of this layer's backend, initialised on the host (see
        ``crossops.initializers``), and track it. A ``seed_state`` (a random key) is a
        non-trainable variable but not a weight (as Keras's seed generators: not saved,
        not counted). ``layout`` names a function of the backend's ``nn`` chapter that
        stores the weight in the memory order its kernels read (torch:
        ``conv_kernel_layout``); the shape is unchanged, and backends without that
        function keep their own layout."""
        dtype = dtype or self.dtype
        name = name or f"variable_{len(self._own_weights)}"
        host = initializers.get(initializer)(tuple(int(s) for s in shape), dtype)
        backend = self._backend or self._made_on
        value = _to_backend(host, backend, trainable, layout)
        variable = Variable(value, trainable=trainable, name=name,
                            path=f"{self._variable_scope()}/{name}")
        variable.seed_state = seed_state
        self._own_weights.append(variable)
        register = getattr(_chapter(backend), "register_weight", None)
        if register is not None and module_home(type(self)) is not None:
            # as a distribution laid it out (a DTensor)
            register(self, f"w{len(self._own_weights) - 1}_{name}", variable._value)
        return variable

    def _build_and_call(self, args: tuple, kwargs: dict):
        """The first call: build from the inputs' shapes, then call. It runs in this
        layer's name scope, so sublayers built in it (by build or by call) have this
        layer's path in front of theirs, as Keras's. Under ``torch.compile`` it runs
        eagerly (see the registration below the class): a compiled function that first
        calls a fresh layer breaks its graph once here, instead of tracing the build."""
        inputs = args[0]
        self._backend = backend_of_tree(inputs) or self._made_on
        with self._name_scope():
            with crossops.use_backend(self._backend):
                self.build(optree.tree_map(lambda x: tuple(x.shape), inputs)
                           if not hasattr(inputs, "shape") else tuple(inputs.shape))
            self.built = True
            return self(*args, **kwargs)

    def _scope_path(self) -> str:
        """The path of this layer's name scope: the scope open when it first opened its
        own (its parent's path, kept from then on, as Keras's ``_parent_path``), then its
        name. A layer built or first called inside another's build or first call has that
        layer's path in front (``time_distributed/dense``)."""
        parent = self.__dict__.get("_parent_path")
        if parent is None:
            parent = _SCOPE_PATH.get()
            self.__dict__["_parent_path"] = parent
        return f"{parent}/{self.name}" if parent else self.name

    def _name_scope(self) -> _NameScope:
        """This layer's name scope, opened by its build and its first call."""
        return _NameScope(self._scope_path())

    def _variable_scope(self) -> str:
        """The path in front of this layer's weights' names (its scope path; a recurrent
        layer adds its cell's name, as Keras's)."""
        return self._scope_path()

    def _all_layers(self):
        seen, out = set(), []

        def walk(layer):
            for sub in layer._tracked:
                if id(sub) not in seen:
                    seen.add(id(sub))
                    out.append(sub)
                    walk(sub)
        walk(self)
        return out

    @property
    def variables(self) -> list[Variable]:
        """Every variable: this layer's own, then its sublayers' (depth first), random
        seed states included."""
        out = list(self._own_weights)
        for layer in self._all_layers():
            out.extend(layer._own_weights)
        return out

    @property
    def weights(self) -> list[Variable]:
        """The variables without random seed states (what is saved and counted)."""
        return [v for v in self.variables if not v.seed_state]

    @property
    def trainable_variables(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [w for w in self._own_weights if w.trainable] + [
            w for layer in self._tracked for w in layer.trainable_variables]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """Every variable that is not trainable, seed states included (what
        ``stateless_call`` takes and returns)."""
        trainable = {id(w) for w in self.trainable_variables}
        return [w for w in self.variables if id(w) not in trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return [w for w in self.non_trainable_variables if not w.seed_state]

    def get_weights(self) -> list[np.ndarray]:
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Set every weight from NumPy arrays (in ``weights`` order); checks all shapes
        first, so a failed call changes nothing."""
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(f"{self.name}.set_weights: expected {len(mine)} arrays, got "
                             f"{len(weights)}")
        for w, a in zip(mine, weights):
            if tuple(np.shape(a)) != w.shape:
                raise ValueError(f"{self.name}.set_weights: {w.path} has shape {w.shape}, "
                                 f"got {tuple(np.shape(a))}")
        for w, a in zip(mine, weights):
            host = np.asarray(a).astype(w.numpy().dtype)
            w.assign(_to_backend(host, backend_of_type(type(w._value)), trainable=False))

    def count_params(self) -> int:
        return int(sum(np.prod(w.shape) for w in self.weights))

    # -- calling ------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (default: none)."""

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define call()")

    def __call__(self, *args, **kwargs) -> Array:
        for a in (*args, *kwargs.values()) if kwargs else args:  # (no call per array)
            if isinstance(a, _NESTED) and _any_symbolic(a) or isinstance(a, SymbolicTensor):
                return symbolic_call(self, args, kwargs)
        if not args:
            raise TypeError(f"{self.name}: call it with the inputs as first argument")
        inputs = args[0]
        if not self.built:
            return self._build_and_call(args, kwargs)
        if "training" in kwargs:
            if not self._call_accepts_training:
                kwargs.pop("training")
        elif (self.__dict__.get("_training_mode_set")
              and len(args) < self._call_training_free_below):
            kwargs["training"] = self.training  # the mode set by train() / eval()
        region = self._autocast_region
        if (self._autocasts or _AUTOCAST_OPEN[0]
                or (region is not None and region())
                or (self._upcast is not None and _has_half_precision(inputs))):
            return self._autocast_call(args, kwargs)
        return self.call(*args, **kwargs)

    def _autocast_call(self, args, kwargs):
        """The call under the policy (Keras's): floating inputs cast to the compute dtype,
        and the variables read during the call cast to it (an AutocastScope, opened when
        the policy is mixed or changes an outer scope's dtype)."""
        policy_compute = compute = self._dtype_policy.compute_dtype
        dtype = self._cast_inputs
        if self._upcast is not None and _has_half_precision(args[0]):
            dtype = self._upcast
        region_dtype = self._autocast_region_dtype
        if compute == "float32" and region_dtype is not None:
            # inside torch.autocast a float32 layer computes as under the mixed policy of
            # the autocast dtype (as torch.nn.Linear casts its input and weights there)
            compute = region_dtype(args[0]) or compute
            if compute != policy_compute:
                dtype = compute
        if dtype is not None:  # every floating argument, as Keras (attention's value and key)
            args = tuple(_cast_floating(a, dtype, self._backend) for a in args)
            if kwargs:
                kwargs = {k: _cast_floating(v, dtype, self._backend) for k, v in kwargs.items()}
        outer = autocast_dtype()
        scope = None
        if outer is not None:
            if not self._dtype_policy.is_floating:
                scope = AutocastScope(None)
            elif outer != compute:
                scope = AutocastScope(compute)
        elif self._mixed or compute != policy_compute:
            scope = AutocastScope(compute)
        if scope is None:
            return self.call(*args, **kwargs)
        with scope:
            return self.call(*args, **kwargs)

    # -- the stateless API --------------------------------------------------------------
    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses=False, **kwargs):
        """Call the layer with the given weight values instead of its own, purely.

        Returns ``(outputs, non_trainable_variables)`` (and the losses added during the
        call if ``return_losses``), the non-trainable values as updated by the call
        (e.g. BatchNormalization's moving statistics); the layer is not changed.
        """
        built = self.built
        scope = self._stateless_scope(trainable_variables, non_trainable_variables,
                                      "stateless_call")
        with scope:
            outputs = self(*args, **kwargs)
        # a built layer's variables are those the scope maps (a first call makes them)
        new = [scope.get(v) for v in (scope.variables[1] if built else
                                      self.non_trainable_variables)]
        if return_losses:
            return outputs, new, scope.losses
        return outputs, new

    def _stateless_scope(self, trainable_variables, non_trainable_variables, caller):
        """A :class:`StatelessScope` in which this layer's variables read the given
        values (checked against the variables' counts)."""
        trainable, non_trainable = self.trainable_variables, self.non_trainable_variables
        if len(trainable_variables) != len(trainable):
            raise ValueError(f"{self.name}.{caller}: expected {len(trainable)} trainable "
                             f"variables ({[v.path for v in trainable]}), got "
                             f"{len(trainable_variables)}")
        if len(non_trainable_variables) != len(non_trainable):
            raise ValueError(f"{self.name}.{caller}: expected {len(non_trainable)} "
                             f"non-trainable variables, got {len(non_trainable_variables)}")
        mapping = dict(zip(trainable, trainable_variables))
        mapping.update(zip(non_trainable, non_trainable_variables))
        scope = StatelessScope(mapping)
        scope.variables = trainable, non_trainable  # the variables it maps, as read here
        return scope

    def add_loss(self, loss):
        scope = current_scope()
        (scope.losses if scope is not None else self._losses).append(loss)

    @property
    def losses(self) -> list:
        """The losses added with ``add_loss``: inside a stateless call, those of that
        call (as Keras)."""
        scope = current_scope()
        if scope is not None:
            return list(scope.losses)
        return list(self._losses) + [x for layer in self._all_layers() for x in layer._losses]

    # -- config -------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The layer's arguments in Keras 3's serialized form (``name``, ``trainable``,
        ``dtype`` as a serialized DTypePolicy, and each layer's own keys, with Keras's
        names), as ``keras.layers.<Class>(...).get_config()`` gives them."""
        return {"name": self.name, "trainable": self.trainable,
                "dtype": serialize_dtype(self._dtype_policy)}

    @classmethod
    def from_config(cls, config):
        """The layer from ``get_config``'s dict, or from the config of the same Keras
        layer: Keras's keys for features crossops does not have are accepted at their
        defaults (None, False), any other value raises a ValueError naming the key."""
        return cls(**from_keras_config(cls, config))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


eager_under_torch_compile(Layer, "_build_and_call")


def _has_half_precision(inputs) -> bool:
    """Whether ``inputs`` (an array, or a list or tuple of them) holds a float16 or
    bfloat16 array (the answer kept per dtype object: this runs on every layer call)."""
    dtype = getattr(inputs, "dtype", None)
    if dtype is None:
        return isinstance(inputs, (list, tuple)) and any(map(_has_half_precision, inputs))
    # one table per dtype class: torch.compile traces the lookup, and cannot hash the
    # dtypes of other frameworks (TensorFlow's) found in the same table
    known = _HALF_PRECISION.get(type(dtype))
    if known is None:
        known = _HALF_PRECISION[type(dtype)] = {}
    try:
        return known[dtype]
    except KeyError:
        pass
    except TypeError:  # an unhashable dtype
        return False
    try:
        half = dtype_name(dtype) in dtype_policies.LOW_PRECISION
    except TypeError:
        half = False
    known[dtype] = half
    return half


#: dtype class -> {dtype object -> whether it is float16 or bfloat16}
_HALF_PRECISION: dict = {}


def _cast_floating(tree, dtype, backend):
    """The floating arrays among the leaves of ``tree`` cast to ``dtype`` (floating NumPy
    inputs become arrays of ``backend``)."""
    from .._dispatch import call_on

    def cast(x):
        if not hasattr(x, "dtype") or isinstance(x, SymbolicTensor):
            return x
        if backend_of_type(type(x)) is not None:
            return cast_floating(x, dtype)
        try:
            floating = kind(dtype_name(x.dtype)) == "f"
        except TypeError:
            return x
        return call_on(backend or get_backend(), "asarray", x, dtype=dtype) if floating else x
    if hasattr(tree, "dtype"):
        return cast(tree)
    return optree.tree_map(cast, tree)


def module_home(cls: type):
    """The ``layers`` chapter of the framework whose module class ``cls`` is a subclass of
    (torch: ``torch.nn.Module``, its chapter's ``MODULE_TYPES``), or None; found once per
    class, among the frameworks already imported (a module exists only then)."""
    try:
        return _MODULE_HOMES[cls]
    except KeyError:
        pass
    found = None
    for name in loaded_backends():
        chapter = backend_chapter(name, "layers")
        types = getattr(chapter, "MODULE_TYPES", ())
        if types and issubclass(cls, types):
            found = chapter
            break
    _MODULE_HOMES[cls] = found
    return found


_MODULE_HOMES: dict = {}

#: the containers a layer's arguments may nest symbolic tensors in
_NESTED = (list, tuple, dict)


def _any_symbolic(tree) -> bool:
    """Whether a symbolic tensor is among the (list, tuple, dict) leaves of ``tree``; plain
    Python, so that torch.compile traces a layer call."""
    if isinstance(tree, SymbolicTensor):
        return True
    if isinstance(tree, list | tuple):
        return any(_any_symbolic(x) for x in tree)
    if isinstance(tree, dict):
        return any(_any_symbolic(x) for x in tree.values())
    return False


def _accepts(f, name) -> bool:
    try:
        return name in inspect.signature(f).parameters
    except (TypeError, ValueError):
        return True


def _unbound_call(cls: type):
    """``cls.call`` as an instance's ``self.call`` is called (without ``self``), for
    reading its signature."""
    raw = inspect.getattr_static(cls, "call", None)
    f = getattr(cls, "call", None)
    if inspect.isfunction(raw):
        return functools.partial(f, None)  # the signature without ``self``
    return f  # a staticmethod, classmethod or callable object: called as it is


def _training_parameter(f) -> tuple[bool, int]:
    """``(accepts, free_below)`` for a layer's call ``f``: whether a ``training=``
    keyword may be passed to it (as :func:`_accepts`: True where the signature cannot be
    read), and the number of positional arguments below which its ``training`` parameter
    is left free for the mode set by ``train()`` / ``eval()`` (its position, plus one;
    ``sys.maxsize`` for a keyword-only one; 0 where there is none, or no signature)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return True, 0
    for i, p in enumerate(params):
        if p.name == "training":
            positional = p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            return True, i + 1 if positional else sys.maxsize
    return False, 0


Layer._call_accepts_training, Layer._call_training_free_below = \
    _training_parameter(_unbound_call(Layer))
Layer._call_accepts_mask = _accepts(_unbound_call(Layer), "mask")


def _wrap_torch_module(module, backend):
    """``module`` in a TorchModuleWrapper made on ``backend`` (the owner's: the wrapper
    says clearly that only torch will do)."""
    from ._torch_module_wrapper import TorchModuleWrapper
    with crossops.use_backend(backend):
        return TorchModuleWrapper(module)


def _marking_built(build):
    """``build`` that, called directly as well as by the first call, fixes the layer's
    backend (where it was made, unless its inputs decided) and marks it built, so that the
    first call does not build it again (as Keras's layers)."""
    @functools.wraps(build)
    def marked(self, *args, **kwargs):
        if self._backend is None:
            self._backend = self._made_on
        with self._name_scope():  # sublayers built here have this layer's path in front
            out = build(self, *args, **kwargs)
        self.built = True
        return out

    return marked


def _to_backend(host, backend, trainable, layout=None):
    """A NumPy array as an owned ``backend`` array: the ``layers`` chapter's
    ``weight_value`` (a torch Parameter when trainable, laid out in memory by the torch
    ``nn`` chapter's function ``layout`` where given)."""
    return backend_chapter(backend, "layers").weight_value(host, trainable, layout)
