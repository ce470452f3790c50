"""Seeds for crossops.random and every backend's random chapter: checks of seeds, shapes,
dtypes, bounds and rates.

A seed is a Python int or a key: an unsigned 32-bit integer array of shape ``(2,)`` of a
backend (the "raw key" layout of ``jax.random.PRNGKey``). An int seed ``s`` stands for the
key ``[(s >> 32) & 0xFFFFFFFF, s & 0xFFFFFFFF]`` (``s`` taken modulo 2**64), so ``seed=s``
and ``seed=key(s)`` give the same numbers.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from ._axes import normalize_axis
from ._dtypes import dtype_name, kind

MASK = 0xFFFFFFFF

_HOW = ("crossops.random keeps no global generator: pass seed=<int> (the same int gives "
        "the same numbers again) or a key, e.g. seed=crossops.random.key(0), and "
        "crossops.random.split(key) for fresh keys")


#: Threefry-2x32 (the portable generator, crossops/random/_portable.py): the rotations of
#: its even and odd groups of four rounds, and the parity word of its key schedule
THREEFRY_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
THREEFRY_PARITY = 0x1BD11BDA


def float_chunks(value: float, width: int) -> list[float]:
    """``value`` as a sum of floats of at most ``width`` significant bits each (exact): a
    product of one chunk and a number of ``24 - width`` bits (float32) is exact."""
    out = []
    r = value
    while r != 0.0:
        mant, e = math.frexp(r)  # r = mant * 2**e, 0.5 <= |mant| < 1
        c = math.ldexp(math.trunc(math.ldexp(mant, width)), e - width)
        out.append(c)
        r -= c
    return out


def is_int_seed(seed) -> bool:
    """Whether ``seed`` is a Python (or NumPy scalar) integer rather than a key array."""
    return isinstance(seed, (int, np.integer)) and not isinstance(seed, (bool, np.bool_))


def words(seed, op: str) -> tuple[int, int]:
    """The two 32-bit words of the key an int seed stands for."""
    if seed is None:
        raise ValueError(f"random.{op}: seed=None; {_HOW}")
    if not is_int_seed(seed):
        raise TypeError(f"random.{op}: seed must be an int or a key array (uint32, shape (2,)), "
                        f"got {type(seed).__name__}; {_HOW}")
    s = operator.index(seed)
    if not -(2 ** 63) <= s < 2 ** 64:
        raise ValueError(f"random.{op}: seed {s} is outside [-2**63, 2**64); pass a smaller "
                         f"int or a key from crossops.random.key")
    s %= 2 ** 64
    return (s >> 32) & MASK, s & MASK


def check_key(k, op: str) -> None:
    """A key array must have shape (2,) and an integer dtype."""
    shape = tuple(k.shape)
    name = dtype_name(k.dtype) if not _is_typed_key(k) else "uint32"
    if shape != (2,) or kind(name) not in "iu":
        raise ValueError(f"random.{op}: a key must be an integer array of shape (2,) (uint32, "
                         f"as crossops.random.key(seed) gives), got shape {shape} and dtype "
                         f"{name}; {_HOW}")


def _is_typed_key(k) -> bool:
    return "key<" in str(getattr(k, "dtype", ""))  # a jax typed key (jax.random.key)


def shape_tuple(shape, op: str) -> tuple[int, ...]:
    """``shape`` as a tuple of non-negative Python ints; a size known only when the program
    runs (a dynamic batch axis: a symbolic int of ``torch.compile``, or a scalar integer
    tensor of ``tf.shape`` under ``tf.function``, as ``crossops.core.shape`` gives) stays as
    it is, so that one traced program serves every size."""
    if shape is None:
        raise TypeError(f"random.{op}: shape is required (a tuple of ints, e.g. (2, 3))")
    try:
        dims = (_dim(shape),)
    except TypeError:
        try:
            dims = tuple(_dim(d) for d in shape)
        except TypeError:
            raise TypeError(f"random.{op}: shape must be an int or a sequence of ints, "
                            f"got {shape!r}") from None
    if any(isinstance(d, int) and d < 0 for d in dims):
        raise ValueError(f"random.{op}: shape {dims} has a negative dimension")
    return dims


def _dim(d):
    """A dimension as a Python int; a size torch.compile traces symbolically (a dynamic batch
    axis) stays symbolic, and so does a scalar integer tensor with no value yet (a graph
    tensor of TensorFlow, ``tf.shape(x)[0]``), so that one compiled program serves every
    size."""
    if isinstance(d, int) and not isinstance(d, bool):  # (torch.compile's symbolic too)
        return d
    try:
        return operator.index(d)
    except TypeError:
        # a graph's tensor (it has the ``op`` that makes it; a jax tracer has none, and
        # jax sizes must be concrete)
        if getattr(d, "ndim", None) == 0 and hasattr(d, "op") and \
                kind(dtype_name(d.dtype)) in "iu":
            return d
        raise


def float_name(dtype, op: str) -> str:
    """The dtype name of a floating-point result (default float32, Keras's floatx)."""
    if dtype is None:
        return "float32"
    name = dtype_name(dtype)
    if kind(name) != "f":
        raise ValueError(f"random.{op} requires a floating-point dtype (float16, bfloat16, "
                         f"float32, float64), got dtype={name}")
    return name


def int_name(dtype, op: str, default: str = "int32") -> str:
    """The dtype name of an integer result."""
    if dtype is None:
        return default
    name = dtype_name(dtype)
    if kind(name) not in "iu":
        raise ValueError(f"random.{op} requires an integer dtype (int8 ... uint64), "
                         f"got dtype={name}")
    return name


def real_name(dtype, op: str) -> str:
    """The dtype name of a result that may be integer or floating (default float32)."""
    if dtype is None:
        return "float32"
    name = dtype_name(dtype)
    if kind(name) not in "iuf":
        raise ValueError(f"random.{op} requires a real dtype, got dtype={name}")
    return name


def number(value, op: str, what: str) -> float:
    """A Python number argument (mean, stddev, minval, maxval)."""
    try:
        return float(value)
    except TypeError:
        raise TypeError(f"random.{op}: {what} must be a Python number, got "
                        f"{type(value).__name__}") from None


def bounds(minval, maxval, op: str) -> tuple[float, float]:
    lo, hi = number(minval, op, "minval"), number(maxval, op, "maxval")
    if not lo < hi:
        raise ValueError(f"random.{op}: minval ({minval}) must be less than maxval ({maxval})")
    return lo, hi


def int_bounds(minval, maxval, op: str) -> tuple[int, int]:
    try:
        lo, hi = operator.index(minval), operator.index(maxval)
    except TypeError:
        raise TypeError(f"random.{op}: minval and maxval must be Python ints, got "
                        f"{type(minval).__name__} and {type(maxval).__name__}") from None
    if not lo < hi:
        raise ValueError(f"random.{op}: minval ({lo}) must be less than maxval ({hi})")
    return lo, hi


#: float dtype name -> (significant bits, smallest normal exponent, largest exponent)
_FLOAT_FORMATS = {"float16": (11, -14, 15), "bfloat16": (8, -126, 127),
                  "float32": (24, -126, 127), "float64": (53, -1022, 1023)}


def _spacing(value: float, name: str) -> float:
    """The distance from ``value`` (representable in ``name``, non-zero) to its neighbour
    away from zero."""
    p, emin, _ = _FLOAT_FORMATS[name]
    e = math.frexp(value)[1] - 1  # value = 1.f * 2**e
    return math.ldexp(1.0, max(e, emin) - (p - 1))


def below(value: float, name: str) -> float:
    """The largest number of float dtype ``name`` below ``value`` (a Python float, exact).

    Plain Python arithmetic (no NumPy), so that ``torch.compile`` and ``tf.function`` see a
    constant."""
    p, emin, emax = _FLOAT_FORMATS[name]
    value = float(value)
    largest = math.ldexp(2.0 - math.ldexp(1.0, 1 - p), emax)
    if value > largest:
        return largest
    if value == 0.0:
        return -math.ldexp(1.0, emin - (p - 1))
    q = max(math.frexp(value)[1] - 1, emin) - (p - 1)
    v = math.ldexp(float(round(math.ldexp(value, -q))), q)  # to nearest, ties to even
    if v < -largest:
        return -math.inf
    if v < value:
        return v
    if v == 0.0:
        return -math.ldexp(1.0, emin - (p - 1))
    if v < 0:
        return -math.inf if v == -largest else v - _spacing(v, name)
    m, e = math.frexp(v)
    if m == 0.5 and e - 1 > emin:  # a power of two: the spacing below is half
        return v - math.ldexp(1.0, e - 2 - (p - 1))
    return v - _spacing(v, name)


def rate_value(rate, op: str) -> float:
    r = number(rate, op, "rate")
    if not 0.0 <= r < 1.0:
        raise ValueError(f"random.{op}: rate must be in [0, 1), got {rate}")
    return r


def axis_index(axis, ndim: int, op: str) -> int:
    return normalize_axis(axis, ndim, f"random.{op}")
