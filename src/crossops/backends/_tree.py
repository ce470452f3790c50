"""Pytrees for the backends' transforms (``backends/<name>/transforms.py``): arguments and
results are nested dicts, lists and tuples (named tuples too) whose leaves are arrays or
Python scalars, flattened with ``optree`` on every backend, so that no framework is
imported to read them and a result has the same structure whatever the backend.

:mod:`crossops._transforms._tree` adds what needs the layers above (the backend of a
transformed call, the checks of the public transforms).

Examples
--------
>>> from crossops.backends._tree import flatten, unflatten
>>> leaves, spec = flatten({"b": (1, 2), "a": [3, None]})
>>> leaves
[3, 1, 2]
>>> unflatten(spec, [x * 10 for x in leaves])
{'b': (10, 20), 'a': [30, None]}
"""

from __future__ import annotations

import optree


def flatten(tree) -> tuple[list, optree.PyTreeSpec]:
    """The leaves of ``tree`` and its structure (``None`` is an empty subtree)."""
    return optree.tree_flatten(tree)


def unflatten(spec: optree.PyTreeSpec, leaves):
    """The tree of structure ``spec`` holding ``leaves``."""
    return optree.tree_unflatten(spec, list(leaves))


def tree_map(f, tree, *rest):
    """``f`` applied leaf by leaf to ``tree`` (and trees of the same structure)."""
    return optree.tree_map(f, tree, *rest)


def split_aux(name: str, out, has_aux: bool):
    """``(value, aux)`` of a function's result (``aux`` is None without ``has_aux``)."""
    if not has_aux:
        return out, None
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise ValueError(f"crossops.{name}: with has_aux=True the function must return a pair "
                         f"(output, aux), got {type(out).__name__}")
    return out[0], out[1]
