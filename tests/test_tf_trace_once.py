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

The same holds for the layers whose shapes need care with a None batch axis (padding,
resizing and cropping, transposed and 3-D convolutions, group normalisation, ``size``),
each checked against Keras's outputs and losses for the same weights, and for a model
that overrides ``train_step`` (compiled, as Keras's ``make_train_function`` compiles it).
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
    import keras
    out = {source: _run_keras(source) for source in SOURCES}
    out["layers"] = {name: _run_layer(name, keras.layers, keras.ops, keras.models.Sequential,
                                       keras.optimizers.SGD) for name in LAYER_CASES}
    out["override"] = _run_override(keras.models.Sequential, keras.optimizers.SGD)
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


# ---------------------------------------------------------- layers with a None batch axis

def _divide_by_size(layers, ops):
    """A layer of ``layers`` (Keras's or crossops's) dividing its input by its element
    count, ``ops.size`` (with a None batch axis a tensor, computed for each batch)."""
    class DivideBySize(layers.Layer):
        def call(self, x):
            return ops.divide(x, ops.size(x))
    return DivideBySize()


#: name: (the input shape, the layer from a ``layers`` and an ``ops`` namespace)
LAYER_CASES = {
    "ZeroPadding2D": ((5, 4, 2), lambda L, ops: L.ZeroPadding2D(((1, 2), (0, 1)))),
    "Resizing": ((6, 6, 2), lambda L, ops: L.Resizing(4, 7)),
    "CenterCrop": ((6, 6, 2), lambda L, ops: L.CenterCrop(4, 3)),
    "CenterCrop-upsizing": ((3, 4, 2), lambda L, ops: L.CenterCrop(5, 5)),
    "Conv1DTranspose": ((5, 2), lambda L, ops: L.Conv1DTranspose(3, 3, strides=2)),
    "Conv2DTranspose": ((4, 4, 2), lambda L, ops: L.Conv2DTranspose(3, 3, strides=2,
                                                                    padding="same")),
    "Conv3DTranspose": ((3, 3, 3, 2), lambda L, ops: L.Conv3DTranspose(2, 2, strides=2)),
    "Conv3D": ((4, 4, 4, 2), lambda L, ops: L.Conv3D(3, 2)),
    "GroupNormalization": ((6, 4), lambda L, ops: L.GroupNormalization(2)),
    "size": ((3,), _divide_by_size),
}
LAYER_ROWS, LAYER_BATCH = 20, 8  # batches of 8, 8 and 4


def _run_layer(name, layers, ops, sequential, sgd, cases=LAYER_CASES, **compile_kwargs):
    """``Input -> layer -> Flatten -> Dense(1)`` (``cases[name]``) with weights drawn from
    the case's seed: its outputs (``predict``), then ``fit`` for two epochs on batches of
    8, 8 and 4: the shapes the loss is traced for, and the loss history."""
    shape, make = cases[name]
    rng = np.random.default_rng(sorted(cases).index(name))
    x = rng.standard_normal((LAYER_ROWS, *shape)).astype(np.float32)
    y = rng.standard_normal((LAYER_ROWS, 1)).astype(np.float32)
    traced = []

    def loss(y_true, y_pred):
        traced_for = _traced_shape(y_pred)
        if traced_for is not None:
            traced.append(traced_for)
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    model = sequential([layers.Input(shape), make(layers, ops), layers.Flatten(),
                        layers.Dense(1)])
    model.set_weights([rng.standard_normal(w.shape).astype(np.float32) * 0.3
                       for w in model.get_weights()])
    model.compile(optimizer=sgd(0.01), loss=loss, **compile_kwargs)
    out = {"predict": model.predict(x, batch_size=LAYER_BATCH, verbose=0)}
    history = model.fit(x, y, batch_size=LAYER_BATCH, epochs=EPOCHS, shuffle=False,
                        verbose=0)
    out["history"], out["traced"] = history.history["loss"], traced
    return out


@pytest.mark.parametrize("name", LAYER_CASES)
def test_layers_with_a_none_batch_trace_once_as_keras(name, keras_results):
    """Each layer traces with the batch axis None (one trace for the batches 8, 8 and 4,
    over two epochs; a Python-side shape read would trace once per batch size instead),
    and gives Keras's outputs and losses for the same weights (Keras traces its step
    twice for the same None shape, see the module docstring)."""
    import crossops
    import crossops.numpy as xnp
    from crossops import layers, models, optimizers

    with crossops.use_backend("tensorflow"):
        ours = _run_layer(name, layers, xnp, models.Sequential, optimizers.SGD)
    theirs = keras_results["layers"][name]
    assert set(theirs["traced"]) == {(None, 1)}, theirs["traced"]
    assert ours["traced"] == [(None, 1)]
    np.testing.assert_allclose(ours["predict"], theirs["predict"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["history"], theirs["history"], rtol=2e-5, atol=1e-6)


#: layers whose TensorFlow kernel falls back to crossops's generic one (which Keras's
#: TensorFlow backend has no CPU kernel for: no reference to compare with but the eager run)
GENERIC_CASES = {
    "Conv2DTranspose-dilated": ((4, 4, 2), lambda L, ops: L.Conv2DTranspose(
        3, 3, strides=2, dilation_rate=2)),
}


@pytest.mark.parametrize("name", GENERIC_CASES)
def test_generic_kernels_with_a_none_batch_trace_once(name):
    """The generic kernels (patches and a matmul) keep a None batch axis symbolic too: one
    trace, with the outputs and losses of the eager run."""
    import crossops
    import crossops.numpy as xnp
    from crossops import layers, models, optimizers

    def run(**compile_kwargs):
        with crossops.use_backend("tensorflow"):
            return _run_layer(name, layers, xnp, models.Sequential, optimizers.SGD,
                              GENERIC_CASES, **compile_kwargs)

    ours, eager = run(), run(run_eagerly=True)
    assert ours["traced"] == [(None, 1)] and eager["traced"] == []
    np.testing.assert_allclose(ours["predict"], eager["predict"], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ours["history"], eager["history"], rtol=1e-6)


# ------------------------------------------------------------------ a train_step override

def _overriding(sequential, traced):
    """A Sequential whose ``train_step`` is the Keras guide's, on TensorFlow (the same code
    for Keras's and crossops's classes), recording the shape ``x`` is traced for."""
    import tensorflow as tf

    class Override(sequential):
        def train_step(self, data):
            x, y = data
            traced_for = _traced_shape(x)
            if traced_for is not None:
                traced.append(traced_for)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
            return self.compute_metrics(x, y, y_pred)

    return Override


def _run_override(sequential, sgd, layers=None, **compile_kwargs):
    """The Dense(16) -> Dense(1) model of :data:`WEIGHTS` with :func:`_overriding`'s
    ``train_step``, fitted for two epochs on batches of 32, 32, 32 and 4: the shapes the
    step is traced for and the history (loss and mean absolute error)."""
    if layers is None:
        import keras
        layers = keras.layers
    traced = []
    model = _overriding(sequential, traced)([layers.Input((8,)),
                                             layers.Dense(16, activation="relu"),
                                             layers.Dense(1)])
    model.set_weights(WEIGHTS)
    model.compile(optimizer=sgd(0.05), loss="mean_squared_error",
                  metrics=["mean_absolute_error"], **compile_kwargs)
    history = model.fit(X, Y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    return {"traced": traced, "history": history.history}


def _crossops_override(**compile_kwargs):
    import crossops
    from crossops import layers, models, optimizers
    with crossops.use_backend("tensorflow"):
        return _run_override(models.Sequential, optimizers.SGD, layers, **compile_kwargs)


@pytest.mark.parametrize("jit_compile", ["auto", True])
def test_train_step_override_is_compiled_as_keras(jit_compile, keras_results):
    """A ``train_step`` override is compiled, as Keras's: traced once for the batches of
    32 and the last one of 4, over two epochs (XLA too: it compiles the one traced graph
    per shape), and its loss and metric history is Keras's."""
    ours, theirs = _crossops_override(jit_compile=jit_compile), keras_results["override"]
    assert set(theirs["traced"]) == {(None, 8)}, theirs["traced"]
    assert ours["traced"] == [(None, 8)]
    assert set(ours["history"]) == set(theirs["history"]) == {"loss", "mean_absolute_error"}
    for key, want in theirs["history"].items():
        np.testing.assert_allclose(ours["history"][key], want, rtol=2e-5, atol=1e-6,
                                   err_msg=key)


def test_train_step_override_runs_eagerly_when_asked():
    """``run_eagerly=True``: the override runs op by op, batch by batch (never traced), to
    the same history as compiled."""
    eager, compiled = _crossops_override(run_eagerly=True), _crossops_override()
    assert eager["traced"] == []
    for key, want in compiled["history"].items():
        np.testing.assert_allclose(eager["history"][key], want, rtol=1e-6, err_msg=key)


def test_test_and_predict_step_overrides_trace_once():
    """``test_step`` and ``predict_step`` overrides are compiled as ``train_step``'s (as
    Keras's ``make_test_function`` and ``make_predict_function``): traced once for every
    batch size, with the results of the eager run."""
    import crossops
    import crossops.numpy as xnp
    from crossops import layers, models

    traced = []

    class Overrides(models.Sequential):
        def test_step(self, data):
            traced.append(("test", _traced_shape(data[0])))
            return {**super().test_step(data), "peak": xnp.max(self(data[0]))}

        def predict_step(self, data):
            traced.append(("predict", _traced_shape(data[0])))
            return super().predict_step(data) * 2.0

    def run(run_eagerly):
        with crossops.use_backend("tensorflow"):
            model = Overrides([layers.Input((8,)), layers.Dense(16, activation="relu"),
                               layers.Dense(1)])
            model.set_weights(WEIGHTS)
            model.compile(optimizer="sgd", loss="mean_squared_error",
                          run_eagerly=run_eagerly)
        logs = model.evaluate(X, Y, batch_size=BATCH, verbose=0, return_dict=True)
        return logs, model.predict(X, batch_size=BATCH, verbose=0)

    logs, predicted = run(False)
    assert traced == [("test", (None, 8)), ("predict", (None, 8))]
    want_logs, want = run(True)
    assert set(logs) == set(want_logs) == {"loss", "peak"}
    for key in logs:
        np.testing.assert_allclose(logs[key], want_logs[key], rtol=1e-6, err_msg=key)
    np.testing.assert_allclose(predicted, want, rtol=1e-6)
