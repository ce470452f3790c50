"""Softmax-like ops, sigmoids, softplus and the crossentropies stay finite and accurate for
logits of +-1e4, in every float dtype (float16 and bfloat16 included), on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

import crossops.math as xm
import crossops.nn as nn
from crossops._backend import backend_module

from .backends import backend_context, to_backend, to_numpy
from .reference import numpy_edge_cases
from .strategies import np_dtype

DTYPES = ["float16", "bfloat16", "float32", "float64"]
LOGITS = [[-1e4, -1.0, 0.0, 1.0, 1e4], [1e4, 1e4, -1e4, 0.5, -3.0], [-1e4, -1e4, -1e4, -1e4, -1e4]]


def _logits(dt):
    return np.asarray(LOGITS, np.float64).astype(np_dtype(dt))


def _check(out, ref, dt, what, tol=4):
    out = np.asarray(to_numpy(out))
    assert out.dtype == np_dtype(dt), f"{what}: dtype {out.dtype}, expected {dt}"
    assert np.all(np.isfinite(out.astype(np.float64))), f"{what} in {dt}: not finite: {out}"
    eps = float(np.finfo(np.float32).eps if dt == "float32" else
                np.finfo(np.float64).eps if dt == "float64" else
                (2.0 ** -7 if dt == "bfloat16" else 2.0 ** -10))
    # ref in float64 from the same rounded inputs, rounded once to dt
    want = np.asarray(ref).astype(np_dtype(dt)).astype(np.float64)
    np.testing.assert_allclose(out.astype(np.float64), want, rtol=tol * eps, atol=tol * eps,
                               err_msg=f"{what} in {dt}")


@pytest.fixture(params=DTYPES)
def dt(request, backend):
    if request.param not in backend_module(backend).DTYPES:
        pytest.skip(f"{backend} has no {request.param}")
    return request.param


def _run(backend, dt, f, *arrays, **kw):
    with backend_context(backend):
        return f(*(to_backend(backend, a) for a in arrays), **kw)


def test_softmax_family(backend, dt):
    x = _logits(dt)
    x64 = x.astype(np.float64)
    _check(_run(backend, dt, nn.softmax, x), special.softmax(x64, axis=-1), dt, "softmax")
    _check(_run(backend, dt, nn.log_softmax, x), special.log_softmax(x64, axis=-1), dt,
           "log_softmax")
    _check(_run(backend, dt, xm.logsumexp, x, axis=-1), special.logsumexp(x64, axis=-1), dt,
           "logsumexp")


def test_sigmoids_and_softplus(backend, dt):
    x = _logits(dt)
    x64 = x.astype(np.float64)
    _check(_run(backend, dt, nn.sigmoid, x), special.expit(x64), dt, "sigmoid")
    _check(_run(backend, dt, nn.log_sigmoid, x), -np.logaddexp(0, -x64), dt, "log_sigmoid")
    _check(_run(backend, dt, nn.softplus, x), np.logaddexp(0, x64), dt, "softplus")
    _check(_run(backend, dt, nn.silu, x), x64 * special.expit(x64), dt, "silu")


def test_crossentropies_from_logits(backend, dt):
    x = _logits(dt)
    x64 = x.astype(np.float64)
    t = np.asarray([[0, 1, 0, 1, 0], [1, 0, 1, 0, 1], [0, 1, 1, 0, 0]], np.float64)
    bce = np.maximum(x64, 0) - x64 * t + np.log1p(np.exp(-np.abs(x64)))
    _check(_run(backend, dt, nn.binary_crossentropy, t.astype(np_dtype(dt)), x,
                from_logits=True), bce, dt, "binary_crossentropy")
    hot = np.eye(5)[[4, 2, 0]]
    cce = -(hot * special.log_softmax(x64, axis=-1)).sum(-1)
    _check(_run(backend, dt, nn.categorical_crossentropy, hot.astype(np_dtype(dt)), x,
                from_logits=True), cce, dt, "categorical_crossentropy")
    ids = np.asarray([4, 2, 0], np.int32)
    _check(_run(backend, dt, nn.sparse_categorical_crossentropy, ids, x, from_logits=True),
           cce, dt, "sparse_categorical_crossentropy")


def test_crossentropies_of_saturated_probabilities(backend, dt):
    # probabilities of exactly 0 and 1 are clipped to [1e-7, 1 - 1e-7]: finite losses
    p = np.asarray([[0.0, 1.0, 0.5, 1.0]]).astype(np_dtype(dt))
    t = np.asarray([[1.0, 0.0, 1.0, 1.0]]).astype(np_dtype(dt))
    out = np.asarray(to_numpy(_run(backend, dt, nn.binary_crossentropy, t, p)), np.float64)
    assert np.all(np.isfinite(out)), out
    out = np.asarray(to_numpy(_run(backend, dt, nn.categorical_crossentropy, t, p)), np.float64)
    assert np.all(np.isfinite(out)), out


def test_float16_moments_past_the_range_give_its_largest_value(backend):
    """As Keras's own test: the mean in range, a variance past float16's range becomes its
    largest finite value (computed in float32, then clipped), not inf."""
    x = np.array([-741.0, 353.2, 1099.0, -1807.0, 502.8, -83.4, 333.5, -130.9], np.float16)
    with backend_context(backend):
        mean, var = nn.moments(to_backend(backend, x), axes=[0])
    np.testing.assert_allclose(to_numpy(mean), np.mean(x.astype(np.float32)), rtol=1e-3)
    assert to_numpy(var) == np.finfo(np.float16).max


#: rows with +inf, NaN and -inf: a row holding a NaN or a +inf is NaN, a row of -inf alone
#: too (0 / 0), and -inf beside finite logits has probability 0 (as jax and torch give them;
#: TensorFlow's and NumPy's direct formulas gave [nan, 0, 0] for [inf, 1, 2])
_INF_ROWS = [[np.inf, 1.0, 2.0], [np.inf, np.inf, 1.0], [np.nan, 1.0, 2.0],
             [-np.inf, -np.inf, -np.inf], [-np.inf, 1.0, 2.0], [np.inf, -np.inf, 0.0]]


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "jit"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_softmax_rows_of_inf_and_nan_on_every_backend(backend, dtype, compiled):
    import crossops

    x = np.asarray(_INF_ROWS, dtype)
    finite = special.softmax(np.asarray([1.0, 2.0]))
    want = np.full(x.shape, np.nan)
    want[4] = [0.0, *finite]
    with np.errstate(divide="ignore"):
        logs = np.log(want)
    for f, ref in ((nn.softmax, want), (nn.log_softmax, logs)):
        run = crossops.jit(f) if compiled and backend != "numpy" else f
        with numpy_edge_cases():  # (the numpy backend's inf - inf, 0 / 0, log(0))
            got = np.asarray(to_numpy(_run(backend, dtype, run, x)), np.float64)
        np.testing.assert_allclose(got, ref, rtol=1e-6, err_msg=f.__name__)
