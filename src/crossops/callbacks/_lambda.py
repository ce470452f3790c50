"""LambdaCallback: a callback made of functions given as arguments."""

from __future__ import annotations

from collections.abc import Callable

from ._callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end",
          "on_train_batch_begin", "on_train_batch_end")


class LambdaCallback(Callback):
    """A callback whose hooks are the functions passed.

    Parameters
    ----------
    on_epoch_begin, on_epoch_end : callable, optional
        ``f(epoch, logs)``.
    on_train_begin, on_train_end : callable, optional
        ``f(logs)``.
    on_train_batch_begin, on_train_batch_end : callable, optional
        ``f(batch, logs)``.
    **kwargs
        Any other hook by its name (``on_test_end=f``, ``on_predict_batch_end=f``, ...),
        with that hook's arguments (Keras sets every keyword as an attribute).

    Examples
    --------
    >>> from crossops.callbacks import CallbackList, LambdaCallback
    >>> losses = []
    >>> log = LambdaCallback(on_epoch_end=lambda epoch, logs: losses.append(logs["loss"]))
    >>> CallbackList([log]).on_epoch_end(0, {"loss": 0.5})
    >>> losses
    [0.5]
    """

    def __init__(self, on_epoch_begin: Callable | None = None,
                 on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None,
                 on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None,
                 on_train_batch_end: Callable | None = None, **kwargs) -> None:
        super().__init__()
        given = dict(zip(_HOOKS, (on_epoch_begin, on_epoch_end, on_train_begin, on_train_end,
                                  on_train_batch_begin, on_train_batch_end)))
        for name, f in {**kwargs, **given}.items():
            if f is None:
                continue
            if name.startswith("on_") and not callable(f):
                raise TypeError(f"LambdaCallback: {name} must be a function, got {f!r}")
            setattr(self, name, f)
