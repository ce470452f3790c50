"""The portable generator of crossops.random (the default, ``crossops.config.
random_generator() == "portable"``): Threefry-2x32 (20 rounds, Salmon et al. 2011, the
generator of ``jax.random``) and the distributions over it, written with crossops ops so
that a seed gives the same bits on numpy, jax, torch and tensorflow, eager and compiled
(``jax.jit``, ``tf.function`` with or without ``jit_compile``, saved TensorFlow graphs,
``torch.compile(fullgraph=True)``).

Why Threefry: it needs 32-bit addition, xor and rotation only (no multiply-high, which
PyTorch's and JAX-without-x64's integer support makes awkward). The words are ``uint32``
on numpy, jax and tensorflow (wrapping arithmetic) and ``int64`` masked to 32 bits on
PyTorch (whose ``uint32`` has no addition or shifts on CPU); both give the same words.

Layout (that of ``jax.random.bits`` with ``jax_threefry_partitionable=False``): ``n``
words are ``threefry2x32(key, (c[:m], c[m:]))`` concatenated, for the counters
``c = 0 .. n-1`` padded with a 0 to even length ``2m``.

This module holds the algorithm, written with crossops ops; the backends' random modules
(``crossops/backends/<backend>/random.py``) hold what is particular to a framework, found
by name (the same numbers everywhere; only the speed differs):

- ``host_words`` (numpy; torch eagerly on CPU; tensorflow eagerly): the key as Python ints
  where a call may compute on the host, in the numpy backend's ``host_threefry`` (in place over
  cache-sized blocks) and ``uniform32``, and convert the result: ``uniform``, ``normal``,
  ``randint`` and ``truncated_normal`` run whole on the host there (crossops ops on
  NumPy), the other ops take the words only.
- ``threefry`` (jax): the words as one ``jax.jit`` kernel per size (fused by XLA; inlined
  under an outer jit).
- ``run_program`` (jax, tensorflow): an op of ``PROGRAMS`` (those with float arithmetic) as
  one compiled program, where that pays. jax: an eager call with Python-number arguments
  as one jitted program (one dispatch instead of hundreds). tensorflow: in a graph
  (``tf.function``), one nested ``tf.function(jit_compile=True)``: Grappler, TensorFlow's
  graph optimiser, would rewrite their arithmetic in a plain graph (``a c + b c`` to
  ``(a + b) c``), and it leaves XLA functions alone. A saved graph then needs XLA (part of
  every TensorFlow).
- ``WORDS`` (torch): the dtype of 32-bit words, int64 masked (torch shifts no uint32).
  Under ``torch.compile`` the crossops form traces into the graph (fullgraph; inductor and
  the "eager" backend give the eager bits). Tracing ``gamma`` or ``beta`` (about 4,000
  element-wise operations per value) takes dynamo tens of seconds, and inductor minutes,
  once per shape.

From the words:

- uniform float32: the top 24 bits ``m`` of a word, ``m * 2**-24`` (float64: 53 bits of two
  words); bounds other than [0, 1) are applied as a sum of products that are exact in the
  float dtype, so that a compiler's fused multiply-add (XLA contracts ``a * b + c``) gives
  the same bits as separate operations. float16 / bfloat16 are drawn in float32 and rounded.
- normal: Box-Muller, ``sqrt(-2 log(1 - u)) (cos, sin)(2 pi v)`` with this module's
  ``_log``, ``_sqrt`` and ``_sincos`` (the angle reduced exactly on the integer bits of
  ``v``): bit-identical everywhere, within 4 ulp of the exact value of the same words
  (3.3 ulp at most on 1e6 draws, 0.52 on average).
- randint: the high 32 bits of ``word * span`` (Lemire's multiply-shift, computed in 16-bit
  limbs so no intermediate exceeds 32 bits; bias at most span / 2**32; exact for spans that
  are powers of two); spans up to 2**32.
- shuffle: a stable argsort of 31-bit random keys (ties keep index order on every backend).
- dropout: the generic dropout over the portable uniform.
- truncated_normal, categorical, gamma, beta, binomial: they use no framework
  transcendental: ``log`` and ``exp`` are computed here (``_log``, ``_exp``: a 128- and
  64-entry table and a short polynomial, float32, within 2 ulp) and ``sqrt`` (``_sqrt``:
  Newton steps) from ``+ - * /`` (correctly rounded everywhere) and bit operations; every
  product that is not exact is a sum of exact partial products (``_xmul``), so fused
  multiply-adds change nothing, and no two constants are added in a row (XLA would fold
  them). ``binomial`` with counts known only when run (traced by ``jax.jit``,
  ``tf.function`` or ``torch.compile``) loops over ``max(counts)`` trials, computing
  each trial's words from their indices: the same bits as eager.
- float64: ``uniform`` draws 53 bits (two words per value); ``normal`` is Box-Muller on
  two such uniforms per pair with float64 ``log``, ``sqrt``, ``cos`` and ``sin`` computed
  here (``_normal64``: within 4 ulp, the same bits everywhere); ``truncated_normal`` is
  the inversion of one such uniform by AS241 in double precision (``_ndtri64``: within
  12 ulp of 1 of the exact quantile); ``gamma`` and ``beta`` run their float32 method in
  float64 (``_F64``: 52-bit open uniforms, ``_log64``, ``_exp64``, ``_sqrt64`` and AS241's
  three branches); ``binomial`` and ``categorical`` read their probabilities and logits
  as float32.
- split: the words of counters ``0 .. 2 num - 1`` as ``num`` keys (``jax.random.split``'s
  layout with ``jax_threefry_partitionable=False``).
"""

from __future__ import annotations

import decimal as _decimal
import functools
import math
from typing import NamedTuple

import numpy as np

import crossops.numpy as xnp

from .. import _backend, _seed, core
from .._backend import use_backend
from ._keys import backend_module

_M32 = _seed.MASK
_ROT = _seed.THREEFRY_ROTATIONS
_PARITY = _seed.THREEFRY_PARITY


class _Words:
    """32-bit word arithmetic on one backend (uint32, or int64 masked on torch)."""

    def __init__(self, backend: str):
        self.backend = backend
        # the backend's dtype for words, where it is not uint32 (torch: int64, masked)
        self.dtype = getattr(backend_module(backend), "WORDS", "uint32")
        self.masked = self.dtype != "uint32"

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


#: the backend of host data (NumPy arrays), where the portable ops may compute for others
HOST = "numpy"


def _threefry(w: _Words, k0, k1, x0, x1):
    ks = (k0, k1, xnp.bitwise_xor(xnp.bitwise_xor(k0, k1), w.const(_PARITY)))
    x0, x1 = w.add(x0, ks[0]), w.add(x1, ks[1])
    for i in range(5):
        for r in _ROT[i % 2]:
            x0 = w.add(x0, x1)
            x1 = xnp.bitwise_xor(w.rotl(x1, r), x0)
        x0 = w.add(x0, ks[(i + 1) % 3])
        x1 = w.add(w.add(x1, ks[(i + 2) % 3]), w.const(i + 1))
    return x0, x1


def as_key(backend: str, seed, op: str):
    """``seed`` (an int or a key array of ``backend``) as a uint32[2] key array there (on
    torch, from an int seed under ``torch.compile``: an op opaque to inductor, see
    ``backends/torch/random.py``)."""
    mod = backend_module(backend)
    if seed is None or _seed.is_int_seed(seed) or not hasattr(seed, "shape"):
        _seed.words(seed, op)  # raises for None and for what is neither int nor array
        return mod.key(seed)
    if hasattr(mod, "as_key"):  # jax (typed keys) and tensorflow
        return mod.as_key(seed, op)
    _seed.check_key(seed, op)
    return seed


def host_key(backend: str, seed, op: str) -> tuple[int, int] | None:
    """The key words of ``seed`` as Python ints where the op may compute on the host in
    NumPy and convert (the backend module's ``host_words``: numpy; eager PyTorch on CPU
    with plain tensors; eager TensorFlow), else None."""
    host_words = getattr(backend_module(backend), "host_words", None)
    return None if host_words is None else host_words(seed, op)


def host_threefry(k0: int, k1: int, n: int) -> np.ndarray:
    """``n`` words of the key ``(k0, k1)`` in NumPy (the numpy backend's kernel)."""
    return backend_module(HOST).host_threefry(k0, k1, n)


def _from_host(backend: str, x: np.ndarray):
    from .._dispatch import from_numpy
    return from_numpy(backend, x)


def bits(backend: str, seed, n: int, op: str):
    """``n`` random 32-bit words (1-D, the work dtype of ``backend``) and the word helper."""
    w = _Words(backend)
    hk = host_key(backend, seed, op)
    if hk is not None:
        words = host_threefry(hk[0], hk[1], n)
        return _from_host(backend, words.astype(np.int64) if w.masked else words), w
    with use_backend(backend):  # constants and counters on the key's backend
        key = as_key(backend, seed, op)
        kernel = getattr(backend_module(backend), "threefry", None)
        if kernel is not None:  # a backend's own kernel (jax: one jitted function)
            return kernel(key, n), w
        k0, k1 = w.key_words(key)
        # counters i and i + m (mod n) for i < m = ceil(n / 2), by slicing one arange and
        # its roll: no scalar operand and no branch on n, so that a size torch.compile
        # traces symbolically (a dynamic batch axis) stays so
        m = (n + 1) // 2
        counters = xnp.arange(n, dtype=w.dtype)
        c0 = counters[:m]
        c1 = xnp.roll(counters, -m)[:m]
        y0, y1 = _threefry(w, k0, k1, c0, c1)
        out = xnp.concatenate([y0, y1])
    return out[:n], w


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
    chunks = _seed.float_chunks(scale, width) if scale != 1.0 else [1.0]
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


def _hosted(backend: str, seed, op: str):
    """The NumPy key to compute ``op`` with on the host, then convert, for a call on
    another backend that allows it (its ``host_words``: eager torch and TensorFlow), or
    None (then the op runs with crossops ops on ``backend``)."""
    if backend == HOST:  # computes there anyway
        return None
    hk = host_key(backend, seed, op)
    return None if hk is None else np.asarray(hk, dtype=np.uint32)


def _finish(backend: str, x: np.ndarray, name: str, below: float | None = None):
    """A host result on ``backend``, rounded to ``name`` (and kept below ``below``)."""
    y = _from_host(backend, x)
    if str(x.dtype) != name:
        with use_backend(backend):
            y = xnp.astype(y, name)
            if below is not None:
                y = _clamp_below(y, below, name)
    return y


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, backend=None):
    name = _seed.float_name(dtype, "uniform")
    lo, hi = _seed.bounds(minval, maxval, "uniform")
    shape = _seed.shape_tuple(shape, "uniform")
    compute = "float64" if name == "float64" else "float32"
    if compute == "float32":
        hk = host_key(backend, seed, "uniform")
        if hk is not None:
            x = backend_module(HOST).uniform32(hk[0], hk[1], shape, lo, hi)
            return _finish(backend, x, name, hi)
    hk = _hosted(backend, seed, "uniform")
    if hk is not None:
        x = uniform(shape, lo, hi, dtype=compute, seed=hk, backend=HOST)
        return _finish(backend, x, name, hi)
    parts, width = _draws(backend, seed, shape, name, "uniform")
    x = _affine(parts, width, compute, hi - lo, lo)
    if name != compute:
        x = xnp.astype(x, name)
    return _clamp_below(x, hi, name)


_HOST_BLOCK = 1 << 14  # pairs per block of normal on NumPy (its temporaries stay in cache)


def _box_muller(m1, m2, backend: str):
    """``(r cos(2 pi v), r sin(2 pi v))`` for ``r = sqrt(-2 log(1 - u))``, ``u = m1 2**-24``
    and ``v = m2 2**-24`` (int32 arrays of 24-bit integers, one shape)."""
    # 1 - u = (2**24 - m1) 2**-24, exact; t = -2 log(1 - u), 0 (so r = 0) where u = 0
    one_minus = xnp.multiply(xnp.astype(xnp.subtract(2 ** 24, m1), "float32"), 2.0 ** -24)
    t = xnp.multiply(_log(one_minus, backend), -2.0)
    pos = xnp.greater(t, 0.0)
    r = xnp.where(pos, _sqrt(xnp.where(pos, t, 1.0)), 0.0)
    cos, sin = _sincos(m2)
    r = _halved(r)
    return _xmul(r, cos), _xmul(r, sin)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, backend=None):
    """The portable ``normal``: Box-Muller, bit-identical on every backend.

    Values ``i`` and ``h + i`` (``h`` the number of pairs) come from words ``i`` and
    ``h + i``: ``r = sqrt(-2 log(1 - u))`` from the first (``u = m 2**-24``, ``m`` its top
    24 bits), then ``r cos(2 pi v)`` and ``r sin(2 pi v)`` from the second; ``log`` and
    ``sqrt`` are ``_log`` and ``_sqrt``, ``cos`` and ``sin`` ``_sincos`` (exact range
    reduction on the integer ``m``, then short polynomials). Within a few ulp of the exact
    Box-Muller value of the same words. The arithmetic runs in float32 for every dtype but
    float64, which has its own float64 form (:func:`_normal64`: 53-bit uniforms, float64
    ``log``, ``sqrt``, ``cos`` and ``sin``).
    """
    name = _seed.float_name(dtype, "normal")
    mean = _seed.number(mean, "normal", "mean")
    stddev = _seed.number(stddev, "normal", "stddev")
    shape = _seed.shape_tuple(shape, "normal")
    compute = "float64" if name == "float64" else "float32"
    hk = _hosted(backend, seed, "normal")
    if hk is not None:
        x = normal(shape, mean, stddev, dtype=compute, seed=hk, backend=HOST)
        return _finish(backend, x, name)
    if compute == "float64":
        return _normal64(shape, mean, stddev, seed, backend)
    n = math.prod(shape)
    h = (n + 1) // 2
    words, w = bits(backend, seed, 2 * h, "normal")
    with use_backend(backend):
        m = xnp.astype(xnp.right_shift(words, 8), "int32")  # 24 bits
        if isinstance(m, np.ndarray) and h > _HOST_BLOCK:  # in cache-sized blocks: 1.7x faster
            pairs = [_box_muller(m[i:min(i + _HOST_BLOCK, h)], m[h + i:h + min(i + _HOST_BLOCK, h)],
                                 backend) for i in range(0, h, _HOST_BLOCK)]
            z = xnp.concatenate([c for c, _ in pairs] + [s for _, s in pairs])
        else:
            z = xnp.concatenate(list(_box_muller(m[:h], m[h:], backend)))
        z = xnp.reshape(z[:n], shape)  # no branch on n's parity (n may be symbolic)
        z = _scaled(z, mean, stddev)
        return z if name == "float32" else xnp.astype(z, name)


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
    hk = _hosted(backend, seed, "randint")
    if hk is not None:
        return _finish(backend, randint(shape, lo, hi, name, seed=hk, backend=HOST), name)
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
    dims = core.shape(x)  # a size unknown when traced (tf.function) as a scalar tensor
    axis = _seed.axis_index(axis, len(dims), "shuffle")
    n = _seed.shape_tuple(dims[axis], "shuffle")[0]
    words, w = bits(backend, seed, n, "shuffle")
    with use_backend(backend):
        keys = xnp.astype(xnp.right_shift(words, 1), "int32")
        perm = xnp.argsort(keys, stable=True)
    return xnp.take(x, perm, axis=axis)


def split(key, num=2, backend=None):
    """``num`` keys from ``key``: the words of counters ``0 .. 2 num - 1`` as rows of two
    (``jax.random.split``'s layout with ``jax_threefry_partitionable=False``), the same on
    every backend, eager and compiled.

    Parameters
    ----------
    key : int or array
        An int seed or a key (``uint32``, shape ``(2,)``) of ``backend``.
    num : int, optional
        How many keys (default 2).
    backend : str
        The backend of the result.

    Returns
    -------
    array
        ``uint32``, shape ``(num, 2)``, of ``backend``.
    """
    words, w = bits(backend, key, 2 * int(num), "split")
    with use_backend(backend):
        return xnp.astype(xnp.reshape(words, (int(num), 2)), "uint32")


# --- float32 arithmetic that every backend and compiler rounds alike ------------------------
#
# The functions below take and return float32 arrays of one backend (inside use_backend).
# Only +, -, *, /, comparisons, selections and bit operations appear; IEEE rounds each of
# them correctly on every backend (sqrt is computed here too, see ``_sqrt``). A compiler
# may fuse ``a * b + c`` into one FMA (XLA does, under jax.jit), which rounds once instead
# of twice: so a product that feeds an addition is always exact (a power of two, or the
# partial products of ``_xmul``).


def _f32(value: float) -> float:
    """``value`` rounded to float32 (as a Python float)."""
    return float(np.float32(value))


def _split(x):
    """``x`` (float32) as ``(hi, lo)``: ``hi`` its top 12 significant bits (the bit pattern
    masked), ``lo = x - hi`` (exact, at most 12 significant bits)."""
    hi = xnp.view(xnp.bitwise_and(xnp.view(x, "int32"), -4096), "float32")
    return hi, xnp.subtract(x, hi)


def _csplit(c: float) -> tuple[float, float]:
    """A Python constant as float32 ``(hi, lo)`` of at most 12 significant bits each, ``lo``
    zero only for a power of two (so that ``_xmulc`` never multiplies both halves of an
    array by one factor, which TensorFlow's graph optimiser would hoist: ``x c + y c`` to
    ``(x + y) c``, whose product is not exact)."""
    c = _f32(c)
    if c == 0.0 or math.frexp(abs(c))[0] == 0.5:
        return c, 0.0
    parts = _seed.float_chunks(c, 12)
    if len(parts) == 1:  # at most 12 bits: split off the lowest one
        bits = max(len(bin(int(math.ldexp(abs(c), 60))).rstrip("0")) - 2, 2)
        parts = _seed.float_chunks(c, bits - 1)
    return parts[0], _f32(c - parts[0])


def _xmul(a, b, split=None):
    """``a * b`` (float32 arrays; float64 with ``split=_split64``) as the sum of four exact
    partial products, the middle ones first: within about 1 ulp of the product, and the
    same bits whether or not a compiler fuses the additions with the multiplications. No
    two products added together share a factor (TensorFlow's graph optimiser would hoist
    it, see ``_csplit``)."""
    split = split or _split
    ah, al = _halves(a, split)
    bh, bl = (ah, al) if b is a else _halves(b, split)
    s = xnp.add(xnp.multiply(ah, bl), xnp.multiply(al, bh))
    return xnp.add(xnp.add(s, xnp.multiply(al, bl)), xnp.multiply(ah, bh))


class _Halved(NamedTuple):
    """An array with its ``_split`` (or ``_split64``) halves, made once for an array that
    ``_xmul`` and its kin multiply several times: the same operations on the same values,
    fewer of them (eagerly; compilers merge repeated splits themselves)."""
    x: object
    hi: object
    lo: object


def _halved(x, split=None) -> _Halved:
    return _Halved(x, *(split or _split)(x))


def _halves(a, split):
    """The halves of ``a`` (an array, or a :class:`_Halved`)."""
    return (a.hi, a.lo) if type(a) is _Halved else split(a)


def _value(a):
    return a.x if type(a) is _Halved else a


def _xmulc(a, c: float, split=None, csplit=None):
    """``a * c`` for a Python constant ``c``, as ``_xmul`` does it (one exact product for a
    power of two); float64 with ``split=_split64, csplit=_csplit64``."""
    ch, cl = (csplit or _csplit)(c)
    if cl == 0.0:
        return xnp.multiply(_value(a), ch)
    ah, al = _halves(a, split or _split)
    s = xnp.add(xnp.multiply(ah, cl), xnp.multiply(al, ch))
    return xnp.add(xnp.add(s, xnp.multiply(al, cl)), xnp.multiply(ah, ch))


def _sqrt(x):
    """The square root of positive normal float32 ``x`` (within 1 ulp): a guess from the bit
    pattern (within 4%), then four Newton steps ``(y + x / y) / 2``. Not the framework's
    ``sqrt``: PyTorch's float32 ``sqrt`` on CPU is not correctly rounded (its last bit
    differs from NumPy's on about 0.7% of inputs)."""
    b = xnp.view(x, "int32")
    y = xnp.view(xnp.add(xnp.right_shift(b, 1), 0x1FBD1DF5), "float32")
    for _ in range(4):
        y = xnp.multiply(xnp.add(y, xnp.divide(x, y)), 0.5)
    return y


def _poly(x, coeffs):
    """``coeffs[0] + coeffs[1] x + ...`` by Horner's rule, every product by ``_xmul``."""
    if len(coeffs) > 2 and type(x) is not _Halved:
        x = _halved(x)
    acc = xnp.add(_xmulc(x, coeffs[-1]), _f32(coeffs[-2]))
    for c in reversed(coeffs[:-2]):
        acc = xnp.add(_xmul(acc, x), _f32(c))
    return acc


def _table(backend: str, values) -> object:
    from .._dispatch import from_numpy
    return from_numpy(backend, np.asarray(values, dtype=np.float32))


def _hi_lo(values) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values, dtype=np.float64)
    hi = v.astype(np.float32)
    return hi, (v - hi.astype(np.float64)).astype(np.float32)


# log: x = 2**e * m, m in [1, 2); the top 7 bits of m pick a centre c (m halved and e
# raised for m >= 1.5, and the last centre 1, so that log near 1 keeps its relative
# precision); log x = e ln2 + log c + log1p((m - c) / c), |(m - c) / c| < 2**-6.5.
_LOG_C = np.array([1 + i / 128 if i < 64 else ((1 + i / 128) / 2 if i < 127 else 1.0)
                   for i in range(128)])
_LOG_HI, _LOG_LO = _hi_lo(np.log(_LOG_C))
_LN2 = _seed.float_chunks(math.log(2.0), 16)
_LN2_HI, _LN2_LO = _LN2[0], _f32(_LN2[1])  # e * each is exact for |e| < 2**8


def _log(x, backend: str):
    """The natural log of positive normal float32 ``x`` (within 2 ulp; zero, subnormal,
    negative and non-finite inputs give unspecified numbers: callers keep them out)."""
    b = xnp.view(x, "int32")
    e = xnp.subtract(xnp.right_shift(b, 23), 127)
    i = xnp.bitwise_and(xnp.right_shift(b, 16), 0x7F)
    m = xnp.view(xnp.bitwise_or(xnp.bitwise_and(b, 0x7FFFFF), 0x3F800000), "float32")
    upper = xnp.greater_equal(i, 64)
    m = xnp.where(upper, xnp.multiply(m, 0.5), m)
    e = xnp.astype(xnp.where(upper, xnp.add(e, 1), e), "float32")
    c = xnp.take(_table(backend, _LOG_C), i)
    r = xnp.divide(xnp.subtract(m, c), c)  # m - c exact (Sterbenz)
    rh = _halved(r)
    r2 = _xmul(rh, rh)
    r2h = _halved(r2)
    r3 = _xmul(r2h, rh)
    r4 = _xmul(r2h, r2h)
    p = xnp.subtract(_xmulc(r3, 1 / 3), xnp.multiply(r4, 0.25))
    p = xnp.add(xnp.subtract(p, xnp.multiply(r2, 0.5)), r)  # log1p(r) to r**4
    hi = xnp.add(xnp.multiply(e, _LN2_HI), xnp.take(_table(backend, _LOG_HI), i))
    lo = xnp.add(xnp.add(xnp.multiply(e, _LN2_LO), xnp.take(_table(backend, _LOG_LO), i)), p)
    return xnp.add(hi, lo)


# exp: x = (64 q + j) ln2 / 64 + r, |r| <= ln2 / 128; exp x = 2**q 2**(j/64) expm1-ish(r).
_EXP_HI, _EXP_LO = _hi_lo(2.0 ** (np.arange(64) / 64))
# k * each exact, |k| < 2**14
_L64 = [_f32(c) for c in _seed.float_chunks(math.log(2.0) / 64, 10)[:3]]
_EXP_MIN = -87.33  # below: 0 (the result would be subnormal, which XLA flushes)
_EXP_MAX = 88.72  # above: inf


def _exp(x, backend: str):
    """``e**x`` for float32 ``x`` (within 2 ulp; 0 below -87.33, where the result would be
    subnormal, and inf above 88.72; NaN gives unspecified numbers)."""
    xc = xnp.clip(x, -88.0, 88.5)
    k = xnp.floor(xnp.add(_xmulc(xc, 64.0 / math.log(2.0)), 0.5))
    r = xnp.subtract(xc, xnp.multiply(k, _L64[0]))
    r = xnp.subtract(r, xnp.multiply(k, _L64[1]))
    r = xnp.subtract(r, xnp.multiply(k, _L64[2]))
    ki = xnp.astype(k, "int32")
    j = xnp.bitwise_and(ki, 63)
    q = xnp.right_shift(ki, 6)  # floor(k / 64)
    rh = _halved(r)
    r2 = _xmul(rh, rh)
    p = xnp.add(xnp.add(_xmulc(_xmul(r2, rh), 1 / 6), xnp.multiply(r2, 0.5)), r)  # e**r - 1
    t_hi = xnp.take(_table(backend, _EXP_HI), j)
    t_lo = xnp.take(_table(backend, _EXP_LO), j)
    v = xnp.add(t_hi, xnp.add(t_lo, _xmul(t_hi, p)))
    scale = xnp.view(xnp.left_shift(xnp.add(xnp.clip(q, -126, 127), 127), 23), "float32")
    out = xnp.multiply(v, scale)  # exact: a power of two
    out = xnp.where(xnp.less(x, _EXP_MIN), 0.0, out)
    return xnp.where(xnp.greater(x, _EXP_MAX), float("inf"), out)


# sin and cos of 2 pi u for u = m 2**-24 (m an integer in [0, 2**24)): the quadrant is the
# top two bits of m, the rest k gives f = k 2**-22 in [0, 1) with 2 pi u = pi/2 (q + f);
# g = min(f, 1 - f) in [0, 1/2] (exact) and sin(pi/2 g), cos(pi/2 g) by their Taylor series
# in g (the terms left out are below 4e-9 relative).
_HALF_PI = math.pi / 2
_SIN_C = [(-1) ** i * _HALF_PI ** (2 * i + 1) / math.factorial(2 * i + 1) for i in range(5)]
_COS_C = [(-1) ** i * _HALF_PI ** (2 * i) / math.factorial(2 * i) for i in range(6)]
_PI2_HI = _seed.float_chunks(_HALF_PI, 12)[0]
_SIN_C1 = (_PI2_HI, _f32(_HALF_PI - _PI2_HI))  # pi/2 as hi + lo


def _sincos(m):
    """``(cos(2 pi u), sin(2 pi u))`` for ``u = m 2**-24``, ``m`` an int32 array in
    ``[0, 2**24)`` (within 2 ulp, the same bits on every backend and compiler)."""
    q = xnp.right_shift(m, 22)
    k = xnp.bitwise_and(m, 0x3FFFFF)
    upper = xnp.greater(k, 0x200000)
    g = xnp.multiply(xnp.astype(xnp.where(upper, xnp.subtract(0x400000, k), k), "float32"),
                     2.0 ** -22)  # exact
    g = _halved(g)
    z = _halved(_xmul(g, g))
    s_tail = _xmul(z, _poly(z, _SIN_C[1:]))
    # g hi + (g tail + g lo), each product FMA-proof (XLA would add the constants of
    # g (hi + (lo + tail)) first)
    s = xnp.add(_xmulc(g, _SIN_C1[0]), xnp.add(_xmul(g, s_tail), _xmulc(g, _SIN_C1[1])))
    c = xnp.add(1.0, _xmul(z, _poly(z, _COS_C[1:])))
    s, c = xnp.where(upper, c, s), xnp.where(upper, s, c)  # the angle pi/2 f
    odd = xnp.equal(xnp.bitwise_and(q, 1), 1)  # pi/2 (q + f): swap, then negate
    sin = xnp.where(odd, c, s)
    cos = xnp.where(odd, xnp.negative(s), c)
    neg = xnp.greater_equal(q, 2)
    return xnp.where(neg, xnp.negative(cos), cos), xnp.where(neg, xnp.negative(sin), sin)


# The inverse of the standard normal CDF: Wichura's AS241 (PPND7, about 1e-7 relative) on
# p in [2**-25, 1 - 2**-25] (its third branch, for p < exp(-25), is never needed here).
_AS241_A = (3.3871327179, 50.434271938, 159.29113202, 59.109374720)
_AS241_B = (1.0, 17.895169469, 78.757757664, 67.187563600)
_AS241_C = (1.4234372777, 2.7568153900, 1.3067284816, 0.17023821103)
_AS241_D = (1.0, 0.73700164250, 0.12021132975)


def _ndtri(q, backend: str):
    """The standard normal quantile of ``p = 1/2 + q`` for float32 ``q`` in
    ``[-1/2 + 2**-25, 1/2 - 2**-25]``. It takes ``q``, not ``p``: XLA folds a chain of
    additions of constants (``(x + c1) - c2`` to ``x + (c1 - c2)``), which would round
    ``p - 1/2`` otherwise; the tail's ``min(p, 1 - p) = 1/2 - |q|`` is exact there
    (Sterbenz: ``|q| > 0.425``)."""
    if isinstance(q, np.ndarray):
        return _ndtri_host(q)
    central = xnp.less_equal(xnp.abs(q), _f32(0.425))
    return xnp.where(central, _ndtri_central(q), _ndtri_tail(q, backend))


def _ndtri_central(q):
    """AS241's central branch (``|q| <= 0.425``) of :func:`_ndtri`."""
    rc = xnp.subtract(_f32(0.180625), _xmul(q, q))
    return xnp.divide(_xmul(q, _poly(rc, _AS241_A)), _poly(rc, _AS241_B))


def _ndtri_tail(q, backend: str):
    """AS241's first tail branch (``0.425 < |q|``, ``1/2 - |q| >= exp(-25)``)."""
    tail_p = xnp.subtract(0.5, xnp.abs(q))
    rt = xnp.subtract(_sqrt(xnp.negative(_log(tail_p, backend))), _f32(1.6))
    tail = xnp.divide(_poly(rt, _AS241_C), _poly(rt, _AS241_D))
    return xnp.where(xnp.less(q, 0.0), xnp.negative(tail), tail)


def _ndtri_host(q: np.ndarray) -> np.ndarray:
    """:func:`_ndtri` on the host: each branch only on the values that take it, in
    cache-sized blocks (the same element-wise operations on the same values: the same
    bits, 4-5x faster than both branches over the whole array)."""
    flat = q.reshape(-1)
    out = np.empty_like(flat)
    block = 2 * _HOST_BLOCK
    for i in range(0, flat.size, block):
        b, o = flat[i:i + block], out[i:i + block]
        central = np.abs(b) <= np.float32(0.425)
        o[central] = _ndtri_central(b[central])
        if not central.all():
            tail = ~central
            o[tail] = _ndtri_tail(b[tail], HOST)
    return out.reshape(q.shape)


def _open_unit(words, shape):
    """Uniform float32 on the open interval: ``(2 k + 1) * 2**-24`` for the top 23 bits
    ``k`` of each word, in ``[2**-24, 1 - 2**-24]`` and symmetric about 1/2."""
    k = xnp.right_shift(words, 9)
    odd = xnp.bitwise_or(xnp.left_shift(k, 1), 1)
    return xnp.reshape(xnp.multiply(xnp.astype(odd, "float32"), 2.0 ** -24), shape)


def _centred_unit(words, shape):
    """``_open_unit(words) - 1/2`` computed exactly from the integers: ``(2 k + 1 - 2**23)
    * 2**-24``, in ``[-1/2 + 2**-24, 1/2 - 2**-24]`` (the argument of ``_ndtri``)."""
    k = xnp.astype(xnp.right_shift(words, 9), "int32")
    odd = xnp.subtract(xnp.bitwise_or(xnp.left_shift(k, 1), 1), 2 ** 23)
    return xnp.reshape(xnp.multiply(xnp.astype(odd, "float32"), 2.0 ** -24), shape)


def _param(backend: str, value, op: str, what: str, dtype: str = "float32"):
    """A distribution parameter as a float32 (or ``dtype``) array of ``backend``."""
    from .._backend import backend_of
    from .._dispatch import from_numpy
    if hasattr(value, "shape") and not isinstance(value, np.ndarray):
        if backend_of(value) == backend:
            # a traced parameter, seen through a selection that a compiler keeps: XLA would
            # fold the caller's ``alpha + 1`` and an addition here into one
            x = xnp.astype(value, dtype)
            return xnp.where(xnp.equal(x, x), x, float("nan"))
    try:
        host = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"random.{op}: {what} must be a number or an array of numbers, got "
                        f"{type(value).__name__}") from None
    return from_numpy(backend, host)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, backend=None):
    """The portable ``truncated_normal``: one word per value, by inversion.

    ``p`` is uniform on ``[Phi(-2), Phi(2))`` (``p - 1/2`` the exact affine map of
    ``uniform``), and the value ``mean + stddev * ndtri(p)`` with ``ndtri`` Wichura's
    AS241 (about 1e-7 relative error), clipped to ``[-2, 2]`` before scaling. Cost: about
    300 element-wise operations per value in compiled code (a log, a sqrt and three
    rational functions, both branches evaluated); eager calls compute on the host, where
    each value takes only its own branch (about 12% the tail's). float64 has its own
    float64 form (:func:`_truncated_normal64`: 53-bit uniforms from two words per value,
    AS241 in double precision).
    """
    name = _seed.float_name(dtype, "truncated_normal")
    mean = _seed.number(mean, "truncated_normal", "mean")
    stddev = _seed.number(stddev, "truncated_normal", "stddev")
    shape = _seed.shape_tuple(shape, "truncated_normal")
    compute = "float64" if name == "float64" else "float32"
    hk = _hosted(backend, seed, "truncated_normal")
    if hk is not None:
        x = truncated_normal(shape, mean, stddev, compute, seed=hk, backend=HOST)
        return _finish(backend, x, name)
    lo = 0.5 * math.erfc(2.0 / math.sqrt(2.0))
    width = 1.0 - 2.0 * lo
    if compute == "float64":
        return _truncated_normal64(shape, mean, stddev, seed, backend, lo, width)
    parts, bits_width = _draws(backend, seed, shape, "float32", "truncated_normal")
    with use_backend(backend):
        q = _affine(parts, bits_width, "float32", width, lo - 0.5)  # p - 1/2
        z = xnp.clip(_ndtri(q, backend), -2.0, 2.0)
        z = _scaled(z, mean, stddev)
        return z if name == "float32" else xnp.astype(z, name)


def categorical(logits, num_samples, dtype="int32", seed=None, backend=None):
    """The portable ``categorical``: Gumbel-max.

    Sample ``s`` of row ``b`` is ``argmax_c(logits[b, c] + g[b, s, c])`` with
    ``g = -log(-log(u))`` of ``batch * num_samples * classes`` open uniforms (``u`` in
    ``[2**-24, 1 - 2**-24]``, so ``|g| < 17``). Cost: ``classes`` words and two logs per
    sample. The logits are read as float32; a ``-inf`` logit is never drawn (unless the
    whole row is ``-inf``: then 0); ties go to the first class on every backend.
    """
    name = _seed.int_name(dtype, "categorical")
    if len(logits.shape) != 2:
        raise ValueError(f"random.categorical: logits must be 2-D (batch, classes), got shape "
                         f"{tuple(logits.shape)}")
    try:
        num = int(num_samples)
    except TypeError:
        raise TypeError(f"random.categorical: num_samples must be an int, got "
                        f"{type(num_samples).__name__}") from None
    if num < 0:
        raise ValueError(f"random.categorical: num_samples must be non-negative, got {num}")
    batch, classes = _seed.shape_tuple(core.shape(logits), "categorical")
    words, w = bits(backend, seed, batch * num * classes, "categorical")
    with use_backend(backend):
        lg = _param(backend, logits, "categorical", "logits")
        u = _open_unit(words, (batch, num, classes))
        g = xnp.negative(_log(xnp.negative(_log(u, backend)), backend))
        z = xnp.add(xnp.reshape(lg, (batch, 1, classes)), g)
        return xnp.astype(xnp.argmax(z, axis=-1), name)


_GAMMA_ROUNDS = 8


class _Kit(NamedTuple):
    """The arithmetic of one float dtype for the gamma family: float32 (``_F32``) or float64
    (``_F64``, defined with the float64 functions below)."""
    dtype: str
    words_per_uniform: int
    const: object      # a Python constant rounded to the dtype
    tiny: float        # above it, a positive number is normal
    xmul: object
    xmulc: object
    sqrt: object
    log: object        # (x, backend)
    exp: object        # (x, backend)
    ndtri: object      # (q, backend)
    open_unit: object  # (words, n, row, shape): the uniform of row ``row``
    centred_unit: object
    param: object      # (backend, value, op, what)


def _row32(words, n, row):
    return words[row * n:(row + 1) * n]


_F32 = _Kit("float32", 1, _f32, 2.0 ** -100, _xmul, _xmulc, _sqrt, _log, _exp, _ndtri,
            lambda words, n, row, shape: _open_unit(_row32(words, n, row), shape),
            lambda words, n, row, shape: _centred_unit(_row32(words, n, row), shape),
            lambda *a: _param(*a))


def _gamma_draws(d, words, n: int, shape, backend: str, offset: int = 0, kit=_F32):
    """Gamma(a) (a >= 1, ``kit.dtype``, ``shape``) by Marsaglia and Tsang's method, given
    ``d = a - 1/3``, from the uniforms ``offset .. offset + 2 R - 1`` of ``words`` (each
    ``kit.words_per_uniform`` rows of ``n`` words): R rounds, each a normal by inversion and
    a uniform; the first accepted candidate is kept, and ``d`` (v = 1) where all R are
    rejected. (The caller computes ``d`` with one addition to the parameter: XLA would fold
    ``(alpha + 1) - 1/3`` to ``alpha + 2/3``.)"""
    c = xnp.divide(1.0, kit.sqrt(kit.xmulc(d, 9.0)))
    out = d
    done = xnp.zeros(shape, dtype="bool")
    for i in range(_GAMMA_ROUNDS):
        row = offset + 2 * i
        x = kit.ndtri(kit.centred_unit(words, n, row, shape), backend)
        lu = kit.log(kit.open_unit(words, n, row + 1, shape), backend)
        v = xnp.add(kit.xmul(c, x), 1.0)
        v3 = kit.xmul(kit.xmul(v, v), v)
        ok = xnp.logical_and(xnp.greater(v, 0.0), xnp.greater(v3, kit.tiny))
        v3 = xnp.where(ok, v3, 1.0)  # logs of positive normal numbers only
        rhs = xnp.subtract(xnp.add(xnp.multiply(kit.xmul(x, x), 0.5), d), kit.xmul(d, v3))
        rhs = xnp.add(rhs, kit.xmul(d, kit.log(v3, backend)))
        take = xnp.logical_and(xnp.logical_and(ok, xnp.less(lu, rhs)), xnp.logical_not(done))
        out = xnp.where(take, kit.xmul(d, v3), out)
        done = xnp.logical_or(done, take)
    return out


def _log_gamma_draws(a, words, n: int, shape, backend: str, offset: int = 0, kit=_F32):
    """log of a Gamma(a) draw (``kit.dtype``, any a > 0) as ``log G(a + 1) + log(U) / a``
    (Marsaglia and Tsang's boost, free of underflow for small ``a``), from ``2 R + 1``
    uniforms of ``words`` from ``offset``."""
    g = _gamma_draws(xnp.add(a, kit.const(2 / 3)), words, n, shape, backend, offset, kit)
    row = offset + 2 * _GAMMA_ROUNDS
    lu = kit.log(kit.open_unit(words, n, row, shape), backend)
    # log(U) * (1 / a): XLA rewrites a division by a constant into a multiplication by
    # its reciprocal, so the reciprocal is taken here and the product made FMA-proof
    return xnp.add(kit.log(g, backend), kit.xmul(lu, xnp.divide(1.0, a)))


def gamma(shape, alpha, dtype=None, seed=None, backend=None):
    """The portable ``gamma``: Marsaglia and Tsang (2000) with a fixed number of rounds.

    Each value takes ``2 R + 1 = 17`` uniforms: R = 8 rounds of (a normal by inversion, a
    uniform), accepting the first candidate ``d v**3`` (``d = a - 1/3`` or, for ``a < 1``,
    ``a + 2/3``) with ``log u < x**2 / 2 + d - d v**3 + d log v**3``, and one uniform for
    ``a < 1`` (``G(a) = G(a + 1) U**(1/a)``). A round accepts with probability above 0.95,
    so all eight reject with probability below 4e-11; the value is then ``d`` (documented
    fallback). A uniform is one word (float32 arithmetic, for every dtype but float64) or
    two (float64: 52-bit uniforms and float64 arithmetic). Cost: about 4,000 element-wise
    operations per value (float64: about twice that).
    """
    name = _seed.float_name(dtype, "gamma")
    shape = _seed.shape_tuple(shape, "gamma")
    kit = _F64 if name == "float64" else _F32
    n = math.prod(shape)
    words, w = bits(backend, seed, (2 * _GAMMA_ROUNDS + 1) * kit.words_per_uniform * n,
                    "gamma")
    with use_backend(backend):
        a = xnp.broadcast_to(kit.param(backend, alpha, "gamma", "alpha"), shape)
        small = xnp.less(a, 1.0)
        d = xnp.where(small, xnp.add(a, kit.const(2 / 3)), xnp.subtract(a, kit.const(1 / 3)))
        g = _gamma_draws(d, words, n, shape, backend, 0, kit)
        lu = kit.log(kit.open_unit(words, n, 2 * _GAMMA_ROUNDS, shape), backend)
        boost = kit.exp(kit.xmul(lu, xnp.divide(1.0, xnp.where(small, a, 1.0))), backend)
        out = xnp.where(small, kit.xmul(g, boost), g)
        return out if name == kit.dtype else xnp.astype(out, name)


def beta(shape, alpha, beta, dtype=None, seed=None, backend=None):
    """The portable ``beta``: ``X / (X + Y)`` of two Gamma draws, in log space.

    ``log X = log G(alpha + 1) + log(U) / alpha`` (and Y alike), then ``exp`` of each minus
    the larger, so that small parameters do not underflow to 0 / 0. Each value takes
    ``2 (2 R + 1) = 34`` uniforms (float64: two words each); cost about twice ``gamma``'s.
    """
    name = _seed.float_name(dtype, "beta")
    shape = _seed.shape_tuple(shape, "beta")
    kit = _F64 if name == "float64" else _F32
    n = math.prod(shape)
    rows = 2 * _GAMMA_ROUNDS + 1
    words, w = bits(backend, seed, 2 * rows * kit.words_per_uniform * n, "beta")
    with use_backend(backend):
        a = xnp.broadcast_to(kit.param(backend, alpha, "beta", "alpha"), shape)
        b = xnp.broadcast_to(kit.param(backend, beta, "beta", "beta"), shape)
        lx = _log_gamma_draws(a, words, n, shape, backend, 0, kit)
        ly = _log_gamma_draws(b, words, n, shape, backend, rows, kit)
        m = xnp.maximum(lx, ly)
        x = kit.exp(xnp.subtract(lx, m), backend)
        y = kit.exp(xnp.subtract(ly, m), backend)
        out = xnp.divide(x, xnp.add(x, y))
        return out if name == kit.dtype else xnp.astype(out, name)


_BINOMIAL_BLOCK = 1 << 22  # words per block of trials


def _static_max(counts, op: str) -> int | None:
    """The largest count, known at call time (a number or a concrete array), or None for
    an array whose values are known only when run (a tracer of jax.jit, a symbolic tensor
    of tf.function, any array while torch.compile traces: dynamo would trace the NumPy
    conversion, a data-dependent branch that fullgraph=True refuses)."""
    import crossops
    if isinstance(counts, int | float) and not isinstance(counts, bool):
        top = float(counts)  # plain Python: a constant for torch.compile
        if not math.isfinite(top) or top < 0:
            raise ValueError(f"random.{op}: counts must be finite and non-negative, got {top}")
        return int(math.ceil(top))
    elif _backend._tracing() and hasattr(counts, "shape"):
        return None  # torch.compile traces an array's values (and an ndarray's) as unknown
    else:
        try:
            values = np.asarray(crossops.to_numpy(counts), dtype=np.float64)
        except Exception:
            if hasattr(counts, "shape") and not isinstance(counts, np.ndarray):
                return None
            raise TypeError(f"random.{op}: counts must be a number or an array of numbers, "
                            f"got {type(counts).__name__}") from None
    if values.size == 0:
        return 0
    top = float(np.max(values))
    if not np.isfinite(top) or np.min(values) < 0:
        raise ValueError(f"random.{op}: counts must be finite and non-negative, got values in "
                         f"[{np.min(values)}, {top}]")
    return int(math.ceil(top))


def _words_at(w: _Words, k0, k1, total, j):
    """The words ``j`` (int32 indices below ``total``) of ``bits(key, total)`` for a
    ``total`` known only when run (an int32 scalar array): word ``j`` is the first lane of
    the counter pair ``(j, (j + m) mod total)`` for ``j < m = ceil(total / 2)``, else the
    second lane of the pair ``(j - m, j mod total)``, as ``bits`` lays them out. A
    ``total`` of 0 gives words that nothing reads (and divides by nothing)."""
    m = xnp.floor_divide(xnp.add(total, 1), 2)
    first = xnp.less(j, m)
    c = xnp.where(first, j, xnp.subtract(j, m))
    c0 = xnp.astype(c, w.dtype)
    c1 = xnp.astype(xnp.remainder(xnp.add(c, m), xnp.maximum(total, 1)), w.dtype)
    y0, y1 = _threefry(w, k0, k1, c0, c1)
    return xnp.where(first, y0, y1)


def _binomial_traced(shape, counts, probabilities, name, seed, backend):
    """``binomial`` for counts known only when run (under ``jax.jit``, ``tf.function`` or
    ``torch.compile``, whose ``while_loop`` takes the data-dependent trip count):
    a loop over the ``max(counts)`` trials whose words are those the eager form draws (the
    same blocks, block keys and word layout, each word computed from its index), so that
    the results are the same bits. Counts that are negative or not finite give unspecified
    values (they cannot be checked when traced)."""
    n = math.prod(shape)
    w = _Words(backend)
    with use_backend(backend):
        key = as_key(backend, seed, "binomial")  # its words taken in the body: views of
        # one array, if the loop's closure held them, would alias (torch's while_loop refuses)
        cnt = xnp.broadcast_to(_param(backend, counts, "binomial", "counts"), shape)
        prob = xnp.broadcast_to(_param(backend, probabilities, "binomial", "probabilities"),
                                shape)
        top = xnp.astype(xnp.ceil(xnp.max(xnp.asarray(_param(backend, counts, "binomial",
                                                                "counts")))), "int32")
        cap = _BINOMIAL_BLOCK // max(n, 1) if isinstance(n, int) else \
            xnp.floor_divide(_BINOMIAL_BLOCK, xnp.maximum(n, 1))  # (n a tf.shape tensor)
        per = xnp.maximum(xnp.minimum(top, cap), 1)
        blocks = xnp.floor_divide(xnp.subtract(xnp.add(top, per), 1), per)
        index = xnp.arange(n, dtype="int32")
        pair = xnp.arange(2, dtype="int32")

        def body(t, total):
            blk = xnp.floor_divide(t, per)
            t0 = xnp.multiply(blk, per)
            k = xnp.minimum(per, xnp.subtract(top, t0))
            # the block's key: words 2 blk and 2 blk + 1 of split(seed, blocks)
            bk = _words_at(w, *w.key_words(key), xnp.multiply(blocks, 2),
                           xnp.add(pair, xnp.multiply(blk, 2)))
            if not w.masked:
                bk = xnp.astype(bk, "uint32")
            words = _words_at(w, bk[0], bk[1], xnp.multiply(k, n),
                              xnp.add(index, xnp.multiply(xnp.subtract(t, t0), n)))
            parts, width = _unit(words, w, "float32", shape)
            u = _affine(parts, width, "float32", 1.0, 0.0)
            hit = xnp.logical_and(xnp.less(u, prob), xnp.less(xnp.astype(t, "float32"), cnt))
            return xnp.add(t, 1), xnp.add(total, xnp.astype(hit, "int32"))

        # trial 0 outside the loop (no hits where every count is 0): it also fills the
        # dispatch caches the body reads, in the outer trace, since torch.compile refuses
        # side effects inside while_loop's body
        first = body(xnp.asarray(0, dtype="int32"), xnp.zeros(shape, dtype="int32"))
        _, total = core.while_loop(lambda t, total: xnp.less(t, top), body, first)
        return xnp.astype(total, name)


def binomial(shape, counts, probabilities, dtype=None, seed=None, backend=None):
    """The portable ``binomial``: a sum of Bernoulli trials.

    Value ``i`` counts the trials ``t < counts[i]`` whose uniform (24 bits) is below
    ``probabilities[i]`` (float32), for ``t < max(counts)``: exact integer comparisons, so
    nothing is rounded. Cost: ``max(counts)`` words per value, in blocks of 2**22 words
    (each block from its own key of ``split``). Counts traced by ``jax.jit``,
    ``tf.function`` or ``torch.compile`` run as a loop over the trials
    (``_binomial_traced``), same bits.
    """
    name = _seed.real_name(dtype, "binomial")
    shape = _seed.shape_tuple(shape, "binomial")
    n = math.prod(shape)
    top = _static_max(counts, "binomial")
    if top is None or not isinstance(n, int):  # counts or the shape known only when run
        if isinstance(n, int) and n == 0:
            with use_backend(backend):
                return xnp.zeros(shape, dtype=name)
        return _binomial_traced(shape, counts, probabilities, name, seed, backend)
    per = max(1, min(top, _BINOMIAL_BLOCK // max(n, 1)))  # trials per block
    blocks = -(-top // per) if top else 0
    keys = split(seed, blocks, backend=backend) if blocks else None
    with use_backend(backend):
        cnt = xnp.broadcast_to(_param(backend, counts, "binomial", "counts"), shape)
        prob = xnp.broadcast_to(_param(backend, probabilities, "binomial", "probabilities"),
                                shape)
        total = xnp.zeros(shape, dtype="int32")
        for blk in range(blocks):
            t0 = blk * per
            k = min(per, top - t0)
            words, w = bits(backend, keys[blk], k * n, "binomial")
            parts, width = _unit(words, w, "float32", (k,) + shape)
            u = _affine(parts, width, "float32", 1.0, 0.0)
            trial = xnp.reshape(xnp.arange(t0, t0 + k, dtype="float32"), (k,) + (1,) * len(shape))
            hit = xnp.logical_and(xnp.less(u, prob), xnp.less(trial, cnt))
            total = xnp.add(total, xnp.sum(xnp.astype(hit, "int32"), axis=0))
        return xnp.astype(total, name)


# --- float64 normal ------------------------------------------------------------------------
#
# The float32 arithmetic above, in float64: products that feed additions are sums of exact
# partial products of 26-bit halves (``_split64`` rounds to 26 significant bits, so the
# rest has at most 26 too, and every partial product fits 53 bits), so that fused
# multiply-adds change nothing; log, sqrt, cos and sin are computed here from + - * / and
# bit operations, the same bits on every backend and compiler.

def _dd(value) -> tuple[float, float]:
    """A Decimal as float64 ``(hi, lo)``: ``hi`` the nearest float64, ``lo`` the rest."""
    hi = float(value)
    return hi, float(value - _decimal.Decimal(hi))


def _round_bits(c: float, bits: int) -> float:
    """``c`` rounded to ``bits`` significant bits (Python float)."""
    if c == 0.0:
        return 0.0
    mant, e = math.frexp(c)
    return math.ldexp(round(math.ldexp(mant, bits)), e - bits)


_D = _decimal.Context(prec=50)
_LN2_64 = _D.ln(_decimal.Decimal(2))
_LN2_64_HI = _round_bits(float(_LN2_64), 40)  # e * each exact for |e| < 2**12
_LN2_64_LO = _round_bits(float(_LN2_64 - _decimal.Decimal(_LN2_64_HI)), 40)
_LOG64_HI, _LOG64_LO = (np.array(v) for v in zip(*[
    _dd(_D.ln(_decimal.Decimal(float(c)))) for c in _LOG_C]))
_LOG1P_C = [(-1) ** (k + 1) / k for k in range(2, 10)]  # log1p(r) = r + r**2 P(r)
_PI2_64 = _dd(_D.divide(_decimal.Decimal(
    "3.14159265358979323846264338327950288419716939937510582097494459"), 2))
_SIN64_C = [(-1) ** i * _HALF_PI ** (2 * i + 1) / math.factorial(2 * i + 1)
            for i in range(1, 10)]
_COS64_C = [(-1) ** i * _HALF_PI ** (2 * i) / math.factorial(2 * i) for i in range(1, 10)]


def _split64(x):
    """``x`` (float64) as ``(hi, lo)``: ``hi`` rounded to 26 significant bits on the bit
    pattern, ``lo = x - hi`` (exact, at most 26 significant bits)."""
    b = xnp.view(x, "int64")
    hi = xnp.view(xnp.bitwise_and(xnp.add(b, 1 << 26), -(1 << 27)), "float64")
    return hi, xnp.subtract(x, hi)


def _csplit64(c: float) -> tuple[float, float]:
    """A Python constant as ``(hi, lo)`` of at most 26 significant bits each, ``lo`` zero
    only for a power of two (see ``_csplit``)."""
    if c == 0.0 or math.frexp(abs(c))[0] == 0.5:
        return c, 0.0
    hi = _round_bits(c, 26)
    if hi == c:  # at most 26 bits: split off the lowest one
        bits = 26
        while _round_bits(c, bits - 1) == c:
            bits -= 1
        hi = _round_bits(c, bits - 1)
    return hi, c - hi


def _xmul64(a, b):
    """``a * b`` (float64) as the sum of four exact partial products (see ``_xmul``)."""
    return _xmul(a, b, _split64)


def _xmulc64(a, c: float):
    """``a * c`` for a Python constant ``c`` (float64), as ``_xmulc``."""
    return _xmulc(a, c, _split64, _csplit64)


def _poly64(x, coeffs):
    """``coeffs[0] + coeffs[1] x + ...`` (float64) by Horner's rule, products by _xmul64."""
    if len(coeffs) > 2 and type(x) is not _Halved:
        x = _halved(x, _split64)
    acc = xnp.add(_xmulc64(x, coeffs[-1]), float(coeffs[-2]))
    for c in reversed(coeffs[:-2]):
        acc = xnp.add(_xmul64(acc, x), float(c))
    return acc


def _table64(backend: str, values):
    from .._dispatch import from_numpy
    return from_numpy(backend, np.asarray(values, dtype=np.float64))


def _sqrt64(x):
    """The square root of positive normal float64 ``x`` (within 1 ulp): a guess from the bit
    pattern, then five Newton steps (see ``_sqrt``)."""
    b = xnp.view(x, "int64")
    y = xnp.view(xnp.add(xnp.right_shift(b, 1), 0x1FF7A3BEA91D9B1B), "float64")
    for _ in range(5):
        y = xnp.multiply(xnp.add(y, xnp.divide(x, y)), 0.5)
    return y


def _log64(x, backend: str):
    """The natural log of positive normal float64 ``x`` (the float32 ``_log``'s method: a
    128-entry table of log(c), double-double, and log1p of ``|r| < 2**-7`` to ``r**9``)."""
    b = xnp.view(x, "int64")
    e = xnp.subtract(xnp.right_shift(b, 52), 1023)
    i = xnp.bitwise_and(xnp.right_shift(b, 45), 0x7F)
    m = xnp.view(xnp.bitwise_or(xnp.bitwise_and(b, (1 << 52) - 1), 1023 << 52), "float64")
    upper = xnp.greater_equal(i, 64)
    m = xnp.where(upper, xnp.multiply(m, 0.5), m)
    e = xnp.astype(xnp.where(upper, xnp.add(e, 1), e), "float64")
    c = xnp.take(_table64(backend, _LOG_C), i)
    r = xnp.divide(xnp.subtract(m, c), c)  # m - c exact (Sterbenz)
    rh = _halved(r, _split64)
    p = xnp.add(_xmul64(_xmul64(rh, rh), _poly64(rh, _LOG1P_C)), r)
    hi = xnp.add(xnp.multiply(e, _LN2_64_HI), xnp.take(_table64(backend, _LOG64_HI), i))
    lo = xnp.add(xnp.add(xnp.multiply(e, _LN2_64_LO), xnp.take(_table64(backend, _LOG64_LO),
                                                               i)), p)
    return xnp.add(hi, lo)


def _sincos64(m):
    """``(cos(2 pi u), sin(2 pi u))`` for ``u = m 2**-53``, ``m`` an int64 array in
    ``[0, 2**53)``: ``_sincos``'s exact reduction on the integer, then Taylor series in
    ``g`` in [0, 1/2] to g**19 (the terms left out are below 1e-19)."""
    q = xnp.right_shift(m, 51)
    k = xnp.bitwise_and(m, (1 << 51) - 1)
    upper = xnp.greater(k, 1 << 50)
    g = xnp.multiply(xnp.astype(xnp.where(upper, xnp.subtract(1 << 51, k), k), "float64"),
                     2.0 ** -51)  # exact
    g = _halved(g, _split64)
    z = _halved(_xmul64(g, g), _split64)
    s_tail = _xmul64(z, _poly64(z, _SIN64_C))
    s = xnp.add(_xmulc64(g, _PI2_64[0]), xnp.add(_xmul64(g, s_tail), _xmulc64(g, _PI2_64[1])))
    c = xnp.add(1.0, _xmul64(z, _poly64(z, _COS64_C)))
    s, c = xnp.where(upper, c, s), xnp.where(upper, s, c)
    odd = xnp.equal(xnp.bitwise_and(q, 1), 1)
    sin = xnp.where(odd, c, s)
    cos = xnp.where(odd, xnp.negative(s), c)
    neg = xnp.greater_equal(q, 2)
    return xnp.where(neg, xnp.negative(cos), cos), xnp.where(neg, xnp.negative(sin), sin)


def _box_muller64(m1, m2, backend: str):
    """``(r cos(2 pi v), r sin(2 pi v))`` for ``r = sqrt(-2 log(1 - u))``, ``u = m1 2**-53``
    and ``v = m2 2**-53`` (int64 arrays of 53-bit integers, one shape), in float64."""
    one_minus = xnp.multiply(xnp.astype(xnp.subtract(1 << 53, m1), "float64"), 2.0 ** -53)
    t = xnp.multiply(_log64(one_minus, backend), -2.0)
    pos = xnp.greater(t, 0.0)
    r = xnp.where(pos, _sqrt64(xnp.where(pos, t, 1.0)), 0.0)
    cos, sin = _sincos64(m2)
    r = _halved(r, _split64)
    return _xmul64(r, cos), _xmul64(r, sin)


def _normal64(shape, mean, stddev, seed, backend):
    """The portable float64 ``normal``: Box-Muller on 53-bit uniforms. Values ``i`` and
    ``h + i`` (``h`` pairs) come from words ``i``, ``h + i`` (the top 53 bits of their 64
    give ``u``, ``r = sqrt(-2 log(1 - u))``) and ``2h + i``, ``3h + i`` (``v``, the angle
    ``2 pi v``); log, sqrt, cos and sin are the float64 functions above."""
    n = math.prod(shape)
    h = (n + 1) // 2
    words, w = bits(backend, seed, 4 * h, "normal")
    with use_backend(backend):
        wd = xnp.astype(words, "int64")

        def top53(a, b):
            return xnp.bitwise_or(xnp.left_shift(a, 21), xnp.right_shift(b, 11))
        m1 = top53(wd[:h], wd[h:2 * h])
        m2 = top53(wd[2 * h:3 * h], wd[3 * h:])
        if isinstance(m1, np.ndarray) and h > _HOST_BLOCK:  # in cache-sized blocks
            pairs = [_box_muller64(m1[i:i + _HOST_BLOCK], m2[i:i + _HOST_BLOCK], backend)
                     for i in range(0, h, _HOST_BLOCK)]
            z = xnp.concatenate([c for c, _ in pairs] + [s for _, s in pairs])
        else:
            z = xnp.concatenate(list(_box_muller64(m1, m2, backend)))
        z = xnp.reshape(z[:n], shape)  # no branch on n's parity (n may be symbolic)
        return _scaled64(z, mean, stddev)


def _scaled(z, mean, stddev):
    """float32 ``z * stddev + mean``, the product exact-rounded (``_xmulc``); each step
    only where it changes something."""
    if stddev != 1.0:
        z = _xmulc(z, stddev)
    return z if mean == 0.0 else xnp.add(z, _f32(mean))


def _scaled64(z, mean, stddev):
    """float64 ``z * stddev + mean`` (``_xmulc64``), as :func:`_scaled`."""
    if stddev != 1.0:
        z = _xmulc64(z, stddev)
    return z if mean == 0.0 else xnp.add(z, float(mean))


# --- float64 truncated normal ----------------------------------------------------------
#
# Wichura's AS241 in double precision (PPND16, about 1e-16 relative) on p in [Phi(-2),
# Phi(2)): its central branch and its first tail branch (r = sqrt(-log(min(p, 1 - p))) <= 5;
# the second, for r > 5, is never needed here), every product by _xmul64.
_AS241_64_A = (3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
               13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
               33430.575583588128105, 2509.0809287301226727)
_AS241_64_B = (1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
               21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
               5226.495278852545925)
_AS241_64_C = (1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
               3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
               0.0227238449892691845833, 7.7454501427834140764e-4)
_AS241_64_D = (1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
               0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
               1.05075007164441684324e-9)


def _ndtri64_central(q):
    """AS241's central branch (``|q| <= 0.425``) in float64."""
    rc = xnp.subtract(0.180625, _xmul64(q, q))
    rc = _halved(rc, _split64)
    return xnp.divide(_xmul64(q, _poly64(rc, _AS241_64_A)), _poly64(rc, _AS241_64_B))


def _ndtri64_tail(q, backend: str):
    """AS241's first tail branch (``0.425 < |q|``, ``1/2 - |q| >= exp(-25)``) in float64."""
    tail_p = xnp.subtract(0.5, xnp.abs(q))  # exact (Sterbenz) where the branch is taken
    rt = xnp.subtract(_sqrt64(xnp.negative(_log64(tail_p, backend))), 1.6)
    rt = _halved(rt, _split64)
    tail = xnp.divide(_poly64(rt, _AS241_64_C), _poly64(rt, _AS241_64_D))
    return xnp.where(xnp.less(q, 0.0), xnp.negative(tail), tail)


def _ndtri64(q, backend: str):
    """The standard normal quantile of ``p = 1/2 + q`` for float64 ``q`` with ``p`` in
    ``[exp(-25), 1 - exp(-25)]`` (see ``_ndtri``); on NumPy each value takes only its
    own branch (the same operations on the same values: the same bits)."""
    if isinstance(q, np.ndarray):
        flat = q.reshape(-1)
        out = np.empty_like(flat)
        central = np.abs(flat) <= 0.425
        out[central] = _ndtri64_central(flat[central])
        if not central.all():
            out[~central] = _ndtri64_tail(flat[~central], backend)
        return out.reshape(q.shape)
    central = xnp.less_equal(xnp.abs(q), 0.425)
    return xnp.where(central, _ndtri64_central(q), _ndtri64_tail(q, backend))


def _truncated_normal64(shape, mean, stddev, seed, backend, lo: float, width: float):
    """The portable float64 ``truncated_normal``: ``_ndtri64`` of ``p`` uniform on
    ``[lo, lo + width)`` (53 bits: two words per value, as float64 ``uniform``), clipped
    to [-2, 2], then scaled."""
    parts, bits_width = _draws(backend, seed, shape, "float64", "truncated_normal")
    with use_backend(backend):
        q = _affine(parts, bits_width, "float64", width, lo - 0.5)  # p - 1/2
        z = xnp.clip(_ndtri64(q, backend), -2.0, 2.0)
        return _scaled64(z, mean, stddev)


# --- float64 gamma and beta ----------------------------------------------------------------
#
# The float32 gamma family's method in float64 (``_F64``): 52-bit open uniforms from two
# words each, ``_log64``, ``_sqrt64``, the exp below, and AS241's three branches (the third,
# for r = sqrt(-log(min(p, 1 - p))) > 5, reaches the 2**-53 of these uniforms).
_AS241_64_E = (6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
               0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
               2.71155556874348757815e-5, 2.01033439929228813265e-7)
_AS241_64_F = (1.0, 0.59983220655588793769, 0.13692988092273580531, 0.014875361290850615025,
               7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
               2.04426310338993978564e-15)


def _ndtri64_far(q, backend: str):
    """AS241's second tail branch (``r > 5``) in float64."""
    tail_p = xnp.subtract(0.5, xnp.abs(q))
    rt = xnp.subtract(_sqrt64(xnp.negative(_log64(tail_p, backend))), 5.0)
    rt = _halved(rt, _split64)
    tail = xnp.divide(_poly64(rt, _AS241_64_E), _poly64(rt, _AS241_64_F))
    return xnp.where(xnp.less(q, 0.0), xnp.negative(tail), tail)


_FAR_P = math.exp(-25.0)  # below, r > 5: the far tail


def _ndtri64_full(q, backend: str):
    """The standard normal quantile of ``p = 1/2 + q`` for float64 ``q`` in
    ``[-1/2 + 2**-53, 1/2 - 2**-53]``: AS241's three branches."""
    if isinstance(q, np.ndarray):
        flat = q.reshape(-1)
        out = np.empty_like(flat)
        far = 0.5 - np.abs(flat) < _FAR_P
        out[~far] = _ndtri64(flat[~far], backend)
        if far.any():
            out[far] = _ndtri64_far(flat[far], backend)
        return out.reshape(q.shape)
    far = xnp.less(xnp.subtract(0.5, xnp.abs(q)), _FAR_P)
    return xnp.where(far, _ndtri64_far(q, backend), _ndtri64(q, backend))


def _k52(words, n: int, row: int):
    """52 random bits (int64) from row ``row`` of a float64 uniform: the top 26 bits of
    words ``2 n row .. 2 n row + n - 1`` and of the next ``n``."""
    base = 2 * n * row
    wd = xnp.astype(words[base:base + 2 * n], "int64")
    return xnp.bitwise_or(xnp.left_shift(xnp.right_shift(wd[:n], 6), 26),
                          xnp.right_shift(wd[n:], 6))


def _open_unit64(words, n: int, row: int, shape):
    """Uniform float64 on the open interval: ``(2 k + 1) 2**-53`` for 52 bits ``k``, in
    ``[2**-53, 1 - 2**-53]``, symmetric about 1/2."""
    odd = xnp.bitwise_or(xnp.left_shift(_k52(words, n, row), 1), 1)
    return xnp.reshape(xnp.multiply(xnp.astype(odd, "float64"), 2.0 ** -53), shape)


def _centred_unit64(words, n: int, row: int, shape):
    """``_open_unit64 - 1/2``, exact: ``(2 k + 1 - 2**52) 2**-53``."""
    odd = xnp.subtract(xnp.bitwise_or(xnp.left_shift(_k52(words, n, row), 1), 1), 1 << 52)
    return xnp.reshape(xnp.multiply(xnp.astype(odd, "float64"), 2.0 ** -53), shape)


def _dec_chunks(value, bits: int, count: int) -> list[float]:
    """A Decimal as ``count`` floats of at most ``bits`` significant bits, their sum the
    value to about ``count * bits`` bits."""
    out, r = [], value
    for _ in range(count):
        c = _round_bits(float(r), bits)
        out.append(c)
        r -= _decimal.Decimal(c)
    return out


# exp: x = (64 q + j) ln2 / 64 + r, |r| <= ln2 / 128; exp x = 2**q 2**(j/64) (1 + p(r)).
_EXP64_HI, _EXP64_LO = (np.array(v) for v in zip(*[
    _dd(_D.exp(_LN2_64 * j / 64)) for j in range(64)]))
_L64_64 = _dec_chunks(_D.divide(_LN2_64, 64), 36, 3)  # k * each exact for |k| < 2**17
_EXPM1_C = [1 / math.factorial(k) for k in range(2, 9)]  # e**r - 1 = r + r**2 P(r)
_EXP64_MIN = -708.39  # below: 0 (the result would be subnormal)
_EXP64_MAX = 709.78  # above: inf


def _exp64(x, backend: str):
    """``e**x`` for float64 ``x`` (the float32 ``_exp``'s method: a 64-entry table of
    2**(j/64), double-double, and ``e**r - 1`` to ``r**8``; 0 below -708.39 and inf above
    709.78)."""
    xc = xnp.clip(x, -709.0, 709.5)
    k = xnp.floor(xnp.add(_xmulc64(xc, 64.0 / math.log(2.0)), 0.5))
    r = xnp.subtract(xc, xnp.multiply(k, _L64_64[0]))
    r = xnp.subtract(r, xnp.multiply(k, _L64_64[1]))
    r = xnp.subtract(r, xnp.multiply(k, _L64_64[2]))
    ki = xnp.astype(k, "int64")
    j = xnp.bitwise_and(ki, 63)
    q = xnp.right_shift(ki, 6)  # floor(k / 64)
    rh = _halved(r, _split64)
    p = xnp.add(_xmul64(_xmul64(rh, rh), _poly64(rh, _EXPM1_C)), r)
    t_hi = xnp.take(_table64(backend, _EXP64_HI), j)
    t_lo = xnp.take(_table64(backend, _EXP64_LO), j)
    v = xnp.add(t_hi, xnp.add(t_lo, _xmul64(t_hi, p)))
    scale = xnp.view(xnp.left_shift(xnp.add(xnp.clip(q, -1022, 1023), 1023), 52), "float64")
    out = xnp.multiply(v, scale)  # exact: a power of two
    out = xnp.where(xnp.less(x, _EXP64_MIN), 0.0, out)
    return xnp.where(xnp.greater(x, _EXP64_MAX), float("inf"), out)


_F64 = _Kit("float64", 2, float, 2.0 ** -1000, _xmul64, _xmulc64, _sqrt64, _log64, _exp64,
            _ndtri64_full, _open_unit64, _centred_unit64,
            lambda *a: _param(*a, dtype="float64"))


#: the ops whose float arithmetic a backend may run as one compiled program (long chains
#: of element-wise operations), with their array arguments (the others are Python numbers
#: and shapes)
PROGRAMS = {"uniform": (), "normal": (), "truncated_normal": (), "gamma": ("alpha",),
            "beta": ("alpha", "beta"), "categorical": ("logits",),
            "binomial": ("counts", "probabilities")}


def _entry(fn, op: str):
    """The op ``fn`` as ``crossops.random`` calls it: an op of ``PROGRAMS`` through its
    backend's ``run_program`` where the backend has one (jax: eager calls as one jitted
    program, one dispatch instead of hundreds; tensorflow: in graphs, one nested XLA
    function, which Grappler leaves alone; the same bits either way), which returns None
    where it does not apply; everything else as it is (under ``torch.compile`` the
    crossops form traces into the graph)."""
    arrays = PROGRAMS.get(op)

    @functools.wraps(fn)
    def call(*args, backend=None, **kwargs):
        if arrays is not None and backend is not None and not args:
            run = getattr(backend_module(backend), "run_program", None)
            if run is not None:
                out = run(fn, dict(kwargs, backend=backend), arrays)
                if out is not None:
                    return out
        return fn(*args, backend=backend, **kwargs)
    # no __wrapped__: AutoGraph (tf.function) would read fn's source for call's and warn
    del call.__wrapped__
    return call


PORTABLE = {name: _entry(fn, name) for name, fn in (
    ("uniform", uniform), ("normal", normal), ("randint", randint), ("shuffle", shuffle),
    ("truncated_normal", truncated_normal), ("categorical", categorical), ("gamma", gamma),
    ("beta", beta), ("binomial", binomial), ("split", split))}
