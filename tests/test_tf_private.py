"""The TensorFlow private API that the tensorflow backend reads (``backends/tensorflow/
_private.py``): every private thing is there in the installed TensorFlow (an upgrade that
drops one fails here, by name, instead of slowing the backend down in silence), and each
public fallback gives what the private thing gives."""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from crossops.backends.tensorflow import _private as p  # noqa: E402

#: eager tensors at the edges: 0-d, empty, a length-1 axis, 3-d, low precision, bool, int
_TENSORS = [np.float32(3.5), np.zeros((0, 3), np.float32), np.ones((1, 4), np.float64),
            np.arange(24, dtype=np.int64).reshape(2, 3, 4), np.ones((2, 2), np.float16),
            np.array([True, False]), np.arange(5, dtype=np.int32)]


@pytest.mark.parametrize("name", sorted(p.PRESENT))
def test_private_thing_present(name):
    """Each function reads its private thing, not its (slower) public fallback."""
    assert p.PRESENT[name], (f"TensorFlow {tf.__version__} lacks the private API that "
                             f"backends/tensorflow/_private.py's {name} reads: it now runs "
                             f"its public fallback (slower); see that module's docstring")
    assert name not in p.missing()


@pytest.mark.parametrize("value", _TENSORS, ids=lambda v: f"{v.dtype}{v.shape}")
def test_tensor_fallbacks_agree(value):
    x = tf.constant(value)
    assert type(x) is p.EAGER_TENSOR
    shape = p.static_shape(x)
    assert shape == p.static_shape_public(x) == value.shape
    assert all(type(d) is int for d in shape)
    assert p.rank(x) == p.rank_public(x) == value.ndim
    h, h_public = p.host_buffer(x), p.host_buffer_public(x)
    assert h.dtype == h_public.dtype == value.dtype
    np.testing.assert_array_equal(h, value)
    np.testing.assert_array_equal(h_public, value)


def test_executing_eagerly_agrees():
    c, v = tf.constant(1.0), tf.Variable(1.0)
    assert p.executing_eagerly() is p.executing_eagerly_public() is True
    assert p.eager(c) is p.eager_public(c) is True
    assert p.eager(v) is p.eager_public(v) is False
    seen = []

    @tf.function
    def traced(x):
        seen.append((p.executing_eagerly(), p.executing_eagerly_public(), p.eager(c),
                     p.eager_public(c), p.eager(x), p.eager_public(x)))
        return x

    traced(tf.constant(1.0))
    assert seen == [(False,) * 6]


def _kernel_calls():
    """One call of each kernel the backend runs by name, in :func:`run_kernel`'s form."""
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) - 5)
    img = tf.constant(np.linspace(-1, 1, 2 * 4 * 4 * 3, dtype=np.float32).reshape(2, 4, 4, 3))
    ker = tf.constant(np.linspace(-1, 1, 3 * 3 * 3 * 2, dtype=np.float32).reshape(3, 3, 3, 2))
    return [
        ("Relu", x), ("Sigmoid", x), ("Square", x),
        ("Max", x, 1, "keep_dims", False), ("Min", x, 0, "keep_dims", True),
        ("Mean", x, 1, "keep_dims", True),
        ("Cast", x, "DstT", tf.float16, "Truncate", False),
        ("ExpandDims", x, 0), ("Squeeze", tf.zeros((3, 1, 2)), "squeeze_dims", [1]),
        ("Reshape", x, tf.constant([4, 3])), ("Transpose", x, tf.constant([1, 0])),
        ("BroadcastTo", tf.constant([1.0, 2.0]), tf.constant([3, 2])),
        ("Fill", tf.constant([2, 3]), tf.constant(0.0)),
        ("Pack", [x, x], "axis", 1), ("Einsum", [x, tf.transpose(x)], "equation", "ij,jk->ik"),
        ("GatherV2", x, tf.constant([[1, 0], [3, 3], [0, 2]]), 1, "batch_dims", 1),
        ("SelectV2", x > 0, x, -x), ("ClipByValue", x, tf.constant(-1.0), tf.constant(2.0)),
        ("Conv2D", img, ker, "T", tf.float32, "strides", [1, 1, 1, 1], "use_cudnn_on_gpu", True,
         "padding", "SAME", "explicit_paddings", [], "data_format", "NHWC",
         "dilations", [1, 1, 1, 1]),
        ("AddV2", x, x), ("Maximum", x, tf.constant(0.0)),
    ]


@pytest.mark.parametrize("call", _kernel_calls(), ids=lambda c: c[0])
def test_run_kernel_fallback_agrees(call):
    """The private fast path and its public fallback (``tf.raw_ops``) give the same tensor,
    and the same gradient on a tape."""
    name, *args = call
    fast, public = p.run_kernel(name, *args), p.raw_kernel(name, *args)
    assert fast.dtype == public.dtype and fast.shape == public.shape
    np.testing.assert_array_equal(fast.numpy(), public.numpy())
    x = args[0]
    if isinstance(x, tf.Tensor) and x.dtype.is_floating and name not in ("Cast",):
        grads = []
        for run in (p.run_kernel, p.raw_kernel):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = run(name, *args)
            grads.append(tape.gradient(y, x))
        np.testing.assert_array_equal(grads[0].numpy(), grads[1].numpy())


def test_run_kernel_errors_agree():
    """A failing kernel raises the same ``tf.errors`` type on both paths."""
    x = tf.zeros((2, 3))
    errors = []
    for run in (p.run_kernel, p.raw_kernel):
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            run("Reshape", x, tf.constant([4, 2]))
        errors.append(type(e.value))
    assert errors[0] is errors[1]


def test_raw_kernel_names_an_unknown_attribute():
    with pytest.raises(TypeError, match="raw_kernel: tf.raw_ops.Relu takes no attribute"):
        p.raw_kernel("Relu", tf.zeros(2), "alpha", 0.5)
