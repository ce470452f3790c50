"""TensorFlow's sparse arrays (``tf.SparseTensor``, ``tf.IndexedSlices``) and ragged
tensors (``tf.RaggedTensor``) in crossops ops.

A call given one runs the function of the op's name here, which keeps the result sparse
where keras.ops does; an op with no function here gets its sparse arguments made dense by
:func:`densify` (see ``crossops._dispatch.Op.sparse``). The rules, as Keras 3's TensorFlow
backend:

- element-wise unary ops that map 0 to 0 (``abs``, ``sin``, ``sqrt`` ...) keep the
  structure and compute on the stored values (ragged tensors too); the others (``exp``,
  ``cos`` ...) are dense;
- ``add``, ``subtract``, ``maximum``, ``minimum`` of two sparse arrays of one kind are
  sparse over the union of their indices; with a dense array or a scalar they are dense;
- ``multiply`` is sparse over the intersection (with a dense array or a scalar: over the
  sparse operand's indices);
- ``divide`` of a sparse dividend by a scalar or a dense divisor is sparse (also at the
  divisor's zeros and NaNs, where the quotient is NaN or infinite); a sparse divisor
  gives a dense result;
- ``sum`` of a ``tf.SparseTensor`` is sparse (a 0-d one for every axis), ``mean`` of
  ``tf.IndexedSlices`` keeps the slices where axis 0 is not reduced; ``expand_dims``,
  ``reshape``, ``squeeze``, ``transpose``, ``concatenate`` (of sparse arrays only),
  ``matmul`` (of two sparse arrays), ``digitize``, ``bincount``, ``astype``/``cast`` and
  ``convert_to_tensor`` keep a ``tf.SparseTensor`` sparse;
- ragged tensors: element-wise ops keep them ragged (binary ones with a scalar or a ragged
  tensor of the same rows), ``take`` at ragged indices is ragged, ``shape`` has None at a
  ragged dimension; other ops make them dense (zeros where rows are short).

Values are computed by the backend's own dense functions (crossops's namespace for
TensorFlow), so their dtypes are those of the dense op: crossops's promotion table.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from .._common import promoting
from . import DTYPES, NAMESPACE, native_dtype
from .array_api._helpers import norm_axes, shape_list

xp = NAMESPACE

#: the sparse kinds, as Keras tells them apart
_ST = tf.SparseTensor
_SLICES = tf.IndexedSlices
_RAGGED = tf.RaggedTensor


def densify(x):
    """Sparse array ``x`` (``tf.SparseTensor``, ``tf.IndexedSlices``, ``tf.RaggedTensor``,
    whose missing elements are zeros) as a dense tensor."""
    if isinstance(x, _SLICES):
        return tf.convert_to_tensor(x)
    if isinstance(x, _RAGGED):
        return x.to_tensor()
    shape = x.shape
    if shape.rank == 0:  # to_dense of a 0-d SparseTensor (a reduction's) fails on GPU
        values = tf.reshape(x.values, [-1])
        return tf.reduce_sum(values) if values.dtype != tf.bool else tf.reduce_any(values)
    out = tf.sparse.to_dense(tf.sparse.reorder(x))
    out.set_shape(shape)
    return out


def _sparse(x) -> bool:
    return isinstance(x, (_ST, _SLICES))


def _with_values(x, values):
    """``x``'s structure (indices, shape, row splits) holding ``values``."""
    if isinstance(x, _ST):
        out = tf.SparseTensor(x.indices, values, x.dense_shape)
        out.set_shape(x.shape)
        return out
    if isinstance(x, _SLICES):
        return tf.IndexedSlices(values, x.indices, x.dense_shape)
    return x.with_flat_values(values)


def _stored(x):
    """The stored values of a sparse or ragged array."""
    return x.flat_values if isinstance(x, _RAGGED) else x.values


def _shape(x) -> tf.Tensor:
    """The dense shape of a sparse array, as an int64 tensor."""
    return tf.cast(x.dense_shape, tf.int64)


def _static_shape(x) -> tf.TensorShape:
    if isinstance(x, _SLICES):
        known = tf.get_static_value(x.dense_shape) if x.dense_shape is not None else None
        if known is not None:
            return tf.TensorShape([int(d) for d in known])
        return x.values.shape[:0].concatenate([None]).concatenate(x.values.shape[1:])
    return x.shape


# -- element-wise unary ops that map 0 to 0: the structure kept ------------------------------

def _unary(f, name: str):
    def op(x):
        return _with_values(x, f(_stored(x)))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` of a sparse or ragged array: the same indices, ``{name}`` of "
                  "the stored values (it maps 0 to 0).")
    return op


def _copy(v):
    return tf.identity(v)


abs = _unary(xp.abs, "abs")  # noqa: A001
absolute = _unary(xp.abs, "absolute")
fabs = _unary(xp.abs, "fabs")
arcsin = _unary(xp.asin, "arcsin")
arcsinh = _unary(xp.asinh, "arcsinh")
arctan = _unary(xp.atan, "arctan")
arctanh = _unary(xp.atanh, "arctanh")
ceil = _unary(xp.ceil, "ceil")
conj = _unary(xp.conj, "conj")
conjugate = _unary(xp.conj, "conjugate")
copy = _unary(_copy, "copy")
expm1 = _unary(xp.expm1, "expm1")
floor = _unary(xp.floor, "floor")
imag = _unary(xp.imag, "imag")
log1p = _unary(xp.log1p, "log1p")
negative = _unary(xp.negative, "negative")
real = _unary(xp.real, "real")
sign = _unary(xp.sign, "sign")
signbit = _unary(xp.signbit, "signbit")
sin = _unary(xp.sin, "sin")
sinh = _unary(xp.sinh, "sinh")
sqrt = _unary(xp.sqrt, "sqrt")
square = _unary(xp.square, "square")
tan = _unary(xp.tan, "tan")
tanh = _unary(xp.tanh, "tanh")


def round(x, /, decimals=0):  # noqa: A001
    """``round`` of a sparse or ragged array: the same indices, the stored values rounded
    (halves to even) to ``decimals`` places."""
    if decimals == 0:
        return _with_values(x, xp.round(_stored(x)))
    v = _stored(x)
    if v.dtype.is_integer and decimals >= 0:
        return _with_values(x, tf.identity(v))
    if v.dtype.is_integer:  # to tens, hundreds ...: computed in float64, as NumPy
        scale = tf.constant(10.0 ** (-decimals), tf.float64)
        out = tf.cast(xp.round(tf.cast(v, tf.float64) / scale) * scale, v.dtype)
        return _with_values(x, out)
    scale = tf.cast(10.0 ** decimals, v.dtype)
    return _with_values(x, xp.round(v * scale) / scale)


def astype(x, dtype, /, *, copy=True, device=None):
    """``x`` cast to ``dtype``, its structure kept."""
    return _with_values(x, xp.astype(_stored(x), native_dtype(dtype), copy=copy,
                                     device=device))


def core_cast(x, dtype):
    """``cast`` of a sparse or ragged array: its structure kept (as keras.ops.cast)."""
    return astype(x, dtype, copy=False)


def core_convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``convert_to_tensor`` of a sparse or ragged array: kept as it is, unless
    ``sparse=False`` (a ``tf.SparseTensor``) or ``ragged=False`` (a ``tf.RaggedTensor``)
    asks for a dense tensor; cast to ``dtype`` if given (as keras.ops)."""
    if (sparse is False and isinstance(x, _ST)) or (ragged is False and isinstance(x, _RAGGED)):
        x = densify(x)
        return x if dtype is None else xp.astype(x, native_dtype(dtype), copy=False)
    if dtype is None:
        return x
    return astype(x, dtype, copy=False)


def asarray(obj, /, *, dtype=None, device=None, copy=None, **kwargs):
    """``asarray`` of a sparse or ragged array: the array itself (cast to ``dtype`` if
    given), as keras.ops.convert_to_tensor keeps it."""
    if dtype is None and not copy:
        return obj
    return astype(obj, obj.dtype if dtype is None else dtype, copy=bool(copy), device=device)


def core_shape(x):
    """The shape of a sparse or ragged array, as a tuple: a ragged dimension is None, a
    dimension unknown while tracing a dynamic size (as keras.ops.shape)."""
    shape = _static_shape(x).as_list()
    if not isinstance(x, _RAGGED):
        shape = shape_list(x, shape, lambda: x.dense_shape)
    elif shape and shape[0] is None:
        shape[0] = x.nrows()
    return tuple(shape)


def ndim(a):
    """The number of dimensions of a sparse or ragged array."""
    return len(_static_shape(a))


# -- aligning two sparse arrays ---------------------------------------------------------------

def _linear(indices, shape):
    """Row-major positions of the rows of ``indices`` (int64 ``(n, rank)``) in ``shape``."""
    strides = tf.math.cumprod(shape, exclusive=True, reverse=True)
    return tf.reduce_sum(indices * strides[None, :], axis=1)


def _keys(x):
    """Positions (int64, 1-d) of a sparse array's entries: the row-major position of a
    SparseTensor's indices, the row index of IndexedSlices."""
    if isinstance(x, _ST):
        return _linear(x.indices, _shape(x))
    return tf.cast(x.indices, tf.int64)


def _scatter(positions, values, n):
    """``values`` put at ``positions`` of ``n`` rows (duplicates summed; bools or-ed), with
    ``mask`` of the rows that got one."""
    shape = tf.concat([[n], tf.shape(values, out_type=tf.int64)[1:]], 0)
    at = positions[:, None]
    if values.dtype == tf.bool:
        out = tf.tensor_scatter_nd_max(tf.zeros(shape, tf.int8), at, tf.cast(values, tf.int8))
        out = tf.cast(out, tf.bool)
    else:
        out = tf.tensor_scatter_nd_add(tf.zeros(shape, values.dtype), at, values)
    mask = tf.tensor_scatter_nd_update(tf.zeros([n], tf.bool), at,
                                       tf.ones_like(positions, tf.bool))
    return out, mask


def _align(x1, x2, keys2=None, values2=None):
    """Two sparse arrays of one kind over the union of their entries, in row-major order:
    (union keys, values of x1, values of x2, where x1 has an entry, where x2 has one).
    ``keys2``/``values2`` stand for x2's entries where x2 is not given as an array
    (``values2`` None: zeros)."""
    k1 = _keys(x1)
    k2 = _keys(x2) if keys2 is None else keys2
    union = tf.sort(tf.unique(tf.concat([k1, k2], 0)).y)
    n = tf.shape(union, out_type=tf.int64)[0]
    v1, in1 = _scatter(tf.searchsorted(union, k1), x1.values, n)
    v2 = x2.values if values2 is None and keys2 is None else values2
    if v2 is None:
        in2 = _scatter(tf.searchsorted(union, k2), tf.zeros_like(k2), n)[1]
        return union, v1, None, in1, in2
    v2, in2 = _scatter(tf.searchsorted(union, k2), v2, n)
    return union, v1, v2, in1, in2


def _from_keys(like, keys, values):
    """A sparse array of ``like``'s kind and shape with ``values`` at positions ``keys``."""
    if isinstance(like, _SLICES):
        return tf.IndexedSlices(values, keys, like.dense_shape)
    shape = _shape(like)
    strides = tf.math.cumprod(shape, exclusive=True, reverse=True)
    indices = (keys[:, None] // strides[None, :]) % shape[None, :]
    out = tf.SparseTensor(indices, values, shape)
    out.set_shape(like.shape)
    return out


def _same_kind(x1, x2) -> bool:
    """Whether two operands are sparse arrays of one kind and of one shape (a shape
    unknown while tracing is taken to match): else the op runs densely (and broadcasts,
    or says why not)."""
    if type(x1) is not type(x2) or not _sparse(x1):
        return False
    s1, s2 = _static_shape(x1), _static_shape(x2)
    return s1.rank == s2.rank and s1.is_compatible_with(s2)


def _dense(x):
    """``x`` made dense if it is a sparse or ragged array."""
    return densify(x) if isinstance(x, (_ST, _SLICES, _RAGGED)) else x


def _promoted(f):
    """Backend function ``f`` of two operands with crossops's promotion."""
    return promoting(f, xp.astype, DTYPES)


def _full_shape(x1, x2) -> bool:
    """Whether dense ``x2`` broadcasts to sparse ``x1``'s shape without changing it (a
    dimension unknown while tracing is taken to match)."""
    s1, s2 = _static_shape(x1), x2.shape
    if s1.rank is None or s2.rank is None or s2.rank > s1.rank:
        return False
    pairs = zip(reversed(s1.as_list()), reversed(s2.as_list()))
    return all(d2 is None or d2 == 1 or d1 is None or d1 == d2 for d1, d2 in pairs)


def _at(dense, x):
    """Dense ``dense`` (broadcast to sparse ``x``'s shape) at ``x``'s entries."""
    dense = tf.broadcast_to(dense, _shape(x))
    if isinstance(x, _SLICES):
        return tf.gather(dense, x.indices)
    return tf.gather_nd(dense, x.indices)


def _ragged_binary(f, x1, x2):
    """Binary ``f`` with a ragged operand (and no sparse one): ragged, on the flat values,
    with a scalar or a ragged tensor of the same rows; dense with a dense array."""
    if isinstance(x1, _RAGGED) and isinstance(x2, _RAGGED):
        return tf.ragged.map_flat_values(f, x1, x2)
    if isinstance(x1, _RAGGED) and _scalar(x2):
        return x1.with_flat_values(f(x1.flat_values, x2))
    if isinstance(x2, _RAGGED) and _scalar(x1):
        return x2.with_flat_values(f(x1, x2.flat_values))
    return f(_dense(x1), _dense(x2))


def _scalar(x) -> bool:
    return not _sparse(x) and getattr(x, "shape", None) is not None and x.shape.rank == 0


def _union(name: str, f):
    f = _promoted(f)

    def op(x1, x2, /):
        if not _sparse(x1) and not _sparse(x2):
            return _ragged_binary(f, x1, x2)
        if not _same_kind(x1, x2):  # with a dense array or a scalar: dense
            return f(_dense(x1), _dense(x2))
        if x1.indices is x2.indices:
            return _with_values(x1, f(x1.values, x2.values))
        keys, v1, v2, _, _ = _align(x1, x2)
        return _from_keys(x1, keys, f(v1, v2))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` with sparse operands: two sparse arrays of one kind give a "
                  "sparse array over the union of their entries; otherwise a dense result.")
    return op


add = _union("add", xp.add)
subtract = _union("subtract", xp.subtract)
maximum = _union("maximum", xp.maximum)
minimum = _union("minimum", xp.minimum)


_PROMOTED_MULTIPLY = _promoted(xp.multiply)
_PROMOTED_DIVIDE = _promoted(xp.divide)
_PROMOTED_MATMUL = _promoted(xp.matmul)


def multiply(x1, x2, /):
    """``multiply`` with sparse operands: sparse over the intersection of two sparse arrays'
    entries, over a sparse operand's entries with a dense array or a scalar."""
    f = _PROMOTED_MULTIPLY
    if not _sparse(x1) and not _sparse(x2):
        return _ragged_binary(f, x1, x2)
    if _sparse(x1) and _sparse(x2):
        if not _same_kind(x1, x2):
            return f(_dense(x1), _dense(x2))
        if x1.indices is x2.indices:
            return _with_values(x1, f(x1.values, x2.values))
        keys, v1, v2, in1, in2 = _align(x1, x2)
        both = tf.logical_and(in1, in2)
        return _from_keys(x1, tf.boolean_mask(keys, both),
                          f(tf.boolean_mask(v1, both), tf.boolean_mask(v2, both)))
    sp, other, first = (x1, x2, True) if _sparse(x1) else (x2, x1, False)
    if _scalar(other):
        return _with_values(sp, f(sp.values, other) if first else f(other, sp.values))
    if isinstance(other, _RAGGED) or not _full_shape(sp, other):
        return f(_dense(x1), _dense(x2))
    at = _at(other, sp)
    return _with_values(sp, f(sp.values, at) if first else f(at, sp.values))


def divide(x1, x2, /):
    """``divide`` with sparse operands: a sparse dividend over a scalar or dense divisor
    stays sparse (its entries, and the divisor's zeros and NaNs, where the quotient is not
    0); a sparse divisor gives a dense result."""
    f = _PROMOTED_DIVIDE
    if not _sparse(x1) and not _sparse(x2):
        return _ragged_binary(f, x1, x2)
    if _sparse(x2) or not _sparse(x1) or isinstance(x2, _RAGGED):
        return f(_dense(x1), _dense(x2))
    if _scalar(x2):
        return _with_values(x1, f(x1.values, x2))
    if not _full_shape(x1, x2):
        return f(densify(x1), x2)
    dense = tf.broadcast_to(x2, _shape(x1))
    bad = tf.equal(dense, tf.zeros([], dense.dtype))
    if dense.dtype.is_floating or dense.dtype.is_complex:
        bad = tf.logical_or(bad, tf.math.is_nan(tf.math.real(dense)) if dense.dtype.is_complex
                            else tf.math.is_nan(dense))
    if isinstance(x1, _SLICES):
        rank = len(dense.shape)
        bad = tf.reduce_any(bad, axis=list(range(1, rank))) if rank > 1 else bad
        keys2 = tf.reshape(tf.where(bad), [-1])
    else:
        keys2 = _linear(tf.where(bad), _shape(x1))
    keys, v1, _, _, _ = _align(x1, None, keys2=keys2)
    out = _from_keys(x1, keys, v1)
    return _with_values(out, f(out.values, _at(dense, out)))


def true_divide(x1, x2):
    """``true_divide``: :func:`divide` (a Python scalar weak beside the other operand)."""
    return divide(_weak(x1, x2), _weak(x2, x1))


def _weak(x, other):
    """Python scalar ``x`` as a 0-d tensor of the dtype it takes beside array ``other``
    (crossops's weak scalars); anything else as it is."""
    if type(x) not in (bool, int, float, complex):
        return x
    from ..._dtypes import dtype_name, weak_scalar_name
    from . import default_dtypes
    name = weak_scalar_name(type(x), dtype_name(other.dtype), default_dtypes())
    return tf.constant(x, native_dtype(name))


# -- reductions -------------------------------------------------------------------------------

def _axes(axis, rank: int, op: str) -> list[int]:
    """``axis`` (None, an int or a sequence of ints) as sorted axes in ``[0, rank)``, checked
    as the dense ops check them (``OpAxisError`` out of range, no axis twice)."""
    return sorted(norm_axes(axis, rank, op))


def sum(x, /, *, axis=None, dtype=None, keepdims=False, **kwargs):  # noqa: A001
    """``sum`` of a ``tf.SparseTensor``: a sparse result (0-d for every axis), in the dense
    sum's dtype; of ``tf.IndexedSlices``, the dense sum."""
    probe = xp.sum(tf.zeros([0], x.dtype), dtype=dtype).dtype
    if not isinstance(x, _ST) or any(v is not None and v is not True for v in kwargs.values()):
        return xp.sum(densify(x), axis=axis, dtype=dtype, keepdims=keepdims, **kwargs)
    x = _with_values(x, tf.cast(x.values, probe))
    if isinstance(axis, (tuple, list)) and not axis:
        return x
    rank = x.shape.rank
    if x.dtype == tf.bool:  # tf.sparse.reduce_sum takes no bools (a sum of bools is an int)
        x = _with_values(x, tf.cast(x.values, tf.int64))
    out = tf.sparse.reduce_sum(x, axis=_axes(axis, rank, "sum"), keepdims=keepdims,
                               output_is_sparse=True)
    return out


def mean(x, /, *, axis=None, keepdims=False, **kwargs):
    """``mean`` of ``tf.IndexedSlices``: slices where axis 0 is not reduced (and with
    ``keepdims`` or another axis left), else dense; of a ``tf.SparseTensor``, the dense
    mean."""
    if not isinstance(x, _SLICES) or any(v is not True for v in kwargs.values()) \
            or x.dense_shape is None:
        return xp.mean(densify(x), axis=axis, keepdims=keepdims, **kwargs)
    rank = len(_static_shape(x))
    axes = _axes(axis, rank, "mean")
    if isinstance(axis, (tuple, list)) and not axis:
        return x
    if 0 in axes:
        return xp.mean(densify(x), axis=axis, keepdims=keepdims)
    values = xp.mean(x.values, axis=tuple(axes), keepdims=keepdims)
    kept = [i for i in range(rank) if i not in axes]
    if keepdims:
        shape = tf.concat([_shape(x)[:1], tf.shape(values, out_type=tf.int64)[1:]], 0)
        return tf.IndexedSlices(values, x.indices, shape)
    if kept == [0]:  # a 1-d result: dense (slices of scalars are not slices)
        return tf.scatter_nd(tf.cast(x.indices, tf.int64)[:, None], values, _shape(x)[:1])
    return tf.IndexedSlices(values, x.indices, tf.gather(_shape(x), kept))


# -- shapes -----------------------------------------------------------------------------------

def expand_dims(x, /, axis):
    """``expand_dims`` of a ``tf.SparseTensor``: sparse (other kinds: dense)."""
    if not isinstance(x, _ST):
        return xp.expand_dims(densify(x), axis=axis)
    rank = x.shape.rank + (len(axis) if isinstance(axis, (tuple, list)) else 1)
    for a in _axes(axis, rank, "expand_dims"):
        x = tf.sparse.expand_dims(x, a)
    return x


def reshape(x, /, shape, *, copy=None):
    """``reshape`` of a ``tf.SparseTensor``: sparse (other kinds: dense)."""
    if not isinstance(x, _ST):
        return xp.reshape(densify(x), shape, copy=copy)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return tf.sparse.reshape(x, shape)


def squeeze(x, /, axis=None):
    """``squeeze`` of a ``tf.SparseTensor``: sparse (other kinds: dense)."""
    if not isinstance(x, _ST):
        return xp.squeeze(densify(x), axis=axis)
    static = x.shape.as_list()
    rank = len(static)
    if axis is None:
        axes = [i for i, d in enumerate(static) if d == 1]
    else:
        axes = _axes(axis, rank, "squeeze")
        for a in axes:
            if static[a] is not None and static[a] != 1:
                raise ValueError(f"squeeze: cannot squeeze axis {a} of size {static[a]}; "
                                 "only axes of size 1 can be removed")
    keep = [i for i in range(rank) if i not in axes]
    out = tf.SparseTensor(tf.gather(x.indices, keep, axis=1), x.values,
                          tf.gather(x.dense_shape, keep))
    out.set_shape([static[i] for i in keep])
    return out


def transpose(a, axes=None):
    """``transpose`` of a ``tf.SparseTensor``: sparse (other kinds: dense)."""
    if not isinstance(a, _ST):
        return xp.permute_dims(densify(a), tuple(reversed(range(len(_static_shape(a)))))
                               if axes is None else axes)
    rank = a.shape.rank
    perm = list(reversed(range(rank))) if axes is None else _axes_perm(axes, rank)
    return tf.sparse.transpose(a, perm)


def _axes_perm(axes, rank: int):
    perm = [int(a) + rank if int(a) < 0 else int(a) for a in axes]
    if sorted(perm) != list(range(rank)):
        raise ValueError(f"transpose: axes {tuple(axes)} are not a permutation of the "
                         f"{rank} axes")
    return perm


def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    """``concatenate`` of ``tf.SparseTensor``s only: sparse (their dtypes promoted); with
    any dense array among them, dense."""
    if not all(isinstance(a, _ST) for a in arrays) or axis is None or dtype is not None:
        dense = [_dense(a) for a in arrays]
        from . import numpy as tnp
        out = tnp.concatenate(dense, axis=axis, dtype=dtype, casting=casting)
        return xp.concat(dense, axis=axis) if out is NotImplemented else out
    target = native_dtype(_result_dtype([a.dtype for a in arrays]))
    arrays = [_with_values(a, tf.cast(a.values, target)) for a in arrays]
    return tf.sparse.concat(axis=axis, sp_inputs=arrays)


def concat(arrays, /, *, axis=0):
    """``concat`` (the array API's :func:`concatenate`): of ``tf.SparseTensor``s only,
    sparse; else dense."""
    if axis is not None and all(isinstance(a, _ST) for a in arrays):
        return concatenate(arrays, axis=axis)
    return xp.concat([_dense(a) for a in arrays], axis=axis)


def _result_dtype(dtypes):
    from ..._dtypes import dtype_name, result_name
    name = dtype_name(dtypes[0])
    for d in dtypes[1:]:
        name = result_name(name, dtype_name(d))
    return name


# -- matmul -----------------------------------------------------------------------------------

#: dtypes of TensorFlow's CSR sparse-sparse product
_CSR = (tf.float32, tf.float64, tf.complex64, tf.complex128)


def matmul(x1, x2, /):
    """``matmul`` with sparse operands: two ``tf.SparseTensor``s give a sparse product,
    one sparse operand a dense one (TensorFlow's sparse kernels where they apply)."""
    target = native_dtype(_result_dtype([x1.dtype, x2.dtype]))
    if isinstance(x1, _ST) and isinstance(x2, _ST):
        a, b = (_with_values(x, tf.cast(x.values, target)) for x in (x1, x2))
        rank = a.shape.rank
        if target in _CSR and rank in (2, 3) and b.shape.rank == rank:
            return _csr_matmul(a, b, target)
        out = xp.matmul(densify(a), densify(b))
        return tf.sparse.from_dense(out)
    a = x1 if isinstance(x1, _ST) else _dense(x1)
    b = x2 if isinstance(x2, _ST) else _dense(x2)
    if (isinstance(a, _ST) or isinstance(b, _ST)) and a.shape.rank == 2 and b.shape.rank == 2 \
            and target in (tf.float16, tf.float32, tf.float64, tf.complex64, tf.complex128,
                           tf.int32, tf.int64):
        a = tf.cast(a, target) if not isinstance(a, _ST) else _with_values(
            a, tf.cast(a.values, target))
        b = tf.cast(b, target) if not isinstance(b, _ST) else _with_values(
            b, tf.cast(b.values, target))
        return tf.sparse.sparse_dense_matmul(a, b)
    return _PROMOTED_MATMUL(_dense(a), _dense(b))


def _csr_matmul(a, b, dtype):
    """The sparse product of ``tf.SparseTensor`` s ``a`` and ``b`` (2-d, or 3-d batches;
    of ``dtype``), by TensorFlow's CSR kernels (their public ``tf.raw_ops`` functions)."""
    a = tf.sparse.reorder(a)
    b = tf.sparse.reorder(b)
    ma = tf.raw_ops.SparseTensorToCSRSparseMatrix(
        indices=a.indices, values=a.values, dense_shape=a.dense_shape)
    mb = tf.raw_ops.SparseTensorToCSRSparseMatrix(
        indices=b.indices, values=b.values, dense_shape=b.dense_shape)
    prod = tf.raw_ops.SparseMatrixSparseMatMul(a=ma, b=mb, type=dtype)
    out = tf.raw_ops.CSRSparseMatrixToSparseTensor(sparse_matrix=prod, type=dtype)
    result = tf.SparseTensor(out.indices, out.values, out.dense_shape)
    shape = a.shape[:-1].concatenate(b.shape[-1:])
    result.set_shape(shape)
    return result


# -- digitize, bincount, take -----------------------------------------------------------------

def digitize(x, bins, right=False):
    """``digitize`` of a ``tf.SparseTensor`` (or ragged tensor): the same structure, the
    stored values digitized, where 0 falls in bin 0 (else, with known bins, dense)."""
    bins = tf.convert_to_tensor(bins)
    known = tf.get_static_value(bins)
    if not isinstance(x, (_ST, _RAGGED)) or (
            known is not None and np.digitize(0, known, right=bool(right)) != 0):
        return _digitize(densify(x), bins, right)
    return _with_values(x, _digitize(_stored(x), bins, right))


def _digitize(v, bins, right):
    """NumPy's digitize of dense ``v`` (monotonic ``bins``), int64."""
    target = native_dtype(_result_dtype([v.dtype, bins.dtype]))
    v, bins = tf.cast(v, target), tf.cast(bins, target)
    side = "left" if right else "right"
    flat = tf.reshape(v, [-1])
    n = tf.shape(bins, out_type=tf.int64)[0]
    inc = tf.searchsorted(bins, flat, side=side, out_type=tf.int64)
    dec = n - tf.searchsorted(tf.reverse(bins, [0]), flat, side=side, out_type=tf.int64)
    down = tf.logical_and(n > 1, bins[0] > bins[-1]) if bins.shape[0] != 0 else False
    return tf.reshape(tf.where(down, dec, inc), tf.shape(v))


def bincount(x, weights=None, minlength=0, sparse=False):
    """``bincount`` of a ``tf.SparseTensor``, or with ``sparse=True``: a sparse count
    (``tf.SparseTensor``; a 2-d ``x`` counted per row), of the stored values (with
    ``weights`` at the same places), as keras.ops on TensorFlow. Counts are int64 (the
    dense bincount's), weighted counts of the weights' dtype (integers: int64)."""
    from .. import _numpy_ops as shared
    if not isinstance(x, _ST) and not sparse:
        from . import numpy as tnp
        return tnp.bincount(_dense(x), _dense(weights), minlength)
    if not isinstance(x, _ST):  # every element counts, zeros too
        x = _dense(x)
        x = _full_sparse(x if tf.is_tensor(x) else tf.convert_to_tensor(x))
    minlength = shared.check_bincount(_dense(x), minlength, False)
    values = tf.cast(x.values, tf.int64)
    if hasattr(values, "numpy") and bool(tf.reduce_any(values < 0)):
        raise shared.negative_bins()
    w = weights
    if w is not None and not isinstance(w, _ST):
        w = _with_values(x, _at(w if tf.is_tensor(w) else tf.convert_to_tensor(w), x))
    if w is not None:
        dtype = w.dtype if (w.dtype.is_floating or w.dtype.is_complex) else tf.int64
        work = tf.float64 if dtype.is_floating else (tf.complex128 if dtype.is_complex
                                                     else tf.int64)
        w = _with_values(w, tf.cast(w.values, work))
    else:
        dtype = tf.int64
    out = tf.sparse.bincount(_with_values(x, values), weights=w, minlength=minlength,
                             axis=-1)
    return _with_values(out, tf.cast(out.values, dtype))


def _full_sparse(x):
    """Dense ``x`` as a ``tf.SparseTensor`` holding every element (zeros too)."""
    indices = tf.where(tf.ones_like(x, tf.bool))
    out = tf.SparseTensor(indices, tf.reshape(x, [-1]), tf.shape(x, out_type=tf.int64))
    out.set_shape(x.shape)
    return out


def take(x, indices, /, *, axis=None):
    """``take`` at ragged indices: a ragged result (negative indices count from the end);
    at sparse indices or of a sparse ``x``: their dense forms."""
    if isinstance(indices, _RAGGED) and not _sparse(x) and not isinstance(x, _RAGGED):
        if axis is None:
            x, axis = tf.reshape(x, [-1]), 0
        size = tf.shape(x, out_type=indices.dtype)[axis]
        flat = indices.flat_values
        flat = tf.where(flat < 0, flat + size, flat)
        return tf.gather(x, indices.with_flat_values(flat), axis=axis)
    return xp.take(_dense(x), _dense(indices), axis=axis)
