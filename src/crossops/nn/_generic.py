"""Generic implementations of the nn ops, written with crossops ops (op name -> function)."""

from ._activations import ACTIVATIONS
from ._conv import CONV
from ._ctc import CTC
from ._fold import FOLD
from ._normalization import OTHERS
from ._pooling import POOLING
from ._spatial import SPATIAL

GENERIC: dict = {**ACTIVATIONS, **OTHERS, **SPATIAL, **CONV, **POOLING, **FOLD, **CTC}
