"""keras.ops's forms that a signature alone cannot map onto the table's ops (see
``scripts/gen_ops.py``, ``KERAS_SPECIAL``); ``crossops.ops`` holds them.

Examples
--------
>>> import numpy as np
>>> from crossops import ops
>>> ops.where(np.array([0, 3, 0, 5]))
(array([1, 3], dtype=int32),)
"""

from __future__ import annotations

from . import _keras_dtypes as _kd
from ._accel import accelerate
from ._typing import Any, Array, ArrayLike, Axis, DTypeLike
from .numpy._namespace import numpy_namespace
from .numpy._ops import _linspace, _max, _min, _where
from .numpy._ops import max as _np_max
from .numpy._ops import min as _np_min

# crossops.numpy, imported on first use (this module loads with crossops.ops)


_PY = (bool, int, float)


_xnp = numpy_namespace


def where(condition: ArrayLike, x1: ArrayLike | None = None,
          x2: ArrayLike | None = None) -> Array | tuple[Array, ...]:
    """Elements of ``x1`` where ``condition`` holds, else of ``x2``; with ``condition``
    alone, the indices where it holds (``nonzero``), as Keras's ``where``.

    Parameters
    ----------
    condition : ArrayLike
        Where to take ``x1``; non-bool values count as True where non-zero.
    x1, x2 : ArrayLike, optional
        The values to choose from; give both or neither.

    Returns
    -------
    Array or tuple of Array
        The chosen values, or one index array per axis of ``condition``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.where(np.array([True, False]), np.array([1, 2]), np.array([3, 4]))
    array([1, 4])
    >>> ops.where(np.array([0, 3, 5]))
    (array([1, 2], dtype=int32),)
    """
    if x1 is None and x2 is None:
        return _kd.index_output(_xnp().nonzero(condition))  # int32, as Keras's
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither (then the indices where "
                         "condition holds are returned)")
    if type(x1) in _PY or type(x2) in _PY:  # Keras's weak Python scalars, as ops.add's
        x1, x2 = _kd.weak_inputs(x1, x2)
    return _xnp().where(condition, x1, x2)


# the where op's C front takes the three-array calls (those of crossops.numpy.where) and
# hands every other call, one argument too, to the def above
where = accelerate(where, _where)


def result_type(*arrays_and_dtypes: ArrayLike | DTypeLike) -> Any:
    """The dtype that promoting the given arrays and dtypes together gives, as
    ``crossops.numpy.result_type``, except that a float8 dtype among them raises, as in
    Keras (``keras.backend.result_type``): Keras has no implicit conversion from float8
    dtypes, not even to the same float8 dtype.

    Parameters
    ----------
    *arrays_and_dtypes : ArrayLike | DTypeLike
        Arrays, dtypes and Python scalars to promote together.

    Returns
    -------
    Any
        The promoted dtype, of the arrays' backend (of the default backend when only
        dtypes are given).

    Raises
    ------
    ValueError
        If a float8 dtype (``float8_e4m3fn``, ``float8_e5m2``) is among them: cast it first.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.result_type(np.ones(2, np.int8), "float16")
    dtype('float16')
    >>> ops.result_type("float8_e4m3fn", "float8_e4m3fn")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: result_type: there is no implicit conversion from float8 dtypes ...
    """
    _kd.refuse_float8("result_type", arrays_and_dtypes)
    return _xnp().result_type(*arrays_and_dtypes)


def round(x: ArrayLike, decimals: int = 0) -> Array:  # noqa: A001  (keras.ops.round)
    """Round to ``decimals`` decimal places, halves to even, as NumPy's ``round``.

    Parameters
    ----------
    x : ArrayLike
        Input array.
    decimals : int, default 0
        Decimal places; negative values round to tens, hundreds ... Integers are returned
        unchanged for ``decimals >= 0``.

    Returns
    -------
    Array
        The rounded values, of ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.round(np.array([1.234, 2.5, -0.125]), decimals=2)
    array([ 1.23,  2.5 , -0.12])
    """
    xnp = _xnp()
    return xnp.round(xnp.asarray(x), int(decimals))  # NumPy's round(a, decimals)


def _with_initial(op: str, x, axis, keepdims: bool, initial):
    if initial is None and hasattr(x, "shape"):  # an array: NumPy's reduction straight away
        reduce = _np_max if op == "max" else _np_min
        if keepdims:
            return reduce(x, axis=axis, keepdims=True)
        return reduce(x) if axis is None else reduce(x, axis)
    xnp = _xnp()
    x = xnp.asarray(x)
    reduce = getattr(xnp, op)
    if initial is None:
        return reduce(x, axis=axis, keepdims=keepdims)
    axes = tuple(range(x.ndim)) if axis is None else (
        (axis,) if isinstance(axis, int) else tuple(axis))
    axes = tuple(a % x.ndim for a in axes) if x.ndim else ()
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = xnp.permute_dims(x, (*kept, *axes))
    flat = xnp.reshape(moved, (*[x.shape[a] for a in kept], -1) if kept or x.ndim else (1,))
    if not x.ndim:
        flat = xnp.reshape(x, (1,))
    fill = xnp.full((*flat.shape[:-1], 1), initial, dtype=x.dtype)
    out = reduce(xnp.concat([flat, fill], axis=-1), axis=-1)
    if keepdims:
        for a in sorted(axes):
            out = xnp.expand_dims(out, axis=a)
    return out


def max(x: ArrayLike, axis: Axis = None, keepdims: bool = False,  # noqa: A001
        initial: float | None = None) -> Array:
    """The largest element over ``axis``, and at least ``initial`` where given (so an
    empty reduction gives ``initial``), as NumPy's ``max``; NaN propagates.

    Parameters
    ----------
    x : ArrayLike
        Input array.
    axis : Axis, default None
        Axis or axes to reduce; None reduces all of them.
    keepdims : bool, default False
        Keep the reduced axes with size one.
    initial : scalar, optional
        A lower bound of the result, and the result of an empty reduction.

    Returns
    -------
    Array
        The maxima, of ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.max(np.array([[1, 5], [3, 2]]), axis=1, initial=4)
    array([5, 4])
    """
    return _with_initial("max", x, axis, keepdims, initial)


# the op's C front takes the calls without ``initial`` on arrays in its cache
max = accelerate(max, _max)  # noqa: A001


def min(x: ArrayLike, axis: Axis = None, keepdims: bool = False,  # noqa: A001
        initial: float | None = None) -> Array:
    """The smallest element over ``axis``, and at most ``initial`` where given, as NumPy's
    ``min`` (see :func:`max`).

    Parameters
    ----------
    x : ArrayLike
        Input array.
    axis : int or tuple of int, optional
        The axes to reduce; all of them by default.
    keepdims : bool
        Keep the reduced axes, of size 1.
    initial : float, optional
        An upper bound of the result, which also gives an empty reduction its value.

    Returns
    -------
    Array
        The minimum, of ``x``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.min(np.zeros((0, 2)), axis=0, initial=1.0)
    array([1., 1.])
    """
    return _with_initial("min", x, axis, keepdims, initial)


min = accelerate(min, _min)  # noqa: A001


def linspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: DTypeLike | None = None,
             axis: int = 0) -> Array | tuple[Array, Array]:
    """``num`` evenly spaced values from ``start`` to ``stop`` (``stop`` included unless
    ``endpoint=False``), as NumPy's ``linspace``; array ``start``/``stop`` give one
    sequence per element, along ``axis`` of the result. Python numbers and integer arrays
    give ``floatx()`` (float32) unless ``dtype`` is given, as in Keras.

    Parameters
    ----------
    start, stop : ArrayLike
        The first and the last value (scalars, or arrays broadcast together).
    num : int
        How many values.
    endpoint : bool
        Whether ``stop`` is the last value (else it is left out).
    retstep : bool
        Return the spacing too.
    dtype : DTypeLike, optional
        The result's dtype.
    axis : int
        Where the sequences go in the result, for array ``start``/``stop``.

    Returns
    -------
    Array or tuple of (Array, Array)
        The values, and with ``retstep`` the step between them.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.linspace(0.0, 1.0, 5)
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    >>> ops.linspace(np.array([0.0, 10.0]), np.array([1.0, 20.0]), 3, axis=-1)
    array([[ 0. ,  0.5,  1. ],
           [10. , 15. , 20. ]])
    """
    from ._backend import backend_of
    xnp = _xnp()
    dtype = _kd.space_dtype(start, stop, dtype)  # floatx unless a float array is given
    dtype = _kd.keras_dtype(dtype, backend_of(start if hasattr(start, "shape") else stop))
    num = int(num)
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    div = (num - 1) if endpoint else num
    scalar = not any(hasattr(v, "shape") and len(v.shape) for v in (start, stop))
    if scalar and axis in (0, -1):
        out = xnp.linspace(start, stop, num, endpoint=endpoint, dtype=dtype)
        step = (stop - start) / div if div > 0 else float("nan")
        return (out, step) if retstep else out
    start, stop = xnp.asarray(start), xnp.asarray(stop)
    if not xnp.isdtype(start.dtype, "real floating"):
        start = xnp.astype(start, xnp.result_type(start.dtype, stop.dtype, 1.0))
    stop = xnp.astype(stop, start.dtype)
    start, stop = xnp.broadcast_arrays(start, stop)
    from ._dispatch import call_on
    t = call_on(backend_of(start), "arange", num, dtype=start.dtype)
    step = (stop - start) / div if div > 0 else (stop - start) * float("nan")
    steps = xnp.reshape(t, (num,) + (1,) * start.ndim)
    out = start + steps * step
    if endpoint and num > 1:
        out = xnp.concat([out[:-1], stop[None]], axis=0)
    out = xnp.moveaxis(out, 0, axis)
    if dtype is not None:
        out = xnp.astype(out, dtype)
    return (out, step) if retstep else out


# the creation front takes the call of three Python numbers (``ops.linspace(0, 1, 32)``:
# floatx, as the def above makes it) and hands every other call to the def
linspace = accelerate(linspace, _linspace, creation="floatx")


def histogram(x: ArrayLike, bins: int = 10,
              range: tuple[float, float] | None = None) -> tuple[Array, Array]:  # noqa: A002
    """Counts of ``x`` in ``bins`` equal bins over ``range`` and the ``bins + 1`` edges, as
    ``crossops.numpy.histogram``, for a 1-d (or 0-d) ``x`` only, as Keras: a 2-d or larger
    ``x`` raises ValueError (NumPy flattens it).

    Parameters
    ----------
    x : ArrayLike
        A 1-d (or 0-d) array of real numbers.
    bins : int
        The number of equal bins.
    range : tuple of float, optional
        ``(low, high)`` of the bins; by default ``x``'s minimum and maximum.

    Returns
    -------
    tuple of Array
        ``(counts, edges)``: ``bins`` integer counts and ``bins + 1`` edges.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> counts, edges = ops.histogram(np.array([0.0, 0.5, 1.0, 3.0]), bins=3)
    >>> counts
    array([2, 1, 1])
    """
    xnp = _xnp()
    x = xnp.asarray(x) if not hasattr(x, "ndim") else x
    if x.ndim > 1:
        raise ValueError(f"histogram: x must be 1-dimensional, got shape {tuple(x.shape)}; "
                         f"flatten it first with reshape(x, (-1,))")
    return xnp.histogram(x, bins=bins, range=range)


def unique(x: ArrayLike, sorted: bool = True, return_index: bool = False,  # noqa: A002
           return_inverse: bool = False, return_counts: bool = False, axis: int | None = None,
           size: int | None = None,
           fill_value: int | float | None = None) -> Array | tuple[Array, ...]:
    """The unique elements of ``x``, as ``crossops.numpy.unique``, but each NaN a value of
    its own, as Keras (NumPy's default merges them).

    Parameters
    ----------
    x : ArrayLike
        Input array (flattened unless ``axis`` is given).
    sorted : bool
        Return the unique values sorted.
    return_index, return_inverse, return_counts : bool
        Also return the first index of each unique value, the index of each element in
        the unique values, and how often each unique value occurs.
    axis : int, optional
        The axis along which to find unique slices.
    size : int, optional
        A fixed number of unique values (padded with ``fill_value``), for compilers.
    fill_value : int or float, optional
        The padding of a ``size`` result.

    Returns
    -------
    Array or tuple of Array
        The unique values, followed by the arrays asked for by ``return_*``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.unique(np.array([1.0, np.nan, np.nan]))
    array([ 1., nan, nan])
    """
    return _xnp().unique(x, return_index, return_inverse, return_counts, axis, sorted=sorted,
                         size=size, fill_value=fill_value, equal_nan=False)


def svd(x: ArrayLike, full_matrices: bool = True,
        compute_uv: bool = True) -> tuple[Array, Array, Array] | Array:
    """Singular value decomposition ``x = U @ diag(S) @ Vh``, as keras.ops's ``svd``.

    Parameters
    ----------
    x : ArrayLike
        Matrices, of shape ``(..., M, N)``.
    full_matrices : bool, default True
        U and Vh square (``(..., M, M)`` and ``(..., N, N)``); else ``(..., M, K)`` and
        ``(..., K, N)`` with ``K = min(M, N)``.
    compute_uv : bool, default True
        False: the singular values only (``linalg.svdvals``), as NumPy's ``svd``.

    Returns
    -------
    tuple of Array, or Array
        ``(U, S, Vh)``; ``S`` alone, descending, for ``compute_uv=False``.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops import ops
    >>> ops.svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False)
    array([4., 3.])
    """
    linalg = _xnp().linalg
    if not compute_uv:
        return linalg.svdvals(x)
    return linalg.svd(x, full_matrices=full_matrices)
