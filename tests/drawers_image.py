"""Input drawers for the image ops (spec/image.toml): tiny images, both data formats,
batched and unbatched.

Float images take values in (0, 1] (Keras's convention for images, and it keeps the
tolerances of sums of products meaningful); integer images small non-negative values.
Coordinates and transforms are multiples of 1/4 where rounding decides the result
(nearest sampling, integer images), so that every backend and the reference round alike.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import kind

from .strategies import Case, arrays, np_dtype

_FMT = st.sampled_from([None, "channels_last", "channels_first"])
_MODES = st.sampled_from(["constant", "nearest", "wrap", "mirror", "reflect"])


def _values(draw, dt, shape):
    """Image values of dtype ``dt``: (0, 1] for floats, 0..100 for integers."""
    k = kind(dt)
    if k in "iu":
        return draw(hnp.arrays(np.dtype(dt), shape, elements=st.integers(0, 100)))
    if k in "fc":
        a = arrays(draw, "float32", shape, "moderate")
        return (np.abs(a) / 100 * 0.999 + 0.001).astype(np_dtype(dt))
    return arrays(draw, dt, shape)


def _image_shape(draw, fmt, *, c=None, batched=None, spatial=2, lo=1, hi=4):
    sp = tuple(draw(st.integers(lo, hi)) for _ in range(spatial))
    c = draw(st.integers(1, 3)) if c is None else c
    batched = draw(st.booleans()) if batched is None else batched
    s = sp + (c,) if fmt != "channels_first" else (c,) + sp
    return ((draw(st.integers(1, 2)),) + s) if batched else s, sp


def _image(draw, dt, **kw):
    fmt = draw(_FMT)
    shape, sp = _image_shape(draw, fmt, **kw)
    return _values(draw, dt, shape), fmt, sp


# -- colour ----------------------------------------------------------------------------

def _grayscale(draw, spec, dt):
    x, fmt, _ = _image(draw, dt, c=draw(st.sampled_from([3, 1])))
    return Case((x,), {"data_format": fmt})


def _hsv(draw, spec, dt):
    x, fmt, _ = _image(draw, dt, c=3)
    # some exact grid values, so that ties between channels (grays, equal maxima) occur
    grid = np.asarray(draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=x.size,
                                    max_size=x.size))).reshape(x.shape).astype(x.dtype)
    mask = np.asarray(draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size)),
                      dtype=bool).reshape(x.shape)
    return Case((np.where(mask, grid, x),), {"data_format": fmt})


# -- pads, crops, patches --------------------------------------------------------------

def _two_of_three(draw, n, grow):
    """Two of (first, second, target) as a dict of three entries, one None."""
    a, b = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    if not grow:
        a, b = min(a, n - 1), min(b, max(n - 1 - min(a, n - 1), 0))
    target = n + a + b if grow else n - a - b
    values = [a, b, target]
    values[draw(st.integers(0, 2))] = None
    return values


def _pad(draw, spec, dt):
    x, fmt, (h, w) = _image(draw, dt)
    top, bottom, th = _two_of_three(draw, h, True)
    left, right, tw = _two_of_three(draw, w, True)
    return Case((x,), {"top_padding": top, "left_padding": left, "bottom_padding": bottom,
                           "right_padding": right, "target_height": th, "target_width": tw,
                           "data_format": fmt})


def _crop(draw, spec, dt):
    x, fmt, (h, w) = _image(draw, dt)
    top, bottom, th = _two_of_three(draw, h, False)
    left, right, tw = _two_of_three(draw, w, False)
    return Case((x,), {"top_cropping": top, "left_cropping": left, "bottom_cropping": bottom,
                           "right_cropping": right, "target_height": th, "target_width": tw,
                           "data_format": fmt})


def _patch_args(draw, sp):
    nd = len(sp)
    padding = draw(st.sampled_from(["valid", "same"]))
    size = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    strides = draw(st.none() | st.tuples(*(st.integers(1, 2) for _ in range(nd))))
    dilation = draw(st.sampled_from([1, 2]))
    if padding == "valid":  # the dilated patch must fit
        size = tuple(min(k, (n - 1) // dilation + 1) for k, n in zip(size, sp))
    if draw(st.booleans()) and len(set(size)) == 1:
        size = size[0]
    return {"size": size, "strides": strides, "dilation_rate": dilation, "padding": padding}


def _extract_patches(draw, spec, dt):
    nd = 3 if spec.name == "extract_patches_3d" or draw(st.booleans()) else 2
    fmt = draw(_FMT)
    shape, sp = _image_shape(draw, fmt, spatial=nd, hi=4 if nd == 2 else 3)
    kw = _patch_args(draw, sp)
    if nd == 3 and spec.name == "extract_patches" and isinstance(kw["size"], int):
        kw["size"] = (kw["size"],) * 3
    return Case((_values(draw, dt, shape),), dict(kw, data_format=fmt))


def _reconstruct(draw, spec, dt):
    nd = draw(st.sampled_from([2, 3]))
    fmt = draw(_FMT)
    size = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    c = draw(st.integers(1, 2))
    flat = int(np.prod(size)) * c
    shape, grid = _image_shape(draw, fmt, c=flat, spatial=nd, hi=3)
    padding = draw(st.sampled_from(["valid", "same"]))
    if padding == "valid":
        out = tuple(g * p for g, p in zip(grid, size))
    else:
        out = tuple(g * p - draw(st.integers(0, p - 1)) for g, p in zip(grid, size))
    strides = draw(st.sampled_from([None, size]))
    size_arg = size if nd == 3 or len(set(size)) > 1 or draw(st.booleans()) else size[0]
    return Case((_values(draw, dt, shape), size_arg, out),
                {"strides": strides, "padding": padding, "data_format": fmt})


# -- sampling --------------------------------------------------------------------------

def _quarters(draw, shape, lo, hi):
    """Multiples of 1/4 in [lo, hi]."""
    n = int(np.prod(shape))
    q = draw(st.lists(st.integers(int(lo * 4), int(hi * 4)), min_size=n, max_size=n))
    return (np.asarray(q, np.float64) / 4).reshape(shape)


def _fill(draw, dt):
    return draw(st.sampled_from([0, 3] if kind(dt) in "iu" else [0.0, 0.5, -1.25]))


def _map_coordinates(draw, spec, dt):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    x = _values(draw, dt, shape)
    cshape = (ndim,) + tuple(draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 2))))
    cdt = draw(st.sampled_from(["float32", "float64"]))
    coords = _quarters(draw, cshape, -2, max(shape) + 1).astype(cdt)
    return Case((x, coords, draw(st.sampled_from([0, 1]))),
                {"fill_mode": draw(_MODES), "fill_value": _fill(draw, dt)})


_DYADIC = st.sampled_from([-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0, 1.5])


def _affine(draw, spec, dt):
    x, fmt, _ = _image(draw, dt)
    n = x.shape[0] if x.ndim == 4 else 1
    rows = draw(st.sampled_from([1, n]))
    t = np.array([[draw(_DYADIC) for _ in range(6)] + [0.0, 0.0] for _ in range(rows)],
                 dtype=draw(st.sampled_from(["float32", "float64"])))
    if rows == 1 and draw(st.booleans()):
        t = t[0]
    return Case((x, t), {"interpolation": draw(st.sampled_from(["nearest", "bilinear"])),
                             "fill_mode": draw(_MODES), "fill_value": _fill(draw, dt),
                             "data_format": fmt})


def _perspective(draw, spec, dt):
    x, fmt, (h, w) = _image(draw, dt, lo=3)  # corners 2 apart: a proper quadrilateral
    interp = draw(st.sampled_from(["nearest", "bilinear"]))
    start = np.array([[0, 0], [0, h - 1], [w - 1, 0], [w - 1, h - 1]], np.float64)
    if interp == "nearest":  # a translation by whole pixels: no coordinate near a half
        end = start + np.array([draw(st.integers(-1, 1)), draw(st.integers(-1, 1))])
    else:
        end = start + _quarters(draw, (4, 2), -0.25, 0.25)
    if x.ndim == 4 and draw(st.booleans()):
        start = np.stack([start] * x.shape[0])
        end = np.stack([end] * x.shape[0])
    pdt = draw(st.sampled_from(["float32", "float64"]))
    return Case((x, start.astype(pdt), end.astype(pdt)),
                {"interpolation": interp, "fill_value": _fill(draw, dt), "data_format": fmt})


def _elastic(draw, spec, dt):
    x, fmt, _ = _image(draw, dt, lo=2)
    return Case((x,), {"alpha": draw(st.sampled_from([0.5, 2.0])),
                           "sigma": draw(st.sampled_from([0.5, 1.0])),
                           "interpolation": "bilinear", "fill_mode": draw(_MODES),
                           "fill_value": _fill(draw, dt), "seed": draw(st.integers(0, 2 ** 32)),
                           "data_format": fmt})


# -- filters ---------------------------------------------------------------------------

def _blur(draw, spec, dt):
    x, fmt, _ = _image(draw, dt)
    ks = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    sigma = (draw(st.sampled_from([0.5, 1.0, 2.0])), draw(st.sampled_from([0.5, 1.0, 2.0])))
    return Case((x,), {"kernel_size": ks, "sigma": sigma, "data_format": fmt})


def _sobel(draw, spec, dt):
    x, fmt, _ = _image(draw, dt, batched=True)
    return Case((x,), {"data_format": fmt})


def _ssim(draw, spec, dt):
    fmt = draw(_FMT)
    shape, sp = _image_shape(draw, fmt, lo=2, hi=5)
    size = draw(st.integers(1, min(sp)))
    return Case((_values(draw, dt, shape), _values(draw, dt, shape)),
                {"max_val": draw(st.sampled_from([1.0, 2.0])), "filter_size": size,
                     "filter_sigma": draw(st.sampled_from([0.5, 1.5])), "data_format": fmt})


# -- resampling ------------------------------------------------------------------------

def _resize(draw, spec, dt):
    x, fmt, (h, w) = _image(draw, dt)
    aspect = draw(st.sampled_from(["none", "none", "crop", "pad"]))
    kw = {"antialias": draw(st.booleans()), "crop_to_aspect_ratio": aspect == "crop",
              "pad_to_aspect_ratio": aspect == "pad", "fill_value": _fill(draw, dt),
              "data_format": fmt}
    if kind(dt) in "iu":  # scales of 2 and 1/2: weights in quarters and eighths
        interp = draw(st.sampled_from(["nearest", "bilinear", "area"]))
        kw.update(crop_to_aspect_ratio=False, pad_to_aspect_ratio=False)
        size = tuple(draw(st.sampled_from([n, 2 * n] + ([n // 2] if n % 2 == 0 else [])))
                     for n in (h, w))
    else:
        interp = draw(st.sampled_from(["nearest", "bilinear", "bicubic", "lanczos3",
                                       "lanczos5", "area"]))
        size = (draw(st.integers(1, 6)), draw(st.integers(1, 6)))
    return Case((x, size), dict(kw, interpolation=interp))


def _scale_and_translate(draw, spec, dt):
    ndim = draw(st.integers(2, 4))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    x = _values(draw, dt, shape)
    dims = tuple(sorted(draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=2,
                                      unique=True))))
    out = list(shape)
    for d in dims:
        out[d] = draw(st.integers(1, 6))
    scale = np.array([draw(st.sampled_from([0.5, 0.75, 1.0, 1.5, 2.0])) for _ in dims],
                     np.float32)
    # translations a little off the binary fractions: with exact ones, sample positions land
    # exactly on a kernel's support boundary, where float32 rounding in the weights' formula
    # decides whether a tap counts (a measure-zero ambiguity, not a difference of semantics)
    trans = np.array([draw(st.sampled_from([-0.5, 0.0, 0.25, 1.0])) + 0.01 for _ in dims],
                     np.float32)
    method = draw(st.sampled_from(["linear", "bilinear", "cubic", "lanczos3", "lanczos5"]))
    return Case((x, tuple(out), scale, trans, dims, method),
                {"antialias": draw(st.booleans())})


DRAWERS: dict = {
    "image.rgb_to_grayscale": _grayscale,
    "image.rgb_to_hsv": _hsv,
    "image.hsv_to_rgb": _hsv,
    "image.pad_images": _pad,
    "image.crop_images": _crop,
    "image.extract_patches": _extract_patches,
    "image.extract_patches_3d": _extract_patches,
    "image.reconstruct_patches": _reconstruct,
    "image.map_coordinates": _map_coordinates,
    "image.affine_transform": _affine,
    "image.perspective_transform": _perspective,
    "image.elastic_transform": _elastic,
    "image.gaussian_blur": _blur,
    "image.sobel_edges": _sobel,
    "image.ssim": _ssim,
    "image.resize": _resize,
    "image.scale_and_translate": _scale_and_translate,
}
