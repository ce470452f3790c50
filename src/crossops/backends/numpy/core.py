"""NumPy's functions of crossops.core, found by op name (``backends/numpy/core.py``):
``slice``, ``slice_update``, ``scatter`` (``np.add.at``), ``scatter_update`` and ``unstack``,
and ``saturate_cast`` of bfloat16 (NumPy's clip has no bfloat16 loop: it clips in
float32; other dtypes run the generic form). Arguments are checked by
:mod:`crossops.backends._core`, which gives the rules the backends share.
"""

from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np

from ..._dtypes import dtype_name, kind
from .. import _core as c
from .._common import partial


def slice(inputs, start_indices, shape):
    window = c.inside_slices(inputs, start_indices, shape)
    if window is not None:
        return np.asarray(inputs)[window]
    starts = c.starts_of("core.slice", inputs, start_indices)
    sizes = c.slice_sizes(inputs, starts, shape)
    starts = c.clamped([int(s) for s in starts], inputs.shape, sizes, None)
    return np.asarray(inputs)[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]


def slice_update(inputs, start_indices, updates):
    updates = np.asarray(updates)
    window = c.inside_slices(inputs, start_indices, updates.shape)
    if window is not None:  # (the common call: Python int starts, the block inside)
        out = np.array(inputs, copy=True)
        out[window] = updates
        return out
    sizes = c.update_sizes("core.slice_update", inputs, updates)
    starts = c.clamped([int(s) for s in c.starts_of("core.slice_update", inputs, start_indices)],
                      inputs.shape, sizes, None)
    out = np.array(inputs, copy=True)
    out[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))] = updates
    return out


def scatter(indices, values, shape):
    indices, values = np.asarray(indices), np.asarray(values)
    shape = c.check_scatter_shapes("core.scatter", indices, values, shape)
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices.astype(np.intp), -1, 0)), values)
    return out


_NP_AT = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def scatter_update(inputs, indices, updates, reduction=None):
    r = c.reduction_of(reduction)
    indices = np.asarray(indices)
    updates = np.asarray(updates).astype(inputs.dtype)
    c.check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    out = np.array(inputs, copy=True)
    idx = tuple(np.moveaxis(indices.astype(np.intp), -1, 0))
    if r is None:
        out[idx] = updates
    else:
        _NP_AT[r].at(out, idx, updates)
    return out


def unstack(x, num=None, axis=0):
    return list(np.moveaxis(x, c.unstack_axis(x, num, axis), 0))


@partial
def saturate_cast(x, dtype):
    if x.dtype == ml_dtypes.bfloat16:  # NumPy's clip has no bfloat16 loop: clip in float32
        limits = c.LIMITS["bfloat16", dtype_name(dtype)]  # exact in bfloat16
        return np.clip(np.where(np.isnan(x), 0, x).astype(np.float32)
                       if kind(dtype_name(dtype)) in "biu" else x.astype(np.float32),
                       *limits).astype(ml_dtypes.bfloat16).astype(dtype)
    return NotImplemented  # the generic clip
