"""On TensorFlow, ``fit``, ``evaluate`` and ``predict`` trace their step once, with the
batch axis unknown (None), for every data source ``fit`` takes (arrays, a tf.data
Dataset, a generator, a PyDataset): the last, partial batch (100 rows in batches of 32:
three of 32, one of 4) runs the same graph, as with Keras 3's TensorFlow trainer (its
``tf.function`` over a dataset iterator whose batches have a None batch axis).

A trace is counted by a Python side effect that runs only while TensorFlow traces: a loss
function (``fit``, ``evaluate``) or a layer (``predict``) that records the shape it is
traced for. Keras's records come from a subprocess (``KERAS_BACKEND=tensorflow``); Keras
traces its train step twice (its optimizer creates its variables in the first trace,
and ``tf.function`` traces again after creating variables), both times for the same
None batch shape: what is compared is the set of traced shapes, and crossops traces each
once.
"""

from __future__ import annotations

import importlib.util
import pickle

import numpy as np
import pytest

from .backends import keras_subprocess

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                       reason="tensorflow is not installed"),
    pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                       reason="keras (the reference) is not installed"),
]

RNG = np.random.default_rng(0)
X = RNG.standard_normal((100, 8)).astype(np.float32)
Y = RNG.standard_normal((100, 1)).astype(np.float32)
#: the initial weights of Dense(16) and Dense(1), the same in crossops and in Keras
WEIGHTS = [RNG.standard_normal((8, 16)).astype(np.float32) * 0.3,
           RNG.standard_normal(16).astype(np.float32) * 0.1,
           RNG.standard_normal((16, 1)).astype(np.float32) * 0.3,
           RNG.standard_normal(1).astype(np.float32) * 0.1]
BATCH, STEPS, EPOCHS = 32, 4, 2
SOURCES = ("arrays", "tf.data", "generator", "PyDataset")


def _data(source, py_dataset_base):
    """``fit``'s keyword arguments for ``source``: every pass gives the batches 32, 32, 32
    and 4, in order."""
    if source == "arrays":
        return {"x": X, "y": Y, "batch_size": BATCH, "shuffle": False}
    if source == "tf.data":
        import tensorflow as tf
        return {"x": tf.data.Dataset.from_tensor_slices((X, Y)).batch(BATCH),
                "shuffle": False}
    batches = [(X[i:i + BATCH], Y[i:i + BATCH]) for i in range(0, len(X), BATCH)]
    if source == "generator":
        def forever():
            while True:
                yield from batches
        return {"x": forever(), "steps_per_epoch": STEPS, "shuffle": False}

    class Batches(py_dataset_base):
        def __len__(self):
            return len(batches)

        def __getitem__(self, i):
            return batches[i]

    return {"x": Batches(), "shuffle": False}


def _traced_shape(tensor):
    """The shape ``tensor`` is traced for (None for an unknown size), or None when it is
    not being traced (an eager or a symbolic build call)."""
    import tensorflow as tf
    if tf.executing_eagerly() or not isinstance(tensor, tf.Tensor):
        return None
    return tuple(tensor.shape)


# -------------------------------------------------------------------------------- Keras

def keras_records(path):
    """Keras 3 on TensorFlow: the records of :func:`_run_keras` for every source (run in a
    subprocess, see :func:`tests.backends.keras_subprocess`)."""
    out = {source: _run_keras(source) for source in SOURCES}
    with open(path, "wb") as f:
        pickle.dump(out, f)


def _run_keras(source):
    import keras

    traced = []

    def loss(y_true, y_pred):
        shape = _traced_shape(y_pred)
        if shape is not None:
            traced.append(("loss", shape))
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    class Seen(keras.layers.Layer):
        def call(self, x):
            shape = _traced_shape(x)
            if shape is not None:
                traced.append(("layer", shape))
            return x

    model = keras.Sequential([keras.Input((8,)), Seen(), keras.layers.Dense(16, "relu"),
                              keras.layers.Dense(1)])
    model.set_weights(WEIGHTS)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
    return _record(model, source, traced, keras.utils.PyDataset)


def _record(model, source, traced, py_dataset_base):
    """The traces of the loss and of the model's first layer, as ``(name, shape)``, in
    ``fit`` (two epochs), in a second ``fit`` (one epoch), in ``evaluate`` and in
    ``predict``, and the loss history of the first ``fit``."""
    out = {}
    history = model.fit(**_data(source, py_dataset_base), epochs=EPOCHS, verbose=0)
    out["fit"], traced[:] = list(traced), []
    out["history"] = history.history["loss"]
    model.fit(**_data(source, py_dataset_base), epochs=1, verbose=0)
    out["second fit"], traced[:] = list(traced), []
    model.evaluate(X, Y, batch_size=BATCH, verbose=0)
    out["evaluate"], traced[:] = list(traced), []
    model.predict(X, batch_size=BATCH, verbose=0)
    out["predict"], traced[:] = list(traced), []
    return out


@pytest.fixture(scope="module")
def keras_results():
    return keras_subprocess("tensorflow", "tests.test_tf_trace_once", "keras_records")


# ------------------------------------------------------------------------------ crossops

def _crossops_model(traced, jit_compile="auto", layer=None, run_eagerly=False):
    import crossops
    import crossops.numpy as xnp
    from crossops import layers, models, optimizers

    def loss(y_true, y_pred):
        shape = _traced_shape(y_pred)
        if shape is not None:
            traced.append(("loss", shape))
        return xnp.mean(xnp.square(y_true - y_pred), axis=-1)

    class Seen(layers.Layer):
        def call(self, x):
            shape = _traced_shape(x)
            if shape is not None:
                traced.append(("layer", shape))
            return x

    with crossops.use_backend("tensorflow"):
        model = models.Sequential([layers.Input((8,)), layer or Seen(),
                                   layers.Dense(16, activation="relu"), layers.Dense(1)])
        model.set_weights(WEIGHTS)
        model.compile(optimizer=optimizers.SGD(0.05), loss=loss, jit_compile=jit_compile,
                      run_eagerly=run_eagerly)
    return model


def _run_crossops(source, jit_compile="auto"):
    from crossops.utils import PyDataset
    traced = []
    model = _crossops_model(traced, jit_compile)
    return _record(model, source, traced, PyDataset)


def _shapes(records, name):
    return [shape for n, shape in records if n == name]


@pytest.mark.parametrize("source", SOURCES)
def test_fit_evaluate_predict_trace_once_as_keras(source, keras_results):
    ours, theirs = _run_crossops(source), keras_results[source]
    # Keras: one traced shape each, with the batch axis None (in fit, traced twice for
    # it); crossops: one trace, of that shape
    for part in ("fit", "evaluate"):
        for name, shape in (("loss", (None, 1)), ("layer", (None, 8))):
            assert set(_shapes(theirs[part], name)) == {shape}, (part, theirs[part])
            assert _shapes(ours[part], name) == [shape], (part, ours[part])
    # a second fit runs the graph of the first, as Keras's
    assert ours["second fit"] == theirs["second fit"] == []
    # predict: Keras traces for the first batch's shape, then for a None batch (its
    # tf.function relaxes the shape at the partial batch); crossops once, for None
    assert (None, 8) in _shapes(theirs["predict"], "layer")
    assert ours["predict"] == [("layer", (None, 8))]
    assert len(ours["predict"]) <= len(theirs["predict"])


@pytest.mark.parametrize("source", SOURCES)
def test_traced_once_the_losses_are_keras_losses(source, keras_results):
    """The same initial weights, data and SGD: the loss history of the step traced once
    is Keras's."""
    np.testing.assert_allclose(_run_crossops(source)["history"],
                               keras_results[source]["history"], rtol=2e-5, atol=1e-6)


def test_traced_once_the_losses_are_the_eager_ones():
    """The step traced once with a None batch gives the losses of the same step run
    eagerly, batch by batch (``run_eagerly``)."""
    traced = []
    compiled = _crossops_model(traced)
    compiled_history = compiled.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                                    verbose=0).history["loss"]
    eager = _crossops_model([], run_eagerly=True)
    eager_history = eager.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                              verbose=0).history["loss"]
    np.testing.assert_allclose(compiled_history, eager_history, rtol=1e-6)
    assert traced == [("layer", (None, 8)), ("loss", (None, 1))]


def test_xla_step_traces_once():
    """``jit_compile=True``: the step is traced once with a None batch; XLA compiles the
    graph for each batch shape it meets, without tracing the Python again."""
    traced = []
    model = _crossops_model(traced, jit_compile=True)
    model.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    assert traced == [("layer", (None, 8)), ("loss", (None, 1))]


def test_a_step_that_needs_the_batch_size_traces_per_shape():
    """A layer that reads the batch size as a Python int cannot be traced with a None
    batch: its step is traced for each batch shape instead (as a ``tf.function`` is), and
    trains as it does eagerly."""
    import crossops.numpy as xnp
    from crossops import layers

    class NeedsBatch(layers.Layer):
        def call(self, x):
            return x + xnp.zeros((int(x.shape[0]), 1), dtype=x.dtype, like=x)

    traced = []
    model = _crossops_model(traced, layer=NeedsBatch())
    history = model.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                        verbose=0).history["loss"]
    assert sorted(traced) == [("loss", (4, 1)), ("loss", (32, 1))]
    eager = _crossops_model([], layer=NeedsBatch(), run_eagerly=True)
    want = eager.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False,
                     verbose=0).history["loss"]
    np.testing.assert_allclose(history, want, rtol=1e-6)
