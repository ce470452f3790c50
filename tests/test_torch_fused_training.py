"""The fused kernels of eager torch training (issue 19) against independent references:
BatchNormalization's training call by torch's batch-norm kernel (its output, the gradient
through the batch statistics, the moving statistics) against float64 NumPy, and at its
edges (a large mean, one value per channel, half precision)."""

from __future__ import annotations

import numpy as np
import pytest

from crossops import layers

from .backends import backend_context

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)


def _numpy_batch_norm(x, gamma, beta, dy, axis, eps):
    """Output and gradients (x, gamma, beta) of training batch normalisation, float64."""
    reduce = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    g, b = gamma.reshape(shape), beta.reshape(shape)
    n = x.size // x.shape[axis]
    mean = x.mean(reduce, keepdims=True)
    var = x.var(reduce, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv
    dxhat = dy * g
    dx = inv / n * (n * dxhat - dxhat.sum(reduce, keepdims=True)
                    - xhat * (dxhat * xhat).sum(reduce, keepdims=True))
    return (xhat * g + b, dx, (dy * xhat).sum(reduce), dy.sum(reduce),
            mean.reshape(-1), var.reshape(-1))


@pytest.mark.parametrize("axis", [-1, 1])
@pytest.mark.parametrize("offset", [0.0, 1e3])
def test_batch_normalization_training_matches_float64(axis, offset):
    x = (RNG.standard_normal((4, 5, 3, 6)) + offset).astype(np.float32)
    channels = x.shape[axis]
    gamma = RNG.uniform(0.5, 2.0, channels).astype(np.float32)
    beta = RNG.standard_normal(channels).astype(np.float32)
    dy = RNG.standard_normal(x.shape).astype(np.float32)
    with backend_context("torch"):
        bn = layers.BatchNormalization(axis=axis, momentum=0.9)
        bn.build(x.shape)
        bn.gamma.assign(torch.from_numpy(gamma))
        bn.beta.assign(torch.from_numpy(beta))
        xt = torch.from_numpy(x).requires_grad_(True)
        out = bn(xt, training=True)
        grads = torch.autograd.grad((out * torch.from_numpy(dy)).sum(),
                                    [xt, bn.gamma.value, bn.beta.value])
    want, dx, dgamma, dbeta, mean, var = _numpy_batch_norm(
        x.astype(np.float64), gamma.astype(np.float64), beta.astype(np.float64),
        dy.astype(np.float64), axis, 1e-3)
    # float32's rounding of inputs near ``offset`` (its spacing there) bounds the error
    ulp = float(np.spacing(np.float32(1 + offset)))
    np.testing.assert_allclose(out.detach().numpy(), want, atol=1e-5 + 8 * ulp)
    np.testing.assert_allclose(grads[0].numpy(), dx, atol=(1e-5 + 8 * ulp) * np.abs(dx).max())
    np.testing.assert_allclose(grads[1].numpy(), dgamma, rtol=1e-4 + 8 * ulp, atol=1e-4)
    np.testing.assert_allclose(grads[2].numpy(), dbeta, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.1 * mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), 0.9 + 0.1 * var, rtol=1e-5)
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
    x = RNG.standard_normal((8, 3, 4)).astype(np.float32)
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
    x = torch.from_numpy(RNG.standard_normal((5, 3)).astype(np.float32))
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
