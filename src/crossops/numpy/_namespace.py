"""``crossops.numpy`` for the modules that call its ops from inside it or below its facade (its
NumPy forms, the Keras forms), imported on first use: importing it loads them."""

from __future__ import annotations

import functools


@functools.cache
def numpy_namespace():
    """The ``crossops.numpy`` module, imported once.

    Examples
    --------
    >>> numpy_namespace().__name__
    'crossops.numpy'
    """
    import crossops.numpy as xnp
    return xnp
