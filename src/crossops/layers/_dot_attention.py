"""Attention: Keras's dot-product (Luong-style) attention layer over [query, value, key]
lists, with its score modes, masks, causal mask and dropout."""

from __future__ import annotations

import crossops.numpy as xnp
from crossops import nn

from .._dtypes import dtype_name
from ._core import Dropout
from ._layer import Layer


class Attention(Layer):
    """Dot-product attention, Keras's ``Attention`` layer.

    ``call(inputs, mask=None, training=False, return_attention_scores=False,
    use_causal_mask=False)`` with ``inputs = [query, value]`` or ``[query, value, key]``
    (key defaults to value): ``query`` (batch, Tq, dim), ``value`` (batch, Tv, dim),
    ``key`` (batch, Tv, dim). The scores (batch, Tq, Tv) are ``query @ key^T`` (``"dot"``)
    or ``sum(tanh(query + key), -1)`` per pair (``"concat"``); their softmax over Tv
    weighs ``value``; the output is (batch, Tq, dim).

    Parameters
    ----------
    use_scale : bool
        Whether a trainable scalar ``scale`` (initialised to 1) multiplies the scores
        (``"dot"``) or the sums inside the tanh (``"concat"``).
    score_mode : {"dot", "concat"}
        How a query and a key give a score. ``"concat"`` also has a trainable scalar
        ``concat_score_weight`` (initialised to 1) multiplying the scores.
    dropout : float
        The fraction of the attention weights dropped in training.
    seed : int, optional
        The seed of the dropout.
    **kwargs
        ``name``, ``trainable``, ``dtype`` (see :class:`Layer`).

    Notes
    -----
    ``mask = [query_mask, value_mask]`` (booleans (batch, Tq) and (batch, Tv), either may
    be None): values where ``value_mask`` is False do not contribute (their scores are
    lowered by 1e9, 65504 in float16, as Keras's), and outputs where ``query_mask`` is
    False are 0. ``use_causal_mask`` keeps query ``i`` from keys ``j > i``.
    ``return_attention_scores`` also returns the attention weights (after masking and
    softmax). Weights: ``scale`` (if ``use_scale``), then ``concat_score_weight`` (if
    ``score_mode="concat"``), both of shape (), as Keras's. Masks are passed explicitly:
    crossops's layers do not propagate Keras's implicit masks.

    Examples
    --------
    >>> import numpy as np
    >>> q = np.array([[[1.0, 0.0]]], np.float32)
    >>> v = np.array([[[1.0, 0.0], [0.0, 1.0]]], np.float32)
    >>> out, weights = Attention()([q, v], return_attention_scores=True)
    >>> [round(float(w), 4) for w in weights[0, 0]]
    [0.7311, 0.2689]
    >>> Attention()([q, v], mask=[None, np.array([[False, True]])]).tolist()
    [[[0.0, 1.0]]]
    """

    def __init__(self, use_scale: bool = False, score_mode: str = "dot",
                 dropout: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got "
                             f"{score_mode!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"Attention: dropout must be in [0, 1), got {dropout!r}")
        self.use_scale, self.score_mode = use_scale, score_mode
        self.dropout, self.seed = dropout, seed
        self.dropout_layer = Dropout(dropout, seed=seed) if dropout > 0 else None

    def build(self, input_shape):
        _check_inputs(self, input_shape)
        self.scale = self.add_weight((), "ones", name="scale") if self.use_scale else None
        self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight") \
            if self.score_mode == "concat" else None
        if self.dropout_layer is not None and not self.dropout_layer.built:
            self.dropout_layer._backend = self._backend
            self.dropout_layer.build(input_shape[0])

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = xnp.matmul(query, xnp.swapaxes(key, -2, -1))
            return scores if self.scale is None else scores * self.scale.value
        pairs = xnp.expand_dims(query, axis=-2) + xnp.expand_dims(key, axis=-3)
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return self.concat_score_weight.value * xnp.sum(xnp.tanh(pairs), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        _check_inputs(self, inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        for arg, x in (("query", query), ("value", value), ("key", key)):
            if x.ndim < 2:
                raise ValueError(f"{self.name}: {arg} must be (batch, time, dim), got shape "
                                 f"{tuple(x.shape)}")
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        scores_mask = None
        if value_mask is not None:
            scores_mask = xnp.expand_dims(xnp.astype(value_mask, "bool", copy=False), axis=-2)
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            rows = xnp.arange(tq, like=scores)[:, None]
            causal = rows >= xnp.arange(tv, like=scores)[None, :]
            scores_mask = causal if scores_mask is None else \
                xnp.logical_and(scores_mask, causal)
        if scores_mask is not None:
            low = 65504.0 if dtype_name(scores.dtype) == "float16" else 1.0e9
            scores = xnp.where(scores_mask, scores, scores - low)
        weights = nn.softmax(scores, axis=-1)
        used = weights
        if training and self.dropout_layer is not None:
            used = self.dropout_layer(weights, training=True)
        out = xnp.matmul(used, value)
        if query_mask is not None:
            keep = xnp.expand_dims(xnp.astype(query_mask, "bool", copy=False), axis=-1)
            out = xnp.where(keep, out, xnp.zeros_like(out))
        return (out, weights) if return_attention_scores else out

    def get_config(self) -> dict:
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


def _check_inputs(layer, inputs, mask=None):
    """Keras's checks: a list (or tuple) of 2 or 3 inputs, and a mask list of 2 or 3."""
    name = getattr(layer, "name", "Attention")
    if not isinstance(inputs, list | tuple):
        raise ValueError(f"{name}: call it on a list of inputs, [query, value] or "
                         f"[query, value, key], got {type(inputs).__name__}")
    if not 2 <= len(inputs) <= 3:
        raise ValueError(f"{name}: inputs must be [query, value] or [query, value, key], "
                         f"got a list of {len(inputs)}")
    if mask is not None:
        if not isinstance(mask, list | tuple) or not 2 <= len(mask) <= 3:
            raise ValueError(f"{name}: mask must be a list [query_mask, value_mask] (each "
                             f"may be None), got {mask!r}")
