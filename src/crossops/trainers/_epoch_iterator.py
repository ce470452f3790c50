"""Epochs of batches from a data adapter, prefetched by a background thread.

``EpochIterator(adapter, steps_per_epoch=None, prefetch=2, transform=None)`` gives one
epoch per :meth:`EpochIterator.enumerate_epoch` call, as ``(step, batch)`` pairs.

- Without ``steps_per_epoch`` an epoch is one full pass over the data (a fresh
  ``adapter.get_iterator()``).
- With it, an epoch takes that many batches, continuing the same pass across epochs (as
  Keras's ``EpochIterator``). When the pass ends within an epoch, the epoch ends there
  with Keras's warning that the input ran out of data, and the next epoch starts a fresh
  pass; when the data's length is known and a pass ends exactly at an epoch's end, the
  next epoch starts a fresh pass without a warning.
- The first pass yielding no batch at all is a ValueError (an empty dataset), raised
  when the first batch is asked for; a later epoch that gets no batch (a one-shot
  generator used up) ends at once with the warning.
- ``adapter.on_epoch_begin()`` / ``adapter.on_epoch_end()`` run at the start / end of
  every completed epoch (Keras), in the consumer's thread.

With ``prefetch > 0`` a daemon thread runs the adapter's iterator and ``transform`` (the
trainer's host -> backend conversion) and fills a queue of at most ``prefetch`` batches,
so that loading and converting overlap with the training step. Exceptions raised there
(validation errors, a generator's or PyDataset's own exceptions) are raised again in the
consumer with their type and traceback. A consumer that leaves an epoch early (``break``,
or an exception) stops and joins the thread; the pass is then abandoned, and the next
epoch starts a fresh one. ``prefetch=0`` runs everything in the consumer's thread.

The thread never reads past the current epoch's batches, so ``on_epoch_end`` never races
with it.
"""

from __future__ import annotations

import atexit
import queue
import sys
import threading
import warnings
import weakref

from .data_adapters._utils import check_positive_int, steps_name

_BATCH, _WARN, _DONE, _ERROR = "batch", "warn", "done", "error"

RAN_OUT = ("{caller}: your input ran out of data; interrupting the epoch. Make sure that "
           "your dataset or generator can generate at least `{steps} * epochs` batches. "
           "You may need to use the `.repeat()` function when building your dataset.")


class EpochIterator:
    """Epochs of batches ``(x, y, sample_weight)`` (after ``transform``) from ``adapter``.

    Parameters
    ----------
    adapter : DataAdapter
        From :func:`crossops.trainers.data_adapters.get_data_adapter`.
    steps_per_epoch : int, optional
        Batches per epoch; default: one full pass over the data.
    prefetch : int, default 2
        Batches made ahead by a background thread; 0: no thread.
    transform : callable, optional
        Applied to every batch (in the background thread).

    Examples
    --------
    >>> import numpy as np
    >>> from crossops.trainers.data_adapters import get_data_adapter
    >>> from crossops.trainers._epoch_iterator import EpochIterator
    >>> it = EpochIterator(get_data_adapter(np.arange(5), batch_size=2))
    >>> it.num_batches
    3
    >>> [(step, x.tolist()) for step, (x, y, sw) in it.enumerate_epoch()]
    [(0, [0, 1]), (1, [2, 3]), (2, [4])]
    """

    def __init__(self, adapter, steps_per_epoch=None, prefetch=2, transform=None):
        self.adapter = adapter
        self.caller = getattr(adapter, "caller", "fit")
        check_positive_int(steps_per_epoch, steps_name(self.caller), self.caller)
        if isinstance(prefetch, bool) or not isinstance(prefetch, int) or prefetch < 0:
            raise ValueError(f"{self.caller}: prefetch must be an int >= 0, got {prefetch!r}")
        if transform is not None and not callable(transform):
            raise TypeError(f"{self.caller}: transform must be callable, got "
                            f"{type(transform).__name__}")
        self.steps_per_epoch = None if steps_per_epoch is None else int(steps_per_epoch)
        self.prefetch = prefetch
        self.transform = transform
        self._num_batches = adapter.num_batches  # None until a pass of unknown length ends
        self._pass = None          # the current pass, kept across epochs with steps_per_epoch
        self._pass_seen = 0        # batches taken from it
        self._ever_yielded = False
        self._in_epoch = False

    @property
    def num_batches(self) -> int | None:
        """Steps per epoch: ``steps_per_epoch`` if given, else the data's number of batches
        (None while unknown; known after the first pass)."""
        return self.steps_per_epoch or self._num_batches

    # -- the consumer ------------------------------------------------------------------
    def enumerate_epoch(self):
        """Yield ``(step, batch)`` for one epoch."""
        if self._in_epoch:
            raise RuntimeError(f"{self.caller}: an epoch of this EpochIterator is already "
                               "running; finish or close it before starting another")
        self._in_epoch = True
        completed = False
        try:
            self.adapter.on_epoch_begin()
            events = self._epoch_events()
            source = _Producer(events, self.prefetch) if self.prefetch else events
            try:
                step = 0
                for kind, payload in source:
                    if kind is _BATCH:
                        yield step, payload
                        step += 1
                    else:
                        warnings.warn(payload, UserWarning, stacklevel=2)
                completed = True
            finally:
                source.close()
            self.adapter.on_epoch_end()
        finally:
            if not completed:
                self._close_pass()
            self._in_epoch = False

    def close(self) -> None:
        """Close the current pass (its PyDataset workers, its DataLoader iterator)."""
        if not self._in_epoch:
            self._close_pass()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the producer --------------------------------------------------------------------
    def _open_pass(self):
        self._close_pass()
        self._pass = iter(self.adapter.get_iterator())
        self._pass_seen = 0
        return self._pass

    def _close_pass(self):
        p, self._pass = self._pass, None
        if p is not None and hasattr(p, "close"):
            p.close()

    def _batch(self, batch):
        self._ever_yielded = True
        return _BATCH, (batch if self.transform is None else self.transform(batch))

    def _empty_error(self):
        kind = getattr(self.adapter, "kind", "data")
        return ValueError(f"{self.caller}: x ({kind}) yielded no batch; the data are empty, "
                          "give at least one batch")

    def _ran_out(self):
        return _WARN, RAN_OUT.format(caller=self.caller,
                                     steps=steps_name(self.caller))

    def _epoch_events(self):
        """Events ``(kind, payload)`` of one epoch: batches and warnings."""
        steps = self.steps_per_epoch
        if steps is None:
            it = self._open_pass()
            n = 0
            for batch in it:
                n += 1
                yield self._batch(batch)
            self._pass = None
            if n == 0:
                if not self._ever_yielded:
                    raise self._empty_error()
                yield self._ran_out()
            elif self._num_batches is None:
                self._num_batches = n
            return
        for _ in range(steps):
            if self._pass is None:
                self._open_pass()
            known = self._num_batches
            exhausted = known is not None and self._pass_seen >= known
            if not exhausted:
                try:
                    batch = next(self._pass)
                except StopIteration:
                    exhausted = True
            if exhausted:
                if self._num_batches is None:
                    self._num_batches = self._pass_seen
                self._close_pass()
                if not self._ever_yielded:
                    raise self._empty_error()
                yield self._ran_out()
                return
            self._pass_seen += 1
            yield self._batch(batch)
        if self._num_batches is not None and self._pass_seen >= self._num_batches:
            self._close_pass()  # the pass ended with the epoch: the next starts afresh


class _Producer:
    """Runs an events generator in a daemon thread, through a queue of ``size`` items."""

    def __init__(self, events, size: int):
        self._events = events
        self._queue: queue.Queue = queue.Queue(size)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crossops-prefetch",
                                        daemon=True)
        _live.add(self)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def _run(self):
        try:
            for event in self._events:
                if not self._put(event):
                    return
            self._put((_DONE, None))
        except BaseException as e:  # noqa: BLE001 - raised again in the consumer
            self._put((_ERROR, e))
            del e
        finally:
            self._events.close()

    def __iter__(self):
        while True:
            try:
                kind, payload = self._queue.get(timeout=0.1)
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    raise RuntimeError("the prefetch thread ended without a result") from None
                continue
            if kind is _DONE:
                return
            if kind is _ERROR:
                try:
                    raise payload
                finally:
                    del payload
            yield kind, payload

    def close(self):
        """Stop the thread and wait for it (it finishes the batch it is making)."""
        self._stop.set()
        if not sys.is_finalizing() and self._thread is not threading.current_thread():
            self._thread.join()
        _live.discard(self)


_live: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _stop_all():
    """At interpreter exit, stop prefetch threads still running (an epoch left open)."""
    for producer in list(_live):
        producer._stop.set()
        producer._thread.join(timeout=1.0)
