"""``SeedGenerator`` (Keras's API) and the seeds of seedless calls.

A ``SeedGenerator`` holds its state in a non-trainable crossops ``Variable``: a ``uint32``
array ``[seed, 0]`` of a backend (as Keras's ``[seed, 0]``). ``next()`` returns the state
(a key for ``crossops.random``'s ops) and adds 1 to its second word. ``seed=None`` in an op
draws from a global ``SeedGenerator`` of the op's backend, made on first use with a random
seed; under ``jax.jit`` this raises, as in Keras (pass a ``SeedGenerator`` instead).
"""

from __future__ import annotations

import random as _python_random
from contextlib import nullcontext

import numpy as np

from .. import _seed
from .._backend import backend_chapter, get_backend
from .._variable import Variable

_GLOBAL: dict[str, SeedGenerator] = {}
_COUNT = [0]


class SeedGenerator:
    """A source of fresh seeds: pass it as ``seed=`` and every call draws new numbers.

    Parameters
    ----------
    seed : int, optional
        The initial state is ``[seed, 0]`` (as in Keras; a seed of 2**32 or more puts its
        high word in the second entry); ``None`` picks a random one.
    name : str, optional
    backend : str, optional
        The backend of the state; default ``crossops.get_backend()``.

    Examples
    --------
    >>> import crossops.random as xr
    >>> gen = xr.SeedGenerator(42)
    >>> a = xr.uniform((2,), seed=gen)
    >>> b = xr.uniform((2,), seed=gen)
    >>> bool((a == b).all())
    False
    >>> gen.state.numpy().tolist()
    [42, 2]
    """

    def __init__(self, seed=None, name=None, backend=None, **kwargs):
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments: {kwargs}")
        if name is None:
            _COUNT[0] += 1
            name = f"seed_generator_{_COUNT[0]}"
        self.name = name
        self._initial_seed = seed
        if seed is None:
            seed = _python_random.randint(1, int(1e9))
        if not _seed.is_int_seed(seed):
            raise ValueError(f"SeedGenerator: seed must be an integer, got seed={seed!r}")
        seed = int(seed) % 2 ** 64
        self.backend = backend or get_backend()
        start = np.asarray([seed & _seed.MASK, seed >> 32], dtype=np.uint32)
        from .._dispatch import from_numpy
        # (tensorflow: made outside any tf.function)
        scope = getattr(backend_chapter(self.backend, "random"), "state_scope", nullcontext)
        with scope():
            self.state = Variable(from_numpy(self.backend, start), trainable=False,
                                  name="seed_generator_state")
        self.state.seed_state = True

    def next(self, ordered=True):
        """The current state (a key: ``uint32``, shape ``(2,)``), and advance the state.

        ``ordered`` is accepted for Keras's signature; the state always advances by adding
        1 to its second word."""
        import crossops.numpy as xnp

        from .._backend import use_backend
        from ._portable import _Words
        value = self.state.value
        w = _Words(self.backend)
        with use_backend(self.backend):
            k0, k1 = w.key_words(value)
            current = xnp.astype(xnp.stack([k0, k1]), "uint32")  # a copy (torch: in place)
            self.state.assign(xnp.astype(xnp.stack([k0, w.add(k1, w.const(1))]), "uint32"))
        return current

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name} backend={self.backend}>"


def global_seed_generator(backend: str | None = None) -> SeedGenerator:
    """The global ``SeedGenerator`` of ``backend`` (made on first use, with a random seed)
    that ``seed=None`` draws from.

    Parameters
    ----------
    backend : str, optional
        The backend whose generator to return; default ``crossops.get_backend()``.

    Returns
    -------
    SeedGenerator
        The same generator on every call for one backend.

    Raises
    ------
    ValueError
        While tracing a jax function (``jax.jit``), where a seedless draw would trace one
        fixed seed: pass a ``SeedGenerator``, an int seed or a key instead.

    Examples
    --------
    >>> import crossops.random as xr
    >>> xr.global_seed_generator("numpy")
    <SeedGenerator name=global_numpy backend=numpy>
    >>> xr.global_seed_generator("numpy") is xr.global_seed_generator("numpy")
    True
    """
    backend = backend or get_backend()
    tracing = getattr(backend_chapter(backend, "random"), "tracing", None)  # (jax.jit)
    if tracing is not None and tracing():
        raise ValueError(
            "crossops.random: seed=None under jax.jit would trace one fixed seed (a constant "
            "after tracing); create a crossops.random.SeedGenerator, keep it (e.g. as a layer "
            "attribute) and pass it as seed=, or pass an int seed or a key")
    gen = _GLOBAL.get(backend)
    if gen is None:
        gen = _GLOBAL[backend] = SeedGenerator(backend=backend, name=f"global_{backend}")
    return gen


def draw_seed(seed, backend: str | None = None):
    """What an op draws with: a ``SeedGenerator``'s next key, the global generator's for
    ``None``, else ``seed`` itself (an int or a key array).

    Parameters
    ----------
    seed : int, key array, SeedGenerator or None
        A random op's ``seed=`` argument. A generator advances on each call.
    backend : str, optional
        The backend whose global generator ``None`` draws from; default
        ``crossops.get_backend()``.

    Returns
    -------
    int or Array
        ``seed`` itself, or the generator's current key (``uint32``, shape ``(2,)``).

    Examples
    --------
    >>> import crossops.random as xr
    >>> xr.draw_seed(7)
    7
    >>> gen = xr.SeedGenerator(42, backend="numpy")
    >>> xr.draw_seed(gen)
    array([42,  0], dtype=uint32)
    >>> xr.draw_seed(gen)
    array([42,  1], dtype=uint32)
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator(backend).next(ordered=False)
    return seed
