"""TerminateOnNaN: stop ``fit`` at the first batch whose loss is NaN or infinite."""

from __future__ import annotations

import math

from ._callback import Callback
from ._util import scalar


class TerminateOnNaN(Callback):
    """Stops training when a batch's loss is NaN or infinite.

    It reads ``logs["loss"]`` after every training batch (which waits for the device
    each batch).

    Parameters
    ----------
    raise_error : bool
        False: print a line and set ``model.stop_training`` (training ends after this
        batch, the other callbacks' ``on_train_end`` run). True: raise RuntimeError at
        once.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from crossops.callbacks import CallbackList, TerminateOnNaN
    >>> model = SimpleNamespace(stop_training=False)
    >>> callbacks = CallbackList([TerminateOnNaN()], model=model)
    >>> callbacks.on_train_batch_end(3, {"loss": float("nan")})
    Batch 3: Invalid loss, terminating training
    >>> model.stop_training
    True
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = scalar(loss)
        if math.isfinite(value):
            return
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: the loss is {value} at batch {batch}; "
                               "training stopped")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
