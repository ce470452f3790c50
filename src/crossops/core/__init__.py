"""``crossops.core``: the keras.ops core ops (control flow ``cond``, ``switch``,
``while_loop``, ``fori_loop``, ``scan``, ``map`` ...; ``slice``, ``scatter``, ``cast``,
``convert_to_tensor`` ...) with Keras's signatures, on every backend (spec/core.toml).
They are also in the flat ``crossops.ops`` namespace.
"""

from .._dispatch import make_ops as _make_ops
from ._generic import GENERIC as _GENERIC

globals().update(_make_ops("core", generic=_GENERIC))
