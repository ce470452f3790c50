"""CSVLogger: one row per epoch in a CSV file."""

from __future__ import annotations

import csv
import os

from ._callback import Callback
from ._util import is_scalar, scalar


def _cell(value):
    if isinstance(value, str):
        return value
    if is_scalar(value):
        return scalar(value)
    if hasattr(value, "__iter__"):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Writes the epoch logs to a CSV file, one row per epoch, flushed at once.

    The header is ``epoch`` and the first epoch's log names, sorted (Keras's layout);
    when the first epoch has no ``val_`` names, their ``val_`` twins are added, so that
    validation starting later has columns. A missing value is written ``NA``.

    Parameters
    ----------
    filename : str or os.PathLike
        The CSV file.
    separator : str
        The column separator.
    append : bool
        Add to an existing file (without a second header when it has one) rather than
        overwrite it.

    Examples
    --------
    >>> import os, tempfile
    >>> from crossops.callbacks import CallbackList, CSVLogger
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> callbacks = CallbackList([CSVLogger(path)])
    >>> callbacks.on_train_begin()
    >>> callbacks.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
    >>> callbacks.on_train_end()
    >>> print(open(path).read().strip())
    epoch,loss,val_loss
    0,0.5,0.75
    """

    def __init__(self, filename, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger: separator must be one character, got "
                             f"{separator!r}")
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.keys: list[str] | None = None
        self.writer = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as f:
                self.append_header = not f.readline()
        else:
            self.append_header = True
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.csv_file is None or self.csv_file.closed:
            raise RuntimeError("CSVLogger: on_epoch_end before on_train_begin; drive it "
                               "through fit or a CallbackList that calls on_train_begin")
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys],
                                         delimiter=self.sep, lineterminator="\n")
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{k: _cell(logs.get(k, "NA")) for k in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
