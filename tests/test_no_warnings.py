"""A user's common flows give no warning that crossops causes: ``compile`` / ``fit`` (with
validation data, EarlyStopping and ModelCheckpoint) / ``evaluate`` / ``predict`` of
Sequential, functional and subclassed models, compiled and ``run_eagerly``; saving and
loading; mixed precision; seeded dropout and ``crossops.random`` with int seeds, eager and
compiled; the README's ``crossops.jit`` training step; each framework's own training loop
around a crossops model (``tf.GradientTape`` in a ``tf.function``, ``torch.optim``,
``jax.jit``).

Each backend's flows run in a fresh interpreter, as a user's script does: torch._dynamo
gives each warning once per process, and TensorFlow counts a function's retracings across
the whole process, so in the test process what earlier tests did would hide or cause them.
The child records every warning (``simplefilter("always")``) and every log record at
WARNING or above of the frameworks' loggers; the parent also reads the child's stderr for
the frameworks' own lines that tell of needless work (retracing, recompiling, graph breaks,
AutoGraph failing to convert, buffers not donated). Only the warnings in
``FRAMEWORK_OWN`` are let through, each because the native program gives it as well.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[1]

#: the warnings a framework gives by itself in these flows: (category, the end of the file
#: that warns, the start of the message, why it is let through)
FRAMEWORK_OWN = [
    ("DeprecationWarning", "torch/jit/_script.py", "`torch.jit.script_method` is deprecated",
     "torch's own: importing its compile stack (inductor) defines TorchScript methods; a "
     "native program that torch.compiles a torch.nn training step records the same 14"),
]
#: stderr lines of the frameworks that say a flow does needless work
STDERR_SIGNS = ("triggered tf.function retracing", "could not transform", "AutoGraph",
                "Recompiling", "recompil", "Graph break", "graph break",
                "donated buffers were not usable", "Dynamo detected", "lru_cache")
#: the loggers whose WARNING records count
LOGGERS = ("tensorflow", "absl", "torch", "jax", "crossops", "keras")


def _framework_own(w: dict) -> bool:
    return any(w["category"] == cat and w["filename"].replace(os.sep, "/").endswith(end)
               and w["message"].startswith(start) for cat, end, start, _ in FRAMEWORK_OWN)


def _warnings_of(backend: str, *flows: str) -> list[str]:
    """The warnings, log records and stderr signs of ``backend``'s flows (all, or those
    named) run in a fresh interpreter, less the framework's own."""
    done = subprocess.run([sys.executable, "-m", "tests.test_no_warnings", backend, *flows],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["flows"], "no flow ran"
    found = [f"{w['flow']}: {w['category']} {w['filename']}:{w['lineno']}: {w['message']}"
             for w in result["warnings"] if not _framework_own(w)]
    found += [f"{r['flow']}: log {r['logger']} {r['message']}" for r in result["logs"]]
    found += [line for line in done.stderr.splitlines()
              if any(sign in line for sign in STDERR_SIGNS)]
    return found


def test_common_flows_give_no_warning(backend):
    found = _warnings_of(backend)
    assert not found, "\n".join(found)


def test_tensorflow_evaluates_several_models_without_retracing(request):
    """Each model's evaluate step is traced (once, with an unknown batch size, or per
    batch shape where a step needs the size); TensorFlow counts traces per function's
    code, so the trainer's steps are partials of their own (as Keras 3, which logs nothing
    for five such models)."""
    pytest.importorskip("tensorflow")
    if "tensorflow" not in (request.config.getoption("--backend") or ["tensorflow"]):
        pytest.skip("a tensorflow case, and --backend chose others")
    found = _warnings_of("tensorflow", "_several_models_evaluate")
    assert not found, "\n".join(found)


# -- the child: python -m tests.test_no_warnings <backend> ----------------------------------
class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.flow, self.records = None, []

    def emit(self, record):
        self.records.append({"flow": self.flow, "logger": record.name,
                             "message": record.getMessage()[:2000]})


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 6)).astype(np.float32)  # 50: a partial last batch of 16
    return x, (x.sum(axis=1) > 0).astype(np.int32)


def _models(backend):
    from crossops import layers, models

    def sequential():
        return models.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"),
                                  layers.Dropout(0.25, seed=1), layers.Dense(2)])

    def functional():
        inputs = layers.Input((6,))
        hidden = layers.Dropout(0.25, seed=2)(layers.Dense(8, activation="relu")(inputs))
        return models.Model(inputs, layers.Dense(2)(hidden))

    class Subclassed(models.Model):
        def __init__(self):
            super().__init__()
            self.hidden, self.out = layers.Dense(8, activation="relu"), layers.Dense(2)
            self.dropout = layers.Dropout(0.25, seed=3)

        def call(self, x, training=False):
            return self.out(self.dropout(self.hidden(x), training=training))

    return sequential, functional, Subclassed


def _compiled_and_saved(backend, folder):
    """Sequential, compiled (the default ``jit_compile``; ``True`` on torch, whose default
    runs eagerly): fit with validation and callbacks, evaluate, predict, save and load
    both ways."""
    from crossops import callbacks, losses, optimizers, saving

    x, y = _data()
    model = _models(backend)[0]()
    model.compile(optimizers.Adam(1e-2), losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], jit_compile=True if backend == "torch" else "auto")
    model.fit(x, y, batch_size=16, epochs=3, validation_data=(x, y), verbose=0,
              callbacks=[callbacks.EarlyStopping(patience=2),
                         callbacks.ModelCheckpoint(os.path.join(folder, "best.keras"))])
    model.evaluate(x, y, batch_size=16, verbose=0)
    model.predict(x, batch_size=16, verbose=0)
    model.save(os.path.join(folder, "model.keras"))
    again = saving.load_model(os.path.join(folder, "model.keras"))
    again(x)  # (its compiled predict would be one more compile of the step above)
    model.save_weights(os.path.join(folder, "model.weights.h5"))
    again.load_weights(os.path.join(folder, "model.weights.h5"))


def _eager_models(backend, folder):
    """Functional and subclassed models with ``run_eagerly=True``."""
    from crossops import losses, optimizers

    x, y = _data()
    for make in _models(backend)[1:]:
        model = make()
        model.compile(optimizers.SGD(0.1), losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"], run_eagerly=True)
        model.fit(x, y, batch_size=16, epochs=2, validation_data=(x, y), verbose=0)
        model.evaluate(x, y, verbose=0)
        model.predict(x, verbose=0)


def _mixed_precision(backend, folder):
    """``mixed_bfloat16``: a compiled fit and evaluate (run eagerly on torch, whose one
    compiled fit is enough), the policy reset after."""
    from crossops import losses, mixed_precision, optimizers

    x, y = _data()
    mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = _models(backend)[1]()
        model.compile(optimizers.Adam(1e-2), losses.SparseCategoricalCrossentropy(from_logits=True),
                      run_eagerly=backend == "torch")
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        model.evaluate(x, y, batch_size=16, verbose=0)
    finally:
        mixed_precision.set_global_policy("float32")


def _random(backend, folder):
    """``crossops.random`` from int seeds, eager and under ``crossops.jit``."""
    import crossops
    from crossops import random

    x = crossops.numpy.ones((4, 3))
    random.normal((2, 3), seed=1)
    random.uniform((2, 3), seed=2)
    random.randint((2, 3), 0, 5, seed=3)
    random.dropout(x, 0.5, seed=4)
    noisy = crossops.jit(lambda x: x + random.normal((4, 3), seed=5))
    noisy(x)
    noisy(x)


def _readme_step(backend, folder):
    """The README's first training loop: ``crossops.jit`` over ``value_and_grad`` and the
    stateless calls (eagerly on torch, whose one compiled fit is enough)."""
    import crossops
    from crossops import layers, losses, models, optimizers

    model = models.Sequential([layers.Input((16,)), layers.Dense(8, activation="relu"),
                               layers.Dense(3)])
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = optimizers.Adam(1e-3)
    opt.build(model.trainable_variables)

    def train_step(tv, ntv, ov, x, y):
        def loss(tv):
            logits, new_ntv = model.stateless_call(tv, ntv, x, training=True)
            return loss_fn(y, logits), new_ntv
        (value, ntv), grads = crossops.value_and_grad(loss, has_aux=True)(tv)
        tv, ov = opt.stateless_apply(ov, grads, tv)
        return value, tv, ntv, ov

    if backend != "torch":
        train_step = crossops.jit(train_step)
    tv, ntv, ov = ([crossops.stop_gradient(v.value) for v in vs] for vs in (
        model.trainable_variables, model.non_trainable_variables, opt.variables))
    rng = np.random.default_rng(0)
    x = rng.random((8, 16), dtype=np.float32)
    y = rng.integers(0, 3, 8).astype(np.int32)
    for _ in range(3):
        value, tv, ntv, ov = train_step(tv, ntv, ov, x, y)
    float(value)


def _native_loop(backend, folder):
    """The framework's own loop around a crossops model, loss, optimizer and metric."""
    from crossops import losses, metrics, optimizers

    x, y = _data()
    model = _models(backend)[0]()
    opt = optimizers.Adam(1e-2)
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
    accuracy = metrics.SparseCategoricalAccuracy()
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function
        def step(xb, yb):
            with tf.GradientTape() as tape:
                logits = model(xb, training=True)
                loss = loss_fn(yb, logits)
            grads = tape.gradient(loss, model.trainable_weights)
            opt.apply(grads, model.trainable_weights)
            accuracy.update_state(yb, logits)
            return loss

        for _ in range(2):
            for xb, yb in tf.data.Dataset.from_tensor_slices((x, y)).batch(16):
                step(xb, yb)
    elif backend == "torch":
        import torch

        torch_opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for i in range(0, len(x), 16):
            xb, yb = torch.from_numpy(x[i:i + 16]), torch.from_numpy(y[i:i + 16])
            torch_opt.zero_grad()
            logits = model(xb, training=True)
            loss_fn(yb, logits).backward()
            torch_opt.step()
            accuracy.update_state(yb, logits.detach())
    elif backend == "jax":
        import jax

        opt.build(model.trainable_variables)

        def loss_and_updates(tv, ntv, xb, yb):
            logits, ntv = model.stateless_call(tv, ntv, xb, training=True)
            return loss_fn(yb, logits), ntv

        grad_fn = jax.value_and_grad(loss_and_updates, has_aux=True)

        @jax.jit
        def step(state, xb, yb):
            tv, ntv, ov = state
            (loss, ntv), grads = grad_fn(tv, ntv, xb, yb)
            tv, ov = opt.stateless_apply(ov, grads, tv)
            return loss, (tv, ntv, ov)

        state = tuple([v.value for v in vs] for vs in (
            model.trainable_variables, model.non_trainable_variables, opt.variables))
        for i in range(0, 48, 16):
            _, state = step(state, x[i:i + 16], y[i:i + 16])


def _predict_only(backend, folder):
    """NumPy: a model predicts (training needs autodiff)."""
    x, _ = _data()
    model = _models(backend)[0]()
    model.predict(x, batch_size=16, verbose=0)
    model(x, training=True)


def _several_models_evaluate(backend, folder):
    """Five small models compiled and evaluated one after the other, a partial last batch
    each time (a notebook's, or a hyperparameter search's, pattern)."""
    from crossops import layers, models

    x, y = _data()
    for _ in range(5):
        model = models.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"),
                                   layers.Dense(2)])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.evaluate(x, y, batch_size=16, verbose=0)


FLOWS = {"numpy": [_predict_only, _random],
         "default": [_compiled_and_saved, _eager_models, _mixed_precision, _random,
                     _readme_step, _native_loop]}


def _main(backend: str, names=()) -> None:
    chosen = ([globals()[name] for name in names] if names
              else FLOWS.get(backend, FLOWS["default"]))
    records = _Records()
    for name in LOGGERS:
        logging.getLogger(name).addHandler(records)
    found, ran = [], []
    with warnings.catch_warnings(record=True) as caught, tempfile.TemporaryDirectory() as folder:
        warnings.simplefilter("always")
        import crossops
        with crossops.use_backend(backend):
            for flow in chosen:
                records.flow = flow.__name__
                flow(backend, folder)  # the first flow's warnings include the imports'
                found += [{"flow": flow.__name__, "category": w.category.__name__,
                           "filename": w.filename, "lineno": w.lineno,
                           "message": str(w.message)[:2000]} for w in caught[len(found):]]
                ran.append(flow.__name__)
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(records)
    print(json.dumps({"flows": ran, "warnings": found, "logs": records.records}))


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2:])
