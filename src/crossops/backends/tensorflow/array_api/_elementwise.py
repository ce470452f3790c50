"""Element-wise functions of the array API standard on TensorFlow.

The dispatcher gives binary functions two tensors of one dtype (Python scalars already
converted); TensorFlow's element-wise kernels broadcast.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

from ..._common import host_floor_divide
from .._compute import (
    EAGER_TENSOR,
    KERNEL_FLOATS,
    buffer_free_of_subnormals,
    eager,
    eager_cpu,
    executing_eagerly,
    run_kernel,
)
from .._private import host_buffer
from ._helpers import (
    DEFAULT_COMPLEX,
    DEFAULT_FLOAT,
    DEFAULT_INT,
    SAME_WIDTH_INT,
    UNSIGNED,
    is_float8,
    is_tensor,
    nonzero,
    scalar_tensor,
    tensor,
)

__all__ = [
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh",
    "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "ceil", "clip", "conj", "copysign", "cos", "cosh",
    "divide", "equal", "exp", "expm1", "floor", "floor_divide", "greater", "greater_equal",
    "hypot", "imag", "isfinite", "isinf", "isnan", "less", "less_equal", "log", "log10",
    "log1p", "log2", "logaddexp", "logical_and", "logical_not", "logical_or", "logical_xor",
    "maximum", "minimum", "multiply", "negative", "nextafter", "not_equal", "positive", "pow",
    "real", "reciprocal", "remainder", "round", "sign", "signbit", "sin", "sinh", "sqrt",
    "square", "subtract", "tan", "tanh", "trunc",
]


def _t(x):
    return x if isinstance(x, tf.Tensor) else tensor(x)


#: the unsigned dtypes by id: a tensor's dtype is interned, and DType.__eq__ costs ~0.7 us
#: (``dtype in UNSIGNED``, four of them, ~3 us); bool is compared by identity likewise
_UNSIGNED_IDS = frozenset(map(id, UNSIGNED))


def _is_int(d) -> bool:
    return d.is_integer


def _is_complex(d) -> bool:
    return d.is_complex


#: the floating and complex dtypes by id: the inputs of :func:`_float_only`'s kernels
_INEXACT_IDS = frozenset(map(id, (tf.float16, tf.bfloat16, tf.float32, tf.float64,
                                  tf.complex64, tf.complex128)))


def _float_only(op, fn, kernel: str | None = None):
    """A unary function of floating tensors (TensorFlow has no integer kernels). ``kernel``:
    the name of the one kernel ``fn`` runs (``fn`` is its ``tf.math`` function), which an
    eager tensor of a floating or complex dtype gets straight away (``fn``'s Python layers
    cost ~3 us)."""
    if kernel is not None:
        general = _float_only(op, fn)

        def f(x, /):
            if eager(x) and id(x.dtype) in _INEXACT_IDS:  # (any device: fn's kernel)
                return run_kernel(kernel, x)
            return general(x)
        f.__name__ = f.__qualname__ = op
        return f

    def f(x, /):
        x = _t(x)
        if not (x.dtype.is_floating or x.dtype.is_complex):
            raise TypeError(f"{op}: x has dtype {x.dtype.name}; {op} takes floating-point "
                            f"arrays, cast integers first, e.g. astype(x, float32)")
        return fn(x)
    f.__name__ = f.__qualname__ = op
    return f


acos = _float_only("acos", tf.math.acos, "Acos")
acosh = _float_only("acosh", tf.math.acosh, "Acosh")
asin = _float_only("asin", tf.math.asin, "Asin")
asinh = _float_only("asinh", tf.math.asinh, "Asinh")
atan = _float_only("atan", tf.math.atan, "Atan")
atanh = _float_only("atanh", tf.math.atanh, "Atanh")
cos = _float_only("cos", tf.math.cos, "Cos")
cosh = _float_only("cosh", tf.math.cosh, "Cosh")
exp = _float_only("exp", tf.math.exp, "Exp")


def _expm1(x):
    out = tf.math.expm1(x)
    if not x.dtype.is_complex:
        return out
    # C99 special cases that tf.math.expm1 misses
    re, im = tf.math.real(x), tf.math.imag(x)
    inf = tf.constant(float("inf"), re.dtype)
    out = tf.where(tf.math.equal(im, 0), tf.complex(tf.math.expm1(re), im), out)
    out = tf.where(tf.math.equal(re, -inf), tf.complex(-tf.ones_like(re), tf.zeros_like(im)), out)
    inf_nan = tf.complex(tf.fill(tf.shape(re), inf), tf.fill(tf.shape(re), inf - inf))
    return tf.where(tf.math.logical_and(tf.math.equal(re, inf), tf.math.logical_not(
        tf.math.is_finite(im))), inf_nan, out)


expm1 = _float_only("expm1", _expm1)


def _log(x):
    if x.dtype.is_complex:  # tf.math.log loses tiny and huge complex numbers
        return tf.complex(tf.math.log(tf.math.abs(x)), tf.math.angle(x))
    return tf.math.log(x)


log = _float_only("log", _log)
sin = _float_only("sin", tf.math.sin, "Sin")
sinh = _float_only("sinh", tf.math.sinh, "Sinh")
sqrt = _float_only("sqrt", tf.math.sqrt, "Sqrt")
tan = _float_only("tan", tf.math.tan, "Tan")
tanh = _float_only("tanh", tf.math.tanh, "Tanh")
reciprocal = _float_only("reciprocal", tf.math.reciprocal, "Reciprocal")


def _log_base(b):
    def f(x):
        return _log(x) * tf.constant(1 / math.log(b), x.dtype)
    return f




def _log1p(x):
    out = tf.math.log1p(x)
    if not x.dtype.is_complex:
        return out
    # non-finite inputs and -1: through log(1 + x), which has C99's special cases
    special = tf.math.logical_or(tf.math.logical_not(isfinite(x)),
                                 tf.math.equal(x, tf.constant(-1, x.dtype)))
    return tf.where(special, _log(x + tf.constant(1, x.dtype)), out)


log1p = _float_only("log1p", _log1p)
log2 = _float_only("log2", _log_base(2))
log10 = _float_only("log10", _log_base(10))


def abs(x, /):  # noqa: A001
    x = _t(x)
    if id(x.dtype) in _UNSIGNED_IDS or x.dtype is tf.bool:
        return tf.identity(x)
    # real: the kernel tf.math.abs calls, without its wrapper's ~3 us (complex: ComplexAbs)
    return tf.math.abs(x) if x.dtype.is_complex else tf.raw_ops.Abs(x=x)


def negative(x, /):
    x = _t(x)
    if id(x.dtype) in _UNSIGNED_IDS:  # two's complement negation, as NumPy wraps
        it = SAME_WIDTH_INT[x.dtype.size]
        return tf.bitcast(tf.math.negative(tf.bitcast(x, it)), x.dtype)
    return tf.math.negative(x)


def positive(x, /):
    return tf.identity(_t(x))


def square(x, /):
    if eager(x) and id(x.dtype) not in _UNSIGNED_IDS:
        return run_kernel("Square", x)  # (eagerly: its kernel, without tf.raw_ops's layers)
    x = _t(x)
    # the kernel tf.math.square calls, without its wrapper's ~3 us
    return tf.math.multiply(x, x) if id(x.dtype) in _UNSIGNED_IDS else tf.raw_ops.Square(x=x)


def sign(x, /):
    """-1, 0 or 1 for real numbers (NaN stays NaN); ``x / |x|`` (0 at 0) for complex."""
    x = _t(x)
    if id(x.dtype) in _UNSIGNED_IDS:
        return tf.cast(tf.math.not_equal(x, 0), x.dtype)
    if x.dtype.is_floating and not tf.executing_eagerly():
        # (XLA's sign of -0.0 is -0.0, TensorFlow's kernel's +0.0, NumPy's +0.0; a graph
        # may be compiled by XLA)
        return tf.where(tf.math.equal(x, 0), tf.zeros_like(x), tf.math.sign(x))
    return tf.math.sign(x)


def _int_identity(op, fn):
    def f(x, /):
        x = _t(x)
        if _is_int(x.dtype) or x.dtype is tf.bool:
            return tf.identity(x)
        if _is_complex(x.dtype):
            raise TypeError(f"{op}: x has dtype {x.dtype.name}; {op} takes real-valued arrays")
        return fn(x)
    f.__name__ = f.__qualname__ = op
    return f


ceil = _int_identity("ceil", tf.math.ceil)
floor = _int_identity("floor", tf.math.floor)
trunc = _int_identity("trunc", lambda x: tf.where(x < 0, tf.math.ceil(x), tf.math.floor(x)))


def round(x, /):  # noqa: A001
    """Round half to even; complex numbers round their real and imaginary parts; bool gives
    float16, as NumPy."""
    x = _t(x)
    if x.dtype is tf.bool:
        return tf.cast(x, tf.float16)
    if _is_int(x.dtype):
        return tf.identity(x)
    if _is_complex(x.dtype):
        return tf.complex(tf.math.round(tf.math.real(x)), tf.math.round(tf.math.imag(x)))
    return tf.math.round(x)


def conj(x, /):
    x = _t(x)
    return tf.math.conj(x) if _is_complex(x.dtype) else tf.identity(x)


def real(x, /):
    x = _t(x)
    return tf.math.real(x) if _is_complex(x.dtype) else tf.identity(x)


def imag(x, /):
    x = _t(x)
    return tf.math.imag(x) if _is_complex(x.dtype) else tf.zeros_like(x)


def _const_bool(x, value: bool):
    return tf.fill(tf.shape(x), value)


def _widened(x):
    """``x``, a float8 tensor as float32 (exact; TensorFlow has no float8 kernels for the
    value tests, where Keras's TensorFlow backend answers as for integers)."""
    return tf.cast(x, tf.float32) if is_float8(x.dtype) else x


#: the real floating dtypes by id: the inputs of the IsNan, IsInf and IsFinite kernels
_REAL_FLOAT_IDS = frozenset(map(id, (tf.float16, tf.bfloat16, tf.float32, tf.float64)))


def isnan(x, /):
    if eager(x) and id(x.dtype) in _REAL_FLOAT_IDS:
        return run_kernel("IsNan", x)  # (eagerly: the kernel, without tf.math's layers)
    x = _widened(_t(x))
    if _is_complex(x.dtype):
        return tf.math.logical_or(tf.math.is_nan(tf.math.real(x)), tf.math.is_nan(tf.math.imag(x)))
    return tf.math.is_nan(x) if x.dtype.is_floating else _const_bool(x, False)


def isinf(x, /):
    if eager(x) and id(x.dtype) in _REAL_FLOAT_IDS:
        return run_kernel("IsInf", x)
    x = _widened(_t(x))
    if _is_complex(x.dtype):
        return tf.math.logical_or(tf.math.is_inf(tf.math.real(x)), tf.math.is_inf(tf.math.imag(x)))
    return tf.math.is_inf(x) if x.dtype.is_floating else _const_bool(x, False)


def isfinite(x, /):
    if eager(x) and id(x.dtype) in _REAL_FLOAT_IDS:
        return run_kernel("IsFinite", x)
    x = _widened(_t(x))
    if _is_complex(x.dtype):
        return tf.math.logical_and(tf.math.is_finite(tf.math.real(x)),
                                   tf.math.is_finite(tf.math.imag(x)))
    return tf.math.is_finite(x) if x.dtype.is_floating else _const_bool(x, True)


def _bits(x):
    """The bits of a real floating tensor as the signed int of its width."""
    return tf.bitcast(x, SAME_WIDTH_INT[x.dtype.size])


def signbit(x, /):
    x = _t(x)
    if not x.dtype.is_floating:
        if _is_int(x.dtype):
            return tf.math.less(x, 0) if id(x.dtype) not in _UNSIGNED_IDS else _const_bool(x, False)
        if x.dtype == tf.bool:  # NumPy (and Keras): bool counts as float16, never negative
            return _const_bool(x, False)
        raise TypeError(f"signbit: x has dtype {x.dtype.name}; signbit takes real-valued arrays")
    return tf.math.less(_bits(x), 0)


_bool = nonzero


def logical_not(x, /):
    if eager(x) and x.dtype is tf.bool:
        return run_kernel("LogicalNot", x)
    return tf.math.logical_not(_bool(_t(x)))


def _both_bool(x1, x2) -> bool:
    """Whether ``x1`` and ``x2`` are eager bool tensors and TensorFlow executes eagerly:
    the calls a logical kernel takes straight away, without tf.math's layers (~3 us)."""
    return (eager(x1) and type(x2) is EAGER_TENSOR and x1.dtype is tf.bool
            and x2.dtype is tf.bool)


def logical_and(x1, x2, /):
    if _both_bool(x1, x2):
        return run_kernel("LogicalAnd", x1, x2)
    return tf.math.logical_and(_bool(_t(x1)), _bool(_t(x2)))


def logical_or(x1, x2, /):
    if _both_bool(x1, x2):
        return run_kernel("LogicalOr", x1, x2)
    return tf.math.logical_or(_bool(_t(x1)), _bool(_t(x2)))


def logical_xor(x1, x2, /):
    return tf.math.logical_xor(_bool(_t(x1)), _bool(_t(x2)))


def bitwise_invert(x, /):
    x = _t(x)
    if x.dtype is tf.bool:
        return tf.math.logical_not(x)
    _check_int("bitwise_invert", x)
    return tf.bitwise.invert(x)


def _check_int(op, x, arg="x"):
    if not _is_int(x.dtype):
        raise TypeError(f"{op}: {arg} has dtype {x.dtype.name}; {op} takes integer "
                        f"(or boolean) arrays")


def _bitwise(op, fn, logical):
    def f(x1, x2, /):
        x1, x2 = _t(x1), _t(x2)
        if x1.dtype is tf.bool:
            return logical(x1, x2)
        _check_int(op, x1, "x1")
        return fn(x1, x2)
    f.__name__ = f.__qualname__ = op
    return f


bitwise_and = _bitwise("bitwise_and", tf.bitwise.bitwise_and, tf.math.logical_and)
bitwise_or = _bitwise("bitwise_or", tf.bitwise.bitwise_or, tf.math.logical_or)
bitwise_xor = _bitwise("bitwise_xor", tf.bitwise.bitwise_xor, tf.math.logical_xor)


def bitwise_left_shift(x1, x2, /):
    """``x1 << x2``; shifts of the bit width or more, and negative ones, give 0 (as
    NumPy's, which takes a negative count as a huge unsigned one)."""
    x1, x2 = _t(x1), _t(x2)
    _check_int("bitwise_left_shift", x1, "x1")
    nbits = tf.constant(8 * x1.dtype.size - 1, x2.dtype)
    out = tf.bitwise.left_shift(x1, tf.math.minimum(x2, nbits))
    big = x2 > nbits
    if id(x2.dtype) not in _UNSIGNED_IDS:
        big = tf.math.logical_or(big, x2 < 0)
    return tf.where(big, tf.zeros_like(out), out)


def bitwise_right_shift(x1, x2, /):
    """Arithmetic ``x1 >> x2``; shifts of the bit width or more, and negative ones (as
    NumPy's), give 0 (or -1 for negative ``x1``)."""
    x1, x2 = _t(x1), _t(x2)
    _check_int("bitwise_right_shift", x1, "x1")
    nbits = tf.constant(8 * x1.dtype.size - 1, x2.dtype)
    big = x2 > nbits
    if id(x2.dtype) not in _UNSIGNED_IDS:
        big = tf.math.logical_or(big, x2 < 0)
    out = tf.bitwise.right_shift(x1, tf.where(big, nbits, x2))
    if id(x1.dtype) in _UNSIGNED_IDS:
        out = tf.where(big, tf.zeros_like(out), out)
    return out


def add(x1, x2, /):
    # hot path: one TF call; bool (no add kernel: it raises before running) is logical or
    try:
        return tf.math.add(x1, x2)
    except (TypeError, tf.errors.InvalidArgumentError):
        x1, x2 = _t(x1), _t(x2)
        if x1.dtype != tf.bool or x2.dtype != tf.bool:
            raise
        return tf.math.logical_or(x1, x2)


def subtract(x1, x2, /):
    return tf.math.subtract(_t(x1), _t(x2))


def multiply(x1, x2, /):
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype is tf.bool:
        return tf.math.logical_and(x1, x2)
    if x1.dtype is x2.dtype:  # the kernel tf.math.multiply calls, without its ~3 us wrapper
        return tf.raw_ops.Mul(x=x1, y=x2)
    return tf.math.multiply(x1, x2)


def divide(x1, x2, /):
    """True division; integer arrays give the backend's floating result (float64 for
    32/64-bit integers, as ``tf.math.truediv``). A complex number over 0 is divided
    part by part (inf or NaN parts, as NumPy)."""
    x1, x2 = _t(x1), _t(x2)
    out = tf.math.truediv(x1, x2)
    if not _is_complex(x1.dtype):
        return out
    zero = tf.math.logical_not(nonzero(x2))
    d = tf.math.abs(tf.math.real(x2))
    by_zero = tf.complex(tf.math.real(x1) / d, tf.math.imag(x1) / d)
    return tf.where(zero, by_zero, out)


#: tf.math functions of two operands -> the kernels they call
_BINARY_KERNELS = {tf.math.maximum: tf.raw_ops.Maximum, tf.math.minimum: tf.raw_ops.Minimum,
                   tf.math.greater: tf.raw_ops.Greater,
                   tf.math.greater_equal: tf.raw_ops.GreaterEqual,
                   tf.math.less: tf.raw_ops.Less, tf.math.less_equal: tf.raw_ops.LessEqual}


#: the names of the kernels of ``_BINARY_KERNELS``
_KERNEL_NAMES = {tf.raw_ops.Maximum: "Maximum", tf.raw_ops.Minimum: "Minimum",
                 tf.raw_ops.Greater: "Greater", tf.raw_ops.GreaterEqual: "GreaterEqual",
                 tf.raw_ops.Less: "Less", tf.raw_ops.LessEqual: "LessEqual"}
#: the real dtypes other than bool, by id: operands of :func:`_real_binary`'s kernels
_REAL_IDS = frozenset(map(id, (tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16,
                               tf.uint32, tf.uint64, tf.float16, tf.bfloat16, tf.float32,
                               tf.float64)))


def _real_binary(op, fn):
    """``fn`` of two real arrays; bools are ordered False < True, as NumPy's (TensorFlow's
    kernels take no bool: computed in int8, a maximum or minimum given back as bool).
    Operands of one dtype go to the kernel ``fn`` calls, without its wrapper's ~3 us."""
    kernel = _BINARY_KERNELS.get(fn)
    name = _KERNEL_NAMES.get(kernel)

    def f(x1, x2, /):
        if (name is not None and type(x1) is EAGER_TENSOR and type(x2) is EAGER_TENSOR
                and (d := x1.dtype) is x2.dtype and id(d) in _REAL_IDS and executing_eagerly()):
            return run_kernel(name, x1, x2)  # eagerly, one real dtype: the kernel itself
        x1, x2 = _t(x1), _t(x2)
        d1, d2 = x1.dtype, x2.dtype  # (each read of a tensor's dtype costs ~0.3 us)
        if d1.is_complex:
            raise TypeError(f"{op}: x1 has dtype {d1.name}; {op} takes real-valued arrays")
        if d1 is tf.bool and d2 is tf.bool:
            out = fn(tf.cast(x1, tf.int8), tf.cast(x2, tf.int8))
            return tf.cast(out, tf.bool) if out.dtype == tf.int8 else out
        if kernel is not None and d1 is d2:
            return kernel(x=x1, y=x2)
        return fn(x1, x2)
    f.__name__ = f.__qualname__ = op
    return f


maximum = _real_binary("maximum", tf.math.maximum)
minimum = _real_binary("minimum", tf.math.minimum)
greater = _real_binary("greater", tf.math.greater)
greater_equal = _real_binary("greater_equal", tf.math.greater_equal)
less = _real_binary("less", tf.math.less)
less_equal = _real_binary("less_equal", tf.math.less_equal)


def equal(x1, x2, /):
    return tf.math.equal(_t(x1), _t(x2))


def not_equal(x1, x2, /):
    return tf.math.not_equal(_t(x1), _t(x2))


def _float_binary(op, fn):
    def f(x1, x2, /):
        x1, x2 = _t(x1), _t(x2)
        if not x1.dtype.is_floating:
            raise TypeError(f"{op}: x1 has dtype {x1.dtype.name}; {op} takes real "
                            f"floating-point arrays, cast first, e.g. astype(x, float32)")
        return fn(x1, x2)
    f.__name__ = f.__qualname__ = op
    return f


atan2 = _float_binary("atan2", tf.math.atan2)


def _copysign(x1, x2):
    """|x1| with x2's sign bit (-0.0 and -nan count as negative), differentiable in x1."""
    negative = tf.bitcast(x2, SAME_WIDTH_INT[x2.dtype.size]) < 0
    magnitude = tf.math.abs(x1)
    return tf.where(negative, -magnitude, magnitude)


copysign = _float_binary("copysign", _copysign)


def _hypot(x1, x2):
    a, b = tf.math.abs(x1), tf.math.abs(x2)
    # one comparison picks both (tf.maximum and tf.minimum each give a tie's gradient to
    # their first argument, which would count a twice at |x1| == |x2|)
    swap = a < b
    hi, lo = tf.where(swap, b, a), tf.where(swap, a, b)
    safe = tf.where(hi == 0, tf.ones_like(hi), hi)
    r = lo / safe
    out = tf.where(hi == 0, tf.zeros_like(hi), hi * tf.math.sqrt(1 + r * r))
    inf = tf.constant(float("inf"), x1.dtype)
    return tf.where(tf.math.logical_or(tf.math.is_inf(a), tf.math.is_inf(b)), inf, out)


hypot = _float_binary("hypot", _hypot)


def _logaddexp(x1, x2):
    hi = tf.math.maximum(x1, x2)
    out = hi + tf.math.log1p(tf.math.exp(-tf.math.abs(x1 - x2)))
    # equal arguments (also equal infinities, where inf - inf would be NaN): the mean
    # shares the derivative, 1/2 each (as the maximum would not)
    tie = (x1 + x2) / 2 + tf.constant(math.log(2), x1.dtype)
    return tf.where(tf.math.equal(x1, x2), tie, out)


logaddexp = _float_binary("logaddexp", _logaddexp)


def _nextafter(x1, x2):
    it = SAME_WIDTH_INT[x1.dtype.size]
    x1, x2 = (tf.broadcast_to(v, tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2)))
              for v in (x1, x2))
    bits = tf.bitcast(x1, it)
    one = tf.ones_like(bits)
    up = tf.math.greater(x2, x1)
    away = tf.math.equal(tf.math.greater(x1, 0), up)  # away from zero: magnitude grows
    out = tf.bitcast(tf.where(away, bits + one, bits - one), x1.dtype)
    tiny = tf.bitcast(one, x1.dtype)
    out = tf.where(tf.math.equal(x1, 0), tf.where(up, tiny, -tiny), out)
    out = tf.where(tf.math.equal(x1, x2), x2, out)
    nan = tf.math.logical_or(tf.math.is_nan(x1), tf.math.is_nan(x2))
    return tf.where(nan, tf.constant(float("nan"), x1.dtype), out)


nextafter = _float_binary("nextafter", _nextafter)


def _int_guard(x1, x2):
    """``x2`` with 0 and -1 replaced by 1 (TensorFlow traps on integer division by zero
    and on INT_MIN // -1), and the masks of those elements."""
    zero = tf.math.equal(x2, 0)
    minus1 = tf.zeros_like(zero) if id(x2.dtype) in _UNSIGNED_IDS else tf.math.equal(x2, -1)
    bad = tf.math.logical_or(zero, minus1)
    return tf.where(bad, tf.ones_like(x2), x2), zero, minus1


def floor_divide(x1, x2, /):
    """Floor division with Python semantics (integer division by zero gives 0)."""
    if type(x1) is EAGER_TENSOR and type(x2) is EAGER_TENSOR and id(x1.dtype) in KERNEL_FLOATS \
            and x2.dtype is x1.dtype and eager_cpu(x1) and eager_cpu(x2):
        # NumPy's own loop on the buffers (no copy), with the standard's special cases as
        # crossops.numpy's (inf // 2 is inf), for a fifth of the ~20 kernels below; the
        # quotient is piecewise constant, without a gradient (as TensorFlow's FloorDiv)
        h1, h2 = host_buffer(x1), host_buffer(x2)
        with np.errstate(all="ignore"):
            return tf.constant(host_floor_divide(np.floor_divide(h1, h2), h1, h2))
    x1, x2 = _t(x1), _t(x2)
    if _is_int(x1.dtype):
        safe, zero, minus1 = _int_guard(x1, x2)
        out = tf.math.floordiv(x1, safe)
        out = tf.where(minus1, negative(x1), out)
        return tf.where(zero, tf.zeros_like(out), out)
    if not x1.dtype.is_floating:
        raise TypeError(f"floor_divide: x1 has dtype {x1.dtype.name}; floor_divide takes "
                        f"real-valued numeric arrays")
    if x1.dtype in (tf.float16, tf.bfloat16):  # no TruncateMod kernel: exact in float32
        return tf.cast(floor_divide(tf.cast(x1, tf.float32), tf.cast(x2, tf.float32)), x1.dtype)
    # NumPy's (and Python's) divmod-based floor division: exact for finite operands
    mod = tf.truncatemod(x1, x2)
    div = (x1 - mod) / x2
    wrong_sign = tf.math.not_equal(tf.math.less(x2, 0), tf.math.less(mod, 0))
    div = tf.where(tf.math.logical_and(tf.math.not_equal(mod, 0), wrong_sign), div - 1, div)
    fl = tf.math.floor(div)
    fl = tf.where(div - fl > 0.5, fl + 1, fl)
    q = x1 / x2
    fl = tf.where(tf.math.equal(div, 0), _copysign(tf.zeros_like(div), q), fl)
    finite = tf.math.logical_and(tf.math.is_finite(x1), tf.math.is_finite(x2))
    ok = tf.math.logical_and(finite, tf.math.not_equal(x2, 0))
    return tf.where(ok, fl, tf.math.floor(q))


def remainder(x1, x2, /):
    """Remainder with the sign of ``x2`` (Python's ``%``; integer ``x % 0`` gives 0)."""
    x1, x2 = _t(x1), _t(x2)
    if _is_int(x1.dtype):
        safe, zero, minus1 = _int_guard(x1, x2)
        out = tf.math.floormod(x1, safe)
        return tf.where(tf.math.logical_or(zero, minus1), tf.zeros_like(out), out)
    if not x1.dtype.is_floating:
        raise TypeError(f"remainder: x1 has dtype {x1.dtype.name}; remainder takes "
                        f"real-valued numeric arrays")
    out = tf.math.floormod(x1, x2)
    if eager_cpu(out) and not (host_buffer(out) == 0).any():
        return out  # (read on the host: no zero to fix, the common call; FloorMod's gradient)
    # a zero result takes the sign of x2, as in Python (FloorMod's has x1's, of fmod)
    return tf.where(tf.math.equal(out, 0), _copysign(tf.zeros_like(out), x2), out)


def pow(x1, x2, /):  # noqa: A001
    """``x1 ** x2``; unsigned integers are computed in int64 (exact modulo 2**bits)."""
    x1, x2 = _t(x1), _t(x2)
    if x1.dtype is tf.bool:
        raise TypeError("pow: x1 has dtype bool; pow takes numeric arrays")
    if id(x1.dtype) in _UNSIGNED_IDS:
        if x1.dtype == tf.uint64:
            a, b = tf.bitcast(x1, tf.int64), tf.bitcast(x2, tf.int64)
            return tf.bitcast(tf.math.pow(a, b), tf.uint64)
        a, b = tf.cast(x1, tf.int64), tf.cast(x2, tf.int64)
        return tf.cast(tf.math.pow(a, b), x1.dtype)
    out = tf.math.pow(x1, x2)
    if not _is_complex(x1.dtype):
        return out
    # NumPy's complex cases that tf.math.pow gets wrong: x ** 0 = 1, 0 ** b = 0 for real b > 0
    re2, im2 = tf.math.real(x2), tf.math.imag(x2)
    base0 = tf.math.logical_not(nonzero(x1))
    pos = tf.math.logical_and(tf.math.greater(re2, 0), tf.math.equal(im2, 0))
    out = tf.where(tf.math.logical_and(base0, pos), tf.zeros_like(out), out)
    return tf.where(tf.math.logical_not(nonzero(x2)), tf.ones_like(out), out)


def _within(bound, dtype):
    """An integer tensor bound limited to integer ``dtype``'s range, so that the cast to it
    cannot wrap (an int16 bound of -1000 for int8 data is -128, not 24)."""
    if not (is_tensor(bound) and dtype.is_integer and bound.dtype.is_integer
            and bound.dtype != dtype and tf.uint64 not in (dtype, bound.dtype)):
        return bound
    return tf.clip_by_value(tf.cast(bound, tf.int64), dtype.min, dtype.max)


def clip(x, /, min=None, max=None):  # noqa: A002
    """Clamp ``x`` to ``[min, max]`` (NaN in any operand gives NaN); the result has
    ``x``'s dtype."""
    x = _t(x)
    if _is_complex(x.dtype):
        raise TypeError(f"clip: x has dtype {x.dtype.name}; clip takes real-valued arrays")
    if x.dtype is tf.bool:  # NumPy's promotion of the bounds
        return _bool_clip(x, min, max)
    if x.dtype.is_floating and _plain_bound(min) and _plain_bound(max):
        return _clip_by_numbers(x, min, max)
    if x.dtype.is_floating and _own_bound(min, x.dtype) and _own_bound(max, x.dtype):
        # (TensorFlow's Maximum and Minimum give NaN where either operand is, and keep
        # NumPy's order: max wins where min > max)
        if eager(x):  # (the kernels without tf.maximum's and tf.minimum's Python layers)
            out = x if min is None else run_kernel("Maximum", x, min)
            return out if max is None else run_kernel("Minimum", out, max)
        out = x if min is None else tf.maximum(x, min)
        return out if max is None else tf.minimum(out, max)
    out = x
    for bound, beyond in ((min, tf.math.less), (max, tf.math.greater)):
        if bound is None:
            continue
        b = scalar_tensor(_within(bound, x.dtype), x.dtype)
        out = tf.where(beyond(out, b), b, out)
        if x.dtype.is_floating:
            out = tf.where(tf.math.is_nan(b), b, out)
    if out is x:
        return tf.identity(x)
    return out


def _bool_clip(x, low, high):
    """NumPy's clip of a bool tensor: in the dtype of :func:`bool_clip_dtype` (TensorFlow's
    default int and float for Python bounds), bool bounds as logical or / and."""
    from ..._numpy_ops import bool_clip_dtype
    names = tuple(d.name for d in (DEFAULT_INT, DEFAULT_FLOAT, DEFAULT_COMPLEX))
    dt = tf.as_dtype(bool_clip_dtype(low, high, names))
    out = tf.cast(x, dt)
    for bound, pick in ((low, tf.maximum), (high, tf.minimum)):
        if bound is not None:
            b = tf.cast(bound, dt) if is_tensor(bound) else tf.constant(bound, dt)
            if dt is tf.bool:
                pick = tf.logical_or if pick is tf.maximum else tf.logical_and
            out = pick(out, b)
    return out


def _own_bound(bound, dtype) -> bool:
    """A bound that is None or a tensor of ``dtype``."""
    return bound is None or (is_tensor(bound) and bound.dtype == dtype)


def _plain_bound(bound) -> bool:
    """A bound that is None or a Python int or float other than NaN."""
    return bound is None or (type(bound) in (int, float) and bound == bound)


def _clip_by_numbers(x, low, high):
    """:func:`clip` of floating ``x`` by bounds that :func:`_plain_bound` accepts: the
    same comparisons and selections, as kernels (tf.math.less and tf.where add ~3 us each),
    with no NaN test of a bound that is a number; the bounds' tensors are kept eagerly."""
    if (id(x.dtype) in KERNEL_FLOATS and (low is not None or high is not None)
            and (low is None or high is None or low <= high) and eager_cpu(x)
            and _normal_bound(low, x.dtype) and _normal_bound(high, x.dtype)
            and buffer_free_of_subnormals(host_buffer(x))):
        # eagerly: TensorFlow's ClipByValue kernel, one kernel for the four below, with
        # their result: each element is x, or the bound it passes (NaN, ties and -0.0
        # stay x), and its gradient x's where it passes neither. Not where x holds a
        # subnormal number or a bound is one: the kernel flushes those to zero, the
        # selections keep them. A missing bound is an infinity, which no element passes
        lo = _bound_tensor(-math.inf if low is None else low, x.dtype)
        hi = _bound_tensor(math.inf if high is None else high, x.dtype)
        return run_kernel("ClipByValue", x, lo, hi)
    out = x
    if low is not None:
        b = _bound_tensor(low, x.dtype)
        out = tf.raw_ops.SelectV2(condition=tf.raw_ops.Less(x=out, y=b), t=b, e=out)
    if high is not None:
        b = _bound_tensor(high, x.dtype)
        out = tf.raw_ops.SelectV2(condition=tf.raw_ops.Greater(x=out, y=b), t=b, e=out)
    return tf.identity(x) if out is x else out


def _normal_bound(bound, dtype) -> bool:
    """Whether a bound of :func:`_clip_by_numbers` is None, zero, or at least ``dtype``'s
    smallest normal number in magnitude (not a subnormal number of ``dtype``, nor one that
    rounds to zero in it)."""
    tiny = _TINY[id(dtype)]
    return bound is None or not bound or bound >= tiny or bound <= -tiny


#: float32 and float64 (by id) -> the smallest normal number
_TINY = {id(tf.float32): 2.0 ** -126, id(tf.float64): 2.0 ** -1022}


#: (bound's type, bound, dtype) -> its tensor, made eagerly (kept up to 64, then afresh)
_BOUNDS: dict = {}


def _bound_tensor(bound, dtype):
    """``scalar_tensor(bound, dtype)``, kept for the next call where executing eagerly (a
    constant made while tracing belongs to that graph); a zero is keyed by its repr, which
    keeps its sign."""
    if not tf.executing_eagerly():
        return scalar_tensor(bound, dtype)
    key = (type(bound), bound if bound else repr(bound), dtype)
    b = _BOUNDS.get(key)
    if b is None:
        if len(_BOUNDS) >= 64:
            _BOUNDS.clear()
        b = _BOUNDS[key] = scalar_tensor(bound, dtype)
    return b

