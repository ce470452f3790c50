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


def test_normal_bits():
    _same_bits(_on_all(lambda: xr.normal((1001,), 0.5, 2.0, seed=11)))
    _same_bits(_on_all(lambda: xr.normal((3, 7), seed=xr.key(5))))
    _same_bits(_on_all(lambda: xr.normal((4,), dtype="bfloat16", seed=2)))
    _same_bits(_on_all(lambda: xr.normal((40001,), seed=7)))  # NumPy's blocks


def test_normal_accuracy():
    """Within 4 ulp (3.3 measured on 1e6 draws) of the exact Box-Muller value of the same
    words, computed in float64 NumPy."""
    from crossops.backends.numpy import random as host
    n = 200_000
    with crossops.use_backend("numpy"):
        x = _np(xr.normal((n,), seed=123)).astype(np.float64)
    m = (host.host_threefry(0, 123, n) >> 8).astype(np.float64) * 2.0 ** -24
    h = n // 2
    r = np.sqrt(-2.0 * np.log1p(-m[:h]))
    exact = np.concatenate([r * np.cos(2 * np.pi * m[h:]), r * np.sin(2 * np.pi * m[h:])])
    ulps = np.abs(x - exact) / np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)
    assert ulps.max() < 4 and ulps.mean() < 0.6, (ulps.max(), ulps.mean())


def _normal64_reference(seed: int, n: int):
    """The float64 Box-Muller values of the portable normal's words (four words per pair:
    the top 53 bits of words i, h + i give u, of 2h + i, 3h + i give v), in long double
    with the angle reduced exactly (2 pi v = pi/2 (q + f), f or 1 - f in [0, 1/2])."""
    from crossops.backends.numpy import random as host
    h = (n + 1) // 2
    w = host.host_threefry(0, seed, 4 * h).astype(np.uint64)
    m1 = (w[:h] << np.uint64(21)) | (w[h:2 * h] >> np.uint64(11))
    m2 = (w[2 * h:3 * h] << np.uint64(21)) | (w[3 * h:] >> np.uint64(11))
    ld = np.longdouble
    pi = ld("3.14159265358979323846264338327950288")
    r = np.sqrt(-2 * np.log1p(-(m1.astype(ld) * ld(2.0) ** -53)))
    q = (m2 >> np.uint64(51)).astype(np.int64)
    f = (m2 & np.uint64((1 << 51) - 1)).astype(ld) * ld(2.0) ** -51
    up = f > 0.5
    g = np.where(up, 1 - f, f)
    sg, cg = np.sin(pi / 2 * g), np.cos(pi / 2 * g)
    s0, c0 = np.where(up, cg, sg), np.where(up, sg, cg)
    sin = np.choose(q, [s0, c0, -s0, -c0])
    cos = np.choose(q, [c0, -s0, -c0, s0])
    return np.concatenate([r * cos, r * sin])[:n]


def test_normal_float64_accuracy():
    """float64 normal: within 4 ulp (3.2 measured on 2e5 draws, 0.52 on average) of the
    exact Box-Muller value of the same 53-bit uniforms (long double NumPy, whose own error
    is about 2**-11 ulp of float64); a sample with float64's resolution and the normal's
    moments."""
    n = 200_000
    with crossops.use_backend("numpy"):
        x = _np(xr.normal((n,), seed=123, dtype="float64"))
    assert x.dtype == np.float64
    exact = _normal64_reference(123, n)
    ulps = np.abs(x.astype(np.longdouble) - exact) / np.spacing(np.abs(exact.astype(np.float64)))
    assert float(ulps.max()) < 4 and float(ulps.mean()) < 0.6, (ulps.max(), ulps.mean())
    assert np.sum(x.astype(np.float32).astype(np.float64) == x) <= 2
    _moments_ok(x, 0.0, 1.0, "normal float64")


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (40001,)])
def test_normal_float64_bits(shape):
    """The float64 normal's bits on every backend (jax with x64 on), eager, with mean and
    stddev, and NumPy's blocks (40001 values)."""
    import jax
    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b), jax.enable_x64(b == "jax"):
            out[b] = _np(xr.normal(shape, 0.5, 1.7, dtype="float64", seed=2 ** 40 + 9))
    _same_bits(out)
    assert out["numpy"].dtype == np.float64


@pytest.mark.parametrize("compiler", ["jax.jit", "tf.function", "tf.function:xla"])
def test_float64_draws_compiled_equal_eager(compiler):
    """float64 uniform and normal compiled (jax with x64 on): the eager bits."""

    def f(k):
        return {"u": xr.uniform((4, 5), -1.0, 3.0, dtype="float64", seed=k),
                "n": xr.normal((4, 5), 0.5, 2.0, dtype="float64", seed=k),
                "n1": xr.normal((3,), dtype="float64", seed=k)}
    _float64_compiled_equal_eager(compiler, f)


def _float64_compiled_equal_eager(compiler, f, *args):
    """``f(key, *args)`` (a dict of float64 draws) compiled by ``compiler`` (jax with x64
    on) gives the bits of NumPy's eager call."""
    import jax
    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in f(xr.key(4), *args).items()}
    with jax.enable_x64(compiler == "jax.jit"):
        got = _run_compiled(compiler, f, np.asarray([0, 4], np.uint32), *args)
        got = {k: _np(v) for k, v in got.items()}
    for name, r in ref.items():
        assert r.dtype == np.float64, name
        _same_bits({"numpy": r, compiler: got[name]})


def _cheap_ops(k, ones, ar):
    return {"u": xr.uniform((4, 5), -1.0, 3.0, seed=k),
            "r": xr.randint((4, 5), -3, 17, seed=k),
            "d": xr.dropout(ones, 0.4, seed=k),
            "s": xr.shuffle(ar, seed=k),
            "n": xr.normal((4, 5), 0.5, 2.0, seed=k)}


def _compile(compiler, f):
    """``f`` compiled by ``compiler``."""
    if compiler == "jax.jit":
        import jax
        return jax.jit(f)
    if compiler.startswith("tf.function"):
        import tensorflow as tf
        return tf.function(f, jit_compile=compiler.endswith("xla"))
    import torch
    torch._dynamo.reset()
    backend = compiler.partition(":")[2] or "inductor"
    return torch.compile(f, fullgraph=True, backend=backend)


_BACKEND_OF = {"jax.jit": "jax", "tf.function": "tensorflow", "tf.function:xla": "tensorflow",
               "torch.compile:eager": "torch", "torch.compile": "torch"}


def _run_compiled(compiler, f, *args):
    """``f(*args)`` compiled by ``compiler``, the NumPy ``args`` as arrays of its framework."""
    from crossops._dispatch import from_numpy
    b = _BACKEND_OF[compiler]
    with crossops.use_backend(b):
        return _compile(compiler, f)(*(from_numpy(b, np.asarray(a)) for a in args))


@pytest.mark.parametrize("compiler", [
    pytest.param(c, marks=pytest.mark.slow) if c == "torch.compile" else c  # (below)
    for c in _BACKEND_OF])
def test_compiled_equal_eager(compiler):
    """Compiled == eager, bit for bit: jax.jit, tf.function (a graph, and XLA), and
    torch.compile(fullgraph=True) (every op in the one graph; with inductor too, in
    ``nox -s slow``: the default suite compiles uniform and dropout with inductor in
    test_int_seeds_under_torch_compile_fullgraph)."""
    ones, ar = np.ones((4, 5), np.float32), np.arange(20)
    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in _cheap_ops(xr.key(4), ones, ar).items()}
    f = _cheap_ops
    if compiler == "torch.compile":  # inductor compiles slowly: two ops
        ref = {k: ref[k] for k in ("u", "d")}

        def f(k, ones, ar):
            return {"u": xr.uniform((4, 5), -1.0, 3.0, seed=k),
                    "d": xr.dropout(ones, 0.4, seed=k)}
    got = _run_compiled(compiler, f, np.asarray([0, 4], np.uint32), ones, ar)
    for name, r in ref.items():
        _same_bits({"numpy": r, compiler: _np(got[name]).astype(r.dtype)})


def _int_seed_ops(x):
    return {"u": xr.uniform((4, 5), -1.0, 3.0, seed=7),
            "n": xr.normal((3,), seed=2 ** 40 + 1),
            "d": xr.dropout(x, 0.4, seed=5),
            "b": xr.binomial((2, 3), 6, 0.3, seed=9)}


def _int_seeds_compiled(f, **options):
    """``f(ones)`` eagerly on numpy and compiled by ``torch.compile(**options)`` on torch:
    the same bits."""
    import torch
    ones = np.ones((4, 5), np.float32)
    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in f(ones).items()}
    torch._dynamo.reset()
    with crossops.use_backend("torch"):
        got = torch.compile(f, **options)(torch.from_numpy(ones))
    for name, r in ref.items():
        _same_bits({"numpy": r, "torch.compile": _np(got[name]).astype(r.dtype)})


@pytest.mark.slow  # the default suite compiles these ops with fullgraph=True (below)
def test_int_seeds_under_torch_compile():
    """Python int seeds in a function torch.compile traces: the numbers are the eager ones
    (the key is made in the graph by an op that inductor cannot fold)."""
    _int_seeds_compiled(_int_seed_ops, backend="eager")


@pytest.mark.parametrize("dynamo_backend", [
    pytest.param("eager", marks=pytest.mark.slow),  # (aot_eager traces it as dynamo does)
    "aot_eager", "inductor"])
def test_int_seeds_under_torch_compile_fullgraph(dynamo_backend):
    """Python int seeds under torch.compile(fullgraph=True): no graph break, the eager bits.
    With inductor (uniform and dropout: normal and binomial take inductor minutes to
    compile, key or no key), compiled in well under a minute: a key made by
    ``torch.tensor`` would be a constant that inductor inlines into the whole Threefry
    chain, for more than ten minutes."""
    f = _int_seed_ops
    if dynamo_backend == "inductor":
        def f(x):
            return {"u": xr.uniform((4, 5), -1.0, 3.0, seed=7), "d": xr.dropout(x, 0.4, seed=5)}
    _int_seeds_compiled(f, backend=dynamo_backend, fullgraph=True)


def test_torch_compiled_random_serves_every_batch_size():
    """A batch axis torch.compile traces symbolically (``fit`` marks it dynamic) stays
    symbolic through the portable generator: one graph serves every batch size (before,
    each size compiled its own, so a model with Dropout compiled again for its last,
    partial batch), with NumPy's bits at each size. (The first two calls may compile twice:
    the first trace fills a dispatch cache that dynamo then guards on.)"""
    torch = pytest.importorskip("torch")
    counters = pytest.importorskip("torch._dynamo.utils").counters

    def f(x):
        return {"d": xr.dropout(x, 0.4, seed=5), "u": xr.uniform(x.shape, seed=7)}

    torch._dynamo.reset()
    compiled = torch.compile(f, backend="eager", fullgraph=True)
    graphs = None
    for n in (16, 8, 7, 5, 2, 11):
        ones = np.ones((n, 3), np.float32)
        with crossops.use_backend("numpy"):
            ref = {k: _np(v) for k, v in f(ones).items()}
        x = torch.from_numpy(ones)
        torch._dynamo.maybe_mark_dynamic(x, 0)
        with crossops.use_backend("torch"):
            got = compiled(x)
        for name, r in ref.items():
            _same_bits({"numpy": r, "torch.compile": _np(got[name]).astype(r.dtype)})
        if n == 8:
            graphs = counters["stats"]["unique_graphs"]
    assert counters["stats"]["unique_graphs"] == graphs


def test_int_seed_key_under_torch_compile():
    """``key(int)`` inside a torch.compile(fullgraph=True) graph: the eager key, on the
    default device, usable as a seed; eagerly, a plain tensor."""
    import torch
    torch._dynamo.reset()
    with crossops.use_backend("torch"):
        k = torch.compile(lambda: xr.key(2 ** 40 + 3), fullgraph=True, backend="aot_eager")()
        eager = xr.key(2 ** 40 + 3)
    assert k.dtype == torch.uint32 and k.device == torch.get_default_device()
    np.testing.assert_array_equal(_np(k), [256, 3])
    np.testing.assert_array_equal(_np(eager), [256, 3])
    assert type(eager) is torch.Tensor


def test_tf_saved_model_draws_eager_numbers(tmp_path):
    """A saved TensorFlow graph that draws (uniform, normal, dropout, truncated_normal): the
    loaded function gives the eager numbers to the bit."""
    import tensorflow as tf
    ones = np.ones((3, 4), np.float32)

    def draw(k, x):
        return {"u": xr.uniform((3, 4), seed=k), "n": xr.normal((3, 4), seed=k),
                "d": xr.dropout(x, 0.5, seed=k), "t": xr.truncated_normal((5,), seed=k)}

    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in draw(xr.key(3), ones).items()}
    with crossops.use_backend("tensorflow"):
        mod = tf.Module()
        mod.draw = tf.function(draw, input_signature=[tf.TensorSpec([2], tf.uint32),
                                                      tf.TensorSpec([3, 4], tf.float32)])
        tf.saved_model.save(mod, str(tmp_path / "draw"))
    loaded = tf.saved_model.load(str(tmp_path / "draw"))
    got = loaded.draw(tf.constant([0, 3], tf.uint32), tf.constant(ones))
    for name, r in ref.items():
        _same_bits({"numpy": r, "saved": _np(got[name])})


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


# --- the portable split, truncated_normal, categorical, gamma, beta, binomial ------------------

def _new_ops(dtype="float32"):
    """name -> a call of each newer portable op taking ``seed`` (arrays on the default backend)."""
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 1e-30], [0.0, 1.0, 0.0]],
                             np.float32) + 1e-38)
    return {
        "truncated_normal": lambda s: xr.truncated_normal((5, 7), 0.5, 2.0, dtype=dtype, seed=s),
        "categorical": lambda s: xr.categorical(xnp.asarray(logits), 11, seed=s),
        "gamma": lambda s: xr.gamma((40,), 2.5, dtype=dtype, seed=s),
        "gamma_small": lambda s: xr.gamma((40,), 0.3, dtype=dtype, seed=s),
        "gamma_array": lambda s: xr.gamma((2, 20), np.array([[0.05], [40.0]], np.float32),
                                          dtype=dtype, seed=s),
        "beta": lambda s: xr.beta((40,), 0.4, 2.0, dtype=dtype, seed=s),
        "binomial": lambda s: xr.binomial((40,), np.arange(40, dtype=np.float32), 0.3, seed=s),
        "split": lambda s: xr.split(s, 5),
    }


@pytest.mark.parametrize("seed", [3, 2 ** 40 + 11])
@pytest.mark.parametrize("op", list(_new_ops()))
def test_new_ops_bits(seed, op):
    _same_bits(_on_all(lambda: _new_ops()[op](seed)))


@pytest.mark.parametrize("op", ["truncated_normal", "gamma", "beta"])
def test_new_ops_bits_half_precision(op):
    _same_bits(_on_all(lambda: _new_ops("bfloat16")[op](1)))
    _same_bits(_on_all(lambda: _new_ops("float16")[op](1)))


def test_split_is_jax_split_and_keys_draw_alike():
    import jax
    with jax.threefry_partitionable(False):
        ref = np.asarray(jax.random.split(jax.random.PRNGKey(17), 6))
    for b in BACKENDS:
        with crossops.use_backend(b):
            ks = xr.split(xr.key(17), 6)
            again = xr.split(17, 6)
            assert _np(ks).dtype == np.uint32
            np.testing.assert_array_equal(_np(ks), ref, err_msg=b)
            np.testing.assert_array_equal(_np(again), ref, err_msg=b)
    _same_bits(_on_all(lambda: xr.uniform((6,), seed=xr.split(xr.key(2), 3)[1])))


def test_host_and_crossops_forms_agree():
    """The host kernels (numpy; torch and tensorflow eager) against the crossops form (what
    jax and the compilers run), for uniform (every float dtype, bounds) and words across
    kernel blocks."""
    import jax

    from crossops.backends.numpy import random as host
    n = 2 * host._BLOCK + 3
    with jax.threefry_partitionable(False):
        ref = np.asarray(jax.random.bits(jax.random.PRNGKey(5), (n,), "uint32"))
    np.testing.assert_array_equal(host.host_threefry(0, 5, n), ref)
    for shape in [(1001,), (2, 3), (), (0,)]:
        for lo, hi in [(0.0, 1.0), (-3.0, 0.7), (0.995, 1.0), (2.0, 1e4)]:
            for dt in ("float32", "bfloat16", "float16"):
                with crossops.use_backend("jax"):  # the crossops form
                    r = _np(xr.uniform(shape, lo, hi, dtype=dt, seed=9))
                for b in ("numpy", "torch", "tensorflow"):
                    with crossops.use_backend(b):
                        x = _np(xr.uniform(shape, lo, hi, dtype=dt, seed=9))
                    assert x.dtype == r.dtype and np.array_equal(
                        x.reshape(-1).view(f"u{x.itemsize}"),
                        r.reshape(-1).view(f"u{r.itemsize}")), (shape, lo, hi, dt, b)


def test_elementary_functions_accuracy_and_bits():
    """``_log``, ``_exp``, ``_sqrt`` within 2 ulp of float64 NumPy, ``_ndtri`` within 5e-7 of
    SciPy, the same bits on every backend eagerly and under jax.jit (XLA's FMA contraction).
    (tf.function's Grappler rewrites them: the ops run on the host in TensorFlow graphs.)"""
    import jax
    scipy_special = pytest.importorskip("scipy.special")

    from crossops._dispatch import from_numpy
    from crossops.random import _portable as P
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(2.0 ** -24, 1, 20000), rng.uniform(1 - 2.0 ** -10, 1, 2000),
                        np.exp(rng.uniform(-80, 80, 20000))]).astype(np.float32)
    y = rng.uniform(-87, 88, 40000).astype(np.float32)
    q = (rng.uniform(2.0 ** -25, 1 - 2.0 ** -25, 40000) - 0.5).astype(np.float32)  # p - 1/2

    def run(b, X, Y, Q):
        return P._log(X, b), P._exp(Y, b), P._sqrt(X), P._ndtri(Q, b)

    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b):
            out[b] = [_np(v) for v in run(b, *(from_numpy(b, a) for a in (x, y, q)))]
    with crossops.use_backend("jax"):
        out["jax.jit"] = [_np(v) for v in jax.jit(lambda *a: run("jax", *a))(x, y, q)]
    ref = out["numpy"]
    for name, r in out.items():
        for a, c in zip(r, ref):
            assert np.array_equal(a.view(np.uint32), c.view(np.uint32)), name

    def ulps(got, exact):
        return np.max(np.abs(got - exact) / np.spacing(np.abs(exact).astype(np.float32)))

    x64 = x.astype(np.float64)
    assert ulps(ref[0], np.log(x64)) < 2
    assert ulps(ref[1], np.exp(y.astype(np.float64))) < 2
    assert ulps(ref[2], np.sqrt(x64)) < 2
    z = scipy_special.ndtri(0.5 + q.astype(np.float64))
    assert np.max(np.abs(ref[3] - z) / np.maximum(np.abs(z), 1e-3)) < 5e-7


def _compiled_cases():
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]], np.float32))
    counts = np.array([[0.0, 3.0, 11.5]], np.float32)  # traced: a loop over the trials

    def cheap(k, lg, cn):
        return {"t": xr.truncated_normal((3, 4), -1.0, 0.5, seed=k),
                "c": xr.categorical(lg, 6, seed=k),
                "b": xr.binomial((8,), 9, 0.4, seed=k),
                "bt": xr.binomial((2, 3), cn, 0.4, seed=k),
                "s": xr.split(k, 3)}

    def costly(k, lg, cn):
        return {"g": xr.gamma((6,), 0.7, seed=k), "be": xr.beta((6,), 1.5, 0.5, seed=k)}

    return (logits, counts), {"cheap": cheap, "costly": costly}


def _new_ops_cases():
    """(compiler, case); in ``nox -s slow``: tensorflow's costly case, graph and XLA (28
    and 24 s; test_tf_function_with_traced_parameters draws gamma and beta in a graph in
    the default suite)."""
    for compiler in ("jax.jit", "tf.function", "tf.function:xla", "torch.compile:eager"):
        yield compiler, "cheap"
        slow = compiler.startswith("tf")
        yield pytest.param(compiler, "costly", marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("compiler, case", list(_new_ops_cases()))
def test_new_ops_compiled_equal_eager(compiler, case):
    """Every other portable op compiled == eager, bit for bit (torch.compile with
    fullgraph=True: in the one graph; its "eager" backend, as inductor compiles these
    thousands of element-wise operations for minutes)."""
    import os
    if (compiler, case) == ("torch.compile:eager", "costly") and os.environ.get(
            "CROSSOPS_PROFILE") != "thorough":
        pytest.skip("dynamo traces gamma and beta for about two minutes: thorough profile")
    args, cases = _compiled_cases()
    f = cases[case]
    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in f(xr.key(8), *args).items()}
    got = _run_compiled(compiler, f, np.asarray([0, 8], np.uint32), *args)
    for k, r in ref.items():
        _same_bits({"numpy": r, compiler: _np(got[k]).astype(r.dtype)})


def test_traced_parameters_under_jax_jit():
    """alpha and beta traced by jax.jit: the eager numbers to the bit."""
    import jax
    a = np.array([0.5, 3.0, 20.0], np.float32)

    def f(k, a):
        return {"g": xr.gamma((2, 3), a, seed=k), "be": xr.beta((3,), a, a + 1.0, seed=k)}

    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in f(xr.key(4), a).items()}
    with crossops.use_backend("jax"):
        got = jax.jit(f)(xr.key(4), a)
    for k, r in ref.items():
        _same_bits({"numpy": r, "jax.jit": _np(got[k])})


# --- statistics of the newer ops (fixed seeds; one backend suffices: the bits are shared) ----

N_STAT = 20_000


def _moments_ok(x, mean, var, what):
    """Sample mean and variance within five standard errors."""
    n = x.size
    m4 = np.mean((x - x.mean()) ** 4)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n), f"{what}: mean {x.mean()} vs {mean}"
    assert abs(x.var() - var) < 5 * math.sqrt(max(m4 - var ** 2, 1e-300) / n), (
        f"{what}: variance {x.var()} vs {var}")


@pytest.mark.parametrize("name", ["truncated_normal", "truncated_normal_float64", "gamma",
                                  "gamma_small", "gamma_large", "beta", "beta_small",
                                  "gamma_float64", "gamma_small_float64",
                                  "beta_small_float64"])
def test_new_ops_moments_and_ks(name):
    stats = pytest.importorskip("scipy.stats")
    cases = {
        "truncated_normal": (lambda s: xr.truncated_normal((N_STAT,), 0.5, 2.0, seed=s),
                             stats.truncnorm(-2, 2, loc=0.5, scale=2.0)),
        "truncated_normal_float64": (
            lambda s: xr.truncated_normal((N_STAT,), 0.5, 2.0, dtype="float64", seed=s),
            stats.truncnorm(-2, 2, loc=0.5, scale=2.0)),
        "gamma": (lambda s: xr.gamma((N_STAT,), 2.5, seed=s), stats.gamma(2.5)),
        "gamma_small": (lambda s: xr.gamma((N_STAT,), 0.3, seed=s), stats.gamma(0.3)),
        "gamma_large": (lambda s: xr.gamma((N_STAT,), 60.0, seed=s), stats.gamma(60.0)),
        "beta": (lambda s: xr.beta((N_STAT,), 2.0, 5.0, seed=s), stats.beta(2.0, 5.0)),
        "beta_small": (lambda s: xr.beta((N_STAT,), 0.4, 0.7, seed=s), stats.beta(0.4, 0.7)),
        "gamma_float64": (lambda s: xr.gamma((N_STAT,), 2.5, dtype="float64", seed=s),
                          stats.gamma(2.5)),
        "gamma_small_float64": (lambda s: xr.gamma((N_STAT,), 0.3, dtype="float64", seed=s),
                                stats.gamma(0.3)),
        "beta_small_float64": (lambda s: xr.beta((N_STAT,), 0.4, 0.7, dtype="float64", seed=s),
                               stats.beta(0.4, 0.7)),
    }
    draw, dist = cases[name]
    with crossops.use_backend("numpy"):
        x = _np(draw(31))
    if name.endswith("float64"):  # float64 numbers, not widened float32 ones
        assert x.dtype == np.float64
        assert np.mean(x.astype(np.float32).astype(np.float64) == x) < 1e-3
    x = x.astype(np.float64)
    assert np.all(np.isfinite(x))
    _moments_ok(x, dist.mean(), dist.var(), name)
    p = stats.kstest(x, dist.cdf).pvalue
    assert p > 1e-4, f"{name}: KS p-value {p}"
    if name.startswith("truncated_normal"):
        assert np.all(np.abs(x - 0.5) <= 4.0) and np.abs(x - 0.5).max() > 3.9


def _chi_square_ok(counts, probs, what):
    stats = pytest.importorskip("scipy.stats")
    counts = np.asarray(counts, np.float64)
    expected = counts.sum() * np.asarray(probs, np.float64)
    assert np.all(expected >= 5), what
    p = stats.chisquare(counts, expected).pvalue
    assert p > 1e-4, f"{what}: chi-square p-value {p}, counts {counts}, expected {expected}"


def test_binomial_and_categorical_chi_square():
    stats = pytest.importorskip("scipy.stats")
    with crossops.use_backend("numpy"):
        x = _np(xr.binomial((N_STAT,), 20, 0.3, seed=32)).astype(int)
        small = _np(xr.binomial((N_STAT,), np.array([0.0, 1.0, 3.0] * 2, np.float32)[
            np.arange(N_STAT) % 6], 0.5, seed=33))
        probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]])
        s = _np(xr.categorical(np.log(probs).astype(np.float32) + 3.0, N_STAT, seed=34))
        never = _np(xr.categorical(np.array([[0.0, -np.inf, 0.0]], np.float32), 2000, seed=1))
    dist = stats.binom(20, 0.3)
    edges = [0, 2] + list(range(3, 12)) + [12, 21]
    pairs = list(zip(edges[:-1], edges[1:]))
    _chi_square_ok([np.sum((x >= a) & (x < b)) for a, b in pairs],
                   [dist.cdf(b - 1) - dist.cdf(a - 1) for a, b in pairs], "binomial")
    counts = np.array([0.0, 1.0, 3.0] * 2)[np.arange(N_STAT) % 6]
    assert np.all(small <= counts) and np.all(small[counts == 0] == 0)
    assert abs(small[counts == 3].mean() - 1.5) < 5 * math.sqrt(0.75 / (N_STAT / 3))
    assert s.shape == (2, N_STAT) and s.dtype == np.int32
    for row in range(2):
        _chi_square_ok(np.bincount(s[row], minlength=3), probs[row], f"categorical row {row}")
    assert 1 not in set(never.ravel().tolist())


def test_new_ops_errors():
    import jax
    with crossops.use_backend("jax"):
        with pytest.raises(TypeError, match="counts must be a number or an array"):
            jax.jit(lambda: xr.binomial((3,), "many", 0.5, seed=1))()
        with pytest.raises(ValueError, match="non-negative"):
            xr.binomial((2,), -1, 0.5, seed=1)
    with crossops.use_backend("numpy"):
        with pytest.raises(ValueError, match="2-D"):
            xr.categorical(np.zeros(3, np.float32), 2, seed=0)
        with pytest.raises(ValueError, match="floating-point dtype"):
            xr.gamma((2,), 1.0, dtype="int32", seed=0)


def test_tf_function_with_traced_parameters():
    """Array parameters traced by tf.function (alpha, beta, logits, binomial's counts) are
    inputs of the op's XLA function: the eager numbers to the bit."""
    import tensorflow as tf
    alpha = np.array([0.5, 3.0, 20.0], np.float32)
    counts = np.array([0.0, 5.0, 17.0], np.float32)
    logits = np.array([[0.0, 1.0, -np.inf]], np.float32)

    def f(k, a, c, lg):
        return {"g": xr.gamma((2, 3), a, dtype="bfloat16", seed=k),
                "b": xr.binomial((2, 3), counts, 0.25, dtype="int32", seed=k),
                "be": xr.beta((3,), a, c + 1.0, seed=k),
                "c": xr.categorical(lg, 5, dtype="int64", seed=k)}

    with crossops.use_backend("numpy"):
        ref = {k: _np(v) for k, v in f(xr.key(4), alpha, counts, logits).items()}
    with crossops.use_backend("tensorflow"):
        got = tf.function(f)(xr.key(4), *(tf.constant(v) for v in (alpha, counts, logits)))
    for k, r in ref.items():
        g = _np(got[k])
        assert g.dtype == r.dtype and g.shape == r.shape, k
        _same_bits({"numpy": r, "tf.function": g})
    with crossops.use_backend("tensorflow"):
        traced = tf.function(lambda c: xr.binomial((3,), c, 0.5, seed=1))(tf.constant(counts))
    with crossops.use_backend("numpy"):
        eager = _np(xr.binomial((3,), counts, 0.5, seed=1))
    _same_bits({"numpy": eager, "tf.function": _np(traced)})


_TRACED_COUNTS = [np.float32(9.0), np.array([0.0, 5.0, 17.0, 2.5], np.float32),
                  np.array([[3.0], [0.0]], np.float32), np.zeros(4, np.float32)]


def _traced_binomial(compiler, counts, shape, probabilities, dtype, seed):
    """``binomial`` with ``counts`` and the key of ``seed`` arguments of the compiled
    function (traced)."""
    def f(c, k):
        return xr.binomial(shape, c, probabilities, dtype=dtype, seed=k)
    key = np.asarray(crossops._seed.words(seed, "binomial"), np.uint32)
    return _np(_run_compiled(compiler, f, counts, key))


def _binomial_cases():
    """(compiler, block, every) cases. ``every``: all of ``_TRACED_COUNTS`` and the empty
    shape, each its own compile; else only the counts that hold zero, a fraction and more
    than one block. In ``nox -s slow``: block 8; the one-block case of tf.function and of
    torch (whose block-3 case runs the same loop); torch's block-3 case with every counts
    (torch.compile takes about 11 s for each, 56 s in all)."""
    slow = pytest.mark.slow
    for compiler in ("jax.jit", "tf.function", "tf.function:xla", "torch.compile:eager"):
        torch_or_tf = compiler.startswith(("torch", "tf"))
        yield pytest.param(compiler, None, True, marks=[slow] if torch_or_tf else [])
        yield pytest.param(compiler, 8, True, marks=slow)
        if compiler.startswith("torch"):
            yield pytest.param(compiler, 3, True, marks=slow)
        yield pytest.param(compiler, 3, not compiler.startswith("torch"))


@pytest.mark.parametrize("compiler, block, every", list(_binomial_cases()))
def test_binomial_traced_counts_equal_eager(compiler, block, every, monkeypatch):
    """Counts traced by jax.jit, tf.function or torch.compile(fullgraph=True) (a
    while_loop in the one graph): the eager bits (eager computes max(counts) first,
    traced code loops over it): one block of trials, and several (a small block size:
    each block has its own key of split, and the last block is shorter), counts of zero,
    fractional counts, counts broadcast to the shape, an integer dtype."""
    from crossops.random import _portable
    if block is not None:
        monkeypatch.setattr(_portable, "_BINOMIAL_BLOCK", block)
    for i, counts in enumerate(_TRACED_COUNTS):
        if not every and i != 1:
            continue
        shape = (2, 4)
        dtype = "int32" if i % 2 else "float32"
        with crossops.use_backend("numpy"):
            want = _np(xr.binomial(shape, counts, 0.35, dtype=dtype, seed=2 ** 40 + i))
        got = _traced_binomial(compiler, counts, shape, 0.35, dtype, 2 ** 40 + i)
        _same_bits({"numpy": want, compiler: got})
        assert np.all(got <= np.ceil(np.broadcast_to(counts, shape)))
    if not every:
        return
    with crossops.use_backend("numpy"):
        empty = _np(xr.binomial((0, 3), np.float32(4.0), 0.5, seed=1))
    _same_bits({"numpy": empty,
                compiler: _traced_binomial(compiler, np.float32(4.0), (0, 3), 0.5, None, 1)})


@pytest.mark.parametrize("name", ["RandomUniform", "RandomNormal", "TruncatedNormal",
                                  "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
                                  "LecunUniform", "LecunNormal", "VarianceScaling"])
def test_initializers_bits(name):
    """A seeded random initializer draws the same bits on numpy, jax, torch and
    tensorflow (float32; float64 where the backend has it: jax with x64 on)."""
    import jax

    from crossops import initializers
    for dtype in ("float32", "float64"):
        out = {}
        for b in BACKENDS:
            with crossops.use_backend(b), jax.enable_x64(b == "jax"):
                out[b] = _np(getattr(initializers, name)(seed=11)((7, 5), dtype=dtype))
        _same_bits(out)
        assert out["numpy"].dtype == np.dtype(dtype)


def test_dropout_model_follows_one_trajectory_on_every_backend():
    """A Dense + Dropout model initialised and trained (SGD, fit) from one seed: the same
    initial weights to the bit, and the same losses and final weights up to float rounding
    on jax, torch and tensorflow."""
    from crossops import initializers as init
    from crossops import layers, losses, models, optimizers
    rng = np.random.default_rng(0)
    x = rng.standard_normal((48, 6)).astype(np.float32)
    y = rng.integers(0, 3, 48).astype(np.int32)
    start, loss, end = {}, {}, {}
    for b in ("jax", "torch", "tensorflow"):
        with crossops.use_backend(b):
            model = models.Sequential([
                layers.Input((6,)),
                layers.Dense(16, activation="relu", kernel_initializer=init.HeNormal(seed=1)),
                layers.Dropout(0.4, seed=3),
                layers.Dense(3, kernel_initializer=init.GlorotUniform(seed=2)),
            ])
            model.compile(optimizer=optimizers.SGD(0.1),
                          loss=losses.SparseCategoricalCrossentropy(from_logits=True))
            start[b] = [_np(w).copy() for w in model.get_weights()]  # torch trains in place
            hist = model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)
            loss[b] = np.asarray(hist.history["loss"])
            end[b] = [_np(w) for w in model.get_weights()]
    for b in ("torch", "tensorflow"):
        for w, r in zip(start[b], start["jax"]):
            assert np.array_equal(w, r), b
        np.testing.assert_allclose(loss[b], loss["jax"], rtol=1e-5, err_msg=b)
        for w, r in zip(end[b], end["jax"]):
            np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6, err_msg=b)
    assert not np.allclose(loss["jax"][0], loss["jax"][-1])  # it trained


# -- float64 truncated_normal (53-bit uniforms, float64 AS241) ----------------------------
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (0,), (40001,)])
def test_truncated_normal_float64_bits(shape):
    """The float64 truncated normal's bits on every backend (jax with x64 on), eager, with
    mean and stddev, and NumPy's per-branch evaluation (40001 values)."""
    import jax
    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b), jax.enable_x64(b == "jax"):
            out[b] = _np(xr.truncated_normal(shape, 0.5, 1.7, dtype="float64",
                                             seed=2 ** 40 + 9))
    _same_bits(out)
    assert out["numpy"].dtype == np.float64 and out["numpy"].shape == shape


def test_truncated_normal_float64_accuracy():
    """float64 truncated normal: the standard normal quantile of ``p = lo + width u`` for
    the 53-bit uniform ``u`` of words ``i`` (top 27 bits) and ``n + i`` (top 26 bits),
    against mpmath at 40 digits. Rounding ``p - 1/2`` (half an ulp of 1/2) moves the
    quantile by up to ``1 / phi(2) = 18.5`` times that, 9.3 ulp of 1, and AS241's own
    error is about 1e-16 relative: within 12 ulp of 1 absolutely (9 measured), within 12
    ulp of the value where ``|z| > 1/4`` (10 measured); every value a float64 number
    (none a widened float32)."""
    mpmath = pytest.importorskip("mpmath")
    from crossops.backends.numpy import random as host
    n, seed = 3000, 123
    with crossops.use_backend("numpy"):
        x = _np(xr.truncated_normal((n,), dtype="float64", seed=seed))
    w = host.host_threefry(0, seed, 2 * n).astype(np.uint64)
    a, b = w[:n] >> np.uint64(5), w[n:] >> np.uint64(6)
    lo = 0.5 * math.erfc(2.0 / math.sqrt(2.0))
    width = 1.0 - 2.0 * lo
    with mpmath.workdps(40):
        mp = mpmath.mpf
        exact = np.array([float(mpmath.sqrt(2) * mpmath.erfinv(
            2 * (mp(lo) - mp(0.5) + mp(width) * (mp(int(i)) * mp(2) ** -27
                                                 + mp(int(j)) * mp(2) ** -53))))
            for i, j in zip(a, b)])
    exact = np.clip(exact, -2.0, 2.0)
    err = np.abs(x - exact)
    assert err.max() <= 12 * 2.0 ** -52, err.max() / 2.0 ** -52
    far = np.abs(exact) > 0.25
    assert (err[far] / np.spacing(np.abs(exact[far]))).max() <= 12
    assert np.sum(x.astype(np.float32).astype(np.float64) == x) <= 2
    assert np.all(np.abs(x) <= 2.0)


@pytest.mark.parametrize("compiler", ["jax.jit", "tf.function", "tf.function:xla",
                                      "torch.compile:eager"])
def test_truncated_normal_float64_compiled_equal_eager(compiler):
    """float64 truncated normal compiled (jax with x64 on; torch.compile(fullgraph=True)
    runs the crossops form, not the host's): the eager bits."""

    def f(k):
        return {"t": xr.truncated_normal((4, 5), 0.5, 2.0, dtype="float64", seed=k),
                "t1": xr.truncated_normal((3,), dtype="float64", seed=k)}
    _float64_compiled_equal_eager(compiler, f)


# -- float64 gamma and beta (52-bit uniforms, float64 arithmetic) --------------------------
def _gamma_family64(s, a=None):
    a = np.array([0.5, 3.0, 20.0]) if a is None else a
    return {"gamma": xr.gamma((40,), 2.5, dtype="float64", seed=s),
            "gamma_small": xr.gamma((40,), 0.3, dtype="float64", seed=s),
            "gamma_array": xr.gamma((2, 20), np.array([[0.05], [40.0]]), dtype="float64",
                                    seed=s),
            "gamma_traced": xr.gamma((2, 3), a, dtype="float64", seed=s),
            "beta": xr.beta((40,), 0.4, 2.0, dtype="float64", seed=s),
            "beta_traced": xr.beta((3,), a, a + 1.0, dtype="float64", seed=s)}


def test_gamma_beta_float64_bits():
    """float64 gamma and beta: the same bits on every backend (jax with x64 on), for
    parameters below and above 1 and arrays of them."""
    import jax
    out = {}
    for b in BACKENDS:
        with crossops.use_backend(b), jax.enable_x64(b == "jax"):
            out[b] = {k: _np(v) for k, v in _gamma_family64(2 ** 40 + 11).items()}
    for k in out["numpy"]:
        assert out["numpy"][k].dtype == np.float64
        _same_bits({b: out[b][k] for b in BACKENDS})


@pytest.mark.parametrize("case", ["gamma", "all"])
@pytest.mark.parametrize("compiler", ["jax.jit", "tf.function:xla"])
def test_gamma_beta_float64_compiled_equal_eager(compiler, case):
    """float64 gamma and beta compiled, parameters traced too (jax with x64 on): the eager
    bits. (tf.function without XLA runs them as the nested XLA function of
    ``run_program``, as it does float32's.) XLA compiles one float64 gamma in about 20 s
    and a beta in about 45 (jax), TensorFlow's XLA about twice that: the CI profile
    compiles one gamma under jax.jit, the thorough profile all of them on both."""
    import os
    if (compiler, case) != ("jax.jit", "gamma") and os.environ.get(
            "CROSSOPS_PROFILE") != "thorough":
        pytest.skip("XLA compiles float64 gamma and beta for minutes: thorough profile")
    a = np.array([0.5, 3.0, 20.0])

    def one(k, a):
        return {"gamma_traced": xr.gamma((2, 3), a, dtype="float64", seed=k)}
    _float64_compiled_equal_eager(compiler, one if case == "gamma" else _gamma_family64, a)


def test_float64_exp_and_quantile_accuracy():
    """The float64 pieces of gamma and beta: ``_exp64`` within 1 ulp of NumPy's exp
    (itself within 1 ulp), 0 where the result would be subnormal and inf past overflow;
    ``_ndtri64_full`` within 6 ulp of mpmath (40 digits) across its three branches, out
    to the 2**-53 tails of the 52-bit uniforms."""
    mpmath = pytest.importorskip("mpmath")
    from crossops.random import _portable
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-708, 709, 5000), rng.uniform(-1, 1, 5000), [0.0]])
    with crossops.use_backend("numpy"):
        y = _portable._exp64(x, "numpy")
        edge = _portable._exp64(np.array([-708.5, -800.0, 710.0]), "numpy")
    assert (np.abs(y - np.exp(x)) / np.spacing(np.exp(x))).max() <= 1
    assert edge.tolist() == [0.0, 0.0, float("inf")]
    tails = np.exp(rng.uniform(np.log(2.0 ** -53), np.log(0.07), 1500))
    q = np.concatenate([0.5 - tails, tails - 0.5, rng.uniform(-0.425, 0.425, 500),
                        [0.5 - 2.0 ** -53, 2.0 ** -53 - 0.5]])
    with crossops.use_backend("numpy"):
        z = _portable._ndtri64_full(q, "numpy")
    with mpmath.workdps(40):
        exact = np.array([float(mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf(v))) for v in q])
    nonzero = exact != 0
    ulps = np.abs(z - exact)[nonzero] / np.spacing(np.abs(exact[nonzero]))
    assert ulps.max() <= 6, ulps.max()
