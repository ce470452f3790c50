"""The callback protocol: :class:`Callback` (Keras 3's hooks) and :class:`CallbackList`,
which ``fit`` / ``evaluate`` / ``predict`` drive."""

from __future__ import annotations

from typing import Any

from ._util import pythonify


class Callback:
    """The base class of training callbacks: override the hooks you need.

    ``fit``, ``evaluate`` and ``predict`` call the hooks through a :class:`CallbackList`
    after ``set_model(model)`` and ``set_params({"verbose": ..., "epochs": ...,
    "steps": ...})``. Batch logs (``on_*_batch_end``) map names to scalars that may be
    0-d backend arrays: convert one with ``float(...)`` only when you need its number
    (converting waits for the device). Epoch logs map names to Python floats, the
    validation metrics prefixed ``val_``. Setting ``self.model.stop_training = True``
    stops ``fit`` after the current batch.

    ``on_train_batch_begin`` / ``on_train_batch_end`` call ``on_batch_begin`` /
    ``on_batch_end`` unless overridden (Keras's aliases).

    Examples
    --------
    >>> from crossops.callbacks import Callback, CallbackList
    >>> class Printer(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch}: loss {logs['loss']:.2f}")
    >>> callbacks = CallbackList([Printer()])
    >>> callbacks.on_epoch_end(0, {"loss": 0.25})
    epoch 0: loss 0.25
    """

    params: dict | None = None
    _model: Any = None

    def __init__(self) -> None:
        self.params = None
        self._model = None

    @property
    def model(self) -> Any:
        """The model being trained, evaluated or predicted with (``set_model`` sets it).

        Inside an epoch a trainer may keep the training state apart from the model's
        variables; when the model has ``_sync_training_state()``, reading this property
        calls it first, so that the variables hold the current values (Keras does the
        same with ``jax_state_sync``)."""
        sync = getattr(self._model, "_sync_training_state", None)
        if sync is not None:
            sync()
        return self._model

    @model.setter
    def model(self, model: Any) -> None:
        self._model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    # -- batch hooks ---------------------------------------------------------------------
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Keras's older name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Keras's older name of ``on_train_batch_end``."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before training batch ``batch`` (0-based in the epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After training batch ``batch``; ``logs`` hold the running metrics."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before batch ``batch`` of ``evaluate`` (or of validation in ``fit``)."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After batch ``batch`` of ``evaluate``; ``logs`` hold the running metrics."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Before batch ``batch`` of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """After batch ``batch`` of ``predict``; ``logs["outputs"]`` holds its outputs."""

    # -- epoch hooks ---------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Before epoch ``epoch`` (0-based) of ``fit``."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """After epoch ``epoch`` of ``fit`` (and its validation); ``logs`` hold the
        epoch's metrics, validation ones prefixed ``val_``."""

    # -- begin / end hooks ---------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        """At the start of ``fit``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """At the end of ``fit``; ``logs`` are the last epoch's."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """At the start of ``evaluate`` (and of each validation in ``fit``)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """At the end of ``evaluate``; ``logs`` hold its metrics."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """At the start of ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """At the end of ``predict``."""


def _flatten(callbacks) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in _flatten(item)]
    return [callbacks]


class CallbackList(Callback):
    """Callbacks called as one: every hook forwards to each callback, in order.

    Parameters
    ----------
    callbacks : list of Callback, optional
        The callbacks (nested lists are flattened).
    add_history : bool
        Append a :class:`History` unless the list holds one already.
    add_progbar : bool
        Append a :class:`ProgbarLogger` unless the list holds one already (after the
        History, as Keras does).
    model : object, optional
        Passed to every callback's ``set_model``; the History is also set as
        ``model.history``.
    **params
        Passed to every callback's ``set_params`` (``verbose``, ``epochs``, ``steps``).

    Examples
    --------
    >>> from crossops.callbacks import CallbackList
    >>> callbacks = CallbackList(add_history=True, verbose=0, epochs=2, steps=None)
    >>> callbacks.on_train_begin()
    >>> for epoch in range(2):
    ...     callbacks.on_epoch_begin(epoch)
    ...     callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
    >>> callbacks.on_train_end()
    >>> callbacks.history.history
    {'loss': [1.0, 0.5]}
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model: Any = None, **params: Any) -> None:
        super().__init__()
        self.callbacks = _flatten(callbacks)
        for i, c in enumerate(self.callbacks):
            if not (hasattr(c, "set_model") and hasattr(c, "on_epoch_end")):
                raise TypeError(f"CallbackList: callbacks[{i}] is a {type(c).__name__}, not "
                                "a callback; pass instances of crossops.callbacks.Callback "
                                "(or of a subclass)")
        self._add_defaults(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_defaults(self, add_history: bool, add_progbar: bool) -> None:
        from ._history import History
        from ._progbar import ProgbarLogger
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)),
                             None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    @property
    def history(self):
        """The :class:`History` among the callbacks (None when there is none)."""
        return self._history

    @property
    def progbar(self):
        """The :class:`ProgbarLogger` among the callbacks (None when there is none)."""
        return self._progbar

    def uses(self, *hooks: str) -> bool:
        """Whether a callback of the list does something in one of ``hooks`` (hook
        names): one that overrides it, sets it on the instance, or is no
        :class:`Callback`. ``fit`` neither calls batch hooks nobody uses nor makes their
        logs at every batch."""
        for c in self.callbacks:
            if not isinstance(c, Callback):
                return True
            for hook in hooks:
                if hook in c.__dict__ or getattr(type(c), hook, None) is not \
                        getattr(Callback, hook):
                    return True
        return False

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def append(self, callback: Callback) -> None:
        """Add one more callback (it gets the list's model and params)."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)

    def set_params(self, params: dict) -> None:
        self.params = params
        if params:
            for c in self.callbacks:
                c.set_params(params)

    def set_model(self, model: Any) -> None:
        if model is None:
            return
        self._model = model
        if self._history is not None:
            model.history = self._history
        for c in self.callbacks:
            c.set_model(model)

    # the logs of batches go on as they come (0-d device arrays stay on the device); the
    # logs of epochs and of whole runs become Python floats, in the one dict every
    # callback sees (a callback's new key, e.g. "learning_rate", reaches the next ones)
    def _batch(self, hook: str, batch: int, logs) -> None:
        logs = {} if logs is None else logs
        for c in self.callbacks:
            getattr(c, hook)(batch, logs=logs)

    def _whole(self, hook: str, logs) -> None:
        logs = pythonify(logs)
        for c in self.callbacks:
            getattr(c, hook)(logs)

    def on_batch_begin(self, batch, logs=None):
        self._batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        logs = pythonify(logs)
        for c in self.callbacks:
            c.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        logs = pythonify(logs)
        for c in self.callbacks:
            c.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        self._whole("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._whole("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._whole("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._whole("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._whole("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._whole("on_predict_end", logs)
