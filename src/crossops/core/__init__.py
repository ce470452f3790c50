"""``crossops.core``: the keras.ops core ops (control flow ``cond``, ``switch``,
``while_loop``, ``fori_loop``, ``scan``, ``map`` ...; ``slice``, ``scatter``, ``cast``,
``convert_to_tensor`` ...; ``stop_gradient``, ``custom_gradient``; einops ``rearrange``)
with Keras's signatures, on every backend (spec/core*.toml, spec/einops.toml).
They are also in the flat ``crossops.ops`` namespace.
"""

from .._dispatch import make_ops as _make_ops
from ._autodiff import GENERIC as _AUTODIFF
from ._einops import GENERIC as _EINOPS
from ._generic import GENERIC as _GENERIC

globals().update(_make_ops("core", generic={**_GENERIC, **_EINOPS, **_AUTODIFF}))
