"""Learning-rate callbacks: LearningRateScheduler (a function of the epoch) and
ReduceLROnPlateau (lower the rate when the monitored quantity stalls)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._callback import Callback
from ._monitor import MonitorCallback
from ._util import scalar


def _rate(callback: str, optimizer) -> float:
    """The optimizer's learning rate as a float; ValueError when it has none or it is a
    schedule (which these callbacks cannot change)."""
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{callback}: the model has no optimizer with a learning_rate; "
                         "compile the model first")
    lr = optimizer.learning_rate
    if callable(lr):
        raise ValueError(f"{callback}: the optimizer's learning rate is a schedule "
                         f"({type(lr).__name__}), which this callback cannot change; pass "
                         "a float learning_rate to the optimizer")
    return scalar(lr)


class LearningRateScheduler(Callback):
    """Sets the learning rate to ``schedule(epoch, lr)`` at the start of every epoch.

    Parameters
    ----------
    schedule : callable
        ``schedule(epoch, lr) -> new lr`` (epoch 0-based, lr a float); a
        ``schedule(epoch)`` of one argument works too.
    verbose : int
        1 prints the rate set at each epoch.

    The epoch logs get ``learning_rate``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from crossops.callbacks import CallbackList, LearningRateScheduler
    >>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1))
    >>> callbacks = CallbackList([LearningRateScheduler(lambda epoch, lr: lr / 2)],
    ...                          model=model)
    >>> callbacks.on_epoch_begin(0)
    >>> model.optimizer.learning_rate
    0.05
    """

    def __init__(self, schedule, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be a function "
                            f"schedule(epoch, lr) -> lr, got {schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = _rate("LearningRateScheduler", optimizer)
        try:
            new = self.schedule(epoch, lr)
        except TypeError:  # a schedule of the epoch only (Keras's older form)
            new = self.schedule(epoch)
        if isinstance(new, np.ndarray) and new.ndim == 0:
            new = new.item()
        if not isinstance(new, numbers.Real) or isinstance(new, bool):
            raise ValueError(f"LearningRateScheduler: schedule must return a float, got "
                             f"{new!r} at epoch {epoch}")
        new = float(new)
        if not math.isfinite(new):
            raise ValueError(f"LearningRateScheduler: schedule gave {new} at epoch {epoch}; "
                             "it must return a finite float")
        optimizer.learning_rate = new
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{new}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _rate("LearningRateScheduler", self.model.optimizer)


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` has not improved for
    ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        The quantity, e.g. ``"val_loss"``.
    factor : float
        The new rate is ``max(lr * factor, min_lr)``; below 1.
    patience : int
        Epochs without improvement before the rate drops.
    verbose : int
        1 prints a line at each drop.
    mode : {"auto", "min", "max"}
        Which way ``monitor`` is better.
    min_delta : float
        An improvement smaller than this does not count.
    cooldown : int
        Epochs after a drop during which the epochs without improvement are not counted.
    min_lr : float
        The lowest rate.

    The epoch logs get ``learning_rate`` (the rate of the epoch that ended).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from crossops.callbacks import CallbackList, ReduceLROnPlateau
    >>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1))
    >>> callbacks = CallbackList([ReduceLROnPlateau("loss", factor=0.5, patience=1)],
    ...                          model=model)
    >>> callbacks.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
    ...     callbacks.on_epoch_end(epoch, {"loss": loss})
    >>> model.optimizer.learning_rate
    0.025
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0.0 <= factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor must be in [0, 1) (the rate is "
                             f"multiplied by it), got {factor}")
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best, self.cooldown_counter, self.wait = None, 0, 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = {} if logs is None else logs
        self._resolve_mode()
        optimizer = self.model.optimizer
        logs["learning_rate"] = _rate("ReduceLROnPlateau", optimizer)
        value = self._monitor_value(logs, "the learning rate reduction")
        if value is None:
            return
        value = scalar(value)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(value, self.best):
            self.best, self.wait = value, 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old = logs["learning_rate"]
        new = max(old * self.factor, self.min_lr)
        if new < old:  # not yet at min_lr
            optimizer.learning_rate = new
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                      f"{new}.")
            self.cooldown_counter, self.wait = self.cooldown, 0
