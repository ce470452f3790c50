"""Axis arguments checked and normalised, with one error on every backend.

An axis that is not an integer is a TypeError; one out of range is an
:class:`~crossops._errors.OpAxisError` (a ValueError and an IndexError, as NumPy's
``AxisError``). Every op that reads an axis itself (rather than passing it to a
framework function) goes through here.

Examples
--------
>>> from crossops._axes import normalize_axis, normalize_axes
>>> normalize_axis(-1, 3, "sum")
2
>>> normalize_axes((0, -1), 3, "sum")
(0, 2)
>>> try:
...     normalize_axis(3, 3, "sum")
... except IndexError as e:
...     print(e)
sum: axis 3 is out of bounds for an array of 3 dimensions
"""

from __future__ import annotations

import operator

from ._errors import OpAxisError


def normalize_axis(axis, ndim: int, op: str, name: str = "axis") -> int:
    """``axis`` in ``[0, ndim)``, for an array of ``ndim`` dimensions."""
    if isinstance(axis, bool):
        raise TypeError(f"{op}: {name} must be an int, got {axis!r}")
    try:
        a = operator.index(axis)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {axis!r}") from None
    if not -ndim <= a < ndim:
        raise OpAxisError(f"{op}: {name} {a} is out of bounds for an array of {ndim} "
                          f"dimensions")
    return a % ndim


def normalize_axes(axes, ndim: int, op: str, name: str = "axis") -> tuple[int, ...]:
    """``axes`` (an int or a sequence of ints) each in ``[0, ndim)``; no axis twice."""
    if isinstance(axes, list | tuple):
        out = tuple(normalize_axis(a, ndim, op, name) for a in axes)
    else:
        out = (normalize_axis(axes, ndim, op, name),)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {name}={axes!r}")
    return out
