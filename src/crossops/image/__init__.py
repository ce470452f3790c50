"""``crossops.image``: the keras.ops.image ops (resize, affine_transform, map_coordinates,
crops and pads, patches, colour conversions, gaussian_blur, sobel_edges, ssim) with Keras's
signatures, on every backend (spec/image.toml).

Each op is one generic implementation written with crossops ops, so the four backends
agree, eager and under ``jax.jit`` / ``tf.function``. The semantics are Keras's JAX
backend's; each function's docstring says where crossops chose otherwise.
``data_format=None`` means ``"channels_last"``.

Examples
--------
>>> import numpy as np, crossops.image as ximage
>>> ximage.resize(np.ones((4, 4, 3), np.float32), (2, 2)).shape
(2, 2, 3)
"""

from .._dispatch import make_ops as _make_ops
from .._spec import load_spec as _load_spec
from ._generic import GENERIC as _GENERIC


def _doc(name: str) -> str:
    """The implementation's docstring, with the spec's notes."""
    limits = _load_spec()[f"image.{name}"].limits
    notes = "".join(f"    {b}: {why}\n" for b, why in limits.items())
    return (_GENERIC[name].__doc__ or "") + ("\n    Notes\n    -----\n" + notes if notes else "")


globals().update(_make_ops("image", generic=_GENERIC, docs={n: _doc(n) for n in _GENERIC}))
