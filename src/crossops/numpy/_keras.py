"""Generic implementations of the NumPy-named ops beyond the array API standard (the
keras.ops numpy group, spec/numpy_keras.toml), written with crossops ops
(op name -> function).

Each function has the spec entry's (Keras's) signature: the table calls it with the
array parameters by keyword. Where a framework kernel is needed, :func:`_native` picks it
by the backend of the arrays and calls it positionally.
"""

from __future__ import annotations

import importlib
import math

from .._backend import backend_of_type, get_backend

GENERIC: dict = {}


def _xnp():
    import crossops.numpy as xnp
    return xnp


def generic(name=None):
    def deco(f):
        GENERIC[name or f.__name__] = f
        return f
    return deco


def _backend(*xs) -> str:
    for x in xs:
        b = backend_of_type(type(x))
        if b is not None:
            return b
    return get_backend()


_RESOLVED: dict = {}


def _native(paths: dict, *xs):
    """The framework function ``paths[backend]`` (dotted path) for the backend of ``xs``,
    or None where ``paths`` names none for it."""
    b = _backend(*xs)
    key = (id(paths), b)
    try:
        return _RESOLVED[key]
    except KeyError:
        pass
    path = paths.get(b)
    f = None
    if path:
        mod, _, attr = path.rpartition(".")
        f = getattr(importlib.import_module(mod), attr)
    _RESOLVED[key] = f
    return f


def _is_array(x) -> bool:
    return backend_of_type(type(x)) is not None


def _promote(x1, x2):
    """Two arguments as arrays of one dtype, by crossops's table (Python scalars weak)."""
    xnp = _xnp()
    a1, a2 = _is_array(x1), _is_array(x2)
    if a1 and a2:
        if x1.dtype != x2.dtype:
            dt = xnp.result_type(x1.dtype, x2.dtype)
            x1, x2 = xnp.astype(x1, dt), xnp.astype(x2, dt)
        return x1, x2
    if a1:
        return x1, _weak(x2, x1)
    if a2:
        return _weak(x1, x2), x2
    return _promote(xnp.asarray(x1), xnp.asarray(x2))


def _weak(s, like):
    """A Python scalar (or list) as an array of ``like``'s backend, weak in promotion."""
    from .._backend import backend_module
    from .._dtypes import dtype_name, weak_scalar_name
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


def _name(x) -> str:
    """The dtype name of an array (jax dtypes are NumPy dtypes: pass names, not objects)."""
    from .._dtypes import dtype_name
    return dtype_name(x.dtype)


def _dtypes_of(x) -> tuple:
    from .._backend import backend_module
    return tuple(backend_module(_backend(x)).DTYPES)


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
    return _xnp().abs(x)


# -- element-wise -----------------------------------------------------------------------------

@generic()
def angle(x):
    xnp = _xnp()
    if _is_complex(x):
        return xnp.atan2(xnp.imag(x), xnp.real(x))
    if not _is_float(x):
        x = xnp.astype(x, "float64" if _backend(x) != "tensorflow" else "float32")
    return xnp.atan2(xnp.zeros_like(x), x)


@generic()
def cbrt(x):
    xnp = _xnp()
    return xnp.sign(x) * xnp.pow(xnp.abs(x), _c(1.0 / 3.0, x))


@generic()
def deg2rad(x):
    return _xnp().multiply(x, _c(math.pi / 180.0, x))


@generic()
def rad2deg(x):
    return _xnp().multiply(x, _c(180.0 / math.pi, x))


@generic()
def exp2(x):
    xnp = _xnp()
    return xnp.pow(xnp.full_like(x, 2.0), x)


def _abs(x):
    return x if _xnp().isdtype(x.dtype, "unsigned integer") else _xnp().abs(x)


@generic()
def fmod(x1, x2):
    # C's fmod: the remainder of |x1| / |x2| (exact, as floored and truncated remainders
    # agree for positive operands) with the sign of x1; NumPy gives 0 for x2 == 0 in ints
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    if _is_int(x1):
        nz = x2 != 0
        r = xnp.remainder(_abs(x1), xnp.where(nz, _abs(x2), xnp.ones_like(x2)))
        if not xnp.isdtype(x1.dtype, "unsigned integer"):
            r = xnp.where(x1 < 0, -r, r)
        return xnp.where(nz, r, xnp.zeros_like(r))
    return xnp.copysign(xnp.remainder(xnp.abs(x1), xnp.abs(x2)), x1)


@generic()
def heaviside(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    out = xnp.where(x1 < 0, xnp.zeros_like(x1), xnp.where(x1 > 0, xnp.ones_like(x1), x2))
    return xnp.where(xnp.isnan(x1), x1, out)


@generic()
def logaddexp2(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    m = xnp.maximum(x1, x2)
    d = -xnp.abs(x1 - x2)
    out = m + xnp.log1p(xnp.pow(xnp.full_like(d, 2.0), d)) * _c(1.0 / math.log(2.0), d)
    return xnp.where(x1 == x2, x1 + _c(1.0, x1), out)


@generic()
def sinc(x):
    xnp = _xnp()
    y = xnp.where(x == 0, xnp.ones_like(x), x) * _c(math.pi, x)
    return xnp.where(x == 0, xnp.ones_like(x), xnp.sin(y) / y)


@generic()
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    if not (_is_float(x1) or _is_complex(x1)):
        dt = "float64" if "float64" in _dtypes_of(x1) else "float32"
        x1 = xnp.astype(x1, dt)
        x2 = xnp.astype(x2, dt)
    tol = _c(atol, x2) + _c(rtol, x2) * xnp.abs(x2)
    out = xnp.logical_or(
        xnp.logical_and(xnp.abs(x1 - x2) <= tol, xnp.isfinite(x2)), x1 == x2)
    if equal_nan:
        out = xnp.logical_or(out, xnp.logical_and(xnp.isnan(x1), xnp.isnan(x2)))
    return out


@generic()
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return _xnp().all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


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
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
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
    x = xnp.where(xnp.isnan(x), xnp.full_like(x, nan), x)  # noqa: PLW2901
    x = xnp.where(isposinf(x), xnp.full_like(x, posinf), x)
    return xnp.where(isneginf(x), xnp.full_like(x, neginf), x)


_ITERATIONS = {8: 14, 16: 26, 32: 48, 64: 94}  # Euclid's worst case (Fibonacci numbers)


@generic()
def gcd(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    a, b = xnp.broadcast_arrays(_abs(x1), _abs(x2))
    for _ in range(_ITERATIONS[xnp.iinfo(a.dtype).bits]):
        nz = b != 0
        safe = xnp.where(nz, b, xnp.ones_like(b))
        a, b = xnp.where(nz, b, a), xnp.where(nz, xnp.remainder(a, safe), b)
    return a


@generic()
def lcm(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    g = gcd(x1, x2)
    zero = g == 0
    q = xnp.floor_divide(_abs(x1), xnp.where(zero, xnp.ones_like(g), g))
    return xnp.where(zero, xnp.zeros_like(g), q * _abs(x2))


@generic()
def ldexp(x1, x2):
    xnp = _xnp()
    if not _is_array(x1):
        x1 = xnp.asarray(x1)
    e = xnp.astype(x2, _name(x1)) if _is_array(x2) else _c(float(x2), x1)
    # 2**e in two halves, so that neither overflows where the result does not
    half = xnp.floor(e * _c(0.5, x1))
    two = xnp.full_like(x1, 2.0)
    return x1 * xnp.pow(two, half) * xnp.pow(two, e - half)


@generic()
def divide_no_nan(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    zero = x2 == 0
    safe = xnp.where(zero, xnp.ones_like(x2), x2)
    q = xnp.divide(x1, safe)
    return xnp.where(zero, xnp.zeros_like(q), q)


@generic()
def fmax(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    m = xnp.maximum(x1, x2)
    if not _is_float(m):
        return m
    return xnp.where(xnp.isnan(x1), x2, xnp.where(xnp.isnan(x2), x1, m))


@generic()
def fmin(x1, x2):
    xnp = _xnp()
    x1, x2 = _promote(x1, x2)
    m = xnp.minimum(x1, x2)
    if not _is_float(m):
        return m
    return xnp.where(xnp.isnan(x1), x2, xnp.where(xnp.isnan(x2), x1, m))
