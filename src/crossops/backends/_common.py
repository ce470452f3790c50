"""Helpers the backend modules share: dtype tables and binary promotion."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._dtypes import DTYPE_NAMES, FLOAT8, dtype_name, result_name
from .._errors import OpValueError


def not_a_dtype(x) -> bool:
    """Whether ``x``, given where a dtype belongs, is an array of any backend (NumPy 2
    raises TypeError there: it cannot construct a dtype from an array), where a dtype, a
    scalar type, a name or a NumPy scalar is one."""
    import numpy as np
    return (not isinstance(x, type | str | np.generic | np.dtype)
            and hasattr(x, "dtype") and hasattr(x, "shape"))


def refuse_array_dtype(op: str, arg: str, x) -> None:
    """TypeError where ``x``, op's dtype argument ``arg``, is an array (:func:`not_a_dtype`),
    as NumPy 2's."""
    if not_a_dtype(x):
        raise TypeError(f"{op}: {arg} must be a dtype, got an array ({type(x).__name__}); "
                        f"pass its .dtype")


def dtype_table(lookup: Callable[[str], object], names=DTYPE_NAMES) -> dict[str, object]:
    """name -> native dtype for every name of ``names`` (the promotion table's) that
    ``lookup`` knows (others are left out)."""
    out = {}
    for name in names:
        try:
            d = lookup(name)
        except (AttributeError, TypeError):
            continue
        if d is not None:
            out[name] = d
            dtype_name(d)  # warm the name cache (a compiler tracing dispatch finds it filled)
    return out


def float8_table(lookup: Callable[[str], object]) -> dict[str, object]:
    """name -> native dtype of the float8 types (``crossops._dtypes.FLOAT8``) the backend
    has: storage dtypes its ``native_dtype`` takes, kept out of ``DTYPES`` (the promotion
    table's dtypes, which the dispatch iterates)."""
    return dtype_table(lookup, FLOAT8)


def make_native_dtype(table: dict[str, object], backend: str, native_type=None):
    """A function mapping any dtype (object or name) to the backend's own.

    ``native_type``: the class of the backend's dtype objects when it has its own (torch):
    an instance is returned as it is, with a check torch.compile traces without guards.
    """
    # one cache per type of dtype argument: torch.compile cannot hash a TensorFlow DType,
    # so one must not share a dict with the names a compiled call looks up
    caches: dict[type, dict] = {}
    own = {id(d) for d in table.values()}

    def native_dtype(dtype):
        if native_type is not None:
            if isinstance(dtype, native_type):
                return dtype
        elif id(dtype) in own:  # already the backend's (no hashing of foreign dtype objects)
            return dtype
        try:
            return caches[type(dtype)][dtype]
        except (KeyError, TypeError):
            pass
        name = dtype_name(dtype)
        try:
            out = table[name]
        except KeyError:
            raise TypeError(f"dtype {name} is not supported by the {backend} backend; "
                            f"supported: {', '.join(table)}") from None
        try:
            caches.setdefault(type(dtype), {})[dtype] = out
        except TypeError:
            pass
        return out

    return native_dtype


class OptionsRoute(NamedTuple):
    """A backend's ``AT_OPTIONS`` entry: the framework's own function for an op's calls
    that give some of its options and leave the others at their defaults, which the C
    front calls in place of the op's function (see ``crossops._fastpath``). A plain tuple
    of the first two or three fields is an entry too.

    ``function``: the function, or dtype -> function (by the first array's dtype).
    ``options``: the op's options it takes, in the order it takes them, after the
    required arguments. ``axes``: those of them that are axes the front checks are in
    range of the first array's dimensions. ``order``: where the function takes its
    arguments in another order, the indices into (required arguments, then options) of
    the arguments it takes in turn (``torch.index_select(x, axis, indices)`` for
    ``take(x, indices, axis=axis)``: ``(0, 2, 1)``). ``requires``: (index of a required
    argument, attribute, value) for each attribute the call's argument must have, equal
    to that value, for the front to call the function (``(0, "is_cpu", True)``).
    ``scalars``: the Python types the function also takes in place of the op's arrays
    after the first (``repeat``'s ``repeats``: ``torch.repeat_interleave(x, 2, 0)``): the
    entry serves the calls of those types too (the op's cache key, the tuple of the
    types, such as ``(torch.Tensor, int)``). ``sections``: the index of a required
    argument that counts equal sections along the first of ``axes`` (``split``'s
    ``indices_or_sections``: ``torch.chunk(x, 2, 1)``): the front calls the function only
    where it is a positive int that divides that axis's length, and gives the pieces as a
    list. ``sequences``: the function also takes a tuple or list of ints for each of
    ``options`` that holds axes, and checks them itself (``torch.permute(x, (0, 2, 1))``
    for ``transpose``'s ``axes``): the front passes such a tuple as it is, and a call the
    function raises for goes on to the op's function, which raises the op's error. Where
    such an option is also among ``axes`` (``sum``'s ``axis``: ``torch.sum(x, (0, 1))``),
    the front takes only a tuple of one or more ints, each in range.
    """

    function: Callable | dict
    options: tuple[str, ...]
    axes: tuple[str, ...] = ()
    order: tuple[int, ...] | None = None
    requires: tuple[tuple[int, str, object], ...] = ()
    scalars: tuple[type, ...] = ()
    sections: int | None = None
    sequences: bool = False


def promoting(f: Callable, astype: Callable, table: dict, positions=(0, 1)):
    """Wrap ``f`` so that its arguments at two ``positions`` are promoted with crossops's
    table (the other arguments pass through).

    ``astype(x, native_dtype)`` casts; ``table`` maps dtype names to native dtypes.
    """
    i, j = positions
    # (native dtype, native dtype) -> the casts to make, for every pair the backend has
    cache: dict = {}
    for n1, d1 in table.items():
        for n2, d2 in table.items():
            r = result_name(n1, n2)
            cache[d1, d2] = (None if n1 == r else table.get(r), None if n2 == r else table.get(r))

    def targets(d1, d2):
        try:
            return cache[d1, d2]
        except KeyError:  # a dtype outside the table (float8): only with itself
            try:
                result_name(dtype_name(d1), dtype_name(d2))
            except ValueError as e:  # float8 and another dtype: Keras's ValueError (torch's
                raise OpValueError(str(e)) from None  # own promotion raises RuntimeError)
            return None, None

    def promoted(*args, **kwargs):
        d1, d2 = getattr(args[i], "dtype", None), getattr(args[j], "dtype", None)
        if d1 is None or d2 is None:  # a Python scalar (searchsorted's x2): the op takes it
            return f(*args, **kwargs)
        t1, t2 = targets(d1, d2)
        if t1 is not None or t2 is not None:
            args = list(args)
            if t1 is not None:
                args[i] = astype(args[i], t1)
            if t2 is not None:
                args[j] = astype(args[j], t2)
        return f(*args, **kwargs)

    promoted.__wrapped__ = f
    promoted.__name__ = getattr(f, "__name__", "promoted")
    return promoted


class finfo_object:  # noqa: N801  (the array API calls the result "finfo object")
    """Machine limits of a floating dtype, with Python floats as the standard asks."""

    __slots__ = ("bits", "eps", "max", "min", "smallest_normal", "dtype")

    def __init__(self, name: str, native):
        import ml_dtypes
        import numpy as np
        real = {"complex64": "float32", "complex128": "float64"}.get(name, name)
        fi = ml_dtypes.finfo(ml_dtypes.bfloat16) if real == "bfloat16" else np.finfo(real)
        self.bits = int(fi.bits) * (2 if name != real else 1)
        self.eps = float(fi.eps)
        self.max = float(fi.max)
        self.min = float(fi.min)
        self.smallest_normal = float(fi.smallest_normal)
        self.dtype = native

    def __repr__(self):
        return (f"finfo(bits={self.bits}, eps={self.eps}, max={self.max}, min={self.min}, "
                f"smallest_normal={self.smallest_normal}, dtype={self.dtype})")


class iinfo_object:  # noqa: N801
    """Limits of an integer dtype, with Python ints."""

    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, name: str, native):
        import numpy as np
        ii = np.iinfo(name)
        self.bits, self.max, self.min, self.dtype = int(ii.bits), int(ii.max), int(ii.min), native

    def __repr__(self):
        return f"iinfo(bits={self.bits}, max={self.max}, min={self.min}, dtype={self.dtype})"


def casting_functions(namespace, native_dtype: Callable) -> dict:
    """``astype`` and ``asarray`` of an array API ``namespace`` that take any dtype (a
    name, a NumPy dtype, any backend's dtype object)."""

    def astype(x, dtype, /, *, copy=True, device=None):
        return namespace.astype(x, native_dtype(dtype), copy=copy, device=device)

    def asarray(obj, /, *, dtype=None, device=None, copy=None):
        if dtype is not None:
            dtype = native_dtype(dtype)
        return namespace.asarray(obj, dtype=dtype, device=device, copy=copy)

    return {"astype": astype, "asarray": asarray}


def dtype_functions(table: dict, native_dtype: Callable, default_dtypes: Callable) -> dict:
    """finfo, iinfo, can_cast, isdtype and result_type for one backend, all following
    crossops's promotion table (``table``: name -> native dtype)."""
    from .._dtypes import CATEGORIES, kind, weak_scalar_name

    def _name(x) -> str:
        # (a NumPy scalar type such as np.float32 has a class attribute ``dtype``)
        d = x if isinstance(x, type) else getattr(x, "dtype", x)
        return dtype_name(d)

    def finfo(type, /):  # noqa: A002
        name = _name(type)
        if kind(name) not in "fc":
            raise ValueError(f"finfo: {name} is not a floating dtype; use iinfo for integers")
        return finfo_object(name, table[{"complex64": "float32",
                                          "complex128": "float64"}.get(name, name)])

    def iinfo(type, /):  # noqa: A002
        name = _name(type)
        if kind(name) not in "iu":
            raise ValueError(f"iinfo: {name} is not an integer dtype; use finfo for floats")
        return iinfo_object(name, table[name])

    def can_cast(from_, to, /):
        refuse_array_dtype("can_cast", "to", to)
        a, b = _name(from_), _name(to)
        return result_name(a, b) == b

    def isdtype(dtype, kind):
        name = dtype_name(dtype)
        if isinstance(kind, tuple):
            return any(isdtype(dtype, k) for k in kind)
        if isinstance(kind, str):
            try:  # the standard spells kinds with spaces ("real floating")
                return name in CATEGORIES[kind.replace(" ", "_")]
            except KeyError:
                raise ValueError(f"isdtype: unknown kind {kind!r}; use a dtype or one of "
                                 f"{', '.join(sorted(CATEGORIES))}") from None
        return name == dtype_name(kind)

    def result_type(*arrays_and_dtypes):
        names, scalars = [], []
        for a in arrays_and_dtypes:
            if isinstance(a, (bool, int, float, complex)):
                scalars.append(type(a))
            else:
                names.append(_name(a))
        if not names:
            raise ValueError("result_type: at least one array or dtype is needed")
        out = result_name(*names)
        for s in scalars:
            out = weak_scalar_name(s, out, default_dtypes())
        try:
            return table[out]
        except KeyError:  # a float8 dtype, alone or with itself (as NumPy with ml_dtypes)
            return native_dtype(out)

    return dict(finfo=finfo, iinfo=iinfo, can_cast=can_cast, isdtype=isdtype,
                result_type=result_type)


# --- special cases of the array API that the frameworks' kernels miss ------------------
# Each takes the array API namespace ``xp`` of the backend, the framework's own result
# ``out`` and the inputs, and returns ``out`` with the standard's values where they differ.

def fix_floor_divide(xp, out, x1, x2):
    """Real floating ``floor_divide``: where exactly one operand is infinite, or ``x1`` is
    a zero, the standard's result is the quotient ``x1 / x2`` itself (inf // 2 is inf, not
    NaN; 1 // -inf is -0, not -1; -0 // 2 is -0)."""
    exact = (xp.isinf(x1) != xp.isinf(x2)) | (x1 == 0)
    return xp.where(exact, xp.divide(x1, x2), out)


def host_floor_divide(out, x1, x2):
    """NumPy's floating floor division ``out`` of NumPy arrays ``x1`` and ``x2`` (or a
    Python number) with the standard's special cases (:func:`fix_floor_divide`), whose
    five passes are skipped where they change nothing: no ``x1`` is 0 or not finite, every
    ``x2`` finite (three cheap reductions)."""
    if np.count_nonzero(x1) == np.size(x1) and np.isfinite(x1).all() \
            and np.isfinite(x2).all():
        return out
    return fix_floor_divide(np, out, x1, x2)


def zero_safe_sqrt(xp, s):
    """``sqrt(s)`` of a sum of squares ``s`` (``xp``: jax.numpy or tf), whose gradient at
    0 is 0, a subgradient of the norm, rather than ``inf * 0 = nan``."""
    zero = s == 0
    return xp.where(zero, xp.zeros_like(s), xp.sqrt(xp.where(zero, xp.ones_like(s), s)))


def apart(xp, x, y):
    """``x * y`` (floating arrays of namespace ``xp``) rounded as its own step where a sum
    follows, as NumPy rounds it: the same value (a NaN ``x`` gives NaN either way), but the
    select keeps a compiler (XLA's CPU backend) from fusing the product into the sum, a
    multiply-add rounded once (a rounding off NumPy's in ~1 of 4 values)."""
    return xp.where(xp.isnan(x), x, x * y)


def fix_remainder(xp, out, x2):
    """Real floating ``remainder`` ``out`` (torch's, XLA's: fmod's result moved by ``x2``
    where its sign differs) as NumPy's: a zero result takes the sign of ``x2``. Every other
    result but NaN has that sign already, so ``copysign`` fixes the zeros alone (one
    kernel, where a select of the zeros takes three); its gradient in ``out`` is 1 but at
    the zeros (0, as the select's through copysign)."""
    return xp.copysign(out, x2)


def fix_expm1(xp, out, x):
    """Complex ``expm1`` at non-finite inputs: ``exp(x) - 1`` has the standard's values."""
    return xp.where(xp.isfinite(x), out, xp.exp(x) - 1)


def fix_log1p(xp, out, x):
    """Complex ``log1p`` at non-finite inputs: ``log(x + 1)`` has the standard's values."""
    return xp.where(xp.isfinite(x), out, xp.log(x + 1))


# --- keras.ops linalg beyond the standard (spec/linalg.toml) -----------------------------

def check_lstsq(a, b) -> None:
    """NumPy's shape rules for ``lstsq``: a is (M, N), b is (M,) or (M, K); else ValueError."""
    if len(a.shape) != 2:
        raise ValueError(f"linalg.lstsq: a must be a matrix (2 axes), got shape "
                         f"{tuple(a.shape)}")
    if len(b.shape) not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(f"linalg.lstsq: b must have shape ({a.shape[0]},) or "
                         f"({a.shape[0]}, K) for a of shape {tuple(a.shape)}, got "
                         f"{tuple(b.shape)}")


def check_triangular(a, b) -> bool:
    """Shapes for ``solve_triangular``: a is a (stack of) square matrices, b has a's size
    on its vector (or row) axis; returns whether b is a stack of vectors (one axis fewer
    than a, as in Keras and SciPy)."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) < 2 or sa[-1] != sa[-2]:
        raise ValueError(f"linalg.solve_triangular: a must be (a stack of) square matrices, "
                         f"got shape {sa}")
    vector = len(sb) == len(sa) - 1
    if len(sb) < 1 or (sb[-1] if vector else sb[-2] if len(sb) > 1 else None) != sa[-1]:
        raise ValueError(f"linalg.solve_triangular: b must have shape (..., {sa[-1]}) or "
                         f"(..., {sa[-1]}, K) for a of shape {sa}, got {sb}")
    return vector


def scaled(x, mean: float, stddev: float):
    """``x * stddev + mean`` for any backend's array, skipping the identity steps (exact for
    the defaults); Python floats are weak, so the dtype stays ``x``'s."""
    if stddev != 1.0:
        x = x * stddev
    if mean != 0.0:
        x = x + mean
    return x


def partial(f: Callable) -> Callable:
    """Mark backend function ``f`` as partial: for a case its framework's kernel does not
    handle it returns ``NotImplemented``, and the op's generic implementation (written with
    crossops ops) runs instead. :mod:`crossops._dispatch` adds that fallback once, when it
    builds the op's table entry; a backend function not so marked is called as it is."""
    f.partial = True
    return f


#: selu's constants (Klambauer et al.; jax.nn's and Keras's), for the generic form and the
#: backends that compute it in their own calls
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def plain_axes(axis, ndim: int):
    """``axis`` as a framework's reduction takes it where the call is a plain one: every
    axis (None: a tuple of them, for an array of one or more dimensions), an int in range,
    or a non-empty tuple of distinct ints in range; None for any other ``axis`` (a list,
    an empty tuple, a repeated or out-of-range axis), which the op's generic form takes
    with its own errors."""
    if axis is None:
        return tuple(range(ndim)) if ndim else None
    if type(axis) is int:
        return axis if -ndim <= axis < ndim else None
    if type(axis) is not tuple or not axis \
            or any(type(a) is not int or not -ndim <= a < ndim for a in axis) \
            or len({a % ndim for a in axis}) != len(axis):
        return None
    return axis
