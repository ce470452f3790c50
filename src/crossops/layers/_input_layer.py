"""Keras's ``InputLayer`` and ``Input``: the layer that stands for a model's input, and the
symbolic tensor it makes. A functional model lists its input layers in ``.layers`` (as
Keras's); calling a model never calls them."""

from __future__ import annotations

import warnings

from .._config import floatx
from .._dtypes import dtype_name
from ._layer import Layer
from ._symbolic import SymbolicTensor


class InputLayer(Layer):
    """The input of a model: it has no weights and is never called; its ``output`` is the
    symbolic tensor that stands for a batch of inputs (what :func:`Input` returns).

    Parameters
    ----------
    shape : tuple of int or None, optional
        The shape of one example (the batch axis excluded); ``None`` for an axis of any
        size. Give ``shape`` or ``batch_shape``, not both.
    batch_size : int, optional
        A fixed batch size (default: any).
    dtype : str, optional
        The inputs' dtype (default :func:`crossops.config.floatx`, ``"float32"``).
    sparse, ragged : bool, optional
        Keras's sparse and ragged inputs; crossops's symbolic inputs are dense, so only
        ``False`` (or ``None``) is accepted.
    batch_shape : tuple of int or None, optional
        The shape with the batch axis.
    input_tensor : SymbolicTensor, optional
        An existing symbolic tensor to use as the input (its shape and dtype are the
        layer's; any of ``shape``, ``batch_size``, ``batch_shape`` and ``dtype`` given
        must agree with them).
    optional : bool
        Keras's optional inputs (kept in the config).
    name : str, optional
        The layer's name, also the tensor's; default ``input_layer``, ``input_layer_1`` ...
        (the tensor then ``keras_tensor``, ``keras_tensor_1`` ...).
    **kwargs
        Keras 2's ``input_shape`` (for ``shape``) and ``batch_input_shape`` (for
        ``batch_shape``).

    Examples
    --------
    >>> from crossops import layers, models
    >>> inp = layers.InputLayer(shape=(3,), name="x")
    >>> inp.output.shape, inp.batch_shape, inp.dtype
    ((None, 3), (None, 3), 'float32')
    >>> model = models.Model(inp.output, layers.Dense(2, name="d")(inp.output))
    >>> [type(layer).__name__ for layer in model.layers], model.get_layer("x") is inp
    (['InputLayer', 'Dense'], True)
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
                 batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs):
        if "input_shape" in kwargs:
            warnings.warn("InputLayer: argument `input_shape` is deprecated. Use `shape` "
                          "instead.", stacklevel=2)
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs:
            raise TypeError(f"InputLayer: unknown arguments {sorted(kwargs)}")
        super().__init__(name=name)
        if input_tensor is not None:
            batch_shape, dtype = _check_input_tensor(input_tensor, shape, batch_size,
                                                     batch_shape, dtype)
        else:
            if shape is not None and batch_shape is not None:
                raise ValueError("InputLayer: you cannot pass both `shape` and `batch_shape` "
                                 "at the same time.")
            if batch_size is not None and batch_shape is not None:
                raise ValueError("InputLayer: you cannot pass both `batch_size` and "
                                 "`batch_shape` at the same time.")
            if shape is None and batch_shape is None:
                raise ValueError("InputLayer: you must pass a `shape` argument.")
            if shape is not None:
                batch_shape = (batch_size, *_standardize_shape(shape))
        for flag, value in (("sparse", sparse), ("ragged", ragged)):
            if value:
                raise ValueError(f"InputLayer: `{flag}=True` is not supported: crossops's "
                                 f"symbolic inputs are dense; pass {flag}=False (the "
                                 "default) and feed dense arrays")
        self._batch_shape = _standardize_shape(batch_shape)
        self._input_dtype = dtype_name(dtype) if dtype is not None else floatx()
        self.sparse = False
        self.ragged = False
        self.optional = bool(optional)
        if input_tensor is None:
            input_tensor = SymbolicTensor(self._batch_shape, self._input_dtype, name=name)
        # the tensor's history points at this layer (Keras's ``_keras_history``); the
        # functional graph stops at a model's inputs, so the layer is never called
        input_tensor._input_layer = self
        self._input_tensor = input_tensor
        self._output_shape = self._batch_shape  # for summary
        self.built = True

    def call(self):
        """Nothing: an input layer is never called (its output is its tensor)."""
        return None

    @property
    def output(self) -> SymbolicTensor:
        """The symbolic tensor that stands for the input."""
        return self._input_tensor

    @property
    def input(self) -> list:
        """An input layer reads nothing (Keras's: an empty list)."""
        return []

    @property
    def batch_shape(self) -> tuple:
        """The input's shape, the batch axis first (``None`` where any size goes)."""
        return self._batch_shape

    @property
    def dtype(self) -> str:
        """The input's dtype (Keras's: the tensor's, not the layer's policy)."""
        return self._input_dtype

    def get_config(self) -> dict:
        """Keras's config: ``batch_shape``, ``dtype``, ``sparse``, ``ragged``, ``name``,
        ``optional``."""
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config: dict) -> InputLayer:
        """The layer from its config (crossops's, Keras 3's or Keras 2's, whose
        ``batch_input_shape`` and DTypePolicy dtypes are read too)."""
        config = dict(config)
        dtype = config.get("dtype")
        if isinstance(dtype, dict):  # a serialized DTypePolicy
            config["dtype"] = dtype.get("config", {}).get("name")
        if "batch_shape" in config and "batch_input_shape" in config:
            config.pop("batch_input_shape")
        for key in set(config) - _CONFIG_KEYS:
            value = config.pop(key)
            if value not in (None, False):
                raise ValueError(f"InputLayer.from_config: the config sets {key}={value!r}, "
                                 "which crossops's InputLayer does not take")
        return cls(**config)


#: the keys InputLayer.from_config passes on (Keras 3's and Keras 2's)
_CONFIG_KEYS = {"shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape",
                "optional", "name", "input_shape", "batch_input_shape"}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, batch_shape=None,
          name=None, tensor=None, optional=False) -> SymbolicTensor:
    """A symbolic input (Keras's ``keras.Input``): the output of a new :class:`InputLayer`
    with these arguments (``shape`` excludes the batch axis; ``tensor`` is the layer's
    ``input_tensor``).

    As in Keras, ``name`` names the tensor and its input layer; without one the tensor is
    ``keras_tensor``, ``keras_tensor_1`` ... and the input layer ``input_layer``,
    ``input_layer_1`` ... (in a functional model's ``layers``, its config and ``.keras``
    file).

    Examples
    --------
    >>> Input((4,)).shape
    (None, 4)
    >>> x = Input((4,), batch_size=2, dtype="int32", name="pixels")
    >>> x.shape, x.dtype, x.name, x._input_layer.name
    ((2, 4), 'int32', 'pixels', 'pixels')
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       ragged=ragged, batch_shape=batch_shape, name=name, input_tensor=tensor,
                       optional=optional)
    return layer.output


def input_layer_of(tensor) -> InputLayer | None:
    """The :class:`InputLayer` that made the symbolic ``tensor`` (None for a tensor a
    layer computed, or anything else)."""
    return getattr(tensor, "_input_layer", None)


def _standardize_shape(shape) -> tuple:
    """``shape`` as a tuple of non-negative ints and Nones (Keras's rules)."""
    if shape is None or not hasattr(shape, "__iter__") or isinstance(shape, str):
        raise ValueError(f"InputLayer: cannot convert {shape!r} to a shape; pass a tuple of "
                         "ints or None, e.g. shape=(3,)")
    out = []
    for d in shape:
        if d is None:
            out.append(None)
            continue
        if isinstance(d, str | float | bool) or not hasattr(d, "__index__"):
            raise ValueError(f"InputLayer: cannot convert {tuple(shape)!r} to a shape: found "
                             f"the dimension {d!r} of type {type(d).__name__}; use ints or "
                             "None")
        d = int(d)
        if d < 0:
            raise ValueError(f"InputLayer: cannot convert {tuple(shape)!r} to a shape: "
                             "negative dimensions are not allowed")
        out.append(d)
    return tuple(out)


def _check_input_tensor(tensor, shape, batch_size, batch_shape, dtype):
    """The batch shape and dtype of ``input_tensor``, the other arguments checked against
    them (Keras's errors)."""
    if not isinstance(tensor, SymbolicTensor):
        raise ValueError("InputLayer: argument `input_tensor` must be a SymbolicTensor (from "
                         f"crossops.layers.Input or a layer call). Received invalid type: "
                         f"input_tensor={tensor!r} (of type {type(tensor).__name__})")
    if batch_size is not None and (not tensor.shape or tensor.shape[0] != batch_size):
        raise ValueError("InputLayer: when providing the `input_tensor` argument, you cannot "
                         f"provide an incompatible `batch_size` argument ({batch_size}; the "
                         f"tensor's shape is {tensor.shape})")
    if shape is not None and tuple(_standardize_shape(shape)) != tuple(tensor.shape[1:]):
        raise ValueError("InputLayer: when providing the `input_tensor` argument, you cannot "
                         f"provide an incompatible `shape` argument ({tuple(shape)}; the "
                         f"tensor's shape is {tensor.shape})")
    if batch_shape is not None and tuple(_standardize_shape(batch_shape)) != tensor.shape:
        raise ValueError("InputLayer: when providing the `input_tensor` argument, you cannot "
                         f"provide an incompatible `batch_shape` argument "
                         f"({tuple(batch_shape)}; the tensor's shape is {tensor.shape})")
    if dtype is not None and dtype_name(dtype) != tensor.dtype:
        raise ValueError("InputLayer: when providing the `input_tensor` argument, you cannot "
                         f"provide an incompatible `dtype` argument ({dtype_name(dtype)}; the "
                         f"tensor's dtype is {tensor.dtype})")
    return tensor.shape, tensor.dtype
