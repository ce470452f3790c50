"""``slice``, ``slice_update``, ``scatter`` and ``scatter_update`` per backend (named in
spec/core.toml's ``native`` tables as ``<op>_<backend>``).

Shared rules (Keras is silent on them; these follow ``jax.lax``):

- start indices are clamped so that the slice (or the update) lies inside ``inputs``, as
  ``jax.lax.dynamic_slice`` and ``dynamic_update_slice`` do; they may be Python ints, a
  list of them, or an integer array of shape ``(inputs.ndim,)`` (traced under a compiler);
- a ``-1`` in ``slice``'s shape takes the rest of that axis (it needs concrete start
  indices);
- ``slice_update`` and ``scatter_update`` cast ``updates`` to the dtype of ``inputs``;
- ``scatter`` adds the values of repeated indices; ``scatter_update`` with
  ``reduction=None`` and repeated indices keeps one of them (which one is up to the
  backend); indices must lie inside the shape.

Frameworks are imported on first call only.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

_REDUCTIONS = (None, "add", "max", "min", "mul")


# ----------------------------------------------------------------------------- argument checks


def _is_concrete(v) -> bool:
    return isinstance(v, (int, np.integer))


def _starts(op: str, inputs, start_indices) -> list:
    """The start indices as a list of ``inputs.ndim`` scalars (ints or 0-d arrays)."""
    ndim = len(inputs.shape)
    if hasattr(start_indices, "shape"):  # an array
        if tuple(start_indices.shape) != (ndim,):
            raise ValueError(f"{op}: start_indices must have shape ({ndim},) for inputs of "
                             f"{ndim} dimensions, got shape {tuple(start_indices.shape)}")
        if isinstance(start_indices, np.ndarray):
            return [int(s) for s in start_indices.tolist()]
        return [start_indices[i] for i in range(ndim)]
    starts = list(start_indices)
    if len(starts) != ndim:
        raise ValueError(f"{op}: start_indices has {len(starts)} entries but inputs has "
                         f"{ndim} dimensions; give one start per dimension")
    return [int(s) if _is_concrete(s) else s for s in starts]


def _sizes(inputs, starts, shape) -> list[int]:
    dims = [int(d) for d in inputs.shape]
    shape = list(shape)
    if len(shape) != len(dims):
        raise ValueError(f"core.slice: shape {tuple(shape)} has {len(shape)} entries but "
                         f"inputs has {len(dims)} dimensions; give one size per dimension")
    out = []
    for d, s, n in zip(dims, starts, shape):
        n = int(n)
        if n == -1:
            if not _is_concrete(s):
                raise ValueError("core.slice: a -1 in shape needs concrete (Python int) start "
                                 "indices; give the size instead")
            n = d - min(max(s, 0), d)
        if not 0 <= n <= d:
            raise ValueError(f"core.slice: size {n} does not fit an axis of length {d} "
                             f"(inputs shape {tuple(dims)}, slice shape {tuple(shape)})")
        out.append(n)
    return out


def _clamped(starts, dims, sizes, clip) -> list:
    """Python ints clamped in Python, array starts with ``clip(s, lo, hi)``."""
    return [min(max(s, 0), d - n) if _is_concrete(s) else clip(s, 0, d - n)
            for s, d, n in zip(starts, dims, sizes)]


def _update_sizes(op, inputs, updates) -> list[int]:
    dims = [int(d) for d in inputs.shape]
    sizes = [int(d) for d in updates.shape]
    if len(sizes) != len(dims) or any(n > d for n, d in zip(sizes, dims)):
        raise ValueError(f"{op}: updates of shape {tuple(sizes)} do not fit inputs of shape "
                         f"{tuple(dims)}; updates need the rank of inputs and no larger axes")
    return sizes


def _reduction(reduction):
    r = reduction.lower() if isinstance(reduction, str) else reduction
    if r not in _REDUCTIONS:
        raise ValueError(f"core.scatter_update: unknown reduction {reduction!r}; use None, 'add', "
                         f"'max', 'min' or 'mul'")
    return r


def _check_scatter_shapes(op, indices, values, shape):
    shape = tuple(int(d) for d in shape)
    ishape = tuple(int(d) for d in indices.shape)
    if not ishape or ishape[-1] > len(shape):
        raise ValueError(f"{op}: indices of shape {ishape} cannot index an array of shape "
                         f"{shape}; their last axis holds one index per leading dimension")
    want = ishape[:-1] + shape[ishape[-1]:]
    got = tuple(int(d) for d in values.shape)
    if got != want:
        raise ValueError(f"{op}: values of shape {got} do not match indices of shape {ishape} "
                         f"for an array of shape {shape}; expected {want}")
    return shape


# ----------------------------------------------------------------------------- numpy


def slice_numpy(inputs, start_indices, shape):
    starts = _starts("core.slice", inputs, start_indices)
    sizes = _sizes(inputs, starts, shape)
    starts = _clamped([int(s) for s in starts], inputs.shape, sizes, None)
    return np.asarray(inputs)[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]


def slice_update_numpy(inputs, start_indices, updates):
    updates = np.asarray(updates)
    sizes = _update_sizes("core.slice_update", inputs, updates)
    starts = _clamped([int(s) for s in _starts("core.slice_update", inputs, start_indices)],
                      inputs.shape, sizes, None)
    out = np.array(inputs, copy=True)
    out[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))] = updates
    return out


def scatter_numpy(indices, values, shape):
    indices, values = np.asarray(indices), np.asarray(values)
    shape = _check_scatter_shapes("core.scatter", indices, values, shape)
    out = np.zeros(shape, values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices.astype(np.intp), -1, 0)), values)
    return out


_NP_AT = {"add": np.add, "max": np.maximum, "min": np.minimum, "mul": np.multiply}


def scatter_update_numpy(inputs, indices, updates, reduction=None):
    r = _reduction(reduction)
    indices = np.asarray(indices)
    updates = np.asarray(updates).astype(inputs.dtype)
    _check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    out = np.array(inputs, copy=True)
    idx = tuple(np.moveaxis(indices.astype(np.intp), -1, 0))
    if r is None:
        out[idx] = updates
    else:
        _NP_AT[r].at(out, idx, updates)
    return out


# ----------------------------------------------------------------------------- jax


def _jax_starts(inputs, starts, sizes):
    # clamped here: jax.lax.dynamic_slice would first wrap a negative start from the end
    import jax.numpy as jnp
    return _clamped(starts, [int(d) for d in inputs.shape], sizes,
                    lambda v, lo, hi: jnp.clip(jnp.asarray(v), lo, hi))


def slice_jax(inputs, start_indices, shape):
    import jax
    starts = _starts("core.slice", inputs, start_indices)
    sizes = _sizes(inputs, starts, shape)
    return jax.lax.dynamic_slice(inputs, _jax_starts(inputs, starts, sizes), sizes)


def slice_update_jax(inputs, start_indices, updates):
    import jax
    import jax.numpy as jnp
    updates = jnp.asarray(updates).astype(inputs.dtype)
    sizes = _update_sizes("core.slice_update", inputs, updates)
    starts = _jax_starts(inputs, _starts("core.slice_update", inputs, start_indices), sizes)
    return jax.lax.dynamic_update_slice(inputs, updates, starts)


def scatter_jax(indices, values, shape):
    import jax.numpy as jnp
    indices, values = jnp.asarray(indices), jnp.asarray(values)
    shape = _check_scatter_shapes("core.scatter", indices, values, shape)
    return jnp.zeros(shape, values.dtype).at[tuple(jnp.moveaxis(indices, -1, 0))].add(values)


def scatter_update_jax(inputs, indices, updates, reduction=None):
    import jax.numpy as jnp
    r = _reduction(reduction)
    indices = jnp.asarray(indices)
    updates = jnp.asarray(updates).astype(inputs.dtype)
    _check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    at = inputs.at[tuple(jnp.moveaxis(indices, -1, 0))]
    if r is None:
        return at.set(updates)
    return {"add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[r](updates)


# ----------------------------------------------------------------------------- torch


def _torch_signed(x, *, ordered=False):
    """Unsigned 16/32/64-bit tensors (which lack torch kernels for index_put and
    scatter_reduce) as signed ones, and the function that turns results back:
    uint16/uint32 widen exactly; uint64 is viewed as int64 (same bits: replacing, adding
    and multiplying modulo 2**64 agree), with its top bit flipped when ``ordered`` (for
    max / min, so that the order of int64 is the order of uint64)."""
    import torch
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
    import torch
    return x.to(torch.int64) if isinstance(x, torch.Tensor) else torch.as_tensor(x)


def _torch_ranges(starts, dims, sizes, device):
    """Per axis, the int64 indices start, start + 1, ... (starts clamped)."""
    import torch
    starts = _clamped(starts, dims, sizes, lambda s, lo, hi: torch.clamp(_torch_index(s), lo, hi))
    return [torch.arange(n, device=device) + s for s, n in zip(starts, sizes)]


def slice_torch(inputs, start_indices, shape):
    starts = _starts("core.slice", inputs, start_indices)
    sizes = _sizes(inputs, starts, shape)
    dims = [int(d) for d in inputs.shape]
    if all(map(_is_concrete, starts)):
        starts = _clamped(starts, dims, sizes, None)
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))]
    out, back = _torch_signed(inputs)  # array starts: gather along each axis (it compiles)
    for axis, idx in enumerate(_torch_ranges(starts, dims, sizes, inputs.device)):
        out = out.index_select(axis, idx)
    return back(out)


def slice_update_torch(inputs, start_indices, updates):
    import torch
    updates = torch.as_tensor(updates).to(inputs.dtype)
    sizes = _update_sizes("core.slice_update", inputs, updates)
    inputs, back = _torch_signed(inputs)
    updates, _ = _torch_signed(updates)
    starts = _starts("core.slice_update", inputs, start_indices)
    dims = [int(d) for d in inputs.shape]
    if all(map(_is_concrete, starts)):
        starts = _clamped(starts, dims, sizes, None)
        out = inputs.clone()
        out[tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))] = updates
        return back(out)
    if not dims:
        return back(updates.clone())
    grids = torch.meshgrid(*_torch_ranges(starts, dims, sizes, inputs.device), indexing="ij")
    return back(inputs.index_put(tuple(grids), updates))


def scatter_torch(indices, values, shape):
    import torch
    indices, values = _torch_index(indices), torch.as_tensor(values)
    shape = _check_scatter_shapes("core.scatter", indices, values, shape)
    values, back = _torch_signed(values)
    zeros = torch.zeros(shape, dtype=values.dtype, device=values.device)
    return back(zeros.index_put(tuple(indices.unbind(-1)), values, accumulate=True))


_TORCH_REDUCE = {"max": "amax", "min": "amin", "mul": "prod"}


def scatter_update_torch(inputs, indices, updates, reduction=None):
    import torch
    r = _reduction(reduction)
    indices = _torch_index(indices)
    updates = torch.as_tensor(updates).to(inputs.dtype)
    _check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
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


# ----------------------------------------------------------------------------- tensorflow


def slice_tensorflow(inputs, start_indices, shape):
    import tensorflow as tf
    starts = _starts("core.slice", inputs, start_indices)
    sizes = _sizes(inputs, starts, shape)
    dims = [int(d) for d in inputs.shape]
    starts = _clamped(starts, dims, sizes,
                      lambda s, lo, hi: tf.clip_by_value(tf.cast(s, tf.int64), lo, hi))
    begin = tf.stack([tf.cast(s, tf.int64) for s in starts]) if starts else \
        tf.zeros((0,), tf.int64)
    return tf.slice(inputs, begin, tf.constant(sizes, tf.int64))


def _tf_grid(starts, sizes):
    """int64 indices of shape sizes + (ndim,) for the block at ``starts``."""
    import tensorflow as tf
    ranges = [tf.range(n, dtype=tf.int64) + tf.cast(s, tf.int64) for s, n in zip(starts, sizes)]
    return tf.stack(tf.meshgrid(*ranges, indexing="ij"), axis=-1)


def slice_update_tensorflow(inputs, start_indices, updates):
    import tensorflow as tf
    updates = tf.cast(tf.convert_to_tensor(updates), inputs.dtype)
    sizes = _update_sizes("core.slice_update", inputs, updates)
    starts = _starts("core.slice_update", inputs, start_indices)
    dims = [int(d) for d in inputs.shape]
    if not dims:
        return tf.identity(updates)
    if 0 in sizes:
        return tf.identity(inputs)
    starts = _clamped(starts, dims, sizes,
                      lambda s, lo, hi: tf.clip_by_value(tf.cast(s, tf.int64), lo, hi))
    return tf.tensor_scatter_nd_update(inputs, _tf_grid(starts, sizes), updates)


def scatter_tensorflow(indices, values, shape):
    import tensorflow as tf
    indices = tf.cast(tf.convert_to_tensor(indices), tf.int64)
    values = tf.convert_to_tensor(values)
    shape = _check_scatter_shapes("core.scatter", indices, values, shape)
    return tf.scatter_nd(indices, values, tf.constant(shape, tf.int64))


def scatter_update_tensorflow(inputs, indices, updates, reduction=None):
    import tensorflow as tf
    r = _reduction(reduction)
    indices = tf.cast(tf.convert_to_tensor(indices), tf.int64)
    updates = tf.cast(tf.convert_to_tensor(updates), inputs.dtype)
    _check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    if r == "mul":  # no tensor_scatter_nd_mul: multiply by the product of each target's updates
        k = int(indices.shape[-1])
        dims = [int(d) for d in inputs.shape]
        lead, rest = dims[:k], dims[k:]
        strides = tf.constant([math.prod(lead[j + 1:]) for j in range(k)], tf.int64)
        flat = tf.reshape(tf.reduce_sum(indices * strides, axis=-1), [-1])
        prods = tf.math.unsorted_segment_prod(tf.reshape(updates, [-1] + rest), flat,
                                              math.prod(lead))
        return tf.reshape(tf.reshape(inputs, [math.prod(lead)] + rest) * prods, dims)
    f = {None: tf.tensor_scatter_nd_update, "add": tf.tensor_scatter_nd_add,
         "max": tf.tensor_scatter_nd_max, "min": tf.tensor_scatter_nd_min}[r]
    return f(inputs, indices, updates)
