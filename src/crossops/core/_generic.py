"""Generic implementations of the core ops, written with crossops ops or over each
backend's control-flow primitives (op name -> function; spec/core.toml)."""

from ._control_flow import GENERIC as _CONTROL_FLOW
from ._conversion import GENERIC as _CONVERSION

GENERIC: dict = {**_CONTROL_FLOW, **_CONVERSION}
