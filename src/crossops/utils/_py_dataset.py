"""``PyDataset``: a dataset written in Python, batch by batch, that ``fit`` / ``evaluate`` /
``predict`` read with parallel workers (Keras 3's ``keras.utils.PyDataset``)."""

from __future__ import annotations

import itertools
import warnings

_DEFAULTS = {"_workers": 1, "_use_multiprocessing": False, "_max_queue_size": 10}


class PyDataset:
    """Base class of a dataset that gives whole batches by index.

    A subclass implements ``__len__`` (the number of batches) and ``__getitem__(index)``,
    which returns the batch ``index`` as ``x``, ``(x,)``, ``(x, y)`` or
    ``(x, y, sample_weight)`` (``x`` / ``y`` may be dicts, lists or tuples of arrays). It may
    implement ``on_epoch_begin`` / ``on_epoch_end`` (called at the start / end of every
    epoch of ``fit`` / ``evaluate`` / ``predict``, e.g. to reshuffle), and may override the
    ``num_batches`` property instead of ``__len__``; ``None`` there means an infinite
    dataset, which ``fit`` then reads for ``steps_per_epoch`` batches an epoch.

    The constructor of a subclass must call ``super().__init__(**kwargs)`` to pass the
    three parallelism arguments on.

    Parameters
    ----------
    workers : int, default 1
        How many batches are fetched concurrently. With 1 (and no multiprocessing) the
        batches are fetched one after the other, in the thread that feeds the model (which
        already overlaps with the training step). With more, a pool of that many threads
        (or processes) calls ``__getitem__``.
    use_multiprocessing : bool, default False
        Fetch in worker processes instead of threads, for ``__getitem__`` code that holds
        Python's GIL (pure-Python parsing or augmentation). The processes are started with
        the ``"spawn"`` method (forking a process that runs jax / torch / tensorflow
        threads is unsafe), so the dataset must be picklable and its class importable by
        name (defined at module level in an importable module, not in an interactive
        session), and a script must guard its entry point with
        ``if __name__ == "__main__":``. A fresh pool is started for every pass over the
        data, so that state changed by ``on_epoch_end`` reaches the workers; starting it
        costs about a second per worker.
    max_queue_size : int, default 10
        At most this many batches are in flight (being fetched, or fetched and waiting to
        be used), which bounds the memory the workers use.

    Notes
    -----
    Only the indices ``0 ... num_batches - 1`` are ever asked for, and batches reach the
    model in index order, whatever the number of workers (``fit`` does not reorder them;
    shuffle in ``on_epoch_end``); ``__getitem__`` need not check bounds or raise
    ``IndexError``. An exception raised by ``__getitem__`` stops the
    epoch and reaches the caller of ``fit`` with its own type.

    Iterating a ``PyDataset`` directly (``for batch in dataset``) fetches the batches one
    after the other, without workers.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.utils import PyDataset
    >>> class Squares(PyDataset):
    ...     def __init__(self, n, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.n, self.batch_size = n, batch_size
    ...     def __len__(self):
    ...         return -(-self.n // self.batch_size)  # ceil(n / batch_size)
    ...     def __getitem__(self, index):
    ...         start = index * self.batch_size
    ...         x = np.arange(start, min(start + self.batch_size, self.n), dtype="float32")
    ...         return x[:, None], x ** 2
    >>> data = Squares(10, batch_size=4, workers=2)
    >>> len(data), data.num_batches, data.workers, data.max_queue_size
    (3, 3, 2, 10)
    >>> [y.tolist() for x, y in data]
    [[0.0, 1.0, 4.0, 9.0], [16.0, 25.0, 36.0, 49.0], [64.0, 81.0]]

    ``model.fit(data, epochs=2)`` then trains on it, two batches fetched at a time.
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = workers
        self.use_multiprocessing = use_multiprocessing
        self.max_queue_size = max_queue_size

    def _setting(self, name):
        try:
            return self.__dict__[name]
        except KeyError:
            warnings.warn(
                f"{type(self).__name__} should call super().__init__(**kwargs) in its "
                "constructor, passing on workers, use_multiprocessing and max_queue_size "
                "(the defaults are used)", stacklevel=3)
            for key, value in _DEFAULTS.items():
                self.__dict__.setdefault(key, value)
            return self.__dict__[name]

    @property
    def workers(self) -> int:
        """How many batches are fetched concurrently."""
        return self._setting("_workers")

    @workers.setter
    def workers(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"PyDataset: workers must be an int >= 0, got {value!r}")
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        """Whether the workers are processes (True) or threads."""
        return self._setting("_use_multiprocessing")

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = bool(value)

    @property
    def max_queue_size(self) -> int:
        """At most this many batches are in flight."""
        return self._setting("_max_queue_size")

    @max_queue_size.setter
    def max_queue_size(self, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"PyDataset: max_queue_size must be an int >= 1, got {value!r}")
        self._max_queue_size = value

    def __len__(self) -> int:
        """The number of batches (implement this, or override ``num_batches``)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement __len__ (the number of batches) or the "
            "num_batches property")

    def __getitem__(self, index):
        """The batch at position ``index``: ``x``, ``(x,)``, ``(x, y)`` or
        ``(x, y, sample_weight)``."""
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    @property
    def num_batches(self) -> int | None:
        """The number of batches, ``len(self)`` unless overridden; None for an infinite
        dataset."""
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch."""

    def __iter__(self):
        n = self.num_batches
        for index in (itertools.count() if n is None else range(n)):
            yield self[index]


#: Keras's older name
Sequence = PyDataset


# --- worker processes (use_multiprocessing=True): the dataset arrives once per process ----

_worker_dataset = None


def _init_worker(dataset) -> None:
    global _worker_dataset
    _worker_dataset = dataset


def _worker_getitem(index):
    return _worker_dataset[index]
