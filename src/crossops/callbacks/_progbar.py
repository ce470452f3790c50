"""ProgbarLogger: the progress of ``fit`` / ``evaluate`` / ``predict`` on the console."""

from __future__ import annotations

from ._callback import Callback
from ._util import format_logs, format_time, now

#: the least time between two conversions of a batch's logs (each waits for the device)
_LOGS_EVERY_S = 0.1


class ProgbarLogger(Callback):
    """Prints progress: with ``verbose=1`` a live bar per epoch (rich), with ``verbose=2``
    one line per epoch.

    ``fit`` adds one when its ``verbose`` is not 0; its parameters come from
    ``set_params({"verbose": ..., "epochs": ..., "steps": ...})``.

    - ``verbose=1``: a bar with step/steps, the elapsed time, the time left and the
      running logs (read at most 10 times a second, so the device is not waited for
      after every batch). With an unknown number of steps (``steps`` None) it counts
      the steps. When the output is not a terminal the bar is printed once, finished.
    - ``verbose=2``: ``"Epoch 3/10 - 1s - loss: 0.1234 - val_loss: 0.2345"`` at the end
      of each epoch.

    ``evaluate`` and ``predict`` show their own bar (or line); the validation inside
    ``fit`` shows none (between ``on_train_begin`` and ``on_train_end`` the test hooks
    print nothing, as in Keras).

    Examples
    --------
    >>> from crossops.callbacks import CallbackList, ProgbarLogger
    >>> callbacks = CallbackList([ProgbarLogger()], verbose=2, epochs=2, steps=3)
    >>> callbacks.on_train_begin()
    >>> callbacks.on_epoch_begin(0)
    >>> callbacks.on_epoch_end(0, {"loss": 0.5})  # doctest: +ELLIPSIS
    Epoch 1/2 - ...s - loss: 0.5000
    """

    def __init__(self) -> None:
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target: int | None = None
        self.seen = 0
        self._in_fit = False
        self._label = ""
        self._start = 0.0
        self._last_logs_at = float("-inf")
        self._progress = None
        self._task = None

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1) or 1
        self.target = params.get("steps")

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._in_fit = True  # validation inside fit stays silent

    def on_train_end(self, logs=None):
        self._in_fit = False
        self._stop_bar()

    def on_epoch_begin(self, epoch, logs=None):
        self._begin(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._begin("Evaluate")

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._begin("Predict")

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)  # not the outputs

    def on_predict_end(self, logs=None):
        self._finish(None)

    # -- the bar -------------------------------------------------------------------------
    def _begin(self, label: str) -> None:
        self._stop_bar()
        self._label, self.seen, self._start = label, 0, now()
        self._last_logs_at = float("-inf")
        if self.verbose != 1:
            return
        from rich.progress import Progress
        self._progress = Progress(*_columns(), transient=False, refresh_per_second=10)
        self._progress.start()
        self._task = self._progress.add_task(label, total=self.target, logs="")

    def _update(self, batch: int, logs) -> None:
        self.seen = batch + 1
        if self._progress is None:
            return
        t = now()
        if logs and t - self._last_logs_at >= _LOGS_EVERY_S:
            self._last_logs_at = t
            self._progress.update(self._task, completed=self.seen, logs=format_logs(logs))
        else:
            self._progress.update(self._task, completed=self.seen)

    def _finish(self, logs) -> None:
        if self.verbose == 2:
            line = f"{self._label} - {format_time(now() - self._start)}"
            text = format_logs(logs)
            print(f"{line} - {text}" if text else line, flush=True)
        if self._progress is None:
            return
        total = self.target if self.target is not None else self.seen
        self._progress.update(self._task, total=total, completed=total,
                              logs=format_logs(logs))
        self._stop_bar()

    def _stop_bar(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress, self._task = None, None


def _columns() -> list:
    """The bar's columns: label, bar, steps, times (Keras's compact form), logs; the logs
    fold onto more lines rather than squeeze the others."""
    from rich.progress import BarColumn, ProgressColumn, TextColumn
    from rich.table import Column
    from rich.text import Text

    class Steps(ProgressColumn):
        def render(self, task):
            total = "?" if task.total is None else int(task.total)
            return Text(f"{int(task.completed)}/{total}", style="progress.download")

    class Times(ProgressColumn):
        max_refresh = 0.5

        def render(self, task):
            elapsed = task.finished_time if task.finished else task.elapsed
            text = format_time(elapsed or 0.0)
            if not task.finished and task.total is not None and task.time_remaining is not None:
                text += f" ETA {format_time(task.time_remaining)}"
            return Text(text, style="progress.elapsed")

    fixed = {"table_column": Column(no_wrap=True)}
    return [TextColumn("{task.description}", **fixed), BarColumn(bar_width=20), Steps(**fixed),
            Times(**fixed), TextColumn("{task.fields[logs]}", table_column=Column(
                no_wrap=False, overflow="fold", ratio=1))]
