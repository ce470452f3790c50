"""The History callback: each epoch's logs, which ``fit`` returns."""

from __future__ import annotations

from ._callback import Callback


class History(Callback):
    """Records the logs of every epoch; ``fit`` returns it.

    ``history.history[name]`` is the list of ``name``'s values over the epochs,
    ``history.epoch`` the epoch indices, ``history.params`` the fit's parameters. After
    each epoch the model's ``history`` attribute is set to it.

    Examples
    --------
    >>> from crossops.callbacks import History
    >>> history = History()
    >>> history.on_train_begin()
    >>> history.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.75})
    >>> history.on_epoch_end(1, {"loss": 0.25, "val_loss": 0.5})
    >>> history.history["loss"], history.epoch
    ([0.5, 0.25], [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
