"""Does prefetching overlap loading with compute? A PyDataset whose batches take L ms to
make, and a consumer "training step" taking C ms, read through ``EpochIterator`` with
``prefetch=0`` (no thread: load, then step, one after the other) and ``prefetch=2``.

For each case it prints the epoch time (median of a few runs) and the overlap ratio
``(L + C) * n / measured``: 1.0 means no overlap; with full overlap it reaches
``(L + C) / max(L, C)`` (2.0 when L == C). With ``workers > 1`` the loading itself runs
``workers`` batches at a time: the bound is ``(L + C) / max(L / workers, C)``.

Two kinds of work: ``sleep`` (time.sleep, as I/O waits; frees the GIL) and ``numpy``
(NumPy sorts on both sides, single-threaded and GIL-free inside NumPy, so that they can
run on two cores at once; L and C are measured per call beforehand). With ``workers=3``
the PyDataset's own pool fetches ahead even with ``prefetch=0`` (no EpochIterator
thread), so both columns overlap there. Runs in well under 30 s::

    python scripts/bench_input_pipeline.py [--batches 20] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from crossops.trainers._epoch_iterator import EpochIterator
from crossops.trainers.data_adapters import get_data_adapter
from crossops.utils import PyDataset


class Sleepy(PyDataset):
    """Batches that take ``load_ms`` to make."""

    def __init__(self, n, load_ms, **kwargs):
        super().__init__(**kwargs)
        self.n, self.load_s = n, load_ms / 1000

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.load_s)
        return np.full((32, 8), i, "float32"), np.zeros(32, "float32")


class Crunchy(PyDataset):
    """Batches made by NumPy work (sorting a random block)."""

    def __init__(self, n, size, **kwargs):
        super().__init__(**kwargs)
        self.n, self.size = n, size

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        block = np.random.default_rng(i).random(self.size)
        block.sort()
        return block[:256].reshape(32, 8).astype("float32"), np.zeros(32, "float32")


def _sleep_step(c_ms):
    return lambda batch: time.sleep(c_ms / 1000)


def _sort_step(size):
    block = np.random.default_rng(0).random(size)
    return lambda batch: np.sort(block)


def _time_call(fn, reps=5):
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def _epoch_time(dataset, step, prefetch):
    it = EpochIterator(get_data_adapter(dataset), prefetch=prefetch)
    start = time.perf_counter()
    for _, batch in it.enumerate_epoch():
        step(batch)
    return time.perf_counter() - start


def _case(label, make, step, load_ms, step_ms, n, runs, workers=1):
    ideal_serial = (load_ms + step_ms) * n / 1000
    row = [label]
    for prefetch in (0, 2):
        times = [_epoch_time(make(), step, prefetch) for _ in range(runs)]
        t = statistics.median(times)
        row.append(f"{t * 1000:8.0f} ms  ratio {ideal_serial / t:4.2f}")
    bound = (load_ms + step_ms) / max(load_ms / workers, step_ms)
    print(f"{row[0]:<38} prefetch=0: {row[1]}   prefetch=2: {row[2]}   (full overlap: "
          f"{bound:.2f})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    n, runs = args.batches, args.runs
    print(f"{n} batches per epoch, median of {runs} epochs; ratio = (L + C) * n / measured")
    for load_ms, step_ms in ((10, 10), (20, 10), (10, 20)):
        _case(f"sleep L={load_ms} ms C={step_ms} ms", lambda: Sleepy(n, load_ms),
              _sleep_step(step_ms), load_ms, step_ms, n, runs)
    _case("sleep L=30 ms C=10 ms, workers=3", lambda: Sleepy(n, 30, workers=3),
          _sleep_step(10), 30, 10, n, runs, workers=3)
    size = 400_000
    load_ms = _time_call(lambda: Crunchy(1, size)[0])
    step = _sort_step(size)
    step_ms = _time_call(lambda: step(None))
    _case(f"numpy L={load_ms:.1f} ms C={step_ms:.1f} ms", lambda: Crunchy(n, size), step,
          load_ms, step_ms, n, runs)


if __name__ == "__main__":
    main()
