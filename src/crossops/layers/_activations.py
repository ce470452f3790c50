"""Activation layers with Keras's arguments and arithmetic: ReLU (with ``max_value``,
``negative_slope``, ``threshold``), Softmax (with a mask), LeakyReLU, ELU, PReLU."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import nn

from .._dtypes import dtype_name
from ._config import nulls, serialize_initializer
from ._layer import Layer


def relu(x, negative_slope: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0):
    """Keras's rectifier: ``x`` above ``threshold`` (else 0), clipped at ``max_value``,
    minus ``negative_slope * relu(threshold - x)``.

    Examples
    --------
    >>> import numpy as np
    >>> relu(np.array([-2.0, 1.0, 8.0], np.float32), 0.5, 6.0).tolist()
    [-1.0, 1.0, 6.0]
    """
    if negative_slope and max_value is None and threshold == 0:
        return nn.leaky_relu(x, negative_slope=negative_slope)
    negative = nn.relu(threshold - x) if negative_slope else None
    if threshold != 0:
        y = xnp.where(x > threshold, x, xnp.zeros_like(x))
    elif max_value == 6:
        y, max_value = nn.relu6(x), None
    else:
        y = nn.relu(x)
    if max_value is not None:
        y = xnp.clip(y, 0.0, float(max_value))
    if negative is not None:
        y = y - negative_slope * negative
    return y


class ReLU(Layer):
    """Rectified linear unit, Keras's ``ReLU`` layer.

    Parameters
    ----------
    max_value : float, optional
        The largest output (>= 0); None for no bound.
    negative_slope : float
        The slope below ``threshold`` (>= 0).
    threshold : float
        Inputs at or below it give 0 (before the negative slope).
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Examples
    --------
    >>> import numpy as np
    >>> ReLU(max_value=6.0)(np.array([-1.0, 3.0, 9.0], np.float32)).tolist()
    [0.0, 3.0, 6.0]
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: max_value must be None or >= 0, got {max_value}")
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"ReLU: negative_slope must be >= 0, got {negative_slope}")
        if threshold is None or threshold < 0:
            raise ValueError(f"ReLU: threshold must be >= 0, got {threshold}")
        self.max_value = max_value
        self.negative_slope, self.threshold = negative_slope, threshold

    def call(self, inputs):
        return relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self) -> dict:
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class Softmax(Layer):
    """Softmax over ``axis``, Keras's ``Softmax`` layer: ``mask`` (bool, or > 0.5 kept)
    sets the masked positions to -1e9 (-3e4 in float16) before and to 0 after.

    Parameters
    ----------
    axis : int or tuple of int
        The axis (or axes) normalised over.
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> Softmax()(np.array([[0.0, 0.0]], np.float32)).tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, axis: int | tuple[int, ...] = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if mask.ndim > inputs.ndim:
                raise ValueError(f"{self.name}: mask of shape {tuple(mask.shape)} has more "
                                 f"axes than the inputs {tuple(inputs.shape)}")
            if not xnp.isdtype(mask.dtype, "bool"):
                mask = mask > 0.5
            low = -3e4 if dtype_name(inputs.dtype) == "float16" else -1e9
            inputs = xnp.where(mask, inputs, xnp.full_like(inputs, low))
        axis = self.axis
        if isinstance(axis, tuple | list) and len(axis) > 1:
            out = xnp.exp(inputs - xnp.max(inputs, axis=tuple(axis), keepdims=True))
            out = out / xnp.sum(out, axis=tuple(axis), keepdims=True)
        else:
            out = nn.softmax(inputs, axis=axis[0] if isinstance(axis, tuple | list) else axis)
        if mask is not None:
            out = xnp.where(mask, out, xnp.zeros_like(out))
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class LeakyReLU(Layer):
    """``x`` for ``x >= 0``, ``negative_slope * x`` below, Keras's ``LeakyReLU``.

    Parameters
    ----------
    negative_slope : float
        The slope for negative inputs (>= 0).
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> LeakyReLU(0.5)(np.array([-2.0, 2.0], np.float32)).tolist()
    [-1.0, 2.0]
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be >= 0, got {negative_slope}")
        self.negative_slope = negative_slope

    def call(self, inputs):
        return nn.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` below.

    Parameters
    ----------
    alpha : float
        The scale of the negative part.
    **kwargs
        ``name``, ``trainable``, ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> ELU()(np.array([0.0, 2.0], np.float32)).tolist()
    [0.0, 2.0]
    """

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return nn.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Parametric rectifier, Keras's ``PReLU``: ``relu(x) - alpha * relu(-x)`` with a
    learned ``alpha`` per input position (batch axis excluded).

    Parameters
    ----------
    alpha_initializer : str or Initializer
        The initializer of ``alpha`` (default ``"Zeros"``, as Keras).
    alpha_regularizer, alpha_constraint : None
        Keras's; not available in crossops (only None is accepted).
    shared_axes : int or sequence of int, optional
        Axes (counted from 1, the batch axis being 0) along which ``alpha`` is shared:
        its size is 1 there (``shared_axes=[1, 2]`` for one slope per channel of
        (batch, height, width, channels) images).
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Notes
    -----
    The weight is ``alpha`` of shape ``input_shape[1:]`` with the shared axes set to 1,
    as Keras's.

    Examples
    --------
    >>> import numpy as np
    >>> layer = PReLU(alpha_initializer="ones", shared_axes=1)
    >>> x = np.array([[[-2.0, 1.0], [3.0, -4.0]]], np.float32)
    >>> layer(x).tolist()
    [[[-2.0, 1.0], [3.0, -4.0]]]
    >>> layer.alpha.shape
    (1, 2)
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes: int | list | tuple | None = None, **kwargs):
        for arg, value in (("alpha_regularizer", alpha_regularizer),
                           ("alpha_constraint", alpha_constraint)):
            if value is not None:
                raise ValueError(f"PReLU: {arg} is not available in crossops (pass None)")
        super().__init__(**kwargs)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, list | tuple):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]
        for axis in self.shared_axes or ():
            if not isinstance(axis, int) or axis < 1:
                raise ValueError(f"PReLU: shared_axes must hold axes >= 1 (the batch axis 0 "
                                 f"is never shared), got {shared_axes!r}")
        self.alpha_initializer = alpha_initializer

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ValueError(f"{self.name}: shared axis {axis} is out of range for "
                                 f"inputs of shape {tuple(input_shape)}")
            shape[axis - 1] = 1
        self._ndim = len(input_shape)
        self.alpha = self.add_weight(tuple(shape), self.alpha_initializer, name="alpha")

    def call(self, inputs):
        if inputs.ndim != self._ndim:
            raise ValueError(f"{self.name}: expected inputs of rank {self._ndim} (as at "
                             f"build), got shape {tuple(inputs.shape)}")
        return nn.relu(inputs) + (-self.alpha.value) * nn.relu(-inputs)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "alpha_initializer": serialize_initializer(self.alpha_initializer),
                **nulls("alpha_regularizer", "alpha_constraint"),
                "shared_axes": self.shared_axes}
