"""Keys: ``key(seed)`` and ``split(key, num)``, and the backend module of each backend."""

from __future__ import annotations

import operator

from .. import _seed
from .._backend import backend_chapter, backend_of_values, get_backend


def backend_module(backend: str):
    """The random chapter of ``backend``, ``crossops/backends/<backend>/random.py``
    (imports its framework)."""
    return backend_chapter(backend, "random")


def backend_of_args(*args) -> str:
    """The backend of a call with ``args`` (crossops's one rule, NumPy arrays being host
    data), else the default backend."""
    return backend_of_values(args, "crossops.random")


def key_on(backend: str, seed, op: str):
    """``seed`` as a key array of ``backend`` (an int seed becomes ``key(seed)`` there)."""
    if seed is None or _seed.is_int_seed(seed):
        _seed.words(seed, op)  # raises for None, with how to pass a seed
        return backend_module(backend).key(seed)
    return seed


def key(seed):
    """A key for ``seed``: a ``uint32`` array of shape ``(2,)`` of the default backend.

    ``key(s)`` holds ``[(s >> 32) & 0xFFFFFFFF, s & 0xFFFFFFFF]`` (``s`` modulo 2**64), as
    ``jax.random.PRNGKey(s)`` does; passing ``seed=key(s)`` to an op gives the same numbers
    as ``seed=s``.

    Parameters
    ----------
    seed : int
        Any integer in ``[-2**63, 2**64)``.

    Returns
    -------
    array
        ``uint32``, shape ``(2,)``, of the default backend (``crossops.get_backend()``).

    Examples
    --------
    >>> import crossops.random as xr
    >>> xr.key(3)
    array([0, 3], dtype=uint32)
    """
    return backend_module(get_backend()).key(seed)


def split(key, num=2):
    """``num`` new keys from ``key``, as an array of shape ``(num, 2)`` of its backend.

    The new keys are independent streams; ``split(key)[i]`` is a key. Splitting is
    deterministic: the same key gives the same new keys. An int seed is taken as
    ``key(seed)`` of the default backend. With ``crossops.config.random_generator() ==
    "portable"`` the new keys are Threefry words of the key, the same on every backend
    (``jax.random.split``'s layout); with ``"native"`` each framework's own split.

    Parameters
    ----------
    key : array or int
        A key (``uint32``, shape ``(2,)``) or an int seed.
    num : int, optional
        How many keys to make (default 2).

    Returns
    -------
    array
        ``uint32``, shape ``(num, 2)``, of the key's backend.

    Examples
    --------
    >>> import crossops.random as xr
    >>> k1, k2 = xr.split(xr.key(0))
    >>> xr.normal((2,), seed=k1).shape
    (2,)
    """
    try:
        n = operator.index(num)
    except TypeError:
        raise TypeError(f"random.split: num must be an int, got {type(num).__name__}") from None
    if n < 1:
        raise ValueError(f"random.split: num must be at least 1, got {n}")
    backend = backend_of_args(key)
    k = key_on(backend, key, "split")
    _seed.check_key(k, "split")
    from .. import _config
    if _config.random_generator() == "portable":  # the same keys on every backend
        from ._portable import PORTABLE
        return PORTABLE["split"](k, n, backend=backend)
    return backend_module(backend).split(k, n)
