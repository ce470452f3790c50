"""Training callbacks with Keras's names and arguments: History, EarlyStopping,
ModelCheckpoint, LearningRateScheduler, and the progress bar (rich when installed)."""

from __future__ import annotations

import math
import sys


class Callback:
    """Hooks called by ``fit``: ``on_train_begin/end``, ``on_epoch_begin/end(epoch, logs)``,
    ``on_train_batch_end(batch, logs)``. ``self.model`` is set by ``fit``."""

    model = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class History(Callback):
    """Records each epoch's logs: ``history.history["loss"]`` is a list over epochs."""

    def __init__(self):
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)


def _better(mode, monitor):
    if mode == "auto":
        mode = "max" if any(s in monitor for s in ("acc", "auc", "precision", "recall")) \
            else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    return (lambda a, b, d: a < b - d) if mode == "min" else (lambda a, b, d: a > b + d)


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved by ``min_delta`` for ``patience``
    epochs; optionally restores the best epoch's weights."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False, start_from_epoch=0):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.better = _better(mode, monitor)
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.stopped_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait, self.best, self.best_weights, self.stopped_epoch = 0, None, None, 0

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise KeyError(f"EarlyStopping: monitor {self.monitor!r} is not in the logs "
                           f"({sorted(logs or {})})")
        if epoch < self.start_from_epoch:
            return
        if self.best is None or self.better(value, self.best, self.min_delta):
            self.best, self.wait = value, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Saves the weights after each epoch (``filepath`` may hold ``{epoch}`` and log names,
    e.g. ``"w-{epoch:02d}-{val_loss:.2f}.weights.safetensors"``); with
    ``save_best_only`` only when ``monitor`` improved."""

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, mode="auto",
                 save_weights_only=True):
        if not save_weights_only:
            raise ValueError("ModelCheckpoint: crossops saves weights only "
                             "(save_weights_only=True); rebuild the model from its config")
        self.filepath, self.monitor, self.save_best_only = str(filepath), monitor, save_best_only
        self.better, self.best = _better(mode, monitor), None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None or (self.best is not None and
                                 not self.better(value, self.best, 0.0)):
                return
            self.best = value
        self.model.save_weights(self.filepath.format(epoch=epoch + 1, **logs))


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to ``schedule(epoch, lr)`` before each epoch."""

    def __init__(self, schedule, verbose=0):
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        lr = float(self.schedule(epoch, float(opt.learning_rate)))
        if not math.isfinite(lr):
            raise ValueError(f"LearningRateScheduler: schedule gave {lr} at epoch {epoch}")
        opt.learning_rate = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate {lr:.6g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ProgressBar(Callback):
    """One progress bar per epoch (rich when installed, else one line per epoch)."""

    def __init__(self, steps, epochs):
        self.steps, self.epochs, self.bar = steps, epochs, None

    def on_epoch_begin(self, epoch, logs=None):
        try:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
        except ImportError:
            return
        self.bar = Progress(TextColumn(f"Epoch {epoch + 1}/{self.epochs}"), BarColumn(),
                            MofNCompleteColumn(), TextColumn("{task.fields[logs]}"),
                            transient=False)
        self.bar.start()
        self.task = self.bar.add_task("", total=self.steps, logs="")

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is not None:
            self.bar.update(self.task, advance=1, logs=_fmt(logs))

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.update(self.task, logs=_fmt(logs))
            self.bar.stop()
            self.bar = None
        else:
            print(f"Epoch {epoch + 1}/{self.epochs} - {_fmt(logs)}", file=sys.stdout)


def _fmt(logs):
    return " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items()
                      if isinstance(v, float | int))
