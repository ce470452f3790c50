"""NumPy's ``diagonal`` and ``trace`` (any two axes; also keras.ops's), written with
crossops ops; the array API's forms, over the last two axes, are ``linalg.diagonal`` and
``linalg.trace``."""

from __future__ import annotations

from .._axes import normalize_axis
from ._namespace import numpy_namespace

GENERIC: dict = {}


_xnp = numpy_namespace


def _to_last_two(op: str, a, axis1: int, axis2: int):
    xnp = _xnp()
    ndim = a.ndim
    if ndim < 2:
        raise ValueError(f"{op}: the array needs at least 2 axes, got shape {tuple(a.shape)}")
    i = normalize_axis(axis1, ndim, op, "axis1")
    j = normalize_axis(axis2, ndim, op, "axis2")
    if i == j:
        raise ValueError(f"{op}: axis1 and axis2 must be different axes, got {axis1} and "
                         f"{axis2}")
    return xnp.moveaxis(a, (i, j), (-2, -1))


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal of the 2-d slices of ``a`` over axes ``axis1`` and ``axis2``, as the
    result's last axis."""
    a = _xnp().asarray(a)
    return _xnp().linalg.diagonal(_to_last_two("diagonal", a, axis1, axis2), offset=offset)


def trace(a, offset=0, axis1=0, axis2=1, dtype=None):
    """The sums of :func:`diagonal`, with NumPy's accumulator dtype (``sum``'s)."""
    xnp = _xnp()
    a = xnp.asarray(a)
    d = xnp.linalg.diagonal(_to_last_two("trace", a, axis1, axis2), offset=offset)
    return xnp.sum(d, axis=-1, dtype=dtype)


GENERIC.update(diagonal=diagonal, trace=trace)
