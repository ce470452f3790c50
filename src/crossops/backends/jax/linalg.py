"""JAX's functions of crossops.linalg that adapt ``jax.numpy``'s own to crossops's
rules, found by op name (``backends/jax/linalg.py``): ``norm``'s common call, and ``qr``,
with the array API's (and keras.ops's) modes only."""

from __future__ import annotations

from .. import _numpy_ops as shared
from .._common import partial
from . import _F32_F64, NAMESPACE, _vector_norm
from ._jit import jitted_hashable

qr = shared.mode_checked_qr(NAMESPACE)

_two_norm = jitted_hashable(_vector_norm, ("axis", "keepdims", "ord"))


@partial
def norm(x, ord=None, axis=None, keepdims=False):  # noqa: A002
    """The common call, a float32 or float64 array's 2-norm along one int axis
    (``norm(x, axis=-1)``): linalg.vector_norm's one compiled program (its gradient at a
    zero vector 0); the others take the compiled generic (``COMPILED``)."""
    if ord is not None or type(axis) is not int or x.dtype not in _F32_F64:
        return NotImplemented
    return _two_norm(x, axis, keepdims, 2)

#: generic implementations compiled as one program per shape: op name -> static parameters
#: (``norm``'s generic is ~10 small jax ops, each dispatched eagerly: 109 us a call at
#: 32x32 against jnp.linalg.norm's 5.5)
COMPILED = {"norm": ("ord", "axis", "keepdims")}
