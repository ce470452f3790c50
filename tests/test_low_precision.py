"""Half precision (float16, bfloat16) reductions and loss means accumulate in float32 and
round once to the input's dtype, on every backend (as NumPy does for float16 and Keras for
its losses): 200,000 values near 1000, and losses whose sum overflows float16."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops.losses as losses
import crossops.numpy as xnp

from .backends import backend_context, to_backend, to_numpy

HALF = {"float16": np.dtype(np.float16), "bfloat16": np.dtype(ml_dtypes.bfloat16)}


def _close(got, want: float, dtype: np.dtype, what: str):
    """``got`` has ``dtype`` and is ``want`` rounded to it, within one unit in the last place."""
    got = np.asarray(to_numpy(got))
    assert got.dtype == dtype, f"{what}: dtype {got.dtype}, expected {dtype}"
    eps = float(ml_dtypes.finfo(dtype).eps)
    assert abs(float(got) - want) <= eps * abs(want), f"{what}: {float(got)}, expected {want}"


@pytest.mark.parametrize("dtype", sorted(HALF))
def test_statistics_of_many_values(backend, dtype):
    rng = np.random.default_rng(0)
    values = (1000 + rng.standard_normal(200_000)).astype(HALF[dtype])
    exact = values.astype(np.float64)
    with backend_context(backend):
        x = to_backend(backend, values)
        _close(xnp.mean(x), exact.mean(), HALF[dtype], f"mean ({backend}, {dtype})")
        _close(xnp.var(x), exact.var(), HALF[dtype], f"var ({backend}, {dtype})")
        _close(xnp.std(x), exact.std(), HALF[dtype], f"std ({backend}, {dtype})")
        if dtype == "bfloat16":  # 2e8 overflows float16 (inf, correctly)
            _close(xnp.sum(x), exact.sum(), HALF[dtype], f"sum ({backend}, {dtype})")


@pytest.mark.parametrize("dtype", sorted(HALF))
def test_loss_means_whose_sums_overflow_float16(backend, dtype):
    """64 examples of loss ~2e4 (their sum, 1.3e6, overflows float16; the mean fits)."""
    half = HALF[dtype]
    logits = np.zeros((64, 3), np.float32)
    logits[:, 0] = 2e4
    onehot = np.zeros((64, 3), np.float32)
    onehot[:, 1] = 1
    with backend_context(backend):
        lo, oh = to_backend(backend, logits.astype(half)), to_backend(backend, onehot.astype(half))
        labels = to_backend(backend, np.ones(64, np.int32))
        _close(losses.CategoricalCrossentropy(from_logits=True)(oh, lo), 2e4, half,
               f"CategoricalCrossentropy ({backend}, {dtype})")
        _close(losses.SparseCategoricalCrossentropy(from_logits=True)(labels, lo), 2e4, half,
               f"SparseCategoricalCrossentropy ({backend}, {dtype})")
        target = to_backend(backend, np.full((64, 1), 200, half))
        zeros = to_backend(backend, np.zeros((64, 1), half))
        _close(losses.MeanSquaredError()(target, zeros), 4e4, half,
               f"MeanSquaredError ({backend}, {dtype})")
        _close(losses.MeanSquaredError(reduction="mean_with_sample_weight")(
            target, zeros, sample_weight=to_backend(backend, np.full(64, 2.0, half))), 4e4,
            half, f"MeanSquaredError weighted ({backend}, {dtype})")

