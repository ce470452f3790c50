"""A small pytree utility for the control-flow ops (``crossops.core``) and the backends'
control flow (``crossops/backends/<name>/control_flow.py``): nested tuples (named tuples
too), lists and dicts of leaves, ``None`` as an empty subtree (as in ``jax.tree_util``),
and the check that a loop or a branch keeps its structure, shapes and dtypes.

Plain Python, so that ``torch.compile`` traces it and no framework is needed. Dict keys
are sorted, as jax and optree do.

Examples
--------
>>> from crossops._pytree import flatten, unflatten
>>> leaves, tree = flatten({"b": (1, 2), "a": [3, None]})
>>> leaves
[3, 1, 2]
>>> unflatten(tree, leaves)
{'a': [3, None], 'b': (1, 2)}
"""

from __future__ import annotations

from ._backend import backend_of_type, is_dtype_type
from ._dtypes import dtype_name

LEAF = "*"


def flatten(tree) -> tuple[list, object]:
    """The leaves of ``tree`` (depth first) and its structure (a comparable value)."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(t, leaves):
    if t is None:
        return None
    if isinstance(t, (tuple, list)):
        return (type(t), tuple(_flatten(c, leaves) for c in t))
    if isinstance(t, dict):
        keys = tuple(sorted(t))
        return (dict, keys, tuple(_flatten(t[k], leaves) for k in keys))
    leaves.append(t)
    return LEAF


def unflatten(treedef, leaves):
    """The tree of structure ``treedef`` with ``leaves`` (a sequence) in place."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(d, it):
    if d is None:
        return None
    if d == LEAF:
        return next(it)
    if d[0] is dict:
        return {k: _unflatten(c, it) for k, c in zip(d[1], d[2])}
    cls, children = d
    values = [_unflatten(c, it) for c in children]
    if cls is list:
        return values
    if cls is tuple:
        return tuple(values)
    return cls(*values)  # a named tuple


def describe(treedef) -> str:
    """A short readable form of a structure, for error messages."""
    if treedef is None:
        return "None"
    if treedef == LEAF:
        return "*"
    if treedef[0] is dict:
        inner = ", ".join(f"{k!r}: {describe(c)}" for k, c in zip(treedef[1], treedef[2]))
        return "{" + inner + "}"
    cls, children = treedef
    inner = ", ".join(describe(c) for c in children)
    if cls is list:
        return f"[{inner}]"
    if cls is tuple:
        return f"({inner}{',' if len(children) == 1 else ''})"
    return f"{cls.__name__}({inner})"


def map_tree(f, tree):
    """``tree`` with every leaf ``x`` replaced by ``f(x)``."""
    leaves, treedef = flatten(tree)
    return unflatten(treedef, [f(x) for x in leaves])


def is_array(x) -> bool:
    """Whether ``x`` is an array of a crossops backend (a leaf that has a shape and dtype)."""
    t = type(x)
    return backend_of_type(t) is not None and not is_dtype_type(t)


def check_same(op: str, what: str, expected, got) -> None:
    """``got`` (a pytree) has the structure, shapes and dtypes of ``expected``.

    Raises
    ------
    ValueError
        For another structure or shape.
    TypeError
        For another dtype.
    """
    e_leaves, e_tree = flatten(expected)
    g_leaves, g_tree = flatten(got)
    if e_tree != g_tree:
        raise ValueError(
            f"{op}: {what} has structure {describe(g_tree)}, expected {describe(e_tree)}; "
            f"loop values, carries and branch outputs must keep one structure")
    for i, (a, b) in enumerate(zip(e_leaves, g_leaves)):
        if not (is_array(a) and is_array(b)):
            continue
        sa, sb = tuple(a.shape), tuple(b.shape)
        if sa != sb:
            raise ValueError(f"{op}: {what}, leaf {i}: shape {sb}, expected {sa}; shapes must "
                             f"stay the same")
        if a.dtype != b.dtype:  # compared as objects: torch traces no dtype hashing
            raise TypeError(f"{op}: {what}, leaf {i}: dtype {dtype_name(b.dtype)}, expected "
                            f"{dtype_name(a.dtype)}; cast it (crossops.core.cast) to keep one "
                            f"dtype")


def checked_branches(op: str, fns) -> list:
    """Branch functions that check, once traced, that every branch returns what the first
    traced branch returned (structure, shapes, dtypes), for compilers that trace all
    branches (``jax.lax.cond``, ``tf.cond``)."""
    first: list = []

    def wrap(fn, k):
        def branch(*args):
            out = fn(*args)
            if first:
                check_same(op, f"branch {k}'s output", first[0][1], out)
            else:
                first.append((k, out))
            return out
        return branch
    return [wrap(fn, k) for k, fn in enumerate(fns)]
