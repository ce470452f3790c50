"""crossops.callbacks: the protocol through a CallbackList, each callback against a small
stand-in model driven by hand, and (after the header "with fit") the same contract
through a real ``Sequential.fit`` on jax."""

from __future__ import annotations

import csv
import doctest
import importlib
import json
import math
import os
import struct
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import crossops.callbacks as cbs
from crossops import optimizers
from crossops._variable import Variable
from crossops.callbacks import (
    BackupAndRestore,
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)

from .backends import to_backend

# -- a stand-in model ------------------------------------------------------------------------


class StubModel:
    """What the callbacks use of a model: weights as Variables, an optimizer, and the
    stop flag."""

    built = True

    def __init__(self, optimizer=None, seed=0):
        rng = np.random.default_rng(seed)
        self.weights = [Variable(rng.standard_normal((2, 3)).astype(np.float32), name="w"),
                        Variable(rng.standard_normal(3).astype(np.float32), name="b")]
        self.trainable_variables = self.weights
        self.optimizer = optimizer if optimizer is not None else optimizers.SGD(0.1)
        self.stop_training = False
        self.saved = []

    def get_weights(self):
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        if len(weights) != len(self.weights):
            raise ValueError(f"expected {len(self.weights)} arrays, got {len(weights)}")
        for w, a in zip(self.weights, weights):
            if tuple(np.shape(a)) != w.shape:
                raise ValueError(f"{w.name}: shape {w.shape}, got {np.shape(a)}")
        for w, a in zip(self.weights, weights):
            w.assign(np.array(a, dtype=np.float32))

    def save_weights(self, path):
        self.saved.append(path)
        with open(path, "w") as f:
            f.write("weights")

    def train_step(self):
        """One optimizer step with made-up gradients: changes weights and state."""
        grads = [np.full(w.shape, 0.5, np.float32) for w in self.weights]
        self.optimizer.apply(grads, self.weights)


HOOKS_WITH_BATCH = ["on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                    "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"]
HOOKS_WITH_EPOCH = ["on_epoch_begin", "on_epoch_end"]
HOOKS_WITH_LOGS = ["on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                   "on_predict_begin", "on_predict_end"]
ALL_HOOKS = HOOKS_WITH_BATCH + HOOKS_WITH_EPOCH + HOOKS_WITH_LOGS


class Recorder(Callback):
    """Records every hook call as (name, index or None, logs)."""

    def __init__(self, calls=None, tag=None):
        super().__init__()
        self.calls = [] if calls is None else calls
        self.tag = tag

    def _record(self, name, index, logs):
        self.calls.append((self.tag, name, index, logs) if self.tag else (name, index, logs))


def _make_hook(name, with_index):
    if with_index:
        def hook(self, index, logs=None):
            self._record(name, index, logs)
    else:
        def hook(self, logs=None):
            self._record(name, None, logs)
    hook.__name__ = name
    return hook


for _name in ALL_HOOKS:
    setattr(Recorder, _name, _make_hook(_name, _name not in HOOKS_WITH_LOGS))


def _names(calls):
    return [c[0] if len(c) == 3 else c[1] for c in calls]


# -- the protocol -----------------------------------------------------------------------------

def test_callbacklist_forwards_every_hook_in_order_to_every_callback():
    calls = []
    first, second = Recorder(calls, "a"), Recorder(calls, "b")
    callbacks = CallbackList([first, [second]])
    for name in ALL_HOOKS:
        if name in HOOKS_WITH_LOGS:
            getattr(callbacks, name)({"x": 1.0})
        else:
            getattr(callbacks, name)(3, {"x": 1.0})
    assert [(c[0], c[1]) for c in calls] == [(tag, name) for name in ALL_HOOKS
                                             for tag in ("a", "b")]
    assert all(c[3] == {"x": 1.0} for c in calls)
    assert all(c[2] == 3 for c in calls if c[1] not in HOOKS_WITH_LOGS)


def test_default_hooks_do_nothing_and_batch_aliases_are_called():
    seen = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch))

    callbacks = CallbackList([Old(), Callback()])
    callbacks.on_train_batch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_test_batch_end(0, {"loss": 1.0})  # not an alias of the train hooks
    for name in HOOKS_WITH_LOGS:
        getattr(callbacks, name)()
    assert seen == [("begin", 0), ("end", 0)]


def test_callbacklist_says_which_hooks_a_callback_uses():
    """fit skips the batch hooks (and their logs) that no callback uses: an override, a
    Keras alias (on_batch_end), a function set on the instance, or a duck-typed
    callback all count as using them; the History and the base class do not."""
    class Old(Callback):
        def on_batch_end(self, batch, logs=None):
            pass

    class Duck:
        def set_model(self, model):
            pass

        def on_epoch_end(self, epoch, logs=None):
            pass

    train_end = ("on_train_batch_end", "on_batch_end")
    assert not CallbackList([Callback()], add_history=True).uses(*train_end)
    assert CallbackList([Old()]).uses(*train_end)
    assert not CallbackList([Old()]).uses("on_train_batch_begin", "on_batch_begin")
    assert CallbackList([cbs.LambdaCallback(on_train_batch_end=print)]).uses(*train_end)
    assert not CallbackList([cbs.LambdaCallback(on_epoch_end=print)]).uses(*train_end)
    assert CallbackList([Duck()]).uses(*train_end)
    assert CallbackList(add_progbar=True, verbose=1).uses(*train_end)


def test_callbacklist_adds_history_then_progbar_and_sets_model_and_params():
    user = Recorder()
    model = StubModel()
    callbacks = CallbackList([user], add_history=True, add_progbar=True, model=model,
                             verbose=0, epochs=3, steps=5)
    assert [type(c) for c in callbacks.callbacks] == [Recorder, History, ProgbarLogger]
    assert callbacks.history is callbacks.callbacks[1] and model.history is callbacks.history
    assert callbacks.progbar is callbacks.callbacks[2]
    params = {"verbose": 0, "epochs": 3, "steps": 5}
    assert all(c.params == params and c.model is model for c in callbacks)
    own = History()
    again = CallbackList([own], add_history=True)
    assert again.history is own and len(again) == 1
    assert CallbackList().callbacks == [] and CallbackList().history is None


def test_callbacklist_rejects_what_is_not_a_callback():
    with pytest.raises(TypeError, match=r"callbacks\[1\] is a str"):
        CallbackList([Callback(), "history"])


def test_batch_logs_pass_as_they_are_and_epoch_logs_become_floats():
    torch = pytest.importorskip("torch")
    rec = Recorder()
    callbacks = CallbackList([rec])
    loss = torch.tensor(0.5)
    callbacks.on_train_batch_end(0, {"loss": loss})
    assert rec.calls[-1][2]["loss"] is loss  # not synced to the host
    callbacks.on_epoch_end(0, {"loss": np.float32(0.25), "acc": torch.tensor(1.0),
                               "vector": np.ones(3)})
    logs = rec.calls[-1][2]
    assert type(logs["loss"]) is float and logs["loss"] == 0.25
    assert type(logs["acc"]) is float and logs["acc"] == 1.0
    assert logs["vector"].shape == (3,)
    callbacks.on_train_begin(None)
    assert rec.calls[-1][2] == {}  # a dict the callbacks may write to


def test_callback_model_and_params():
    c = Callback()
    assert c.model is None and c.params is None
    model = StubModel()
    c.set_model(model)
    c.set_params({"epochs": 2})
    assert c.model is model and c.params == {"epochs": 2}


def test_reading_model_syncs_the_training_state_first():
    model = StubModel()
    synced = []
    model._sync_training_state = lambda: synced.append(1)
    c = Callback()
    c.set_model(model)
    assert synced == [] and c.model is model and synced == [1]


# -- History ----------------------------------------------------------------------------------

def test_history_records_every_epoch_and_sets_model_history():
    model = StubModel()
    history = History()
    callbacks = CallbackList([history], model=model)
    callbacks.on_train_begin()
    for epoch in range(3):
        callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0})
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [1.0, 0.5, 1 / 3], "val_loss": [2.0] * 3}
    assert model.history is history


# -- EarlyStopping ----------------------------------------------------------------------------

def _run_epochs(callbacks, model, values, key="val_loss"):
    """Drive epochs with ``values`` of ``key`` until the model is told to stop; returns the
    epochs run."""
    callbacks.on_train_begin()
    ran = []
    for epoch, value in enumerate(values):
        callbacks.on_epoch_begin(epoch)
        model.train_step()
        callbacks.on_epoch_end(epoch, {key: value})
        ran.append(epoch)
        if model.stop_training:
            break
    callbacks.on_train_end()
    return ran


def test_early_stopping_waits_patience_epochs():
    model = StubModel()
    stop = EarlyStopping(patience=2)
    ran = _run_epochs(CallbackList([stop], model=model), model,
                      [1.0, 0.9, 0.95, 0.91, 0.8, 0.7])
    assert ran == [0, 1, 2, 3] and stop.stopped_epoch == 3 and stop.best == 0.9


def test_early_stopping_min_delta_and_max_mode():
    model = StubModel()
    stop = EarlyStopping(monitor="val_accuracy", min_delta=0.05, patience=1)
    ran = _run_epochs(CallbackList([stop], model=model), model, [0.5, 0.52, 0.9],
                      key="val_accuracy")
    assert ran == [0, 1]  # +0.02 is below min_delta; accuracy goes up in "auto" mode


def test_early_stopping_restores_the_best_weights_at_the_end():
    model = StubModel()
    stop = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    callbacks = CallbackList([stop], model=model)
    snapshots = []

    class Snap(Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(model.get_weights())

    callbacks = CallbackList([Snap(), stop], model=model)
    ran = _run_epochs(callbacks, model, [1.0, 0.5, 0.7, 0.9])
    assert ran == [0, 1, 2] and stop.best_epoch == 1
    for a, b in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_baseline_and_start_from_epoch():
    model = StubModel()
    stop = EarlyStopping(monitor="loss", patience=3, baseline=0.1)
    ran = _run_epochs(CallbackList([stop], model=model), model,
                      [1.0, 0.9, 0.8, 0.85, 0.86, 0.87], key="loss")
    # improvements that do not beat the baseline do not reset the wait (Keras's rule)
    assert ran == [0, 1, 2, 3] and stop.best == 0.8
    model = StubModel()
    stop = EarlyStopping(monitor="loss", patience=0, start_from_epoch=2)
    ran = _run_epochs(CallbackList([stop], model=model), model, [1.0, 2.0, 3.0, 4.0],
                      key="loss")
    assert ran == [0, 1, 2, 3]  # epochs 0, 1 not watched; epoch 2 is the first best


def test_early_stopping_errors_and_warnings():
    with pytest.raises(ValueError, match="EarlyStopping: mode"):
        EarlyStopping(mode="lowest")
    model = StubModel()
    stop = EarlyStopping(monitor="val_wobble")
    callbacks = CallbackList([stop], model=model)
    callbacks.on_train_begin()
    with pytest.raises(ValueError, match="EarlyStopping.*val_wobble.*mode='max'"):
        callbacks.on_epoch_end(0, {"val_wobble": 1.0})
    with pytest.warns(UserWarning, match="'val_loss', which is not in the logs"):
        CallbackList([EarlyStopping()], model=model).on_epoch_end(0, {"loss": 1.0})


# -- ModelCheckpoint --------------------------------------------------------------------------

def test_model_checkpoint_saves_each_epoch_with_formatted_names(tmp_path):
    model = StubModel()
    path = str(tmp_path / "sub" / "w-{epoch:02d}-{loss:.2f}.weights.safetensors")
    callbacks = CallbackList([ModelCheckpoint(path)], model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        callbacks.on_epoch_end(epoch, {"loss": 0.5 - epoch / 10})
    assert [os.path.basename(p) for p in model.saved] == [
        "w-01-0.50.weights.safetensors", "w-02-0.40.weights.safetensors"]
    assert all(os.path.exists(p) for p in model.saved)


def test_model_checkpoint_save_best_only_and_threshold(tmp_path, capsys):
    model = StubModel()
    ckpt = ModelCheckpoint(str(tmp_path / "best.weights.safetensors"), monitor="val_loss",
                           save_best_only=True, initial_value_threshold=0.8, verbose=1)
    callbacks = CallbackList([ckpt], model=model)
    callbacks.on_train_begin()
    for epoch, value in enumerate([0.9, 0.7, 0.75, 0.6]):
        callbacks.on_epoch_end(epoch, {"val_loss": value})
    assert len(model.saved) == 2 and ckpt.best == 0.6
    out = capsys.readouterr().out
    assert "val_loss did not improve from 0.80000" in out
    assert "val_loss improved from 0.70000 to 0.60000" in out


def test_model_checkpoint_every_n_batches(tmp_path):
    torch = pytest.importorskip("torch")
    model = StubModel()
    path = str(tmp_path / "e{epoch}-b{batch}-{loss:.1f}.weights.safetensors")
    callbacks = CallbackList([ModelCheckpoint(path, save_freq=3)], model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        for batch in range(4):
            callbacks.on_train_batch_end(batch, {"loss": torch.tensor(0.5)})
        callbacks.on_epoch_end(epoch, {"loss": 0.5})
    assert [os.path.basename(p) for p in model.saved] == [
        "e1-b3-0.5.weights.safetensors", "e2-b2-0.5.weights.safetensors"]
    with pytest.raises(ValueError, match="ModelCheckpoint: save_freq"):
        ModelCheckpoint(path, save_freq="batch")


def test_model_checkpoint_whole_model(tmp_path):
    model = StubModel()
    ckpt = ModelCheckpoint(str(tmp_path / "m.keras"), save_weights_only=False)
    with pytest.raises(ValueError, match="save_weights_only=False.*not available yet"):
        CallbackList([ckpt], model=model).on_train_begin()
    model.save = model.saved.append
    callbacks = CallbackList([ckpt], model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_end(0, {"loss": 1.0})
    assert model.saved == [str(tmp_path / "m.keras")]


def test_model_checkpoint_unknown_field(tmp_path):
    callbacks = CallbackList([ModelCheckpoint(str(tmp_path / "{acc}.w"))], model=StubModel())
    with pytest.raises(KeyError, match="ModelCheckpoint: filepath.*'acc'"):
        callbacks.on_epoch_end(0, {"loss": 1.0})


# -- learning rates ---------------------------------------------------------------------------

def test_learning_rate_scheduler_sets_the_rate_and_logs_it():
    model = StubModel(optimizers.SGD(learning_rate=0.1))
    rec = Recorder()
    sched = LearningRateScheduler(lambda epoch, lr: 0.1 * 0.5 ** epoch)
    callbacks = CallbackList([sched, rec], model=model)
    for epoch in range(3):
        callbacks.on_epoch_begin(epoch)
        assert model.optimizer.learning_rate == pytest.approx(0.1 * 0.5 ** epoch)
        callbacks.on_epoch_end(epoch, {"loss": 1.0})
        assert rec.calls[-1][2]["learning_rate"] == pytest.approx(0.1 * 0.5 ** epoch)
    one_arg = CallbackList([LearningRateScheduler(lambda epoch: 0.01)], model=model)
    one_arg.on_epoch_begin(0)
    assert model.optimizer.learning_rate == 0.01
    bad = CallbackList([LearningRateScheduler(lambda epoch, lr: "fast")], model=model)
    with pytest.raises(ValueError, match="LearningRateScheduler: schedule must return"):
        bad.on_epoch_begin(0)


def test_learning_rate_callbacks_refuse_a_schedule():
    model = StubModel(optimizers.SGD(learning_rate=optimizers.ExponentialDecay(0.1, 10, 0.9)))
    callbacks = CallbackList([ReduceLROnPlateau("loss")], model=model)
    with pytest.raises(ValueError, match="ReduceLROnPlateau:.*schedule.*float learning_rate"):
        callbacks.on_epoch_end(0, {"loss": 1.0})


def test_reduce_lr_on_plateau_factor_patience_and_logs():
    model = StubModel(optimizers.SGD(learning_rate=1.0))
    rec = Recorder()
    reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    callbacks = CallbackList([reduce, rec], model=model)
    callbacks.on_train_begin()
    rates = []
    for epoch, value in enumerate([1.0, 1.0, 1.0, 0.5, 0.5, 0.5]):
        callbacks.on_epoch_end(epoch, {"val_loss": value})
        rates.append(model.optimizer.learning_rate)
        assert "learning_rate" in rec.calls[-1][2]
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25]
    # the logs hold the rate of the epoch that ended
    assert [c[2]["learning_rate"] for c in rec.calls[1:]] == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]


def test_reduce_lr_on_plateau_cooldown_and_min_lr():
    model = StubModel(optimizers.SGD(learning_rate=1.0))
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.1, patience=1, cooldown=2,
                               min_lr=0.005)
    callbacks = CallbackList([reduce], model=model)
    callbacks.on_train_begin()
    rates = []
    for epoch in range(9):
        callbacks.on_epoch_end(epoch, {"loss": 1.0})
        rates.append(model.optimizer.learning_rate)
    # Keras's count: the cooldown counts down from the epoch after a drop, and the epoch
    # that brings it to 0 counts towards patience again; never below min_lr
    assert rates == pytest.approx([1.0, 0.1, 0.1, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005])
    with pytest.raises(ValueError, match="ReduceLROnPlateau: factor"):
        ReduceLROnPlateau(factor=1.0)


# -- CSVLogger --------------------------------------------------------------------------------

def _csv_run(path, epochs, **kw):
    logger = CSVLogger(str(path), **kw)
    callbacks = CallbackList([logger])
    callbacks.on_train_begin()
    for epoch, logs in enumerate(epochs):
        callbacks.on_epoch_end(epoch, logs)
        with open(path) as f:  # flushed each epoch
            assert len(f.read().splitlines()) >= epoch + 2 - (not logger.append_header)
    callbacks.on_train_end()


def test_csv_logger_writes_sorted_columns_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    _csv_run(path, [{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75},
                    {"loss": 0.25, "accuracy": 0.5, "val_loss": np.float32(0.5)}])
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows == [["epoch", "accuracy", "loss", "val_loss"], ["0", "0.25", "0.5", "0.75"],
                    ["1", "0.5", "0.25", "0.5"]]
    _csv_run(path, [{"loss": 0.125, "accuracy": 0.75, "val_loss": 0.25}], append=True)
    with open(path) as f:
        rows = list(csv.reader(f))
    assert len(rows) == 4 and rows[0][0] == "epoch" and rows[3] == ["0", "0.75", "0.125",
                                                                     "0.25"]
    _csv_run(path, [{"loss": 1.0}])  # append=False: a fresh file
    with open(path) as f:
        assert f.read().splitlines()[0] == "epoch,loss,val_loss"


def test_csv_logger_separator_and_missing_values(tmp_path):
    path = tmp_path / "log.tsv"
    _csv_run(path, [{"loss": 1.0}, {"loss": 0.5, "val_loss": 0.25}], separator="\t")
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines == ["epoch\tloss\tval_loss", "0\t1.0\tNA", "1\t0.5\t0.25"]


# -- TerminateOnNaN ---------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_terminate_on_nan_stops_on_a_nan_or_inf_loss(backend, bad, capsys):
    """On every backend (conftest's ``backend``): the loss as a 0-d array of it."""
    model = StubModel()
    callbacks = CallbackList([TerminateOnNaN()], model=model)
    callbacks.on_train_batch_end(0, {"loss": to_backend(backend, np.float32(0.5))})
    assert not model.stop_training
    callbacks.on_train_batch_end(1, {"loss": to_backend(backend, np.asarray(bad, np.float32))})
    assert model.stop_training
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_raise_error_and_no_loss():
    model = StubModel()
    callbacks = CallbackList([TerminateOnNaN(raise_error=True)], model=model)
    callbacks.on_train_batch_end(0, {"accuracy": math.nan})  # no loss: nothing to check
    with pytest.raises(RuntimeError, match="TerminateOnNaN: the loss is nan at batch 2"):
        callbacks.on_train_batch_end(2, {"loss": np.float32("nan")})


# -- LambdaCallback ---------------------------------------------------------------------------

def test_lambda_callback_calls_the_given_functions():
    seen = []
    lam = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(("epoch_begin", epoch)),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch_end", epoch, logs["loss"])),
        on_train_begin=lambda logs: seen.append("train_begin"),
        on_train_end=lambda logs: seen.append("train_end"),
        on_train_batch_begin=lambda batch, logs: seen.append(("batch_begin", batch)),
        on_train_batch_end=lambda batch, logs: seen.append(("batch_end", batch)),
        on_test_end=lambda logs: seen.append(("test_end", logs)),  # any other hook
    )
    callbacks = CallbackList([lam])
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    callbacks.on_test_begin()  # not given: the default does nothing
    callbacks.on_test_end({"loss": 2.0})
    callbacks.on_epoch_end(0, {"loss": 1.0})
    callbacks.on_train_end()
    assert seen == ["train_begin", ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0),
                    ("test_end", {"loss": 2.0}), ("epoch_end", 0, 1.0), "train_end"]
    with pytest.raises(TypeError, match="LambdaCallback: on_epoch_end must be a function"):
        LambdaCallback(on_epoch_end=3)


# -- TensorBoard ------------------------------------------------------------------------------

def _read_scalars(folder) -> dict:
    """{tag: [(step, value), ...]} from the event files in ``folder``: through
    tensorboard's EventAccumulator when tensorboard is installed, else by reading the
    records with tensorboardX's protobuf classes."""
    try:
        from tensorboard.backend.event_processing import event_accumulator
    except ImportError:
        event_accumulator = None
    if event_accumulator is not None:
        acc = event_accumulator.EventAccumulator(str(folder))
        acc.Reload()
        return {tag: [(e.step, e.value) for e in acc.Scalars(tag)]
                for tag in acc.Tags()["scalars"]}
    from tensorboardX.proto import event_pb2
    out: dict = {}
    for name in sorted(os.listdir(folder)):
        if "tfevents" not in name:
            continue
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        pos = 0
        while pos < len(data):
            (n,) = struct.unpack("<Q", data[pos:pos + 8])
            event = event_pb2.Event.FromString(data[pos + 12:pos + 12 + n])
            pos += 12 + n + 4  # length, its crc, the record, its crc
            for v in event.summary.value:
                out.setdefault(v.tag, []).append((event.step, v.simple_value))
    return out


def test_tensorboard_writes_train_and_validation_scalars(tmp_path):
    pytest.importorskip("tensorboardX")
    model = StubModel(optimizers.SGD(learning_rate=0.5))
    model.optimizer.build(model.weights)
    board = TensorBoard(log_dir=str(tmp_path / "logs"), update_freq=2, histogram_freq=1)
    callbacks = CallbackList([board], model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        for batch in range(3):
            callbacks.on_train_batch_begin(batch)
            model.train_step()
            callbacks.on_train_batch_end(batch, {"loss": np.float32(1.0 + batch)})
        callbacks.on_test_begin()
        callbacks.on_test_end({"loss": 0.25})
        callbacks.on_epoch_end(epoch, {"loss": 1.0 - epoch / 4, "val_loss": 0.25})
    callbacks.on_train_end()
    train = _read_scalars(tmp_path / "logs" / "train")
    val = _read_scalars(tmp_path / "logs" / "validation")
    assert train["epoch_loss"] == [(0, 1.0), (1, 0.75)]
    assert train["epoch_learning_rate"] == [(0, 0.5), (1, 0.5)]
    assert train["batch_loss"] == [(2, 2.0), (4, 1.0), (6, 3.0)]  # every 2nd global batch
    assert val["epoch_loss"] == [(0, 0.25), (1, 0.25)]
    assert val["evaluation_loss_vs_iterations"] == [(3, 0.25), (6, 0.25)]


def test_tensorboard_needs_tensorboardx(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)
    with pytest.raises(ImportError, match=r"pip install crossops\[tensorboard\]"):
        TensorBoard()


def test_tensorboard_refuses_what_it_does_not_do():
    pytest.importorskip("tensorboardX")
    with pytest.raises(ValueError, match="TensorBoard: profile_batch=5 is not available"):
        TensorBoard(profile_batch=5)
    with pytest.raises(ValueError, match="TensorBoard: update_freq"):
        TensorBoard(update_freq="step")


# -- BackupAndRestore and the optimizer's state -----------------------------------------------

def _adam_model(seed):
    model = StubModel(optimizers.Adam(learning_rate=0.1), seed=seed)
    model.optimizer.build(model.weights)
    return model


def test_backup_and_restore_restores_weights_optimizer_state_and_epoch(tmp_path):
    backup = str(tmp_path / "backup")
    model = _adam_model(seed=0)
    callbacks = CallbackList([BackupAndRestore(backup)], model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        model.train_step()
        callbacks.on_epoch_end(epoch, {"loss": 1.0})
    # interrupted here: no on_train_end
    assert sorted(os.listdir(backup)) == ["latest.safetensors", "training_metadata.json"]
    with open(os.path.join(backup, "training_metadata.json")) as f:
        assert json.load(f) == {"epoch": 2, "batch": None}
    weights = model.get_weights()
    state = [v.numpy() for v in model.optimizer.variables]

    fresh = _adam_model(seed=1)
    assert not np.allclose(fresh.get_weights()[0], weights[0])
    restore = BackupAndRestore(backup)
    callbacks = CallbackList([restore], model=fresh)
    callbacks.on_train_begin()
    assert fresh._initial_epoch == 2
    for a, b in zip(fresh.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    for v, b in zip(fresh.optimizer.variables, state):
        np.testing.assert_array_equal(v.numpy(), b)
    assert int(fresh.optimizer.iterations) == 2
    callbacks.on_train_end()
    assert not os.path.exists(backup)


def test_backup_and_restore_without_a_backup_and_keeping_it(tmp_path):
    backup = str(tmp_path / "backup")
    model = _adam_model(seed=0)
    callbacks = CallbackList([BackupAndRestore(backup, delete_checkpoint=False)], model=model)
    callbacks.on_train_begin()
    assert not hasattr(model, "_initial_epoch")  # nothing to resume
    callbacks.on_epoch_begin(0)
    callbacks.on_epoch_end(0, {})
    callbacks.on_train_end()
    assert os.path.exists(os.path.join(backup, "latest.safetensors"))


def test_backup_and_restore_every_n_batches(tmp_path):
    backup = str(tmp_path / "backup")
    model = _adam_model(seed=0)
    callbacks = CallbackList([BackupAndRestore(backup, save_freq=2)], model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    for batch in range(3):
        model.train_step()
        callbacks.on_train_batch_end(batch, {"loss": 1.0})
    with open(os.path.join(backup, "training_metadata.json")) as f:
        assert json.load(f) == {"epoch": 0, "batch": 1}
    fresh = _adam_model(seed=1)
    CallbackList([BackupAndRestore(backup)], model=fresh).on_train_begin()
    assert fresh._initial_epoch == 0 and int(fresh.optimizer.iterations) == 2


def test_backup_and_restore_falls_back_to_the_previous_backup(tmp_path):
    backup = str(tmp_path / "backup")
    model = _adam_model(seed=0)
    callbacks = CallbackList([BackupAndRestore(backup, double_checkpoint=True)], model=model)
    callbacks.on_train_begin()
    for epoch in range(2):
        callbacks.on_epoch_begin(epoch)
        model.train_step()
        callbacks.on_epoch_end(epoch, {})
    assert os.path.exists(os.path.join(backup, "latest.safetensors.bkp"))
    with open(os.path.join(backup, "latest.safetensors"), "wb") as f:
        f.write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    fresh = _adam_model(seed=1)
    CallbackList([BackupAndRestore(backup, double_checkpoint=True)],
                 model=fresh).on_train_begin()
    assert fresh._initial_epoch == 1
    os.remove(os.path.join(backup, "latest.safetensors.bkp"))
    with pytest.raises(ValueError, match="BackupAndRestore: cannot read the backup"):
        CallbackList([BackupAndRestore(backup)], model=_adam_model(1)).on_train_begin()


def test_backup_and_restore_refuses_another_model(tmp_path):
    backup = str(tmp_path / "backup")
    model = _adam_model(seed=0)
    callbacks = CallbackList([BackupAndRestore(backup)], model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_end(0, {})
    other = _adam_model(seed=0)
    other.weights = other.weights[:1]
    with pytest.raises(ValueError, match="BackupAndRestore.*does not fit this model"):
        CallbackList([BackupAndRestore(backup)], model=other).on_train_begin()
    with pytest.raises(ValueError, match="BackupAndRestore: backup_dir is empty"):
        BackupAndRestore("")


def test_optimizer_save_and_load_own_variables_check_counts_and_shapes():
    model = _adam_model(seed=0)
    model.train_step()
    store = {}
    model.optimizer.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(len(model.optimizer.variables))]
    other = _adam_model(seed=1)
    other.optimizer.load_own_variables(store)
    for a, b in zip(other.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    with pytest.raises(ValueError, match="adam.load_own_variables: the optimizer has"):
        other.optimizer.load_own_variables({"0": store["0"]})
    bad = dict(store)
    bad["1"] = np.zeros((7,), np.float32)
    with pytest.raises(ValueError, match="adam.load_own_variables: variable 1"):
        other.optimizer.load_own_variables(bad)
    with pytest.raises(ValueError, match="build it first"):
        optimizers.Adam().load_own_variables(store)


# -- ProgbarLogger ----------------------------------------------------------------------------

def _fit_by_hand(callbacks, epochs, steps, validation=True):
    callbacks.on_train_begin()
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        for batch in range(steps):
            callbacks.on_train_batch_begin(batch)
            callbacks.on_train_batch_end(batch, {"loss": np.float32(0.5)})
        if validation:
            callbacks.on_test_begin()
            for batch in range(2):
                callbacks.on_test_batch_begin(batch)
                callbacks.on_test_batch_end(batch, {"loss": np.float32(0.25)})
            callbacks.on_test_end({"loss": 0.25})
        callbacks.on_epoch_end(epoch, {"loss": 0.1234, "val_loss": 0.2345})
    callbacks.on_train_end()


def test_progbar_verbose_2_prints_one_line_per_epoch(capsys):
    callbacks = CallbackList(add_progbar=True, verbose=2, epochs=3, steps=4)
    _fit_by_hand(callbacks, epochs=3, steps=4)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for i, line in enumerate(lines):
        assert line.startswith(f"Epoch {i + 1}/3 - ")
        assert line.endswith("s - loss: 0.1234 - val_loss: 0.2345")


def test_progbar_evaluate_and_predict_outside_fit(capsys):
    callbacks = CallbackList(add_progbar=True, verbose=2, epochs=1, steps=2)
    callbacks.on_test_begin()
    callbacks.on_test_batch_end(0, {"loss": np.float32(1.0)})
    callbacks.on_test_end({"loss": 1.5})
    callbacks.on_predict_begin()
    callbacks.on_predict_batch_end(0, {"outputs": np.zeros((2, 2))})
    callbacks.on_predict_end()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Evaluate - ") and lines[0].endswith(" - loss: 1.5000")
    assert lines[1].startswith("Predict - ")


@pytest.mark.parametrize("steps", [None, 5])
def test_progbar_verbose_1_with_known_and_unknown_steps(steps, capsys):
    callbacks = CallbackList(add_progbar=True, verbose=1, epochs=2, steps=steps)
    _fit_by_hand(callbacks, epochs=2, steps=5)
    out = capsys.readouterr().out
    # not a terminal: rich prints each finished bar once; validation prints no bar
    assert out.count("Epoch 1/2") == 1 and out.count("Epoch 2/2") == 1
    assert "5/5" in out and "Evaluate" not in out
    assert "loss: 0.1234" in out
    callbacks = CallbackList(add_progbar=True, verbose="auto", epochs=1, steps=None)
    callbacks.on_predict_begin()
    for batch in range(3):
        callbacks.on_predict_batch_end(batch, {"outputs": np.zeros(2)})
    callbacks.on_predict_end()
    assert "3/3" in capsys.readouterr().out


def test_progbar_reads_batch_logs_at_most_ten_times_a_second(capsys):
    reads = []

    class Counted:
        """A 0-d device array stand-in that counts its conversions to float."""
        shape = ()

        def __float__(self):
            reads.append(1)
            return 0.5

    callbacks = CallbackList(add_progbar=True, verbose=1, epochs=1, steps=2000)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    import time
    start = time.monotonic()
    for batch in range(2000):
        callbacks.on_train_batch_end(batch, {"loss": Counted()})
    elapsed = time.monotonic() - start
    callbacks.on_epoch_end(0, {"loss": 0.5})
    callbacks.on_train_end()
    assert len(reads) <= 1 + elapsed * 10 + 1


def test_progbar_verbose_0_prints_nothing(capsys):
    callbacks = CallbackList([ProgbarLogger()], verbose=0, epochs=2, steps=3)
    _fit_by_hand(callbacks, epochs=2, steps=3)
    assert capsys.readouterr().out == ""


# -- the examples in the docstrings -----------------------------------------------------------

def test_examples_run_as_doctests():
    modules = [cbs] + [importlib.import_module(f"crossops.callbacks.{m}") for m in (
        "_callback", "_history", "_early_stopping", "_model_checkpoint", "_lr",
        "_csv_logger", "_terminate_on_nan", "_lambda", "_progbar", "_backup", "_tensorboard")]
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for mod in modules:
        for test in finder.find(mod, mod.__name__, module=mod):
            runner.run(test)
    assert runner.tries > 30 and runner.failures == 0


def test_every_public_callback_is_a_callback_with_a_docstring():
    for name in cbs.__all__:
        obj = getattr(cbs, name)
        assert issubclass(obj, Callback) and obj.__doc__, name


# ===========================================================================================
# with fit: the same contract through a real Sequential.fit on jax (needs the trainer that
# drives a crossops.callbacks.CallbackList)
# ===========================================================================================

N, BATCH, EPOCHS = 20, 8, 2  # 3 training batches per epoch
N_VAL = 10  # 2 validation batches


def _data(nan=False):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, 3)).astype(np.float32)
    y = rng.standard_normal((N, 2)).astype(np.float32)
    if nan:
        x[:] = np.nan
    return x, y


def _jax_model():
    pytest.importorskip("jax")
    import crossops
    from crossops import layers, models
    with crossops.use_backend("jax"):
        model = models.Sequential([layers.Input((3,)), layers.Dense(4, activation="tanh"),
                                   layers.Dense(2)])
        model.compile(optimizer="adam", loss="mse")
    return model


def _fit_expected(epochs, steps, val_steps):
    seq = ["on_train_begin"]
    for _ in range(epochs):
        seq += ["on_epoch_begin"] + ["on_train_batch_begin", "on_train_batch_end"] * steps
        seq += ["on_test_begin"] + ["on_test_batch_begin", "on_test_batch_end"] * val_steps
        seq += ["on_test_end", "on_epoch_end"]
    return seq + ["on_train_end"]


def test_fit_calls_every_hook_in_order():
    import crossops
    model = _jax_model()
    x, y = _data()
    xv, yv = x[:N_VAL], y[:N_VAL]
    rec = Recorder()
    with crossops.use_backend("jax"):
        history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, callbacks=[rec],
                            validation_data=(xv, yv), shuffle=False)
    assert _names(rec.calls) == _fit_expected(EPOCHS, 3, 2)
    assert rec.model is model
    assert rec.params["epochs"] == EPOCHS and rec.params["steps"] == 3
    assert rec.params["verbose"] == 0
    epochs = [c for c in rec.calls if c[0] == "on_epoch_end"]
    assert [c[1] for c in epochs] == [0, 1]
    for _, _, logs in epochs:
        assert set(logs) >= {"loss", "val_loss"}
        assert all(type(v) is float for v in logs.values())
    batches = [c for c in rec.calls if c[0] == "on_train_batch_end"]
    assert [c[1] for c in batches] == [0, 1, 2] * EPOCHS
    assert all(math.isfinite(float(c[2]["loss"])) for c in batches)
    assert history.history["val_loss"] == [c[2]["val_loss"] for c in epochs]


def test_evaluate_and_predict_call_their_hooks():
    import crossops
    model = _jax_model()
    x, y = _data()
    rec = Recorder()
    with crossops.use_backend("jax"):
        model.evaluate(x, y, batch_size=BATCH, verbose=0, callbacks=[rec])
        assert _names(rec.calls) == (["on_test_begin"] + ["on_test_batch_begin",
                                                          "on_test_batch_end"] * 3
                                     + ["on_test_end"])
        assert "loss" in rec.calls[-1][2]
        rec.calls.clear()
        out = model.predict(x, batch_size=BATCH, verbose=0, callbacks=[rec])
    assert _names(rec.calls) == (["on_predict_begin"] + ["on_predict_batch_begin",
                                                         "on_predict_batch_end"] * 3
                                 + ["on_predict_end"])
    outputs = [c[2]["outputs"] for c in rec.calls if c[0] == "on_predict_batch_end"]
    assert [len(crossops.to_numpy(o)) for o in outputs] == [8, 8, 4]
    assert out.shape == (N, 2)


def test_fit_stops_after_the_first_batch_on_a_nan_loss(capsys):
    import crossops
    model = _jax_model()
    x, y = _data(nan=True)
    rec = Recorder()
    with crossops.use_backend("jax"):
        model.fit(x, y, batch_size=BATCH, epochs=3, verbose=0,
                  callbacks=[TerminateOnNaN(), rec])
    assert _names(rec.calls).count("on_train_batch_end") == 1
    assert model.stop_training
    assert "Batch 0: Invalid loss" in capsys.readouterr().out


_RESUME_SCRIPT = textwrap.dedent("""
    import json, os, sys
    import numpy as np
    import crossops
    from crossops import callbacks, layers, models

    backup, mode, out = sys.argv[1], sys.argv[2], sys.argv[3]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 3)).astype(np.float32)
    y = rng.standard_normal((24, 2)).astype(np.float32)
    with crossops.use_backend("jax"):
        model = models.Sequential([layers.Input((3,)), layers.Dense(4, activation="tanh"),
                                   layers.Dense(2)])
        model.set_weights([np.random.default_rng(i + 1).standard_normal(w.shape)
                           .astype(np.float32) * 0.5 for i, w in enumerate(model.get_weights())])
        model.compile(optimizer="adam", loss="mse")
        seen = []

        class Record(callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                seen.append(epoch)

        class Kill(callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                if epoch == 1:  # the end of the 2nd epoch, after the backup
                    os._exit(1)

        cbs = [Record()]
        if mode != "plain":
            cbs.insert(0, callbacks.BackupAndRestore(backup))
        if mode == "kill":
            cbs.append(Kill())
        history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                            callbacks=cbs)
        np.savez(out, *model.get_weights())
        with open(out + ".json", "w") as f:
            json.dump({"seen": seen, "history_epochs": history.epoch,
                       "losses": len(history.history["loss"])}, f)
""")


def _run_script(tmp_path, mode, name):
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    out = str(tmp_path / f"{name}.npz")
    proc = subprocess.run([sys.executable, "-c", _RESUME_SCRIPT, str(tmp_path / "backup"),
                           mode, out], env=env, capture_output=True, text=True, timeout=300)
    return proc, out


def test_backup_and_restore_resumes_a_killed_fit(tmp_path):
    pytest.importorskip("jax")
    proc, _ = _run_script(tmp_path, "kill", "killed")
    assert proc.returncode == 1, proc.stderr[-3000:]
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 2
    proc, resumed = _run_script(tmp_path, "resume", "resumed")
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(resumed + ".json") as f:
        info = json.load(f)
    assert info["seen"] == [2, 3] and info["history_epochs"] == [2, 3]
    assert not os.path.exists(tmp_path / "backup")  # deleted at the end of the fit
    proc, plain = _run_script(tmp_path, "plain", "plain")
    assert proc.returncode == 0, proc.stderr[-3000:]
    a, b = np.load(resumed), np.load(plain)
    assert len(a.files) == len(b.files) == 4
    for k in a.files:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-6, atol=1e-7)
