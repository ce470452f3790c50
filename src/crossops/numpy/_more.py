"""Generic implementations of the rest of NumPy 2's numerical namespace (the ops of
spec/numpy_extra.toml, spec/linalg.toml and spec/fft.toml that NumPy has beyond the array
API standard and the first batch of :mod:`crossops.numpy._extra`), written with crossops
ops: ``GENERIC`` (crossops.numpy), ``LINALG`` (crossops.numpy.linalg) and ``FFT``
(crossops.numpy.fft), op name -> function.

Each function has NumPy's signature and semantics. Arrays made inside an op (zeros, index
arrays) are made on the backend of the op's array arguments with
:func:`crossops._dispatch.call_on`, so the functions also run under ``jax.jit``,
``tf.function`` and ``torch.compile`` wherever NumPy's result shape does not depend on array
values. Value checks (``asarray_chkfinite``, ``ravel_multi_index``'s ``mode="raise"``) run
where the values are known (eagerly), as in :mod:`crossops.numpy._extra`.
"""

from __future__ import annotations

import builtins
import math
import operator

from .._axes import normalize_axis
from .._dispatch import call_on, native_dtype
from .._dtypes import dtype_name, kind
from .._shapes import static_dims
from ._extra import _host, _no_out, _np, _ufunc_check, _wide
from ._keras import _backend, _is_array, _known, _name, _xnp
from ._products import _int_arg

GENERIC: dict = {}
LINALG: dict = {}
FFT: dict = {}


def _generic(table: dict):
    def deco(f):
        table[f.__name__] = f
        return f
    return deco


generic = _generic(GENERIC)


def _on_backend(x, backend: str):
    """``x`` (an array of ``backend``, or host data) as an array of ``backend``."""
    if _is_array(x) and _backend(x) == backend:
        return x
    if _is_array(x):  # a NumPy array beside arrays of another backend: host data
        return call_on(backend, "asarray", x)
    return call_on(backend, "asarray", _np().asarray(x))


def _as_array(x):
    return x if _is_array(x) else _xnp().asarray(x)


def _shape_tuple(op: str, shape, arg: str = "shape") -> tuple[int, ...]:
    try:
        return (operator.index(shape),)
    except TypeError:
        pass
    try:
        return tuple(operator.index(n) for n in shape)
    except TypeError:
        raise TypeError(f"{op}: {arg} must be an int or a sequence of ints, got "
                        f"{shape!r}") from None


# -- creation and conversion ------------------------------------------------------------------

_ORDERS = ("K", "A", "C", "F", None)


def _check_order(op: str, order, allowed=_ORDERS) -> None:
    if order not in allowed:
        raise ValueError(f"{op}: order must be one of {', '.join(map(repr, allowed))}, got "
                         f"{order!r}")


def _convert(a, dtype, like, **kw):
    """``a`` as an array of the backend of ``a`` (or ``like``, where ``a`` is host data), in
    ``dtype`` (a native dtype, or None)."""
    b = _backend(a, like) if like is not None else _backend(a)
    if _is_array(a) and _backend(a) == b:
        if dtype is None and not kw.get("copy"):
            return a
        kw = {k: v for k, v in kw.items() if v is not None}
        return _xnp().asarray(a, dtype=dtype, **kw)
    kw = {k: v for k, v in kw.items() if v is not None}
    return call_on(b, "asarray", a if _is_array(a) else _np().asarray(a), dtype=dtype, **kw)


@generic
def asanyarray(a, dtype=None, order=None, *, device=None, copy=None, like=None):
    _check_order("asanyarray", order)
    return _convert(a, dtype, like, device=device, copy=copy)


def _at_least_1d(x):
    return _xnp().reshape(x, (1,)) if x.ndim == 0 else x


@generic
def ascontiguousarray(a, dtype=None, *, like=None):
    return _at_least_1d(_convert(a, dtype, like))


@generic
def asfortranarray(a, dtype=None, *, like=None):
    return _at_least_1d(_convert(a, dtype, like))


@generic
def asarray_chkfinite(a, dtype=None, order=None):
    _check_order("asarray_chkfinite", order)
    x = _convert(a, dtype, None)
    if kind(_name(x)) in "fc":
        ok = _known(_xnp().all(_xnp().isfinite(x)))
        if ok is False:
            raise ValueError("asarray_chkfinite: array must not contain infs or NaNs")
    return x


_FLAGS = {"C": "C", "C_CONTIGUOUS": "C", "CONTIGUOUS": "C", "F": "F", "F_CONTIGUOUS": "F",
          "FORTRAN": "F", "A": "A", "ALIGNED": "A", "W": "W", "WRITEABLE": "W", "O": "O",
          "OWNDATA": "O", "E": "E", "ENSUREARRAY": "E"}


@generic
def require(a, dtype=None, requirements=None, *, like=None):
    if not requirements:
        return _convert(a, dtype, like)
    flags = set()  # (a string is read letter by letter, as NumPy does)
    for r in requirements:
        try:
            flags.add(_FLAGS[str(r).upper()])
        except KeyError:
            raise KeyError(f"require: unknown requirement {r!r}; use one of "
                           f"{', '.join(sorted(_FLAGS))}") from None
    if "C" in flags and "F" in flags:
        raise ValueError('require: cannot specify both "C" and "F" order')
    return _convert(a, dtype, like, copy=True if "O" in flags else None)


@generic
def fromfunction(function, shape, *, dtype=float, like=None, **kwargs):
    b = _backend(like) if like is not None else _backend()
    dims = _shape_tuple("fromfunction", shape)
    # (identity: a TensorFlow DType compares equal to the Python type it would convert)
    builtin = any(dtype is t for t in (int, float, builtins.bool, complex))
    name = dtype_name(_np().dtype(dtype)) if builtin else dtype_name(dtype)
    wide = _wide(b)  # (jax with x64 off: its 32-bit defaults)
    name = {"int64": wide[0], "float64": wide[1], "complex128": wide[2]}.get(name, name)
    grids = []
    for i, n in enumerate(dims):
        v = call_on(b, "arange", n, dtype=name)
        v = _xnp().reshape(v, (1,) * i + (n,) + (1,) * (len(dims) - i - 1))
        grids.append(_xnp().broadcast_to(v, dims))
    return function(*grids, **kwargs)


@generic
def mask_indices(n, mask_func, k=0):
    n = _int_arg(n, "mask_indices", "n")
    xnp = _xnp()
    b = _backend()
    m = call_on(b, "ones", (n, n), dtype=_wide(b)[0])
    # crossops's triu and tril take k by keyword (the array API's form); NumPy calls
    # mask_func(m, k)
    a = mask_func(m, k=k) if mask_func in (xnp.triu, xnp.tril) else mask_func(m, k)
    return xnp.nonzero(_on_backend(a, b) != 0)


# -- shapes and indices -----------------------------------------------------------------------

@generic
def shape(a):
    if _is_array(a):
        return static_dims(a.shape)
    return tuple(_np().shape(a))


@generic
def resize(a, new_shape):
    xnp = _xnp()
    dims = _shape_tuple("resize", new_shape, "new_shape")
    if any(n < 0 for n in dims):
        raise ValueError(f"resize: all elements of new_shape must be non-negative, got "
                         f"{dims}")
    a = xnp.reshape(_as_array(a), (-1,))
    size = math.prod(dims)
    if a.shape[0] == 0 or size == 0:
        return call_on(_backend(a), "zeros", dims, dtype=_name(a))
    repeats = -(-size // a.shape[0])
    flat = xnp.tile(a, (repeats,)) if repeats > 1 else a
    return xnp.reshape(flat[:size], dims)


@generic
def rollaxis(a, axis, start=0):
    a = _as_array(a)
    n = a.ndim
    axis = normalize_axis(axis, n, "rollaxis")
    start = _int_arg(start, "rollaxis", "start")
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        from .._errors import OpAxisError
        raise OpAxisError(f"rollaxis: start must satisfy {-n} <= start < {n + 1}, got "
                          f"{start - n if start < 0 else start}")
    if axis < start:
        start -= 1
    if axis == start:
        return a
    axes = [i for i in range(n) if i != axis]
    axes.insert(start, axis)
    return _xnp().permute_dims(a, tuple(axes))


@generic
def extract(condition, arr):
    xnp = _xnp()
    b = _backend(condition, arr)
    arr = xnp.reshape(_on_backend(arr, b), (-1,))
    cond = xnp.reshape(_on_backend(condition, b), (-1,))
    (idx,) = xnp.nonzero(cond)
    if idx.shape[0] and int(xnp.max(idx)) >= arr.shape[0]:
        raise IndexError(f"extract: condition has a nonzero entry at {int(xnp.max(idx))}, "
                         f"beyond arr's {arr.shape[0]} elements")
    return xnp.take(arr, idx, axis=0)


_MODES = ("raise", "wrap", "clip")


@generic
def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    xnp = _xnp()
    dims = _shape_tuple("ravel_multi_index", dims, "dims")
    if any(d < 0 for d in dims):
        raise ValueError(f"ravel_multi_index: dims must be non-negative, got {dims}")
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: multi_index must be a sequence of length "
                         f"{len(dims)} (one index array per dimension), got "
                         f"{len(multi_index)}")
    modes = (mode,) * len(dims) if isinstance(mode, str) else tuple(mode)
    if len(modes) != len(dims) or any(m not in _MODES for m in modes):
        raise ValueError(f"ravel_multi_index: mode must be 'raise', 'wrap' or 'clip' (or one "
                         f"of them per dimension), got {mode!r}")
    if order not in ("C", "F"):
        raise ValueError(f"ravel_multi_index: order must be 'C' or 'F', got {order!r}")
    b = _backend(*multi_index) if multi_index else _backend()
    index = _wide(b)[0]
    if math.prod(dims) > (2 ** 31 - 1 if index == "int32" else 2 ** 63 - 1):
        raise ValueError(f"ravel_multi_index: dims {dims} are too large for {index} indices")
    idx = [_on_backend(i, b) for i in multi_index]
    for i in idx:
        if kind(_name(i)) not in "iu":
            raise TypeError(f"ravel_multi_index: multi_index must hold integer arrays, got "
                            f"{_name(i)}")
    idx = list(xnp.broadcast_arrays(*idx)) if idx else []
    strides, s = [0] * len(dims), 1
    for k in (reversed(range(len(dims))) if order == "C" else range(len(dims))):
        strides[k], s = s, s * dims[k]
    out = None
    for i, d, m, st in zip(idx, dims, modes, strides):
        i = xnp.astype(i, index)
        if m == "wrap":
            i = xnp.remainder(i, d) if d else i
        elif m == "clip":
            i = xnp.clip(i, 0, max(d - 1, 0))
        else:
            bad = _known(xnp.any((i < 0) | (i >= d)))
            if bad:
                raise ValueError(f"ravel_multi_index: invalid entry in coordinates array "
                                 f"(an index out of [0, {d}) with mode='raise'); use "
                                 f"mode='wrap' or 'clip'")
        term = i * st
        out = term if out is None else out + term
    if out is None:
        return call_on(b, "asarray", 0, dtype=index)
    return out


# -- element-wise -----------------------------------------------------------------------------

def _ufunc_input(op: str, x, dtype, casting):
    """``x`` (an integer or bool array) in the ufunc's ``dtype``, where one is given."""
    if dtype is None:
        return x
    src, target = _name(x), dtype_name(dtype)
    if not _np().can_cast(_np().dtype(src), _np().dtype(target), casting):
        raise TypeError(f"{op}: cannot cast {src} to {target} with casting={casting!r}")
    return _xnp().astype(x, target)


@generic
def invert(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
           subok=True, signature=None):
    _ufunc_check("invert", out, where, casting, order, subok, signature)
    x = _ufunc_input("invert", _as_array(x), dtype, casting)
    if kind(_name(x)) not in "biu":
        raise TypeError(f"invert: x must be of an integer or bool dtype, got {_name(x)}")
    return _xnp().bitwise_invert(x)


_UNSIGNED = {"int8": "uint8", "int16": "uint16", "int32": "uint32", "int64": "uint64"}
_SIGNED_WIDER = {"uint16": "int32", "uint32": "int64"}
_WIDTH = {"int8": 8, "uint8": 8, "int16": 16, "uint16": 16, "int32": 32, "uint32": 32,
          "int64": 64, "uint64": 64}


@generic
def bitwise_count(x, /, out=None, *, where=True, casting="same_kind", order="K", dtype=None,
                  subok=True, signature=None):
    xnp = _xnp()
    _ufunc_check("bitwise_count", out, where, casting, order, subok, signature)
    x = _as_array(x)
    name = _name(x)
    if name == "bool":  # NumPy's loop for bool: its bits as uint8's, 0 or 1
        x, name = xnp.astype(x, "uint8"), "uint8"
    if kind(name) not in "iu":
        raise TypeError(f"bitwise_count: x must be of an integer or bool dtype, got {name}")
    if dtype is not None and dtype_name(dtype) != "uint8":
        raise TypeError(f"bitwise_count: no loop for dtype {dtype_name(dtype)}; NumPy "
                        f"returns uint8")
    width = _WIDTH[name]
    if kind(name) == "i":
        # NumPy counts the bits of |x|; |min| wraps to min, whose magnitude has one bit
        x = xnp.abs(x)
    elif name in _SIGNED_WIDER:  # the same values in a signed type (torch shifts those)
        x = xnp.astype(x, _SIGNED_WIDER[name])
    # bit k of x (two's complement) is (x >> k) & 1, also where >> is arithmetic
    one = call_on(_backend(x), "asarray", 1, dtype=_name(x))
    total = None
    for k in range(width):
        bit = xnp.astype(xnp.bitwise_and(xnp.bitwise_right_shift(x, k) if k else x, one),
                         "uint8")
        total = bit if total is None else total + bit
    return total


def _complex_for(name: str, b: str) -> str:
    """NumPy's sort_complex result dtype: complex inputs keep theirs, 8- and 16-bit integers
    give complex64, every other input complex128."""
    if kind(name) == "c":
        return name
    if name in ("int8", "uint8", "int16", "uint16"):
        return "complex64"
    return _wide(b)[2]


@generic
def sort_complex(a):
    xnp = _xnp()
    a = _as_array(a)
    z = xnp.astype(a, _complex_for(_name(a), _backend(a)))
    if z.ndim == 0:
        raise ValueError("sort_complex: a must have at least one dimension (it sorts along "
                         "the last axis)")
    o = xnp.argsort(xnp.imag(z), axis=-1, stable=True)
    re = xnp.take_along_axis(xnp.real(z), o, axis=-1)
    order = xnp.take_along_axis(o, xnp.argsort(re, axis=-1, stable=True), axis=-1)
    return xnp.take_along_axis(z, order, axis=-1)


# -- dtypes -----------------------------------------------------------------------------------

def _abstract_kinds() -> dict:
    """NumPy's abstract scalar types -> the crossops dtype kinds (``kind()`` letters) that
    are their subtypes."""
    np = _np()
    return {np.generic: "biufc", np.number: "iufc", np.integer: "iu",
            np.signedinteger: "i", np.unsignedinteger: "u", np.inexact: "fc",
            np.floating: "f", np.complexfloating: "c", np.bool_: "b"}


def _dtype_arg(op: str, arg, name: str = "dtype"):
    """A dtype argument (a dtype of any backend, a NumPy scalar type, a name) as a crossops
    dtype name, or a NumPy abstract scalar type as it is; an array raises TypeError, as in
    NumPy 2."""
    if isinstance(arg, type) and arg in _abstract_kinds() and arg is not _np().bool_:
        return arg
    from ..backends._common import refuse_array_dtype
    refuse_array_dtype(op, name, arg)  # (NumPy 2 takes no array here)
    try:
        return dtype_name(arg)
    except (TypeError, ValueError, KeyError):
        pass
    try:
        return dtype_name(_np().dtype(arg))
    except TypeError:
        raise TypeError(f"{op}: cannot interpret {arg!r} as a data type") from None


@generic
def issubdtype(arg1, arg2):
    a, b = _dtype_arg("issubdtype", arg1, "arg1"), _dtype_arg("issubdtype", arg2, "arg2")
    kinds = _abstract_kinds()
    if isinstance(a, type):  # an abstract type is a subtype of the abstract types above it
        return builtins.bool(isinstance(b, type) and issubclass(a, b))
    if isinstance(b, type):
        return kind(a) in kinds[b]
    return a == b


_PRECISION = {"float16": 0, "bfloat16": 1, "float32": 1, "float64": 2, "complex64": 1,
              "complex128": 2}


@generic
def common_type(*arrays):
    precision, complex_ = 0, False
    for a in arrays:
        if not _is_array(a):
            raise TypeError(f"common_type: arguments must be arrays, got {type(a).__name__}")
        name = _name(a)
        k = kind(name)
        if k == "c":
            complex_ = True
        if k in "iu":
            p = 2
        elif name in _PRECISION:
            p = _PRECISION[name]
        else:
            raise TypeError(f"common_type: cannot get a common type for non-numeric array "
                            f"of dtype {name}")
        precision = max(precision, p)
    b = _backend(*arrays) if arrays else _backend()
    name = (("complex64", "complex64", _wide(b)[2]) if complex_ else
            ("float16", "float32", _wide(b)[1]))[precision]
    return native_dtype(b, name)


@generic
def min_scalar_type(a, /):
    if _is_array(a) and a.ndim > 0:
        return a.dtype
    b = _backend(a)
    value = _host(a) if _is_array(a) else a
    found = dtype_name(_np().min_scalar_type(value))
    return native_dtype(b, found)


@generic
def iterable(y):
    if _is_array(y):
        return y.ndim > 0
    try:
        iter(y)
    except TypeError:
        return False
    return True


# -- linalg -----------------------------------------------------------------------------------

def _linalg():
    import crossops.numpy.linalg as la
    return la


@_generic(LINALG)
def cond(x, p=None):
    xnp, la = _xnp(), _linalg()
    x = _as_array(x)
    if x.ndim < 2:
        raise ValueError(f"linalg.cond: x must be at least two-dimensional, got shape "
                         f"{tuple(x.shape)}")
    if kind(_name(x)) not in "fc":
        x = xnp.astype(x, _wide(_backend(x))[1])
    if p is None or p == 2 or p == -2:
        s = la.svdvals(x)
        big, small = s[..., 0], s[..., -1]
        r = big / small if p != -2 else small / big
    else:
        if x.shape[-1] != x.shape[-2]:
            raise ValueError(f"linalg.cond: x must be square for p={p!r}, got shape "
                             f"{tuple(x.shape)}")
        # the inverse from the SVD, V diag(1/s) U^H: a singular matrix gives inf (as NumPy),
        # where an LU inverse raises on some backends and not on others
        u, s, vh = la.svd(x, full_matrices=False)
        ht = xnp.matrix_transpose
        inv = xnp.matmul(xnp.divide(xnp.conj(ht(vh)), s[..., None, :]), xnp.conj(ht(u)))
        r = la.norm(x, ord=p, axis=(-2, -1)) * la.norm(inv, ord=p, axis=(-2, -1))
    # NumPy: nan from a singular matrix (inf * 0) is inf, unless x itself holds a nan
    nan_in_x = xnp.any(xnp.isnan(x), axis=(-2, -1))
    inf = call_on(_backend(r), "asarray", float("inf"), dtype=_name(r))
    return xnp.where(xnp.isnan(r) & ~nan_in_x, inf, r)


def _chain_order(dims: list[int]) -> list[list[int]]:
    """The split points of the cheapest product of matrices of shapes ``(dims[i],
    dims[i + 1])`` (the textbook dynamic programme, as NumPy's multi_dot)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(arrays, split, i, j):
    if i == j:
        return arrays[i]
    k = split[i][j]
    return _xnp().matmul(_chain(arrays, split, i, k), _chain(arrays, split, k + 1, j))


@_generic(LINALG)
def multi_dot(arrays, *, out=None):
    xnp = _xnp()
    _no_out("linalg.multi_dot", out)
    arrays = list(arrays)
    n = len(arrays)
    if n < 2:
        raise ValueError("linalg.multi_dot: expecting at least two arrays")
    b = _backend(*arrays)
    arrays = [_on_backend(a, b) for a in arrays]
    if n == 2:
        return xnp.dot(arrays[0], arrays[1])
    first, last = arrays[0].ndim, arrays[-1].ndim
    if first == 1:
        arrays[0] = xnp.reshape(arrays[0], (1, -1))
    if last == 1:
        arrays[-1] = xnp.reshape(arrays[-1], (-1, 1))
    for a in arrays:
        if a.ndim != 2:
            raise _np().linalg.LinAlgError(
                f"linalg.multi_dot: {a.ndim}-dimensional array given; the arrays must be "
                f"two-dimensional (the first and last may be one-dimensional)")
    dims = [arrays[0].shape[0]] + [a.shape[1] for a in arrays]
    r = _chain(arrays, _chain_order(dims), 0, n - 1)
    if first == 1 and last == 1:
        return r[0, 0]
    if first == 1:
        return r[0]
    if last == 1:
        return r[:, 0]
    return r


@_generic(LINALG)
def tensorinv(a, ind=2):
    xnp, la = _xnp(), _linalg()
    a = _as_array(a)
    ind = _int_arg(ind, "linalg.tensorinv", "ind")
    if ind <= 0:
        raise ValueError(f"linalg.tensorinv: ind must be a positive int, got {ind}")
    old = tuple(a.shape)
    inv_shape = old[ind:] + old[:ind]
    rows = math.prod(old[ind:])
    return xnp.reshape(la.inv(xnp.reshape(a, (math.prod(old[:ind]), rows))), inv_shape)


@_generic(LINALG)
def tensorsolve(a, b, axes=None):
    xnp, la = _xnp(), _linalg()
    be = _backend(a, b)
    a, b = _on_backend(a, be), _on_backend(b, be)
    an = a.ndim
    if axes is not None:
        order = list(range(an))
        for k in axes:
            k = normalize_axis(k, an, "linalg.tensorsolve", "axes")
            order.remove(k)
            order.append(k)
        a = xnp.permute_dims(a, tuple(order))
    old = tuple(a.shape[an - (an - b.ndim):]) if an > b.ndim else ()
    prod = math.prod(old)
    if math.prod(a.shape) != prod ** 2:
        raise _np().linalg.LinAlgError(
            f"linalg.tensorsolve: the shapes {tuple(a.shape)} and {tuple(b.shape)} must "
            f"satisfy prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim])")
    x = la.solve(xnp.reshape(a, (prod, prod)), xnp.reshape(b, (prod, 1)))
    return xnp.reshape(x, old)


# -- fft --------------------------------------------------------------------------------------

def _fft2(op: str, fn: str, a, s, axes, norm, out):
    import crossops.numpy.fft as xfft
    _no_out(f"fft.{op}", out)
    return getattr(xfft, fn)(_as_array(a), s=s, axes=axes,
                             norm="backward" if norm is None else norm)


@_generic(FFT)
def fft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _fft2("fft2", "fftn", a, s, axes, norm, out)


@_generic(FFT)
def ifft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _fft2("ifft2", "ifftn", a, s, axes, norm, out)


@_generic(FFT)
def rfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _fft2("rfft2", "rfftn", a, s, axes, norm, out)


@_generic(FFT)
def irfft2(a, s=None, axes=(-2, -1), norm=None, out=None):
    return _fft2("irfft2", "irfftn", a, s, axes, norm, out)
