"""Generic implementations of the math ops, written with crossops ops (op name -> function)."""

from __future__ import annotations

import crossops.numpy as xnp

from ..numpy._compute import arange_like, down, name, up


def logsumexp(x, axis=None, keepdims=False):
    c, n = up(x)
    m = xnp.max(c, axis=axis, keepdims=True)
    # where the max is not finite (all -inf, an inf, or a nan) it is the answer: those
    # slices sum zeros, which keeps exp(large) from overflowing and log(0) from dividing by
    # zero, with warnings SciPy's logsumexp never gives
    fin = xnp.isfinite(m)
    c = xnp.where(fin, c, xnp.zeros_like(c))
    m0 = xnp.where(fin, m, xnp.zeros_like(m))
    s = xnp.sum(xnp.exp(xnp.subtract(c, m0)), axis=axis, keepdims=keepdims)
    if not keepdims:
        shape = tuple(s.shape)
        m, m0, fin = xnp.reshape(m, shape), xnp.reshape(m0, shape), xnp.reshape(fin, shape)
    return down(xnp.where(fin, xnp.add(xnp.log(s), m0), m), n)


def rsqrt(x):
    c, n = up(x)
    return down(xnp.divide(1.0, xnp.sqrt(c)), n)


def top_k(x, k, sorted=True, is_stable=True):
    # a stable descending argsort: ties keep the lower index first, on every backend
    idx = xnp.argsort(x, axis=-1, descending=True, stable=True)[..., :k]
    return xnp.take_along_axis(x, idx, axis=-1), xnp.astype(idx, "int32")


def in_top_k(targets, predictions, k):
    # in the top k when fewer than k predictions are strictly larger (ties all count in); a
    # NaN prediction of the target is in no top k (as Keras)
    t = xnp.take_along_axis(predictions, xnp.expand_dims(xnp.astype(targets, "int32"), axis=-1),
                            axis=-1)
    larger = xnp.sum(xnp.astype(predictions > t, "int32"), axis=-1)
    return xnp.logical_and(larger < k, xnp.logical_not(xnp.isnan(xnp.squeeze(t, axis=-1))))


def _segment(data, segment_ids, num_segments, fill, reduce):
    if num_segments is None:  # eager only: the size comes from the values
        top = xnp.max(segment_ids)
        try:
            num_segments = int(top) + 1
        except (TypeError, ValueError, RuntimeError):  # a traced value (jax.jit, tf.function)
            raise ValueError("num_segments must be given where segment_ids' values are not "
                             "known (under jax.jit or tf.function); pass num_segments, the "
                             "number of segments") from None
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
    # the gradient at a zero distance is 0, a subgradient, not sqrt's inf * 0 = nan
    squares = xnp.sum(xnp.square(d), axis=-1)
    zero = xnp.equal(squares, 0)
    return down(xnp.where(zero, xnp.zeros_like(squares),
                          xnp.sqrt(xnp.where(zero, xnp.ones_like(squares), squares))), n)


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


def _window(x, window, sequence_length, fft_length):
    """The window, zero-padded to ``fft_length`` (centred), on ``x``'s backend."""
    import math
    l_pad = (fft_length - sequence_length) // 2
    r_pad = fft_length - sequence_length - l_pad
    if window is None or (isinstance(window, str) and sequence_length == 1):
        win = xnp.ones_like(xnp.astype(arange_like(x, sequence_length), name(x)))
    elif isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f'stft: window must be "hann", "hamming", an array or None, '
                             f"got {window!r}")
        a = 0.5 if window == "hann" else 0.54
        # periodic (DFT-even) windows, as scipy.signal.get_window (which gives [1.] for 1)
        n = xnp.astype(arange_like(x, sequence_length), name(x))
        win = xnp.subtract(a, xnp.multiply(xnp.cos(xnp.multiply(n, 2 * math.pi / sequence_length)),
                                           1 - a))
    else:
        win = xnp.astype(window, name(x))
        if win.ndim != 1 or win.shape[0] != sequence_length:
            raise ValueError(f"the window must have shape ({sequence_length},), got "
                             f"{tuple(win.shape)}")
    zeros = xnp.zeros_like(win[:1])
    parts = [xnp.broadcast_to(zeros, (l_pad,)), win, xnp.broadcast_to(zeros, (r_pad,))]
    return xnp.concat(parts, axis=0)


def _reflect_pad(x, p):
    """``numpy.pad(x, p, mode="reflect")`` along the last axis (p <= size - 1)."""
    n = x.shape[-1]
    if p > n - 1:
        raise ValueError(f"center=True reflects {p} samples, more than the signal's "
                         f"{n} - 1")
    i = xnp.abs(xnp.subtract(arange_like(x, n + 2 * p, "int64"), p))
    i = xnp.subtract(n - 1, xnp.abs(xnp.subtract(n - 1, i)))
    return xnp.take(x, i, axis=-1)


def _stride(sequence_stride) -> None:
    """Keras's check of ``sequence_stride``: a positive Python int (ValueError otherwise)."""
    if isinstance(sequence_stride, bool) or not isinstance(sequence_stride, int) \
            or sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be a positive integer, got {sequence_stride!r}")


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    _stride(sequence_stride)
    if name(x) not in ("float32", "float64"):
        raise TypeError(f"stft takes float32 or float64 input, got {name(x)}")
    if fft_length < sequence_length:
        raise ValueError(f"fft_length ({fft_length}) must be >= sequence_length "
                         f"({sequence_length})")
    if center:
        x = _reflect_pad(x, fft_length // 2)
    frames = extract_sequences(x, fft_length, sequence_stride)
    frames = xnp.multiply(frames, _window(x, window, sequence_length, fft_length))
    return _pair(xnp.fft.rfft(frames, n=fft_length))


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """Keras's istft: the windowed overlap-add of scipy.signal.istft, scaled as Keras does."""
    _stride(sequence_stride)
    re = x[0]
    win = _window(re, window, sequence_length, fft_length)
    frames = xnp.fft.irfft(_complex(x), n=fft_length)               # (..., T, F)
    t = frames.shape[-2]
    size = fft_length + sequence_stride * (t - 1)
    wsum = xnp.sum(win)
    frames = xnp.multiply(xnp.multiply(frames, win), wsum)
    # overlap-add as a product with the 0/1 matrix of sample positions (T F, size)
    pos = xnp.add(xnp.expand_dims(xnp.multiply(arange_like(re, t, "int64"), sequence_stride), 1),
                  xnp.expand_dims(arange_like(re, fft_length, "int64"), 0))
    place = xnp.astype(xnp.equal(xnp.reshape(pos, (-1, 1)),
                                 xnp.expand_dims(arange_like(re, size, "int64"), 0)),
                       name(frames))
    flat = xnp.reshape(frames, tuple(frames.shape[:-2]) + (1, t * fft_length))
    out = xnp.squeeze(xnp.matmul(flat, place), axis=-2)
    norm = xnp.squeeze(xnp.matmul(xnp.reshape(xnp.concat([xnp.square(win)] * t, axis=0),
                                              (1, -1)), place), axis=0)
    out = xnp.divide(out, xnp.where(norm > 1e-10, norm, 1.0))
    out = xnp.divide(out, wsum) if window is not None else xnp.divide(out, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = size - fft_length // 2 if center else size
    return out[..., start:end]


def view_as_complex(x):
    if x.shape[-1] != 2:
        raise ValueError(f"view_as_complex: the last axis must have size 2, got {tuple(x.shape)}")
    return xnp.add(x[..., 0], xnp.multiply(x[..., 1], 1j))


def view_as_real(x):
    return xnp.stack([xnp.real(x), xnp.imag(x)], axis=-1)


GENERIC: dict = {f.__name__: f for f in (
    logsumexp, rsqrt, top_k, in_top_k, segment_sum, segment_prod, segment_max, segment_min,
    logdet, cdist, extract_sequences, stft, istft, fft, fft2, ifft2, rfft, irfft, view_as_complex,
    view_as_real)}
