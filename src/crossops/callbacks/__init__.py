"""``crossops.callbacks``: Keras 3's callback protocol and callbacks, for ``fit``,
``evaluate`` and ``predict``.

A callback gets the model (``callback.model``) and the run's parameters
(``callback.params``: ``verbose``, ``epochs``, ``steps``) and its hooks are called at the
start and end of training, of each epoch and of each batch; see :class:`Callback`.

Examples
--------
>>> from crossops.callbacks import Callback, CallbackList
>>> class Count(Callback):
...     def __init__(self):
...         super().__init__()
...         self.batches = 0
...     def on_train_batch_end(self, batch, logs=None):
...         self.batches += 1
>>> count = Count()
>>> callbacks = CallbackList([count], add_history=True, verbose=0, epochs=1, steps=2)
>>> callbacks.on_train_begin()
>>> callbacks.on_epoch_begin(0)
>>> for batch in range(2):
...     callbacks.on_train_batch_begin(batch)
...     callbacks.on_train_batch_end(batch, {"loss": 0.5})
>>> callbacks.on_epoch_end(0, {"loss": 0.5})
>>> callbacks.on_train_end()
>>> count.batches, callbacks.history.history
(2, {'loss': [0.5]})
"""

from ._backup import BackupAndRestore
from ._callback import Callback, CallbackList
from ._csv_logger import CSVLogger
from ._early_stopping import EarlyStopping
from ._history import History
from ._lambda import LambdaCallback
from ._lr import LearningRateScheduler, ReduceLROnPlateau
from ._model_checkpoint import ModelCheckpoint
from ._progbar import ProgbarLogger
from ._tensorboard import TensorBoard
from ._terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping",
           "History", "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint",
           "ProgbarLogger", "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN"]
