"""``crossops.utils.PyDataset``: batches by index, fetched by a pool of worker threads (or
spawned processes) when the dataset asks for more than one worker.

Only indices in ``range(num_batches)`` are asked for (or 0, 1, 2 ... for an infinite
dataset, as far as the epoch iterator reads), at most ``max_queue_size`` of them in
flight, and the batches come out in the order of the indices. Each pass starts its own
pool and shuts it down when the pass ends or is abandoned (the iterator closed).
"""

from __future__ import annotations

import collections
import itertools
import sys
import threading
from concurrent.futures import Future, wait

import numpy as np

from ...utils._py_dataset import _init_worker, _worker_getitem
from ._utils import DataAdapter, standardize_batch, stream_leaf


class _ThreadPool:
    """A fixed set of daemon threads that call ``fn(arg)`` for submitted args. Daemon, so
    that a ``__getitem__`` that never returns cannot hold up interpreter exit."""

    def __init__(self, fn, workers: int):
        import queue
        self._fn = fn
        self._tasks = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, daemon=True,
                                          name=f"crossops-PyDataset-worker-{k}")
                         for k in range(workers)]
        for t in self._threads:
            t.start()

    def submit(self, arg) -> Future:
        future: Future = Future()
        self._tasks.put((future, arg))
        return future

    def _work(self):
        while True:
            task = self._tasks.get()
            if task is None:
                return
            future, arg = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = self._fn(arg)
            except BaseException as e:  # noqa: BLE001 - handed to the consumer as it is
                future.set_exception(e)
                del e
            else:
                future.set_result(result)

    def shutdown(self):
        for _ in self._threads:
            self._tasks.put(None)
        if sys.is_finalizing():  # daemon threads may be frozen: joining could hang
            return
        for t in self._threads:
            if t is not threading.current_thread():
                t.join()


class _ProcessPool:
    """Worker processes started with "spawn", each holding a copy of the dataset."""

    def __init__(self, dataset, workers: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(dataset,))

    def submit(self, index) -> Future:
        return self._pool.submit(_worker_getitem, index)

    def shutdown(self):
        self._pool.shutdown(wait=not sys.is_finalizing(), cancel_futures=True)


class PyDatasetAdapter(DataAdapter):
    """Batches from a :class:`crossops.utils.PyDataset`."""

    kind = "a PyDataset"

    def __init__(self, dataset, *, class_weight=None, shuffle=False, seed=None,
                 caller="fit"):
        self.caller = caller
        self._dataset = dataset
        self._class_weight = class_weight
        self._shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)
        self._workers = dataset.workers
        self._use_multiprocessing = dataset.use_multiprocessing
        self._max_queue_size = dataset.max_queue_size
        n = dataset.num_batches
        if n is not None:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise ValueError(f"{caller}: the PyDataset's num_batches (its len) must be "
                                 f"an int >= 0 or None, got {n!r}")
            if n == 0:
                raise ValueError(f"{caller}: x (a PyDataset) holds no batch (its len is 0); "
                                 "give at least one")
            n = int(n)
        self._num_batches = n
        self._in_flight: collections.deque = collections.deque()

    @property
    def num_batches(self) -> int | None:
        return self._num_batches

    def on_epoch_begin(self) -> None:
        self._dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        # a pass that goes on into the next epoch (steps_per_epoch) may have fetches in
        # flight: let them finish first, so that the dataset's on_epoch_end does not race
        # with its __getitem__ in a worker thread (Keras drains its queue likewise)
        wait(list(self._in_flight))
        self._dataset.on_epoch_end()

    def _indices(self):
        n = self._num_batches
        if n is None:
            return itertools.count()
        if self._shuffle:  # Keras shuffles the order of a finite PyDataset's batches
            return iter(self._rng.permutation(n).tolist())
        return iter(range(n))

    def get_iterator(self):
        indices = self._indices()
        if self._workers > 1 or (self._workers > 0 and self._use_multiprocessing):
            raw = self._pooled(indices)
        else:
            raw = (self._dataset[i] for i in indices)
        return self._batches(raw)

    def _batches(self, raw):
        try:
            for batch in raw:
                yield standardize_batch(batch, caller=self.caller, kind=self.kind,
                                        convert=stream_leaf, class_weight=self._class_weight)
        finally:
            raw.close()

    def _pooled(self, indices):
        """The batches at ``indices``, in order, fetched by a pool with at most
        ``max_queue_size`` fetches in flight."""
        if self._use_multiprocessing:
            try:
                pool = _ProcessPool(self._dataset, self._workers)
            except Exception as e:
                e.add_note(f"{self.caller}: starting the PyDataset's worker processes failed")
                raise
        else:
            pool = _ThreadPool(self._dataset.__getitem__, self._workers)
        pending: collections.deque = collections.deque()
        self._in_flight = pending
        try:
            for index in itertools.islice(indices, self._max_queue_size):
                pending.append(self._submit(pool, index))
            while pending:
                future = pending.popleft()
                try:
                    batch = future.result()
                except Exception as e:
                    if type(e).__name__ == "BrokenProcessPool":
                        e.add_note(
                            f"{self.caller}: a PyDataset worker process died; with "
                            "use_multiprocessing=True the dataset must be picklable and its "
                            "class importable by name in a fresh process")
                    raise
                for index in itertools.islice(indices, 1):
                    pending.append(self._submit(pool, index))
                yield batch
        finally:
            for future in pending:
                future.cancel()
            pending.clear()
            pool.shutdown()

    def _submit(self, pool, index):
        try:
            return pool.submit(index)
        except Exception as e:
            if self._use_multiprocessing:
                e.add_note(f"{self.caller}: with use_multiprocessing=True the PyDataset is "
                           "sent to spawned worker processes, so it must be picklable (and "
                           "its class importable by name)")
            raise
