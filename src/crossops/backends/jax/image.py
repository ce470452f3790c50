"""JAX's form of crossops.image (``backends/jax/image.py``): every image op is its generic
implementation run through ``jax.jit``; ``resize``'s common call is ``jax.image.resize``.

Eager JAX runs every small op as its own XLA program, so the generic implementations (many
small ops each) are compiled once per input shape and set of non-array arguments, which are
static (sizes, strings, interpolation, fill modes, data_format, scalars): ``COMPILED``
maps each op to None, "every parameter but the spec's ``arrays``" (see
:func:`crossops.backends.jax._jit.compile_generic`). ``elastic_transform`` draws its noise
on the host first (its generic's host stage) and passes it as an array, so that a new seed
needs no new compilation. When a non-array argument is not hashable (e.g. an array
``fill_value``), the generic implementation runs as it is; the results are the same.
"""

from __future__ import annotations

import jax

from .._common import partial
from .._image import common_resize

#: op name -> static parameters (None: every parameter that is not one of the op's arrays)
COMPILED = dict.fromkeys((
    "affine_transform", "crop_images", "elastic_transform", "extract_patches",
    "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
    "perspective_transform", "reconstruct_patches", "resize", "rgb_to_grayscale",
    "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim"))


@partial
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """``jax.image.resize``'s linear resize (the weights the generic form computes, its
    own compiled program) of a float32/64 image or batch at the common call
    (:func:`.._image.common_resize`); other calls take the generic form, compiled."""
    found = common_resize(images, size, interpolation, antialias, crop_to_aspect_ratio,
                          pad_to_aspect_ratio, fill_mode, data_format, jax.Array, _FLOATS)
    if found is None:
        return NotImplemented
    height, width, fmt = found
    spatial = (height, width)
    shape = (*images.shape[:-3], *spatial, images.shape[-1]) if fmt == "channels_last" \
        else (*images.shape[:-2], *spatial)
    return jax.image.resize(images, shape, "linear", antialias=antialias)


_FLOATS = frozenset(map(jax.numpy.dtype, ("float32", "float64")))
