"""Convolution and pooling layers over ``crossops.nn``'s ops, with Keras's arguments and
weight layouts (kernels (spatial..., in, out); transposed (spatial..., out, in))."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import nn

from . import _functional as F
from ._config import nulls, serialize_activation, serialize_initializer
from ._layer import Layer


def _tuple(value, rank, name, owner):
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(value)
    if len(value) != rank:
        raise ValueError(f"{owner}: {name} must be an int or {rank} ints, got {value}")
    return value


def _channels(layer, input_shape):
    if len(input_shape) != layer.rank + 2:
        raise ValueError(f"{layer.name}: expected inputs of rank {layer.rank + 2} (batch, "
                         f"{layer.rank} spatial axes, channels), got shape "
                         f"{tuple(input_shape)}")
    return input_shape[-1] if layer.data_format == "channels_last" else input_shape[1]


class _Conv(Layer):
    rank = 2
    transpose = False

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 output_padding=None, **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{owner}: filters must be a positive int, got {filters!r}")
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError(f"{owner}: padding must be 'valid' or 'same', got {padding!r}")
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, self.rank, "kernel_size", owner)
        self.strides = _tuple(strides, self.rank, "strides", owner)
        self.dilation_rate = _tuple(dilation_rate, self.rank, "dilation_rate", owner)
        self.padding, self.groups = str(padding).lower(), groups
        self.data_format = data_format or "channels_last"
        self.activation, self._act = activation, F.activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.output_padding = output_padding

    def build(self, input_shape):
        c = _channels(self, input_shape)
        if c % self.groups or self.filters % self.groups:
            raise ValueError(f"{self.name}: {c} input channels and {self.filters} filters must "
                             f"both divide into groups={self.groups}")
        shape = self.kernel_size + ((self.filters, c) if self.transpose
                                    else (c // self.groups, self.filters))
        self.kernel = self.add_weight(shape, self.kernel_initializer, name="kernel",
                                      layout=None if self.transpose else "conv_kernel_layout")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias") \
            if self.use_bias else None
        self._in_channels = c

    def call(self, inputs):
        c = _channels(self, inputs.shape)
        if c != self._in_channels:
            raise ValueError(f"{self.name}: expected {self._in_channels} input channels, got "
                             f"shape {tuple(inputs.shape)}")
        if self.transpose:
            y = nn.conv_transpose(inputs, self.kernel.value, self.strides, self.padding,
                                  self.output_padding, self.data_format, self.dilation_rate)
        else:
            y = nn.conv(inputs, self.kernel.value, self.strides, self.padding,
                        self.data_format, self.dilation_rate)
        return self._act(self._add_bias(y))

    def _add_bias(self, y):
        if self.bias is None:
            return y
        if self.data_format == "channels_last":
            return y + self.bias.value
        return y + xnp.reshape(self.bias.value, (-1,) + (1,) * self.rank)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding,
                **({"output_padding": self.output_padding} if self.transpose else {}),
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                **({} if self.transpose else {"groups": self.groups}),
                "activation": serialize_activation(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": serialize_initializer(self.kernel_initializer),
                "bias_initializer": serialize_initializer(self.bias_initializer),
                **nulls("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "bias_constraint")}


def _conv(name, rank, transpose=False):
    doc = (f"{rank}-D {'transposed ' if transpose else ''}convolution; kernel "
           f"{'(spatial..., filters, in)' if transpose else '(spatial..., in, filters)'}.")
    return type(name, (_Conv,), {"rank": rank, "transpose": transpose, "__doc__": doc})


Conv1D, Conv2D, Conv3D = (_conv(f"Conv{r}D", r) for r in (1, 2, 3))
Conv1DTranspose, Conv2DTranspose, Conv3DTranspose = (
    _conv(f"Conv{r}DTranspose", r, True) for r in (1, 2, 3))


class DepthwiseConv2D(_Conv):
    """Each input channel convolved with its own ``depth_multiplier`` filters; kernel
    (kh, kw, in, depth_multiplier)."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(1, kernel_size, strides, padding, data_format, dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.depth_multiplier = depth_multiplier

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups", "kernel_initializer", "kernel_regularizer",
                    "kernel_constraint"):
            config.pop(key)
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": serialize_initializer(self.kernel_initializer),
                **nulls("depthwise_regularizer", "depthwise_constraint")}

    def build(self, input_shape):
        c = self._in_channels = _channels(self, input_shape)
        self.kernel = self.add_weight(self.kernel_size + (c, self.depth_multiplier),
                                      self.kernel_initializer, name="kernel")
        self.bias = self.add_weight((c * self.depth_multiplier,), self.bias_initializer,
                                    name="bias") if self.use_bias else None

    def call(self, inputs):
        _channels(self, inputs.shape)
        y = nn.depthwise_conv(inputs, self.kernel.value, self.strides, self.padding,
                              self.data_format, self.dilation_rate)
        return self._act(self._add_bias(y))


class SeparableConv2D(_Conv):
    """A depthwise convolution, then a 1x1 convolution to ``filters``."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.pointwise_initializer = pointwise_initializer

    def get_config(self):
        config = super().get_config()
        for key in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(key)
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": serialize_initializer(self.kernel_initializer),
                "pointwise_initializer": serialize_initializer(self.pointwise_initializer),
                **nulls("depthwise_regularizer", "pointwise_regularizer",
                        "depthwise_constraint", "pointwise_constraint")}

    def build(self, input_shape):
        c = self._in_channels = _channels(self, input_shape)
        self.depthwise_kernel = self.add_weight(self.kernel_size + (c, self.depth_multiplier),
                                                self.kernel_initializer,
                                                name="depthwise_kernel")
        self.pointwise_kernel = self.add_weight(
            (1, 1, c * self.depth_multiplier, self.filters), self.pointwise_initializer,
            name="pointwise_kernel")
        self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias") \
            if self.use_bias else None

    def call(self, inputs):
        _channels(self, inputs.shape)
        y = nn.separable_conv(inputs, self.depthwise_kernel.value, self.pointwise_kernel.value,
                              self.strides, self.padding, self.data_format, self.dilation_rate)
        return self._act(self._add_bias(y))


class _Pool(Layer):
    rank = 2
    op = "max_pool"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError(f"{owner}: padding must be 'valid' or 'same', got {padding!r}")
        self.pool_size = _tuple(pool_size, self.rank, "pool_size", owner)
        self.strides = self.pool_size if strides is None else _tuple(strides, self.rank,
                                                                      "strides", owner)
        self.padding, self.data_format = str(padding).lower(), data_format or "channels_last"

    def call(self, inputs):
        _channels(self, inputs.shape)
        return getattr(nn, self.op)(inputs, self.pool_size, self.strides, self.padding,
                                    self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


def _pool(name, rank, op):
    return type(name, (_Pool,), {"rank": rank, "op": op,
                                 "__doc__": f"{rank}-D {op.split('_')[0]} pooling."})


MaxPooling1D, MaxPooling2D, MaxPooling3D = (_pool(f"MaxPooling{r}D", r, "max_pool")
                                            for r in (1, 2, 3))
AveragePooling1D, AveragePooling2D, AveragePooling3D = (
    _pool(f"AveragePooling{r}D", r, "average_pool") for r in (1, 2, 3))


class _GlobalPool(Layer):
    rank = 2
    reduce = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format, self.keepdims = data_format or "channels_last", keepdims

    def call(self, inputs):
        _channels(self, inputs.shape)
        first = 1 if self.data_format == "channels_last" else 2
        axes = tuple(range(first, first + self.rank))
        return getattr(xnp, self.reduce)(inputs, axis=axes, keepdims=self.keepdims)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


def _global(name, rank, reduce):
    return type(name, (_GlobalPool,), {"rank": rank, "reduce": reduce,
                                       "__doc__": f"The {reduce} over the {rank} spatial axes."})


GlobalMaxPooling1D, GlobalMaxPooling2D = (_global(f"GlobalMaxPooling{r}D", r, "max")
                                          for r in (1, 2))
GlobalAveragePooling1D, GlobalAveragePooling2D = (
    _global(f"GlobalAveragePooling{r}D", r, "mean") for r in (1, 2))
