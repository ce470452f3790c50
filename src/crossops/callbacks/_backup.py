"""BackupAndRestore: back the training state up during ``fit`` and resume from it after an
interruption."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np

from ._callback import Callback
from ._util import replace_atomically

_FORMAT = "crossops.BackupAndRestore"
_VERSION = "1"
_BF16 = "bfloat16"


class BackupAndRestore(Callback):
    """Backs up the weights, the optimizer's state and the epoch, and restores them when
    ``fit`` starts again, which then resumes at the epoch it had reached.

    The backup is one safetensors file (``backup_dir/latest.safetensors``: the weights,
    the optimizer's variables, and the epoch in its header) beside a small
    ``training_metadata.json`` (the epoch and batch, for people and tools; restoring
    reads the safetensors header, so the two cannot disagree). Each is written to a
    temporary file first and moved in place in one step, so an interrupted save leaves
    the previous backup whole. Loading reads only arrays and JSON: it never runs code
    from the files.

    Parameters
    ----------
    backup_dir : str or os.PathLike
        A folder for this run's backup only.
    save_freq : "epoch" or int
        Back up after every epoch, or after every ``save_freq`` training batches. A
        backup made inside an epoch resumes at the start of that epoch, from the weights
        it holds (as Keras does).
    double_checkpoint : bool
        Keep the previous backup too (``*.bkp``), used when the latest cannot be read.
    delete_checkpoint : bool
        Delete the backup when ``fit`` ends normally.

    Notes
    -----
    ``on_train_begin`` sets ``model._initial_epoch``, the epoch index ``fit`` resumes at.
    The model must hold the same architecture and optimizer as the run backed up.

    Examples
    --------
    ``model.fit(x, y, epochs=10, callbacks=[BackupAndRestore("backup")])``: run it again
    after a crash and it goes on from the last epoch completed.
    """

    def __init__(self, backup_dir, save_freq: str | int = "epoch",
                 double_checkpoint: bool = False, delete_checkpoint: bool = True) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is empty; pass a folder for the "
                             "backup")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0
                                         and not isinstance(save_freq, bool)):
            raise ValueError(f"BackupAndRestore: save_freq must be 'epoch' or a positive "
                             f"number of batches, got {save_freq!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.safetensors")
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._current_epoch = 0
        self._last_batch = -1
        self._batches_since_save = 0

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._current_epoch = 0
        self._last_batch = -1
        self._batches_since_save = 0
        state = self._read_backup()
        if state is not None:
            self._restore(*state)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        self._last_batch = -1

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        step = batch + 1 if batch <= self._last_batch else batch - self._last_batch
        self._batches_since_save += step
        self._last_batch = batch
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(epoch=self._current_epoch, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch = -1
        if self.save_freq == "epoch":
            self._save(epoch=epoch + 1, batch=None)

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        for path in self._paths():
            if os.path.exists(path):
                os.remove(path)
        try:
            os.rmdir(self.backup_dir)  # only when nothing else lies there
        except OSError:
            pass

    # -- saving --------------------------------------------------------------------------
    def _paths(self) -> list[str]:
        return [self._weights_path, self._metadata_path, self._weights_path + ".bkp",
                self._metadata_path + ".bkp"]

    def _save(self, epoch: int, batch: int | None) -> None:
        """Write the state as it is now; ``epoch`` is the epoch index to resume at."""
        from safetensors.numpy import save_file
        model = self.model
        tensors, meta = {}, {"format": _FORMAT, "version": _VERSION, "epoch": str(epoch),
                             "batch": "" if batch is None else str(batch)}
        weights = model.get_weights()
        for i, a in enumerate(weights):
            tensors[f"weights/{i:06d}"] = a
        optimizer = getattr(model, "optimizer", None)
        store: dict = {}
        if optimizer is not None and getattr(optimizer, "variables", None) is not None:
            optimizer.save_own_variables(store)
        for k in sorted(store, key=int):
            tensors[f"optimizer/{int(k):06d}"] = store[k]
        meta["weights"], meta["optimizer"] = str(len(weights)), str(len(store))
        for key, a in list(tensors.items()):
            a = np.asarray(a)
            if a.dtype.name == _BF16:  # safetensors's numpy side has no bfloat16
                a, meta[key] = a.view(np.uint16), _BF16
            tensors[key] = np.array(a, order="C", copy=not a.flags.c_contiguous)
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._metadata_path):
                if os.path.exists(path):
                    replace_atomically(lambda tmp, p=path: shutil.copyfile(p, tmp),
                                       path + ".bkp")
        replace_atomically(lambda tmp: save_file(tensors, tmp, metadata=meta),
                           self._weights_path)
        info = {"epoch": epoch, "batch": batch}

        def write_json(tmp):
            with open(tmp, "w") as f:
                json.dump(info, f)

        replace_atomically(write_json, self._metadata_path)

    # -- restoring -----------------------------------------------------------------------
    def _read_backup(self):
        """``(meta, weights, optimizer store)`` from the latest backup (else from the
        previous one, with ``double_checkpoint``), or None when there is none."""
        if not os.path.exists(self._weights_path):
            return None
        try:
            return _read(self._weights_path)
        except ValueError as first:
            previous = self._weights_path + ".bkp"
            if not os.path.exists(previous):
                raise
            try:
                return _read(previous)
            except ValueError:
                raise first from None

    def _restore(self, meta: dict, weights: list, store: dict) -> None:
        model = self.model
        where = f"BackupAndRestore({self.backup_dir!r})"
        if getattr(model, "built", True) is False:
            raise ValueError(f"{where}: the model is not built; build it (call it on a "
                             "batch) before fit")
        try:
            model.set_weights(weights)
        except ValueError as e:
            raise ValueError(f"{where}: the backup does not fit this model ({e}); delete "
                             "the folder to start afresh") from None
        optimizer = getattr(model, "optimizer", None)
        if store:
            if optimizer is None or not hasattr(optimizer, "load_own_variables"):
                raise ValueError(f"{where}: the backup holds an optimizer's state, the model "
                                 "has no optimizer; compile the model first")
            if getattr(optimizer, "variables", None) is None:
                optimizer.build(model.trainable_variables)
            try:
                optimizer.load_own_variables(store)
            except ValueError as e:
                raise ValueError(f"{where}: {e}; delete the folder to start afresh") from None
        model._initial_epoch = int(meta["epoch"])
        self._current_epoch = model._initial_epoch


def _read(path: str):
    """The metadata, the weights and the optimizer's store in the backup at ``path``;
    ValueError naming the file when it cannot be read."""
    from safetensors import SafetensorError, safe_open
    try:
        with safe_open(path, framework="numpy") as f:
            meta = dict(f.metadata() or {})
            if meta.get("format") != _FORMAT:
                raise ValueError(f"it is not a {_FORMAT} backup (format "
                                 f"{meta.get('format')!r})")
            arrays = {}
            for key in f.keys():
                a = f.get_tensor(key)
                if meta.get(key) == _BF16:
                    import ml_dtypes
                    a = a.view(ml_dtypes.bfloat16)
                arrays[key] = a
        epoch = int(meta["epoch"])
        n_weights, n_opt = int(meta["weights"]), int(meta["optimizer"])
    except (OSError, SafetensorError, KeyError, ValueError) as e:
        raise ValueError(f"BackupAndRestore: cannot read the backup {path!r}: {e}") from None
    weights = [arrays[f"weights/{i:06d}"] for i in range(n_weights)
               if f"weights/{i:06d}" in arrays]
    store = {str(i): arrays[f"optimizer/{i:06d}"] for i in range(n_opt)
             if f"optimizer/{i:06d}" in arrays}
    if len(weights) != n_weights or len(store) != n_opt or epoch < 0:
        raise ValueError(f"BackupAndRestore: the backup {path!r} is incomplete")
    return meta, weights, store
