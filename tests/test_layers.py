"""Layers against Keras 3's own (the reference): the same weights (copied from the Keras
layer) give the same outputs, on every backend, in training and inference."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crossops import layers

from .backends import backend_context, to_backend, to_numpy

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras (the reference) is not installed")

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((2, 5, 4, 6)).astype(np.float32)
SEQ = RNG.standard_normal((3, 7, 8)).astype(np.float32)
FLAT = RNG.standard_normal((4, 6)).astype(np.float32)
IDS = RNG.integers(0, 10, (3, 5)).astype(np.int32)

# name: (class name, kwargs, input, call kwargs)
CASES = {
    "dense": ("Dense", {"units": 3, "activation": "tanh"}, FLAT, {}),
    "dense_3d": ("Dense", {"units": 2, "use_bias": False}, SEQ, {}),
    "dense_3d_bias": ("Dense", {"units": 3, "activation": "relu"}, SEQ, {}),
    "einsum_dense": ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4,
                                     "bias_axes": "c"}, FLAT, {}),
    "einsum_dense_3d": ("EinsumDense", {"equation": "abc,cde->abde", "output_shape": (None, 2, 3),
                                        "bias_axes": "e", "activation": "relu"}, SEQ, {}),
    "einsum_dense_ellipsis": ("EinsumDense", {"equation": "...b,bc->...c", "output_shape": 3,
                                              "bias_axes": "c"}, SEQ, {}),
    "einsum_dense_heads": ("EinsumDense", {"equation": "abc,cde->abde",
                                           "output_shape": (None, 2, 4), "bias_axes": "de"},
                           SEQ, {}),
    "embedding": ("Embedding", {"input_dim": 10, "output_dim": 4}, IDS, {}),
    "flatten": ("Flatten", {}, IMAGES, {}),
    "reshape": ("Reshape", {"target_shape": (4, -1)}, IMAGES, {}),
    "permute": ("Permute", {"dims": (2, 1)}, SEQ, {}),
    "repeat": ("RepeatVector", {"n": 3}, FLAT, {}),
    "activation": ("Activation", {"activation": "gelu"}, FLAT, {}),
    "batchnorm_infer": ("BatchNormalization", {}, IMAGES, {"training": False}),
    "batchnorm_train": ("BatchNormalization", {"momentum": 0.9}, IMAGES, {"training": True}),
    "batchnorm_axis1": ("BatchNormalization", {"axis": 1}, IMAGES, {"training": True}),
    "layernorm": ("LayerNormalization", {}, SEQ, {}),
    "layernorm_axes": ("LayerNormalization", {"axis": (1, 2)}, SEQ, {}),
    "rmsnorm": ("RMSNormalization", {}, SEQ, {}),
    "groupnorm": ("GroupNormalization", {"groups": 3}, IMAGES, {}),
    "zeropad": ("ZeroPadding2D", {"padding": ((1, 0), (2, 1))}, IMAGES, {}),
    "upsample": ("UpSampling2D", {"size": (2, 3)}, IMAGES, {}),
    "conv1d": ("Conv1D", {"filters": 3, "kernel_size": 3, "activation": "relu"}, SEQ, {}),
    "conv2d_same_strided": ("Conv2D", {"filters": 4, "kernel_size": (3, 2), "strides": 2,
                                       "padding": "same"}, IMAGES, {}),
    "conv2d_dilated_cf": ("Conv2D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2,
                                     "data_format": "channels_first"}, IMAGES, {}),
    "conv3d": ("Conv3D", {"filters": 2, "kernel_size": 2},
               IMAGES.reshape(1, 2, 5, 4, 6), {}),
    "conv1d_transpose": ("Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2},
                         SEQ, {}),
    "conv2d_transpose_same": ("Conv2DTranspose", {"filters": 3, "kernel_size": 3,
                                                  "strides": 2, "padding": "same"}, IMAGES, {}),
    "depthwise": ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2,
                                      "padding": "same"}, IMAGES, {}),
    "separable": ("SeparableConv2D", {"filters": 3, "kernel_size": 2}, IMAGES, {}),
    "maxpool1d": ("MaxPooling1D", {"pool_size": 2}, SEQ, {}),
    "maxpool2d_same": ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"},
                       IMAGES, {}),
    "avgpool2d": ("AveragePooling2D", {"pool_size": 2}, IMAGES, {}),
    "avgpool2d_same": ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, IMAGES, {}),
    "maxpool3d": ("MaxPooling3D", {"pool_size": 2}, IMAGES.reshape(1, 2, 5, 4, 6), {}),
    "avgpool1d": ("AveragePooling1D", {"pool_size": 3, "strides": 1}, SEQ, {}),
    "global_max1d": ("GlobalMaxPooling1D", {}, SEQ, {}),
    "global_avg2d": ("GlobalAveragePooling2D", {"keepdims": True}, IMAGES, {}),
    "simple_rnn": ("SimpleRNN", {"units": 4}, SEQ, {}),
    "simple_rnn_seq_back": ("SimpleRNN", {"units": 3, "return_sequences": True,
                                          "go_backwards": True}, SEQ, {}),
    "lstm": ("LSTM", {"units": 5}, SEQ, {}),
    "lstm_seq": ("LSTM", {"units": 2, "return_sequences": True}, SEQ, {}),
    "gru": ("GRU", {"units": 4}, SEQ, {}),
    "gru_seq_back": ("GRU", {"units": 3, "return_sequences": True, "go_backwards": True},
                     SEQ, {}),
}


def _random_weights(keras_layer):
    """Non-trivial weights (Keras initialises gamma to ones, moving stats to 0/1)."""
    out = []
    for w in keras_layer.get_weights():
        v = RNG.standard_normal(w.shape).astype(w.dtype)
        out.append(np.abs(v) + 0.5 if "variance" in getattr(w, "name", "") else v)
    return out


def _keras_layer(cls_name, kwargs, x):
    import keras
    layer = getattr(keras.layers, cls_name)(**kwargs)
    layer.build(x.shape)
    weights = [RNG.standard_normal(w.shape).astype(np.float32) for w in layer.weights]
    for w, v in zip(layer.weights, weights):
        if "variance" in w.path:
            v[...] = np.abs(v) + 0.5
    layer.set_weights(weights)
    return layer, weights


@pytest.mark.parametrize("case", sorted(CASES))
def test_layer_matches_keras(case, backend):
    import keras
    cls_name, kwargs, x, call_kwargs = CASES[case]
    if kwargs.get("data_format") == "channels_first":
        # Keras on TensorFlow has no channels-first convolution on CPU: the reference is
        # the same layer (same weights: the kernel's layout does not depend on the data
        # format) channels-last, on the transposed input, its output transposed back
        last = {**kwargs, "data_format": "channels_last"}
        ref, weights = _keras_layer(cls_name, last, np.moveaxis(x, 1, -1))
        want = np.moveaxis(keras.ops.convert_to_numpy(
            ref(np.moveaxis(x, 1, -1), **call_kwargs)), -1, 1)
    else:
        ref, weights = _keras_layer(cls_name, kwargs, x)
        want = keras.ops.convert_to_numpy(ref(x, **call_kwargs))
    # Variable.numpy(): NumPy 2 warns (DeprecationWarning) that the __array__ of a Keras
    # TensorFlow variable, which convert_to_numpy would use, takes no copy keyword
    ref_state = [w.numpy() for w in ref.weights]
    with backend_context(backend):
        ours = getattr(layers, cls_name)(**kwargs)
        xb = to_backend(backend, x)
        ours(xb)  # builds
        ours.set_weights(weights)
        got = to_numpy(ours(xb, **call_kwargs))
        state = ours.get_weights()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert len(state) == len(ref_state)
    for a, b in zip(state, ref_state):  # moving statistics updated alike
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


MHA_CASES = {
    "self": ({"num_heads": 2, "key_dim": 3}, {}),
    "cross_value_dim": ({"num_heads": 3, "key_dim": 2, "value_dim": 4, "output_shape": 5},
                        {"cross": True}),
    "causal": ({"num_heads": 2, "key_dim": 4}, {"use_causal_mask": True}),
    "mask_no_bias": ({"num_heads": 1, "key_dim": 3, "use_bias": False}, {"mask": True}),
}


@pytest.mark.parametrize("case", sorted(MHA_CASES))
def test_multi_head_attention_matches_keras(case, backend):
    import keras
    kwargs, opts = MHA_CASES[case]
    q = SEQ
    v = RNG.standard_normal((3, 4, 5)).astype(np.float32) if opts.get("cross") else SEQ
    call = {"use_causal_mask": opts.get("use_causal_mask", False)}
    mask = None
    if opts.get("mask"):
        mask = RNG.random((3, q.shape[1], v.shape[1])) > 0.3
        mask[..., 0] = True  # no fully masked row
    ref = keras.layers.MultiHeadAttention(**kwargs)
    want, want_scores = (keras.ops.convert_to_numpy(a) for a in ref(
        q, v, attention_mask=mask, return_attention_scores=True, **call))
    weights = [RNG.standard_normal(w.shape).astype(np.float32) * 0.3 for w in ref.weights]
    ref.set_weights(weights)
    want, want_scores = (keras.ops.convert_to_numpy(a) for a in ref(
        q, v, attention_mask=mask, return_attention_scores=True, **call))
    with backend_context(backend):
        ours = layers.MultiHeadAttention(**kwargs)
        args = [to_backend(backend, a) for a in (q, v)]
        m = None if mask is None else to_backend(backend, mask)
        ours(*args, attention_mask=m, **call)
        ours.set_weights(weights)
        got, scores = ours(*args, attention_mask=m, return_attention_scores=True, **call)
    np.testing.assert_allclose(to_numpy(got), want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(to_numpy(scores), want_scores, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("merge_mode", ["concat", "sum"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_matches_keras(merge_mode, return_sequences, backend):
    import keras
    ref = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=return_sequences),
                                     merge_mode=merge_mode)
    ref.build(SEQ.shape)
    weights = [RNG.standard_normal(w.shape).astype(np.float32) for w in ref.weights]
    ref.set_weights(weights)
    want = keras.ops.convert_to_numpy(ref(SEQ))
    with backend_context(backend):
        ours = layers.Bidirectional(layers.LSTM(3, return_sequences=return_sequences),
                                    merge_mode=merge_mode)
        x = to_backend(backend, SEQ)
        ours(x)
        ours.set_weights(weights)
        got = to_numpy(ours(x))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_lstm_return_state(backend):
    with backend_context(backend):
        out, h, c = layers.LSTM(3, return_state=True)(to_backend(backend, SEQ))
    np.testing.assert_array_equal(to_numpy(out), to_numpy(h))
    assert to_numpy(c).shape == (3, 3)


@pytest.mark.parametrize("cls_name", ["Add", "Multiply", "Average", "Concatenate"])
def test_merging_layers_match_keras(cls_name, backend):
    import keras
    xs = [FLAT, FLAT * 2, FLAT - 1]
    want = keras.ops.convert_to_numpy(getattr(keras.layers, cls_name)()(xs))
    with backend_context(backend):
        got = to_numpy(getattr(layers, cls_name)()([to_backend(backend, a) for a in xs]))
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("x_shape", [(4, 6), (0, 6), (2, 3, 6)])
def test_torch_fused_dense_matches_matmul_add(dtype, x_shape):
    """torch's fused dense (addmm / linear, as torch.nn.Linear) gives matmul + add's values
    and gradients (x, kernel, bias) up to rounding, in the inputs' dtype; an empty batch
    too."""
    torch = pytest.importorskip("torch")
    from crossops.backends.torch import layers as torch_layers
    from crossops.layers import _functional as F
    dt = getattr(torch, dtype)
    rng = np.random.default_rng(1)
    args = [torch.tensor(rng.standard_normal(s), dtype=dt, requires_grad=True)
            for s in (x_shape, (6, 5), (5,))]
    got = torch_layers.dense(*args)
    assert got is not None and got.dtype == dt and got.shape == (*x_shape[:-1], 5)
    assert F.dense(*args).grad_fn.name() == got.grad_fn.name()  # the layers' path takes it
    want = torch.matmul(args[0], args[1]) + args[2]
    tol = {"float32": 1e-5, "float64": 1e-12}[dtype]
    for a, b in zip((got, *torch.autograd.grad(got.sum(), args)),
                    (want, *torch.autograd.grad(want.sum(), args))):
        np.testing.assert_allclose(a.detach().double().numpy(), b.detach().double().numpy(),
                                   rtol=tol, atol=tol)
    assert torch_layers.dense(args[0], args[1], None).grad_fn is not None  # no bias


def test_torch_fused_dense_leaves_the_generic_cases():
    """Mixed dtypes (promotion), integer inputs, rank-1 x, shapes that do not contract and
    an open torch.autocast region take matmul + add, whose dtypes and errors the layers'
    tests pin, and so does a bias that broadcasts; each is checked before any kernel runs
    (no call runs twice)."""
    torch = pytest.importorskip("torch")
    from crossops.backends.torch import layers as torch_layers
    from crossops.layers import _functional as F
    x, k, b = torch.ones(2, 3), torch.ones(3, 4), torch.ones(4)
    assert torch_layers.dense(x.double(), k, b) is None
    assert torch_layers.dense(x, k, b.double()) is None
    assert torch_layers.dense(x.int(), k.int(), b.int()) is None
    for half in (torch.bfloat16, torch.float16):  # (Keras's two roundings: matmul, add)
        assert torch_layers.dense(x.to(half), k.to(half), b.to(half)) is None
    assert torch_layers.dense(x, k, torch.ones(2, 4)) is None  # (a bias that broadcasts)
    assert torch.equal(F.dense(x, k, torch.ones(2, 4)), x @ k + 1)
    assert torch_layers.dense(x[0], k, b) is None  # rank 1: matmul's vector rule
    assert torch_layers.dense(x, k[:2], b) is None
    assert torch_layers.dense(x, k, torch.ones(3)) is None
    with pytest.raises(ValueError, match="matmul"):
        F.dense(x, k[:2], b)
    assert F.dense(x.double(), k, b).dtype == torch.float64
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch_layers.dense(x, k, b) is None
        assert F.dense(x, k, b.double()).dtype == (torch.matmul(x, k) + b.double()).dtype


def test_layer_errors_name_the_layer():
    with pytest.raises(ValueError, match="Dense: units must be a positive int"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="cannot be split into 4 groups"):
        layers.GroupNormalization(groups=4)(IMAGES)
    with pytest.raises(ValueError, match="expects a list of at least 2 inputs"):
        layers.Add()(FLAT)
    bn = layers.BatchNormalization()
    bn(IMAGES)
    with pytest.raises(ValueError, match="expected inputs of rank 4"):
        bn(FLAT)


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_round_trip(case):
    cls_name, kwargs, x, _ = CASES[case]
    layer = getattr(layers, cls_name)(**kwargs)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    with backend_context("numpy"):
        layer(x)
        clone(x)
        clone.set_weights(layer.get_weights())
        np.testing.assert_allclose(to_numpy(clone(x)), to_numpy(layer(x)), rtol=1e-6)



@pytest.mark.parametrize("signature", ["static", "unknown"])
def test_dense_on_sequences_in_a_tf_function_multiplies_rows(signature):
    """A Dense on (batch, time, features) inside a ``tf.function``: NumPy's values and
    kernel gradient, computed as one 2-D MatMul over all rows (as Keras), not a broadcast
    BatchMatMulV2 whose kernel gradient is a product per batch element, summed; with the
    shape known when traced and with unknown batch and time."""
    tf = pytest.importorskip("tensorflow")
    with backend_context("tensorflow"):
        dense = layers.Dense(5, use_bias=False)
        dense.build(SEQ.shape)
    kernel = dense.trainable_variables[0]
    spec = [tf.TensorSpec(SEQ.shape if signature == "static" else (None, None, 8))]

    @tf.function(input_signature=spec)
    def step(x):
        with tf.GradientTape() as tape:
            y = dense(x)
            loss = tf.reduce_sum(y * y)
        return y, tape.gradient(loss, [kernel])[0]

    y, grad = step(tf.constant(SEQ))
    w = to_numpy(kernel.value).astype(np.float64)
    want = SEQ.astype(np.float64) @ w
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(grad.numpy(), SEQ.reshape(-1, 8).T @ (2 * want.reshape(-1, 5)),
                               rtol=1e-4, atol=1e-4)
    ops = {op.type for op in step.get_concrete_function().graph.get_operations()}
    assert "MatMul" in ops and "BatchMatMulV2" not in ops, sorted(ops)
