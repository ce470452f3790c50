"""Generic implementations of the nn ops, written with crossops ops (op name -> function)."""

from ._activations import ACTIVATIONS
from ._normalization import OTHERS
from ._spatial import SPATIAL

GENERIC: dict = {**ACTIVATIONS, **OTHERS, **SPATIAL}
