"""TensorFlow backend: TensorFlow has no array-api-compat namespace, so crossops owns it
(``crossops.backends.tensorflow.array_api``, one module per chapter of the standard).
Nothing here changes TensorFlow's global settings (no NumPy behaviour switch)."""

from __future__ import annotations

import re

import numpy as np
import tensorflow as tf

from .._common import dtype_functions, dtype_table, float8_table, make_native_dtype
from .._spacing import number_linspace
from . import array_api as NAMESPACE  # noqa: N812

NAME = "tensorflow"
ARRAY_TYPES = (tf.Tensor, tf.Variable)
#: the exact types of the arrays whose calls the C fronts' per-type tables take
#: (``RESULT_FUNCTIONS``): eager tensors (a ``tf.function``'s are traced once, by the ops'
#: Python functions)
FRONT_TYPES = (type(tf.constant(0)),)
DTYPE_TYPES = (tf.dtypes.DType,)


def sparse_types() -> tuple[type, ...]:
    """TensorFlow's sparse array types, and its ragged tensors, which keras.ops takes the
    same way (an element a ragged row lacks is a zero). Calls given one run the op's
    function of ``backends/tensorflow/sparse.py`` (see ``crossops._dispatch``)."""
    return (tf.SparseTensor, tf.IndexedSlices, tf.RaggedTensor)


#: TensorFlow does not promote at all
NATIVE_PROMOTION = False
#: TensorFlow does not take Python scalars as weak
NATIVE_WEAK_SCALARS = False

DTYPES = dtype_table(lambda n: getattr(tf, n))
#: the float8 types (``tf.dtypes.experimental``), which native_dtype takes too
FLOAT8_DTYPES = float8_table(lambda n: getattr(tf.dtypes.experimental, n))
native_dtype = make_native_dtype({**DTYPES, **FLOAT8_DTYPES}, "tensorflow")

#: TF's own functions for calls with operands of one dtype: each returns what the
#: namespace's function returns, or raises where that one takes another path (bool add, a
#: non-bool condition). The dispatch's C front calls them straight away, and hands a call
#: that raises to the full path.
_FLOATS = (tf.float16, tf.bfloat16, tf.float32, tf.float64)
AT_DEFAULTS = {"add": tf.math.add, "subtract": tf.math.subtract, "where": tf.where,
               # (k=0: MatrixBandPart's kernel, which refuses 1-d, 0-d and float8 tensors)
               "tril": NAMESPACE._creation.tril_plain,
               "triu": NAMESPACE._creation.triu_plain,
               "logical_and": {tf.bool: tf.math.logical_and},
               "isnan": dict.fromkeys(_FLOATS, tf.math.is_nan),
               # floating tensors (integers and bool: the namespace's identity)
               "floor": dict.fromkeys(_FLOATS, tf.math.floor),
               "ceil": dict.fromkeys(_FLOATS, tf.math.ceil)}

#: (op name, dtype name) -> the op's function giving its result in that dtype, which a C
#: front of a keras.ops form that casts its result (``ops.argmax``'s int32 indices) calls
#: in place of the op's function and the cast (a tf.cast costs a second kernel and ~8 us);
#: for the types of ``FRONT_TYPES``
RESULT_FUNCTIONS = {("argmax", "int32"): NAMESPACE._searching.argmax_int32,
                    ("argmin", "int32"): NAMESPACE._searching.argmin_int32}


def reusable(x) -> bool:
    """Whether array ``x``, just made, may serve later calls (and graphs): an EagerTensor,
    not a tensor of a tf.function's graph."""
    return tf.executing_eagerly()


def default_dtypes() -> tuple[str, str, str]:
    """Default (int, float, complex) dtype names of crossops on TensorFlow."""
    return ("int64", "float32", "complex64")


def to_numpy(x) -> np.ndarray:
    if isinstance(x, sparse_types()):  # missing elements are zeros
        from .sparse import densify
        x = densify(x)
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def value_known(x) -> bool:
    """Whether tensor ``x``'s values are known now: an EagerTensor, not a tensor of a
    ``tf.function``'s graph (value checks then run eagerly only)."""
    return hasattr(x, "numpy")


globals().update(dtype_functions(DTYPES, native_dtype, default_dtypes))


def namespace_info():
    return NAMESPACE.__array_namespace_info__()


# keras.ops linalg beyond the standard (spec/linalg.toml)
linalg_solve_triangular = NAMESPACE.linalg.solve_triangular
linspace = number_linspace(NAMESPACE.linspace)  # array bounds: the generic's (NumPy's)


#: a float8 dtype as TensorFlow's messages name it (``float8_e4m3fn``, ``DT_FLOAT8_E5M2``)
_FLOAT8_NAMED = re.compile(r"float8_e[0-9a-z]+", re.IGNORECASE)


def translate_error(e):
    """TensorFlow's own errors as the usual Python types; a float8 tensor where the kernel
    has none (no float8 arithmetic on TensorFlow) is a TypeError and a ValueError, as Keras's
    TensorFlow backend raises ValueError ("no implicit conversion from float8 dtypes")."""
    from ..._errors import OpFloat8Error, OpTypeError, OpValueError
    if isinstance(e, (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError,
                      tf.errors.NotFoundError)) and _FLOAT8_NAMED.search(str(e)):
        return OpFloat8Error
    if isinstance(e, (tf.errors.InvalidArgumentError, tf.errors.OutOfRangeError)):
        # a dtype the kernel does not take is a TypeError, as on the other backends
        return OpTypeError if "is not in the list of allowed values" in str(e) else OpValueError
    if isinstance(e, (tf.errors.UnimplementedError, tf.errors.NotFoundError)):
        return OpTypeError
    return None


def error_message(e) -> str:
    """TF's message without its graph-node prefix and ``[Op:...]`` suffix; for a float8
    tensor where the kernel has none, what to do instead."""
    msg = getattr(e, "message", None) or str(e)
    if isinstance(e, tf.errors.OpError) and (found := _FLOAT8_NAMED.search(msg)):
        return (f"TensorFlow has no {found[0].lower()} kernel for this op (there is no "
                f"implicit conversion from float8 dtypes); cast to float32 first")
    msg = re.sub(r"\{\{[^}]*\}\}\s*", "", msg)
    return re.sub(r"\s*\[Op:[^\]]*\].*$", "", msg.strip().split("\n")[0], flags=re.S).strip()
