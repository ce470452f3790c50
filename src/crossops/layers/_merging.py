"""Merging layers (Add, Multiply, Average, Concatenate) and shape layers (ZeroPadding2D,
UpSampling2D)."""

from __future__ import annotations

import crossops.numpy as xnp

from ._layer import Layer


class _Merge(Layer):
    def call(self, inputs):
        if not isinstance(inputs, list | tuple) or len(inputs) < 2:
            raise ValueError(f"{self.name}: expects a list of at least 2 inputs, got "
                             f"{type(inputs).__name__}")
        shapes = {tuple(x.shape) for x in inputs}
        if len(shapes) > 1 and not isinstance(self, Concatenate) and \
                not _broadcastable(shapes):
            raise ValueError(f"{self.name}: inputs must have one shape, or shapes that "
                             f"broadcast together (as Keras), got {sorted(shapes)}")
        return self.merge(list(inputs))


def _broadcastable(shapes) -> bool:
    """Whether arrays of ``shapes`` broadcast together (NumPy's rule)."""
    rank = max(len(s) for s in shapes)
    for dims in zip(*((1,) * (rank - len(s)) + s for s in shapes)):
        if len(set(dims) - {1}) > 1:
            return False
    return True


class Add(_Merge):
    """The elementwise sum of the inputs."""

    def merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out


class Multiply(_Merge):
    """The elementwise product of the inputs."""

    def merge(self, xs):
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out


class Average(Add):
    """The elementwise mean of the inputs."""

    def merge(self, xs):
        return super().merge(xs) / len(xs)


class Concatenate(_Merge):
    """The inputs joined along ``axis``."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def merge(self, xs):
        return xnp.concat(xs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _pairs(value, name):
    if isinstance(value, int):
        return ((value, value), (value, value))
    a, b = value
    return (((a, a) if isinstance(a, int) else tuple(a)),
            ((b, b) if isinstance(b, int) else tuple(b)))


class ZeroPadding2D(Layer):
    """Pads rows and columns of images with zeros."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        from crossops import config
        self.padding = _pairs(padding, "padding")
        self.data_format = config.standardize_data_format(data_format, "ZeroPadding2D")

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: expected 4-D images, got shape "
                             f"{tuple(inputs.shape)}")
        (t, b), (lft, r) = self.padding
        pad = [(0, 0), (t, b), (lft, r), (0, 0)] if self.data_format == "channels_last" else \
            [(0, 0), (0, 0), (t, b), (lft, r)]
        return xnp.pad(inputs, pad)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class UpSampling2D(Layer):
    """Repeats rows and columns ``size`` times (nearest-neighbour upsampling)."""

    def __init__(self, size=(2, 2), data_format="channels_last", interpolation="nearest",
                 **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise ValueError(f"UpSampling2D: interpolation {interpolation!r} is not "
                             "available; use 'nearest', or crossops.image.resize")
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.data_format, self.interpolation = data_format, interpolation

    def call(self, inputs):
        if inputs.ndim != 4:
            raise ValueError(f"{self.name}: expected 4-D images, got shape "
                             f"{tuple(inputs.shape)}")
        rows, cols = (1, 2) if self.data_format == "channels_last" else (2, 3)
        x = xnp.repeat(inputs, self.size[0], axis=rows)
        return xnp.repeat(x, self.size[1], axis=cols)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}
