"""The fused kernels of eager torch training (issue 19) against independent references:
BatchNormalization's training call by torch's batch-norm kernel (its output, the gradient
through the batch statistics, the moving statistics) against float64 NumPy, and at its
edges (a large mean, one value per channel, half precision); EinsumDense's Dense-shaped
equations by torch's fused Dense."""

from __future__ import annotations

import numpy as np
import pytest

from crossops import layers

from .backends import backend_context

torch = pytest.importorskip("torch")

U = 2.0 ** -24  # float32's unit roundoff


def _gamma(k):
    """Higham's gamma_k = k u / (1 - k u): a float32 sum of k + 1 terms (in any order, or
    pairwise) is off by at most gamma_k times the sum of their magnitudes; k roundings in
    a product, gamma_k relative."""
    return k * U / (1 - k * U)


def _assert_within(got, want, bound, what):
    err = np.abs(np.asarray(got, np.float64) - want)
    assert np.all(err <= bound), f"{what}: off by up to {np.max(err / bound):.3g} of its bound"


def _numpy_batch_norm(x, gamma, beta, dy, axis, eps, mean=None, var=None):
    """Output and gradients (x, gamma, beta) of training batch normalisation, float64, and
    the bounds of a float32 computation's rounding errors in each: with the batch's
    statistics, or exactly at the statistics ``mean`` and ``var`` (as a kernel's float32
    statistics, which carry their own rounding, give them)."""
    reduce = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    g, b = gamma.reshape(shape), beta.reshape(shape)
    n = x.size // x.shape[axis]
    mean = x.mean(reduce, keepdims=True) if mean is None else mean.reshape(shape)
    var = x.var(reduce, keepdims=True) if var is None else var.reshape(shape)
    inv = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv
    dxhat = dy * g
    dx = inv / n * (n * dxhat - dxhat.sum(reduce, keepdims=True)
                    - xhat * (dxhat * xhat).sum(reduce, keepdims=True))
    # each value's roundings: the inverse deviation (var's rescaling to and from the
    # unbiased variance, + eps, sqrt, 1/: 4u relative), a few per element, and a sum of
    # n terms (gamma_n of its terms' magnitudes); torch's output is x * a + (b - mean * a)
    # with a = gamma * inv: a rounding of x * a, as large as x's (|x| >> |x - mean| at
    # an offset), not of xhat
    def abs_mean(v):
        return np.abs(v).sum(reduce, keepdims=True) / n
    bounds = (_gamma(10) * ((np.abs(x) + np.abs(mean)) * inv * np.abs(g) + np.abs(b)),
              _gamma(n + 10) * inv * (np.abs(dxhat) + abs_mean(dxhat)
                                      + np.abs(xhat) * abs_mean(dxhat * xhat)),
              _gamma(n + 6) * np.abs(dy * xhat).sum(reduce),
              _gamma(n) * np.abs(dy).sum(reduce))
    return (xhat * g + b, dx, (dy * xhat).sum(reduce), dy.sum(reduce)), bounds


@pytest.mark.parametrize("axis", [-1, 1])
@pytest.mark.parametrize("offset", [0.0, 1e3])
def test_batch_normalization_training_matches_float64(axis, offset):
    """The kernel's batch statistics are float64's within float32 summation's error (the
    mean off by up to a few of its spacings at an offset of 1e3: channels-last, as axis=-1
    reads it, torch sums in float32), and its output and gradients are float64's at those
    statistics within float32 rounding. (At the exact statistics a gradient can be off by
    more than its own rounding: a mean off by d shifts every normalised value of its
    channel by d / std, and so d(gamma) by d / std * d(beta).) The moving statistics are
    the momentum's mix of them."""
    from crossops import nn
    rng = np.random.default_rng([3, axis % 4, int(offset)])
    x = (rng.standard_normal((4, 5, 3, 6)) + offset).astype(np.float32)
    channels = x.shape[axis]
    gamma = rng.uniform(0.5, 2.0, channels).astype(np.float32)
    beta = rng.standard_normal(channels).astype(np.float32)
    dy = rng.standard_normal(x.shape).astype(np.float32)
    with backend_context("torch"):
        bn = layers.BatchNormalization(axis=axis, momentum=0.9)
        bn.build(x.shape)
        bn.gamma.assign(torch.from_numpy(gamma))
        bn.beta.assign(torch.from_numpy(beta))
        xt = torch.from_numpy(x).requires_grad_(True)
        out = bn(xt, training=True)
        grads = torch.autograd.grad((out * torch.from_numpy(dy)).sum(),
                                    [xt, bn.gamma.value, bn.beta.value])
        _, mean, var = nn.batch_normalization_training(torch.from_numpy(x), axis, epsilon=1e-3)
    mean, var = mean.numpy().astype(np.float64), var.numpy().astype(np.float64)
    x64, g64, b64, dy64 = (a.astype(np.float64) for a in (x, gamma, beta, dy))
    reduce = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    n = x.size // channels
    want_mean, want_var = x64.mean(reduce), x64.var(reduce)
    # a float32 sum of n values and its division by n (rounded twice)
    mean_err = _gamma(n) * np.abs(x64).mean(reduce) + _gamma(2) * np.abs(want_mean)
    _assert_within(mean, want_mean, mean_err, "mean")
    # a sum of n squares of differences from a mean off by d: var + d^2, and its roundings
    _assert_within(var, want_var, _gamma(n + 6) * (want_var + mean_err ** 2) + mean_err ** 2,
                   "variance")
    wants, bounds = _numpy_batch_norm(x64, g64, b64, dy64, axis, 1e-3, mean, var)
    for what, got, want, bound in zip(("output", "d(x)", "d(gamma)", "d(beta)"),
                                      (out.detach(), *grads), wants, bounds):
        _assert_within(got.numpy(), want, bound, what)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * mean, rtol=_gamma(3))
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=_gamma(3))
    assert out.shape == xt.shape and out.is_contiguous()


def test_batch_normalization_training_edges():
    """One value per channel (variance 0: the generic form) and bfloat16 (the generic
    form, in float32) give what the inference formula gives with the batch's
    statistics."""
    with backend_context("torch"):
        bn = layers.BatchNormalization()
        one = torch.tensor([[1.0, -2.0, 3.0]])
        np.testing.assert_array_equal(bn(one, training=True).detach().numpy(), np.zeros((1, 3)))
        np.testing.assert_allclose(bn.moving_mean.numpy(), [0.01, -0.02, 0.03], rtol=1e-6)
        half = torch.tensor([[1.0, 2.0], [3.0, 6.0]], dtype=torch.bfloat16)
        bn2 = layers.BatchNormalization(dtype="mixed_bfloat16")
        got = bn2(half, training=True)
        assert got.dtype == torch.bfloat16
        want = np.array([[-1.0, -1.0], [1.0, 1.0]]) * np.array([1, 2]) / np.sqrt(
            np.array([1, 4]) + 1e-3)
        np.testing.assert_allclose(got.float().detach().numpy(), want, rtol=1e-2)


def test_batch_normalization_layer_trains_through_the_fused_op(monkeypatch):
    """BatchNormalization's training call is the op nn.batch_normalization_training of the
    dispatch table, which torch runs as one F.batch_norm call (float32, eager); the op
    itself gives NumPy's float64 batch statistics and output."""
    import torch.nn.functional as F

    from crossops import nn
    calls = []
    real = F.batch_norm

    def counted(*args, **kwargs):
        calls.append(kwargs.get("training"))
        return real(*args, **kwargs)
    monkeypatch.setattr(F, "batch_norm", counted)
    x = np.random.default_rng(4).standard_normal((8, 3, 4)).astype(np.float32)
    with backend_context("torch"):
        bn = layers.BatchNormalization(axis=1)
        bn(torch.from_numpy(x), training=True)
        assert calls == [True]
        out, mean, var = nn.batch_normalization_training(torch.from_numpy(x), 1, epsilon=1e-3)
        assert calls == [True, True]
    x64 = x.astype(np.float64)
    want_mean, want_var = x64.mean((0, 2)), x64.var((0, 2))
    np.testing.assert_allclose(mean.numpy(), want_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), want_var, rtol=1e-5)
    want = (x64 - want_mean[:, None]) / np.sqrt(want_var[:, None] + 1e-3)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-5)


# -- EinsumDense as a Dense ----------------------------------------------------------------

@pytest.mark.parametrize("equation, output_shape, bias_axes, dtype, fused", [
    ("ab,bc->ac", 4, "c", "float32", True),
    ("abc,cd->abd", (None, 4), "d", "float32", True),
    ("...b,bc->...c", 4, "c", "float64", True),
    ("abc,cd->abd", (None, 4), None, "float32", True),  # no bias: one matmul
    ("abc,cd->abd", (None, 4), "bd", "float32", False),  # a bias on two axes
    ("abc,cde->abde", (None, 2, 2), "e", "float32", False),  # a 3-D kernel
    ("abc,cd->bad", (None, 4), "d", "float32", False),  # the output's axes reordered
    ("abc,dc->abd", (None, 4), "d", "float32", False),  # the kernel's axes reordered
    ("abc,cd->abd", (None, 4), "d", "mixed_bfloat16", False),  # half: einsum + add
], ids=lambda v: str(v))
def test_einsum_dense_takes_the_fused_dense_where_it_is_one(equation, output_shape, bias_axes,
                                                            dtype, fused, monkeypatch):
    """An EinsumDense whose equation and bias are a Dense's runs torch's fused Dense
    (addmm / F.linear) in float32 and float64: its output and gradients are float64's
    within a float32 dot product's rounding (gamma_k of the terms' magnitudes, k the
    terms summed plus the bias); any other equation, bias or a half-precision policy
    runs einsum + add as ever (the same bits as the layer's generic path)."""
    import crossops.backends.torch.layers as torch_layers
    taken = []
    real = torch_layers.dense

    def counted(*args):
        out = real(*args)
        taken.append(out is not None)
        return out
    monkeypatch.setattr(torch_layers, "dense", counted)
    x = np.random.default_rng(8).standard_normal((2, 3, 5))
    x = x[0] if equation.startswith("ab,") else x
    with backend_context("torch"):
        layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes,
                                   bias_initializer="random_normal", dtype=dtype)
        layer.build(x.shape)
        assert layer._dense_form == (fused or dtype == "mixed_bfloat16")
        results = []
        for dense_form in (layer._dense_form, False):
            layer._dense_form = dense_form
            xt = torch.from_numpy(x.astype(layer.dtype if dtype != "mixed_bfloat16"
                                           else np.float32)).requires_grad_(True)
            y = layer(xt)
            weights = [w.value for w in (layer.kernel, layer.bias) if w is not None]
            dy = torch.from_numpy(np.random.default_rng(9).standard_normal(y.shape)).to(y.dtype)
            results.append((y.detach(), torch.autograd.grad((y * dy).sum(), [xt, *weights])))
    assert any(taken) == fused
    (y, grads), (y_generic, grads_generic) = results
    if not fused:
        assert torch.equal(y, y_generic)
        assert all(torch.equal(g, h) for g, h in zip(grads, grads_generic))
        return
    k = layer.kernel.numpy().astype(np.float64)
    b = np.zeros(k.shape[1]) if layer.bias is None else layer.bias.numpy().astype(np.float64)
    x64, dy64 = x.astype(np.float64), dy.numpy().astype(np.float64)
    u = 2.0 ** -53 if dtype == "float64" else U
    rows = x64.reshape(-1, k.shape[0]), dy64.reshape(-1, k.shape[1])
    # (value, bound): y = x k + b, dx = dy k^T, dk = x^T dy, db = sum of dy over the rows
    checks = [(rows[0] @ k + b, (np.abs(rows[0]) @ np.abs(k) + np.abs(b)) * (k.shape[0] + 1)),
              (rows[1] @ k.T, np.abs(rows[1]) @ np.abs(k.T) * k.shape[1]),
              (rows[0].T @ rows[1], np.abs(rows[0].T) @ np.abs(rows[1]) * len(rows[0])),
              (rows[1].sum(0), np.abs(rows[1]).sum(0) * len(rows[0]))]
    for what, got, (want, bound) in zip(("output", "d(x)", "d(kernel)", "d(bias)"),
                                        (y, *grads), checks):
        _assert_within(got.numpy().reshape(want.shape), want, bound * u / (1 - 8 * u), what)
    assert y.dtype == y_generic.dtype and y.shape == y_generic.shape


# -- sparse categorical crossentropy by torch's kernels -----------------------------------

def _scce_cases():
    """(id, target, output, kwargs): the edges where the kernel must give the generic
    form's values and gradients."""
    g = np.random.default_rng(5)
    logits = g.standard_normal((6, 4)).astype(np.float32) * 3
    ids = np.array([0, 3, 1, 2, 3, 0])  # class 0 and class n - 1
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    hot = np.eye(4, dtype=np.float32)[ids]  # exact 0 and 1 probabilities
    wrong = np.eye(4, dtype=np.float32)[(ids + 1) % 4]
    cases = [
        ("logits", ids, logits, {"from_logits": True}),
        ("ties", ids, np.zeros((6, 4), np.float32), {"from_logits": True}),
        ("large", ids, logits * 1e4 / 3, {"from_logits": True}),
        ("small", ids, -logits * 1e4 / 3, {"from_logits": True}),
        ("float64", ids, logits.astype(np.float64), {"from_logits": True}),
        ("float16", ids, (logits * 1e3).astype(np.float16), {"from_logits": True}),
        ("bfloat16", ids, logits, {"from_logits": True, "dtype": torch.bfloat16}),
        ("batch1", ids[:1], logits[:1], {"from_logits": True}),
        ("empty", ids[:0], logits[:0], {"from_logits": True}),
        ("int32_column", ids[:, None].astype(np.int32), logits, {"from_logits": True}),
        ("uint8_300_classes", np.array([0, 255, 44, 7], np.uint8),
         g.standard_normal((4, 300)).astype(np.float32), {"from_logits": True}),
        ("axis1", ids.reshape(2, 3), logits.reshape(2, 3, 4).transpose(0, 2, 1).copy(),
         {"from_logits": True, "axis": 1}),
        ("probs", ids, probs, {}),
        ("probs_exact", ids, hot, {}),
        ("probs_zero", ids, wrong, {}),
        ("probs_float16", ids, wrong.astype(np.float16), {}),
        ("out_of_range", np.array([-1, 4, 7, -100, 0, 3]), logits, {"from_logits": True}),
        ("out_of_range_probs", np.array([-1, 4, 7, -100, 0, 3]), probs, {}),
    ]
    return cases


@pytest.mark.parametrize("case", _scce_cases(), ids=lambda c: c[0])
def test_sparse_categorical_crossentropy_kernel_matches_the_generic(case, monkeypatch):
    """The torch kernel (F.cross_entropy / F.nll_loss) gives the generic form's values and
    gradients, bit for bit up to the sign of a zero (an id out of range gives 0, where the
    generic's sum of zeros negated is -0.0), dtype and shape included; the op runs it."""
    import torch.nn.functional as F

    from crossops import nn
    from crossops.nn._normalization import sparse_categorical_crossentropy as generic
    _, ids, out, kwargs = case
    kwargs = dict(kwargs)
    dtype = kwargs.pop("dtype", None)
    calls = []
    for fused in (F.cross_entropy, F.nll_loss):
        monkeypatch.setattr(F, fused.__name__, lambda *a, _f=fused, **k: (
            calls.append(_f.__name__), _f(*a, **k))[1])
    results = []
    for f in (nn.sparse_categorical_crossentropy, generic):
        x = torch.from_numpy(out)
        x = (x if dtype is None else x.to(dtype)).requires_grad_(True)
        value = f(torch.from_numpy(ids), x, **kwargs)
        weights = torch.arange(1.0, value.numel() + 1).reshape(value.shape)
        (grad,) = torch.autograd.grad((value.float() * weights).sum(), x, allow_unused=True)
        results.append((value.detach(), torch.zeros_like(x) if grad is None else grad))
    assert calls, "the op did not run torch's kernel"
    (value, grad), (want, want_grad) = results
    assert value.dtype == want.dtype and value.shape == want.shape
    assert torch.equal(value, want) or torch.allclose(value, want, rtol=0, atol=0,
                                                      equal_nan=True)
    assert torch.equal(grad, want_grad)


def test_sparse_categorical_crossentropy_kernel_matches_keras():
    """The loss class on torch against Keras's (its default backend) at the edges where
    both are defined: ties, logits of +-1e4, class 0 and n - 1, a batch of one, exact 0/1
    probabilities. (An id out of range gives 0 here, as the generic form; Keras's torch
    backend raises IndexError from F.cross_entropy, its TensorFlow backend another error.)"""
    keras = pytest.importorskip("keras")
    from crossops import losses
    ids = np.array([0, 3, 1, 3], np.int32)
    logits = np.array([[0, 0, 0, 0], [1e4, -1e4, 0, 1e4], [-1e4, 1e4, 3, 2], [1, 2, 3, 4]],
                      np.float32)
    probs = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0.2, 0.3, 0.5, 0], [0, 0, 0, 1]],
                     np.float32)
    for out, from_logits in ((logits, True), (probs, False), (logits[:1], True)):
        y = ids[:len(out)]
        want = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)(y, out)
        with backend_context("torch"):
            got = losses.SparseCategoricalCrossentropy(from_logits=from_logits)(
                torch.from_numpy(y), torch.from_numpy(out))
        np.testing.assert_allclose(got.numpy(), keras.ops.convert_to_numpy(want), rtol=2e-5)


def test_sparse_categorical_crossentropy_generic_under_torch_func():
    """Inside a torch.func transform the kernel steps aside (the generic form runs) and
    the gradient is the same as autograd's through the kernel."""
    from crossops import nn
    x = torch.from_numpy(np.random.default_rng(6).standard_normal((5, 3)).astype(np.float32))
    ids = torch.tensor([0, 2, 1, 1, 0])

    def f(o):
        return nn.sparse_categorical_crossentropy(ids, o, from_logits=True).sum()
    xr = x.clone().requires_grad_(True)
    (want,) = torch.autograd.grad(f(xr), xr)
    np.testing.assert_allclose(torch.func.grad(f)(x).numpy(), want.numpy(), rtol=1e-6)


def test_eager_value_and_grad_builds_no_torch_func_transform(monkeypatch):
    """An eager value_and_grad runs by autograd: a new value_and_grad(f) per step (a
    closure over the batch) builds no torch.func transform; a nested call (which needs
    one) builds it once for its wrapper."""
    import crossops
    import crossops.numpy as xnp
    built = []
    real = torch.func.grad_and_value

    def counted(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(torch.func, "grad_and_value", counted)
    x = torch.tensor([1.0, 2.0])
    for _ in range(3):
        value, grad = crossops.value_and_grad(lambda t: xnp.sum(t * t))(x)
    assert built == [] and float(value) == 5.0 and grad.tolist() == [2.0, 4.0]
    inner = crossops.value_and_grad(lambda t: xnp.sum(t ** 3))
    outer = crossops.grad(lambda t: inner(t)[1].sum())
    assert outer(x).tolist() == [6.0, 12.0] and outer(x).tolist() == [6.0, 12.0]
    assert len(built) == 1
