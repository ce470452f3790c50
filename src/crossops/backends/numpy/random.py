"""The NumPy backend of crossops.random: a ``numpy.random.Generator`` over a Philox
bit generator whose 128-bit key is built from the seed, anew on every call (so a call
depends on its seed only). Half-precision results are drawn in float32 and rounded."""

from __future__ import annotations

import math

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


# --- the portable generator's host kernels (crossops/random/_portable.py) -------------------
#
# NumPy computes the portable words and uniforms for the numpy backend, and for eager
# PyTorch (CPU) and TensorFlow calls, which convert the result: the same numbers as the
# generator's crossops form, faster (in place, in cache-sized blocks).

_BLOCK = 1 << 16  # words per block of the host kernel (3 blocks of uint32 fit in L2)


def host_words(seed, op: str) -> tuple[int, int]:
    """The key words of ``seed`` (an int or a NumPy key) as Python ints."""
    if _seed.is_int_seed(seed) or seed is None or not hasattr(seed, "shape"):
        return _seed.words(seed, op)
    _seed.check_key(seed, op)
    k = np.asarray(seed).astype(np.int64) & _seed.MASK
    return int(k[0]), int(k[1])


def host_threefry(k0: int, k1: int, n: int) -> np.ndarray:
    """``n`` Threefry-2x32 words of the key ``(k0, k1)`` in the portable generator's layout
    (``threefry2x32(key, (c[:m], c[m:]))`` for the counters ``c = 0 .. n - 1`` padded to
    even length ``2 m``), computed in place over blocks of ``2**16`` counters so that the
    120-odd passes of a block stay in cache and no array is allocated per round.

    Parameters
    ----------
    k0, k1 : int
        The key's words, in ``[0, 2**32)``.
    n : int
        How many words.

    Returns
    -------
    numpy.ndarray
        ``uint32``, shape ``(n,)``.
    """
    rot = _seed.THREEFRY_ROTATIONS
    m = (n + 1) // 2
    out = np.empty(2 * m, np.uint32)
    x0, x1 = out[:m], out[m:]
    x0[:] = np.arange(m, dtype=np.uint32)
    np.add(x0, np.uint32(m), out=x1)
    if n % 2:
        x1[-1] = 0  # the counter n wraps to 0: (c + m) mod n
    ks = (k0 & _seed.MASK, k1 & _seed.MASK, (k0 ^ k1 ^ _seed.THREEFRY_PARITY) & _seed.MASK)
    inject = [(np.uint32(ks[(i + 1) % 3]), np.uint32((ks[(i + 2) % 3] + i + 1) & _seed.MASK))
              for i in range(5)]
    tmp = np.empty(min(m, _BLOCK), np.uint32)
    for s in range(0, m, _BLOCK):
        a, b = x0[s:s + _BLOCK], x1[s:s + _BLOCK]
        t = tmp[:len(a)]
        a += np.uint32(ks[0])
        b += np.uint32(ks[1])
        for i in range(5):
            for r in rot[i % 2]:
                a += b
                np.left_shift(b, np.uint32(r), out=t)
                b >>= np.uint32(32 - r)
                b |= t
                b ^= a
            a += inject[i][0]
            b += inject[i][1]
    return out[:n]


def uniform32(k0: int, k1: int, shape: tuple, lo: float, hi: float) -> np.ndarray:
    """The portable ``uniform`` in float32 on ``[lo, hi)``: the terms and sums of its crossops
    form (``_unit`` and ``_affine`` in crossops/random/_portable.py) in the same order, so
    the same bits, in place with three float32 buffers."""
    words = host_threefry(k0, k1, math.prod(shape))
    m = np.right_shift(words, np.uint32(8), out=words)
    scale = float(np.float32(hi - lo))
    if scale == 1.0:  # hi * 2**-12 + lo * 2**-24 == m * 2**-24: both exact
        acc = m.astype(np.float32)
        acc *= np.float32(2.0 ** -24)
    else:
        parts = [(np.right_shift(m, np.uint32(12)).astype(np.float32), 2.0 ** -12),
                 (np.bitwise_and(m, np.uint32(0xFFF), out=m).astype(np.float32), 2.0 ** -24)]
        acc, tmp = None, np.empty(m.shape, np.float32)
        for c in _seed.float_chunks(scale, 12):
            for p, sc in parts:
                k = np.float32(c * sc)
                if acc is None:
                    acc = p * k if k != 1.0 else p.copy()
                else:
                    acc += np.multiply(p, k, out=tmp) if k != 1.0 else p
    if lo != 0.0:
        acc += np.float32(lo)
    acc[acc >= np.float32(hi)] = np.float32(_seed.below(hi, "float32"))
    return acc.reshape(shape)
