"""Host work on Python data that a compiler runs once, while it traces.

Some ops compute index tables or filter weights with NumPy from static Python values
(lengths, sizes, a sigma). jax.jit and tf.function run that Python as it is, but
torch.compile (dynamo) traces NumPy calls as torch operations: the tables become traced
tensors and the graph breaks where they are read back. A function marked with
:func:`host_constant` declares that it is such host work: its arguments and its result
are Python data (numbers, strings, None, and lists and tuples of them), and it has no
side effects, so a compiler may call it at trace time, with the actual values, and take
its result as a constant.

This module only records the declaration and knows no compiler. What a compiler is told
is the acceleration seam's (:mod:`crossops._accel`, the one module that speaks to
torch.compile): once torch's compiler is loaded it marks every function recorded here,
and each one marked later, with ``torch.compiler.assume_constant_result``. The op modules
below the seam (``_backend``, ``_arguments``) mark their host work here, so the seam's
entry point is this decorator and its work is all in ``_accel``.

Examples
--------
>>> import numpy as np
>>> from crossops._host import host_constant
>>> @host_constant
... def window_index(m: int, n: int) -> list:
...     return (np.arange(m)[:, None] + np.arange(n)[None, :]).tolist()
>>> window_index(2, 3)
[[0, 1, 2], [1, 2, 3]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

#: every function marked with :func:`host_constant`, in the order they were marked
HOST_CONSTANTS: list[Callable] = []

#: called with each function marked from now on (:mod:`crossops._accel` adds torch's mark
#: here once torch's compiler is loaded)
on_marked: list[Callable[[Callable], object]] = []


def host_constant(fn: F) -> F:
    """Declare ``fn`` host work on Python data, with no side effects, that a compiler may
    run once at trace time and take the result of as a constant.

    Parameters
    ----------
    fn : callable
        A function of Python data (numbers, strings, None, lists and tuples of them) that
        returns Python data.

    Returns
    -------
    callable
        ``fn`` itself, recorded in :data:`HOST_CONSTANTS`.

    Examples
    --------
    >>> from crossops._host import HOST_CONSTANTS, host_constant
    >>> @host_constant
    ... def doubled(n: int) -> int:
    ...     return 2 * n
    >>> doubled(3), doubled in HOST_CONSTANTS
    (6, True)
    """
    HOST_CONSTANTS.append(fn)
    for mark in on_marked:
        mark(fn)
    return fn
