"""Helpers of the image ops: argument checks, layouts, constants and compute dtypes.

``data_format=None`` means ``crossops.config.image_data_format()``, as in Keras.
"""

from __future__ import annotations

import numpy as np

import crossops.numpy as xnp
from crossops._backend import backend_of
from crossops._dispatch import call_on
from crossops._dtypes import dtype_name, kind
from crossops._host import host_constant
from crossops._shapes import static_dims

_HALF = ("float16", "bfloat16")


def name(x) -> str:
    return dtype_name(x.dtype)


def shape(x) -> tuple:
    """The static shape of ``x`` as a tuple of ints (TensorFlow's TensorShape too), None
    for a size unknown while TensorFlow traces ``x`` (a None batch axis)."""
    return static_dims(x.shape)


def check_rank(x, ranks, arg: str = "images", what: str = "") -> int:
    """The rank of ``x``, checked to be one of ``ranks``."""
    n = len(x.shape)
    if n not in ranks:
        want = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{arg} must have rank {want}{what}, got shape {shape(x)}")
    return n


def check_choice(value, choices, arg: str):
    if value not in choices:
        raise ValueError(f"{arg} must be one of {', '.join(repr(c) for c in choices)}, "
                         f"got {value!r}")
    return value


def check_float(x, arg: str = "images"):
    if kind(name(x)) != "f":
        raise TypeError(f"{arg} must have a real floating dtype, got {name(x)}; cast it first "
                        "(e.g. astype(images, 'float32'))")


def const(like, value, dtype: str):
    """NumPy data ``value`` as an array of dtype ``dtype`` on the backend of ``like``."""
    if isinstance(value, np.generic):  # (a tuple: dynamo reads no union)
        value = value.tolist()  # plain Python data, on like's backend
    return call_on(backend_of(like), "asarray", value, dtype=dtype)


def to_batched_last(x, fmt: str, spatial: int = 2):
    """``x`` (rank ``spatial + 1`` or ``spatial + 2``) as ``(N, *spatial, C)``, and whether it
    was unbatched."""
    unbatched = len(x.shape) == spatial + 1
    if unbatched:
        x = xnp.expand_dims(x, axis=0)
    if fmt == "channels_first":
        x = xnp.moveaxis(x, 1, -1)
    return x, unbatched


def from_batched_last(y, fmt: str, unbatched: bool):
    """The inverse of :func:`to_batched_last`."""
    if fmt == "channels_first":
        y = xnp.moveaxis(y, -1, 1)
    if unbatched:
        y = xnp.squeeze(y, axis=0)
    return y


def as_tuple(value, n: int, arg: str, wrong_length: type[Exception] = ValueError) -> tuple:
    """An int or a sequence of ``n`` ints as a tuple of ``n`` ints; a sequence of another
    length raises ``wrong_length`` (Keras raises TypeError for a patch size, ValueError for
    strides)."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    try:
        t = tuple(int(v) for v in value)
    except TypeError:
        raise TypeError(f"{arg} must be an int or a tuple of {n} ints, got {value!r}") from None
    if len(t) != n:
        raise wrong_length(f"{arg} must be an int or a tuple of {n} ints, got {value!r}")
    return t


def conv1d_same(x, weights, axis: int):
    """Cross-correlate ``x`` with the 1-D ``weights`` (host floats) along ``axis``, zero
    padding as XLA's ``SAME`` (``(k - 1) // 2`` before)."""
    k = len(weights)
    before = (k - 1) // 2
    return conv1d_valid(pad_axis(x, axis, before, k - 1 - before), weights, axis)


def conv1d_valid(x, weights, axis: int):
    """Cross-correlate ``x`` with the 1-D ``weights`` (host floats) along ``axis``, no
    padding (the result is ``k - 1`` shorter)."""
    k = len(weights)
    n = shape(x)[axis] - k + 1
    out = None
    for i, w in enumerate(weights):
        w = float(w)
        if w == 0.0:
            continue
        term = take_slice(x, axis, i, i + n) * w
        out = term if out is None else out + term
    if out is None:
        out = take_slice(x, axis, 0, n) * 0.0
    return out


def take_slice(x, axis: int, start: int, stop: int, step: int = 1):
    idx = [slice(None)] * len(x.shape)
    idx[axis] = slice(start, stop, step)
    return x[tuple(idx)]


def pad_axis(x, axis: int, before: int, after: int, value=0):
    if not (before or after):
        return x
    widths = [[0, 0] for _ in x.shape]
    widths[axis] = [before, after]
    return xnp.pad(x, widths, constant_values=value)


@host_constant
def gaussian_1d(size: int, sigma: float) -> list[float]:
    """A normalised Gaussian window of ``size`` taps, centred, in float64 (host floats)."""
    t = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-0.5 * (t / float(sigma)) ** 2)
    return (g / g.sum()).tolist()


@host_constant
def grid(n: int, axis: int, ndim: int, step: int = 1) -> list:
    """``0, step, ..., (n - 1) * step`` along ``axis`` of a nested list of rank ``ndim``
    (its other axes of length 1)."""
    return (np.arange(n) * step).reshape((1,) * axis + (n,) + (1,) * (ndim - axis - 1)).tolist()
