"""Input drawers for the conformance suite of spec/numpy_keras.toml
(op name -> drawer(draw, spec, dtype) -> Case)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import kind as dtype_kind

from . import strategies as S

DRAWERS: dict = {}


def _binary(draw, spec, dt):
    return S.binary(draw, spec, dt)


def _nonzero(draw, spec, dt):
    return S.binary_nonzero(draw, spec, dt)


def _shift(draw, spec, dt):
    return S.binary_shift(draw, spec, dt)


def _power(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt).args
    if dtype_kind(dt) in "iu":
        x2 = (np.abs(x2.astype(np.int64)) % 6).astype(dt)
    return S.Case((x1, x2))


def _moderate_binary(draw, spec, dt):
    return S.binary(draw, spec, dt, values="moderate")


def _isclose(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt).args
    if dtype_kind(dt) in "f" and draw(st.booleans()):
        x2 = (x1 * np.asarray(1 + draw(st.sampled_from([0.0, 1e-6, 1e-4, -1e-3])))
              .astype(x1.dtype)) + np.zeros(x2.shape, x1.dtype)
        x2 = x2.astype(x1.dtype)
    kw = {}
    if draw(st.booleans()):
        kw = dict(rtol=draw(st.sampled_from([0.0, 1e-3, 0.1])),
                  atol=draw(st.sampled_from([0.0, 1e-3, 1.0])),
                  equal_nan=draw(st.booleans()))
    return S.Case((x1, x2), kw)


def _nan_to_num(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes))
    kw = {}
    if draw(st.booleans()):
        kw = dict(nan=draw(st.sampled_from([0.0, 1.0, -2.5])),
                  posinf=draw(st.sampled_from([None, 7.0])),
                  neginf=draw(st.sampled_from([None, -7.0])))
    return S.Case((x,), kw)


def _ldexp(draw, spec, dt):
    s1, s2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4)
                  ).input_shapes
    x1 = S.arrays(draw, dt, s1)
    x2 = draw(hnp.arrays(np.int32, s2, elements=st.integers(-20, 20)))
    return S.Case((x1, x2))


for _n in ("arctan2", "heaviside", "logaddexp2", "true_divide", "divide_no_nan", "fmax",
           "fmin"):
    DRAWERS[_n] = _binary
for _n in ("fmod", "mod"):
    DRAWERS[_n] = _nonzero
for _n in ("left_shift", "right_shift"):
    DRAWERS[_n] = _shift
for _n in ("gcd", "lcm"):
    DRAWERS[_n] = _moderate_binary
DRAWERS.update(power=_power, isclose=_isclose, allclose=_isclose, nan_to_num=_nan_to_num,
               ldexp=_ldexp)
