"""The names the public ops' annotations use.

crossops returns the array type it was given (a ``numpy.ndarray``, ``jax.Array``,
``torch.Tensor`` or ``tf.Tensor``), so ``Array`` stands for any of them. At run time it is
``Any``; a type checker sees a class of its own that derives from ``Any``, so results show
as ``Array`` and still pass where a ``torch.Tensor`` or ``jax.Array`` is expected, and it
checks everything else (axes, flags, dtypes given by name).

Examples
--------
>>> from crossops._typing import Axis
>>> Axis
int | tuple[int, ...] | None
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

__all__ = ["Any", "Array", "ArrayLike", "Axis", "Callable", "DTypeLike", "Device", "Literal",
           "Seed", "Sequence", "Shape"]

#: an array of any backend: numpy.ndarray, jax.Array, torch.Tensor, tf.Tensor
if TYPE_CHECKING:
    class Array(Any):  # type: ignore[misc]
        """An array of any backend, as a type checker sees a result."""
else:
    Array: TypeAlias = Any
#: an array, or host data that becomes one: a Python scalar, a (nested) list, an ndarray
ArrayLike: TypeAlias = Any
#: a dtype of any backend, a NumPy dtype, or a name such as ``"float32"``
DTypeLike: TypeAlias = Any
#: one axis, several, or None for all of them
Axis: TypeAlias = int | tuple[int, ...] | None
#: a shape: one int or a sequence of ints
Shape: TypeAlias = int | Sequence[int]
#: a device of the backend (``"cpu"``, a ``torch.device``, a jax ``Device`` ...)
Device: TypeAlias = Any
#: a random seed: a Python int or a key array (see ``crossops.random``)
Seed: TypeAlias = Any
