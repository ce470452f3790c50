"""Errors from inside a backend call, made to name the op and to be of the usual type.

Python's own exception types (TypeError, ValueError, IndexError ...) keep their type and
get the op's name in front of their message. A framework's own error (a TensorFlow
``InvalidArgumentError``, a torch ``RuntimeError``) becomes the usual Python type by the
backend module's ``ERRORS`` table; the crossops error classes below also derive from the
framework's class where that is a Python built-in, so existing handlers still catch them.
"""

from __future__ import annotations

_STANDARD = (TypeError, ValueError, IndexError, KeyError, NotImplementedError,
             ArithmeticError, AttributeError)


class OpValueError(ValueError, RuntimeError):
    """Bad shapes or values for an op (a ValueError; also a RuntimeError, as torch raises)."""


class OpAxisError(OpValueError, IndexError):
    """An axis out of range for an op: a ValueError and an IndexError, as NumPy's AxisError
    (also a RuntimeError); Keras's backends raise either."""


class OpTypeError(TypeError, RuntimeError):
    """A dtype or type an op does not take on a backend (a TypeError; also a RuntimeError)."""


def raise_for_op(name: str, e: BaseException, backends) -> None:
    """Re-raise ``e`` from op ``name`` as described in the module docstring.

    ``backends`` are the loaded backend modules; each may have ``translate_error(e)``
    returning the crossops error class for a framework error, or None.
    """
    if isinstance(e, _STANDARD) and not isinstance(e, RuntimeError):
        if e.args and isinstance(e.args[0], str) and not e.args[0].startswith(name):
            e.args = (f"{name}: {e.args[0]}",) + e.args[1:]
        raise e
    for mod in backends:
        translate = getattr(mod, "translate_error", None)
        cls = translate(e) if translate else None
        if cls is not None:
            clean = getattr(mod, "error_message", None)
            msg = clean(e) if clean else str(e).strip().split("\n")[0]
            raise cls(f"{name}: {msg or type(e).__name__}") from e
    e.add_note(f"raised in crossops op {name}")
    raise e
