"""JAX backend: ``jax.numpy`` is an array API namespace of its own."""

from __future__ import annotations

import jax
import jax.numpy as NAMESPACE  # noqa: N812
import numpy as np

from ..._axes import normalize_axes, normalize_axis
from .._axis_tuples import accumulate_axis, unstack_axis
from .._common import (
    OptionsRoute,
    check_lstsq,
    check_triangular,
    dtype_functions,
    dtype_table,
    fix_floor_divide,
    fix_remainder,
    float8_table,
    make_native_dtype,
    zero_safe_sqrt,
)
from .._core import tile_repetitions
from .._numpy_ops import bool_clip_dtype
from .._spacing import number_linspace
from ._jit import compile_generic, jitted, jitted_hashable  # noqa: F401  (compile_generic: see _dispatch)

# tracers are instances of jax.Array but not subclasses of it: name their class too
NAME = "jax"
ARRAY_TYPES = (jax.Array, jax.core.Tracer)
DTYPE_TYPES = ()


def sparse_types() -> tuple[type, ...]:
    """jax's sparse array types (``jax.experimental.sparse``'s BCOO, BCSR ...), where that
    module is loaded: an array of them exists only then, and importing it costs 0.15 s.
    Calls given one run the op's function of ``backends/jax/sparse.py`` (see
    ``crossops._dispatch``)."""
    import sys
    sparse = sys.modules.get("jax.experimental.sparse")
    return (sparse.JAXSparse,) if sparse is not None else ()
#: jax's promotion lattice is crossops's table
NATIVE_PROMOTION = True
#: jax treats Python scalars as weak, as crossops does
NATIVE_WEAK_SCALARS = True

#: every dtype crossops knows, as jax's NumPy dtypes. Without jax's x64 setting the
#: 64-bit ones are kept (as ``jax.numpy.float64`` is): jax itself then warns and gives
#: the 32-bit dtype, and ``__array_namespace_info__().dtypes()`` leaves them out.
DTYPES = dtype_table(lambda n: getattr(NAMESPACE, n).dtype if n != "bool" else np.dtype(bool))
#: the float8 types, which native_dtype takes too
FLOAT8_DTYPES = float8_table(lambda n: getattr(NAMESPACE, n).dtype)
native_dtype = make_native_dtype({**DTYPES, **FLOAT8_DTYPES}, "jax")


def translate_error(e):
    """jax raises TypeError for some shape errors (reshape, dot_general); the other
    backends, and NumPy, raise ValueError."""
    from ..._errors import OpValueError, raised_in
    if type(e) is TypeError and raised_in(e, "jax"):
        text = str(e)
        if "shape" in text and "dtype" not in text:
            return OpValueError
    return None


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names; 64-bit only with jax's x64 on."""
    if jax.config.jax_enable_x64:
        return ("int64", "float64", "complex128")
    return ("int32", "float32", "complex64")


def to_numpy(x) -> np.ndarray:
    if not isinstance(x, ARRAY_TYPES) and isinstance(x, sparse_types()):
        from .sparse import densify  # a sparse array (BCOO ...): its dense values
        x = densify(x)
    return np.asarray(x)


def value_known(x) -> bool:
    """Whether array ``x``'s values are known now: not a tracer of ``jax.jit``, ``vmap``
    or ``grad`` (value checks then run eagerly only)."""
    return not isinstance(x, jax.core.Tracer)


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))
_result_type = result_type  # noqa: F821  (defined just above)


def result_type(*arrays_and_dtypes):
    """crossops's promotion, then jax's x64 setting (float64 -> float32 without x64)."""
    return jax.dtypes.canonicalize_dtype(_result_type(*arrays_and_dtypes))


def namespace_info():
    """jax's own inspection object: its dtypes and defaults follow the x64 setting."""
    return NAMESPACE.__array_namespace_info__()


# --- the array API's special values, where XLA's kernels differ --------------------------
def _fixed_floor_divide(out, x1, x2):
    """jax's floating floor division ``out`` of ``x1`` and ``x2`` as NumPy's, with the
    standard's special cases (XLA's divmod gives -0.0 for a zero quotient of a negative
    x2, where floor(x1 / x2) is +0.0: a select, which XLA keeps where it folds ``+ 0.0``;
    the zeros that keep a sign, x1 = +-0, are fix_floor_divide's)."""
    out = NAMESPACE.where(out == 0, NAMESPACE.zeros_like(out), out)
    return fix_floor_divide(NAMESPACE, out, x1, x2)


#: two arrays of one floating dtype: one program, where eagerly its ~8 ops run one each
_float_floor_divide = jitted_hashable(
    lambda x1, x2: _fixed_floor_divide(NAMESPACE.floor_divide(x1, x2), x1, x2), ())


_F32_F64 = (DTYPES["float32"], DTYPES["float64"])
_REAL_FLOATS = (DTYPES["float16"], DTYPES["bfloat16"], *_F32_F64)
#: the floating dtypes (a set lookup: a fifth of ``issubdtype``'s time)
_FLOATS = frozenset(_REAL_FLOATS)


def _floats_of_one_dtype(x1, x2) -> bool:
    """Whether ``x1`` and ``x2`` are jax arrays of one floating dtype."""
    return isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype in _FLOATS \
        and x2.dtype == x1.dtype


def floor_divide(x1, x2, /):
    if _floats_of_one_dtype(x1, x2):
        return _float_floor_divide(x1, x2)
    out = NAMESPACE.floor_divide(x1, x2)
    if NAMESPACE.issubdtype(out.dtype, NAMESPACE.floating):
        return _fixed_floor_divide(out, x1, x2)
    # integer division by zero gives 0, as NumPy (and crossops on TensorFlow); XLA gives -1
    # or the largest unsigned value, floored
    return NAMESPACE.where(x2 == 0, NAMESPACE.zeros_like(out), out)


#: two arrays of one floating dtype: one program, where eagerly its two ops run one each
_float_remainder = jitted_hashable(
    lambda x1, x2: fix_remainder(NAMESPACE, NAMESPACE.remainder(x1, x2), x2), ())


def remainder(x1, x2, /):
    if _floats_of_one_dtype(x1, x2):
        return _float_remainder(x1, x2)
    out = NAMESPACE.remainder(x1, x2)
    if NAMESPACE.issubdtype(out.dtype, NAMESPACE.floating):
        return fix_remainder(NAMESPACE, out, x2)
    return out


def clip(x, /, min=None, max=None):  # noqa: A002
    """jax's clip; a bool array with no bound raises NumPy's TypeError (jax returns it)."""
    if min is None and max is None and x.dtype == np.bool_:
        bool_clip_dtype(min, max, default_dtypes())  # (raises)
    return NAMESPACE.clip(x, min, max)


def _sign(x, /):
    """jax's sign, of -0.0 +0.0 (as NumPy's and the standard's), as one compiled program
    (two eager jax calls took 9.9 us at 32x32, jnp.sign 3.3). (Not ``sign(x) + 0``: XLA
    folds the ``+ 0`` away in a compiled program, keeping -0.0.)"""
    return NAMESPACE.where(x == 0, 0, NAMESPACE.sign(x))


sign = jitted_hashable(_sign, ())  # (no static arguments: jax.jit itself)


def round(x, /):  # noqa: A001
    """jax has no rounding of bool: float16, as NumPy."""
    if x.dtype == NAMESPACE.bool_:
        return x.astype(NAMESPACE.float16)
    return NAMESPACE.round(x)


def _complex(re, im):
    return jax.lax.complex(re, im)


def _is_complex(x) -> bool:
    """``NAMESPACE.iscomplexobj(x)``, read from an array's dtype's kind (a tenth of its
    cost: it runs on every exp and log)."""
    try:
        return x.dtype.kind == "c"
    except AttributeError:  # (not an array; a dtype without a kind)
        return bool(NAMESPACE.iscomplexobj(x))


def exp(x, /):
    out = NAMESPACE.exp(x)
    if not _is_complex(x):
        return out
    re, im = x.real, x.imag
    # exp(+-inf + i*(inf or nan)): +inf gives inf + nan*j, -inf gives 0 + 0j
    bad = NAMESPACE.isinf(re) & ~NAMESPACE.isfinite(im)
    fixed = _complex(NAMESPACE.where(re > 0, np.inf, 0.0).astype(re.dtype),
                     NAMESPACE.where(re > 0, np.nan, 0.0).astype(re.dtype))
    return NAMESPACE.where(bad, fixed, out)


def expm1(x, /):
    out = NAMESPACE.expm1(x)
    if _is_complex(x):
        return NAMESPACE.where(NAMESPACE.isfinite(x), out, exp(x) - 1)
    return out


def log(x, /):
    out = NAMESPACE.log(x)
    if not _is_complex(x):
        return out
    # an infinite part gives +inf, and the angle as the imaginary part (NaN with a NaN)
    inf = NAMESPACE.isinf(x.real) | NAMESPACE.isinf(x.imag)
    fixed = _complex(NAMESPACE.full_like(x.real, np.inf), NAMESPACE.arctan2(x.imag, x.real))
    return NAMESPACE.where(inf, fixed, out)


def log1p(x, /):
    out = NAMESPACE.log1p(x)
    if _is_complex(x):
        return NAMESPACE.where(NAMESPACE.isfinite(x), out, log(x + 1))
    return out


def sqrt(x, /):
    out = NAMESPACE.sqrt(x)
    if not _is_complex(x):
        return out
    # +-inf + nan*j: +inf gives inf + nan*j, -inf gives nan + inf*j
    re, im = x.real, x.imag
    bad = NAMESPACE.isinf(re) & NAMESPACE.isnan(im)
    fixed = _complex(NAMESPACE.where(re > 0, np.inf, np.nan).astype(re.dtype),
                     NAMESPACE.where(re > 0, np.nan, np.inf).astype(re.dtype))
    return NAMESPACE.where(bad, fixed, out)


# --- signatures and results as the standard has them --------------------------------------
def tile(x, repetitions, /):
    """A negative count raises ValueError, as NumPy (jax.numpy.tile raises an XLA error)."""
    return NAMESPACE.tile(x, tile_repetitions(repetitions))


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    """jax.numpy's arange. A unit step of Python ints, with no dtype or an integer one
    (keras.ops's int32), goes as none: the same integers, which jax makes as one iota
    (given a step: an iota, a multiply, an add and three casts, five times the time)."""
    if (step == 1 and type(step) is int and type(start) is int
            and (stop is None or type(stop) is int)
            and (dtype is None or np.dtype(dtype).kind in "iu")):
        step = None
    return NAMESPACE.arange(start, stop, step, dtype=dtype, device=device)


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """A 0-d x (axis -1 or 0) sorts as the 1-d array of its one value, as NumPy's argsort
    (jax raises for it): ``[0]``."""
    if x.ndim == 0 and axis in (-1, 0):
        x = NAMESPACE.reshape(x, (1,))
    return NAMESPACE.argsort(x, axis=axis, descending=descending, stable=stable)


def take(x, indices, /, *, axis=None):
    """jax's take, also of a Python list of indices (as NumPy's), and of a 0-d x along
    axis 0 or -1 (NumPy's: its one element, as without an axis)."""
    if isinstance(indices, list | tuple):
        indices = NAMESPACE.asarray(indices)
    if x.ndim == 0 and type(axis) is int and axis in (0, -1):
        axis = None
    return NAMESPACE.take(x, indices, axis=axis)


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    """jax's diff returns x for n=0 without reading the axis."""
    if n == 0:
        normalize_axis(axis, x.ndim, "diff")
    return NAMESPACE.diff(x, axis=axis, n=n, prepend=prepend, append=append)


def permute_dims(x, /, axes):
    """jax takes no negative axes here, and raises TypeError for axes out of range: the
    op's axis error there (normalize_axes)."""
    n = x.ndim
    try:
        return NAMESPACE.permute_dims(x, tuple(a + n if -n <= a < 0 else a for a in axes))
    except TypeError:
        normalize_axes(tuple(axes), n, "permute_dims", "axes")
        raise


def meshgrid(*arrays, indexing="xy"):
    return tuple(NAMESPACE.meshgrid(*arrays, indexing=indexing))


def broadcast_arrays(*arrays):
    return tuple(NAMESPACE.broadcast_arrays(*arrays))


#: half-precision dtypes: running sums and products accumulate them in float32
_HALF = frozenset({np.dtype(NAMESPACE.float16), np.dtype(NAMESPACE.bfloat16)})


def _linspace(start, stop, num, endpoint, dtype):
    return NAMESPACE.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)


#: jax.numpy's linspace as one compiled call: the bounds traced as jax's own linspace traces
#: them (its compiled core), ``num``, ``endpoint`` and ``dtype`` static; what jax's
#: linspace checks on the way (a concrete ``num``) holds for an int ``num``
_linspace_compiled = jitted_hashable(_linspace, ("num", "endpoint", "dtype"))


def _linspace_native(start, stop, num, *, dtype=None, device=None, endpoint=True):
    """jax.numpy's linspace; a call of an int ``num`` and no device as one compiled call
    (jax's own runs argument checks in Python around its compiled core first)."""
    if type(num) is int and device is None and type(endpoint) is bool:
        return _linspace_compiled(start, stop, num, endpoint, dtype)
    return NAMESPACE.linspace(start, stop, num, dtype=dtype, device=device, endpoint=endpoint)


linspace = number_linspace(_linspace_native)  # array bounds: the generic's (NumPy's)


def _full(fill_value, shape, dtype):
    return NAMESPACE.full(shape, fill_value, dtype)


#: jax.numpy's full as one compiled program (eagerly, jax converts the value and broadcasts
#: it as two programs, six times the time): the value traced, ``shape`` and ``dtype`` static
_full_compiled = jitted_hashable(_full, ("shape", "dtype"))
#: the dtypes that a Python float fills as jax's full fills them when the float is traced
#: (converted to jax's default float first): no rounding of a float32 twice
_FLOAT_FILLED = frozenset(np.dtype(d) for d in ("float32", "float64", "complex64", "complex128"))


def _float_filled(dtype) -> bool:
    try:
        return dtype in _FLOAT_FILLED
    except TypeError:  # (not hashable: no dtype jax's full takes)
        return False


def full(shape, fill_value, dtype=None, *, device=None):
    """jax.numpy's full; a Python bool, int or float value (a float into no dtype, or one
    in :data:`_FLOAT_FILLED`), a shape of an int or a tuple and no device as one compiled
    call, the value traced (one program per shape and dtype, whatever the value). A traced
    value converts as jax's full converts it, an int into jax's default int first: one out
    of its range, or a shape jax refuses, takes jax's own full, with its result or error."""
    t = type(fill_value)
    if (device is None and (t is float or t is int or t is bool)
            and (type(shape) is tuple or type(shape) is int)
            and (t is not float or dtype is None or _float_filled(dtype))):
        try:
            return _full_compiled(fill_value, shape, dtype)
        except Exception:  # (jax's own full gives its result or error)
            pass
    return NAMESPACE.full(shape, fill_value, dtype=dtype, device=device)


def unstack(x, /, *, axis=0):
    """jax's unstack, also with NumPy's axis of one int in a sequence."""
    if type(axis) is not int:
        axis = unstack_axis(axis, "unstack")
    return NAMESPACE.unstack(x, axis=axis)


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """float16 and bfloat16 add in float32, each partial sum rounded once to the input's
    dtype (XLA adds bfloat16 in bfloat16 on the CPU: the running sum of 2000 values near
    1000 ends at 2.04e6 for 2.0e6); other dtypes as jax's."""
    if type(axis) is tuple:  # NumPy's axis of one int in a tuple
        axis = accumulate_axis(axis, "cumulative_sum")
    if x.ndim == 0:  # NumPy reads a 0-d array as one element of 1-d; jax refuses it
        x = x.reshape(1)
    if dtype is None and x.dtype in _HALF:
        return NAMESPACE.cumulative_sum(x, axis=axis, dtype=NAMESPACE.float32,
                                        include_initial=include_initial).astype(x.dtype)
    return NAMESPACE.cumulative_sum(x, axis=axis, dtype=dtype, include_initial=include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """Integers narrower than the default integer accumulate in it (as cumulative_sum);
    float16 and bfloat16 multiply in float32, each partial product rounded once to the
    input's dtype (XLA rounds them at every step)."""
    if type(axis) is tuple:  # NumPy's axis of one int in a tuple
        axis = accumulate_axis(axis, "cumulative_prod")
    if x.ndim == 0:  # NumPy reads a 0-d array as one element of 1-d; jax refuses it
        x = x.reshape(1)
    if dtype is None and x.dtype in _HALF:
        return NAMESPACE.cumulative_prod(x, axis=axis, dtype=NAMESPACE.float32,
                                         include_initial=include_initial).astype(x.dtype)
    if dtype is None and NAMESPACE.issubdtype(x.dtype, NAMESPACE.integer):
        wide = jax.dtypes.canonicalize_dtype(
            np.uint64 if NAMESPACE.issubdtype(x.dtype, NAMESPACE.unsignedinteger) else np.int64)
        if x.dtype.itemsize < wide.itemsize:
            dtype = wide
    return NAMESPACE.cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)


def searchsorted(x1, x2, /, *, side="left", sorter=None):
    """jax gives int32 indices always; the standard's are the default index dtype."""
    out = NAMESPACE.searchsorted(x1, x2, side=side, sorter=sorter)
    index = default_dtypes()[0]
    return out if out.dtype == index else out.astype(index)  # (a cast even of one dtype)


def _cpow_int(a, n):
    """``a ** n`` for integer ``|n| < 100`` by binary powers, as NumPy computes it."""
    k = NAMESPACE.abs(n)
    acc, p = NAMESPACE.ones_like(a), a
    for bit in range(7):
        acc = NAMESPACE.where((k >> bit) & 1 == 1, acc * p, acc)
        p = p * p
    acc = NAMESPACE.where(k == 1, a, NAMESPACE.where(k == 2, a * a,
                                                     NAMESPACE.where(k == 3, a * a * a, acc)))
    return NAMESPACE.where(n < 0, 1 / acc, acc)


def pow(x1, x2, /):  # noqa: A001
    out = NAMESPACE.pow(x1, x2)
    if not NAMESPACE.iscomplexobj(out):
        return out
    # NumPy's complex power: exp(x2 * log(x1)) (no overflow of |x1| ** re(x2) on the way),
    # binary powers for integer exponents below 100, and a zero base to a power of
    # positive real part is zero (XLA gives nan + nan*j)
    a = NAMESPACE.broadcast_to(NAMESPACE.asarray(x1, dtype=out.dtype), out.shape)
    b = NAMESPACE.broadcast_to(NAMESPACE.asarray(x2, dtype=out.dtype), out.shape)
    br, bi = NAMESPACE.real(b), NAMESPACE.imag(b)
    general = NAMESPACE.exp(b * NAMESPACE.log(a))
    integral = (bi == 0) & (NAMESPACE.round(br) == br) & (NAMESPACE.abs(br) < 100)
    n = NAMESPACE.where(integral, br, 0).astype(NAMESPACE.int32)
    res = NAMESPACE.where(integral, _cpow_int(a, n), general)
    res = NAMESPACE.where((a == 0) & (br > 0), NAMESPACE.zeros((), out.dtype), res)
    res = NAMESPACE.where(b == 0, NAMESPACE.ones((), out.dtype), res)
    return NAMESPACE.where(NAMESPACE.isfinite(a) & NAMESPACE.isfinite(b), res, out)


#: an array's float16 dtype (a NumPy dtype: comparing it with jnp.float16 costs ~0.3 us)
_F16 = np.dtype(np.float16)


def _in_float(x):
    """``x``, integers and bools in jax's default float (NumPy's float64 with x64 on; jax's
    own mean gives float32 for int32)."""
    # (the dtype's kind: a third of issubdtype's cost, on every mean, var and std call)
    return x.astype(default_dtypes()[1]) if x.dtype.kind in "biu" else x


def _check_axes(x, axis, op: str) -> None:
    """Raise crossops's ``OpAxisError`` for an axis just out of range: jax's mean, var and
    std read the reduced size as ``x.shape[axis]`` first, an ``IndexError`` for ``axis``
    of ``ndim`` to ``2 * ndim - 1`` or ``-ndim - 1``."""
    if axis is not None and not (type(axis) is int and -(n := len(x.shape)) <= axis < n):
        normalize_axes(axis, x.ndim, op)  # (an int in range: nothing to check)


def mean(x, /, *, axis=None, keepdims=False):
    _check_axes(x, axis, "mean")
    if x.dtype.kind in "biu":  # (jax's mean in the default float: the cast inside its one
        # program, the same sum as of the cast array, where the cast alone costs ~10 us)
        return NAMESPACE.mean(x, axis=axis, keepdims=keepdims, dtype=default_dtypes()[1])
    return NAMESPACE.mean(x, axis=axis, keepdims=keepdims)


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    """jax's var, integers in the default float and float16 accumulated in float32. An
    array's (not a tracer's) call of an int or no axis runs as one compiled program, the
    casts and jax.numpy.var's own argument handling included (:func:`_var_compiled`:
    eagerly, that handling costs a quarter of jax's var); a traced call traces
    :func:`_var`, as jax.numpy's var traces."""
    _check_axes(x, axis, "var")
    if (type(keepdims) is bool and (axis is None or type(axis) is int)
            and type(correction) in _CORRECTIONS and not isinstance(x, jax.core.Tracer)):
        return _var_compiled(x, axis, correction, keepdims)
    return _var(x, axis, correction, keepdims)


def _var(x, axis, correction, keepdims):
    """:func:`var` of ``x`` over a checked ``axis``."""
    x = _in_float(x)
    if x.dtype is _F16:  # accumulate in float32, round once (no overflow)
        return NAMESPACE.var(x.astype(NAMESPACE.float32), axis=axis, correction=correction,
                             keepdims=keepdims).astype(NAMESPACE.float16)
    return NAMESPACE.var(x, axis=axis, correction=correction, keepdims=keepdims)


#: (``correction`` is no static argument: as a constant, XLA divides by its reciprocal)
_var_compiled = jitted_hashable(_var, ("axis", "keepdims"))
#: the types of a ``correction`` that :func:`var` passes to :func:`_var_compiled` (traced)
_CORRECTIONS = frozenset({int, float})


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    """jax's std, with the gradient at a zero variance (a constant input) 0, a subgradient
    (jax's is nan). Floating input runs as one compiled program (:func:`_std_zero_safe`:
    eagerly, its five small ops cost seven times jax's own std); an axis or correction
    that cannot be a static argument runs it eagerly (:func:`._jit.jitted`)."""
    _check_axes(x, axis, "std")
    x = _in_float(x)
    if x.dtype == NAMESPACE.float16:
        return std(x.astype(NAMESPACE.float32), axis=axis, correction=correction,
                   keepdims=keepdims).astype(NAMESPACE.float16)
    if not NAMESPACE.issubdtype(x.dtype, NAMESPACE.floating):
        return NAMESPACE.std(x, axis=axis, correction=correction, keepdims=keepdims)
    return _std_compiled(x, axis, correction, keepdims)


def _std_zero_safe(x, axis, correction, keepdims):
    """The zero-safe square root of jax's var (floating ``x``)."""
    return zero_safe_sqrt(NAMESPACE, NAMESPACE.var(x, axis=axis, correction=correction,
                                                   keepdims=keepdims))


_std_compiled = jitted(_std_zero_safe, ("axis", "correction", "keepdims"))


def linalg_cholesky(x, /, *, upper=False):
    """jax gives NaN for a matrix that is not positive-definite: eagerly, that raises
    ValueError, as NumPy's LinAlgError and the other backends (traced, NaN stays). The
    factor and its check are one compiled program, whose one flag is read on the host."""
    if isinstance(x, jax.core.Tracer):
        return NAMESPACE.linalg.cholesky(x, upper=upper)
    out, failed = _checked_cholesky(x, upper)
    if bool(failed):
        raise ValueError("the matrix is not positive-definite: the factorization could not be "
                         "completed")
    return out


def _cholesky_and_failure(x, upper):
    """The Cholesky factor of ``x``, and whether it failed: NaN in the factor of a matrix
    without NaN."""
    out = NAMESPACE.linalg.cholesky(x, upper=upper)
    return out, NAMESPACE.isnan(out).any() & ~NAMESPACE.isnan(x).any()


_checked_cholesky = jitted_hashable(_cholesky_and_failure, ("upper",))


def linalg_pinv(x, /, *, rtol=None):
    """The standard's default cutoff is ``max(M, N) * eps`` (jax's is ten times that)."""
    if rtol is None:
        rtol = max(x.shape[-2:]) * NAMESPACE.finfo(x.dtype).eps
    return NAMESPACE.linalg.pinv(x, rtol=rtol)


def _vector_norm(x, axis, keepdims, ord):  # noqa: A002
    if ord != 2 or not NAMESPACE.issubdtype(x.dtype, NAMESPACE.inexact):
        return NAMESPACE.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    squares = NAMESPACE.real(x * NAMESPACE.conj(x)) if NAMESPACE.iscomplexobj(x) else x * x
    return zero_safe_sqrt(NAMESPACE, NAMESPACE.sum(squares, axis=axis, keepdims=keepdims))


# one program per shape and options (eagerly, jax's own vector_norm is ~8 small programs:
# 65 us a call at 32x32, crossops's 102, against 5 compiled)
_vector_norm_compiled = jitted(_vector_norm, ("axis", "keepdims", "ord"))


def linalg_vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002
    """jax's norm, with the 2-norm's gradient at a zero vector 0 (jax's is nan), compiled."""
    return _vector_norm_compiled(x, axis, keepdims, ord)


def linalg_matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002
    """jax's matrix norm, with the Frobenius norm's gradient at a zero matrix 0 (jax's is
    nan)."""
    if ord != "fro" or not NAMESPACE.issubdtype(x.dtype, NAMESPACE.inexact):
        return NAMESPACE.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    squares = NAMESPACE.real(x * NAMESPACE.conj(x)) if NAMESPACE.iscomplexobj(x) else x * x
    return zero_safe_sqrt(NAMESPACE, NAMESPACE.sum(squares, axis=(-2, -1), keepdims=keepdims))


# --- keras.ops linalg beyond the standard (spec/linalg.toml) -------------------------------
def linalg_lstsq(a, b, rcond=None):
    check_lstsq(a, b)
    return NAMESPACE.linalg.lstsq(a, b, rcond=rcond)[0]


def linalg_solve_triangular(a, b, lower=False):
    """SciPy's solve_triangular, with the batch axes of a and b broadcast."""
    import jax.scipy.linalg as jsl
    vector = check_triangular(a, b)
    if vector:
        b = b[..., None]
    batch = NAMESPACE.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = NAMESPACE.broadcast_to(a, batch + a.shape[-2:])
    b = NAMESPACE.broadcast_to(b, batch + b.shape[-2:])
    out = jsl.solve_triangular(a, b, lower=lower)
    return out[..., 0] if vector else out


def linalg_lu_factor(x):
    """SciPy's lu_factor (0-based int32 pivots), batched."""
    import jax.scipy.linalg as jsl
    if x.ndim < 2:
        raise ValueError(f"linalg.lu_factor: x must be a (stack of) matri(ces) with at least "
                         f"two axes, got shape {x.shape}")
    lu, piv = jsl.lu_factor(x)
    return lu, piv.astype(NAMESPACE.int32)


def _truth(x):
    """Complex ``x`` as ``x != 0``: jax.numpy's any/all read only the real part."""
    return x != 0 if _is_complex(x) else x


def any(x, /, *, axis=None, keepdims=False):  # noqa: A001
    return NAMESPACE.any(_truth(x), axis=axis, keepdims=keepdims)


def all(x, /, *, axis=None, keepdims=False):  # noqa: A001
    return NAMESPACE.all(_truth(x), axis=axis, keepdims=keepdims)


# --- argmax / argmin: XLA's CPU kernels flush subnormals to zero ------------------------------
#: a floating dtype's width in bytes -> the signed integer dtype of its bits
_KEY_INT = {2: NAMESPACE.int16, 4: NAMESPACE.int32, 8: NAMESPACE.int64}


def _arg_keyed(x, axis, keepdims, largest):
    """argmax (``largest``) or argmin of floating ``x`` on an integer key of the same order,
    so that subnormals compare as their values (XLA on CPU reads them as 0), -0.0 ties with
    0.0 and the first NaN wins, as in NumPy."""
    it = _KEY_INT[x.dtype.itemsize]
    info = NAMESPACE.iinfo(it)
    bits = jax.lax.bitcast_convert_type(x, it)
    # negative floats: every bit but the sign flipped gives two's complement order
    key = bits ^ ((bits >> (info.bits - 1)) & info.max)
    key = NAMESPACE.where(key == -1, 0, key).astype(it)  # -0.0 -> the key of 0.0
    key = NAMESPACE.where(NAMESPACE.isnan(x), info.max if largest else info.min, key)
    f = NAMESPACE.argmax if largest else NAMESPACE.argmin
    return f(key, axis=axis, keepdims=keepdims)


#: (its static arguments are an int or None and two bools, all hashable)
_arg_keyed_compiled = jitted_hashable(_arg_keyed, ("axis", "keepdims", "largest"))
#: dtype -> whether it is floating (jnp.issubdtype, found once per dtype)
_FLOATING: dict = {}


def _floating(dtype) -> bool:
    found = _FLOATING.get(dtype)
    if found is None:
        found = _FLOATING[dtype] = bool(NAMESPACE.issubdtype(dtype, NAMESPACE.floating))
    return found


def _arg_axis(x, axis, op: str):
    """``axis`` of :func:`argmax` / :func:`argmin` in ``[0, ndim)`` (None stays None)."""
    if type(axis) is int and -(n := len(x.shape)) <= axis < n:
        return axis % n
    return None if axis is None else normalize_axis(axis, x.ndim, op)


def argmax(x, /, *, axis=None, keepdims=False):
    """jax's argmax; floating x on its integer order key (one compiled program): XLA's CPU
    argmax reads subnormals as 0, NumPy does not."""
    if not _floating(x.dtype):
        return NAMESPACE.argmax(x, axis=axis, keepdims=keepdims)
    return _arg_keyed_compiled(x, _arg_axis(x, axis, "argmax"), bool(keepdims), True)


def argmin(x, /, *, axis=None, keepdims=False):
    """jax's argmin; floating x on its integer order key, as :func:`argmax`."""
    if not _floating(x.dtype):
        return NAMESPACE.argmin(x, axis=axis, keepdims=keepdims)
    return _arg_keyed_compiled(x, _arg_axis(x, axis, "argmin"), bool(keepdims), False)


# -- the framework's own functions that the C fronts call (issue 19) -----------------------

#: jax's own functions for calls of an op's required arguments alone, by the array's dtype,
#: where they give what the op's function above gives (real floats: exp needs no complex
#: special cases; float32/float64: sigmoid computes in no other dtype). A C front calls them
#: straight away, and hands a call that raises to the op's function.
#: the dtypes whose truth jax.numpy's any and all read as the ops do (not complex: see _truth)
_NOT_COMPLEX = tuple(d for d in DTYPES.values() if d.kind != "c")

AT_DEFAULTS = {"exp": dict.fromkeys(_REAL_FLOATS, NAMESPACE.exp),
               "sqrt": dict.fromkeys(_REAL_FLOATS, NAMESPACE.sqrt),
               "any": dict.fromkeys(_NOT_COMPLEX, NAMESPACE.any),
               "all": dict.fromkeys(_NOT_COMPLEX, NAMESPACE.all),
               # (a 1-d x: jax's triu raises, and the op's function takes the call)
               "triu": NAMESPACE.triu,
               "nn.sigmoid": dict.fromkeys(_F32_F64, jax.nn.sigmoid),
               "nn.silu": dict.fromkeys(_F32_F64, jax.nn.silu),
               # (an odd size raises: the op's own path names the error)
               "nn.glu": dict.fromkeys(_F32_F64, jax.nn.glu),
               # (jax.nn's elu and celu are the generic forms' computations, bit for bit,
               # compiled once: at their default alpha)
               "nn.elu": dict.fromkeys(_F32_F64, jax.nn.elu),
               "nn.celu": dict.fromkeys(_F32_F64, jax.nn.celu),
               # (jnp's own: the generic form's selections, bit for bit, one program)
               "nan_to_num": dict.fromkeys(_REAL_FLOATS, NAMESPACE.nan_to_num),
               # two arrays of one type (numpy.py's outer: jax's, for every dtype)
               "outer": NAMESPACE.outer,
               # two arrays of one dtype (the front checks): jax's dot is NumPy's, and
               # its isclose (numpy.py's)
               "dot": dict.fromkeys(_F32_F64, NAMESPACE.dot),
               "isclose": dict.fromkeys(_F32_F64, NAMESPACE.isclose),
               # (two int axes in range, which the front checks: numpy.py's swapaxes)
               "swapaxes": NAMESPACE.swapaxes,
               # (a list or tuple of arrays of one dtype and number of dimensions, which the
               # front checks: the op's concat, without its two dispatches)
               "concatenate": NAMESPACE.concatenate}


def _mean_at(x, axis, keepdims):
    """:func:`mean` of a floating x over an int axis, or a tuple of them, in range (the C
    front checks it)."""
    return NAMESPACE.mean(x, axis, keepdims=keepdims)


def _any_at(x, axis, keepdims):
    """:func:`any` of a non-complex x over an int axis in range (the C front checks it)."""
    return NAMESPACE.any(x, axis, keepdims=keepdims)


def _all_at(x, axis, keepdims):
    """:func:`all` of a non-complex x over an int axis in range (the C front checks it)."""
    return NAMESPACE.all(x, axis, keepdims=keepdims)


#: jax's own functions for calls that give some of an op's options (an int axis, in range
#: of x's dimensions, which the front checks; a bool keepdims) and leave the others at their
#: defaults: op -> (dtype -> function, the options it takes by position, those that are
#: axes), as the torch backend's ``AT_OPTIONS``; each makes the call the op's function
#: would make for that dtype
AT_OPTIONS = {
    # (an int axis, or a tuple of one or more, in range: the front checks)
    "mean": OptionsRoute(dict.fromkeys(_REAL_FLOATS, _mean_at), ("axis", "keepdims"),
                         ("axis",), sequences=True),
    "any": (dict.fromkeys(_NOT_COMPLEX, _any_at), ("axis", "keepdims"), ("axis",)),
    "all": (dict.fromkeys(_NOT_COMPLEX, _all_at), ("axis", "keepdims"), ("axis",)),
    "nn.log_softmax": (dict.fromkeys(_F32_F64, jax.nn.log_softmax), ("axis",), ("axis",)),
    # indices of the array's type along an int axis: jax's own take, as take above calls
    # it (no axis check: jax raises for an axis out of range, a 0-d x's too, and take
    # above then takes axis 0 or -1 of a 0-d x as NumPy does)
    "take": (NAMESPACE.take, ("axis",)),
    # (as AT_DEFAULTS's, along an int axis in range of the items, which the front checks)
    "concatenate": (NAMESPACE.concatenate, ("axis",)),
    # the dtypes whose running sum jax's cumsum computes as crossops does (numpy.py's
    # cumsum), and which raises for an axis out of range (a 0-d x's too) as the op does:
    # no axis for the front to check against x's number of dimensions (a read of jax's
    # Python property ndim, 3% of the call)
    "cumsum": (dict.fromkeys(map(np.dtype, ("float32", "float64", "complex64", "complex128")),
                             NAMESPACE.cumsum), ("axis",)),
}
