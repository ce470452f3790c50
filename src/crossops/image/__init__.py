"""``crossops.image``: the keras.ops.image ops (resize, affine_transform, map_coordinates,
crops and pads, patches, colour conversions, gaussian_blur, sobel_edges, ssim) with Keras's
signatures, on every backend (spec/image.toml).
"""

from .._dispatch import make_ops as _make_ops
from ._generic import GENERIC as _GENERIC

globals().update(_make_ops("image", generic=_GENERIC))
