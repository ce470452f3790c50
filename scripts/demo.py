"""Demo, in two parts:

1. one backend-agnostic kernel, softmax attention written once with crossops.numpy, run on
   every installed backend: backend, max difference from NumPy, time per call;
2. the main job: a small CNN written once with crossops.layers, trained with ``fit`` on real
   handwritten digits (scikit-learn's bundled 8x8 ``load_digits``) on every installed
   backend that trains (jax, torch, tensorflow): test accuracy, training time, and how far
   each backend's predictions are from the first one's (same seeds, same initial weights).

    python scripts/demo.py [--epochs 15]
"""

from __future__ import annotations

import argparse
import importlib.util
import time

import numpy as np

import crossops
import crossops.numpy as xnp


def attention(q, k, v):
    """Scaled dot-product attention: softmax(q k^T / sqrt(d)) v, for any backend's arrays."""
    d = q.shape[-1]
    scores = xnp.matmul(q, xnp.matrix_transpose(k)) / float(np.sqrt(d))
    scores = scores - xnp.max(scores, axis=-1, keepdims=True)
    weights = xnp.exp(scores)
    weights = weights / xnp.sum(weights, axis=-1, keepdims=True)
    return xnp.matmul(weights, v)


def convert(backend, x):
    if backend == "numpy":
        return x
    if backend == "jax":
        import jax.numpy as jnp
        return jnp.asarray(x)
    if backend == "torch":
        import torch
        return torch.from_numpy(x)
    import tensorflow as tf
    return tf.constant(x)


def time_per_call(f, *args, repeat=20):
    f(*args)  # warm up
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(repeat):
            out = f(*args)
        if hasattr(out, "block_until_ready"):
            out.block_until_ready()
        best = min(best, (time.perf_counter() - t) / repeat)
    return best


def digits():
    """scikit-learn's 8x8 digits as (N, 8, 8, 1) float32 in [0, 1], split 80/20."""
    from sklearn.datasets import load_digits
    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[..., None]
    y = data.target.astype(np.int32)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    cut = int(0.8 * len(x))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def cnn():
    """The model, written once (seeded initializers: identical start on every backend)."""
    from crossops import initializers as init
    from crossops import layers, models
    return models.Sequential([
        layers.Input((8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu",
                      kernel_initializer=init.HeNormal(seed=1)),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu",
                      kernel_initializer=init.HeNormal(seed=2)),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10, activation="softmax", kernel_initializer=init.GlorotUniform(seed=3)),
    ])


class Timing:
    """A callback (Keras's protocol, so it serves crossops and Keras alike): the time from
    the start of ``fit`` to the end of the first step, and each epoch's time."""

    def __init__(self):
        self.first_step, self.epochs = None, []

    def set_model(self, model):
        pass

    def set_params(self, params):
        pass

    def __getattr__(self, name):  # the hooks not used here
        if name.startswith("on_"):
            return lambda *args, **kwargs: None
        raise AttributeError(name)

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.first_step is None:
            self.first_step = time.perf_counter() - self.start

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(time.perf_counter() - self.epoch_start)

    def summary(self):
        """(time to the first step, median epoch time after the first)"""
        later = self.epochs[1:] or self.epochs
        return self.first_step, float(np.median(later))


def train_digits(epochs):
    from crossops import optimizers
    (x, y), (xt, yt) = digits()
    print(f"\nsmall CNN on scikit-learn's digits: {len(x)} train / {len(xt)} test images, "
          f"{epochs} epochs of Adam, batches of 64 (the last one partial)\n")
    rows, first = [], None
    # fit's default (jit_compile="auto", as Keras 3): compiled on jax, eager on torch,
    # graphs on tensorflow; and torch compiled, which pays torch.compile's first step
    for backend, label, jit in (("jax", "jax", "auto"), ("torch", "torch", "auto"),
                                ("torch", "torch (jit)", True),
                                ("tensorflow", "tensorflow", "auto")):
        if importlib.util.find_spec(backend) is None:
            rows.append(f"{label:<12}not installed")
            continue
        print(f"training on {label} (fit(verbose=2): one line per epoch)")
        with crossops.use_backend(backend):
            model = cnn()
            model.compile(optimizer=optimizers.Adam(learning_rate=0.01),
                          loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"], jit_compile=jit)
            timing = Timing()
            t = time.perf_counter()
            model.fit(x, y, batch_size=64, epochs=epochs, verbose=2, seed=0,
                      callbacks=[timing])
            elapsed = time.perf_counter() - t
            _, acc = model.evaluate(xt, yt, verbose=0)
            p = model.predict(xt[:100], verbose=0)
        first = p if first is None else first
        same = np.mean(np.argmax(p, 1) == np.argmax(first, 1))
        step, epoch = timing.summary()
        rows.append(f"{label:<12}{acc:>14.3f}{elapsed:>11.1f}s{step:>11.2f}s"
                    f"{epoch * 1e3:>10.0f}ms{np.max(np.abs(p - first)):>20.1e}{same:>13.0%}")
    keras_torch = keras_on_torch(epochs)
    if keras_torch is not None:
        acc, elapsed, step, epoch = keras_torch
        rows.append(f"{'Keras torch':<12}{acc:>14.3f}{elapsed:>11.1f}s{step:>11.2f}s"
                    f"{epoch * 1e3:>10.0f}ms{'(Keras 3, same model)':>33}")
    with crossops.use_backend("numpy"):  # NumPy runs the model forward, it does not train
        model = cnn()
        model.build((None, 8, 8, 1))
    rows.append(f"{'numpy':<12}{'(predicts; training needs autodiff: jax, torch, tensorflow)':>59}")
    print(f"\n{'backend':<12}{'test accuracy':>14}{'train time':>12}{'1st step':>12}"
          f"{'epoch':>12}{'max |p - p_first|':>20}{'same labels':>13}")
    print("\n".join(rows))


KERAS_TORCH = """
import sys, time, json
import numpy as np
import keras
sys.path.insert(0, {here!r})
from demo import digits, Timing
(x, y), (xt, yt) = digits()
model = keras.Sequential([
    keras.Input((8, 8, 1)),
    keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(32, 3, padding="same", activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
timing = Timing()
t = time.perf_counter()
model.fit(x, y, batch_size=64, epochs={epochs}, verbose=0, callbacks=[timing])
elapsed = time.perf_counter() - t
acc = model.evaluate(xt, yt, verbose=0)[1]
print(json.dumps([acc, elapsed, *timing.summary()]))
"""


def keras_on_torch(epochs):
    """Keras 3 on its torch backend, the same model and data, in a subprocess (Keras's
    backend is chosen once per process): (accuracy, train time, first step, epoch)."""
    import json
    import os
    import subprocess
    import sys
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("torch") is None:
        return None
    here = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run([sys.executable, "-c", KERAS_TORCH.format(here=here, epochs=epochs)],
                          capture_output=True, text=True,
                          env={**os.environ, "KERAS_BACKEND": "torch"})
    if done.returncode != 0:
        print(f"Keras on torch failed: {done.stderr[-500:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    args = parser.parse_args()
    attention_table()
    if importlib.util.find_spec("sklearn") is None:
        print("\nscikit-learn is not installed: skipping the digits CNN")
        return
    train_digits(args.epochs)


def attention_table():
    rng = np.random.default_rng(0)
    q, k, v = (rng.standard_normal((4, 64, 32)).astype(np.float32) for _ in range(3))
    expected = attention(q, k, v)
    print("softmax attention, batch 4 x 64 tokens x 32 features, float32\n")
    print(f"{'backend':<12}{'array type':<46}{'max |diff| vs NumPy':>20}{'time/call':>12}")
    for backend in crossops.BACKENDS:
        if backend != "numpy" and importlib.util.find_spec(backend) is None:
            print(f"{backend:<12}not installed")
            continue
        args = [convert(backend, a) for a in (q, k, v)]
        out = attention(*args)
        diff = float(np.max(np.abs(crossops.to_numpy(out) - expected)))
        t = time_per_call(attention, *args)
        kind = f"{type(out).__module__}.{type(out).__name__}"
        print(f"{backend:<12}{kind:<46}{diff:>20.2e}{t * 1e6:>10.0f}us")


if __name__ == "__main__":
    main()
