"""linalg extension for TensorFlow.

The decompositions and solvers take float32, float64, complex64 and complex128
(TensorFlow's linalg kernels have no float16/bfloat16 or integer versions); other
dtypes raise TypeError.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import NamedTuple

import numpy as np
import tensorflow as tf

from ...._axes import normalize_axis
from ..._common import apart
from ..._numpy_ops import check_qr_mode
from .._compute import cpu_buffer
from ._elementwise import isnan
from ._helpers import shape_list
from ._linear_algebra import _widened, matmul, matrix_transpose, tensordot, vecdot
from ._manipulation import moveaxis
from ._searching import count_nonzero, where
from ._statistics import _acc_dtype, _axes, _ndim, _promote, _tensor, zero_safe_root

__all__ = ["cholesky", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh",
           "inv", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose",
           "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "trace",
           "vecdot", "vector_norm"]

_LINALG = (tf.float32, tf.float64, tf.complex64, tf.complex128)


#: the namespace :func:`.._common.apart` reads (its where and isnan)
_ELEMENTS = SimpleNamespace(where=where, isnan=isnan)


class EighResult(NamedTuple):
    eigenvalues: tf.Tensor
    eigenvectors: tf.Tensor


class EigResult(NamedTuple):
    eigenvalues: tf.Tensor
    eigenvectors: tf.Tensor


class QRResult(NamedTuple):
    Q: tf.Tensor
    R: tf.Tensor


class SlogdetResult(NamedTuple):
    sign: tf.Tensor
    logabsdet: tf.Tensor


class SVDResult(NamedTuple):
    U: tf.Tensor
    S: tf.Tensor
    Vh: tf.Tensor


def _matrix(x, op, square=False):
    """``x`` checked: a stack of (square) matrices of a dtype TF's linalg kernels take."""
    x = _tensor(x, op)
    if x.dtype not in _LINALG:
        raise TypeError(f"linalg.{op}: dtype {x.dtype.name} is not supported on TensorFlow; "
                        f"use float32, float64, complex64 or complex128 (cast with astype)")
    if _ndim(x, op) < 2:
        raise ValueError(f"linalg.{op}: x must be a (stack of) matri(ces) with at least two "
                         f"dimensions, got shape {tuple(x.shape)}")
    m, n = x.shape[-2], x.shape[-1]
    if square and m is not None and n is not None and m != n:
        raise ValueError(f"linalg.{op}: x must be a (stack of) square matri(ces), got shape "
                         f"{tuple(x.shape)}")
    return x


def _real(dt):
    return {tf.complex64: tf.float32, tf.complex128: tf.float64}.get(dt, dt)


def _eps(dt):
    return {tf.float32: 2.0 ** -23, tf.float64: 2.0 ** -52}[_real(dt)]


def cholesky(x, /, *, upper=False):
    x = _matrix(x, "cholesky", square=True)
    low = tf.linalg.cholesky(x)
    # TF's CPU kernel gives NaN for a matrix that is not positive-definite: eagerly that
    # raises ValueError, as NumPy's LinAlgError and the other backends (in a graph, NaN
    # stays); an eager CPU factor is read on the host, without two more kernels
    values = cpu_buffer(low)
    if values is not None:
        failed = np.isnan(values).any() and not np.isnan(cpu_buffer(x)).any()
    else:
        failed = tf.executing_eagerly() and bool(tf.reduce_any(tf.math.is_nan(low))) and \
            not bool(tf.reduce_any(tf.math.is_nan(x)))
    if failed:
        raise ValueError("linalg.cholesky: the matrix is not positive-definite: the "
                         "factorization could not be completed")
    return tf.linalg.adjoint(low) if upper else low


def cross(x1, x2, /, *, axis=-1):
    x1, x2 = _promote(x1, x2, "linalg.cross")
    n1, n2 = _ndim(x1, "linalg.cross"), _ndim(x2, "linalg.cross")
    if type(axis) is not int or not -min(n1, n2) <= axis <= -1:
        return _cross_moved(x1, x2, axis, n1, n2)
    if x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(f"linalg.cross: axis {axis} must have size 3 in both arrays, got "
                         f"shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    a = tf.unstack(x1, axis=axis)
    b = tf.unstack(x2, axis=axis)
    if x1.dtype == tf.bool:
        raise TypeError("linalg.cross: bool arrays are not supported; use a numeric dtype")
    # NumPy's six products and three differences, each rounded: a graph, which XLA may
    # compile, keeps each product apart from its difference (eagerly each is its own kernel)
    keep_apart = x1.dtype.is_floating and not tf.executing_eagerly()

    def mul(u, v):
        return apart(_ELEMENTS, u, v) if keep_apart else u * v

    out = [mul(a[1], b[2]) - mul(a[2], b[1]), mul(a[2], b[0]) - mul(a[0], b[2]),
           mul(a[0], b[1]) - mul(a[1], b[0])]
    shape = tf.broadcast_dynamic_shape(tf.shape(x1), tf.shape(x2))
    shape = tf.concat([shape[:max(n1, n2) + axis], shape[max(n1, n2) + axis + 1:]], 0)
    return tf.stack([tf.broadcast_to(o, shape) for o in out], axis=axis)


def _cross_moved(x1, x2, axis, n1, n2):
    """NumPy's cross along ``axis`` counted in each array on its own (a positive axis, or
    one beyond the shorter array's rank): each vector axis moved last, the result's moved
    to ``axis`` of the result."""
    a1 = normalize_axis(axis, n1, "linalg.cross")
    a2 = normalize_axis(axis, n2, "linalg.cross")
    if x1.shape[a1] != 3 or x2.shape[a2] != 3:
        raise ValueError(f"linalg.cross: axis {axis} must have size 3 in both arrays, got "
                         f"shapes {tuple(x1.shape)} and {tuple(x2.shape)}")
    out = cross(moveaxis(x1, a1, -1), moveaxis(x2, a2, -1), axis=-1)
    return moveaxis(out, -1, normalize_axis(axis, out.shape.rank, "linalg.cross"))


def det(x, /):
    """tf.linalg.det; floating ``x`` with a gradient that holds where ``x`` is singular
    (:func:`_det`), but for an eager CPU tensor whose determinants are all nonzero (read
    on the host), where tf's own gradient, through the inverse, is right:
    ``tf.custom_gradient`` costs ~30 us a call."""
    x = _matrix(x, "det", square=True)
    if not x.dtype.is_floating:
        return tf.linalg.det(x)
    if cpu_buffer(x) is not None:
        out = tf.linalg.det(x)
        values = cpu_buffer(out)
        if values.all():
            return out
    return _det(x)


@tf.custom_gradient
def _det(a):
    """tf.linalg.det, whose gradient is the cofactor matrix also where ``a`` is singular
    (tf's multiplies by the inverse: an error there)."""
    def grad(g):
        # a = u diag(s) v^T: cofactors det(u) det(v) u diag(prod_{j != i} s_j) v^T
        s, u, v = tf.linalg.svd(a)
        others = (tf.math.cumprod(s, axis=-1, exclusive=True)
                  * tf.math.cumprod(s, axis=-1, exclusive=True, reverse=True))
        sign = tf.linalg.det(u) * tf.linalg.det(v)
        cofactors = tf.matmul(u * others[..., None, :], v, adjoint_b=True)
        return (g * sign)[..., None, None] * cofactors
    return tf.linalg.det(a), grad


def diagonal(x, /, *, offset=0):
    x = _tensor(x, "linalg.diagonal")
    if _ndim(x, "linalg.diagonal") < 2:
        raise ValueError(f"linalg.diagonal: x must have at least two dimensions, got shape "
                         f"{tuple(x.shape)}")
    m, n = x.shape[-2], x.shape[-1]
    if m is not None and n is not None and not -m < offset < n or m == 0 or n == 0:
        return tf.zeros(shape_list(x)[:-2] + [0], x.dtype)
    return tf.linalg.diag_part(x, k=offset)


def eig(x, /):
    return EigResult(*tf.linalg.eig(_matrix(x, "eig", square=True)))


def eigh(x, /):
    return EighResult(*tf.linalg.eigh(_matrix(x, "eigh", square=True)))


def eigvals(x, /):
    return tf.linalg.eigvals(_matrix(x, "eigvals", square=True))


def eigvalsh(x, /):
    return tf.linalg.eigvalsh(_matrix(x, "eigvalsh", square=True))


def inv(x, /):
    return tf.linalg.inv(_matrix(x, "inv", square=True))


def svdvals(x, /):
    return tf.linalg.svd(_matrix(x, "svdvals"), compute_uv=False)


def svd(x, /, *, full_matrices=True):
    s, u, v = tf.linalg.svd(_matrix(x, "svd"), full_matrices=full_matrices, compute_uv=True)
    return SVDResult(u, s, tf.linalg.adjoint(v))


def qr(x, /, *, mode="reduced"):
    check_qr_mode(mode)
    x = _matrix(x, "qr")
    # scale each matrix by a power of two near its largest entry (exact), so that the
    # Householder norms do not overflow for large entries; R takes the scale back
    scale = _pow2_scale(x)
    q, r = tf.linalg.qr(x / scale, full_matrices=mode == "complete")
    return QRResult(q, r * scale)


def _pow2_scale(x):
    """A power of two near the largest |entry| of each matrix (1 where that is 0 or not
    finite), shaped (..., 1, 1) and of x's dtype."""
    big = tf.reduce_max(tf.abs(x), axis=[-2, -1], keepdims=True)
    ok = tf.logical_and(big > 0, tf.math.is_finite(big))
    e = tf.math.floor(tf.math.log(tf.where(ok, big, tf.ones_like(big))) / math.log(2.0))
    p = tf.pow(tf.constant(2.0, big.dtype), e)
    ok = tf.logical_and(ok, tf.logical_and(p > 0, tf.math.is_finite(p)))
    return tf.cast(tf.where(ok, p, tf.ones_like(p)), x.dtype)


def slogdet(x, /):
    sign, logabs = tf.linalg.slogdet(_matrix(x, "slogdet", square=True))
    return SlogdetResult(sign, tf.math.real(logabs) if logabs.dtype.is_complex else logabs)


def solve(x1, x2, /):
    x1, x2 = _promote(x1, x2, "linalg.solve")
    x1 = _matrix(x1, "solve", square=True)
    vector = _ndim(x2, "linalg.solve") == 1
    b = x2[:, None] if vector else x2
    if _ndim(b, "linalg.solve") < 2:
        raise ValueError("linalg.solve: x2 must have at least one dimension")
    if x1.shape[-1] is not None and b.shape[-2] is not None and x1.shape[-1] != b.shape[-2]:
        raise ValueError(f"linalg.solve: x1 of shape {tuple(x1.shape)} and x2 of shape "
                         f"{tuple(x2.shape)} are incompatible; x2 must have shape (..., "
                         f"{x1.shape[-1]}, K) or ({x1.shape[-1]},)")
    if x1.shape[:-2].is_fully_defined() and x1.shape[:-2] == b.shape[:-2]:
        out = tf.linalg.solve(x1, b)  # (one batch shape, known: no broadcast, ~10 ops fewer)
    else:
        batch = tf.broadcast_dynamic_shape(tf.shape(x1)[:-2], tf.shape(b)[:-2])
        a = tf.broadcast_to(x1, tf.concat([batch, tf.shape(x1)[-2:]], 0))
        b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
        out = tf.linalg.solve(a, b)
    return out[..., 0] if vector else out


def matrix_power(x, n, /):
    x = _tensor(x, "linalg.matrix_power")
    if _ndim(x, "linalg.matrix_power") < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"linalg.matrix_power: x must be a (stack of) square matri(ces), got "
                         f"shape {tuple(x.shape)}")
    if not isinstance(n, int):
        raise TypeError(f"linalg.matrix_power: n must be an int, got {type(n).__name__}")
    if n == 0:
        eye = tf.eye(tf.shape(x)[-1], dtype=x.dtype if x.dtype != tf.bool else tf.int8)
        return tf.cast(tf.broadcast_to(eye, tf.shape(x)), x.dtype)
    if n < 0:
        x, n = inv(x), -n
    mm = lambda a, b: _widened(tf.linalg.matmul, a, b)  # noqa: E731
    out = None
    while n:
        if n & 1:
            out = x if out is None else mm(out, x)
        n >>= 1
        if n:
            x = mm(x, x)
    return out


def matrix_rank(x, /, *, rtol=None):
    x = _matrix(x, "matrix_rank")
    s = svdvals(x)
    m, n = shape_list(x)[-2:]
    if rtol is None:
        tol = tf.cast(tf.maximum(m, n), s.dtype) * _eps(x.dtype)
        tol = tol * tf.reduce_max(s, axis=-1, keepdims=True)
    else:
        rtol = tf.cast(rtol, s.dtype)
        tol = (rtol[..., None] if rtol.shape.rank else rtol) * \
            tf.reduce_max(s, axis=-1, keepdims=True)
    return count_nonzero(tf.cast(s > tol, tf.int8), axis=-1)


def pinv(x, /, *, rtol=None):
    x = _matrix(x, "pinv")
    m, n = shape_list(x)[-2:]
    s, u, v = tf.linalg.svd(x, full_matrices=False)
    if rtol is None:
        rtol = tf.cast(tf.maximum(m, n), s.dtype) * _eps(x.dtype)
    rtol = tf.cast(rtol, s.dtype)
    if rtol.shape.rank:
        rtol = rtol[..., None]
    cutoff = rtol * tf.reduce_max(s, axis=-1, keepdims=True)
    big = s > cutoff
    s_inv = tf.where(big, 1 / tf.where(big, s, tf.ones_like(s)), tf.zeros_like(s))
    return tf.linalg.matmul(v * tf.cast(s_inv, x.dtype)[..., None, :], u, adjoint_b=True)


def outer(x1, x2, /):
    x1, x2 = _promote(x1, x2, "linalg.outer")
    if _ndim(x1, "linalg.outer") != 1 or _ndim(x2, "linalg.outer") != 1:
        raise ValueError(f"linalg.outer: x1 and x2 must be one-dimensional, got shapes "
                         f"{tuple(x1.shape)} and {tuple(x2.shape)}")
    if x1.dtype == tf.bool:
        return tf.logical_and(x1[:, None], x2[None, :])
    return x1[:, None] * x2[None, :]


def trace(x, /, *, offset=0, dtype=None):
    x = _tensor(x, "linalg.trace")
    d = diagonal(x, offset=offset)
    dt = _acc_dtype(x.dtype) if dtype is None else tf.as_dtype(dtype)
    return tf.reduce_sum(tf.cast(d, dt), axis=-1)


def _floating(x, op):
    x = _tensor(x, op)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"linalg.{op}: expects a floating-point array, got {x.dtype.name}; "
                        f"cast with astype first")
    return x


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2):  # noqa: A002
    x = _floating(x, "vector_norm")
    axes = list(_axes(x, axis, "linalg.vector_norm"))
    if ord == 2:  # (a real x's squares: x * x, one op fewer eagerly than abs first)
        a = tf.abs(x) if x.dtype.is_complex else x
        return zero_safe_root(tf.reduce_sum(a * a, axis=axes, keepdims=keepdims))
    a = tf.abs(x)
    if ord == math.inf:
        out = tf.reduce_max(a, axis=axes, keepdims=keepdims)
    elif ord == -math.inf:
        out = tf.reduce_min(a, axis=axes, keepdims=keepdims)
    elif ord == 0:
        out = tf.cast(count_nonzero(a, axis=tuple(axes), keepdims=keepdims), a.dtype)
    elif ord == 1:
        out = tf.reduce_sum(a, axis=axes, keepdims=keepdims)
    else:
        p = tf.constant(ord, a.dtype)
        out = tf.pow(tf.reduce_sum(tf.pow(a, p), axis=axes, keepdims=keepdims), 1 / p)
    return out


def matrix_norm(x, /, *, keepdims=False, ord="fro"):  # noqa: A002
    x = _tensor(x, "linalg.matrix_norm")
    if ord in ("fro", "nuc", 2, -2):
        x = _matrix(x, "matrix_norm")
    else:
        x = _floating(x, "matrix_norm")
        if _ndim(x, "linalg.matrix_norm") < 2:
            raise ValueError(f"linalg.matrix_norm: x must have at least two dimensions, got "
                             f"shape {tuple(x.shape)}")
    if ord == "fro":
        a = tf.abs(x)
        out = zero_safe_root(tf.reduce_sum(a * a, axis=[-2, -1]))
    elif ord in ("nuc", 2, -2):
        s = svdvals(x)
        out = {"nuc": tf.reduce_sum, 2: tf.reduce_max, -2: tf.reduce_min}[ord](s, axis=-1)
    elif ord in (1, -1, math.inf, -math.inf):
        red = -2 if ord in (1, -1) else -1
        sums = tf.reduce_sum(tf.abs(x), axis=red)
        out = (tf.reduce_max if ord > 0 else tf.reduce_min)(sums, axis=-1)
    else:
        raise ValueError(f"linalg.matrix_norm: ord={ord!r} is not supported; use 'fro', 'nuc', "
                         f"1, -1, 2, -2, inf or -inf")
    return out[..., None, None] if keepdims else out


# --- keras.ops linalg beyond the standard (spec/linalg.toml; not in the array API) -------
def solve_triangular(a, b, lower=False):
    """x with ``a @ x = b``, reading only a's upper (or lower) triangle, as SciPy; b is a
    stack of vectors where it has one axis fewer than a."""
    from ..._common import check_triangular
    a = _matrix(a, "solve_triangular", square=True)
    b = _tensor(b, "linalg.solve_triangular")
    vector = check_triangular(a, b)
    if vector:
        b = b[..., None]
    batch = tf.broadcast_dynamic_shape(tf.shape(a)[:-2], tf.shape(b)[:-2])
    a = tf.broadcast_to(a, tf.concat([batch, tf.shape(a)[-2:]], 0))
    b = tf.broadcast_to(b, tf.concat([batch, tf.shape(b)[-2:]], 0))
    out = tf.linalg.triangular_solve(a, b, lower=lower)
    return out[..., 0] if vector else out
