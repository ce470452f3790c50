"""Generic implementations of the image ops, written with crossops ops (op name -> function).

Every image op runs this one implementation on every backend, so the four backends agree
(eager and compiled); the semantics are Keras's JAX backend's, and each function's
docstring says where crossops chose otherwise. Bad input raises TypeError / ValueError /
IndexError with a message that starts with the op's name (``image.resize: ...``).
"""

import functools

from ._color import COLOR
from ._filters import FILTERS
from ._patches import PATCHES
from ._resize import RESIZE
from ._sampling import SAMPLING, elastic_apply, elastic_noise

_PLAIN_ERRORS = (TypeError, ValueError, IndexError)


def naming_errors(f, op: str | None = None):
    """``f`` whose TypeError / ValueError / IndexError messages start with ``image.<op>:``
    (``op``: ``f``'s name by default)."""
    prefix = f"image.{op or f.__name__}: "

    @functools.wraps(f)
    def g(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except _PLAIN_ERRORS as e:
            if type(e) not in _PLAIN_ERRORS or str(e).startswith(prefix):
                raise
            raise type(e)(prefix + str(e)) from e

    return g


GENERIC: dict = {name: naming_errors(f)
                 for name, f in {**COLOR, **FILTERS, **PATCHES, **RESIZE, **SAMPLING}.items()}


def _elastic_host(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                  fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    """The host stage of ``elastic_transform``: its arguments checked and its noise drawn
    (NumPy), as the arguments of :func:`elastic_apply`."""
    noise = elastic_noise(images, sigma, interpolation, fill_mode, seed, data_format)
    return images, noise, alpha, sigma, interpolation, fill_mode, fill_value, data_format


# a backend that compiles generic implementations (JAX) compiles only elastic_transform's
# second stage, given the noise as an array: a new seed needs no new compilation
GENERIC["elastic_transform"].stages = (
    naming_errors(_elastic_host, "elastic_transform"),
    naming_errors(elastic_apply, "elastic_transform"), ("images", "noise"))
