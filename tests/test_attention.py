"""dot_product_attention with fewer key/value heads than query heads (grouped-query
attention, as in Keras and ``jax.nn.dot_product_attention``): query head ``i`` reads key and
value head ``i // (query heads / kv heads)``. Expected values come from jax.nn."""

from __future__ import annotations

import numpy as np
import pytest

import crossops.nn as nn

from .backends import backend_context, to_backend, to_numpy

RNG = np.random.default_rng(7)
Q = RNG.standard_normal((2, 5, 4, 8)).astype(np.float32)
K = RNG.standard_normal((2, 6, 2, 8)).astype(np.float32)
V = RNG.standard_normal((2, 6, 2, 8)).astype(np.float32)


@pytest.mark.parametrize("is_causal", [False, True])
def test_grouped_query_attention_is_jaxs(backend, is_causal):
    jax = pytest.importorskip("jax")
    expected = np.asarray(jax.nn.dot_product_attention(Q, K, V, is_causal=is_causal))
    with backend_context(backend):
        out = nn.dot_product_attention(*(to_backend(backend, a) for a in (Q, K, V)),
                                       is_causal=is_causal)
    np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-5, atol=1e-6)


def test_heads_that_do_not_divide_raise(backend):
    k, v = np.repeat(K[:, :, :1], 3, axis=2), np.repeat(V[:, :, :1], 3, axis=2)
    with backend_context(backend), pytest.raises(ValueError, match="divide the query heads"):
        nn.dot_product_attention(*(to_backend(backend, a) for a in (Q, k, v)))
