"""EarlyStopping: stop ``fit`` when the monitored quantity stops improving."""

from __future__ import annotations

from ._monitor import MonitorCallback
from ._util import scalar


class EarlyStopping(MonitorCallback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        The quantity, e.g. ``"val_loss"`` (default) or ``"loss"``.
    min_delta : float
        An improvement smaller than this does not count.
    patience : int
        Epochs without improvement after which training stops.
    verbose : int
        1 prints a line when stopping and when restoring weights.
    mode : {"auto", "min", "max"}
        Which way is better (``"auto"``: from the name).
    baseline : float, optional
        Training stops unless the quantity beats this within ``patience`` epochs.
    restore_best_weights : bool
        At the end of training, set the weights of the best epoch back (as Keras does,
        also when training ran to its end).
    start_from_epoch : int
        Epochs of warm-up that are not watched.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from crossops.callbacks import CallbackList, EarlyStopping
    >>> model = SimpleNamespace(stop_training=False)
    >>> callbacks = CallbackList([EarlyStopping(monitor="loss", patience=1)], model=model)
    >>> callbacks.on_train_begin()
    >>> for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.41]):
    ...     callbacks.on_epoch_end(epoch, {"loss": loss})
    ...     if model.stop_training:
    ...         break
    >>> epoch, callbacks.callbacks[0].best
    (2, 0.4)
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}")
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        # an instance may serve several fits
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch, logs=None):
        self._resolve_mode()  # an unknown monitor fails at the first epoch
        value = self._monitor_value(logs, "early stopping")
        if value is None or epoch < self.start_from_epoch:
            return
        value = scalar(value)
        if self.restore_best_weights and self.best_weights is None:
            # the first watched epoch is the best so far
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # the wait restarts only when the value also beats the baseline
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
