"""The metrics against Keras 3's own (the reference), on every backend; the stateless API
is pure and traces under jax.jit / tf.function."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crossops import metrics

from .backends import backend_context, to_backend, to_numpy

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras (the reference) is not installed")

RNG = np.random.default_rng(1)
N, C = 12, 5
PROBS = RNG.dirichlet(np.ones(C), size=N).astype(np.float32)
LABELS = RNG.integers(0, C, N).astype(np.int32)
ONE_HOT = np.eye(C, dtype=np.float32)[LABELS]
SCORES = RNG.random((N, 3)).astype(np.float32)
BIN = (RNG.random((N, 3)) > 0.4).astype(np.float32)
VALUES = RNG.standard_normal((N, 3)).astype(np.float32)
WEIGHTS = RNG.random(N).astype(np.float32)

# metric class, constructor kwargs, update arguments (two batches are the halves)
CASES = {
    "mean": ("Mean", {}, (VALUES,)),
    "sum": ("Sum", {}, (VALUES,)),
    "accuracy": ("Accuracy", {}, (LABELS, np.where(WEIGHTS > 0.5, LABELS, 0).astype(np.int32))),
    "binary_accuracy": ("BinaryAccuracy", {"threshold": 0.3}, (BIN, SCORES)),
    "categorical_accuracy": ("CategoricalAccuracy", {}, (ONE_HOT, PROBS)),
    "sparse_categorical_accuracy": ("SparseCategoricalAccuracy", {}, (LABELS, PROBS)),
    "top_k": ("TopKCategoricalAccuracy", {"k": 2}, (ONE_HOT, PROBS)),
    "mse": ("MeanSquaredError", {}, (VALUES, SCORES)),
    "mae": ("MeanAbsoluteError", {}, (VALUES, SCORES)),
    "precision": ("Precision", {}, (BIN, SCORES)),
    "precision_thresholds": ("Precision", {"thresholds": [0.2, 0.5, 0.8]}, (BIN, SCORES)),
    "precision_top_k_class": ("Precision", {"top_k": 2, "class_id": 1}, (BIN, SCORES)),
    "recall": ("Recall", {"thresholds": [0.3, 0.6]}, (BIN, SCORES)),
    "recall_class": ("Recall", {"class_id": 2}, (BIN, SCORES)),
    "auc_roc": ("AUC", {}, (BIN, SCORES)),
    "auc_pr": ("AUC", {"curve": "PR"}, (BIN, SCORES)),
    "auc_roc_minoring": ("AUC", {"summation_method": "minoring", "num_thresholds": 50},
                         (BIN, SCORES)),
    "auc_pr_majoring": ("AUC", {"curve": "PR", "summation_method": "majoring"},
                        (BIN, SCORES)),
    "auc_multi_label": ("AUC", {"multi_label": True, "num_labels": 3}, (BIN, SCORES)),
    "auc_logits": ("AUC", {"from_logits": True}, (BIN, VALUES)),
}


def _halves(args):
    h = N // 2
    return [tuple(a[:h] for a in args), tuple(a[h:] for a in args)], [WEIGHTS[:h], WEIGHTS[h:]]


def _keras(cls_name, kwargs, args, weighted):
    import keras
    m = getattr(keras.metrics, cls_name)(**kwargs)
    batches, weights = _halves(args)
    for b, w in zip(batches, weights):
        m.update_state(*b, sample_weight=w if weighted else None)
    return keras.ops.convert_to_numpy(m.result())


def _ours(backend, cls_name, kwargs, args, weighted):
    m = getattr(metrics, cls_name)(**kwargs)
    batches, weights = _halves(args)
    with backend_context(backend):
        for b, w in zip(batches, weights):
            m.update_state(*(to_backend(backend, a) for a in b),
                           sample_weight=to_backend(backend, w) if weighted else None)
        return to_numpy(m.result())


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_metric_matches_keras(case, weighted, backend):
    cls_name, kwargs, args = CASES[case]
    want = _keras(cls_name, kwargs, args, weighted)
    got = _ours(backend, cls_name, kwargs, args, weighted)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", ["mean", "sparse_categorical_accuracy", "precision_thresholds",
                                  "auc_pr"])
def test_stateless_api_is_pure_and_compiles(case, cbackend):
    import jax
    import tensorflow as tf
    cls_name, kwargs, args = CASES[case]
    m = getattr(metrics, cls_name)(**kwargs)
    # autograph off, as crossops.jit traces on TensorFlow: crossops code has no tensor-dependent
    # Python control flow, and autograph's conversion of bound methods fails depending on
    # what the process traced before
    compile_ = jax.jit if cbackend == "jax" else (lambda f: tf.function(f, autograph=False))
    with backend_context(cbackend):
        start = m.stateless_reset_state()
        before = [to_numpy(v).copy() for v in start]
        batch = tuple(to_backend(cbackend, a) for a in args)
        step = compile_(lambda v, *b: m.stateless_update_state(v, *b))
        eager = m.stateless_update_state(start, *batch)
        compiled = step(start, *batch)
        for a, b in zip(eager, compiled):
            np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-6)
        for a, b in zip(start, before):
            np.testing.assert_array_equal(to_numpy(a), b)
        result = to_numpy(compile_(m.stateless_result)(compiled))
        np.testing.assert_allclose(result, to_numpy(m.stateless_result(eager)), rtol=1e-6)
        # the stateless API left the object alone
        assert [to_numpy(v.value).tolist() for v in m.variables] == \
            [to_numpy(a).tolist() for a in m.stateless_reset_state()]


def test_reset_and_errors():
    m = metrics.Mean()
    m.update_state(np.array([1.0, 2.0]))
    m.reset_state()
    assert float(m.result()) == 0.0
    with pytest.raises(ValueError, match="expected 2 metric variables"):
        m.stateless_update_state([np.zeros(())], np.ones(2))
    with pytest.raises(ValueError, match="AUC: curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match="thresholds must be in"):
        metrics.Precision(thresholds=[1.5])


@pytest.mark.parametrize("case", sorted(CASES))
def test_variables_exist_from_construction_with_keras_names(backend, case):
    """``metric.variables`` are there before the first update, with Keras's names
    (``mean/total``, ``auc/true_positives`` ...), shapes and zeros."""
    import keras
    cls_name, kwargs, _ = CASES[case]
    keras_metric = getattr(keras.metrics, cls_name)(**kwargs)
    with backend_context(backend):
        metric = getattr(metrics, cls_name)(**kwargs)
    theirs, ours = keras_metric.variables, metric.variables
    # (Keras numbers its names, auc_48, as each metric is made)
    assert [v.path for v in ours] == [f"{metric.name}/{v.path.split('/', 1)[1]}"
                                      for v in theirs]
    assert [tuple(v.shape) for v in ours] == [tuple(v.shape) for v in theirs]
    for v in ours:
        assert not to_numpy(v.value).any()
