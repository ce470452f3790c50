"""Generic implementations of NumPy's products, correlations and counting ops
(spec/numpy_products.toml), written with crossops ops (op name -> function).

Each function has the spec entry's (Keras's) signature and NumPy's semantics; operands
are promoted with crossops's table first (Python scalars weak), as in
:mod:`crossops.numpy._keras`. ``einsum`` and ``bincount`` call each framework's own
function through the adapters in ``crossops/backends/<backend>/numpy.py``.

Examples
--------
>>> import numpy as np, crossops.numpy as xnp
>>> xnp.kron(np.array([1, 2]), np.array([1, 10]))
array([ 1, 10,  2, 20])
"""

from __future__ import annotations

import math
import operator

from .._axes import normalize_axis
from .._dispatch import call_on
from .._dtypes import result_name
from .._host import host_constant
from ._keras import _backend, _is_array, _is_complex, _name, _on, _promote, _wide, _xnp
from ._keras import _c as _scalar

GENERIC: dict = {}


def generic(name=None):
    def deco(f):
        GENERIC[name or f.__name__] = f
        return f
    return deco


def _array(x, like=None):
    """``x`` as an array (of ``like``'s backend where ``x`` is a Python value)."""
    if _is_array(x):
        return x
    if like is None:
        return _xnp().asarray(x)
    with _on(like):
        return _xnp().asarray(x)


def _promote_all(*xs):
    """Arrays of one dtype by crossops's table."""
    xnp = _xnp()
    names = [_name(x) for x in xs]
    r = result_name(*names)
    return [x if n == r else xnp.astype(x, r) for x, n in zip(xs, names)]


def _inexact(x):
    """``x`` as a floating array: integers and bools in float64, as NumPy."""
    xnp = _xnp()
    if xnp.isdtype(x.dtype, ("real floating", "complex floating")):
        return x
    return xnp.astype(x, _wide(_backend(x))[1])


def _int_arg(value, op: str, arg: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {arg} must be an int, got {value!r}") from None


# -- products -------------------------------------------------------------------------------

@generic()
def dot(a, b):
    """Dot product with NumPy's rules: ``a * b`` if either is 0-d, else the sum product
    over the last axis of ``a`` and the second-to-last (or only) axis of ``b``.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.dot(np.ones((2, 3)), np.ones((4, 3, 5))).shape
    (2, 4, 5)
    """
    xnp = _xnp()
    x1, x2 = _promote(a, b)
    if x1.ndim == 0 or x2.ndim == 0:
        return xnp.multiply(x1, x2)
    i, j = x1.ndim - 1, max(x2.ndim - 2, 0)
    if x1.shape[i] != x2.shape[j]:
        raise ValueError(f"dot: shapes {tuple(x1.shape)} and {tuple(x2.shape)} are not "
                         f"aligned: a's last axis ({x1.shape[i]}) must equal b's "
                         f"{'second-to-last' if x2.ndim > 1 else 'only'} axis "
                         f"({x2.shape[j]})")
    return xnp.tensordot(x1, x2, axes=([i], [j]))


@generic()
def inner(a, b, /):
    """Inner product: the sum product over the last axes (``a * b`` for 0-d).

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.inner(np.ones((2, 3)), np.ones((4, 3))).shape
    (2, 4)
    """
    xnp = _xnp()
    x1, x2 = _promote(a, b)
    if x1.ndim == 0 or x2.ndim == 0:
        return xnp.multiply(x1, x2)
    if x1.shape[-1] != x2.shape[-1]:
        raise ValueError(f"inner: the last axes of a {tuple(x1.shape)} and b "
                         f"{tuple(x2.shape)} differ in length")
    return xnp.tensordot(x1, x2, axes=([x1.ndim - 1], [x2.ndim - 1]))


@generic()
def vdot(a, b, /):
    """Dot product of the flattened arrays, conjugating ``a`` if complex (a 0-d array).

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.vdot(np.array([1 + 2j, 3]), np.array([1j, 1]))
    array(5.+1.j)
    """
    xnp = _xnp()
    x1, x2 = _promote(a, b)
    a, b = xnp.reshape(x1, (-1,)), xnp.reshape(x2, (-1,))
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"vdot: a {tuple(x1.shape)} and b {tuple(x2.shape)} must have "
                         f"the same number of elements")
    if _is_complex(a):
        a = xnp.conj(a)
    return xnp.tensordot(a, b, axes=1)


@generic()
def kron(a, b):
    """Kronecker product: blocks of ``b`` scaled by the elements of ``a``.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.kron(np.eye(2), np.ones((2, 2))).shape
    (4, 4)
    """
    xnp = _xnp()
    x1, x2 = _promote(a, b)
    nd = max(x1.ndim, x2.ndim)
    s1 = (1,) * (nd - x1.ndim) + tuple(x1.shape)
    s2 = (1,) * (nd - x2.ndim) + tuple(x2.shape)
    r1 = xnp.reshape(x1, tuple(v for n in s1 for v in (n, 1)))
    r2 = xnp.reshape(x2, tuple(v for n in s2 for v in (1, n)))
    return xnp.reshape(xnp.multiply(r1, r2), tuple(m * n for m, n in zip(s1, s2)))


@generic()
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation (a backend with no native einsum would use this; every backend
    has one, in ``crossops/backends/<backend>/numpy.py``)."""
    raise NotImplementedError("einsum: no native einsum on this backend")


# -- correlations and integrals -------------------------------------------------------------

@host_constant
def _window_index(m: int, n: int) -> list:
    """``i + j`` for the ``m + n - 1`` windows ``i`` of length ``n``, flat."""
    import numpy as np
    return (np.arange(m + n - 1)[:, None] + np.arange(n)[None, :]).reshape(-1).tolist()


@generic()
def correlate(a, v, mode="valid"):
    """Cross-correlation of two 1-d arrays, ``c[k] = sum_n a[n + k] * conj(v[n])``,
    as ``numpy.correlate``.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.correlate(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.5]), mode="same")
    array([2. , 3.5, 3. ])
    """
    xnp = _xnp()
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    x1, x2 = _promote(a, v)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(f"correlate: a and v must be 1-d, got shapes {tuple(x1.shape)} "
                         f"and {tuple(x2.shape)}")
    m, n = x1.shape[0], x2.shape[0]
    if m == 0 or n == 0:
        raise ValueError(f"correlate: a and v must not be empty, got lengths {m} and {n}")
    # full[i] = sum_j x1[i + j - (n - 1)] * conj(x2[j]), x1 zero outside [0, m)
    b = _backend(x1)
    pad = call_on(b, "zeros", (n - 1,), dtype=_name(x1))
    padded = xnp.concat([pad, x1, pad], axis=0)
    windows = xnp.take(padded, call_on(b, "asarray", _window_index(m, n)), axis=0)
    windows = xnp.reshape(windows, (m + n - 1, n))
    w = xnp.conj(x2) if _is_complex(x2) else x2
    full = xnp.tensordot(windows, w, axes=1)
    if mode == "full":
        return full
    if mode == "same":
        start = (n - 1) // 2 if m >= n else m // 2
        return full[start:start + max(m, n)]
    start = min(m, n) - 1
    return full[start:start + max(m, n) - min(m, n) + 1]


@generic()
def corrcoef(x, y=None, rowvar=True, *, dtype=None):
    """Pearson correlation coefficients of the rows of ``x`` (variables in rows,
    observations in columns; columns with ``rowvar=False``), ``y``'s variables added
    after ``x``'s, as ``numpy.corrcoef``; integers give float64, one variable a 0-d array.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.corrcoef(np.array([[1.0, 2.0, 3.0], [3.0, 1.0, 2.0]]))
    array([[ 1. , -0.5],
           [-0.5,  1. ]])
    """
    from ..numpy._compute import down, up
    xnp = _xnp()
    x = _corr_rows(x, rowvar, "x")
    if y is not None:
        x = xnp.concat(_promote_all(x, _corr_rows(_array(y, like=x), rowvar, "y")), axis=0)
    x = _inexact(x) if dtype is None else xnp.astype(x, _dtype_arg(dtype))
    c, n = up(x)
    rows = c if c.ndim == 2 else xnp.reshape(c, (1, -1))
    d = rows - xnp.mean(rows, axis=1, keepdims=True)
    dh = xnp.conj(d) if _is_complex(d) else d
    cov = xnp.matmul(d, xnp.permute_dims(dh, (1, 0)))  # the 1 / (N - 1) cancels
    diag = xnp.linalg.diagonal(cov)
    std = xnp.sqrt(xnp.real(diag) if _is_complex(diag) else diag)
    std = xnp.astype(std, _name(cov))
    r = cov / xnp.reshape(std, (-1, 1)) / xnp.reshape(std, (1, -1))
    if _is_complex(r):  # real and imaginary parts clipped, as NumPy does
        re = xnp.astype(xnp.clip(xnp.real(r), -1.0, 1.0), _name(r))
        im = xnp.astype(xnp.clip(xnp.imag(r), -1.0, 1.0), _name(r))
        r = re + im * _scalar(1j, r)
    else:
        r = xnp.clip(r, -1.0, 1.0)
    if r.shape[0] == 1:  # one variable: NumPy gives a 0-d array
        r = xnp.reshape(r, ())
    return down(r, n)


def _corr_rows(x, rowvar: bool, arg: str):
    """A corrcoef argument as a 2-d array of variables in rows (NumPy's ``atleast_2d``,
    transposed for ``rowvar=False`` unless it is one row)."""
    xnp = _xnp()
    x = _array(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"{arg} must be 1-d or 2-d (variables in rows), got shape "
                         f"{tuple(x.shape)}")
    if x.ndim == 1:
        return xnp.reshape(x, (1, -1))
    return x if rowvar or x.shape[0] == 1 else xnp.permute_dims(x, (1, 0))


def _dtype_arg(dtype) -> str:
    from .._dtypes import dtype_name
    return dtype_name(dtype)


@generic()
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x``
    (1-d along the axis, or of ``y``'s shape) or spacing ``dx``; integers give float64.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.trapezoid(np.array([1.0, 2.0, 3.0]), dx=0.5)
    np.float64(2.0)
    """
    xnp = _xnp()
    y = _array(y)
    if y.ndim == 0:
        raise ValueError("trapezoid: y must have at least one dimension")
    if not -y.ndim <= axis < y.ndim:
        raise ValueError(f"trapezoid: axis {axis} is out of bounds for y of shape "
                         f"{tuple(y.shape)}")
    ax = axis % y.ndim
    lo = (slice(None),) * ax + (slice(None, -1),)
    hi = (slice(None),) * ax + (slice(1, None),)
    # as NumPy: neighbours added, and x's steps taken, in their own dtypes (bool: or and
    # xor; integers wrap), the rest in floats (integers and bools in float64); uint64's
    # sums in float64 (torch has no uint64 add: the same values below 2**63)
    if _name(y) == "uint64":
        y = _inexact(y)
    pairs = xnp.add(y[hi], y[lo])
    if x is None:
        pairs = _inexact(pairs)
        return xnp.sum(_scalar(dx, pairs) * pairs / _scalar(2.0, pairs), axis=ax)
    x = _array(x, y)
    if x.ndim == 1:
        if x.shape[0] != y.shape[ax]:
            raise ValueError(f"trapezoid: x has {x.shape[0]} points, y has "
                             f"{y.shape[ax]} along axis {axis}")
        d = xnp.reshape(xnp.diff(x), (-1,) + (1,) * (y.ndim - 1 - ax))
    else:
        d = xnp.diff(x, axis=ax)
    area = _inexact(xnp.multiply(d, pairs))
    return xnp.sum(area / _scalar(2.0, area), axis=ax)


# -- counting -------------------------------------------------------------------------------

@generic()
def bincount(x, weights=None, minlength=0, sparse=False):
    """Occurrences of each value of a 1-d array of non-negative integers (see the
    adapters in ``crossops/backends/<backend>/numpy.py``)."""
    raise NotImplementedError("bincount: no native bincount on this backend")


@generic()
def histogram(x, bins=10, range=None):
    """Counts of ``x`` in ``bins`` equal bins over ``range`` (default: x's min and max),
    and the ``bins + 1`` edges, as ``numpy.histogram``: bin ``i`` holds
    ``edges[i] <= v < edges[i + 1]``, the last bin also its right edge; values outside
    ``range`` are left out. Counts are int64; edges have x's float dtype (float64 for
    integers). A 2-d or larger ``x`` is flattened, as NumPy (``crossops.ops.histogram``
    refuses it, as Keras).

    >>> import numpy as np, crossops.numpy as xnp
    >>> counts, edges = xnp.histogram(np.array([0.0, 0.5, 1.0, 3.0]), bins=3)
    >>> counts
    array([2, 1, 1])
    """
    xnp = _xnp()
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"histogram: bins must be an int, got {bins!r}")
    if bins < 1:
        raise ValueError(f"histogram: bins must be positive, got {bins}")
    x = _inexact(xnp.reshape(_array(x), (-1,)))
    name = _name(x)
    if _is_complex(x):
        raise TypeError("histogram: x must be real, got a complex array")
    if range is not None:
        try:
            lo, hi = (float(v) for v in range)
        except (TypeError, ValueError):
            raise ValueError(f"histogram: range must be a pair of numbers (min, max), "
                             f"got {range!r}") from None
        if lo > hi:
            raise ValueError(f"histogram: range {range!r} must have min <= max")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"histogram: range {range!r} must be finite")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        with _on(x):
            first = xnp.asarray(lo, dtype=_wide(_backend(x))[1])
            last = xnp.asarray(hi, dtype=_wide(_backend(x))[1])
    elif x.shape[0] == 0:
        with _on(x):
            first, last = xnp.asarray(0.0, dtype=name), xnp.asarray(1.0, dtype=name)
    else:
        first, last = xnp.min(x), xnp.max(x)
        same = first == last
        first = xnp.where(same, first - _scalar(0.5, x), first)
        last = xnp.where(same, last + _scalar(0.5, x), last)
    # NumPy's linspace: first + i * ((last - first) / bins), in x's dtype (in float64
    # for a given range, then rounded to x's dtype)
    with _on(x):
        steps = xnp.arange(bins, dtype=_name(first))
    inner_edges = steps * ((last - first) / _scalar(float(bins), first)) + first
    edges = xnp.concat([inner_edges, xnp.reshape(last, (1,))], axis=0)
    edges = xnp.astype(edges, name)
    s = xnp.sort(x)
    left = xnp.searchsorted(s, edges, side="left")
    right_last = xnp.searchsorted(s, edges[-1:], side="right")
    upper = xnp.concat([left[1:-1], right_last], axis=0)
    counts = xnp.astype(upper - left[:-1], _wide(_backend(x))[0])
    return counts, edges


@generic()
def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """Indices that partition ``a`` along ``axis``: the element at each position ``kth``
    is the one a sort puts there, smaller ones before it, larger ones after. crossops
    returns the stable sort's indices on every backend, which partition ``a`` for every
    ``kth`` at once. ``axis=None`` partitions the flattened array.

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.argpartition(np.array([3, 1, 2]), 1)
    array([1, 2, 0])
    """
    if kind != "introselect":
        raise ValueError(f"kind must be 'introselect' (NumPy's only selection algorithm), "
                         f"got {kind!r}")
    if order is not None:
        raise ValueError("order must be None: crossops has no structured dtypes whose "
                         "fields it could order by")
    xnp = _xnp()
    x = _array(a)
    if axis is None:
        x, axis = xnp.reshape(x, (-1,)), 0
    if x.ndim == 0:
        raise ValueError("argpartition: x must have at least one dimension (or axis=None)")
    axis = normalize_axis(axis, x.ndim, "argpartition")  # (NumPy's AxisError)
    n = x.shape[axis]
    if type(kth).__module__ == "numpy" and hasattr(kth, "tolist"):  # a NumPy array or int
        kth = kth.tolist()
    ks = list(kth) if isinstance(kth, list | tuple) else [kth]
    for k in ks:
        if isinstance(k, bool):
            raise ValueError("argpartition: booleans are not accepted as kth, as NumPy's")
        k = _int_arg(k, "argpartition", "kth")
        if not -n <= k < n:
            raise ValueError(f"argpartition: kth {k} is out of bounds for an axis of "
                             f"length {n}")
    if _is_complex(x):
        raise TypeError("argpartition: x must be real, got a complex array")
    return xnp.argsort(x, axis=axis, stable=True)


@generic()
def unique(x, sorted=True, return_index=False, return_inverse=False,
           return_counts=False, axis=None, size=None, fill_value=None, *, equal_nan=True):
    """The unique elements of ``x`` (or its unique slices along ``axis``), as
    ``numpy.unique``; with ``return_index``, ``return_inverse``, ``return_counts`` also
    the first indices, the inverse (of ``x``'s shape when ``axis`` is None) and the counts,
    as a tuple in that order. ``sorted=False`` gives them in order of first occurrence.
    ``size`` pads (with ``fill_value``, default 0; counts with 0, first indices with 1) or
    truncates the result to that many elements, as Keras does. NaNs count as one value,
    as NumPy's default ``equal_nan=True``; with ``equal_nan=False`` each NaN is a value of
    its own (``crossops.ops.unique``, as Keras).

    >>> import numpy as np, crossops.numpy as xnp
    >>> xnp.unique(np.array([3, 1, 3, 2]), return_counts=True)
    (array([1, 2, 3]), array([1, 1, 2]))
    """
    xnp = _xnp()
    x = _array(x)
    if _is_complex(x):
        raise TypeError("unique: x must be real, got a complex array")
    if axis is None:
        rows = xnp.reshape(x, (math.prod(x.shape), 1))
        ax = 0
    else:
        if not -max(x.ndim, 1) <= axis < max(x.ndim, 1) or x.ndim == 0:
            raise ValueError(f"unique: axis {axis} is out of bounds for x of shape "
                             f"{tuple(x.shape)}")
        ax = axis % x.ndim
        moved = xnp.moveaxis(x, ax, 0)
        cols = math.prod(d for i, d in enumerate(x.shape) if i != ax)
        rows = xnp.reshape(moved, (x.shape[ax], cols))
    n = rows.shape[0]
    with _on(x):
        order = xnp.arange(n)
    # lexicographic stable sort of the rows: by each column, last column first
    for j in reversed(range(rows.shape[1])):
        col = xnp.take(rows[:, j], order, axis=0)
        order = xnp.take(order, xnp.argsort(col, stable=True), axis=0)
    srt = xnp.take(rows, order, axis=0)
    if n:
        differ = srt[1:] != srt[:-1]  # NaN != NaN: each NaN its own value
        if equal_nan and xnp.isdtype(srt.dtype, "real floating"):  # NaNs: one value
            differ = xnp.logical_and(differ, xnp.logical_not(
                xnp.logical_and(xnp.isnan(srt[1:]), xnp.isnan(srt[:-1]))))
        with _on(x):
            first = xnp.ones((1,), dtype="bool")
        new = xnp.concat([first, xnp.any(differ, axis=1)], axis=0)
    else:
        with _on(x):
            new = xnp.zeros((0,), dtype="bool")
    group = xnp.cumulative_sum(xnp.astype(new, _name(order))) - 1  # group of each sorted row
    starts = xnp.nonzero(new)[0]
    index = xnp.take(order, starts, axis=0)  # the stable sort keeps first occurrences first
    with _on(x):
        ends = xnp.concat([starts[1:], xnp.asarray([n], dtype=_name(starts))], axis=0)
    counts = ends - starts
    inverse = xnp.take(group, xnp.argsort(order, stable=True), axis=0)
    if not sorted:
        # order of first occurrence: renumber the groups by their first index
        by_first = xnp.argsort(index, stable=True)
        rank = xnp.argsort(by_first, stable=True)
        index, counts = xnp.take(index, by_first, axis=0), xnp.take(counts, by_first, axis=0)
        inverse = xnp.take(rank, inverse, axis=0)
    values = xnp.take(x if axis is not None else xnp.reshape(x, (-1,)), index, axis=ax)
    if axis is None:
        inverse = xnp.reshape(inverse, tuple(x.shape))
    if size is not None:
        size = _int_arg(size, "unique", "size")
        if size < 0:
            raise ValueError(f"unique: size must be non-negative, got {size}")
        values = _fit(values, size, ax, 0 if fill_value is None else fill_value)
        index, counts = _fit(index, size, 0, 1), _fit(counts, size, 0, 0)  # Keras's pads
    extra = [a for a, want in ((index, return_index), (inverse, return_inverse),
                               (counts, return_counts)) if want]
    return (values, *extra) if extra else values


def _fit(a, size, axis, fill):
    """``a`` cut or padded with ``fill`` to ``size`` along ``axis``."""
    xnp = _xnp()
    n = a.shape[axis]
    if n >= size:
        return a[(slice(None),) * axis + (slice(0, size),)]
    shape = list(a.shape)
    shape[axis] = size - n
    with _on(a):
        pad = xnp.full(tuple(shape), fill, dtype=_name(a))
    return xnp.concat([a, pad], axis=axis)

