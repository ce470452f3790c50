"""PyTorch's functions of crossops.numpy that adapt torch's own to crossops's rules, found
by op name (``backends/torch/numpy.py``): ``i0`` (``torch.special.i0``; float16 and
bfloat16 computed in float32, integers in float64), ``view`` (a non-contiguous tensor is
copied first when the itemsize changes), ``einsum`` (operands promoted with crossops's
table; dtypes without a CPU kernel computed in int64, exact; a float32 einsum that
``torch.autocast`` ran in its lower dtype keeps it) and ``bincount``, and ``bin_sums``,
the counting step that other ops share; and torch's own at common calls:
``median`` and the linear ``quantile``/``percentile`` by one sort, ``digitize`` of rising
bins (``torch.searchsorted``), ``unique`` of integers, ``nansum``, ``nanmean``,
``cross`` of 3-vectors, ``isclose``/``allclose``, ``argwhere``. Dtype and shape rules
and argument checks: :mod:`crossops.backends._numpy_ops`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.overrides import has_torch_function

from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from .._common import partial
from . import (
    _FULL_FLOAT,
    _HALF_TO_DOUBLE,
    DTYPES,
    NAMESPACE,
    check_concat_ranks,
    cross_of_3_vectors,
    host_view,
    value_known,
)
from ._compute import down_autocast

# -- concatenate, cumsum: their common calls -------------------------------------------------
# The generic forms (crossops.numpy._keras) call concat and cumulative_sum through their ops,
# about 2 us more than torch.cat and torch.cumsum; these give those same calls straight away
# and leave every other one (promotion across dtypes, 0-d or empty 1-d arrays, dtype=,
# a bad axis, which the ops check) to the generic.

@partial
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    if not shared.common_concatenate(arrays, axis, dtype, casting, torch.Tensor):
        return NotImplemented
    check_concat_ranks(arrays)  # (torch.cat skips an empty 1-d tensor beside others)
    return torch.cat(arrays, axis)


#: dtypes whose running sum torch.cumsum computes as crossops does (in their own dtype)
_CUMSUM_OWN = frozenset({torch.float32, torch.float64, torch.int64})


@partial
def cumsum(a, axis=None, dtype=None):
    if not shared.common_cumsum(a, axis, dtype, torch.Tensor, _CUMSUM_OWN):
        return NotImplemented
    return torch.cumsum(a.reshape(-1), 0) if axis is None else torch.cumsum(a, axis)


# -- swapaxes, transpose, outer: their common calls -------------------------------------------
# The generic forms (crossops.numpy._keras, _extra) permute and multiply through crossops's
# ops, several frames and checks above torch's one call; these make that call and leave
# every other case (a 0-d tensor, whose axes 0 and -1 torch takes and NumPy refuses; an
# axis out of range, which the generic names; axes that are no permutation; operands of two
# dtypes or of more dimensions; dtypes without a torch kernel) to the generic.

@partial
def swapaxes(a, axis1, axis2):
    if a.ndim == 0:
        return NotImplemented
    try:
        return torch.transpose(a, axis1, axis2)  # (torch.swapaxes, an alias, costs more)
    except (IndexError, TypeError):
        return NotImplemented


#: the permutation that reverses n axes, by n (torch's tensors have at most 64)
_REVERSED = tuple(tuple(range(n - 1, -1, -1)) for n in range(65))


@partial
def transpose(a, axes=None):
    """torch.permute, of the axes reversed by default (a call of at most 2 dimensions and
    no axes takes torch.t from the op's front: ``AT_DEFAULTS``); axes torch refuses (other
    than a tuple or list of ints, repeated, out of range) take the generic, which names
    the error."""
    try:  # (negative axes count from the end, as NumPy's)
        return torch.permute(a, _REVERSED[a.ndim] if axes is None else axes)
    except (RuntimeError, IndexError, TypeError):
        return NotImplemented


@partial
def dot(a, b):
    """torch.matmul of a matrix and a vector or matrix of one float32 or float64 dtype,
    where NumPy's dot is the matrix product (the front calls torch.matmul itself for a
    vector first: ``AT_DEFAULTS``); more dimensions (where matmul broadcasts and dot
    contracts), other dtypes and shapes that do not line up take the generic."""
    if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)) or a.dtype is not b.dtype \
            or a.dtype not in _MATMUL_DOT or a.ndim != 2 or b.ndim not in (1, 2):
        return NotImplemented  # (a Python number, or other dtypes: the generic's rules)
    try:
        return torch.matmul(a, b)
    except RuntimeError:
        return NotImplemented


_MATMUL_DOT = frozenset({torch.float32, torch.float64})


# -- pad: its constant mode ---------------------------------------------------------------------
# The generic form (crossops.numpy._keras) pads each axis by a concatenation of two fills,
# through crossops's ops (~15 us at 32x32); torch's constant_pad_nd makes the same array in
# one call.

@partial
def pad(array, pad_width, mode="constant", constant_values=None):
    """``torch.constant_pad_nd`` (``F.pad``'s kernel in constant mode) of a floating or
    integer tensor by 0 or a Python number the tensor's dtype holds as it is (an int for
    integers): NumPy's widths (checked by the generic's rules) as torch's flat pairs, last
    axis first; other modes, dtypes and values take the generic."""
    value = 0 if constant_values is None else constant_values
    dtype = array.dtype
    if (mode != "constant" or array.ndim == 0 or dtype is torch.bool or dtype.is_complex
            or not (type(value) is int or (type(value) is float and dtype.is_floating_point))):
        return NotImplemented
    if type(pad_width) is int and pad_width >= 0:  # (the common call: one width)
        flat = (pad_width,) * (2 * array.ndim)
    else:
        flat = [w for pair in reversed(shared.pad_widths(pad_width, array.ndim)) for w in pair]
    try:  # (F.pad's kernel, without F.pad's Python wrapper around it)
        return torch.constant_pad_nd(array, flat, value)
    except RuntimeError:  # (a value the dtype cannot hold: the generic's rules)
        return NotImplemented


@partial
def outer(a, b, out=None):
    if out is not None or a.dtype is not b.dtype or a.ndim != 1 or b.ndim != 1:
        return NotImplemented
    try:
        return torch.outer(a, b)
    except (NotImplementedError, RuntimeError):  # (uint16/32/64: no kernel)
        return NotImplemented


@partial
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``torch.isclose`` of two float16/32/64 tensors of one dtype: NumPy's test, ``|a -
    b| <= atol + rtol * |b|`` in that dtype, equal infinities close, NaN only with
    ``equal_nan`` (the generic form's values, in one kernel where it runs ~12 ops)."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, torch.Tensor, _HALF_TO_DOUBLE):
        return NotImplemented
    return torch.isclose(a, b, rtol, atol, equal_nan)


@partial
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """:func:`isclose`'s kernel and its ``all``, a 0-d bool tensor as the generic form's
    (``torch.allclose`` returns a Python bool, read on the host)."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, torch.Tensor, _HALF_TO_DOUBLE):
        return NotImplemented
    return torch.isclose(a, b, rtol, atol, equal_nan).all()


@partial
def argwhere(a):
    """``torch.argwhere`` of a tensor of one or more dimensions: the generic's nonzero
    indices stacked, int64, in one kernel; a 0-d tensor takes the generic form."""
    if not isinstance(a, torch.Tensor) or not a.ndim:
        return NotImplemented
    return torch.argwhere(a)


# -- split: its common call --------------------------------------------------------------------
# (the generic slices piece by piece through crossops's indexing: ~2.5x torch.tensor_split)

@partial
def split(ary, indices_or_sections, axis=0):
    """torch.chunk for ``k`` equal sections along an int axis in range (the pieces
    torch.tensor_split makes there, in ~80% of its time); every other call (indices,
    unequal sections, which NumPy refuses) takes the generic."""
    k = indices_or_sections
    if type(k) is int and type(axis) is int and k > 0:
        try:  # (an axis out of range, or any of a 0-d tensor, raises IndexError)
            if not ary.shape[axis] % k:
                return [*torch.chunk(ary, k, axis)]
        except IndexError:
            pass
    return NotImplemented


# -- median, quantile, percentile: by one sort ---------------------------------------------
# (the generic forms sort and pick through crossops's ops: ~4x torch.quantile at 32x32)

def _sorted_along(a, axis, keepdims):
    """For a one-sort form: a float16/32/64 tensor sorted (NaN last) along an int axis in
    range of a non-empty slice, or along all of them (``axis`` None), as ``(ordered, dim,
    n)``; None for any other call, which the generic form takes."""
    if not isinstance(a, torch.Tensor) or a.dtype not in _HALF_TO_DOUBLE \
            or type(keepdims) is not bool:
        return None
    x, dim = (a.reshape(-1), 0) if axis is None else (a, axis)
    if type(dim) is not int or not -x.ndim <= dim < x.ndim or x.shape[dim] == 0:
        return None
    return torch.sort(x, dim).values, dim, x.shape[dim]


def _slice_result(a, out, ordered, dim, n, axis, keepdims):
    """A one-sort form's value per slice ``out`` (its ``dim`` kept), NaN where the slice
    holds one (sorted last), in NumPy's shape."""
    last = ordered.narrow(dim, n - 1, 1)
    out = torch.where(last.isnan(), last, out)
    if axis is None:
        return out.reshape((1,) * a.ndim) if keepdims else out.reshape(())
    return out if keepdims else out.squeeze(dim)


@partial
def median(a, axis=None, overwrite_input=False, keepdims=False):
    """NumPy's median of a float16/32/64 tensor along an int axis or all of them: one
    sort (NaN last), its middle value or the mean of its two middle values (in float32
    for float16, as NumPy's mean), NaN where the slice holds one. Other calls take the
    generic form."""
    if (found := _sorted_along(a, axis, keepdims)) is None:
        return NotImplemented
    ordered, dim, n = found
    lo = ordered.narrow(dim, (n - 1) // 2, 1)
    if n % 2:
        out = lo
    else:
        mean = (lo.float() + ordered.narrow(dim, n // 2, 1).float()) / 2 \
            if lo.dtype is torch.float16 else (lo + ordered.narrow(dim, n // 2, 1)) / 2
        out = mean.to(lo.dtype)
    return _slice_result(a, out, ordered, dim, n, axis, keepdims)


def _linear_quantile(a, q, axis, keepdims):
    """NumPy's linear quantile ``q`` (a Python number in [0, 1]) of a float16/32/64 tensor
    along an int axis or all of them, as the generic form computes it: one sort (NaN
    last), the virtual index ``q * (n - 1)`` and its weight ``t`` in float64 on the host,
    ``t`` or ``1 - t`` rounded to the tensor's float, NumPy's lerp from the nearer end (a
    multiply and a subtraction or addition, each rounded), NaN where the slice holds one.
    Other calls (methods, q lists or arrays, weights: ``q`` None) take the generic form."""
    if q is None or (found := _sorted_along(a, axis, keepdims)) is None:
        return NotImplemented
    ordered, dim, n = found
    # (the host float: torch would round a float16's weight to float32)
    lo, hi, weight, upper = shared.linear_quantile_step(q, n, _HOST_FLOAT[ordered.dtype])
    low, high = ordered.narrow(dim, lo, 1), ordered.narrow(dim, hi, 1)
    diff = high - low
    out = low if weight is None else high - diff * weight if upper else low + diff * weight
    return _slice_result(a, out, ordered, dim, n, axis, keepdims)


quantile, percentile = shared.one_sort_quantiles(_linear_quantile)


_HOST_FLOAT = {torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64}


# -- unique, nansum, nanmean: torch's own at their common calls ------------------------------
# (the generic forms run crossops's ops: 2.7-14x torch's at 32x32)

@partial
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None, *, equal_nan=True):
    """``torch.unique`` (sorted, flattened) of an integer or bool tensor alone (no NaN,
    which torch counts once each and NumPy once in all: ``equal_nan`` changes nothing);
    other calls take the generic form."""
    if not shared.unique_alone(x, sorted, return_index, return_inverse, return_counts, axis,
                               size, equal_nan, torch.Tensor, _COUNTED_OR_BOOL):
        return NotImplemented
    return torch.unique(x)


@partial
def nansum(a, axis=None, dtype=None, keepdims=False, initial=None, where=True):
    """``torch.nansum`` of a float32/64 tensor along all axes or an int axis in range;
    other calls (dtype, initial, where, integers) take the generic form."""
    if not shared.common_nan_reduction(a, axis, dtype, keepdims, where, initial,
                                       torch.Tensor, _FULL_FLOATS):
        return NotImplemented
    return torch.nansum(a, keepdim=keepdims) if axis is None else torch.nansum(a, axis, keepdims)


@partial
def nanmean(a, axis=None, dtype=None, keepdims=False, *, where=True):
    """``torch.nanmean`` (NaN where a slice holds only NaN, as NumPy's) of a float32/64
    tensor along all axes or an int axis in range; other calls take the generic form."""
    if not shared.common_nan_reduction(a, axis, dtype, keepdims, where, None, torch.Tensor,
                                       _FULL_FLOATS):
        return NotImplemented
    return torch.nanmean(a, keepdim=keepdims) if axis is None else torch.nanmean(a, axis,
                                                                                 keepdims)


_FULL_FLOATS = frozenset(_FULL_FLOAT)
#: the integer dtypes torch.bincount and torch.unique take (not uint16/32/64)
_COUNTED = frozenset({torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8})
_COUNTED_OR_BOOL = _COUNTED | {torch.bool}


# -- cross: NumPy's products and differences ---------------------------------------------------

@partial
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """NumPy's cross product of two tensors of 3-vectors along their last axes, of one
    real dtype: its six products and three differences, each rounded (torch.linalg.cross
    fuses them into multiply-adds, a rounding off NumPy's in ~1 of 4 values; the generic
    form moves axes and broadcasts first, 20x torch's); other calls (2-vectors, other
    axes, two dtypes) take the generic form."""
    if (not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor)
            or a.dtype is not b.dtype or a.dtype not in _CROSSED or axisa != -1
            or axisb != -1 or axisc != -1 or axis is not None or not a.ndim or not b.ndim
            or a.shape[-1] != 3 or b.shape[-1] != 3):
        return NotImplemented
    return cross_of_3_vectors(a, b)


_CROSSED = frozenset({torch.float16, torch.float32, torch.float64, torch.int8, torch.int16,
                      torch.int32, torch.int64, torch.uint8})


# -- digitize: torch's search of rising bins -------------------------------------------------
# (the generic form checks the bins both ways and searches twice, ~12x torch.bucketize)

@partial
def digitize(x, bins, right=False):
    """``torch.searchsorted`` of contiguous CPU ``x`` in rising 1-d ``bins`` of its real
    dtype, read on the host (the generic's call for them: NaN past the last bin, as
    NumPy); other calls (decreasing bins, two dtypes, under a compiler or a ``torch.func``
    transform) take the generic form."""
    if not (shared.common_digitize(x, bins, right, torch.Tensor, _SEARCHED)
            and bins.device.type == "cpu" and x.device.type == "cpu"
            and x.is_contiguous() and bins.is_contiguous() and value_known(bins)
            and shared.rising_bins(host_view(bins))):
        return NotImplemented
    return torch.searchsorted(bins, x, side="left" if right else "right")


#: the real dtypes torch.searchsorted has a CPU kernel for (not uint16/32/64, bfloat16,
#: which NumPy lacks for the host's check)
_SEARCHED = frozenset({torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8,
                       torch.float16, torch.float32, torch.float64})


# -- i0 ---------------------------------------------------------------------------------------

def i0(x):
    work, out = shared.i0_dtypes(dtype_name(x.dtype), "float64")
    return torch.special.i0(x.to(DTYPES[work])).to(DTYPES[out])


# -- view -------------------------------------------------------------------------------------

def view(x, dtype=None):
    if dtype is None:
        return x.view(x.shape)
    old, new = dtype_name(x.dtype), dtype_name(dtype)
    shape = shared.view_shape(tuple(x.shape), old, new)
    if shared.ITEMSIZE[old] != shared.ITEMSIZE[new]:
        if x.numel() == 0:  # torch wants a unit stride even where there are no items
            return torch.empty(shape, dtype=dtype, device=x.device)
        x = x.contiguous()  # torch rescales only a contiguous last axis
    return x.view(dtype)


# -- einsum -----------------------------------------------------------------------------------

#: dtypes torch's CPU einsum has no kernel for
_NO_KERNEL = frozenset({"bool", "uint16", "uint32", "uint64"})
#: the kernel torch.einsum calls for at most two operands (torch.functional.einsum):
#: torch's private ``torch._VF.einsum``, or None where a torch has it not (then
#: torch.einsum; tests/test_torch_fronts.py names it)
_EINSUM = getattr(getattr(torch, "_VF", None), "einsum", None)


def einsum(subscripts, *operands, **kwargs):
    if not kwargs and type(subscripts) is str and operands and "->" in subscripts:
        # the common call, an explicit equation without spaces and tensors of one float32
        # or float64 dtype, as the general path below makes it (no cast, no promotion)
        d = operands[0].dtype if type(operands[0]) is torch.Tensor else None
        if (d is torch.float32 or d is torch.float64) and " " not in subscripts:
            for o in operands:  # (a loop: a generator costs more here)
                if type(o) is not torch.Tensor or o.dtype is not d:
                    break
            else:
                if (len(operands) <= 2 and _EINSUM is not None
                        and not torch.compiler.is_compiling()
                        and not has_torch_function(operands)):
                    # the call torch.einsum makes here, without its Python wrapper (an
                    # import and the checks of its other forms: ~1.3 us); not where it
                    # plans a contraction order (3 or more operands), where a torch
                    # function mode is on (it sees torch.einsum), nor compiling (dynamo
                    # traces torch.einsum, not the bare kernel)
                    out = _EINSUM(subscripts, operands)
                else:
                    out = torch.einsum(subscripts, *operands)
                if out.dtype is d:
                    return out
                return down_autocast(out, d) if d is torch.float32 else out.to(d)
    shared.no_kwargs(kwargs, "torch")
    eq, ops, r = shared.einsum_operands(subscripts, operands, NAMESPACE.asarray,
                                        torch.Tensor.to, DTYPES)
    if r == "float32":  # torch.autocast's dtype kept, as torch.einsum gives it
        return down_autocast(torch.einsum(eq, *ops), torch.float32)
    if r in _NO_KERNEL:  # in int64 (exact: integer products and sums wrap alike)
        out = torch.einsum(eq, *(o.to(torch.int64) for o in ops))
        return out != 0 if r == "bool" else out.to(DTYPES[r])
    out = torch.einsum(eq, *ops)
    return out if dtype_name(out.dtype) == r else out.to(DTYPES[r])


# -- bincount ---------------------------------------------------------------------------------

def bin_sums(x, w, length: int):
    """The counts of the values of ``x`` (int64), or the sums of ``w`` at them, in a result
    of ``length`` entries (``x`` 1-d int64 with values in ``[0, length)``, unchecked;
    ``length`` a Python int, so this compiles)."""
    if w is None:
        return torch.bincount(x, minlength=length)[:length]
    if w.dtype in (torch.uint16, torch.uint32, torch.uint64):  # no index_add kernel
        out = torch.zeros(length, dtype=torch.int64).index_add(0, x, w.to(torch.int64))
        return out.to(w.dtype)  # int64 wraps as the narrower unsigned type does
    return torch.zeros(length, dtype=w.dtype).index_add(0, x, w)


def bincount(x, weights=None, minlength=0, sparse=False):
    if (weights is None and sparse is False and type(minlength) is int and minlength >= 0
            and isinstance(x, torch.Tensor) and x.ndim == 1 and x.dtype in _COUNTED):
        try:  # (the common call: torch's own; a negative value raises the op's error below)
            return torch.bincount(x, minlength=minlength)
        except RuntimeError:
            pass
    minlength = shared.check_bincount(x, minlength, sparse)
    x = x.to(torch.int64)
    n = x.numel()
    if n and bool(torch.any(x < 0)):
        raise shared.negative_bins()
    length = max(int(torch.max(x)) + 1 if n else 0, minlength)
    shared.check_weights(x, weights)
    if x.ndim == 2:  # Keras's batched form: row i counted in bins [i * length, (i + 1) * length)
        rows = x.shape[0]
        flat = (x + torch.arange(rows, dtype=torch.int64, device=x.device)[:, None] * length)
        w = None if weights is None else weights.reshape(-1)
        return bin_sums(flat.reshape(-1), w, rows * length).reshape(rows, length)
    return bin_sums(x, weights, length)


# -- full, full_like: NumPy's (and Keras's) array fill_value ---------------------------------

def _array_fill(fill_value):
    """``fill_value`` as a tensor where it is an array (a tensor or an ndarray: torch.full
    takes a number only), else None."""
    if isinstance(fill_value, torch.Tensor):
        return fill_value
    if isinstance(fill_value, np.ndarray):
        return torch.as_tensor(fill_value)
    return None


#: the fill values torch.full takes as the op does (in torch's default dtypes)
_PY_FILLS = frozenset({bool, int, float})


def full(shape, fill_value, *, dtype=None, device=None):
    """torch.full; an array fill_value is broadcast to shape (in its own dtype unless dtype
    is given), as NumPy and Keras do."""
    if type(fill_value) in _PY_FILLS and type(shape) is tuple and device is None:
        # (array-api-compat's full, without its frame and torch's parsing of dtype=None)
        try:
            return (torch.full(shape, fill_value) if dtype is None
                    else torch.full(shape, fill_value, dtype=dtype))
        except (OverflowError, RuntimeError):  # (past int64's or the dtype's range)
            fill_value = _numpy_fill(fill_value, dtype)
    if dtype is None and isinstance(fill_value, np.generic):  # (NumPy keeps its dtype)
        dtype = DTYPES.get(fill_value.dtype.name)
        fill_value = fill_value.item() if dtype is not None else fill_value
    fill = _array_fill(fill_value)
    if fill is None:
        return NAMESPACE.full(shape, _numpy_fill(fill_value, dtype), dtype=dtype,
                              device=device)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return fill.to(device=device, dtype=dtype).broadcast_to(shape).clone(
        memory_format=torch.contiguous_format)


def _numpy_fill(fill_value, dtype):
    """A Python number fill as the value NumPy puts into a floating or complex ``dtype``
    (None: torch's default for a float): an int as its float (torch.full raises
    OverflowError for an int past int64's range, where NumPy takes ``full((2,), 2**70,
    float32)``), and a number past a floating dtype's range as the dtype rounds it (inf,
    or its largest near it: torch raises where NumPy gives ``full((2,), 1e300, float32)``
    inf); any other fill as it is."""
    if dtype is None and type(fill_value) is float:
        dtype = torch.get_default_dtype()
    if type(fill_value) not in (int, float) or dtype is None \
            or not (dtype.is_floating_point or dtype.is_complex):
        return fill_value
    value = float(fill_value)
    if dtype.is_floating_point and abs(value) > torch.finfo(dtype).max:
        return torch.tensor(value, dtype=torch.float64).to(dtype).item()
    return value


def full_like(x, /, fill_value, *, dtype=None, device=None):
    """torch.full_like; an array fill_value is broadcast to x's shape, in x's dtype unless
    dtype is given, as NumPy and Keras do."""
    fill = _array_fill(fill_value)
    if fill is None:
        return NAMESPACE.full_like(x, _numpy_fill(fill_value, dtype or x.dtype), dtype=dtype,
                                   device=device)
    return fill.to(device=device or x.device, dtype=dtype or x.dtype).broadcast_to(
        x.shape).clone(memory_format=torch.contiguous_format)


# -- found by name by crossops.numpy's generic functions (the other backends have none) ------

def vmap_rows(call, flat):
    """``call`` on every row of the arrays ``flat`` (their first axis), batched with
    ``torch.vmap``; None where ``call`` runs Python that depends on the values (the caller
    then calls it row by row)."""
    try:
        return torch.vmap(call)(*flat)
    except (RuntimeError, TypeError, ValueError, NotImplementedError):
        return None


def qr_raw(x):
    """NumPy's ``linalg.qr(x, mode='raw')``: LAPACK geqrf's ``(h, tau)``, h transposed
    (``torch.geqrf``; ``x`` floating or complex, at least 2-d)."""
    a, tau = torch.geqrf(x)
    return a.mT, tau
