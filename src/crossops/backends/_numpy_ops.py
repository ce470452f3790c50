"""The framework-free pieces of the backends' ``numpy`` chapters (``i0``, ``view``,
``einsum``, ``bincount``): dtype rules, shape rules and argument checks, shared so that
every backend follows NumPy's rules alike and raises the same errors.

Examples
--------
>>> from crossops.backends._numpy_ops import view_shape
>>> view_shape((2,), "float32", "int16")
(4,)
"""

from __future__ import annotations

import math
import operator
import string

from .._backend import backend_of_type
from .._dtypes import dtype_name, kind, result_name
from ._common import partial

_LETTERS = string.ascii_letters

# -- roll -------------------------------------------------------------------------------------

def roll_pairs(shift, axis) -> tuple[tuple, tuple]:
    """NumPy's ``roll`` arguments broadcast against each other: one shift per axis (one
    shift for several axes, or several shifts for one axis, repeated; an axis given
    twice rolls by the sum of its shifts), as tuples of equal length; ValueError where
    their lengths differ and neither is 1, as NumPy's broadcast.

    Examples
    --------
    >>> roll_pairs(1, (0, 1)), roll_pairs((1, 2), 0)
    (((1, 1), (0, 1)), ((1, 2), (0, 0)))
    """
    shifts = tuple(shift) if isinstance(shift, tuple | list) else (shift,)
    axes = tuple(axis) if isinstance(axis, tuple | list) else (axis,)
    if len(shifts) != len(axes):
        if len(shifts) == 1:
            shifts *= len(axes)
        elif len(axes) == 1:
            axes *= len(shifts)
        else:
            raise ValueError(f"roll: shift {shift!r} and axis {axis!r} cannot be broadcast "
                             f"together: give one shift per axis, or one of them alone")
    return shifts, axes


# -- clip of bool ---------------------------------------------------------------------------

def bool_clip_dtype(low, high, defaults: tuple[str, str, str]) -> str:
    """The dtype NumPy 2 clips a bool array in: bool with the bounds' dtypes by the
    promotion table, a Python number weak beside the arrays (a Python int gives the
    default int, a float the default float: the backend's ``defaults``, its (int, float,
    complex)). No bound at all raises TypeError, as NumPy's (it has no bool loop for
    ``positive``, which a clip without bounds is).

    Examples
    --------
    >>> bool_clip_dtype(0, None, ("int64", "float64", "complex128"))
    'int64'
    >>> bool_clip_dtype(False, True, ("int64", "float64", "complex128"))
    'bool'
    """
    from .._dtypes import weak_scalar_name
    if low is None and high is None:
        raise TypeError("clip: x has dtype bool and no bound; NumPy's clip has no bool loop "
                        "without bounds (give min or max, or cast x to an integer dtype)")
    bounds = [b for b in (low, high) if b is not None]
    weak = [type(b) in (bool, int, float, complex) for b in bounds]
    name = result_name("bool", *(dtype_name(b.dtype) for b, w in zip(bounds, weak) if not w))
    return result_name(name, *(weak_scalar_name(type(b), name, defaults)
                               for b, w in zip(bounds, weak) if w))


# -- linalg.qr --------------------------------------------------------------------------------

def check_qr_mode(mode) -> None:
    """The array API's (and keras.ops's) modes of ``linalg.qr``: ValueError for any other.
    crossops.numpy's ``'r'`` and ``'raw'`` are its own forms, which never reach a backend's
    qr (numpy's, jax's and torch's natives would take some of them, in other forms)."""
    if not isinstance(mode, str) or mode not in ("reduced", "complete"):
        raise ValueError(f"linalg.qr: mode must be 'reduced' or 'complete', got {mode!r}")


def mode_checked_qr(namespace):
    """``namespace.linalg.qr`` (numpy's, jax's or torch's array API namespace) taking the
    array API's modes only (:func:`check_qr_mode`): the natives take others in other forms
    (torch's ``'r'`` gives an empty Q)."""
    def qr(x, /, *, mode="reduced"):
        check_qr_mode(mode)
        return namespace.linalg.qr(x, mode=mode)
    return qr


# -- i0 ---------------------------------------------------------------------------------------

def common_concatenate(arrays, axis, dtype, casting, array_type: type) -> bool:
    """Whether a ``concatenate`` call is its common one, which a backend may hand straight
    to its framework: a non-empty list or tuple of ``array_type`` arrays of one dtype, the
    first neither 0-d nor an empty 1-d array, an int ``axis`` in range, no ``dtype`` and
    NumPy's ``casting``. Every other call (promotion, host data, errors) takes the generic."""
    if type(axis) is not int or type(arrays) not in (list, tuple) or not arrays or (
            dtype is not None or casting != "same_kind"):
        return False
    first = arrays[0]
    if type(first) is not array_type:
        return False
    nd = first.ndim
    if nd == 0 or (nd == 1 and first.shape[0] == 0) or not -nd <= axis < nd:
        return False
    same = first.dtype
    for x in arrays:  # a loop: a generator costs ~0.3 us more here
        if type(x) is not array_type or x.dtype is not same:
            return False
    return True


def common_cumsum(x, axis, dtype, array_type: type, own) -> bool:
    """Whether a ``cumsum`` call is its common one, which a backend may hand straight to
    its framework: an ``array_type`` array of a dtype in ``own`` (those whose running sum
    the framework computes in their own dtype, as crossops), no other ``dtype``, and
    ``axis`` None (NumPy flattens) or an int in range. Every other call takes the generic."""
    return (type(x) is array_type and x.dtype in own and (dtype is None or dtype == x.dtype)
            and (axis is None or (type(axis) is int and -x.ndim <= axis < x.ndim)))


def common_isclose(a, b, rtol, atol, equal_nan, array_type: type, dtypes) -> bool:
    """Whether an ``isclose`` call is its common one, which a backend may hand to its
    framework's own (NumPy's test in the arrays' dtype): two ``array_type`` arrays of one
    dtype in ``dtypes``, Python number tolerances and a bool ``equal_nan``. Every other
    call (promotion, host data, array tolerances) takes the generic."""
    return (isinstance(a, array_type) and isinstance(b, array_type) and a.dtype is b.dtype
            and a.dtype in dtypes and type(equal_nan) is bool
            and type(rtol) in (float, int) and type(atol) in (float, int))


def common_nan_reduction(a, axis, dtype, keepdims, where, initial, array_type,
                         dtypes) -> bool:
    """Whether a ``nansum``/``nanmean`` call is its common one, which a backend hands to its
    framework's own: an ``array_type`` array of a dtype in ``dtypes``, no ``dtype``,
    ``initial`` or ``where``, a bool ``keepdims`` and ``axis`` None or an int in range."""
    return (isinstance(a, array_type) and a.dtype in dtypes and dtype is None
            and type(keepdims) is bool and where is True and initial is None
            and (axis is None or (type(axis) is int and -a.ndim <= axis < a.ndim)))


def common_digitize(x, bins, right, array_type: type, dtypes) -> bool:
    """Whether a ``digitize`` call may be its common one, which a backend hands to its
    framework's search once :func:`rising_bins` holds of the bins' values: two
    ``array_type`` arrays of one dtype in ``dtypes`` (real numbers: no promotion), 1-d
    ``bins`` and a bool ``right``. Every other call (and decreasing bins) takes the
    generic, which raises the op's errors."""
    return (type(x) is array_type and type(bins) is array_type and x.dtype == bins.dtype
            and x.dtype in dtypes and bins.ndim == 1 and type(right) is bool)


def rising_bins(h) -> bool:
    """Whether the bins ``h`` (a 1-d NumPy array, the host's view) rise as the generic
    ``digitize`` reads them, ``all(h[1:] >= h[:-1])`` (a NaN among them: no): then its
    result is ``searchsorted(bins, x, side="left" if right else "right")``."""
    return bool((h[1:] >= h[:-1]).all())


def unique_alone(x, sorted, return_index, return_inverse, return_counts, axis, size,
                 equal_nan, array_type: type, dtypes=None) -> bool:
    """Whether a ``unique`` call gives an ``array_type`` array (of a dtype in ``dtypes``,
    where given) alone: sorted, flattened, no other result, no ``size``, a bool
    ``equal_nan``. Its result is then the framework's own unique of the array (for
    integer and bool dtypes, which hold no NaN, whatever ``equal_nan``)."""
    return (isinstance(x, array_type) and (dtypes is None or x.dtype in dtypes)
            and sorted is True and not return_index and not return_inverse
            and not return_counts and axis is None and size is None
            and type(equal_nan) is bool)


def linear_quantile_q(q, method, weights, percent: bool):
    """``q`` as a fraction where a ``quantile`` (``percent``: ``percentile``) call is a
    one-sort form's: method ``"linear"``, no weights, a Python number in [0, 1] ([0, 100]
    for a percentile, divided by 100 as NumPy does); None for any other call."""
    if method != "linear" or weights is not None or type(q) not in (int, float):
        return None
    if percent:
        q = q / 100.0
    return q if 0 <= q <= 1 else None


def one_sort_quantiles(one_sort):
    """A backend's ``quantile`` and ``percentile`` (NumPy's signatures, partial: see
    :func:`.._common.partial`) whose common call, the linear quantile of a Python number,
    is ``one_sort(a, q, axis, keepdims)`` with ``q`` a fraction, or None for every other
    call (:func:`linear_quantile_q`); ``one_sort`` returns NotImplemented for a call it
    does not take, which the generic form then takes."""
    @partial
    def quantile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False, *,
                 weights=None):
        return one_sort(a, linear_quantile_q(q, method, weights, False), axis, keepdims)

    @partial
    def percentile(a, q, axis=None, overwrite_input=False, method="linear", keepdims=False,
                   *, weights=None):
        return one_sort(a, linear_quantile_q(q, method, weights, True), axis, keepdims)

    return quantile, percentile


def linear_quantile_step(q, n: int, host_float):
    """NumPy's linear quantile ``q`` (a Python number in [0, 1]) of ``n`` sorted values, as
    a one-sort form computes it: ``(lo, hi, weight, upper)``, the two elements' indices
    and the lerp's weight (the virtual index ``q * (n - 1)`` and its fraction ``t`` in
    float64 on the host, then ``t``, or ``1 - t`` where ``upper``, rounded by
    ``host_float``, the data's NumPy float). The result is ``hi - (hi - lo) * weight``
    where ``upper``, else ``lo + (hi - lo) * weight``, each step rounded; ``weight`` None
    for an int ``q`` (0 or 1), whose element NumPy takes without a lerp."""
    position = q * (n - 1)
    lo = math.floor(position)
    t = position - lo
    upper = t >= 0.5
    weight = None if type(q) is int else float(host_float(1 - t if upper else t))
    return lo, min(lo + 1, n - 1), weight, upper


def i0_dtypes(name: str, wide: str) -> tuple[str, str]:
    """(the dtype to compute i0 in, the result dtype) for an input dtype ``name``.

    Integers give ``wide`` (float64, as NumPy); float16 and bfloat16 are computed in float32
    and rounded once (the frameworks' half-precision kernels lose digits or are missing)."""
    if name in ("float16", "bfloat16"):
        return "float32", name
    if name in ("float32", "float64"):
        return name, name
    if name.startswith("complex"):
        raise TypeError(f"i0: x must be real (NumPy's i0 has no complex values), got {name}")
    return wide, wide


# -- view -------------------------------------------------------------------------------------

ITEMSIZE = {"bool": 1, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "float16": 2,
             "bfloat16": 2, "int32": 4, "uint32": 4, "float32": 4, "int64": 8, "uint64": 8,
             "float64": 8, "complex64": 8, "complex128": 16}


def view_shape(shape: tuple, old: str, new: str) -> tuple:
    """The shape of ``x.view(new)`` for ``x`` of dtype ``old`` and ``shape`` (NumPy's rule:
    a change of itemsize rescales the last axis).

    Raises
    ------
    ValueError
        For a 0-d array, or a last axis whose size in bytes the new itemsize does not
        divide, when the itemsize changes.
    """
    a, b = ITEMSIZE[old], ITEMSIZE[new]
    if a == b:
        return tuple(shape)
    if not shape:
        raise ValueError(f"view: a 0-d array of {old} cannot be viewed as {new} (itemsize "
                         f"{a} -> {b}); only a dtype of the same itemsize works on 0-d arrays")
    nbytes = shape[-1] * a
    if nbytes % b:
        raise ValueError(f"view: the last axis of x ({shape[-1]} x {a} bytes, shape "
                         f"{tuple(shape)}) does not divide into {new} items of {b} bytes; "
                         f"use a last axis of a multiple of {b // math.gcd(a, b)} elements")
    return tuple(shape[:-1]) + (nbytes // b,)


# -- einsum -----------------------------------------------------------------------------------

def _sublist(labels, where: str) -> str:
    out = []
    for v in labels:
        if v is Ellipsis:
            out.append("...")
            continue
        try:
            i = operator.index(v)
        except TypeError:
            raise TypeError(f"einsum: {where} must hold ints in [0, 52) or Ellipsis, "
                            f"got {v!r}") from None
        if not 0 <= i < len(_LETTERS):
            raise ValueError(f"einsum: subscript {i} in {where} is out of range [0, 52)")
        out.append(_LETTERS[i])
    return "".join(out)


def einsum_operands(subscripts, operands, asarray, cast, dtypes: dict) -> tuple:
    """``(equation, operands, result dtype name)`` for a backend's einsum: the equation from
    either of NumPy's call forms (:func:`equation`), Python and NumPy operands through the
    backend's ``asarray``, and every operand cast (``cast(array, native dtype)``) to the
    dtype they promote to (``dtypes``: name -> the backend's dtype)."""
    eq, ops = equation(subscripts, operands)
    if not ops:
        raise ValueError("einsum: needs at least one operand")
    ops = [o if backend_of_type(type(o)) is not None else asarray(o) for o in ops]
    names = [dtype_name(o.dtype) for o in ops]
    r = result_name(*names)
    return eq, [o if n == r else cast(o, dtypes[r]) for o, n in zip(ops, names)], r


def equation(subscripts, operands):
    """The subscripts string and the operands, from either of NumPy's call forms:
    ``einsum("ij,jk->ik", a, b)`` or ``einsum(a, [0, 1], b, [1, 2], [0, 2])``."""
    if isinstance(subscripts, str):
        return _explicit(subscripts.replace(" ", "")), list(operands)
    items = [subscripts, *operands]
    k = len(items) // 2
    arrays, subs = items[0:2 * k:2], items[1:2 * k:2]
    eq = ",".join(_sublist(s, f"the sublist of operand {i}") for i, s in enumerate(subs))
    if len(items) % 2:
        eq += "->" + _sublist(items[-1], "the output sublist")
    return _explicit(eq), arrays


def _explicit(eq: str) -> str:
    """An implicit equation with its output written out, as NumPy reads it: the broadcast
    axes (``...``) first, then the labels used once, in alphabetical order (TensorFlow
    needs the ``...`` written out)."""
    if "->" in eq:
        return eq
    labels = eq.replace("...", "").replace(",", "")
    once = sorted(c for c in set(labels) if labels.count(c) == 1)
    return eq + "->" + ("..." if "..." in eq else "") + "".join(once)


def no_kwargs(kwargs, backend):
    kwargs = {k: v for k, v in kwargs.items() if k != "optimize"}  # changes no result
    if kwargs:
        raise TypeError(f"einsum: keyword arguments {sorted(kwargs)} are not supported on "
                        f"the {backend} backend (only 'optimize', which is ignored)")


# -- bincount ---------------------------------------------------------------------------------

def check_bincount(x, minlength, sparse) -> int:
    """``bincount``'s arguments checked before its values are read: ``minlength`` as an
    int. ``x`` is 1-d, or 2-d for Keras's batched form (a row of counts per row of x)."""
    if sparse:
        raise ValueError("bincount: sparse=True is not supported: crossops returns dense "
                         "arrays on every backend; call it with sparse=False")
    try:
        minlength = operator.index(minlength)
    except TypeError:
        raise TypeError(f"bincount: minlength must be an int, got {minlength!r}") from None
    if minlength < 0:
        raise ValueError(f"bincount: minlength must be non-negative, got {minlength}")
    if x.ndim not in (1, 2):
        raise ValueError(f"bincount: x must be 1-d (or 2-d: one row of counts per row), got "
                         f"shape {tuple(x.shape)}")
    if kind(dtype_name(x.dtype)) not in "biu":  # (bool: 0 and 1, as NumPy counts them)
        raise TypeError(f"bincount: x must hold integers, got {dtype_name(x.dtype)}")
    return minlength


def negative_bins() -> ValueError:
    return ValueError("bincount: x must hold non-negative integers")


def check_weights(x, weights) -> None:
    """``bincount``'s weights (or None): x's shape, real numbers."""
    if weights is None:
        return
    if tuple(weights.shape) != tuple(x.shape):
        raise ValueError(f"bincount: weights {tuple(weights.shape)} must have x's shape "
                         f"{tuple(x.shape)}")
    wname = dtype_name(weights.dtype)
    if wname == "bool" or kind(wname) == "c":
        raise TypeError(f"bincount: weights must be real numbers, got {wname}")


def split_points(n: int, indices_or_sections, equal: bool) -> list[tuple[int, int]]:
    """The ``(start, stop)`` of each piece of ``split`` (``equal``) or ``array_split`` of an
    axis of length ``n``: ``k`` sections (``split``: equal ones, else ValueError; else the
    first ``n % k`` one longer), or the pieces between the given indices, read as Python
    slices read them (a negative index counts from the end; a stop before its start
    gives an empty piece), as NumPy's.

    Examples
    --------
    >>> split_points(5, 2, False), split_points(5, [-2, 9], True)
    ([(0, 3), (3, 5)], [(0, 3), (3, 5), (5, 5)])
    """
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k < 1:
            raise ValueError(f"split: the number of sections must be at least 1, got {k}")
        if equal and n % k:
            raise ValueError(f"split: an axis of length {n} does not divide into {k} "
                             f"equal sections; use array_split for unequal ones")
        q, r = divmod(n, k)
        points = [i * q + min(i, r) for i in range(1, k)]
    else:
        points = [int(i) for i in indices_or_sections]
    bounds = [0, *(min(max(p + n if p < 0 else p, 0), n) for p in points), n]
    return [(a, max(a, b)) for a, b in zip(bounds, bounds[1:])]


# -- pad -------------------------------------------------------------------------------------

def pad_widths(pad_width, ndim: int) -> list[tuple[int, int]]:
    """``pad_width`` (an int, ``(before, after)``, or one such pair per axis, as NumPy
    broadcasts it to shape ``(ndim, 2)``) as ``ndim`` pairs of Python ints. Plain Python,
    so that ``torch.compile`` sees constants (NumPy calls would be traced as tensors)."""
    if ndim == 0:
        return []
    if type(pad_width) is int and pad_width >= 0:  # (the common call, first)
        return [(pad_width, pad_width)] * ndim
    w = pad_width.tolist() if hasattr(pad_width, "tolist") else pad_width
    rows = list(w) if isinstance(w, list | tuple) else [w]
    if not any(isinstance(r, list | tuple) for r in rows):
        rows = [rows]  # one pair (or one int) for every axis
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in rows]
    if len(rows) not in (1, ndim) or any(len(r) not in (1, 2) for r in rows):
        raise ValueError(f"pad: pad_width {pad_width!r} does not broadcast to shape "
                         f"({ndim}, 2): give an int, (before, after), or one pair per axis")
    pairs = []
    for r in rows * (ndim if len(rows) == 1 else 1):
        try:
            before, after = (operator.index(v) for v in (r * 2)[:2])
        except TypeError:
            raise TypeError(f"pad: pad_width must hold integers, got {pad_width!r}") from None
        if before < 0 or after < 0:
            raise ValueError(f"pad: pad_width must not be negative, got {pad_width!r}")
        pairs.append((before, after))
    return pairs
