"""map_coordinates, affine_transform, perspective_transform, elastic_transform: sampling
an array at computed coordinates, nearest or linear (generic, every backend).

The sampling is that of ``jax.scipy.ndimage.map_coordinates`` (Keras's JAX backend):
order 0 rounds half away from zero; order 1 interpolates linearly between the two
neighbours on each axis; with ``fill_mode="constant"`` each neighbour outside the array
counts as ``fill_value`` (SciPy's ``"grid-constant"``), ``"wrap"`` is SciPy's
``"grid-wrap"``, and ``"nearest"``, ``"mirror"`` and ``"reflect"`` are SciPy's modes.
"""

from __future__ import annotations

import itertools
import math
import secrets

import numpy as np

import crossops.numpy as xnp
from crossops._dtypes import kind

from .._config import standardize_data_format
from ..numpy._compute import compute_dtype
from ._common import (
    check_choice,
    check_rank,
    const,
    conv1d_same,
    from_batched_last,
    gaussian_1d,
    grid,
    name,
    shape,
    to_batched_last,
)

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
INTERPOLATIONS = {"nearest": 0, "bilinear": 1}


def _round_half_away(c):
    a = xnp.abs(c)
    r = xnp.floor(a)
    r = r + xnp.astype(a - r >= 0.5, name(r))
    return xnp.where(c < 0, -r, r)


def _fix(index, size: int, mode: str):
    """Indices outside ``[0, size)`` mapped back by ``mode``."""
    if mode in ("constant", "nearest"):
        return xnp.clip(index, 0, size - 1)
    if mode == "wrap":
        return xnp.remainder(index, size)
    if mode == "mirror":
        if size == 1:
            return xnp.zeros_like(index)
        s = size - 1
        return xnp.abs(xnp.remainder(index + s, 2 * s) - s)
    # reflect: half-sample symmetric, d c b a | a b c d | d c b a
    s = 2 * size
    m = xnp.abs(xnp.remainder(2 * index + 1 + s, 2 * s) - s)
    return xnp.floor_divide(m - 1, 2)


def _nodes(c, size: int, order: int, mode: str, idx_dtype: str):
    """(index, valid or None, weight or None) of the neighbours of coordinates ``c``."""
    if order == 0:
        raw = [(xnp.astype(_round_half_away(c), idx_dtype), None)]
    else:
        lower = xnp.floor(c)
        upper_w = c - lower
        i = xnp.astype(lower, idx_dtype)
        raw = [(i, 1 - upper_w), (i + 1, upper_w)]
    out = []
    for index, weight in raw:
        valid = ((index >= 0) & (index < size)) if mode == "constant" else None
        out.append((_fix(index, size, mode), valid, weight))
    return out


def sample(x, coords, order: int, mode: str, cval, batched: bool = False):
    """``x`` at coordinates ``coords`` (a list of ``k`` float arrays of one shape ``S``):
    shape ``S + rest``, in the dtype of ``x`` (the compute dtype; ``cval`` an array of it).

    Without ``batched`` the first ``k`` axes of ``x`` are sampled and the others (``rest``)
    carried along; with ``batched`` the first axis of ``x`` is a batch that ``S``'s first
    axis indexes exactly, the next ``k`` are sampled.
    """
    k = len(coords)
    xs = shape(x)
    lead = 1 if batched else 0
    sizes, rest = xs[lead:lead + k], xs[lead + k:]
    cs = shape(coords[0])
    idx_dtype = "int32" if math.prod(xs) < 2 ** 31 else "int64"
    flat_x = xnp.reshape(x, (math.prod(xs[:lead + k]), math.prod(rest)))
    per_axis = [_nodes(c, n, order, mode, idx_dtype) for c, n in zip(coords, sizes)]
    strides = [math.prod(sizes[d + 1:]) for d in range(k)]
    base = None
    if batched:
        nb = xs[0]
        base = const(x, grid(nb, 0, len(cs), math.prod(sizes)), idx_dtype)
    result = None
    for items in itertools.product(*per_axis):
        flat = base
        for (index, _, _), st in zip(items, strides):
            term = index * st if st != 1 else index
            flat = term if flat is None else flat + term
        vals = xnp.take(flat_x, xnp.reshape(flat, (-1,)), axis=0)
        vals = xnp.reshape(vals, cs + rest)
        valids = [v for _, v, _ in items if v is not None]
        if valids:
            ok = valids[0]
            for v in valids[1:]:
                ok = ok & v
            ok = xnp.reshape(ok, cs + (1,) * len(rest))
            vals = xnp.where(ok, vals, cval)
        weights = [w for _, _, w in items if w is not None]
        if weights:
            w = weights[0]
            for v in weights[1:]:
                w = w * v
            vals = xnp.reshape(w, cs + (1,) * len(rest)) * vals
        result = vals if result is None else result + vals
    return result


def _finish(y, n: str):
    """A sampled result in dtype ``n``: integers rounded half away from zero."""
    if kind(n) in "iub":
        y = _round_half_away(y)
    return y if name(y) == n else xnp.astype(y, n)


def _float_coords(c, dtype=None):
    if dtype is None:
        dtype = name(c) if kind(name(c)) == "f" else "float32"
    return c if name(c) == dtype else xnp.astype(c, dtype)


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample ``inputs`` at ``coordinates`` (shape ``(inputs.ndim, ...)``) by nearest
    (``order=0``) or linear (``order=1``) interpolation.

    ``fill_mode`` is ``"constant"`` (each neighbour outside counts as ``fill_value``, cast
    to the input's dtype), ``"nearest"``, ``"wrap"``, ``"mirror"`` or ``"reflect"``: the
    semantics of ``jax.scipy.ndimage.map_coordinates`` (see the module docstring). The
    result has shape ``coordinates.shape[1:]`` and the input's dtype; integer inputs are
    interpolated in the coordinates' float dtype and rounded half away from zero.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> x = np.arange(12.0).reshape(3, 4)
    >>> ximage.map_coordinates(x, np.array([[0.5, 1.5], [1.5, 2.5]]), 1).tolist()
    [3.5, 8.5]
    """
    if isinstance(coordinates, (list, tuple)):
        coordinates = xnp.stack([xnp.asarray(c) if not hasattr(c, "shape") else c
                                 for c in coordinates])
    if len(coordinates.shape) < 2:
        raise ValueError(f"coordinates must have rank 2 or more (inputs.ndim, ...), got shape "
                         f"{shape(coordinates)}")
    if shape(coordinates)[0] != len(inputs.shape):
        raise ValueError(f"coordinates' first dimension ({shape(coordinates)[0]}) must equal "
                         f"the rank of inputs ({len(inputs.shape)})")
    check_choice(fill_mode, FILL_MODES, "fill_mode")
    if order not in (0, 1):
        raise ValueError(f"order must be 0 (nearest) or 1 (linear), got {order!r}")
    if len(inputs.shape) == 0:
        raise ValueError("inputs must have rank 1 or more")
    n = name(inputs)
    c = _float_coords(coordinates)
    dt = xnp.result_type(name(c), compute_dtype(inputs)) if kind(n) == "f" else name(c)
    dt = xnp.result_type(dt, "float32")
    c = _float_coords(c, _dtname(dt))
    x = xnp.astype(inputs, _dtname(dt))
    cval = xnp.astype(const(inputs, fill_value, n), _dtname(dt))
    coords = [c[d] for d in range(len(inputs.shape))]
    return _finish(sample(x, coords, order, fill_mode, cval), n)


def _dtname(dt) -> str:
    from crossops._dtypes import dtype_name
    return dtype_name(dt)


def _sample_images(x, ys, xs, order, mode, fill_value, n):
    """Images ``x`` ``(N, H, W, C)`` sampled at ``ys``, ``xs`` ``(N, Ho, Wo)`` (float)."""
    dt = _dtname(xnp.result_type(name(ys), compute_dtype(x)))
    ys, xs = _float_coords(ys, dt), _float_coords(xs, dt)
    cval = xnp.astype(const(x, fill_value, n), dt)
    y = sample(xnp.astype(x, dt), [ys, xs], order, mode, cval, batched=True)
    return _finish(y, n)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant",
                     fill_value=0, data_format=None):
    """Apply projective transforms ``[a0, a1, a2, b0, b1, b2, c0, c1]`` (one row, or one
    per image) to images: output pixel ``(x, y)`` takes the input at
    ``(a0 x + a1 y + a2, b0 x + b1 y + b2)``.

    As on Keras's JAX, PyTorch and NumPy backends, ``c0`` and ``c1`` are taken as 0 (only
    Keras's TensorFlow backend divides by ``c0 x + c1 y + 1``). ``interpolation`` is
    ``"nearest"`` or ``"bilinear"``; ``fill_mode`` one of ``"constant"``, ``"nearest"``,
    ``"wrap"``, ``"mirror"``, ``"reflect"`` (see :func:`map_coordinates`). Coordinates are
    computed in the transform's float dtype (float32 for integer transforms).

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> shift = np.array([1.0, 0, 1, 0, 1, 0, 0, 0])  # x' = x + 1
    >>> ximage.affine_transform(x, shift)[0, :, 0].tolist()
    [1.0, 2.0, 3.0, 0.0]
    """
    check_choice(interpolation, tuple(INTERPOLATIONS), "interpolation")
    check_choice(fill_mode, FILL_MODES, "fill_mode")
    fmt = standardize_data_format(data_format)
    check_rank(images, (3, 4))
    check_rank(transform, (1, 2), "transform")
    if shape(transform)[-1] != 8:
        raise ValueError(f"transform must have 8 entries per row [a0, a1, a2, b0, b1, b2, c0, "
                         f"c1], got shape {shape(transform)}")
    x, unbatched = to_batched_last(images, fmt)
    nb, h, w, _ = shape(x)
    t = _float_coords(transform)
    if len(t.shape) == 1:
        t = xnp.expand_dims(t, axis=0)
    nt = shape(t)[0]
    if nt not in (1, nb):
        raise ValueError(f"transform has {nt} rows for {nb} images; give one row, or one per "
                         "image")
    tt = name(t)
    gy = const(t, grid(h, 1, 3), tt)
    gx = const(t, grid(w, 2, 3), tt)

    def col(i):
        return xnp.reshape(t[:, i], (nt, 1, 1))

    xs = col(0) * gx + col(1) * gy + col(2)
    ys = col(3) * gx + col(4) * gy + col(5)
    xs = xnp.broadcast_to(xs, (nb, h, w))
    ys = xnp.broadcast_to(ys, (nb, h, w))
    y = _sample_images(x, ys, xs, INTERPOLATIONS[interpolation], fill_mode, fill_value,
                       name(images))
    return from_batched_last(y, fmt, unbatched)



def _homography(start, end):
    """The 8 coefficients mapping ``end`` points to ``start`` points (``(N, 4, 2)``)."""
    sx, sy = start[..., 0], start[..., 1]
    ex, ey = end[..., 0], end[..., 1]
    zeros, ones = xnp.zeros_like(ex), xnp.ones_like(ex)
    x_rows = xnp.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = xnp.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    a = xnp.concat([x_rows, y_rows], axis=1)
    b = xnp.expand_dims(xnp.concat([sx, sy], axis=-1), axis=-1)
    return xnp.squeeze(xnp.linalg.solve(a, b), axis=-1)


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    """Warp images by the perspective transform that maps ``end_points`` to
    ``start_points`` (``(4, 2)`` or ``(N, 4, 2)`` corners as ``(x, y)``).

    Output pixel ``(x, y)`` takes the input at the homography of ``(x, y)``; outside
    points are ``fill_value``. The homography is solved in float64 (Keras's JAX backend
    solves it in float32; on JAX with x64 off it is float32 too), then sampling is as
    :func:`map_coordinates` with ``fill_mode="constant"``.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> pts = np.array([[0, 0], [0, 3], [3, 0], [3, 3]], np.float32)
    >>> x = np.arange(16.0).reshape(4, 4, 1)
    >>> bool((ximage.perspective_transform(x, pts, pts) == x).all())
    True
    """
    check_choice(interpolation, tuple(INTERPOLATIONS), "interpolation")
    fmt = standardize_data_format(data_format)
    check_rank(images, (3, 4))
    for arg, p in (("start_points", start_points), ("end_points", end_points)):
        if len(p.shape) not in (2, 3) or shape(p)[-2:] != (4, 2):
            raise ValueError(f"{arg} must have shape (4, 2) or (N, 4, 2), got {shape(p)}")
    if shape(start_points) != shape(end_points):
        raise ValueError(f"start_points and end_points must have one shape, got "
                         f"{shape(start_points)} and {shape(end_points)}")
    x, unbatched = to_batched_last(images, fmt)
    nb, h, w, _ = shape(x)
    sp = xnp.astype(start_points, "float64")
    ep = xnp.astype(end_points, "float64")
    if len(sp.shape) == 2:
        sp, ep = xnp.expand_dims(sp, axis=0), xnp.expand_dims(ep, axis=0)
    nt = shape(sp)[0]
    if nt not in (1, nb):
        raise ValueError(f"{nt} sets of points for {nb} images; give one, or one per image")
    t = _homography(sp, ep)
    tt = name(t)
    gy = const(t, grid(h, 1, 3), tt)
    gx = const(t, grid(w, 2, 3), tt)

    def col(i):
        return xnp.reshape(t[:, i], (nt, 1, 1))

    denom = col(6) * gx + col(7) * gy + 1.0
    xs = xnp.broadcast_to((col(0) * gx + col(1) * gy + col(2)) / denom, (nb, h, w))
    ys = xnp.broadcast_to((col(3) * gx + col(4) * gy + col(5)) / denom, (nb, h, w))
    y = _sample_images(x, ys, xs, INTERPOLATIONS[interpolation], "constant", fill_value,
                       name(images))
    return from_batched_last(y, fmt, unbatched)


def displacement_noise(seed, batch: int, height: int, width: int) -> np.ndarray:
    """The standard normal noise of :func:`elastic_transform`: ``(2, batch, height,
    width)`` float64 from NumPy's Philox bit generator keyed by ``seed``."""
    rng = np.random.Generator(np.random.Philox(seed))
    return rng.standard_normal((2, batch, height, width))


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """Deform images elastically by a smooth random displacement field.

    The displacements ``dx``, ``dy`` are standard normal noise times ``sigma``, blurred by
    a Gaussian of standard deviation ``sigma`` and size ``int(6 * sigma) | 1`` (zero
    padded), times ``alpha``; output pixel ``(x, y)`` takes the input at
    ``(x + dx, y + dy)``, sampled as :func:`map_coordinates`.

    Randomness: the noise is drawn on the host from ``seed`` (an int) with NumPy's Philox
    generator (:func:`displacement_noise`), ``dx`` and ``dy`` independently (Keras's JAX
    backend draws both from one key, so they are equal there), so every backend gives the
    same result, eager or compiled (the field is a constant of the traced program).
    ``seed=None`` draws a fresh seed from the operating system: not reproducible.

    Examples
    --------
    >>> import numpy as np, crossops.image as ximage
    >>> ximage.elastic_transform(np.ones((8, 8, 3)), seed=1).shape
    (8, 8, 3)
    """
    noise = elastic_noise(images, sigma, interpolation, fill_mode, seed, data_format)
    return elastic_apply(images, noise, alpha, sigma, interpolation, fill_mode, fill_value,
                         data_format)


def elastic_noise(images, sigma, interpolation, fill_mode, seed, data_format) -> np.ndarray:
    """Check the arguments of :func:`elastic_transform` and draw its noise on the host:
    :func:`displacement_noise` times ``sigma`` (NumPy float64)."""
    check_choice(interpolation, tuple(INTERPOLATIONS), "interpolation")
    check_choice(fill_mode, FILL_MODES, "fill_mode")
    fmt = standardize_data_format(data_format)
    rank = check_rank(images, (3, 4))
    if seed is None:
        seed = secrets.randbits(64)
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int (or None), got {type(seed).__name__}")
    sigma = float(sigma)
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    dims = shape(images)
    nb = dims[0] if rank == 4 else 1
    h, w = dims[-3:-1] if fmt == "channels_last" else dims[-2:]
    return displacement_noise(int(seed), nb, h, w) * sigma


def elastic_apply(images, noise, alpha, sigma, interpolation, fill_mode, fill_value,
                  data_format):
    """:func:`elastic_transform` given its noise (a NumPy array, or an array of the images'
    backend, e.g. a traced argument of a compiled function); arguments already checked."""
    fmt = standardize_data_format(data_format)
    alpha, sigma = float(alpha), float(sigma)
    x, unbatched = to_batched_last(images, fmt)
    _, h, w, _ = shape(x)
    k = int(6 * sigma) | 1
    g = gaussian_1d(k, sigma)
    dt = compute_dtype(x)
    field = const(x, noise, dt) if isinstance(noise, np.ndarray) else xnp.astype(noise, dt)
    field = conv1d_same(conv1d_same(field, g, 2), g, 3) * alpha
    gy = const(x, grid(h, 1, 3), dt)
    gx = const(x, grid(w, 2, 3), dt)
    y = _sample_images(x, gy + field[1], gx + field[0], INTERPOLATIONS[interpolation],
                       fill_mode, fill_value, name(images))
    return from_batched_last(y, fmt, unbatched)


SAMPLING = {f.__name__: f for f in (map_coordinates, affine_transform, perspective_transform,
                                    elastic_transform)}
