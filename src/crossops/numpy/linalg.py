"""``crossops.numpy.linalg``: the array API linear-algebra extension on every backend."""

from .._dispatch import make_ops as _make_ops

globals().update(_make_ops("linalg"))
