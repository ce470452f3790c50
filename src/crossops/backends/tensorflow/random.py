"""The TensorFlow backend of crossops.random: the stateless ops ``tf.random.stateless_*``
(Philox where the op lets one choose the algorithm) with the key bit-cast to an int32
seed pair. Everything traces under ``tf.function``."""

from __future__ import annotations

import tensorflow as tf

from ... import _seed
from .._common import scaled


def _clamp_below(x, maxval: float, name: str):
    """``x`` with values that rounding took to ``maxval`` (or above) moved just below it,
    so that uniform draws stay in ``[minval, maxval)`` in every dtype."""
    return tf.where(x < maxval, x, tf.constant(_seed.below(maxval, name), x.dtype))


def _dt(name: str):
    return tf.dtypes.as_dtype(name)


def _signed(w: int) -> int:
    return w - 2 ** 32 if w >= 2 ** 31 else w


def as_key(seed, op: str):
    """The uint32[2] key of an int seed or a key array."""
    if isinstance(seed, tf.Tensor | tf.Variable):
        _seed.check_key(seed, op)
        if seed.dtype == tf.uint32:
            return seed
        if seed.dtype == tf.int32:
            return tf.bitcast(seed, tf.uint32)
        return tf.cast(tf.bitwise.bitwise_and(tf.cast(seed, tf.int64), _seed.MASK), tf.uint32)
    return tf.constant(_seed.words(seed, op), dtype=tf.uint32)


def _pair(seed, op: str):
    """The int32[2] seed of TensorFlow's stateless ops."""
    if isinstance(seed, tf.Tensor | tf.Variable):
        return tf.bitcast(as_key(seed, op), tf.int32)
    return tf.constant([_signed(w) for w in _seed.words(seed, op)], dtype=tf.int32)


def key(seed):
    return as_key(seed, "key")


def split(key, num=2):
    return tf.bitcast(tf.random.experimental.stateless_split(_pair(key, "split"), num),
                      tf.uint32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "normal")
    mean, stddev = _seed.number(mean, "normal", "mean"), _seed.number(stddev, "normal", "stddev")
    x = tf.random.stateless_normal(_seed.shape_tuple(shape, "normal"), _pair(seed, "normal"),
                                   dtype=_dt(name), alg="philox")
    return scaled(x, mean, stddev)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    x = tf.random.stateless_uniform(_seed.shape_tuple(shape, "uniform"), _pair(seed, "uniform"),
                                    minval=lo, maxval=hi, dtype=_dt(name), alg="philox")
    return _clamp_below(x, hi, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "truncated_normal")
    mean = _seed.number(mean, "truncated_normal", "mean")
    stddev = _seed.number(stddev, "truncated_normal", "stddev")
    x = tf.random.stateless_truncated_normal(
        _seed.shape_tuple(shape, "truncated_normal"), _pair(seed, "truncated_normal"),
        dtype=_dt(name), alg="philox")
    return scaled(x, mean, stddev)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "randint")
    lo, hi = _seed.int_bounds(minval, maxval, "randint")
    info = _dt(name)
    if lo < info.min or hi - 1 > info.max:
        raise ValueError(f"random.randint: [{lo}, {hi}) does not fit dtype {name}")
    wide = tf.int32 if name == "int32" else tf.int64
    x = tf.random.stateless_uniform(_seed.shape_tuple(shape, "randint"), _pair(seed, "randint"),
                                    minval=lo, maxval=hi, dtype=wide, alg="philox")
    return tf.cast(x, _dt(name))


def categorical(logits, num_samples, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "categorical")
    if logits.shape.rank != 2:
        raise ValueError(f"random.categorical: logits must be 2-D (batch, classes), got shape "
                         f"{tuple(logits.shape)}")
    if logits.dtype in (tf.float16, tf.bfloat16):
        logits = tf.cast(logits, tf.float32)
    s = tf.random.stateless_categorical(logits, int(num_samples), _pair(seed, "categorical"),
                                        dtype=tf.int64)
    return tf.cast(s, _dt(name))


def shuffle(x, axis=0, seed=None):
    x = tf.convert_to_tensor(x)
    axis = _seed.axis_index(axis, x.shape.rank, "shuffle")
    n = tf.shape(x)[axis]
    # a permutation: the order of independent random 64-bit integers (ties improbable)
    r = tf.random.stateless_uniform(tf.reshape(n, [1]), _pair(seed, "shuffle"),
                                    minval=None, maxval=None, dtype=tf.int64, alg="philox")
    return tf.gather(x, tf.argsort(r, stable=True), axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    name = _seed.float_name(dtype, "gamma")
    compute = tf.float64 if name == "float64" else tf.float32
    shape = _seed.shape_tuple(shape, "gamma")
    a = tf.broadcast_to(tf.cast(alpha, compute), shape)
    x = tf.random.stateless_gamma(shape, _pair(seed, "gamma"), alpha=a, dtype=compute)
    return tf.cast(x, _dt(name))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    name = _seed.real_name(dtype, "binomial")
    shape = _seed.shape_tuple(shape, "binomial")
    compute = tf.float64 if name == "float64" else tf.float32
    n = tf.broadcast_to(tf.cast(counts, compute), shape)
    p = tf.broadcast_to(tf.cast(probabilities, compute), shape)
    x = tf.random.stateless_binomial(shape, _pair(seed, "binomial"), n, p, output_dtype=compute)
    return tf.cast(x, _dt(name))


# --- the portable generator (crossops/random/_portable.py) ----------------------------------

def host_words(seed, op: str) -> tuple[int, int] | None:
    """The key words of ``seed`` as Python ints where the portable generator may compute on
    the host in NumPy and convert (eager calls), else None (in a graph)."""
    if not tf.executing_eagerly():
        return None
    if _seed.is_int_seed(seed):
        return _seed.words(seed, op)
    if not hasattr(seed, "numpy"):
        return None
    k = as_key(seed, op).numpy()
    return int(k[0]), int(k[1])


def in_graph() -> bool:
    """Whether a call is being traced into a graph (``tf.function``), not run eagerly."""
    return not tf.executing_eagerly()


def run_program(fn, kwargs: dict, arrays: tuple[str, ...]):
    """A portable op (crossops/random/_portable.py's ``PROGRAMS``) in a graph as one nested
    XLA function (:func:`run_xla`), its seed and ``arrays`` its inputs; None eagerly."""
    return run_xla(fn, kwargs, arrays + ("seed",)) if in_graph() else None


def run_xla(fn, kwargs: dict, arrays: tuple[str, ...]):
    """``fn(**kwargs)`` traced into the current graph as one nested ``tf.function`` with
    ``jit_compile=True``, the tensors among ``kwargs[a]`` for ``a`` in ``arrays`` its inputs.

    Why: in a plain graph Grappler (TensorFlow's graph optimiser) rewrites float arithmetic
    (``a c + b c`` to ``(a + b) c``, ``(x + c1) + c2`` to ``x + (c1 + c2)``), which changes
    the last bits of the portable generator's numbers; Grappler leaves functions marked for
    XLA alone, and XLA's own rewrites are those ``jax.jit`` makes, which the portable
    arithmetic is written to survive. The result is the eager numbers to the bit, in plain
    graphs, under ``jit_compile=True`` (inlined) and in saved models (which then need XLA,
    part of every TensorFlow build)."""
    names = [a for a in arrays if isinstance(kwargs.get(a), tf.Tensor | tf.Variable)]

    @tf.function(jit_compile=True, autograph=False)
    def compiled(*values):
        return fn(**dict(kwargs, **dict(zip(names, values))))

    return compiled(*(kwargs[a] for a in names))


# --- found by name by crossops.random.SeedGenerator's module ------------------------------

def state_scope():
    """The scope a ``SeedGenerator``'s state variable is made in: ``tf.init_scope()``, so
    that it is made outside any ``tf.function`` (the other backends need none)."""
    return tf.init_scope()
