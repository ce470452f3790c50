"""Input drawers for the conformance suite (op name -> drawer(draw, spec, dtype) -> Case).

Keys are qualified names (``"math.fft"``): math ops live in the ``math`` namespace.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from .strategies import Case, arrays, axis_arg, nonempty_shapes, np_dtype

_sides = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def _logsumexp(draw, spec, dt):
    x = arrays(draw, dt, draw(nonempty_shapes))
    return Case((x,), dict(axis=axis_arg(draw, x.ndim), keepdims=draw(st.booleans())))


def _gammainc(draw, spec, dt):
    shape = draw(nonempty_shapes)
    a = np.abs(arrays(draw, dt, shape, "moderate")) / 4 + 0.1
    x = np.abs(arrays(draw, dt, shape, "moderate")) / 4
    return Case((a.astype(np_dtype(dt)), x.astype(np_dtype(dt))))


def _top_k(draw, spec, dt):
    x = arrays(draw, dt, draw(_sides), "moderate")
    return Case((x, draw(st.integers(1, x.shape[-1]))))


def _in_top_k(draw, spec, dt):
    b, c = draw(st.integers(1, 4)), draw(st.integers(1, 5))
    p = arrays(draw, dt, (b, c), "moderate")
    t = draw(hnp.arrays(np.int32, (b,), elements=st.integers(0, c - 1)))
    return Case((t, p, draw(st.integers(1, c))))


def _segment(draw, spec, dt):
    n, s = draw(st.integers(1, 6)), draw(st.integers(1, 4))
    data = arrays(draw, dt, (n,) + draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)),
                  "moderate")
    if spec.name == "segment_prod":  # keep products in range
        data = (data.astype(np.float32) / 50).astype(np_dtype(dt))
    ids = draw(hnp.arrays(np.int32, (n,), elements=st.integers(0, s - 1)))
    return Case((data, ids), dict(num_segments=s, sorted=False))


def _logdet(draw, spec, dt):
    n = draw(st.integers(1, 4))
    a = arrays(draw, "float64", (n, n), "moderate") / 100
    return Case(((a @ a.T + n * np.eye(n)).astype(dt),))


def _cdist(draw, spec, dt):
    b = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2))
    m, n, d = (draw(st.integers(1, 4)) for _ in range(3))
    return Case((arrays(draw, dt, b + (m, d), "moderate"),
                 arrays(draw, dt, b + (n, d), "moderate")))


def _extract(draw, spec, dt):
    x = arrays(draw, dt, draw(_sides))
    length = draw(st.integers(1, x.shape[-1]))
    return Case((x, length, draw(st.integers(1, 3))))


def _unit(draw, dt, shape):
    """Values in [-1, 1]: an FFT's rounding error scales with the norm of its input, not
    with each output element, so inputs of norm ~size keep it within the absolute tolerance
    (a few log2(n) n eps) near zero outputs too."""
    return (arrays(draw, dt, shape, "moderate").astype(np.float64) / 100).astype(np_dtype(dt))


def _complex_pair(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=2 if spec.name in ("fft2", "ifft2") else 1,
                                  max_dims=3, min_side=1, max_side=5))
    return Case(([_unit(draw, dt, shape), _unit(draw, dt, shape)],))


def _rfft(draw, spec, dt):
    x = _unit(draw, dt, draw(_sides))
    return Case((x,), dict(fft_length=draw(st.none() | st.integers(1, 6))))


def _irfft(draw, spec, dt):
    shape = draw(_sides.filter(lambda s: s[-1] >= 2))  # default length 2 (m - 1) > 0
    pair = [_unit(draw, dt, shape), _unit(draw, dt, shape)]
    return Case((pair,), dict(fft_length=draw(st.none() | st.integers(1, 6))))


def _view_as_complex(draw, spec, dt):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=3)) + (2,)
    return Case((arrays(draw, dt, shape, "moderate"),))


def _view_as_real(draw, spec, dt):
    return Case((arrays(draw, dt, draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3)),
                        "moderate"),))


def _stft(draw, spec, dt):
    seq = draw(st.integers(1, 4))
    fft_length = seq + draw(st.integers(0, 3))
    center = draw(st.booleans())
    n = draw(st.integers(max(fft_length, fft_length // 2 + 1), 10))
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2))
    x = _unit(draw, dt, batch + (n,))
    window = draw(st.sampled_from(["hann", "hamming", None, "array"]))
    if window == "array":
        window = (np.abs(arrays(draw, dt, (seq,), "moderate")) / 100 + 0.01).astype(dt)
    return Case((x, seq, draw(st.integers(1, 3)), fft_length),
                dict(window=window, center=center))


def _istft(draw, spec, dt):
    seq = draw(st.integers(1, 4))
    fft_length = seq + draw(st.integers(0, 3))
    stride = draw(st.integers(1, seq))  # frames overlap or touch: every sample is covered
    t = draw(st.integers(1, 4))
    batch = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2))
    shape = batch + (t, fft_length // 2 + 1)
    pair = [_unit(draw, dt, shape), _unit(draw, dt, shape)]
    window = draw(st.sampled_from(["hann", "hamming", None]))
    return Case((pair, seq, stride, fft_length), dict(window=window, center=draw(st.booleans())))


DRAWERS: dict = {
    "math.istft": _istft,
    "math.stft": _stft,
    "math.logsumexp": _logsumexp,
    "math.gammainc": _gammainc,
    "math.top_k": _top_k,
    "math.in_top_k": _in_top_k,
    "math.segment_sum": _segment,
    "math.segment_max": _segment,
    "math.segment_min": _segment,
    "math.segment_prod": _segment,
    "math.logdet": _logdet,
    "math.cdist": _cdist,
    "math.extract_sequences": _extract,
    "math.fft": _complex_pair,
    "math.fft2": _complex_pair,
    "math.ifft2": _complex_pair,
    "math.rfft": _rfft,
    "math.irfft": _irfft,
    "math.view_as_complex": _view_as_complex,
    "math.view_as_real": _view_as_real,
}
