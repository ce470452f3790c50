"""Half precision (float16, bfloat16) reductions and loss means accumulate in float32 and
round once to the input's dtype, on every backend (as NumPy does for float16 and Keras for
its losses): 200,000 values near 1000, and losses whose sum overflows float16. Products and
running sums (prod, cumulative_prod/cumprod, cumulative_sum/cumsum) of half precision
accumulate in float32 too and round each result once."""

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


#: what each backend's own kernel did before crossops accumulated half precision in float32
#: (2000 values; each now passes on every backend): products rounded at every step (torch
#: and tf prod of bfloat16: 0.19 and 0.21 for 0.40; of float16: 0.486 and 0.493 for 0.526;
#: jax and NumPy cumprod of float16 0.478 and 0.510), running sums in the input's dtype
#: (tf cumsum of bfloat16 stops at 262,144, jax's ends at 2.04e6 for 2.0e6; NumPy and tf
#: cumsum of float16 of values near 10 end at 19,120 for 19,944)
RUNNING = ("prod", "cumulative_prod", "cumprod", "sum", "cumulative_sum", "cumsum")
#: the values summed: 2000 of them near ``CENTRE`` (the float16 sum, near 2e4, must fit)
CENTRE = {"bfloat16": 1000.0, "float16": 10.0}


@pytest.mark.parametrize("dtype", sorted(HALF))
@pytest.mark.parametrize("op", RUNNING)
def test_products_and_running_sums(backend, op, dtype):
    """Products of 2000 values near 1 and (running) sums of 2000 values near ``CENTRE``:
    the first, middle and last results within one unit of the input's dtype of the exact
    value of the rounded inputs, in that dtype."""
    half = HALF[dtype]
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(2000)
    values = ((1 + 0.01 * noise) if "prod" in op else (CENTRE[dtype] + noise)).astype(half)
    exact = values.astype(np.float64)
    want = {"prod": exact.prod, "sum": exact.sum, "cumulative_prod": exact.cumprod,
            "cumprod": exact.cumprod, "cumulative_sum": exact.cumsum,
            "cumsum": exact.cumsum}[op]()
    with backend_context(backend):
        got = np.asarray(to_numpy(getattr(xnp, op)(to_backend(backend, values))))
    assert got.shape == np.shape(want), f"{op} ({backend}, {dtype}): shape {got.shape}"
    for i in ([0] if op in ("prod", "sum") else [0, 999, 1999]):
        _close(got.reshape(-1)[i], float(np.reshape(want, -1)[i]), half,
               f"{op} ({backend}, {dtype}), result {i}")


@pytest.mark.parametrize("op", ["prod", "cumulative_prod", "cumulative_sum"])
def test_half_accumulation_along_an_axis_and_its_gradient(backend, op):
    """Along an axis of a 2-d bfloat16 array, with include_initial where the op has it:
    the result keeps the input's dtype and shape (the float32 accumulation is an internal
    step), and the gradient of its sum comes back in the input's dtype."""
    half = HALF["bfloat16"]
    values = (1 + 0.01 * np.random.default_rng(1).standard_normal((3, 400))).astype(half)
    exact = values.astype(np.float64)
    kwargs = {} if op == "prod" else {"include_initial": True}
    with backend_context(backend):
        x = to_backend(backend, values)
        got = np.asarray(to_numpy(getattr(xnp, op)(x, axis=1, **kwargs)))
    if op == "prod":
        want = exact.prod(axis=1)
    else:
        running = exact.cumprod(axis=1) if op == "cumulative_prod" else exact.cumsum(axis=1)
        first = np.ones((3, 1)) if op == "cumulative_prod" else np.zeros((3, 1))
        want = np.concatenate([first, running], axis=1)
    assert got.shape == want.shape, f"{op} ({backend}): shape {got.shape}, want {want.shape}"
    for row in range(3):  # each row's last (or only) result
        _close(got.reshape(3, -1)[row, -1], float(want.reshape(3, -1)[row, -1]), half,
               f"{op} ({backend}), row {row}")
    if backend == "numpy":
        return
    import crossops
    with backend_context(backend):
        g = crossops.grad(lambda v: xnp.sum(xnp.astype(getattr(xnp, op)(v, axis=1, **kwargs),
                                                       xnp.float32)))(x)
        g = np.asarray(to_numpy(g))
    assert g.dtype == half and g.shape == values.shape, f"{op} ({backend}): {g.dtype}"
    assert np.all(np.isfinite(g.astype(np.float64))), f"{op} ({backend}): gradient not finite"
