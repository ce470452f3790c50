"""The portable generator of crossops.random (crossops/random/_portable.py): the same seed
gives the same numbers on numpy, jax, torch and tensorflow, eager and compiled; seedless
calls and SeedGenerator (Keras's API); the native generators stay available."""

from __future__ import annotations

import math

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
import crossops.random as xr
from crossops import config

BACKENDS = ("numpy", "jax", "torch", "tensorflow")


def _np(x):
    return np.asarray(crossops.to_numpy(x))


def _on_all(f):
    """``f()`` on every backend, as NumPy arrays."""
    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b):
            out[b] = _np(f())
    return out


def _same_bits(out, ref="numpy"):
    r = out[ref]
    for b, x in out.items():
        assert x.dtype == r.dtype and x.shape == r.shape, (b, x.dtype, x.shape)
        if r.dtype.kind == "f":
            r_bits = r.view(f"u{r.itemsize}")
            assert np.array_equal(x.view(f"u{r.itemsize}"), r_bits), b
        else:
            assert np.array_equal(x, r), b


@pytest.fixture(autouse=True)
def _portable():
    before = config.random_generator()
    config.set_random_generator("portable")
    yield
    config.set_random_generator(before)


def test_threefry_words_match_jax():
    import jax

    from crossops.random import _portable
    for n in (1, 6, 7):
        with jax.threefry_partitionable(False):
            ref = np.asarray(jax.random.bits(jax.random.PRNGKey(99), (n,), "uint32"))
        for b in BACKENDS:
            w, _ = _portable.bits(b, 99, n, "test")
            assert np.array_equal(_np(w).astype(np.uint32), ref), b


@pytest.mark.parametrize("seed", [0, 7, 2 ** 40 + 3])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (1,)])
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_uniform_bits(seed, shape, dtype):
    _same_bits(_on_all(lambda: xr.uniform(shape, dtype=dtype, seed=seed)))
    _same_bits(_on_all(lambda: xr.uniform(shape, -3.0, 0.7, dtype=dtype, seed=seed)))


def test_uniform_float64_bits():
    out = {}
    for b in ("numpy", "torch", "tensorflow"):
        with crossops.use_backend(b):
            out[b] = _np(xr.uniform((9,), -1.5, 2.25, dtype="float64", seed=3))
    _same_bits(out)


@pytest.mark.parametrize("seed", [1, 12345])
@pytest.mark.parametrize("lohi,dtype", [((0, 10), "int32"), ((-5, 1000), "int32"),
                                        ((0, 256), "uint8"), ((-2 ** 31, 2 ** 31 - 1), "int32"),
                                        ((3, 4), "int32"), ((0, 2 ** 20), "int64")])
def test_randint_bits(seed, lohi, dtype):
    lo, hi = lohi
    out = _on_all(lambda: xr.randint((4, 33), lo, hi, dtype=dtype, seed=seed))
    if dtype == "int64":  # jax without x64 gives int32
        out = {b: x.astype(np.int64) for b, x in out.items()}
    _same_bits(out)
    x = out["numpy"]
    assert x.min() >= lo and x.max() < hi


@pytest.mark.parametrize("seed", [0, 5])
def test_dropout_and_shuffle_bits(seed):
    x = np.arange(1, 61, dtype=np.float32).reshape(6, 10)
    _same_bits(_on_all(lambda: xr.dropout(xnp.asarray(x), 0.3, seed=seed)))
    _same_bits(_on_all(lambda: xr.dropout(xnp.asarray(x), 0.5, noise_shape=(1, 10), seed=seed)))
    _same_bits(_on_all(lambda: xr.shuffle(xnp.asarray(x), seed=seed)))
    _same_bits(_on_all(lambda: xr.shuffle(xnp.asarray(x), axis=1, seed=seed)))
    s = _on_all(lambda: xr.shuffle(xnp.arange(1000), seed=seed))["numpy"]
    assert sorted(s.tolist()) == list(range(1000))


def test_normal_close():
    out = _on_all(lambda: xr.normal((1001,), 0.5, 2.0, seed=11))
    for b, x in out.items():
        np.testing.assert_allclose(x, out["numpy"], rtol=2e-6, atol=2e-6, err_msg=b)


def test_compiled_equals_eager():
    import jax
    import tensorflow as tf
    ref = {
        "u": _np(xr.uniform((4, 5), -1.0, 3.0, seed=4)),
        "r": _np(xr.randint((4, 5), -3, 17, seed=4)),
        "d": _np(xr.dropout(np.ones((4, 5), np.float32), 0.4, seed=4)),
        "s": _np(xr.shuffle(np.arange(20), seed=4)),
        "n": _np(xr.normal((4, 5), seed=4)),
    }

    def f(k, ones, ar):
        return {"u": xr.uniform((4, 5), -1.0, 3.0, seed=k),
                "r": xr.randint((4, 5), -3, 17, seed=k),
                "d": xr.dropout(ones, 0.4, seed=k),
                "s": xr.shuffle(ar, seed=k),
                "n": xr.normal((4, 5), seed=k)}

    ones, ar = np.ones((4, 5), np.float32), np.arange(20)
    with crossops.use_backend("jax"):
        j = jax.jit(f)(xr.key(4), ones, ar)
    with crossops.use_backend("tensorflow"):
        t = tf.function(f)(xr.key(4), tf.constant(ones), tf.constant(ar))
    for name in ("u", "r", "d", "s"):
        _same_bits({"numpy": ref[name], "jax": _np(j[name]).astype(ref[name].dtype),
                    "tensorflow": _np(t[name]).astype(ref[name].dtype)})
    np.testing.assert_allclose(_np(j["n"]), ref["n"], rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(_np(t["n"]), ref["n"], rtol=2e-6, atol=2e-6)


def test_distributions():
    n = 100_000
    u = _np(xr.uniform((n,), seed=1)).astype(np.float64)
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    counts = np.bincount((u * 20).astype(int), minlength=20)
    chi2 = ((counts - n / 20) ** 2 / (n / 20)).sum()
    assert chi2 < 43.8  # 19 degrees of freedom, p = 0.001
    ks = np.max(np.abs(np.sort(u) - np.arange(1, n + 1) / n))
    assert ks < 1.95 / math.sqrt(n)  # p = 0.001
    z = _np(xr.normal((n,), 1.0, 3.0, seed=2)).astype(np.float64)
    assert abs(z.mean() - 1.0) < 0.04 and abs(z.std() - 3.0) < 0.04
    assert abs(np.mean(np.abs((z - 1) / 3) < 1.0) - 0.6827) < 0.01
    r = _np(xr.randint((n,), 0, 6, seed=3))
    c = np.bincount(r, minlength=6)
    assert ((c - n / 6) ** 2 / (n / 6)).sum() < 20.5  # 5 dof, p = 0.001
    d = _np(xr.dropout(np.ones(n, np.float32), 0.25, seed=4))
    assert abs((d == 0).mean() - 0.25) < 0.01 and set(np.unique(d)) <= {0.0, np.float32(1 / 0.75)}


@pytest.mark.parametrize("bk", BACKENDS)
def test_seed_generator(bk):
    with crossops.use_backend(bk):
        g = xr.SeedGenerator(42)
        assert _np(g.state.value).tolist() == [42, 0]
        a = _np(xr.uniform((3,), seed=g))
        b = _np(xr.uniform((3,), seed=g))
        assert _np(g.state.value).tolist() == [42, 2]
        assert not np.array_equal(a, b)
        assert np.array_equal(a, _np(xr.uniform((3,), seed=np.asarray([42, 0], np.uint32))))
        g2 = xr.SeedGenerator(42)
        assert np.array_equal(a, _np(xr.uniform((3,), seed=g2)))
        # seedless calls draw from the global generator
        x, y = _np(xr.normal((4,))), _np(xr.normal((4,)))
        assert not np.array_equal(x, y)
        assert _np(xr.dropout(xnp.ones(4), 0.5)).shape == (4,)
        assert sorted(_np(xr.shuffle(xnp.arange(5))).tolist()) == [0, 1, 2, 3, 4]


def test_seed_generator_same_stream_on_every_backend():
    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b):
            g = xr.SeedGenerator(7)
            xr.uniform((2,), seed=g)
            out[b] = _np(xr.uniform((5,), seed=g))
    _same_bits(out)


def test_seedless_under_jax_jit_raises_and_generator_in_tf_function():
    import jax
    import tensorflow as tf
    with crossops.use_backend("jax"):
        with pytest.raises(ValueError, match="SeedGenerator"):
            jax.jit(lambda: xr.uniform((2,)))()
    with crossops.use_backend("tensorflow"):
        g = xr.SeedGenerator(3)
        f = tf.function(lambda: xr.uniform((3,), seed=g))
        a, b = _np(f()), _np(f())
        assert not np.array_equal(a, b)
        assert _np(g.state.value).tolist() == [3, 2]
    with crossops.use_backend("numpy"):
        g = xr.SeedGenerator(3)
        assert np.array_equal(a, _np(xr.uniform((3,), seed=g)))
        assert np.array_equal(b, _np(xr.uniform((3,), seed=g)))


def test_native_option():
    config.set_random_generator("native")
    out = _on_all(lambda: xr.uniform((6,), seed=0))
    assert not all(np.array_equal(out["numpy"], x) for x in out.values())
    config.set_random_generator("portable")
    _same_bits(_on_all(lambda: xr.uniform((6,), seed=0)))
    with pytest.raises(ValueError, match="portable"):
        config.set_random_generator("mersenne")
