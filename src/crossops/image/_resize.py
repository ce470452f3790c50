"""resize and scale_and_translate: separable resampling as one weight matrix per spatial
axis, contracted with the image (generic, every backend, eager and compiled).

The weights are those of ``jax.image.scale_and_translate`` (Keras's JAX backend):
half-pixel centres, the sample point of output pixel ``i`` is ``(i + 0.5 - t) / s - 0.5``
for scale ``s`` and translation ``t``; kernels: triangle (linear), Keys cubic
(``a = -0.5``), Lanczos with radius 3 or 5, and area (the overlap of the output pixel's
span with each input pixel); with ``antialias`` a downsampling kernel is widened by
``1 / s``; each output pixel's weights are normalised to sum 1, and output pixels whose
sample point falls outside the input get 0. ``resize`` with ``"nearest"`` takes input
pixel ``floor((i + 0.5) * in / out)`` (computed in float32, as JAX does).
"""

from __future__ import annotations

import functools
import math

import numpy as np

import crossops.numpy as xnp
from crossops._backend import backend_of, use_backend
from crossops._dtypes import kind

from .._config import standardize_data_format
from ..numpy._compute import down, to_compute
from ._common import check_choice, check_rank, const, name, shape

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
            "triangle": "linear", "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic",
            "lanczos3": "lanczos3", "lanczos5": "lanczos5", "area": "area"}
SCALE_AND_TRANSLATE_METHODS = ("linear", "bilinear", "trilinear", "triangle", "cubic",
                               "bicubic", "tricubic", "lanczos3", "lanczos5")


def _kernel(m, method: str, x):
    if method == "linear":
        return m.maximum(0.0, 1.0 - m.abs(x))
    if method == "cubic":
        out = ((1.5 * x - 2.5) * x) * x + 1.0
        out = m.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
        return m.where(x >= 2.0, m.zeros_like(x), out)
    r = 3.0 if method == "lanczos3" else 5.0
    pi = float(np.pi)
    y = r * m.sin(pi * x) * m.sin(pi * x / r)
    safe = m.where(x != 0, (pi ** 2) * x * x, m.ones_like(x))
    out = m.where(x > 1e-3, y / safe, m.ones_like(x))
    return m.where(x > r, m.zeros_like(x), out)


def weight_matrix(m, dtype, in_size: int, out_size: int, scale, translation, method: str,
                  antialias: bool):
    """The ``(in_size, out_size)`` resampling weights of one axis, computed with the array
    namespace ``m`` (NumPy on the host, or crossops.numpy on the image's backend) in
    ``dtype``; ``scale`` and ``translation`` are scalars or 0-d arrays."""
    inv = 1.0 / scale
    out_i = m.arange(out_size, dtype=dtype)
    in_j = m.arange(in_size, dtype=dtype)
    sample_f = (out_i + 0.5) * inv - translation * inv - 0.5
    if method == "area":
        left = out_i * inv - translation * inv
        right = left + inv
        w = m.maximum(0.0, m.minimum(right[None, :], in_j[:, None] + 1.0)
                      - m.maximum(left[None, :], in_j[:, None]))
    else:
        kernel_scale = m.maximum(inv, 1.0) if antialias else 1.0
        x = m.abs(sample_f[None, :] - in_j[:, None]) / kernel_scale
        w = _kernel(m, method, x)
    total = m.sum(w, axis=0, keepdims=True)
    nonzero = m.where(total != 0, total, m.ones_like(total))
    w = m.where(m.abs(total) > 1000.0 * float(np.finfo(np.float32).eps), w / nonzero,
                m.zeros_like(w))
    inside = (sample_f >= -0.5) & (sample_f <= in_size - 0.5)
    return m.where(inside[None, :], w, m.zeros_like(w))


def _contract(x, w, axis: int, transposed: bool = False):
    """``x`` resampled along ``axis`` by the ``(in, out)`` weights ``w`` (``(out, in)``
    where ``transposed``): a matrix product, no axes moved (the last axis: ``x @ w``;
    another: ``w.T`` times ``x`` viewed as ``(before, in, after)``)."""
    dims = tuple(shape(x))
    if axis == len(dims) - 1:
        return xnp.matmul(x, xnp.matrix_transpose(w) if transposed else w)
    if None in dims:  # (a size unknown while TensorFlow traces: its tensordot reads it)
        w = xnp.matrix_transpose(w) if transposed else w
        return xnp.moveaxis(xnp.tensordot(x, w, axes=([axis], [0])), -1, axis)
    before, after = dims[:axis], dims[axis + 1:]
    wt = w if transposed else xnp.matrix_transpose(w)
    y = xnp.matmul(wt, xnp.reshape(x, (math.prod(before), dims[axis], math.prod(after))))
    return xnp.reshape(y, (*before, shape(wt)[0], *after))


@functools.lru_cache(maxsize=256)
def _resize_weights(in_size: int, out_size: int, method: str, antialias: bool, dtype: str,
                    transposed: bool) -> np.ndarray:
    """:func:`weight_matrix`'s ``(in_size, out_size)`` weights of a resize (no
    translation; ``(out_size, in_size)`` where ``transposed``), computed in float64 and
    rounded to ``dtype``; cached (a function of its arguments alone, ~20 us of NumPy's
    small ops a call), so never to be written to."""
    w = weight_matrix(np, np.float64, in_size, out_size, out_size / in_size, 0.0, method,
                      antialias)
    return np.ascontiguousarray(w.T if transposed else w, dtype=dtype)


def _finish(y, n: str):
    """Resampled float values in dtype ``n``: integers rounded half to even and clipped to
    the dtype's range (Keras's ``round`` and ``saturate_cast``)."""
    if kind(n) in "iu":
        info = np.iinfo(n)
        y = xnp.clip(xnp.round(y), float(info.min), float(info.max))
    return down(y, n)


def _nearest(x, axis: int, in_size: int, out_size: int):
    offsets = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) \
        * np.float32(in_size) / np.float32(out_size)
    idx = np.floor(offsets.astype(np.float32)).astype(np.int32)
    return xnp.take(x, const(x, idx, "int32"), axis=axis)


def _resample(x, axes, out_sizes, method, antialias):
    """``x`` resized along ``axes`` (host weights, float64 then the compute dtype)."""
    n = name(x)
    sizes = [shape(x)[a] for a in axes]
    todo = [(a, i, o) for a, i, o in zip(axes, sizes, out_sizes) if i != o]
    if not todo:
        return x
    if method == "nearest":
        for a, i, o in todo:
            x = _nearest(x, a, i, o)
        return x
    y = to_compute(x)
    dt = name(y)
    for a, i, o in todo:
        last = a == len(shape(y)) - 1  # (the weights as the product takes them: (in, out)
        w = _resize_weights(i, o, _METHODS[method], antialias, dt, not last)  # or (out, in))
        y = _contract(y, const(y, w, dt), a, transposed=not last)
    return _finish(y, n)


def _crop_or_pad(x, size, crop, pad, fill_value, ha, wa):
    th, tw = size
    s = shape(x)
    h, w = s[ha], s[wa]
    rank = len(s)
    if crop:
        ch = max(min(h, int(float(w * th) / tw)), 1)
        cw = max(min(w, int(float(h * tw) / th)), 1)
        hs, ws = int(float(h - ch) / 2), int(float(w - cw) / 2)
        idx = [slice(None)] * rank
        idx[ha], idx[wa] = slice(hs, hs + ch), slice(ws, ws + cw)
        return x[tuple(idx)]
    if pad:
        ph = max(h, int(float(w * th) / tw))
        pw = max(w, int(float(h * tw) / th))
        hs, ws = int(float(ph - h) / 2), int(float(pw - w) / 2)
        widths = [[0, 0] for _ in range(rank)]
        if hs > 0:
            widths[ha] = [hs, hs]
        elif ws > 0:
            widths[wa] = [ws, ws]
        else:
            return x
        fill = fill_value
        if kind(name(x)) in "iu":
            fill = int(fill_value)
        return xnp.pad(x, widths, constant_values=fill)
    return x


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize images (3-D, or 4-D batched) to ``size = (height, width)``.

    ``interpolation``: ``"nearest"``, ``"bilinear"``, ``"bicubic"`` (Keys cubic),
    ``"lanczos3"``, ``"lanczos5"`` or ``"area"``, with the weights of
    ``jax.image.resize`` (see the module docstring); ``antialias`` widens the kernel when
    downsampling (no effect on ``"nearest"`` and ``"area"``). ``crop_to_aspect_ratio``
    first crops the largest centred window of the target aspect ratio;
    ``pad_to_aspect_ratio`` first pads the short side evenly on both sides with
    ``fill_value`` (``fill_mode`` must be ``"constant"``). The result has the input's
    dtype: floats are computed in their own precision (half precision in float32),
    integers in float32, rounded half to even and clipped to the dtype's range.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.resize(np.ones((2, 4, 4, 3), np.float32), (2, 2)).shape
    (2, 2, 2, 3)
    """
    fmt = standardize_data_format(data_format)
    check_choice(interpolation, RESIZE_INTERPOLATIONS, "interpolation")
    if fill_mode != "constant":
        raise ValueError(f"fill_mode must be 'constant' (the only mode), got {fill_mode!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be True")
    try:
        size = tuple(size)
    except TypeError:
        raise TypeError(f"size must be a tuple (height, width), got {size!r}") from None
    if len(size) != 2:
        raise ValueError(f"size must be a tuple of 2 ints (height, width), got {size!r}")
    if any(not isinstance(s, (int, np.integer)) or s <= 0 for s in size):
        raise ValueError(f"size must hold 2 positive ints, got {size!r}")
    size = (int(size[0]), int(size[1]))
    rank = check_rank(images, (3, 4))
    ha, wa = (rank - 3, rank - 2) if fmt == "channels_last" else (rank - 2, rank - 1)
    x = _crop_or_pad(images, size, crop_to_aspect_ratio, pad_to_aspect_ratio, fill_value,
                     ha, wa)
    return _resample(x, (ha, wa), size, interpolation, bool(antialias))


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    """Resample ``images`` to ``output_shape`` by a scale and translation of
    ``spatial_dims``: input location ``x`` maps to ``x * scale + translation``.

    ``method``: ``"linear"`` (also ``"bilinear"``, ``"trilinear"``, ``"triangle"``),
    ``"cubic"`` (``"bicubic"``, ``"tricubic"``: Keys cubic), ``"lanczos3"``,
    ``"lanczos5"``; ``antialias`` widens the kernel when downsampling. The weights are
    those of ``jax.image.scale_and_translate`` (see the module docstring). ``scale`` and
    ``translation`` are arrays (their weights are computed on the images' backend, so
    they may be traced; computed in the wider of their dtype and the image's, where JAX
    uses their dtype) or sequences (computed on the host in float64). Floats keep
    their dtype (half precision computed in float32); integer images give float32.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> x = np.arange(9, dtype="float32").reshape(3, 3)
    >>> s = np.array([2.0, 2.0], np.float32)
    >>> ximage.scale_and_translate(x, (5, 5), s, -(s / 2 - 0.5), (0, 1), "linear")[0].tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """
    check_choice(method, SCALE_AND_TRANSLATE_METHODS, "method")
    ndim = len(images.shape)
    try:
        output_shape = tuple(int(s) for s in output_shape)
    except TypeError:
        raise TypeError(f"output_shape must be a sequence of ints, got {output_shape!r}") \
            from None
    if len(output_shape) != ndim:
        raise ValueError(f"output_shape must have one entry per dimension of images "
                         f"({ndim}), got {output_shape}")
    try:
        dims = tuple(int(d) for d in spatial_dims)
    except TypeError:
        raise TypeError(f"spatial_dims must be a sequence of ints, got {spatial_dims!r}") \
            from None
    for d in dims:
        if not -ndim <= d < ndim:
            raise ValueError(f"spatial_dims {dims} out of range for images of rank {ndim}")
    dims = tuple(d % ndim for d in dims)
    host = not (hasattr(scale, "shape") and hasattr(translation, "shape")) \
        or isinstance(scale, np.ndarray) and backend_of(images) != "numpy"
    if host:
        scale = np.asarray(scale, dtype=np.float64).reshape(-1)
        translation = np.asarray(translation, dtype=np.float64).reshape(-1)
    for arg, v in (("scale", scale), ("translation", translation)):
        if tuple(v.shape) != (len(dims),):
            raise ValueError(f"{arg} must have one entry per spatial dim ({len(dims)}), got "
                             f"shape {tuple(v.shape)}")
    n = name(images)
    y = to_compute(images)
    dt = name(y)
    for i, d in enumerate(dims):
        m, o = shape(images)[d], output_shape[d]
        if host:
            w = const(y, weight_matrix(np, np.float64, m, o, float(scale[i]),
                                       float(translation[i]), _METHODS[method], antialias),
                      dt)
        else:
            wdt = xnp.result_type(name(scale), name(translation), dt)
            s = xnp.astype(scale[i], wdt)
            t = xnp.astype(translation[i], wdt)
            with use_backend(backend_of(images)):
                w = weight_matrix(xnp, wdt, m, o, s, t, _METHODS[method], antialias)
            w = xnp.astype(w, dt)
        y = _contract(y, w, d)
    for d in range(ndim):
        if d not in dims and shape(y)[d] != output_shape[d]:
            raise ValueError(f"output_shape {output_shape} changes dimension {d}, which is not "
                             f"in spatial_dims {dims}")
    return y if kind(n) in "iu" else down(y, n)


RESIZE = {f.__name__: f for f in (resize, scale_and_translate)}
