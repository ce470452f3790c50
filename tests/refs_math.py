"""NumPy/SciPy references of the math ops: computed in float64, rounded to the input dtype."""

from __future__ import annotations

import numpy as np
from scipy import special


def _f(x):
    return np.asarray(x).astype(np.float64)


def _r(y, like):
    return np.asarray(y).astype(np.asarray(like).dtype)


def logsumexp(x, axis=None, keepdims=False):
    return _r(special.logsumexp(_f(x), axis=axis, keepdims=keepdims), x)


def rsqrt(x):
    return _r(1 / np.sqrt(_f(x)), x)


def erf(x):
    return _r(special.erf(_f(x)), x)


def erfc(x):
    return _r(special.erfc(_f(x)), x)


def erfinv(x):
    return _r(special.erfinv(_f(x)), x)


def gammainc(x1, x2):
    return _r(special.gammainc(_f(x1), _f(x2)), x1)


def top_k(x, k, sorted=True, is_stable=True):
    idx = np.argsort(-_f(x), axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, idx, axis=-1), idx.astype(np.int32)


def in_top_k(targets, predictions, k):
    out = np.empty(targets.shape, bool)
    for i in np.ndindex(targets.shape):
        row = predictions[i]
        t = row[targets[i]]  # a NaN target prediction is in no top k, as in Keras's tests
        out[i] = not np.isnan(t) and (row > t).sum() < k
    return out


def _segment(data, ids, num, fill, reduce):
    c = _f(data)
    out = np.full((num,) + c.shape[1:], fill)
    for s in range(num):
        sel = c[ids == s]
        if len(sel):
            out[s] = reduce(sel, axis=0)
    return _r(out, data)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, 0.0, np.sum)


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, 1.0, np.prod)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, -np.inf, np.max)


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    return _segment(data, segment_ids, num_segments, np.inf, np.min)


def logdet(x):
    return _r(np.linalg.slogdet(_f(x))[1], x)


def cdist(x, y):
    d = _f(x)[..., :, None, :] - _f(y)[..., None, :, :]
    return _r(np.sqrt((d * d).sum(-1)), x)


def extract_sequences(x, sequence_length, sequence_stride):
    n = (x.shape[-1] - sequence_length) // sequence_stride + 1
    frames = [x[..., i * sequence_stride: i * sequence_stride + sequence_length]
              for i in range(n)]
    return np.stack(frames, axis=-2)


def _c(x):
    return _f(x[0]) + 1j * _f(x[1])


def _pair(c, like):
    return _r(c.real, like), _r(c.imag, like)


def fft(x):
    return _pair(np.fft.fft(_c(x)), x[0])


def fft2(x):
    return _pair(np.fft.fft2(_c(x)), x[0])


def ifft2(x):
    return _pair(np.fft.ifft2(_c(x)), x[0])


def rfft(x, fft_length=None):
    return _pair(np.fft.rfft(_f(x), n=fft_length), x)


def irfft(x, fft_length=None):
    return _r(np.fft.irfft(_c(x), n=fft_length), x[0])


def view_as_complex(x):
    c = _f(x[..., 0]) + 1j * _f(x[..., 1])
    return c.astype(np.complex64 if x.dtype == np.float32 else np.complex128)


def view_as_real(x):
    return np.stack([x.real, x.imag], axis=-1)


def _padded_window(window, sequence_length, fft_length):
    """The window as Keras's stft/istft apply it: centred in ``fft_length`` zeros."""
    from scipy import signal
    if window is None:
        win = np.ones(sequence_length)
    elif isinstance(window, str):
        win = signal.get_window(window, sequence_length)
    else:
        win = _f(window)
    l_pad = (fft_length - sequence_length) // 2
    return np.pad(win, (l_pad, fft_length - sequence_length - l_pad))


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """scipy.signal.stft as Keras calls it: windowed frames, one-sided spectrum, unscaled."""
    from scipy import signal
    c = _f(x)
    if center:
        pad = [(0, 0)] * (c.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        c = np.pad(c, pad, mode="reflect")
    win = _padded_window(window, sequence_length, fft_length)
    out = signal.stft(c, fs=1.0, window=win, nperseg=fft_length,
                      noverlap=fft_length - sequence_stride, nfft=fft_length,
                      boundary=None, padded=False)[-1]
    out = np.swapaxes(out * win.sum(), -2, -1)
    return _r(out.real, x), _r(out.imag, x)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    """scipy.signal.istft as Keras calls it, then Keras's scaling and trimming."""
    from scipy import signal
    z = _c(x)
    win = _padded_window(window, sequence_length, fft_length)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = signal.istft(z, fs=1.0, window=win, nperseg=fft_length,
                           noverlap=fft_length - sequence_stride, nfft=fft_length,
                           boundary=False, time_axis=-2, freq_axis=-1)[-1]
    out = out / win.sum() if window is not None else out / sequence_stride
    size = fft_length + sequence_stride * (z.shape[-2] - 1)
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else (size - fft_length // 2 if center else size)
    return _r(out[..., start:end], x[0])
