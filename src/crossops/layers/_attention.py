"""MultiHeadAttention with Keras's weights ((dim, heads, key_dim) projection kernels,
(heads, value_dim, dim) output kernel) and arithmetic, for (batch, time, features)
inputs."""

from __future__ import annotations

import math

import crossops.numpy as xnp
from crossops import core, nn

from .._backend import get_backend, use_backend
from . import _functional as F
from ._config import nulls, serialize_initializer
from ._core import Dropout
from ._layer import Layer, backend_of_tree

_LARGE_NEGATIVE = -1e9


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention (Vaswani et al.).

    ``call(query, value, key=None, attention_mask=None, return_attention_scores=False,
    training=False, use_causal_mask=False)``; ``attention_mask`` is boolean
    (batch, T, S), True where a query may attend.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", seed=None, **kwargs):
        super().__init__(**kwargs)
        for arg, v in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(v, int) or v <= 0:
                raise ValueError(f"MultiHeadAttention: {arg} must be a positive int, got {v!r}")
        if attention_axes in ([1], (1,), 1, [-2], (-2,), -2):
            attention_axes = None  # Keras's config of the time axis of 3-D inputs
        if attention_axes is not None:
            raise ValueError("MultiHeadAttention: only attention over the time axis of "
                             "(batch, time, features) inputs is available (attention_axes="
                             "None)")
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.output_shape = dropout, use_bias, output_shape
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.seed = seed
        self.dropout_layer = Dropout(dropout, seed=seed)

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = value_shape or query_shape
        key_shape = key_shape or value_shape
        h, k, v = self.num_heads, self.key_dim, self.value_dim
        out = self.output_shape or query_shape[-1]
        self._out = out if isinstance(out, int) else out[-1]
        for name, dim, size in (("query", query_shape[-1], k), ("key", key_shape[-1], k),
                                ("value", value_shape[-1], v)):
            setattr(self, f"{name}_kernel",
                    self.add_weight((dim, h, size), self.kernel_initializer,
                                    name=f"{name}/kernel"))
            setattr(self, f"{name}_bias", self.add_weight(
                (h, size), self.bias_initializer, name=f"{name}/bias") if self.use_bias else None)
        self.output_kernel = self.add_weight((h, v, self._out), self.kernel_initializer,
                                             name="attention_output/kernel")
        self.output_bias = self.add_weight((self._out,), self.bias_initializer,
                                           name="attention_output/bias") \
            if self.use_bias else None
        self.dropout_layer.build(query_shape)
        self.dropout_layer.built = True

    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise TypeError(f"{self.name}: call(query, value, key=None, ...) needs a value")
        if not self.built and not _symbolic(query):
            # crossops's one rule over the three inputs (NumPy ones are host data)
            self._backend = backend_of_tree((query, value, key)) or get_backend()
            with use_backend(self._backend):
                self.build(tuple(query.shape), tuple(value.shape),
                           None if key is None else tuple(key.shape))
            self.built = True
        return super().__call__(query, value, key, **kwargs)

    def _project(self, x, kernel, bias):
        # a Dense of h * n units (the backend's fused form where it has one: eager torch's
        # addmm), then split into heads
        d, h, n = kernel.shape
        y = F.dense(x, xnp.reshape(kernel.value, (d, h * n)),
                    None if bias is None else xnp.reshape(bias.value, (h * n,)))
        return xnp.reshape(y, core.shape(x)[:-1] + (h, n))  # (a None batch: tf.shape's)

    def call(self, query, value, key=None, attention_mask=None,
             return_attention_scores=False, training=False, use_causal_mask=False):
        key = value if key is None else key
        for arg, x in (("query", query), ("value", value), ("key", key)):
            if x.ndim != 3:
                raise ValueError(f"{self.name}: {arg} must be (batch, time, features), got "
                                 f"shape {tuple(x.shape)}")
        # scaled by a multiply, as Keras (a divide is three more ops in the gradient)
        q = self._project(query, self.query_kernel, self.query_bias) * \
            (1.0 / math.sqrt(self.key_dim))
        k = self._project(key, self.key_kernel, self.key_bias)
        v = self._project(value, self.value_kernel, self.value_bias)
        # (B, H, T, S) scores
        scores = xnp.matmul(xnp.permute_dims(q, (0, 2, 1, 3)), xnp.permute_dims(k, (0, 2, 3, 1)))
        mask = attention_mask
        if use_causal_mask:
            t, s = query.shape[1], key.shape[1]
            causal = xnp.tril(xnp.ones((t, s), dtype="bool", like=scores))
            mask = causal if mask is None else xnp.logical_and(mask, causal)
        if mask is not None:
            mask = xnp.astype(mask, "bool", copy=False)
            if mask.ndim == 3:
                mask = xnp.expand_dims(mask, axis=1)
            scores = xnp.where(mask, scores, xnp.full_like(scores, _LARGE_NEGATIVE))
        probs = nn.softmax(scores, axis=-1)
        dropped = self.dropout_layer(probs, training=training)
        ctx = xnp.matmul(dropped, xnp.permute_dims(v, (0, 2, 1, 3)))  # (B, H, T, V)
        b, h, t, vd = core.shape(ctx)
        ctx = xnp.reshape(xnp.permute_dims(ctx, (0, 2, 1, 3)), (b, t, h * vd))
        out = F.dense(ctx, xnp.reshape(self.output_kernel.value, (h * vd, self._out)),
                      None if self.output_bias is None else self.output_bias.value)
        return (out, probs) if return_attention_scores else out

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": False, "output_shape": self.output_shape,
                "attention_axes": [1] if self.built else None, "sliding_window": None,
                "kernel_initializer": serialize_initializer(self.kernel_initializer),
                "bias_initializer": serialize_initializer(self.bias_initializer),
                **nulls("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "bias_constraint"), "seed": self.seed}


def _symbolic(x):
    from ._symbolic import SymbolicTensor
    return isinstance(x, SymbolicTensor)

