"""NumPy 2's one axis given as a tuple, for the backends whose framework takes an int only.

NumPy 2 reads the axis of ``cumulative_sum``/``cumulative_prod`` (a ufunc's accumulate)
and of ``unstack`` (through ``moveaxis``) as an int or a tuple of one int; a tuple of
another length is NumPy's ValueError. The backends call these only where the axis is not
an int, so an int axis costs one type test.

Examples
--------
>>> accumulate_axis((1,), "cumulative_sum")
1
>>> unstack_axis([-1], "unstack")
-1
>>> try:
...     accumulate_axis((0, 1), "cumulative_sum")
... except ValueError as e:
...     print(str(e)[:56])
cumulative_sum: accumulate does not allow multiple axes;
"""

from __future__ import annotations


def accumulate_axis(axis, op: str):
    """The int of a tuple ``axis`` of one element (NumPy's accumulate); ``axis`` itself
    where it is no tuple (the framework judges it: a list is NumPy's TypeError)."""
    if type(axis) is not tuple:
        return axis
    if len(axis) != 1:
        raise ValueError(f"{op}: accumulate does not allow multiple axes; axis must be an "
                         f"int or a tuple of one int, got {axis!r}")
    a = axis[0]
    if isinstance(a, bool):
        raise TypeError(f"{op}: axis must be an int or a tuple of one int, got {axis!r}")
    return a


def unstack_axis(axis, op: str):
    """The int of a tuple or list ``axis`` of one element (NumPy's ``unstack`` moves
    ``axis`` to the front with ``moveaxis``, which takes either); ``axis`` itself where it
    is neither."""
    if type(axis) is not tuple and type(axis) is not list:
        return axis
    if len(axis) != 1:
        raise ValueError(f"{op}: axis must be an int or a sequence of one int (NumPy moves "
                         f"one axis to the front), got {axis!r}")
    return axis[0]
