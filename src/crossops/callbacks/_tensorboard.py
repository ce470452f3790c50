"""TensorBoard: the logs as TensorBoard event files, through tensorboardX."""

from __future__ import annotations

import os

from ._callback import Callback
from ._util import is_scalar, now, scalar


def _summary_writer():
    try:
        from tensorboardX import SummaryWriter
    except ImportError:
        raise ImportError("TensorBoard: the callback writes through tensorboardX, which is "
                          "not installed; install it with `pip install crossops[tensorboard]`"
                          " (or `pip install tensorboardX`)") from None
    return SummaryWriter


class TensorBoard(Callback):
    """Writes the logs for TensorBoard: ``log_dir/train`` and ``log_dir/validation``
    hold the epoch scalars ``epoch_<name>`` (the ``val_`` prefix dropped), step = epoch
    index, as Keras writes them.

    Needs the optional dependency tensorboardX (``pip install crossops[tensorboard]``).
    View with ``tensorboard --logdir <log_dir>``.

    Parameters
    ----------
    log_dir : str or os.PathLike
        The folder of the event files.
    histogram_freq : int
        Every this many epochs, a histogram of every weight (0: none).
    write_graph : bool
        Accepted for Keras's signature; crossops writes no graph.
    write_images : bool
        Not available (must be False).
    write_steps_per_second : bool
        Also write the training steps per second (per epoch, and per logged batch).
    update_freq : "epoch", "batch" or int
        ``"epoch"``: the scalars once per epoch. ``"batch"`` or N: also the running
        batch logs as ``batch_<name>`` every N training batches (each write waits for
        the device), step = the global batch count.
    profile_batch : int
        Not available (must be 0).
    embeddings_freq : int
        Not available (must be 0).
    embeddings_metadata : dict, optional
        Accepted for Keras's signature (unused).

    Also written: after each ``evaluate`` and each validation,
    ``evaluation_<name>_vs_iterations`` in ``validation`` at step =
    ``model.optimizer.iterations``, and each epoch's ``learning_rate`` in ``train``.
    """

    def __init__(self, log_dir="logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False,
                 update_freq: str | int = "epoch", profile_batch: int = 0,
                 embeddings_freq: int = 0, embeddings_metadata: dict | None = None) -> None:
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0
                                           and not isinstance(update_freq, bool)):
            raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a "
                             f"positive number of batches, got {update_freq!r}")
        for name, value in (("write_images", write_images), ("profile_batch", profile_batch),
                            ("embeddings_freq", embeddings_freq)):
            if value:
                raise ValueError(f"TensorBoard: {name}={value!r} is not available in "
                                 f"crossops; leave {name} at its default "
                                 f"({False if name == 'write_images' else 0})")
        if histogram_freq < 0:
            raise ValueError(f"TensorBoard: histogram_freq must be >= 0, got "
                             f"{histogram_freq}")
        _summary_writer()  # fail at once when tensorboardX is missing
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict = {}
        self._global_train_batch = 0
        self._epoch_start = 0.0
        self._epoch_batches = 0
        self._batch_start = 0.0

    # -- writers -------------------------------------------------------------------------
    def _writer(self, which: str):
        if which not in self._writers:
            self._writers[which] = _summary_writer()(
                logdir=os.path.join(self.log_dir, which))
        return self._writers[which]

    def _write(self, which: str, values: dict, step: int, prefix: str = "") -> None:
        writer = self._writer(which)
        for name, value in values.items():
            if is_scalar(value):
                writer.add_scalar(f"{prefix}{name}", scalar(value), global_step=step)

    def _flush(self) -> None:
        for writer in self._writers.values():
            writer.flush()

    def _close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start, self._epoch_batches = now(), 0

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._epoch_batches += 1
        if self.write_steps_per_second:
            self._batch_start = now()

    def on_train_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        step = self._global_train_batch
        self._write("train", logs or {}, step, prefix="batch_")
        if self.write_steps_per_second:
            elapsed = now() - self._batch_start
            if elapsed > 0:
                self._writer("train").add_scalar("batch_steps_per_second", 1.0 / elapsed,
                                                 global_step=step)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        lr = self._learning_rate()
        if lr is not None and "learning_rate" not in train:
            train["learning_rate"] = lr
        if self.write_steps_per_second:
            elapsed = now() - self._epoch_start
            if elapsed > 0:
                train["steps_per_second"] = self._epoch_batches / elapsed
        if train:
            self._write("train", train, epoch, prefix="epoch_")
        if val:
            self._write("validation", val, epoch, prefix="epoch_")
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._histograms(epoch)
        self._flush()

    def on_test_end(self, logs=None):
        step = self._iterations()
        if step is None or not logs:
            return
        writer = self._writer("validation")
        for name, value in logs.items():
            if is_scalar(value):
                writer.add_scalar(f"evaluation_{name}_vs_iterations", scalar(value),
                                  global_step=step)
        writer.flush()

    # -- what the model offers -----------------------------------------------------------
    def _learning_rate(self) -> float | None:
        lr = getattr(getattr(self.model, "optimizer", None), "learning_rate", None)
        if lr is None or callable(lr) or not is_scalar(lr):
            return None
        return scalar(lr)

    def _iterations(self) -> int | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or getattr(optimizer, "variables", ()) is None:
            return None
        try:
            return int(scalar(optimizer.iterations))
        except (AttributeError, TypeError, ValueError):
            return None

    def _histograms(self, epoch: int) -> None:
        writer = self._writer("train")
        for i, w in enumerate(getattr(self.model, "weights", None) or []):
            name = getattr(w, "path", None) or getattr(w, "name", None) or f"weight_{i}"
            writer.add_histogram(name.replace(":", "_"), w.numpy(), global_step=epoch)
