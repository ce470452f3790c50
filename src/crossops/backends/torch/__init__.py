"""PyTorch backend: array-api-compat's torch namespace, torch's own kernels on hot paths."""

from __future__ import annotations

import builtins
import functools
from math import isinf as _isinf  # (.math is a submodule)

import array_api_compat.torch as NAMESPACE  # noqa: N812
import ml_dtypes
import numpy as np
import torch
import torch.nn.functional as F
from array_api_compat.common._aliases import UniqueAllResult as _UniqueAll

from ..._axes import normalize_axes, normalize_axis
from ..._dtypes import _compute_name, dtype_name, result_name
from .._axis_tuples import accumulate_axis, unstack_axis
from .._common import (
    OptionsRoute,
    casting_functions,
    dtype_functions,
    dtype_table,
    fix_expm1,
    fix_floor_divide,
    fix_log1p,
    float8_table,
    make_native_dtype,
)
from .._core import (
    check_flat_indices,
    check_integer_indices,
    tile_repetitions,
    window_defaults,
)
from .._numpy_ops import bool_clip_dtype, roll_pairs
from .._spacing import number_linspace
from . import unsigned as _unsigned
from ._functorch import in_transform

NAME = "torch"
ARRAY_TYPES = (torch.Tensor,)
DTYPE_TYPES = (torch.dtype,)
#: torch treats 0-d tensors as weak and lacks some unsigned kernels
NATIVE_PROMOTION = False
#: torch gives int array + Python float the float32 default, not the weak rule
NATIVE_WEAK_SCALARS = False
#: torch.compile traces through dispatch: the caches are filled when a tensor type is
#: first seen, so that a compiled first call finds them warm (no graph break)
PREFILL = True

DTYPES = dtype_table(lambda n: getattr(torch, n))
#: the float8 types, which native_dtype takes too
FLOAT8_DTYPES = float8_table(lambda n: getattr(torch, n))
native_dtype = make_native_dtype({**DTYPES, **FLOAT8_DTYPES}, "torch", torch.dtype)
#: the class of torch's dtype objects, which :func:`native_dtype` returns as they are (the
#: C front of ``astype`` passes such a dtype straight on: crossops._accel)
NATIVE_DTYPE_CLASS = torch.dtype


def native_dtype_uncached(dtype):
    """:func:`native_dtype` without its cache (what torch.compile traces)."""
    return dtype if isinstance(dtype, torch.dtype) else DTYPES[_compute_name(dtype)]


def reusable(x) -> bool:
    """Whether array ``x``, just made, may serve later calls: a plain tensor with storage,
    made outside dynamo and outside inference mode. Not a FakeTensor or FunctionalTensor
    of torch.compile's tracing (which also runs autograd.Function backwards outside
    dynamo), not a torch.func transform's wrapper (storage-less, of type Tensor), not an
    inference tensor (which a later backward could not save)."""
    if torch.compiler.is_compiling():  # first: dynamo must not trace what follows
        return False
    return (type(x) is torch.Tensor and not x.is_meta and not in_transform()
            and not torch.is_inference_mode_enabled())


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names: torch's defaults (never changed here)."""
    f = torch.get_default_dtype()
    return ("int64", "float64" if f == torch.float64 else "float32",
            "complex128" if f == torch.float64 else "complex64")


def to_numpy(x) -> np.ndarray:
    x = x.detach().cpu()
    if type(x) is not torch.Tensor and hasattr(x, "full_tensor"):
        x = x.full_tensor()  # a DTensor (ModelParallel): its whole value, in every process
    if x.dtype == torch.bfloat16:
        return x.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return x.resolve_conj().numpy()


def host_view(x) -> np.ndarray:
    """A CPU tensor's values as NumPy's array, without a copy (not bfloat16, which NumPy
    lacks: :func:`to_numpy` views it, at ~0.8 us more a call)."""
    return x.detach().numpy() if x.requires_grad else x.numpy()


def value_known(x) -> bool:
    """Whether tensor ``x``'s values are known now, and readable on the host: not while
    ``torch.compile`` traces, nor inside a ``torch.func`` transform (whose wrappers have
    no storage), nor of a meta tensor (value checks then run eagerly only)."""
    if torch.compiler.is_compiling():  # first: dynamo must not trace what follows
        return False
    return not in_transform() and not x.is_meta


globals().update(casting_functions(NAMESPACE, native_dtype))
_asarray = asarray  # noqa: F821  (casting_functions's)
_astype = astype  # noqa: F821  (casting_functions's)


def astype(x, dtype, /, *, copy=True, device=None):
    """The shared ``astype`` (the dtype converted by :func:`native_dtype`), with
    array-api-compat's call of ``x.to`` made here where no device is given."""
    if device is None:
        return x.to(dtype=native_dtype(dtype), copy=copy)
    return _astype(x, dtype, copy=copy, device=device)


def asarray(obj, /, *, dtype=None, device=None, copy=None):
    """The namespace's ``asarray`` taking any dtype; a (nested) list or tuple holding
    tensors, which ``torch.asarray`` refuses, is stacked as NumPy stacks a list of arrays
    (its elements promoted to one dtype). Tried only once ``torch.asarray`` has refused.
    A tensor asked for as it is comes back itself (torch.asarray's answer, without its
    warning about a tensor that requires grad)."""
    if (isinstance(obj, torch.Tensor) and device is None and not copy
            and (dtype is None or obj.dtype == native_dtype(dtype))):
        return obj
    try:
        return _asarray(obj, dtype=dtype, device=device, copy=copy)
    except (ValueError, TypeError, RuntimeError):
        if not isinstance(obj, list | tuple) or not _holds_tensor(obj):
            raise
    return _asarray(_stacked(obj), dtype=dtype, device=device, copy=copy)


def _holds_tensor(seq) -> bool:
    return any(isinstance(e, torch.Tensor) or isinstance(e, list | tuple) and _holds_tensor(e)
               for e in seq)


def _stacked(seq):
    """A list or tuple of tensors, numbers and such sequences as one tensor."""
    parts = [_stacked(e) if isinstance(e, list | tuple) else torch.as_tensor(e) for e in seq]
    if not parts:
        return torch.asarray(seq)
    common = parts[0].dtype
    for p in parts[1:]:
        common = torch.promote_types(common, p.dtype)
    return torch.stack([p.to(common) for p in parts])


_BF16_NP = np.dtype(ml_dtypes.bfloat16)


def from_numpy(x):
    """A NumPy array beside torch tensors (host data) as a tensor of its dtype: bfloat16
    through its bits, read-only and negative-stride arrays copied first (torch takes
    neither); others share their memory (ops never write to their inputs)."""
    if torch.compiler.is_compiling():  # dynamo traces an ndarray as a tensor (no flags)
        return torch.asarray(x)
    x = np.asarray(x)
    if x.dtype == _BF16_NP:
        return torch.from_numpy(np.array(x, order="C").view(np.int16)).view(torch.bfloat16)
    if not x.flags.writeable or any(s < 0 for s in x.strides):
        x = x.copy()
    return torch.asarray(x)


# array-api-compat's multiply first casts a 0-d operand to the promoted dtype; crossops
# gives the backend's function operands of one dtype already (a Python scalar too, as a
# 0-d tensor of that dtype), where that cast does nothing
multiply = torch.multiply


def matmul(x1, x2, /):
    """torch.matmul; bool tensors (no torch kernel) as NumPy: an or of ands. The C front
    calls torch.matmul itself (AT_DEFAULTS) for every other dtype."""
    if x1.dtype is torch.bool and x2.dtype is torch.bool:
        return torch.matmul(x1.to(torch.float32), x2.to(torch.float32)) != 0
    return torch.matmul(x1, x2)


linalg_matmul = matmul


def imag(x, /):
    """torch.imag, which refuses real tensors; those give zeros, as NumPy's imag."""
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def where(condition, x1, x2, /):
    if condition.dtype is not torch.bool:  # torch takes bool only; NumPy any dtype (!= 0)
        condition = condition != 0
    return torch.where(condition, x1, x2)


def sum(x, /, *, axis=None, dtype=None, keepdims=False):  # noqa: A001
    d = x.dtype
    if d is not _UINT8 and d is not _UINT16 and d is not _UINT32 and d is not _UINT64:
        if axis is None and not keepdims:
            return torch.sum(x) if dtype is None else torch.sum(x, dtype=dtype)
        if type(axis) is int and dtype is None:  # array-api-compat's call, made here
            return torch.sum(x, axis, keepdim=keepdims)
    return _sum_unsigned(x, axis=axis, dtype=dtype, keepdims=keepdims)


_UINT8, _UINT16, _UINT32, _UINT64 = torch.uint8, torch.uint16, torch.uint32, torch.uint64


def arange(start, /, stop=None, step=1, *, dtype=None, device=None):
    """``arange(n)`` of a positive Python int, in a dtype torch.arange makes directly (or
    none: int64): torch.arange, the call array-api-compat's arange makes there, without its
    frame and checks; other calls as that one (empty ranges, other dtypes)."""
    if (stop is None and step == 1 and type(start) is int and type(step) is int and start > 0
            and (dtype is None or dtype in _ARANGE_DTYPES)):
        if device is None:  # (torch parses each keyword given, None too)
            return torch.arange(start) if dtype is None else torch.arange(start, dtype=dtype)
        return torch.arange(start, dtype=dtype, device=device)
    return NAMESPACE.arange(start, stop, step, dtype=dtype, device=device)


def _creation(make, name: str):
    """``name(shape, *, dtype=None, device=None)``: ``make`` (torch.zeros ...), the call
    array-api-compat makes, without the keywords left at None or at torch's default dtype
    (torch parses each keyword given, None too: a fifth of the call's time at 32x32;
    keras.ops's forms give floatx, float32, on every call)."""

    def create(shape, *, dtype=None, device=None):
        if device is None:
            if dtype is None or dtype is torch.get_default_dtype():
                return make(shape)
            return make(shape, dtype=dtype)
        return make(shape, dtype=dtype, device=device)

    create.__name__ = create.__qualname__ = name
    create.__doc__ = f"torch.{name}, without the keywords left at None."
    return create


zeros = _creation(torch.zeros, "zeros")
ones = _creation(torch.ones, "ones")
empty = _creation(torch.empty, "empty")


_ARANGE_DTYPES = frozenset({torch.int32, torch.int64, torch.float32, torch.float64})


def reshape(x, /, shape, *, copy=None):
    if type(shape) is int:  # NumPy's and Keras's bare int (torch.reshape takes a tuple)
        shape = (shape,)
    if copy is None:
        return torch.reshape(x, shape)
    return NAMESPACE.reshape(x, shape, copy=copy)


#: torch's own functions for calls that give an op only its required arguments, by
#: position: each returns what the function above returns with its defaults, or raises.
#: The dispatch's C front calls them straight away, and hands a call that raises to the
#: full path (sum by dtype: as above, all but the unsigned ones).
_NARROW = [d for d in DTYPES.values() if d not in (_UINT16, _UINT32, _UINT64)]
_SIGNED = [d for d in _NARROW if d not in (torch.bool, _UINT8)]
_FULL_FLOAT = (torch.float32, torch.float64)  # computed as they are (not half precision)
_HALF_TO_DOUBLE = (torch.float16, *_FULL_FLOAT)
#: the dtypes torch sorts (not bool, complex, nor uint16/32/64)
SORTED_DTYPES = frozenset(d for d in _NARROW if d is not torch.bool and not d.is_complex)
_ARG_KERNEL = [d for d in _NARROW if d is not torch.bool]  # (torch.argmax's kernels)

def _full_like_number(x, fill_value):
    """``torch.full_like`` of a Python number (the values the op gives; a fill it cannot
    hold raises, and the op's own path names the error). A 0-d tensor fill raises here
    too: torch would take its value and drop its gradient, which the op's path keeps."""
    if type(fill_value) not in (float, int, bool):
        raise TypeError("full_like: the op's own path takes a fill other than a number")
    return torch.full_like(x, fill_value)


def _stable_argsort(x, axis):
    """``torch.argsort`` along ``axis``, stably, as the op's default (its overload with
    ``stable`` takes ``dim`` by keyword only)."""
    return torch.argsort(x, stable=True, dim=axis)


def _keras_leaky_relu(x):
    """``F.leaky_relu`` at Keras's default slope, 0.2 (torch's is 0.01), given by position
    (a partial with the keyword costs ~0.15 us more a call)."""
    return F.leaky_relu(x, 0.2)


AT_DEFAULTS = {
    # (the 2-norm of every element, a matrix's Frobenius norm, as NumPy's: flattened)
    "linalg.norm": dict.fromkeys(_FULL_FLOAT, torch.linalg.vector_norm),
    "add": {d: torch.add for d in _NARROW},  # (uint16/32/64: the widened add below)
    "matmul": {d: torch.matmul for d in DTYPES.values() if d is not torch.bool},
    "linalg.matmul": {d: torch.matmul for d in DTYPES.values() if d is not torch.bool},
    "where": torch.where,
    "reshape": torch.reshape,
    "expand_dims": torch.unsqueeze,  # a tuple axis raises: the op's own function takes it
    # an int axis, whose result the front keeps only with one dimension fewer (crossops.
    # _accel's _UNIT_AXIS_OPS): torch.squeeze keeps an axis of another size, where squeeze
    # raises
    "squeeze": torch.squeeze,
    # (torch.movedim raises for sequences of two lengths: the op's ValueError follows)
    "moveaxis": torch.movedim,
    # two int axes in range of x's dimensions (the front checks, crossops._accel's
    # _RANKED_AXIS_OPS: torch takes axes 0 and -1 of a 0-d tensor, where NumPy raises);
    # torch.swapaxes, an alias, costs more
    "swapaxes": torch.transpose,
    # (of the numbers of dimensions AT_DEFAULTS_RANKS gives, which the front checks)
    "transpose": torch.t,
    # (the attribute's descriptor: the C front reads it of the array)
    "matrix_transpose": torch.Tensor.mT,
    "linalg.matrix_transpose": torch.Tensor.mT,
    # two arrays of one dtype (the front checks, crossops._accel's _ONE_DTYPE_OPS: torch
    # promotes two by its own rules); torch.outer raises for other than 1-d ones, which
    # NumPy flattens, and the op's function takes the call
    "outer": torch.outer,
    # two floating tensors of one dtype (the front checks: _ONE_DTYPE_OPS): numpy.py's
    "isclose": dict.fromkeys(_HALF_TO_DOUBLE, torch.isclose),
    # a vector and an array, or a matrix and a vector or matrix, of one dtype (the front
    # checks: AT_DEFAULTS_RANKS, crossops._accel's _ONE_DTYPE_OPS): NumPy's dot is
    # torch.matmul there (of a matrix and more dimensions, matmul broadcasts where dot
    # contracts: numpy.py's dot takes those)
    "dot": dict.fromkeys(_FULL_FLOAT, torch.matmul),
    "tile": torch.tile,  # (a bare int raises: the op's own function tiles it as (n,))
    # (a 0-d or 1-d tensor raises: the op's own function takes NumPy's 1-d form)
    "tril": {d: torch.tril for d in _NARROW},
    "triu": {d: torch.triu for d in _NARROW},
    # (a list or tuple of tensors alone: stack's cached function, without its keyword)
    "stack": torch.stack,
    # the namespace's functions make these calls (the *_like ones: without dtype=None and
    # device=None, which torch parses)
    "broadcast_to": torch.broadcast_to,
    "permute_dims": torch.permute,
    "ones_like": torch.ones_like,
    "full_like": _full_like_number,
    "zeros_like": torch.zeros_like,
    "empty_like": torch.empty_like,
    "sum": {d: torch.sum for d in DTYPES.values()
            if d not in (_UINT8, _UINT16, _UINT32, _UINT64)},
    "max": {d: torch.amax for d in _NARROW},  # empty: raises, and the op's error follows
    # (also the call of a tensor and a Python scalar of its dtype: see
    # crossops._dispatch._weak_scalar_call)
    "maximum": {d: torch.maximum for d in _NARROW},
    "minimum": {d: torch.minimum for d in _NARROW},
    "min": {d: torch.amin for d in _NARROW},
    "abs": {d: torch.abs for d in _SIGNED},
    # two tensors of one dtype (the front checks): torch's kernels, which array-api-compat's
    # wrappers call once they have promoted the operands; complex order, and uint16/32/64
    # where torch has no kernel, raise, and the op's own function takes those calls
    "subtract": {d: torch.subtract for d in _NARROW if d is not torch.bool},
    # two tensors of one floating or complex dtype (the front checks): true division, as
    # NumPy's (integers divide in NumPy's float64, where torch.div gives float32:
    # divide's own path)
    "divide": {d: torch.div for d in DTYPES.values() if d.is_floating_point or d.is_complex},
    "negative": {d: torch.neg for d in _NARROW if d is not torch.bool},
    # the flat index of the first largest or smallest element (NaN: the first NaN), as
    # NumPy's; an empty tensor raises, and the op's own path names the error
    "argmax": dict.fromkeys(_ARG_KERNEL, torch.argmax),
    "argmin": dict.fromkeys(_ARG_KERNEL, torch.argmin),
    # (also a complex tensor and a Python number, as its 0-d tensor of the tensor's dtype:
    # crossops._dispatch._weak_scalar_call; a floating one: AT_SCALARS)
    "pow": {d: torch.pow for d in DTYPES.values() if d.is_floating_point or d.is_complex},
    # floating tensors (bool and integers: the rounding functions below)
    "floor": {d: torch.floor for d in DTYPES.values() if d.is_floating_point},
    "ceil": {d: torch.ceil for d in DTYPES.values() if d.is_floating_point},
    "trunc": {d: torch.trunc for d in DTYPES.values() if d.is_floating_point},
    "equal": {d: torch.eq for d in _NARROW},
    "not_equal": {d: torch.ne for d in _NARROW},
    "greater": {d: torch.gt for d in _NARROW},
    "greater_equal": {d: torch.ge for d in _NARROW},
    "less": {d: torch.lt for d in _NARROW},
    "less_equal": {d: torch.le for d in _NARROW},
    "logical_and": {d: torch.logical_and for d in _NARROW},
    "logical_or": {d: torch.logical_or for d in _NARROW},
    "logical_xor": {d: torch.logical_xor for d in _NARROW},
    # bool results (torch's any and all of uint8 give uint8)
    "any": {d: torch.any for d in DTYPES.values() if d is not _UINT8},
    "all": {d: torch.all for d in DTYPES.values() if d is not _UINT8},
    "mean": {d: torch.mean for d in DTYPES.values() if d.is_floating_point or d.is_complex},
    "square": {d: torch.square for d in _NARROW if d is not torch.bool},
    "nn.relu": {d: torch.relu for d in _NARROW if d is not torch.bool},
    "nn.sigmoid": dict.fromkeys(_FULL_FLOAT, torch.sigmoid),
    "nn.silu": dict.fromkeys(_FULL_FLOAT, F.silu),
    # (Keras's default, approximate=True: torch's tanh form, as nn.py's gelu calls it)
    "nn.gelu": dict.fromkeys(_FULL_FLOAT, functools.partial(F.gelu, approximate="tanh")),
    # activations at their defaults, float32/float64: torch's kernels, as nn.py's
    # functions call them (Keras's leaky_relu slope is 0.2, torch's 0.01; softplus is x
    # itself above 20 in float32, torch's default, and above 40 in float64)
    "nn.relu6": dict.fromkeys(_FULL_FLOAT, F.relu6),
    "nn.leaky_relu": dict.fromkeys(_FULL_FLOAT, _keras_leaky_relu),
    "nn.elu": dict.fromkeys(_FULL_FLOAT, F.elu),
    "nn.selu": dict.fromkeys(_FULL_FLOAT, torch.selu),
    "nn.celu": dict.fromkeys(_FULL_FLOAT, torch.celu),
    "nn.softplus": {torch.float32: F.softplus,
                    torch.float64: functools.partial(F.softplus, beta=1.0, threshold=40.0)},
    "nn.log_sigmoid": dict.fromkeys(_FULL_FLOAT, F.logsigmoid),
    "nn.hard_sigmoid": dict.fromkeys(_FULL_FLOAT, F.hardsigmoid),
    "nn.hard_tanh": dict.fromkeys(_FULL_FLOAT, F.hardtanh),
    "nn.softsign": dict.fromkeys(_FULL_FLOAT, F.softsign),
    "nn.tanh_shrink": dict.fromkeys(_FULL_FLOAT, F.tanhshrink),
    # (math.py's erf of float32/float64: torch's, with no compute dtype to go through)
    "math.erf": dict.fromkeys(_FULL_FLOAT, torch.erf),
    # (an odd size raises: the op's own path names the error)
    "nn.glu": dict.fromkeys(_FULL_FLOAT, F.glu),
    # float16/32/64 (integers: NumPy's float64 loop, the op's own path): torch's
    # kernels, NumPy's values, bit for bit (nan_to_num: the dtype's largest and smallest
    # for the infinities, as NumPy's defaults)
    "deg2rad": dict.fromkeys(_HALF_TO_DOUBLE, torch.deg2rad),
    "exp2": dict.fromkeys(_HALF_TO_DOUBLE, torch.exp2),
    "nan_to_num": dict.fromkeys(_HALF_TO_DOUBLE, torch.nan_to_num),
    # (of a 1-d or 2-d tensor, which the front checks: AT_DEFAULTS_RANKS)
    "diag": dict.fromkeys(_NARROW, torch.diag),
    # (of a matrix: AT_DEFAULTS_RANKS) torch.trace accumulates float32 in float64: within
    # a rounding of NumPy's pairwise sum, as the generic's sum of the diagonal is
    "trace": dict.fromkeys(_HALF_TO_DOUBLE, torch.trace),
    # creation (a call of the shape alone: the creation fronts of crossops._accel; arange
    # by its argument's type: a Python int, whose range torch.arange makes as arange()
    # above where it is positive, and raises for where it is not: the op's path then)
    "zeros": torch.zeros,
    "ones": torch.ones,
    "empty": torch.empty,
    "arange": {int: torch.arange},
    # (by the first argument's type: an int size, Python number bounds; array-api-compat's
    # eye fills the diagonal of zeros, and its linspace calls torch.linspace)
    "eye": {int: torch.eye},
    # (by the shape's type, then the fill's: a Python number, whose own default dtype
    # torch.full makes, as the op's full does)
    "full": dict.fromkeys((tuple, list), dict.fromkeys((bool, int, float, complex), torch.full)),
    "linspace": {int: torch.linspace, float: torch.linspace},
}
AT_DEFAULTS = window_defaults(AT_DEFAULTS, torch.Tensor.clone)  # (core.slice, slice_update inside)

#: the numbers of dimensions (least, most; -1: any) for which an AT_DEFAULTS function is
#: the op's (the C front checks, and calls the op's function for the others), and the
#: second array's after (four bounds): torch.t raises for more than 2, a 0-d tensor's mT
#: is itself, where matrix_transpose raises, and matmul broadcasts a matrix with a 3-d
#: array where dot contracts them
AT_DEFAULTS_RANKS = {"transpose": (0, 2), "matrix_transpose": (2, -1), "diag": (1, 2),
                     "trace": (2, 2),
                     "linalg.matrix_transpose": (2, -1), "dot": (1, 2, 0, 2)}

#: torch's own functions for an op of a tensor and a Python int or float whose weak dtype is
#: the tensor's: op -> (the number's place, dtype -> function, the numbers it computes
#: otherwise than the op), called with the number as it is (crossops._dispatch.
#: _weak_scalar_call; the others: a 0-d tensor). torch.pow's scalar exponent takes sqrt,
#: square and reciprocal for 0.5, 2 and -1, as NumPy's loops do (``pow(-0.0, 0.5)`` is
#: -0.0, ``pow(-inf, 0.5)`` NaN), where a 0-d exponent takes pow (+0.0, +inf); for -0.5 it
#: takes rsqrt (-inf at -0.0, where NumPy's pow gives +inf)
AT_SCALARS = {"pow": (1, {d: torch.pow for d in DTYPES.values() if d.is_floating_point},
                      frozenset({-0.5}))}

#: the dtype that AT_DEFAULTS's creation functions make, read at each call (torch's
#: default dtype, which torch.set_default_dtype changes): a call that asks for that dtype
#: (keras.ops's floatx) may take them where it is the one asked for
AT_DEFAULTS_DTYPE = {
    **dict.fromkeys(("zeros", "ones", "empty", "eye", "linspace"), torch.get_default_dtype),
    # (by the shape's type, then the fill's: a float fill's, not an int's or a bool's)
    "full": dict.fromkeys((tuple, list), {float: torch.get_default_dtype}),
}
#: AT_DEFAULTS's creation functions that take ``dtype=`` as the op's functions above do
#: (a dtype asked for: keras.ops's int32 arange)
AT_DEFAULTS_DTYPE_KEYWORD = frozenset({"zeros", "ones", "empty", "arange", "eye", "linspace",
                                       "full"})


#: torch's own functions for calls that give an op some of its options (an int axis, a
#: bool keepdims) and leave the others at their defaults: op -> (function, or dtype ->
#: function; the options it takes by position after the required arguments[; those of
#: them, axes, that the front checks are in range of the first array's dimensions
#: first, where the function would take one out of range]). The C front
#: calls ``function(x, axis, keepdims)`` straight away, where the op's function above
#: would make that same call (``sum(x, axis=0)``, ``max(x, axis=1, keepdims=True)``), and
#: hands a call that raises to the op's function.
_INEXACT = [d for d in DTYPES.values() if d.is_floating_point or d.is_complex]
AT_OPTIONS = {
    # (an int axis, or a tuple of one or more, in range of x's dimensions, which
    # the front checks: torch takes 0 and -1 for a 0-d tensor, where NumPy raises, and
    # reduces every axis for an empty tuple, where NumPy reduces none; repeated axes
    # raise, and the op's own path names the error)
    "sum": OptionsRoute(AT_DEFAULTS["sum"], ("axis", "keepdims"), ("axis",), sequences=True),
    "max": OptionsRoute(AT_DEFAULTS["max"], ("axis", "keepdims"), ("axis",), sequences=True),
    "min": OptionsRoute(AT_DEFAULTS["min"], ("axis", "keepdims"), ("axis",), sequences=True),
    "mean": OptionsRoute(dict.fromkeys(_INEXACT, torch.mean), ("axis", "keepdims"), ("axis",),
                         sequences=True),
    # (an int axis in range: NumPy's argmax takes no tuple)
    # a real tensor along an int axis in range (the front checks), stably, as the op's
    # default (NaN last, as the op's)
    "argsort": (dict.fromkeys(SORTED_DTYPES, _stable_argsort), ("axis",), ("axis",)),
    "argmax": (dict.fromkeys(_ARG_KERNEL, torch.argmax), ("axis", "keepdims"), ("axis",)),
    "argmin": (dict.fromkeys(_ARG_KERNEL, torch.argmin), ("axis", "keepdims"), ("axis",)),
    # a list or tuple of tensors of one dtype and one number of dimensions (the front
    # checks): torch.cat, as numpy.py's concatenate calls it there (torch.cat's skipping
    # of empty 1-d tensors beside others of more dimensions cannot occur). (stack's
    # cached function is torch.stack itself, whose keyword costs less than those checks;
    # a call without an axis: AT_DEFAULTS's)
    "concatenate": (torch.cat, ("axis",)),
    # the dtypes whose running sum torch.cumsum computes as crossops does (numpy.py's
    # cumsum calls it for them; an axis out of range raises, and the generic takes it)
    "cumsum": (dict.fromkeys((torch.float32, torch.float64, torch.int64), torch.cumsum),
               ("axis",), ("axis",)),
    # (likewise the running product: cumulative_prod's torch.cumprod)
    "cumprod": (dict.fromkeys((torch.float32, torch.float64, torch.int64), torch.cumprod),
                ("axis",), ("axis",)),
    # floating x between bounds that are None or Python numbers other than NaN (the front
    # checks: crossops._accel's _NUMBER_OPTION_OPS): torch.clamp, as clip below calls it
    # (both None: torch raises, and clip's own path takes the call)
    "clip": (dict.fromkeys([d for d in DTYPES.values() if d.is_floating_point],
                           torch.clamp), ("min", "max")),
    # float32/float64 along an int axis: torch's own kernels, as nn.py's softmax and
    # log_softmax call them (an axis out of range raises: their own path takes it)
    "nn.softmax": (dict.fromkeys(_FULL_FLOAT, torch.softmax), ("axis",)),
    "nn.log_softmax": (dict.fromkeys(_FULL_FLOAT, torch.log_softmax), ("axis",)),
    # 1-d indices into a CPU tensor along an int axis in range (the front checks all
    # three): torch.index_select(x, axis, indices), as take below calls it, which raises
    # for a negative index (then take's own path counts it from the end; on CUDA it
    # would not raise)
    "take": OptionsRoute(torch.index_select, ("axis",), ("axis",), order=(0, 2, 1),
                         requires=((0, "is_cpu", True), (1, "ndim", 1))),
    # an int axis in range (the front checks: torch takes axis 0 of a 0-d tensor, and rolls
    # an empty one without reading it)
    "any": (AT_DEFAULTS["any"], ("axis", "keepdims"), ("axis",)),
    "all": (AT_DEFAULTS["all"], ("axis", "keepdims"), ("axis",)),
    # (uint16/32/64, which torch has no kernel for, raise: the op's own function widens them)
    "flip": (torch.Tensor.flip, ("axis",), ("axis",)),  # (the method takes flip(x, 0))
    "roll": (torch.roll, ("axis",), ("axis",)),  # (shift by position: roll(x, shift, axis))
    # (repeats by position, a tensor or a Python int; a tensor of repeats other than int64
    # raises, and repeat below casts it; a negative int raises, and repeat's own path
    # raises the op's error)
    "repeat": OptionsRoute(torch.repeat_interleave, ("axis",), ("axis",), scalars=(int,)),
    # (a count of equal sections along an int axis in range, which the front checks:
    # torch.chunk makes the pieces torch.tensor_split makes there, in ~85% of its time;
    # unequal sections, which NumPy refuses, take numpy.py's split and its error)
    "split": OptionsRoute(torch.chunk, ("axis",), ("axis",), sections=1),
    # (a tuple or list of ints: torch.permute, as numpy.py's transpose calls it; axes it
    # refuses, repeated, out of range or too few, raise, and transpose's own path names
    # the error)
    "transpose": OptionsRoute(torch.permute, ("axes",), sequences=True),
    # a float32 or float64 tensor's vector norm along an int axis in range (the front
    # checks): torch.linalg.norm(x, ord, dim, keepdim), NumPy's vector norms (None: the
    # 2-norm); an order it refuses for vectors ('fro') raises, and the op's path names it
    "linalg.norm": (dict.fromkeys(_FULL_FLOAT, torch.linalg.norm),
                    ("ord", "axis", "keepdims"), ("axis",)),
    # (and vector_norm's, whose order comes last: torch.linalg.vector_norm(x, ord, dim,
    # keepdim), as array-api-compat's wrapper calls it there)
    "linalg.vector_norm": OptionsRoute(dict.fromkeys(_FULL_FLOAT, torch.linalg.vector_norm),
                                       ("axis", "keepdims", "ord"), ("axis",),
                                       order=(0, 3, 1, 2)),
}


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))


# --- uint16, uint32, uint64: torch has few kernels for them ------------------------------
_WIDE_UNSIGNED = frozenset({torch.uint16, torch.uint32, torch.uint64})
_UNSIGNED = _WIDE_UNSIGNED | {torch.uint8}


_INT64_MIN = torch.iinfo(torch.int64).min


def _flip_sign(x):
    """uint64 -> int64 keeping the order (x - 2**63, by flipping the top bit); self-inverse
    back to uint64 with ``_unflip_sign``."""
    return x.view(torch.int64) ^ _INT64_MIN


def _unflip_sign(x):
    return (x ^ _INT64_MIN).view(torch.uint64)


def _widening(f, name: str, *, arrays: int = 1, result: str = "same", uint64=""):
    """``f`` where torch has no kernel for uint16/uint32/uint64 (it is tried first).

    uint16 and uint32 are computed in int64 (exact). uint64 has no wider dtype: with
    ``uint64="bits"`` it is computed by ``f`` on the same bits as int64 (exact for
    bitwise, wrapping and data-movement ops), with ``uint64=g`` (a function of
    :mod:`.unsigned`: division, right shift, power) by ``g`` on those bits, with
    ``uint64="order"`` on int64 shifted by 2**63 (exact for comparisons, min/max and
    searches); otherwise TypeError. ``result`` is
    ``"same"`` (the dtype of the first ``arrays`` tensors, promoted) or ``"other"``
    (indices, counts, booleans: kept as computed).
    """

    @functools.wraps(f)
    def widened(*args, **kwargs):
        error = None
        if not _unsigned.compiling():
            try:
                return f(*args, **kwargs)
            except (NotImplementedError, RuntimeError) as e:
                if not _unsigned.any_wide(args):
                    raise
                error = e
        elif not _unsigned.any_wide(args):  # (traced: fake tensors' kernels never raise)
            return f(*args, **kwargs)
        dtypes = [a.dtype for a in args[:arrays] if isinstance(a, torch.Tensor)]
        out_dtype = DTYPES[result_name(*map(dtype_name, dtypes))]
        if torch.uint64 not in dtypes:
            args = [a.to(torch.int64) if isinstance(a, torch.Tensor) and a.dtype in _UNSIGNED
                    else a for a in args]
            out = f(*args, **kwargs)
            return out.to(out_dtype) if result == "same" else out
        if out_dtype is torch.uint64 and uint64:
            # the arrays promote to uint64 (exact); then computed as int64
            order = uint64 == "order"
            as_int = _flip_sign if order else (lambda a: a.view(torch.int64))
            args = [as_int(a.to(torch.uint64)) if i < arrays and isinstance(a, torch.Tensor)
                    else a for i, a in enumerate(args)]
            out = (f if isinstance(uint64, str) else uint64)(*args, **kwargs)
            if result != "same":
                return out
            return _unflip_sign(out) if order else out.view(torch.uint64)
        raise TypeError(f"{name}: torch has no kernel for {', '.join(map(str, dtypes))} and "
                        f"no wider integer dtype holds uint64 exactly; cast to int64 first "
                        f"(exact below 2**63)") from error

    return widened


def _bool_kernels(f, how: str):
    """``f`` for bool tensors, for which torch has no kernel (NumPy has). ``how="uint8"``:
    computed on their 0s and 1s as uint8 (argmax, isin: the same indices and answers).
    ``how="any"``, for a sum of products of tensors that are all bool: computed in
    float32, then ``!= 0``, NumPy's bool result (an or of ands: the float sums of 0s and
    1s are 0 only where every product is). Other dtypes call ``f`` as it is."""

    def as_uint8(*args, **kwargs):
        found = False
        for a in args:  # (loops, not generators: torch.compile traces them)
            if type(a) is torch.Tensor and a.dtype is torch.bool:
                found = True
        if found:
            args = [a.to(torch.uint8) if type(a) is torch.Tensor and a.dtype is torch.bool
                    else a for a in args]
        return f(*args, **kwargs)

    def any_of_products(*args, **kwargs):
        tensors = [a for a in args if type(a) is torch.Tensor]
        if not tensors or [a for a in tensors if a.dtype is not torch.bool]:
            return f(*args, **kwargs)
        args = [a.to(torch.float32) if type(a) is torch.Tensor else a for a in args]
        return f(*args, **kwargs) != 0

    wrapped = as_uint8 if how == "uint8" else any_of_products
    return functools.wraps(f)(wrapped)


def concat(arrays, /, *, axis=0):
    """torch.cat skips the axis check when every tensor is 1-d and empty, and skips an
    empty 1-d tensor beside tensors of more dimensions (NumPy refuses both)."""
    if axis is not None and arrays:
        if arrays[0].ndim == 1 and not arrays[0].numel():
            normalize_axis(axis, 1, "concat")
        check_concat_ranks(arrays)
    return NAMESPACE.concat(arrays, axis=axis)


def check_concat_ranks(arrays) -> None:
    """NumPy's ValueError where tensors to join along an axis differ in their numbers of
    dimensions (torch.cat skips an empty 1-d one, where NumPy refuses it)."""
    nd = arrays[0].ndim
    for i, a in enumerate(arrays):
        if a.ndim != nd:
            raise ValueError(f"concat: all the input arrays must have same number of "
                             f"dimensions, but the array at index 0 has {nd} dimension(s) "
                             f"and the array at index {i} has {a.ndim} dimension(s)")


def moveaxis(x, source, destination, /):
    """torch.moveaxis, which takes two ints or two sequences, also with one of each (as
    NumPy: an int is a sequence of one axis); sequences of different lengths are NumPy's
    ValueError (torch's is a RuntimeError)."""
    if type(source) is not int or type(destination) is not int:
        source = tuple(source) if isinstance(source, tuple | list) else (source,)
        destination = (tuple(destination) if isinstance(destination, tuple | list)
                       else (destination,))
        if len(source) != len(destination):
            raise ValueError(f"moveaxis: `source` and `destination` arguments must have the "
                             f"same number of elements, got {len(source)} and "
                             f"{len(destination)}")
    if not x.ndim:  # (torch.moveaxis takes axis 0 of a 0-d tensor, NumPy's AxisError)
        normalize_axes(source, 0, "moveaxis", "source")
    return torch.moveaxis(x, source, destination)


def unstack(x, /, *, axis=0):
    """The tensors along ``axis`` (an int, or NumPy's sequence of one int)."""
    if type(axis) is not int:
        axis = unstack_axis(axis, "unstack")
    return NAMESPACE.unstack(x, axis=axis)


linspace = number_linspace(NAMESPACE.linspace)  # array bounds: the generic's (NumPy's)


def roll(x, /, shift, *, axis=None):
    """torch.roll, with NumPy's shift and axis broadcast against each other (one shift
    for several axes, several for one axis); torch.roll returns an empty tensor without
    reading the axes."""
    if axis is not None and not x.numel():
        normalize_axes(axis, x.ndim, "roll")
    if type(shift) is torch.Tensor:  # (torch.roll takes Python ints)
        shift = shift.tolist()
    elif type(shift) is bool:  # (NumPy's 0 or 1; torch.roll refuses a bool)
        shift = int(shift)
    if axis is None:
        if type(shift) in (tuple, list):  # NumPy's: each shift along the one flat axis
            shift = builtins.sum(shift)
    elif type(axis) in (tuple, list) or type(shift) in (tuple, list):
        shift, axis = roll_pairs(shift, axis)
    return NAMESPACE.roll(x, shift, axis=axis)


def _diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    """torch.diff returns x for n=0 without reading the axis."""
    if n == 0:
        normalize_axis(axis, x.ndim, "diff")
    return NAMESPACE.diff(x, axis=axis, n=n, prepend=prepend, append=append)


def squeeze(x, /, axis):
    if axis is None:  # NumPy's and Keras's default: every axis of size 1
        return torch.squeeze(x)
    if type(axis) is int:  # torch.squeeze keeps an axis of another size: checked after
        # an out-of-range axis raises IndexError, which the op turns into its axis error
        out = torch.squeeze(x, axis)
        if out.ndim == x.ndim:  # (a 0-d x: x.shape[axis] raises that IndexError)
            raise ValueError(f"squeeze: cannot squeeze out axis {axis}, of size "
                             f"{x.shape[axis]}; only axes of size 1 can be removed")
        return out
    axes = normalize_axes(axis, x.ndim, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze out axis {a}, of size {x.shape[a]}; "
                             "only axes of size 1 can be removed")
    return torch.squeeze(x, axis)


def abs(x, /):  # noqa: A001
    if x.dtype in _UNSIGNED or x.dtype == torch.bool:  # torch has no bool kernel
        return x.clone()
    return torch.abs(x)


_ORDER = dict(arrays=2, result="other", uint64="order")
greater = _widening(torch.greater, "greater", **_ORDER)
greater_equal = _widening(torch.greater_equal, "greater_equal", **_ORDER)
less = _widening(torch.less, "less", **_ORDER)
less_equal = _widening(torch.less_equal, "less_equal", **_ORDER)
maximum = _widening(torch.maximum, "maximum", arrays=2, uint64="order")
minimum = _widening(torch.minimum, "minimum", arrays=2, uint64="order")
_max = _widening(NAMESPACE.max, "max", uint64="order")
_min = _widening(NAMESPACE.min, "min", uint64="order")


def max(x, /, *, axis=None, keepdims=False):  # noqa: A001
    """torch.amax over an int axis (the call array-api-compat makes, without its frame
    and the widening one: ``max(x, axis=1)`` is a common call); other calls, and
    uint16/32/64, as array-api-compat's max, widened."""
    if type(axis) is int and x.dtype not in _WIDE_UNSIGNED:
        return torch.amax(x, axis, keepdims)
    return _max(x, axis=axis, keepdims=keepdims)


def min(x, /, *, axis=None, keepdims=False):  # noqa: A001
    """torch.amin over an int axis; other calls as array-api-compat's min, widened
    (see :func:`max`)."""
    if type(axis) is int and x.dtype not in _WIDE_UNSIGNED:
        return torch.amin(x, axis, keepdims)
    return _min(x, axis=axis, keepdims=keepdims)
_argmax = _bool_kernels(_widening(NAMESPACE.argmax, "argmax", result="other",
                                  uint64="order"), "uint8")
_argmin = _bool_kernels(_widening(NAMESPACE.argmin, "argmin", result="other",
                                  uint64="order"), "uint8")
#: dtypes torch.argmax and torch.argmin have no kernel for
_NO_ARG_KERNEL = _WIDE_UNSIGNED | {torch.bool}

#: a dtype's name -> the cast of an op's result to it, which a C front calls on the result
#: of a keras.ops form that casts it (``ops.argmax``'s int32 indices): a C callable, as
#: ``astype`` casts (a new tensor; torch has no argmax into int32). ``Tensor.int`` is
#: ``to(torch.int32)`` without its overloads to parse: a third of its time
RESULT_CASTS = {"int32": torch.Tensor.int}


def argmax(x, /, *, axis=None, keepdims=False):
    """torch.argmax over an int axis where torch has the kernel (without the frames of
    the bool and widening wrappers: ``argmax(x, axis=-1)`` is a common call); other calls
    through them."""
    if type(axis) is int and x.dtype not in _NO_ARG_KERNEL:
        return torch.argmax(x, axis, keepdims)
    return _argmax(x, axis=axis, keepdims=keepdims)


def argmin(x, /, *, axis=None, keepdims=False):
    """torch.argmin over an int axis (see :func:`argmax`)."""
    if type(axis) is int and x.dtype not in _NO_ARG_KERNEL:
        return torch.argmin(x, axis, keepdims)
    return _argmin(x, axis=axis, keepdims=keepdims)


def _searchsorted(x1, x2, /, *, side="left", sorter=None):
    # torch copies strided operands itself, with a UserWarning; the copy made here is silent
    return NAMESPACE.searchsorted(x1.contiguous(), x2.contiguous(), side=side, sorter=sorter)


searchsorted = _widening(_searchsorted, "searchsorted", arrays=2, result="other",
                         uint64="order")

# --- NumPy's behaviour at integer division by zero and out-of-range indices
# (tests/test_backend_differences.py) -----------------------------------------------------
def _by_nonzero(f, x1, x2):
    """Integer ``x1 // 0`` and ``x1 % 0`` give 0, as NumPy (torch raises ZeroDivisionError
    on CPU): divide by 1 where x2 is 0, then put 0 there (no host sync)."""
    zero = x2 == 0
    out = f(x1, torch.where(zero, torch.ones_like(x2), x2))
    return torch.where(zero, torch.zeros_like(out), out)


def _out_of_bounds(op, e):
    """torch's RuntimeError for an out-of-range index (index_select, gather) as NumPy's
    IndexError; other errors unchanged."""
    msg = str(e)
    if "out of" in msg and ("bounds" in msg or "range" in msg):
        return IndexError(f"{op}: {msg.strip().splitlines()[0]}")
    return e


def _take(x, indices, /, *, axis=None):
    if not isinstance(indices, torch.Tensor):  # a Python int or list, as NumPy takes
        indices = torch.as_tensor(indices, device=x.device)
    if indices.dtype is not torch.int64 and indices.dtype is not torch.int32 and not (
            indices.is_floating_point() or indices.is_complex()):
        indices = indices.to(torch.int64)  # (NumPy takes any integer or bool indices)
    if axis is None or (x.ndim == 0 and type(axis) is int and axis in (0, -1)):
        x, axis = x.reshape(-1), 0  # NumPy's: over the flattened array (a 0-d x: its one)
    if indices.ndim != 1:  # NumPy's: the indices' shape replaces the axis (torch takes 1-d)
        axis = normalize_axis(axis, x.ndim, "take")
        out = _take(x, indices.reshape(-1), axis=axis)
        return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1:])
    if not torch.compiler.is_compiling() and x.is_cpu:  # (device.type: 10x is_cpu's time)
        # indices in range: index_select alone (the wrapping of negative ones below costs
        # two more ops, 2.5x the time); on the CPU it raises for a negative or out-of-range
        # index (a CUDA kernel asserts, a compiled one may not check), and the full form runs
        try:
            return torch.index_select(x, axis, indices)
        except (RuntimeError, IndexError):
            pass
    n = x.shape[normalize_axis(axis, x.ndim, "take")]  # (an axis out of range: its error)
    try:
        # negative indices count from the end (torch's index_select takes none): i + n where
        # i < 0, in one add (array-api-compat's take: a comparison, an add and a where)
        wrapped = torch.add(indices, indices < 0, alpha=n)
        return torch.index_select(x, axis, wrapped)
    except RuntimeError as e:
        raise _out_of_bounds("take", e) from None


def _take_along_axis(x, indices, /, *, axis=-1):
    # torch.take_along_dim wraps an out-of-range index around the axis; torch.gather (on the
    # broadcast operands) checks it
    if axis is None:  # NumPy's: x flattened, 1-d indices
        check_flat_indices("take_along_axis", indices)
        x, axis = x.reshape(-1), 0
    n = x.shape[axis]
    if indices.dtype not in (torch.int64, torch.int32):  # gather takes no narrower index
        check_integer_indices("take_along_axis", dtype_name(indices.dtype))
        indices = indices.to(torch.int64)
    if _gather_as_is(x, indices, axis):
        # indices of x's shape but along the axis, in range: gather alone (the wrapping and
        # broadcasting below cost 3x the time); on the CPU it raises for a negative or
        # out-of-range index (a CUDA kernel asserts, a compiled one may not check), and the
        # full form runs
        try:
            return torch.gather(x, axis, indices)
        except (RuntimeError, IndexError):
            pass
    idx = torch.where(indices < 0, indices + n, indices)
    # the other axes broadcast; along ``axis`` each keeps its own length
    xb, ib = list(x.shape), list(idx.shape)
    xb[axis] = ib[axis] = 1
    shape = list(torch.broadcast_shapes(tuple(xb), tuple(ib)))
    xs, ids = shape.copy(), shape.copy()
    xs[axis], ids[axis] = x.shape[axis], idx.shape[axis]
    try:
        return torch.gather(x.expand(xs), axis, idx.expand(ids))
    except RuntimeError as e:
        raise _out_of_bounds("take_along_axis", e) from None


def _gather_as_is(x, indices, axis) -> bool:
    """Whether take_along_axis may try torch.gather on ``x`` and ``indices`` as they are:
    on the CPU, not compiling, and the indices' shape x's but along ``axis`` (an int in
    range), so that nothing broadcasts (gather would read a smaller index as a block)."""
    nd = x.ndim
    if (indices.ndim != nd or type(axis) is not int or not -nd <= axis < nd
            or torch.compiler.is_compiling() or not x.is_cpu):  # (is_cpu: 0.05 us, and
        # device.type 0.5)
        return False
    a = axis % nd
    return x.shape[:a] == indices.shape[:a] and x.shape[a + 1:] == indices.shape[a + 1:]


def sort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None`` sorts the flattened array, as NumPy (torch.sort takes an int only); a
    0-d array has no axis to sort along, as in NumPy (torch sorts it)."""
    if axis is None:
        x, axis = x.reshape(-1), -1
    elif x.ndim == 0:
        normalize_axis(axis, 0, "sort")  # raises the axis error
    # array-api-compat's call, made here; ties of an integer or bool dtype are equal
    # values, so the order a stable sort keeps among them cannot show: torch's default
    # (unstable) kernel there, which costs less (floats: -0.0 and 0.0 tie, stable kept)
    if stable and not (x.is_floating_point() or x.is_complex()):
        stable = False
    return torch.sort(x, dim=axis, descending=descending, stable=stable).values


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    """``axis=None`` gives the indices that sort the flattened array, and a 0-d ``x``
    (axis -1 or 0) those of the 1-d array of its one value, ``[0]``, as NumPy (torch gives
    a 0-d index)."""
    if axis is None or (x.ndim == 0 and axis in (-1, 0)):
        x, axis = x.reshape(-1), -1
    return NAMESPACE.argsort(x, axis=axis, descending=descending, stable=stable)


def tile(x, repetitions, /):
    """A bare int ``n`` tiles as ``(n,)``, as NumPy (torch.tile takes a tuple only)."""
    return torch.tile(x, tile_repetitions(repetitions))


# the same bits as int64: bitwise, wrapping (mod 2**64) and data-movement ops
_BITS = dict(arrays=2, uint64="bits")
bitwise_and = _widening(torch.bitwise_and, "bitwise_and", **_BITS)
bitwise_or = _widening(torch.bitwise_or, "bitwise_or", **_BITS)
bitwise_xor = _widening(torch.bitwise_xor, "bitwise_xor", **_BITS)
bitwise_invert = _widening(torch.bitwise_not, "bitwise_invert", uint64="bits")
bitwise_left_shift = _widening(NAMESPACE.bitwise_left_shift, "bitwise_left_shift", **_BITS)
add = _widening(torch.add, "add", **_BITS)  # (torch has no uint16/32/64 add)
subtract = _widening(torch.subtract, "subtract", **_BITS)
negative = _widening(torch.negative, "negative", uint64="bits")
square = _widening(torch.square, "square", uint64="bits")
diff = _widening(_diff, "diff", uint64="bits")
_repeat = _widening(NAMESPACE.repeat, "repeat", uint64="bits")


def repeat(x, repeats, /, *, axis=None):
    """torch's repeat_interleave, whose tensor of repeats must be int64 (NumPy takes any
    integer or bool counts, and a bare bool as 0 or 1)."""
    if type(repeats) is bool:
        repeats = int(repeats)
    elif type(repeats) is torch.Tensor and repeats.dtype is not torch.int64 and not (
            repeats.is_floating_point() or repeats.is_complex()):
        repeats = repeats.to(torch.int64)
    return _repeat(x, repeats, axis=axis)
flip = _widening(NAMESPACE.flip, "flip", uint64="bits")
_take_widened = _widening(_take, "take", uint64="bits")


def take(x, indices, /, *, axis=None):
    """The common call (1-d tensor indices, an int axis, on the CPU, not compiling):
    torch.index_select, which raises for a negative or out-of-range index, and then, as
    every other call, ``_take`` widened, in one Python frame fewer."""
    if (type(indices) is torch.Tensor and indices.ndim == 1 and type(axis) is int
            and not torch.compiler.is_compiling() and x.is_cpu):
        try:
            return torch.index_select(x, axis, indices)
        except (RuntimeError, IndexError):
            pass
    return _take_widened(x, indices, axis=axis)


take_along_axis = _widening(_take_along_axis, "take_along_axis", uint64="bits")
_tril = _widening(NAMESPACE.tril, "tril", uint64="bits")
_triu = _widening(NAMESPACE.triu, "triu", uint64="bits")


def tril(x, /, *, k=0):
    """torch.tril; a 1-d x as NumPy's: its rows repeated into a square, masked."""
    return _tril(x.expand(x.shape[0], -1) if x.ndim == 1 else x, k=k)


def triu(x, /, *, k=0):
    """torch.triu; a 1-d x as NumPy's: its rows repeated into a square, masked."""
    return _triu(x.expand(x.shape[0], -1) if x.ndim == 1 else x, k=k)
# (uint64: mod 2**64, the same bits; bool: an or of ands)
vecdot = _bool_kernels(_widening(NAMESPACE.vecdot, "vecdot", **_BITS), "any")
tensordot = _bool_kernels(_widening(NAMESPACE.tensordot, "tensordot", **_BITS), "any")
linalg_tensordot = _bool_kernels(_widening(NAMESPACE.linalg.tensordot, "linalg.tensordot",
                                           **_BITS), "any")
linalg_outer = _widening(NAMESPACE.linalg.outer, "linalg.outer", **_BITS)
# matmul above (bool as NumPy) where torch.matmul raises, which the C front hands it:
# uint16/32 in int64 cast back (mod 2**16, 2**32), uint64 on the int64 bits (mod 2**64)
matmul = linalg_matmul = _widening(matmul, "matmul", **_BITS)


def cross_of_3_vectors(a, b):
    """NumPy's cross product of 3-vectors along the last axes of tensors ``a`` and ``b``
    of one dtype (sizes 3, unchecked; the others broadcast): its six products and three
    differences, each rounded (``torch.linalg.cross`` fuses them into multiply-adds, a
    rounding off NumPy's in ~1 of 4 values), as one (..., 6) product of gathered
    components and one difference of its halves (four kernels)."""
    lead, trail = _CROSS_INDICES.get(a.device) or _cross_indices(a.device)
    return torch.sub(*(a.index_select(-1, lead) * b.index_select(-1, trail)).chunk(2, -1))


def _cross_indices(device):
    """The components of a and b whose products :func:`cross_of_3_vectors` subtracts:
    ``a1 b2, a2 b0, a0 b1`` less ``a2 b1, a0 b2, a1 b0``, as two index tensors on
    ``device`` (cached)."""
    found = _CROSS_INDICES[device] = (torch.tensor([1, 2, 0, 2, 0, 1], device=device),
                                      torch.tensor([2, 0, 1, 1, 2, 0], device=device))
    return found


_CROSS_INDICES: dict = {}


def _linalg_cross(x1, x2, /, *, axis=-1):
    """NumPy's products and differences (:func:`cross_of_3_vectors`) along the last axis
    of two floating tensors of one dtype; array-api-compat's cross along another negative
    axis of both (its broadcast first makes it the same axis); else, as NumPy, the axis
    counted in each array on its own, moved last, and the result's moved to ``axis``."""
    n1, n2 = x1.ndim, x2.ndim
    if type(axis) is int and -(n1 if n1 < n2 else n2) <= axis <= -1:  # (min is the op's)
        if (axis == -1 and x1.dtype is x2.dtype and x1.dtype.is_floating_point
                and x1.shape[-1] == 3 and x2.shape[-1] == 3):
            return cross_of_3_vectors(x1, x2)
        return NAMESPACE.linalg.cross(x1, x2, axis=axis)
    a1 = normalize_axis(axis, n1, "linalg.cross")
    a2 = normalize_axis(axis, n2, "linalg.cross")
    out = NAMESPACE.linalg.cross(torch.moveaxis(x1, a1, -1), torch.moveaxis(x2, a2, -1))
    return torch.moveaxis(out, -1, normalize_axis(axis, out.ndim, "linalg.cross"))


linalg_cross = _widening(_linalg_cross, "linalg.cross", **_BITS)


def _count_nonzero(x, /, *, axis=None, keepdims=False):
    if type(axis) is tuple and not axis:  # no axis: each element (torch's dim=() is all)
        return (x != 0).to(torch.int64)
    return NAMESPACE.count_nonzero(x, axis=axis, keepdims=keepdims)


count_nonzero = _widening(_count_nonzero, "count_nonzero", result="other", uint64="bits")
nonzero = _widening(NAMESPACE.nonzero, "nonzero", result="other", uint64="bits")
isin = _bool_kernels(_widening(NAMESPACE.isin, "isin", arrays=2, result="other",
                               uint64="bits"), "uint8")

# uint64: a logical shift on the int64 bits (.unsigned)
bitwise_right_shift = _widening(NAMESPACE.bitwise_right_shift, "bitwise_right_shift", arrays=2,
                                uint64=_unsigned.right_shift)
_clip = _widening(NAMESPACE.clip, "clip")


def clip(x, /, min=None, max=None):  # noqa: A002
    """Floating ``x`` between Python numbers other than NaN, or tensors of its dtype:
    torch.clamp, the call array-api-compat's clip makes there, without its two frames
    (NaN in a bound propagates, max wins where min > max, as NumPy's); other calls as
    that one."""
    # each bound None, or a Python int or float other than NaN (written out: clip is hot)
    if ((min is None or (type(min) in _PLAIN_NUMBERS and min == min))
            and (max is None or (type(max) in _PLAIN_NUMBERS and max == max))
            and (min is not None or max is not None) and x.is_floating_point()):
        return torch.clamp(x, min, max)
    if ((min is None or (type(min) is torch.Tensor and min.dtype is x.dtype))
            and (max is None or (type(max) is torch.Tensor and max.dtype is x.dtype))
            and (min is not None or max is not None) and x.is_floating_point()):
        return torch.clamp(x, min, max)  # (bounds of x's dtype: no promotion)
    if x.dtype == torch.bool:  # torch has no bool clamp; NumPy promotes with the bounds
        return _bool_clip(x, min, max)
    if x.dtype == torch.uint64:  # no uint64 clamp: the widened maximum and minimum
        return _uint64_clip(x, min, max)
    return _clip(x, min, max)


def _uint64_clip(x, low, high):
    """NumPy's clip of a uint64 tensor (torch has no uint64 clamp or comparison): the
    :func:`maximum` and :func:`minimum` that compute on int64 shifted by 2**63, exact;
    a Python int bound is a uint64 tensor, as NumPy takes it beside uint64."""
    out = x
    for bound, pick in ((low, maximum), (high, minimum)):
        if bound is not None:
            if not isinstance(bound, torch.Tensor):
                bound = torch.tensor(bound, dtype=torch.uint64, device=x.device)
            out = pick(out, bound)
    return out


def _bool_clip(x, low, high):
    """NumPy's clip of a bool tensor: in the dtype of :func:`bool_clip_dtype`, bool
    bounds as logical or / and."""
    dt = DTYPES[bool_clip_dtype(low, high, default_dtypes())]
    out = x.to(dt)
    for bound, pick in ((low, torch.maximum), (high, torch.minimum)):
        if bound is not None:
            b = bound.to(device=x.device, dtype=dt) if isinstance(bound, torch.Tensor) \
                else torch.tensor(bound, dtype=dt, device=x.device)
            if dt == torch.bool:
                pick = torch.logical_or if pick is torch.maximum else torch.logical_and
            out = pick(out, b)
    return out


_PLAIN_NUMBERS = frozenset({int, float})


def sign(x, /):
    """uint16/uint32/uint64 have no sign kernel: 0 or 1, exact for every width."""
    if x.dtype in _WIDE_UNSIGNED:
        return (x != 0).to(x.dtype)
    # torch.sign neither keeps NaN nor takes complex; no masked assignment (which
    # torch.compile cannot trace on a 0-d tensor)
    if x.dtype.is_complex:
        return torch.where(x == 0, torch.zeros_like(x), x / torch.abs(x))
    if x.dtype.is_floating_point:
        if torch.compiler.is_compiling():  # (one fused kernel: inductor's clamp would make
            return torch.where(torch.isnan(x), x, torch.sign(x))  # its own NaN, negative)
        # clamp(x, 0, 0) is +-0 but x's NaN at a NaN, which the sum keeps (+0 + -0 is +0,
        # as NumPy's sign of -0.0); detached, as sign's gradient is 0 (three kernels, as
        # where(isnan(x), x, sign(x)), at ~3/4 of its cost)
        return torch.sign(x).add_(torch.clamp(x.detach(), 0, 0))
    return torch.sign(x)


# uint64: square and multiply on the int64 bits (.unsigned), modulo 2**64
pow = _widening(NAMESPACE.pow, "pow", arrays=2, uint64=_unsigned.power)  # noqa: A001


def _rounding(f, op: str):
    """torch's rounding kernel ``f`` for bool too (torch has none): ``ceil``, ``floor`` and
    ``trunc`` of bool give a bool copy, as NumPy; ``round`` of bool gives float16, as NumPy."""
    def rounded(x, /):
        if x.dtype == torch.bool:
            return x.to(torch.float16) if op == "round" else x.clone()
        return f(x)
    rounded.__name__ = rounded.__qualname__ = op
    return rounded


ceil = _rounding(NAMESPACE.ceil, "ceil")
floor = _rounding(NAMESPACE.floor, "floor")
trunc = _rounding(NAMESPACE.trunc, "trunc")
round = _rounding(NAMESPACE.round, "round")  # noqa: A001


def floor_divide(x1, x2, /):
    if x1.is_floating_point():
        out = torch.floor_divide(x1, x2)
        return out if _ordinary_quotients(x1, x2) else fix_floor_divide(NAMESPACE, out, x1, x2)
    return _floor_divide_int(x1, x2)


def _ordinary_quotients(x1, x2) -> bool:
    """Whether no ``x1`` is 0 or infinite and no ``x2`` infinite, read on the host (float16/
    32/64 CPU tensors, eagerly): where fix_floor_divide's five kernels change nothing."""
    if x1.dtype not in _HOST_FLOATS or x1.device.type != "cpu" or not value_known(x1):
        return False
    h1 = host_view(x1)
    if np.count_nonzero(h1) != h1.size or np.isinf(h1).any():
        return False
    if type(x2) is float:
        return not _isinf(x2)
    return (isinstance(x2, torch.Tensor) and x2.dtype in _HOST_FLOATS
            and x2.device.type == "cpu" and not np.isinf(host_view(x2)).any())


_HOST_FLOATS = frozenset(_HALF_TO_DOUBLE)


def remainder(x1, x2, /):
    if x1.is_floating_point():
        # (fix_remainder's copysign, in place on torch's new result: no second tensor)
        return torch.remainder(x1, x2).copysign_(x2)
    return _remainder_int(x1, x2)


# uint64: an exact unsigned division on the int64 bits (.unsigned); the zero divisors put
# in (_by_nonzero) inside the widening, on int64 (inductor has no torch.where of uint16-64)
_floor_divide_int = _widening(functools.partial(_by_nonzero, torch.floor_divide),
                              "floor_divide", arrays=2,
                              uint64=functools.partial(_by_nonzero, _unsigned.floor_divide))
_remainder_int = _widening(functools.partial(_by_nonzero, torch.remainder), "remainder",
                           arrays=2, uint64=functools.partial(_by_nonzero, _unsigned.remainder))


def expm1(x, /):
    if x.is_complex():
        return fix_expm1(NAMESPACE, torch.expm1(x), x)
    return torch.expm1(x)


def log1p(x, /):
    if x.is_complex():
        return fix_log1p(NAMESPACE, torch.log1p(x), x)
    return torch.log1p(x)


def acos(x, /):
    out = torch.acos(x)
    if x.is_complex():  # torch loses the sign of a zero imaginary part (C99: conj(acos(conj z)))
        zero_imag = (x.imag == 0) & (x.real.abs() <= 1)
        imag = torch.where(zero_imag, torch.copysign(torch.zeros_like(out.imag), -x.imag),
                           out.imag)
        out = torch.complex(out.real, imag)
    return out


# --- reductions of unsigned integers give uint64 (the default unsigned dtype) --------------
_HALF = frozenset({torch.float16, torch.bfloat16})


def _unsigned_accumulation(f, half_in_float32: bool = False):
    """sum-like ``f``: unsigned input with no dtype gives uint64, computed in int64 (the
    same bits modulo 2**64; torch has no uint64 kernel for it).

    With ``half_in_float32`` (prod, cumulative_sum, cumulative_prod), float16 and bfloat16
    input with no dtype is multiplied or added in float32 and each result rounded once to
    the input's dtype (torch.prod of 2000 bfloat16 values near 1 rounds at every step: 0.19
    for 0.40). Decided by the dtype alone: other dtypes take no cast."""

    @functools.wraps(f)
    def accumulate(x, /, *args, dtype=None, **kwargs):
        if dtype is None:
            d = x.dtype
            if d in _UNSIGNED:
                dtype = torch.uint64
            elif half_in_float32 and d in _HALF:
                return f(x, *args, dtype=torch.float32, **kwargs).to(d)
        if dtype in _WIDE_UNSIGNED:
            return f(x, *args, dtype=torch.int64, **kwargs).to(dtype)
        return f(x, *args, dtype=dtype, **kwargs)

    return accumulate


prod = _unsigned_accumulation(NAMESPACE.prod, half_in_float32=True)


def _accumulation(scan, initial, op: str):
    """The array API's cumulative ``op`` from torch's ``scan`` (array-api-compat's calls
    its ``array_namespace``, an lru_cache that torch.compile warns about)."""
    def accumulate(x, /, *, axis=None, dtype=None, include_initial=False):
        if axis is None:
            if x.ndim > 1:
                raise ValueError(f"{op}: axis is required for an array of {x.ndim} "
                                 f"dimensions; give axis=, or flatten x first")
            axis = 0
        out = scan(x, dim=axis, dtype=dtype)
        if include_initial:
            shape = list(out.shape)
            shape[axis] = 1
            out = torch.cat([torch.full(shape, initial, dtype=out.dtype, device=out.device),
                             out], dim=axis)
        return out
    accumulate.__name__ = accumulate.__qualname__ = op
    return accumulate


_cumulative_sum = _unsigned_accumulation(_accumulation(torch.cumsum, 0, "cumulative_sum"),
                                         half_in_float32=True)
_cumulative_prod = _unsigned_accumulation(_accumulation(torch.cumprod, 1, "cumulative_prod"),
                                          half_in_float32=True)


def cumulative_sum(x, /, *, axis=None, dtype=None, include_initial=False):
    """torch's, with NumPy's axis of one int in a tuple (torch takes an int only), and a
    0-d ``x`` as NumPy's: its one value, 1-d (torch keeps it 0-d)."""
    if type(axis) is tuple:
        axis = accumulate_axis(axis, "cumulative_sum")
    if x.ndim == 0:
        x, axis = _one_value(x, axis, "cumulative_sum")
    return _cumulative_sum(x, axis=axis, dtype=dtype, include_initial=include_initial)


def cumulative_prod(x, /, *, axis=None, dtype=None, include_initial=False):
    """torch's, with NumPy's axis of one int in a tuple (torch takes an int only), and a
    0-d ``x`` as NumPy's (see :func:`cumulative_sum`)."""
    if type(axis) is tuple:
        axis = accumulate_axis(axis, "cumulative_prod")
    if x.ndim == 0:
        x, axis = _one_value(x, axis, "cumulative_prod")
    return _cumulative_prod(x, axis=axis, dtype=dtype, include_initial=include_initial)


def _one_value(x, axis, op: str):
    """A 0-d ``x`` accumulated as NumPy does: as the 1-d array of its value, along its one
    axis (0 or -1; None too)."""
    return x.reshape(1), 0 if axis is None else normalize_axis(axis, 1, op)


linalg_trace = _unsigned_accumulation(NAMESPACE.linalg.trace)
_sum_unsigned = _unsigned_accumulation(NAMESPACE.sum)


def _var_no_axis(x, correction):
    """var over no axes (``axis=()``): each element alone, ``(x - x)**2 / max(1 - c, 0)``
    as NumPy (NaN where ``1 - c <= 0`` or x is not finite); array-api-compat gives zeros."""
    d = x - x
    dof = 1.0 - float(correction)
    return (d * d) / (dof if dof > 0 else 0.0)


def _in_float(x):
    """``x``, integers and bools in float64 (NumPy's mean, var and std; torch's refuse)."""
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.float64)


def mean(x, /, *, axis=None, keepdims=False):
    """array-api-compat's mean of ``x`` in float; a 0-d ``x`` has no axis 0 or -1, as in
    NumPy (torch takes them)."""
    if axis is not None and x.ndim == 0:
        normalize_axes(axis, 0, "mean")
    return NAMESPACE.mean(_in_float(x), axis=axis, keepdims=keepdims)


def var(x, /, *, axis=None, correction=0.0, keepdims=False):
    """array-api-compat's var of ``x`` in float. The common call (a floating ``x``, axis
    None without keepdims or an int axis, a correction of 0) makes its call of torch.var
    itself, without its frame and checks (axis None as :func:`std`'s)."""
    if ((correction == 0 and (type(correction) is float or type(correction) is int))
            and x.is_floating_point()):
        if axis is None and keepdims is False:
            return torch.var(x, None, correction=0)
        if type(axis) is int:
            return torch.var(x, (axis,), correction=0, keepdims=keepdims)
    x = _in_float(x)
    if axis == ():
        return _var_no_axis(x, correction)
    return NAMESPACE.var(x, axis=axis, correction=correction, keepdims=keepdims)


def std(x, /, *, axis=None, correction=0.0, keepdims=False):
    """torch's std takes integral corrections only; var takes any. The common call (a
    floating ``x``, axis None without keepdims or an int axis, a correction of 0) makes
    array-api-compat's call of torch.std itself, without its frame and checks (axis None
    as torch's own every dim, ``dim=None``: the values of its tuple of every dim)."""
    if ((correction == 0 and (type(correction) is float or type(correction) is int))
            and x.is_floating_point()):
        if axis is None and keepdims is False:  # (as var's)
            return torch.std(x, None, correction=0)
        if type(axis) is int:
            return torch.std(x, (axis,), correction=0, keepdims=keepdims)
    x = _in_float(x)
    if axis == ():
        return torch.sqrt(_var_no_axis(x, correction))
    if float(correction).is_integer():
        return NAMESPACE.std(x, axis=axis, correction=int(correction), keepdims=keepdims)
    return torch.sqrt(NAMESPACE.var(x, axis=axis, correction=correction, keepdims=keepdims))


def unique_all(x, /):
    """torch.unique has no indices: the first index of each value, by a scatter of the
    inverse (amin is deterministic)."""
    values, inverse, counts = torch.unique(x, return_inverse=True, return_counts=True)
    if values.is_floating_point() or values.is_complex():
        counts = torch.where(torch.isnan(values), 1, counts)  # torch counts NaN as 0
    flat = inverse.reshape(-1)
    n = flat.numel()
    indices = torch.full(values.shape, n, dtype=torch.int64, device=x.device).scatter_reduce(
        0, flat, torch.arange(n, device=x.device), "amin")
    return _UniqueAll(values, indices, inverse, counts)


def broadcast_shapes(*shapes):
    try:
        return torch.broadcast_shapes(*shapes)
    except RuntimeError as e:
        raise ValueError(f"broadcast_shapes: shapes {', '.join(map(str, shapes))} do not "
                         f"broadcast ({e})") from None


def namespace_info():
    return NAMESPACE.__array_namespace_info__()


_DTYPE_REFUSED = ("not implemented for", "on a bool tensor is not supported",
                  "not supported for bool", "does not support bool")


def translate_error(e):
    """torch raises RuntimeError for bad shapes and for missing dtype kernels (TypeError
    on the other backends, as in NumPy), and its LinAlgError (a RuntimeError) for a matrix
    that cannot be factored (NumPy's LinAlgError is a ValueError)."""
    from ..._errors import OpTypeError, OpValueError
    if isinstance(e, torch.linalg.LinAlgError):
        return OpValueError
    if type(e) is RuntimeError:
        text = str(e)
        return OpTypeError if any(s in text for s in _DTYPE_REFUSED) else OpValueError
    return None
