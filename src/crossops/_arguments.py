"""Checks of an op's arguments, off the hot path: they run when a call's argument types are
first seen, or after a call has failed, to give the error a user can act on.

- :func:`check_array_types`, from the dispatch table when it meets a new combination of
  argument types: an array argument that is a string, ``None`` (unless the parameter is
  optional), a dict or an object with no array protocol raises a TypeError naming the op
  and the parameter, on every backend alike (before, each framework raised its own error,
  or NumPy quietly returned ``None`` for ``sum(None)``).
- :func:`diagnose`, from an op's failure path with the call's arguments: an axis of the
  wrong type is a TypeError and an axis outside ``[-ndim - 1, ndim]`` an
  :class:`~crossops._errors.OpAxisError`, whatever the framework raised (JAX's
  ``IndexError: tuple index out of range``, its ``NameError`` about ``psum``).

Examples
--------
>>> import numpy as np, crossops.numpy as xnp
>>> try:
...     xnp.sum(np.ones((2, 3)), axis=5)
... except IndexError as e:
...     print(e)
sum: axis 5 is out of bounds for an array of 2 dimensions
"""

from __future__ import annotations

import numbers

import numpy as np

from ._backend import backend_of_type
from ._errors import OpAxisError
from ._host import host_constant
from ._spec import OpSpec

#: parameters holding an axis, or a tuple of axes, of the op's first array
AXIS_PARAMS = ("axis", "axes", "axis1", "axis2", "source", "destination")

#: attributes (of the type) by which an object offers itself as an array or a number
_PROTOCOLS = ("__array__", "__array_interface__", "__array_struct__", "__dlpack__",
              "__array_namespace__", "__jax_array__", "__tf_tensor__", "__float__",
              "__index__", "__complex__")
_NEVER = (str, bytes, bytearray, dict, set, frozenset)
_HOST = (bool, numbers.Number, list, tuple, np.ndarray, np.generic)
#: array parameters that also take other values: a dtype (astype), a window's or a
#: binning's name, einsum's subscripts, a seed (an int, None or a SeedGenerator)
_ALSO_OTHER = {"window", "bins", "subscripts", "seed", "dtype"}
#: ops whose array parameters take anything: dtypes (astype, finfo, can_cast ...), pytrees
#: (control flow, the core utilities) and seeds (random)
_UNCHECKED_GROUPS = {"core", "random"}


def takes_as_array(t: type) -> bool:
    """Whether arguments of type ``t`` may stand for an array."""
    if issubclass(t, _NEVER):
        return False
    return (issubclass(t, _HOST) or backend_of_type(t) is not None
            or any(hasattr(t, a) for a in _PROTOCOLS))


def _key_names(spec: OpSpec, n: int) -> list[str] | None:
    """The parameter of each of the ``n`` types a call's cache key holds: the single array
    parameters, then the elements of the one sequence (``*operands``, ``concat``'s arrays),
    as ``scripts/gen_ops.py`` lays the key out; None for two sequences."""
    params = spec.parameters
    singles = [a for a in spec.arrays
               if params[a].kind is not params[a].VAR_POSITIONAL and a not in spec.sequences]
    seqs = [a for a in spec.arrays if a not in singles] + [
        s for s in spec.sequences if s not in spec.arrays]
    if not seqs:
        return singles if len(singles) == n else None
    if len(seqs) > 1 or n < len(singles):
        return None
    return singles + seqs * (n - len(singles))


def check_array_types(spec: OpSpec, types: tuple) -> None:
    """Raise TypeError where one of ``types`` (the types of a call's array arguments, in
    the order of ``spec.arrays``, or the elements of a sequence) cannot be an array."""
    if not checks_values(spec):
        return
    params = spec.parameters
    names = _key_names(spec, len(types))
    if names is None:
        return  # a layout this check does not know: the op judges its arguments
    for name, t in zip(names, types):
        if takes_as_array(t) or name in _ALSO_OTHER:
            continue
        several = params[name].kind is params[name].VAR_POSITIONAL or name in spec.sequences
        if t is type(None) and not several and params[name].default is None:
            continue  # an optional array left out
        what = f"each element of {name!r}" if several else f"argument {name!r}"
        raise TypeError(f"{spec.qualname}: {what} must be an array, a Python number or a "
                        f"(nested) list of numbers; got {t.__name__}")


def _host_error(spec: OpSpec, name: str, value, element: bool = False) -> Exception | None:
    """What is wrong with ``value``, given for array parameter ``name`` (an element of it,
    a sequence of arrays, with ``element``), or None."""
    optional = not element and spec.parameters[name].default is None
    if isinstance(value, _NEVER) or (value is None and not optional) or not (
            value is None or takes_as_array(type(value))):
        what = f"each element of {name!r}" if element else f"argument {name!r}"
        return TypeError(f"{spec.qualname}: {what} must be an array, a Python number or a "
                         f"(nested) list of numbers; got {type(value).__name__}")
    if not isinstance(value, list | tuple) or not all(
            isinstance(v, list | tuple | bool | numbers.Number | str | bytes | np.generic)
            for v in value):
        return None  # not a list, or a list of arrays (lexsort's keys): the op judges them
    kind = _list_kind(value)
    if kind == "ragged":
        return ValueError(f"{spec.qualname}: argument {name!r} is not a rectangular nested "
                          "list of numbers (each inner list must have the same length)")
    if kind in "USO":  # (not "V": ml_dtypes' bfloat16 is of kind "V")
        return TypeError(f"{spec.qualname}: argument {name!r} must hold numbers; got a list "
                         f"of {'strings' if kind in 'US' else 'objects'}")
    return None


@host_constant
def _list_kind(value: list | tuple) -> str:
    """NumPy's dtype kind of a nested list of Python scalars (``"f"``, ``"i"``, ``"U"``
    ...), ``"ragged"`` when it is not rectangular, ``""`` when arrays of another framework
    lie inside (the framework judges them)."""
    try:
        return np.asarray(value).dtype.kind
    except ValueError:
        return "ragged"
    except TypeError:
        return ""


def checks_values(spec: OpSpec) -> bool:
    """Whether ``spec``'s array parameters take arrays only (not dtypes, pytrees, seeds)."""
    return spec.dispatch != "dtype" and spec.group not in _UNCHECKED_GROUPS


def _array_error(spec: OpSpec, arguments: dict) -> Exception | None:
    """What is wrong with the values given for ``spec``'s array parameters, or None."""
    params = spec.parameters
    for name in spec.arrays + spec.sequences:
        if name not in arguments or name in _ALSO_OTHER:
            continue
        value = arguments[name]
        several = params[name].kind is params[name].VAR_POSITIONAL or name in spec.sequences
        for v in (value if several and isinstance(value, list | tuple) else [value]):
            error = _host_error(spec, name, v, several)
            if error is not None:
                return error
    return None


def check_lists(spec: OpSpec, args: tuple, kwargs: dict) -> None:
    """Raise where a call's list for an array parameter holds strings or objects, or is
    ragged (run for calls with lists only: a framework would take strings or fail
    obscurely)."""
    names = spec.params
    arguments = dict(zip(names, args))
    star = [p.name for p in spec.parameters.values() if p.kind is p.VAR_POSITIONAL]
    if star:
        arguments[star[0]] = args[names.index(star[0]):]
    arguments.update(kwargs)
    error = _array_error(spec, arguments)
    if error is not None:
        raise error


def axis_params(spec: OpSpec) -> list[str]:
    """The parameters of ``spec``'s op that hold axes of its first array (tensordot's
    ``axes`` is a count of axes, or two lists of them; matvec's and vecmat's, NumPy's
    gufunc ``axes``, a list of each operand's: not one)."""
    return [p for p in AXIS_PARAMS if p in spec.parameters
            and not (p == "axes" and spec.name in ("tensordot", "matvec", "vecmat"))]


#: the types of a value for a parameter holding axes that are, or may hold, a bool: the
#: generated functions hand such a value to :func:`refuse_bool_axis` (an int or None costs
#: one set lookup of its type; the C front of ``crossops._fastpath`` takes only calls whose
#: axes are None, ints or tuples and lists of ints)
BOOL_AXIS_TYPES = frozenset({bool, np.bool_, tuple, list})
_BOOLS = (bool, np.bool_)


def refuse_bool_axis(op: str, name: str, value: object) -> None:
    """Raise TypeError where ``value``, given for ``op``'s parameter ``name`` that holds
    axes, is a bool, or a tuple or list holding one (NumPy's C functions refuse them, its
    Python ones read True as axis 1, as some frameworks do: crossops refuses them
    everywhere); return for anything else (the op judges it).

    Examples
    --------
    >>> refuse_bool_axis("sum", "axis", (0, 1))
    >>> refuse_bool_axis("sum", "axis", (True, 0))
    Traceback (most recent call last):
    ...
    TypeError: sum: axis must be an int (or ints), not a bool
    """
    if type(value) in _BOOLS:
        raise TypeError(f"{op}: {name} must be an int (or ints), not a bool")
    if isinstance(value, tuple | list):
        for a in value:  # a loop, which torch.compile traces
            if type(a) in _BOOLS:
                raise TypeError(f"{op}: {name} must be an int (or ints), not a bool")


def _ndim(value, sequence: bool = False) -> int | None:
    """The number of dimensions of an array argument (of its first array, for a sequence
    of arrays), or None where it cannot be told."""
    if sequence:
        return _ndim(value[0]) if isinstance(value, list | tuple) and value else None
    shape = getattr(value, "shape", None)
    if shape is not None:
        try:
            return len(shape)
        except TypeError:  # an unknown rank (TensorFlow graphs)
            return None
    try:
        return np.ndim(value)
    except (ValueError, TypeError):  # ragged, or arrays of several frameworks inside
        return None


def _axes(value) -> list | None:
    """The axes in ``value`` (an int or a sequence of ints), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return [int(value)]
    if isinstance(value, list | tuple) and all(
            isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in value):
        return [int(a) for a in value]
    return None


def diagnose(spec: OpSpec, arguments: dict) -> Exception | None:
    """The error a failed call of ``spec``'s op should raise, judged from its arguments
    (parameter name -> value), or None where they look right."""
    if checks_values(spec):
        error = _array_error(spec, arguments)
        if error is not None:
            return error
    first = next((a for a in spec.arrays + spec.sequences if a in arguments), None)
    ndim = None if first is None else _ndim(arguments[first], first in spec.sequences)
    for param in axis_params(spec):
        if param not in arguments or arguments[param] is None:
            continue
        value = arguments[param]
        axes = _axes(value)
        if axes is None:
            return TypeError(f"{spec.qualname}: {param} must be an int or a tuple of ints, "
                             f"got {value!r}")
        if ndim is not None:
            for a in axes:
                if not -ndim - 1 <= a <= ndim:
                    return OpAxisError(f"{spec.qualname}: {param} {a} is out of bounds for "
                                       f"an array of {ndim} dimensions")
    if spec.dispatch == "creation":
        return _creation_error(spec, arguments)
    return _shape_error(spec.qualname, arguments.get("shape"))


def _shape_error(op: str, shape, sizes: bool = False) -> Exception | None:
    """What is wrong with a ``shape`` argument (None: not given); with ``sizes``, a
    negative entry too (a new array's shape, where reshape's -1 has no place)."""
    if shape is None:
        return None
    dims = _axes(shape)
    if dims is None:
        return TypeError(f"{op}: shape must be an int or a tuple of ints, got {shape!r}")
    if sizes and any(d < 0 for d in dims):
        return ValueError(f"{op}: negative dimensions are not allowed, got shape {shape!r}")
    if any(d < -1 for d in dims) or dims.count(-1) > 1:  # reshape's -1, as Keras checks it
        return ValueError(f"{op}: each size in shape must be a non-negative integer, or -1 "
                          f"for at most one unknown size, got shape {shape!r}")
    return None


#: the creation functions' parameters that hold one count (eye's rows, linspace's samples)
_COUNTS = ("n_rows", "n_cols", "num", "N", "M")


def _creation_error(spec: OpSpec, arguments: dict) -> Exception | None:
    """What is wrong with a failed creation call's shape, counts, step or fill value (the
    backends' own messages and types differ: torch's, TensorFlow's kernels')."""
    op = spec.qualname
    error = _shape_error(op, arguments.get("shape"), sizes=True)
    if error is not None:
        return error
    for name in _COUNTS:
        value = arguments.get(name)
        if value is None or name not in spec.parameters:
            continue
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            return TypeError(f"{op}: {name} must be an int, got {value!r}")
        if value < 0:
            return ValueError(f"{op}: {name} must not be negative, got {value}")
    if spec.name == "arange" and isinstance(arguments.get("step"), numbers.Number) and \
            arguments["step"] == 0:
        return ZeroDivisionError("arange: step must not be zero (as NumPy's arange)")
    fill = arguments.get("fill_value")
    if isinstance(fill, str | bytes):
        return TypeError(f"{op}: fill_value must be a number, got {type(fill).__name__}")
    return None
