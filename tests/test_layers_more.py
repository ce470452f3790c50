"""UnitNormalization, Attention, PReLU, TimeDistributed and Lambda against Keras 3's own:
the same weights (copied from the Keras layer) give the same outputs on every backend,
eager and compiled, in functional models, and the configs have Keras's keys and values."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops import layers

from .backends import backend_context, to_backend, to_numpy

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras (the reference) is not installed")

RNG = np.random.default_rng(7)
SEQ = RNG.standard_normal((3, 5, 4)).astype(np.float32)
VAL = RNG.standard_normal((3, 6, 4)).astype(np.float32)
KEY = RNG.standard_normal((3, 6, 4)).astype(np.float32)
IMAGES = RNG.standard_normal((2, 4, 5, 3)).astype(np.float32)
FRAMES = RNG.standard_normal((2, 3, 6, 5, 2)).astype(np.float32)  # (batch, time, h, w, c)


def _keras_np(x):
    import keras
    if isinstance(x, tuple | list):
        return type(x)(_keras_np(v) for v in x)
    return keras.ops.convert_to_numpy(x)


def _random_weights(ref):
    return [RNG.standard_normal(w.shape).astype(np.float32) * 0.7 + 0.2 for w in ref.weights]


def _close(got, want, tol=1e-5):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def _compare(backend, name, kwargs, inputs, call=None, build=None, tol=1e-5):
    """Keras's layer (random weights) and crossops's (the same weights) on ``inputs``."""
    import keras
    call = call or {}
    ref = getattr(keras.layers, name)(**kwargs)
    ref.build(build if build is not None else _shapes(inputs))
    weights = _random_weights(ref)
    ref.set_weights(weights)
    want = _keras_np(ref(inputs, **call))
    with backend_context(backend):
        ours = getattr(layers, name)(**kwargs)
        xs = _to(backend, inputs)
        ours.build(build if build is not None else _shapes(inputs))
        assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]
        assert [w.path.split("/")[-1] for w in ours.weights] == \
            [w.path.split("/")[-1] for w in ref.weights]
        ours.set_weights(weights)
        got = to_numpy(ours(xs, **{k: _to(backend, v) for k, v in call.items()}))
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w, tol)
    else:
        _close(got, want, tol)
    return ours


def _shapes(inputs):
    if isinstance(inputs, list):
        return [x.shape for x in inputs]
    return inputs.shape


def _to(backend, x):
    if isinstance(x, list):
        return [_to(backend, v) for v in x]
    return to_backend(backend, x)


# -- UnitNormalization ------------------------------------------------------------------

@pytest.mark.parametrize("axis", [-1, 1, [1, 2], (1, 3)])
def test_unit_normalization_matches_keras(backend, axis):
    x = IMAGES.copy()
    x[0, 0, 0] = 0.0  # a zero vector stays zero
    _compare(backend, "UnitNormalization", {"axis": axis}, x)


def test_unit_normalization_errors():
    with pytest.raises(TypeError, match="UnitNormalization: axis"):
        layers.UnitNormalization(axis="last")
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        layers.UnitNormalization(axis=3)(SEQ)


# -- PReLU --------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"shared_axes": [1, 2]}, {"shared_axes": 2},
                                    {"alpha_initializer": "ones", "shared_axes": (1, 2, 3)}])
def test_prelu_matches_keras(backend, kwargs):
    _compare(backend, "PReLU", kwargs, IMAGES)


def test_prelu_errors():
    with pytest.raises(ValueError, match="PReLU: shared_axes"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match="PReLU: alpha_regularizer"):
        layers.PReLU(alpha_regularizer="l2")
    with pytest.raises(ValueError, match="shared axis 4 is out of range"):
        layers.PReLU(shared_axes=4)(IMAGES)
    layer = layers.PReLU()
    layer(IMAGES)
    with pytest.raises(ValueError, match="expected inputs of rank 4"):
        layer(SEQ)


def test_prelu_default_name_is_keras():
    import keras
    assert layers.PReLU().name.startswith("p_re_lu")
    assert keras.layers.PReLU().name.startswith("p_re_lu")


# -- Attention ----------------------------------------------------------------------------

ATTENTION = {
    "dot": ({}, [SEQ, VAL], {}),
    "dot_key": ({}, [SEQ, VAL, KEY], {}),
    "dot_scale": ({"use_scale": True}, [SEQ, VAL, KEY], {}),
    "concat": ({"score_mode": "concat"}, [SEQ, VAL], {}),
    "concat_scale": ({"score_mode": "concat", "use_scale": True}, [SEQ, VAL, KEY], {}),
    "scores": ({"use_scale": True}, [SEQ, VAL], {"return_attention_scores": True}),
    "causal": ({}, [SEQ, SEQ], {"use_causal_mask": True, "return_attention_scores": True}),
    "causal_concat": ({"score_mode": "concat"}, [SEQ, VAL],
                      {"use_causal_mask": True, "return_attention_scores": True}),
}


@pytest.mark.parametrize("case", sorted(ATTENTION))
def test_attention_matches_keras(backend, case):
    kwargs, inputs, call = ATTENTION[case]
    _compare(backend, "Attention", kwargs, inputs, call)


def _masks():
    q_mask = RNG.random((3, 5)) > 0.3
    v_mask = RNG.random((3, 6)) > 0.4
    v_mask[1] = False  # a fully masked row: Keras's subtraction keeps the softmax finite
    return q_mask, v_mask


@pytest.mark.parametrize("which", ["both", "query_only", "value_only", "value_causal"])
def test_attention_masks_match_keras(backend, which):
    q_mask, v_mask = _masks()
    mask = {"both": [q_mask, v_mask], "query_only": [q_mask, None],
            "value_only": [None, v_mask], "value_causal": [None, v_mask]}[which]
    call = {"mask": mask, "return_attention_scores": True,
            "use_causal_mask": which == "value_causal"}
    import keras
    ref = keras.layers.Attention(use_scale=True)
    ref.build([SEQ.shape, VAL.shape])
    ref.set_weights([np.array(0.8, np.float32)])
    want = _keras_np(ref([SEQ, VAL], **call))
    with backend_context(backend):
        ours = layers.Attention(use_scale=True)
        ours.build([SEQ.shape, VAL.shape])
        ours.set_weights([np.array(0.8, np.float32)])
        masks = [None if m is None else to_backend(backend, m) for m in mask]
        got = to_numpy(ours(_to(backend, [SEQ, VAL]), **{**call, "mask": masks}))
    for g, w in zip(got, want):
        _close(g, w)


def test_attention_dropout_only_in_training(backend):
    with backend_context(backend):
        layer = layers.Attention(dropout=0.5, seed=3)
        xs = _to(backend, [SEQ, VAL])
        out, w = layer(xs, return_attention_scores=True)
        _close(to_numpy(out), np.matmul(to_numpy(w), VAL))  # no dropout in inference
        trained = to_numpy(layer(xs, training=True))
        assert not np.allclose(trained, to_numpy(out))
        assert [v.path.split("/")[-1] for v in layer.weights] == []  # as Keras's


def test_attention_errors():
    with pytest.raises(ValueError, match="Attention: score_mode"):
        layers.Attention(score_mode="additive")
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Attention()(SEQ)
    with pytest.raises(ValueError, match=r"\[query, value\] or \[query, value, key\]"):
        layers.Attention()([SEQ])
    with pytest.raises(ValueError, match="mask must be a list"):
        layers.Attention()([SEQ, VAL], mask=np.ones((3, 6), bool))


# -- TimeDistributed ----------------------------------------------------------------------

def _time_distributed(backend, inner, x, call=None, inner_kwargs=None):
    import keras
    call = call or {}
    ref = keras.layers.TimeDistributed(getattr(keras.layers, inner)(**inner_kwargs))
    ref.build(x.shape)
    weights = _random_weights(ref)
    for i, w in enumerate(ref.weights):  # BatchNormalization's variance: positive
        if "variance" in w.path:
            weights[i] = np.abs(weights[i]) + 0.5
    ref.set_weights(weights)
    want = _keras_np(ref(x, **call))
    want_state = [w.numpy() for w in ref.weights]
    with backend_context(backend):
        ours = layers.TimeDistributed(getattr(layers, inner)(**inner_kwargs))
        ours.build(x.shape)
        assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in ref.weights]
        ours.set_weights(weights)
        got = to_numpy(ours(to_backend(backend, x), **call))
        state = ours.get_weights()
    _close(got, want)
    for a, b in zip(state, want_state):
        _close(a, b)


def test_time_distributed_dense_matches_keras(backend):
    _time_distributed(backend, "Dense", SEQ, inner_kwargs={"units": 3, "activation": "relu"})


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_time_distributed_conv2d_matches_keras(backend, padding):
    _time_distributed(backend, "Conv2D", FRAMES,
                      inner_kwargs={"filters": 3, "kernel_size": 2, "padding": padding})


@pytest.mark.parametrize("training", [False, True])
def test_time_distributed_batch_norm_matches_keras(backend, training):
    # in training Keras normalises each time step with its own batch statistics and
    # updates the moving averages once per step
    _time_distributed(backend, "BatchNormalization", SEQ, call={"training": training},
                      inner_kwargs={"momentum": 0.8})


def test_time_distributed_errors():
    with pytest.raises(ValueError, match="TimeDistributed: layer must be"):
        layers.TimeDistributed(lambda x: x)
    with pytest.raises(ValueError, match="rank >= 3"):
        layers.TimeDistributed(layers.Dense(2))(IMAGES[:, 0, 0])


# -- Lambda -------------------------------------------------------------------------------

def scaled_shift(x, factor=1.0, shift=0.0):
    return xnp.add(xnp.multiply(x, factor), shift)


def pick(inputs, training=None):
    return inputs[0] * 2.0 if training else inputs[0] - inputs[1]


def test_lambda_with_arguments_matches_keras(backend):
    import keras

    def k_scaled_shift(x, factor=1.0, shift=0.0):
        return keras.ops.add(keras.ops.multiply(x, factor), shift)

    args = {"factor": 3.0, "shift": -0.5}
    want = _keras_np(keras.layers.Lambda(k_scaled_shift, arguments=args)(SEQ))
    with backend_context(backend):
        got = to_numpy(layers.Lambda(scaled_shift, arguments=args)(to_backend(backend, SEQ)))
    _close(got, want)


def test_lambda_list_inputs_and_training(backend):
    with backend_context(backend):
        layer = layers.Lambda(pick)
        xs = [to_backend(backend, SEQ), to_backend(backend, SEQ * 0.5)]
        _close(to_numpy(layer(xs)), SEQ * 0.5)
        _close(to_numpy(layer(xs, training=True)), SEQ * 2.0)


def test_lambda_config_is_keras_and_round_trips():
    import keras
    mine = layers.Lambda(scaled_shift, output_shape=(5, 4), arguments={"factor": 2.0},
                         name="lam").get_config()
    theirs = keras.layers.Lambda(scaled_shift, output_shape=(5, 4), arguments={"factor": 2.0},
                                 name="lam").get_config()
    assert set(mine) == set(theirs)
    for key in set(theirs) - {"dtype"}:
        assert mine[key] == theirs[key], key
    # a named function is found through custom_objects (Keras writes no module for it)
    with pytest.raises(ValueError, match="custom_objects"):
        layers.Lambda.from_config(mine)
    again = layers.Lambda.from_config(mine, custom_objects={"scaled_shift": scaled_shift})
    assert again.get_config() == mine
    _close(again(SEQ), SEQ * 2.0)
    # a crossops.ops function by name
    square = layers.Lambda.from_config(layers.Lambda(crossops.ops.square).get_config())
    _close(square(SEQ), SEQ ** 2)
    # a module the config names is imported (its code run) only outside safe mode
    named = dict(mine, function={"module": "json", "class_name": "function",
                                 "config": "dumps", "registered_name": "function"})
    with pytest.raises(ValueError, match="custom_objects"):
        layers.Lambda.from_config(named)
    assert layers.Lambda.from_config(named, safe_mode=False).function is __import__("json").dumps


def test_lambda_python_lambda_config():
    import keras
    offset = 1.5
    fn = lambda x: x + offset  # noqa: E731
    mine = layers.Lambda(fn).get_config()
    theirs = keras.layers.Lambda(fn).get_config()
    assert set(mine) == set(theirs)
    assert mine["function"] == theirs["function"]  # the same bytecode, defaults, closure
    with pytest.raises(ValueError, match="safe_mode=False"):
        layers.Lambda.from_config(mine)
    again = layers.Lambda.from_config(mine, safe_mode=False)
    _close(again(SEQ), SEQ + 1.5)


def test_lambda_errors():
    with pytest.raises(ValueError, match="Lambda: function must be callable"):
        layers.Lambda(3)
    with pytest.raises(ValueError, match="Lambda: mask must be None"):
        layers.Lambda(scaled_shift, mask=lambda x, m: m)


# -- configs --------------------------------------------------------------------------

CONFIGS = {
    "unit_norm": ("UnitNormalization", {"axis": (1, 2)}),
    "unit_norm_default": ("UnitNormalization", {}),
    "prelu": ("PReLU", {}),
    "prelu_shared": ("PReLU", {"alpha_initializer": "ones", "shared_axes": 1}),
    "attention": ("Attention", {}),
    "attention_all": ("Attention", {"use_scale": True, "score_mode": "concat",
                                    "dropout": 0.2, "seed": 4}),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_config_is_keras(case):
    import keras
    name, kwargs = CONFIGS[case]
    mine = getattr(layers, name)(name="x", **kwargs).get_config()
    theirs = getattr(keras.layers, name)(name="x", **kwargs).get_config()
    assert set(mine) == set(theirs)
    for key in set(theirs):
        assert mine[key] == theirs[key], key
    again = getattr(layers, name).from_config(mine)
    assert again.get_config() == mine
    # Keras's own config loads too
    assert getattr(layers, name).from_config(theirs).get_config() == mine


def test_time_distributed_config_is_keras():
    import keras
    # (zeros: crossops's GlorotUniform config lacks Keras 3.15's input_axes/output_axes)
    mine = layers.TimeDistributed(layers.Dense(3, kernel_initializer="zeros", name="d"),
                                  name="td").get_config()
    theirs = keras.layers.TimeDistributed(
        keras.layers.Dense(3, kernel_initializer="zeros", name="d"), name="td").get_config()
    assert mine == theirs
    again = layers.TimeDistributed.from_config(theirs)
    assert again.get_config() == mine and isinstance(again.layer, layers.Dense)


# -- compiled, functional, mixed precision ----------------------------------------------

def _layer_cases():
    return {
        "unit_norm": (lambda: layers.UnitNormalization(), SEQ),
        "prelu": (lambda: layers.PReLU(alpha_initializer="random_normal"), SEQ),
        "attention": (lambda: layers.Attention(use_scale=True, score_mode="concat"),
                      [SEQ, VAL]),
        "time_distributed": (lambda: layers.TimeDistributed(layers.Dense(3)), SEQ),
        "lambda": (lambda: layers.Lambda(scaled_shift, arguments={"factor": 2.0}), SEQ),
    }


@pytest.mark.parametrize("case", sorted(_layer_cases()))
def test_compiled_stateless_call_matches_eager(cbackend, case):
    make, x = _layer_cases()[case]
    with backend_context(cbackend):
        layer = make()
        xs = _to(cbackend, x)
        eager = to_numpy(layer(xs))
        tv = [v.value for v in layer.trainable_variables]
        nt = [v.value for v in layer.non_trainable_variables]

        def f(tv, xs):
            return layer.stateless_call(tv, nt, xs)[0]
        if cbackend == "jax":
            import jax
            got = jax.jit(f)(tv, xs)
        else:
            import tensorflow as tf
            got = tf.function(f, jit_compile=True)(tv, xs)
    _close(to_numpy(got), eager)


@pytest.mark.parametrize("case", sorted(_layer_cases()))
def test_torch_compile_matches_eager(case):
    torch = pytest.importorskip("torch")
    make, x = _layer_cases()[case]
    with backend_context("torch"):
        layer = make()
        xs = _to("torch", x)
        eager = to_numpy(layer(xs))
        # fullgraph: a layer call traces whole, also after TensorFlow layers ran in the
        # process (Layer.__call__'s dtype table once held tf dtypes, untraceable)
        got = torch.compile(lambda xs: layer(xs), fullgraph=True, backend="eager")(xs)
    _close(to_numpy(got), eager)


@pytest.mark.parametrize("case", sorted(_layer_cases()))
def test_functional_model(backend, case):
    from crossops import models
    make, x = _layer_cases()[case]
    with backend_context(backend):
        layer = make()
        if isinstance(x, list):
            inputs = [layers.Input(v.shape[1:]) for v in x]
        else:
            inputs = layers.Input(x.shape[1:])
        model = models.Model(inputs, layer(inputs))
        xs = _to(backend, x)
        _close(to_numpy(model(xs)), to_numpy(layer(xs)))


MIXED = {
    "unit_norm": ("UnitNormalization", {}, SEQ),
    "prelu": ("PReLU", {"shared_axes": [1]}, SEQ),
    "attention": ("Attention", {"use_scale": True, "score_mode": "concat"}, [SEQ, VAL]),
    "attention_dot": ("Attention", {"use_scale": True}, [SEQ, VAL]),
}


@pytest.mark.parametrize("case", sorted(MIXED))
def test_mixed_bfloat16_matches_keras(backend, case):
    """Under the mixed_bfloat16 policy: float32 weights, bfloat16 outputs, Keras's values
    (to bfloat16's precision, 2**-8 relative)."""
    import keras

    from crossops._dtypes import dtype_name
    name, kwargs, x = MIXED[case]
    ref = getattr(keras.layers, name)(dtype="mixed_bfloat16", **kwargs)
    ref.build(_shapes(x))
    weights = _random_weights(ref)
    ref.set_weights(weights)
    want = ref(x)
    assert dtype_name(want.dtype) == "bfloat16"
    with backend_context(backend):
        ours = getattr(layers, name)(dtype="mixed_bfloat16", **kwargs)
        ours.build(_shapes(x))
        ours.set_weights(weights)
        got = ours(_to(backend, x))
        assert dtype_name(got.dtype) == "bfloat16"
        assert all(dtype_name(w.value.dtype) == "float32" for w in ours.weights)
    np.testing.assert_allclose(to_numpy(got).astype(np.float32),
                               _keras_np(want).astype(np.float32), rtol=2e-2, atol=2e-2)


def test_time_distributed_and_lambda_mixed_bfloat16(backend):
    from crossops._dtypes import dtype_name
    with backend_context(backend):
        td = layers.TimeDistributed(layers.Dense(3, dtype="mixed_bfloat16"),
                                    dtype="mixed_bfloat16")
        lam = layers.Lambda(scaled_shift, arguments={"factor": 2.0}, dtype="mixed_bfloat16")
        x = to_backend(backend, SEQ)
        assert dtype_name(td(x).dtype) == "bfloat16"
        assert dtype_name(td.layer.kernel.value.dtype) == "float32"
        out = lam(x)
        assert dtype_name(out.dtype) == "bfloat16"
    np.testing.assert_allclose(to_numpy(out).astype(np.float32), SEQ * 2.0, rtol=2 ** -8)


def double(x):
    return xnp.multiply(x, 2.0)


def test_model_file_round_trip_and_keras_reads_it(tmp_path):
    """A functional model holding the five layers saved as .keras: crossops loads it back
    (the Lambda's named function through custom_objects) and so does Keras, with the same
    outputs."""
    import keras

    from crossops import models
    with backend_context("numpy"):
        inputs = layers.Input((5, 4))
        h = layers.TimeDistributed(layers.Dense(3))(inputs)
        h = layers.PReLU(alpha_initializer="random_normal", shared_axes=[1])(h)
        h = layers.UnitNormalization()(h)
        h = layers.Lambda(double)(h)
        outputs = layers.Attention(use_scale=True, score_mode="concat")([h, h])
        model = models.Model(inputs, outputs)
        want = to_numpy(model(SEQ))
        model.save(tmp_path / "m.keras")
        with pytest.raises(ValueError, match="custom_objects"):
            models.load_model(tmp_path / "m.keras")
        again = models.load_model(tmp_path / "m.keras", custom_objects={"double": double})
        _close(to_numpy(again(SEQ)), want)
    theirs = keras.models.load_model(
        tmp_path / "m.keras", custom_objects={"double": lambda x: keras.ops.multiply(x, 2.0)})
    _close(_keras_np(theirs(SEQ)), want)


# -- the wrappers' weight paths (Keras's name scopes) -------------------------------------

_FRESH = iter(range(10 ** 6))


def _fresh_classes(lib_layers, tag):
    """Subclasses of Dense, LSTM, GRU, SimpleRNN, TimeDistributed and Bidirectional with
    class names used nowhere else, for Keras (``lib_layers`` keras.layers) and crossops
    alike: their automatic names start at the first of each counter in both, so the two
    frameworks' counters (``dense_x3``, ``dense_x3_1``) can be compared."""
    return {base: type(f"{base}X{tag}", (getattr(lib_layers, base),), {})
            for base in ("Dense", "LSTM", "GRU", "SimpleRNN", "TimeDistributed",
                         "Bidirectional")}


def _td_called(c, lib):
    layer = c["TimeDistributed"](c["Dense"](3))
    layer(np.ones((2, 4, 5), np.float32))
    return layer


def _td_built(c, lib):
    first = c["TimeDistributed"](c["Dense"](3))
    first.build((2, 4, 5))
    second = c["TimeDistributed"](c["Dense"](2))  # the counters: *_1
    second.build((2, 4, 5))
    return [first, second]


def _td_prebuilt(c, lib):
    inner = c["Dense"](3)
    inner.build((None, 5))  # built outside: keeps its own paths
    layer = c["TimeDistributed"](inner)
    layer.build((2, 4, 5))
    return layer


def _td_nested(c, lib):
    layer = c["TimeDistributed"](c["TimeDistributed"](c["Dense"](3)))
    layer(np.ones((2, 4, 3, 5), np.float32))
    return layer


def _bi_lstm(c, lib):
    layer = c["Bidirectional"](c["LSTM"](3))
    layer(np.ones((2, 4, 5), np.float32))
    return layer


def _bi_backward_given(c, lib):
    layer = c["Bidirectional"](c["GRU"](3, name="fw"),
                               backward_layer=c["GRU"](3, go_backwards=True, name="bw"))
    layer(np.ones((2, 4, 5), np.float32))
    return layer


def _functional(c, lib):
    inputs = lib.Input((4, 5))
    h = c["Bidirectional"](c["SimpleRNN"](2, return_sequences=True))(inputs)
    outputs = c["TimeDistributed"](c["Dense"](1))(h)
    return lib.Model(inputs, outputs)


def _sequential_called(c, lib):
    model = lib.Sequential([c["TimeDistributed"](c["Dense"](3)),
                            c["Bidirectional"](c["LSTM"](2))], name="seq")  # (no counter)
    model(np.ones((2, 4, 5), np.float32))
    return model


def _sequential_input(c, lib):
    return lib.Sequential([lib.Input((4, 5)), c["TimeDistributed"](c["Dense"](3))])


_PATH_CASES = {"td_called": _td_called, "td_built_twice": _td_built,
               "td_prebuilt": _td_prebuilt, "td_nested": _td_nested, "bi_lstm": _bi_lstm,
               "bi_backward_given": _bi_backward_given, "functional": _functional,
               "sequential_called": _sequential_called}


class _Crossops:
    """crossops's names for what the path cases make (keras's: ``keras`` itself)."""

    Input = staticmethod(layers.Input)

    @staticmethod
    def Model(inputs, outputs):  # noqa: N802 (keras.Model's name)
        from crossops import models
        return models.Model(inputs, outputs)

    @staticmethod
    def Sequential(items, name=None):  # noqa: N802
        from crossops import models
        return models.Sequential(items, name=name)


def _paths(made):
    made = made if isinstance(made, list) else [made]
    return [v.path for layer in made for v in layer.weights]


@pytest.mark.parametrize("case", sorted(_PATH_CASES))
def test_wrapper_weight_paths_are_keras(backend, case):
    """Every weight's path, with the automatic names' counters, as Keras 3's: the wrapper's
    name in front of the wrapped layer's (time_distributed/dense/kernel), Bidirectional's
    forward_/backward_ copies and the recurrent cell (bidirectional/forward_lstm/lstm_cell/
    kernel), the wrappers inside a functional model and a Sequential built by its call."""
    import keras
    tag = next(_FRESH)
    classes = _fresh_classes(keras.layers, tag)
    with keras.saving.custom_object_scope({c.__name__: c for c in classes.values()}):
        want = _paths(_PATH_CASES[case](classes, keras))  # (Bidirectional deserializes)
    with backend_context(backend):
        got = _paths(_PATH_CASES[case](_fresh_classes(layers, tag), _Crossops))
    assert got == want
    assert len(set(got)) == len(got) > 0


def _model_classes(lib_layers, lib_models, tag):
    """Dense, BatchNormalization and Sequential subclasses with fresh class names (as
    :func:`_fresh_classes`), and the library's Input, Model and plain Dense."""
    c = {b: type(f"{b}X{tag}", (getattr(lib_layers, b),), {})
         for b in ("Dense", "BatchNormalization")}
    c["Sequential"] = type(f"SequentialX{tag}", (lib_models.Sequential,), {})
    c.update(Input=lib_layers.Input, Model=lib_models.Model, Plain=lib_layers.Dense,
             Layer=lib_layers.Layer)
    return c


_X4 = np.ones((2, 4), np.float32)


def _seq_input(c):
    return c["Sequential"]([c["Input"]((4,)), c["Dense"](3), c["BatchNormalization"](),
                            c["Dense"](2)])


def _seq_called(c):
    model = c["Sequential"]([c["Dense"](3), c["Dense"](2)])
    model(_X4)
    return model


def _seq_built(c):
    model = c["Sequential"]([c["Dense"](3), c["Dense"](2)])
    model.build((None, 4))
    return model


def _seq_added(c):
    model = c["Sequential"]()
    model.add(c["Input"]((4,)))
    model.add(c["Dense"](3))
    model.add(c["Dense"](2))  # built when added, in the model's scope
    return model


def _seq_nested(c):
    inner = c["Sequential"]([c["Dense"](3)])  # built by the outer one's build
    return c["Sequential"]([c["Input"]((4,)), inner, c["Dense"](2)])


def _seq_nested_inputs(c):
    inner = c["Sequential"]([c["Input"]((4,)), c["Dense"](3)])  # built on its own
    return c["Sequential"]([c["Input"]((4,)), inner, c["Dense"](2)])


def _seq_prebuilt_layer(c):
    dense = c["Dense"](3)
    dense.build((None, 4))  # keeps its own path
    return c["Sequential"]([c["Input"]((4,)), dense, c["Dense"](2)])


def _functional_of_named(c):
    x = c["Input"]((4,))
    return c["Model"](x, c["Dense"](2)(c["Plain"](3, name="first")(x)))


def _functional_of_sequentials(c):
    given = c["Sequential"]([c["Input"]((4,)), c["Dense"](3)])
    x = c["Input"]((4,))
    h = c["Sequential"]([c["Dense"](3)])(given(x))
    return c["Model"](x, c["Dense"](2)(h))


def _subclassed(c):
    class Net(c["Model"]):
        def __init__(self):
            super().__init__(name="net")
            self.dense = c["Dense"](3)
            self.given = c["Sequential"]([c["Input"]((3,)), c["Dense"](3)])
            self.called = c["Sequential"]([c["Dense"](2)])

        def call(self, x):
            return self.called(self.given(self.dense(x)))
    model = Net()
    model(_X4)
    return model


def _sequential_made_in_build(c):
    class Holder(c["Layer"]):
        def build(self, shape):
            self.inner = c["Sequential"]([c["Input"]((4,)), c["Dense"](2)])

        def call(self, x):
            return self.inner(x)
    layer = Holder(name="holder")
    layer(_X4)
    return layer


def _seq_from_config(c):
    model = c["Sequential"]([c["Input"]((4,)), c["Plain"](3, name="p"),
                             c["Plain"](2, name="q")], name="s")
    return type(model).from_config(model.get_config())


_MODEL_PATH_CASES = {f.__name__[1:]: f for f in (
    _seq_input, _seq_called, _seq_built, _seq_added, _seq_nested, _seq_nested_inputs,
    _seq_prebuilt_layer, _functional_of_named, _functional_of_sequentials, _subclassed,
    _sequential_made_in_build, _seq_from_config)}


@pytest.mark.parametrize("case", sorted(_MODEL_PATH_CASES))
def test_model_weight_paths_are_keras(backend, case):
    """Weight paths in Sequential (given an Input, built by a call, by ``build``, by
    ``add``, nested), functional and subclassed models, as Keras 3's: a layer built while
    a model builds has the model's path in front (``sequential/dense/kernel``), a layer
    built before keeps its own."""
    import keras
    tag = next(_FRESH)
    want = _paths(_MODEL_PATH_CASES[case](_model_classes(keras.layers, keras, tag)))
    with backend_context(backend):
        from crossops import models
        got = _paths(_MODEL_PATH_CASES[case](_model_classes(layers, models, tag)))
    assert got == want
    assert len(set(got)) == len(got) > 0


def test_sequential_with_input_weight_paths_are_keras():
    """The Sequential's own name in front of its layers' paths, as Keras's. Its automatic
    name counts the Sequentials made before in the process (``sequential_3``), which
    differ between the two libraries in a test run: each path is compared after it."""
    import keras
    tag = next(_FRESH)
    theirs = _sequential_input(_fresh_classes(keras.layers, tag), keras)
    with backend_context("numpy"):
        ours = _sequential_input(_fresh_classes(layers, tag), _Crossops)
    want, got = _paths(theirs), _paths(ours)
    assert ours.name.startswith("sequential") and theirs.name.startswith("sequential")
    assert all(p.startswith(f"{ours.name}/") for p in got)
    assert [p[len(ours.name):] for p in got] == [p[len(theirs.name):] for p in want]


def test_bidirectional_copies_the_layer_as_keras():
    """Both directions are new layers made from the wrapped layer's config (its name
    prefixed, never twice), the backward one going backwards, as Keras's."""
    import keras
    for lib in (keras.layers, layers):
        inner = lib.LSTM(2, name="forward_enc")
        bi = lib.Bidirectional(inner)
        assert bi.forward_layer is not inner
        assert (bi.forward_layer.name, bi.backward_layer.name) == ("forward_enc",
                                                                   "backward_forward_enc")
        assert (bi.forward_layer.go_backwards, bi.backward_layer.go_backwards) == (False, True)
        again = lib.Bidirectional.from_config(bi.get_config())
        assert (again.forward_layer.name, again.backward_layer.name) == (
            "forward_enc", "backward_forward_enc")
        with pytest.raises(ValueError, match="go_backwards"):
            lib.Bidirectional(lib.LSTM(2, go_backwards=True))
        with pytest.raises(ValueError, match="go_backwards"):
            lib.Bidirectional(lib.LSTM(2), backward_layer=lib.LSTM(2))
        with pytest.raises(ValueError, match="return_sequences"):
            lib.Bidirectional(lib.LSTM(2), backward_layer=lib.LSTM(
                2, go_backwards=True, return_sequences=True))


def _wrappers_model(lib):
    inputs = lib.Input((5, 4))
    h = lib.layers.Bidirectional(lib.layers.LSTM(3, return_sequences=True, name="enc"),
                                 name="bi")(inputs)
    h = lib.layers.TimeDistributed(lib.layers.Dense(2, name="proj"), name="td")(h)
    outputs = lib.layers.Bidirectional(lib.layers.GRU(2, name="dec"), merge_mode="sum",
                                       name="bi2")(h)
    return lib.Model(inputs, outputs)


def test_wrapper_keras_files_round_trip_both_ways(backend, tmp_path):
    """A model of the wrappers saved by Keras loads in crossops, and crossops's file in
    Keras: same outputs, same weight paths."""
    import keras

    from crossops import models

    class _Lib:
        Input = staticmethod(layers.Input)
        Model = staticmethod(models.Model)
    _Lib.layers = layers
    ref = _wrappers_model(keras)
    ref.set_weights(_random_weights(ref))
    ref.save(tmp_path / "keras.keras")
    want = _keras_np(ref(SEQ))
    with backend_context(backend):
        ours = models.load_model(tmp_path / "keras.keras")
        _close(to_numpy(ours(to_backend(backend, SEQ))), want)
        assert [v.path for v in ours.weights] == [v.path for v in ref.weights]
        mine = _wrappers_model(_Lib)
        mine.set_weights(ref.get_weights())
        mine.save(tmp_path / "crossops.keras")
        assert [v.path for v in mine.weights] == [v.path for v in ref.weights]
    theirs = keras.models.load_model(tmp_path / "crossops.keras")
    _close(_keras_np(theirs(SEQ)), want)
    assert [v.path for v in theirs.weights] == [v.path for v in ref.weights]
