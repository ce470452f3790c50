"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Embedding."""

from __future__ import annotations

import math

import crossops.numpy as xnp
import crossops.random as xr

from . import _functional as F
from ._config import nulls, serialize_activation, serialize_initializer
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
        return xnp.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Reshapes every axis but the batch axis to ``target_shape`` (one -1 allowed)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        return xnp.reshape(inputs, (inputs.shape[0],) + self.target_shape)

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
                                (inputs.shape[0], self.n, inputs.shape[1]))

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
