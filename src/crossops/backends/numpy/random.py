"""The NumPy backend of crossops.random: a ``numpy.random.Generator`` over a Philox
bit generator whose 128-bit key is built from the seed, anew on every call (so a call
depends on its seed only). Half-precision results are drawn in float32 and rounded."""

from __future__ import annotations

import ml_dtypes
import numpy as np

from ... import _seed
from .._common import scaled


def _clamp_below(x, maxval: float, name: str):
    """``x`` with values that rounding took to ``maxval`` (or above) moved just below it,
    so that uniform draws stay in ``[minval, maxval)`` in every dtype."""
    return np.where(x < maxval, x, np.asarray(_seed.below(maxval, name), x.dtype))


def _np_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)


def _compute(name: str) -> np.dtype:
    """The float dtype NumPy's generator draws in for a result of dtype ``name``."""
    return np.dtype(np.float64 if name == "float64" else np.float32)


def _words(seed, op: str) -> tuple[int, int]:
    if isinstance(seed, np.ndarray):
        _seed.check_key(seed, op)
        return int(seed[0]) & _seed.MASK, int(seed[1]) & _seed.MASK
    return _seed.words(seed, op)


def generator(seed, op: str) -> np.random.Generator:
    hi, lo = _words(seed, op)
    return np.random.Generator(np.random.Philox(key=(hi << 32) | lo))


def key(seed):
    return np.asarray(_seed.words(seed, "key"), dtype=np.uint32)


def split(key, num=2):
    return generator(key, "split").integers(0, 2 ** 32, size=(num, 2), dtype=np.uint32)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "normal")
    mean, stddev = _seed.number(mean, "normal", "mean"), _seed.number(stddev, "normal", "stddev")
    x = generator(seed, "normal").standard_normal(_seed.shape_tuple(shape, "normal"),
                                                  dtype=_compute(name))
    return scaled(x, mean, stddev).astype(_np_dtype(name))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    u = generator(seed, "uniform").random(_seed.shape_tuple(shape, "uniform"),
                                          dtype=_compute(name))
    return _clamp_below((u * (hi - lo) + lo).astype(_np_dtype(name)), hi, name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    name = _seed.float_name(dtype, "truncated_normal")
    mean = _seed.number(mean, "truncated_normal", "mean")
    stddev = _seed.number(stddev, "truncated_normal", "stddev")
    g = generator(seed, "truncated_normal")
    x = g.standard_normal(_seed.shape_tuple(shape, "truncated_normal"), dtype=_compute(name))
    out = np.abs(x) > 2.0
    while out.any():  # draw again where a value fell more than two stddevs out
        x[out] = g.standard_normal(int(out.sum()), dtype=x.dtype)
        out = np.abs(x) > 2.0
    return scaled(x, mean, stddev).astype(_np_dtype(name))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "randint")
    lo, hi = _seed.int_bounds(minval, maxval, "randint")
    info = np.iinfo(name)
    if lo < info.min or hi - 1 > info.max:
        raise ValueError(f"random.randint: [{lo}, {hi}) does not fit dtype {name}")
    return generator(seed, "randint").integers(lo, hi, size=_seed.shape_tuple(shape, "randint"),
                                               dtype=np.dtype(name))


def categorical(logits, num_samples, dtype="int32", seed=None):
    name = _seed.int_name(dtype, "categorical")
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"random.categorical: logits must be 2-D (batch, classes), got shape "
                         f"{logits.shape}")
    batch, classes = logits.shape
    gumbel = generator(seed, "categorical").gumbel(size=(batch, int(num_samples), classes))
    # Gumbel-max: the argmax of logits plus Gumbel noise is a draw of softmax(logits)
    z = logits.astype(np.float64)[:, None, :] + gumbel
    return np.argmax(z, axis=-1).astype(name)


def shuffle(x, axis=0, seed=None):
    x = np.asarray(x)
    axis = _seed.axis_index(axis, x.ndim, "shuffle")
    return generator(seed, "shuffle").permutation(x, axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    name = _seed.float_name(dtype, "gamma")
    shape = _seed.shape_tuple(shape, "gamma")
    a = np.broadcast_to(np.asarray(alpha, dtype=np.float64), shape)
    return generator(seed, "gamma").standard_gamma(a).astype(_np_dtype(name))


def beta(shape, alpha, beta, dtype=None, seed=None):
    name = _seed.float_name(dtype, "beta")
    shape = _seed.shape_tuple(shape, "beta")
    a = np.broadcast_to(np.asarray(alpha, dtype=np.float64), shape)
    b = np.broadcast_to(np.asarray(beta, dtype=np.float64), shape)
    return generator(seed, "beta").beta(a, b).astype(_np_dtype(name))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    name = _seed.real_name(dtype, "binomial")
    shape = _seed.shape_tuple(shape, "binomial")
    n = np.broadcast_to(np.asarray(counts), shape)
    p = np.broadcast_to(np.asarray(probabilities, dtype=np.float64), shape)
    if np.any(n < 0) or np.any(n != np.floor(n)):
        raise ValueError("random.binomial: counts must be non-negative whole numbers")
    return generator(seed, "binomial").binomial(n.astype(np.int64), p).astype(_np_dtype(name))
