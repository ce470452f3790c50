"""``vmap`` where the backend has no batching transform of its own: the mapped axes of
the arguments (``in_axes``, a pytree prefix of the arguments) and of the results
(``out_axes``); NumPy maps by a loop."""

from __future__ import annotations

import optree

from ._tree import flatten, unflatten


def split_mapped(name: str, args: tuple, in_axes):
    """The leaves of ``args``, their structure, and each leaf's mapped axis (non-negative)
    or None."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if isinstance(in_axes, tuple) and len(in_axes) != len(args):
        raise ValueError(f"crossops.{name}: in_axes has {len(in_axes)} entries for "
                         f"{len(args)} positional arguments")
    prefix = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    try:
        axes = optree.tree_broadcast_prefix(prefix, tuple(args), none_is_leaf=True)
    except ValueError as e:
        raise ValueError(f"crossops.{name}: in_axes {in_axes!r} is not a prefix of the "
                         f"arguments' structure: {e}") from None
    leaves, spec = flatten(tuple(args))
    axes = optree.tree_leaves(axes, none_is_leaf=True)
    if len(axes) != len(leaves):  # None leaves among the arguments
        raise ValueError(f"crossops.{name}: arguments holding None cannot be mapped")
    mapped = []
    for x, ax in zip(leaves, axes):
        if ax is None:
            mapped.append(None)
            continue
        if not isinstance(ax, int):
            raise TypeError(f"crossops.{name}: in_axes entries must be ints or None, got {ax!r}")
        ndim = len(getattr(x, "shape", ()))
        if not -ndim <= ax < ndim:
            raise ValueError(f"crossops.{name}: in_axes {ax} out of range for an argument "
                             f"of {ndim} dimensions")
        mapped.append(ax % ndim)
    if all(ax is None for ax in mapped):
        raise ValueError(f"crossops.{name}: no argument is mapped (every in_axes is None)")
    return leaves, spec, mapped


def batch_size(name: str, leaves, mapped) -> int:
    """The one size of the mapped axes."""
    sizes = {int(x.shape[ax]) for x, ax in zip(leaves, mapped) if ax is not None}
    if len(sizes) != 1:
        raise ValueError(f"crossops.{name}: the mapped axes have different sizes {sorted(sizes)}")
    return sizes.pop()


def moved_out(out, out_axes, moveaxis):
    """Results batched on axis 0 with their batch axis moved to ``out_axes`` (None: the
    result is the same for every example, and the first is kept)."""
    leaves, spec = flatten(out)
    if isinstance(out_axes, list):
        out_axes = tuple(out_axes)
    axes = optree.tree_leaves(
        optree.tree_broadcast_prefix(out_axes, out, none_is_leaf=True), none_is_leaf=True)
    moved = [x[0] if ax is None else x if ax == 0 else moveaxis(x, 0, ax)
             for x, ax in zip(leaves, axes)]
    return unflatten(spec, moved)


def loop_vmap(fun, in_axes, out_axes):
    """``vmap`` by a Python loop over the examples, stacking the results (NumPy)."""
    import numpy as np

    def vmapped(*args):
        leaves, spec, mapped = split_mapped("vmap", args, in_axes)
        n = batch_size("vmap", leaves, mapped)
        if n == 0:
            raise ValueError("crossops.vmap: on numpy, vmap loops over the examples and "
                             "cannot map an axis of size 0")
        results = []
        for i in range(n):
            example = [x if ax is None else np.take(x, i, axis=ax)
                       for x, ax in zip(leaves, mapped)]
            results.append(flatten(fun(*unflatten(spec, example))))
        out_spec = results[0][1]
        if any(s != out_spec for _, s in results):
            raise ValueError("crossops.vmap: the function returned results of different "
                             "structures for different examples")
        stacked = [np.stack([np.asarray(r[0][j]) for r in results])
                   for j in range(out_spec.num_leaves)]
        return moved_out(unflatten(out_spec, stacked), out_axes, np.moveaxis)

    return vmapped
