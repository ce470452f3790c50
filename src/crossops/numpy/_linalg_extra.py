"""Generic implementations of the keras.ops linalg ops beyond the array API standard
(``cholesky_inverse``, ``lstsq``, ``lu_factor``, ``norm``, ``solve_triangular``, ``jvp``;
spec/linalg.toml), written with crossops ops (op name -> function).

Each function has the spec entry's (Keras's) signature; semantics are NumPy's and SciPy's.
A backend module's own ``linalg_<name>`` (or the entry's ``native`` table) wins over these.
"""

from __future__ import annotations

from .._errors import OpAxisError, OpValueError
from ._namespace import numpy_namespace

GENERIC: dict = {}


_xnp = numpy_namespace


def generic(f):
    GENERIC[f.__name__] = f
    return f


def _check_matrix(op: str, name: str, x, *, square: bool = False) -> None:
    """``x`` is a (stack of) matri(ces), square if asked: else ValueError naming the op."""
    shape = tuple(x.shape)
    if len(shape) < 2:
        raise ValueError(f"linalg.{op}: {name} must be a (stack of) matri(ces) with at least "
                         f"two axes, got shape {shape}")
    if square and shape[-1] != shape[-2]:
        raise ValueError(f"linalg.{op}: {name} must be (a stack of) square matrices, got "
                         f"shape {shape}")


def _eye_like(x, n: int):
    """``eye(n)`` of ``x``'s backend and dtype."""
    from .._backend import backend_of
    from .._dispatch import call_on
    return call_on(backend_of(x), "eye", n, dtype=x.dtype)


def _arange_like(x, n: int):
    from .._backend import backend_of
    from .._dispatch import call_on
    return call_on(backend_of(x), "arange", n)


@generic
def solve_triangular(a, b, lower=False):
    # only the triangle named by ``lower`` is read, as in SciPy; b is a stack of vectors
    # where it has one axis fewer than a
    from ..backends._common import check_triangular
    xnp = _xnp()
    t = xnp.tril(a) if lower else xnp.triu(a)
    if check_triangular(a, b):
        return xnp.squeeze(xnp.linalg.solve(t, xnp.expand_dims(b, axis=-1)), axis=-1)
    return xnp.linalg.solve(t, b)


@generic
def cholesky_inverse(x, upper=False):
    # x is the Cholesky factor: A = L @ L^T (lower) or U^T @ U (upper); A^-1 from L^-1
    xnp = _xnp()
    _check_matrix("cholesky_inverse", "x", x, square=True)
    eye = xnp.broadcast_to(_eye_like(x, x.shape[-1]), tuple(x.shape))  # matrices, not vectors
    inv = xnp.linalg.solve_triangular(x, eye, lower=not upper)
    if upper:
        return xnp.matmul(inv, xnp.linalg.matrix_transpose(inv))
    return xnp.matmul(xnp.linalg.matrix_transpose(inv), inv)


@generic
def lstsq(a, b, rcond=None):
    # the minimum-norm least-squares solution, pinv(a) @ b, with NumPy's cutoff:
    # singular values at most rcond * the largest count as zero (None: max(M, N) * eps)
    from ..backends._common import check_lstsq
    xnp = _xnp()
    check_lstsq(a, b)
    return xnp.matmul(xnp.linalg.pinv(a, rtol=rcond), b)


@generic
def lu_factor(x):
    # LU with partial pivoting, as LAPACK's getrf: at step j the row with the largest
    # |value| in column j (the first of equals) is swapped into row j; pivots are those
    # 0-based row indices, one per step
    xnp = _xnp()
    _check_matrix("lu_factor", "x", x)
    m, n = x.shape[-2], x.shape[-1]
    if m is None or n is None:
        raise ValueError("linalg.lu_factor: the matrix sizes must be known (static) on this "
                         f"backend, got shape {tuple(x.shape)}")
    k = min(m, n)
    rows, cols = _arange_like(x, m), _arange_like(x, n)
    a = x
    pivots = []
    for j in range(k):
        mag = xnp.where(rows >= j, xnp.abs(a[..., :, j]), -1)
        p = xnp.argmax(mag, axis=-1)
        pe = xnp.expand_dims(p, axis=-1)
        perm = xnp.where(rows == j, pe, xnp.where(rows == pe, j, rows))
        a = xnp.take_along_axis(a, xnp.expand_dims(perm, axis=-1), axis=-2)
        pivot = xnp.expand_dims(a[..., j, j], axis=-1)
        safe = xnp.where(pivot == 0, xnp.ones_like(pivot), pivot)
        low = xnp.where(rows > j, a[..., :, j] / safe, 0)
        right = xnp.where(cols > j, a[..., j, :], 0)
        a = a - xnp.expand_dims(low, axis=-1) * xnp.expand_dims(right, axis=-2)
        a = xnp.where(xnp.expand_dims(rows > j, axis=-1) & (cols == j),
                      xnp.expand_dims(low, axis=-1), a)
        pivots.append(p)
    if pivots:
        piv = xnp.stack(pivots, axis=-1)
    else:  # an empty matrix: no steps
        piv = xnp.reshape(x[..., :0, :0], tuple(x.shape[:-2]) + (0,))
    return a, xnp.astype(piv, "int32")


_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2)


@generic
def norm(x, ord=None, axis=None, keepdims=False):
    # NumPy's norm: a vector norm over one axis, a matrix norm over two; axis=None takes
    # every axis with ord=None (the 2-norm of the flattened array), else the one or two
    # axes of a 1-d or 2-d x
    xnp = _xnp()
    if not xnp.isdtype(x.dtype, ("real floating", "complex floating")):
        x = xnp.astype(x, xnp.result_type(x, 1.0))
    nd = x.ndim
    if axis is None:
        if ord is None:
            return xnp.linalg.vector_norm(x, axis=None, keepdims=keepdims)
        if nd not in (1, 2):
            raise ValueError(f"linalg.norm: ord={ord!r} with axis=None takes a 1-d or 2-d "
                             f"x, got {nd} axes; give axis= (one axis for a vector norm, "
                             f"two for a matrix norm)")
        axis = tuple(range(nd))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if not all(isinstance(a, int) and -nd <= a < nd for a in axes) or \
            len({a % nd for a in axes}) != len(axes):
        raise OpAxisError(f"linalg.norm: axis={axis!r} is not one or two distinct axes of "
                          f"an array with {nd} axes")
    if len(axes) == 1:
        if isinstance(ord, str) or not (ord is None or isinstance(ord, int | float)):
            raise OpValueError(f"linalg.norm: invalid norm order {ord!r} for vectors; use a "
                               f"number, inf or -inf")
        return xnp.linalg.vector_norm(x, axis=axes[0], keepdims=keepdims,
                                      ord=2 if ord is None else ord)
    if len(axes) != 2:
        raise OpValueError(f"linalg.norm: axis={axis!r} names {len(axes)} axes; give one (a "
                           f"vector norm) or two (a matrix norm)")
    if not (ord in _MATRIX_ORDS or ord in (float("inf"), float("-inf"))):
        raise OpValueError(f"linalg.norm: invalid norm order {ord!r} for matrices; use 'fro', "
                           f"'nuc', 1, -1, 2, -2, inf or -inf")
    r, c = (a % nd for a in axes)
    moved = xnp.moveaxis(x, (r, c), (-2, -1))
    out = xnp.linalg.matrix_norm(moved, ord="fro" if ord is None else ord)
    if keepdims:
        for a in sorted((r, c)):
            out = xnp.expand_dims(out, axis=a)
    return out


@generic
def jvp(fun, primals, tangents, has_aux=False):
    # forward-mode autodiff lives with the other transforms (crossops._transforms)
    from .. import _transforms
    return _transforms.jvp(fun, primals, tangents, has_aux=has_aux)
