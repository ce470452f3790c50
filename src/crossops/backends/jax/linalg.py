"""JAX's functions of crossops.linalg that adapt ``jax.numpy``'s own to crossops's
rules, found by op name (``backends/jax/linalg.py``): ``qr``, with the array API's (and
keras.ops's) modes only."""

from __future__ import annotations

from .. import _numpy_ops as shared
from . import NAMESPACE

qr = shared.mode_checked_qr(NAMESPACE)

#: generic implementations compiled as one program per shape: op name -> static parameters
#: (``norm``'s generic is ~10 small jax ops, each dispatched eagerly: 109 us a call at
#: 32x32 against jnp.linalg.norm's 5.5)
COMPILED = {"norm": ("ord", "axis", "keepdims")}
