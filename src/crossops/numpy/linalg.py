"""``crossops.numpy.linalg``: the array API linear-algebra extension on every backend, and
the keras.ops linalg ops beyond it (``norm``, ``lstsq``, ``lu_factor``, ``solve_triangular``,
``cholesky_inverse``, ``jvp``; generic ones in ``_linalg_extra``)."""

from .._dispatch import make_ops as _make_ops
from ._linalg_extra import GENERIC as _EXTRA

globals().update(_make_ops("linalg", generic=_EXTRA))
