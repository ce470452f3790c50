"""JAX's functions of crossops.core, found by op name (``backends/jax/core.py``):
``slice`` and ``slice_update`` (``lax.dynamic_slice`` / ``dynamic_update_slice``, start
indices clamped first), ``scatter`` and ``scatter_update`` (``.at[]``) and ``unstack``.
Arguments are checked by :mod:`crossops.backends._core`, which gives the rules the
backends share.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from .. import _core as c


def _jax_starts(inputs, starts, sizes):
    # clamped here: jax.lax.dynamic_slice would first wrap a negative start from the end
    return c.clamped(starts, [int(d) for d in inputs.shape], sizes,
                    lambda v, lo, hi: jnp.clip(jnp.asarray(v), lo, hi))


def slice(inputs, start_indices, shape):
    window = c.inside_slices(inputs, start_indices, shape)
    if window is not None:  # (Python int bounds inside inputs: lax.slice, static)
        return jax.lax.slice(inputs, [w.start for w in window], [w.stop for w in window])
    starts = c.starts_of("core.slice", inputs, start_indices)
    sizes = c.slice_sizes(inputs, starts, shape)
    return jax.lax.dynamic_slice(inputs, _jax_starts(inputs, starts, sizes), sizes)


def slice_update(inputs, start_indices, updates):
    if not (isinstance(updates, jax.Array) and updates.dtype == inputs.dtype):
        updates = jnp.asarray(updates).astype(inputs.dtype)  # (a cast even of one dtype)
    sizes = c.update_sizes("core.slice_update", inputs, updates)
    starts = _jax_starts(inputs, c.starts_of("core.slice_update", inputs, start_indices), sizes)
    return jax.lax.dynamic_update_slice(inputs, updates, starts)


def scatter(indices, values, shape):
    indices, values = jnp.asarray(indices), jnp.asarray(values)
    shape = c.check_scatter_shapes("core.scatter", indices, values, shape)
    return jnp.zeros(shape, values.dtype).at[tuple(jnp.moveaxis(indices, -1, 0))].add(values)


def scatter_update(inputs, indices, updates, reduction=None):
    r = c.reduction_of(reduction)
    indices = jnp.asarray(indices)
    updates = jnp.asarray(updates).astype(inputs.dtype)
    c.check_scatter_shapes("core.scatter_update", indices, updates, inputs.shape)
    at = inputs.at[tuple(jnp.moveaxis(indices, -1, 0))]
    if r is None:
        return at.set(updates)
    return {"add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[r](updates)


def unstack(x, num=None, axis=0):
    return list(jnp.moveaxis(x, c.unstack_axis(x, num, axis), 0))
