"""``crossops.numpy`` for the modules that call its ops from inside it or below its facade (its
NumPy forms, the Keras forms), imported on first use: importing it loads them."""

from __future__ import annotations

from types import ModuleType

#: the module once imported (a plain dict, not an ``lru_cache``: the ops that call
#: :func:`numpy_namespace` run inside compiled steps, and torch.compile warns when it traces
#: through an ``lru_cache``-wrapped function; a dict it reads as it is)
_LOADED: dict[str, ModuleType] = {}


def numpy_namespace() -> ModuleType:
    """The ``crossops.numpy`` module, imported once.

    Examples
    --------
    >>> numpy_namespace().__name__
    'crossops.numpy'
    """
    xnp = _LOADED.get("xnp")
    if xnp is None:
        import crossops.numpy as xnp
        _LOADED["xnp"] = xnp
    return xnp
