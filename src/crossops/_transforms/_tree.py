"""Pytrees and the backend of a transformed call.

Arguments and results of the transforms are pytrees: nested dicts, lists and tuples
(named tuples too) whose leaves are arrays or Python scalars. They are flattened with
``optree`` on every backend, so no framework is imported to read them, and a result
has the same structure whatever the backend.
"""

from __future__ import annotations

import optree

from .._backend import (
    backend_module,
    backend_of_type,
    call_backend,
    get_backend,
    is_dtype_type,
    read_holders,
    value_holders,
)
from .._dtypes import dtype_name, kind
from ..backends._tree import split_aux, tree_map

#: the backends whose machinery differentiates (every backend but numpy)
DIFFERENTIATING = ("jax", "torch", "tensorflow")


def on_one_backend(name: str, *trees) -> tuple[str, tuple]:
    """The backend of a transformed call, and ``trees`` on it.

    The backend is the one of the arrays among the leaves of ``trees``, by crossops's one
    rule (:func:`crossops._backend.call_backend`), else the default backend. NumPy arrays
    are host data: beside arrays of another backend they are converted to it.

    Raises
    ------
    TypeError
        If arrays of two backends other than NumPy meet.
    """
    types = [type(leaf) for tree in trees for leaf in optree.tree_leaves(tree)]
    if not value_holders.isdisjoint(types):  # crossops Variables: their values
        trees = tuple(tree_map(read_holders, tree) for tree in trees)
        types = [type(leaf) for tree in trees for leaf in optree.tree_leaves(tree)]
    backend = call_backend(types, f"crossops.{name}") or get_backend()
    if backend != "numpy" and any(backend_of_type(t) == "numpy" and not is_dtype_type(t)
                                  for t in types):
        from .._dispatch import from_numpy

        def convert(leaf):
            t = type(leaf)
            if backend_of_type(t) == "numpy" and not is_dtype_type(t):
                return from_numpy(backend, leaf)
            return leaf
        trees = tuple(tree_map(convert, tree) for tree in trees)
    return backend, trees


def not_differentiable(name: str) -> NotImplementedError:
    """The error of a differentiating transform called with NumPy arrays."""
    return NotImplementedError(
        f"crossops.{name}: the numpy backend has no automatic differentiation; call it with "
        f"arrays of a backend that differentiates ({', '.join(DIFFERENTIATING)})")


def argnums_tuple(name: str, argnums, nargs: int) -> tuple[int, ...]:
    """``argnums`` (an int or a sequence of ints) as a tuple of non-negative positions."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or not all(isinstance(i, int) for i in nums):
        raise TypeError(f"crossops.{name}: argnums must be an int or a non-empty tuple of "
                        f"ints, got {argnums!r}")
    out = []
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(f"crossops.{name}: argnums {argnums!r} out of range for "
                             f"{nargs} positional arguments")
        out.append(i % nargs)
    return tuple(out)


def as_float_arrays(name: str, backend: str, tree, what: str):
    """``tree`` with Python floats as 0-d arrays of ``backend``; raises ``TypeError`` for a
    leaf that is not floating point (an integer or boolean array, an int, a string)."""
    mod = None

    def check(leaf):
        nonlocal mod
        if isinstance(leaf, float | complex):
            if mod is None:
                mod = backend_module(backend)
            asarray = mod.__dict__.get("asarray") or mod.NAMESPACE.asarray
            return asarray(leaf)
        dtype = getattr(leaf, "dtype", None)
        if dtype is None or kind(dtype_name(dtype)) not in "fc":
            got = f"dtype {dtype_name(dtype)}" if dtype is not None else type(leaf).__name__
            raise TypeError(
                f"crossops.{name}: {what} must hold floating-point arrays, got {got}; cast it "
                "with astype(x, 'float32') or pass that argument outside argnums")
        return leaf

    return tree_map(check, tree)


def scalar_output(name: str, fun, has_aux: bool):
    """``fun``, checking that it returns a scalar (and ``(value, aux)`` when ``has_aux``)."""

    def checked(*args, **kwargs):
        out = fun(*args, **kwargs)
        value = split_aux(name, out, has_aux)[0]
        shape = tuple(getattr(value, "shape", ()))
        if shape != ():
            raise ValueError(
                f"crossops.{name}: the function must return a scalar (shape ()), got an output "
                f"of shape {shape}; reduce it first (e.g. sum) or use crossops.jacobian / "
                "crossops.vjp for non-scalar outputs")
        return out

    return checked
