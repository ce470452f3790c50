"""crossops Variables are accepted wherever Keras accepts Keras Variables (issue 15): in the
ops of every namespace, in ``stateless_call``, by the transforms, by ``crossops.jit``, and as
operands of Python's operators and NumPy. Each reads the variable's value at the call."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops import layers, models, ops

from .backends import backend_context, native_types, to_numpy

X = np.arange(8, dtype=np.float32).reshape(2, 4) / 8


def _dense(backend):
    with backend_context(backend):
        model = models.Sequential([layers.Input((4,)), layers.Dense(3, use_bias=True)])
    kernel, bias = model.layers[-1].kernel, model.layers[-1].bias
    bias.assign(np.array([0.5, -1.0, 2.0], np.float32))
    return model, kernel, bias


def test_ops_read_the_value(backend):
    _, kernel, bias = _dense(backend)
    k, b = kernel.numpy(), bias.numpy()
    cases = [
        (ops.add(kernel, 1.0), k + 1),
        (xnp.multiply(2, kernel), 2 * k),
        (ops.matmul(X, kernel), X @ k),
        (xnp.sum(kernel, axis=0, keepdims=True), k.sum(0, keepdims=True)),
        (ops.concatenate([kernel, kernel], axis=0), np.concatenate([k, k])),
        (ops.where(kernel > 0, kernel, bias), np.where(k > 0, k, b)),
        (crossops.nn.relu(bias), np.maximum(b, 0)),
        (ops.convert_to_tensor(bias), b),
        # ops whose public forms name their parameters otherwise than the op (NumPy's
        # ``a``, Keras's ``newshape``): the held value goes through the op's own signature
        (xnp.reshape(kernel, (-1,)), k.reshape(-1)),
        (ops.reshape(kernel, (-1,)), k.reshape(-1)),
        (xnp.clip(kernel, -0.5, 0.5), np.clip(k, -0.5, 0.5)),
        (ops.stack([bias, bias], axis=1), np.stack([b, b], axis=1)),
    ]
    for out, expected in cases:
        assert isinstance(out, native_types(backend))
        # float32: matmul's entries are sums whose terms may cancel (the kernel is random),
        # so each is compared to 1e-6 of the largest, as the frameworks sum in other orders
        np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6,
                                   atol=1e-6 * np.abs(expected).max())


def test_operators_and_numpy(backend):
    _, kernel, bias = _dense(backend)
    k, b = kernel.numpy(), bias.numpy()
    for out, expected in [(kernel + 1, k + 1), (1 - bias, 1 - b), (-bias, -b),
                          (X @ kernel if backend == "numpy" else kernel * 2, X @ k
                           if backend == "numpy" else k * 2),
                          (bias[1], b[1]), (bias > 0, b > 0)]:
        np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(bias), b)
    assert len(bias) == 3 and float(to_numpy(bias[0])) == 0.5
    # identity semantics: a variable keys a dict (stateless scopes rely on it)
    assert {bias: 1}[bias] == 1 and bias != kernel


def test_the_value_is_read_at_each_call(backend):
    _, _, bias = _dense(backend)
    first = to_numpy(ops.add(bias, 0.0))
    bias.assign(np.zeros(3, np.float32))
    np.testing.assert_array_equal(to_numpy(ops.add(bias, 0.0)), np.zeros(3))
    assert first.tolist() == [0.5, -1.0, 2.0]


def test_stateless_call_takes_the_variables(backend):
    model, _, _ = _dense(backend)
    expected = to_numpy(model(X))
    out, _ = model.stateless_call(model.trainable_variables, model.non_trainable_variables, X)
    np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6)
    # another model's variables: their values, as they are now
    other, _, _ = _dense(backend)
    out, _ = model.stateless_call(other.trainable_variables, [], X)
    np.testing.assert_allclose(to_numpy(out), to_numpy(other(X)), rtol=1e-6)


def test_transforms_take_the_variables(backend):
    if backend == "numpy":
        pytest.skip("numpy does not differentiate")
    model, kernel, bias = _dense(backend)

    def loss(weights):
        out, _ = model.stateless_call(weights, [], X)
        return xnp.sum(out ** 2)

    value, grads = crossops.value_and_grad(loss)(model.trainable_variables)
    k, b = kernel.numpy(), bias.numpy()
    out = X @ k + b
    np.testing.assert_allclose(float(to_numpy(value)), (out ** 2).sum(), rtol=1e-5)
    # float32 sums whose terms cancel (a gradient entry of 0.0024 from terms of ~5): each
    # entry to 1e-5 of the largest, whatever the framework's order of summation
    for got, want in ((grads[0], X.T @ (2 * out)), (grads[1], (2 * out).sum(0))):
        np.testing.assert_allclose(to_numpy(got), want, rtol=1e-5,
                                   atol=1e-5 * np.abs(want).max())
    assert all(isinstance(g, native_types(backend)) for g in grads)


def test_compiled_function_reads_a_captured_variable(backend):
    _, kernel, bias = _dense(backend)
    with backend_context(backend):
        x = ops.convert_to_tensor(X)
    f = crossops.jit(lambda x: ops.matmul(x, kernel) + bias)
    np.testing.assert_allclose(to_numpy(f(x)), X @ kernel.numpy() + bias.numpy(), rtol=1e-5)


def test_keras_variables_are_read_as_keras_reads_them():
    """A Keras Variable (on Keras's own backend of this process) is a value holder too: the
    ops read its value, as keras.ops does; the results are Keras's."""
    keras = pytest.importorskip("keras")
    v = keras.Variable(np.array([1.0, 2.0, 4.0], np.float32))
    x = keras.ops.convert_to_tensor(X[:, :3])
    for ours, theirs in [
        (ops.add(x, v), keras.ops.add(x, v)),
        (ops.sum(v), keras.ops.sum(v)),
        (ops.layer_normalization(x, gamma=v, beta=v),
         keras.ops.layer_normalization(x, gamma=v, beta=v)),
        (ops.rms_normalization(x, scale=v), keras.ops.rms_normalization(x, scale=v)),
    ]:
        assert type(ours) is type(keras.ops.convert_to_tensor(theirs))
        np.testing.assert_allclose(to_numpy(ours), keras.ops.convert_to_numpy(theirs),
                                   rtol=1e-6, atol=1e-6)
