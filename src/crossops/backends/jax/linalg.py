"""JAX's functions of crossops.linalg that adapt ``jax.numpy``'s own to crossops's
rules, found by op name (``backends/jax/linalg.py``): ``norm``'s common call, ``cross``
(NumPy's roundings) and ``qr``, with the array API's (and keras.ops's) modes only."""

from __future__ import annotations

import jax

from .. import _numpy_ops as shared
from .._common import apart, partial
from . import _F32_F64, NAMESPACE, _vector_norm
from ._jit import jitted_hashable

qr = shared.mode_checked_qr(NAMESPACE)

_two_norm = jitted_hashable(_vector_norm, ("axis", "keepdims", "ord"))


def cross(x1, x2, /, *, axis=-1):
    """NumPy's ``linalg.cross``: for float32/64 3-vectors along the last axis, its six
    products, each kept apart from the difference that follows (:func:`.._common.apart`;
    ``jnp.linalg.cross`` compiles them into multiply-adds, a rounding off in ~1 of 4
    values), in one compiled program; other calls ``jnp.linalg.cross``."""
    if axis == -1 and crossed_floats(x1, x2):
        return products_apart(x1, x2)
    return NAMESPACE.linalg.cross(x1, x2, axis=axis)


def crossed_floats(x1, x2) -> bool:
    """Whether jax arrays ``x1`` and ``x2`` are float32/64 3-vectors of one dtype along
    their last axes, whose cross product :func:`products_apart` computes."""
    return (isinstance(x1, jax.Array) and isinstance(x2, jax.Array) and x1.dtype == x2.dtype
            and x1.dtype in _F32_F64 and x1.ndim and x2.ndim and x1.shape[-1] == 3
            and x2.shape[-1] == 3)


def _cross_of_3_vectors(a, b):
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    ns = NAMESPACE
    return ns.stack([apart(ns, a1, b2) - apart(ns, a2, b1), apart(ns, a2, b0) - apart(ns, a0, b2),
                     apart(ns, a0, b1) - apart(ns, a1, b0)], axis=-1)


#: NumPy's cross product of float 3-vectors along the last axes, in one compiled program
products_apart = jitted_hashable(_cross_of_3_vectors, ())


@partial
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """The common calls, a float32 or float64 array's 2-norm along one int axis
    (``norm(x, axis=-1)``) or of every element (``norm(x)``): linalg.vector_norm's one
    compiled program (its gradient at a zero vector 0); the others take the compiled
    generic (``COMPILED``)."""
    if ord is not None or not (axis is None or type(axis) is int) or x.dtype not in _F32_F64:
        return NotImplemented
    return _two_norm(x, axis, keepdims, 2)  # (axis None: every element's, as the generic)

#: generic implementations compiled as one program per shape: op name -> static parameters
#: (``norm``'s generic is ~10 small jax ops, each dispatched eagerly: 109 us a call at
#: 32x32 against jnp.linalg.norm's 5.5)
COMPILED = {"norm": ("ord", "axis", "keepdims")}
