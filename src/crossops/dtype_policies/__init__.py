"""``crossops.dtype_policies``: Keras 3's dtype policies, which say in which dtype a layer
keeps its weights (``variable_dtype``) and computes (``compute_dtype``).

A plain dtype name (``"float32"``, ``"bfloat16"``) uses that dtype for both; ``"mixed_float16"``
and ``"mixed_bfloat16"`` keep float32 weights and compute in the half-precision dtype (the
layer casts its floating inputs, and the weights it reads during its call, to it).

The global policy (``set_dtype_policy`` / ``dtype_policy``, as ``keras.config``) is the
default of every layer made afterwards; it is one module-level value, as in Keras, and no
framework's own setting is touched.

Examples
--------
>>> from crossops.dtype_policies import DTypePolicy
>>> p = DTypePolicy("mixed_bfloat16")
>>> p.compute_dtype, p.variable_dtype
('bfloat16', 'float32')
"""

from __future__ import annotations

from .._config import floatx
from .._dtypes import dtype_name, kind

__all__ = ["DTypePolicy", "dtype_policy", "get", "set_dtype_policy"]

#: the dtypes that a policy's compute dtype may be and that need float32 weights to train
LOW_PRECISION = ("float16", "bfloat16")


class DTypePolicy:
    """A dtype policy: ``name``, ``compute_dtype`` and ``variable_dtype``.

    Parameters
    ----------
    name : str or dtype, optional
        ``"mixed_float16"``, ``"mixed_bfloat16"`` or a floating dtype name (``"float32"``,
        ``"float16"``, ``"bfloat16"``, ``"float64"``); default ``"float32"``.
    """

    def __init__(self, name=None):
        if isinstance(name, DTypePolicy):
            name = name.name
        if name is None:
            name = "float32"
        if isinstance(name, str) and name.startswith("mixed_"):
            compute = name.removeprefix("mixed_")
            if compute not in LOW_PRECISION:
                raise ValueError(f"DTypePolicy: unknown mixed policy {name!r}; use "
                                 "'mixed_float16' or 'mixed_bfloat16'")
            variable = "float32"
        else:
            try:
                compute = variable = name = dtype_name(name)
            except TypeError:
                raise ValueError(f"DTypePolicy: {name!r} is neither a dtype nor "
                                 "'mixed_float16' / 'mixed_bfloat16'") from None
        self._name = name
        self._compute_dtype = compute
        self._variable_dtype = variable

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> str:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._variable_dtype

    @property
    def is_mixed(self) -> bool:
        """Whether the compute dtype differs from the variable dtype."""
        return self._compute_dtype != self._variable_dtype

    @property
    def is_floating(self) -> bool:
        return kind(self._compute_dtype) == "f"

    def get_config(self) -> dict:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self):
        return hash(("DTypePolicy", self._name))

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'


# the global policy: one module-level value (Keras's global attribute); None means
# floatx's dtype (Keras's default; Keras also fixes it at the first read, crossops does not)
_GLOBAL: list = [None]
_DEFAULTS: dict = {}


def set_dtype_policy(policy) -> None:
    """Set the default policy of the layers made from now on (a name or a DTypePolicy);
    ``None`` restores the default (``floatx()``'s dtype)."""
    _GLOBAL[0] = None if policy is None else get(policy)


def dtype_policy() -> DTypePolicy:
    """The global dtype policy (unless set, ``crossops.config.floatx()``'s dtype:
    ``"float32"``)."""
    policy = _GLOBAL[0]
    if policy is None:
        name = floatx()
        policy = _DEFAULTS.get(name) or _DEFAULTS.setdefault(name, DTypePolicy(name))
    return policy


def get(identifier=None) -> DTypePolicy:
    """A policy from a name, a dtype, a DTypePolicy or a config dict; ``None`` gives the
    global policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return DTypePolicy.from_config(identifier.get("config", identifier))
    return DTypePolicy(identifier)
