"""What ``crossops.layers.Layer`` does on JAX (found by name, chapter ``layers``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations

import jax


def weight_value(host, trainable: bool, layout: str | None = None):
    """A NumPy array (a new weight's initial value, or a batch's array) as a jax array, by
    a plain transfer (``jnp.asarray`` runs an XLA copy); ``trainable`` and ``layout``
    change nothing on JAX."""
    return jax.device_put(host)
