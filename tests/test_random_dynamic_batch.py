"""Random ops and layers whose shape comes from an input, under a batch size known only when
the program runs: ``tf.function`` with a ``None`` batch in its input signature (as Keras 3,
which reads such a size from ``tf.shape``), ``jax.jit`` and ``torch.compile(dynamic=True)``.
The numbers drawn for a batch of ``n`` are the eager ones, and (the portable generator) the
same as NumPy's, at every size."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.core as core
import crossops.random as xr
from crossops import config

from .backends import BACKENDS

SIZES = (1, 4, 5)
ROW = (3, 4)  # the shape of one example


def _np(x):
    return np.asarray(crossops.to_numpy(x))


def _same_bits(got, ref, what):
    assert got.dtype == ref.dtype and got.shape == ref.shape, (what, got.dtype, got.shape)
    if ref.dtype.kind == "f":
        u = f"u{ref.itemsize}"
        assert np.array_equal(got.view(u), ref.view(u)), what
    else:
        assert np.array_equal(got, ref), what


@pytest.fixture
def generator(request):
    before = config.random_generator()
    config.set_random_generator(request.param)
    yield request.param
    config.set_random_generator(before)


def _inputs(n):
    return np.random.default_rng(n).standard_normal((n,) + ROW).astype(np.float32)


#: op name -> a function of one array ``(n, 3, 4)`` that draws with a shape taken from it
OPS = {
    "dropout": lambda x: xr.dropout(x, 0.5, seed=3),
    "dropout_noise_shape": lambda x: xr.dropout(x, 0.5, noise_shape=(None, 1, 4), seed=3),
    "uniform": lambda x: xr.uniform(core.shape(x), seed=3),
    "normal": lambda x: xr.normal(core.shape(x), mean=1.0, stddev=2.0, seed=3),
    "normal_float64": lambda x: xr.normal(core.shape(x), dtype="float64", seed=3),
    "truncated_normal": lambda x: xr.truncated_normal(core.shape(x), seed=3),
    "randint": lambda x: xr.randint(core.shape(x), 0, 7, seed=3),
    "gamma": lambda x: xr.gamma(core.shape(x), 2.0, seed=3),
    "beta": lambda x: xr.beta(core.shape(x), 2.0, 3.0, seed=3),
    "binomial": lambda x: xr.binomial(core.shape(x), 5, 0.3, seed=3),
    "shuffle": lambda x: xr.shuffle(x, seed=3),
    "categorical": lambda x: xr.categorical(x[:, 0, :], 3, seed=3),
}
#: ops the native generator cannot trace on TensorFlow with an unknown batch (none)
PORTABLE_ONLY: set[str] = set()


#: (generator, op) cases left to ``nox -s slow``: the portable beta compiles an XLA program
#: per batch size (about a minute in all); gamma, its sampler, runs in the default suite
SLOW = {("portable", "beta")}


@pytest.mark.parametrize("generator,name", [
    pytest.param(g, n, id=f"{g}-{n}", marks=[pytest.mark.slow] if (g, n) in SLOW else [])
    for g in ("portable", "native") for n in sorted(OPS)], indirect=["generator"])
def test_tf_function_with_a_none_batch(name, generator):
    """``tf.function(input_signature=[TensorSpec([None, 3, 4])])``: one trace serves
    batches of 1, 4 and 5, each with the eager numbers (and, portable, NumPy's)."""
    tf = pytest.importorskip("tensorflow")
    fn = OPS[name]
    graph = tf.function(fn, input_signature=[tf.TensorSpec((None,) + ROW, tf.float32)])
    for n in SIZES:
        x = _inputs(n)
        with crossops.use_backend("tensorflow"):  # the backend of ops given a shape only
            eager = _np(fn(tf.constant(x)))
            _same_bits(_np(graph(tf.constant(x))), eager, (name, n))
        if generator == "portable":
            with crossops.use_backend("numpy"):
                _same_bits(eager, _np(fn(x)), (name, n, "numpy"))
    assert graph.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("jit_compile", [False, True])
def test_dropout_layer_in_a_tf_function_with_a_none_batch(jit_compile):
    """The issue's example: ``layers.Dropout`` called in training in a ``tf.function`` whose
    batch is None. Its key advances as eagerly: two layers of one seed, one called eagerly
    and one in the graph, drop the same entries on every call."""
    tf = pytest.importorskip("tensorflow")
    from crossops import layers
    with crossops.use_backend("tensorflow"):
        eager_layer, graph_layer = layers.Dropout(0.5, seed=1), layers.Dropout(0.5, seed=1)
        graph_layer(tf.ones((2, 8)))  # built outside: a tf.function that makes variables
        # traces twice (not training: the key does not move)

        @tf.function(input_signature=[tf.TensorSpec([None, 8], tf.float32)],
                     jit_compile=jit_compile)
        def f(x):
            return graph_layer(x, training=True)

        for n in SIZES + (5, 1):
            x = tf.ones((n, 8))
            want = _np(eager_layer(x, training=True))
            got = _np(f(x))
            _same_bits(got, want, n)
            assert set(np.unique(got)) <= {0.0, 2.0}
    assert f.experimental_get_tracing_count() == 1


def test_attention_dropout_in_a_tf_function_with_a_none_batch():
    """``MultiHeadAttention(dropout=...)`` (a Dropout on its scores) in training under a
    None batch: the eager values."""
    tf = pytest.importorskip("tensorflow")
    from crossops import layers
    with crossops.use_backend("tensorflow"):
        a = layers.MultiHeadAttention(2, 4, dropout=0.5, seed=2)
        b = layers.MultiHeadAttention(2, 4, dropout=0.5, seed=2)
        x0 = tf.constant(_inputs(2)[:, :, :4])
        a(x0, x0), b(x0, x0)
        b.set_weights(a.get_weights())

        @tf.function(input_signature=[tf.TensorSpec([None, 3, 4], tf.float32)])
        def f(x):
            return b(x, x, training=True)

        for n in SIZES:
            x = tf.constant(_inputs(n))
            np.testing.assert_allclose(_np(f(x)), _np(a(x, x, training=True)), rtol=1e-5,
                                       atol=1e-6)


@pytest.mark.skipif("jax" not in BACKENDS, reason="jax is not installed")
def test_jax_jit_per_batch_size():
    """Under ``jax.jit`` (which compiles per shape) the draws of a batch of n are NumPy's."""
    import jax
    for name in ("dropout", "dropout_noise_shape", "shuffle", "categorical", "normal"):
        fn = OPS[name]
        jitted = jax.jit(fn)
        for n in SIZES:
            x = _inputs(n)
            with crossops.use_backend("numpy"):
                want = _np(fn(x))
            with crossops.use_backend("jax"):
                _same_bits(_np(jitted(jax.numpy.asarray(x))), want, (name, n))


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
def test_torch_compile_dynamic():
    """``torch.compile(dynamic=True)`` (its "eager" backend: dynamo's trace, no inductor
    build): one graph for every batch size above 1 (torch specialises sizes 0 and 1, so a
    batch of 1 has a graph of its own), NumPy's numbers at each."""
    import torch
    counters = pytest.importorskip("torch._dynamo.utils").counters
    fn = OPS["dropout"]
    torch._dynamo.reset()
    compiled = torch.compile(fn, backend="eager", dynamic=True, fullgraph=True)
    graphs = None
    for n in (4, 5, 7, 2, 1):
        x = _inputs(n)
        with crossops.use_backend("numpy"):
            want = _np(fn(x))
        with crossops.use_backend("torch"):
            _same_bits(_np(compiled(torch.from_numpy(x))), want, n)
        if n == 5:
            graphs = counters["stats"]["unique_graphs"]
        if n == 2:
            assert counters["stats"]["unique_graphs"] == graphs


def test_shape_tuple_keeps_a_traced_size():
    """``_seed.shape_tuple`` passes a scalar integer graph tensor through, and still refuses
    what is no size."""
    tf = pytest.importorskip("tensorflow")
    from crossops import _seed

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def f(x):
        n = tf.shape(x)[0]
        dims = _seed.shape_tuple((n, 2), "uniform")
        assert dims[0] is n and dims[1] == 2
        with pytest.raises(TypeError, match="random.uniform: shape must be"):
            _seed.shape_tuple((tf.cast(n, tf.float32), 2), "uniform")
        with pytest.raises(TypeError, match="random.uniform: shape must be"):
            _seed.shape_tuple((None, 2), "uniform")
        return x

    f(tf.ones(3))
    with pytest.raises(ValueError, match="negative dimension"):
        _seed.shape_tuple((2, -1), "uniform")


@pytest.mark.skipif("jax" not in BACKENDS, reason="jax is not installed")
def test_a_traced_jax_size_is_refused_by_name():
    """jax sizes must be concrete: a traced int as a shape is refused with crossops's
    message (not passed on as a size known only when run)."""
    import jax

    @jax.jit
    def f(n):
        with crossops.use_backend("jax"):
            return xr.uniform((n, 3), seed=1)

    with pytest.raises(TypeError, match="random.uniform: shape must be an int"):
        f(jax.numpy.int32(4))


def test_fit_on_tensorflow_with_dropout_and_a_partial_last_batch():
    """``fit`` on tensorflow with a model with Dropout, from a ``tf.data`` dataset of 10 rows
    in batches of 4 (a partial last batch) and from the same arrays: the same history
    (the same batches draw the same masks), and finite."""
    tf = pytest.importorskip("tensorflow")
    from crossops import layers, models
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 8)).astype(np.float32)
    y = rng.standard_normal((10, 1)).astype(np.float32)
    histories = []
    for data in ("dataset", "arrays"):
        with crossops.use_backend("tensorflow"):
            inputs = layers.Input((8,))
            h = layers.Dropout(0.5, seed=1)(layers.Dense(6)(inputs))
            model = models.Model(inputs, layers.Dense(1)(h))
            model.set_weights([np.random.default_rng(1).uniform(-0.5, 0.5, w.shape)
                               .astype(np.float32) for w in model.get_weights()])
            model.compile("sgd", "mse")
            if data == "dataset":
                ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
                histories.append(model.fit(ds, epochs=3, shuffle=False, verbose=0)
                                 .history["loss"])
            else:
                histories.append(model.fit(x, y, batch_size=4, epochs=3, shuffle=False,
                                           verbose=0).history["loss"])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-6)
    assert np.all(np.isfinite(histories[0]))
