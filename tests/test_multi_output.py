"""Models with several outputs in ``compile`` / ``fit`` / ``evaluate`` / ``*_on_batch``, as
Keras 3: one loss for every output, a list or a dict of losses (None skipping an output),
``loss_weights``, per-output ``metrics`` and ``weighted_metrics``, targets and sample
weights as lists, tuples or dicts, and the logs' names (``<output>_loss``,
``<output>_<metric>``). Every case runs in Keras 3 (its jax backend, in a subprocess)
from the same initial weights; the history, the evaluation and the single-batch logs
must match Keras's keys exactly and its values closely."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest

import crossops

from .backends import BACKENDS, keras_subprocess

TRAINABLE = [b for b in ("jax", "torch", "tensorflow") if b in BACKENDS]
N, EPOCHS, BATCH = 10, 2, 4  # 10 examples in batches of 4: a partial last batch

_rng = np.random.default_rng(7)
X = _rng.standard_normal((N, 4)).astype(np.float32)
Y_A = _rng.standard_normal((N, 1)).astype(np.float32)
Y_B = _rng.standard_normal((N, 2)).astype(np.float32)
Y_BIN = (_rng.uniform(size=(N, 1)) > 0.5).astype(np.float32)
Y_SPARSE = _rng.integers(0, 3, N).astype(np.int32)
Y_C = _rng.standard_normal((N, 3)).astype(np.float32)
SW = np.linspace(0.0, 2.0, N).astype(np.float32)  # a 0 weight: an example that counts not
SW_B = _rng.uniform(0.5, 1.5, N).astype(np.float32)


def _build(layers, models, kind):
    """The model of a case, built with ``layers`` and ``models`` of crossops or Keras."""
    x = layers.Input((4,))
    h = layers.Dense(5, activation="tanh", name="hidden")(x)
    if kind == "classes":
        a = layers.Dense(1, activation="sigmoid", name="out_a")(h)
        b = layers.Dense(3, activation="softmax", name="out_b")(h)
    else:
        a = layers.Dense(1, name="out_a")(h)
        b = layers.Dense(2, name="out_b")(h)
    if kind == "dict":  # keys other than the layers' names, not in sorted order
        return models.Model(x, {"z": a, "b": b})
    if kind in ("dict_of_lists", "tuple_in_list"):  # nested outputs
        c = layers.Dense(3, name="out_c")(h)
        return models.Model(x, {"p": [a, b], "q": c} if kind == "dict_of_lists"
                            else [(a, b), c])
    if kind == "single_list":
        return models.Model(x, [a])
    return models.Model(x, [a, b])


def _initial_weights(model):
    rng = np.random.default_rng(3)
    return [rng.uniform(-0.5, 0.5, w.shape).astype(np.float32) for w in model.get_weights()]


#: name -> (model kind, compile arguments, y, sample_weight)
CASES = {
    "one_loss_for_both": ("list", {"loss": "mse"}, [Y_A, Y_B], None),
    "none_entry": ("list", {"loss": [None, "mse"]}, [Y_A, Y_B], None),
    "lists_and_a_zero_weight": (
        "list", {"loss": ["mse", "mae"], "loss_weights": [0.0, 2.0],
                 "metrics": [["mae"], ["mae", "mse"]]}, [Y_A, Y_B], None),
    "flat_metrics_one_per_output": (
        "list", {"loss": "mae", "metrics": ["mse", "mae"]}, (Y_A, Y_B), None),
    "dict_loss_and_targets": (
        "list", {"loss": {"out_b": "mse", "out_a": "mae"},
                 "loss_weights": {"out_a": 0.5, "out_b": 1.5},
                 "metrics": {"out_b": "mae"}}, {"out_a": Y_A, "out_b": Y_B}, None),
    "dict_outputs": ("dict", {"loss": "mse", "metrics": {"z": ["mae", "mse"]}},
                     {"z": Y_A, "b": Y_B}, None),
    "dict_outputs_dict_loss": ("dict", {"loss": {"z": "mae", "b": None}},
                               {"z": Y_A, "b": Y_B}, None),
    "single_element_list": ("single_list", {"loss": ["mse"], "metrics": ["mae"]}, Y_A,
                            None),
    "weighted": ("list", {"loss": "mse", "metrics": [["mae"], None],
                          "weighted_metrics": [["mae"], ["mae"]]}, [Y_A, Y_B], SW),
    "sample_weight_per_output": ("list", {"loss": "mse", "weighted_metrics": [["mse"],
                                                                              ["mse"]]},
                                 [Y_A, Y_B], [SW, SW_B]),
    "accuracy_by_output": (
        "classes", {"loss": ["binary_crossentropy", "sparse_categorical_crossentropy"],
                    "metrics": [["accuracy"], ["accuracy", "acc"]]},
        [Y_BIN, Y_SPARSE], None),
    # nested outputs: losses named by their paths ("p/out_a_loss", "0/out_a_loss", with
    # the output's name for a list index), metrics by the outputs' names
    "nested_one_loss": ("dict_of_lists", {"loss": "mse"}, {"p": [Y_A, Y_B], "q": Y_C},
                        None),
    "nested_structures": (
        "dict_of_lists", {"loss": {"p": ["mse", "mae"], "q": "mse"},
                          "loss_weights": {"p": [1.0, 0.5], "q": 2.0},
                          "metrics": {"p": [["mae"], None], "q": ["mae", "mse"]}},
        {"p": [Y_A, Y_B], "q": Y_C}, None),
    "tuple_in_list_metrics": ("tuple_in_list", {"loss": "mae", "metrics": [(["mse"], ["mae"]),
                                                                           ["mse"]]},
                              [(Y_A, Y_B), Y_C], None),
    "tuple_in_list_none": ("tuple_in_list", {"loss": [["mse", None], "mae"]},
                           [(Y_A, Y_B), Y_C], None),
    "tuple_in_list_flat_losses": ("tuple_in_list", {"loss": ["mse", "mae", "mse"],
                                                    "weighted_metrics": [(["mae"], None),
                                                                         ["mae"]]},
                                  [(Y_A, Y_B), Y_C], SW),
}

#: name -> (model kind, compile arguments, y): Keras rejects these, at compile or fit
ERRORS = {
    "flat_metrics_too_few": ("list", {"loss": "mse", "metrics": ["mae"]}, [Y_A, Y_B]),
    "loss_list_too_long": ("list", {"loss": ["mse", "mse", "mse"]}, [Y_A, Y_B]),
    "loss_dict_missing_output": ("list", {"loss": {"out_b": "mse"}}, [Y_A, Y_B]),
    "loss_weights_int": ("list", {"loss": "mse", "loss_weights": 2}, [Y_A, Y_B]),
    "loss_weights_too_many": ("list", {"loss": ["mse", "mse"],
                                       "loss_weights": [1.0, 1.0, 1.0]}, [Y_A, Y_B]),
    "loss_weights_list_for_one_loss": ("list", {"loss": "mse", "loss_weights": [1.0, 2.0]},
                                       [Y_A, Y_B]),
    "three_targets_for_two_outputs": ("list", {"loss": "mse"}, [Y_A, Y_B, Y_B]),
    "metrics_not_a_list": ("list", {"loss": "mse", "metrics": "mae"}, [Y_A, Y_B]),
}


def _run(model, case, **compile_args):
    """Every figure a case gives: history, evaluate (dict and list), then one batch."""
    _, args, y, sw = CASES[case]
    model.compile(optimizer="sgd", **args, **compile_args)
    history = model.fit(X, y, sample_weight=sw, batch_size=BATCH, epochs=EPOCHS,
                        shuffle=False, verbose=0).history
    logs = model.evaluate(X, y, sample_weight=sw, batch_size=BATCH, verbose=0,
                          return_dict=True)
    flat = model.evaluate(X, y, sample_weight=sw, batch_size=BATCH, verbose=0)
    model.reset_metrics()
    train = model.train_on_batch(X, y, sample_weight=sw, return_dict=True)
    model.reset_metrics()
    test = model.test_on_batch(X, y, sample_weight=sw, return_dict=True)
    return {"history": {k: [float(v) for v in vs] for k, vs in history.items()},
            "evaluate": {k: float(v) for k, v in logs.items()},
            "evaluate_list": [float(v) for v in np.atleast_1d(flat)],
            "train_on_batch": {k: float(v) for k, v in train.items()},
            "test_on_batch": {k: float(v) for k, v in test.items()}}


def _compile_args(config):
    return {k: config[k] for k in ("loss", "loss_weights", "metrics", "weighted_metrics")}


def keras_cases(path):
    """Keras's figures for every case, and the exception type of every error case (run in
    a subprocess by ``keras_subprocess``)."""
    import pickle

    import keras
    out = {"cases": {}, "errors": {}, "compile_config": None}
    for case, (kind, _, _, _) in CASES.items():
        model = _build(keras.layers, keras.models, kind)
        model.set_weights(_initial_weights(model))
        out["cases"][case] = _run(model, case)
    for case, (kind, args, y) in ERRORS.items():
        model = _build(keras.layers, keras.models, kind)
        try:
            model.compile(optimizer="sgd", **args)
            model.fit(X, y, epochs=1, verbose=0)
        except Exception as e:  # noqa: BLE001 - the type is the fact recorded
            out["errors"][case] = type(e).__name__
        else:
            out["errors"][case] = None
    model = _build(keras.layers, keras.models, "list")
    model.compile(optimizer="sgd", **CASES["lists_and_a_zero_weight"][1])
    out["compile_config"] = _compile_args(model.get_compile_config())
    with open(path, "wb") as f:
        pickle.dump(out, f)


@pytest.fixture(scope="module")
def keras_results():
    pytest.importorskip("keras")
    pytest.importorskip("jax")
    # Keras on jax: its per-output loss trackers weigh each batch by its size, as
    # crossops's do (Keras's tensorflow graphs see no static batch size there, and then
    # average the batches' means: a partial last batch counts as a whole one)
    return keras_subprocess("jax", "tests.test_multi_output", "keras_cases")


@pytest.fixture(params=TRAINABLE)
def trainer(request):
    with crossops.use_backend(request.param):
        yield request.param


def _crossops_model(kind):
    from crossops import layers, models
    model = _build(layers, models, kind)
    model.set_weights(_initial_weights(model))
    return model


def _assert_logs_match(got, want, where):
    assert set(got) == set(want), (where, sorted(got), sorted(want))
    for k in want:
        np.testing.assert_allclose(got[k], want[k], rtol=1e-5, atol=1e-6,
                                   err_msg=f"{where}: {k}")


#: the cases whose torch steps the default run compiles (torch.compile takes 5-40 s a
#: model here); ``test_case_compiled_on_torch_matches_keras`` compiles the others
#: (nox -s slow), and the default run takes them eagerly
COMPILED_ON_TORCH = {"lists_and_a_zero_weight", "dict_outputs", "weighted",
                     "accuracy_by_output", "nested_structures", "tuple_in_list_flat_losses"}


@pytest.mark.parametrize("case", list(CASES))
def test_case_matches_keras(trainer, keras_results, case):
    # compiled steps (on torch fit's default runs eagerly, as Keras's: ask for them)
    compiled = trainer == "torch" and case in COMPILED_ON_TORCH
    _check_case(keras_results, case, **({"jit_compile": True} if compiled else {}))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(set(CASES) - COMPILED_ON_TORCH))
def test_case_compiled_on_torch_matches_keras(keras_results, case):
    with crossops.use_backend("torch"):
        _check_case(keras_results, case, jit_compile=True)


def _check_case(keras_results, case, **compile_args):
    got = _run(_crossops_model(CASES[case][0]), case, **compile_args)
    want = keras_results["cases"][case]
    _assert_logs_match(got["history"], want["history"], "history")
    for part in ("evaluate", "train_on_batch", "test_on_batch"):
        _assert_logs_match(got[part], want[part], part)
    np.testing.assert_allclose(got["evaluate_list"], want["evaluate_list"], rtol=1e-5,
                               atol=1e-6)  # Keras's order of the figures


@pytest.mark.parametrize("case", ["lists_and_a_zero_weight", "dict_outputs", "weighted"])
def test_eager_steps_give_the_compiled_figures(trainer, keras_results, case):
    """``run_eagerly=True`` (no compiled step) gives Keras's figures as well."""
    got = _run(_crossops_model(CASES[case][0]), case, run_eagerly=True)
    want = keras_results["cases"][case]
    _assert_logs_match(got["history"], want["history"], "history")
    _assert_logs_match(got["evaluate"], want["evaluate"], "evaluate")


def test_single_output_logs_only_the_loss(trainer, keras_results):
    """One loss over one output (in a list): no ``<output>_loss`` entry, as Keras."""
    want = keras_results["cases"]["single_element_list"]["history"]
    assert set(want) == {"loss", "mae"}
    got = _run(_crossops_model("single_list"), "single_element_list")["history"]
    assert set(got) == set(want)


@pytest.mark.parametrize("case", list(ERRORS))
def test_errors_as_keras(trainer, keras_results, case):
    kind, args, y = ERRORS[case]
    want = keras_results["errors"][case]
    assert want is not None, f"Keras accepts {case}"
    model = _crossops_model(kind)
    with pytest.raises(Exception) as info:  # noqa: PT011 - the type is checked below
        model.compile(optimizer="sgd", **args)
        model.fit(X, y, epochs=1, verbose=0)
    assert type(info.value).__name__ == want, info.value
    message = str(info.value)
    assert "compile" in message, message


def test_error_names_what_was_given_and_what_fits(trainer):
    model = _crossops_model("list")
    model.compile(optimizer="sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(KeyError, match=r"3 entries.*2 outputs.*out_a"):
        model.fit(X, [Y_A, Y_B], epochs=1, verbose=0)
    model = _crossops_model("list")
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"3 entries.*2 outputs"):
        model.fit(X, [Y_A, Y_B, Y_B], epochs=1, verbose=0)


def test_compile_config_records_the_structures_as_keras(trainer, keras_results):
    from crossops import models
    model = _crossops_model("list")
    model.compile(optimizer="sgd", **CASES["lists_and_a_zero_weight"][1])
    assert _compile_args(model.get_compile_config()) == keras_results["compile_config"]
    model.fit(X, [Y_A, Y_B], epochs=1, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        loaded = models.load_model(path)
    assert _compile_args(loaded.get_compile_config()) == keras_results["compile_config"]
    want = model.evaluate(X, [Y_A, Y_B], verbose=0, return_dict=True)
    got = loaded.evaluate(X, [Y_A, Y_B], verbose=0, return_dict=True)
    _assert_logs_match(got, want, "loaded")


# -- a train_step override that calls compute_loss ---------------------------------------
def _override_model(layers, models, tf):
    """A subclassed two-output model with Keras's guide's ``train_step`` (TensorFlow): the
    loss from ``self.compute_loss``, the logs from ``self.compute_metrics``; built on a
    TensorFlow batch."""

    class Override(models.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(5, activation="tanh")
            self.out_a, self.out_b = layers.Dense(1), layers.Dense(2)

        def call(self, x):
            h = self.hidden(x)
            return [self.out_a(h), self.out_b(h)]

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            return self.compute_metrics(x, y, y_pred)

    model = Override()
    model(tf.constant(X[:2]))
    return model


_OVERRIDE_COMPILE = {"loss": ["mse", "mae"], "metrics": [["mae"], None]}


def _override_history(model):
    model.set_weights(_initial_weights(model))
    model.compile(optimizer="sgd", **_OVERRIDE_COMPILE)
    # batches of 5: Keras's tensorflow graphs weigh each batch's loss alike (no static
    # batch size), crossops by its size; with equal batches both give the same figures
    history = model.fit(X, [Y_A, Y_B], batch_size=5, epochs=EPOCHS, shuffle=False,
                        verbose=0).history
    return {k: [float(v) for v in vs] for k, vs in history.items()}


def keras_override(path):
    """Keras's history for the ``train_step`` override (tensorflow backend)."""
    import pickle

    import keras
    import tensorflow as tf
    out = _override_history(_override_model(keras.layers, keras.models, tf))
    with open(path, "wb") as f:
        pickle.dump(out, f)


def test_train_step_override_feeds_each_outputs_loss_tracker():
    """A ``train_step`` that calls ``self.compute_loss`` (Keras's guide) feeds each output's
    loss tracker as Keras's does (a subclassed model's: named after the losses,
    ``mse_loss`` and ``mae_loss``): the same logs."""
    tf = pytest.importorskip("tensorflow")
    pytest.importorskip("keras")
    want = keras_subprocess("tensorflow", "tests.test_multi_output", "keras_override")
    from crossops import layers, models
    with crossops.use_backend("tensorflow"):
        got = _override_history(_override_model(layers, models, tf))
    assert {"mse_loss", "mae_loss", "mae"} <= set(want)
    _assert_logs_match(got, want, "history")


@pytest.mark.parametrize("kind", ["tuple_in_list", "dict_of_lists"])
def test_nested_outputs_align_in_one_torch_graph(kind):
    """Targets laid out as nested outputs (``[(a, b), c]``, ``{"p": [a, b], "q": c}``, dict
    keys in the model's order): as optree's unflatten lays them out, and inside one
    ``torch.compile`` graph (fullgraph): optree's spec there broke the compiled step's
    graph, which then ran as separately compiled pieces whose guards failed by what ran
    before them (CI: StopIteration in torch's guards; issue 13)."""
    torch = pytest.importorskip("torch")
    import optree

    from crossops.trainers._compile_utils import Outputs
    a, b, c = (torch.full((2, n), float(n)) for n in (1, 2, 3))
    y_pred = [(a, b), c] if kind == "tuple_in_list" else {"q": c, "p": [a, b]}
    outputs = Outputs(y_pred)
    y = [(a + 1, b + 1), c + 1] if kind == "tuple_in_list" else {"p": [a + 1, b + 1],
                                                                 "q": c + 1}
    want = optree.tree_unflatten(optree.tree_structure(y_pred), optree.tree_leaves(y))
    for got in (outputs.align(y), torch.compile(outputs.align, fullgraph=True,
                                                backend="eager")(y)):
        assert optree.tree_structure(got) == optree.tree_structure(want)
        assert list(got) == list(want)  # the model's dict order
        for g, w in zip(optree.tree_leaves(got), optree.tree_leaves(want)):
            assert g is w
