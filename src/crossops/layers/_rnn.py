"""Recurrent layers: SimpleRNN, LSTM, GRU (Keras's weights, gate order and defaults) and
Bidirectional; the time loop is ``crossops.core.scan`` (lax.scan, tf.scan, a loop)."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import core

from . import _functional as F
from ._config import (
    from_keras_config,
    keras_object,
    nulls,
    serialize_activation,
    serialize_initializer,
)
from ._layer import Layer


class _RNN(Layer):
    gates = 1
    _cell_name = "simple_rnn_cell"  # Keras's cell layer's name (its weights' scope)

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 return_sequences=False, return_state=False, go_backwards=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive int, got "
                             f"{units!r}")
        self.units, self.use_bias = units, use_bias
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self._act, self._rec = F.activation(activation), F.activation(recurrent_activation)
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: expected inputs (batch, time, features), got shape "
                             f"{tuple(input_shape)}")
        n = self.gates * self.units
        self.kernel = self.add_weight((input_shape[-1], n), self.kernel_initializer,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, n), self.recurrent_initializer,
                                                name="recurrent_kernel")
        self.bias = self.add_weight(self._bias_shape(), self._bias_init(), name="bias") \
            if self.use_bias else None

    def _variable_scope(self) -> str:
        # Keras's recurrent layers keep their weights in a cell layer named after them
        # (lstm/lstm_cell/kernel); crossops has no cell layer but gives the same paths
        return f"{self._scope_path()}/{self._cell_name}"

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def _initial_state(self, x):
        zeros = _zero_state(x, self.units)
        return (zeros,)

    def call(self, inputs, initial_state=None, training=False):
        if inputs.ndim != 3 or inputs.shape[-1] != self.kernel.shape[0]:
            raise ValueError(f"{self.name}: expected inputs (batch, time, "
                             f"{self.kernel.shape[0]}), got shape {tuple(inputs.shape)}")
        state = self._initial_state(inputs) if initial_state is None else tuple(
            initial_state if isinstance(initial_state, list | tuple) else [initial_state])
        # the input projection of every step at once, then the recurrence
        xw = xnp.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            xw = xw + self._input_bias()
        weights = (self.recurrent_kernel.value, None if self.bias is None
                   else self._recurrent_bias())

        def step(carry, x_t):
            new = self.cell(x_t, carry, *weights)
            return new, new[0]

        state, outputs = core.scan(step, state, xnp.permute_dims(xw, (1, 0, 2)),
                                   reverse=self.go_backwards)
        outputs = xnp.permute_dims(outputs, (1, 0, 2))
        if self.go_backwards:
            outputs = xnp.flip(outputs, axis=1)
        out = outputs if self.return_sequences else state[0]
        return [out, *state] if self.return_state else out

    def _input_bias(self):
        return self.bias.value

    def _recurrent_bias(self):
        return None

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": False, "unroll": False, "zero_output_for_mask": False,
                "units": self.units, "activation": serialize_activation(self.activation),
                "recurrent_activation": serialize_activation(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": serialize_initializer(self.kernel_initializer),
                "recurrent_initializer": serialize_initializer(self.recurrent_initializer),
                "bias_initializer": serialize_initializer(self.bias_initializer),
                **nulls("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                        "activity_regularizer", "kernel_constraint", "recurrent_constraint",
                        "bias_constraint"),
                "dropout": 0.0, "recurrent_dropout": 0.0, "seed": None}


class SimpleRNN(_RNN):
    """``h = activation(x W + h U + b)``."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def cell(self, xw, state, u, _):
        return (self._act(xw + xnp.matmul(state[0], u)),)

    def get_config(self):
        config = super().get_config()
        for key in ("recurrent_activation", "seed"):
            config.pop(key)
        return config


class LSTM(_RNN):
    """Long short-term memory; gates in Keras's order (input, forget, cell, output); the
    forget gate's bias starts at 1 (``unit_forget_bias``)."""

    gates = 4
    _cell_name = "lstm_cell"

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        from .. import initializers
        base, u = initializers.get(self.bias_initializer), self.units

        def init(shape, dtype="float32"):
            b = base((shape[0],), dtype)
            b[u:2 * u] = 1
            return b
        return init

    def _initial_state(self, x):
        zeros = _zero_state(x, self.units)
        return (zeros, zeros)

    def cell(self, xw, state, u, _):
        h, c = state
        z = xw + xnp.matmul(h, u)
        n = self.units
        i, f = self._rec(z[:, :n]), self._rec(z[:, n:2 * n])
        g, o = self._act(z[:, 2 * n:3 * n]), self._rec(z[:, 3 * n:])
        c = f * c + i * g
        return (o * self._act(c), c)

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(_RNN):
    """Gated recurrent unit, Keras's default ``reset_after=True`` form (gates update,
    reset, candidate; separate input and recurrent biases)."""

    gates = 3
    _cell_name = "gru_cell"

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        if not reset_after:
            raise ValueError("GRU: only reset_after=True (Keras's default, cuDNN's form) is "
                             "available")
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units)

    def _input_bias(self):
        return self.bias.value[0]

    def _recurrent_bias(self):
        return self.bias.value[1]

    def cell(self, xw, state, u, rb):
        h = state[0]
        hu = xnp.matmul(h, u)
        if rb is not None:
            hu = hu + rb
        n = self.units
        z = self._rec(xw[:, :n] + hu[:, :n])
        r = self._rec(xw[:, n:2 * n] + hu[:, n:2 * n])
        hh = self._act(xw[:, 2 * n:] + r * hu[:, 2 * n:])
        return (z * h + (1 - z) * hh,)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and backwards over the time axis and merges the two
    outputs, Keras's ``Bidirectional``.

    Parameters
    ----------
    layer : SimpleRNN, LSTM or GRU
        The recurrent layer whose config both directions are made from (as Keras, two new
        layers, ``forward_<name>`` and ``backward_<name>``; ``layer`` itself is not used).
    merge_mode : {"concat", "sum", "mul", "ave"}
        How the two outputs are merged.
    backward_layer : SimpleRNN, LSTM or GRU, optional
        The backward layer, used as it is (it should have ``go_backwards=True``).
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Notes
    -----
    The weights' paths are Keras's: ``bidirectional/forward_lstm/lstm_cell/kernel``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.layers import LSTM
    >>> layer = Bidirectional(LSTM(3, name="enc"), name="bi")
    >>> layer(np.ones((2, 4, 5), np.float32)).shape
    (2, 6)
    >>> [v.path for v in layer.weights][:2]
    ['bi/forward_enc/lstm_cell/kernel', 'bi/forward_enc/lstm_cell/recurrent_kernel']
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if merge_mode not in ("concat", "sum", "mul", "ave"):
            raise ValueError(f"Bidirectional: merge_mode must be concat, sum, mul or ave, got "
                             f"{merge_mode!r}")
        if layer.return_state:
            raise ValueError("Bidirectional: wrap a layer with return_state=False")
        self.merge_mode = merge_mode
        # as Keras: both directions are new layers made from ``layer``'s config (``layer``
        # itself, and any weights it has, are not used), named forward_<name> and
        # backward_<name>; a given ``backward_layer`` is used as it is
        config = layer.get_config()
        config["name"] = f"forward_{layer.name.removeprefix('forward_')}"
        self.forward_layer = type(layer).from_config(config)
        if backward_layer is None:
            config = layer.get_config()
            config.update(name=f"backward_{layer.name.removeprefix('backward_')}",
                          go_backwards=True)
            backward_layer = type(layer).from_config(config)
        if backward_layer.go_backwards == self.forward_layer.go_backwards:
            raise ValueError(f"Bidirectional: the forward and backward layers need different "
                             f"go_backwards, got {self.forward_layer.go_backwards} for both "
                             f"(wrap a layer with go_backwards=False)")
        if backward_layer.return_sequences != self.forward_layer.return_sequences:
            raise ValueError("Bidirectional: the forward and backward layers need the same "
                             "return_sequences")
        self.backward_layer = backward_layer

    def call(self, inputs, training=False):
        fwd = self.forward_layer(inputs)
        bwd = self.backward_layer(inputs)
        if self.forward_layer.return_sequences:
            bwd = xnp.flip(bwd, axis=1)
        if self.merge_mode == "concat":
            return xnp.concat([fwd, bwd], axis=-1)
        if self.merge_mode == "sum":
            return fwd + bwd
        if self.merge_mode == "mul":
            return fwd * bwd
        return (fwd + bwd) / 2

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": _serialized(self.forward_layer),
                "backward_layer": _serialized(self.backward_layer)}

    @classmethod
    def from_config(cls, config):
        """The layer from its config (crossops's or Keras's): the wrapped layers are
        crossops's recurrent layers of the same class names."""
        config = dict(config)
        layer = _recurrent_from_config(config.pop("layer"))
        backward = config.pop("backward_layer", None)
        backward = None if backward is None else _recurrent_from_config(backward)
        return cls(layer, backward_layer=backward, **from_keras_config(cls, config))


def _serialized(layer) -> dict:
    # Keras's Bidirectional sets its layers' zero_output_for_mask to their return_sequences
    # (what a masked step outputs; crossops's recurrent layers take no mask)
    config = {**layer.get_config(), "zero_output_for_mask": layer.return_sequences}
    return keras_object("keras.layers", type(layer).__name__, config)


def _recurrent_from_config(spec: dict):
    """A recurrent layer from its serialized form (``class_name`` and ``config``)."""
    found = {c.__name__: c for c in (SimpleRNN, LSTM, GRU)}.get(spec.get("class_name"))
    if found is None:
        raise ValueError(f"Bidirectional.from_config: cannot wrap a "
                         f"{spec.get('class_name')!r}; crossops wraps SimpleRNN, LSTM or GRU")
    config = dict(spec["config"])
    config.pop("zero_output_for_mask", None)  # Bidirectional's own setting (see _serialized)
    return found.from_config(config)


def _zero_state(x, units: int):
    """A zero state of ``units`` per example of ``x`` (batch, time, features); where the
    batch size is unknown until the graph runs (TensorFlow's None, ``core.shape`` gives
    it as a tensor), one row broadcast to it."""
    b = x.shape[0]
    if b is not None:
        return xnp.zeros((b, units), dtype=x.dtype, like=x)
    one = xnp.zeros((1, units), dtype=x.dtype, like=x)
    return xnp.broadcast_to(one, (core.shape(x)[0], units))
