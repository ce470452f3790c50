"""The guide loops' task: scikit-learn's digits (8x8 images as 64 features scaled to
[0, 1], ten classes), a small MLP, and the test accuracy that ``fit`` reaches with it on a
backend, which each framework's own loop must reach too.

Measured on CPU (2 epochs, batch 64, Adam 1e-2, no shuffling, a fixed random split of 1408
training and 389 test images): ``fit`` and the loops reach 0.959 on every backend; the
untrained model 0.04.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

import crossops
from crossops import initializers as init
from crossops import layers, losses, models, optimizers

EPOCHS, BATCH, LEARNING_RATE = 2, 64, 1e-2
#: how far below fit's test accuracy a loop may end (absolute)
MARGIN = 0.03
#: the least test accuracy that fit must reach for the comparison to mean something
FLOOR = 0.85
N_TRAIN = 1408  # 22 full batches


@functools.lru_cache(maxsize=1)
def digits():
    """``(x_train, y_train, x_test, y_test)``: float32 features in [0, 1], int64 labels."""
    datasets = pytest.importorskip("sklearn.datasets", reason="digits need scikit-learn")
    data = datasets.load_digits()
    order = np.random.default_rng(0).permutation(len(data.target))  # a fixed random split
    x = (data.data[order] / 16.0).astype(np.float32)
    y = data.target[order].astype(np.int64)
    return x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]


def mlp():
    """The model, made on the current default backend, with seeded initializers."""
    return models.Sequential([
        layers.Input((64,)),
        layers.Dense(32, activation="relu", kernel_initializer=init.GlorotUniform(seed=1)),
        layers.Dense(10, kernel_initializer=init.GlorotUniform(seed=2)),
    ])


def held_out_accuracy(model) -> float:
    """The share of the test images that ``model`` classifies right (``predict``)."""
    _, _, x_test, y_test = digits()
    logits = model.predict(x_test, batch_size=128, verbose=0)
    return float((np.argmax(logits, axis=-1) == y_test).mean())




@functools.lru_cache(maxsize=None)
def fit_accuracy(backend: str) -> float:
    """The test accuracy of :func:`mlp` trained by ``fit`` on ``backend`` (the loops'
    data order: no shuffling; torch steps eager, as the torch loop)."""
    x_train, y_train, _, _ = digits()
    with crossops.use_backend(backend):
        model = mlp()
        model.compile(optimizers.Adam(LEARNING_RATE),
                      losses.SparseCategoricalCrossentropy(from_logits=True),
                      jit_compile=False if backend == "torch" else "auto")
        model.fit(x_train, y_train, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        accuracy = held_out_accuracy(model)
    assert accuracy >= FLOOR, (backend, accuracy)
    return accuracy


def check_loop(backend: str, loop_accuracy: float) -> None:
    """Assert that a loop's test accuracy reaches ``fit``'s on ``backend`` (within
    :data:`MARGIN`)."""
    want = fit_accuracy(backend)
    assert loop_accuracy >= want - MARGIN, (backend, loop_accuracy, want)
