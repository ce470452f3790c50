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



#: where a backend still multiplies or adds bfloat16 step by step in bfloat16 (issue 18,
#: point 5 asked for numpy; seen on 2000 values: prod 0.19 for 0.40, the running sum stuck
#: at 262,144 for 2.0e6)
BFLOAT16_STEPWISE = {
    ("torch", "prod"): "torch.prod of bfloat16 on the CPU rounds at every step (0.19 for 0.40)",
    ("tensorflow", "prod"): "tf.reduce_prod of bfloat16 rounds at every step (0.21 for 0.40)",
    ("tensorflow", "cumulative_sum"): "tf.cumsum of bfloat16 stops at 262,144",
    ("tensorflow", "cumsum"): "tf.cumsum of bfloat16 stops at 262,144",
    ("tensorflow", "cumulative_prod"): "tf.math.cumprod of bfloat16 rounds at every step",
    ("tensorflow", "cumprod"): "tf.math.cumprod of bfloat16 rounds at every step",
    ("jax", "cumulative_sum"): "jax.lax.cumsum of bfloat16 adds in bfloat16 (2.04e6 for 2.0e6)",
    ("jax", "cumsum"): "jax.lax.cumsum of bfloat16 adds in bfloat16 (2.04e6 for 2.0e6)",
    ("jax", "cumulative_prod"): "jax.lax.cumprod of bfloat16 rounds at every step",
    ("jax", "cumprod"): "jax.lax.cumprod of bfloat16 rounds at every step",
}


@pytest.mark.parametrize("op", ["prod", "cumulative_prod", "cumprod", "cumulative_sum",
                                "cumsum"])
def test_bfloat16_products_and_running_sums(backend, op, request):
    """Products of 2000 values near 1 and running sums of 2000 values near 1000: every
    result within one bfloat16 unit of the exact value of the bfloat16 inputs."""
    if (backend, op) in BFLOAT16_STEPWISE:
        request.applymarker(pytest.mark.xfail(reason=BFLOAT16_STEPWISE[backend, op],
                                              strict=True))
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(2000)
    values = ((1 + 0.01 * noise) if "prod" in op else (1000 + noise)).astype(HALF["bfloat16"])
    exact = values.astype(np.float64)
    want = {"prod": exact.prod, "cumulative_prod": exact.cumprod, "cumprod": exact.cumprod,
            "cumulative_sum": exact.cumsum, "cumsum": exact.cumsum}[op]()
    with backend_context(backend):
        got = np.asarray(to_numpy(getattr(xnp, op)(to_backend(backend, values))))
    for i in ([0] if op == "prod" else [0, 999, 1999]):
        _close(got.reshape(-1)[i], float(np.reshape(want, -1)[i]), HALF["bfloat16"],
               f"{op} ({backend}), result {i}")
