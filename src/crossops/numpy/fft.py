"""``crossops.numpy.fft``: the array API FFT extension on every backend."""

from .._dispatch import make_ops as _make_ops

globals().update(_make_ops("fft"))
