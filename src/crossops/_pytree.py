"""A small pytree utility for the control-flow ops: nested tuples (named tuples too), lists
and dicts of leaves, ``None`` as an empty subtree (as in ``jax.tree_util``).

Plain Python, so that ``torch.compile`` traces it and no framework is needed. Dict keys
are sorted, as jax and optree do.

Examples
--------
>>> from crossops.core._tree import flatten, unflatten
>>> leaves, tree = flatten({"b": (1, 2), "a": [3, None]})
>>> leaves
[3, 1, 2]
>>> unflatten(tree, leaves)
{'a': [3, None], 'b': (1, 2)}
"""

from __future__ import annotations

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
