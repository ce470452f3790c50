"""Dtype names, categories and the promotion table (read from ``spec/promotion.toml``).

crossops reasons about dtypes by their canonical names (``"float32"``); each backend
maps a name to its own dtype object. Any backend's dtype object, a NumPy dtype, a
scalar type such as ``numpy.float32`` or a name is accepted wherever a dtype is.

Examples
--------
>>> from crossops._dtypes import dtype_name, result_name
>>> dtype_name("float32"), result_name("int32", "float16")
('float32', 'float16')
"""

from __future__ import annotations

import tomllib
from pathlib import Path

SPEC_DIR = Path(__file__).with_name("spec")

with open(SPEC_DIR / "promotion.toml", "rb") as _f:
    _PROMOTION = tomllib.load(_f)

#: every dtype crossops knows, in the order of the promotion table
DTYPE_NAMES: tuple[str, ...] = tuple(_PROMOTION["dtypes"])

_TABLE: dict[tuple[str, str], str] = {
    (a, b): r
    for a, row in _PROMOTION["table"].items()
    for b, r in zip(DTYPE_NAMES, row, strict=True)
}

SIGNED = ("int8", "int16", "int32", "int64")
UNSIGNED = ("uint8", "uint16", "uint32", "uint64")
REAL_FLOATING = ("float16", "bfloat16", "float32", "float64")
COMPLEX_FLOATING = ("complex64", "complex128")

#: the dtype categories that spec entries name in their ``dtypes`` field
CATEGORIES: dict[str, tuple[str, ...]] = {
    "bool": ("bool",),
    "signed_integer": SIGNED,
    "unsigned_integer": UNSIGNED,
    "integral": SIGNED + UNSIGNED,
    "integer": SIGNED + UNSIGNED,
    "integer_or_boolean": ("bool",) + SIGNED + UNSIGNED,
    "real_floating": REAL_FLOATING,
    "complex_floating": COMPLEX_FLOATING,
    "floating": REAL_FLOATING + COMPLEX_FLOATING,
    "real": SIGNED + UNSIGNED + REAL_FLOATING,
    "numeric": SIGNED + UNSIGNED + REAL_FLOATING + COMPLEX_FLOATING,
    "real_or_bool": ("bool",) + SIGNED + UNSIGNED + REAL_FLOATING,
    "all": DTYPE_NAMES,
    # what LAPACK and pocketfft take (linalg and fft have no half-precision kernels)
    "real_single_double": ("float32", "float64"),
    "complex_single_double": COMPLEX_FLOATING,
    "single_double": ("float32", "float64") + COMPLEX_FLOATING,
}
# array API spelling of the same kinds (for isdtype)
CATEGORIES["boolean"] = CATEGORIES["bool"]

#: the float8 types Keras knows: storage dtypes outside the promotion table (Keras has no
#: implicit conversion from them: promoting one raises ValueError), made by ``astype`` /
#: ``cast``, ``asarray`` / ``convert_to_tensor`` and the creation functions, on the backends
#: that have them (ml_dtypes on NumPy)
FLOAT8 = ("float8_e4m3fn", "float8_e5m2")

#: Python's int types and None (an omitted argument): keras.ops reads them as int32 in
#: ``arange`` (see crossops._keras_dtypes.arange_dtype)
PY_INTS_OR_NONE = frozenset({int, bool, type(None)})
#: Python's scalar types and None: floatx in keras.ops's ``arange`` where one is a float
PY_SCALARS_OR_NONE = frozenset({bool, int, float, type(None)})

_KIND = {n: k for k, names in
         (("b", ("bool",)), ("i", SIGNED), ("u", UNSIGNED), ("f", REAL_FLOATING + FLOAT8),
          ("c", COMPLEX_FLOATING)) for n in names}


def kind(name: str) -> str:
    """One letter for the kind of a dtype name: b, i, u, f or c."""
    return _KIND[name]


def is_inexact(name: str) -> bool:
    """Whether dtype name ``name`` is a float or complex one."""
    return _KIND[name] in "fc"


def is_not_bool(name: str) -> bool:
    """Whether dtype name ``name`` is any but bool."""
    return name != "bool"


# NumPy's meanings: ``float`` (the Python type or the name) is float64, ``complex`` complex128
_ALIASES = {"bool_": "bool", "boolean": "bool", "half": "float16", "float": "float64",
            "double": "float64", "cfloat": "complex64", "cdouble": "complex128",
            "complex": "complex128", "int": "int64", "long": "int64", "short": "int16",
            "uint": "uint64"}


def dtype_name(dtype) -> str:
    """The canonical name of any backend's dtype, a NumPy scalar type or a name.

    Raises
    ------
    TypeError
        If ``dtype`` is not a dtype crossops knows.
    """
    try:
        return _name_cache[type(dtype)][dtype]
    except (KeyError, TypeError):
        pass
    name = _compute_name(dtype)
    try:
        _name_cache.setdefault(type(dtype), {})[dtype] = name
    except TypeError:  # unhashable
        pass
    return name


#: type of dtype argument -> {dtype: name}: one dict per type, as values of different types
#: may hash and compare equal (a TensorFlow DType equals its enum integer: tf.int16 == 5)
_name_cache: dict[type, dict] = {}


def _compute_name(dtype) -> str:
    if isinstance(dtype, str):
        name = dtype
    elif dtype is bool:
        name = "bool"
    else:
        name = getattr(dtype, "name", None)
        if name is None or not isinstance(name, str):  # numpy scalar types, ml_dtypes types
            name = getattr(dtype, "__name__", None) or str(dtype)
    name = name.removeprefix("torch.").removeprefix("jnp.")
    name = _ALIASES.get(name, name)
    if name not in _KIND and isinstance(dtype, str):  # NumPy's codes: 'i4', '?', '<f8', 'e'
        import numpy as np
        try:
            name = np.dtype(dtype).name
        except TypeError:
            pass
    if name not in _KIND:
        raise TypeError(
            f"unknown dtype {dtype!r}; crossops knows {', '.join(DTYPE_NAMES)}"
        )
    return name


def result_name(*names: str) -> str:
    """Promote dtype names with the crossops table (left to right).

    Raises
    ------
    ValueError
        If a float8 dtype meets another dtype: as in Keras, there is no implicit conversion
        from float8 (cast first).
    """
    out = names[0]
    try:
        for n in names[1:]:
            out = _TABLE[out, n]
    except KeyError:
        float8 = [n for n in names if n in FLOAT8]
        if not float8:
            raise
        if all(n == names[0] for n in names):  # one float8 dtype: nothing to convert
            return names[0]
        raise ValueError(f"there is no implicit conversion from float8 dtypes ({float8[0]} "
                         f"among {', '.join(names)}); cast to another dtype first") from None
    return out


def weak_scalar_name(scalar_type: type, array_name: str, defaults: tuple[str, str, str]) -> str:
    """Dtype a Python scalar takes next to an array of ``array_name``.

    ``defaults`` are the backend's default (int, float, complex) dtype names. A scalar
    of a kind no higher than the array's takes the array's dtype; a higher kind takes
    the backend's default dtype of that kind (NumPy 2 and JAX behave so), except that a
    complex scalar with a float32/float16 array gives complex64.
    """
    k = _KIND[array_name]
    if scalar_type is bool:
        return array_name
    if scalar_type is int:
        return defaults[0] if k == "b" else array_name
    if scalar_type is float:
        return defaults[1] if k in "biu" else array_name
    # complex
    if k == "c":
        return array_name
    if k == "f":
        return "complex128" if array_name == "float64" else "complex64"
    return defaults[2]
