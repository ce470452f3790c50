"""keras.ops's forms that a signature alone cannot map onto the table's ops (see
``scripts/gen_ops.py``, ``KERAS_SPECIAL``); ``crossops.ops`` holds them.

Examples
--------
>>> import numpy as np
>>> from crossops import ops
>>> ops.where(np.array([0, 3, 0, 5]))
(array([1, 3]),)
"""

from __future__ import annotations

from ._typing import Array, ArrayLike
from .numpy import nonzero as _nonzero
from .numpy import where as _where


def where(condition: ArrayLike, x1: ArrayLike | None = None,
          x2: ArrayLike | None = None) -> Array | tuple[Array, ...]:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``; with ``condition``
    alone, the indices where it holds (``nonzero``), as Keras's ``where``.

    Parameters
    ----------
    condition : ArrayLike
        Where to take ``x1``; non-bool values count as True where non-zero.
    x1, x2 : ArrayLike, optional
        The values to choose from; give both or neither.

    Returns
    -------
    Array or tuple of Array
        The chosen values, or one index array per axis of ``condition``.
    """
    if x1 is None and x2 is None:
        return _nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither (then the indices where "
                         "condition holds are returned)")
    return _where(condition, x1, x2)
