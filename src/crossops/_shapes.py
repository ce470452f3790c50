"""A shape's static sizes as Python ints: crossops's one read of "the sizes known now".

A backend's shape (a tuple, ``torch.Size``, TensorFlow's ``TensorShape``, JAX's tuple of
ints, or a tuple holding NumPy integers) gives its sizes as Python ints, and a size unknown
while ``tf.function`` traces (a None batch axis) as None. Where a traced size must be a
value (a tensor), TensorFlow's helper set reads it
(``backends/tensorflow/array_api/_helpers.py``'s ``shape_list`` and ``dim``);
``tests/test_layering.py`` finds no other copy of either read.
"""

from __future__ import annotations

from collections.abc import Iterable


def static_dims(shape: Iterable) -> tuple[int | None, ...]:
    """The sizes of ``shape`` as Python ints, None for a size unknown until the graph runs.

    Parameters
    ----------
    shape : iterable
        An array's ``.shape`` (any backend's), or a shape given by a caller (ints, NumPy
        integers, None).

    Returns
    -------
    tuple of int or None
        One entry per axis.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops._shapes import static_dims
    >>> static_dims((np.int64(2), None, 3))
    (2, None, 3)
    """
    return tuple(None if d is None else int(d) for d in shape)
