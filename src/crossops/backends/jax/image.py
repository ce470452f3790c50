"""JAX's form of crossops.image (``backends/jax/image.py``): every image op is its generic
implementation run through ``jax.jit``.

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

#: op name -> static parameters (None: every parameter that is not one of the op's arrays)
COMPILED = dict.fromkeys((
    "affine_transform", "crop_images", "elastic_transform", "extract_patches",
    "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
    "perspective_transform", "reconstruct_patches", "resize", "rgb_to_grayscale",
    "rgb_to_hsv", "scale_and_translate", "sobel_edges", "ssim"))
