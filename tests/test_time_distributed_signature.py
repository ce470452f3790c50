"""TimeDistributed reads what its inner layer's call takes (``training``, ``mask``) from the
attributes the layer base computes once per class (and per instance whose ``call`` is
set), not from the signature on every call (issue 19)."""

from __future__ import annotations

import inspect

import numpy as np

from crossops import layers
from crossops.layers import _layer


class _Masked(layers.Layer):
    """Sums its inputs' last axis, times the mask where one is given."""

    def call(self, inputs, mask=None):
        out = inputs.sum(-1)
        return out if mask is None else out * mask


class _Plain(layers.Layer):
    def call(self, inputs):
        return inputs * 2


def test_time_distributed_reads_no_signature_per_call(monkeypatch):
    x = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    mask = np.array([[1.0, 0.0, 1.0]], np.float32)
    masked = layers.TimeDistributed(_Masked())
    plain = layers.TimeDistributed(_Plain())
    dense = layers.TimeDistributed(layers.Dense(2, kernel_initializer="ones"))
    for layer in (masked, plain, dense):
        layer(x)  # built (the build may read signatures)
    assert (_Masked._call_accepts_mask, _Plain._call_accepts_mask,
            layers.Dense._call_accepts_mask) == (True, False, False)

    def refuse(*args, **kwargs):
        raise AssertionError("a signature read on a call")
    monkeypatch.setattr(inspect, "signature", refuse)
    np.testing.assert_array_equal(masked(x, mask=mask), [[6.0, 0.0, 38.0]])
    np.testing.assert_array_equal(plain(x, mask=mask), x * 2)
    np.testing.assert_array_equal(dense(x, training=True), dense(x, training=False))


def test_an_instance_call_sets_what_it_takes():
    """A ``call`` set on an instance replaces its class's attributes for that instance."""
    layer = _Plain()
    layer.call = lambda inputs, mask=None, training=None: inputs if mask is None else mask
    assert layer._call_accepts_mask and layer._call_accepts_training
    assert not _Plain._call_accepts_mask
    td = layers.TimeDistributed(layer)
    mask = np.ones((1, 3), np.float32)
    np.testing.assert_array_equal(td(np.zeros((1, 3, 2), np.float32), mask=mask), mask)
    assert _layer.Layer._call_accepts_mask is False
