"""Weight initializers, as Keras 3's ``keras.initializers``, drawn on the host with NumPy.

An initializer is called as ``init(shape, dtype="float32")`` and returns a NumPy array; a
layer moves it onto its backend. Drawing on the host means that one seed gives the same
weights on every backend, so models built on NumPy, JAX, PyTorch and TensorFlow from one
seed start identical. ``seed=None`` draws fresh OS entropy on each call (as an unseeded
Keras initializer); there is no global generator.
"""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np

from crossops._names import snake_case

_TRUNCATION = 0.87962566103423978  # stddev of a unit normal truncated to [-2, 2]


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape, as Keras's.

    Parameters
    ----------
    shape : tuple of int
        The weight's shape.
    input_axes, output_axes : sequence of int, optional
        The axes of the input and of the output units (negative counts from the end).
        Given both, fan_in and fan_out are the products of those axes' sizes; otherwise
        (either one None) the shape's layout decides: a vector is its own fan in and
        out, a matrix is (in, out), and a convolution kernel is (spatial..., in, out).

    Returns
    -------
    tuple of int

    Examples
    --------
    >>> compute_fans((3, 3, 8, 16))
    (72, 144)
    >>> compute_fans((8, 4, 16), input_axes=[0], output_axes=[1, 2])
    (8, 64)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return _axes_size(shape, input_axes, "input_axes"), \
            _axes_size(shape, output_axes, "output_axes")
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _axes_size(shape, axes, what) -> int:
    """The product of ``shape``'s sizes on ``axes`` (checked against the rank)."""
    size = 1
    for axis in axes:
        if not isinstance(axis, int | np.integer) or not -len(shape) <= axis < len(shape):
            raise ValueError(f"compute_fans: {what} must be axes of the weight's shape "
                             f"{shape} (ints in [-{len(shape)}, {len(shape)})), got "
                             f"{list(axes)}")
        size *= shape[axis]
    return int(size)


def _np_dtype(dtype):
    return ml_dtypes.bfloat16 if str(dtype) == "bfloat16" else np.dtype(str(dtype))


class Initializer:
    """Base class: ``__call__(shape, dtype)`` returns a NumPy array."""

    def __init__(self, seed=None):
        if seed is not None and not isinstance(seed, int):
            raise TypeError(f"{type(self).__name__}: seed must be an int or None, got "
                            f"{type(seed).__name__}")
        self.seed = seed

    def _rng(self):
        return np.random.default_rng(self.seed)

    def __call__(self, shape, dtype="float32"):
        return np.asarray(self.sample(tuple(shape), self._rng())).astype(_np_dtype(dtype))

    def sample(self, shape, rng):
        raise NotImplementedError

    def get_config(self) -> dict:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    """All zeros."""

    def __init__(self):
        super().__init__(None)

    def sample(self, shape, rng):
        return np.zeros(shape)

    def get_config(self):
        return {}


class Ones(Zeros):
    """All ones."""

    def sample(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Every element ``value``."""

    def __init__(self, value=0.0):
        super().__init__(None)
        self.value = value

    def sample(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def sample(self, shape, rng):
        return rng.normal(self.mean, self.stddev, shape)


def _truncated(rng, shape):
    """Unit normal values redrawn until inside [-2, 2]."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out


class TruncatedNormal(RandomNormal):
    """Normal with ``mean`` and ``stddev``, redrawn beyond two standard deviations."""

    def sample(self, shape, rng):
        return self.mean + self.stddev * _truncated(rng, shape)


class RandomUniform(Initializer):
    """Uniform in ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)


class VarianceScaling(Initializer):
    """Variance ``scale / n`` with ``n`` the fan in, fan out or their mean (``mode``), from a
    truncated normal, a normal or a uniform distribution, Keras's ``VarianceScaling``.

    Parameters
    ----------
    scale : float
        The variance's numerator (> 0).
    mode : {"fan_in", "fan_out", "fan_avg"}
    distribution : {"truncated_normal", "untruncated_normal", "uniform"}
        (``"normal"`` means ``"truncated_normal"``, as Keras; any case.)
    seed : int, optional
    input_axes, output_axes : list of int, optional
        The axes of the input and output units: given both, the fans are the products of
        their sizes (see :func:`compute_fans`), as Keras's (an EinsumDense kernel whose
        layout is not (..., in, out)).

    Examples
    --------
    >>> init = VarianceScaling(2.0, "fan_out", "uniform", seed=0, input_axes=[0],
    ...                        output_axes=[1, 2])
    >>> w = init((100, 4, 5))
    >>> bool(abs(w).max() <= (3 * 2.0 / 20) ** 0.5)
    True
    >>> init.get_config()["output_axes"]
    [1, 2]
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be fan_in, fan_out or fan_avg, "
                             f"got {mode!r}")
        if isinstance(distribution, str):
            distribution = distribution.lower()
            if distribution == "normal":  # Keras's alias
                distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be truncated_normal, "
                             f"untruncated_normal or uniform, got {distribution!r}")
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be > 0, got {scale}")
        for what, axes in (("input_axes", input_axes), ("output_axes", output_axes)):
            if axes is not None and (isinstance(axes, str | bytes) or not all(
                    isinstance(a, int | np.integer) for a in np.atleast_1d(axes))):
                raise ValueError(f"{type(self).__name__}: {what} must be a list of ints or "
                                 f"None, got {axes!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def sample(self, shape, rng):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return math.sqrt(variance) / _TRUNCATION * _truncated(rng, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), shape)
        limit = math.sqrt(3.0 * variance)
        return rng.uniform(-limit, limit, shape)


def _scaling(name, scale, mode, distribution, doc):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes,
                                 output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}
    doc = f"""{doc}

    Keras's ``{name}``: :class:`VarianceScaling` with scale {scale}, mode ``{mode}`` and
    distribution ``{distribution}``.

    Parameters
    ----------
    seed : int, optional
    input_axes, output_axes : list of int, optional
        The axes of the input and output units (see :func:`compute_fans`).

    Examples
    --------
    >>> {name}(seed=0)((2, 3)).shape
    (2, 3)
    >>> {name}().get_config()
    {{'seed': None, 'input_axes': None, 'output_axes': None}}
    """
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": doc, "__module__": __name__})


GlorotUniform = _scaling("GlorotUniform", 1.0, "fan_avg", "uniform",
                         "Uniform in +-sqrt(6 / (fan_in + fan_out)).")
GlorotNormal = _scaling("GlorotNormal", 1.0, "fan_avg", "truncated_normal",
                        "Truncated normal, stddev sqrt(2 / (fan_in + fan_out)).")
HeUniform = _scaling("HeUniform", 2.0, "fan_in", "uniform", "Uniform in +-sqrt(6 / fan_in).")
HeNormal = _scaling("HeNormal", 2.0, "fan_in", "truncated_normal",
                    "Truncated normal, stddev sqrt(2 / fan_in).")
LecunUniform = _scaling("LecunUniform", 1.0, "fan_in", "uniform",
                        "Uniform in +-sqrt(3 / fan_in).")
LecunNormal = _scaling("LecunNormal", 1.0, "fan_in", "truncated_normal",
                       "Truncated normal, stddev sqrt(1 / fan_in).")


class Orthogonal(Initializer):
    """A (semi-)orthogonal matrix times ``gain``, over the last axis against the rest."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def sample(self, shape, rng):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: needs a shape of rank >= 2, got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)


class Identity(Initializer):
    """The identity matrix times ``gain`` (Keras's ``Identity``, alias
    ``IdentityInitializer``): ones on the main diagonal of a 2-D shape, rectangular
    shapes included.

    Parameters
    ----------
    gain : float
        The diagonal's value.

    Notes
    -----
    As Keras's, ``get_config()`` is ``{}``: the gain is not in the config, so a model
    saved with ``Identity(gain=2.0)`` is read back (by Keras and by crossops) with gain 1.
    The result has the dtype asked for, integer and bool dtypes included (Keras's
    backends disagree there: float64, float32 or a TypeError).

    Examples
    --------
    >>> Identity(gain=2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    >>> Identity().get_config()
    {}
    """

    def __init__(self, gain=1.0):
        super().__init__(None)
        self.gain = gain

    def __call__(self, shape, dtype="float32"):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return super().__call__(shape, dtype)

    def sample(self, shape, rng):
        return self.gain * np.eye(*shape)

    def get_config(self):
        return {}


class STFT(Initializer):
    """Convolution kernels of a short-time Fourier transform (Keras's ``STFT``, alias
    ``STFTInitializer``): for a shape ``(T, C, F)``, the real (cosine) or imaginary
    (sine) part of the DFT of a ``T``-sample frame at ``F`` frequencies,
    ``cos(-2 pi t f / (2 (F - 1)))``, times a window scaled to unit L2 norm (density) or
    unit L1 norm (spectrum).

    Computed as Keras's, in the dtype asked for (the angles too: a float16 kernel is
    Keras's float16 kernel), on the host with NumPy.

    Parameters
    ----------
    side : {"real", "imag"}
    window : str, array_like or None
        A window of ``scipy.signal.get_window`` by name (needs SciPy), the window's ``T``
        values, or None (no window).
    scaling : {"density", "spectrum", None}
    periodic : bool
        Whether a named window is periodic (``fftbins`` of ``get_window``).

    Notes
    -----
    Keras's kernel is ``(T, 1, F)`` whatever ``C``; here it is broadcast to the shape asked
    for (every input channel the same kernel). Non-floating dtypes raise a ValueError
    (Keras's kernel is NaN there).

    Examples
    --------
    >>> k = STFT(window=None)((4, 1, 3))
    >>> k.shape, k[:, 0, 0].tolist()
    ((4, 1, 3), [1.0, 1.0, 1.0, 1.0])
    >>> STFT().get_config()
    {'side': 'real', 'window': 'hann', 'periodic': False, 'scaling': 'density'}
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        super().__init__(None)
        if side not in ["real", "imag"]:
            raise ValueError(f"side should be 'real' or 'imag', not {side}")
        if isinstance(window, str):
            _get_window(window, 1)  # raises for an unknown window
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise ValueError("Scaling is invalid, it must be `None`, 'density' or "
                             f"'spectrum'. Received scaling={scaling}")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype="float32"):
        shape = tuple(int(d) for d in shape)
        if len(shape) != 3:
            raise ValueError("STFT: the shape must be (frame_length, input_channels, "
                             f"fft_length // 2 + 1), got {shape}")
        d = _np_dtype(dtype)
        if not (np.issubdtype(d, np.floating) or d == ml_dtypes.bfloat16):
            raise ValueError(f"STFT: dtype must be a floating dtype, got {dtype!r}")
        frame_length, _, fft_length = shape
        with np.errstate(divide="ignore", invalid="ignore"):
            kernel = self._kernel(frame_length, fft_length, d)
        return np.ascontiguousarray(np.broadcast_to(kernel, shape))

    def _kernel(self, frame_length, fft_length, d):
        """Keras's computation, op by op in dtype ``d``."""
        win, scaling = None, None
        if self.window is not None:
            win = self.window
            if isinstance(win, str):
                win = _get_window(win, frame_length, self.periodic)
            win = np.asarray(win).astype(d)
            if win.ndim != 1 or win.shape[-1] != frame_length:
                raise ValueError("The shape of `window` must be equal to [frame_length]."
                                 f"Received: window shape={win.shape}")
            win = win.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scaling = np.sqrt(_sum(np.square(win), d))
            elif self.scaling == "spectrum":
                scaling = _sum(np.abs(win), d)
        freq = np.arange(fft_length, dtype=d).reshape(1, 1, fft_length) / \
            np.asarray((fft_length - 1) * 2).astype(d)
        time = np.arange(frame_length, dtype=d).reshape(frame_length, 1, 1)
        pi = np.arccos(np.asarray(-1).astype(d))
        args = (np.asarray(-2).astype(d) * time) * freq * pi
        kernel = (np.cos(args) if self.side == "real" else np.sin(args)).astype(d)
        if win is not None:
            kernel = kernel * win
            if scaling is not None:
                kernel = kernel / scaling
        return kernel

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic,
                "scaling": self.scaling}


def _sum(x, d):
    """The sum of ``x`` in dtype ``d``, half-precision floats accumulated in float32 (as
    the backends' reductions do)."""
    acc = np.float32 if np.dtype(d).itemsize < 4 else d
    return np.asarray(np.sum(x, dtype=acc)).astype(d)


def _get_window(window, length, periodic=False):
    """``scipy.signal.get_window`` (a window by name needs SciPy)."""
    try:
        from scipy.signal import get_window
    except ImportError:
        raise ImportError(f"STFT: the window {window!r} given by name needs SciPy "
                          "(scipy.signal.get_window); install scipy, or pass the window's "
                          "values") from None
    return get_window(window, length, periodic)


ALL = {c.__name__: c for c in (Zeros, Ones, Constant, RandomNormal, RandomUniform,
                               TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal,
                               HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
                               Identity, STFT)}

#: the names ``get`` knows: the classes', in snake case, and Keras's aliases
ALIASES = {snake_case(k): v for k, v in ALL.items()} | {
    "IdentityInitializer": Identity, "STFTInitializer": STFT,
    "OrthogonalInitializer": Orthogonal, "normal": RandomNormal, "uniform": RandomUniform,
    "one": Ones, "zero": Zeros}


def get(identifier) -> Initializer:
    """An initializer from a name (``"glorot_uniform"``, ``"GlorotUniform"``), a config
    dict, an instance or a callable ``(shape, dtype) -> array``.

    Examples
    --------
    >>> get("zeros")((2,)).tolist()
    [0.0, 0.0]
    """
    if isinstance(identifier, Initializer) or callable(identifier) and \
            not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, str):
        cls = ALL.get(identifier) or ALIASES.get(identifier)
        if cls is None:
            raise ValueError(f"unknown initializer {identifier!r}; known: {sorted(ALIASES)}")
        return cls()
    if isinstance(identifier, dict):
        name = identifier["class_name"]
        cls = ALL.get(name) or ALIASES.get(name)
        if cls is None:
            raise ValueError(f"unknown initializer {name!r}; known: {sorted(ALL)}")
        return cls.from_config(identifier.get("config", {}))
    raise TypeError(f"cannot interpret {identifier!r} as an initializer")


def serialize(init) -> dict:
    return {"class_name": type(init).__name__, "config": init.get_config()}
