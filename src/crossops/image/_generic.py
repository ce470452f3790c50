"""Generic implementations of the image ops, written with crossops ops (op name -> function).

Every image op runs this one implementation on every backend, so the four backends agree
(eager and compiled); the semantics are Keras's JAX backend's, and each function's
docstring says where crossops chose otherwise.
"""

from ._color import COLOR
from ._filters import FILTERS
from ._patches import PATCHES
from ._resize import RESIZE
from ._sampling import SAMPLING

GENERIC: dict = {**COLOR, **FILTERS, **PATCHES, **RESIZE, **SAMPLING}
