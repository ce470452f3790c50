"""keras.ops's segment reductions with ``sorted=True`` and ``num_segments``: the choice
written in spec/math.toml. Keras's documentation takes both (``sorted`` is a hint, and
``num_segments=None`` infers the count); Keras's TensorFlow backend alone refuses the pair
``sorted=True`` with ``num_segments`` (ValueError), and its JAX backend alone refuses
``num_segments=None``. crossops follows the documentation on every backend, so each call
below gives NumPy's ``ufunc.at`` answer; only where the ids' values cannot be read (under
``jax.jit`` or ``tf.function``) does ``num_segments=None`` raise Keras's ValueError."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.ops as ops

from .backends import to_backend, to_numpy

_OPS = {"segment_sum": (np.add, 0.0), "segment_max": (np.maximum, -np.inf),
        "segment_min": (np.minimum, np.inf), "segment_prod": (np.multiply, 1.0)}


def _numpy(name, data, ids, num_segments):
    """NumPy's unbuffered ``ufunc.at`` over the ids in ``[0, num_segments)``."""
    ufunc, fill = _OPS[name]
    out = np.full((num_segments,) + data.shape[1:], fill, data.dtype)
    keep = (ids >= 0) & (ids < num_segments)
    ufunc.at(out, ids[keep], data[keep])
    return out


def _f32(values):
    return np.array(values, np.float32)  # (jax without x64 has no float64)


CASES = {
    "sorted": (_f32([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 1, 1]), 2),
    "sorted, an empty segment": (_f32([1.0, -2.0, 3.0, 4.0]), np.array([0, 0, 2, 2]), 3),
    "sorted, more segments": (_f32([[1.0, 5.0], [2.0, -1.0]]), np.array([1, 1]), 4),
    "sorted, ids past num_segments": (_f32([1.0, 2.0, 3.0]), np.array([0, 1, 3]), 2),
    "ties and negative zero": (_f32([-0.0, 0.0, 2.0, 2.0]), np.array([0, 0, 1, 1]), 2),
}


@pytest.mark.parametrize("name", list(_OPS))
@pytest.mark.parametrize("case", list(CASES))
def test_sorted_with_num_segments_computes(backend, name, case):
    data, ids, n = CASES[case]
    out = getattr(ops, name)(to_backend(backend, data), to_backend(backend, ids),
                             num_segments=n, sorted=True)
    want = _numpy(name, data, ids, n)
    got = to_numpy(out)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    unsorted = getattr(ops, name)(to_backend(backend, data), to_backend(backend, ids),
                                  num_segments=n)
    np.testing.assert_array_equal(to_numpy(unsorted), got)  # sorted is a hint only


@pytest.mark.parametrize("name", ["segment_sum", "segment_max"])
def test_sorted_without_num_segments_reads_the_ids(backend, name):
    data, ids = _f32([1.0, 2.0, 3.0, 4.0, 5.0]), np.array([0, 0, 1, 3, 3])
    out = getattr(ops, name)(to_backend(backend, data), to_backend(backend, ids), sorted=True)
    np.testing.assert_array_equal(to_numpy(out), _numpy(name, data, ids, 4))


@pytest.mark.parametrize("name", ["segment_sum", "segment_max"])
def test_compiled(cbackend, name):
    """Under jax.jit / tf.function: with num_segments (and sorted=True) as eagerly; without
    it, Keras's ValueError (the ids' maximum is not known when traced)."""
    data, ids = _f32([1.0, 2.0, 3.0, 4.0]), np.array([0, 0, 2, 2])
    f = getattr(ops, name)
    out = crossops.jit(lambda d, i: f(d, i, num_segments=3, sorted=True))(
        to_backend(cbackend, data), to_backend(cbackend, ids))
    np.testing.assert_array_equal(to_numpy(out), _numpy(name, data, ids, 3))
    with pytest.raises(ValueError, match=f"{name}: num_segments must be given"):
        crossops.jit(lambda d, i: f(d, i, sorted=True))(to_backend(cbackend, data),
                                                        to_backend(cbackend, ids))
