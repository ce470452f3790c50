"""NumPy references for the image ops (spec/image.toml), written independently of
crossops: explicit loops over pixels, in float64, then the result dtype.

The semantics are Keras's JAX backend's (see each function); ``data_format=None`` means
``"channels_last"``.
"""

from __future__ import annotations

import colorsys
import itertools
import math

import ml_dtypes
import numpy as np

from crossops.image._sampling import displacement_noise  # the documented noise (Philox)


def _is_int(dt) -> bool:
    return np.dtype(dt).kind in "iu"


def _cast(out, dt):
    """float64 values to dtype ``dt`` (bfloat16 through ml_dtypes)."""
    return np.asarray(out, np.float64).astype(dt)


def _nhwc(x, fmt, nd=2):
    """(array as (N, *spatial, C), unbatched, channels_first)."""
    x = np.asarray(x)
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    first = fmt == "channels_first"
    if first:
        x = np.moveaxis(x, 1, -1)
    return x, unbatched, first


def _back(y, unbatched, first):
    if first:
        y = np.moveaxis(y, -1, 1)
    return y[0] if unbatched else y


def _wide(x):
    return np.asarray(x).astype(np.float64)


# -- colour ----------------------------------------------------------------------------

def rgb_to_grayscale(images, data_format=None):
    x, ub, first = _nhwc(images, data_format)
    dt = np.asarray(images).dtype
    if x.shape[-1] == 1:
        return np.asarray(images).copy()
    out = np.empty(x.shape[:-1] + (1,), np.float64)
    for idx in np.ndindex(*x.shape[:-1]):
        r, g, b = (float(v) for v in x[idx])
        if _is_int(dt):  # computed in float32 (Keras's compute dtype), truncated
            f = np.float32
            out[idx + (0,)] = float(f(f(r) * f(0.2989)) + f(f(g) * f(0.5870))
                                    + f(f(b) * f(0.1140)))
        else:
            out[idx + (0,)] = 0.2989 * r + 0.5870 * g + 0.1140 * b
    out = np.trunc(out) if _is_int(dt) else out
    return _back(_cast(out, dt), ub, first)


def rgb_to_hsv(images, data_format=None):
    x, ub, first = _nhwc(images, data_format)
    # as Keras: values below the dtype's epsilon in magnitude count as 0
    x = np.where(np.abs(x) < ml_dtypes.finfo(x.dtype).eps, np.zeros_like(x), x)
    out = np.empty(x.shape, np.float64)
    for idx in np.ndindex(*x.shape[:-1]):
        out[idx] = colorsys.rgb_to_hsv(*(float(v) for v in x[idx]))
    return _back(_cast(out, x.dtype), ub, first)


def hsv_to_rgb(images, data_format=None):
    x, ub, first = _nhwc(images, data_format)
    out = np.empty(x.shape, np.float64)
    for idx in np.ndindex(*x.shape[:-1]):
        h, s, v = (float(t) for t in x[idx])
        out[idx] = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return _back(_cast(out, x.dtype), ub, first)


# -- pads, crops, patches --------------------------------------------------------------

def _hw(x, fmt):
    return (x.ndim - 3, x.ndim - 2) if fmt != "channels_first" else (x.ndim - 2, x.ndim - 1)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None, data_format=None):
    x = np.asarray(images)
    ha, wa = _hw(x, data_format)
    h, w = x.shape[ha], x.shape[wa]
    top = top_padding if top_padding is not None else target_height - h - bottom_padding
    left = left_padding if left_padding is not None else target_width - w - right_padding
    oh = target_height if target_height is not None else top + h + bottom_padding
    ow = target_width if target_width is not None else left + w + right_padding
    shape = list(x.shape)
    shape[ha], shape[wa] = oh, ow
    out = np.zeros(shape, x.dtype)
    for idx in np.ndindex(*x.shape):
        j = list(idx)
        j[ha] += top
        j[wa] += left
        out[tuple(j)] = x[idx]
    return out


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None, data_format=None):
    x = np.asarray(images)
    ha, wa = _hw(x, data_format)
    h, w = x.shape[ha], x.shape[wa]
    top = top_cropping if top_cropping is not None else h - target_height - bottom_cropping
    left = left_cropping if left_cropping is not None else w - target_width - right_cropping
    oh = target_height if target_height is not None else h - top - bottom_cropping
    ow = target_width if target_width is not None else w - left - right_cropping
    shape = list(x.shape)
    shape[ha], shape[wa] = oh, ow
    out = np.empty(shape, x.dtype)
    for idx in np.ndindex(*shape):
        j = list(idx)
        j[ha] += top
        j[wa] += left
        out[idx] = x[tuple(j)]
    return out


def _tuple(v, n):
    return (v,) * n if isinstance(v, int) else tuple(v)


def _extract(images, size, strides, dilation_rate, padding, data_format, nd):
    x, ub, first = _nhwc(images, data_format, nd)
    size = _tuple(size, nd)
    strides = size if strides is None else _tuple(strides, nd)
    dil = _tuple(dilation_rate, nd)
    spatial = x.shape[1:-1]
    grid, before = [], []
    for n, k, s, d in zip(spatial, size, strides, dil):
        eff = (k - 1) * d + 1
        if padding == "same":
            g = math.ceil(n / s)
            before.append(max((g - 1) * s + eff - n, 0) // 2)
        else:
            g = (n - eff) // s + 1
            before.append(0)
        grid.append(g)
    c = x.shape[-1]
    out = np.zeros((x.shape[0], *grid, math.prod(size) * c), x.dtype)
    for b in range(x.shape[0]):
        for pos in np.ndindex(*grid):
            f = 0
            for off in np.ndindex(*size):
                src = [p * s + o * d - bf for p, s, o, d, bf in zip(pos, strides, off, dil, before)]
                for ch in range(c):
                    if all(0 <= v < n for v, n in zip(src, spatial)):
                        out[(b, *pos, f)] = x[(b, *src, ch)]
                    f += 1
    return _back(out, ub, first)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):
    nd = 3 if not isinstance(size, int) and len(size) == 3 else 2
    return _extract(images, size, strides, dilation_rate, padding, data_format, nd)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):
    return _extract(volumes, size, strides, dilation_rate, padding, data_format, 3)


def reconstruct_patches(patches, size, output_size, strides=None, padding="valid",
                        data_format=None):
    nd = 2 if isinstance(size, int) else len(size)
    size = _tuple(size, nd)
    x, ub, first = _nhwc(patches, data_format, nd)
    grid = x.shape[1:-1]
    c = x.shape[-1] // math.prod(size)
    full = np.empty((x.shape[0], *(g * p for g, p in zip(grid, size)), c), x.dtype)
    for b in range(x.shape[0]):
        for pos in np.ndindex(*grid):
            f = 0
            for off in np.ndindex(*size):
                for ch in range(c):
                    full[(b, *(p * s + o for p, s, o in zip(pos, size, off)), ch)] = \
                        x[(b, *pos, f)]
                    f += 1
    starts = [(g * p - o) // 2 for g, p, o in zip(grid, size, output_size)]
    sl = tuple(slice(s, s + o) for s, o in zip(starts, output_size))
    return _back(full[(slice(None), *sl, slice(None))], ub, first)


# -- sampling --------------------------------------------------------------------------

def _fix(i, n, mode):
    """Index ``i`` of an axis of size ``n`` under ``mode``; None: outside (constant)."""
    if 0 <= i < n:
        return i
    if mode == "constant":
        return None
    if mode == "nearest":
        return 0 if i < 0 else n - 1
    if mode == "wrap":
        return i % n
    if mode == "mirror":  # c d c b | a b c d | c b a b
        if n == 1:
            return 0
        j = i % (2 * n - 2)
        return j if j < n else 2 * n - 2 - j
    j = i % (2 * n)  # reflect: d c b a | a b c d | d c b a
    return j if j < n else 2 * n - 1 - j


def _round_half_away(v):
    return math.copysign(math.floor(abs(v) + 0.5), v)


def _point(arr, coord, order, mode, cval):
    """``arr`` (float64, any rank) at one point (a tuple of floats)."""
    per_axis = []
    for c, n in zip(coord, arr.shape):
        if order == 0:
            per_axis.append([(_fix(int(_round_half_away(c)), n, mode), 1.0)])
        else:
            lo = math.floor(c)
            t = c - lo
            per_axis.append([(_fix(lo, n, mode), 1.0 - t), (_fix(lo + 1, n, mode), t)])
    total = 0.0
    for combo in itertools.product(*per_axis):
        w = math.prod(wt for _, wt in combo)
        idx = [i for i, _ in combo]
        v = cval if any(i is None for i in idx) else arr[tuple(idx)]
        total += w * v
    return total


def _finish(out, dt):
    if _is_int(dt):
        out = np.vectorize(_round_half_away)(out) if out.size else out
    return _cast(out, dt)


def _cval(value, dt):
    return float(np.asarray(value).astype(dt).astype(np.float64))


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    x = np.asarray(inputs)
    arr = _wide(x)
    c = _wide(coordinates)
    cval = _cval(fill_value, x.dtype)
    out = np.empty(c.shape[1:], np.float64)
    for idx in np.ndindex(*c.shape[1:]):
        out[idx] = _point(arr, tuple(c[(slice(None),) + idx]), order, fill_mode, cval)
    return _finish(out, x.dtype)


_ORDER = {"nearest": 0, "bilinear": 1}


def _warp(images, fmt, coords_of, order, mode, fill_value):
    """Images sampled per pixel: ``coords_of(b, y, x) -> (y_in, x_in)``."""
    x, ub, first = _nhwc(images, fmt)
    dt = x.dtype
    arr = _wide(x)
    cval = _cval(fill_value, dt)
    out = np.empty(arr.shape, np.float64)
    for b, i, j in np.ndindex(*arr.shape[:3]):
        yi, xi = coords_of(b, i, j)
        for ch in range(arr.shape[3]):
            out[b, i, j, ch] = _point(arr[b, :, :, ch], (yi, xi), order, mode, cval)
    return _back(_finish(out, dt), ub, first)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    t = _wide(transform).reshape(-1, 8)

    def coords(b, y, x):
        a0, a1, a2, b0, b1, b2 = t[b if len(t) > 1 else 0][:6]
        return b0 * x + b1 * y + b2, a0 * x + a1 * y + a2

    return _warp(images, data_format, coords, _ORDER[interpolation], fill_mode, fill_value)


def _homography(start, end):
    """h such that ``start = H(end)``: solve the 8 equations of the 4 correspondences."""
    rows, rhs = [], []
    for (sx, sy), (ex, ey) in zip(start, end):
        rows.append([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey])
        rhs.append(sx)
    for (sx, sy), (ex, ey) in zip(start, end):
        rows.append([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey])
        rhs.append(sy)
    return np.linalg.solve(np.array(rows, np.float64), np.array(rhs, np.float64))


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    sp = _wide(start_points).reshape(-1, 4, 2)
    ep = _wide(end_points).reshape(-1, 4, 2)
    hs = [_homography(s, e) for s, e in zip(sp, ep)]

    def coords(b, y, x):
        h = hs[b if len(hs) > 1 else 0]
        d = h[6] * x + h[7] * y + 1.0
        return (h[3] * x + h[4] * y + h[5]) / d, (h[0] * x + h[1] * y + h[2]) / d

    return _warp(images, data_format, coords, _ORDER[interpolation], "constant", fill_value)


def _gauss(size, sigma):
    w = [math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2) for i in range(size)]
    s = sum(w)
    return [v / s for v in w]


def _filter_same(plane, kernel):
    """2-D cross-correlation of ``plane`` with ``kernel``, zero padding, SAME size."""
    kh, kw = len(kernel), len(kernel[0])
    th, tw = (kh - 1) // 2, (kw - 1) // 2
    h, w = plane.shape
    out = np.zeros((h, w), np.float64)
    for i in range(h):
        for j in range(w):
            s = 0.0
            for a in range(kh):
                for b in range(kw):
                    y, x = i + a - th, j + b - tw
                    if 0 <= y < h and 0 <= x < w:
                        s += kernel[a][b] * plane[y, x]
            out[i, j] = s
    return out


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    x, _, _ = _nhwc(images, data_format)
    n, h, w, _ = x.shape
    noise = displacement_noise(seed, n, h, w) * sigma
    k = int(6 * sigma) | 1
    g = _gauss(k, sigma)
    kernel = [[a * b for b in g] for a in g]
    dx = [_filter_same(noise[0, b], kernel) * alpha for b in range(n)]
    dy = [_filter_same(noise[1, b], kernel) * alpha for b in range(n)]

    def coords(b, i, j):
        return i + dy[b][i, j], j + dx[b][i, j]

    return _warp(images, data_format, coords, _ORDER[interpolation], fill_mode, fill_value)


# -- filters ---------------------------------------------------------------------------

def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    x, ub, first = _nhwc(images, data_format)
    ks = _tuple(kernel_size, 2)
    sg = (sigma, sigma) if np.ndim(sigma) == 0 else tuple(sigma)
    gy, gx = _gauss(ks[1], sg[1]), _gauss(ks[0], sg[0])
    kernel = [[a * b for b in gx] for a in gy]
    arr = _wide(x)
    out = np.empty(arr.shape, np.float64)
    for b in range(arr.shape[0]):
        for c in range(arr.shape[3]):
            out[b, :, :, c] = _filter_same(arr[b, :, :, c], kernel)
    return _back(_cast(out, x.dtype), ub, first)


def sobel_edges(images, data_format=None):
    x, _, first = _nhwc(images, data_format)
    ky = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    kx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    arr = _wide(x)
    out = np.empty(arr.shape + (2,), np.float64)
    for b in range(arr.shape[0]):
        for c in range(arr.shape[3]):
            out[b, :, :, c, 0] = _filter_same(arr[b, :, :, c], ky)
            out[b, :, :, c, 1] = _filter_same(arr[b, :, :, c], kx)
    if first:
        out = np.moveaxis(out, 3, 1)
    return _cast(out, x.dtype)


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):
    a, ub, _ = _nhwc(image1, data_format)
    b, _, _ = _nhwc(image2, data_format)
    dt = a.dtype
    a, b = _wide(a), _wide(b)
    g = _gauss(filter_size, filter_sigma)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    n, h, w, ch = a.shape
    res = []
    for i in range(n):
        vals = []
        for c in range(ch):
            for y in range(h - filter_size + 1):
                for x in range(w - filter_size + 1):
                    m1 = m2 = s11 = s22 = s12 = 0.0
                    for p in range(filter_size):
                        for q in range(filter_size):
                            wt = g[p] * g[q]
                            u, v = a[i, y + p, x + q, c], b[i, y + p, x + q, c]
                            m1 += wt * u
                            m2 += wt * v
                            s11 += wt * u * u
                            s22 += wt * v * v
                            s12 += wt * u * v
                    v1, v2, cov = s11 - m1 * m1, s22 - m2 * m2, s12 - m1 * m2
                    vals.append((2 * m1 * m2 + c1) * (2 * cov + c2)
                                / ((m1 * m1 + m2 * m2 + c1) * (v1 + v2 + c2)))
        res.append(sum(vals) / len(vals))
    out = np.array(res, np.float64)
    return _cast(out[0] if ub else out, dt)


# -- resampling ------------------------------------------------------------------------

def _kernel(method, t):
    t = abs(t)
    if method == "linear":
        return max(0.0, 1.0 - t)
    if method == "cubic":  # Keys, a = -0.5
        if t < 1:
            return 1.5 * t ** 3 - 2.5 * t ** 2 + 1
        if t < 2:
            return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2
        return 0.0
    r = 3 if method == "lanczos3" else 5
    if t > r:
        return 0.0
    if t <= 1e-3:
        return 1.0
    return r * math.sin(math.pi * t) * math.sin(math.pi * t / r) / (math.pi ** 2 * t * t)


def _weights(n_in, n_out, scale, translation, method, antialias):
    """(n_in, n_out) weights of one axis, loop by loop."""
    w = np.zeros((n_in, n_out), np.float64)
    for i in range(n_out):
        centre = (i + 0.5 - translation) / scale - 0.5  # in input pixel indices
        if not -0.5 <= centre <= n_in - 0.5:
            continue
        for j in range(n_in):
            if method == "area":
                lo, hi = (i - translation) / scale, (i + 1 - translation) / scale
                w[j, i] = max(0.0, min(hi, j + 1) - max(lo, j))
            else:
                widen = max(1 / scale, 1.0) if antialias else 1.0
                w[j, i] = _kernel(method, (centre - j) / widen)
        total = w[:, i].sum()
        w[:, i] = w[:, i] / total if abs(total) > 1000 * np.finfo(np.float32).eps else 0.0
    return w


_METHODS = {"bilinear": "linear", "bicubic": "cubic", "linear": "linear",
            "trilinear": "linear", "triangle": "linear", "cubic": "cubic",
            "tricubic": "cubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5",
            "area": "area"}


def _apply(arr, axis, w):
    return np.moveaxis(np.tensordot(arr, w, axes=([axis], [0])), -1, axis)


def _round_even_saturate(out, dt):
    info = np.iinfo(dt)
    return np.clip(np.round(out), info.min, info.max).astype(dt)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    x = np.asarray(images)
    dt = x.dtype
    ha, wa = _hw(x, data_format)
    th, tw = size
    h, w = x.shape[ha], x.shape[wa]
    if crop_to_aspect_ratio:
        ch = min(h, w * th // tw) or 1
        cw = min(w, h * tw // th) or 1
        sl = [slice(None)] * x.ndim
        sl[ha] = slice((h - ch) // 2, (h - ch) // 2 + ch)
        sl[wa] = slice((w - cw) // 2, (w - cw) // 2 + cw)
        x = x[tuple(sl)]
    elif pad_to_aspect_ratio:
        ph, pw = max(h, w * th // tw), max(w, h * tw // th)
        pad = [(0, 0)] * x.ndim
        if (ph - h) // 2 > 0:
            pad[ha] = ((ph - h) // 2,) * 2
        elif (pw - w) // 2 > 0:
            pad[wa] = ((pw - w) // 2,) * 2
        x = np.pad(x, pad, constant_values=np.asarray(fill_value).astype(dt))
    if interpolation == "nearest":
        for axis, n_out in ((ha, th), (wa, tw)):
            n_in = x.shape[axis]
            if n_in != n_out:
                idx = [(2 * i + 1) * n_in // (2 * n_out) for i in range(n_out)]
                x = np.take(x, idx, axis=axis)
        return x
    arr = _wide(x)
    for axis, n_out in ((ha, th), (wa, tw)):
        n_in = arr.shape[axis]
        if n_in != n_out:
            arr = _apply(arr, axis, _weights(n_in, n_out, n_out / n_in, 0.0,
                                             _METHODS[interpolation], antialias))
    if _is_int(dt):
        return _round_even_saturate(arr, dt)
    return _cast(arr, dt)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    x = np.asarray(images)
    arr = _wide(x)
    s, t = _wide(scale).reshape(-1), _wide(translation).reshape(-1)
    for k, d in enumerate(spatial_dims):
        arr = _apply(arr, d, _weights(arr.shape[d], output_shape[d], s[k], t[k],
                                      _METHODS[method], antialias))
    return _cast(arr, np.float32 if _is_int(x.dtype) else x.dtype)

