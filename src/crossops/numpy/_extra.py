"""Generic implementations of NumPy 2 functions beyond the keras.ops numpy group
(spec/numpy_extra.toml), written with crossops ops (op name -> function).

Each function has NumPy's signature (``inspect.signature(numpy.<name>)``) and NumPy's
semantics; operands of different dtypes are promoted with crossops's table (Python scalars
weak), as in :mod:`crossops.numpy._keras`. Arguments that decide a result's shape (indices
to delete or insert, bin counts, polynomial degrees) are Python values, so the functions
compile (``jax.jit``, ``tf.function``) wherever NumPy's result shape does not depend on
array values. NumPy's ufunc keywords are accepted: ``out`` must be None (crossops never
writes into arrays), ``where`` True; ``dtype`` selects the computation's dtype.
"""

from __future__ import annotations

import builtins
import itertools
import math
import operator

from .._axes import normalize_axis
from .._dispatch import call_on
from .._dtypes import dtype_name, kind, result_name
from .._errors import OpAxisError
from .._host import host_constant
from ._keras import (
    _angle_scale,
    _apart,
    _atleast,
    _backend,
    _c,
    _concat,
    _float_loop,
    _is_array,
    _is_complex,
    _is_float,
    _known,
    _name,
    _on,
    _promote,
    _wide,
    _xnp,
)
from ._natives_b import bin_sums
from ._products import _array, _inexact, _int_arg, _promote_all

GENERIC: dict = {}


#: NumPy's casting rules
CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def generic(name=None):
    def deco(f):
        GENERIC[name or f.__name__] = f
        return f
    return deco


# -- helpers ----------------------------------------------------------------------------------

def _np():
    import numpy
    return numpy


def _np_dtype(name: str):
    if name == "bfloat16":
        import ml_dtypes
        return _np().dtype(ml_dtypes.bfloat16)
    return _np().dtype(name)


def _index_dtype(like=None) -> str:
    return _wide(_backend(like) if like is not None else _backend())[0]


def _float64(like) -> str:
    return _wide(_backend(like))[1]


def _complex128(like) -> str:
    return _wide(_backend(like))[2]


def _np_rules(v, like):
    """Python data as an array of ``like``'s backend in the dtype NumPy gives it (Python
    floats are float64, as in NumPy, not the backend's default float)."""
    a = _np().asarray(v)
    name = dtype_name(a.dtype)
    wide = _wide(_backend(like))
    name = {"int64": wide[0], "float64": wide[1], "complex128": wide[2]}.get(name, name)
    with _on(like):
        return _xnp().asarray(a.tolist(), dtype=name)


def _host(x):
    """An array argument that decides a shape (indices, counts) as NumPy data, eagerly."""
    if _is_array(x):
        import crossops
        return crossops.to_numpy(x)
    return _np().asarray(x)


def _sl(ndim: int, axis: int, s) -> tuple:
    """An index that applies ``s`` along ``axis`` and takes everything elsewhere."""
    return (slice(None),) * axis + (s,) + (slice(None),) * (ndim - axis - 1)


def _take_host(x, idx, axis: int):
    """``take`` of NumPy (host) indices along ``axis``."""
    xnp = _xnp()
    with _on(x):
        i = xnp.asarray([int(v) for v in idx], dtype=_index_dtype(x))
    return xnp.take(x, i, axis=axis)


def _squeeze_all(x):
    axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    return _xnp().squeeze(x, axis=axes) if axes else x


def _no_out(op: str, out) -> None:
    if out is not None and not (isinstance(out, tuple) and all(o is None for o in out)):
        raise TypeError(f"{op}: out= is not supported; crossops never writes into arrays, "
                        f"use the returned array instead")


def _ufunc_check(op, out, where, casting, order, subok, signature):
    _no_out(op, out)
    check_ufunc_keywords(op, where, casting, signature)
    if order not in ("K", "A", "C", "F", None):
        raise ValueError(f"{op}: order must be one of 'K', 'A', 'C' or 'F', got {order!r}")


def check_ufunc_keywords(op: str, where, casting: str, signature) -> None:
    """Raise for NumPy's ufunc keywords crossops cannot honour: ``where=`` other than True
    (it fills only an ``out=`` array, which crossops never writes into), a ``casting``
    that is not a rule, and ``signature=`` (``dtype=`` chooses the dtype).

    Examples
    --------
    >>> check_ufunc_keywords("add", True, "same_kind", None)
    >>> check_ufunc_keywords("add", False, "same_kind", None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: add: where= needs out= ...
    """
    if where is not True:
        raise ValueError(f"{op}: where= needs out= (NumPy leaves the other elements "
                         f"uninitialised); use xnp.where on the result instead")
    if casting not in CASTINGS:
        raise ValueError(f"{op}: casting must be one of {CASTINGS}, got {casting!r}")
    if signature is not None:
        raise TypeError(f"{op}: signature= is not supported; use dtype= to choose the "
                        f"computation's dtype")


#: the dtypes NumPy itself has (its loops are looked up for these only; bfloat16 and the
#: float8 types are ml_dtypes' and keep crossops's own rules)
_NUMPY_NATIVE = frozenset({"bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                           "uint32", "uint64", "float16", "float32", "float64", "complex64",
                           "complex128"})
_SAME_NAMES = {n: n for n in _NUMPY_NATIVE}
#: Python numbers, which NumPy's loop search takes as weak scalars
_PY_SCALARS = {bool: "bool", int: "int", float: "float", complex: "complex"}


@host_constant
def numpy_ufunc_loop(op: str, inputs: tuple, dtype, casting: str) -> tuple:
    """The loop NumPy's ufunc ``op`` runs for inputs of the dtypes ``inputs`` (names; 'int',
    'float' and 'complex' for Python numbers) under ``dtype=`` (the outputs' dtype, or None)
    and ``casting=``, asked of NumPy's own type resolution (``ufunc.resolve_dtypes``):
    ``("loop", input dtypes, output dtypes)``, ``("cast", i, from, to)`` where input ``i``
    cannot be cast to the loop by ``casting``, ``("none",)`` where NumPy has no loop, or
    ``("unknown",)`` where NumPy cannot say (a dtype it lacks, a name that is no ufunc).
    Python data in and out: a compiler runs it once, while it traces.

    Examples
    --------
    >>> numpy_ufunc_loop("ldexp", ("float32", "int32"), "float32", "same_kind")
    ('loop', ('float32', 'int32'), ('float32',))
    >>> numpy_ufunc_loop("signbit", ("int32",), None, "no")
    ('cast', 0, 'int32', 'float64')
    >>> numpy_ufunc_loop("less", ("float32", "float32"), "float32", "same_kind")
    ('none',)
    """
    np = _np()
    f = getattr(np, op, None)
    if not isinstance(f, np.ufunc) or dtype not in _NUMPY_NATIVE | {None} or any(
            n not in _NUMPY_NATIVE | {"int", "float", "complex"} for n in inputs):
        return ("unknown",)
    ins = tuple({"int": int, "float": float, "complex": complex}.get(n) or np.dtype(n)
                for n in inputs)
    sig = (None,) * f.nin + ((np.dtype(dtype),) * f.nout if dtype is not None else
                             (None,) * f.nout)
    try:
        loop = f.resolve_dtypes(ins + (None,) * f.nout, signature=sig, casting=casting)
    except TypeError:
        try:  # a loop that only a cast casting= forbids: name that cast
            loop = f.resolve_dtypes(ins + (None,) * f.nout, signature=sig, casting="unsafe")
        except TypeError:
            return ("none",)
        for i, (a, b) in enumerate(zip(ins, loop)):
            if isinstance(a, np.dtype) and not np.can_cast(a, b, casting):
                return ("cast", i, a.name, b.name)
        return ("none",)
    names = tuple(dtype_name(d) for d in loop)
    return ("loop", names[:f.nin], names[f.nin:])


def ufunc_loop(op: str, arrays: tuple, dtype, casting: str):
    """NumPy's loop for a ufunc call with ``dtype=`` or ``casting=`` (see
    :func:`numpy_ufunc_loop`), its dtypes as the arrays' backend gives them (jax without
    x64: 32-bit for 64-bit), as ``(input dtypes, output dtypes)``; TypeError where NumPy
    finds none (naming the cast that ``casting`` forbids); None where NumPy cannot say,
    for crossops's own rules to decide.

    Examples
    --------
    >>> import numpy as np
    >>> ufunc_loop("ldexp", (np.ones(2, np.float32), 2), "float32", "same_kind")
    (('float32', 'int32'), ('float32',))
    >>> ufunc_loop("divmod", (np.ones(2), np.ones(2)), "int64", "same_kind")
    Traceback (most recent call last):
    ...
    TypeError: divmod: cannot cast input 0 from float64 to int64 with casting='same_kind'
    """
    names = scalar_names(arrays)
    target = None if dtype is None else dtype_name(dtype)
    found = numpy_ufunc_loop(op, names, target, casting)
    if found[0] == "unknown":
        return None
    if found[0] == "cast":
        _, i, src, dst = found
        raise TypeError(f"{op}: cannot cast input {i} from {src} to {dst} with "
                        f"casting={casting!r}")
    if found[0] == "none":
        if target is not None:
            raise TypeError(f"{op}: no computation gives dtype={target} from inputs of "
                            f"{', '.join(names)} with casting={casting!r}; NumPy finds no "
                            f"loop either")
        raise TypeError(f"{op}: NumPy has no loop for inputs of {', '.join(names)} with "
                        f"casting={casting!r}")
    return loop_on_backend(found, arrays)


def loop_on_backend(found: tuple, arrays: tuple) -> tuple:
    """A loop :func:`numpy_ufunc_loop` found, ``(input dtypes, output dtypes)`` as the
    backend of ``arrays`` gives them (jax without x64: 32-bit for NumPy's 64-bit)."""
    first = None
    for a in arrays:  # (a loop, not a generator: torch.compile traces it)
        if _is_array(a):
            first = a
            break
    wide = _wide(_backend(first) if first is not None else _backend())
    # the names through this module's own table: torch.compile cannot guard on values
    # that come from a host_constant's result, and these are dtypes its calls read
    as_backend = {**_SAME_NAMES, "int64": wide[0], "float64": wide[1], "complex128": wide[2]}
    return (tuple([as_backend[n] for n in found[1]]),
            tuple([as_backend[n] for n in found[2]]))


def scalar_names(xs: tuple) -> tuple:
    """The dtype names :func:`numpy_ufunc_loop` takes for ``xs``: an array's dtype, 'int',
    'float' or 'complex' for a Python number ('?' for anything else)."""
    return tuple([_name(a) if _is_array(a) else _PY_SCALARS.get(type(a), "?") for a in xs])


def ufunc_inputs(arrays: tuple, loop: tuple) -> tuple:
    """``arrays`` cast to the input dtypes of NumPy's ``loop`` (from :func:`ufunc_loop`);
    Python numbers as they are (weak).

    Examples
    --------
    >>> import numpy as np
    >>> [a.dtype for a in ufunc_inputs((np.ones(1, np.int32),), (("float32",), ("float32",)))]
    [dtype('float32')]
    """
    xnp = _xnp()
    out = []
    for a, t in zip(arrays, loop[0]):
        if _is_array(a):
            a = a if _name(a) == t else xnp.astype(a, t)
        elif isinstance(a, complex) and kind(t) != "c":  # NumPy's unsafe casts of a
            a = a.real  # Python number into a loop of a lower kind
        if isinstance(a, float) and kind(t) in "iu":
            a = int(a)
        elif isinstance(a, int | float) and kind(t) == "b":
            a = bool(a)
        out.append(a)
    return tuple(out)


def bool_loop(op: str, *xs) -> tuple:
    """``xs``, the arguments of NumPy's ufunc ``op``, with bool arrays cast to the dtypes
    of the loop NumPy runs for them where every array is bool: NumPy has no bool loop for
    ``square``, ``floor_divide``, ``remainder``, ``fmod``, ``power``, the shifts or
    ``conj`` and computes them in int8 (int64 with a Python int), where a backend's own
    function gives its default int, or float16, or refuses bool. TypeError where NumPy
    has no loop at all (``positive``, ``sign`` of bool), as NumPy. Any other array leaves
    ``xs`` as they are (the backend promotes them as NumPy does).

    Examples
    --------
    >>> import numpy as np
    >>> bool_loop("square", np.array([True, False]))
    (array([1, 0], dtype=int8),)
    >>> bool_loop("left_shift", np.array([True]), 2)[0].dtype
    dtype('int64')
    >>> bool_loop("positive", np.array([True]))
    Traceback (most recent call last):
    ...
    TypeError: positive: NumPy has no loop for inputs of bool with casting='same_kind'
    """
    seen = False
    for x in xs:  # (a loop, not a generator: torch.compile traces it)
        if _is_array(x):
            if _name(x) != "bool":
                return xs
            seen = True
    if not seen:
        return xs
    loop = ufunc_loop(op, xs, None, "same_kind")
    return xs if loop is None else ufunc_inputs(xs, loop)



def _can_cast(src: str, dst: str, casting: str) -> bool:
    return bool(_np().can_cast(_np_dtype(src), _np_dtype(dst), casting))


def _keyword_loop(op: str, arrays: tuple, dtype, casting: str):
    """NumPy's loop (:func:`ufunc_loop`) for a call of a ufunc with its own code here,
    where ``dtype=`` or ``casting=`` is given (None otherwise: the function's own rules)."""
    if dtype is None and casting == "same_kind":
        return None
    return ufunc_loop(op, arrays, dtype, casting)


def _float_input(op, x, dtype, casting, *, complex_ok=True):
    """``x`` (an array) in the dtype NumPy's float ufunc computes in: its loop's, where
    ``dtype=`` or ``casting=`` is given."""
    loop = _keyword_loop(op, (x,), dtype, casting)
    if loop is not None:
        return ufunc_inputs((x,), loop)[0]
    xnp = _xnp()
    src = _name(x)
    if dtype is not None:
        target = dtype_name(dtype)
        if kind(target) not in ("fc" if complex_ok else "f"):
            raise TypeError(f"{op}: no loop for dtype {target}; use a floating dtype")
        if not _can_cast(src, target, casting):
            raise TypeError(f"{op}: cannot cast {src} to {target} with casting={casting!r}")
    else:
        target = _float_loop(src, _backend(x))
        if kind(target) == "c" and not complex_ok:
            raise TypeError(f"{op}: x must be real, got {src}")
    return x if target == src else xnp.astype(x, target)


# -- element-wise -----------------------------------------------------------------------------

@generic()
def rint(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
         subok=True, signature=None):
    _ufunc_check("rint", out, where, casting, order, subok, signature)
    return _xnp().round(_float_input("rint", _array(x), dtype, casting))


def _round_real(a, decimals):
    xnp = _xnp()
    if decimals == 0:
        return xnp.round(a)
    if decimals > 0:
        f = _c(10.0 ** decimals, a)
        return xnp.round(a * f) / f
    f = _c(10.0 ** -decimals, a)
    return xnp.round(a / f) * f


@generic()
def around(a, decimals=0, out=None):
    xnp = _xnp()
    _no_out("around", out)
    decimals = _int_arg(decimals, "around", "decimals")
    a = _array(a)
    name = _name(a)
    k = kind(name)
    if k in "iu":
        if decimals >= 0:
            return xnp.astype(a, name, copy=True)
        wide = _float64(a)
        return xnp.astype(_round_real(xnp.astype(a, wide), decimals), name)
    if k == "b":
        if decimals < 0:
            raise TypeError("around: a boolean array cannot be rounded to negative decimals")
        return xnp.round(xnp.astype(a, "float16"))
    if k == "c":
        re = _round_real(xnp.real(a), decimals)
        im = _round_real(xnp.imag(a), decimals)
        return xnp.astype(re, name) + xnp.astype(im, name) * _c(1j, a)
    return _round_real(a, decimals)


@generic()
def fix(x, out=None):
    _no_out("fix", out)
    x = _array(x)
    if kind(_name(x)) == "b":
        return _xnp().astype(x, "bool", copy=True)
    return _xnp().trunc(x)


def _angle_ufunc(op, x, out, where, casting, order, dtype, subok, signature):
    _ufunc_check(op, out, where, casting, order, subok, signature)
    x = _float_input(op, _array(x), dtype, casting, complex_ok=False)
    return _angle_scale(x, op)


@generic()
def degrees(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
            subok=True, signature=None):
    return _angle_ufunc("degrees", x, out, where, casting, order, dtype, subok, signature)


@generic()
def radians(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
            subok=True, signature=None):
    return _angle_ufunc("radians", x, out, where, casting, order, dtype, subok, signature)


@generic()
def spacing(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
            subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("spacing", out, where, casting, order, subok, signature)
    x = _float_input("spacing", _array(x), dtype, casting, complex_ok=False)
    toward = xnp.copysign(xnp.full_like(x, math.inf), x)
    d = xnp.nextafter(x, toward) - x
    return xnp.where(xnp.isinf(x), xnp.full_like(x, math.nan), d)


@generic()
def float_power(x1, x2, /, out=None, *, where=True, casting="same_kind", order="K",
                dtype=None, subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("float_power", out, where, casting, order, subok, signature)
    loop = _keyword_loop("float_power", (x1, x2), dtype, casting)
    if loop is not None:
        x1, x2 = _promote(*ufunc_inputs((x1, x2), loop))
        return xnp.pow(xnp.astype(x1, loop[1][0]), xnp.astype(x2, loop[1][0]))
    x1, x2 = _promote(x1, x2)
    target = _complex128(x1) if _is_complex(x1) else _float64(x1)
    if dtype is not None:
        want = dtype_name(dtype)
        if want not in ("float64", "complex128"):
            raise TypeError(f"float_power: no loop for dtype {want}; NumPy computes in "
                            f"float64 or complex128")
        if not _can_cast(_name(x1), want, casting):
            raise TypeError(f"float_power: cannot cast {_name(x1)} to {want} with "
                            f"casting={casting!r}")
        target = want
    return xnp.pow(xnp.astype(x1, target), xnp.astype(x2, target))


@generic()
def modf(x, /, out=(None, None), *, where=True, casting="same_kind", order="K", dtype=None,
         subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("modf", out, where, casting, order, subok, signature)
    x = _float_input("modf", _array(x), dtype, casting, complex_ok=False)
    i = xnp.trunc(x)
    f = xnp.where(xnp.isinf(x), xnp.zeros_like(x), x - i)
    return xnp.copysign(f, x), i


_BITS = {  # float dtype -> (int dtype of its width, mantissa bits, exponent bias)
    "float16": ("int16", 10, 15), "bfloat16": ("int16", 7, 127),
    "float32": ("int32", 23, 127), "float64": ("int64", 52, 1023)}


@generic()
def frexp(x, /, out=(None, None), *, where=True, casting="same_kind", order="K", dtype=None,
          subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("frexp", out, where, casting, order, subok, signature)
    x = _float_input("frexp", _array(x), dtype, casting, complex_ok=False)
    name = _name(x)
    ibits, nm, bias = _BITS[name]
    field_mask = (1 << (_np_dtype(name).itemsize * 8 - 1 - nm)) - 1
    # subnormals: scaled into the normal range first (exactly, by a power of two)
    bits = xnp.view(x, ibits)
    fld = xnp.bitwise_and(xnp.bitwise_right_shift(bits, _c(nm, bits)), _c(field_mask, bits))
    sub = xnp.logical_and(fld == 0, x != 0)
    up = nm + 2
    scaled = xnp.where(sub, x, xnp.zeros_like(x)) * _c(float(2 ** up), x)  # (no overflow)
    xs = xnp.where(sub, scaled, x)
    bits = xnp.view(xs, ibits)
    fld = xnp.bitwise_and(xnp.bitwise_right_shift(bits, _c(nm, bits)), _c(field_mask, bits))
    e = fld - _c(bias - 1, fld) - xnp.where(sub, _c(up, fld), _c(0, fld))
    # mantissa: the exponent field set to bias - 1, so that 0.5 <= |m| < 1
    keep = ~(field_mask << nm)
    mbits = xnp.bitwise_or(xnp.bitwise_and(bits, _c(keep, bits)), _c((bias - 1) << nm, bits))
    m = xnp.view(mbits, name)
    special = xnp.logical_or(x == 0, xnp.logical_not(xnp.isfinite(x)))
    m = xnp.where(special, x, m)
    e = xnp.where(special, xnp.zeros_like(e), e)
    return m, xnp.astype(e, "int32")


def _numpy_floor_divide(x1, x2):
    """NumPy's floor division of floats: crossops's ``floor_divide`` follows the array API
    standard's special cases, where NumPy gives nan for an infinite dividend and 0 or -1
    for an infinite divisor."""
    xnp = _xnp()
    q = xnp.floor_divide(x1, x2)
    finite1 = xnp.isfinite(x1)
    nan = xnp.full_like(q, math.nan)
    q = xnp.where(xnp.logical_and(xnp.isinf(x1), x2 != 0), nan, q)
    inf2 = xnp.logical_and(xnp.isinf(x2), xnp.logical_and(finite1, x1 != 0))
    differ = xnp.logical_xor(x1 < 0, x2 < 0)
    big = xnp.where(differ, xnp.full_like(q, -1.0), xnp.copysign(xnp.zeros_like(q), x1 / x2))
    return xnp.where(inf2, big, q)


@generic("divmod")
def divmod_(x1, x2, /, out=(None, None), *, where=True, casting="same_kind", order="K",
            dtype=None, subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("divmod", out, where, casting, order, subok, signature)
    loop = _keyword_loop("divmod", (x1, x2), dtype, casting)
    if loop is not None:
        x1, x2 = ufunc_inputs((x1, x2), loop)
    else:  # bool computes in NumPy's int8 loop
        x1, x2 = bool_loop("divmod", x1, x2)
    x1, x2 = _promote(x1, x2)
    if dtype is not None and loop is None:  # (a dtype NumPy lacks: cast as asked)
        target = dtype_name(dtype)
        x1, x2 = xnp.astype(x1, target), xnp.astype(x2, target)
    k = kind(_name(x1))
    if k in "bc":
        raise TypeError(f"divmod: no loop for {_name(x1)}; use real numbers")
    if k in "iu":  # NumPy gives 0 and 0 for a zero divisor (with a warning)
        zero = x2 == 0
        safe = xnp.where(zero, xnp.ones_like(x2), x2)
        q = xnp.floor_divide(x1, safe)
        r = xnp.remainder(x1, safe)
        return (xnp.where(zero, xnp.zeros_like(q), q), xnp.where(zero, xnp.zeros_like(r), r))
    return _numpy_floor_divide(x1, x2), xnp.remainder(x1, x2)


@generic()
def iscomplex(x):
    xnp = _xnp()
    x = _array(x)
    if _is_complex(x):
        return xnp.imag(x) != 0
    return xnp.zeros_like(x, dtype="bool")


def _dtype_kind_of(x) -> str:
    dt = getattr(x, "dtype", None)
    if dt is not None:
        try:
            return kind(dtype_name(dt))
        except (TypeError, KeyError):
            pass
    return "c" if _np().iscomplexobj(x) else "f"


@generic()
def iscomplexobj(x):
    return _dtype_kind_of(x) == "c"


@generic()
def isrealobj(x):
    return _dtype_kind_of(x) != "c"


@generic()
def isscalar(element):
    return bool(_np().isscalar(element))


@generic()
def real_if_close(a, tol=100):
    xnp = _xnp()
    a = _array(a)
    if not _is_complex(a):
        return a
    if tol > 1:
        tol = float(xnp.finfo(a.dtype).eps) * tol
    re = xnp.real(a)
    if bool(xnp.all(xnp.abs(xnp.imag(a)) < _c(float(tol), re))):
        return re
    return a


@generic()
def promote_types(type1, type2, /):
    from .._backend import backend_module, backend_of_type

    def name_of(t):
        if isinstance(t, str) or t in (builtins.bool, int, float, complex):
            return dtype_name(_np().dtype(t))
        return dtype_name(t)

    b = next((backend_of_type(type(t)) for t in (type1, type2)
              if backend_of_type(type(t)) is not None), None) or _backend()
    name = result_name(name_of(type1), name_of(type2))
    return backend_module(b).DTYPES[name]


# -- comparisons of whole arrays ---------------------------------------------------------------

def _pair(a1, a2):
    a1 = _array(a1, a2 if _is_array(a2) else None)
    a2 = _array(a2, a1)
    return a1, a2


def _false(like):
    """False as ``all`` gives it on ``like``'s backend (NumPy: a ``numpy.bool_``, as
    ``numpy.all``; elsewhere a 0-d boolean array), so every path of a comparison returns
    one kind, that of ``allclose``."""
    xnp = _xnp()
    with _on(like):
        return xnp.all(xnp.asarray(False))


@generic()
def array_equal(a1, a2, equal_nan=False):
    xnp = _xnp()
    a1, a2 = _pair(a1, a2)
    if tuple(a1.shape) != tuple(a2.shape):
        return _false(a1)
    a1, a2 = _promote(a1, a2)
    eq = a1 == a2
    if equal_nan and kind(_name(a1)) in "fc":
        eq = xnp.logical_or(eq, xnp.logical_and(xnp.isnan(a1), xnp.isnan(a2)))
    return xnp.all(eq)


@generic()
def array_equiv(a1, a2):
    xnp = _xnp()
    a1, a2 = _pair(a1, a2)
    try:
        _np().broadcast_shapes(tuple(a1.shape), tuple(a2.shape))
    except ValueError:
        return _false(a1)
    a1, a2 = _promote(a1, a2)
    return xnp.all(a1 == a2)


# -- indices ---------------------------------------------------------------------------------

@generic()
def argwhere(a):
    xnp = _xnp()
    a = _array(a)
    if a.ndim == 0:
        return argwhere(xnp.reshape(a, (1,)))[:, :0]
    idx = xnp.nonzero(a)
    return xnp.stack(list(idx), axis=1)


@generic()
def flatnonzero(a):
    xnp = _xnp()
    return xnp.nonzero(xnp.reshape(_array(a), (-1,)))[0]


def _make(like, name: str, *args, **kwargs):
    """The creation call ``name`` on the backend of ``like`` (the default backend when like
    is None), made there directly."""
    return call_on(_backend(like) if like is not None else _backend(), name, *args, **kwargs)


@host_constant
def _tri_lists(which: str, n: int, k: int, m: int) -> tuple[list, list]:
    rows, cols = getattr(_np(), which)(n, k=k, m=m)
    return rows.tolist(), cols.tolist()


def _tri_indices(f, n, k, m, like=None):
    n = _int_arg(n, f.__name__, "n")
    m = n if m is None else _int_arg(m, f.__name__, "m")
    rows, cols = _tri_lists(f.__name__, n, k, m)
    dt = _wide(_backend(like) if like is not None else _backend())[0]
    return _make(like, "asarray", rows, dtype=dt), _make(like, "asarray", cols, dtype=dt)


@generic()
def tril_indices(n, k=0, m=None):
    return _tri_indices(_np().tril_indices, n, k, m)


@generic()
def triu_indices(n, k=0, m=None):
    return _tri_indices(_np().triu_indices, n, k, m)


def _check_2d(op, arr):
    if arr.ndim != 2:
        raise ValueError(f"{op}: input array must be 2-d, got shape {tuple(arr.shape)}")


@generic()
def tril_indices_from(arr, k=0):
    arr = _array(arr)
    _check_2d("tril_indices_from", arr)
    return _tri_indices(_np().tril_indices, arr.shape[-2], k, arr.shape[-1], arr)


@generic()
def triu_indices_from(arr, k=0):
    arr = _array(arr)
    _check_2d("triu_indices_from", arr)
    return _tri_indices(_np().triu_indices, arr.shape[-2], k, arr.shape[-1], arr)


def _diag_indices(n, ndim, like=None):
    b = _backend(like) if like is not None else _backend()
    return (_make(like, "arange", n, dtype=_wide(b)[0]),) * ndim


@generic()
def diag_indices(n, ndim=2):
    return _diag_indices(_int_arg(n, "diag_indices", "n"),
                         _int_arg(ndim, "diag_indices", "ndim"))


@generic()
def diag_indices_from(arr):
    arr = _array(arr)
    if arr.ndim < 2:
        raise ValueError(f"diag_indices_from: input array must be at least 2-d, got shape "
                         f"{tuple(arr.shape)}")
    if len(set(arr.shape)) != 1:
        raise ValueError(f"diag_indices_from: all dimensions of the input must be of equal "
                         f"length, got shape {tuple(arr.shape)}")
    return _diag_indices(arr.shape[0], arr.ndim, arr)


@generic()
def indices(dimensions, dtype=int, sparse=False):
    xnp = _xnp()
    dims = tuple(_int_arg(d, "indices", "dimensions") for d in dimensions)
    nd = len(dims)
    # (identity: a TensorFlow DType compares equal to the Python type it would convert)
    dt = dtype_name(_np().dtype(dtype)) if any(dtype is t for t in (int, float, builtins.bool,
                                                                    complex)) \
        else dtype_name(dtype)
    if dt == "int64":
        dt = _index_dtype()
    out = []
    for i, n in enumerate(dims):
        shape = (1,) * i + (n,) + (1,) * (nd - i - 1)
        v = xnp.reshape(xnp.arange(n, dtype=dt), shape)
        out.append(v if sparse else xnp.broadcast_to(v, dims))
    if sparse:
        return tuple(out)
    if not out:
        return xnp.zeros((0,), dtype=dt)
    return xnp.stack(out, axis=0)


def _first_array(xs):
    return next((x for x in xs if _is_array(x)), None)


@generic()
def ix_(*args):
    xnp = _xnp()
    like = _first_array(args)
    nd = len(args)
    out = []
    for k, new in enumerate(args):
        if _is_array(new):
            pass
        elif isinstance(new, list | tuple) and len(new) == 0:
            new = _make(like, "asarray", [], dtype=_index_dtype(like))
        else:
            new = _array(new, like)
        if new.ndim != 1:
            raise ValueError("ix_: cross index must be 1 dimensional")
        if kind(_name(new)) == "b":
            new = xnp.nonzero(new)[0]
        out.append(xnp.reshape(new, (1,) * k + (new.shape[0],) + (1,) * (nd - k - 1)))
    return tuple(out)


# -- shape and structure -----------------------------------------------------------------------

def _atleast_all(n, arys):
    like = _first_array(arys)
    res = [_atleast(_array(a, like), n) for a in arys]
    return res[0] if len(res) == 1 else tuple(res)


@generic()
def atleast_1d(*arys):
    return _atleast_all(1, arys)


@generic()
def atleast_2d(*arys):
    return _atleast_all(2, arys)


@generic()
def atleast_3d(*arys):
    return _atleast_all(3, arys)


def _block_check(x, index, leaves):
    """The list depth at ``x`` (checking that every branch is as deep), collecting leaves."""
    if isinstance(x, tuple):
        raise TypeError(f"block: arrays{index} is a tuple; only lists can be used to arrange "
                        f"blocks, and np.block does not allow implicit conversion from "
                        f"tuple to ndarray")
    if isinstance(x, list):
        if not x:
            raise ValueError(f"block: list arrays{index} cannot be empty")
        depths = [_block_check(v, index + f"[{i}]", leaves) for i, v in enumerate(x)]
        if len(set(depths)) > 1:
            raise ValueError(f"block: list depths are mismatched; arrays{index} has lists "
                             f"nested {min(depths)} and {max(depths)} deep")
        return depths[0] + 1
    leaves.append(x)
    return 0


def _block_rec(x, like, list_ndim, result_ndim, depth):
    xnp = _xnp()
    if depth < list_ndim:
        parts = [_block_rec(v, like, list_ndim, result_ndim, depth + 1) for v in x]
        return _concat(parts, -(list_ndim - depth))
    a = _array(x, like)
    if a.ndim < result_ndim:
        a = xnp.reshape(a, (1,) * (result_ndim - a.ndim) + tuple(a.shape))
    return a


@generic()
def block(arrays):
    leaves: list = []
    list_ndim = _block_check(arrays, "", leaves)
    like = _first_array(leaves)
    arrs = [_array(v, like) for v in leaves]
    result_ndim = max([list_ndim] + [a.ndim for a in arrs])
    if list_ndim == 0:
        return _xnp().astype(arrs[0], _name(arrs[0]), copy=True)
    return _block_rec(arrays, like, list_ndim, result_ndim, 0)


@generic()
def choose(a, choices, out=None, mode="raise"):
    xnp = _xnp()
    _no_out("choose", out)
    if mode not in ("raise", "wrap", "clip"):
        raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    like = a if _is_array(a) else (choices if _is_array(choices) else None)
    a = _array(a, like)
    if kind(_name(a)) not in "biu":
        raise TypeError(f"choose: a must hold integers, got {_name(a)}")
    if _is_array(choices):
        cs = [choices[i] for i in range(choices.shape[0])]
    else:
        cs = [_array(c, a) for c in choices]
    n = len(cs)
    if n == 0:
        raise ValueError("choose: choices must not be empty")
    cs = _promote_all(*cs)
    shape = _np().broadcast_shapes(tuple(a.shape), *(tuple(c.shape) for c in cs))
    idx = xnp.astype(a, _index_dtype(a))
    if mode == "raise":
        bad = _known(xnp.any(xnp.logical_or(idx < 0, idx >= n)))
        if bad:
            raise ValueError("choose: invalid entry in choice array (an index outside "
                             f"[0, {n})); use mode='wrap' or 'clip'")
        idx = xnp.clip(idx, 0, n - 1)
    elif mode == "wrap":
        idx = xnp.remainder(idx, _c(n, idx))
    else:
        idx = xnp.clip(idx, 0, n - 1)
    stacked = xnp.stack([xnp.broadcast_to(c, shape) for c in cs], axis=0)
    idx = xnp.reshape(xnp.broadcast_to(idx, shape), (1,) + tuple(shape))
    return xnp.take_along_axis(stacked, idx, axis=0)[0]


@generic()
def compress(condition, a, axis=None, out=None):
    xnp = _xnp()
    _no_out("compress", out)
    a = _array(a, condition if _is_array(condition) else None)
    cond = _array(condition, a)
    if cond.ndim != 1:
        raise ValueError("compress: condition must be a 1-d array")
    if axis is None:
        a, axis = xnp.reshape(a, (-1,)), 0
    axis = normalize_axis(axis, a.ndim, "compress")
    n = a.shape[axis]
    cond = cond != 0 if kind(_name(cond)) != "b" else cond
    if cond.shape[0] > n:
        if bool(xnp.any(cond[n:])):
            raise IndexError(f"compress: index {n} is out of bounds for axis {axis} with "
                             f"size {n}")
        cond = cond[:n]
    return xnp.take(a, xnp.nonzero(cond)[0], axis=axis)


@generic()
def delete(arr, obj, axis=None):
    np = _np()
    xnp = _xnp()
    arr = _array(arr)
    if axis is None:
        if arr.ndim != 1:
            arr = xnp.reshape(arr, (-1,))
        axis = arr.ndim - 1
    axis = normalize_axis(axis, arr.ndim, "delete")
    n = arr.shape[axis]
    keep = np.ones(n, dtype=bool)
    if isinstance(obj, slice):
        keep[obj] = False
    elif isinstance(obj, int | np.integer) and not isinstance(obj, builtins.bool):
        if not -n <= obj < n:
            raise IndexError(f"delete: index {obj} is out of bounds for axis {axis} with "
                             f"size {n}")
        keep[obj] = False
    else:
        o = _host(obj)
        if o.size == 0 and not _is_array(obj) and not isinstance(obj, np.ndarray):
            o = o.astype(np.intp)
        if o.dtype == bool:
            if o.shape != (n,):
                raise ValueError(f"delete: boolean array argument obj must be one dimensional "
                                 f"and match the axis length of {n}")
            keep = ~o
        else:
            if o.dtype.kind not in "iu":
                raise IndexError("delete: arrays used as indices must be of integer (or "
                                 "boolean) type")
            keep[o] = False
    return _take_host(arr, np.flatnonzero(keep), axis)


@generic()
def insert(arr, obj, values, axis=None):
    np = _np()
    xnp = _xnp()
    arr = _array(arr, values if _is_array(values) else None)
    if axis is None:
        if arr.ndim != 1:
            arr = xnp.reshape(arr, (-1,))
        axis = arr.ndim - 1
    axis = normalize_axis(axis, arr.ndim, "insert")
    n = arr.shape[axis]
    name = _name(arr)
    vals = xnp.astype(_array(values, arr), name)
    if isinstance(obj, slice):
        indices = np.arange(*obj.indices(n))
    else:
        indices = _host(obj)
        if indices.dtype == bool:
            indices = np.flatnonzero(indices)
        elif indices.ndim > 1:
            raise ValueError("insert: index array argument obj must be one dimensional or "
                             "scalar")
    if indices.size == 1:
        index = int(indices.reshape(-1)[0])
        if not -n <= index <= n:
            raise IndexError(f"insert: index {index} is out of bounds for axis {axis} with "
                             f"size {n}")
        if index < 0:
            index += n
        if vals.ndim < arr.ndim:
            vals = xnp.reshape(vals, (1,) * (arr.ndim - vals.ndim) + tuple(vals.shape))
        if indices.ndim == 0:
            vals = xnp.moveaxis(vals, 0, axis)
        numnew = vals.shape[axis]
        shape = list(arr.shape)
        shape[axis] = numnew
        vals = xnp.broadcast_to(vals, tuple(shape))
        return xnp.concat([arr[_sl(arr.ndim, axis, slice(0, index))], vals,
                           arr[_sl(arr.ndim, axis, slice(index, None))]], axis=axis)
    if indices.size == 0 and not _is_array(obj) and not isinstance(obj, np.ndarray):
        indices = indices.astype(np.intp)
    if indices.dtype.kind not in "iu":
        raise IndexError("insert: index arrays must be of integer (or boolean) type")
    indices = indices.astype(np.int64).reshape(-1)
    if (indices < -n).any() or (indices > n).any():
        bad = int(indices[(indices < -n) | (indices > n)][0])
        raise IndexError(f"insert: index {bad} is out of bounds for axis {axis} with size {n}")
    indices = np.where(indices < 0, indices + n, indices)
    numnew = len(indices)
    order = indices.argsort(kind="mergesort")
    indices[order] += np.arange(numnew)
    total = n + numnew
    source = np.empty(total, dtype=np.int64)
    old = np.ones(total, dtype=bool)
    old[indices] = False
    source[old] = np.arange(n)
    source[indices] = n + np.arange(numnew)  # later duplicates win, as NumPy's assignment
    shape = list(arr.shape)
    shape[axis] = numnew
    vals = xnp.broadcast_to(vals, tuple(shape))
    return _take_host(xnp.concat([arr, vals], axis=axis), source, axis)


@generic()
def trim_zeros(filt, trim="fb", axis=None):
    np = _np()
    trim = trim.lower()
    if trim not in ("fb", "bf", "f", "b"):
        raise ValueError(f"trim_zeros: unexpected character(s) in trim: {trim!r}")
    if not _is_array(filt):  # a list or tuple: NumPy slices it as it is
        return np.trim_zeros(filt, trim, axis)
    nd = filt.ndim
    axes = tuple(range(nd)) if axis is None else tuple(
        normalize_axis(a, nd, "trim_zeros") for a in (axis if isinstance(axis, tuple | list)
                                                  else (axis,)))
    if not axes:
        return filt
    nz = _host(argwhere(filt))
    if nz.shape[0] == 0:
        start = stop = [0] * nd
    else:
        start = nz.min(axis=0).tolist() if "f" in trim else [None] * nd
        stop = (nz.max(axis=0) + 1).tolist() if "b" in trim else [None] * nd
    sl = tuple(slice(start[a], stop[a]) if a in axes else slice(None) for a in range(nd))
    return filt[sl]


@generic()
def partition(a, kth, axis=-1, kind="introselect", order=None):
    xnp = _xnp()
    if kind != "introselect":
        raise ValueError(f"partition: kind must be 'introselect', got {kind!r}")
    if order is not None:
        raise ValueError("partition: cannot specify order when the array has no fields")
    a = _array(a)
    if axis is None:
        a, axis = xnp.reshape(a, (-1,)), 0
    if a.ndim == 0:
        from numpy.exceptions import AxisError
        raise AxisError("partition: axis out of bounds for a 0-d array")
    axis = normalize_axis(axis, a.ndim, "partition")
    n = a.shape[axis]
    if type(kth).__module__ == "numpy" and hasattr(kth, "tolist"):  # a NumPy array or int
        kth = kth.tolist()
    for k in (kth if isinstance(kth, list | tuple) else [kth]):
        if isinstance(k, bool):
            raise ValueError("partition: booleans are not accepted as kth, as NumPy's")
        k = _int_arg(k, "partition", "kth")
        if not -n <= k < n:
            raise ValueError(f"partition: kth(={k}) out of bounds ({n})")
    if _is_complex(a):
        raise TypeError("partition: complex arrays are not supported")
    # the sorted array partitions x around every kth at once
    return xnp.sort(a, axis=axis, stable=True)


@generic()
def lexsort(keys, axis=-1):
    xnp = _xnp()
    if _is_array(keys):  # keys along the first axis, as NumPy (a 1-d array: 0-d keys)
        ks = [keys[i] for i in range(keys.shape[0])] if keys.ndim else []
    else:
        like = _first_array(keys)
        ks = [_array(k, like) for k in keys]
    if not ks:
        raise TypeError("lexsort: need a sequence of keys with len > 0")
    shape = tuple(ks[0].shape)
    if any(tuple(k.shape) != shape for k in ks):
        raise ValueError("lexsort: all keys need to be the same shape")
    if not shape:  # 0-d keys sort as one element (axis 0 or -1), as NumPy
        from numpy.exceptions import AxisError
        if axis not in (0, -1):
            raise AxisError(f"lexsort: axis {axis} is out of bounds for keys of dimension 0")
        return xnp.zeros((), dtype=_index_dtype(ks[0]))
    axis = normalize_axis(axis, len(shape), "lexsort")
    perm = xnp.argsort(ks[0], axis=axis, stable=True)
    for k in ks[1:]:
        kk = xnp.take_along_axis(k, perm, axis=axis)
        perm = xnp.take_along_axis(perm, xnp.argsort(kk, axis=axis, stable=True), axis=axis)
    return xnp.astype(perm, _index_dtype(ks[0]))


@generic()
def apply_along_axis(func1d, axis, arr, *args, **kwargs):
    xnp = _xnp()
    arr = _array(arr)
    nd = arr.ndim
    axis = normalize_axis(axis, nd, "apply_along_axis")
    dims = list(range(nd))
    view = xnp.permute_dims(arr, tuple(dims[:axis] + dims[axis + 1:] + [axis]))
    outer = tuple(view.shape[:-1])
    if math.prod(outer) == 0:
        raise ValueError("apply_along_axis: cannot apply_along_axis when any iteration "
                         "dimensions are 0")
    results = []
    for ind in itertools.product(*map(range, outer)):  # (np.ndindex: not under torch.compile)
        results.append(_array(func1d(view[ind + (Ellipsis,)], *args, **kwargs), arr))
    first = results[0]
    rname = _name(first)
    rshape = tuple(first.shape)
    stacked = xnp.stack([xnp.astype(r, rname) if _name(r) != rname else r for r in results],
                        axis=0)
    buff = xnp.reshape(stacked, outer + rshape)
    bdims = list(range(buff.ndim))
    rnd = len(rshape)
    perm = bdims[:axis] + bdims[buff.ndim - rnd:] + bdims[axis:buff.ndim - rnd]
    return xnp.permute_dims(buff, tuple(perm))


@generic()
def apply_over_axes(func, a, axes):
    xnp = _xnp()
    val = _array(a)
    n = val.ndim
    if isinstance(axes, int) or (_is_array(axes) and axes.ndim == 0):
        axes = (int(axes),)
    for axis in axes:
        axis = int(axis)
        if axis < 0:
            axis = n + axis
        res = func(val, axis)
        if res.ndim == val.ndim:
            val = res
        else:
            res = xnp.expand_dims(res, axis=axis)
            if res.ndim == val.ndim:
                val = res
            else:
                raise ValueError("apply_over_axes: function is not returning an array of "
                                 "the correct shape")
    return val


@generic()
def piecewise(x, condlist, funclist, *args, **kw):
    xnp = _xnp()
    x = _array(x, _first_array(condlist) if isinstance(condlist, list | tuple) else condlist)
    n2 = len(funclist)
    if _is_array(condlist):
        conds = [condlist] if (condlist.ndim == x.ndim and x.ndim != 0) or condlist.ndim == 0 \
            else [condlist[i] for i in range(condlist.shape[0])]
    elif isinstance(condlist, list | tuple) and condlist and (
            _is_array(condlist[0]) or isinstance(condlist[0], list | tuple)):
        conds = list(condlist)
    elif isinstance(condlist, list | tuple) and x.ndim != 0:
        conds = [condlist]
    elif isinstance(condlist, list | tuple):
        conds = list(condlist)
    else:
        conds = [condlist]
    conds = [xnp.broadcast_to(xnp.astype(_array(c, x), "bool"), tuple(x.shape)) for c in conds]
    n = len(conds)
    if n == n2 - 1:
        anyc = conds[0]
        for c in conds[1:]:
            anyc = xnp.logical_or(anyc, c)
        conds.append(xnp.logical_not(anyc) if conds else xnp.ones_like(x, dtype="bool"))
        n += 1
    elif n != n2:
        raise ValueError(f"piecewise: with {n} condition(s), either {n} or {n + 1} functions "
                         f"are expected")
    name = _name(x)
    y = xnp.zeros_like(x)
    for cond, func in zip(conds, funclist):
        if callable(func):
            v = _array(func(x, *args, **kw), x)
        else:
            v = _array(func, x)
        v = xnp.broadcast_to(xnp.astype(v, name), tuple(x.shape))
        y = xnp.where(cond, v, y)
    return y


@generic()
def ediff1d(ary, to_end=None, to_begin=None):
    xnp = _xnp()
    ary = xnp.reshape(_array(ary), (-1,))
    name = _name(ary)
    if kind(name) == "b":
        raise TypeError("ediff1d: boolean subtract is not supported; use logical_xor")
    parts = []

    def extra(v, what):
        v = _array(v, ary)
        if not _can_cast(_name(v), name, "same_kind"):
            raise TypeError(f"ediff1d: dtype of {what} must be compatible with the input "
                            f"ary under the 'same_kind' rule ({_name(v)} -> {name})")
        return xnp.astype(xnp.reshape(v, (-1,)), name)

    if to_begin is not None:
        parts.append(extra(to_begin, "to_begin"))
    parts.append(xnp.subtract(ary[1:], ary[:-1]))
    if to_end is not None:
        parts.append(extra(to_end, "to_end"))
    return parts[0] if len(parts) == 1 else xnp.concat(parts, axis=0)


# -- products ------------------------------------------------------------------------------

@generic()
def outer(a, b, out=None):
    xnp = _xnp()
    _no_out("outer", out)
    a, b = _pair(a, b)
    a, b = _promote(xnp.reshape(a, (-1,)), xnp.reshape(b, (-1,)))
    return xnp.reshape(a, (-1, 1)) * xnp.reshape(b, (1, -1))


@generic()
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    xnp = _xnp()
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _pair(a, b)
    a = xnp.moveaxis(a, normalize_axis(axisa, a.ndim, "cross"), -1)
    b = xnp.moveaxis(b, normalize_axis(axisb, b.ndim, "cross"), -1)
    if a.shape[-1] not in (2, 3) or b.shape[-1] not in (2, 3):
        raise ValueError("cross: incompatible dimensions for cross product (dimension must "
                         "be 2 or 3)")
    a, b = _promote(a, b)
    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    # (each product its own rounding, as NumPy's: _apart)
    cp2 = xnp.subtract(_apart(a0, b1), _apart(a1, b0))
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return cp2
    if a.shape[-1] == 2:
        b2 = b[..., 2]
        cp0, cp1 = a1 * b2, xnp.negative(a0 * b2)
    elif b.shape[-1] == 2:
        a2 = a[..., 2]
        cp0, cp1 = xnp.negative(a2 * b1), a2 * b0
    else:
        a2, b2 = a[..., 2], b[..., 2]
        cp0 = xnp.subtract(_apart(a1, b2), _apart(a2, b1))
        cp1 = xnp.subtract(_apart(a2, b0), _apart(a0, b2))
    shape = _np().broadcast_shapes(tuple(cp0.shape), tuple(cp1.shape), tuple(cp2.shape))
    cp = xnp.stack([xnp.broadcast_to(c, shape) for c in (cp0, cp1, cp2)], axis=-1)
    return xnp.moveaxis(cp, -1, normalize_axis(axisc, cp.ndim, "cross"))


def _gufunc_check(op, out, axes, axis, keepdims, casting, order, subok, signature):
    _ufunc_check(op, out, True, casting, order, subok, signature)
    if axis is not None:
        raise TypeError(f"{op}: axis= applies to gufuncs with one core dimension per "
                        f"operand; use axes=")
    if keepdims:
        raise ValueError(f"{op}: keepdims=True needs an output without core dimensions")


def _gufunc_axes(op, axes, cores, ndims):
    """NumPy's ``axes=`` of a gufunc, checked as NumPy checks it: a list with an entry (a
    tuple of ``cores[i]`` axes, or an int where that is 1) for each operand of core
    dimensions ``cores`` (inputs, then the output; the output's may be left out where it
    has none) and ``ndims`` (the output's: the broadcast loop dimensions and its own core
    ones). Returns each operand's axes, each in ``[0, ndim)``."""
    if not isinstance(axes, list):
        raise TypeError(f"{op}: axes should be a list, got {type(axes).__name__}")
    if len(axes) != len(cores) and not (len(axes) == len(cores) - 1 and cores[-1] == 0):
        raise ValueError(f"{op}: axes should be a list with an entry for all {len(cores)} "
                         f"inputs and outputs; entries for outputs can only be omitted if "
                         f"none of them has core axes")
    out = []
    for i, (entry, ncore, ndim) in enumerate(zip(axes, cores, ndims)):
        if not isinstance(entry, tuple):
            if ncore != 1:
                raise TypeError(f"{op}: axes item {i} should be a tuple")
            entry = (entry,)
        if len(entry) != ncore:
            raise OpAxisError(f"{op}: operand {i} has {ncore} core dimensions, but "
                              f"{len(entry)} dimensions are specified by axes tuple")
        seen = []
        for a in entry:
            if isinstance(a, bool):
                raise TypeError(f"{op}: axes item {i} holds {a!r}; an integer is required")
            try:
                a = operator.index(a)
            except TypeError:
                raise TypeError(f"{op}: axes item {i} holds {a!r}; an integer is "
                                f"required") from None
            if not -ndim <= a < ndim:
                raise OpAxisError(f"{op}: axis {a} is out of bounds for array of dimension "
                                  f"{ndim}")
            a %= ndim
            if a in seen:
                raise ValueError(f"{op}: axes item {i} has value {a} repeated")
            seen.append(a)
        out.append(tuple(seen))
    return out


def _mv_axes(op, axes, x1, x2, first):
    """matvec's (``first`` 2: x1 is the matrix) or vecmat's (``first`` 1) operands with
    NumPy's ``axes=`` core axes moved last, and the axis of the result to put them at."""
    xnp = _xnp()
    second = 3 - first
    for x, n, name in ((x1, first, "x1"), (x2, second, "x2")):
        if x.ndim < n:
            raise ValueError(f"{op}: {name} needs {n} or more dimensions, got shape "
                             f"{tuple(x.shape)}")
    loop = builtins.max(x1.ndim - first, x2.ndim - second)
    a1, a2, a3 = _gufunc_axes(op, axes, (first, second, 1), (x1.ndim, x2.ndim, loop + 1))
    x1 = xnp.moveaxis(x1, a1, tuple(range(-first, 0)))
    x2 = xnp.moveaxis(x2, a2, tuple(range(-second, 0)))
    return x1, x2, a3[0]


def _mv_operands(op, x1, x2, dtype, casting):
    xnp = _xnp()
    x1, x2 = _pair(x1, x2)
    x1, x2 = _promote(x1, x2)
    if dtype is not None:
        target = dtype_name(dtype)
        if not _can_cast(_name(x1), target, casting):
            raise TypeError(f"{op}: cannot cast {_name(x1)} to {target} with "
                            f"casting={casting!r}")
        x1, x2 = xnp.astype(x1, target), xnp.astype(x2, target)
    return x1, x2


@generic()
def matvec(x1, x2, /, out=None, *, axes=None, axis=None, keepdims=False, casting="same_kind",
           order="K", dtype=None, subok=True, signature=None):
    xnp = _xnp()
    _gufunc_check("matvec", out, axes, axis, keepdims, casting, order, subok, signature)
    x1, x2 = _mv_operands("matvec", x1, x2, dtype, casting)
    if axes is not None:
        x1, x2, l_ = _mv_axes("matvec", axes, x1, x2, 2)
    if x1.ndim < 2 or x2.ndim < 1:
        raise ValueError(f"matvec: x1 needs 2 or more dimensions and x2 1 or more, got "
                         f"shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"matvec: core dimension mismatch, x1 {tuple(x1.shape)} has "
                         f"{x1.shape[-1]} columns, x2 {tuple(x2.shape)} {x2.shape[-1]} "
                         f"elements")
    r = xnp.matmul(x1, xnp.expand_dims(x2, axis=-1))[..., 0]
    return r if axes is None else xnp.moveaxis(r, -1, l_)


@generic()
def vecmat(x1, x2, /, out=None, *, axes=None, axis=None, keepdims=False, casting="same_kind",
           order="K", dtype=None, subok=True, signature=None):
    xnp = _xnp()
    _gufunc_check("vecmat", out, axes, axis, keepdims, casting, order, subok, signature)
    x1, x2 = _mv_operands("vecmat", x1, x2, dtype, casting)
    if axes is not None:
        x1, x2, l_ = _mv_axes("vecmat", axes, x1, x2, 1)
    if x1.ndim < 1 or x2.ndim < 2:
        raise ValueError(f"vecmat: x1 needs 1 or more dimensions and x2 2 or more, got "
                         f"shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    if x1.shape[-1] != x2.shape[-2]:
        raise ValueError(f"vecmat: core dimension mismatch, x1 {tuple(x1.shape)} has "
                         f"{x1.shape[-1]} elements, x2 {tuple(x2.shape)} {x2.shape[-2]} rows")
    if _is_complex(x1):
        x1 = xnp.conj(x1)
    r = xnp.matmul(xnp.expand_dims(x1, axis=-2), x2)[..., 0, :]
    return r if axes is None else xnp.moveaxis(r, -1, l_)


@generic()
def convolve(a, v, mode="full"):
    xnp = _xnp()
    a, v = _pair(a, v)
    a = xnp.reshape(a, (-1,)) if a.ndim == 0 else a
    v = xnp.reshape(v, (-1,)) if v.ndim == 0 else v
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"convolve: a and v must be 1-d, got shapes {tuple(a.shape)} and "
                         f"{tuple(v.shape)}")
    if a.shape[0] == 0:
        raise ValueError("convolve: a cannot be empty")
    if v.shape[0] == 0:
        raise ValueError("convolve: v cannot be empty")
    if mode not in ("full", "same", "valid"):
        raise ValueError(f"convolve: mode must be 'full', 'same' or 'valid', got {mode!r}")
    if v.shape[0] > a.shape[0]:
        a, v = v, a
    w = xnp.flip(v, axis=0)
    if _is_complex(w):
        w = xnp.conj(w)  # correlate conjugates its second operand
    return xnp.correlate(a, w, mode=mode)


@generic()
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *,
        dtype=None):
    xnp = _xnp()
    if ddof is not None and ddof != int(ddof):
        raise ValueError("cov: ddof must be an integer")
    m = _array(m, y if _is_array(y) else None)
    if m.ndim > 2:
        raise ValueError("cov: m has more than 2 dimensions")
    if y is not None:
        y = _array(y, m)
        if y.ndim > 2:
            raise ValueError("cov: y has more than 2 dimensions")
    if dtype is None:
        names = [_name(m)] + ([_name(y)] if y is not None else [])
        dt = result_name(*names, _float64(m))
        if kind(dt) == "c":
            dt = result_name(dt, _complex128(m))
    else:
        dt = dtype_name(dtype)

    def rows(v):
        v = xnp.astype(v, dt)
        if v.ndim < 2:
            v = xnp.reshape(v, (1,) * (2 - v.ndim) + tuple(v.shape))
        if not rowvar and v.shape[0] != 1:
            v = xnp.permute_dims(v, (1, 0))
        return v

    X = rows(m)
    if X.shape[0] == 0:
        with _on(m):
            return xnp.zeros((0, 0), dtype=_float64(m))
    if y is not None:
        X = xnp.concat([X, rows(y)], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    ddof = int(ddof)
    fw = _float64(m)
    w = None
    nobs = X.shape[1]

    def weights(v, what):
        v = xnp.astype(_array(v, m), fw)
        if v.ndim > 1:
            raise RuntimeError(f"cov: cannot handle multidimensional {what}")
        if v.shape[0] != nobs:
            raise RuntimeError(f"cov: incompatible numbers of samples and {what}")
        if _known(xnp.any(v < 0)):
            raise ValueError(f"cov: {what} cannot be negative")
        return v

    if fweights is not None:
        f = weights(fweights, "fweights")
        if _known(xnp.any(f != xnp.round(f))):
            raise TypeError("cov: fweights must be integer")
        w = f
    a = None
    if aweights is not None:
        a = weights(aweights, "aweights")
        w = a if w is None else w * a
    if w is None:
        avg = xnp.mean(X, axis=1)
        fact = float(nobs - ddof)
        Xc = X - xnp.reshape(avg, (-1, 1))
        XT = xnp.permute_dims(Xc, (1, 0))
        c = xnp.matmul(Xc, xnp.conj(XT) if _is_complex(XT) else XT)
        c = c * _c(1.0 / fact if fact > 0 else math.inf, c)
    else:
        wx = xnp.astype(w, dt)
        w_sum = xnp.sum(w)
        avg = xnp.sum(X * wx, axis=1) / xnp.astype(w_sum, dt)
        if ddof == 0:
            fact = w_sum
        elif a is None:
            fact = w_sum - _c(float(ddof), w_sum)
        else:
            fact = w_sum - _c(float(ddof), w_sum) * xnp.sum(w * a) / w_sum
        fact = xnp.where(fact <= 0, xnp.zeros_like(fact), fact)
        Xc = X - xnp.reshape(avg, (-1, 1))
        XT = xnp.permute_dims(Xc * wx, (1, 0))
        c = xnp.matmul(Xc, xnp.conj(XT) if _is_complex(XT) else XT)
        c = c * xnp.astype(_c(1.0, fact) / fact, dt)
    return _squeeze_all(c)


# -- interpolation and differences -------------------------------------------------------------

@generic()
def interp(x, xp, fp, left=None, right=None, period=None):
    xnp = _xnp()
    like = _first_array([x, xp, fp])
    fp = _array(fp, like)
    x, xp = _array(x, like), _array(xp, like)
    f64 = _float64(fp)
    out_dt = _complex128(fp) if _is_complex(fp) else f64
    if period is not None:
        if period == 0:
            raise ValueError("interp: period must be a non-zero value")
        period = abs(period)
        left = right = None
    x = xnp.astype(x, f64)
    xp = xnp.astype(xp, f64)
    fp = xnp.astype(fp, out_dt)
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("interp: data points must be 1-D sequences")
    if xp.shape[0] != fp.shape[0]:
        raise ValueError("interp: fp and xp are not of the same length")
    if xp.shape[0] == 0:
        raise ValueError("interp: array of sample points is empty")
    if period is not None:
        p = _c(float(period), x)
        x = xnp.remainder(x, p)
        xp = xnp.remainder(xp, p)
        order = xnp.argsort(xp, stable=True)
        xp, fp = xnp.take(xp, order, axis=0), xnp.take(fp, order, axis=0)
        xp = xnp.concat([xp[-1:] - p, xp, xp[0:1] + p], axis=0)
        fp = xnp.concat([fp[-1:], fp, fp[0:1]], axis=0)
    n = xp.shape[0]
    lval = fp[0] if left is None else xnp.astype(_array(left, fp), out_dt)
    rval = fp[-1] if right is None else xnp.astype(_array(right, fp), out_dt)
    if n == 1:
        res = xnp.where(x < xp[0], lval, xnp.where(x > xp[0], rval, fp[0]))
        res = xnp.broadcast_to(xnp.astype(res, out_dt), tuple(x.shape))
    else:
        flat = xnp.reshape(x, (-1,))
        j = xnp.astype(xnp.searchsorted(xp, flat, side="right"), _index_dtype(x)) - 1
        jc = xnp.clip(j, 0, n - 2)
        x0, x1 = xnp.take(xp, jc, axis=0), xnp.take(xp, jc + 1, axis=0)
        y0, y1 = xnp.take(fp, jc, axis=0), xnp.take(fp, jc + 1, axis=0)

        def part(y0, y1):
            slope = (y1 - y0) / (x1 - x0)
            r = _apart(slope, flat - x0) + y0
            r = xnp.where(xnp.isnan(r), _apart(slope, flat - x1) + y1, r)
            return xnp.where(xnp.logical_and(xnp.isnan(r), y0 == y1), y0, r)

        if _is_complex(fp):
            res = xnp.astype(part(xnp.real(y0), xnp.real(y1)), out_dt) + xnp.astype(
                part(xnp.imag(y0), xnp.imag(y1)), out_dt) * _c(1j, y0)
        else:
            res = part(y0, y1)
        res = xnp.where(flat == x0, y0, res)
        res = xnp.where(j == n - 1, xnp.broadcast_to(fp[n - 1], tuple(res.shape)), res)
        res = xnp.where(j < 0, xnp.broadcast_to(lval, tuple(res.shape)), res)
        res = xnp.where(flat > xp[n - 1], xnp.broadcast_to(rval, tuple(res.shape)), res)
        res = xnp.reshape(res, tuple(x.shape))
    nan = xnp.isnan(x)
    return xnp.where(nan, xnp.astype(x, out_dt), res)


def _axis_tuple(axis, ndim, op):
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(normalize_axis(a, ndim, op) for a in (axis if isinstance(axis, tuple | list)
                                                  else (axis,)))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis")
    return axes


@generic()
def gradient(f, *varargs, axis=None, edge_order=1):
    xnp = _xnp()
    f = _array(f, _first_array(varargs))
    if _name(f) == "bool":  # NumPy subtracts bools, for which it has no loop
        raise TypeError("gradient: f has dtype bool, whose differences NumPy does not "
                        "take; cast it to an integer or float dtype first")
    N = f.ndim
    axes = _axis_tuple(axis, N, "gradient")
    n = len(varargs)
    if n == 0:
        dx = [1.0] * len(axes)
    elif n == 1 and not (_is_array(varargs[0]) and varargs[0].ndim > 0) and \
            _np().ndim(varargs[0] if not _is_array(varargs[0]) else 0) == 0:
        dx = [varargs[0]] * len(axes)
    elif n == len(axes):
        dx = []
        for i, d in enumerate(varargs):
            if not _is_array(d) and _np().ndim(d) == 0:
                dx.append(d)
                continue
            d = _array(d, f)
            if d.ndim == 0:
                dx.append(d)
                continue
            if d.ndim != 1:
                raise ValueError("gradient: distances must be either scalars or 1d")
            if d.shape[0] != f.shape[axes[i]]:
                raise ValueError("gradient: when 1d, distances must match the length of the "
                                 "corresponding dimension")
            if kind(_name(d)) in "biu":
                d = xnp.astype(d, _float64(f))
            diffx = d[1:] - d[:-1]
            if diffx.shape[0] and _known(xnp.all(diffx == diffx[0])):
                diffx = diffx[0]
            dx.append(diffx)
    else:
        raise TypeError("gradient: invalid number of arguments")
    if edge_order > 2:
        raise ValueError("gradient: 'edge_order' greater than 2 not supported")
    otype = _name(f)
    if kind(otype) in "biu":
        f = xnp.astype(f, _float64(f))
        otype = _name(f)
    outvals = []
    for ax, d in zip(axes, dx):
        if f.shape[ax] < edge_order + 1:
            raise ValueError("gradient: shape of array too small to calculate a numerical "
                             "gradient, at least (edge_order + 1) elements are required")

        fa = f
        if _is_array(d):  # f and the spacings in one dtype (crossops's table)
            comp = result_name(_name(f), _name(d))
            fa, d = xnp.astype(f, comp), xnp.astype(d, comp)

        def at(s, ax=ax, fa=fa):
            return fa[_sl(N, ax, s)]

        uniform = not _is_array(d) or d.ndim == 0
        if uniform:
            interior = (at(slice(2, None)) - at(slice(None, -2))) / _scal(2.0, d, f)
        else:
            dx1, dx2 = d[:-1], d[1:]
            shape = [1] * N
            shape[ax] = -1
            a = xnp.reshape(-dx2 / (dx1 * (dx1 + dx2)), tuple(shape))
            b = xnp.reshape((dx2 - dx1) / (dx1 * dx2), tuple(shape))
            c = xnp.reshape(dx1 / (dx2 * (dx1 + dx2)), tuple(shape))
            interior = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
        if edge_order == 1:
            d0 = d if uniform else d[0]
            dn = d if uniform else d[-1]
            first = (at(slice(1, 2)) - at(slice(0, 1))) / _scal(1.0, d0, f)
            last = (at(slice(-1, None)) - at(slice(-2, -1))) / _scal(1.0, dn, f)
        else:
            if uniform:
                a, b, c = (_coef(v, d, f) for v in (-1.5, 2.0, -0.5))
            else:
                dx1, dx2 = d[0], d[1]
                a = -(_c(2.0, dx1) * dx1 + dx2) / (dx1 * (dx1 + dx2))
                b = (dx1 + dx2) / (dx1 * dx2)
                c = -dx1 / (dx2 * (dx1 + dx2))
            first = a * at(slice(0, 1)) + b * at(slice(1, 2)) + c * at(slice(2, 3))
            if uniform:
                a, b, c = (_coef(v, d, f) for v in (0.5, -2.0, 1.5))
            else:
                dx1, dx2 = d[-2], d[-1]
                a = dx2 / (dx1 * (dx1 + dx2))
                b = -(dx2 + dx1) / (dx1 * dx2)
                c = (_c(2.0, dx2) * dx2 + dx1) / (dx2 * (dx1 + dx2))
            last = a * at(slice(-3, -2)) + b * at(slice(-2, -1)) + c * at(slice(-1, None))
        parts = [xnp.astype(p, otype) for p in (first, interior, last)]
        outvals.append(xnp.concat(parts, axis=ax))
    return outvals[0] if len(axes) == 1 else tuple(outvals)


def _scal(factor, d, like):
    """``factor * d`` for a spacing ``d`` (a Python number stays a weak scalar)."""
    if _is_array(d):
        return _c(factor, d) * d
    return factor * d


def _coef(v, d, like):
    """``v / d`` for a spacing ``d``."""
    if _is_array(d):
        return _c(v, d) / d
    return v / d


@generic()
def unwrap(p, discont=None, axis=-1, *, period=2 * math.pi):
    xnp = _xnp()
    p = _array(p)
    nd = p.ndim
    axis = normalize_axis(axis, nd, "unwrap")
    dd = xnp.diff(p, axis=axis)
    if discont is None:
        discont = period / 2
    if isinstance(period, int | bool) and not isinstance(period, float):
        dt = _name(dd)
    else:
        dt = _name(dd) if kind(_name(dd)) in "fc" else _float64(p)
    if kind(dt) in "iu":
        interval_high, rem = divmod(period, 2)
        ambiguous = rem == 0
    else:
        interval_high = period / 2
        ambiguous = True
    ddw = xnp.astype(dd, dt)
    lo = -interval_high
    ddmod = xnp.remainder(ddw - _c(lo, ddw), _c(period, ddw)) + _c(lo, ddw)
    if ambiguous:
        hit = xnp.logical_and(ddmod == _c(lo, ddmod), ddw > _c(0, ddw))
        ddmod = xnp.where(hit, xnp.full_like(ddmod, interval_high), ddmod)
    ph = ddmod - ddw
    ph = xnp.where(xnp.less(xnp.abs(ddw), discont), xnp.zeros_like(ph), ph)
    pw = xnp.astype(p, dt)
    rest = xnp.add(pw[_sl(nd, axis, slice(1, None))], xnp.cumulative_sum(ph, axis=axis))
    return xnp.concat([pw[_sl(nd, axis, slice(0, 1))], xnp.astype(rest, dt)], axis=axis)


# -- histograms ------------------------------------------------------------------------------

def _outer_edges(a, rng, op):
    """(first, last) edges as NumPy's ``_get_outer_edges``: Python numbers from ``range``,
    else 0-d arrays of ``a``'s min and max."""
    xnp = _xnp()
    if rng is not None:
        first, last = rng
        if first > last:
            raise ValueError(f"{op}: max must be larger than min in range parameter")
        if not (math.isfinite(first) and math.isfinite(last)):
            raise ValueError(f"{op}: supplied range of [{first}, {last}] is not finite")
        if first == last:
            first, last = first - 0.5, last + 0.5
        return first, last
    if a.shape[0] == 0:
        return 0, 1
    first, last = xnp.min(a), xnp.max(a)
    if _is_float(first) and _known(xnp.logical_not(xnp.logical_and(
            xnp.isfinite(first), xnp.isfinite(last)))):
        raise ValueError(f"{op}: autodetected range of [{float(first)}, {float(last)}] is "
                         f"not finite")
    if kind(_name(first)) in "biu":
        wide = _float64(a)
        first, last = xnp.astype(first, wide), xnp.astype(last, wide)
    same = first == last
    first = xnp.where(same, first - _c(0.5, first), first)
    last = xnp.where(same, last + _c(0.5, last), last)
    return first, last


def _linspace_edges(first, last, n, like):
    """NumPy's ``linspace(first, last, n + 1)``: ``first + i * ((last - first) / n)``, the
    last edge ``last``; in float64 for Python numbers, else in their dtype."""
    xnp = _xnp()
    if not _is_array(first):
        dt = _float64(like)
        with _on(like):
            i = xnp.arange(n, dtype=dt)
        step = (float(last) - float(first)) / n
        inner = i * _c(step, i) + _c(float(first), i)
        with _on(like):
            end = xnp.asarray([float(last)], dtype=dt)
        return xnp.concat([inner, end], axis=0)
    dt = _name(first)
    with _on(like):
        i = xnp.arange(n, dtype=dt)
    inner = i * ((last - first) / _c(float(n), first)) + first
    return xnp.concat([inner, xnp.reshape(last, (1,))], axis=0)


def _edges_array(bins, like, op, what="bins"):
    xnp = _xnp()
    e = _array(bins, like)
    if e.ndim != 1:
        raise ValueError(f"{op}: {what} must be 1d, when an array")
    if e.shape[0] > 1 and _known(xnp.any(e[:-1] > e[1:])):
        raise ValueError(f"{op}: {what} must increase monotonically, when an array")
    return e


def _ndim(value) -> int:
    """``numpy.ndim`` of host data, in plain Python (torch.compile traces NumPy's as torch)."""
    if hasattr(value, "ndim"):
        return value.ndim
    return 1 + _ndim(value[0]) if isinstance(value, list | tuple) and value else int(
        isinstance(value, list | tuple))


@generic()
def histogram_bin_edges(a, bins=10, range=None, weights=None):
    xnp = _xnp()
    a = _array(a)
    if isinstance(bins, str):
        import crossops
        np = _np()
        w = None if weights is None else _host(weights)
        edges = np.histogram_bin_edges(crossops.to_numpy(a), bins=bins, range=range,
                                       weights=w)
        with _on(a):
            return xnp.asarray(edges.tolist(), dtype=dtype_name(edges.dtype))
    if _is_array(bins) and bins.ndim == 1 or isinstance(bins, list | tuple) or (
            not _is_array(bins) and _ndim(bins) == 1):
        return _edges_array(bins, a, "histogram_bin_edges")
    n = _int_arg(bins, "histogram_bin_edges", "bins")
    if n < 1:
        raise ValueError("histogram_bin_edges: bins must be positive, when an integer")
    flat = xnp.reshape(a, (-1,))
    if _is_complex(flat):
        raise TypeError("histogram_bin_edges: a must be real")
    first, last = _outer_edges(flat, range, "histogram_bin_edges")
    bin_type = _name(flat) if kind(_name(flat)) in "f" else _float64(a)
    if _is_array(first):
        first, last = xnp.astype(first, bin_type), xnp.astype(last, bin_type)
    edges = _linspace_edges(first, last, n, a)
    return xnp.astype(edges, bin_type)


@generic()
def histogramdd(sample, bins=10, range=None, density=None, weights=None):
    xnp = _xnp()
    np = _np()
    if _is_array(sample) and sample.ndim == 2:
        s = sample
    else:
        if _is_array(sample):
            s = _atleast(sample, 2)
        else:
            like = _first_array(sample) if isinstance(sample, list | tuple) else None
            cols = [_array(c, like) for c in sample] if isinstance(sample, list | tuple) \
                else [_array(sample)]
            cols = _promote_all(*cols) if len(cols) > 1 else cols
            s = xnp.stack([xnp.reshape(c, (-1,)) if c.ndim == 0 else c for c in cols],
                          axis=0) if all(c.ndim <= 1 for c in cols) else _atleast(cols[0], 2)
        s = xnp.permute_dims(s, (1, 0))
    N, D = s.shape
    if weights is not None:
        weights = _array(weights, s)
    if isinstance(bins, list | tuple) or (_is_array(bins) and bins.ndim > 0):
        bins = list(bins) if not _is_array(bins) else [bins[i] for i in builtins.range(
            bins.shape[0])]
        if len(bins) != D:
            raise ValueError("histogramdd: the dimension of bins must be equal to the "
                             "dimension of the sample x")
    else:
        bins = [bins] * D
    if range is None:
        range = (None,) * D
    elif len(range) != D:
        raise ValueError("histogramdd: range argument must have one entry per dimension")
    edges, nbin = [], []
    for i in builtins.range(D):
        bi = bins[i]
        col = s[:, i]
        if not _is_array(bi) and _ndim(bi) == 0:
            if bi < 1:
                raise ValueError(f"histogramdd: bins[{i}] must be positive, when an integer")
            first, last = _outer_edges(col, range[i], "histogramdd")
            try:
                n = operator.index(bi)
            except TypeError:
                raise TypeError(f"histogramdd: bins[{i}] must be an integer, when a "
                                f"scalar") from None
            e = _linspace_edges(first, last, n, s)
        elif (_is_array(bi) and bi.ndim == 1) or np.ndim(bi) == 1:
            e = _edges_array(bi, s, "histogramdd", f"bins[{i}]")
        else:
            raise ValueError(f"histogramdd: bins[{i}] must be a scalar or 1d array")
        edges.append(e)
        nbin.append(e.shape[0] + 1)
    idx_dt = _index_dtype(s)
    flat = None
    stride = 1
    for i in reversed(builtins.range(D)):
        col = s[:, i]
        e = edges[i]
        ce, cc = _promote(e, col)
        cnt = xnp.astype(xnp.searchsorted(ce, cc, side="right"), idx_dt)
        on_edge = cc == ce[-1]
        cnt = cnt - xnp.astype(on_edge, idx_dt)
        term = cnt * _c(stride, cnt) if stride != 1 else cnt
        flat = term if flat is None else flat + term
        stride *= nbin[i]
    total = math.prod(nbin)
    if N == 0 or flat is None:
        with _on(s):
            hist = xnp.zeros((total,), dtype=_float64(s))
    else:
        w = None if weights is None else xnp.astype(weights, _float64(s))
        hist = bin_sums(flat, w, total)
    hist = xnp.astype(xnp.reshape(hist, tuple(nbin)), _float64(s))
    hist = hist[tuple(slice(1, -1) for _ in builtins.range(D))]
    if density:
        tot = xnp.sum(hist)
        for i in builtins.range(D):
            shape = [1] * D
            shape[i] = nbin[i] - 2
            de = edges[i][1:] - edges[i][:-1]
            hist = hist / xnp.reshape(xnp.astype(de, _float64(s)), tuple(shape))
        hist = hist / tot
    return hist, edges


@generic()
def histogram2d(x, y, bins=10, range=None, density=None, weights=None):
    try:
        n = len(bins)
    except TypeError:
        n = 1
    if n != 1 and n != 2:
        bins = [bins, bins]
    hist, edges = histogramdd([x, y], bins, range, density, weights)
    return hist, edges[0], edges[1]


# -- sets ----------------------------------------------------------------------------------

def _sort1(x):
    return _xnp().sort(x, axis=0, stable=True)


def _mask_take(x, mask):
    xnp = _xnp()
    return xnp.take(x, xnp.nonzero(mask)[0], axis=0)


def _ravel(x):
    return _xnp().reshape(x, (-1,))


@generic()
def intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    xnp = _xnp()
    ar1, ar2 = _pair(ar1, ar2)
    if not assume_unique:
        if return_indices:
            ar1, ind1 = xnp.unique(ar1, return_index=True)
            ar2, ind2 = xnp.unique(ar2, return_index=True)
        else:
            ar1, ar2 = xnp.unique(ar1), xnp.unique(ar2)
    else:
        ar1, ar2 = _ravel(ar1), _ravel(ar2)
    aux = _concat([ar1, ar2], 0)
    if return_indices:
        order = xnp.argsort(aux, stable=True)
        aux = xnp.take(aux, order, axis=0)
    else:
        aux = _sort1(aux)
    mask = aux[1:] == aux[:-1]
    int1d = _mask_take(aux[:-1], mask)
    if not return_indices:
        return int1d
    i1 = _mask_take(order[:-1], mask)
    i2 = _mask_take(order[1:], mask) - _c(ar1.shape[0], order)
    if not assume_unique:
        i1 = xnp.take(ind1, i1, axis=0)
        i2 = xnp.take(ind2, i2, axis=0)
    dt = _index_dtype(aux)
    return int1d, xnp.astype(i1, dt), xnp.astype(i2, dt)


@generic()
def union1d(ar1, ar2):
    ar1, ar2 = _pair(ar1, ar2)
    return _xnp().unique(_concat([_ravel(ar1), _ravel(ar2)], 0))


@generic()
def setdiff1d(ar1, ar2, assume_unique=False):
    xnp = _xnp()
    ar1, ar2 = _pair(ar1, ar2)
    if assume_unique:
        ar1 = _ravel(ar1)
    else:
        ar1, ar2 = xnp.unique(ar1), xnp.unique(ar2)
    return _mask_take(ar1, xnp.isin(ar1, _ravel(ar2), invert=True))


@generic()
def setxor1d(ar1, ar2, assume_unique=False):
    xnp = _xnp()
    ar1, ar2 = _pair(ar1, ar2)
    if not assume_unique:
        ar1, ar2 = xnp.unique(ar1), xnp.unique(ar2)
    aux = _concat([_ravel(ar1), _ravel(ar2)], 0)
    if aux.shape[0] == 0:
        return aux
    aux = _sort1(aux)
    with _on(aux):
        t = xnp.ones((1,), dtype="bool")
    flag = xnp.concat([t, aux[1:] != aux[:-1], t], axis=0)
    return _mask_take(aux, xnp.logical_and(flag[1:], flag[:-1]))


# -- polynomials -----------------------------------------------------------------------------

def _poly1(p, like=None):
    """``atleast_1d(p)`` as an array."""
    return _atleast(_array(p, like), 1)


@generic()
def polyval(p, x):
    xnp = _xnp()
    like = p if _is_array(p) else (x if _is_array(x) else None)
    p = _array(p, like)
    x = _array(x, p)
    r = result_name(_name(p), _name(x)) if p.shape[0] else _name(x)
    p, x = xnp.astype(p, r), xnp.astype(x, r)
    y = xnp.zeros_like(x)
    for i in builtins.range(p.shape[0]):  # (the ops, not the operators: bool is or, and)
        y = xnp.add(xnp.multiply(y, x), p[i])
    return y


@generic()
def polyadd(a1, a2):
    xnp = _xnp()
    a1, a2 = _pair(a1, a2)
    a1, a2 = _atleast(a1, 1), _atleast(a2, 1)
    diff = a2.shape[0] - a1.shape[0]
    if diff > 0:
        with _on(a1):
            a1 = xnp.concat([xnp.zeros((diff,), dtype=_name(a1)), a1], axis=0)
    elif diff < 0:
        with _on(a2):
            a2 = xnp.concat([xnp.zeros((-diff,), dtype=_name(a2)), a2], axis=0)
    a1, a2 = _promote(a1, a2)
    return xnp.add(a1, a2)  # (the op, not the operator: bool is or, as NumPy's)


@generic()
def polysub(a1, a2):
    xnp = _xnp()
    a1, a2 = _pair(a1, a2)
    a1, a2 = _atleast(a1, 1), _atleast(a2, 1)
    diff = a2.shape[0] - a1.shape[0]
    if diff > 0:
        with _on(a1):
            a1 = xnp.concat([xnp.zeros((diff,), dtype=_name(a1)), a1], axis=0)
    elif diff < 0:
        with _on(a2):
            a2 = xnp.concat([xnp.zeros((-diff,), dtype=_name(a2)), a2], axis=0)
    a1, a2 = _promote(a1, a2)
    if kind(_name(a1)) == "b":
        raise TypeError("polysub: boolean subtract is not supported")
    return xnp.subtract(a1, a2)


def _poly1d_coeffs(a):
    """The coefficients NumPy's ``poly1d(a)`` keeps: leading zeros trimmed (one zero if all
    are)."""
    a = _atleast(a, 1)
    nz = _host(_xnp().nonzero(a)[0])
    if nz.size == 0:
        with _on(a):
            return _xnp().zeros((1,), dtype=_name(a))
    return a[int(nz[0]):]


@generic()
def polymul(a1, a2):
    a1, a2 = _pair(a1, a2)
    return convolve(_poly1d_coeffs(a1), _poly1d_coeffs(a2))


@generic()
def polyder(p, m=1):
    xnp = _xnp()
    m = int(m)
    if m < 0:
        raise ValueError("polyder: order of derivative must be positive (see polyint)")
    p = _array(p)
    for _ in builtins.range(m):
        n = p.shape[0] - 1
        with _on(p):
            c = xnp.arange(n, 0, -1, dtype=_index_dtype(p)) if n > 0 else \
                xnp.zeros((0,), dtype=_index_dtype(p))
        p, c = _promote(p[:-1], c)
        p = p * c
    return p


@generic()
def polyint(p, m=1, k=None):
    xnp = _xnp()
    m = int(m)
    if m < 0:
        raise ValueError("polyint: order of integral must be positive (see polyder)")
    p = _array(p)
    f64 = _float64(p)
    if k is None:
        with _on(p):
            k = xnp.zeros((m,), dtype=f64)
    k = _atleast(k if _is_array(k) else _np_rules(k, p), 1)
    if k.shape[0] == 1 and m > 1:
        with _on(p):
            k = k[0] * xnp.ones((m,), dtype=f64)
    if k.shape[0] < m:
        raise ValueError("polyint: k must be a scalar or a rank-1 array of length 1 or >m")
    if m == 0:
        return p
    # the quotients by the int64 factors keep p's float type (float64 for integers), then
    # take in the constants' type: computed in that type from the start
    name = _name(p)
    target = result_name(name if kind(name) in "fc" else f64, _name(k))
    p, k = xnp.astype(p, target), xnp.astype(k, target)
    for i in builtins.range(m):
        n = p.shape[0]
        with _on(p):
            c = xnp.arange(n, 0, -1, dtype=target) if n > 0 else \
                xnp.zeros((0,), dtype=target)
        p = xnp.concat([p / c, xnp.reshape(k[i], (1,))], axis=0)
    return p


def _plus_zero(a):
    """``a + 0.0``: integers and bools as float64, floats as they are."""
    return _inexact(a) if kind(_name(a)) in "biu" else a


@generic()
def polydiv(u, v):
    xnp = _xnp()
    u, v = _pair(u, v)
    u, v = _plus_zero(_atleast(u, 1)), _plus_zero(_atleast(v, 1))
    u, v = _promote(u, v)
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = _c(1.0, v) / v[0]
    nq = builtins.max(m - n + 1, 1)
    q = []
    r = u
    for k in builtins.range(0, m - n + 1):
        d = scale * r[k]
        q.append(xnp.reshape(d, (1,)))
        r = xnp.concat([r[:k], r[k:k + n + 1] - d * v, r[k + n + 1:]], axis=0)
    if len(q) < nq:
        with _on(u):
            q = [xnp.zeros((nq,), dtype=_name(u))]
    q = xnp.concat(q, axis=0)
    while r.shape[0] > 1 and bool(xnp.abs(r[0]) <= _c(1e-8, xnp.abs(r[0]))):
        r = r[1:]
    return q, r


@generic()
def poly(seq_of_zeros):
    xnp = _xnp()
    z = _atleast(_array(seq_of_zeros), 1)
    sh = tuple(z.shape)
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        z = xnp.linalg.eigvals(z)
    elif len(sh) == 1:
        name = _name(z)
        if name not in ("float32", "float64", "complex64", "complex128"):
            z = xnp.astype(z, _float64(z))
    else:
        raise ValueError("poly: input must be 1d or non-empty square 2d array")
    if z.shape[0] == 0:  # NumPy gives the float 1.0; an array keeps the backend
        with _on(z):
            return xnp.ones((), dtype=_float64(z))
    with _on(z):
        a = xnp.ones((1,), dtype=_name(z))
    for i in builtins.range(z.shape[0]):
        zi = z[i]
        zero = xnp.zeros_like(a[:1])
        a = xnp.concat([a, zero], axis=0) - zi * xnp.concat([zero, a], axis=0)
    if _is_complex(a):
        zc = xnp.astype(z, result_name(_name(z), _complex128(z)))
        if _lex_sorted_equal(zc, xnp.conj(zc)):
            a = xnp.real(a)
    return a


def _lex_order(z):
    """The indices that sort complex ``z`` by real part, then imaginary part (NumPy's)."""
    xnp = _xnp()
    o = xnp.argsort(xnp.imag(z), stable=True)
    re = xnp.take(xnp.real(z), o, axis=0)
    return xnp.take(o, xnp.argsort(re, stable=True), axis=0)


def _lex_sorted_equal(a, b) -> bool:
    xnp = _xnp()
    sa, sb = xnp.take(a, _lex_order(a), axis=0), xnp.take(b, _lex_order(b), axis=0)
    return bool(xnp.all(sa == sb))


@generic()
def roots(p):
    xnp = _xnp()
    p = _atleast(_array(p), 1)
    if p.ndim != 1:
        raise ValueError("roots: input must be a rank-1 array")
    nz = _host(xnp.nonzero(p)[0])
    if nz.size == 0:
        with _on(p):
            return xnp.zeros((0,), dtype=_float64(p))
    trailing = p.shape[0] - int(nz[-1]) - 1
    p = p[int(nz[0]):int(nz[-1]) + 1]
    if kind(_name(p)) not in "fc":
        p = xnp.astype(p, _float64(p))
    n = p.shape[0]
    if n > 1:
        with _on(p):
            sub = xnp.eye(n - 1, n - 1, k=-1, dtype=_name(p))
        top = xnp.reshape(-p[1:] / p[0], (1, n - 1))
        A = xnp.concat([top, sub[1:]], axis=0)
        r = xnp.linalg.eigvals(A)
        if not _is_complex(p) and bool(xnp.all(xnp.imag(r) == 0)):
            r = xnp.real(r)
    else:
        with _on(p):
            r = xnp.zeros((0,), dtype=_float64(p))
    if trailing:
        with _on(p):
            r = xnp.concat([r, xnp.zeros((trailing,), dtype=_name(r))], axis=0)
    # NumPy leaves the order open: crossops sorts by real part, then imaginary part
    return xnp.take(r, _lex_order(r) if _is_complex(r) else xnp.argsort(r, stable=True),
                    axis=0)


@generic()
def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    xnp = _xnp()
    order = _int_arg(deg, "polyfit", "deg") + 1
    like = x if _is_array(x) else (y if _is_array(y) else None)
    x = _plus_zero(_array(x, like))
    y = _plus_zero(_array(y, x))
    if order < 1:
        raise ValueError("polyfit: expected deg >= 0")
    if x.ndim != 1:
        raise TypeError("polyfit: expected 1D vector for x")
    if x.shape[0] == 0:
        raise TypeError("polyfit: expected non-empty vector for x")
    if y.ndim < 1 or y.ndim > 2:
        raise TypeError("polyfit: expected 1D or 2D array for y")
    if x.shape[0] != y.shape[0]:
        raise TypeError("polyfit: expected x and y to have same length")
    if rcond is None:
        rcond = x.shape[0] * float(xnp.finfo(x.dtype).eps)
    # NumPy's vander promotes x with its int64 powers: the fit is computed in float64
    # (complex128), whatever the float type of x and y
    wide = result_name(_name(x), _name(y), _float64(x))
    x, y = xnp.astype(x, wide), xnp.astype(y, wide)
    lhs = xnp.vander(x, order)
    rhs = y
    if w is not None:
        w = xnp.astype(_plus_zero(_array(w, x)), _name(x))
        if w.ndim != 1:
            raise TypeError("polyfit: expected a 1-d array for weights")
        if w.shape[0] != y.shape[0]:
            raise TypeError("polyfit: expected w and y to have the same length")
        lhs = lhs * xnp.reshape(w, (-1, 1))
        rhs = rhs * (w if rhs.ndim == 1 else xnp.reshape(w, (-1, 1)))
    scale = xnp.sqrt(xnp.sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = _lstsq(lhs, rhs, rcond)
    c = c / (scale if c.ndim == 1 else xnp.reshape(scale, (-1, 1)))
    if full:
        return c, resids, rank, s, rcond
    if cov:
        Vbase = xnp.linalg.inv(xnp.matmul(xnp.permute_dims(lhs, (1, 0)), lhs))
        Vbase = Vbase / (xnp.reshape(scale, (-1, 1)) * xnp.reshape(scale, (1, -1)))
        if cov == "unscaled":
            fac = 1
        else:
            if x.shape[0] <= order:
                raise ValueError("polyfit: the number of data points must exceed order to "
                                 "scale the covariance matrix")
            fac = resids / _c(float(x.shape[0] - order), resids)
        if y.ndim == 1:
            return c, Vbase * fac
        fac = xnp.reshape(fac, (1, 1, -1)) if _is_array(fac) else fac
        return c, xnp.expand_dims(Vbase, axis=2) * fac
    return c


def _lstsq(a, b, rcond):
    """NumPy's ``lstsq(a, b, rcond)``: the solution, the residual sums of squares (empty
    unless a has full column rank and more rows than columns), the rank and the singular
    values, by the SVD (so the result is the same on every backend)."""
    xnp = _xnp()
    u, s, vh = xnp.linalg.svd(a, full_matrices=False)
    cutoff = _c(float(rcond), s) * s[0] if s.shape[0] else None
    big = s > cutoff if cutoff is not None else s > 0
    rank = xnp.count_nonzero(big)
    sinv = xnp.where(big, _c(1.0, s) / xnp.where(big, s, xnp.ones_like(s)), xnp.zeros_like(s))
    uh = xnp.conj(xnp.permute_dims(u, (1, 0))) if _is_complex(u) else xnp.permute_dims(u, (1, 0))
    vv = xnp.conj(xnp.permute_dims(vh, (1, 0))) if _is_complex(vh) else \
        xnp.permute_dims(vh, (1, 0))
    bb = b if b.ndim == 2 else xnp.reshape(b, (-1, 1))
    x = xnp.matmul(vv * xnp.reshape(sinv, (1, -1)), xnp.matmul(uh, bb))
    m, n = a.shape
    if m > n and _known(rank == n) is not False:  # (under a compiler: always computed)
        r = bb - xnp.matmul(a, x)
        resids = xnp.sum(xnp.real(r * xnp.conj(r)) if _is_complex(r) else r * r, axis=0)
    else:
        with _on(a):
            resids = xnp.zeros((0,), dtype=_name(s))
    if b.ndim == 1:
        x = xnp.reshape(x, (-1,))
    return x, resids, rank, s


# -- bits ------------------------------------------------------------------------------------

def _bit_axis(op, a, axis):
    xnp = _xnp()
    if axis is None:
        return xnp.reshape(a, (-1,)), 0
    return a, normalize_axis(axis, a.ndim, op)


@generic()
def packbits(a, /, axis=None, bitorder="big"):
    xnp = _xnp()
    a = _array(a)
    if kind(_name(a)) not in "biu":
        raise TypeError(f"packbits: expected an input array of integer or boolean data "
                        f"type, got {_name(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"packbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if a.ndim == 0 and axis is not None:
        from numpy.exceptions import AxisError
        raise AxisError("packbits: axis out of bounds for a 0-d array")
    a, axis = _bit_axis("packbits", a, axis)
    bits = xnp.astype(a if kind(_name(a)) == "b" else xnp.not_equal(a, _c(0, a)), "uint8")
    bits = xnp.moveaxis(bits, axis, -1)
    n = bits.shape[-1]
    pad = (-n) % 8
    lead = tuple(bits.shape[:-1])
    if pad:
        with _on(a):
            bits = xnp.concat([bits, xnp.zeros(lead + (pad,), dtype="uint8")], axis=-1)
    groups = xnp.reshape(bits, lead + ((n + pad) // 8, 8))
    weights = [128, 64, 32, 16, 8, 4, 2, 1] if bitorder == "big" else \
        [1, 2, 4, 8, 16, 32, 64, 128]
    with _on(a):
        w = xnp.asarray(weights, dtype="uint8")
    packed = xnp.sum(groups * w, axis=-1, dtype="uint8")
    return xnp.moveaxis(packed, -1, axis)


@generic()
def unpackbits(a, /, axis=None, count=None, bitorder="big"):
    xnp = _xnp()
    a = _array(a)
    if _name(a) != "uint8":
        raise TypeError(f"unpackbits: expected an input array of unsigned byte data type, "
                        f"got {_name(a)}")
    if bitorder not in ("big", "little"):
        raise ValueError(f"unpackbits: bitorder must be 'big' or 'little', got {bitorder!r}")
    if a.ndim == 0 and axis is not None:
        from numpy.exceptions import AxisError
        raise AxisError("unpackbits: axis out of bounds for a 0-d array")
    a, axis = _bit_axis("unpackbits", a, axis)
    a = xnp.moveaxis(a, axis, -1)
    lead = tuple(a.shape[:-1])
    n = a.shape[-1] * 8
    shifts = [7, 6, 5, 4, 3, 2, 1, 0] if bitorder == "big" else [0, 1, 2, 3, 4, 5, 6, 7]
    with _on(a):
        s = xnp.asarray(shifts, dtype="uint8")
    bits = xnp.bitwise_and(xnp.bitwise_right_shift(xnp.expand_dims(a, axis=-1), s),
                           _c(1, a))
    bits = xnp.reshape(bits, lead + (n,))
    if count is not None:
        count = _int_arg(count, "unpackbits", "count")
        if count < -n:
            raise ValueError(f"unpackbits: -count larger than number of elements ({n})")
        keep = count if count >= 0 else n + count
        if keep <= n:
            bits = bits[..., :keep]
        else:
            with _on(a):
                bits = xnp.concat([bits, xnp.zeros(lead + (keep - n,), dtype="uint8")],
                                  axis=-1)
    return xnp.moveaxis(bits, -1, axis)
