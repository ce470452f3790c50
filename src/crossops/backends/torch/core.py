"""PyTorch's functions of crossops.core, found by op name (``backends/torch/core.py``):
``slice`` and ``slice_update`` (basic indexing for Python-int starts; a gather along each
axis for array starts, which compiles), ``scatter`` and ``scatter_update``
(``index_put``, ``scatter_reduce``; unsigned 16/32/64-bit tensors, which lack those
kernels, through signed ones), ``unstack`` (``unbind``) and ``saturate_cast`` (a
clamp in torch; uint64 through its int64 view). Arguments are checked by
:mod:`crossops.backends._core`, which gives the rules the backends share.
"""

from __future__ import annotations

import builtins
import math

import torch

from ..._dtypes import dtype_name, kind
from .. import _core as c
from . import DTYPES

#: the unsigned dtypes torch lacks index_put and scatter kernels for
_WIDE_UNSIGNED = frozenset({torch.uint16, torch.uint32, torch.uint64})


def _torch_signed(x, *, ordered=False):
    """Unsigned 16/32/64-bit tensors (which lack torch kernels for index_put and
    scatter_reduce) as signed ones, and the function that turns results back:
    uint16/uint32 widen exactly; uint64 is viewed as int64 (same bits: replacing, adding
    and multiplying modulo 2**64 agree), with its top bit flipped when ``ordered`` (for
    max / min, so that the order of int64 is the order of uint64)."""
    if x.dtype in (torch.uint16, torch.uint32):
        dt = x.dtype
        return x.to(torch.int64), lambda y: y.to(dt)
    if x.dtype == torch.uint64:
        if not ordered:
            return x.view(torch.int64), lambda y: y.view(torch.uint64)
        top = torch.tensor(-(2 ** 63), dtype=torch.int64)
        return x.view(torch.int64) ^ top, lambda y: (y ^ top).view(torch.uint64)
    return x, lambda y: y


def _torch_index(x):
    return x.to(torch.int64) if isinstance(x, torch.Tensor) else torch.as_tensor(x)


def _torch_ranges(starts, dims, sizes, device):
    """Per axis, the int64 indices start, start + 1, ... (starts clamped)."""
    starts = c.clamped(starts, dims, sizes, lambda s, lo, hi: torch.clamp(_torch_index(s), lo, hi))
    return [torch.arange(n, device=device) + s for s, n in zip(starts, sizes)]


def slice(inputs, start_indices, shape):
    window = c.inside_slices(inputs, start_indices, shape)
    if window is not None:
        return inputs[window]
    starts = c.starts_of("core.slice", inputs, start_indices)
    sizes = c.slice_sizes(inputs, starts, shape)
    dims = [int(d) for d in inputs.shape]
    if all(map(c.is_concrete, starts)):
        starts = c.clamped(starts, dims, sizes, None)
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]
    out, back = _torch_signed(inputs)  # array starts: gather along each axis (it compiles)
    for axis, idx in enumerate(_torch_ranges(starts, dims, sizes, inputs.device)):
        out = out.index_select(axis, idx)
    return back(out)


def slice_update(inputs, start_indices, updates):
    if not (isinstance(updates, torch.Tensor) and updates.dtype is inputs.dtype):
        updates = torch.as_tensor(updates).to(inputs.dtype)
    window = c.inside_slices(inputs, start_indices, updates.shape)
    if window is not None and inputs.dtype not in _WIDE_UNSIGNED:
        # (the common call: Python int starts, the block inside: one copy, one write)
        out = inputs.clone()
        out[window] = updates
        return out
    inputs, back = _torch_signed(inputs)
    updates, _ = _torch_signed(updates)
    sizes = c.update_sizes("core.slice_update", inputs, updates)
    starts = c.starts_of("core.slice_update", inputs, start_indices)
    dims = [int(d) for d in inputs.shape]
    if all(map(c.is_concrete, starts)):
        starts = c.clamped(starts, dims, sizes, None)
        out = inputs.clone()
        out[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))] = updates
        return back(out)
    if not dims:
        return back(updates.clone())
    grids = torch.meshgrid(*_torch_ranges(starts, dims, sizes, inputs.device), indexing="ij")
    return back(inputs.index_put(tuple(grids), updates))


def scatter(indices, values, shape):
    indices, values = _torch_index(indices), torch.as_tensor(values)
    shape = c.check_scatter_shapes("core.scatter", indices, values, shape)
    values, back = _torch_signed(values)
    zeros = torch.zeros(shape, dtype=values.dtype, device=values.device)
    return back(zeros.index_put(tuple(indices.unbind(-1)), values, accumulate=True))


_TORCH_REDUCE = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update(inputs, indices, updates, reduction=None):
    r = c.reduction_of(reduction)
    indices = _torch_index(indices)
    updates = torch.as_tensor(updates).to(inputs.dtype)
    c.check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    ordered = r in ("max", "min")
    inputs, back = _torch_signed(inputs, ordered=ordered)
    updates, _ = _torch_signed(updates, ordered=ordered)
    if r is None or r == "add":
        return back(inputs.index_put(tuple(indices.unbind(-1)), updates,
                                     accumulate=r == "add"))
    # max / min / mul: scatter_reduce along one flattened axis of the indexed dimensions
    k = int(indices.shape[-1])
    dims = [int(d) for d in inputs.shape]
    lead, rest = dims[:k], dims[k:]
    strides = [math.prod(lead[j + 1:]) for j in range(k)]
    flat = (indices * torch.tensor(strides, dtype=torch.int64, device=indices.device)).sum(-1)
    flat = flat.reshape(-1)
    upd = updates.reshape([-1] + rest)
    index = flat.reshape([-1] + [1] * len(rest)).expand(upd.shape)
    base = inputs.reshape([math.prod(lead)] + rest)
    out = base.scatter_reduce(0, index, upd, reduce=_TORCH_REDUCE[r], include_self=True)
    return back(out.reshape(dims))


def unstack(x, num=None, axis=0):
    return list(x.unbind(c.unstack_axis(x, num, axis)))


def _name(dtype) -> str:
    # compared one by one: torch.compile cannot hash a torch dtype (a dict lookup)
    for name, native in DTYPES.items():
        if native == dtype:
            return name
    return dtype_name(dtype)


def saturate_cast(x, dtype):
    names = _name(x.dtype), _name(dtype)
    limits = c.saturate_limits(*names)
    if x.dtype == torch.uint64:  # torch has no uint64 comparisons: clamp the int64 view
        if limits is not None:
            v = x.view(torch.int64)
            big = (v < 0) | (v > limits[1])  # values of 2**63 and more view as negative
            x = torch.where(big, torch.full_like(v, limits[1]), v)
        return x.to(dtype)
    if limits is not None:
        if kind(names[0]) == "f" and kind(names[1]) in "biu":  # nan becomes 0
            x = torch.where(torch.isnan(x), torch.zeros_like(x), x)
        if x.dtype == torch.uint16 or x.dtype == torch.uint32:  # no clamp kernels: in int64
            x = x.to(torch.int64)
        x = torch.clamp(x, *limits)
    return x.to(dtype)
