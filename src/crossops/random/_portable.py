"""The portable generator of crossops.random: Threefry-2x32 (20 rounds, Salmon et al. 2011,
the generator of ``jax.random``) written with crossops ops, so that a seed gives the same
bits on numpy, jax, torch and tensorflow, eager and compiled.

Why Threefry: it needs 32-bit addition, xor and rotation only (no multiply-high, which
PyTorch's and JAX-without-x64's integer support makes awkward). The words are ``uint32``
on numpy, jax and tensorflow (wrapping arithmetic) and ``int64`` masked to 32 bits on
PyTorch (whose ``uint32`` has no addition or shifts on CPU); both give the same words.

Layout (that of ``jax.random.bits`` with ``jax_threefry_partitionable=False``): ``n``
words are ``threefry2x32(key, (c[:m], c[m:]))`` concatenated, for the counters
``c = 0 .. n-1`` padded with a 0 to even length ``2m``.

From the words:

- uniform float32: the top 24 bits ``m`` of a word, ``m * 2**-24`` (float64: 53 bits of two
  words); bounds other than [0, 1) are applied as a sum of products that are exact in the
  float dtype, so that a compiler's fused multiply-add (XLA contracts ``a * b + c``) gives
  the same bits as separate operations. float16 / bfloat16 are drawn in float32 and rounded.
- normal: Box-Muller on two uniforms, in float32 (float64 for float64): ``log``, ``sqrt``,
  ``cos`` and ``sin`` are each framework's own, so the numbers agree to a few ulp only.
- randint: the high 32 bits of ``word * span`` (Lemire's multiply-shift, computed in 16-bit
  limbs so no intermediate exceeds 32 bits; bias at most span / 2**32; exact for spans that
  are powers of two); spans up to 2**32.
- shuffle: a stable argsort of 31-bit random keys (ties keep index order on every backend).
- dropout: the generic dropout over the portable uniform.
"""

from __future__ import annotations

import math

import numpy as np

import crossops.numpy as xnp

from .. import _seed
from .._backend import use_backend
from ._keys import backend_module

_M32 = 0xFFFFFFFF
_ROT = ((13, 15, 26, 6), (17, 29, 16, 24))


class _Words:
    """32-bit word arithmetic on one backend (uint32, or int64 masked on torch)."""

    def __init__(self, backend: str):
        self.backend = backend
        self.masked = backend == "torch"
        self.dtype = "int64" if self.masked else "uint32"

    def add(self, a, b):
        s = xnp.add(a, b)
        return xnp.bitwise_and(s, _M32) if self.masked else s

    def rotl(self, x, r: int):
        left = xnp.left_shift(x, r)
        if self.masked:
            left = xnp.bitwise_and(left, _M32)
        return xnp.bitwise_or(left, xnp.right_shift(x, 32 - r))

    def key_words(self, key):
        k = xnp.astype(key, self.dtype)
        if self.masked:
            k = xnp.bitwise_and(k, _M32)
        return k[0], k[1]

    def const(self, value: int):
        return xnp.asarray(value, dtype=self.dtype)


def _threefry(w: _Words, k0, k1, x0, x1):
    ks = (k0, k1, xnp.bitwise_xor(xnp.bitwise_xor(k0, k1), w.const(0x1BD11BDA)))
    x0, x1 = w.add(x0, ks[0]), w.add(x1, ks[1])
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = w.add(x0, x1)
            x1 = xnp.bitwise_xor(w.rotl(x1, r), x0)
        x0 = w.add(x0, ks[(i + 1) % 3])
        x1 = w.add(w.add(x1, ks[(i + 2) % 3]), w.const(i + 1))
    return x0, x1


def as_key(backend: str, seed, op: str):
    """``seed`` (an int or a key array of ``backend``) as a uint32[2] key array there."""
    mod = backend_module(backend)
    if seed is None or _seed.is_int_seed(seed) or not hasattr(seed, "shape"):
        _seed.words(seed, op)  # raises for None and for what is neither int nor array
        return mod.key(seed)
    if hasattr(mod, "as_key"):  # jax (typed keys) and tensorflow
        return mod.as_key(seed, op)
    _seed.check_key(seed, op)
    return seed


def bits(backend: str, seed, n: int, op: str):
    """``n`` random 32-bit words (1-D, the work dtype of ``backend``) and the word helper."""
    w = _Words(backend)
    m = (n + 1) // 2
    with use_backend(backend):  # constants and counters on the key's backend
        k0, k1 = w.key_words(as_key(backend, seed, op))
        c0 = xnp.arange(m, dtype=w.dtype)
        c1 = xnp.remainder(xnp.add(c0, m), max(n, 1)) if n % 2 else xnp.add(c0, m)
        y0, y1 = _threefry(w, k0, k1, c0, c1)
        out = xnp.concatenate([y0, y1])
    return (out if n % 2 == 0 else out[:n]), w


def _chunks(value: float, width: int) -> list[float]:
    """``value`` as a sum of floats of at most ``width`` significant bits each (exact)."""
    out = []
    r = value
    while r != 0.0:
        mant, e = math.frexp(r)  # r = mant * 2**e, 0.5 <= |mant| < 1
        c = math.ldexp(math.trunc(math.ldexp(mant, width)), e - width)
        out.append(c)
        r -= c
    return out


def _unit(words, w: _Words, name: str, shape):
    """Uniform [0, 1) floats of ``shape`` in float32 (float64 for float64) as a list of
    (integer array, scale) terms whose products are exact, and their sum."""
    if name == "float64":
        n = math.prod(shape)
        a = xnp.right_shift(words[:n], 5)          # 27 bits
        b = xnp.right_shift(words[n:], 6)          # 26 bits
        parts = [(xnp.astype(a, "float64"), 2.0 ** -27, 26),
                 (xnp.astype(b, "float64"), 2.0 ** -53, 27)]
        width = 26  # 27-bit parts times 26-bit chunks stay within 53 bits
    else:
        m = xnp.right_shift(words, 8)              # 24 bits
        hi = xnp.astype(xnp.right_shift(m, 12), "float32")
        lo = xnp.astype(xnp.bitwise_and(m, 0xFFF), "float32")
        parts = [(hi, 2.0 ** -12, 12), (lo, 2.0 ** -24, 12)]
        width = 12  # 12-bit parts times 12-bit chunks stay within 24 bits
    return [(xnp.reshape(p, shape), s) for p, s, _ in parts], width


def _affine(parts, width: int, compute: str, scale: float, offset: float):
    """``offset + scale * u`` for ``u = sum(p * s for p, s in parts)``: every product exact
    in ``compute``, so fused multiply-adds change nothing."""
    cast = np.float64 if compute == "float64" else np.float32
    scale = float(cast(scale))
    chunks = _chunks(scale, width) if scale != 1.0 else [1.0]
    acc = None
    for c in chunks:
        for p, s in parts:
            k = float(cast(c * s))  # exact: a power of two times a short float
            term = p if k == 1.0 else xnp.multiply(p, k)
            acc = term if acc is None else xnp.add(acc, term)
    if offset != 0.0:
        acc = xnp.add(acc, float(cast(offset)))
    return acc


def _clamp_below(x, maxval: float, name: str):
    return xnp.where(xnp.less(x, maxval), x, _seed.below(maxval, name))


def _draws(backend, seed, shape, name, op):
    n = math.prod(shape)
    words, w = bits(backend, seed, 2 * n if name == "float64" else n, op)
    return _unit(words, w, name, shape)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, backend=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    shape = _seed.shape_tuple(shape, "uniform")
    compute = "float64" if name == "float64" else "float32"
    parts, width = _draws(backend, seed, shape, name, "uniform")
    x = _affine(parts, width, compute, hi - lo, lo)
    if name != compute:
        x = xnp.astype(x, name)
    return _clamp_below(x, hi, name)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, backend=None):
    name = _seed.float_name(dtype, "normal")
    mean = _seed.number(mean, "normal", "mean")
    stddev = _seed.number(stddev, "normal", "stddev")
    shape = _seed.shape_tuple(shape, "normal")
    compute = "float64" if name == "float64" else "float32"
    n = math.prod(shape)
    h = (n + 1) // 2
    parts, width = _draws(backend, seed, (2, h), name, "normal")
    u = _affine(parts, width, compute, 1.0, 0.0)
    u1 = xnp.subtract(1.0, u[0])  # (0, 1]: exact
    theta = xnp.multiply(u[1], 2.0 * math.pi)
    r = xnp.sqrt(xnp.multiply(xnp.log(u1), -2.0))
    z = xnp.concatenate([xnp.multiply(r, xnp.cos(theta)), xnp.multiply(r, xnp.sin(theta))])
    z = xnp.reshape(z[:n] if 2 * h != n else z, shape)
    if stddev != 1.0:
        z = xnp.multiply(z, stddev)
    if mean != 0.0:
        z = xnp.add(z, mean)
    return z if name == compute else xnp.astype(z, name)


def randint(shape, minval, maxval, dtype="int32", seed=None, backend=None):
    name = _seed.int_name(dtype, "randint")
    lo, hi = _seed.int_bounds(minval, maxval, "randint")
    info = np.iinfo(name)
    if lo < info.min or hi - 1 > info.max:
        raise ValueError(f"random.randint: [{lo}, {hi}) does not fit dtype {name}")
    span = hi - lo
    if span > 2 ** 32:
        raise ValueError(f"random.randint: the portable generator draws spans up to 2**32, got "
                         f"[{lo}, {hi}); use crossops.config.set_random_generator('native')")
    shape = _seed.shape_tuple(shape, "randint")
    words, w = bits(backend, seed, math.prod(shape), "randint")
    if span & (span - 1) == 0:  # a power of two: the top bits, exactly uniform
        k = span.bit_length() - 1
        high = xnp.right_shift(words, 32 - k) if k else xnp.multiply(words, 0)
    else:  # floor(word * span / 2**32) in 16-bit limbs: every intermediate < 2**32
        c, d = span >> 16, span & 0xFFFF
        a, b = xnp.right_shift(words, 16), xnp.bitwise_and(words, 0xFFFF)
        ad, bc = xnp.multiply(a, d), xnp.multiply(b, c)
        t = xnp.add(xnp.add(xnp.right_shift(xnp.multiply(b, d), 16), xnp.bitwise_and(ad, 0xFFFF)),
                    xnp.bitwise_and(bc, 0xFFFF))
        high = xnp.add(xnp.add(xnp.multiply(a, c), xnp.right_shift(ad, 16)),
                       xnp.add(xnp.right_shift(bc, 16), xnp.right_shift(t, 16)))
    high = xnp.reshape(high, shape)
    if span - 1 <= info.max:
        out = xnp.astype(high, name)
        return out if lo == 0 else xnp.add(out, lo)
    # the span does not fit the dtype (e.g. int32 over [-2**31, 2**31)): add in 64 bits
    return xnp.astype(xnp.add(xnp.astype(high, "int64"), lo), name)


def shuffle(x, axis=0, seed=None, backend=None):
    ndim = len(x.shape)
    axis = _seed.axis_index(axis, ndim, "shuffle")
    n = int(x.shape[axis])
    words, w = bits(backend, seed, n, "shuffle")
    keys = xnp.astype(xnp.right_shift(words, 1), "int32")
    perm = xnp.argsort(keys, stable=True)
    return xnp.take(x, perm, axis=axis)


def split(key, num=2, backend=None):
    """``num`` keys from ``key`` (as ``jax.random.split``: the words of counters 0..2num-1)."""
    words, w = bits(backend, key, 2 * int(num), "split")
    return xnp.astype(xnp.reshape(words, (int(num), 2)), "uint32")


PORTABLE = {"uniform": uniform, "normal": normal, "randint": randint, "shuffle": shuffle}
