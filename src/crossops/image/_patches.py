"""pad_images, crop_images, extract_patches, extract_patches_3d, reconstruct_patches:
slicing, padding, stacking and reshapes (generic, exact, every backend)."""

from __future__ import annotations

import itertools
import math

import crossops.numpy as xnp

from .._config import standardize_data_format
from ._common import as_tuple, check_choice, check_rank, from_batched_last, shape, to_batched_last


def _exactly_two(a, b, t, names):
    if [a, b, t].count(None) != 1:
        raise ValueError(f"give exactly two of {', '.join(names)}; got "
                         + ", ".join(f"{n}={v!r}" for n, v in zip(names, (a, b, t))))
    for n, v in zip(names, (a, b, t)):
        if v is not None and v < 0:
            raise ValueError(f"{n} must be >= 0, got {n}={v}")


def _hw_axes(fmt):
    return (-3, -2) if fmt == "channels_last" else (-2, -1)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    """Pad images with zeros to a height and width.

    Give exactly two of ``top_padding``, ``bottom_padding``, ``target_height`` and two of
    ``left_padding``, ``right_padding``, ``target_width``; ``images`` is 3-D or 4-D.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.pad_images(np.ones((15, 25, 3)), 2, 3, target_height=20, target_width=30).shape
    (20, 30, 3)
    """
    fmt = standardize_data_format(data_format)
    rank = check_rank(images, (3, 4))
    _exactly_two(top_padding, bottom_padding, target_height,
                 ("top_padding", "bottom_padding", "target_height"))
    _exactly_two(left_padding, right_padding, target_width,
                 ("left_padding", "right_padding", "target_width"))
    ha, wa = _hw_axes(fmt)
    h, w = shape(images)[ha], shape(images)[wa]
    if top_padding is None:
        top_padding = target_height - bottom_padding - h
    if bottom_padding is None:
        bottom_padding = target_height - top_padding - h
    if left_padding is None:
        left_padding = target_width - right_padding - w
    if right_padding is None:
        right_padding = target_width - left_padding - w
    for n, v in (("top_padding", top_padding), ("bottom_padding", bottom_padding),
                 ("left_padding", left_padding), ("right_padding", right_padding)):
        if v < 0:
            raise ValueError(f"{n} must be >= 0, got {n}={v} (the target size is smaller than "
                             f"the images, shape {shape(images)}; use crop_images)")
    widths = [[0, 0] for _ in range(rank)]
    widths[rank + ha] = [top_padding, bottom_padding]
    widths[rank + wa] = [left_padding, right_padding]
    return xnp.pad(images, widths)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    """Crop images to a height and width.

    Give exactly two of ``top_cropping``, ``bottom_cropping``, ``target_height`` and two of
    ``left_cropping``, ``right_cropping``, ``target_width``; ``images`` is 3-D or 4-D.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.crop_images(np.ones((3, 3, 3)), 0, 0, target_height=2, target_width=2).shape
    (2, 2, 3)
    """
    fmt = standardize_data_format(data_format)
    rank = check_rank(images, (3, 4))
    _exactly_two(top_cropping, bottom_cropping, target_height,
                 ("top_cropping", "bottom_cropping", "target_height"))
    _exactly_two(left_cropping, right_cropping, target_width,
                 ("left_cropping", "right_cropping", "target_width"))
    ha, wa = _hw_axes(fmt)
    h, w = shape(images)[ha], shape(images)[wa]
    if top_cropping is None:
        top_cropping = h - target_height - bottom_cropping
    if target_height is None:
        target_height = h - bottom_cropping - top_cropping
    if left_cropping is None:
        left_cropping = w - target_width - right_cropping
    if target_width is None:
        target_width = w - right_cropping - left_cropping
    for n, v in (("top_cropping", top_cropping), ("target_height", target_height),
                 ("left_cropping", left_cropping), ("target_width", target_width)):
        if v < 0:
            raise ValueError(f"{n} must be >= 0, got {n}={v} (images shape {shape(images)})")
    if top_cropping + target_height > h or left_cropping + target_width > w:
        raise ValueError(f"the crop ({top_cropping}:{top_cropping + target_height}, "
                         f"{left_cropping}:{left_cropping + target_width}) does not fit images "
                         f"of height {h} and width {w}")
    idx = [slice(None)] * rank
    idx[rank + ha] = slice(top_cropping, top_cropping + target_height)
    idx[rank + wa] = slice(left_cropping, left_cropping + target_width)
    return images[tuple(idx)]



def _patches(x, size, strides, dilation, padding):
    """Patches of ``x`` ``(N, *spatial, C)``: ``(N, *grid, prod(size) * C)``, the features
    ordered (patch offsets row-major, then channel), as a convolution with an identity
    kernel gives."""
    spatial = shape(x)[1:-1]
    outs, widths = [], [[0, 0]]
    for n, k, s, d in zip(spatial, size, strides, dilation):
        span = (k - 1) * d + 1
        if padding == "same":
            out = -(-n // s)
            total = max((out - 1) * s + span - n, 0)
            widths.append([total // 2, total - total // 2])
        else:
            out = (n - span) // s + 1
            widths.append([0, 0])
            if out <= 0:
                raise ValueError(f"a patch of size {tuple(size)} (dilation {tuple(dilation)}) "
                                 f"does not fit spatial dimensions {spatial} with "
                                 "padding='valid'")
        outs.append(out)
    widths.append([0, 0])
    if any(w != [0, 0] for w in widths):
        x = xnp.pad(x, widths)
    pieces = []
    for offs in itertools.product(*(range(k) for k in size)):
        idx = [slice(None)]
        for o, out, s, d in zip(offs, outs, strides, dilation):
            idx.append(slice(o * d, o * d + (out - 1) * s + 1, s))
        pieces.append(x[tuple(idx + [slice(None)])])
    y = xnp.stack(pieces, axis=-2)
    c = shape(x)[-1]
    return xnp.reshape(y, (shape(x)[0], *outs, len(pieces) * c))


def _extract(images, size, strides, dilation_rate, padding, data_format, nd, arg="images"):
    fmt = standardize_data_format(data_format)
    check_choice(padding, ("valid", "same"), "padding")
    rank = check_rank(images, (nd + 1, nd + 2), arg, f" for {nd}-D patches")
    size = as_tuple(size, nd, "size", TypeError)
    strides = size if strides is None else as_tuple(strides, nd, "strides")
    dilation = as_tuple(dilation_rate, nd, "dilation_rate")
    for n, t in (("size", size), ("strides", strides), ("dilation_rate", dilation)):
        if any(v <= 0 for v in t):
            raise ValueError(f"{n} must be positive, got {t}")
    del rank
    x, unbatched = to_batched_last(images, fmt, nd)
    return from_batched_last(_patches(x, size, strides, dilation, padding), fmt, unbatched)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    """Extract patches of images (``size`` an int or 2 ints) or volumes (3 ints).

    The result has the grid of patch positions as its spatial dimensions and
    ``prod(size) * channels`` features (patch offsets row-major, then channel), as Keras's
    convolution with an identity kernel; ``strides`` defaults to ``size``; ``padding`` is
    ``"valid"`` or ``"same"`` (zeros, as a convolution's ``SAME``). Exact for every dtype.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.extract_patches(np.ones((2, 20, 20, 3)), (5, 5)).shape
    (2, 4, 4, 75)
    """
    if not isinstance(size, int):
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"size must be an int or a tuple of 2 or 3 ints, got {size!r}")
        if len(size) not in (2, 3):
            raise ValueError(f"size must be an int or a tuple of 2 or 3 ints, got {size!r}")
        if len(size) == 3:
            return _extract(images, size, strides, dilation_rate, padding, data_format, 3)
    return _extract(images, size, strides, dilation_rate, padding, data_format, 2)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    """Extract patches of volumes (4-D, or 5-D batched); ``size`` an int or 3 ints.

    See :func:`extract_patches`.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.extract_patches_3d(np.ones((10, 10, 10, 3)), (3, 3, 3)).shape
    (3, 3, 3, 81)
    """
    return _extract(volumes, size, strides, dilation_rate, padding, data_format, 3, "volumes")


def reconstruct_patches(patches, size, output_size, strides=None, padding="valid",
                        data_format=None):
    """Reassemble images or volumes from non-overlapping patches (the inverse of
    :func:`extract_patches` with ``strides == size``).

    With ``padding="valid"`` ``output_size`` must equal grid * size; with ``"same"`` it is
    the original size, in ((grid - 1) * size, grid * size], and the centred region is kept.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> p = ximage.extract_patches(np.ones((4, 6, 3)), 2)
    >>> ximage.reconstruct_patches(p, 2, (4, 6)).shape
    (4, 6, 3)
    """
    if not isinstance(size, int) and not isinstance(size, (tuple, list)):
        raise TypeError(f"size must be an int or a tuple of 2 or 3 ints, got {size!r}")
    if not isinstance(size, int) and len(size) not in (2, 3):
        raise ValueError(f"size must be an int or a tuple of 2 or 3 ints, got {size!r}")
    if not isinstance(output_size, (tuple, list)):
        raise TypeError(f"output_size must be a tuple of ints, got {output_size!r}")
    nd = 2 if isinstance(size, int) else len(size)
    size = as_tuple(size, nd, "size", TypeError)
    if len(output_size) != nd:
        raise ValueError(f"output_size must have {nd} entries for {nd}-D patches, got "
                         f"{tuple(output_size)}")
    check_choice(padding, ("valid", "same"), "padding")
    if strides is not None and as_tuple(strides, nd, "strides") != size:
        raise NotImplementedError(f"only non-overlapping patches can be reconstructed "
                                  f"(strides == size); got strides={strides}, size={size}")
    fmt = standardize_data_format(data_format)
    check_rank(patches, (nd + 1, nd + 2), "patches", f" for {nd}-D patches")
    x, unbatched = to_batched_last(patches, fmt, nd)
    s = shape(x)
    grid, flat = s[1:-1], s[-1]
    vol = math.prod(size)
    if flat % vol:
        raise ValueError(f"the patches' feature dimension ({flat}) is not divisible by "
                         f"prod(size) ({vol})")
    c = flat // vol
    for g, p, o in zip(grid, size, output_size):
        if padding == "valid" and g * p != o:
            raise ValueError(f"padding='valid' needs output_size == grid * size; got "
                             f"output_size={tuple(output_size)}, grid={grid}, size={size}")
        if padding == "same" and not (g * p - p < o <= g * p):
            raise ValueError(f"padding='same' needs (grid - 1) * size < output_size <= grid * "
                             f"size; got output_size={tuple(output_size)}, grid={grid}, "
                             f"size={size}")
    y = xnp.reshape(x, (s[0], *grid, *size, c))
    order = [0] + [a for i in range(nd) for a in (1 + i, 1 + nd + i)] + [1 + 2 * nd]
    y = xnp.permute_dims(y, tuple(order))
    y = xnp.reshape(y, (s[0], *(g * p for g, p in zip(grid, size)), c))
    if padding == "same":
        idx = [slice(None)]
        for g, p, o in zip(grid, size, output_size):
            start = (g * p - o) // 2
            idx.append(slice(start, start + o))
        y = y[tuple(idx + [slice(None)])]
    return from_batched_last(y, fmt, unbatched)


PATCHES = {f.__name__: f for f in (pad_images, crop_images, extract_patches,
                                   extract_patches_3d, reconstruct_patches)}
