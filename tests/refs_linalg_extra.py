"""References for the keras.ops linalg ops beyond the array API (spec/linalg.toml), from
NumPy and SciPy, one matrix at a time."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg as sl


def _batched(f, *arrays, core=(2, 2)):
    """``f`` on each matrix of a stack (batch axes broadcast), results stacked back."""
    batch = np.broadcast_shapes(*(a.shape[:a.ndim - c] for a, c in zip(arrays, core)))
    arrays = [np.broadcast_to(a, batch + a.shape[a.ndim - c:]) for a, c in zip(arrays, core)]
    outs = [f(*(a[i] for a in arrays)) for i in np.ndindex(*batch)]
    if not isinstance(outs[0], tuple):
        return np.stack(outs).reshape(batch + outs[0].shape)
    return tuple(np.stack([o[j] for o in outs]).reshape(batch + outs[0][j].shape)
                 for j in range(len(outs[0])))


def cholesky_inverse(x, upper=False):
    """The inverse of A = x x^T (or x^T x with ``upper``) by NumPy's inv."""
    xt = np.swapaxes(x, -1, -2)
    return np.linalg.inv(xt @ x if upper else x @ xt)


def lstsq(a, b, rcond=None):
    return np.linalg.lstsq(a, b, rcond=rcond)[0]


def lu_factor(x):
    """SciPy's lu_factor on each matrix (int32 pivots, as SciPy's LAPACK gives)."""
    # the drawn matrices may be singular, which LU handles (a zero pivot in U) and SciPy
    # reports with a LinAlgWarning: silenced here, for those matrices only
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Diagonal number \d+ is exactly zero",
                                sl.LinAlgWarning)
        lu, piv = _batched(lambda m: sl.lu_factor(m, check_finite=False), x, core=(2,))
    return lu, piv.astype(np.int32)


def solve_triangular(a, b, lower=False):
    """SciPy's solve_triangular on each matrix; b is a stack of vectors where it has one
    axis fewer than a."""
    vector = b.ndim == a.ndim - 1
    core = (2, 1) if vector else (2, 2)
    return _batched(lambda m, v: sl.solve_triangular(m, v, lower=lower, check_finite=False),
                    a, b, core=core)


def lu_reconstruction(out, a):
    """What every valid partial-pivot LU shares (lu_factor is unique only up to ties in the
    pivot rows): P L U rebuilt as x; |L| <= 1 below the diagonal; pivots[i] in [i, M); and
    an empty slice of the pivots, so that their dtype is compared too."""
    lu, piv = (np.asarray(o) for o in out)
    m, n = lu.shape[-2:]
    k = min(m, n)
    low = np.tril(lu[..., :, :k], -1)
    rebuilt = (low + np.eye(m, k, dtype=lu.dtype)) @ np.triu(lu[..., :k, :])
    for i in reversed(range(k)):  # undo the row swaps, last first
        p = piv[..., i].astype(np.int64)
        r_i = np.take_along_axis(rebuilt, np.broadcast_to(np.full(p.shape, i)[..., None, None],
                                                          p.shape + (1, n)), -2)
        r_p = np.take_along_axis(rebuilt, p[..., None, None] + np.zeros((1, n), np.int64), -2)
        rows = np.arange(m)[:, None]
        rebuilt = np.where(rows == i, r_p, np.where(rows == p[..., None, None], r_i, rebuilt))
    steps = np.arange(k)
    valid = (piv >= steps) & (piv < m)
    return rebuilt, np.abs(low) <= 1, valid, piv[..., :0]
