"""jax's sparse arrays (``jax.experimental.sparse``, e.g. BCOO) in crossops ops.

A call given a sparse array runs the function of the op's name here, which keeps the
result sparse where keras.ops does; an op with no function here gets its sparse
arguments made dense by :func:`densify` (see ``crossops._dispatch.Op.sparse``).

The rules (the facts of Keras 3's jax backend; the values and dtypes are those of the dense
op on ``x.todense()``):

- element-wise ops that map 0 to 0 (``abs``, ``sin``, ``sqrt``, ``round``, ``astype`` ...)
  apply to the stored values and keep the indices; a non-linear one sums duplicate indices
  first. Ops with ``f(0) != 0`` (``exp``, ``cos`` ...) have no function here: dense result;
- ``add``, ``subtract``, ``maximum``, ``minimum`` of two sparse arrays: sparse, on the union
  of their indices; with a dense array or a scalar: dense;
- ``multiply``: sparse where either operand is sparse (the intersection of the indices),
  as Keras: the implicit zeros of a sparse operand stay zero even where the other operand
  is inf or NaN;
- ``divide``: a sparse dividend by a scalar or a dense divisor stays sparse (the divisor's
  zeros and NaNs add the entries where 0 / 0 gives NaN); a sparse divisor gives a dense
  result (division by its implicit zeros);
- ``sum`` and ``mean`` reduce to a sparse array (a reduction over every axis gives a 0-d
  one); ``expand_dims``, ``reshape``, ``squeeze``, ``transpose`` and ``concatenate`` of
  sparse arrays are sparse; ``matmul`` is sparse when both operands are;
- ``bincount`` of sparse ids counts the stored values; ``one_hot``, ``multi_hot`` and
  ``bincount`` with ``sparse=True`` build sparse arrays (see ``backends/jax/nn.py``);
- ``shape``, ``ndim``, ``size`` and ``dtype`` read the sparse array without densifying it.

Where Keras gives wrong values, crossops gives the dense op's values: ``divide`` by a
divisor with zeros or NaNs under ``jax.jit``, or by a 0-d zero (crossops adds the entries
where 0 / 0 is NaN; under ``jax.jit`` room for one at every position of a dense divisor; a
traced 0-d divisor is left as Keras has it), ``digitize`` with known bins for which 0 is
not in bin 0 (a dense result; traced bins are left as Keras has them),
``multi_hot(sparse=True)`` with negative ids (Keras sets class 0), non-linear ops on
duplicate indices under ``jax.jit`` (Keras raises).

Examples
--------
>>> import jax.numpy as jnp
>>> from jax.experimental import sparse
>>> from crossops import ops
>>> x = sparse.BCOO.fromdense(jnp.array([[0.0, 4.0], [9.0, 0.0]]))
>>> y = ops.sqrt(x)
>>> type(y).__name__, y.todense().tolist()
('BCOO', [[0.0, 2.0], [3.0, 0.0]])
>>> type(ops.exp(x)).__name__  # exp(0) is 1: a dense result
'ArrayImpl'
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import jax
import jax.experimental.sparse as jsp
import jax.numpy as jnp

from ..._axes import normalize_axes, normalize_axis
from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from . import DTYPES, default_dtypes
from . import expm1 as _expm1
from . import log1p as _log1p
from . import mean as _dense_mean
from . import round as _round
from . import sign as _sign
from . import sqrt as _sqrt

Sparse = jsp.JAXSparse


def densify(x: Sparse) -> jax.Array:
    """Sparse array ``x`` as a dense jax array (of bools too, which jax's own ``todense``
    refuses: their duplicates combine by ``or``)."""
    if x.dtype == jnp.bool_:
        return x.astype(jnp.int32).todense() != 0
    return x.todense()


# -- helpers ---------------------------------------------------------------------------

def _is_sparse(a) -> bool:
    return isinstance(a, jsp.JAXSparse)


def _dense(a):
    """``a`` made dense if it is sparse, else as it is."""
    return densify(a) if isinstance(a, jsp.JAXSparse) else a


def _bcoo(x: Sparse) -> jsp.BCOO:
    """``x`` in the BCOO format (BCSR and the other formats convert)."""
    return x if isinstance(x, jsp.BCOO) else x.to_bcoo()


def _traced(*arrays) -> bool:
    """Whether any of ``arrays`` is a tracer (inside ``jax.jit``, ``vmap`` ...)."""
    return any(isinstance(a, jax.core.Tracer) for a in arrays)


def _summed(x: jsp.BCOO) -> jsp.BCOO:
    """``x`` with its duplicate indices summed (for ops that are not linear: sin(a + b) is
    not sin(a) + sin(b)). Under a transformation the result keeps ``x``'s number of
    entries (padded), as its size cannot depend on the values."""
    if x.unique_indices:
        return x
    nse = x.nse if _traced(x.indices, x.data) else None
    return jsp.bcoo_sum_duplicates(x, nse=nse)


def _with_data(x: jsp.BCOO, data) -> jsp.BCOO:
    """A sparse array of ``x``'s indices and shape holding ``data``."""
    return jsp.BCOO((data, x.indices), shape=x.shape, indices_sorted=x.indices_sorted,
                    unique_indices=x.unique_indices)


def _map(f: Callable, x: Sparse, linear: bool = False) -> jsp.BCOO:
    """Element-wise ``f`` (``f(0) == 0``) on the stored values of ``x``; ``linear`` when
    ``f(a + b) == f(a) + f(b)``, so that duplicate indices need not be summed first."""
    x = _bcoo(x)
    if not linear:
        x = _summed(x)
    return _with_data(x, f(x.data))


def _same_layout(x1: jsp.BCOO, x2: jsp.BCOO) -> bool:
    return x1.n_batch == x2.n_batch and x1.n_dense == x2.n_dense


def _flat_layout(x: jsp.BCOO) -> jsp.BCOO:
    """``x`` with no batch and no dense dimensions (every dimension sparse)."""
    if x.n_batch == 0 and x.n_dense == 0:
        return x
    return jsp.bcoo_update_layout(x, n_batch=0, n_dense=0)


@functools.lru_cache(maxsize=None)
def _result_dtype(f: Callable, *dtypes):
    """The dtype of ``f``'s result for arguments of ``dtypes`` (found by jax's abstract
    evaluation, once per combination)."""
    return jax.eval_shape(f, *(jax.ShapeDtypeStruct((1,), d) for d in dtypes)).dtype


# -- element-wise ops that map 0 to 0 --------------------------------------------------

def abs(x: Sparse) -> jsp.BCOO:  # noqa: A001
    """``abs`` of the stored values (abs(0) = 0: sparse)."""
    return _map(jnp.abs, x)


def absolute(x: Sparse) -> jsp.BCOO:
    """``absolute`` (``abs``) of the stored values: sparse."""
    return _map(jnp.abs, x)


def asin(x: Sparse) -> jsp.BCOO:
    """Inverse sine of the stored values: sparse."""
    return _map(jnp.arcsin, x)


def arcsin(x: Sparse) -> jsp.BCOO:
    """Inverse sine of the stored values: sparse."""
    return _map(jnp.arcsin, x)


def asinh(x: Sparse) -> jsp.BCOO:
    """Inverse hyperbolic sine of the stored values: sparse."""
    return _map(jnp.arcsinh, x)


def arcsinh(x: Sparse) -> jsp.BCOO:
    """Inverse hyperbolic sine of the stored values: sparse."""
    return _map(jnp.arcsinh, x)


def atan(x: Sparse) -> jsp.BCOO:
    """Inverse tangent of the stored values: sparse."""
    return _map(jnp.arctan, x)


def arctan(x: Sparse) -> jsp.BCOO:
    """Inverse tangent of the stored values: sparse."""
    return _map(jnp.arctan, x)


def atanh(x: Sparse) -> jsp.BCOO:
    """Inverse hyperbolic tangent of the stored values: sparse."""
    return _map(jnp.arctanh, x)


def arctanh(x: Sparse) -> jsp.BCOO:
    """Inverse hyperbolic tangent of the stored values: sparse."""
    return _map(jnp.arctanh, x)


def ceil(x: Sparse) -> jsp.BCOO:
    """Ceiling of the stored values: sparse."""
    return _map(jnp.ceil, x)


def floor(x: Sparse) -> jsp.BCOO:
    """Floor of the stored values: sparse."""
    return _map(jnp.floor, x)


def conj(x: Sparse) -> jsp.BCOO:
    """Complex conjugate of the stored values: sparse."""
    return _map(jnp.conj, x, linear=True)


conjugate = conj  # NumPy's other name


def copy(x: Sparse) -> jsp.BCOO:
    """A copy of ``x``: sparse."""
    return _map(jnp.copy, x, linear=True)


def expm1(x: Sparse) -> jsp.BCOO:
    """``exp(x) - 1`` of the stored values: sparse."""
    return _map(_expm1, x)


def log1p(x: Sparse) -> jsp.BCOO:
    """``log(1 + x)`` of the stored values: sparse."""
    return _map(_log1p, x)


def imag(x: Sparse) -> jsp.BCOO:
    """Imaginary part of the stored values: sparse."""
    return _map(jnp.imag, x, linear=True)


def real(x: Sparse) -> jsp.BCOO:
    """Real part of the stored values: sparse."""
    return _map(jnp.real, x, linear=True)


def isinf(x: Sparse) -> jsp.BCOO:
    """Whether the stored values are infinite (bool): sparse."""
    return _map(jnp.isinf, x)


def isnan(x: Sparse) -> jsp.BCOO:
    """Whether the stored values are NaN (bool): sparse."""
    return _map(jnp.isnan, x)


def negative(x: Sparse) -> jsp.BCOO:
    """The stored values negated: sparse."""
    return _map(jnp.negative, x, linear=True)


def round(x: Sparse) -> jsp.BCOO:  # noqa: A001
    """The stored values rounded, halves to even: sparse."""
    return _map(_round, x)


def sign(x: Sparse) -> jsp.BCOO:
    """Sign of the stored values: sparse."""
    return _map(_sign, x)


def signbit(x: Sparse) -> jsp.BCOO:
    """Sign bit of the stored values (bool): sparse."""
    return _map(jnp.signbit, x)


def sin(x: Sparse) -> jsp.BCOO:
    """Sine of the stored values: sparse."""
    return _map(jnp.sin, x)


def sinh(x: Sparse) -> jsp.BCOO:
    """Hyperbolic sine of the stored values: sparse."""
    return _map(jnp.sinh, x)


def tan(x: Sparse) -> jsp.BCOO:
    """Tangent of the stored values: sparse."""
    return _map(jnp.tan, x)


def tanh(x: Sparse) -> jsp.BCOO:
    """Hyperbolic tangent of the stored values: sparse."""
    return _map(jnp.tanh, x)


def sqrt(x: Sparse) -> jsp.BCOO:
    """Square root of the stored values: sparse."""
    return _map(_sqrt, x)


def square(x: Sparse) -> jsp.BCOO:
    """Square of the stored values: sparse."""
    return _map(jnp.square, x)


def digitize(x: Sparse, bins, right: bool = False):
    """The bin of each value: sparse, as Keras, where 0 falls in bin 0; for known bins that
    put 0 in another bin, dense with the dense op's values (Keras keeps 0 at the implicit
    zeros whatever the bins). Under a transformation the bins' values are unknown: sparse,
    as Keras."""
    bins = jnp.asarray(_dense(bins))
    if bins.ndim != 1:
        raise ValueError(f"digitize: bins must be 1-d, got shape {tuple(bins.shape)}")
    if not _traced(bins) and int(jnp.digitize(jnp.zeros((), bins.dtype), bins, right=right)):
        return jnp.digitize(_dense(x), bins, right=right)
    return _map(lambda v: jnp.digitize(v, bins, right=right), x)


def astype(x: Sparse, dtype, /, *, copy: bool = True, device=None) -> jsp.BCOO:
    """``x`` in ``dtype`` (a cast maps 0 to 0): sparse. Duplicate indices are summed in
    ``x``'s dtype first, as ``x.todense()`` would."""
    x = _bcoo(x)
    if x.dtype == dtype:
        return x
    x = _summed(x)
    data = x.data.astype(dtype)
    if device is not None:
        data = jax.device_put(data, device)
    return _with_data(x, data)


def asarray(obj: Sparse, /, *, dtype=None, device=None, copy=None) -> jsp.BCOO:
    """A sparse array stays sparse (as Keras's ``convert_to_tensor``), in ``dtype`` if
    given."""
    return obj if dtype is None else astype(obj, dtype, device=device)


# -- core: conversions and the shape, read without densifying --------------------------

def core_cast(x: Sparse, dtype) -> jsp.BCOO:
    """``x`` in ``dtype``: sparse (see :func:`astype`)."""
    return astype(x, dtype)


def core_convert_to_tensor(x: Sparse, dtype=None, sparse=None, ragged=None):
    """``x`` as it is (sparse), dense where ``sparse=False``, in ``dtype`` if given."""
    for name, flag in (("sparse", sparse), ("ragged", ragged)):
        if flag not in (None, True, False):
            raise TypeError(f"core.convert_to_tensor: {name} must be None, True or False, got "
                            f"{flag!r}")
    if ragged:
        raise ValueError("core.convert_to_tensor: ragged=True is not supported on the jax "
                         "backend (jax has no ragged arrays); pass ragged=None or False")
    if sparse is False:
        x = densify(x)
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    return x if dtype is None else astype(x, dtype)


def core_shape(x: Sparse) -> tuple:
    """The shape of ``x``, a tuple of ints."""
    return tuple(int(n) for n in x.shape)


def shape(a: Sparse) -> tuple:
    """The shape of ``a``, a tuple of ints."""
    return tuple(int(n) for n in a.shape)


def core_dtype(x: Sparse) -> str:
    """The name of ``x``'s dtype."""
    return dtype_name(x.dtype)


def core_is_tensor(x: Sparse) -> bool:
    """A jax sparse array is a tensor (as keras.ops.is_tensor)."""
    return True


def ndim(a: Sparse) -> int:
    """The number of dimensions of ``a``."""
    return len(a.shape)


def size(a: Sparse, axis=None) -> int:
    """The number of elements of ``a`` (along ``axis``), implicit zeros included."""
    if axis is None:
        return math.prod(a.shape)
    return math.prod(a.shape[i] for i in normalize_axes(axis, len(a.shape), "size"))


# -- binary element-wise ops -------------------------------------------------------------

def _aligned(x1: jsp.BCOO, x2: jsp.BCOO, linear: bool) -> tuple:
    """The values of ``x1`` and ``x2`` at the union of their indices (0 where one has no
    entry), and those indices: ``(data1, data2, template)``, ``template`` a sparse array of
    the indices. Duplicates are summed unless ``linear``."""
    if not _same_layout(x1, x2):
        x2 = jsp.bcoo_update_layout(x2, n_batch=x1.n_batch, n_dense=x1.n_dense)
    if x1.indices is x2.indices:
        if not linear and not x1.unique_indices:
            x1, x2 = _summed(x1), _summed(x2)
        return x1.data, x2.data, x1
    axis = x1.n_batch  # the axis of the entries, in indices and data
    indices = jnp.concatenate([x1.indices, x2.indices], axis=axis)
    d1 = jnp.concatenate([x1.data, jnp.zeros(x2.data.shape, x1.dtype)], axis=axis)
    d2 = jnp.concatenate([jnp.zeros(x1.data.shape, x2.dtype), x2.data], axis=axis)
    a = jsp.BCOO((d1, indices), shape=x1.shape)
    b = jsp.BCOO((d2, indices), shape=x1.shape)
    if not linear:  # the same indices sum to the same unique, sorted indices
        a, b = _summed(a), _summed(b)
    return a.data, b.data, a


def _union(f: Callable, x1, x2, linear: bool):
    """Element-wise ``f`` (``f(0, 0) == 0``) of two operands: sparse on the union of the
    indices when both are sparse arrays of one shape, else dense."""
    if not (_is_sparse(x1) and _is_sparse(x2)) or tuple(x1.shape) != tuple(x2.shape):
        return f(_dense(x1), _dense(x2))
    d1, d2, template = _aligned(_bcoo(x1), _bcoo(x2), linear)
    return _with_data(template, f(d1, d2))


def add(x1, x2, /):
    """Sum: sparse when both operands are (the union of their indices), else dense."""
    return _union(jnp.add, x1, x2, linear=True)


def subtract(x1, x2, /):
    """Difference: sparse when both operands are (the union of their indices), else dense."""
    return _union(jnp.subtract, x1, x2, linear=True)


def maximum(x1, x2, /):
    """Element-wise maximum: sparse when both operands are, else dense."""
    return _union(jnp.maximum, x1, x2, linear=False)


def minimum(x1, x2, /):
    """Element-wise minimum: sparse when both operands are, else dense."""
    return _union(jnp.minimum, x1, x2, linear=False)


def _broadcasts_into(x: jsp.BCOO, other) -> bool:
    """Whether ``other`` (an array) broadcasts to ``x``'s shape without enlarging it."""
    try:
        return jnp.broadcast_shapes(tuple(x.shape), tuple(jnp.shape(other))) == tuple(x.shape)
    except ValueError:
        return False


def _at_entries(x: jsp.BCOO, dense) -> jax.Array:
    """The values of ``dense`` (broadcast to ``x``'s shape) at ``x``'s entries, shaped as
    ``x.data``."""
    dense = jnp.asarray(dense)
    if dense.ndim == 0:
        return dense
    return jsp.bcoo_extract(x, jnp.broadcast_to(dense, x.shape)).data


def multiply(x1, x2, /):
    """Product: sparse where an operand is sparse (the intersection of the indices), as
    Keras; dense when the dense operand broadcasts the sparse one to a larger shape."""
    if _is_sparse(x1) and _is_sparse(x2):
        x1, x2 = _bcoo(x1), _bcoo(x2)
        if tuple(x1.shape) != tuple(x2.shape):
            return jnp.multiply(densify(x1), densify(x2))
        if x1.indices is x2.indices and _same_layout(x1, x2):
            if not x1.unique_indices:
                x1, x2 = _summed(x1), _summed(x2)
            return _with_data(x1, jnp.multiply(x1.data, x2.data))
        target = jnp.result_type(x1.dtype, x2.dtype)
        return jsp.bcoo_multiply_sparse(astype(x1, target), astype(x2, target))
    sp, other = (_bcoo(x1), x2) if _is_sparse(x1) else (_bcoo(x2), x1)
    if not _broadcasts_into(sp, other):
        return jnp.multiply(_dense(x1), _dense(x2))
    # (sp * v at each entry: linear in sp, so duplicates need no summing)
    return _with_data(sp, jnp.multiply(sp.data, _at_entries(sp, other)))


def divide(x1, x2, /):
    """Quotient: sparse for a sparse dividend over a scalar or a dense divisor, dense for a
    sparse divisor (its implicit zeros divide). Where the divisor is 0 or NaN the result
    has an entry (0 / 0 is NaN; Keras leaves 0 there): found from the values when they are
    known; under a transformation a dense divisor gives an entry at every position, and a
    0-d divisor none (as Keras: a traced divisor of 0 leaves 0 / 0 as 0)."""
    if _is_sparse(x2) or not _broadcasts_into(x1, x2):
        return jnp.divide(_dense(x1), _dense(x2))
    x1 = _bcoo(x1)
    x2 = jnp.asarray(x2)
    traced = _traced(x2)
    if x2.ndim == 0 and traced:
        return _with_data(x1, jnp.divide(x1.data, x2))
    bad = x2 == 0
    if jnp.issubdtype(x2.dtype, jnp.inexact):
        bad = bad | jnp.isnan(x2)
    if traced or bool(jnp.any(bad)):  # entries (of 0) where the divisor is 0 or NaN
        x1 = _with_entries(x1, jnp.broadcast_to(bad, x1.shape), every=traced)
    return _with_data(x1, jnp.divide(x1.data, _at_entries(x1, x2)))


def _with_entries(x: jsp.BCOO, where, every: bool) -> jsp.BCOO:
    """``x`` with an entry (of 0 where it had none) wherever ``where`` (a dense bool array
    of its shape) is true; with ``every``, room for an entry at every position (the
    result's size cannot depend on ``where``'s values under a transformation)."""
    positions = math.prod(x.shape[x.n_batch:len(x.shape) - x.n_dense])
    extra = jsp.bcoo_fromdense(where, n_batch=x.n_batch, n_dense=x.n_dense,
                               index_dtype=x.indices.dtype, nse=positions if every else None)
    axis = x.n_batch
    merged = jsp.BCOO((jnp.concatenate([x.data, jnp.zeros(extra.data.shape, x.dtype)], axis),
                       jnp.concatenate([x.indices, extra.indices], axis)), shape=x.shape)
    nse = merged.nse if every or _traced(x.data, x.indices) else None
    return jsp.bcoo_sum_duplicates(merged, nse=nse)


def true_divide(x1, x2):
    """Quotient (``divide``)."""
    return divide(x1, x2)


# -- reductions --------------------------------------------------------------------------

def _reduced(x: jsp.BCOO, axis, keepdims: bool, op: str) -> tuple[jsp.BCOO, int]:
    """``x`` summed over ``axis`` (None: every axis), with the reduced axes kept as 1 if
    ``keepdims``; and the number of elements summed into each result."""
    ndim = len(x.shape)
    axes = tuple(range(ndim)) if axis is None else normalize_axes(axis, ndim, op)
    out = jsp.bcoo_reduce_sum(x, axes=axes) if axes else x
    if keepdims and axes:
        shape = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        kept = tuple(i for i in range(ndim) if i not in axes)
        out = jsp.bcoo_broadcast_in_dim(out, shape=shape, broadcast_dimensions=kept)
    return out, math.prod(x.shape[i] for i in axes)


def sum(x: Sparse, /, *, axis=None, dtype=None, keepdims: bool = False, initial=None,  # noqa: A001
        where=True):
    """Sum over ``axis``: sparse, as Keras (0-d sparse over every axis); the dtype is the
    dense ``sum``'s. ``initial`` or ``where`` give the dense op's result."""
    if initial is not None or where is not True:
        return jnp.sum(_dense(x), axis=axis, dtype=dtype, keepdims=keepdims, initial=initial,
                       where=_dense(where))
    x = _bcoo(x)
    target = dtype if dtype is not None else _result_dtype(jnp.sum, x.dtype)
    return _reduced(astype(x, target), axis, keepdims, "sum")[0]


def mean(x: Sparse, /, *, axis=None, keepdims: bool = False, where=True):
    """Mean over ``axis``: sparse, as Keras; the dtype is the dense ``mean``'s (half
    precision summed in float32). ``where`` gives the dense op's result."""
    if where is not True:
        return jnp.mean(_dense(x), axis=axis, keepdims=keepdims, where=_dense(where))
    x = _bcoo(x)
    target = _result_dtype(_dense_mean, x.dtype)
    compute = jnp.float32 if target in (jnp.float16, jnp.bfloat16) else target
    total, count = _reduced(astype(x, compute), axis, keepdims, "mean")
    if count == 0:  # the mean of nothing is NaN everywhere: dense
        return _dense_mean(densify(x), axis=axis, keepdims=keepdims)
    return _with_data(total, (total.data / count).astype(target))


# -- shapes ----------------------------------------------------------------------------

def expand_dims(x: Sparse, /, axis):
    """``x`` with new dimensions of 1 at ``axis``: sparse."""
    x = _bcoo(x)
    ndim = len(x.shape) + (len(axis) if isinstance(axis, list | tuple) else 1)
    axes = normalize_axes(axis, ndim, "expand_dims")
    shape = list(x.shape)
    for a in sorted(axes):
        shape.insert(a, 1)
    kept = tuple(i for i in range(ndim) if i not in axes)
    return jsp.bcoo_broadcast_in_dim(x, shape=tuple(shape), broadcast_dimensions=kept)


def reshape(x: Sparse, /, shape, *, copy=None) -> jsp.BCOO:
    """``x`` with a new shape (one size may be -1): sparse."""
    x = _flat_layout(_bcoo(x))
    shape = (shape,) if isinstance(shape, int) else tuple(int(n) for n in shape)
    total = math.prod(x.shape)
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: only one size can be -1, got shape={shape}")
    if -1 in shape:
        known = math.prod(n for n in shape if n != -1)
        if known == 0 or total % known:
            raise ValueError(f"reshape: cannot reshape an array of shape {tuple(x.shape)} "
                             f"into shape {shape}")
        shape = tuple(total // known if n == -1 else n for n in shape)
    if math.prod(shape) != total:
        raise ValueError(f"reshape: cannot reshape an array of shape {tuple(x.shape)} into "
                         f"shape {shape}")
    return jsp.bcoo_reshape(x, new_sizes=shape)


def squeeze(x: Sparse, /, axis=None) -> jsp.BCOO:
    """``x`` without the dimensions of 1 at ``axis`` (None: all of them): sparse."""
    x = _bcoo(x)
    if axis is None:
        axes = tuple(i for i, n in enumerate(x.shape) if n == 1)
    else:
        axes = normalize_axes(axis, len(x.shape), "squeeze")
        for a in axes:
            if x.shape[a] != 1:
                raise ValueError(f"squeeze: cannot squeeze axis {a} of size {x.shape[a]} "
                                 f"(shape {tuple(x.shape)}); only axes of size 1")
    return jsp.bcoo_squeeze(x, dimensions=axes) if axes else x


def _permuted(x: Sparse, axes, op: str) -> jsp.BCOO:
    x = _bcoo(x)
    ndim = len(x.shape)
    perm = tuple(reversed(range(ndim))) if axes is None else normalize_axes(axes, ndim, op,
                                                                            "axes")
    if len(perm) != ndim:
        raise ValueError(f"{op}: axes must list each of the {ndim} axes once, got {axes!r}")
    b, s = x.n_batch, ndim - x.n_dense
    if sorted(perm[:b]) != list(range(b)) or sorted(perm[b:s]) != list(range(b, s)):
        x = _flat_layout(x)  # a permutation across batch, sparse and dense dimensions
    return jsp.bcoo_transpose(x, permutation=perm)


def transpose(a: Sparse, axes=None) -> jsp.BCOO:
    """``a`` with its axes permuted (reversed by default): sparse."""
    return _permuted(a, axes, "transpose")


def permute_dims(x: Sparse, /, axes) -> jsp.BCOO:
    """``x`` with its axes permuted: sparse."""
    return _permuted(x, axes, "permute_dims")


def _concatenated(arrays, axis, dtype=None):
    """Sparse when every array is (in one layout, with an axis), else dense."""
    arrays = list(arrays)
    if axis is None or not arrays or not all(map(_is_sparse, arrays)):
        return jnp.concatenate([_dense(a) for a in arrays], axis=axis, dtype=dtype)
    arrays = [_bcoo(a) for a in arrays]
    target = dtype if dtype is not None else jnp.result_type(*(a.dtype for a in arrays))
    arrays = [astype(a, target) for a in arrays]
    axis = normalize_axis(axis, len(arrays[0].shape), "concatenate")
    if not all(_same_layout(a, arrays[0]) for a in arrays) or \
            axis >= len(arrays[0].shape) - arrays[0].n_dense:  # (jax joins no dense dims)
        arrays = [_flat_layout(a) for a in arrays]
    return jsp.bcoo_concatenate(arrays, dimension=axis)


def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    """Arrays joined along ``axis``: sparse when all of them are sparse, else dense."""
    if casting != "same_kind":
        return jnp.concatenate([_dense(a) for a in arrays], axis=axis, dtype=dtype)
    return _concatenated(arrays, axis, dtype)


def concat(arrays, /, *, axis=0):
    """Arrays joined along ``axis``: sparse when all of them are sparse, else dense."""
    return _concatenated(arrays, axis)


def _matmul(x1, x2):
    """Sparse when both operands are, as Keras (batched dimensions as the sparse format's
    batch dimensions); dense otherwise, or for shapes other than stacks of matrices of one
    batch shape."""
    s1, s2 = jnp.shape(x1), jnp.shape(x2)
    if len(s1) < 2 or len(s1) != len(s2) or s1[:-2] != s2[:-2]:
        return jnp.matmul(_dense(x1), _dense(x2))
    target = jnp.result_type(x1.dtype, x2.dtype)
    n = len(s1)
    operands = []
    for a in (x1, x2):
        if _is_sparse(a):  # the stacked dimensions as the format's batch dimensions
            a = jsp.bcoo_update_layout(astype(_bcoo(a), target), n_batch=n - 2, n_dense=0)
        else:
            a = a.astype(target)
        operands.append(a)
    batch = tuple(range(n - 2))
    return jsp.bcoo_dot_general(*operands, dimension_numbers=(((n - 1,), (n - 2,)),
                                                              (batch, batch)))


def matmul(x1, x2, /):
    """Matrix product: sparse when both operands are sparse, else dense."""
    return _matmul(x1, x2)


def linalg_matmul(x1, x2, /):
    """Matrix product: sparse when both operands are sparse, else dense."""
    return _matmul(x1, x2)


# -- counting and encodings ------------------------------------------------------------

def _weighted_counts(weights):
    return jnp.bincount(jnp.zeros(weights.shape, jnp.int32), weights=weights, length=1)


def _count_dtype(weights):
    """The dtype of ``bincount``'s result: the default int, or that of the dense op with
    ``weights``."""
    if weights is None:
        return DTYPES[default_dtypes()[0]]
    return _result_dtype(_weighted_counts, weights.dtype)


def bincount(x, weights=None, minlength=0, sparse=False) -> jsp.BCOO:
    """Counts (or sums of ``weights``) per value: a sparse result. Of sparse ids, the stored
    values count (``weights`` then sparse with the same indices), as Keras; a 2-d ``x``
    counts per row. Eager only: the length depends on the values."""
    if _is_sparse(x):
        x = _flat_layout(_bcoo(x))
        # (padding entries, at an index past the shape, hold no value: left out)
        kept = jnp.all(x.indices < jnp.asarray(x.shape, x.indices.dtype), axis=1)
        rows = (x.indices[kept, 0], x.shape[0]) if len(x.shape) == 2 else None
        if weights is not None:
            if not _is_sparse(weights):
                raise ValueError("bincount: x is sparse, so weights must be sparse too, with "
                                 "the same indices")
            weights = _flat_layout(_bcoo(weights))
            if weights.indices is not x.indices and not (
                    weights.indices.shape == x.indices.shape
                    and bool(jnp.all(weights.indices == x.indices))):
                raise ValueError("bincount: sparse x and weights must have the same indices")
            weights = weights.data[kept]
        x = x.data[kept]
    else:
        x = jnp.asarray(x)
        weights = None if weights is None else jnp.asarray(_dense(weights))
        rows = (jnp.broadcast_to(jnp.arange(x.shape[0])[:, None], x.shape), x.shape[0]) \
            if x.ndim == 2 else None
    minlength = shared.check_bincount(x if rows is None else x.reshape(-1), minlength, False)
    if weights is not None:
        shared.check_weights(x, weights)
    out_dtype = _count_dtype(weights)
    x = x.reshape(-1)
    if x.size and bool(jnp.any(x < 0)):
        raise shared.negative_bins()
    length = max(int(jnp.max(x)) + 1 if x.size else 0, minlength)
    data = jnp.ones(x.shape, out_dtype) if weights is None else \
        weights.reshape(-1).astype(out_dtype)
    if rows is None:
        indices, shape = x[:, None], (length,)
    else:
        indices = jnp.stack([rows[0].reshape(-1), x], axis=1)
        shape = (rows[1], length)
    out = jsp.BCOO((data, indices.astype(jnp.int32)), shape=shape)
    return jsp.bcoo_sum_duplicates(out)


def bcoo_one_hot(x, num_classes: int, axis: int = -1, dtype=None) -> jsp.BCOO:
    """``one_hot(x, num_classes, axis, dtype, sparse=True)``: a BCOO with one entry per
    element of ``x`` (1 at its class; ids outside ``[0, num_classes)`` give an explicit 0,
    as Keras keeps them), float32 unless ``dtype`` says otherwise."""
    x = jnp.asarray(x)
    ndim = x.ndim + 1
    axis = normalize_axis(axis, ndim, "one_hot")
    flat = x.reshape(-1)
    ids = flat.astype(jnp.int32)
    valid = (flat >= 0) & (flat < num_classes) & (ids == flat)
    ids = jnp.where(valid, ids, 0)
    positions = list(jnp.indices(x.shape, dtype=jnp.int32).reshape(x.ndim, flat.size))
    positions.insert(axis, ids)
    indices = jnp.stack(positions, axis=1)
    shape = (*x.shape[:axis], num_classes, *x.shape[axis:])
    data = valid.astype(jnp.float32 if dtype is None else dtype)
    return jsp.BCOO((data, indices), shape=shape, indices_sorted=axis == ndim - 1,
                    unique_indices=True)


def bcoo_multi_hot(inputs, num_classes=None, axis: int = -1, dtype=None) -> jsp.BCOO:
    """``multi_hot(inputs, num_classes, axis, dtype, sparse=True)``: the one-hot rows of
    ``inputs`` combined over its ids axis (1, or 0 for 1-d inputs), as a BCOO of 1s at the
    classes present."""
    x = jnp.asarray(inputs)
    if num_classes is None:  # eager only: the size comes from the values
        num_classes = int(jnp.max(x)) + 1
    hot = bcoo_one_hot(x, num_classes, axis, jnp.int32)
    out = _summed(jsp.bcoo_reduce_sum(hot, axes=(1 if x.ndim > 1 else 0,)))
    data = (out.data > 0).astype(jnp.float32 if dtype is None else dtype)
    return jsp.BCOO((data, out.indices), shape=out.shape, indices_sorted=out.indices_sorted,
                    unique_indices=out.unique_indices)
