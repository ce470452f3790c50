"""The training loop as Keras users know it: every data pipeline into every trainable
backend, Keras's override contract (train_step, test_step, predict_step, compute_loss,
compute_metrics), the *_on_batch methods, class weights and validation frequency, loss
averages that do not depend on the batch size, bad data that fails before any step, and
torch compiling its training step once."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import initializers as init
from crossops import layers, losses, models, optimizers
from crossops._backend import backend_of_type

from .backends import BACKENDS

TRAINABLE = [b for b in ("jax", "torch", "tensorflow") if b in BACKENDS]
RNG = np.random.default_rng(0)
N = 100  # not a multiple of the batch sizes: every run has a partial last batch
X = RNG.standard_normal((N, 6)).astype(np.float32)
Y = np.argmax(X @ RNG.standard_normal((6, 3)), axis=1).astype(np.int32)
W = RNG.uniform(0.5, 2.0, N).astype(np.float32)


@pytest.fixture(params=TRAINABLE)
def trainer(request):
    with crossops.use_backend(request.param):
        yield request.param


def _mlp(**compile_args):
    model = models.Sequential([
        layers.Input((6,)),
        layers.Dense(8, activation="relu", kernel_initializer=init.GlorotUniform(seed=1)),
        layers.Dense(3, kernel_initializer=init.GlorotUniform(seed=2)),
    ])
    model.compile(**{"optimizer": optimizers.SGD(0.1),
                     "loss": losses.SparseCategoricalCrossentropy(from_logits=True),
                     "metrics": ["accuracy"], **compile_args})
    return model


def _weights(model):
    return [w.copy() for w in model.get_weights()]


# -- every pipeline into every backend -----------------------------------------------------
class Batches:
    """A re-iterable of (x, y) batches (a list would do as well)."""

    def __init__(self, size):
        self.size = size

    def __iter__(self):
        for i in range(0, N, self.size):
            yield X[i:i + self.size], Y[i:i + self.size]


def _pipelines():
    def numpy_arrays():
        return {"x": X, "y": Y, "batch_size": 20, "shuffle": False}

    def pandas_frames():
        pd = pytest.importorskip("pandas")
        return {"x": pd.DataFrame(X), "y": pd.Series(Y), "batch_size": 20, "shuffle": False}

    def tf_dataset():
        tf = pytest.importorskip("tensorflow")
        return {"x": tf.data.Dataset.from_tensor_slices((X, Y)).batch(20)}

    def torch_dataloader():
        torch = pytest.importorskip("torch")
        data = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
        return {"x": torch.utils.data.DataLoader(data, batch_size=20)}

    def generator():
        def gen():
            while True:
                yield from Batches(20)
        return {"x": gen(), "steps_per_epoch": 5}

    def iterable():
        return {"x": Batches(20)}

    def py_dataset():
        from crossops.utils import PyDataset

        class Data(PyDataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return X[i * 20:(i + 1) * 20], Y[i * 20:(i + 1) * 20]
        return {"x": Data(workers=2)}

    return [numpy_arrays, pandas_frames, tf_dataset, torch_dataloader, generator, iterable,
            py_dataset]


@pytest.mark.parametrize("pipeline", _pipelines(), ids=lambda f: f.__name__)
def test_every_pipeline_trains_every_backend_to_the_same_numbers(trainer, pipeline):
    """The same batches in the same order give the same weights, whatever carries them."""
    reference = _mlp(run_eagerly=True)
    reference.fit(X, Y, batch_size=20, epochs=2, shuffle=False, verbose=0)
    model = _mlp(run_eagerly=True)
    history = model.fit(epochs=2, verbose=0, **{"shuffle": False, **pipeline()})
    assert len(history.history["loss"]) == 2
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    args = {k: v for k, v in pipeline().items() if k != "shuffle"}
    if "steps_per_epoch" in args:
        args["steps"] = args.pop("steps_per_epoch")
    logs = model.evaluate(**args, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.predict(X, verbose=0).shape == (N, 3)


def test_compiled_fit_on_a_dataset_and_validation_dataset(trainer):
    tf = pytest.importorskip("tensorflow")
    data = tf.data.Dataset.from_tensor_slices((X, Y)).batch(32)
    model = _mlp(jit_compile=True if trainer == "torch" else "auto")  # (torch: eager)
    history = model.fit(data, validation_data=data, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(history.history["val_loss"]) == 3


# -- correct figures -----------------------------------------------------------------------
def test_reported_loss_is_the_mean_over_examples_whatever_the_batch_size(trainer):
    model = _mlp()
    model.predict(X[:1], verbose=0)  # built
    logits = model.predict(X, verbose=0)
    per_example = losses.sparse_categorical_crossentropy(Y, logits, from_logits=True)
    want = float(np.mean(per_example))
    want_weighted = float(np.sum(per_example * W) / N)  # Keras: sum over batch size
    for batch_size in (7, 32, 100, 128):
        got = model.evaluate(X, Y, batch_size=batch_size, verbose=0, return_dict=True)
        np.testing.assert_allclose(got["loss"], want, rtol=1e-5)
        np.testing.assert_allclose(got["accuracy"],
                                   np.mean(np.argmax(logits, 1) == Y), rtol=1e-6)
        weighted = model.evaluate(X, Y, sample_weight=W, batch_size=batch_size, verbose=0)
        np.testing.assert_allclose(weighted[0], want_weighted, rtol=1e-5)


# -- overrides -----------------------------------------------------------------------------
def _keras_guide_model(backend, calls):
    """A subclassed model overriding train_step as Keras's guide "Customizing what happens
    in fit()" writes it for ``backend``."""
    class Custom(models.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(8, activation="relu",
                                       kernel_initializer=init.GlorotUniform(seed=1))
            self.out = layers.Dense(3, kernel_initializer=init.GlorotUniform(seed=2))

        def call(self, x, training=False):
            return self.out(self.hidden(x))

    if backend == "jax":
        import jax

        class Guide(Custom):
            def compute_loss_and_updates(self, tv, ntv, x, y, training=False):
                y_pred, ntv = self.stateless_call(tv, ntv, x, training=training)
                return self.compute_loss(x, y, y_pred), (y_pred, ntv)

            def train_step(self, state, data):
                calls.append("train_step")
                tv, ntv, ov, mv = state
                x, y = data
                grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
                (loss, (y_pred, ntv)), grads = grad_fn(tv, ntv, x, y, training=True)
                tv, ov = self.optimizer.stateless_apply(ov, grads, tv)
                new_mv, logs = [], {}
                for metric in self.metrics:
                    these = mv[len(new_mv):len(new_mv) + len(metric.variables)]
                    if metric.name == "loss":
                        these = metric.stateless_update_state(these, loss)
                    else:
                        these = metric.stateless_update_state(these, y, y_pred)
                    logs[metric.name] = metric.stateless_result(these)
                    new_mv += these
                return logs, (tv, ntv, ov, new_mv)
    elif backend == "torch":
        import torch

        class Guide(Custom):
            def train_step(self, data):
                calls.append("train_step")
                x, y = data
                self.zero_grad()
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
                loss.backward()
                trainable_weights = list(self.trainable_weights)
                gradients = [v.value.grad for v in trainable_weights]
                with torch.no_grad():
                    self.optimizer.apply(gradients, trainable_weights)
                for metric in self.metrics:
                    if metric.name == "loss":
                        metric.update_state(loss)
                    else:
                        metric.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}
    else:
        import tensorflow as tf

        class Guide(Custom):
            def train_step(self, data):
                calls.append("train_step")
                x, y = data
                with tf.GradientTape() as tape:
                    y_pred = self(x, training=True)
                    loss = self.compute_loss(y=y, y_pred=y_pred)
                gradients = tape.gradient(loss, self.trainable_variables)
                self.optimizer.apply(gradients, self.trainable_variables)
                for metric in self.metrics:
                    if metric.name == "loss":
                        metric.update_state(loss)
                    else:
                        metric.update_state(y, y_pred)
                return {m.name: m.result() for m in self.metrics}
    return Guide()


def test_train_step_override_as_in_keras_guide(trainer):
    calls = []
    model = _keras_guide_model(trainer, calls)
    model.compile(optimizer=optimizers.SGD(0.1),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(X, Y, batch_size=20, epochs=4, shuffle=False, verbose=0)
    assert calls, "the override was not called"
    loss = history.history["loss"]
    assert loss[-1] < loss[0]
    assert set(history.history) == {"loss", "accuracy"}
    # the same numbers as the default step
    plain = _keras_guide_model(trainer, [])
    type(plain).train_step = models.Model.train_step
    plain.compile(optimizer=optimizers.SGD(0.1),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    want = plain.fit(X, Y, batch_size=20, epochs=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(loss, want.history["loss"], rtol=1e-4)


def test_compute_loss_and_compute_metrics_overrides(trainer):
    class Penalised(models.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None,
                         training=True):
            base = super().compute_loss(x, y, y_pred, sample_weight, training)
            return base + 10.0

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            logs = super().compute_metrics(x, y, y_pred, sample_weight)
            return {**logs, "batch_max": crossops.numpy.max(y_pred)}

    model = Penalised([layers.Input((6,)), layers.Dense(3)])
    model.compile(optimizer="sgd",
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    plain = float(np.mean(losses.sparse_categorical_crossentropy(
        Y, model.predict(X, verbose=0), from_logits=True)))
    np.testing.assert_allclose(logs["loss"], plain + 10.0, rtol=1e-5)
    assert "batch_max" in logs
    history = model.fit(X, Y, epochs=1, verbose=0)
    assert history.history["loss"][0] > 10.0


def test_test_step_and_predict_step_overrides(trainer):
    if trainer == "jax":
        class Custom(models.Sequential):
            def test_step(self, state, data):
                logs, state = super().test_step(state, data)
                return {**logs, "seen": crossops.numpy.asarray(1.0)}, state

            def predict_step(self, state, data):
                out, ntv = super().predict_step(state, data)
                return out * 0.0 + 7.0, ntv
    else:
        class Custom(models.Sequential):
            def test_step(self, data):
                return {**super().test_step(data), "seen": 1.0}

            def predict_step(self, data):
                return super().predict_step(data) * 0.0 + 7.0
    model = Custom([layers.Input((6,)), layers.Dense(3)])
    model.compile(optimizer="sgd",
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    assert model.evaluate(X, Y, verbose=0, return_dict=True)["seen"] == 1.0
    assert np.all(model.predict(X, verbose=0) == 7.0)


def test_super_train_step_from_a_stateful_override(trainer):
    if trainer == "jax":
        pytest.skip("on jax train_step is stateless (state, data), as in Keras")
    calls = []

    class Counting(models.Sequential):
        def train_step(self, data):
            calls.append(1)
            return super().train_step(data)

    model = Counting([layers.Input((6,)), layers.Dense(3)])
    model.compile(optimizer="sgd",
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    before = _weights(model)
    model.fit(X, Y, batch_size=50, epochs=1, verbose=0)
    # tensorflow compiles the override, as Keras: its Python body runs when it is traced,
    # once for both batches; torch runs it eagerly, once a batch
    assert len(calls) == (1 if trainer == "tensorflow" else 2)
    assert not np.allclose(before[0], model.get_weights()[0])


# -- on one batch, class weights, validation frequency -------------------------------------
def test_on_batch_methods(trainer):
    model = _mlp()
    first = model.train_on_batch(X[:20], Y[:20])
    assert isinstance(first, list) and len(first) == 2
    logs = model.train_on_batch(X[:20], Y[:20], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    model.reset_metrics()
    test = model.test_on_batch(X[:20], Y[:20], return_dict=True)
    logits = model.predict_on_batch(X[:20])
    np.testing.assert_allclose(test["loss"], np.mean(losses.sparse_categorical_crossentropy(
        Y[:20], logits, from_logits=True)), rtol=1e-5)
    assert isinstance(logits, np.ndarray) and logits.shape == (20, 3)


def _buffer(a):
    """The address of an array's memory (jax, torch, tensorflow)."""
    if hasattr(a, "unsafe_buffer_pointer"):
        return a.unsafe_buffer_pointer()
    if hasattr(a, "data_ptr"):
        return a.data_ptr()
    return None


def test_fit_keeps_one_copy_of_the_training_state(trainer):
    # Keras's trainers hold the model and optimizer state once during fit: jax donates
    # it to the step, tensorflow updates its tf.Variables in place. crossops's variables
    # hold the step's new arrays (torch: the Parameters keep their identity)
    model = _mlp(optimizer=optimizers.Adam(1e-2))
    model.fit(X[:20], Y[:20], batch_size=10, epochs=1, verbose=0)  # built, compiled
    params = [v._value for v in model.trainable_variables]
    checked = []

    class Check(crossops.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            runner = model._runner  # not self.model, which would write the state back
            variables = [v for part in model._state_parts("train") for v in part]
            if runner.state is None:  # tensorflow: the step wrote the variables
                assert trainer == "tensorflow"
                assert all(v._tf_variable for v in variables)
            else:
                state = [a for part in runner.state for a in part]
                assert all(v._value is a or (_buffer(a) is not None and
                                             _buffer(v._value) == _buffer(a))
                           for v, a in zip(variables, state))
            checked.append(batch)

    before = _weights(model)
    model.fit(X, Y, batch_size=25, epochs=2, verbose=0, callbacks=[Check()])
    assert checked == [0, 1, 2, 3] * 2
    if trainer == "jax":  # the first step's state was donated, its buffers reused
        assert all(p.is_deleted() for p in params)
    else:  # the module's Parameters, the tf.Variables, stay the model's
        assert all(v._value is p for v, p in zip(model.trainable_variables, params))
    assert not any(np.array_equal(a, b) for a, b in zip(before, _weights(model)))
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0)[0], model.evaluate(
        X, Y, verbose=0)[0])


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
def test_torch_fit_writes_the_state_into_its_tensors():
    # as torch.optim steps: the step stores the new parameters and optimizer slots into
    # the tensors it was given (compiled: inductor writes those buffers; eager: the
    # optimizer's multi-tensor form), so that the old and the new state are not both held
    # until the step ends; compiled and eager give the same numbers
    with crossops.use_backend("torch"):
        runs = {}
        for eager in (True, False):
            model = _mlp(optimizer=optimizers.Adam(1e-2), run_eagerly=eager,
                         jit_compile=not eager)
            model.fit(X[:20], Y[:20], batch_size=10, epochs=1, verbose=0, shuffle=False)
            variables = [v for part in model._state_parts("train") for v in part]
            storage = [v._value.data_ptr() for v in variables]
            before = _weights(model)
            model.fit(X, Y, batch_size=25, epochs=2, verbose=0, shuffle=False)
            kept = [v._value.data_ptr() == d for v, d in zip(variables, storage)]
            # eagerly the counters and metrics are new 0-d tensors the variables adopt
            assert all(kept[:len(model.trainable_variables)] if eager else kept)
            assert not any(np.array_equal(a, b) for a, b in zip(before, _weights(model)))
            runs[eager] = _weights(model) + [v.numpy() for v in model.optimizer.variables]
        for a, b in zip(runs[True], runs[False]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("made_on", TRAINABLE)
def test_subclassed_model_made_under_a_backend_trains_there_on_host_data(made_on):
    # a subclassed model builds on its first call: fit's first call on NumPy rows must
    # build it on the backend it was made on, not on NumPy (host data)
    class Net(models.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(3)

        def call(self, x, training=False):
            return self.dense(x)

    with crossops.use_backend(made_on):
        net = Net()
        net.compile(optimizer=optimizers.SGD(0.1),
                    loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    history = net.fit(X, Y, batch_size=25, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert {backend_of_type(type(w.value)) for w in net.weights} == {made_on}


def test_class_weight_is_a_per_example_weight(trainer):
    weights = {0: 0.5, 1: 2.0, 2: 1.0}
    a, b = _mlp(), _mlp()
    a.fit(X, Y, batch_size=20, epochs=1, shuffle=False, verbose=0, class_weight=weights)
    b.fit(X, Y, batch_size=20, epochs=1, shuffle=False, verbose=0,
          sample_weight=np.vectorize(weights.get)(Y).astype(np.float32))
    for got, want in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_validation_freq(trainer):
    model = _mlp()
    history = model.fit(X, Y, epochs=4, validation_split=0.2, validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4
    assert len(history.history["val_loss"]) == 2


# -- bad data fails before any step --------------------------------------------------------
def _bad_cases():
    def gen():
        return iter(())
    return {
        "x and y lengths": ({"x": X, "y": Y[:90]}, r"fit.*\by\b"),
        "label 5 of 3 classes": ({"x": X, "y": np.where(Y == 0, 5, Y)}, r"fit.*\by\b"),
        "label -1": ({"x": X, "y": np.where(Y == 0, -1, Y)}, r"fit.*\by\b"),
        "empty arrays": ({"x": X[:0], "y": Y[:0]}, r"fit.*\bx\b"),
        "empty generator": ({"x": gen()}, r"fit"),
        "batch_size 0": ({"x": X, "y": Y, "batch_size": 0}, r"fit.*batch_size"),
        "batch_size -4": ({"x": X, "y": Y, "batch_size": -4}, r"fit.*batch_size"),
        "validation_split 1.5": ({"x": X, "y": Y, "validation_split": 1.5},
                                 r"fit.*validation_split"),
        "y missing": ({"x": X}, r"fit.*\by\b"),
    }


@pytest.mark.parametrize("case", list(_bad_cases()))
def test_bad_data_fails_before_any_step(trainer, case):
    kwargs, message = _bad_cases()[case]
    model = _mlp()
    model.predict(X[:1], verbose=0)
    before = _weights(model)
    with pytest.raises(ValueError, match=message):
        model.fit(epochs=1, verbose=0, **kwargs)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_nan_inputs_stop_training_under_terminate_on_nan(trainer):
    from crossops.callbacks import TerminateOnNaN
    bad = X.copy()
    bad[30] = np.nan
    # no relu: TensorFlow's graph optimiser fuses matmul + bias + relu into a kernel whose
    # relu gives 0 for NaN (as under Keras), so the NaN would not reach the loss there
    model = models.Sequential([layers.Input((6,)), layers.Dense(3)])
    model.compile(optimizer=optimizers.SGD(0.1),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(bad, Y, batch_size=20, epochs=5, shuffle=False, verbose=0,
                        callbacks=[TerminateOnNaN()])
    assert model.stop_training
    assert len(history.history.get("loss", [])) <= 1


# -- torch compiles once ------------------------------------------------------------------
COMPILE_ONCE = """
import numpy as np, crossops
from torch._dynamo.utils import counters
from crossops import layers, losses, models
x = np.random.default_rng(0).standard_normal((100, 6)).astype(np.float32)
y = (x[:, 0] > 0).astype(np.int32)
with crossops.use_backend("torch"):
    model = models.Sequential([layers.Input((6,)), *PIECES, layers.Dense(8, activation="relu"),
                               layers.Dense(3)])
    model.compile("adam", losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], jit_compile=True)
    model.fit(x, y, batch_size=32, epochs=3, verbose=0)  # 32, 32, 32, 4 in each epoch
print(counters["stats"]["unique_graphs"], sum(counters["graph_break"].values()))
"""


#: a ResNet's pieces: padding, a convolution, batch normalisation
CNN = ("layers.Reshape((2, 3, 1)), layers.ZeroPadding2D(1), layers.Conv2D(2, 3), "
       "layers.BatchNormalization(), layers.Flatten(),")


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
@pytest.mark.parametrize("pieces, graphs", [("", 1), (CNN, 2)], ids=["mlp", "cnn"])
def test_torch_compiles_the_training_step_once(pieces, graphs):
    """Full batches, the last partial batch and later epochs share one compiled program
    (the batch axis is marked dynamic; the step gets plain tensors from the first call),
    with no graph break. With batch normalisation inductor specialises its reductions
    for batches under 16 (the last batch has 4 rows): one more program, compiled once.
    In a fresh process: torch's automatic dynamic shapes remember earlier compiles."""
    import subprocess
    import sys
    script = COMPILE_ONCE.replace("*PIECES,", pieces)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert tuple(map(int, done.stdout.split()[-2:])) == (graphs, 0)


# -- Keras's jit_compile rule -----------------------------------------------------------------
class _CountingLoss(models.Sequential):
    """Counts the Python runs of ``compute_loss``: once per step eagerly, only while
    tracing when the step is a graph."""

    runs = 0

    def compute_loss(self, *args, **kwargs):
        type(self).runs += 1
        return super().compute_loss(*args, **kwargs)


@pytest.mark.parametrize("jit_compile", ["auto", True, False])
def test_jit_compile_follows_keras_on_tensorflow(jit_compile):
    """On TensorFlow the steps are graphs unless ``run_eagerly`` (as Keras: ``jit_compile``
    only chooses XLA); ``"auto"`` takes XLA only where TensorFlow sees an accelerator (on
    CPUs TensorFlow's kernels run a ResNet-50 step about 4x faster than XLA's)."""
    tf = pytest.importorskip("tensorflow")
    accelerated = any(d.device_type != "CPU" for d in tf.config.list_physical_devices())
    with crossops.use_backend("tensorflow"):
        model = _CountingLoss([layers.Input((6,)), layers.Dense(3)])
        model.compile(optimizer="sgd", jit_compile=jit_compile,
                      loss=losses.SparseCategoricalCrossentropy(from_logits=True))
        _CountingLoss.runs = 0
        model.fit(X[:80], Y[:80], batch_size=20, epochs=2, shuffle=False, verbose=0)
    assert _CountingLoss.runs <= 2  # traced (XLA's first call may trace twice), not 8 runs
    (step,) = model._step_cache.values()
    graph = step.for_backend("tensorflow")  # a tf.function traced once for every batch
    graph = getattr(graph, "function", graph)  # size, or the XLA-first wrapper
    xla = jit_compile is True or (jit_compile == "auto" and accelerated)
    assert isinstance(graph, tf.types.experimental.PolymorphicFunction) != xla


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
@pytest.mark.parametrize("jit_compile", ["auto", True, False])
def test_jit_compile_follows_keras_on_torch(jit_compile):
    """On PyTorch ``"auto"`` runs the steps eagerly, as Keras 3's rule does
    (``torch.compile`` spends seconds to minutes on the first step); ``True`` compiles."""
    with crossops.use_backend("torch"):
        model = _CountingLoss([layers.Input((6,)), layers.Dense(3)])
        model.compile(optimizer="sgd", jit_compile=jit_compile,
                      loss=losses.SparseCategoricalCrossentropy(from_logits=True))
        type(model).runs = 0  # (a torch.nn.Module subclass of _CountingLoss on torch)
        model.fit(X[:80], Y[:80], batch_size=20, epochs=2, shuffle=False, verbose=0)
    assert model._use_jit() is (jit_compile is True)
    (step,) = model._step_cache.values()
    compiled = hasattr(step.for_backend("torch"), "_torchdynamo_orig_callable")
    assert compiled is (jit_compile is True)
    if not compiled:  # every step ran in Python
        assert type(model).runs == 8


@pytest.mark.parametrize("jit_compile", [True, False])
def test_run_eagerly_runs_every_step_in_python(jit_compile):
    pytest.importorskip("tensorflow")
    with crossops.use_backend("tensorflow"):
        model = _CountingLoss([layers.Input((6,)), layers.Dense(3)])
        model.compile(optimizer="sgd", jit_compile=jit_compile, run_eagerly=True,
                      loss=losses.SparseCategoricalCrossentropy(from_logits=True))
        _CountingLoss.runs = 0
        model.fit(X[:80], Y[:80], batch_size=20, epochs=2, shuffle=False, verbose=0)
    assert _CountingLoss.runs == 8


# -- torch convolution kernels -----------------------------------------------------------------
@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
def test_torch_conv_kernels_lie_in_memory_as_torch_reads_them():
    """A Conv2D kernel on torch keeps Keras's shape (kh, kw, in, out) but lies in memory as
    (out, kh, kw, in), the channels-last weight torch's convolution reads (no copy per
    call); its gradient and Adam's moments keep that layout through training (a compiled
    step would recompile on a layout change); the numbers are the plain convolution's."""
    import torch

    from crossops import nn
    x = RNG.standard_normal((4, 6, 6, 3)).astype(np.float32)
    with crossops.use_backend("torch"):
        model = models.Sequential([layers.Input((6, 6, 3)), layers.Conv2D(4, 3),
                                   layers.Flatten(), layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse", jit_compile=False)
    kernel = model.layers[0].kernel.value
    assert tuple(kernel.shape) == (3, 3, 3, 4)
    assert kernel.permute(3, 2, 0, 1).is_contiguous(memory_format=torch.channels_last)
    xt = torch.from_numpy(x)
    plain = torch.nn.functional.conv2d(xt.permute(0, 3, 1, 2),
                                       kernel.detach().permute(3, 2, 0, 1).contiguous())
    torch.testing.assert_close(nn.conv(xt, kernel.detach()), plain.permute(0, 2, 3, 1))
    grad = crossops.grad(lambda k: crossops.numpy.sum(nn.conv(xt, k) ** 2))(kernel.detach())
    assert grad.stride() == kernel.stride()
    model.fit(x, np.zeros((4, 2), np.float32), epochs=2, verbose=0)
    assert model.layers[0].kernel.value.stride() == kernel.stride()
    moments = [v.value for v in model.optimizer.variables if tuple(v.shape) == (3, 3, 3, 4)]
    assert moments and all(m.stride() == kernel.stride() for m in moments)
    np.testing.assert_array_equal(model.get_weights()[0], kernel.detach().numpy())


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
def test_fit_without_batch_callbacks_logs_as_with_them():
    """fit makes the batches' logs only for a callback that reads them (an eager torch
    step then makes them once, at the epoch's end; the compiled steps of jax and
    tensorflow always make them): the history, the weights and the batch logs a
    callback sees are those of a fit that makes them at every batch."""
    from crossops.callbacks import LambdaCallback
    seen = []
    reader = LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(
        {k: float(v) for k, v in logs.items()}))
    runs = []
    for callbacks in ([], [reader]):
        with crossops.use_backend("torch"):
            model = _mlp()
        history = model.fit(X, Y, batch_size=32, epochs=2, verbose=0, shuffle=False,
                            sample_weight=W, callbacks=callbacks)
        runs.append((history.history, model.get_weights()))
    (lazy, lazy_weights), (read, read_weights) = runs
    assert lazy == read and set(lazy) == {"loss", "accuracy"}
    for a, b in zip(lazy_weights, read_weights):
        np.testing.assert_array_equal(a, b)
    assert len(seen) == 8 and seen[3] == {k: v[0] for k, v in read.items()}


def test_loss_tracker_fast_update_matches_the_general_one(trainer):
    """Mean.add_weighted (a step's loss weighted by its batch size) gives the state and
    the result of update_state(value, sample_weight=n), bit for bit, in float32 from
    float32 and float64 losses (jax without x64: float32 only, as it has no float64)."""
    from crossops import metrics
    for dtype in ("float32",) if trainer == "jax" else ("float32", "float64"):
        fast, general = metrics.Mean(name="loss"), metrics.Mean(name="loss")
        for value, n in ((0.1234567, 32.0), (2.5e-3, 7.0), (0.0, 1.0)):
            x = crossops.numpy.asarray(value, dtype=dtype)
            fast.add_weighted(x, n)
            general.update_state(x, sample_weight=crossops.numpy.asarray(n, "float32"))
        for a, b in zip(fast.variables, general.variables):
            assert a.numpy().dtype == np.float32
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(np.asarray(crossops.numpy.asarray(fast.result())),
                                      np.asarray(crossops.numpy.asarray(general.result())))
