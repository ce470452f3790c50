"""The eager shortcuts of issue 19 give the general path's results, bit for bit (JAX's
conv as a matmul: the same sums in another order, to float32's rounding).

TensorFlow: ``nn.softmax``/``nn.log_softmax`` (the kernel called directly, NaN read from
the buffer), ``clip`` (one ``ClipByValue`` kernel where x holds no subnormal number),
``stack`` (``Pack`` for tensors of one dtype) and ``nn.conv`` (``Conv2D`` called directly),
each against the general path (the eager CPU test switched off) at edges: NaN and its
payloads, infinities, signed zeros, ties, subnormal numbers, empty arrays; with their
gradients under a ``GradientTape``, and under ``tf.function`` (where the general path
runs). JAX: ``cumsum``'s common call against ``jnp.cumsum``; ``var`` (compiled) and ``gelu``
(jax.numpy calls) against the programs they trace; ``conv`` as the product of its taps
(the CPU's lowering of a 1x1 kernel or a small deep one) against a float64 convolution
and XLA's gradients, ``depthwise_conv`` as a sum over its taps likewise; ``max_pool``'s
routed derivative against XLA's ``select_and_scatter``, bit for bit. NumPy:
``sort``'s default sort where no order changes the bits, against NumPy's stable sort; the
ndarray methods and C einsum of the common calls against NumPy's functions.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import pytest

import crossops.nn as nn
import crossops.numpy as xnp
from crossops import ops as kops

from . import refs_nn
from .backends import BACKENDS

SUB32 = float(np.float32(1e-40))  # a float32 subnormal number
#: float32 NaNs: quiet, negative, with payloads, signalling
NANS = np.array([0x7FC00000, 0xFFC00000, 0x7FC00001, 0xFFC12345, 0x7F800001],
                np.uint32).view(np.float32)


def _bits(x):
    a = np.asarray(x)
    return str(a.dtype), a.shape, a.tobytes()


# -- TensorFlow ------------------------------------------------------------------------

@pytest.fixture
def tf():
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow
    return tensorflow


@contextlib.contextmanager
def _general_path():
    """The TensorFlow functions with their eager CPU shortcuts switched off: the general
    path, as before them."""
    from crossops.backends.tensorflow import nn as tnn
    from crossops.backends.tensorflow.array_api import _elementwise, _manipulation
    modules = (tnn, _elementwise, _manipulation)
    saved = [m.eager_cpu for m in modules]
    for m in modules:
        m.eager_cpu = lambda x: False
    try:
        yield
    finally:
        for m, f in zip(modules, saved):
            m.eager_cpu = f


def _outcome(f):
    """``f()``'s result, or its error's type and message."""
    try:
        return f()
    except Exception as e:  # noqa: BLE001 (the error is the outcome compared)
        return (type(e).__name__, str(e))


def _same_as_general(f):
    """``f()`` gives the general path's bits (or its error)."""
    ours = _outcome(f)
    with _general_path():
        general = _outcome(f)
    if isinstance(general, tuple) and isinstance(general[0], str):
        assert ours == general
        return ours
    ours_l = ours if isinstance(ours, list) else [ours]
    general_l = general if isinstance(general, list) else [general]
    assert len(ours_l) == len(general_l)
    for a, b in zip(ours_l, general_l):
        assert (a is None and b is None) or _bits(a) == _bits(b)
    return ours


def _calls(tf, monkeypatch):
    """The kernels that the shortcuts run (names, in order)."""
    from crossops.backends.tensorflow import nn as tnn
    from crossops.backends.tensorflow.array_api import _elementwise, _manipulation
    seen = []
    for m in (tnn, _elementwise, _manipulation):
        run = m.run_kernel

        def counting(name, *args, _run=run):
            seen.append(name)
            return _run(name, *args)
        monkeypatch.setattr(m, "run_kernel", counting)
    return seen


_ROWS = np.array([[1, np.nan, 2], [1, 2, 3], [np.inf, 1, 2], [np.inf, np.inf, 1],
                  [-np.inf, -np.inf, -np.inf], [np.inf, -np.inf, 0], [0, -0.0, SUB32],
                  [1e38, -1e38, 0]], np.float32)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_tf_softmax_shortcut_is_the_general_path(tf, name, monkeypatch):
    seen = _calls(tf, monkeypatch)
    rows = np.concatenate([_ROWS, NANS[:3].reshape(1, 3)])
    for dtype in (np.float32, np.float64):
        for a in (rows, rows[1:2], rows[0], rows[2:4], rows[:0], np.zeros((3, 0), np.float32),
                  rows[:8].reshape(2, 4, 3)):
            x = tf.constant(a.astype(dtype))
            for f in (getattr(nn, name), getattr(kops, name)):
                for axis in (-1, x.ndim - 1):
                    _same_as_general(lambda f=f, axis=axis: f(x, axis=axis))
    assert set(seen) == {"Softmax" if name == "softmax" else "LogSoftmax"}
    # where no row holds a NaN or +inf, TensorFlow's own kernel (Keras's TensorFlow
    # backend; beside a +inf its kernel gives 0, where crossops gives jax's NaN row)
    x = tf.constant(_ROWS[[1, 4, 6, 7]])
    native = getattr(tf.nn, name)(x)
    assert _bits(getattr(nn, name)(x)) == _bits(native)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_tf_softmax_shortcut_gradient_and_graph(tf, name):
    x = tf.constant(_ROWS)
    f = getattr(nn, name)

    def grad():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
            loss = tf.reduce_sum(y * tf.constant([1.0, 2.0, 3.0]))
        return [y, tape.gradient(loss, x)]
    _same_as_general(grad)
    finite = tf.constant(_ROWS[[1, 7]])  # (XLA gives other results beside an infinity)
    for jit in (False, True):
        traced = tf.function(lambda v: f(v), jit_compile=jit)(finite)
        np.testing.assert_allclose(np.asarray(traced), np.asarray(f(finite)), rtol=1e-6)


def test_tf_softmax_of_infinities_warns_not(tf):
    """The check for NaN and +inf reads the buffer's maximum, without a warning (a sum
    is NaN where +inf and -inf meet, and NumPy warned of an invalid value there); the row
    holding +inf is NaN, the other TensorFlow's kernel's."""
    x = tf.constant([[np.inf, -np.inf, 0.0], [1.0, 2.0, 3.0]], tf.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = nn.softmax(x)
    assert np.isnan(np.asarray(y)[0]).all()
    assert _bits(y[1]) == _bits(tf.nn.softmax(x)[1])


_CLIP_VALUES = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 1e38,
                         -3e38, 1.0000001, 0.9999999, *NANS], np.float32)
_BOUNDS = [(-1, 1), (-1.0, 1.0), (0, 0), (0.0, -0.0), (-0.0, 0.0), (-0.0, -0.0), (None, 0.0),
           (0.0, None), (None, -0.0), (1, 1), (2, 1), (SUB32, 1), (-1, -SUB32), (-1e300, 1e300),
           (None, 1e-45), (0.5, 0.5000000001), (-math.inf, math.inf), (math.inf, math.inf)]


def test_tf_clip_shortcut_is_the_general_path(tf, monkeypatch):
    seen = _calls(tf, monkeypatch)
    rng = np.random.default_rng(1)
    big = rng.choice(_CLIP_VALUES, size=(37, 41))
    with_subnormal = np.concatenate([_CLIP_VALUES, np.array([SUB32, -SUB32], np.float32)])
    for dtype in (np.float32, np.float64):
        for a in (_CLIP_VALUES, big, with_subnormal, big[:0]):
            with np.errstate(invalid="ignore"):  # (a signalling NaN cast to float64)
                x = tf.constant(a.astype(dtype))
            for lo, hi in _BOUNDS:
                _same_as_general(lambda lo=lo, hi=hi: xnp.clip(x, lo, hi))
                if lo is not None and hi is not None:
                    _same_as_general(lambda lo=lo, hi=hi: kops.clip(x, lo, hi))
    assert "ClipByValue" in seen
    seen.clear()
    xnp.clip(tf.constant(with_subnormal), -1, 1)  # a subnormal x: the selections keep it
    xnp.clip(tf.constant(_CLIP_VALUES), SUB32, 1)  # a subnormal bound
    assert seen == []


def test_tf_clip_shortcut_gradient(tf):
    x = tf.constant(_CLIP_VALUES[np.isfinite(_CLIP_VALUES)])
    weights = tf.range(1.0, 1.0 + int(x.shape[0]))
    for lo, hi in [(-1, 1), (0.0, 0.0), (None, 0.5), (0.5, None), (-0.0, 2)]:
        def grad(lo=lo, hi=hi):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = xnp.clip(x, lo, hi) * weights
            return [y, tape.gradient(y, x)]
        _same_as_general(grad)


def test_tf_stack_shortcut_is_the_general_path(tf, monkeypatch):
    seen = _calls(tf, monkeypatch)
    rng = np.random.default_rng(2)
    a = tf.constant(rng.standard_normal((3, 4)).astype(np.float32))
    b = tf.constant(rng.standard_normal((3, 4)).astype(np.float32))
    cases = [([a, b], 0), ((a, b), 1), ([a], -1), ([a, b, a], -3), ([a, b], 2), ([a, b], 3),
             ([a, b], -4), ([a, tf.constant([1.0])], 0), ([a, tf.cast(b, tf.float64)], 0),
             ([tf.constant(True), tf.constant(False)], 0), ([tf.constant(1, tf.int32)], 0)]
    for arrays, axis in cases:
        for f in (xnp.stack, kops.stack):
            def grad(f=f, arrays=arrays, axis=axis):
                with tf.GradientTape() as tape:
                    tape.watch([a, b])
                    y = f(arrays, axis=axis)
                    loss = tf.reduce_sum(tf.cast(y, tf.float32) * tf.cast(tf.size(y), tf.float32))
                return [y, *tape.gradient(loss, [a, b])]
            _same_as_general(grad)
    assert "Pack" in seen


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tf_conv_shortcut_is_the_general_path(tf, dtype, monkeypatch):
    seen = _calls(tf, monkeypatch)
    rng = np.random.default_rng(3)
    for xs, ks, strides, padding in [((1, 16, 16, 8), (3, 3, 8, 8), 1, "same"),
                                     ((2, 9, 7, 3), (3, 2, 3, 5), 2, "same"),
                                     ((2, 9, 7, 3), (3, 2, 3, 5), (2, 1), "valid"),
                                     ((1, 4, 4, 1), (1, 1, 1, 1), 3, "SAME"),
                                     ((1, 3, 3, 1), (5, 5, 1, 1), 1, "valid")]:
        x = tf.constant(rng.standard_normal(xs).astype(dtype))
        k = tf.constant(rng.standard_normal(ks).astype(dtype))

        def grad(x=x, k=k, strides=strides, padding=padding):
            with tf.GradientTape() as tape:
                tape.watch([x, k])
                y = nn.conv(x, k, strides=strides, padding=padding)
                loss = tf.reduce_sum(y * y)
            return [y, *tape.gradient(loss, [x, k])]
        _same_as_general(grad)
    assert seen.count("Conv2D") == 4  # (the last raises: a window larger than the input)


def test_tf_conv_checks_kept_per_shape_refuse_what_they_refused(tf, monkeypatch):
    """The checks' outcome is kept per shapes and arguments once they passed: calls that
    differ (a float or bool stride, which hash as the int, a bad padding, the global data
    format) are checked again, and raise or run as the general path."""
    from crossops._config import image_data_format, set_image_data_format
    seen = _calls(tf, monkeypatch)
    rng = np.random.default_rng(6)
    x = tf.constant(rng.standard_normal((1, 6, 6, 4)).astype(np.float32))
    k = tf.constant(rng.standard_normal((3, 3, 4, 4)).astype(np.float32))
    grouped = tf.constant(rng.standard_normal((3, 3, 2, 4)).astype(np.float32))
    nn.conv(x, k, strides=1)
    calls = [lambda: nn.conv(x, k, strides=1.0), lambda: nn.conv(x, k, strides=True),
             lambda: nn.conv(x, k, strides=(1.0, 1)), lambda: nn.conv(x, k, padding="full"),
             lambda: nn.conv(x, k, strides=1, dilation_rate=2),
             lambda: nn.conv(x, k, data_format="channels_first"),
             lambda: nn.conv(x, grouped), lambda: nn.conv(x[0], k, data_format="nchw"),
             lambda: nn.conv(x, k, strides=(1, 2), padding="SAME")]
    for f in calls * 2:
        _same_as_general(f)
    saved = image_data_format()
    try:
        set_image_data_format("channels_first")
        _same_as_general(lambda: nn.conv(x, k, strides=1))
    finally:
        set_image_data_format(saved)
    assert _bits(nn.conv(x, k, strides=1)) == _bits(tf.nn.conv2d(x, k, 1, "VALID"))
    assert "Conv2D" in seen


def test_tf_run_kernel_fallback_is_the_raw_op(tf):
    """Where TensorFlow's eager fast path hands a call back, ``run_kernel`` runs the
    ``tf.raw_ops`` function, the inputs named from the op's definition: the same result."""
    from crossops.backends.tensorflow._compute import raw_kernel, run_kernel
    rng = np.random.default_rng(7)
    a = tf.constant(rng.standard_normal((2, 5, 5, 3)).astype(np.float32))
    k = tf.constant(rng.standard_normal((3, 3, 3, 2)).astype(np.float32))
    conv = ("strides", [1, 2, 1, 1], "use_cudnn_on_gpu", True, "padding", "VALID",
            "explicit_paddings", [], "data_format", "NHWC", "dilations", [1, 1, 1, 1])
    for args in [("Softmax", a), ("LogSoftmax", a),
                 ("ClipByValue", a, tf.constant(-0.5), tf.constant(0.5)),
                 ("Pack", [a, a], "axis", 1), ("Conv2D", a, k, *conv)]:
        assert _bits(run_kernel(*args)) == _bits(raw_kernel(*args))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shapes of all inputs must match"):
        run_kernel("Pack", [a, k], "axis", 0)


# -- JAX ---------------------------------------------------------------------------------

def test_jax_cumsum_common_call():
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    rng = np.random.default_rng(4)
    for dtype, axes in ((np.float32, (0, 2, -1)), (np.complex64, (-3,))):
        a = jnp.asarray(rng.standard_normal((3, 4, 5)).astype(dtype))
        for axis in axes:
            assert _bits(xnp.cumsum(a, axis=axis)) == _bits(jnp.cumsum(a, axis=axis))
            assert _bits(kops.cumsum(a, axis=axis)) == _bits(jnp.cumsum(a, axis=axis))
    a = jnp.asarray(np.array([1.0, np.nan, np.inf, -np.inf, -0.0], np.float32))
    assert _bits(xnp.cumsum(a, axis=0)) == _bits(jnp.cumsum(a, axis=0))
    for axis in (3, -4):  # out of range: the op's own error, as before
        with pytest.raises(Exception, match="cumsum: cumulative_sum: axis"):
            xnp.cumsum(jnp.ones((3, 4, 5)), axis=axis)
    f = jax.jit(lambda v: xnp.cumsum(v, axis=1))
    x = jnp.asarray(rng.standard_normal((3, 4)).astype(np.float32))
    np.testing.assert_array_equal(f(x), jnp.cumsum(x, axis=1))
    g = jax.grad(lambda v: xnp.cumsum(v, axis=0).sum())(x)
    np.testing.assert_array_equal(g, jax.grad(lambda v: jnp.cumsum(v, axis=0).sum())(x))


#: (input shape, kernel shape, strides, padding, dilation): calls the JAX backend runs
#: as the product of the taps on the CPU (one tap; or at most 49 output positions of a
#: contraction of at least 1024), 1-, 2- and 3-d, strided, dilated, padded, empty
_MATMUL_CONVS = (
    ((2, 5, 5, 16), (1, 1, 16, 8), 1, "same", 1),
    ((2, 5, 5, 16), (1, 1, 16, 8), 2, "same", 1),
    ((2, 5, 5, 16), (1, 1, 16, 8), 3, "valid", 1),
    ((2, 7, 12), (1, 12, 4), 1, "valid", 1),
    ((0, 4, 4, 16), (1, 1, 16, 8), 1, "same", 1),
    ((2, 2, 2, 128), (3, 3, 128, 8), 1, "same", 1),
    ((2, 4, 4, 128), (3, 3, 128, 8), 2, "same", 1),
    ((2, 5, 6, 192), (3, 2, 192, 8), 1, "valid", 1),
    ((2, 6, 6, 128), (3, 3, 128, 8), 1, "same", 2),
    ((1, 3, 3, 3, 48), (3, 3, 3, 48, 4), 1, "same", 1),
)


#: (input shape, kernel shape, strides, padding, dilation) of depthwise convolutions
_DEPTHWISE_CONVS = (
    ((2, 6, 6, 5), (3, 3, 5, 1), 1, "same", 1),
    ((2, 7, 6, 5), (3, 3, 5, 1), 2, "same", 1),
    ((2, 6, 6, 3), (3, 2, 3, 4), 1, "valid", 1),
    ((2, 8, 8, 4), (3, 3, 4, 2), 1, "same", 2),
    ((2, 9, 4), (5, 4, 1), 2, "valid", 1),
    ((0, 4, 4, 3), (3, 3, 3, 1), 1, "same", 1),
    ((1, 4, 4, 4, 2), (3, 3, 3, 2, 1), 1, "same", 1),
)
#: (input shape, kernel shape (spatial..., out, in), strides, padding, dilation, output
#: padding) of strided transposed convolutions
_TRANSPOSE_CONVS = (
    ((2, 4, 4, 6), (3, 3, 5, 6), 2, "same", 1, None),
    ((2, 4, 5, 6), (3, 3, 5, 6), 2, "valid", 1, None),
    ((2, 3, 3, 4), (4, 4, 3, 4), 2, "same", 1, 1),
    ((2, 3, 4, 4), (3, 2, 3, 4), (3, 2), "valid", 1, (2, 0)),
    ((2, 5, 4), (5, 2, 4), 3, "same", 2, None),
    ((0, 3, 3, 4), (3, 3, 2, 4), 2, "same", 1, None),
    ((1, 2, 3, 2, 4), (2, 3, 2, 3, 4), 2, "same", 1, None),
)



def _cpu_form(op, x, k, strides, padding, dilation, output_padding=None):
    """For a JAX convolution that runs in a CPU form: the crossops call, XLA's convolution
    it replaces, its float64 reference (``tests/refs_nn.py``, on float64 input) and the
    number of products in one of its sums."""
    from jax import lax

    from crossops.backends import _windows as w
    from crossops.backends.jax import nn as jnn
    if op == "conv_transpose":
        a = w.transpose_args(f"nn.{op}", x, k, strides, padding, output_padding,
                             "channels_last", dilation)
        assert jnn._on_cpu(a) and max(a.strides) > 1
        return (lambda x, k: nn.conv_transpose(x, k, strides, padding, output_padding,
                                               dilation_rate=dilation),
                lambda x, k: lax.conv_transpose(
                    x, k, a.strides, a.edge_pads, rhs_dilation=a.dilation,
                    dimension_numbers=jnn._lax_numbers(a.n, a.fmt), transpose_kernel=True),
                refs_nn.conv_transpose(np.asarray(x, np.float64), k, strides, padding,
                                       output_padding, "channels_last", dilation),
                math.prod(k.shape[:-2]) * k.shape[-1])
    depthwise = op == "depthwise_conv"
    a = (w.depthwise_args if depthwise else w.conv_args)(
        f"nn.{op}", x, k, strides, padding, "channels_last", dilation)
    assert jnn._on_cpu(a) if depthwise else jnn._as_matmul(a)
    kernel = jnn._depthwise_as_grouped if depthwise else lambda k, n: k
    return (lambda x, k: getattr(nn, op)(x, k, strides, padding, dilation_rate=dilation),
            lambda x, k: jnn._conv(x, kernel(k, a.n), a, a.channels if depthwise else 1),
            getattr(refs_nn, op)(np.asarray(x, np.float64), k, strides, padding,
                                 "channels_last", dilation),
            math.prod(k.shape[:-2 if depthwise else -1]))


@pytest.mark.parametrize("op, case", [("conv", c) for c in _MATMUL_CONVS]
                         + [("depthwise_conv", c) for c in _DEPTHWISE_CONVS]
                         + [("conv_transpose", c) for c in _TRANSPOSE_CONVS],
                         ids=lambda v: v if isinstance(v, str) else
                         f"{v[0]}*{v[1]}-s{v[2]}-{v[3]}-d{v[4]}" + (
                             f"-o{v[5]}" if len(v) > 5 else ""))
def test_jax_cpu_convolutions_are_the_convolution(op, case):
    """On the CPU JAX's ``conv`` of one tap, or of a small output of a deep contraction,
    runs as one matmul of the input's taps, its channels-last ``depthwise_conv`` as a sum
    over its taps, and a strided ``conv_transpose`` as a matmul spread by ``lax.pad``:
    each takes that path here, and gives the convolution of a float64 reference (to
    float32's rounding of its sums; depthwise output channel c * M + m, multipliers 1 to
    4; transposed: output padding, negative crops), XLA's convolution's gradients of both
    operands, and bfloat16 for bfloat16 operands."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    if jax.default_backend() != "cpu":
        pytest.skip("these forms are the CPU's lowering")
    shape, kshape = case[:2]
    rng = np.random.default_rng(sum(shape) + sum(kshape))
    x = jnp.asarray(rng.standard_normal(shape).astype(np.float32))
    k = jnp.asarray(rng.standard_normal(kshape).astype(np.float32))
    crossops_op, xla_op, expected, products = _cpu_form(op, x, k, *case[2:])
    got = crossops_op(x, k)
    assert got.shape == xla_op(x, k).shape and got.dtype == jnp.float32
    # float32 sums of `products` products of standard normal numbers
    bound = 32 * np.finfo(np.float32).eps * products ** 0.5
    np.testing.assert_allclose(np.asarray(got, np.float64), expected, rtol=0, atol=bound)

    def loss(conv):
        return lambda x, k: (conv(x, k) ** 2).sum() / 2

    grads = jax.grad(loss(crossops_op), (0, 1))(x, k)
    xla = jax.grad(loss(xla_op), (0, 1))(x, k)
    for g, e in zip(grads, xla):
        scale = float(np.abs(np.asarray(e)).max(initial=1.0))
        np.testing.assert_allclose(g, e, rtol=0, atol=bound * scale / 8)
    assert crossops_op(x.astype(jnp.bfloat16), k.astype(jnp.bfloat16)).dtype == jnp.bfloat16


@pytest.mark.parametrize("shape, pool, strides, padding", [
    ((2, 7, 7, 3), 3, 2, "same"), ((2, 8, 8, 3), 2, None, "valid"), ((2, 9, 3), 3, 1, "same"),
    ((1, 5, 6, 4, 2), 2, 1, "same"), ((2, 6, 6, 2), (3, 2), (1, 2), "valid"),
    ((2, 5, 5, 2), 3, 3, "same"), ((2, 6, 6, 1), 4, 1, "same")])
def test_jax_max_pool_gradient_is_xlas_bit_for_bit(shape, pool, strides, padding):
    """On the CPU JAX's channels-last ``max_pool`` routes its derivative through the entry
    XLA's ``select_and_scatter`` chooses: the same values and the same gradient, bit for
    bit, as ``lax.reduce_window``'s, at ties (small integers), at NaN, infinities and
    signed zeros, with padding and overlapping windows, 1- to 3-d (up to 16 entries a
    window); also under ``jax.jit``, in forward mode, and in float16."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp

    from crossops.backends import _windows as w
    from crossops.backends.jax import nn as jnn
    if jax.default_backend() != "cpu":
        pytest.skip("the routed derivative is the CPU's")
    rng = np.random.default_rng(sum(shape))
    edges = np.array([np.nan, np.inf, -np.inf, 1.0, 1.0, 0.0, -0.0], np.float32)
    a = w.pool_args("nn.max_pool", jnp.zeros(shape), pool, strides, padding,
                    "channels_last")
    assert jnn._on_cpu(a) and math.prod(a.pool) <= jnn._ROUTED_TAPS
    weights = jnp.asarray(rng.standard_normal((shape[0], *a.out, shape[-1])), jnp.float32)
    for x in (rng.integers(0, 3, shape).astype(np.float32), rng.choice(edges, shape),
              rng.standard_normal(shape).astype(np.float32)):
        x = jnp.asarray(x)
        got = nn.max_pool(x, pool, strides, padding)
        assert _bits(got) == _bits(jnn._max_pool(x, a))
        expected = jax.grad(lambda x: (jnn._max_pool(x, a) * weights).sum())(x)
        for grad in (jax.grad, lambda f: jax.jit(jax.grad(f))):
            assert _bits(grad(lambda x: (nn.max_pool(x, pool, strides, padding)
                                         * weights).sum())(x)) == _bits(expected)
    x = jnp.asarray(rng.standard_normal(shape).astype(np.float32))
    tangent = jnp.asarray(rng.standard_normal(shape).astype(np.float32))
    _, jvp = jax.jvp(lambda x: nn.max_pool(x, pool, strides, padding), (x,), (tangent,))
    _, expected = jax.jvp(lambda x: jnn._max_pool(x, a), (x,), (tangent,))
    assert _bits(jvp) == _bits(expected)
    half = x.astype(jnp.float16)
    assert _bits(jax.grad(lambda x: nn.max_pool(x, pool, strides, padding).sum())(half)) \
        == _bits(jax.grad(lambda x: jnn._max_pool(x, a).sum())(half))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64", "bool"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_integer_and_bool_max_pool(dtype, padding):
    """max_pool of integers and bools (outside the spec's real floating dtypes; Keras takes
    them): the max of each window's real entries, in the input's dtype, on every backend.
    The padding is the dtype's least value (jax's -inf overflowed, torch's raised, the
    generic's became 0 in int8: a window of negative entries read 0); torch and
    TensorFlow have no bool kernel (uint8's, and the generic)."""
    from .backends import backend_context, to_backend, to_numpy
    rng = np.random.default_rng(0)
    x = (rng.integers(0, 2, (2, 5, 5, 3)) if dtype == "bool"
         else rng.integers(-100 if dtype != "uint8" else 0, 100, (2, 5, 5, 3))).astype(dtype)
    want = refs_nn.max_pool(x.astype(np.float64), 2, 2, padding).astype(dtype)  # (exact)
    for backend in BACKENDS:
        with backend_context(backend):
            out = to_numpy(nn.max_pool(to_backend(backend, x), 2, 2, padding))
        assert out.dtype == want.dtype, (backend, out.dtype)
        np.testing.assert_array_equal(out, want, err_msg=f"{backend} {padding}")


def test_jax_max_pool_keeps_xlas_derivative_elsewhere():
    """A window of more than 16 entries and a channels-first input keep
    ``lax.reduce_window``'s own derivative (no custom rule in the traced program)."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    if jax.default_backend() != "cpu":
        pytest.skip("the routed derivative is the CPU's")

    def routed(x, pool, data_format=None):
        program = jax.make_jaxpr(lambda x: nn.max_pool(x, pool, 1, "same", data_format))(x)
        return "custom_jvp_call" in str(program)
    assert routed(jnp.zeros((1, 6, 6, 2)), 4)
    assert not routed(jnp.zeros((1, 6, 6, 2)), 5)
    assert not routed(jnp.zeros((1, 2, 6, 6)), 3, "channels_first")


def test_jax_conv_keeps_xla_convolution_elsewhere():
    """Grouped and channels-first convolutions (depthwise too), shallow contractions and
    larger outputs keep XLA's convolution (a copy of the taps there would cost memory and time)."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax.numpy as jnp

    from crossops.backends import _windows as w
    from crossops.backends.jax import nn as jnn

    def args(shape, kshape, fmt="channels_last", strides=1):
        return w.conv_args("nn.conv", jnp.zeros(shape), jnp.zeros(kshape), strides,
                           "same", fmt, 1)
    assert not jnn._as_matmul(args((1, 4, 4, 32), (1, 1, 16, 8)))  # two groups
    assert not jnn._as_matmul(args((1, 16, 4, 4), (1, 1, 16, 8), "channels_first"))
    assert not jnn._on_cpu(args((1, 16, 4, 4), (3, 3, 1, 16), "channels_first"))
    assert not jnn._as_matmul(args((1, 4, 4, 64), (3, 3, 64, 8)))  # 576 deep
    assert not jnn._as_matmul(args((1, 8, 8, 128), (3, 3, 128, 8)))  # 64 positions
    assert jnn._as_matmul(args((1, 8, 8, 128), (3, 3, 128, 8), strides=2))  # 16


# -- NumPy -------------------------------------------------------------------------------

def test_numpy_sort_is_numpys_bit_for_bit():
    """Where zeros of both signs or NaNs (signs, payloads) meet, a sort's order shows in
    the bits: a stable sort's is the stable one's (where no such values meet, NumPy's
    default sort runs); the default sort's is NumPy's default sort's."""
    import ml_dtypes
    rng = np.random.default_rng(5)
    zeros = rng.choice(np.array([0.0, -0.0, 1.0, -1.0], np.float32), size=(8, 64))
    nan_rows = rng.standard_normal((8, 64)).astype(np.float32)
    nan_rows[:, ::7] = np.resize(NANS, nan_rows[:, ::7].shape)
    one_nan = rng.standard_normal((8, 64)).astype(np.float32)
    one_nan[5, 3] = NANS[3]
    plain = rng.standard_normal((8, 64))
    # zeros of one sign (every sort gives their bits: -0.0 alone takes the default sort)
    negative_zeros = rng.choice(np.array([-0.0, 1.0, -1.0], np.float32), size=(8, 64))
    cases = [zeros, nan_rows, one_nan, plain, plain.astype(np.float16), np.asfortranarray(plain),
             plain.astype(ml_dtypes.bfloat16), rng.integers(-3, 3, (8, 64)), plain > 0,
             rng.integers(0, 5, (4, 5, 6)).astype(np.uint8), plain[:0], plain[:, :0],
             nan_rows[0], zeros[0], negative_zeros, -negative_zeros, zeros.astype(np.float64),
             zeros.astype(np.float16), nan_rows.astype(np.float16), zeros[:, ::3],
             nan_rows[::2, 1::2], zeros.astype(">f4"), plain.astype(">f8"),
             zeros.astype(np.longdouble), np.array([np.nan, -0.0, 0.0], np.float32)]
    for a in cases:
        for axis in range(-a.ndim, a.ndim):
            for kind in ("stable", None):
                expected = np.sort(a, axis=axis, kind=kind)
                got = xnp.sort(a, axis=axis, kind=kind)
                assert _bits(got) == _bits(expected), (a.dtype, axis, kind)
                assert got.flags.f_contiguous == expected.flags.f_contiguous
        for kind in ("stable", None):
            assert _bits(xnp.sort(a, axis=None, kind=kind)) == _bits(
                np.sort(a, axis=None, kind=kind))
        assert _bits(xnp.sort(a)) == _bits(np.sort(a))
    with pytest.raises(Exception, match="axis -1 is out of bounds"):
        xnp.sort(np.float32(1.0) * np.ones((), np.float32))


def test_numpy_methods_are_numpy_functions_bit_for_bit():
    """The NumPy backend's common calls of var, std, mean, argmax, argmin, squeeze, clip
    and einsum (an ndarray's C method, NumPy's C einsum) give NumPy's own functions'
    results: values, dtypes, shapes, NumPy scalars where NumPy gives them; the keras.ops
    forms' int32 indices."""
    rng = np.random.default_rng(6)
    a = rng.standard_normal((6, 5)).astype(np.float32)
    a[1, 2], a[3, 0] = np.nan, -0.0
    ties = np.ones((3, 4), np.float16)
    for x in (a, ties, a.astype(np.float64), a[:, ::2], np.ones((), np.float32), np.float32(2.5)):
        for axis in (None, *range(-x.ndim, x.ndim)):
            for keepdims in (False, True):
                assert _bits(xnp.var(x, axis=axis, keepdims=keepdims)) == _bits(
                    np.var(x.astype(np.float32) if x.dtype == np.float16 else x, axis=axis,
                           keepdims=keepdims).astype(x.dtype))
                assert _bits(xnp.std(x, axis=axis, ddof=1, keepdims=keepdims)) == _bits(
                    np.std(x.astype(np.float32) if x.dtype == np.float16 else x, axis=axis,
                           ddof=1, keepdims=keepdims).astype(x.dtype))
                assert _bits(xnp.mean(x, axis=axis, keepdims=keepdims)) == _bits(
                    np.mean(x.astype(np.float32) if x.dtype == np.float16 else x, axis=axis,
                            keepdims=keepdims).astype(x.dtype))
                for name in ("argmax", "argmin"):
                    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
                    got = getattr(xnp, name)(x, axis=axis, keepdims=keepdims)
                    assert type(got) is type(expected) and _bits(got) == _bits(expected)
                    got = getattr(kops, name)(x, axis=axis, keepdims=keepdims)
                    assert _bits(got) == _bits(np.asarray(expected).astype(np.int32))
        assert _bits(xnp.clip(x, -0.5, 0.5)) == _bits(np.clip(x, -0.5, 0.5))
        assert _bits(xnp.clip(x, None, 0.0)) == _bits(np.clip(x, None, 0.0))
    assert _bits(xnp.squeeze(a[None], axis=0)) == _bits(np.squeeze(a[None], axis=0))
    assert _bits(xnp.squeeze(a[None, :, None], axis=(0, 2))) == _bits(a)
    with pytest.raises(ValueError, match="squeeze"):
        xnp.squeeze(a, axis=0)
    for eq, ops in (("ij,jk->ik", (a, a.T)), ("i,i->", (a[0], a[1])), ("ii->i", (a[:5],)),
                    ("ij->", (a,)), ("ij,jk->ik", (a.astype(np.float16), a.T.astype(np.float16)))):
        got, expected = xnp.einsum(eq, *ops), np.asarray(np.einsum(eq, *ops))
        assert type(got) is np.ndarray and _bits(got) == _bits(expected)


def test_jax_var_compiled_is_jax_var_bit_for_bit():
    """JAX's var of an array runs as one compiled program: it gives jax.numpy's var of the
    float input, bit for bit, and traces the program it traced before."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    v = np.random.default_rng(7).standard_normal((5, 7, 3)) * 40 + 3
    for dtype, axis, correction in ((np.float32, (0, 2), 1.5), (np.float16, -1, 1.5),
                                    (np.int32, None, 0)):
        x = jnp.asarray(v.astype(dtype))
        expected = jnp.var(x.astype(np.float32), axis=axis, correction=correction,
                           keepdims=True)
        got = xnp.var(x, axis=axis, correction=correction, keepdims=True)
        assert _bits(got) == _bits(expected.astype(np.float16 if dtype is np.float16
                                                   else np.float32))
    x = jnp.asarray(v.astype(np.float32))
    traced = jax.make_jaxpr(lambda x: xnp.var(x, axis=1, correction=1.0))(x)
    assert str(traced) == str(jax.make_jaxpr(lambda x: jnp.var(x, axis=1, correction=1.0))(x))


def test_jax_gelu_is_the_generic_form_bit_for_bit():
    """JAX's gelu (tanh approximation, float32) is the generic form's jax.numpy calls: the
    same values at edges, and the same traced program and gradient program."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp

    from crossops._dispatch import FUNCTIONS
    generic = FUNCTIONS[nn.gelu].generic
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, SUB32, -SUB32, 3e38, -3e38, -20.0,
                      -100.0, 12.0], np.float32)
    rng = np.random.default_rng(8)
    x = jnp.asarray(np.concatenate([rng.standard_normal(500).astype(np.float32) * 4, edges]))
    assert _bits(nn.gelu(x)) == _bits(generic(x))
    assert _bits(kops.gelu(x)) == _bits(generic(x))
    assert str(jax.make_jaxpr(nn.gelu)(x)) == str(jax.make_jaxpr(generic)(x))
    grad = jax.make_jaxpr(jax.grad(lambda x: nn.gelu(x).sum()))(x)
    assert str(grad) == str(jax.make_jaxpr(jax.grad(lambda x: generic(x).sum()))(x))
