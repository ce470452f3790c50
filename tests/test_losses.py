"""The losses against Keras 3's own (the reference): per-example functions and classes
with every reduction and sample weights, on every backend, eager and compiled."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crossops import losses

from .backends import backend_context, to_backend, to_numpy

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras (the reference) is not installed")

RNG = np.random.default_rng(0)
PROBS = RNG.dirichlet(np.ones(4), size=(5,)).astype(np.float32)
ONE_HOT = np.eye(4, dtype=np.float32)[RNG.integers(0, 4, 5)]
LOGITS = RNG.standard_normal((5, 4)).astype(np.float32) * 3
REAL = RNG.standard_normal((5, 4)).astype(np.float32)
REAL2 = RNG.standard_normal((5, 4)).astype(np.float32)
BIN = (RNG.random((5, 4)) > 0.5).astype(np.float32)
SPARSE = RNG.integers(0, 4, 5).astype(np.int32)

# class name, constructor kwargs, y_true, y_pred
CASES = {
    "mse": ("MeanSquaredError", {}, REAL, REAL2),
    "mae": ("MeanAbsoluteError", {}, REAL, REAL2),
    "huber": ("Huber", {"delta": 0.5}, REAL, REAL2),
    "log_cosh": ("LogCosh", {}, REAL, REAL2),
    "hinge_binary": ("Hinge", {}, BIN, REAL2),
    "hinge_signed": ("Hinge", {}, 2 * BIN - 1, REAL2),
    "kld": ("KLDivergence", {}, PROBS, PROBS[::-1].copy()),
    "bce": ("BinaryCrossentropy", {}, BIN, 1 / (1 + np.exp(-REAL2))),
    "bce_logits_smooth": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2},
                          BIN, REAL2),
    "cce": ("CategoricalCrossentropy", {}, ONE_HOT, PROBS),
    "cce_logits_smooth": ("CategoricalCrossentropy",
                          {"from_logits": True, "label_smoothing": 0.1}, ONE_HOT, LOGITS),
    "focal": ("CategoricalFocalCrossentropy", {}, ONE_HOT, PROBS),
    "focal_logits": ("CategoricalFocalCrossentropy",
                     {"from_logits": True, "gamma": 1.5, "alpha": 0.5}, ONE_HOT, LOGITS),
    "scce": ("SparseCategoricalCrossentropy", {}, SPARSE, PROBS),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, SPARSE, LOGITS),
    "scce_ignore": ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2},
                    SPARSE, LOGITS),
}
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none"]
WEIGHTS = RNG.random(5).astype(np.float32)


def _keras(cls_name, kwargs, reduction, y_true, y_pred, sample_weight):
    import keras
    loss = getattr(keras.losses, cls_name)(reduction=reduction, **kwargs)
    return keras.ops.convert_to_numpy(loss(y_true, y_pred, sample_weight=sample_weight))


def _ours(backend, cls_name, kwargs, reduction, y_true, y_pred, sample_weight, compile_=None):
    loss = getattr(losses, cls_name)(reduction=reduction, **kwargs)
    with backend_context(backend):
        args = [to_backend(backend, a) for a in (y_true, y_pred)]
        sw = None if sample_weight is None else to_backend(backend, sample_weight)

        def f(t, p):
            return loss(t, p, sample_weight=sw)
        return to_numpy((compile_(f) if compile_ else f)(*args))


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_loss_matches_keras(case, weighted, backend):
    cls_name, kwargs, y_true, y_pred = CASES[case]
    sw = WEIGHTS if weighted else None
    for reduction in REDUCTIONS:
        want = _keras(cls_name, kwargs, reduction, y_true, y_pred, sw)
        got = _ours(backend, cls_name, kwargs, reduction, y_true, y_pred, sw)
        assert got.dtype == np.float32, (reduction, got.dtype)
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6, err_msg=reduction)


@pytest.mark.parametrize("case", ["cce_logits_smooth", "scce_ignore", "hinge_binary", "huber"])
def test_loss_compiles(case, cbackend):
    if cbackend == "jax":
        import jax
        compile_ = jax.jit
    else:
        compile_ = _tf_function
    cls_name, kwargs, y_true, y_pred = CASES[case]
    eager = _ours(cbackend, cls_name, kwargs, "sum_over_batch_size", y_true, y_pred, WEIGHTS)
    compiled = _ours(cbackend, cls_name, kwargs, "sum_over_batch_size", y_true, y_pred,
                     WEIGHTS, compile_=compile_)
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)


def test_functions_are_per_example(backend):
    with backend_context(backend):
        out = losses.mean_squared_error(to_backend(backend, REAL), to_backend(backend, REAL2))
    np.testing.assert_allclose(to_numpy(out), np.mean((REAL - REAL2) ** 2, axis=-1), rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.MeanSquaredError(reduction="avg")
    with pytest.raises(TypeError, match="Huber: unknown arguments"):
        losses.Huber(alpha=1.0)
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        losses.categorical_crossentropy(ONE_HOT[:, :3], PROBS)


def _tf_function(f):
    """tf.function without autograph, as crossops.jit traces on TensorFlow: crossops code has
    no tensor-dependent Python control flow, and autograph's conversion of bound methods
    (Loss.call) fails depending on what the process traced before."""
    import tensorflow as tf
    return tf.function(f, autograph=False)
