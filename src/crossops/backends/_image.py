"""The checks that let a backend hand an image op's common call to its framework's own
kernel (``backends/<name>/image.py``); every other call takes the op's generic form
(:mod:`crossops.image`), which raises the op's errors."""

from __future__ import annotations

from .._config import standardize_data_format


def common_resize(images, size, interpolation, antialias, crop_to_aspect_ratio,
                  pad_to_aspect_ratio, fill_mode, data_format, array_type: type,
                  dtypes) -> tuple[int, int, str] | None:
    """``(height, width, data_format)`` where a ``resize`` call is its common one: an
    ``array_type`` image or batch (rank 3 or 4) of a dtype in ``dtypes``, a list or tuple
    of two positive Python ints, ``"bilinear"`` without antialiasing (or with it, where
    no axis shrinks: the same weights), no crop or pad. Its result is then the framework's
    bilinear resize with half-pixel centres (its border pixels clamped), which is the
    generic's to rounding (a weight normalised by a sum that is 1, in the other order);
    a NaN or infinity stays in the pixels around it, where the generic's weight matrix
    product spreads it along its row (as ``jax.image.resize``). None for any other call."""
    if (interpolation != "bilinear" or crop_to_aspect_ratio is not False
            or pad_to_aspect_ratio is not False or fill_mode != "constant"
            or not isinstance(images, array_type) or images.dtype not in dtypes
            or type(size) not in (tuple, list) or len(size) != 2
            or type(size[0]) is not int or type(size[1]) is not int
            or size[0] <= 0 or size[1] <= 0 or images.ndim not in (3, 4)
            or data_format not in (None, "channels_last", "channels_first")):
        return None
    fmt = standardize_data_format(data_format)
    h, w = images.shape[-3:-1] if fmt == "channels_last" else images.shape[-2:]
    if antialias is not False and (antialias is not True or size[0] < h or size[1] < w):
        return None
    return size[0], size[1], fmt
