"""ModelCheckpoint: save the weights (or the model) every epoch or every N batches."""

from __future__ import annotations

import os
import warnings

from ._monitor import MonitorCallback
from ._util import is_scalar, scalar


class ModelCheckpoint(MonitorCallback):
    """Saves the model's weights during training.

    Parameters
    ----------
    filepath : str or os.PathLike
        Where to save; it may hold ``{epoch}`` (1-based), ``{batch}`` (1-based, with an
        integer ``save_freq``) and log names, e.g.
        ``"ckpt/w-{epoch:02d}-{val_loss:.2f}.weights.safetensors"``.
    monitor : str
        The quantity ``save_best_only`` watches.
    verbose : int
        1 prints a line at each save (and each skipped one with ``save_best_only``).
    save_best_only : bool
        Save only when ``monitor`` improved on the best value so far.
    save_weights_only : bool
        True (crossops's default; Keras's is False): ``model.save_weights(path)``, whose
        extension picks the format (``.weights.h5`` or ``.safetensors``). False, or a
        ``filepath`` ending in ``.keras``: ``model.save(path)``, the whole model.
    mode : {"auto", "min", "max"}
        Which way ``monitor`` is better.
    save_freq : "epoch" or int
        Save after every epoch, or after every ``save_freq`` training batches.
    initial_value_threshold : float, optional
        The best value to beat at first (with ``save_best_only``).

    Examples
    --------
    >>> import os, tempfile
    >>> from types import SimpleNamespace
    >>> from crossops.callbacks import CallbackList, ModelCheckpoint
    >>> saved = []
    >>> model = SimpleNamespace(save_weights=saved.append)
    >>> ckpt = ModelCheckpoint("w-{epoch}.weights.safetensors", monitor="loss",
    ...                        save_best_only=True)
    >>> callbacks = CallbackList([ckpt], model=model)
    >>> callbacks.on_train_begin()
    >>> for epoch, loss in enumerate([0.5, 0.6, 0.4]):
    ...     callbacks.on_epoch_end(epoch, {"loss": loss})
    >>> saved
    ['w-1.weights.safetensors', 'w-3.weights.safetensors']
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = True,
                 mode: str = "auto", save_freq: str | int = "epoch",
                 initial_value_threshold: float | None = None) -> None:
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0
                                         and not isinstance(save_freq, bool)):
            raise ValueError(f"ModelCheckpoint: save_freq must be 'epoch' or a positive "
                             f"number of batches, got {save_freq!r}")
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_since_save = 0
        self._last_batch = None
        self._current_epoch = 0

    def on_train_begin(self, logs=None):
        if not self.save_weights_only and not callable(getattr(self.model, "save", None)):
            raise ValueError(f"ModelCheckpoint: save_weights_only=False saves the whole "
                             f"model, which is not available yet for "
                             f"{type(self.model).__name__} (it has no save()); pass "
                             "save_weights_only=True to save its weights")

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        if self._last_batch is None or batch <= self._last_batch:  # a new epoch
            self._batches_since_save += batch + 1
        else:
            self._batches_since_save += batch - self._last_batch
        self._last_batch = batch
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_best_only:
            self._resolve_mode()  # an unknown monitor fails at the first epoch
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch: int, batch: int | None, logs: dict) -> str:
        fields = {k: scalar(v) if is_scalar(v) else v for k, v in logs.items()}
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint: filepath {self.filepath!r} names {e}, which "
                           f"is not in the logs (they hold: {', '.join(logs) or 'nothing'})"
                           "; use those names, 'epoch' or 'batch'") from None

    def _should_save(self, epoch: int, logs: dict, path: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {path}")
            return True
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(f"ModelCheckpoint: save_best_only watches {self.monitor!r}, which "
                          f"is not in the logs (they hold: {', '.join(logs) or 'nothing'}); "
                          "saving anyway", stacklevel=3)
            return True
        if not is_scalar(value):
            warnings.warn(f"ModelCheckpoint: save_best_only needs a scalar {self.monitor!r}, "
                          f"got {value!r}; saving anyway", stacklevel=3)
            return True
        value = scalar(value)
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(value, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{value:.5f}, saving model to {path}")
            self.best = value
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch: int, batch: int | None, logs) -> None:
        logs = logs or {}
        path = self._path(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IsADirectoryError(f"ModelCheckpoint: filepath {path!r} is a directory; "
                                    "pass the path of a file")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only and not path.endswith(".keras"):
            self.model.save_weights(path)
        else:
            self.model.save(path)
