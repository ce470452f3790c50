"""Host work on Python data that a compiler runs once, while it traces.

Some ops compute index tables or filter weights with NumPy from static Python values
(lengths, sizes, a sigma). jax.jit and tf.function run that Python as it is, but
torch.compile (dynamo) traces NumPy calls as torch operations: the tables become traced
tensors and the graph breaks where they are read back. A function marked with
:func:`host_constant` is instead called by dynamo at trace time, with the actual values,
and its result enters the graph as a constant. Its arguments and its result must be
Python data: numbers, strings, None, and lists and tuples of them.

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


def host_constant(fn: F) -> F:
    """Mark ``fn`` (host work on Python data, no side effects) as run at trace time."""
    # torch.compiler.assume_constant_result's marker, set without importing torch
    fn._dynamo_marked_constant = True
    return fn
