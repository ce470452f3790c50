"""Errors from inside a backend call, made to name the op and to be of the usual type.

Python's own exception types (TypeError, ValueError, IndexError ...) keep their type and
get the op's name in front of their message. A framework's own error (a TensorFlow
``InvalidArgumentError``, a torch ``RuntimeError``) becomes the usual Python type by the
backend module's ``ERRORS`` table; the crossops error classes below also derive from the
framework's class where that is a Python built-in, so existing handlers still catch them.
"""

from __future__ import annotations

import re

_STANDARD = (TypeError, ValueError, IndexError, KeyError, NotImplementedError,
             ArithmeticError, AttributeError)


class OpValueError(ValueError, RuntimeError):
    """Bad shapes or values for an op (a ValueError; also a RuntimeError, as torch raises)."""


class OpAxisError(OpValueError, IndexError):
    """An axis out of range for an op: a ValueError and an IndexError, as NumPy's AxisError
    (also a RuntimeError); Keras's backends raise either."""


class OpTypeError(TypeError, RuntimeError):
    """A dtype or type an op does not take on a backend (a TypeError; also a RuntimeError)."""


class OpFloat8Error(OpTypeError, ValueError):
    """A float8 array where the backend has no kernel for the op (TensorFlow has none for
    float8 arithmetic): a TypeError, as for any dtype a kernel lacks, and a ValueError, as
    Keras raises it there ("no implicit conversion from float8 dtypes")."""


#: an axis out of range, as NumPy, JAX, crossops's TensorFlow namespace and torch say it
_AXIS_OUT = re.compile(r"axis\W*-?\d+ is out of bounds|Dimension out of range")
_TORCH_AXIS = re.compile(r"Dimension out of range \(expected to be in range of "
                         r"\[(-?\d+), (-?\d+)\], but got (-?\d+)\)")
#: TensorFlow's kernels' words (softmax, log_softmax: an InvalidArgumentError)
_TF_AXIS = re.compile(r"`dim` must be in the range \[-?\d+, \d+\) where (\d+) is the number "
                      r"of dimensions in the input\. Received: dim=(-?\d+)")


def _axis_message(msg: str) -> str:
    """torch's and TensorFlow's axis messages in NumPy's words (the others already use
    them)."""
    m = _TORCH_AXIS.search(msg)
    if m is not None:
        return f"axis {m[3]} is out of bounds for an array of {int(m[2]) + 1} dimensions"
    m = _TF_AXIS.search(msg)
    if m is not None:
        return f"axis {m[2]} is out of bounds for an array of {m[1]} dimensions"
    return msg


def raised_in(e: BaseException, package: str) -> bool:
    """Whether the innermost frame of ``e``'s traceback is in ``package`` (``"jax"``)."""
    tb = e.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    name = tb.tb_frame.f_globals.get("__name__", "")
    return name == package or name.startswith(package + ".")


def raise_for_op(name: str, e: BaseException, backends) -> None:
    """Re-raise ``e`` from op ``name`` as described in the module docstring.

    An axis out of range is an :class:`OpAxisError` on every backend. ``backends`` are the
    loaded backend modules; each may have ``translate_error(e)`` returning the crossops
    error class for a framework error (or for a built-in one it raises with another type
    than the other frameworks), or None.
    """
    if isinstance(e, (OpValueError, OpTypeError)):  # crossops's own, from an op inside
        if e.args and isinstance(e.args[0], str) and not e.args[0].startswith(name):
            e.args = (f"{name}: {e.args[0]}",) + e.args[1:]
        raise e
    text = str(e)
    if (isinstance(e, (ValueError, IndexError, RuntimeError)) and _AXIS_OUT.search(text)
            or _TF_AXIS.search(text)):
        msg = _axis_message(text.strip().split("\n")[0])
        raise OpAxisError(msg if msg.startswith(name) else f"{name}: {msg}") from e
    for mod in backends:
        translate = getattr(mod, "translate_error", None)
        cls = translate(e) if translate else None
        if cls is not None:
            clean = getattr(mod, "error_message", None)
            msg = (clean(e) if clean else str(e).strip().split("\n")[0]) or type(e).__name__
            raise cls(msg if msg.startswith(name) else f"{name}: {msg}") from e
    if isinstance(e, _STANDARD) and not isinstance(e, RuntimeError):
        if e.args and isinstance(e.args[0], str) and not e.args[0].startswith(name):
            e.args = (f"{name}: {e.args[0]}",) + e.args[1:]
        raise e
    e.add_note(f"raised in crossops op {name}")
    raise e
