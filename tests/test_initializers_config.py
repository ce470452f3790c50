"""The initializers against Keras 3's: their configs (keys, values, order), ``from_config``
of Keras's configs, ``compute_fans`` with ``input_axes`` / ``output_axes``, and the variance
of the weights they draw on every backend."""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from crossops import initializers, layers

from .backends import backend_context

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="keras (the reference) is not installed")

SCALING = ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform",
           "LecunNormal"]

#: arguments other than the defaults, per class
ARGUMENTS = {
    "Zeros": {}, "Ones": {}, "Constant": {"value": 2.5},
    "RandomNormal": {"mean": 0.5, "stddev": 2.0, "seed": 3},
    "TruncatedNormal": {"mean": -1.0, "stddev": 0.3, "seed": 4},
    "RandomUniform": {"minval": -2.0, "maxval": 3.0, "seed": 5},
    "VarianceScaling": {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": 6,
                        "input_axes": [0], "output_axes": [1, 2]},
    "Orthogonal": {"gain": 0.5, "seed": 7},
    "Identity": {"gain": 2.0},
    "STFT": {"side": "imag", "window": "hamming", "scaling": "spectrum", "periodic": True},
    **{name: {"seed": 8, "input_axes": [0, 1], "output_axes": [-1]} for name in SCALING},
}


def test_every_class_is_compared():
    assert sorted(ARGUMENTS) == sorted(initializers._initializers.ALL)


@pytest.mark.parametrize("kwargs", [False, True], ids=["defaults", "arguments"])
@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_config_is_keras(name, kwargs):
    """get_config: the same keys in the same order, the same values."""
    import keras
    args = ARGUMENTS[name] if kwargs else {}
    theirs = getattr(keras.initializers, name)(**args).get_config()
    mine = getattr(initializers, name)(**args).get_config()
    assert list(mine.items()) == list(theirs.items())


@pytest.mark.parametrize("name", sorted(ARGUMENTS))
def test_from_keras_config(name):
    """Keras's config (and its serialized form) makes the same initializer in crossops."""
    import keras
    theirs = getattr(keras.initializers, name)(**ARGUMENTS[name])
    mine = getattr(initializers, name).from_config(theirs.get_config())
    assert mine.get_config() == theirs.get_config()
    again = initializers.get(keras.initializers.serialize(theirs))
    assert type(again) is type(mine) and again.get_config() == theirs.get_config()


def test_variance_scaling_distribution_names_are_keras():
    import keras
    for given in ("normal", "Normal", "UNIFORM", "untruncated_normal"):
        want = keras.initializers.VarianceScaling(distribution=given).get_config()
        assert initializers.VarianceScaling(distribution=given).get_config() == want
    with pytest.raises(ValueError, match="distribution must be"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="input_axes must be a list of ints"):
        initializers.GlorotUniform(input_axes="0")


FANS = [((5,), None, None), ((), None, None), ((4, 7), None, None), ((3, 3, 8, 16), None, None),
        ((8, 4, 16), [0], [1, 2]), ((8, 4, 16), [0, 1], [-1]), ((8, 4, 16), [-3], [2]),
        ((2, 3, 4, 5), [1, 3], [0, 2]), ((8, 4, 16), [0], None), ((8, 4, 16), None, [2]),
        ((8, 4, 16), [], [0])]


@pytest.mark.parametrize("shape, input_axes, output_axes", FANS)
def test_compute_fans_is_keras(shape, input_axes, output_axes):
    """Given both axis lists the fans are their sizes' products; given one (or neither) the
    shape's layout decides, as Keras's."""
    from keras.src.initializers.random_initializers import compute_fans
    assert initializers.compute_fans(shape, input_axes, output_axes) == \
        compute_fans(shape, input_axes, output_axes)


def test_compute_fans_axes_out_of_range():
    with pytest.raises(ValueError, match=r"input_axes must be axes of the weight's shape"):
        initializers.compute_fans((3, 4), [2], [1])
    with pytest.raises(ValueError, match=r"output_axes must be axes"):
        initializers.GlorotUniform(input_axes=[0], output_axes=[-3])((3, 4))


SHAPE = (64, 8, 64)  # default fans (512, 4096); with the axes below they differ 8-fold
VARIANCE_CASES = [(name, axes) for name in SCALING for axes in (None, ([0], [1, 2]))] + [
    ("VarianceScaling", (mode, dist, axes)) for mode in ("fan_in", "fan_out", "fan_avg")
    for dist in ("truncated_normal", "untruncated_normal", "uniform")
    for axes in (None, ([0, 1], [2]))]


def _make(lib, name, case):
    if name == "VarianceScaling":
        mode, dist, axes = case
        kwargs = {"scale": 3.0, "mode": mode, "distribution": dist}
    else:
        axes, kwargs = case, {}
    if axes is not None:
        kwargs.update(input_axes=axes[0], output_axes=axes[1])
    return getattr(lib.initializers, name)(seed=11, **kwargs)


@pytest.mark.parametrize("name, case", VARIANCE_CASES, ids=str)
def test_drawn_variance_is_keras(backend, name, case):
    """A weight drawn on ``backend`` has the variance Keras's initializer aims at (its
    scale over the fan Keras's compute_fans gives for the axes), and so do Keras's own
    draws. With n = 32768 values the sample variance's relative standard error is
    sqrt((kurtosis - 1) / n) <= sqrt(2 / n) = 0.78% (kurtosis <= 3: normal 3, truncated
    normal and uniform less), so 5 standard errors (3.9%) is the tolerance; the axes
    change the variance 8-fold, far outside it."""
    import keras
    from keras.src.initializers.random_initializers import compute_fans
    theirs = _make(keras, name, case)
    fan_in, fan_out = compute_fans(SHAPE, theirs.input_axes, theirs.output_axes)
    n = {"fan_in": fan_in, "fan_out": fan_out,
         "fan_avg": (fan_in + fan_out) / 2}[theirs.mode]
    want = theirs.scale / max(1.0, n)
    tol = 5 * math.sqrt(2 / math.prod(SHAPE))
    keras_draw = keras.ops.convert_to_numpy(theirs(SHAPE)).astype(np.float64)
    assert abs(keras_draw.var() / want - 1) < tol
    with backend_context(backend):
        w = layers.Layer().add_weight(SHAPE, _make(__import__("crossops"), name, case))
        got = w.numpy().astype(np.float64)
    assert got.shape == SHAPE
    assert abs(got.var() / want - 1) < tol
    if theirs.distribution == "uniform":  # the limit: sqrt(3 * variance)
        assert np.abs(got).max() <= math.sqrt(3 * want) * (1 + 1e-6)
    elif theirs.distribution == "truncated_normal":  # two stddevs of the untruncated normal
        assert np.abs(got).max() <= 2 * math.sqrt(want) / 0.87962566103423978 * (1 + 1e-6)


# -- Identity and STFT (values computed, not drawn) ----------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2), (0, 3), (1, 1)])
def test_identity_is_keras(shape, dtype):
    import keras
    for gain in (1.0, 2.0, -0.1):
        want = keras.ops.convert_to_numpy(keras.initializers.Identity(gain)(shape, dtype))
        got = initializers.Identity(gain)(shape, dtype)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got.astype(np.float64), want.astype(np.float64))


def test_identity_errors_dtypes_and_names_are_keras():
    import keras
    for shape in ((3,), (2, 2, 2), ()):
        with pytest.raises(ValueError) as theirs:
            keras.initializers.Identity()(shape)
        with pytest.raises(ValueError) as mine:
            initializers.Identity()(shape)
        assert str(mine.value) == str(theirs.value)
    # the dtype asked for, integers too (2.0 * eye, as Keras's values)
    got = initializers.Identity(2.0)((2, 2), "int32")
    assert got.dtype == np.int32 and got.tolist() == [[2, 0], [0, 2]]
    for name in ("identity", "Identity", "IdentityInitializer"):
        assert type(initializers.get(name)) is initializers.Identity
        assert type(keras.initializers.get(name)).__name__ == "Identity"
    for name in ("stft", "STFT", "STFTInitializer"):
        assert type(initializers.get(name)) is initializers.STFT
        assert type(keras.initializers.get(name)).__name__ == "STFT"
    for name, cls in (("normal", "RandomNormal"), ("uniform", "RandomUniform"), ("one", "Ones"),
                      ("zero", "Zeros"), ("OrthogonalInitializer", "Orthogonal")):
        assert type(initializers.get(name)).__name__ == cls
        assert type(keras.initializers.get(name)).__name__ == cls


STFT_CASES = [("real", "hann", "density", False), ("imag", "hann", "density", False),
              ("real", "hamming", "spectrum", True), ("imag", "blackman", None, True),
              ("real", None, None, False), ("imag", None, "density", False),
              ("real", [0.5, 1.0, 2.0, 1.0, 0.5, 0.25, 0.0, 1.0], "spectrum", False)]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
@pytest.mark.parametrize("case", STFT_CASES, ids=str)
@pytest.mark.parametrize("shape", [(8, 1, 5), (64, 1, 33), (1, 1, 3), (4, 1, 0)])
def test_stft_is_keras(shape, case, dtype):
    """Keras's kernel, computed op by op in the dtype asked for (TensorFlow's Keras, the
    reference of these tests): float64, float16 and bfloat16 bit for bit; float32 within
    2 ulp of 1 (NumPy's float32 cos and sin against TensorFlow's)."""
    import keras
    side, window, scaling, periodic = case
    if not isinstance(window, str) and window is not None and shape[0] != len(window):
        window = np.linspace(0.0, 1.0, shape[0])
    theirs = keras.initializers.STFT(side, window, scaling, periodic)
    want = keras.ops.convert_to_numpy(theirs(shape, dtype))
    got = initializers.STFT(side, window, scaling, periodic)(shape, dtype)
    assert got.dtype == want.dtype and got.shape == want.shape
    exact = dtype != "float32" or shape[0] == 1
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=0,
                               atol=0 if exact else 2 * np.finfo(np.float32).eps)


def test_stft_errors_and_config_are_keras():
    import keras
    for kwargs in ({"side": "both"}, {"scaling": "power"}, {"window": "no_such_window"}):
        with pytest.raises(ValueError) as theirs:
            keras.initializers.STFT(**kwargs)
        with pytest.raises(ValueError) as mine:
            initializers.STFT(**kwargs)
        assert str(mine.value) == str(theirs.value)
    with pytest.raises(ValueError) as theirs:
        keras.initializers.STFT(window=np.ones(4))((8, 1, 5))
    with pytest.raises(ValueError) as mine:
        initializers.STFT(window=np.ones(4))((8, 1, 5))
    assert str(mine.value) == str(theirs.value)
    with pytest.raises(ValueError, match="Nx=0"):  # scipy's, through both
        keras.initializers.STFT()((0, 1, 3))
    with pytest.raises(ValueError, match="Nx=0"):
        initializers.STFT()((0, 1, 3))
    with pytest.raises(ValueError, match=r"STFT: the shape must be \(frame_length"):
        initializers.STFT()((8, 5))
    with pytest.raises(ValueError, match="STFT: dtype must be a floating dtype"):
        initializers.STFT()((8, 1, 5), "int32")
    # one fft bin: 0 / 0 frequencies, NaN as Keras's
    assert np.isnan(initializers.STFT()((8, 1, 1))).all()
    assert np.isnan(keras.ops.convert_to_numpy(keras.initializers.STFT()((8, 1, 1)))).all()
    window = [1.0, 2.0]
    theirs = keras.initializers.serialize(keras.initializers.STFT(window=window))
    mine = initializers.get(theirs)
    assert mine.get_config() == theirs["config"]
    np.testing.assert_array_equal(mine((2, 1, 3)), keras.ops.convert_to_numpy(
        keras.initializers.deserialize(theirs)((2, 1, 3))))


def test_stft_broadcasts_over_input_channels():
    """Keras's kernel is (T, 1, F) whatever the input channels; crossops's has the shape
    asked for, each channel the (T, 1, F) kernel."""
    init = initializers.STFT()
    one, three = init((8, 1, 5)), init((8, 3, 5))
    assert three.shape == (8, 3, 5)
    np.testing.assert_array_equal(three, np.broadcast_to(one, (8, 3, 5)))


def test_identity_and_stft_weights_on_every_backend(backend):
    """A layer's weight from either initializer (by name or in Keras's serialized form)
    holds the host's values on every backend."""
    import keras
    with backend_context(backend):
        layer = layers.Layer()
        eye = layer.add_weight((3, 4), "identity")
        stft = layer.add_weight((16, 1, 9), initializers.get(
            keras.initializers.serialize(keras.initializers.STFT("imag", "hann"))))
        np.testing.assert_array_equal(eye.numpy(), np.eye(3, 4, dtype=np.float32))
        np.testing.assert_array_equal(stft.numpy(),
                                      initializers.STFT("imag", "hann")((16, 1, 9)))
        dense = layers.Dense.from_config(keras.layers.Dense(
            3, kernel_initializer=keras.initializers.Identity(gain=3.0)).get_config())
        dense.build((None, 3))
        # Keras's config has no gain: the kernel is the identity (as Keras's from the config)
        np.testing.assert_array_equal(dense.kernel.numpy(), np.eye(3, dtype=np.float32))
