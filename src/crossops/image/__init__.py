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
from ._generic import GENERIC as _GENERIC

_OPS = _make_ops("image", generic=_GENERIC)
for _name, _fn in _OPS.items():  # the implementation's docstring, with the spec's notes
    _fn.__doc__ = (_GENERIC[_name].__doc__ or "") + (
        "\n    Notes\n    -----\n" + "".join(f"    {b}: {why}\n" for b, why in
                                           _fn._op.spec.limits.items())
        if _fn._op.spec.limits else "")
globals().update(_OPS)
del _name, _fn
