"""fft extension for TensorFlow.

TensorFlow's FFT kernels act on the innermost axis and take complex64/complex128
(rfft: float32/float64): other axes are moved last and back; float32 input gives
complex64, float64 gives complex128; float16/bfloat16 and integers raise TypeError.
"""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ._helpers import dim
from ._statistics import _ndim, _tensor

__all__ = ["fft", "fftfreq", "fftn", "fftshift", "hfft", "ifft", "ifftn", "ifftshift",
           "irfft", "irfftn", "rfft", "rfftfreq", "rfftn"]

_COMPLEX = {tf.float32: tf.complex64, tf.float64: tf.complex128,
            tf.complex64: tf.complex64, tf.complex128: tf.complex128}
_NORMS = ("backward", "ortho", "forward")


def _input(x, op, real=False):
    x = _tensor(x, f"fft.{op}")
    if x.dtype not in _COMPLEX or (real and x.dtype.is_complex):
        want = "float32 or float64" if real else "complex64 or complex128 (or float32/float64)"
        raise TypeError(f"fft.{op}: dtype {x.dtype.name} is not supported on TensorFlow; use "
                        f"{want} (cast with astype)")
    if _ndim(x, op) == 0:
        raise ValueError(f"fft.{op}: x must have at least one dimension")
    return x


def _move(x, src, dst):
    nd = x.shape.rank
    if src == dst:
        return x
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return tf.transpose(x, perm)


def _resize(x, n):
    """``x`` truncated or zero-padded to length ``n`` along its last axis."""
    if isinstance(n, int) and x.shape[-1] == n:
        return x
    x = x[..., :n]
    pad = tf.maximum(n - tf.shape(x)[-1], 0)
    return tf.pad(x, [[0, 0]] * (x.shape.rank - 1) + [[0, pad]])


def _check(n, norm, op, name="n"):
    if norm not in _NORMS:
        raise ValueError(f"fft.{op}: norm must be one of {_NORMS}, got {norm!r}")
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"fft.{op}: {name} must be a positive int, got {n!r}")


def _scale(out, n, norm, inverse):
    """Apply ``norm`` to a TF result (TF's forward transforms are unscaled, its inverse
    transforms divide by n)."""
    if norm == "backward":
        return out
    if norm == "ortho":
        f = 1 / tf.sqrt(tf.cast(n, tf.float64)) if not inverse else tf.sqrt(tf.cast(n, tf.float64))
    else:  # forward
        f = 1 / tf.cast(n, tf.float64) if not inverse else tf.cast(n, tf.float64)
    return out * tf.cast(f, out.dtype)


def _complex_on_last_axis(x, n, axis, norm, op):
    """Checked complex input with ``axis`` moved last: (x, rank, normalised axis)."""
    _check(n, norm, op)
    x = _input(x, op)
    nd = x.shape.rank
    axis = normalize_axis(axis, nd, f"fft.{op}")
    x = tf.cast(x, _COMPLEX[x.dtype])
    return _move(x, axis, nd - 1), nd, axis


def _c2c(x, n, axis, norm, op, inverse):
    x, nd, axis = _complex_on_last_axis(x, n, axis, norm, op)
    if n is not None:
        x = _resize(x, n)
    out = (tf.signal.ifft if inverse else tf.signal.fft)(x)
    out = _scale(out, tf.shape(x)[-1], norm, inverse)
    return _move(out, nd - 1, axis)


def fft(x, /, *, n=None, axis=-1, norm="backward"):
    return _c2c(x, n, axis, norm, "fft", False)


def ifft(x, /, *, n=None, axis=-1, norm="backward"):
    return _c2c(x, n, axis, norm, "ifft", True)


def _r2c(x, n, axis, norm, op):
    _check(n, norm, op)
    x = _input(x, op, real=True)
    nd = x.shape.rank
    axis = normalize_axis(axis, nd, f"fft.{op}")
    x = _move(x, axis, nd - 1)
    if n is not None:
        x = _resize(x, n)
    length = tf.shape(x)[-1]
    out = tf.signal.rfft(x, fft_length=length[None])
    return _move(_scale(out, length, norm, False), nd - 1, axis)


def _c2r(x, n, axis, norm, op):
    x, nd, axis = _complex_on_last_axis(x, n, axis, norm, op)
    if n is None:
        n = 2 * (dim(x, -1) - 1)
        if isinstance(n, int) and n < 1:
            raise ValueError(f"fft.{op}: the output length 2*(m-1) must be positive; give n")
    x = _resize(x, n // 2 + 1)
    out = tf.signal.irfft(x, fft_length=tf.reshape(n, [1]))
    return _move(_scale(out, n, norm, True), nd - 1, axis)


def rfft(x, /, *, n=None, axis=-1, norm="backward"):
    return _r2c(x, n, axis, norm, "rfft")


def irfft(x, /, *, n=None, axis=-1, norm="backward"):
    return _c2r(x, n, axis, norm, "irfft")


_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def hfft(x, /, *, n=None, axis=-1, norm="backward"):
    _check(n, norm, "hfft")
    x = _input(x, "hfft")
    return _c2r(tf.math.conj(tf.cast(x, _COMPLEX[x.dtype])), n, axis, _SWAP[norm], "hfft")


def ihfft(x, /, *, n=None, axis=-1, norm="backward"):
    _check(n, norm, "ihfft")
    return tf.math.conj(_r2c(x, n, axis, _SWAP[norm], "ihfft"))


def _nd_args(x, s, axes, op):
    nd = _ndim(x, op)
    if axes is None:
        axes = list(range(nd)) if s is None else list(range(nd - len(s), nd))
    else:
        axes = [normalize_axis(a, nd, f"fft.{op}", "axes") for a in axes]
        if len(set(axes)) != len(axes):
            raise ValueError(f"fft.{op}: repeated axis in axes={axes!r}")
    if s is None:
        s = [None] * len(axes)
    else:
        s = list(s)
        if len(s) != len(axes):
            raise ValueError(f"fft.{op}: s and axes must have the same length, got s={s!r} "
                             f"and axes={axes!r}")
        s = [None if v == -1 else v for v in s]
    return s, axes


def _c2cn(x, s, axes, norm, op, inverse):
    x = _input(x, op)
    s, axes = _nd_args(x, s, axes, op)
    for n, a in zip(s, axes):
        x = _c2c(x, n, a, norm, op, inverse)
    return tf.cast(x, _COMPLEX[x.dtype])


def fftn(x, /, *, s=None, axes=None, norm="backward"):
    return _c2cn(x, s, axes, norm, "fftn", False)


def ifftn(x, /, *, s=None, axes=None, norm="backward"):
    return _c2cn(x, s, axes, norm, "ifftn", True)


def rfftn(x, /, *, s=None, axes=None, norm="backward"):
    x = _input(x, "rfftn", real=True)
    s, axes = _nd_args(x, s, axes, "rfftn")
    x = _r2c(x, s[-1], axes[-1], norm, "rfftn")
    for n, a in zip(s[:-1], axes[:-1]):
        x = _c2c(x, n, a, norm, "rfftn", False)
    return x


def irfftn(x, /, *, s=None, axes=None, norm="backward"):
    x = _input(x, "irfftn")
    s, axes = _nd_args(x, s, axes, "irfftn")
    for n, a in zip(s[:-1], axes[:-1]):
        x = _c2c(x, n, a, norm, "irfftn", True)
    return _c2r(x, s[-1], axes[-1], norm, "irfftn")


def _freq_dtype(dtype, op):
    dt = tf.float32 if dtype is None else tf.as_dtype(dtype)
    if not dt.is_floating:
        raise TypeError(f"fft.{op}: dtype must be a real floating dtype, got {dt.name}")
    return dt


def fftfreq(n, /, *, d=1.0, dtype=None, device=None):
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"fft.fftfreq: n must be a positive int, got {n!r}")
    dt = _freq_dtype(dtype, "fftfreq")
    k = tf.concat([tf.range(0, (n - 1) // 2 + 1), tf.range(-(n // 2), 0)], 0)
    return tf.cast(tf.cast(k, tf.float64) / (d * n), dt)


def rfftfreq(n, /, *, d=1.0, dtype=None, device=None):
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"fft.rfftfreq: n must be a positive int, got {n!r}")
    dt = _freq_dtype(dtype, "rfftfreq")
    return tf.cast(tf.cast(tf.range(0, n // 2 + 1), tf.float64) / (d * n), dt)


def _shift(x, axes, op, sign):
    x = _tensor(x, f"fft.{op}")
    nd = _ndim(x, op)
    if axes is None:
        axes = list(range(nd))
    elif isinstance(axes, int):
        axes = [axes]
    axes = [normalize_axis(a, nd, f"fft.{op}", "axes") for a in axes]
    if not axes:
        return x
    dims = tf.shape(x)
    shifts = [dims[a] // 2 if sign > 0 else -(dims[a] // 2) for a in axes]
    return tf.roll(x, shift=shifts, axis=axes)


def fftshift(x, /, *, axes=None):
    return _shift(x, axes, "fftshift", 1)


def ifftshift(x, /, *, axes=None):
    return _shift(x, axes, "ifftshift", -1)

