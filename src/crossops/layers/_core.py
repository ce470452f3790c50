"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Embedding, Lambda."""

from __future__ import annotations

import base64
import importlib
import inspect
import marshal
import math
import types

import crossops.numpy as xnp
import crossops.random as xr
from crossops import core

from . import _functional as F
from ._config import from_keras_config, nulls, serialize_activation, serialize_initializer
from ._layer import Layer


def _check_last_axis(layer, shape, expected):
    if len(shape) < 1 or shape[-1] != expected:
        raise ValueError(f"{layer.name}: expected inputs with last axis {expected}, got "
                         f"shape {tuple(shape)}")


class Dense(Layer):
    """``activation(inputs @ kernel + bias)``.

    Parameters
    ----------
    units : int
    activation : str or callable, optional
    use_bias : bool
    kernel_initializer, bias_initializer : str or Initializer
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Dense: units must be a positive int, got {units!r}")
        self.units, self.activation = units, activation
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self._act = F.activation(activation)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{self.name}: expected inputs of rank >= 2 (batch, features), "
                             f"got shape {tuple(input_shape)}")
        self.kernel = self.add_weight((input_shape[-1], self.units), self.kernel_initializer,
                                      name="kernel")
        self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias") \
            if self.use_bias else None

    def call(self, inputs):
        _check_last_axis(self, inputs.shape, self.kernel.shape[0])
        return F.dense(inputs, self.kernel.value,
                       None if self.bias is None else self.bias.value, self._act)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": serialize_activation(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": serialize_initializer(self.kernel_initializer),
                "bias_initializer": serialize_initializer(self.bias_initializer),
                **nulls("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                        "bias_constraint", "quantization_config")}


class Activation(Layer):
    """Applies an activation function."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation
        self._act = F.activation(activation)

    def call(self, inputs):
        return self._act(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": serialize_activation(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs in training (scaling the rest by
    1 / (1 - rate)); the identity otherwise.

    Its random key is a non-trainable variable split on every training call, so that
    ``stateless_call`` returns the next key with the other non-trainable variables.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def build(self, input_shape):
        import numpy as np
        start = np.random.SeedSequence(self.seed).generate_state(2) if self.seed is None \
            else [self.seed >> 32, self.seed & 0xFFFFFFFF]
        self.key = self.add_weight((2,), lambda shape, dtype: np.asarray(start, np.uint32),
                                   dtype="uint32", trainable=False, name="seed_generator_state",
                                   seed_state=True)

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        keys = xr.split(self.key.value)
        key, sub = keys[0], keys[1]
        self.key.assign(key)
        return xr.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=sub)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class Flatten(Layer):
    """Flattens every axis but the batch axis; with ``data_format="channels_first"`` the
    channels axis moves last first (as Keras, so that a Dense after it reads the same
    weights in either format). ``data_format`` defaults to
    ``crossops.config.image_data_format()``."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from crossops import config
        self.data_format = config.standardize_data_format(data_format, "Flatten")

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = xnp.permute_dims(inputs, (0, *range(2, inputs.ndim), 1))
        # (core.shape: a batch size unknown when traced, TensorFlow's None, as a tensor)
        return xnp.reshape(inputs, (core.shape(inputs)[0], math.prod(inputs.shape[1:])))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes every axis but the batch axis to ``target_shape`` (one -1 allowed)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return xnp.reshape(inputs, (core.shape(inputs)[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes; ``dims`` counts them from 1."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(dims)}, got {dims}")
        self.dims = tuple(dims)

    def call(self, inputs):
        return xnp.permute_dims(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(f"{self.name}: expected inputs of rank 2, got shape "
                             f"{tuple(inputs.shape)}")
        return xnp.broadcast_to(xnp.expand_dims(inputs, axis=1),
                                (core.shape(inputs)[0], self.n, inputs.shape[1]))

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Embedding(Layer):
    """Rows of a (input_dim, output_dim) table at integer ids."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", **kwargs):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = ("random_uniform" if embeddings_initializer == "uniform"
                                       else embeddings_initializer)

    def build(self, input_shape):
        self.embeddings = self.add_weight((self.input_dim, self.output_dim),
                                          self.embeddings_initializer, name="embeddings")

    def call(self, inputs):
        return F.embedding(inputs, self.embeddings.value)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": serialize_initializer(self.embeddings_initializer),
                **nulls("embeddings_regularizer", "activity_regularizer",
                        "embeddings_constraint"),
                "mask_zero": False, "quantization_config": None}


class Lambda(Layer):
    """Wraps a function of the inputs as a layer, Keras's ``Lambda``:
    ``function(inputs, **arguments)``.

    Parameters
    ----------
    function : callable
        Called with the inputs (an array, or the list given to the layer) and the
        ``arguments``; also with ``training`` and ``mask`` where its signature names them
        (as Keras). Write it with ``crossops.ops`` / ``crossops.numpy`` so that it runs on
        every backend.
    output_shape : tuple or callable, optional
        Kept for the config (Keras's shape inference); crossops finds output shapes by
        running the function (symbolic calls run it once on zeros).
    mask : None
        Keras's mask computation; crossops's layers do not propagate Keras masks, so only
        None is accepted.
    arguments : dict, optional
        Keyword arguments passed to ``function`` on every call.
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Notes
    -----
    ``get_config`` writes ``function`` as Keras 3.15 does: a named function as
    ``{"module": "builtins", "class_name": "function", "config": <its name>,
    "registered_name": "function"}`` (its module is not recorded), a Python lambda as
    ``{"class_name": "__lambda__", "config": {"code", "defaults", "closure"}}`` (its
    marshalled bytecode, base64). ``from_config`` finds a named function in
    ``custom_objects``, then in ``crossops.ops``, then (with ``safe_mode=False`` only, as
    importing a module runs its code) in the module the config names, and otherwise
    raises a ValueError asking for ``custom_objects``; it rebuilds a lambda from
    its bytecode only when called with ``safe_mode=False`` (loading code runs it: do it
    only for configs you trust, and with the Python version that wrote it). A layer
    holding a function has no weights.

    Examples
    --------
    >>> import numpy as np
    >>> import crossops.numpy as xnp
    >>> def scale(x, factor=1.0):
    ...     return xnp.multiply(x, factor)
    >>> Lambda(scale, arguments={"factor": 3.0})(np.ones((1, 2), np.float32)).tolist()
    [[3.0, 3.0]]
    >>> Lambda(scale).get_config()["function"]["config"]
    'scale'
    """

    def __init__(self, function, output_shape=None, mask=None, arguments: dict | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda: function must be callable, got {function!r}")
        if mask is not None:
            raise ValueError("Lambda: mask must be None: crossops's layers do not compute "
                             "or propagate Keras masks (pass masks to layers explicitly)")
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(f"Lambda: arguments must be a dict of keyword arguments, got "
                             f"{arguments!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = None
        if isinstance(output_shape, list) and all(isinstance(d, int | None)
                                                  for d in output_shape):
            output_shape = tuple(output_shape)
        # (not _output_shape: symbolic calls record the traced shape there)
        self._lambda_output_shape = output_shape
        try:
            names = inspect.getfullargspec(function).args
        except TypeError:
            names = []
        self._takes_training = "training" in names
        self._takes_mask = "mask" in names

    @property
    def output_shape_argument(self):
        """The ``output_shape`` given to the constructor."""
        return self._lambda_output_shape

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._takes_mask:
            kwargs["mask"] = mask
        if self._takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def get_config(self) -> dict:
        config = {**super().get_config(), "function": _function_config(self.function)}
        shape = self._lambda_output_shape
        if shape is not None:
            config["output_shape"] = _function_config(shape) if callable(shape) else shape
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects: dict | None = None,
                    safe_mode: bool = True):
        """The layer from its config (crossops's or Keras's); see the class's Notes for
        how ``function`` (and a callable ``output_shape``) are found."""
        config = dict(config)
        config["function"] = _function_from_config(config["function"], custom_objects,
                                                   safe_mode)
        shape = config.get("output_shape")
        if isinstance(shape, dict):
            config["output_shape"] = _function_from_config(shape, custom_objects, safe_mode)
        arguments = config.pop("arguments", None)
        function = config.pop("function")
        output_shape = config.pop("output_shape", None)
        return cls(function, output_shape=output_shape, arguments=arguments,
                   **from_keras_config(cls, config))


def _function_config(fn) -> dict:
    """A function as Keras 3.15's Lambda writes it in a config."""
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {"class_name": "__lambda__",
                "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


def _function_from_config(spec, custom_objects, safe_mode):
    """The function of a config entry written by :func:`_function_config` (or Keras)."""
    if callable(spec):
        return spec
    if isinstance(spec, str):  # a name (as crossops.saving passes one it did not find)
        spec = {"module": "builtins", "class_name": "function", "config": spec}
    if not isinstance(spec, dict):
        raise ValueError(f"Lambda.from_config: cannot read a function from {spec!r}")
    if spec.get("class_name") == "__lambda__":
        if safe_mode:
            raise ValueError("Lambda.from_config: the config holds a Python lambda "
                             "(bytecode); loading it runs code, so it is refused unless "
                             "from_config(..., safe_mode=False) is called for a trusted "
                             "config")
        inner = spec["config"]
        code = marshal.loads(base64.decodebytes(inner["code"].encode("ascii")))
        closure = inner.get("closure")
        cells = tuple(types.CellType(v) for v in closure) if closure else None
        defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
        return types.FunctionType(code, globals(), code.co_name, defaults, cells)
    name = spec.get("config")
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    from crossops import ops
    found = getattr(ops, str(name), None)
    if callable(found):
        return found
    module = spec.get("module")
    if module and module != "builtins" and not safe_mode:  # importing a module runs it
        found = getattr(importlib.import_module(module), str(name), None)
        if callable(found):
            return found
    raise ValueError(f"Lambda.from_config: cannot find the function {name!r}; pass it as "
                     f"from_config(config, custom_objects={{{name!r}: function}})")
