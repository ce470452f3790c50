"""Normalization layers: BatchNormalization, LayerNormalization, RMSNormalization,
GroupNormalization, UnitNormalization (Keras's arguments, weights and arithmetic)."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import core, nn

from ._config import nulls, serialize_initializer
from ._layer import Layer


def _axes(axis, ndim):
    axes = [axis] if isinstance(axis, int) else list(axis)
    return sorted(a % ndim for a in axes)


class BatchNormalization(Layer):
    """Normalises with the batch's statistics in training (updating moving averages with
    ``momentum``) and with the moving averages otherwise.

    Weights: gamma, beta (trainable), moving_mean, moving_variance (non-trainable).
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self.inits = {"beta": beta_initializer, "gamma": gamma_initializer,
                          "moving_mean": moving_mean_initializer,
                          "moving_variance": moving_variance_initializer}

    def build(self, input_shape):
        self._ndim = len(input_shape)
        if not -self._ndim <= self.axis < self._ndim:
            raise ValueError(f"{self.name}: axis {self.axis} is out of range for inputs of "
                             f"shape {tuple(input_shape)}")
        n = (input_shape[self.axis],)
        self.gamma = self.add_weight(n, self.inits["gamma"], name="gamma") if self.scale \
            else None
        self.beta = self.add_weight(n, self.inits["beta"], name="beta") if self.center \
            else None
        self.moving_mean = self.add_weight(n, self.inits["moving_mean"], trainable=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight(n, self.inits["moving_variance"],
                                               trainable=False, name="moving_variance")

    def call(self, inputs, training=False):
        if inputs.ndim != self._ndim:
            raise ValueError(f"{self.name}: expected inputs of rank {self._ndim}, got shape "
                             f"{tuple(inputs.shape)}")
        axis = self.axis % inputs.ndim
        offset = None if self.beta is None else self.beta.value
        scale = None if self.gamma is None else self.gamma.value
        if training and self.trainable:  # the batch's statistics (torch: one fused kernel)
            out, mean, var = nn.batch_normalization_training(
                inputs, axis, offset=offset, scale=scale, epsilon=self.epsilon)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.value * m + mean * (1 - m))
            self.moving_variance.assign(self.moving_variance.value * m + var * (1 - m))
            return out
        return nn.batch_normalization(inputs, self.moving_mean.value,
                                      self.moving_variance.value, axis=axis, offset=offset,
                                      scale=scale, epsilon=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{f"{k}_initializer": serialize_initializer(v) for k, v in self.inits.items()},
                **nulls("beta_regularizer", "gamma_regularizer", "beta_constraint",
                        "gamma_constraint"),
                "synchronized": False, "renorm": False, "renorm_clipping": None,
                "renorm_momentum": 0.99}

    @classmethod
    def from_config(cls, config):
        """The layer from its config; Keras 2 writes ``axis`` as a list of one axis."""
        axis = config.get("axis")
        if isinstance(axis, list | tuple) and len(axis) == 1:
            config = {**config, "axis": axis[0]}
        return super().from_config(config)


class LayerNormalization(Layer):
    """Normalises each example over ``axis`` (the last by default), then scales and
    shifts."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        self._axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in self._axes)
        self.gamma = self.add_weight(shape, self.gamma_initializer, name="gamma") \
            if self.scale else None
        self.beta = self.add_weight(shape, self.beta_initializer, name="beta") \
            if self.center else None

    def call(self, inputs):
        gamma, beta = (None if w is None else w.value for w in (self.gamma, self.beta))
        return nn.layer_normalization(inputs, gamma, beta, axis=self._axes,
                                      epsilon=self.epsilon)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": False,
                **_gamma_beta(self)}


class RMSNormalization(Layer):
    """``x / sqrt(mean(x**2, axis) + epsilon) * scale``."""

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, epsilon

    def build(self, input_shape):
        self._axes = _axes(self.axis, len(input_shape))
        self.scale = self.add_weight(tuple(input_shape[a] for a in self._axes), "ones",
                                     name="scale")

    def call(self, inputs):
        axes = tuple(self._axes)
        ms = xnp.mean(inputs * inputs, axis=axes, keepdims=True)
        shape = [1] * inputs.ndim
        for a, n in zip(self._axes, self.scale.shape):
            shape[a] = n
        return inputs / xnp.sqrt(ms + self.epsilon) * xnp.reshape(self.scale.value, tuple(shape))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


class GroupNormalization(Layer):
    """Splits the channels (``axis``) into ``groups`` and normalises each group of each
    example over its channels and spatial positions."""

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon = groups, axis, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer

    def build(self, input_shape):
        channels = input_shape[self.axis]
        if channels % self.groups:
            raise ValueError(f"{self.name}: {channels} channels cannot be split into "
                             f"{self.groups} groups (input shape {tuple(input_shape)})")
        self.gamma = self.add_weight((channels,), self.gamma_initializer, name="gamma") \
            if self.scale else None
        self.beta = self.add_weight((channels,), self.beta_initializer, name="beta") \
            if self.center else None

    def call(self, inputs):
        ndim, axis = inputs.ndim, self.axis % inputs.ndim
        shape = core.shape(inputs)  # (a batch size unknown when traced: tf.shape's)
        c = shape[axis]
        grouped = xnp.reshape(inputs, shape[:axis] + (self.groups, c // self.groups)
                              + shape[axis + 1:])
        reduce = tuple(a for a in range(1, ndim + 1) if a != axis)
        mean, var = nn.moments(grouped, reduce, keepdims=True)
        y = xnp.reshape((grouped - mean) / xnp.sqrt(var + self.epsilon), shape)
        bshape = [1] * ndim
        bshape[axis] = c
        if self.gamma is not None:
            y = y * xnp.reshape(self.gamma.value, tuple(bshape))
        if self.beta is not None:
            y = y + xnp.reshape(self.beta.value, tuple(bshape))
        return y

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **_gamma_beta(self)}


class UnitNormalization(Layer):
    """Scales each example to unit L2 norm over ``axis``, Keras's ``UnitNormalization``:
    ``x / sqrt(max(sum(x**2, axis), 1e-24))`` (a zero vector stays zero).

    Parameters
    ----------
    axis : int or sequence of int
        The axis or axes normalised over (default the last).
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Examples
    --------
    >>> import numpy as np
    >>> UnitNormalization()(np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """

    def __init__(self, axis: int | list | tuple = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, list | tuple):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"UnitNormalization: axis must be an int or a list/tuple of "
                            f"ints, got {axis!r}")

    def build(self, input_shape):
        rank = len(input_shape)
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            if not -rank <= a < rank:
                raise ValueError(f"{self.name}: axis {self.axis} is out of range for inputs "
                                 f"of shape {tuple(input_shape)}")

    def call(self, inputs):
        return nn.normalize(inputs, axis=self.axis, order=2, epsilon=1e-12)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _gamma_beta(layer) -> dict:
    """The initializer, regularizer and constraint keys of Keras's gamma and beta."""
    return {"beta_initializer": serialize_initializer(layer.beta_initializer),
            "gamma_initializer": serialize_initializer(layer.gamma_initializer),
            **nulls("beta_regularizer", "gamma_regularizer", "beta_constraint",
                    "gamma_constraint")}
