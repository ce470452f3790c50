"""NumPy 2's thirteen quantile methods in crossops.numpy's ``quantile``, ``nanquantile``,
``percentile`` and ``nanpercentile`` on every backend, eager and compiled (issue 12): the
same values bit for bit and the same dtype as NumPy's, integers kept by the methods that
pick an element and float64 from the others, NaN from the nan-forms of empty input.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from .backends import backend_context, name_of, to_backend, to_numpy

METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
           "normal_unbiased", "lower", "higher", "midpoint", "nearest")
Q = [0.0, 0.1, 0.25, 0.4, 0.5, 0.75, 0.9, 1.0]  # (ties of the virtual index at 0.25, 0.5)
DATA = {
    "int32": np.array([[3, 1, 7, 2, 2, 8], [9, -4, 0, 5, 5, 5]], np.int32),
    "float64": np.array([[0.5, -1.25, 3.0, 2.0, 2.0, 7.5], [9.0, -4.0, 0.0, 5.0, 1e-300, 6.0]]),
    "float64, NaN": np.array([[np.nan, 2.5, 1.0, np.nan], [2.0, -1.0, 0.5, 3.0]]),
}


def _same(got, want):
    got = np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert name_of(got.dtype) == name_of(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("method", METHODS)
def test_quantile_methods_as_numpy(backend, method):
    if method == "inverted_cdf" and backend != "numpy":
        pytest.skip("slow on the other backends' eager ops; test_numpy_bool_inputs and the "
                    "conformance suite cover it there")
    # (the other backends' eager ops are slow: NumPy takes every form, they two)
    calls = (("quantile", Q, 1), ("nanpercentile", [0, 40, 50, 100], None))
    if backend == "numpy":
        calls += (("nanquantile", Q, None), ("percentile", 40, 1))
    with backend_context(backend):
        for data in sorted(DATA) if backend == "numpy" else ("int32", "float64, NaN"):
            x = DATA[data]
            a = to_backend(backend, x)
            for name, q, axis in calls:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # (NumPy's warning of a NaN slice)
                    want = np.asarray(getattr(np, name)(x, q, axis=axis, method=method))
                _same(to_numpy(getattr(xnp, name)(a, q, axis=axis, method=method)), want)


def test_quantile_methods_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    x, f = DATA["int32"], DATA["float64"]

    def two(a, b):  # (one compiled function: torch.compile takes seconds for each)
        return (xnp.quantile(a, 0.4, axis=1, method="closest_observation"),
                xnp.percentile(b, 25.0, axis=1, method="hazen"))

    with backend_context(backend):
        got = [to_numpy(r) for r in crossops.jit(two)(to_backend(backend, x),
                                                       to_backend(backend, f))]
    _same(got[0], np.quantile(x, 0.4, axis=1, method="closest_observation"))
    _same(got[1], np.percentile(f, 25.0, axis=1, method="hazen"))


@pytest.mark.parametrize("dt", ["bool", "int8", "float32"])
def test_nan_forms_of_empty_input_as_numpy(backend, dt):
    """No elements at all: NaN in a's float (float64 for bool and integers), whatever the
    method and whichever axes are reduced (an empty inner axis, or only a kept one)."""
    for shape, axis in (((2, 0), 1), ((0, 3), 0), ((2, 0), 0), ((2, 0, 3), 1), ((3, 0), None)):
        x = np.zeros(shape, dt)
        for method in ("lower", "inverted_cdf", "linear"):
            for keepdims in (False, True):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    want = np.asarray(np.nanquantile(x, 0.5, axis=axis, method=method,
                                                     keepdims=keepdims))
                with backend_context(backend):
                    got = to_numpy(xnp.nanquantile(to_backend(backend, x), 0.5, axis=axis,
                                                   method=method, keepdims=keepdims))
                _same(got, want)


def test_unknown_method_names_the_methods():
    with pytest.raises(ValueError, match="quantile: method must be one of linear"):
        xnp.quantile(np.arange(3.0), 0.5, method="cubic")


#: q in each form a user passes: a Python float stays weak; a list, a NumPy scalar or array
#: joins the dtype of the interpolating methods (NumPy: float32 a with [0.5] gives float64)
Q_FORMS = (0.5, [0.25, 0.5], (0.1,), np.float64(0.5), np.float32(0.75), np.float16([0.5]),
           np.array([[0.2, 1.0], [0.0, 0.7]]))


@pytest.mark.parametrize("method", ["linear", "hazen", "lower", "inverted_cdf"])
def test_q_forms_as_numpy(backend, method):
    """Every form of q, as host data on every backend (no warning: jax without x64 gets its
    own index dtype); NumPy's values, and on numpy NumPy's dtype too."""
    x = np.array([[0.5, -1.25, 3.0, 2.0], [9.0, -4.0, 0.0, 5.0]], np.float32)
    with backend_context(backend):
        a = to_backend(backend, x)
        for q in Q_FORMS:
            want = np.quantile(x, q, axis=1, method=method)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = to_numpy(xnp.quantile(a, q, axis=1, method=method))
            if backend == "numpy":
                _same(got, want)
                continue
            np.testing.assert_allclose(got, want, rtol=1e-6)
            assert got.shape == want.shape
            # the dtype: q as the backend reads host data (a list: float32 on torch, jax
            # and tensorflow), joined as in any other op's promotion (a Python float weak)
            joined = xnp.add(a[:1, :1], q) if method not in ("lower", "inverted_cdf") else a
            assert name_of(got.dtype) == name_of(to_numpy(joined).dtype), (q, got.dtype)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_linear_quantile_is_numpys_bit_for_bit(backend, dtype):
    """The default call, a Python float or int q along an axis or all of them (numpy:
    NumPy's own; torch: one sort): NumPy's weight and 1 - weight each rounded to the
    data's float, and NumPy's lerp at the infinities (a float q whose weight is 0 gives
    inf - inf's NaN there, an int q the element); first call and next, keepdims too."""
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((6, 11)) * 10.0 ** rng.integers(-3, 4, (6, 1))).astype(dtype)
    x[2, 3], x[4, :2], x[5, 5] = np.nan, (-np.inf, np.inf), np.inf
    with backend_context(backend):
        a = to_backend(backend, x)
        for q in (*map(float, rng.random(6)), 0.0, 1.0, 0.5, 0, 1, 0.3):
            for axis in (None, 0, 1, -1):
                for keepdims in (False, True):
                    for name, scale in (("quantile", 1), ("percentile", 100)):
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            want = np.asarray(getattr(np, name)(x, q * scale, axis=axis,
                                                                keepdims=keepdims))
                        for _ in range(2):
                            _same(to_numpy(getattr(xnp, name)(a, q * scale, axis=axis,
                                                              keepdims=keepdims)), want)


@pytest.mark.parametrize("q", [1.5, -0.1, float("nan"), [0.2, 1.01], (0.5, float("nan")),
                               np.array([0.1, 2.0])])
def test_quantiles_outside_their_range_raise(backend, q):
    """NumPy's check of q, in each form's range and name (an array's values read
    eagerly)."""
    with backend_context(backend):
        a = to_backend(backend, np.arange(8.0))
        for name, scale in (("quantile", 1), ("nanquantile", 1), ("percentile", 100),
                            ("nanpercentile", 100)):
            qs = (to_backend(backend, q * scale) if isinstance(q, np.ndarray)
                  else [v * scale for v in q] if isinstance(q, list | tuple) else q * scale)
            top = 100 if scale == 100 else 1
            with pytest.raises(ValueError, match=rf"{name}: every q must lie in \[0, {top}\]"):
                getattr(xnp, name)(a, qs)
