"""Keras's common calls beyond the NumPy namespace (activations, ``logsumexp``, ``top_k``,
``layer_normalization``, ``dot_product_attention``, ``slice``) through the frameworks' own
kernels (torch's ``F.elu``, TensorFlow's ``Softplus``, jax's compiled
generic forms ...) against the generic forms on NumPy, at the edges: NaN, +-inf, +-0,
the kinks (0, +-1, +-3, 6), values where a form could overflow (a sixth of the largest
float) or cancel (near 0 and -3), float32 and float64, the first call (which fills the
caches) and the next (the C front's where it has a route).
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops.core as core
import crossops.math as xmath
import crossops.nn as nn
import crossops.numpy as xnp
from crossops.math._generic import logsumexp as generic_logsumexp

from .backends import backend_context, to_backend, to_numpy

#: (NumPy warns of its NaN and infinities at the edges, which the backends compute alike)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _edges(dtype) -> np.ndarray:
    big = np.finfo(dtype).max
    # (normal numbers only: XLA and TensorFlow flush subnormals to zero on the CPU)
    return np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-30, -1e-30, 1e-6, -1e-6, 1.0,
                     -1.0, 0.5, -0.5, 3.0, -3.0, -2.9981484, 6.0, -6.0, 20.0, 20.5, 40.0,
                     -14.07, -40.0, 88.0, -88.0, 700.0, big / 5, -big / 5, big, -big], dtype)


ACTIVATIONS = ["relu6", "leaky_relu", "elu", "selu", "celu", "softplus", "log_sigmoid",
               "hard_sigmoid", "hard_silu", "hard_swish", "swish", "softsign", "tanh_shrink",
               "hard_tanh"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_keep_the_generic_values(backend, name, dtype):
    x = _edges(dtype)
    with backend_context("numpy"), np.errstate(all="ignore"):
        expected = np.asarray(getattr(nn, name)(x))
    eps = float(np.finfo(dtype).eps)
    with backend_context(backend):
        for _ in range(2):
            out = to_numpy(getattr(nn, name)(to_backend(backend, x)))
            assert out.dtype == expected.dtype
            np.testing.assert_array_equal(np.isnan(out), np.isnan(expected), err_msg=name)
            np.testing.assert_allclose(out, expected, rtol=8 * eps, atol=8 * eps,
                                       err_msg=f"{name} at {x}")


@pytest.mark.parametrize("name,kwargs", [("leaky_relu", {"negative_slope": 0.5}),
                                         ("elu", {"alpha": 2.0}), ("celu", {"alpha": 0.5})])
def test_activation_options(backend, name, kwargs):
    x = _edges("float32")
    with backend_context("numpy"), np.errstate(all="ignore"):
        expected = np.asarray(getattr(nn, name)(x, **kwargs))
    with backend_context(backend):
        out = to_numpy(getattr(nn, name)(to_backend(backend, x), **kwargs))
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)


def test_half_precision_and_integers_compute_in_float32(backend):
    x = np.array([-4.0, -3.0, -0.5, 0.0, 2.0, 7.0], np.float16)
    with backend_context("numpy"):
        expected = {n: np.asarray(getattr(nn, n)(x)) for n in ACTIVATIONS}
        from_ints = {n: np.asarray(getattr(nn, n)(x.astype(np.int32))) for n in ACTIVATIONS}
    with backend_context(backend):
        for n in ACTIVATIONS:
            out = to_numpy(getattr(nn, n)(to_backend(backend, x)))
            assert out.dtype == np.float16, n
            np.testing.assert_allclose(out.astype(np.float32), expected[n].astype(np.float32),
                                       rtol=1e-3, atol=1e-3, err_msg=n)
            ints = to_numpy(getattr(nn, n)(to_backend(backend, x.astype(np.int32))))
            assert ints.dtype == from_ints[n].dtype, n
            np.testing.assert_allclose(ints, from_ints[n], rtol=1e-6, err_msg=n)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_glu_is_the_generic_ones_with_the_backends_sigmoid(backend, dtype):
    """glu is ``a * sigmoid(b)`` with the backend's own ``nn.sigmoid`` (torch's F.glu,
    jax.nn.glu, TensorFlow's Sigmoid kernel): those values bit for bit, along each axis,
    first call and next; the generic form's within a rounding; an odd size's error."""
    x = np.array([[np.nan, 1.0, -2.0, 0.0], [3.0, -np.inf, np.inf, 0.5],
                  [-30.0, 1e-3, 20.0, -0.0], [7.0, -7.0, 1e-30, 100.0]], dtype)
    with backend_context("numpy"), np.errstate(all="ignore"):
        expected = np.asarray(nn.glu(x))
    with backend_context(backend):
        t = to_backend(backend, x)
        for axis in (-1, 0, 1):
            # (half floats: in float32, rounded once, as every activation)
            a, b = np.split(x.astype(np.float32) if dtype == "float16" else x, 2, axis=axis)
            own = to_numpy(nn.sigmoid(to_backend(backend, b)))
            with np.errstate(all="ignore"):
                product = (a * own).astype(dtype)
            for _ in range(2):
                out = to_numpy(nn.glu(t) if axis == -1 else nn.glu(t, axis=axis))
                assert out.dtype == np.dtype(dtype)
                np.testing.assert_array_equal(out, product, err_msg=f"axis {axis}")
        rtol = 1e-3 if dtype == "float16" else 1e-6
        np.testing.assert_allclose(to_numpy(nn.glu(t)), expected, rtol=rtol)
        for _ in range(2):
            with pytest.raises(ValueError, match="glu"):
                nn.glu(to_backend(backend, x[:, :3]))


def test_logsumexp_at_the_edges(backend):
    x = np.array([[0.0, 1.0, 2.0], [np.inf, 1.0, 0.0], [-np.inf, -np.inf, -np.inf],
                  [np.nan, 0.0, 1.0], [np.inf, -np.inf, 3.0], [700.0, 700.0, -1e30]],
                 np.float32)
    with backend_context("numpy"), np.errstate(all="ignore"):  # (NumPy's own has a form)
        expected = {(a, k): np.asarray(generic_logsumexp(x, axis=a, keepdims=k))
                    for a in (None, 0, -1, (0, 1)) for k in (False, True)}
    with backend_context(backend):
        t = to_backend(backend, x)
        for (a, k), e in expected.items():
            out = to_numpy(xmath.logsumexp(t, axis=a, keepdims=k))
            assert out.shape == e.shape and out.dtype == e.dtype
            np.testing.assert_allclose(out, e, rtol=1e-6, err_msg=f"axis={a}, keepdims={k}")
        with pytest.raises(ValueError):  # an empty reduction: the generic's error
            xmath.logsumexp(to_backend(backend, np.zeros((2, 0), np.float32)))


def test_top_k_keeps_ties_in_index_order_and_nan_first(backend):
    x = np.array([[1.0, np.nan, 3.0, 3.0, -np.inf, np.nan, 0.0, -0.0],
                  [2.0, 2.0, 2.0, 1.0, 2.0, 5.0, 2.0, 2.0]], np.float32)
    with backend_context("numpy"):
        expected = {k: xmath.top_k(x, k) for k in (0, 1, 3, 8)}
    with backend_context(backend):
        t = to_backend(backend, x)
        for k, (values, indices) in expected.items():
            v, i = xmath.top_k(t, k)
            np.testing.assert_array_equal(to_numpy(v), values)
            np.testing.assert_array_equal(to_numpy(i), indices)
            assert to_numpy(i).dtype == np.int32


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8"])
def test_top_k_of_distinct_and_tied_rows_is_the_stable_sorts(backend, dtype):
    """Rows whose k largest are distinct (torch takes torch.topk there), rows where the
    k-th ties a value left out, or two of the k tie, or +0 meets -0: every k, every row,
    as the generic form on NumPy gives them; and the values' gradient lands on the
    indices."""
    rng = np.random.default_rng(0)
    distinct = rng.permutation(40).reshape(4, 10) - 20
    tied = rng.integers(-3, 4, (4, 10))
    zeros = np.array([[0.0, -0.0, 1.0, -1.0, 0.0, 2.0, -0.0, 3.0, -2.0, 0.0]] * 2)
    zeros[1] *= -1
    for rows in (distinct, tied, zeros if dtype != "int8" else tied[::-1]):
        x = rows.astype(dtype)
        with backend_context("numpy"):
            expected = [xmath.top_k(x, k) for k in range(11)]
        with backend_context(backend):
            t = to_backend(backend, x)
            for k, (values, indices) in enumerate(expected):
                v, i = xmath.top_k(t, k)
                np.testing.assert_array_equal(to_numpy(v), values)
                np.testing.assert_array_equal(np.signbit(to_numpy(v)), np.signbit(values))
                np.testing.assert_array_equal(to_numpy(i), indices)
    if backend == "torch":
        import torch

        t = torch.tensor(distinct.astype(np.float32), requires_grad=True)
        xmath.top_k(t, 3)[0].sum().backward()
        np.testing.assert_array_equal(t.grad.numpy(), distinct >= np.sort(distinct)[:, -3:-2])


def test_layer_normalization_takes_parameters_of_other_shapes_and_dtypes(backend):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4)).astype(np.float32)
    cases = [(None, None), (np.ones(4, np.float32) * 2, np.full(4, 0.5, np.float32)),
             (np.ones((1, 4), np.float32), None), (None, np.ones(4, np.float64))]
    with backend_context(backend):
        for gamma, beta in cases:
            with backend_context("numpy"):
                expected = np.asarray(nn.layer_normalization(x, gamma, beta))
            out = nn.layer_normalization(
                to_backend(backend, x), None if gamma is None else to_backend(backend, gamma),
                None if beta is None else to_backend(backend, beta))
            np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-5, atol=1e-6)
            assert to_numpy(out).dtype == expected.dtype


@pytest.mark.parametrize("starts,shape", [
    ((0, 0), (2, 3)), ([1, 2], [2, 2]), ((2, 4), (1, 0)), ((0, 0), (4, 5)), ((4, 5), (0, 0)),
    ((3, 0), (2, 2)), ((0, -1), (1, 2)), ((1, 1), (-1, 2)), ((True, 0), (1, 2)),
    ((np.int64(1), 2), (2, 2)), ((1, 2), [np.int32(2), 2]), ((2**70, 0), (1, 1))])
def test_slice_inside_and_clamped(backend, starts, shape):
    """Windows inside the array (the C front's indexing on numpy and torch), at its
    edges, empty, and clamped (jax.lax.dynamic_slice's rule), with NumPy ints, a bool and
    a huge start: the window that rule gives, made here by hand, first call and next."""
    x = np.arange(20, dtype=np.float32).reshape(4, 5)
    sizes = [d - min(max(int(s), 0), d) if n == -1 else int(n)
             for s, n, d in zip(starts, shape, x.shape)]
    first = [min(max(int(s), 0), d - n) for s, n, d in zip(starts, sizes, x.shape)]
    expected = x[tuple(slice(s, s + n) for s, n in zip(first, sizes))]
    with backend_context(backend):
        for _ in range(2):
            out = to_numpy(core.slice(to_backend(backend, x), starts, shape))
            np.testing.assert_array_equal(out, expected)
        with pytest.raises(ValueError, match="core.slice"):
            core.slice(to_backend(backend, x), (0,), (1, 1))


@pytest.mark.parametrize("starts", [(0, 0), [1, 2], (2, 3), (3, 4), (-2, 1), (True, 0),
                                    (np.int64(1), 2), (2**70, 0)])
def test_slice_update_inside_and_clamped(backend, starts):
    """Windows inside the array (the C front's copy and indexing on numpy and torch) and
    clamped ones (jax.lax.dynamic_update_slice's rule), updates of another dtype cast to
    the input's: the array that rule gives, made here by hand, first call and next; the
    input is never written."""
    x = np.arange(20, dtype=np.float32).reshape(4, 5)
    u = np.array([[-1.5, -2.5, -3.5], [-4.5, -5.5, -6.5]])  # (float64)
    first = [min(max(int(s), 0), d - n) for s, n, d in zip(starts, u.shape, x.shape)]
    expected = x.copy()
    expected[first[0]:first[0] + 2, first[1]:first[1] + 3] = u
    with backend_context(backend):
        t = to_backend(backend, x)
        for updates in (to_backend(backend, u), to_backend(backend, u.astype(np.float32))):
            for _ in range(2):
                out = to_numpy(core.slice_update(t, starts, updates))
                assert out.dtype == np.float32
                np.testing.assert_array_equal(out, expected)
        np.testing.assert_array_equal(to_numpy(t), x)
        out = core.slice_update(t, starts, u.astype(np.float32))  # (host updates)
        np.testing.assert_array_equal(to_numpy(out), expected)
        for _ in range(2):
            with pytest.raises(ValueError, match="core.slice_update: updates of shape"):
                core.slice_update(t, starts, to_backend(backend, u[0]))


@pytest.mark.parametrize("dtype", ["int8", "uint16", "bool"])
def test_slice_update_keeps_the_inputs_dtype(backend, dtype):
    """The common call (the C front's copy and write on numpy and torch) of integer and
    bool arrays, with float updates: cast to the input's dtype as the op's own path casts
    them (as NumPy's ``astype``)."""
    x = np.ones((3, 4), dtype)
    u = np.array([[0.0, 2.75, 7.0]])
    expected = x.copy()
    expected[1:2, 1:4] = u.astype(dtype)
    with backend_context(backend):
        for _ in range(2):
            out = to_numpy(core.slice_update(to_backend(backend, x), (1, 1),
                                             to_backend(backend, u)))
            assert out.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dot_product_attention_is_the_generic_ones(backend, dtype):
    rng = np.random.default_rng(0)
    q = rng.standard_normal((2, 3, 4, 8)).astype(dtype)
    k = rng.standard_normal((2, 5, 4, 8)).astype(dtype)
    v = rng.standard_normal((2, 5, 4, 6)).astype(dtype)
    cases = [{}, {"is_causal": True}, {"scale": 0.5}, {"mask": np.tril(np.ones((3, 5), bool))},
             {"bias": np.full((3, 5), -1.0, dtype)}]
    rtol = 1e-5 if dtype == "float32" else 1e-12
    for kwargs in cases:
        with backend_context("numpy"):
            expected = np.asarray(nn.dot_product_attention(q, k, v, **kwargs))
        with backend_context(backend):
            out = nn.dot_product_attention(
                to_backend(backend, q), to_backend(backend, k), to_backend(backend, v),
                **{n: to_backend(backend, a) if isinstance(a, np.ndarray) else a
                   for n, a in kwargs.items()})
        out = to_numpy(out)
        assert out.shape == expected.shape and out.dtype == expected.dtype
        np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol, err_msg=str(kwargs))


def test_logsumexp_is_the_generic_ones_bit_for_bit(backend):
    """The backends' own logsumexp (torch.logsumexp, NumPy's and TensorFlow's kernels in
    the generic's order) against the generic form on the same backend: the same bits."""
    rng = np.random.default_rng(0)
    for dtype in ("float32", "float64"):
        x = (rng.standard_normal((3, 4, 5)) * 30).astype(dtype)
        with backend_context(backend):
            t = to_backend(backend, x)
            for axis in (None, 0, -1, (0, 2)):
                for keepdims in (False, True):
                    out = to_numpy(xmath.logsumexp(t, axis=axis, keepdims=keepdims))
                    expected = to_numpy(generic_logsumexp(t, axis=axis, keepdims=keepdims))
                    assert out.dtype == expected.dtype and out.shape == expected.shape
                    np.testing.assert_array_equal(out, expected, err_msg=f"{axis} {keepdims}")


@pytest.mark.parametrize("targets_dtype", ["int32", "int64"])
def test_in_top_k_counts_ties_in_and_nan_out(backend, targets_dtype):
    """Ties at the k-th count in, a NaN target is in no top k, and infinities: as the
    generic form on NumPy gives them, for every k (TensorFlow's InTopKV2 takes the rows
    that are all finite), first call and next."""
    p = np.array([[0.1, 0.5, 0.5, 0.2], [3.0, 2.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0],
                  [0.0, 0.0, 0.0, 5.0], [-0.0, 0.0, 1.0, -1.0]], np.float32)
    odd = p.copy()
    odd[0, 0], odd[1, 1], odd[3, 3] = np.nan, np.inf, -np.inf
    targets = np.array([2, 0, 3, 1, 0], targets_dtype)
    for predictions in (p, odd):
        with backend_context("numpy"):
            expected = [np.asarray(xmath.in_top_k(targets, predictions, k)) for k in range(6)]
        with backend_context(backend):
            t, q = to_backend(backend, targets), to_backend(backend, predictions)
            for k, e in enumerate(expected):
                for _ in range(2):
                    np.testing.assert_array_equal(to_numpy(xmath.in_top_k(t, q, k)), e)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_erf_at_the_edges(backend, dtype):
    """erf at +-0, the infinities, NaN, where it rounds to +-1 and far past it (float64
    infinities: TensorFlow's kernel gives NaN there, crossops clamps), against Python's
    math.erf within two units in the last place."""
    import math

    x = np.array([0.0, -0.0, 1e-30, 0.5, -0.5, 3.9, 4.0, 6.0, -6.0, 10.0, 27.0, 1e2, -1e3,
                  1e30, np.inf, -np.inf, np.nan], np.float64)
    with np.errstate(over="ignore"):  # (float16: 1e30 and 1e3 are infinities)
        x = x.astype(dtype)
    expected = np.array([math.erf(v) for v in x.astype(np.float64)]).astype(dtype)
    with backend_context(backend):
        out = to_numpy(xmath.erf(to_backend(backend, x)))
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(x))
    np.testing.assert_array_equal(np.signbit(out), np.signbit(x))
    ulp = np.spacing(np.abs(expected).astype(dtype))
    assert (np.abs(out - expected)[~np.isnan(x)] <= 2 * ulp[~np.isnan(x)]).all(), (x, out)


def test_torch_host_checks_stand_aside_inside_torch_func(backend):
    """torch's top_k and floor_divide read values on the host (tie and special-value
    checks); inside torch.func's vmap and grad, whose wrappers have no storage, they take
    their other forms, with the same values."""
    if backend != "torch":
        pytest.skip("torch.func transforms are torch's")
    import torch

    x, y = torch.randn(3, 5), torch.randn(3, 5)
    np.testing.assert_array_equal(
        torch.func.vmap(lambda a, b: xnp.floor_divide(a, b))(x, y).numpy(),
        xnp.floor_divide(x, y).numpy())
    np.testing.assert_array_equal(torch.func.vmap(lambda a: xmath.top_k(a, 2)[1])(x).numpy(),
                                  xmath.top_k(x, 2)[1].numpy())
    grad = torch.func.grad(lambda a: xmath.top_k(a, 2)[0].sum())(torch.tensor([1., 5., 3., 4.]))
    np.testing.assert_array_equal(grad.numpy(), [0.0, 1.0, 0.0, 1.0])
