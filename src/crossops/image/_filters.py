"""gaussian_blur, sobel_edges, ssim: small depthwise filters written as sums of shifted
slices (generic, every backend; no convolution primitive needed)."""

from __future__ import annotations

import crossops.numpy as xnp

from .._config import standardize_data_format
from ..numpy._compute import down, to_compute
from ._common import (
    as_tuple,
    check_float,
    check_rank,
    conv1d_same,
    conv1d_valid,
    from_batched_last,
    gaussian_1d,
    name,
    pad_axis,
    shape,
    take_slice,
    to_batched_last,
)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur images with a Gaussian kernel (zero padding, output of the input's size).

    As Keras's JAX backend builds its kernel, the window along the width has
    ``kernel_size[0]`` taps and standard deviation ``sigma[0]``, the one along the height
    ``kernel_size[1]`` and ``sigma[1]`` (the same thing for square kernels); each is
    normalised to sum 1. Even sizes are centred as a ``SAME`` convolution. Float inputs;
    half precision is computed in float32.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.gaussian_blur(np.ones((2, 5, 5, 3))).shape
    (2, 5, 5, 3)
    """
    fmt = standardize_data_format(data_format)
    check_rank(images, (3, 4))
    check_float(images)
    kw, kh = as_tuple(kernel_size, 2, "kernel_size")
    if kw <= 0 or kh <= 0:
        raise ValueError(f"kernel_size must be positive, got {kernel_size!r}")
    try:
        sw, sh = (float(sigma),) * 2 if not hasattr(sigma, "__len__") else map(float, sigma)
    except (TypeError, ValueError):
        raise ValueError(f"sigma must be a float or two floats, got {sigma!r}") from None
    if not (sw > 0 and sh > 0):
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    x, unbatched = to_batched_last(images, fmt)
    n = name(images)
    y = conv1d_same(conv1d_same(to_compute(x), gaussian_1d(kh, sh), 1), gaussian_1d(kw, sw), 2)
    return from_batched_last(down(y, n), fmt, unbatched)


_SOBEL_Y = ((-1, -2, -1), (0, 0, 0), (1, 2, 1))
_SOBEL_X = ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1))


def _filter3x3(x, k):
    """Cross-correlation of ``x`` ``(N, H + 2, W + 2, C)`` with a 3x3 kernel."""
    h, w = shape(x)[1] - 2, shape(x)[2] - 2
    out = None
    for i in range(3):
        for j in range(3):
            if k[i][j] == 0:
                continue
            term = take_slice(take_slice(x, 1, i, i + h), 2, j, j + w) * float(k[i][j])
            out = term if out is None else out + term
    return out


def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images (4-D), zero padded: shape ``images.shape +
    (2,)``, the last axis holding ``[dy, dx]``.

    Float inputs; half precision is computed in float32.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.sobel_edges(np.zeros((1, 8, 8, 1), np.float32)).shape
    (1, 8, 8, 1, 2)
    """
    fmt = standardize_data_format(data_format)
    check_rank(images, (4,), what=" (a batch of images)")
    check_float(images)
    n = name(images)
    x, _ = to_batched_last(to_compute(images), fmt)
    x = pad_axis(pad_axis(x, 1, 1, 1), 2, 1, 1)
    dy, dx = _filter3x3(x, _SOBEL_Y), _filter3x3(x, _SOBEL_X)
    if fmt == "channels_first":
        dy, dx = xnp.moveaxis(dy, -1, 1), xnp.moveaxis(dx, -1, 1)
    return down(xnp.stack([dy, dx], axis=-1), n)


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    """The structural similarity index of two images (or batches), averaged over the
    valid ``filter_size`` x ``filter_size`` Gaussian windows and the channels.

    Returns a scalar for 3-D inputs, one value per image for 4-D. Float inputs (half
    precision computed in float32); the result has the input's dtype. ``filter_size`` must
    not exceed the height or width (Keras returns nan there).

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> x = np.random.default_rng(0).random((16, 16, 3))
    >>> float(ximage.ssim(x, x))
    1.0
    """
    fmt = standardize_data_format(data_format)
    check_rank(image1, (3, 4), "image1")
    check_rank(image2, (3, 4), "image2")
    check_float(image1, "image1")
    check_float(image2, "image2")
    if shape(image1) != shape(image2):
        raise ValueError(f"image1 and image2 must have one shape, got {shape(image1)} and "
                         f"{shape(image2)}")
    if name(image1) != name(image2):
        raise TypeError(f"image1 and image2 must have one dtype, got {name(image1)} and "
                        f"{name(image2)}")
    size = int(filter_size)
    if size < 1:
        raise ValueError(f"filter_size must be >= 1, got {filter_size!r}")
    n = name(image1)
    x1, unbatched = to_batched_last(to_compute(image1), fmt)
    x2, _ = to_batched_last(to_compute(image2), fmt)
    h, w = shape(x1)[1:3]
    if size > h or size > w:
        raise ValueError(f"filter_size ({size}) must not exceed the images' height and width "
                         f"({h}, {w})")
    g = gaussian_1d(size, float(filter_sigma))

    def blur(v):
        return conv1d_valid(conv1d_valid(v, g, 1), g, 2)

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mu1, mu2 = blur(x1), blur(x2)
    mu1_sq, mu2_sq, mu12 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    s1 = blur(x1 * x1) - mu1_sq
    s2 = blur(x2 * x2) - mu2_sq
    s12 = blur(x1 * x2) - mu12
    ssim_map = ((2.0 * mu12 + c1) * (2.0 * s12 + c2)) / ((mu1_sq + mu2_sq + c1) * (s1 + s2 + c2))
    out = xnp.mean(ssim_map, axis=(1, 2, 3))
    if unbatched:
        out = xnp.squeeze(out, axis=0)
    return down(out, n)


FILTERS = {f.__name__: f for f in (gaussian_blur, sobel_edges, ssim)}
