"""crossops's own settings, as Keras has them: ``floatx``, ``epsilon`` and the default
``image_data_format``; and the one check of a ``data_format`` argument.

They are crossops's settings, never a framework's: setting them changes what crossops
does with ``dtype=None`` in the Keras-style ops and with ``data_format=None``, nothing
else.

Examples
--------
>>> from crossops import config
>>> config.image_data_format()
'channels_last'
>>> config.standardize_data_format(None)
'channels_last'
"""

from __future__ import annotations

_FLOATX = ("float16", "bfloat16", "float32", "float64")
DATA_FORMATS = ("channels_last", "channels_first")

_settings = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last",
             "random_generator": "portable"}

RANDOM_GENERATORS = ("portable", "native")


def random_generator() -> str:
    """Which generator ``crossops.random`` draws with: ``"portable"`` (the default:
    Threefry-2x32 written with crossops ops, the same numbers on every backend, eager and
    compiled, for every random op and ``split``) or ``"native"`` (each framework's own
    generator: faster in eager torch and TensorFlow, different numbers per backend)."""
    return _settings["random_generator"]


def set_random_generator(value: str) -> None:
    """Set :func:`random_generator`: ``"portable"`` or ``"native"``."""
    if value not in RANDOM_GENERATORS:
        raise ValueError(f"set_random_generator: value must be one of {RANDOM_GENERATORS}, "
                         f"got {value!r}")
    _settings["random_generator"] = value


def floatx() -> str:
    """The default float dtype of the Keras-style ops, as a name (``"float32"``)."""
    return _settings["floatx"]


def set_floatx(value: str) -> None:
    """Set :func:`floatx`: one of ``"float16"``, ``"bfloat16"``, ``"float32"``,
    ``"float64"``."""
    value = str(value)
    if value not in _FLOATX:
        raise ValueError(f"set_floatx: value must be one of {_FLOATX}, got {value!r}")
    _settings["floatx"] = value


def epsilon() -> float:
    """The fuzz factor of the numerically guarded ops (``1e-7``, as Keras)."""
    return _settings["epsilon"]


def set_epsilon(value: float) -> None:
    """Set :func:`epsilon`."""
    _settings["epsilon"] = float(value)


def image_data_format() -> str:
    """What ``data_format=None`` means: ``"channels_last"`` unless set otherwise."""
    return _settings["image_data_format"]


def set_image_data_format(value: str) -> None:
    """Set :func:`image_data_format`: ``"channels_last"`` or ``"channels_first"``."""
    _settings["image_data_format"] = standardize_data_format(value, "set_image_data_format")


def standardize_data_format(value: str | None, op: str = "") -> str:
    """``value`` checked, and None read as :func:`image_data_format`.

    Raises
    ------
    ValueError
        If ``value`` is neither None, ``"channels_last"`` nor ``"channels_first"``; the
        message names ``op``.
    """
    if value is None:
        return _settings["image_data_format"]
    lowered = value.lower() if isinstance(value, str) else value
    if lowered not in DATA_FORMATS:
        where = f"{op}: " if op else ""
        raise ValueError(f'{where}data_format must be "channels_last" or "channels_first" (or '
                         f"None, which means config.image_data_format()), got {value!r}")
    return lowered
