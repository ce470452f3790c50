"""Generic implementations of the NumPy-named ops beyond the array API standard (the
keras.ops numpy group, spec/numpy_keras.toml), written with crossops ops
(op name -> function).

Each function has the spec entry's (Keras's) signature: the table calls it with the
parameters by keyword. The spec names these functions in each op's ``native`` table for
numpy, jax and torch too, as those backends' namespaces hold same-named NumPy functions
with other signatures, which the table would otherwise call.
"""

from __future__ import annotations

import math
import operator
import struct

from .._axes import normalize_axes, normalize_axis
from .._backend import backend_of_type, backend_of_values, get_backend
from .._dispatch import like_placement
from .._dtypes import dtype_name, kind, result_name, weak_scalar_name
from ..backends._common import apart
from ..backends._numpy_ops import pad_widths, split_points
from ._namespace import numpy_namespace

GENERIC: dict = {}


_xnp = numpy_namespace


def generic(name=None):
    def deco(f):
        GENERIC[name or f.__name__] = f
        return f
    return deco


def _backend(*xs) -> str:
    """The backend of a call with arguments ``xs`` (crossops's one rule: NumPy arrays, lists
    and scalars are host data), else the default backend."""
    return backend_of_values(xs, "crossops.numpy")


def _is_array(x) -> bool:
    return backend_of_type(type(x)) is not None


def _promote(x1, x2):
    """Two arguments as arrays of one dtype, by crossops's table (Python scalars weak)."""
    xnp = _xnp()
    a1, a2 = _is_array(x1), _is_array(x2)
    if not (a1 or a2):
        return _promote(xnp.asarray(x1), xnp.asarray(x2))
    if not a2:
        x2 = _weak(x2, x1)
    elif not a1:
        x1 = _weak(x1, x2)
    if x1.dtype != x2.dtype:  # two arrays, or a scalar of a higher kind (a float by ints)
        dt = xnp.result_type(x1.dtype, x2.dtype)
        x1, x2 = xnp.astype(x1, dt), xnp.astype(x2, dt)
    return x1, x2


def _weak(s, like):
    """A Python scalar (or list) as an array of ``like``'s backend, weak in promotion."""
    from .._backend import backend_module
    from .._dispatch import native_function
    mod = backend_module(_backend(like))
    asarray = native_function(mod, "asarray")
    if isinstance(s, bool | int | float | complex):
        name = weak_scalar_name(type(s), dtype_name(like.dtype), mod.default_dtypes())
        return asarray(s, dtype=mod.DTYPES[name])
    return asarray(s)


def _c(value, like):
    """``value`` as a 0-d array of ``like``'s backend and (weak-scalar) dtype: Python scalars
    next to NumPy bfloat16 arrays would otherwise widen to float32."""
    return _weak(value, like)


def _apart(x, y):
    """``x * y`` rounded as its own step where a sum follows (:func:`.backends._common.
    apart` in crossops's ops); integers (exact products): ``x * y`` itself."""
    return apart(_xnp(), x, y) if kind(_name(x)) in "fc" else x * y


def _name(x) -> str:
    """The dtype name of an array (jax dtypes are NumPy dtypes: pass names, not objects)."""
    return dtype_name(x.dtype)


def _is_complex(x) -> bool:
    return _xnp().isdtype(x.dtype, "complex floating")


def _is_float(x) -> bool:
    return _xnp().isdtype(x.dtype, "real floating")


def _is_int(x) -> bool:
    return _xnp().isdtype(x.dtype, "integral")


# -- aliases of array API ops ---------------------------------------------------------------

def _alias1(name, target):
    def f(x):
        return getattr(_xnp(), target)(x)
    f.__name__ = f.__qualname__ = name
    GENERIC[name] = globals()[name] = f


def _alias2(name, target):
    def f(x1, x2):
        return getattr(_xnp(), target)(x1, x2)
    f.__name__ = f.__qualname__ = name
    GENERIC[name] = globals()[name] = f


for _n, _t in (("absolute", "abs"), ("arccos", "acos"), ("arccosh", "acosh"),
               ("arcsin", "asin"), ("arcsinh", "asinh"), ("arctan", "atan"),
               ("arctanh", "atanh"), ("bitwise_not", "bitwise_invert"),
               ("conjugate", "conj")):
    _alias1(_n, _t)

for _n, _t in (("arctan2", "atan2"), ("true_divide", "divide"), ("mod", "remainder"),
               ("power", "pow")):
    _alias2(_n, _t)


@generic()
def left_shift(x, y):
    return _xnp().bitwise_left_shift(x, y)


@generic()
def right_shift(x, y):
    return _xnp().bitwise_right_shift(x, y)


@generic()
def fabs(x):
    (x,) = _in_float_loop(x)  # NumPy's fabs has float loops only
    return _xnp().abs(x)


# -- element-wise -----------------------------------------------------------------------------

@generic()
def angle(z, deg=False):
    xnp = _xnp()
    if _is_complex(z):
        out = xnp.atan2(xnp.imag(z), xnp.real(z))
    else:
        # NumPy's arctan2(0, z): integers in their float loop; bool with the weak 0 as
        # NumPy's default integer, so in float64
        z = _in_wide_float(z) if _name(z) == "bool" else _in_float_loop(z)[0]
        out = xnp.atan2(xnp.zeros_like(z), z)
    return out * _c(180.0 / math.pi, out) if deg else out


@generic()
def cbrt(x):
    xnp = _xnp()
    (x,) = _in_float_loop(x)  # NumPy's cbrt has float loops only
    # |x| and the sign put back by where on the sign bit, not abs and sign: the root's
    # slope at +-0 is then +inf (pow's), not sign'(0) * inf = nan; -0.0 gives -0.0
    negative = xnp.signbit(x)
    root = xnp.pow(xnp.where(negative, -x, x), _c(1.0 / 3.0, x))
    return xnp.where(negative, -root, root)


def _float32_value(v: float) -> float:
    """``v`` rounded to the nearest float32 (ties to even), as a Python float."""
    return struct.unpack("f", struct.pack("f", v))[0]


# NumPy's factors (npy_math's rad2deg/deg2rad: 180/pi and pi/180 divided in the loop's own
# precision). A float32 quotient of float32 operands rounded once from float64 is the
# float32 division's result, so 180f / pi_f is 57.295776, not float32(180 / pi) = 57.29578.
_ANGLE_FACTORS = {
    "degrees": (180.0 / math.pi, _float32_value(180.0 / _float32_value(math.pi))),
    "radians": (math.pi / 180.0, _float32_value(_float32_value(math.pi) / 180.0)),
}


def _angle_scale(x, to: str):
    """Angles converted ``to`` "degrees" or "radians" as NumPy does: float32 times NumPy's
    float32 factor, float16 and bfloat16 computed in float32 and rounded back (NumPy's half
    loops), float64 times the float64 factor (other dtypes too: the weak factor promotes
    integers to the default float)."""
    xnp = _xnp()
    wide, single = _ANGLE_FACTORS[to]
    name = _name(x)
    if name == "float32":
        return xnp.multiply(x, _c(single, x))
    if name in ("float16", "bfloat16"):
        return xnp.astype(_angle_scale(xnp.astype(x, "float32"), to), name)
    return xnp.multiply(x, _c(wide, x))


@generic()
def deg2rad(x):
    return _angle_scale(*_in_float_loop(x), "radians")


@generic()
def rad2deg(x):
    return _angle_scale(*_in_float_loop(x), "degrees")


@generic()
def exp2(x):
    xnp = _xnp()
    (x,) = _in_float_loop(x)  # NumPy's exp2 has float loops only
    return xnp.pow(xnp.full_like(x, 2.0), x)


def _abs(x):
    return x if _xnp().isdtype(x.dtype, "unsigned integer") else _xnp().abs(x)


@generic()
def fmod(x1, x2):
    # C's fmod: the truncated remainder, of x1's sign; NumPy gives 0 for x2 == 0 in ints
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    if _is_int(x1):
        nz = x2 != 0
        x2 = xnp.where(nz, x2, xnp.ones_like(x2))
        r = xnp.remainder(x1, x2)  # floored: of x2's sign
        if not xnp.isdtype(x1.dtype, "unsigned integer"):  # of x1's sign instead (never
            # |x| of the most negative int, which wraps: int8 fmod(1, -128) is 1)
            other = xnp.logical_and(r != 0, (r < 0) != (x1 < 0))
            r = xnp.where(other, r - x2, r)
        return xnp.where(nz, r, xnp.zeros_like(r))
    return xnp.copysign(xnp.remainder(xnp.abs(x1), xnp.abs(x2)), x1)


@generic()
def heaviside(x1, x2):
    xnp = _xnp()
    x1, x2 = _in_float_loop(*_promote(x1, x2))  # NumPy's heaviside: float loops only
    out = xnp.where(x1 < 0, xnp.zeros_like(x1), xnp.where(x1 > 0, xnp.ones_like(x1), x2))
    return xnp.where(xnp.isnan(x1), x1, out)


@generic()
def logaddexp2(x1, x2):
    xnp = _xnp()
    x1, x2 = _in_float_loop(*_promote(x1, x2))  # NumPy's logaddexp2: float loops only
    m = xnp.maximum(x1, x2)
    # equal operands are answered by the last line; zeros for them here keep inf - inf
    # (and NumPy's "invalid value" warning, which np.logaddexp2 does not give) out
    same = x1 == x2
    zero = xnp.zeros_like(m)
    d = -xnp.abs(xnp.where(same, zero, x1) - xnp.where(same, zero, x2))
    out = m + xnp.log1p(xnp.pow(xnp.full_like(d, 2.0), d)) * _c(1.0 / math.log(2.0), d)
    # at a tie the value is x1 + 1, with half the slope to each operand (x1 + 1 alone gave
    # all of it to x1: d/dx1 = 1 where it is 1/2)
    half = _c(0.5, x1)
    return xnp.where(same, x1 * half + x2 * half + _c(1.0, x1), out)


@generic()
def sinc(x):
    xnp = _xnp()
    x = _in_wide_float(x)  # integers and bool: NumPy's float64 (sinc is no ufunc)
    y = xnp.where(x == 0, xnp.ones_like(x), x) * _c(math.pi, x)
    return xnp.where(x == 0, xnp.ones_like(x), xnp.sin(y) / y)


@generic()
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    xnp = _xnp()
    x1, x2 = _promote(a, b)
    if not (_is_float(x1) or _is_complex(x1)):  # (NumPy's float64, as the backend has it)
        dt = _wide_float(_backend(x1))
        x1 = xnp.astype(x1, dt)
        x2 = xnp.astype(x2, dt)
    # close within the tolerance where both are finite (x1 == x2 covers equal infs): zeros
    # where either is not keep inf - inf, and NumPy's "invalid value" warning, out
    finite = xnp.logical_and(xnp.isfinite(x1), xnp.isfinite(x2))
    a = xnp.where(finite, x1, xnp.zeros_like(x1))
    b = xnp.where(finite, x2, xnp.zeros_like(x2))
    tol = _c(atol, b) + _c(rtol, b) * xnp.abs(b)
    out = xnp.logical_or(xnp.logical_and(xnp.abs(a - b) <= tol, finite), x1 == x2)
    if equal_nan:
        out = xnp.logical_or(out, xnp.logical_and(xnp.isnan(x1), xnp.isnan(x2)))
    return out


@generic()
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    xnp = _xnp()  # (the op isclose: a backend's own at its common call)
    return xnp.all(xnp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


@generic()
def isneginf(x):
    xnp = _xnp()
    if not _is_float(x):
        return xnp.zeros_like(x, dtype="bool")
    return xnp.logical_and(xnp.isinf(x), x < _c(0, x))


@generic()
def isposinf(x):
    xnp = _xnp()
    if not _is_float(x):
        return xnp.zeros_like(x, dtype="bool")
    return xnp.logical_and(xnp.isinf(x), x > _c(0, x))


@generic()
def isreal(x):
    xnp = _xnp()
    if _is_complex(x):
        return xnp.imag(x) == 0
    return xnp.ones_like(x, dtype="bool")


@generic()
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    # copy: crossops never writes into x, so every result is a new array (or x unchanged)
    xnp = _xnp()
    if not (_is_float(x) or _is_complex(x)):
        return x
    if _is_complex(x):
        re = nan_to_num(xnp.real(x), nan=nan, posinf=posinf, neginf=neginf)
        im = nan_to_num(xnp.imag(x), nan=nan, posinf=posinf, neginf=neginf)
        return xnp.astype(re, _name(x)) + xnp.astype(im, _name(x)) * _c(1j, x)
    info = xnp.finfo(x.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    x = xnp.where(xnp.isnan(x), xnp.full_like(x, nan), x)
    x = xnp.where(isposinf(x), xnp.full_like(x, posinf), x)
    return xnp.where(isneginf(x), xnp.full_like(x, neginf), x)


_ITERATIONS = {8: 14, 16: 26, 32: 48, 64: 94}  # Euclid's worst case (Fibonacci numbers)


def _integers(op: str, x1, x2) -> tuple:
    """``x1`` and ``x2`` (promoted), which must be integers: NumPy's ``gcd`` and ``lcm``
    have integer loops only (TypeError, as NumPy's, for bool, floats and complex)."""
    if not _is_int(x1):
        raise TypeError(f"{op}: the arguments must be integers, got {_name(x1)}")
    return x1, x2


@generic()
def gcd(x1, x2):
    xnp = _xnp()
    x1, x2 = _integers("gcd", *_promote(x1, x2))
    a, b = xnp.broadcast_arrays(_abs(x1), _abs(x2))
    for _ in range(_ITERATIONS[xnp.iinfo(a.dtype).bits]):
        nz = b != 0
        safe = xnp.where(nz, b, xnp.ones_like(b))
        a, b = xnp.where(nz, b, a), xnp.where(nz, xnp.remainder(a, safe), b)
    return a


@generic()
def lcm(x1, x2):
    xnp = _xnp()
    x1, x2 = _integers("lcm", *_promote(x1, x2))
    g = gcd(x1, x2)
    zero = g == 0
    q = xnp.floor_divide(_abs(x1), xnp.where(zero, xnp.ones_like(g), g))
    return xnp.where(zero, xnp.zeros_like(g), q * _abs(x2))


_INT32_RANGE = (-2**31, 2**31 - 1)
_INT64_RANGE = (-2**63, 2**63 - 1)


def _ldexp_mantissas(x1, x2):
    """ldexp's x1 as an array in the dtype of NumPy's loop (ei, fi, di and their int64
    forms): arrays by :func:`_float_loop`; a Python float in float64, a Python bool in
    float16, a Python int in float16 beside integer arrays and in float64 beside bool
    arrays or a Python exponent (NumPy 2's choices), each as the backend gives it."""
    xnp = _xnp()
    if _is_array(x1):
        return _in_float_loop(x1)[0]
    b = _backend(x1, x2)
    if isinstance(x1, float):
        dt = _wide_float(b)
    elif isinstance(x1, bool | int):
        wide = not isinstance(x1, bool) and (not _is_array(x2) or _name(x2) == "bool")
        dt = _wide_float(b) if wide else "float16"
    else:
        return _in_float_loop(xnp.asarray(x1))[0]
    with _use(b):
        return xnp.asarray(x1, dtype=dt)


def _ldexp_exponents(x1, x2):
    """ldexp's x2, checked as NumPy checks it: integers or bool (floats and uint64 have no
    loop: TypeError); a Python int within int32 (int64 where x1 is bool, or a Python int
    or float), else OverflowError."""
    if _is_array(x2):
        if not (_is_int(x2) or _name(x2) == "bool") or _name(x2) == "uint64":
            raise TypeError(f"ldexp: x2 has dtype {_name(x2)}; NumPy's ldexp takes integer "
                            "exponents of at most 64 signed bits (cast x2 to int32 or int64)")
        return x2
    if isinstance(x2, float | complex):
        raise TypeError(f"ldexp: x2 is a Python {type(x2).__name__}; ldexp takes integer "
                        "exponents (pass an int or an integer array)")
    wide = (isinstance(x1, bool | int | float) and not _is_array(x1)) or \
        (_is_array(x1) and _name(x1) == "bool")
    lo, hi = _INT64_RANGE if wide else _INT32_RANGE
    if not isinstance(x2, bool) and not lo <= int(x2) <= hi:
        raise OverflowError(f"ldexp: x2 = {x2} is out of bounds for "
                            f"{'int64' if wide else 'int32'}, the exponent of NumPy's loop")
    return x2


@generic()
def ldexp(x1, x2):
    xnp = _xnp()
    x2 = _ldexp_exponents(x1, x2)
    x1 = _ldexp_mantissas(x1, x2)  # in the float of NumPy's loop
    # exponents beyond the dtype's span of exponents (largest over smallest subnormal) give
    # what that span gives: clamped, they are exact in x1's float
    name = _name(x1)
    span = _LDEXP_SPAN.get(name, _LDEXP_SPAN["float64"])
    # narrower floats computed in a wider one, where every product is exact: the result is
    # rounded once, as NumPy's (float64 itself may round twice below its normal numbers)
    wide = _wide_float(_backend(x1))
    work = wide if name != wide and wide == "float64" else \
        "float32" if name in ("float16", "bfloat16") else name
    y = xnp.astype(x1, work) if work != name else x1
    if _is_array(x2):  # (in NumPy's int64 as the backend gives it: jax's int32 without x64)
        wide_int = _wide_int(_backend(x2))
        e = xnp.astype(xnp.clip(xnp.astype(x2, wide_int), -span, span), work)
    else:
        e = _c(float(max(-span, min(span, int(x2)))), y)
    if name == "float64":  # (below its normal numbers a product may round: one does)
        return _ldexp_float64(y, e)
    # 2**e in four parts of e's sign (a quarter each, the rest last), so that none
    # overflows where the result does not
    part = xnp.trunc(e * _c(0.25, y))
    two = xnp.full_like(y, 2.0)
    step = xnp.pow(two, part)
    out = y * step * step * step * xnp.pow(two, e - _c(3.0, y) * part)
    return xnp.astype(out, name) if work != name else out


def _ldexp_float64(y, e):
    """``y * 2**e`` of float64 ``y`` and whole float64 ``e`` (clamped to the span), rounded
    once, as NumPy's: scaled first in three exact steps (up, or down to no lower than the
    normal numbers, by y's exponent from ``log2``, which may be one off), then once by the
    rest (the one rounding, where the result is subnormal). Where subnormals are flushed
    (XLA and TensorFlow on CPU) the result is that of y flushed."""
    xnp = _xnp()
    size = xnp.abs(y)
    zero = size == 0
    lg = xnp.floor(xnp.log2(xnp.where(zero, xnp.ones_like(size), size)))  # (no log of 0)
    # (0, inf and nan: all of e in the three steps, as nothing rounds)
    lg = xnp.where(zero | ~xnp.isfinite(lg), xnp.full_like(lg, 2200.0), lg)
    first = xnp.maximum(e, xnp.minimum(_c(0.0, y), _c(-1020.0, y) - lg))
    part = xnp.trunc(first * _c(1 / 3, y))
    two = xnp.full_like(y, 2.0)
    step = xnp.pow(two, part)
    return y * step * step * xnp.pow(two, first - _c(2.0, y) * part) * xnp.pow(two, e - first)


#: a little more than the span of each float's exponents, from its largest finite value
#: down to its smallest subnormal: 2**16 / 2**-24, 2**128 / 2**-149 (bfloat16 as float32's
#: exponents, 2**-133), 2**1024 / 2**-1074
_LDEXP_SPAN = {"float16": 48, "bfloat16": 280, "float32": 280, "float64": 2100}


@generic()
def divide_no_nan(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    zero = x2 == 0
    safe = xnp.where(zero, xnp.ones_like(x2), x2)
    q = xnp.divide(x1, safe)
    return xnp.where(zero, xnp.zeros_like(q), q)


def _nan_ignoring(extremum, x1, x2):
    """maximum/minimum that takes the other operand where one is nan (NumPy's fmax/fmin)."""
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    m = extremum(x1, x2)
    if not _is_float(m):
        return m
    return xnp.where(xnp.isnan(x1), x2, xnp.where(xnp.isnan(x2), x1, m))


@generic()
def fmax(x1, x2):
    return _nan_ignoring(_xnp().maximum, x1, x2)


@generic()
def fmin(x1, x2):
    return _nan_ignoring(_xnp().minimum, x1, x2)


# -- reductions and statistics -------------------------------------------------------------

@generic()
def amax(a, axis=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import extreme
        return extreme("amax", a, axis, keepdims, initial, where)
    return _with_initial(_xnp().max, _xnp().maximum, a, axis, keepdims, initial, "amax")


@generic()
def amin(a, axis=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import extreme
        return extreme("amin", a, axis, keepdims, initial, where)
    return _with_initial(_xnp().min, _xnp().minimum, a, axis, keepdims, initial, "amin")


def _reduced_shape(x, axis, keepdims, op) -> tuple:
    axes = _axes(axis, x.ndim, op)
    return tuple(1 if i in axes else n for i, n in enumerate(x.shape)
                 if keepdims or i not in axes)


def _with_initial(reduce, combine, x, axis, keepdims, initial, op):
    """NumPy's ``initial`` of max and min: the reduction of ``x`` with ``initial`` as one
    more element of every slice (an empty slice gives ``initial``), in x's dtype."""
    xnp = _xnp()
    if initial is None:
        return reduce(x, axis=axis, keepdims=keepdims)
    if not _is_array(x):
        x = xnp.asarray(x)
    if math.prod(x.shape[a] for a in _axes(axis, x.ndim, op)) == 0:
        with _on(x):
            return xnp.full(_reduced_shape(x, axis, keepdims, op), initial, dtype=_name(x))
    out = reduce(x, axis=axis, keepdims=keepdims)
    return combine(out, xnp.astype(_c(initial, out), _name(out)))


@generic()
def ptp(a, axis=None, keepdims=False):
    xnp = _xnp()
    return xnp.subtract(xnp.max(a, axis=axis, keepdims=keepdims),
                        xnp.min(a, axis=axis, keepdims=keepdims))


def _axes(axis, ndim, op):
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted(normalize_axes(axis, ndim, op)))


@generic()
def average(a, axis=None, weights=None, returned=False, *, keepdims=False):
    xnp = _xnp()
    if weights is None:
        avg = xnp.mean(a, axis=axis, keepdims=keepdims)
        if not returned:
            return avg
        n = math.prod(a.shape[i] for i in _axes(axis, a.ndim, "average"))
        return avg, xnp.full_like(avg, float(n))
    x, weights = _promote(a, weights)
    if weights.ndim != x.ndim:  # 1-d weights along one axis
        shape = [1] * x.ndim
        shape[normalize_axis(axis, x.ndim, "average")] = weights.shape[0]
        weights = xnp.reshape(weights, tuple(shape))
    total = xnp.sum(weights * xnp.ones_like(x), axis=axis, keepdims=keepdims)
    avg = xnp.sum(x * weights, axis=axis, keepdims=keepdims) / total
    if not returned:
        return avg
    return avg, xnp.astype(total, _name(avg))


def _flat_last(x, axis, op):
    """``x`` with the reduced axes moved last and flattened into one; and the kept shape."""
    xnp = _xnp()
    axes = _axes(axis, x.ndim, op)
    kept = [a for a in range(x.ndim) if a not in axes]
    x = xnp.permute_dims(x, tuple(kept) + axes)
    kept_shape = tuple(x.shape[: len(kept)])
    sizes = tuple(x.shape[len(kept):])  # (-1 cannot say how long where x is empty)
    n = -1 if None in sizes or None in kept_shape else math.prod(sizes)
    return xnp.reshape(x, kept_shape + (n,)), kept_shape, axes


def _keep(out, x_ndim, axes, keepdims, lead=()):
    """Insert the reduced axes back as ones (after the ``lead`` axes of q)."""
    if not keepdims:
        return out
    xnp = _xnp()
    shape = list(out.shape[len(lead):])
    for a in axes:
        shape.insert(a, 1)
    return xnp.reshape(out, tuple(lead) + tuple(shape))


#: NumPy's continuous methods of Hyndman and Fan: (alpha, beta) of the virtual index
#: ``n*q + alpha + q*(1 - alpha - beta) - 1``
_ALPHA_BETA = {"interpolated_inverted_cdf": (0.0, 1.0), "hazen": (0.5, 0.5),
               "weibull": (0.0, 0.0), "median_unbiased": (1 / 3, 1 / 3),
               "normal_unbiased": (3 / 8, 3 / 8)}
#: the methods that pick an element of a (the result keeps an integer or bool a's dtype)
_PICKING = ("inverted_cdf", "closest_observation", "lower", "higher", "nearest")
_METHODS = ("linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf",
            "averaged_inverted_cdf", "closest_observation", *_ALPHA_BETA)


#: the ops whose even count takes the mean of its two middle values, ``(a + b) / 2``, as
#: NumPy's median and nanmedian do (its quantile lerps, ``b - (b - a) * 0.5``: a rounding
#: apart)
_MIDDLE_MEAN = frozenset({"median", "nanmedian"})


def _quantile(x, q, axis, method, keepdims, ignore_nan, op, weights=None):
    xnp = _xnp()
    if method not in _METHODS:
        raise ValueError(f"{op}: method must be one of {', '.join(_METHODS)}; got {method!r}")
    x = x if _is_array(x) else xnp.asarray(x)
    q_dtype = None  # q's dtype, where q is not a weak Python scalar
    if isinstance(q, list | tuple):  # as x's backend reads the list (its values are read
        q_dtype = xnp.asarray(q, like=x).dtype  # in the dtype computed in, below)
    elif type(q) not in (bool, int, float):  # an array, or host data: x's backend's
        q = xnp.asarray(q, like=x)
        q_dtype = q.dtype
    _check_quantiles(q, op)
    if ignore_nan and None not in x.shape and math.prod(x.shape) == 0:
        return _nan_of_empty(x, q, axis, keepdims, op)
    if _name(x) == "bool":  # NumPy: the methods that pick elements only
        sizes = [x.shape[a] for a in _axes(axis, x.ndim, op)]
        if method not in _PICKING and (None in sizes or math.prod(sizes)):  # (no values:
            # NumPy's IndexError first)
            raise TypeError(f"{op}: a has dtype bool and method {method!r} interpolates, "
                            f"which subtracts bools (NumPy raises too); use method "
                            f"{', '.join(map(repr, _PICKING))}, or cast a to a number")
        out = _quantile(_in_wide_float(x), q, axis, method, keepdims, ignore_nan, op,
                        weights)  # (0 and 1, exact in any float; no values: IndexError)
        return xnp.astype(out, "bool")
    if weights is not None and method != "inverted_cdf":
        raise ValueError(f"only method 'inverted_cdf' takes weights (as in NumPy), got "
                         f"method={method!r}")
    if method == "inverted_cdf":
        return _inverted_cdf(x, q, axis, keepdims, ignore_nan, op, weights)
    floating = _is_float(x) or _is_complex(x)
    if not floating and method not in _PICKING:
        x, floating = _in_wide_float(x), True  # an interpolation: NumPy's float64
    if floating and method not in _PICKING and q_dtype is not None:
        wide = xnp.result_type(x.dtype, q_dtype)  # q's dtype joins the interpolation's (a
        if x.dtype != wide:  # Python float stays weak): NumPy's float32 a with [0.5] gives
            x = xnp.astype(x, wide)  # float64
    y, kept_shape, axes = _flat_last(x, axis, op)
    # the dtype the positions are computed in: an array q's as a's float; else NumPy's
    # float64 (q a Python float: its weight rounds to a's float in the lerp only)
    fl = y if floating and _is_array(q) else xnp.astype(y[..., :1], _wide_float(_backend(x)))
    scalar_q = not _is_array(q) and not isinstance(q, list | tuple)
    qa = _weak(q, fl) if scalar_q else xnp.astype(
        q if _is_array(q) else _weak_list(q, fl), _name(fl))
    qshape = tuple(qa.shape)
    qa = xnp.reshape(qa, (-1,))
    n = y.shape[-1]
    if n == 0:  # nothing to reduce: NumPy's median and nan-forms give nan, the others fail
        if not (ignore_nan or op == "median"):
            raise IndexError(f"{op}: a has no elements along the axes to reduce; NumPy's "
                             f"{op} has none to take")
        out = xnp.full(qshape + kept_shape, math.nan,
                       dtype=_name(y) if floating else _name(fl))
        return _keep(out, x.ndim, axes, keepdims, lead=qshape)
    if floating:
        nan = xnp.isnan(y)
        y = xnp.sort(xnp.where(nan, xnp.full_like(y, math.inf), y), axis=-1)
    else:
        y = xnp.sort(y, axis=-1)
    if ignore_nan and floating:
        count = xnp.sum(xnp.astype(xnp.logical_not(nan), _name(fl)), axis=-1, keepdims=True)
    else:
        count = xnp.full_like(fl[..., :1], float(n))
    one, zero = _c(1.0, fl), _c(0.0, fl)
    lo, t = _quantile_position(qa, count, method, fl)
    last = xnp.maximum(count - one, zero)  # (a virtual index past either end: that end)
    hi = xnp.minimum(lo + one, last)
    lo = xnp.minimum(xnp.maximum(lo, zero), last)
    index = _wide_int(_backend(y))
    a = xnp.take_along_axis(y, xnp.astype(lo, index), axis=-1)
    if not floating:  # an integer a, a picking method: the element, in a's dtype
        out = a
    else:
        b = xnp.take_along_axis(y, xnp.astype(hi, index), axis=-1)
        # slices whose result is nan (a nan, or no values) read the infs that stand for
        # nans: zeros there keep inf - inf, and a warning NumPy does not give, out of the lerp
        bad = (count == zero) if ignore_nan else xnp.any(nan, axis=-1, keepdims=True)
        a = xnp.where(bad, xnp.zeros_like(a), a)
        b = xnp.where(bad, xnp.zeros_like(b), b)
        if method in _PICKING or (method == "linear" and _integral(q)):
            out = a  # (NumPy takes the element itself: no lerp, whose inf - inf is NaN)
        elif op in _MIDDLE_MEAN:  # NumPy's medians: the mean of the two middle values,
            out = (a + b) / _c(2.0, y)  # the middle one itself for an odd count
            out = xnp.where(t == _c(0.0, fl), a, out)
        else:  # NumPy's lerp from the nearer end: its weight and 1 - weight computed in
            # fl's dtype (a Python q's float64), each rounded to y's (a zero weight too:
            # inf - inf's NaN at an infinity, as NumPy's)
            diff = b - a
            near = a + _apart(diff, xnp.astype(t, _name(y)))
            out = xnp.where(t >= _c(0.5, fl),
                            b - _apart(diff, xnp.astype(_c(1.0, fl) - t, _name(y))), near)
        out = xnp.where(bad, xnp.full_like(out, math.nan), out)
    # (kept..., nq) -> (q..., kept...)
    out = xnp.permute_dims(out, (out.ndim - 1,) + tuple(range(out.ndim - 1)))
    out = xnp.reshape(out, qshape + kept_shape)
    return _keep(out, x.ndim, axes, keepdims, lead=qshape)


def _integral(q) -> bool:
    """Whether ``q`` is a Python int (or bool), a list or tuple of them, or an integer or
    bool array: NumPy's virtual indices of method 'linear' are then integers, which it
    takes without a lerp."""
    if _is_array(q):
        return kind(_name(q)) in "biu"
    return all(isinstance(v, int) for v in _flat_numbers(q))


def _check_quantiles(q, op):
    """NumPy's check of ``q`` (a number, a nested list of them, or an array, whose values
    are checked eagerly only): each in [0, 1] (a percentile's, already divided by 100, in
    [0, 100]); a NaN is in neither. ValueError naming the op and the range."""
    if _is_array(q):
        xnp = _xnp()
        bad = _known(xnp.logical_not(xnp.all(xnp.logical_and(q >= 0, q <= 1))))
    else:
        bad = not all(0 <= float(v) <= 1 for v in _flat_numbers(q))
    if bad:
        top = 100 if op.endswith("percentile") else 1
        raise ValueError(f"{op}: every q must lie in [0, {top}], as in NumPy, and none be NaN")


def _flat_numbers(q):
    """The numbers of ``q``, a number or a nested list or tuple of them, in order."""
    if isinstance(q, list | tuple):
        for v in q:
            yield from _flat_numbers(v)
    else:
        yield q


def _nan_of_empty(x, q, axis, keepdims, op):
    """The nan-forms' result where ``x`` has no elements, whatever the method (NumPy's:
    NaN, in x's float or float64 for bool and integers; no values where the kept axes are
    empty)."""
    xnp = _xnp()
    axes = _axes(axis, x.ndim, op)
    qshape = tuple(q.shape) if _is_array(q) else tuple(xnp.asarray(q).shape)
    shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape) if keepdims
                  or i not in axes)
    dtype = _name(x) if _is_float(x) else _wide_float(_backend(x))
    return xnp.full(qshape + shape, math.nan, dtype=dtype, like=x)


def _quantile_position(qa, count, method, fl):
    """NumPy's virtual index of each quantile ``qa`` (..., nq) in a sorted slice of
    ``count`` values, as the index of its lower element ``lo`` (a float, maybe -1) and the
    weight ``t`` of the element after it, in the dtype of ``fl``."""
    xnp = _xnp()
    one, zero = _c(1.0, fl), _c(0.0, fl)
    if method in _ALPHA_BETA:
        alpha, beta = _ALPHA_BETA[method]
        pos = count * qa + (_c(alpha, fl) + qa * _c(1.0 - alpha - beta, fl)) - one
        lo = xnp.floor(pos)
        return lo, pos - lo
    if method == "averaged_inverted_cdf":  # the mean of two elements where n*q is whole
        pos = count * qa - one
        lo = xnp.floor(pos)
        return lo, xnp.where(pos == lo, _c(0.5, fl), one)
    if method == "closest_observation":  # the nearest element, an even one (1-based) at ties
        pos = count * qa - _c(1.5, fl)
        lo = xnp.floor(pos)
        odd = xnp.remainder(lo, _c(2.0, fl)) == one
        return xnp.where(xnp.logical_and(pos == lo, odd), lo, lo + one), xnp.zeros_like(pos)
    pos = qa * (count - one)
    if method == "linear":
        lo = xnp.floor(pos)
        return lo, pos - lo
    if method == "midpoint":
        lo = xnp.floor(pos)
        return lo, xnp.where(xnp.ceil(pos) > lo, _c(0.5, fl), zero)
    pick = {"lower": xnp.floor, "higher": xnp.ceil, "nearest": xnp.round}[method]
    lo = pick(pos)
    return lo, xnp.zeros_like(lo)


def _quantile_weights(x, weights, axis, op):
    """``weights`` as an array of x's backend and x's shape (NumPy's rules: x's shape, or
    the shape of the reduced axes, which then must be given)."""
    xnp = _xnp()
    if _is_array(weights) and _backend(weights) != _backend(x) and _backend(x) == "numpy":
        x = xnp.asarray(x, like=weights)  # NumPy data beside another backend's array
    w = weights if _is_array(weights) and _backend(weights) == _backend(x) else \
        xnp.asarray(weights, like=x)
    if tuple(w.shape) != tuple(x.shape):
        if axis is None:
            raise TypeError(f"weights of shape {tuple(w.shape)} differ from a's shape "
                            f"{tuple(x.shape)}: give axis, which they then run along (as in "
                            f"NumPy)")
        axes = normalize_axes(axis, x.ndim, op)
        if tuple(w.shape) != tuple(x.shape[a] for a in axes):
            raise ValueError(f"weights of shape {tuple(w.shape)} must have a's shape "
                             f"{tuple(x.shape)} or that of a along axis {axis} "
                             f"{tuple(x.shape[a] for a in axes)}")
        order = sorted(range(len(axes)), key=lambda k: axes[k])
        w = xnp.permute_dims(w, tuple(order)) if len(axes) > 1 else w
        w = xnp.reshape(w, tuple(s if i in axes else 1 for i, s in enumerate(x.shape)))
        w = xnp.broadcast_to(w, tuple(x.shape))
    if _known(xnp.any(w < _c(0, w))):
        raise ValueError("weights must be non-negative (as in NumPy)")
    return x, w


def _inverted_cdf(x, q, axis, keepdims, ignore_nan, op, weights):
    """NumPy's method 'inverted_cdf': the first sorted value whose (weighted) cumulative
    share reaches q; a's dtype. Weights of NaN values count as zero in the nan forms."""
    xnp = _xnp()
    if not _is_array(x):
        x = xnp.asarray(x)
    if weights is None:
        w = xnp.ones_like(x, dtype=_wide_float(_backend(x)))
    else:
        x, w = _quantile_weights(x, weights, axis, op)
    wide = _wide_float(_backend(x))
    qa = xnp.asarray(q, dtype=wide, like=x) if not _is_array(q) else xnp.astype(q, wide)
    qshape = tuple(qa.shape)
    qa = xnp.reshape(qa, (-1,))
    y, kept_shape, axes = _flat_last(x, axis, op)
    w, _, _ = _flat_last(xnp.astype(w, wide), axis, op)
    n = y.shape[-1]
    floating = _is_float(y)
    nan = xnp.isnan(y) if floating else xnp.zeros_like(y, dtype="bool")
    if ignore_nan:
        w = xnp.where(nan, xnp.zeros_like(w), w)
    order = xnp.argsort(xnp.where(nan, xnp.full_like(y, math.inf), y) if floating else y,
                        axis=-1, stable=True)
    ys = xnp.take_along_axis(y, order, axis=-1)
    cdf = xnp.cumulative_sum(xnp.take_along_axis(w, order, axis=-1), axis=-1)
    total = cdf[..., -1:]
    all_nan = xnp.all(nan, axis=-1, keepdims=True)
    invalid = xnp.logical_or(xnp.logical_not(xnp.isfinite(total)), total == _c(0, total))
    if ignore_nan:  # (a slice of NaN only gives NaN)
        invalid = xnp.logical_and(invalid, xnp.logical_not(all_nan))
    if _known(xnp.any(invalid)):
        raise ValueError("weights included NaN or inf, or were all zero (as in NumPy)")
    cdf = cdf / xnp.where(total == _c(0, total), xnp.ones_like(total), total)
    # leading zero weights: the first value of positive weight answers q = 0 (NumPy)
    cdf = xnp.where(cdf == _c(0, cdf), xnp.full_like(cdf, -1.0), cdf)
    # searchsorted(cdf, q, side="left"): how many shares are below q
    below = xnp.expand_dims(cdf, axis=-2) < xnp.reshape(qa, (-1, 1))  # (..., nq, n)
    idx = xnp.minimum(xnp.sum(xnp.astype(below, _wide_int(_backend(x))), axis=-1), n - 1)
    out = xnp.take_along_axis(ys, idx, axis=-1)  # (..., nq)
    bad = all_nan if ignore_nan else xnp.any(nan, axis=-1, keepdims=True)
    if floating:
        out = xnp.where(bad, xnp.full_like(out, math.nan), out)
    out = xnp.permute_dims(out, (out.ndim - 1,) + tuple(range(out.ndim - 1)))
    out = xnp.reshape(out, qshape + kept_shape)
    return _keep(out, x.ndim, axes, keepdims, lead=qshape)


def _weak_list(q, like):
    from .._backend import backend_module
    from .._dispatch import native_function
    b = _backend(like)
    own = getattr(_chapter(b), "quantile_list", None)  # (jax: in its default dtype)
    if own is not None:
        return own(q, like)
    return native_function(backend_module(b), "asarray")(q, dtype=like.dtype)


@generic()
def quantile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False, *,
             weights=None):
    return _quantile(a, q, axis, method, keepdims, ignore_nan=False, op="quantile",
                     weights=weights)


@generic()
def nanquantile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False, *,
                weights=None):
    return _quantile(a, q, axis, method, keepdims, ignore_nan=True, op="nanquantile",
                     weights=weights)


def _div100(q, x):
    if _is_array(q):
        return q / _c(100.0, q)
    if isinstance(q, list | tuple):
        return [v / 100.0 for v in q]
    return q / 100.0


@generic()
def percentile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False, *,
               weights=None):
    return _quantile(a, _div100(q, a), axis, method, keepdims, ignore_nan=False, op="percentile",
                     weights=weights)


@generic()
def nanpercentile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False, *,
                  weights=None):
    return _quantile(a, _div100(q, a), axis, method, keepdims, ignore_nan=True,
                     op="nanpercentile", weights=weights)


@generic()
def median(a, axis=None, overwrite_input=False, keepdims=False):
    a = _in_wide_float(a)
    return _quantile(a, 0.5, axis, "linear", keepdims, ignore_nan=False, op="median")


@generic()
def nanmedian(a, axis=None, overwrite_input=False, keepdims=False):
    a = _in_wide_float(a)
    return _quantile(a, 0.5, axis, "linear", keepdims, ignore_nan=True, op="nanmedian")


def _fill_nan(x, value):
    xnp = _xnp()
    if not (_is_float(x) or _is_complex(x)):
        return x
    return xnp.where(xnp.isnan(x), xnp.full_like(x, value), x)


@generic()
def nansum(a, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import nan_filled
        a = nan_filled(a, where, "nansum", 0)
    out = _xnp().sum(_fill_nan(a, 0), axis=axis, dtype=dtype, keepdims=keepdims)
    return out if initial is None else out + _xnp().astype(_c(initial, out), _name(out))


@generic()
def nanprod(a, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import nan_filled
        a = nan_filled(a, where, "nanprod", 1)
    out = _xnp().prod(_fill_nan(a, 1), axis=axis, dtype=dtype, keepdims=keepdims)
    return out if initial is None else out * _xnp().astype(_c(initial, out), _name(out))


def _nan_extreme(x, axis, keepdims, f, fill):
    xnp = _xnp()
    if not _is_float(x):
        return f(x, axis=axis, keepdims=keepdims)
    nan = xnp.isnan(x)
    out = f(xnp.where(nan, xnp.full_like(x, fill), x), axis=axis, keepdims=keepdims)
    alln = xnp.all(nan, axis=axis, keepdims=keepdims)
    return xnp.where(alln, xnp.full_like(out, math.nan), out)


@generic()
def nanmax(a, axis=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import extreme
        return extreme("nanmax", a, axis, keepdims, initial, where, nan=True)
    return _nan_initial(a, axis, keepdims, initial, _xnp().max, _xnp().fmax, -math.inf,
                        "nanmax")


@generic()
def nanmin(a, axis=None, keepdims=False, initial=None, where=True):
    if where is not True:
        from ._masked import extreme
        return extreme("nanmin", a, axis, keepdims, initial, where, nan=True)
    return _nan_initial(a, axis, keepdims, initial, _xnp().min, _xnp().fmin, math.inf,
                        "nanmin")


def _nan_initial(x, axis, keepdims, initial, f, combine, fill, op):
    """nanmax and nanmin with NumPy's ``initial``: one more element of every slice, so that
    an all-NaN or empty slice gives it."""
    if initial is None:
        return _nan_extreme(x, axis, keepdims, f, fill)
    xnp = _xnp()
    if not _is_array(x):
        x = xnp.asarray(x)
    if math.prod(x.shape[a] for a in _axes(axis, x.ndim, op)) == 0:
        with _on(x):
            return xnp.full(_reduced_shape(x, axis, keepdims, op), initial, dtype=_name(x))
    out = _nan_extreme(x, axis, keepdims, f, fill)
    return combine(out, xnp.astype(_c(initial, out), _name(out)))


def _nan_arg(x, axis, keepdims, extreme, arg):
    xnp = _xnp()
    if not _is_float(x):
        return arg(x, axis=axis, keepdims=keepdims)
    m = extreme(x, axis=axis, keepdims=True)
    hit = xnp.astype(x == m, "int8")  # the first non-nan element equal to the extreme
    idx = xnp.argmax(hit, axis=axis, keepdims=keepdims)
    # an all-NaN slice gives -1, as Keras (NumPy raises, which traced code cannot)
    none = xnp.all(xnp.isnan(x), axis=axis, keepdims=keepdims)
    return xnp.where(none, xnp.astype(xnp.full_like(idx, -1), _name(idx)), idx)


@generic()
def nanargmax(a, axis=None, *, keepdims=False):
    return _nan_arg(a, axis, keepdims, nanmax, _xnp().argmax)


@generic()
def nanargmin(a, axis=None, *, keepdims=False):
    return _nan_arg(a, axis, keepdims, nanmin, _xnp().argmin)


def _no_nan_to_drop(a, dtype) -> bool:
    """Whether NumPy's nanmean, nanvar or nanstd of ``a`` in ``dtype`` is its mean, var or
    std: ``a`` of integers or bools (no NaN to drop), given an integer ``dtype`` (which
    those compute in as NumPy does, see ``crossops.numpy._forms.integer_stat``)."""
    from ._forms import integral
    return dtype is not None and integral(dtype) and not (
        _is_float(a) or _is_complex(a)) and _is_array(a)


def _nan_stat_input(x, dtype):
    """``x`` in the dtype NumPy's nanmean, nanvar and nanstd compute in: ``dtype`` where
    given (a floating or complex one: crossops does not take NumPy's integer ones), else
    x's floating dtype, integers and bools in float64 (JAX: its default float)."""
    xnp = _xnp()
    if not _is_array(x):
        x = xnp.asarray(x)
    if dtype is not None:
        name = dtype_name(dtype)
        if kind(name) not in "fc":
            raise TypeError(f"dtype must be a floating or complex dtype, got {name}")
        return xnp.astype(x, name)
    if _is_float(x) or _is_complex(x):
        return x
    return xnp.astype(x, _wide_float(_backend(x)))


@generic()
def nanmean(a, axis=None, dtype=None, keepdims=False, *, where=True):
    xnp = _xnp()
    if _no_nan_to_drop(a, dtype):
        return xnp.mean(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    if where is not True:
        from ._masked import counts, nan_valid
        a, valid = nan_valid(a, where, "nanmean")
        x = _nan_stat_input(a, dtype)
        total = xnp.sum(xnp.where(valid, x, xnp.zeros_like(x)), axis=axis, keepdims=keepdims)
        return total / counts(valid, x, axis, keepdims)
    x = _nan_stat_input(a, dtype)
    valid = xnp.astype(xnp.logical_not(xnp.isnan(x)), _name(x))
    return xnp.sum(_fill_nan(x, 0), axis=axis, keepdims=keepdims) / \
        xnp.sum(valid, axis=axis, keepdims=keepdims)


def _ddof(ddof, correction, op):
    """NumPy's ``correction``, the array API's name for ``ddof``: one of the two."""
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{op}: ddof and correction are two names for one value (correction "
                         f"is the array API's): give one of them, not both")
    return correction


@generic()
def nanvar(a, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=None):
    xnp = _xnp()
    ddof = _ddof(ddof, correction, "nanvar")
    if _no_nan_to_drop(a, dtype):
        return xnp.var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where,
                       mean=mean)
    if where is not True or mean is not None:
        from ._masked import moments, nan_valid
        a, valid = nan_valid(a, where, "nanvar")
        return moments(_nan_stat_input(a, dtype), valid, axis, ddof, keepdims, mean, True)
    x = _nan_stat_input(a, dtype)
    valid = xnp.astype(xnp.logical_not(xnp.isnan(x)), _name(x))
    n = xnp.sum(valid, axis=axis, keepdims=True)
    # (an all-NaN slice divides by one: its result is made NaN below)
    mean = xnp.sum(_fill_nan(x, 0), axis=axis, keepdims=True) / xnp.where(
        n == _c(0, n), xnp.ones_like(n), n)
    d = _fill_nan(x - mean, 0)
    d = xnp.real(d * xnp.conj(d)) if _is_complex(x) else d * d
    # n is a count in x's dtype: its real part for complex x (casting the complex value
    # itself to the real dtype of d warns that the imaginary part is dropped)
    n = xnp.astype(xnp.real(n) if _is_complex(x) else n, _name(d))
    dof = n - _c(float(ddof), n) if ddof else n
    # n - ddof <= 0 (an all-NaN slice too) gives NaN, as NumPy (which also warns); a divisor
    # of one there keeps the division itself clean
    bad = dof <= _c(0.0, dof)
    out = xnp.sum(d, axis=axis, keepdims=True) / xnp.where(bad, xnp.ones_like(dof), dof)
    out = xnp.where(bad, xnp.full_like(out, math.nan), out)
    if not keepdims:
        out = xnp.squeeze(out, axis=_axes(axis, x.ndim, "nanvar")) if x.ndim else out
    return out


@generic()
def nanstd(a, axis=None, dtype=None, ddof=0, keepdims=False, *, where=True, mean=None,
           correction=None):
    xnp = _xnp()
    ddof = _ddof(ddof, correction, "nanstd")
    if _no_nan_to_drop(a, dtype):
        return xnp.std(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where,
                       mean=mean)
    v = nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where, mean=mean)
    # the gradient at a zero variance is 0, a subgradient, not sqrt's inf * 0 = nan
    zero = v == 0
    return xnp.where(zero, xnp.zeros_like(v), xnp.sqrt(xnp.where(zero, xnp.ones_like(v), v)))


def _cum(x, axis, dtype, f):
    if axis is None:  # NumPy flattens
        x = _xnp().reshape(x, (-1,))
        axis = 0
    elif isinstance(axis, tuple | list):  # NumPy's cumsum takes an int only (its
        # cumulative_sum, which f is, also a tuple of one)
        raise TypeError(f"{f.__name__.replace('ulative_', '')}: axis must be an int, got "
                        f"{axis!r}")
    return f(x, axis=axis, dtype=dtype)


@generic()
def cumsum(a, axis=None, dtype=None):
    return _cum(a, axis, dtype, _xnp().cumulative_sum)


@generic()
def cumprod(a, axis=None, dtype=None):
    return _cum(a, axis, dtype, _xnp().cumulative_prod)


@generic()
def nancumsum(a, axis=None, dtype=None):
    return _cum(_fill_nan(a, 0), axis, dtype, _xnp().cumulative_sum)


@generic()
def nancumprod(a, axis=None, dtype=None):
    return _cum(_fill_nan(a, 1), axis, dtype, _xnp().cumulative_prod)


# -- shape and structure --------------------------------------------------------------------

@generic()
def append(arr, values, axis=None):
    xnp = _xnp()
    if axis is None:
        return _concat([xnp.reshape(arr, (-1,)), xnp.reshape(values, (-1,))], 0)
    return _concat([arr, values], axis)


def _concat(xs, axis):
    """concat with crossops's promotion across the arrays."""
    xnp = _xnp()
    xs = [x if _is_array(x) else xnp.asarray(x) for x in xs]
    names = {_name(x) for x in xs}
    if len(names) > 1:
        dt = xnp.result_type(*names)
        xs = [xnp.astype(x, dt) for x in xs]
    return xnp.concat(xs, axis=axis)


_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _cast_to(xs, dtype, casting):
    """The arrays ``xs`` in ``dtype`` (None: their promoted dtype), each conversion allowed
    by NumPy's ``casting`` rule (TypeError otherwise), as NumPy's concatenate and stacks."""
    import numpy as np

    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {', '.join(map(repr, _CASTINGS))}, got "
                         f"{casting!r}")
    xnp = _xnp()
    xs = [x if _is_array(x) else xnp.asarray(x) for x in xs]
    if not xs:
        return xs
    names = [_name(x) for x in xs]
    target = dtype_name(dtype) if dtype is not None else result_name(*names)
    if casting != "unsafe":
        import ml_dtypes  # noqa: F401  (NumPy's dtype of the name bfloat16)
        for n in names:
            src = np.dtype(ml_dtypes.bfloat16 if n == "bfloat16" else n)
            dst = np.dtype(ml_dtypes.bfloat16 if target == "bfloat16" else target)
            if not np.can_cast(src, dst, casting):
                raise TypeError(f"cannot cast {n} to {target} under casting={casting!r}; "
                                f"casting='unsafe' allows it")
    return [x if n == target else xnp.astype(x, target) for x, n in zip(xs, names)]


@generic()
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    xnp = _xnp()
    xs = list(arrays)
    if dtype is not None or casting != "same_kind":
        xs = _cast_to(xs, dtype, casting)
    if axis is None:
        return _concat([xnp.reshape(x, (-1,)) for x in xs], 0)
    if xs and _is_array(xs[0]) and all(type(x) is type(xs[0]) for x in xs):
        return xnp.concat(xs, axis=axis)  # arrays of one type: concat promotes them itself
    return _concat(xs, axis)


@generic()
def array(x, dtype=None, *, like=None):
    if like is None:
        return _xnp().asarray(x, dtype=dtype)
    return _xnp().asarray(x, dtype=dtype, like=like)


@generic()
def copy(x):
    return _xnp().astype(x, _name(x), copy=True)


def _order(order, op) -> str:
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' (row-major) or 'F' (column-major), got {order!r} "
                         f"(crossops arrays have no memory layout for 'A' or 'K' to follow)")
    return order


@generic()
def ravel(a, order="C"):
    xnp = _xnp()
    if _order(order, "ravel") == "F":
        a = xnp.permute_dims(a, tuple(reversed(range(a.ndim))))
    return xnp.reshape(a, (-1,))


@generic()
def size(a, axis=None):
    shape = _shape_of(a)
    if None in shape:  # TensorFlow traced with an unknown size: a scalar tensor, as Keras
        shape = sizes(a)
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return math.prod(shape[normalize_axis(i, len(shape), "size")] for i in axes)


def _shape_of(a) -> tuple:
    """The shape of an array, or of host data (a list, a scalar) as NumPy reads it."""
    if _is_array(a):
        return tuple(a.shape)
    import numpy as np
    return np.shape(a)


def sizes(x) -> tuple:
    """The shape of array ``x`` with each size unknown while TensorFlow traces it (None)
    as a scalar tensor, as ``keras.ops.shape`` (and ``core.shape``) gives it.

    Parameters
    ----------
    x : array
        An array of any backend.

    Returns
    -------
    tuple
        ``x``'s static shape where known; an unknown size as ``tf.shape``'s, read by the
        backend's ``shapes`` chapter (the TensorFlow helper set's ``shape_list``).
    """
    dims = tuple(x.shape)
    if None in dims:
        from .._backend import backend_chapter
        b = backend_of_type(type(x))
        fill = None if b is None else getattr(backend_chapter(b, "shapes"), "unknown_sizes",
                                              None)
        if fill is not None:
            dims = fill(x, dims)
    return dims


@generic()
def ndim(a):
    return len(_shape_of(a))


@generic()
def get_item(x, key):
    key = key if isinstance(key, tuple) else (key,)
    if not all(k is None or k is Ellipsis or isinstance(k, int | slice) for k in key) or \
            not any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in key):
        return x[key]
    # negative steps (torch has none): flip those axes, then slice with a positive step
    if Ellipsis in key:
        i = key.index(Ellipsis)
        rest = sum(k is not None for k in key) - 1
        key = key[:i] + (slice(None),) * (x.ndim - rest) + key[i + 1:]
    axis, flips, new = 0, [], []
    for k in key:
        if k is None:
            new.append(k)
            continue
        if isinstance(k, slice) and k.step is not None and k.step < 0:
            n = x.shape[axis]
            idx = range(*k.indices(n))
            flips.append(axis)
            k = slice(n - 1 - idx[0], n - idx[-1], -k.step) if len(idx) else slice(0, 0)
        new.append(k)
        axis += 1
    return _xnp().flip(x, axis=tuple(flips))[tuple(new)]


@generic()
def swapaxes(a, axis1, axis2):
    perm = list(range(a.ndim))
    i = normalize_axis(axis1, a.ndim, "swapaxes", "axis1")
    j = normalize_axis(axis2, a.ndim, "swapaxes", "axis2")
    perm[i], perm[j] = perm[j], perm[i]
    return _xnp().permute_dims(a, tuple(perm))


@generic()
def transpose(a, axes=None):
    if axes is None:
        return _xnp().permute_dims(a, tuple(reversed(range(a.ndim))))
    perm = normalize_axes(axes, a.ndim, "transpose", "axes")
    if len(perm) != a.ndim:
        raise ValueError(f"transpose: axes={axes!r} must name each of the {a.ndim} axes "
                         f"of a once")
    return _xnp().permute_dims(a, perm)


@generic()
def fliplr(m):
    return _xnp().flip(m, axis=1)


@generic()
def flipud(m):
    return _xnp().flip(m, axis=0)


@generic()
def rot90(m, k=1, axes=(0, 1)):
    array = m
    xnp = _xnp()
    if array.ndim < 2:
        raise ValueError(f"rot90 takes an array of at least 2 dimensions, got shape "
                         f"{tuple(array.shape)}")
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must be two axes, got {axes!r}")
    a0, a1 = normalize_axis(axes[0], array.ndim, "rot90"), normalize_axis(axes[1], array.ndim,
                                                                          "rot90")
    if a0 == a1:
        raise ValueError(f"rot90: axes must be two different axes, got {axes!r}")
    k %= 4
    if k == 0:
        return copy(array)
    if k == 2:
        return xnp.flip(xnp.flip(array, axis=a0), axis=a1)
    perm = list(range(array.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return xnp.permute_dims(xnp.flip(array, axis=a1), tuple(perm))
    return xnp.flip(xnp.permute_dims(array, tuple(perm)), axis=a1)


def _split(x, indices_or_sections, axis, equal):
    axis = normalize_axis(axis, x.ndim, "split" if equal else "array_split")
    out = []
    for a, b in split_points(x.shape[axis], indices_or_sections, equal):
        key = (slice(None),) * axis + (slice(a, b),)
        out.append(x[key])
    return out


@generic()
def split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, True)


@generic()
def array_split(ary, indices_or_sections, axis=0):
    return _split(ary, indices_or_sections, axis, False)


@generic()
def hsplit(ary, indices_or_sections):
    return _split(ary, indices_or_sections, 1 if ary.ndim > 1 else 0, True)


@generic()
def vsplit(ary, indices_or_sections):
    if ary.ndim < 2:
        raise ValueError("ary needs 2 or more dimensions")
    return _split(ary, indices_or_sections, 0, True)


@generic()
def dsplit(ary, indices_or_sections):
    if ary.ndim < 3:
        raise ValueError("ary needs 3 or more dimensions")
    return _split(ary, indices_or_sections, 2, True)


def _atleast(x, n):
    xnp = _xnp()
    if not _is_array(x):
        x = xnp.asarray(x)
    if x.ndim >= n:
        return x
    if n == 1:
        return xnp.reshape(x, (1,))
    if n == 2:
        return xnp.reshape(x, (1,) * (2 - x.ndim) + tuple(x.shape))
    shape = {0: (1, 1, 1), 1: (1, x.shape[0] if x.ndim else 1, 1)}.get(x.ndim)
    return xnp.reshape(x, shape or tuple(x.shape) + (1,))


@generic()
def hstack(tup, *, dtype=None, casting="same_kind"):
    xs = [_atleast(x, 1) for x in tup]
    if dtype is not None or casting != "same_kind":
        xs = _cast_to(xs, dtype, casting)
    return _concat(xs, 0 if xs[0].ndim == 1 else 1)


@generic()
def vstack(tup, *, dtype=None, casting="same_kind"):
    xs = [_atleast(x, 2) for x in tup]
    if dtype is not None or casting != "same_kind":
        xs = _cast_to(xs, dtype, casting)
    return _concat(xs, 0)


@generic()
def dstack(tup):
    return _concat([_atleast(x, 3) for x in tup], 2)


@generic()
def column_stack(tup):
    xnp = _xnp()
    cols = []
    for x in tup:
        x = _atleast(x, 1)
        cols.append(xnp.reshape(x, (-1, 1)) if x.ndim == 1 else x)
    return _concat(cols, 1)


@generic()
def tri(N, M=None, k=0, dtype=float, *, like=None):
    xnp = _xnp()
    b = like_placement(like, None)[0] if like is not None else get_backend()
    M = N if M is None else M
    # (identity: a TensorFlow DType compares equal to the Python type it would convert)
    if dtype is None or dtype is float:  # the backend's default float (NumPy's float64)
        name = _defaults(b)[1]
    else:
        name = dtype_name(dtype)
        if name == "float64":  # jax without x64: its default float
            name = _wide_float(b)
    with _use(b):
        mask = xnp.reshape(xnp.arange(N), (N, 1)) + k >= xnp.reshape(xnp.arange(M), (1, M))
        return xnp.astype(mask, name)


@generic()
def diag(v, k=0):
    with _on(v):
        return _diag(v, k)


def _diag(x, k):
    xnp = _xnp()
    if x.ndim == 2:
        return xnp.linalg.diagonal(x, offset=k)
    if x.ndim != 1:
        raise ValueError(f"diag: x must be 1-d or 2-d, got shape {tuple(x.shape)}")
    n = x.shape[0] + abs(k)
    rows = xnp.reshape(xnp.arange(n), (n, 1))
    cols = xnp.reshape(xnp.arange(n), (1, n))
    mask = (cols - rows) == k
    idx = rows + 0 * cols if k >= 0 else cols + 0 * rows
    if x.shape[0] == 0:
        return xnp.zeros((n, n), dtype=_name(x)) if n == 0 else \
            xnp.astype(xnp.zeros_like(mask), _name(x))
    idx = xnp.clip(idx, 0, x.shape[0] - 1)
    vals = xnp.reshape(xnp.take(x, xnp.reshape(idx, (-1,)), axis=0), (n, n))
    return xnp.where(mask, vals, xnp.zeros_like(vals))


@generic()
def diagflat(v, k=0):
    return diag(_xnp().reshape(v, (-1,)), k)


def _pad_index(n, before, after, mode):
    import numpy as np
    i = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "reflect":
        if n == 1:
            return np.zeros_like(i)
        p = 2 * (n - 1)
        j = i % p
        return np.where(j >= n, p - j, j)
    if mode == "symmetric":
        p = 2 * n
        j = i % p
        return np.where(j >= n, p - 1 - j, j)
    raise ValueError(mode)


@generic()
def pad(array, pad_width, mode="constant", constant_values=None):
    x = array
    widths = pad_widths(pad_width, x.ndim)
    if mode == "constant":
        return _pad_constant(x, widths, constant_values)
    return _pad_gather(x, widths, mode, constant_values)


def _pad_constant(x, widths, constant_values):
    from .._dispatch import call_on  # the fill made on x's backend, traceable by torch.compile
    xnp = _xnp()
    value = 0 if constant_values is None else constant_values
    backend, dtype = _backend(x), _name(x)
    out = x
    for ax, (b, a) in enumerate(widths):
        if not (a or b):
            continue
        shape = list(sizes(out))  # (a size unknown when traced: tf.shape's)
        parts = []
        if b:
            shape[ax] = b
            parts.append(call_on(backend, "full", tuple(shape), value, dtype=dtype))
        parts.append(out)
        if a:
            shape[ax] = a
            parts.append(call_on(backend, "full", tuple(shape), value, dtype=dtype))
        out = xnp.concat(parts, axis=ax)
    return out


def _pad_gather(x, widths, mode, constant_values):
    xnp = _xnp()
    if constant_values is not None:
        raise ValueError(f"pad: constant_values is only for mode 'constant', not {mode!r}")
    if mode not in ("edge", "wrap", "reflect", "symmetric"):
        raise ValueError(f"pad: mode must be one of constant, edge, reflect, symmetric, "
                         f"wrap; got {mode!r}")
    out = x
    for ax, (b, a) in enumerate(widths):
        if not (a or b):
            continue
        idx = _pad_index(x.shape[ax], b, a, mode)
        with _on(x):
            out = xnp.take(out, xnp.asarray(idx.tolist(), dtype="int64"), axis=ax)
    return out


class _on:
    """The backend of ``like`` as the default backend inside the block (creation calls)."""

    def __init__(self, like):
        import crossops
        self._cm = crossops.use_backend(_backend(like))

    def __enter__(self):
        return self._cm.__enter__()

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


# -- windows, spaced sequences, identity, vander, select, indices, vectorize ------------------

def _use(b):
    import crossops
    return crossops.use_backend(b)


def _defaults(b) -> tuple:
    from .._backend import backend_module
    return backend_module(b).default_dtypes()


def _chapter(b):
    """Backend ``b``'s numpy chapter (``backends/<b>/numpy.py``), where the generic
    functions find a framework's own pieces by name."""
    from .._backend import backend_chapter
    return backend_chapter(b, "numpy")


def _wide(b) -> tuple[str, str, str]:
    """NumPy's (int64, float64, complex128) as backend ``b`` gives them: the ``wide_dtypes``
    of its numpy chapter where it has one (jax: int32, float32, complex64 unless jax's x64
    is on, where asking for the 64-bit ones only warns and truncates)."""
    wide = getattr(_chapter(b), "wide_dtypes", None)
    return ("int64", "float64", "complex128") if wide is None else wide()


def _wide_float(b) -> str:
    return _wide(b)[1]


def _wide_int(b) -> str:
    return _wide(b)[0]


def _float_loop(name: str, b: str) -> str:
    """The dtype of a NumPy float ufunc (loops e, f, d) on an input dtype: bool and 8-bit
    integers give float16, 16-bit ones float32, wider ones float64 (as backend ``b`` gives
    it); floats keep theirs."""
    if not name.startswith(("bool", "int", "uint")):
        return name
    if name in ("bool", "int8", "uint8"):
        return "float16"
    if name in ("int16", "uint16"):
        return "float32"
    return _wide_float(b)


def _in_float_loop(*xs) -> tuple:
    """Arrays of one dtype in the dtype NumPy's float ufuncs compute them in (integers and
    bool: :func:`_float_loop`); floats unchanged."""
    name = _name(xs[0])
    target = _float_loop(name, _backend(xs[0]))
    if target == name:
        return xs
    return tuple(_xnp().astype(x, target) for x in xs)


def _in_wide_float(x):
    """``x`` as an array, integers and bool in NumPy's float64 as the backend gives it
    (:func:`_wide_float`): the float of NumPy's functions that are no ufuncs (``median``,
    ``sinc``) for them; floats unchanged."""
    xnp = _xnp()
    x = x if _is_array(x) else xnp.asarray(x)
    if _is_float(x) or _is_complex(x):
        return x
    return xnp.astype(x, _wide_float(_backend(x)))


def _known(flag) -> bool | None:
    """A 0-d bool array's value, or None where it is not known yet (the backend's
    ``value_known`` says: a jax tracer, a tensor inside tf.function, a torch tensor under
    torch.compile): value checks run eagerly only."""
    from .._backend import backend_module
    known = getattr(backend_module(_backend(flag)), "value_known", None)
    if known is not None and not known(flag):
        return None
    return bool(flag)


def _int(op, what, v) -> int:
    if _is_array(v):
        if len(v.shape) != 0 or not _is_int(v):
            raise TypeError(f"{op}: {what} must be an int or a 0-d integer array, got an "
                            f"array of shape {tuple(v.shape)} and dtype {_name(v)}")
        try:
            return int(v)
        except (TypeError, ValueError, RuntimeError):  # a traced value (jax, tf.function)
            raise TypeError(f"{op}: {what} must be known when the op runs (the result's shape "
                            f"depends on it); pass a Python int, not a traced array") from None
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{op}: {what} must be an int, got {type(v).__name__}") from None


def _window(op, x, terms, *arrays):
    """A symmetric window of length ``x`` from ``terms(n, M)``, n = 1-M, 3-M, ..., M-1, on
    the backend of ``x`` and ``arrays`` (the window's other arguments)."""
    xnp = _xnp()
    m = _int(op, "M (the window length)", x)
    b = _backend(x, *arrays)
    dt = _wide_float(b)
    with _use(b):
        if m < 1:
            return xnp.zeros((0,), dtype=dt)
        if m == 1:
            return xnp.ones((1,), dtype=dt)
        return terms(xnp.arange(1 - m, m, 2, dtype=dt), m)


@generic()
def bartlett(M):
    xnp = _xnp()
    return _window("bartlett", M, lambda n, m: xnp.where(n <= 0, 1 + n / (m - 1),
                                                         1 - n / (m - 1)))


def _cosines(op, x, coefficients):
    xnp = _xnp()

    def terms(n, m):
        out = coefficients[0] + xnp.zeros_like(n)
        for k, c in enumerate(coefficients[1:], 1):
            out = out + c * xnp.cos(n * (k * math.pi / (m - 1)))
        return out
    return _window(op, x, terms)


@generic()
def blackman(M):
    return _cosines("blackman", M, (0.42, 0.5, 0.08))


@generic()
def hamming(M):
    return _cosines("hamming", M, (0.54, 0.46))


@generic()
def hanning(M):
    return _cosines("hanning", M, (0.5, 0.5))


@generic()
def kaiser(M, beta):
    xnp = _xnp()

    def terms(n, m):
        dt = n.dtype
        b = xnp.astype(beta, dt) if _is_array(beta) else xnp.asarray(float(beta), dtype=dt)
        r = n / (m - 1)
        return xnp.i0(b * xnp.sqrt(1 - r * r)) / xnp.i0(b)
    return _window("kaiser", M, terms, beta)


@generic()
def identity(n, dtype=None, *, like=None):
    if like is not None and backend_of_type(type(like)) is None:
        raise TypeError(f"identity: like must be an array of one of the backends, got "
                        f"{type(like).__name__}")
    return _xnp().eye(_int("identity", "n", n), dtype=dtype, like=like)


def _float_result(b, arrays, floor: str | None) -> str:
    """The dtype of a spaced sequence: the arrays' promoted dtype if it is floating, joined
    with ``floor`` (a dtype every result reaches) where given, else the default float."""
    default = _defaults(b)[1]
    names = [_name(a) for a in arrays]
    if any(kind(n) == "c" for n in names):
        raise TypeError("complex start or stop: only real sequences are supported")
    r = result_name(*names) if names else None
    if r is None or kind(r) != "f":
        return default
    return result_name(r, floor) if floor else r


def _spaced(op, s, e, num, endpoint):
    """NumPy's linspace of arrays ``s`` and ``e`` (one shape, one float dtype) along a new
    first axis (``linspace``'s, as NumPy's logspace and geomspace call it), ``num``
    checked in ``op``'s name."""
    from ._forms import linspace as spaced
    num = _int(op, "num", num)
    if num < 0:
        raise ValueError(f"{op}: num must be >= 0, got {num}")
    return spaced(s, e, num, endpoint, False, None, 0, None)


@generic()
def linspace(start, stop, /, num, *, dtype=None, device=None, endpoint=True):
    # array bounds (the backends' linspace takes Python numbers): NumPy's samples
    from ._forms import linspace as spaced
    return spaced(start, stop, num, endpoint, False, dtype, 0, device)


def _endpoints(start, stop, b, dt: str | None = None):
    """start and stop as arrays of ``dt`` (the widest float if None), broadcast together."""
    xnp = _xnp()
    wide = _wide_float(b) if dt is None else dt
    s, e = (xnp.astype(v, wide) if _is_array(v) else xnp.asarray(v, dtype=wide)
            for v in (start, stop))
    return xnp.broadcast_arrays(s, e)


def _working_float(b, arrays) -> str:
    """The dtype NumPy computes a sequence spaced between ``arrays`` in: their promoted
    dtype where it is floating, else (numbers, integers) NumPy's float64, or the widest
    float backend ``b`` has."""
    names = [_name(a) for a in arrays if _is_array(a)]
    r = result_name(*names) if names else None
    return r if r is not None and kind(r) == "f" else _wide_float(b)


def _spaced_dtype(op, b, arrays, dtype, floor):
    if dtype is not None:
        return dtype
    try:
        return _float_result(b, [a for a in arrays if _is_array(a)], floor)
    except TypeError as e:
        raise TypeError(f"{op}: {e}") from None


@generic()
def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    xnp = _xnp()
    b = _backend(start, stop)
    with _use(b):
        out_dt = _spaced_dtype("logspace", b, (start, stop, base), dtype, None)
        # NumPy's order: the exponents in the bounds' float dtype (NumPy's float64 for
        # numbers and integers), the powers in that joined with an array base's
        work = _working_float(b, (start, stop))
        if (all(type(v) in (int, float) for v in (start, stop, base)) and type(num) is int
                and num >= 0 and axis in (0, -1)):
            # numbers alone, the common call: NumPy's own logspace in that float, on the
            # host, as one array (~40 of the backend's ops otherwise: 77 us on numpy, 120
            # to 660 us on the others, for a 1.5-9 us call)
            import numpy as np

            from .._dispatch import call_on
            w = np.dtype(work)  # (made on the backend: xnp.asarray keeps host data NumPy's)
            return call_on(b, "asarray", np.logspace(w.type(start), w.type(stop), num,
                                                     endpoint, w.type(base)), dtype=out_dt)
        s, e = _endpoints(start, stop, b, work)
        power = _working_float(b, (s, base)) if _is_array(base) else work
        base = xnp.astype(base, power) if _is_array(base) else \
            xnp.asarray(base, dtype=power)
        s, e, base = xnp.broadcast_arrays(s, e, base)
        y = xnp.astype(_spaced("logspace", s, e, num, endpoint), power)
        out = xnp.pow(xnp.expand_dims(base, axis=0), y)
        return xnp.astype(xnp.moveaxis(out, 0, axis), out_dt)


@generic()
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    xnp = _xnp()
    b = _backend(start, stop)
    with _use(b):
        out_dt = _spaced_dtype("geomspace", b, (start, stop), dtype, _defaults(b)[1])
        s, e = _endpoints(start, stop, b)
        if _known(xnp.any(xnp.logical_or(s == 0, e == 0))):
            raise ValueError("geomspace: a geometric sequence cannot include zero; start and "
                             "stop must be nonzero")
        sign = xnp.sign(s)
        s, e = s / sign, e / sign
        out = 10.0 ** _spaced("geomspace", xnp.log10(s), xnp.log10(e), num, endpoint)
        n = out.shape[0]
        if n > 0:  # the endpoints exactly, as NumPy
            parts = [xnp.expand_dims(s, axis=0), out[1:n - 1 if endpoint and n > 1 else n]]
            if endpoint and n > 1:
                parts.append(xnp.expand_dims(e, axis=0))
            out = xnp.concat(parts, axis=0)
        return xnp.astype(xnp.moveaxis(sign * out, 0, axis), out_dt)


@generic()
def vander(x, N=None, increasing=False):
    xnp = _xnp()
    if not _is_array(x):
        x = xnp.asarray(x)
    if len(x.shape) != 1:
        raise ValueError(f"vander: x must be 1-d, got shape {tuple(x.shape)}")
    rows = x.shape[0]
    n = rows if N is None else _int("vander", "N", N)
    if n < 0:
        raise ValueError(f"vander: N must be >= 0, got {n}")
    dt = result_name(_name(x), _defaults(_backend(x))[0])  # NumPy: x's dtype with int
    x = xnp.astype(x, dt)
    with _on(x):
        ones = xnp.ones((rows, min(n, 1)), dtype=dt)
        if n <= 1:
            return ones
        powers = xnp.cumulative_prod(xnp.broadcast_to(xnp.reshape(x, (rows, 1)), (rows, n - 1)),
                                     axis=1)
        out = xnp.concat([ones, powers], axis=1)
        return out if increasing else xnp.flip(out, axis=1)


def _rows(seq, op: str, arg: str):
    """An array of one or more dimensions as the list of its rows along the first axis (the
    sequence NumPy iterates); anything else as it is. The first axis must have a static
    length (a ``tf.function`` input of unknown leading size has none)."""
    if _is_array(seq) and len(seq.shape):
        n = seq.shape[0]
        if n is None:
            raise ValueError(f"{op}: {arg} is an array of unknown (symbolic) leading size; "
                             f"give its length statically (a tf.function input_signature "
                             f"with a known first dimension) or pass a list of arrays")
        return [seq[i] for i in range(n)]
    return seq


@generic()
def select(condlist, choicelist, default=0):
    xnp = _xnp()
    condlist = _rows(condlist, "select", "condlist")
    choicelist = _rows(choicelist, "select", "choicelist")
    if not isinstance(condlist, list | tuple) or not isinstance(choicelist, list | tuple):
        raise TypeError(f"select: condlist and choicelist must be lists (or tuples) of arrays, "
                        f"or arrays of one or more dimensions, got {type(condlist).__name__} "
                        f"and {type(choicelist).__name__}")
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist and choicelist must have one length, got "
                         f"{len(condlist)} and {len(choicelist)}")
    if not condlist:
        raise ValueError("select: condlist is empty; give at least one condition")
    with _use(_backend(*condlist, *choicelist, default)):
        conds = [c if _is_array(c) else xnp.asarray(c) for c in condlist]
        for i, c in enumerate(conds):
            if _name(c) != "bool":
                raise TypeError(f"select: condlist[{i}] must be a bool array, got dtype "
                                f"{_name(c)}")
        values = list(choicelist) + [default]
        arrays = [v for v in values if _is_array(v)]
        if not arrays:
            values = [xnp.asarray(v) for v in values]
            arrays = values
        like = xnp.astype(arrays[0], result_name(*(_name(a) for a in arrays)))
        values = [xnp.astype(v, _name(like)) if _is_array(v) else _weak(v, like) for v in values]
        out = values[-1]
        for c, v in zip(reversed(conds), reversed(values[:-1])):
            out = xnp.where(c, v, out)
        return out


def _dims(shape) -> tuple:
    """A shape argument's entries: one int (or 0-d array), or any sequence of them (tuple,
    list, ``torch.Size``, ``tf.TensorShape``)."""
    if isinstance(shape, int) or _is_array(shape) and len(shape.shape) == 0:
        return (shape,)
    try:
        return tuple(shape)
    except TypeError:
        raise TypeError(f"unravel_index: shape must be an int or a sequence of ints, got "
                        f"{shape!r}") from None


@generic()
def unravel_index(indices, shape, order="C"):
    xnp = _xnp()
    dims = tuple(_int("unravel_index", "shape", d) for d in _dims(shape))
    if any(d < 0 for d in dims):
        raise ValueError(f"unravel_index: shape must not hold negative sizes, got {dims}")
    b = _backend(indices)
    with _use(b):
        idx = indices if _is_array(indices) else xnp.asarray(indices)
        if not _is_int(idx):
            raise TypeError(f"unravel_index: indices must be integers, got dtype {_name(idx)}")
        idx = xnp.astype(idx, _defaults(b)[0])
        size = math.prod(dims)
        if _known(xnp.any(xnp.logical_or(idx < 0, idx >= size))):
            raise ValueError(f"unravel_index: indices must lie in [0, {size}) for shape {dims}")
        out = []
        fortran = _order(order, "unravel_index") == "F"  # the first axis fastest
        for d in (dims if fortran else reversed(dims)):
            d = max(d, 1)
            out.append(xnp.remainder(idx, d))
            idx = xnp.floor_divide(idx, d)
        return tuple(out if fortran else reversed(out))


@generic()
def digitize(x, bins, right=False):
    xnp = _xnp()
    x, bins = _promote(x, bins)
    if len(bins.shape) != 1:
        raise ValueError(f"digitize: bins must be 1-d, got shape {tuple(bins.shape)}")
    if _is_complex(x) or _name(x) == "bool":
        raise TypeError(f"digitize: x and bins must be real numbers, got dtype {_name(x)}")
    n = bins.shape[0]
    with _on(x):
        # right=False: bin i holds bins[i-1] <= x < bins[i] (increasing bins); right=True:
        # bins[i-1] < x <= bins[i]; decreasing bins are searched reversed, the same side
        side = "left" if right else "right"
        inc = xnp.searchsorted(bins, x, side=side)
        if n <= 1:
            return inc
        up = xnp.all(xnp.greater_equal(bins[1:], bins[:-1]))
        down = xnp.all(xnp.less_equal(bins[1:], bins[:-1]))
        if _known(xnp.logical_not(xnp.logical_or(up, down))):
            raise ValueError("digitize: bins must be monotonically increasing or decreasing")
        dec = n - xnp.searchsorted(xnp.flip(bins), x, side=side)
        return xnp.where(xnp.logical_and(down, xnp.logical_not(up)), dec, inc)


def _parse_gufunc(op, signature):
    """``"(m,n),(n)->(m)"`` -> ([("m", "n"), ("n",)], [("m",)]); None for no signature."""
    import re
    if signature is None:
        return None
    arg = r"\((?:\w+(?:,\s*\w+)*)?\)"
    if not isinstance(signature, str) or not re.fullmatch(
            rf"\s*{arg}(?:\s*,\s*{arg})*\s*->\s*{arg}(?:\s*,\s*{arg})*\s*", signature):
        raise ValueError(f"{op}: signature must read like '(m,n),(n)->(m)', got {signature!r}")
    ins, outs = signature.split("->")
    parse = [tuple(re.findall(r"\w+", g)) for g in re.findall(r"\(([^)]*)\)", ins)]
    return parse, [tuple(re.findall(r"\w+", g)) for g in re.findall(r"\(([^)]*)\)", outs)]


class _Vectorized:
    """The function :func:`vectorize` returns: each call runs on its arguments' backend."""

    def __init__(self, pyfunc, excluded, signature):
        import functools
        self.pyfunc = pyfunc
        self.excluded = frozenset(excluded or ())
        self.signature = signature
        self._core = _parse_gufunc("vectorize", signature)
        functools.update_wrapper(self, pyfunc)

    def __call__(self, *args, **kwargs):
        pos = [i for i in range(len(args)) if i not in self.excluded]
        names = [k for k in kwargs if k not in self.excluded]
        values = [args[i] for i in pos] + [kwargs[k] for k in names]
        b = backend_of_values(values, "vectorize")  # raises for arrays of two backends
        native = getattr(_chapter(b), "native_vectorize", None)  # (jax's vectorize)
        if native is not None:
            return native(self.pyfunc, self.excluded, self.signature)(*args, **kwargs)
        with _use(b):
            return self._loop(b, args, kwargs, pos, names)

    def _loop(self, b, args, kwargs, pos, names):
        xnp = _xnp()
        arrays = [_host_to(b, v) for v in [args[i] for i in pos] + [kwargs[k] for k in names]]
        core_in, core_out = self._core or ([()] * len(arrays), None)
        if len(core_in) != len(arrays):
            raise ValueError(f"vectorize: the signature {self.signature!r} has {len(core_in)} "
                             f"inputs, the call gives {len(arrays)} vectorized arguments")
        sizes: dict = {}
        batch = []
        for i, (a, dims) in enumerate(zip(arrays, core_in)):
            shape = tuple(a.shape)
            if len(shape) < len(dims):
                raise ValueError(f"vectorize: argument {i} has shape {shape}, fewer axes than "
                                 f"its core dimensions {dims} in {self.signature!r}")
            for d, n in zip(dims, shape[len(shape) - len(dims):]):
                if sizes.setdefault(d, n) != n:
                    raise ValueError(f"vectorize: core dimension {d!r} is {sizes[d]} in one "
                                     f"argument and {n} in another")
            batch.append(shape[:len(shape) - len(dims)])
        bshape = tuple(xnp.broadcast_shapes(*batch)) if batch else ()
        count = math.prod(bshape)
        if count == 0:
            raise ValueError("vectorize: no elements to call the function on (a size-0 "
                             "batch), so the result's dtype and core shape are unknown")
        cores = [tuple(a.shape[len(a.shape) - len(d):]) for a, d in zip(arrays, core_in)]
        flat = [xnp.reshape(xnp.broadcast_to(a, bshape + c), (count,) + c)
                for a, c in zip(arrays, cores)]

        def call(*vargs):
            full = list(args)
            kw = dict(kwargs)
            for i, v in zip(pos, vargs):
                full[i] = v
            for k, v in zip(names, vargs[len(pos):]):
                kw[k] = v
            return self.pyfunc(*full, **kw)

        results = self._batched(b, call, flat, count)
        single = not isinstance(results, tuple)
        results = (results,) if single else results
        if core_out is not None and len(core_out) != len(results):
            raise ValueError(f"vectorize: the function gave {len(results)} outputs, the "
                             f"signature {self.signature!r} says {len(core_out)}")
        outs = []
        for j, r in enumerate(results):
            core = tuple(r.shape[1:])
            dims = core_out[j] if core_out is not None else ()
            if len(core) != len(dims) or any(sizes.setdefault(d, n) != n
                                             for d, n in zip(dims, core)):
                raise ValueError(f"vectorize: output {j} has core shape {core}, which does "
                                 f"not match {dims} of {self.signature!r}")
            outs.append(xnp.reshape(r, bshape + core))
        return outs[0] if single else tuple(outs)

    def _batched(self, b, call, flat, count):
        """The outputs of ``call`` on every row of ``flat``, stacked along a first axis."""
        xnp = _xnp()
        batched = getattr(_chapter(b), "vmap_rows", None)  # (torch.vmap)
        if batched is not None:
            out = batched(call, flat)
            if out is not None:
                return out
        rows = [call(*(a[i, ...] for a in flat)) for i in range(count)]
        multi = isinstance(rows[0], tuple)
        columns = list(zip(*rows)) if multi else [rows]
        stacked = []
        for col in columns:
            col = [c if _is_array(c) else xnp.asarray(c) for c in col]
            dt = xnp.result_type(*(_name(c) for c in col))
            stacked.append(xnp.stack([xnp.astype(c, dt) for c in col], axis=0))
        return tuple(stacked) if multi else stacked[0]


def _host_to(b: str, v):
    """``v`` as an array of backend ``b``: NumPy arrays (host data) convert with their dtype,
    lists and scalars take the default backend's (``b`` inside ``_use(b)``)."""
    t = backend_of_type(type(v))
    if t == b:
        return v
    if t == "numpy":
        from .._dispatch import from_numpy
        return from_numpy(b, v)
    return _xnp().asarray(v)


@generic()
def vectorize(pyfunc, *, excluded=None, signature=None):
    if not callable(pyfunc):
        raise TypeError(f"vectorize: pyfunc must be callable, got {type(pyfunc).__name__}")
    return _Vectorized(pyfunc, excluded, signature)
