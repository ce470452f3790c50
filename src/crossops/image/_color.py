"""Colour conversions: rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb (generic, every backend)."""

from __future__ import annotations

import crossops.numpy as xnp

from .._config import standardize_data_format
from ..numpy._compute import down, to_compute
from ._common import check_float, check_rank, name, shape

_EPS = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7, "float32": 2.0 ** -23,
        "float64": 2.0 ** -52}
#: ITU-R 601 luma weights, as tf.image.rgb_to_grayscale and Keras use
_LUMA = (0.2989, 0.5870, 0.1140)


def _planes(x, axis):
    return [xnp.squeeze(p, axis=axis) for p in xnp.split(x, 3, axis=axis)]


def rgb_to_grayscale(images, data_format=None):
    """Convert RGB images to grayscale: ``0.2989 R + 0.5870 G + 0.1140 B``.

    ``images`` is 3-D (one image) or 4-D (a batch); the channel axis (size 3, or 1, which
    returns the images unchanged) is last or, with ``data_format="channels_first"``,
    third from last. The result has one channel and the input's dtype: integer images
    are computed in float32 and truncated toward zero, as Keras does; float16 and
    bfloat16 are computed in float32 and rounded.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.rgb_to_grayscale(np.ones((2, 2, 3), np.float32)).shape
    (2, 2, 1)
    """
    fmt = standardize_data_format(data_format)
    check_rank(images, (3, 4))
    axis = -1 if fmt == "channels_last" else -3
    c = shape(images)[axis]
    if c not in (1, 3):
        raise ValueError(f"images must have 3 channels (RGB) or 1 (grayscale) on axis {axis}, "
                         f"got shape {shape(images)}")
    if c == 1:
        return images
    n = name(images)
    r, g, b = _planes(to_compute(images), axis)
    gray = r * _LUMA[0] + g * _LUMA[1] + b * _LUMA[2]
    return down(xnp.expand_dims(gray, axis=axis), n)



def _check_hsv(images, fmt):
    check_rank(images, (3, 4))
    check_float(images)
    axis = -1 if fmt == "channels_last" else -3
    if shape(images)[axis] != 3:
        raise ValueError(f"images must have 3 channels on axis {axis}, got shape "
                         f"{shape(images)}")
    return axis


def rgb_to_hsv(images, data_format=None):
    """Convert RGB images (float, values in [0, 1]) to HSV, every component in [0, 1].

    A hue of 0 is red, 1/3 green, 2/3 blue; grays have hue and saturation 0. Values below
    the dtype's epsilon in magnitude count as 0. Half precision is computed in float32.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.rgb_to_hsv(np.array([[[0.0, 1.0, 0.0]]]))[0, 0].round(4).tolist()
    [0.3333, 1.0, 1.0]
    """
    fmt = standardize_data_format(data_format)
    axis = _check_hsv(images, fmt)
    n = name(images)
    eps = _EPS[n]
    x = to_compute(images)
    x = xnp.where(xnp.abs(x) < eps, xnp.zeros_like(x), x)
    r, g, b = _planes(x, axis)
    value = xnp.maximum(xnp.maximum(r, g), b)
    minimum = xnp.minimum(xnp.minimum(r, g), b)
    rng = value - minimum
    zero = xnp.zeros_like(value)
    one = xnp.ones_like(value)
    safe_value = xnp.where(value > 0, value, one)
    safe_range = xnp.where(rng > 0, rng, one)
    saturation = xnp.where(value > 0, rng / safe_value, zero)
    norm = 1.0 / (6.0 * safe_range)
    hue = xnp.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = xnp.where(value == r, norm * (g - b), hue)
    hue = xnp.where(rng > 0, hue, zero) + xnp.astype(hue < 0, name(hue))
    return down(xnp.stack([hue, saturation, value], axis=axis), n)


def hsv_to_rgb(images, data_format=None):
    """Convert HSV images (float, values in [0, 1]) to RGB.

    The hue is taken modulo 1. Half precision is computed in float32.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.hsv_to_rgb(np.array([[[2 / 3, 1.0, 1.0]]]))[0, 0].round(4).tolist()
    [0.0, 0.0, 1.0]
    """
    fmt = standardize_data_format(data_format)
    axis = _check_hsv(images, fmt)
    n = name(images)
    h, s, v = _planes(to_compute(images), axis)
    dh = xnp.remainder(h, 1.0) * 6.0
    dr = xnp.clip(xnp.abs(dh - 3.0) - 1.0, 0.0, 1.0)
    dg = xnp.clip(2.0 - xnp.abs(dh - 2.0), 0.0, 1.0)
    db = xnp.clip(2.0 - xnp.abs(dh - 4.0), 0.0, 1.0)
    one_minus_s = 1.0 - s
    rgb = [v * (one_minus_s + s * d) for d in (dr, dg, db)]
    return down(xnp.stack(rgb, axis=axis), n)


COLOR = {f.__name__: f for f in (rgb_to_grayscale, rgb_to_hsv, hsv_to_rgb)}
