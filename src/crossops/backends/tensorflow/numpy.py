"""TensorFlow's functions of crossops.numpy that adapt TensorFlow's own to crossops's
rules, found by op name (``backends/tensorflow/numpy.py``): ``i0``
(``tf.math.bessel_i0``; float16 and bfloat16 computed in float32, integers in float64),
``view`` (``tf.bitcast``; bool through uint8), the common calls of ``dot`` and ``pad``
(their kernels), ``einsum`` (operands promoted with
crossops's table; dtypes without a kernel computed in int64, exact), ``bincount``,
``bin_sums``, the counting step that other ops share, and ``split`` / ``array_split`` into
int sections (one Split kernel) or at indices traced by ``tf.function``; ``cross``
(its kernel, eagerly), ``digitize`` of rising bins (NumPy's search on the host) and
``argwhere`` (``tf.where``). Dtype and shape
rules and argument checks: :mod:`crossops.backends._numpy_ops`.
"""

from __future__ import annotations

import math
import re

import numpy as np
import tensorflow as tf

from ..._dtypes import dtype_name
from .. import _numpy_ops as shared
from .._common import partial
from . import DTYPES, NAMESPACE
from ._compute import KERNEL_FLOATS, cpu_buffer, eager, eager_cpu, int_tuple, run_kernel
from ._private import EAGER_TENSOR
from .array_api._helpers import shape_list

# -- concatenate, cumsum, cumprod: their common calls -----------------------------------------
# The generic forms (crossops.numpy._keras) call concat, cumulative_sum and cumulative_prod
# through their ops; these make those ops' kernel calls for the common case straight away
# (tf.concat and tf.cumsum add ~3 us of wrapper each) and leave every other one (promotion
# across dtypes, one array, 0-d arrays, dtype= or casting=, a bad axis, a Variable, a zero
# in cumprod's eager input) to the generic.

@partial
def concatenate(arrays, /, axis=0, *, dtype=None, casting="same_kind"):
    xs = arrays
    if (dtype is not None or casting != "same_kind" or type(axis) is not int
            or type(xs) not in (list, tuple) or len(xs) < 2):
        return NotImplemented
    first = xs[0]
    if not isinstance(first, tf.Tensor):
        return NotImplemented
    rank = first.shape.rank
    if not rank or not -rank <= axis < rank:
        return NotImplemented
    d = first.dtype
    for x in xs:
        if not isinstance(x, tf.Tensor) or x.dtype is not d:
            return NotImplemented
    return tf.raw_ops.ConcatV2(values=list(xs), axis=axis)


#: dtypes whose running sum and product TensorFlow computes as crossops does (in their own
#: dtype), by id
_OWN_RUNNING = frozenset(map(id, (tf.float32, tf.float64)))


def _running(kernel, x, axis, dtype):
    """``kernel`` (Cumsum, Cumprod) of float32/float64 tensor ``x`` along an int axis in
    range, or of ``x`` flattened (axis None, as NumPy's); NotImplemented for the others."""
    if (not isinstance(x, tf.Tensor) or id(x.dtype) not in _OWN_RUNNING
            or (dtype is not None and dtype is not x.dtype)):
        return NotImplemented
    if axis is None:  # NumPy flattens
        return kernel(x=tf.reshape(x, [-1]), axis=0)
    rank = x.shape.rank
    if type(axis) is not int or rank is None or not -rank <= axis < rank:
        return NotImplemented
    return kernel(x=x, axis=axis)


@partial
def cumsum(a, axis=None, dtype=None):
    return _running(tf.raw_ops.Cumsum, a, axis, dtype)


@partial
def cumprod(a, axis=None, dtype=None):
    """Cumprod of an eager CPU tensor holding no zero (read on the host): TensorFlow's
    gradient divides by ``a``, wrong at a zero, where the generic's is right."""
    values = cpu_buffer(a) if isinstance(a, tf.Tensor) and id(a.dtype) in _OWN_RUNNING \
        else None
    if values is None or not values.all():
        return NotImplemented
    return _running(tf.raw_ops.Cumprod, a, axis, dtype)


# -- dot, pad: their common calls ---------------------------------------------------------------
# The generic forms (crossops.numpy._keras) contract through tensordot and concatenate fills
# through crossops's ops (~150 and ~100 us at 32x32); these make the one or three kernel calls
# straight away (tf.linalg.matvec and tf.pad add ~15 us of wrapper each).

# -- digitize: NumPy's search of rising bins, on the host -----------------------------------
# (the generic form checks the bins both ways and searches twice: ~1.6 ms at 32x32)

@partial
def digitize(x, bins, right=False):
    """NumPy's ``searchsorted`` of eager CPU ``x`` in rising 1-d ``bins`` of its real
    dtype, on the tensors' buffers (the generic's call for them: NaN past the last bin;
    an integer result, without a gradient); other calls (decreasing bins, two dtypes,
    under ``tf.function``) take the generic form."""
    if not (shared.common_digitize(x, bins, right, EAGER_TENSOR, _SEARCHED)
            and eager_cpu(x) and eager_cpu(bins)):
        return NotImplemented
    h = cpu_buffer(bins)
    if not shared.rising_bins(h):
        return NotImplemented
    return tf.constant(np.searchsorted(h, cpu_buffer(x), side="left" if right else "right"))


#: the real dtypes (NumPy compares bfloat16 too: ml_dtypes's)
_SEARCHED = frozenset({tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16, tf.uint32,
                       tf.uint64, tf.float16, tf.bfloat16, tf.float32, tf.float64})


@partial
def argwhere(a):
    """``tf.where`` of a real tensor of one or more dimensions (nonzero elements, NaN
    among them, as true): the generic's nonzero indices stacked, int64, in one kernel;
    other calls take the generic form."""
    if not isinstance(a, tf.Tensor) or not a.shape.rank or a.dtype.is_complex:
        return NotImplemented
    return tf.where(a)


@partial
def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``tf.linalg.cross`` (NumPy's products and differences, each rounded: bit for bit)
    of two eager tensors of 3-vectors along their last axes, of one shape and real dtype;
    other calls (2-vectors, other axes, broadcasting, and in a graph, which XLA may
    compile: its CPU compiler fuses a product and a difference) take the generic form."""
    if (not eager(a) or not isinstance(b, tf.Tensor) or a.dtype != b.dtype
            or a.dtype not in _CROSSED or axisa != -1 or axisb != -1 or axisc != -1
            or axis is not None or not a.shape.is_fully_defined() or a.shape != b.shape
            or not a.shape.rank or a.shape[-1] != 3):
        return NotImplemented
    return tf.linalg.cross(a, b)


_CROSSED = frozenset({tf.float16, tf.float32, tf.float64, tf.int32, tf.int64})


@partial
def dot(a, b):
    """The kernels of NumPy's dot for two float32 or float64 tensors of one dtype: the
    sum of products of two vectors, the product of a matrix and a vector or matrix;
    other dtypes, more dimensions and shapes that do not line up take the generic."""
    if not (isinstance(a, tf.Tensor) and isinstance(b, tf.Tensor)) or a.dtype is not b.dtype \
            or id(a.dtype) not in KERNEL_FLOATS:
        return NotImplemented
    ranks = (a.shape.rank, b.shape.rank)
    try:
        if ranks == (1, 1) and a.shape[0] == b.shape[0]:
            return tf.raw_ops.Sum(input=a * b, axis=0)
        if ranks == (2, 1):
            return tf.raw_ops.Squeeze(input=tf.raw_ops.MatMul(
                a=a, b=tf.raw_ops.ExpandDims(input=b, axis=-1)), axis=[-1])
        if ranks == (2, 2):
            return tf.raw_ops.MatMul(a=a, b=b)
    except (tf.errors.InvalidArgumentError, ValueError):  # (shapes: the generic's error)
        pass
    return NotImplemented


@partial
def pad(array, pad_width, mode="constant", constant_values=None):
    """TensorFlow's Pad kernel in constant mode of a floating or integer tensor by 0 or a
    Python number its dtype holds as it is (an int for integers); NumPy's widths checked
    by the generic's rules; other modes, dtypes and values take the generic."""
    value = 0 if constant_values is None else constant_values
    dtype = array.dtype
    rank = array.shape.rank
    if (mode != "constant" or not rank or not (dtype.is_floating or dtype.is_integer)
            or not (type(value) is int or (type(value) is float and dtype.is_floating))):
        return NotImplemented
    widths = shared.pad_widths(pad_width, rank)
    if value == 0 and not (type(value) is float and math.copysign(1.0, value) < 0):
        return tf.raw_ops.Pad(input=array, paddings=widths)
    try:
        fill = np.asarray(value, dtype.as_numpy_dtype)
    except (OverflowError, ValueError):  # (a value the dtype cannot hold: the generic's)
        return NotImplemented
    return tf.raw_ops.PadV2(input=array, paddings=widths, constant_values=fill)


# -- i0 ---------------------------------------------------------------------------------------

def i0(x):
    x = tf.convert_to_tensor(x)
    work, out = shared.i0_dtypes(dtype_name(x.dtype), "float64")
    return tf.cast(tf.math.bessel_i0(tf.cast(x, DTYPES[work])), DTYPES[out])


# -- view -------------------------------------------------------------------------------------

def view(x, dtype=None):
    x = tf.convert_to_tensor(x)
    if dtype is None:
        return x
    old, new = dtype_name(x.dtype), dtype_name(dtype)
    dims = shape_list(x)  # a size tf.function left open is a tensor: tf checks it
    known = all(isinstance(d, int) for d in dims)
    shape = shared.view_shape(tuple(dims), old, new) if known else None
    if old == new:
        return x
    if old == "bool":  # tf.bitcast has no bool: its bytes are those of uint8 0 and 1
        x, old = tf.cast(x, tf.uint8), "uint8"
    target = tf.uint8 if new == "bool" else dtype
    a, b = shared.ITEMSIZE[old], shared.ITEMSIZE[new]
    if a == b:
        out = tf.bitcast(x, target)
    elif a > b:  # each item becomes a // b items: a new last axis, merged into the old one
        out = tf.reshape(tf.bitcast(x, target), shape if known else tf.stack(dims[:-1] + [-1]))
    else:  # b // a items become one: split the last axis, then bitcast drops the new one
        split = shape + (b // a,) if known else tf.stack(dims[:-1] + [-1, b // a])
        out = tf.bitcast(tf.reshape(x, split), target)
    return tf.not_equal(out, 0) if new == "bool" else out


# -- einsum -----------------------------------------------------------------------------------

#: dtypes TensorFlow's einsum has no kernel for
_NO_KERNEL = frozenset({"bool", "int8", "int16", "uint8", "uint16", "uint32", "uint64"})


def einsum(subscripts, *operands, **kwargs):
    shared.no_kwargs(kwargs, "tensorflow")
    eq, ops, r = shared.einsum_operands(subscripts, operands, NAMESPACE.asarray,
                                        tf.cast, DTYPES)
    if r in _NO_KERNEL:  # in int64 (exact: integer products and sums wrap alike)
        out = tf.einsum(eq, *(tf.cast(o, tf.int64) for o in ops))
        return tf.not_equal(out, 0) if r == "bool" else tf.cast(out, DTYPES[r])
    if len(ops) <= 2 and _plain_equation(eq, len(ops)) and all(map(eager_cpu, ops)):
        # eagerly, one or two operands and an equation of letters: tf.einsum's kernel,
        # without its Python layers (which parse such an equation to itself)
        out = run_kernel("Einsum", ops, "equation", eq)
    else:
        out = tf.einsum(eq, *ops)
    return out if dtype_name(out.dtype) == r else tf.cast(out, DTYPES[r])


#: an explicit equation of letters (no ``...``), each output label once: equation -> its
#: count of operands, or 0 where it is not one (see :func:`_plain_equation`)
_PLAIN_EQUATIONS: dict = {}
_LETTERS_EQUATION = re.compile(r"^[a-zA-Z]+(,[a-zA-Z]+)*->([a-zA-Z]*)$")


def _plain_equation(eq: str, n: int) -> bool:
    """Whether ``eq`` is an explicit equation of letters for ``n`` operands whose output
    labels are distinct: one tf.einsum gives to its kernel as it is (found once per
    equation; a few hundred kept)."""
    count = _PLAIN_EQUATIONS.get(eq)
    if count is None:
        m = _LETTERS_EQUATION.match(eq)
        count = eq.count(",") + 1 if m and len(set(m[2])) == len(m[2]) else 0
        if len(_PLAIN_EQUATIONS) >= 256:
            _PLAIN_EQUATIONS.clear()
        _PLAIN_EQUATIONS[eq] = count
    return count == n


# -- bincount ---------------------------------------------------------------------------------

def bin_sums(x, w, length: int):
    """The counts of the values of ``x`` (int64), or the sums of ``w`` at them, in a result
    of ``length`` entries (``x`` 1-d int64 with values in ``[0, length)``, unchecked;
    ``length`` a Python int, so this compiles)."""
    if w is None:
        return tf.math.bincount(x, minlength=length, maxlength=length, dtype=tf.int64)
    return tf.math.unsorted_segment_sum(w, x, length)


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:  # keras.ops's sparse counts: a tf.SparseTensor
        from .sparse import bincount as sparse_bincount
        return sparse_bincount(x, weights, minlength, sparse)
    minlength = shared.check_bincount(x, minlength, sparse)
    x = tf.cast(x, tf.int64)
    n = x.shape.num_elements()
    if n and bool(tf.reduce_any(x < 0)):
        raise shared.negative_bins()
    length = max(int(tf.reduce_max(x)) + 1 if n else 0, minlength)
    shared.check_weights(x, weights)
    if x.shape.rank == 2:  # Keras's batched form: row i counted in bins [i * length, ...)
        rows = x.shape[0]
        flat = tf.reshape(x + tf.range(rows, dtype=tf.int64)[:, None] * length, [-1])
        w = None if weights is None else tf.reshape(weights, [-1])
        return tf.reshape(bin_sums(flat, w, rows * length), [rows, length])
    return bin_sums(x, weights, length)


# -- split, array_split: int sections; indices as a traced tensor ----------------------------

def _traced_split(x, indices, axis, op):
    """The pieces of ``x`` at ``indices``, a traced 1-d integer tensor of known length (inside
    ``tf.function``, also with ``jit_compile=True``, where XLA reads the indices as
    compile-time constants), bounds read as the generic reads them (a negative one from
    the end, as NumPy's) and clipped to the axis; else
    NotImplemented (the generic reads the indices' values)."""
    if (tf.executing_eagerly() or not tf.is_tensor(indices) or indices.shape.rank != 1
            or indices.shape[0] is None or not indices.dtype.is_integer
            or not tf.is_tensor(x) or x.shape.rank is None):
        return NotImplemented
    from ..._axes import normalize_axis
    axis = normalize_axis(axis, x.shape.rank, op)
    n = tf.shape(x, out_type=tf.int64)[axis]
    inner = tf.cast(indices, tf.int64)
    inner = tf.clip_by_value(tf.where(inner < 0, inner + n, inner), 0, n)
    bounds = tf.concat([tf.zeros([1], tf.int64), inner, tf.reshape(n, [1])], axis=0)
    pieces = []
    for i in range(int(indices.shape[0]) + 1):
        start = bounds[i]
        size = tf.maximum(bounds[i + 1] - start, 0)
        begin = tf.one_hot(axis, x.shape.rank, on_value=start, off_value=tf.constant(0, tf.int64))
        sizes = tf.one_hot(axis, x.shape.rank, on_value=size, off_value=tf.constant(-1, tf.int64))
        pieces.append(tf.slice(x, begin, sizes))
    return pieces


def _sections(x, sections, axis, equal: bool):
    """The pieces of ``x`` in ``sections``, a Python int, along the int ``axis`` of static
    size: TensorFlow's Split kernel (equal pieces: ``split``) or SplitV (``array_split``:
    the first ``n % sections`` pieces one longer, as NumPy's), once (the generic slices
    piece by piece, ~10x the time); eagerly the kernel itself. NotImplemented for every
    other call, and where the generic raises (no sections, unequal ones for split, an
    axis out of range), so that its errors stay the op's."""
    if type(sections) is not int or type(axis) is not int or not tf.is_tensor(x):
        return NotImplemented
    rank = x.shape.rank
    if rank is None or not -rank <= axis < rank or sections <= 0:
        return NotImplemented
    n = x.shape[axis]
    if n is None or (equal and n % sections):
        return NotImplemented
    if equal:
        if eager(x):
            return run_kernel("Split", axis, x, "num_split", sections)
        return tf.split(x, sections, axis)
    q, r = divmod(n, sections)
    sizes = [q + 1] * r + [q] * (sections - r)
    if eager(x) and (kept := int_tuple(tuple(sizes))) is not None:  # (a list: the slow path)
        return run_kernel("SplitV", x, kept, axis, "num_split", sections)
    return tf.split(x, sizes, axis)


@partial
def split(ary, indices_or_sections, axis=0):
    out = _sections(ary, indices_or_sections, axis, True)
    if out is NotImplemented:
        return _traced_split(ary, indices_or_sections, axis, "split")
    return out


@partial
def array_split(ary, indices_or_sections, axis=0):
    out = _sections(ary, indices_or_sections, axis, False)
    if out is NotImplemented:
        return _traced_split(ary, indices_or_sections, axis, "array_split")
    return out


# -- found by name by crossops.numpy's generic functions (the other backends have none) ------

def qr_raw(x):
    """NumPy's ``linalg.qr(x, mode='raw')``: LAPACK geqrf's ``(h, tau)``, h transposed.

    TensorFlow has no geqrf: this is LAPACK's unblocked Householder QR (geqr2 with larfg's
    reflectors: ``beta = -copysign(norm, Re alpha)``, ``tau = (beta - alpha) / beta``,
    ``v = x / (alpha - beta)``, tau 0 where the column below the diagonal is zero and alpha
    is real), one column at a time, batched over the leading axes. Each matrix is scaled
    by a power of two first (exact), so that the norms do not overflow. ``x`` float32,
    float64, complex64 or complex128, at least 2-d, its last two sizes known when traced.
    """
    from .array_api.linalg import _pow2_scale
    m, n = x.shape[-2], x.shape[-1]
    if m is None or n is None:
        raise ValueError(f"linalg.qr: mode='raw' on TensorFlow needs the matrix shape known "
                         f"when traced, got shape {x.shape}")
    dt, cplx = x.dtype, x.dtype.is_complex
    scale = _pow2_scale(x)
    a = _times_real(x, 1 / tf.math.real(scale))
    rows, cols, taus = [], [], []
    for j in range(min(m, n)):  # a: the trailing block (..., m - j, n - j)
        alpha, rest, block = a[..., 0, 0], a[..., 1:, 0], a[..., :, 1:]
        re = tf.math.real(alpha)
        im = tf.math.imag(alpha) if cplx else tf.zeros_like(re)
        norm2 = tf.reduce_sum(tf.square(tf.abs(rest)), axis=-1)
        keep = tf.logical_and(tf.equal(norm2, 0), tf.equal(im, 0))
        negative = tf.logical_or(re < 0, tf.logical_and(tf.equal(re, 0), 1 / re < 0))
        size = tf.sqrt(re * re + im * im + norm2)
        beta = tf.where(negative, size, -size)
        safe = tf.where(keep, tf.ones_like(beta), beta)  # (no 0/0 where tau is 0)
        cbeta, csafe = tf.cast(beta, dt), tf.cast(safe, dt)
        tau = tf.where(keep, tf.zeros_like(alpha), (csafe - alpha) / csafe)
        inv = 1 / tf.where(keep, tf.ones_like(alpha), alpha - cbeta)
        v_rest = tf.where(keep[..., None], rest, rest * inv[..., None])
        v = tf.concat([tf.ones_like(alpha)[..., None], v_rest], axis=-1)
        # H^H = I - conj(tau) v v^H applied to the columns right of this one
        w = tf.reduce_sum(tf.math.conj(v)[..., :, None] * block, axis=-2)
        block = block - (tf.math.conj(tau)[..., None, None] * v[..., :, None]
                         * w[..., None, :])
        rows.append(tf.concat([tf.zeros_like(a[..., 0, :1])] * j
                              + [tf.where(keep, alpha, cbeta)[..., None], block[..., 0, :]],
                              axis=-1))
        cols.append(tf.concat([tf.zeros_like(a[..., :1, 0])] * (j + 1) + [v_rest], axis=-1))
        taus.append(tau)
        a = block[..., 1:, :]
    k = len(taus)
    zeros = tf.zeros_like(x)
    upper = tf.concat([tf.stack(rows, axis=-2), zeros[..., k:, :]], axis=-2) if k else zeros
    lower = tf.concat([tf.stack(cols, axis=-1), zeros[..., :, k:]], axis=-1) if k else zeros
    r, c = tf.range(m)[:, None], tf.range(n)[None, :]
    out = tf.where(r <= c, _times_real(upper, tf.math.real(scale)), lower)
    tau = tf.stack(taus, axis=-1) if k else tf.zeros(tf.concat([tf.shape(x)[:-2], [0]], 0), dt)
    return tf.linalg.matrix_transpose(out), tau


def _times_real(x, s):
    """``x`` times the real ``s`` (a power of two), exactly also where x is complex."""
    if x.dtype.is_complex:
        return tf.complex(tf.math.real(x) * s, tf.math.imag(x) * s)
    return x * s


# -- diag: a vector's matrix ------------------------------------------------------------------

@partial
def diag(v, k=0):
    """A 1-d tensor's matrix, ``v`` on its ``k``-th diagonal, by TensorFlow's MatrixDiag
    kernel (the generic form builds it of ~10 ops); a 2-d tensor's diagonal, and a ``k``
    other than an int, take the generic form."""
    if not isinstance(v, tf.Tensor) or v.shape.rank != 1 or type(k) is not int:
        return NotImplemented
    return tf.linalg.diag(v, k=k)


# -- nan_to_num: its default infinities ---------------------------------------------------------

@partial
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """An eager float32/float64 tensor's NaN as ``nan`` (a Python number), then clipped to
    the dtype's range, which makes the infinities its largest and smallest, NumPy's
    defaults: three kernels, where the generic form dispatches nine ops. Other
    infinities' values, other dtypes and graphs take the generic form."""
    if posinf is not None or neginf is not None or type(nan) not in (float, int) \
            or not isinstance(x, tf.Tensor) or not eager(x) or id(x.dtype) not in KERNEL_FLOATS:
        return NotImplemented
    info = np.finfo(x.dtype.as_numpy_dtype)
    filled = run_kernel("SelectV2", run_kernel("Equal", x, x, "incompatible_shape_error", True),
                        x, float(nan))
    return run_kernel("ClipByValue", filled, float(info.min), float(info.max))


# -- isclose: NumPy's on the host ---------------------------------------------------------------

#: the dtypes whose isclose NumPy computes on a tensor's buffer as the generic form does
#: (a set: its lookup of an interned DType compares identities, not DType.__eq__)
_HOST_CLOSE = frozenset((tf.float16, tf.float32, tf.float64))


@partial
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """NumPy's isclose on the buffers of two eager CPU float16/32/64 tensors of one dtype
    (no copy; a bool result, without a gradient), where the generic form dispatches ~12
    ops; other calls take the generic form."""
    if not shared.common_isclose(a, b, rtol, atol, equal_nan, tf.Tensor, _HOST_CLOSE):
        return NotImplemented
    x, y = cpu_buffer(a), cpu_buffer(b)
    if x is None or y is None:
        return NotImplemented
    with np.errstate(all="ignore"):
        return tf.constant(np.isclose(x, y, rtol, atol, equal_nan))
