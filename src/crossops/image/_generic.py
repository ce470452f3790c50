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
from ._sampling import SAMPLING

_PLAIN_ERRORS = (TypeError, ValueError, IndexError)


def naming_errors(f):
    """``f`` whose TypeError / ValueError / IndexError messages start with ``image.<op>:``."""
    prefix = f"image.{f.__name__}: "

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
