"""The JAX backend of crossops.random: ``jax.random`` with raw ``uint32[2]`` keys (the
threefry layout of ``jax.random.PRNGKey``); typed keys (``jax.random.key``) are taken too.
Everything traces under ``jax.jit``.

Each op's body is itself one ``jax.jit`` function, so an eager call runs the program that a
call inside ``jax.jit`` inlines: XLA fuses and contracts (``x * stddev + mean`` into an
FMA) alike. Parameters given as Python numbers (``alpha=2.0``) are static arguments, so
XLA folds them as constants in both cases (a traced ``alpha`` would be folded under an
outer ``jax.jit`` only, and give other last bits); each new value compiles once. Arrays
are traced arguments."""

from __future__ import annotations

from functools import cache

import jax
import jax.numpy as jnp

from ... import _seed
from .._common import scaled
from ._jit import hashable, jitted


def _clamp_below(x, maxval: float, name: str):
    """``x`` with values that rounding took to ``maxval`` (or above) moved just below it,
    so that uniform draws stay in ``[minval, maxval)`` in every dtype."""
    return jnp.where(x < maxval, x, jnp.asarray(_seed.below(maxval, name), x.dtype))


def _dt(name: str):
    return jnp.dtype(name)


def as_key(seed, op: str):
    """The raw uint32[2] key of an int seed or a key array."""
    if isinstance(seed, jax.Array):
        if jnp.issubdtype(seed.dtype, jax.dtypes.prng_key):
            return jax.random.key_data(seed)
        _seed.check_key(seed, op)
        return seed.astype(jnp.uint32)
    return jnp.asarray(_seed.words(seed, op), dtype=jnp.uint32)


def key(seed):
    return as_key(seed, "key")


def split(key, num=2):
    return jax.random.split(as_key(key, "split"), num)


def _param(value):
    """A distribution parameter: a Python number stays one (static), others become arrays."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return jnp.asarray(value)


@cache
def _jitted(f, static: frozenset):
    """``f`` through ``jax.jit`` with the parameters ``static`` static, one per set."""
    return jitted(f, tuple(sorted(static)))


def _run(f, k, **kwargs):
    """``f(k, **kwargs)`` jitted, with every argument but arrays static."""
    static = frozenset(n for n, v in kwargs.items() if not isinstance(v, jax.Array))
    return _jitted(f, static)(k, **kwargs)


def _normal(k, shape, name, mean, stddev):
    return scaled(jax.random.normal(k, shape, _dt(name)), mean, stddev)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "normal")
    mean, stddev = _seed.number(mean, "normal", "mean"), _seed.number(stddev, "normal", "stddev")
    return _run(_normal, as_key(seed, "normal"), shape=_seed.shape_tuple(shape, "normal"),
                name=name, mean=mean, stddev=stddev)


def _uniform(k, shape, name, lo, hi):
    return _clamp_below(jax.random.uniform(k, shape, _dt(name), lo, hi), hi, name)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    return _run(_uniform, as_key(seed, "uniform"), shape=_seed.shape_tuple(shape, "uniform"),
                name=name, lo=lo, hi=hi)


def _truncated_normal(k, shape, name, mean, stddev):
    return scaled(jax.random.truncated_normal(k, -2.0, 2.0, shape, _dt(name)), mean, stddev)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "truncated_normal")
    mean = _seed.number(mean, "truncated_normal", "mean")
    stddev = _seed.number(stddev, "truncated_normal", "stddev")
    return _run(_truncated_normal, as_key(seed, "truncated_normal"),
                shape=_seed.shape_tuple(shape, "truncated_normal"), name=name, mean=mean,
                stddev=stddev)


def _randint(k, shape, name, lo, hi):
    return jax.random.randint(k, shape, lo, hi, _dt(name))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "randint")
    lo, hi = _seed.int_bounds(minval, maxval, "randint")
    info = jnp.iinfo(_dt(name))
    if lo < info.min or hi - 1 > info.max:
        raise ValueError(f"random.randint: [{lo}, {hi}) does not fit dtype {name}")
    return _run(_randint, as_key(seed, "randint"), shape=_seed.shape_tuple(shape, "randint"),
                name=name, lo=lo, hi=hi)


def _categorical(k, logits, num_samples, name):
    s = jax.random.categorical(k, logits, axis=-1, shape=(num_samples, logits.shape[0]))
    return jnp.transpose(s).astype(_dt(name))


def categorical(logits, num_samples, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "categorical")
    logits = jnp.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"random.categorical: logits must be 2-D (batch, classes), got shape "
                         f"{logits.shape}")
    return _run(_categorical, as_key(seed, "categorical"), logits=logits,
                num_samples=int(num_samples), name=name)


def _shuffle(k, x, axis):
    return jax.random.permutation(k, x, axis=axis, independent=False)


def shuffle(x, axis=0, seed=None):
    x = jnp.asarray(x)
    axis = _seed.axis_index(axis, x.ndim, "shuffle")
    return _run(_shuffle, as_key(seed, "shuffle"), x=x, axis=axis)


def _gamma(k, alpha, shape, name):
    return jax.random.gamma(k, alpha, shape, _dt(name))


def gamma(shape, alpha, dtype=None, seed=None):
    name = _seed.float_name(dtype, "gamma")
    return _run(_gamma, as_key(seed, "gamma"), alpha=_param(alpha),
                shape=_seed.shape_tuple(shape, "gamma"), name=name)


def _beta(k, a, b, shape, name):
    return jax.random.beta(k, a, b, shape, _dt(name))


def beta(shape, alpha, beta, dtype=None, seed=None):
    name = _seed.float_name(dtype, "beta")
    return _run(_beta, as_key(seed, "beta"), a=_param(alpha), b=_param(beta),
                shape=_seed.shape_tuple(shape, "beta"), name=name)


def _binomial(k, n, p, shape, name):
    ftype = jnp.float64 if name == "float64" else jnp.float32
    x = jax.random.binomial(k, jnp.asarray(n, ftype), jnp.asarray(p, ftype), shape, ftype)
    return x.astype(_dt(name))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    name = _seed.real_name(dtype, "binomial")
    return _run(_binomial, as_key(seed, "binomial"), n=_param(counts), p=_param(probabilities),
                shape=_seed.shape_tuple(shape, "binomial"), name=name)


# --- the portable generator's kernels (crossops/random/_portable.py) ------------------------

def _threefry_words(key, n: int):
    """A raw uint32[2] key -> its ``n`` words (``n`` static: :data:`_threefry_compiled`)."""
    rot = _seed.THREEFRY_ROTATIONS
    m = (n + 1) // 2
    k0, k1 = key[0], key[1]
    ks = (k0, k1, k0 ^ k1 ^ jnp.uint32(_seed.THREEFRY_PARITY))
    c0 = jnp.arange(m, dtype=jnp.uint32)
    c1 = (c0 + jnp.uint32(m)) % jnp.uint32(max(n, 1)) if n % 2 else c0 + jnp.uint32(m)
    x0, x1 = c0 + ks[0], c1 + ks[1]
    for i in range(5):
        for r in rot[i % 2]:
            x0 = x0 + x1
            x1 = ((x1 << jnp.uint32(r)) | (x1 >> jnp.uint32(32 - r))) ^ x0
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + jnp.uint32(i + 1)
    return jnp.concatenate([x0, x1])[:n]


_threefry_compiled = jitted(_threefry_words, ("n",))


def threefry(key, n: int):
    """The portable generator's ``n`` Threefry-2x32 words of the raw uint32[2] ``key`` (its
    layout: ``threefry2x32(key, (c[:m], c[m:]))`` for the counters ``c = 0 .. n - 1`` padded
    to even length ``2 m``; ``jax.random.bits`` with ``jax_threefry_partitionable=False``),
    one jitted kernel per ``n`` (inlined and fused under an outer ``jax.jit``).

    Parameters
    ----------
    key : jax.Array
        ``uint32``, shape ``(2,)``.
    n : int
        How many words.

    Returns
    -------
    jax.Array
        ``uint32``, shape ``(n,)``.
    """
    return _threefry_compiled(key.astype(jnp.uint32), n)


def run_program(fn, kwargs: dict, arrays: tuple[str, ...]):
    """A portable op (crossops/random/_portable.py's ``PROGRAMS``) as one jitted program
    (:func:`run_jitted`) where it takes no array argument besides its seed; else None."""
    return None if arrays else run_jitted(fn, kwargs)


def run_jitted(fn, kwargs: dict):
    """``fn(**kwargs)`` (a portable op, ``kwargs["seed"]`` its seed) run as one ``jax.jit``
    program of the key, the other arguments fixed, when called eagerly: one dispatch instead
    of hundreds. Returns None where it does not apply (inside a trace, or an argument that
    cannot be a static one); the caller then runs ``fn`` itself."""
    seed = kwargs["seed"]
    if isinstance(seed, jax.core.Tracer):
        return None
    static = {k: v for k, v in kwargs.items() if k != "seed"}
    try:
        hash(tuple(map(hashable, static.values())))
    except TypeError:
        return None
    return _jitted(fn, frozenset(static))(**static, seed=as_key(seed, "random"))


# --- found by name by crossops.random.SeedGenerator's module ------------------------------

def tracing() -> bool:
    """Whether a call is being traced (``jax.jit``): a draw with ``seed=None`` would then
    trace one fixed seed, so the global generator refuses it."""
    return isinstance(jnp.ones(()), jax.core.Tracer)
