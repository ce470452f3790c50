"""The data pipeline under fit / evaluate / predict: ``get_data_adapter`` for every kind
of input, and ``EpochIterator`` (epochs, steps_per_epoch, prefetching, errors, threads).

Frameworks are imported inside the tests that need them (skipped where missing), so that
this module stays light: the PyDataset worker processes (spawned) import it to unpickle
the dataset class below.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import warnings

import numpy as np
import pytest

from crossops.trainers._epoch_iterator import EpochIterator
from crossops.trainers.data_adapters import (
    get_data_adapter,
    is_array_input,
    train_validation_split,
    unpack_x_y_sample_weight,
)
from crossops.utils import PyDataset

N = 10


def _data(n=N):
    x = np.arange(n * 2, dtype="float32").reshape(n, 2)
    y = np.arange(n, dtype="int64")
    return x, y


def _epoch(it):
    return [batch for _, batch in it.enumerate_epoch()]


def _run(x, y=None, sw=None, steps=None, prefetch=2, **kw):
    """One epoch's batches through get_data_adapter + EpochIterator."""
    adapter = get_data_adapter(x, y, sw, steps_per_epoch=steps, **kw)
    return _epoch(EpochIterator(adapter, steps_per_epoch=steps, prefetch=prefetch))


def _cat(batches, part=0):
    from crossops import to_numpy
    return np.concatenate([to_numpy(b[part]) for b in batches])


class _Batches(PyDataset):
    """Batch i is x = [i*size ... ), y = x; records the indices asked for. At module level
    so that spawned worker processes can unpickle it."""

    def __init__(self, n=5, size=2, delay=0.0, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.n, self.size, self.delay, self.fail_at = n, size, delay, fail_at
        self.asked = []
        self.epochs_ended = 0

    def __len__(self):
        return self.n

    def __getitem__(self, i):  # not bounds-checked: any index gives a batch
        self.asked.append(i)
        if self.delay:
            time.sleep(self.delay)
        if i == self.fail_at:
            raise KeyError(f"batch {i} is broken")
        x = np.arange(i * self.size, (i + 1) * self.size, dtype="float32")
        return x[:, None], x

    def on_epoch_end(self):
        self.epochs_ended += 1


class _Infinite(_Batches):
    @property
    def num_batches(self):
        return None


# --------------------------------------------------------------------------- in memory


@pytest.mark.parametrize("prefetch", [0, 2])
def test_numpy_batches_in_order(prefetch):
    x, y = _data()
    sw = np.linspace(0, 1, N).astype("float32")
    adapter = get_data_adapter(x, y, sw, batch_size=4)
    assert (adapter.num_batches, adapter.batch_size) == (3, 4)
    it = EpochIterator(adapter, prefetch=prefetch)
    assert it.num_batches == 3
    for _ in range(2):  # a second epoch is a fresh pass
        batches = _epoch(it)
        assert [b[0].shape[0] for b in batches] == [4, 4, 2]
        assert all(isinstance(b, tuple) and len(b) == 3 for b in batches)
        np.testing.assert_array_equal(_cat(batches, 0), x)
        np.testing.assert_array_equal(_cat(batches, 1), y)
        np.testing.assert_array_equal(_cat(batches, 2), sw)


def test_default_batch_size_as_keras():
    x, _ = _data(100)
    assert get_data_adapter(x).batch_size == 32
    assert get_data_adapter(x, steps_per_epoch=4).batch_size == 25  # ceil(n / steps)


def test_x_only_gives_none_targets():
    x, _ = _data()
    batches = _run(x, batch_size=5, caller="predict")
    assert [(b[1], b[2]) for b in batches] == [(None, None)] * 2


def test_dict_and_list_of_arrays():
    x, y = _data()
    inputs = {"a": x, "b": y.astype("float32")[:, None]}
    batches = _run(inputs, [y, y], batch_size=3)
    assert list(batches[0][0]) == ["a", "b"] and isinstance(batches[0][1], list)
    np.testing.assert_array_equal(np.concatenate([b[0]["b"] for b in batches])[:, 0], y)
    np.testing.assert_array_equal(np.concatenate([b[1][1] for b in batches]), y)


def test_pandas_becomes_numpy():
    pd = pytest.importorskip("pandas")
    x, y = _data()
    frame, series = pd.DataFrame(x, columns=["u", "v"]), pd.Series(y)
    batches = _run(frame, series, batch_size=4)
    assert all(isinstance(b[0], np.ndarray) and isinstance(b[1], np.ndarray) for b in batches)
    np.testing.assert_array_equal(_cat(batches, 0), x)
    np.testing.assert_array_equal(_cat(batches, 1), y)


def _backend_case(name):
    if name == "torch":
        torch = pytest.importorskip("torch")
        return torch.Tensor, torch.from_numpy
    if name == "jax":
        jax = pytest.importorskip("jax")
        return jax.Array, jax.numpy.asarray
    tf = pytest.importorskip("tensorflow")
    return tf.Tensor, tf.constant


@pytest.mark.parametrize("name", ["torch", "jax", "tensorflow"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_backend_arrays_stay_on_their_backend(name, shuffle):
    array_type, convert = _backend_case(name)
    x, y = _data()
    batches = _run(convert(x), convert(y), batch_size=4, shuffle=shuffle, seed=1)
    assert all(isinstance(b[0], array_type) and isinstance(b[1], array_type) for b in batches)
    got_x, got_y = _cat(batches, 0), _cat(batches, 1)
    np.testing.assert_array_equal(got_x[:, 0] / 2, got_y)  # rows stay paired
    if shuffle:
        assert sorted(got_y.tolist()) == y.tolist() and got_y.tolist() != y.tolist()
    else:
        np.testing.assert_array_equal(got_x, x)


def test_torch_slicing_uses_torch_indexing(monkeypatch):
    torch = pytest.importorskip("torch")
    called = []
    original = torch.Tensor.index_select
    monkeypatch.setattr(torch.Tensor, "index_select",
                        lambda self, *a: called.append(1) or original(self, *a))
    monkeypatch.setattr(torch.Tensor, "numpy", lambda self: pytest.fail("NumPy round trip"))
    x, _ = _data()
    _run(torch.from_numpy(x), batch_size=4, shuffle=True)
    assert len(called) == 3


def test_shuffle_changes_order_keeps_examples():
    x, y = _data(64)
    it = EpochIterator(get_data_adapter(x, y, batch_size=8, shuffle=True, seed=0))
    orders = [_cat(_epoch(it), 1).tolist() for _ in range(2)]
    assert orders[0] != orders[1] != y.tolist()
    assert sorted(orders[0]) == sorted(orders[1]) == y.tolist()
    again = EpochIterator(get_data_adapter(x, y, batch_size=8, shuffle=True, seed=0))
    assert _cat(_epoch(again), 1).tolist() == orders[0]  # the seed fixes the order


def test_shuffle_batch_shuffles_within_batches():
    x, y = _data(64)
    batches = _run(x, y, batch_size=8, shuffle="batch", seed=0)
    got = [b[1].tolist() for b in batches]
    assert [sorted(g) for g in got] == [list(range(i, i + 8)) for i in range(0, 64, 8)]
    assert got != [list(range(i, i + 8)) for i in range(0, 64, 8)]


# --------------------------------------------------------------------------- streams


def test_tf_dataset_batches_become_numpy():
    tf = pytest.importorskip("tensorflow")
    x, y = _data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    adapter = get_data_adapter(ds)
    assert (adapter.num_batches, adapter.batch_size) == (3, None)
    batches = _run(ds)
    assert all(isinstance(b[0], np.ndarray) for b in batches) and len(batches) == 3
    np.testing.assert_array_equal(_cat(batches, 0), x)
    np.testing.assert_array_equal(_cat(batches, 1), y)
    dict_ds = tf.data.Dataset.from_tensor_slices({"a": x}).batch(5)
    assert [sorted(b[0]) for b in _run(dict_ds)] == [["a"], ["a"]]


def test_torch_dataloader_batches_become_numpy():
    torch = pytest.importorskip("torch")
    x, y = _data()
    ds = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    loader = torch.utils.data.DataLoader(ds, batch_size=4)
    adapter = get_data_adapter(loader)
    assert (adapter.num_batches, adapter.batch_size) == (3, 4)
    batches = _run(loader)  # default collate: a list [x, y] counts as (x, y)
    assert all(isinstance(b[0], np.ndarray) and isinstance(b[1], np.ndarray)
               for b in batches)
    np.testing.assert_array_equal(_cat(batches, 0), x)
    np.testing.assert_array_equal(_cat(batches, 1), y)


def _gen(n=6, size=2):
    for i in range(n):
        x = np.arange(i * size, (i + 1) * size, dtype="float32")
        yield x, x


def _firsts(batches):
    return [int(b[0][0]) for b in batches]


def test_generator_with_steps_continues_and_warns_when_out():
    it = EpochIterator(get_data_adapter(_gen()), steps_per_epoch=4)
    assert it.num_batches == 4 and it.adapter.num_batches is None
    assert _firsts(_epoch(it)) == [0, 2, 4, 6]
    with pytest.warns(UserWarning, match="ran out of data"):
        assert _firsts(_epoch(it)) == [8, 10]
    with pytest.warns(UserWarning, match="ran out of data"):
        assert _epoch(it) == []  # a one-shot generator stays empty


def test_generator_without_steps_is_one_pass():
    it = EpochIterator(get_data_adapter(_gen()))
    assert it.num_batches is None
    assert len(_epoch(it)) == 6 and it.num_batches == 6  # known after the pass
    with pytest.warns(UserWarning, match="ran out of data"):
        assert _epoch(it) == []


def test_reiterable_list_of_batches():
    batches = list(_gen(3))
    assert not is_array_input(batches)
    adapter = get_data_adapter(batches)
    assert adapter.num_batches == 3
    it = EpochIterator(adapter)
    for _ in range(2):  # every epoch is a fresh pass
        got = _epoch(it)
        assert _firsts(got) == [0, 2, 4] and got[0][2] is None


def test_steps_per_epoch_continues_across_epochs_on_arrays():
    # Keras's EpochIterator: 10 batches, 4 a epoch -> 4, 4, then 2 with the warning,
    # then a fresh pass
    x = np.arange(10)
    it = EpochIterator(get_data_adapter(x, batch_size=1), steps_per_epoch=4)
    seen = []
    for _ in range(5):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seen.append([int(b[0][0]) for b in _epoch(it)])
        assert bool(caught) == (len(seen) == 3)
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3], [4, 5, 6, 7]]
    exact = EpochIterator(get_data_adapter(np.arange(8), batch_size=1), steps_per_epoch=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [len(_epoch(exact)) for _ in range(3)] == [4, 4, 4]


# --------------------------------------------------------------------------- PyDataset


@pytest.mark.parametrize("workers", [1, 3])
def test_pydataset_in_order(workers):
    data = _Batches(n=7, workers=workers, max_queue_size=4)
    adapter = get_data_adapter(data)
    assert (adapter.num_batches, adapter.batch_size) == (7, None)
    it = EpochIterator(adapter)
    for epoch in range(2):
        batches = _epoch(it)
        np.testing.assert_array_equal(_cat(batches, 1), np.arange(14))
        assert data.epochs_ended == epoch + 1
    assert sorted(data.asked) == sorted(list(range(7)) * 2)


def test_pydataset_threads_overlap():
    data = _Batches(n=6, delay=0.05, workers=3)
    start = time.perf_counter()
    assert len(_run(data)) == 6
    assert time.perf_counter() - start < 6 * 0.05 * 0.8  # 3 at a time, not one by one


def test_pydataset_processes():
    import multiprocessing
    before = threading.active_count()
    data = _Batches(n=5, workers=2, use_multiprocessing=True)
    batches = _run(data)
    np.testing.assert_array_equal(_cat(batches, 1), np.arange(10))
    assert data.asked == []  # fetched in the worker processes, on their copies
    assert threading.active_count() == before and not multiprocessing.active_children()
    with pytest.raises(KeyError, match="batch 1 is broken"):  # raised in a worker process
        _run(_Batches(n=3, fail_at=1, workers=1, use_multiprocessing=True))


def test_pydataset_batch_order_is_shuffled_when_asked_as_in_keras():
    from crossops.trainers.data_adapters import PyDatasetAdapter
    data = _Batches(n=20, size=1)
    assert _cat(_run(data, shuffle=False), 1).tolist() == list(range(20))
    through_fit = _cat(_run(data, shuffle=True, seed=3), 1).tolist()
    assert sorted(through_fit) == list(range(20)) and through_fit != list(range(20))
    shuffled = EpochIterator(PyDatasetAdapter(data, shuffle=True, seed=3))
    order = _cat(_epoch(shuffled), 1).tolist()
    assert sorted(order) == list(range(20)) and order != list(range(20))


@pytest.mark.parametrize("workers", [1, 3])
def test_pydataset_unbounded_getitem_does_not_run_away(workers):
    data = _Batches(n=5, workers=workers, max_queue_size=10)
    assert len(_run(data)) == 5
    assert sorted(data.asked) == [0, 1, 2, 3, 4]
    it = EpochIterator(get_data_adapter(data), steps_per_epoch=3)
    data.asked.clear()
    with pytest.warns(UserWarning, match="ran out of data"):
        assert [len(_epoch(it)) for _ in range(2)] == [3, 2]
    assert max(data.asked) == 4


def test_infinite_pydataset_with_steps():
    before = threading.active_count()
    data = _Infinite(workers=2, max_queue_size=3)
    with EpochIterator(get_data_adapter(data, steps_per_epoch=3), steps_per_epoch=3) as it:
        assert it.num_batches == 3
        got = [_cat(_epoch(it), 1).tolist() for _ in range(2)]
    assert got == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    assert max(data.asked) <= 5 + 3  # at most max_queue_size ahead
    assert threading.active_count() == before


class _Counting(_Batches):
    """Checks that on_epoch_end never runs while a worker is inside __getitem__."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.running, self.lock, self.overlaps = 0, threading.Lock(), 0

    def __getitem__(self, i):
        with self.lock:
            self.running += 1
        try:
            return super().__getitem__(i)
        finally:
            with self.lock:
                self.running -= 1

    def on_epoch_end(self):
        self.overlaps += self.running
        super().on_epoch_end()


def test_on_epoch_end_waits_for_fetches_in_flight():
    data = _Counting(n=12, delay=0.02, workers=3, max_queue_size=6)
    with EpochIterator(get_data_adapter(data, steps_per_epoch=2), steps_per_epoch=2) as it:
        for _ in range(3):
            assert len(_epoch(it)) == 2
    assert data.epochs_ended == 3 and data.overlaps == 0


def test_pydataset_api():
    data = _Batches(n=3)
    assert (len(data), data.num_batches, data.workers, data.use_multiprocessing,
            data.max_queue_size) == (3, 3, 1, False, 10)
    assert [b[1].tolist() for b in data] == [[0, 1], [2, 3], [4, 5]]

    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

    with pytest.warns(UserWarning, match=r"super\(\).__init__"):
        assert NoSuper().workers == 1
    with pytest.raises(NotImplementedError):
        PyDataset()[0]
    with pytest.raises(ValueError, match="workers"):
        _Batches(workers=-1)
    with pytest.raises(ValueError, match="max_queue_size"):
        _Batches(max_queue_size=0)


# --------------------------------------------------------------------------- class_weight


def test_class_weight_on_arrays():
    cw = {0: 1.0, 1: 3.0, 2: 0.5}
    labels = np.array([0, 1, 2, 1, 5])  # 5 has no weight: 1.0, as Keras
    expected = [1.0, 3.0, 0.5, 3.0, 1.0]
    x = np.zeros((5, 1))
    for y in (labels, labels[:, None], np.eye(6)[labels]):
        batches = _run(x, y, batch_size=2, class_weight=cw)
        assert batches[0][2].dtype == np.float32
        np.testing.assert_allclose(_cat(batches, 2), expected)


def test_class_weight_on_streams():
    cw = {0: 2.0}
    gen = ((np.zeros((2, 1)), np.array([0, 1])) for _ in range(2))
    assert [b[2].tolist() for b in _run(gen, class_weight=cw)] == [[2.0, 1.0]] * 2
    data = _Batches(n=2, size=1, workers=2)  # y = 0, 1
    assert [b[2].tolist() for b in _run(data, class_weight=cw)] == [[2.0], [1.0]]


def test_class_weight_on_tf_dataset():
    tf = pytest.importorskip("tensorflow")
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 1)), np.array([0, 1, 1, 0])))
    batches = _run(ds.batch(2), class_weight={1: 4.0})
    assert _cat(batches, 2).tolist() == [1.0, 4.0, 4.0, 1.0]


# --------------------------------------------------------------------------- validation


def _raises(match, fn, *args, error=ValueError, **kwargs):
    with pytest.raises(error, match=match) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_lengths_must_agree():
    x, y = _data()
    _raises(r"^fit: x has 10 examples but y has 9", get_data_adapter, x, y[:9])
    _raises(r"^evaluate: x\['a'\] has 10 examples but x\['b'\] has 3",
            get_data_adapter, {"a": x, "b": x[:3]}, caller="evaluate")
    _raises(r"^fit: x has 10 examples but sample_weight has 4", get_data_adapter, x, y,
            np.ones(4))
    _raises(r"^predict: x has shape \(\)", get_data_adapter, np.zeros(()),
            caller="predict")


def test_empty_data():
    _raises(r"^fit: x has 0 examples", get_data_adapter, np.zeros((0, 3)))
    _raises(r"^evaluate: x \(a PyDataset\) holds no batch", get_data_adapter,
            _Batches(n=0), caller="evaluate")
    _raises(r"^fit: x \(an iterable of batches\) holds no batch", get_data_adapter,
            _EmptyIterable())
    # a stream of unknown length: raised at the first epoch's start, before any step
    it = EpochIterator(get_data_adapter(x for x in []))
    steps = []
    with pytest.raises(ValueError, match=r"^fit: x \(a generator\) yielded no batch"):
        for step, _ in it.enumerate_epoch():
            steps.append(step)
    assert steps == []
    it = EpochIterator(get_data_adapter(x for x in []), steps_per_epoch=2, prefetch=0)
    _raises("yielded no batch", _epoch, it)


class _EmptyIterable:
    def __iter__(self):
        return iter([])

    def __len__(self):
        return 0


def test_empty_framework_datasets():
    tf = pytest.importorskip("tensorflow")
    torch = pytest.importorskip("torch")
    _raises(r"^fit: x \(a tf.data.Dataset\) holds no batch", get_data_adapter,
            tf.data.Dataset.from_tensor_slices(np.zeros((0, 2))).batch(2))
    unknown = tf.data.Dataset.from_tensor_slices(np.zeros((4, 2))).filter(
        lambda t: False).batch(2)
    _raises("yielded no batch", _epoch, EpochIterator(get_data_adapter(unknown)))
    empty = torch.utils.data.TensorDataset(torch.zeros(0, 2))
    _raises(r"^fit: x \(a torch DataLoader\) holds no batch", get_data_adapter,
            torch.utils.data.DataLoader(empty, batch_size=2))
    _raises(r"infinitely repeating tf.data.Dataset; give steps_per_epoch",
            get_data_adapter, tf.data.Dataset.range(3).batch(2).repeat())


@pytest.mark.parametrize("bad", [0, -4, 2.5, True, "8"])
def test_batch_size_and_steps_must_be_positive_ints(bad):
    x, _ = _data()
    _raises(rf"^fit: batch_size must be a positive integer, got {bad!r}",
            get_data_adapter, x, batch_size=bad)
    _raises(r"^fit: steps_per_epoch must be a positive integer", get_data_adapter, x,
            steps_per_epoch=bad)
    _raises(r"^predict: steps must be a positive integer", get_data_adapter, x,
            steps_per_epoch=bad, caller="predict")
    adapter = get_data_adapter(x)
    _raises(r"^fit: steps_per_epoch must be a positive integer", EpochIterator, adapter,
            steps_per_epoch=bad)


def _streams():
    out = [("a generator", lambda: _gen()), ("a PyDataset", lambda: _Batches()),
           ("an iterable", lambda: list(_gen(2)))]
    return out


@pytest.mark.parametrize("kind, make", _streams(), ids=[k for k, _ in _streams()])
def test_stream_arguments(kind, make):
    y = np.zeros(4)
    _raises(r"^fit: y must not be given when x is ", get_data_adapter, make(), y)
    _raises(r"^evaluate: sample_weight must not be given when x is ", get_data_adapter,
            make(), None, y, caller="evaluate")
    _raises(r"^predict: batch_size must not be given when x is ", get_data_adapter, make(),
            batch_size=8, caller="predict")


def test_framework_stream_arguments():
    tf = pytest.importorskip("tensorflow")
    torch = pytest.importorskip("torch")
    ds = tf.data.Dataset.from_tensor_slices(np.zeros((4, 2))).batch(2)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4, 2)))
    for x, kind in ((ds, "a tf.data.Dataset"), (loader, "a torch DataLoader")):
        _raises(rf"^fit: y must not be given when x is {kind}", get_data_adapter, x,
                np.zeros(4))
        _raises(rf"^fit: batch_size must not be given when x is {kind}", get_data_adapter,
                x, batch_size=2)
        with pytest.warns(UserWarning, match="shuffle=True is ignored"):
            get_data_adapter(x, shuffle=True)


def test_weights_validation():
    x, y = _data()
    _raises(r"^fit: class_weight and sample_weight cannot be given together",
            get_data_adapter, x, y, np.ones(N), class_weight={0: 1.0})
    _raises(r"^fit: sample_weight has shape \(10, 3\)", get_data_adapter, x, y,
            np.ones((N, 3)))
    y2 = np.zeros((N, 4))
    get_data_adapter(x, y2, np.ones((N, 4)))  # per-element weights of y's shape
    _raises(r"^fit: sample_weight has shape \(10, 2\)", get_data_adapter, x, y2,
            np.ones((N, 2)))
    _raises(r"^fit: sample_weight must have one array per output", get_data_adapter, x,
            [y, y], [np.ones(N)])
    _raises(r"^fit: for several outputs a single sample_weight", get_data_adapter, x,
            [y, y], np.ones((N, 2)))
    batches = _run(x, {"a": y, "b": y}, np.ones(N), batch_size=N)  # repeated per output
    assert sorted(batches[0][2]) == ["a", "b"]
    for key in ("a", 1.0, -1, True):
        _raises(rf"^fit: class_weight keys must be int class indices .*{key!r}",
                get_data_adapter, x, y, class_weight={key: 1.0})
    _raises(r"^fit: class_weight is only supported for a single output", get_data_adapter,
            x, {"a": y}, class_weight={0: 1.0})
    _raises(r"^fit: class_weight needs targets y", get_data_adapter, x, class_weight={0: 1})
    _raises(r"^fit: shuffle must be True, False or 'batch', got 'yes'", get_data_adapter, x,
            shuffle="yes")


def test_unsupported_input_is_a_type_error():
    msg = _raises(r"^evaluate: x of type builtins.int is not supported", get_data_adapter,
                  3, caller="evaluate", error=TypeError)
    assert "tf.data.Dataset" in msg and "PyDataset" in msg
    _raises(r"^fit: x\[1\] is of type str, not an array", get_data_adapter, [np.zeros(3), "a"],
            error=TypeError)
    _raises(r"^fit: y\[0\]\[0\] is of type int", get_data_adapter, np.zeros(3), [[1, 2, 3]],
            error=TypeError)
    _raises("^fit: x of type builtins.str", get_data_adapter, "abc", error=TypeError)


def test_errors_in_batches_propagate_from_the_producer():
    bad = ((np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2)) for _ in range(3))
    _raises(r"^fit: each batch from a generator must be x, \(x,\), \(x, y\)", _epoch,
            EpochIterator(get_data_adapter(bad)))
    uneven = iter([(np.zeros(2), np.zeros(3))])
    _raises(r"^fit: a batch from an iterator: x has 2 examples but y has 3", _epoch,
            EpochIterator(get_data_adapter(uneven)))


def test_train_validation_split():
    x, y = _data()
    (tx, ty), (vx, vy) = train_validation_split((x, y), 0.3)
    np.testing.assert_array_equal(tx, x[:7])
    np.testing.assert_array_equal(vy, y[7:])
    (tx, ty, tsw), (vx, vy, vsw) = train_validation_split((x, None, None), 0.5)
    assert ty is None and vsw is None and len(vx) == 5
    assert train_validation_split((x, y), 0) == ((x, y), None)
    for bad in (1, 1.5, -0.1, "0.2", True):
        _raises(r"^fit: validation_split must be a fraction in \[0, 1\)",
                train_validation_split, (x, y), bad)
    _raises(r"^fit: the data hold 10 examples, too few .* validation_split=0.95",
            train_validation_split, (x, y), 0.95)
    _raises(r"^fit: validation_split is only supported when the data are arrays",
            train_validation_split, (_gen(), None, None), 0.2)


def test_train_validation_split_keeps_the_backend():
    torch = pytest.importorskip("torch")
    x, y = _data()
    (tx, _), (vx, _) = train_validation_split((torch.from_numpy(x), y), 0.2)
    assert isinstance(tx, torch.Tensor) and tx.shape[0] == 8 and vx.shape[0] == 2


def test_unpack_x_y_sample_weight():
    a, b, c = np.zeros(1), np.ones(1), np.full(1, 2.0)
    assert unpack_x_y_sample_weight(a) == (a, None, None)
    assert unpack_x_y_sample_weight((a,)) == (a, None, None)
    assert unpack_x_y_sample_weight((a, b)) == (a, b, None)
    assert unpack_x_y_sample_weight([a, b, c]) == (a, b, c)  # a list as a tuple (Keras)
    d = {"k": a}
    assert unpack_x_y_sample_weight(d) == (d, None, None)
    _raises("x, \\(x,\\), \\(x, y\\) or \\(x, y, sample_weight\\)", unpack_x_y_sample_weight,
            (a, a, a, a))


# --------------------------------------------------------------------------- the iterator


def test_transform_runs_in_the_prefetch_thread():
    threads = []

    def transform(batch):
        threads.append(threading.current_thread().name)
        return tuple(None if t is None else t * 10 for t in batch)

    x, _ = _data()
    adapter = get_data_adapter(x, batch_size=5)
    batches = _epoch(EpochIterator(adapter, transform=transform))
    np.testing.assert_array_equal(_cat(batches, 0), x * 10)
    assert threads == ["crossops-prefetch"] * 2
    threads.clear()
    _epoch(EpochIterator(adapter, prefetch=0, transform=transform))
    assert threads == [threading.current_thread().name] * 2


class _Boom(Exception):
    pass


def _exploding(n):
    for i in range(n):
        yield (np.full(2, i),)
    raise _Boom("generator failed")


@pytest.mark.parametrize("prefetch", [0, 2])
def test_producer_exceptions_keep_type_and_traceback(prefetch):
    it = EpochIterator(get_data_adapter(_exploding(3)), prefetch=prefetch)
    steps = []
    with pytest.raises(_Boom, match="generator failed") as info:
        for step, _ in it.enumerate_epoch():
            steps.append(step)
    assert steps == [0, 1, 2]
    assert any(entry.name == "_exploding" for entry in info.traceback)
    data = _Batches(n=6, fail_at=2, workers=3)
    with pytest.raises(KeyError, match="batch 2 is broken"):
        _run(data, prefetch=prefetch)

    def failing(batch):
        raise _Boom("transform failed")
    with pytest.raises(_Boom, match="transform failed"):
        _epoch(EpochIterator(get_data_adapter(np.zeros(4)), prefetch=prefetch,
                             transform=failing))


@pytest.mark.parametrize("make", [
    lambda: _Batches(n=50, delay=0.02, workers=3),
    lambda: _Batches(n=50, delay=0.02),
    lambda: _gen(1000),
    lambda: np.zeros((1000, 2)),
], ids=["pydataset-threads", "pydataset", "generator", "arrays"])
def test_early_break_stops_the_threads(make):
    before = threading.active_count()
    x = make()
    kw = {"batch_size": 2} if isinstance(x, np.ndarray) else {}
    it = EpochIterator(get_data_adapter(x, **kw), prefetch=2)
    start = time.perf_counter()
    for step, _ in it.enumerate_epoch():
        if step == 1:
            break
    assert time.perf_counter() - start < 5
    assert threading.active_count() == before
    if isinstance(x, _Batches):
        assert max(x.asked) < 2 + 2 + 10 + 3  # consumed + prefetch + in flight
        assert x.epochs_ended == 0  # an interrupted epoch does not end (Keras)
    if isinstance(x, _Batches):
        x.delay = 0
    assert len(_epoch(it)) > 2  # the next epoch starts a fresh pass


def test_epoch_hooks():
    data = _Batches(n=2)
    begun = []
    data.on_epoch_begin = lambda: begun.append(1)
    it = EpochIterator(get_data_adapter(data), steps_per_epoch=1)
    for _ in range(3):
        _epoch(it)
    assert len(begun) == 3 and data.epochs_ended == 3  # every epoch, as Keras
    with pytest.raises(ValueError, match="prefetch must be an int >= 0"):
        EpochIterator(get_data_adapter(data), prefetch=-1)


def test_no_framework_import_and_no_hang_at_exit():
    """`import crossops` and the data adapters import no framework; an interpreter that
    exits with an epoch still open (prefetch thread blocked on a full queue, PyDataset
    workers running) exits promptly."""
    script = textwrap.dedent("""
        import sys, time
        import numpy as np
        import crossops
        from crossops.trainers.data_adapters import get_data_adapter
        from crossops.trainers._epoch_iterator import EpochIterator
        from crossops.utils import PyDataset
        assert not {"torch", "jax", "tensorflow", "pandas"} & set(sys.modules), sys.modules
        class Slow(PyDataset):
            def __len__(self):
                return 1000
            def __getitem__(self, i):
                time.sleep(0.01)
                return (np.zeros((2, 1)),)
        it = EpochIterator(get_data_adapter(Slow(workers=3)))
        epoch = it.enumerate_epoch()
        next(epoch)
        time.sleep(0.2)
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
