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
