"""Preprocessing layers with Keras's arguments, weights and arithmetic: Rescaling,
Normalization (with ``adapt``), Resizing, CenterCrop."""

from __future__ import annotations

import numpy as np

import crossops.numpy as xnp
from crossops import config as _config
from crossops import image

from ._layer import Layer


def _floating(layer, x):
    """``x`` as the layer's compute dtype when it is not floating already."""
    if xnp.isdtype(x.dtype, "real floating"):
        return x
    return xnp.astype(x, layer.compute_dtype)


def _constant(value, x):
    """A host value as an array of ``x``'s backend and dtype."""
    from .._backend import backend_of_type
    from .._dispatch import call_on
    from .._dtypes import dtype_name
    return call_on(backend_of_type(type(x)) or "numpy", "asarray",
                   np.asarray(value, np.float64), dtype=dtype_name(x.dtype))


def _plain(value):
    """A scale or offset as Keras serializes it: numbers and lists as they are, arrays as
    lists."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    return value


class Rescaling(Layer):
    """``inputs * scale + offset``, Keras's ``Rescaling`` (a vector ``scale`` or ``offset``
    applies per channel: along the last axis, or along axis -3 where
    ``crossops.config.image_data_format()`` is channels_first, as Keras).

    Parameters
    ----------
    scale : float or sequence of float
    offset : float or sequence of float
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> Rescaling(1 / 255)(np.array([[0, 255]], np.uint8)).tolist()
    [[0.0, 1.0]]
    """

    def __init__(self, scale: float | list[float], offset: float | list[float] = 0.0,
                 **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def _broadcast(self, value, x):
        value = _constant(value, x)
        if value.ndim and _config.image_data_format() == "channels_first":
            value = xnp.reshape(value, tuple(value.shape) + (1,) * (3 - value.ndim))
        return value

    def call(self, inputs):
        x = xnp.astype(inputs, self.compute_dtype)
        return xnp.add(xnp.multiply(x, self._broadcast(self.scale, x)),
                       self._broadcast(self.offset, x))

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": _plain(self.scale),
                "offset": _plain(self.offset)}


class Normalization(Layer):
    """``(inputs - mean) / max(sqrt(variance), epsilon)`` per feature of ``axis``
    (``inverse``: ``mean + inputs * max(sqrt(variance), epsilon)``), Keras's
    ``Normalization``.

    Without ``mean`` and ``variance`` the layer has the non-trainable weights ``mean``,
    ``variance`` and ``count`` (set by :meth:`adapt`, ``set_weights`` or a weights file);
    with them, no weights.

    Parameters
    ----------
    axis : int, tuple of int or None
        The axes that keep their own statistics (None: one scalar statistic).
    mean, variance : float or array-like, optional
        Fixed statistics, broadcast over the kept axes; give both or neither.
    invert : bool
        Undo the normalisation instead.
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
    >>> layer(np.array([[3.0, 4.0]], np.float32)).tolist()
    [[2.0, 1.0]]
    >>> layer = Normalization()
    >>> layer.adapt(np.array([[0.0], [2.0]], np.float32))
    >>> layer(np.array([[3.0]], np.float32)).tolist()
    [[2.0]]
    """

    def __init__(self, axis: int | tuple[int, ...] | None = -1, mean=None, variance=None,
                 invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = () if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: give both mean and variance, or neither; got "
                             f"mean={mean!r}, variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: mean {np.shape(mean)} and variance "
                                 f"{np.shape(variance)} must have one shape")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: mean of shape {np.shape(mean)} has more "
                                 f"axes than axis={self.axis}")
        self.input_mean, self.input_variance, self.invert = mean, variance, invert

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"{self.name}: axis {self.axis} is out of range for inputs of "
                             f"rank {ndim}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep else 1
                                      for d in range(ndim))
        shape = tuple(input_shape[d] for d in self._keep)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape, "ones", trainable=False,
                                                  name="variance")
            self.count = self.add_weight((), "zeros", dtype="int64", trainable=False,
                                         name="count")
        else:
            self._fixed = tuple(
                np.broadcast_to(np.asarray(v, np.float64), shape).reshape(
                    self._broadcast_shape) for v in (self.input_mean, self.input_variance))

    def adapt(self, data) -> None:
        """Set ``mean``, ``variance`` and ``count`` from ``data`` (an array of any
        backend, batch axis first), as Keras's ``adapt`` on an array."""
        import crossops
        host = np.asarray(crossops.to_numpy(data), np.float64)
        if not self.built:
            self.build(host.shape)
        if self.input_mean is not None:
            raise ValueError(f"{self.name}.adapt: the layer was given mean and variance")
        reduce = tuple(d for d in range(host.ndim) if d not in self._keep)
        mean, var = host.mean(axis=reduce), host.var(axis=reduce)
        count = int(np.prod([host.shape[d] for d in reduce]))
        self.set_weights([mean, var, np.asarray(count)])

    def call(self, inputs):
        x = _floating(self, inputs)
        if self.input_mean is None:
            mean = xnp.reshape(self.adapt_mean.value, self._broadcast_shape)
            var = xnp.reshape(self.adapt_variance.value, self._broadcast_shape)
            mean, var = xnp.astype(mean, x.dtype), xnp.astype(var, x.dtype)
        else:
            mean, var = (_constant(v, x) for v in self._fixed)
        std = xnp.maximum(xnp.sqrt(var), _config.epsilon())
        if self.invert:
            return xnp.add(mean, xnp.multiply(x, std))
        return xnp.divide(xnp.subtract(x, mean), std)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": _plain(self.input_mean), "variance": _plain(self.input_variance)}


def _size(height, width, owner):
    for name, v in (("height", height), ("width", width)):
        if not isinstance(v, int) or v <= 0:
            raise ValueError(f"{owner}: {name} must be a positive int, got {v!r}")


class Resizing(Layer):
    """Resizes images (3-D, or 4-D batched) to ``(height, width)``, Keras's ``Resizing``
    (``crossops.image.resize``).

    Parameters
    ----------
    height, width : int
    interpolation : str
        ``"bilinear"``, ``"nearest"``, ``"bicubic"``, ``"lanczos3"``, ``"lanczos5"``,
        ``"area"``.
    crop_to_aspect_ratio, pad_to_aspect_ratio : bool
        Crop (or pad with ``fill_value``) to the target's aspect ratio first.
    fill_mode : str
        ``"constant"``.
    fill_value : float
    antialias : bool
    data_format : str, optional
        ``"channels_last"`` or ``"channels_first"``; default
        ``crossops.config.image_data_format()``.
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> Resizing(2, 3)(np.zeros((1, 4, 4, 3), np.float32)).shape
    (1, 2, 3, 3)
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                 fill_mode: str = "constant", fill_value: float = 0.0, antialias: bool = False,
                 data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        _size(height, width, "Resizing")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: give crop_to_aspect_ratio or pad_to_aspect_ratio, "
                             "not both")
        self.height, self.width, self.interpolation = height, width, interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode, self.fill_value, self.antialias = fill_mode, fill_value, antialias
        self.data_format = _config.standardize_data_format(data_format, "Resizing")

    def call(self, inputs):
        return image.resize(_floating(self, inputs), (self.height, self.width),
                            interpolation=self.interpolation, antialias=self.antialias,
                            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
                            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
                            fill_mode=self.fill_mode, fill_value=self.fill_value,
                            data_format=self.data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format,
                "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}


class CenterCrop(Layer):
    """The central ``(height, width)`` window of images (3-D, or 4-D batched), Keras's
    ``CenterCrop``: an image smaller than the target on either side is instead cropped to
    the target's aspect ratio and resized (bilinear).

    Parameters
    ----------
    height, width : int
    data_format : str, optional
        Default ``crossops.config.image_data_format()``.
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1)
    >>> CenterCrop(2, 2)(x)[0, :, :, 0].tolist()
    [[5.0, 6.0], [9.0, 10.0]]
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        _size(height, width, "CenterCrop")
        self.height, self.width = height, width
        self.data_format = _config.standardize_data_format(data_format, "CenterCrop")

    def call(self, inputs):
        x = _floating(self, inputs)
        if x.ndim not in (3, 4):
            raise ValueError(f"{self.name}: expected 3-D or 4-D images, got shape "
                             f"{tuple(x.shape)}")
        rows = x.ndim - (2 if self.data_format == "channels_first" else 3)
        h, w = x.shape[rows], x.shape[rows + 1]
        if h < self.height or w < self.width:
            return image.resize(x, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)
        top, left = (h - self.height) // 2, (w - self.width) // 2
        index = [slice(None)] * x.ndim
        index[rows] = slice(top, top + self.height)
        index[rows + 1] = slice(left, left + self.width)
        return x[tuple(index)]

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format,
                "height": self.height, "width": self.width}
