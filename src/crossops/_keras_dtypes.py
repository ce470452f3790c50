"""Keras 3's dtype rules, which ``crossops.ops`` follows where they differ from NumPy's.

``crossops.numpy`` promotes as NumPy 2 does; ``keras.ops`` has rules of its own, the same on
every backend, and ``crossops.ops`` keeps them:

- a Python ``int`` is ``int32`` and a Python ``float`` is :func:`crossops.config.floatx`
  (``float32``) when it stands alone or meets only other Python scalars; next to an array
  it stays weak (``int8 array + 1`` is ``int8``), except that a ``float`` turns a bool or
  integer array into ``floatx`` and an ``int`` turns a bool array into ``int32``;
- the ops that compute in floating point (``sqrt``, ``mean``, ``divide``, ``arctan2``, ...)
  give ``floatx`` for bool and integer inputs, of every width (NumPy gives float16 for
  int8 and float64 for int64);
- ``sum``, ``prod``, ``trace``, ``nansum`` and ``nanprod`` accumulate bool, int8 and int16
  in ``int32``, uint8 and uint16 in ``uint32``, and keep ``int32`` and ``uint32`` (NumPy and
  PyTorch widen those to 64 bits); ``cumsum``, ``cumprod``, ``nancumsum`` and ``nancumprod``
  keep the input's dtype (bool: ``int32``);
- ``append`` and ``outer`` treat Python scalars as ``add`` does, and a scalar beside an
  array takes the array's dtype;
- ``vander`` and ``unravel_index`` keep the input's dtype; ``bincount`` counts in ``int32``;
- ``matmul`` and ``einsum`` of int8 by int8 give ``int32``; ``square`` and ``clip`` of
  bool give ``int32``;
- ``concatenate``, ``stack``, ``hstack`` ... promote their arrays together by the table
  (``[float16, int16]`` is float16; NumPy makes it float32), and so does
  ``dot_product_attention`` its query, key and value;
- ``convert_to_tensor`` makes Python ints ``int32`` and Python floats ``floatx``;
- the creation functions give ``floatx`` unless told otherwise (``full((2,), 1)`` too),
  ``arange`` gives ``int32`` for Python ints and a NumPy scalar's own dtype for one,
  and ``logspace`` gives ``floatx`` unless ``start`` or ``stop`` is a float array;
- ``argmax``, ``argmin`` and ``argsort`` give ``int32`` indices (``where(condition)``
  too), and ``where(condition, x1, x2)`` treats Python scalars as ``add`` does.

One rule of Keras is not followed: its ``result_type`` narrows 64-bit results to 32 bits on
every backend but TensorFlow, so that uint32 with int8, int16 or int32 gives int32 there;
crossops gives int64, as its promotion table does everywhere (64-bit types are never
narrowed silently).

Each op of ``crossops.ops`` that has such a rule names it in the spec (``keras_dtype``), and
``scripts/gen_ops.py`` writes the call of the one function below that applies it. The
functions change only what Keras changes: float inputs pass through untouched, so that a
call on float arrays costs one dtype lookup.

Examples
--------
>>> import numpy as np
>>> from crossops import ops
>>> ops.sqrt(np.array([4], np.int8)).dtype
dtype('float32')
>>> ops.add(np.array([1], np.int32), 1.5).dtype
dtype('float32')
>>> ops.arange(3).dtype
dtype('int32')
"""

from __future__ import annotations

from . import _backend
from ._backend import backend_chapter
from ._config import floatx
from ._dispatch import native_dtype as _native
from ._dtypes import (
    FLOAT8,
    PY_INTS_OR_NONE,
    PY_SCALARS_OR_NONE,
    dtype_name,
    is_inexact,
    is_not_bool,
    kind,
    result_name,
)
from .numpy._namespace import numpy_namespace

#: the Python scalar types, weak in Keras's promotion as in NumPy's
_PY = (bool, int, float)
#: Keras's accumulator of ``sum`` and ``prod`` for the narrow integer types
_ACCUMULATOR = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32",
                "uint16": "uint32", "int32": "int32", "uint32": "uint32"}


_xnp = numpy_namespace


def keras_dtype(dtype, backend: str):
    """``dtype`` with the Python types read as keras.ops reads them on ``backend``:
    ``int`` and ``"int"`` are int32 (int64 on tensorflow), ``float`` float32, ``complex``
    complex64 (complex128 on tensorflow); NumPy, and crossops.numpy, read them as int64,
    float64 and complex128. Every other dtype as it is."""
    if dtype is int or (type(dtype) is str and dtype == "int"):
        return _python_dtype(backend, "INT", "int32")
    if dtype is float:
        return "float32"
    if dtype is complex:
        return _python_dtype(backend, "COMPLEX", "complex64")
    return dtype


def _python_dtype(backend: str | None, name: str, default: str) -> str:
    """The dtype that ``backend``'s ``keras_dtypes`` chapter gives a Python type as (its
    constant ``name``: tensorflow's ``INT`` is int64), else ``default``."""
    if backend is None:
        return default
    return getattr(backend_chapter(backend, "keras_dtypes"), name, default)


def native_dtype(backend: str, dtype):
    """``dtype`` as ``backend``'s dtype object, the Python types read as keras.ops reads
    them (:func:`keras_dtype`; a name other than ``"int"`` as it is, without that frame:
    creation functions give floatx's name on every call)."""
    if type(dtype) is not str or dtype == "int":
        dtype = keras_dtype(dtype, backend)
    return _native(backend, dtype)


def _kind(value) -> str:
    """b, i, u, f or c for an array or NumPy scalar; for a Python scalar its own letter
    (``b`` bool, ``i`` int, ``f`` float, ``c`` complex)."""
    t = type(value)
    if t is bool:
        return "b"
    if t is int:
        return "i"
    if t is float:
        return "f"
    if t is complex:
        return "c"
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return "o"  # a list or other sequence: left to the op
    return kind(dtype_name(dtype))


def python_scalar_dtype(value) -> str:
    """The dtype Keras gives a Python scalar alone: bool, int32 or floatx."""
    if type(value) is bool:
        return "bool"
    return "int32" if type(value) is int else floatx()


def _as(value, name: str):
    """``value`` (an array, or a Python scalar on the default backend) as ``name``."""
    xnp = _xnp()
    if type(value) in _PY:
        return xnp.asarray(value, dtype=name)
    return value if dtype_name(value.dtype) == name else xnp.astype(value, name)


#: the rules whose functions change only some dtypes of an op's (first) array argument and
#: nothing else, given arrays of one dtype: rule -> whether a dtype (its name) is left
#: alone. Python scalars are not arrays: they never take a C front's fast call.
_UNCHANGED = {
    "float": is_inexact,
    "float2": is_inexact,
    "divide": is_inexact,
    "cumulative": is_inexact,
    "weak_int": is_not_bool,
    "bool_int32": is_not_bool,
    "int8": lambda name: name != "int8",
    "accumulate": lambda name: name not in _ACCUMULATOR,
    # (the input: the result is cast to int32, by the C front too: see gen_ops's
    # _RESULT_FRONTS)
    "index": is_not_bool,
}
def unchanged_dtypes(rule: str) -> set | None:
    """The native dtypes, of every loaded backend, on which Keras's dtype rule ``rule``
    changes nothing (a live set: it grows as backends load), or None for a rule not
    known to act on the array's dtype alone. A C front of a keras.ops form takes the fast
    call only for arrays of these dtypes (``crossops._accel.accelerate``); the others go
    to the form, which applies the rule."""
    keep = _UNCHANGED.get(rule)
    return None if keep is None else _backend.native_dtypes_where(keep)


def float_input(x):
    """``x`` for an op that computes in floating point: bool and integer arrays (and
    Python numbers) as floatx; float and complex arrays unchanged."""
    k = _kind(x)
    return _as(x, floatx()) if k in "biu" or (k == "f" and type(x) is float) else x


def quantile_inputs(x, q):
    """``x`` as ``float_input`` makes it, and ``q`` (an array, a list or a NumPy array: not
    a Python number, which stays weak) read in x's float dtype: Keras computes a quantile in
    its input's float dtype, whatever ``q``'s (crossops.numpy joins q's dtype, as NumPy)."""
    x = float_input(x)
    if type(q) in _PY:
        return x, q
    xnp = _xnp()
    return x, xnp.astype(xnp.asarray(q, like=x), dtype_name(x.dtype))


def float_inputs(x1, x2):
    """Both operands of a binary op that computes in floating point (``arctan2``,
    ``divide``): Python numbers become arrays first (int32, floatx: Keras converts them
    before it promotes, so ``arctan2(float16, 1.0)`` is float32), then both become floatx
    when neither is a float (or complex) array. A ``None`` second operand (``average``'s
    ``weights``) stays None."""
    if x2 is None:
        return float_input(x1), None
    if type(x1) in _PY:
        x1 = _as(x1, python_scalar_dtype(x1))
    if type(x2) in _PY:
        x2 = _as(x2, python_scalar_dtype(x2))
    if _kind(x1) in "fc" or _kind(x2) in "fc":
        return x1, x2
    return _as(x1, floatx()), _as(x2, floatx())


def weak_inputs(x1, x2):
    """The operands of a binary element-wise op under Keras's promotion of Python
    scalars: two Python scalars become arrays (int32, floatx or bool, the widest kind of
    the two); a Python float turns a bool or integer array into floatx, a Python int
    turns a bool array into int32. Two arrays are left to the op's table."""
    py1, py2 = type(x1) in _PY, type(x2) in _PY
    if not (py1 or py2):
        return x1, x2
    if py1 and py2:
        name = python_scalar_dtype(x1 if _rank(x1) >= _rank(x2) else x2)
        return _as(x1, name), _as(x2, name)
    scalar, array = (x1, x2) if py1 else (x2, x1)
    k = _kind(array)
    if type(scalar) is float and k in "biu":
        array = _as(array, floatx())
    elif type(scalar) is int and k == "b":
        array = _as(array, "int32")
    return (scalar, array) if py1 else (array, scalar)



def weak_arrays(x1, x2):
    """The operands of an op that joins two arrays (``append``, ``outer``) under Keras's
    promotion: as :func:`weak_inputs`, and a Python scalar left beside an array becomes an
    array of that array's dtype (``append(int8 array, 3)`` is int8; NumPy makes it int64)."""
    x1, x2 = weak_inputs(x1, x2)
    if type(x1) in _PY:
        return _as(x1, dtype_name(x2.dtype)), x2
    if type(x2) in _PY:
        return x1, _as(x2, dtype_name(x1.dtype))
    return x1, x2

def divide_inputs(x1, x2):
    """The operands of ``divide``: as floatx when neither is a float (array or Python
    float), else under :func:`weak_inputs` (``float16 / 2.0`` stays float16)."""
    if _kind(x1) in "fc" or _kind(x2) in "fc":
        return weak_inputs(x1, x2)
    return _as(x1, floatx()), _as(x2, floatx())


def weak_int_inputs(x1, x2):
    """:func:`weak_inputs` for ``floor_divide``, ``mod`` and ``power``, which Keras
    computes on two bools (arrays or Python) in int32."""
    x1, x2 = weak_inputs(x1, x2)
    if _kind(x1) == "b" and _kind(x2) == "b":
        return _as(x1, "int32"), _as(x2, "int32")
    return x1, x2


def _rank(value) -> int:
    return {bool: 0, int: 1, float: 2}[type(value)]


def accumulator(x, dtype):
    """The ``dtype`` argument of ``sum`` or ``prod``: Keras's accumulator for a narrow
    integer (or bool) ``x`` when none is given."""
    if dtype is not None:
        return dtype
    try:
        d = x.dtype
    except AttributeError:  # a Python number or a list: left to the op
        return None
    return _ACCUMULATOR.get(dtype_name(d))


def cumulative_dtype(x, dtype):
    """The ``dtype`` argument of ``cumsum`` or ``cumprod``: an integer ``x``'s own dtype
    (bool: int32) when none is given, where NumPy widens integers to the default int;
    None for floats, which the op keeps as Keras does (and its fast path takes)."""
    if dtype is not None or not hasattr(x, "dtype"):
        return dtype
    name = dtype_name(x.dtype)
    if name == "bool":
        return "int32"
    return None if kind(name) in "fc" else name


def convert_dtype(x, dtype):
    """``convert_to_tensor``'s dtype: int32 for Python ints and floatx for Python floats
    (alone or in nested lists) and for an empty (nested) list or tuple; arrays keep their
    own."""
    if dtype is not None or hasattr(x, "dtype"):
        return dtype
    found = set()
    stack = [x]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        elif type(v) in _PY:
            found.add(type(v))
        else:
            return None  # arrays or other objects inside: the op's own rule
    if float in found or not found:  # no element at all: Keras's floatx, not float64
        return floatx()
    return "int32" if int in found else None


def creation_dtype(dtype):
    """A creation function's dtype: floatx when none is given."""
    return floatx() if dtype is None else dtype


def arange_dtype(start, stop, step, dtype):
    """``arange``'s dtype: int32 when start, stop and step are all Python ints (or None),
    floatx when any is a float."""
    if dtype is not None:
        return dtype
    a, b, c = type(start), type(stop), type(step)  # (written out: arange is hot)
    if a in PY_INTS_OR_NONE and b in PY_INTS_OR_NONE and c in PY_INTS_OR_NONE:
        return "int32"
    if a in PY_SCALARS_OR_NONE and b in PY_SCALARS_OR_NONE and c in PY_SCALARS_OR_NONE:
        return floatx()
    return _arange_arrays_dtype((start, stop, step))


def _arange_arrays_dtype(values):
    """``arange``'s dtype where NumPy scalars or 0-d arrays are among its arguments: theirs,
    promoted together, as Keras's ``result_type`` of their dtypes (``arange(np.int16(3))``
    is int16, ``arange(np.float32(2.5))`` float32); a Python float beside integer ones
    makes it floatx, a Python int changes nothing. 64-bit ones stay 64-bit (see the module
    docstring). None for bool: the op's own rule."""
    names = [dtype_name(v.dtype) for v in values if hasattr(v, "dtype")]
    out = result_name(*names)
    if kind(out) == "b":
        return None
    if kind(out) in "iu" and any(type(v) is float for v in values):
        return floatx()
    return out




def index_input(x):
    """``x`` for ``argmax`` and ``argmin``: a bool array as uint8 (the same positions;
    torch has no bool kernel)."""
    return _as(x, "uint8") if _kind(x) == "b" else x


def window_length(x):
    """The length of a window (``bartlett`` ...): a 0-d float or bool array as int32, as
    Keras converts it."""
    return _as(x, "int32") if hasattr(x, "dtype") and _kind(x) not in "iu" else x


def floatx_output(out):
    """A result in ``floatx()``, as Keras's windows give it."""
    return _as(out, floatx())


def index_output(out):
    """Indices as Keras gives them: int32 (each array of ``nonzero``'s tuple)."""
    return as_dtype(out, "int32")


def space_dtype(start, stop, dtype):
    """``logspace``'s dtype: floatx, or the float arrays' promoted dtype where ``start`` or
    ``stop`` is a float array (Keras's ``result_type(start, stop, float)``)."""
    if dtype is not None:
        return dtype
    floats = [dtype_name(v.dtype) for v in (start, stop)
              if hasattr(v, "dtype") and _kind(v) in "fc"]
    return result_name(*floats) if floats else floatx()


def bool_int32_input(x):
    """``x`` for ``square``, ``clip`` and ``relu``: a bool array as int32, as Keras computes
    it."""
    return _as(x, "int32") if _kind(x) == "b" else x


def int8_inputs(x1, x2):
    """The operands of ``matmul``: two int8 arrays as int32 (Keras accumulates int8 by int8
    in int32, as JAX does)."""
    # a NumPy operand's dtype last: torch.compile cannot read a NumPy constant's dtype, and
    # beside a tensor that is not int8 it need not
    first, second = (x2, x1) if type(x1).__module__ == "numpy" else (x1, x2)
    if _is(first, "int8") and _is(second, "int8"):
        return _as(x1, "int32"), _as(x2, "int32")
    return x1, x2


def int8_operands(operands):
    """``einsum``'s operands: all int8 arrays as int32 (as :func:`int8_inputs`)."""
    if operands and all(_is(x, "int8") for x in operands):
        return tuple(_as(x, "int32") for x in operands)
    return operands


def _is(value, name: str) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and dtype_name(dtype) == name


def accumulated_dtype(x):
    """The dtype of ``nansum`` and ``nanprod`` of ``x``: Keras's accumulator (as
    :func:`accumulator`) for bool and integer ``x``; None (the op's own) otherwise."""
    dtype = getattr(x, "dtype", None)
    return None if dtype is None else _ACCUMULATOR.get(dtype_name(dtype))


def own_dtype(x):
    """``x``'s dtype, which Keras's ``vander`` and ``unravel_index`` keep (NumPy widens
    integers to int64); None for a Python number or a list."""
    dtype = getattr(x, "dtype", None)
    return None if dtype is None else dtype_name(dtype)


def count_dtype(x, weights):
    """``bincount``'s dtype: int32 counts without weights; with weights the op's own."""
    return "int32" if weights is None else None


def as_dtype(out, name):
    """The result ``out`` (an array or a tuple of arrays) in dtype ``name``; unchanged when
    ``name`` is None."""
    if name is None:
        return out
    if isinstance(out, tuple | list):
        return type(out)(_as(a, name) for a in out)
    return _as(out, name)


def promoted_sequence(xs):
    """The arrays of ``concatenate``, ``stack`` ... in one dtype, promoted by the table (as
    Keras's ``result_type``: ``[float16, int16]`` gives float16, ``[int32, float32]``
    float32, where NumPy widens); a sequence holding anything but arrays is left as is."""
    if not isinstance(xs, list | tuple) or len(xs) < 2:
        return xs
    names = []
    for x in xs:
        dtype = getattr(x, "dtype", None)
        if dtype is None:
            return xs
        names.append(dtype_name(dtype))
    if len(set(names)) == 1:
        return xs
    target = result_name(*names)
    return type(xs)(_as(x, target) for x in xs)


def refuse_float8(op: str, arrays_and_dtypes) -> None:
    """Raise Keras's ValueError where a float8 dtype is among ``arrays_and_dtypes`` (arrays,
    dtypes, Python scalars): Keras's ``result_type`` has no implicit conversion from float8,
    not even to itself (it must be cast first). Anything not a dtype is left to the op."""
    for a in arrays_and_dtypes:
        if type(a) in _PY or type(a) is complex:
            continue
        try:
            name = dtype_name(a if isinstance(a, type) else getattr(a, "dtype", a))
        except TypeError:
            continue
        if name in FLOAT8:
            raise ValueError(f"{op}: there is no implicit conversion from float8 dtypes "
                             f"({name} among the inputs; in Keras, not even to the same "
                             f"float8 dtype); cast it to another dtype first")
