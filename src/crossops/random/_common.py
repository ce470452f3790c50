"""Helpers written with crossops ops, shared by the backends of crossops.random."""

from __future__ import annotations

import crossops.numpy as xnp

from ._seed import below


def clamp_below(x, maxval: float, name: str):
    """``x`` with values that rounding took to ``maxval`` (or above) moved just below it,
    so that uniform draws stay in ``[minval, maxval)`` in every dtype."""
    return xnp.where(xnp.less(x, maxval), x, below(maxval, name))


def scaled(x, mean: float, stddev: float):
    """``x * stddev + mean``, skipping the identity steps (exact for the defaults)."""
    if stddev != 1.0:
        x = xnp.multiply(x, stddev)
    if mean != 0.0:
        x = xnp.add(x, mean)
    return x
