"""What ``crossops.layers.Layer`` does on NumPy (found by name, chapter ``layers``; see
:func:`crossops._backend.backend_chapter`)."""

from __future__ import annotations


def weight_value(host, trainable: bool, layout: str | None = None):
    """A NumPy array (a new weight's initial value, or a batch's array) as an owned NumPy
    array (a copy); ``trainable`` and ``layout`` change nothing on NumPy."""
    return host.copy()
