"""Generic implementations of the math ops, written with crossops ops (op name -> function)."""

from __future__ import annotations

import crossops.numpy as xnp

from ..nn._common import arange_like, down, name, up


def logsumexp(x, axis=None, keepdims=False):
    c, n = up(x)
    m = xnp.max(c, axis=axis, keepdims=True)
    m = xnp.where(xnp.isfinite(m), m, xnp.zeros_like(m))   # all -inf, or an inf
    s = xnp.sum(xnp.exp(xnp.subtract(c, m)), axis=axis, keepdims=keepdims)
    if not keepdims:
        m = xnp.reshape(m, tuple(s.shape))
    return down(xnp.add(xnp.log(s), m), n)


def rsqrt(x):
    c, n = up(x)
    return down(xnp.divide(1.0, xnp.sqrt(c)), n)


def top_k(x, k, sorted=True, is_stable=True):
    # a stable descending argsort: ties keep the lower index first, on every backend
    idx = xnp.argsort(x, axis=-1, descending=True, stable=True)[..., :k]
    return xnp.take_along_axis(x, idx, axis=-1), xnp.astype(idx, "int32")


def in_top_k(targets, predictions, k):
    # in the top k when fewer than k predictions are strictly larger (ties all count in)
    t = xnp.take_along_axis(predictions, xnp.expand_dims(xnp.astype(targets, "int64"), axis=-1),
                            axis=-1)
    larger = xnp.sum(xnp.astype(predictions > t, "int32"), axis=-1)
    return larger < k


def _segment(data, segment_ids, num_segments, fill, reduce):
    if num_segments is None:  # eager only: the size comes from the values
        num_segments = int(xnp.max(segment_ids)) + 1
    ids = arange_like(segment_ids, num_segments, segment_ids.dtype)
    hit = xnp.equal(xnp.expand_dims(segment_ids, axis=0), xnp.expand_dims(ids, axis=1))  # (S, N)
    hit = xnp.reshape(hit, tuple(hit.shape) + (1,) * (data.ndim - 1))
    c, n = up(data)
    vals = xnp.where(hit, xnp.expand_dims(c, axis=0), fill)
    return down(reduce(vals, axis=1), n)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, 0.0, xnp.sum)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, 1.0, xnp.prod)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, -float("inf"), xnp.max)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, float("inf"), xnp.min)


def logdet(x):
    return xnp.linalg.slogdet(x)[1]


def cdist(x, y):
    c, n = up(x)
    d = xnp.subtract(xnp.expand_dims(c, axis=-2), xnp.expand_dims(xnp.astype(y, name(c)), axis=-3))
    return down(xnp.sqrt(xnp.sum(xnp.square(d), axis=-1)), n)


def extract_sequences(x, sequence_length, sequence_stride):
    size = x.shape[-1]
    num = (size - sequence_length) // sequence_stride + 1
    starts = xnp.multiply(arange_like(x, num, "int64"), sequence_stride)
    idx = xnp.add(xnp.expand_dims(starts, axis=1),
                  xnp.expand_dims(arange_like(x, sequence_length, "int64"), axis=0))
    out = xnp.take(x, xnp.reshape(idx, (-1,)), axis=-1)
    return xnp.reshape(out, tuple(x.shape[:-1]) + (num, sequence_length))


def _complex(x):
    if not isinstance(x, tuple | list) or len(x) != 2:
        raise ValueError(f"expected a tuple (real, imag) of two arrays, got {type(x).__name__}")
    re, im = x
    if tuple(re.shape) != tuple(im.shape):
        raise ValueError(f"real and imaginary parts differ in shape: {tuple(re.shape)} and "
                         f"{tuple(im.shape)}")
    return xnp.add(re, xnp.multiply(im, 1j))


def _pair(c):
    return xnp.real(c), xnp.imag(c)


def fft(x):
    return _pair(xnp.fft.fft(_complex(x)))


def fft2(x):
    return _pair(xnp.fft.fftn(_complex(x), axes=(-2, -1)))


def ifft2(x):
    return _pair(xnp.fft.ifftn(_complex(x), axes=(-2, -1)))


def rfft(x, fft_length=None):
    return _pair(xnp.fft.rfft(x, n=fft_length))


def irfft(x, fft_length=None):
    return xnp.fft.irfft(_complex(x), n=fft_length)


def view_as_complex(x):
    if x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: the last axis must have size 2, got {tuple(x.shape)}")
    return xnp.add(x[..., 0], xnp.multiply(x[..., 1], 1j))


def view_as_real(x):
    return xnp.stack([xnp.real(x), xnp.imag(x)], axis=-1)


GENERIC: dict = {f.__name__: f for f in (
    logsumexp, rsqrt, top_k, in_top_k, segment_sum, segment_prod, segment_max, segment_min,
    logdet, cdist, extract_sequences, fft, fft2, ifft2, rfft, irfft, view_as_complex,
    view_as_real)}
