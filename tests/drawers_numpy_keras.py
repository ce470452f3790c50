"""Input drawers for the conformance suite of spec/numpy_keras.toml
(op name -> drawer(draw, spec, dtype) -> Case)."""

from __future__ import annotations

import math

import ml_dtypes
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import DTYPE_NAMES
from crossops._dtypes import kind as dtype_kind

from . import strategies as S
from .backends import flush_to_zero as _ftz

DRAWERS: dict = {}


def flushed(drawer):
    """``drawer`` with subnormal inputs flushed to zero (see :func:`_ftz`)."""
    def draw_case(draw, spec, dt):
        case = drawer(draw, spec, dt)
        return S.Case(tuple(_ftz(a) for a in case.args), case.kwargs)
    return draw_case


def _unary(draw, spec, dt):
    return S.unary(draw, spec, dt)


def _binary(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt).args
    if dtype_kind(dt) == "c" and spec.name in ("true_divide", "divide_no_nan"):
        x2 = np.where(x2 == 0, np.ones_like(x2), x2)  # complex x / 0 differs across backends
    return S.Case((x1, x2))


def _nonzero(draw, spec, dt):
    return S.binary_nonzero(draw, spec, dt)


def _shift(draw, spec, dt):
    return S.binary_shift(draw, spec, dt)


def _power(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt).args
    if dtype_kind(dt) in "iu":
        x2 = (np.abs(x2.astype(np.int64)) % 6).astype(dt)
    if dtype_kind(dt) == "c":  # complex pow at 0 and at huge magnitudes differs per backend
        x1, x2 = (S.arrays(draw, dt, x.shape, "moderate") / 10 for x in (x1, x2))
        x1 = np.where(x1 == 0, np.ones_like(x1), x1).astype(dt)
        x2 = x2.astype(dt)
    return S.Case((x1, x2))


def _moderate_binary(draw, spec, dt):
    return S.binary(draw, spec, dt, values="moderate")


def _isclose(draw, spec, dt):
    x1, x2 = S.binary(draw, spec, dt).args
    if dtype_kind(dt) in "f" and draw(st.booleans()):
        x2 = (x1 * np.asarray(1 + draw(st.sampled_from([0.0, 1e-6, 1e-4, -1e-3])))
              .astype(x1.dtype)) + np.zeros(x2.shape, x1.dtype)
        x2 = x2.astype(x1.dtype)
    kw = {}
    if draw(st.booleans()):
        kw = {"rtol": draw(st.sampled_from([0.0, 1e-3, 0.1])),
                  "atol": draw(st.sampled_from([0.0, 1e-3, 1.0])),
                  "equal_nan": draw(st.booleans())}
    return S.Case((x1, x2), kw)


def _nan_to_num(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes))
    kw = {}
    if draw(st.booleans()):
        kw = {"nan": draw(st.sampled_from([0.0, 1.0, -2.5])),
                  "posinf": draw(st.sampled_from([None, 7.0])),
                  "neginf": draw(st.sampled_from([None, -7.0]))}
    return S.Case((x,), kw)


def _ldexp(draw, spec, dt):
    s1, s2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4)
                  ).input_shapes
    x1 = S.arrays(draw, dt, s1)
    x2 = draw(hnp.arrays(np.int32, s2, elements=st.integers(-20, 20)))
    return S.Case((x1, x2))


for _n in ("absolute", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh",
           "angle", "bitwise_not", "conjugate", "cbrt", "deg2rad", "rad2deg", "exp2", "fabs",
           "sinc", "isneginf", "isposinf", "isreal"):
    DRAWERS[_n] = _unary
for _n in ("arctan2", "heaviside", "logaddexp2", "true_divide", "divide_no_nan", "fmax",
           "fmin"):
    DRAWERS[_n] = _binary
for _n in ("fmod", "mod"):
    DRAWERS[_n] = _nonzero
for _n in ("left_shift", "right_shift"):
    DRAWERS[_n] = _shift
for _n in ("gcd", "lcm"):
    DRAWERS[_n] = _moderate_binary
DRAWERS.update(power=_power, isclose=_isclose, allclose=_isclose, nan_to_num=_nan_to_num,
               ldexp=_ldexp)



def _sprinkle_nan(draw, x, keep_first_along=None):
    """``x`` with NaNs where a drawn mask says (floats only); with ``keep_first_along``
    an int axis (or "all" for every slice), the first element of each slice stays."""
    is_float = x.dtype.kind in "fc" or x.dtype == np.dtype(ml_dtypes.bfloat16)
    if not is_float or x.size == 0 or not draw(st.booleans()):
        return x
    mask = draw(hnp.arrays(np.bool_, x.shape))
    if keep_first_along == "all":
        mask.reshape(-1)[0] = False
    elif keep_first_along is not None:
        idx = [slice(None)] * x.ndim
        idx[keep_first_along] = 0
        mask[tuple(idx)] = False
    x = x.copy()
    x[mask] = np.nan
    return x


def _reduce(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
    x = _sprinkle_nan(draw, x)
    return S.Case((x,), {"axis": S.axis_arg(draw, x.ndim), "keepdims": draw(st.booleans())})


def _nanarg(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), finite=True)
    axis = S.axis_arg(draw, x.ndim, tuples=False)
    x = _sprinkle_nan(draw, x, "all" if axis is None else axis)
    return S.Case((x,), {"axis": axis, "keepdims": draw(st.booleans())})


def _average(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
    choice = draw(st.sampled_from(["none", "full", "axis"]))
    if choice == "none":
        return S.Case((x,), {"axis": S.axis_arg(draw, x.ndim, tuples=False)})
    if choice == "full":
        w = np.abs(S.arrays(draw, dt, x.shape, "moderate")) + np.ones((), x.dtype)
        return S.Case((x,), {"axis": S.axis_arg(draw, x.ndim, tuples=False),
                                 "weights": w.astype(x.dtype)})
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    w = np.abs(S.arrays(draw, dt, (x.shape[axis],), "moderate")) + np.ones((), x.dtype)
    return S.Case((x,), {"axis": axis, "weights": w.astype(x.dtype)})


def _quantile(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
    if spec.name.startswith("nan"):
        x = _sprinkle_nan(draw, x)
    scale = 100.0 if "percentile" in spec.name else 1.0
    qs = st.integers(0, 8).map(lambda k: k * scale / 8)  # exact in every float type
    q = draw(st.one_of(qs, st.lists(qs, min_size=1, max_size=3)))
    if isinstance(q, list) and x.dtype in (np.float16, np.float32, ml_dtypes.bfloat16):
        # a list is read as its backend reads it (numpy: float64; the others: float32), and
        # its dtype joins the result's: an array of x's dtype keeps x's on every backend
        # (tests/test_numpy_quantile_methods.py checks the lists)
        q = np.asarray(q, x.dtype)
    kw = {"axis": S.axis_arg(draw, x.ndim), "keepdims": draw(st.booleans())}
    if draw(st.booleans()):
        kw["method"] = draw(st.sampled_from(["linear", "lower", "higher", "nearest",
                                             "midpoint"]))
    return S.Case((x, q), kw)


def _median(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.nonempty_shapes), "moderate")
    if spec.name.startswith("nan"):
        x = _sprinkle_nan(draw, x)
    return S.Case((x,), {"axis": S.axis_arg(draw, x.ndim), "keepdims": draw(st.booleans())})


def _cumulative(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    if spec.name.startswith("nan"):
        x = _sprinkle_nan(draw, x)
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1)) if x.ndim else None
    return S.Case((x,), {"axis": axis})


for _n in ("amax", "amin", "ptp", "nanmax", "nanmin", "nansum", "nanprod", "nanmean",
           "nanvar", "nanstd"):
    DRAWERS[_n] = _reduce
for _n in ("quantile", "nanquantile", "percentile", "nanpercentile"):
    DRAWERS[_n] = _quantile
for _n in ("cumsum", "cumprod", "nancumsum", "nancumprod"):
    DRAWERS[_n] = _cumulative
DRAWERS.update(nanargmax=_nanarg, nanargmin=_nanarg, average=_average, median=_median,
               nanmedian=_median)



# -- shape and structure ------------------------------------------------------------------

def _x(draw, dt, shapes=None):
    return S.arrays(draw, dt, draw(S.shapes if shapes is None else shapes))


def _append(draw, spec, dt):
    x1 = _x(draw, dt, S.nonempty_shapes)
    if draw(st.booleans()):
        x2 = _x(draw, dt)
        return S.Case((x1, x2))
    axis = draw(st.integers(-x1.ndim, x1.ndim - 1))
    shape = list(x1.shape)
    shape[axis] = draw(st.integers(0, 3))
    return S.Case((x1, S.arrays(draw, dt, tuple(shape))), {"axis": axis})


def _array(draw, spec, dt):
    kw = {}
    if dtype_kind(dt) not in "c" and draw(st.booleans()):
        kw["dtype"] = dt
    return S.Case((_x(draw, dt),), kw)


def _plain(draw, spec, dt):
    return S.Case((_x(draw, dt),))


def _get_item(draw, spec, dt):
    x = _x(draw, dt, S.nonempty_shapes)
    key = []
    for n in x.shape:
        key.append(draw(st.one_of(st.integers(-n, n - 1),
                                  st.builds(slice, st.none() | st.integers(-n, n),
                                            st.none() | st.integers(-n, n),
                                            st.none() | st.sampled_from([1, 2, -1])))))
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    return S.Case((x, tuple(key)))


def _swapaxes(draw, spec, dt):
    x = _x(draw, dt, S.nonempty_shapes)
    return S.Case((x, draw(st.integers(-x.ndim, x.ndim - 1)),
                   draw(st.integers(-x.ndim, x.ndim - 1))))


def _transpose(draw, spec, dt):
    x = _x(draw, dt)
    axes = None if draw(st.booleans()) else tuple(draw(st.permutations(range(x.ndim))))
    return S.Case((x,), {"axes": axes})


_MIN2 = hnp.array_shapes(min_dims=2, max_dims=3, min_side=0, max_side=4)
_MIN3 = hnp.array_shapes(min_dims=3, max_dims=3, min_side=0, max_side=3)


def _min2(draw, spec, dt):
    return S.Case((_x(draw, dt, _MIN2),))


def _flipud(draw, spec, dt):
    return S.Case((_x(draw, dt, S.nonempty_shapes),))


def _rot90(draw, spec, dt):
    x = _x(draw, dt, _MIN2)
    a0, a1 = draw(st.permutations(range(x.ndim)))[:2]
    return S.Case((x,), {"k": draw(st.integers(-5, 5)), "axes": (a0, a1)})


def _sections(draw, n, equal):
    if draw(st.booleans()):
        divisors = [k for k in range(1, 5) if n % k == 0] if equal else list(range(1, 5))
        return draw(st.sampled_from(divisors))
    # indices as NumPy reads them, as slices do: negative ones from the end, past either
    # end, out of order (empty pieces)
    return draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))


def _split(draw, spec, dt):
    equal = spec.name != "array_split"
    name = spec.name
    shapes = {"vsplit": _MIN2, "dsplit": _MIN3}.get(name, S.nonempty_shapes)
    x = _x(draw, dt, shapes)
    if name in ("split", "array_split"):
        axis = draw(st.integers(-x.ndim, x.ndim - 1))
        return S.Case((x, _sections(draw, x.shape[axis], equal)), {"axis": axis})
    axis = {"hsplit": 1 if x.ndim > 1 else 0, "vsplit": 0, "dsplit": 2}[name]
    return S.Case((x, _sections(draw, x.shape[axis], equal)))


def _stack(draw, spec, dt):
    name = spec.name
    n = draw(st.integers(1, 3))
    nd = draw(st.integers(0, 3))
    base = list(draw(hnp.array_shapes(min_dims=nd, max_dims=nd, min_side=1, max_side=3)))
    axis = {"hstack": 1, "vstack": 0, "dstack": 2, "column_stack": 1}[name]
    xs = []
    for _ in range(n):
        shape = list(base)
        if name == "hstack" and nd == 1:
            shape[0] = draw(st.integers(0, 3))
        elif nd > axis and (nd >= 2 or name not in ("vstack", "column_stack")):
            shape[axis] = draw(st.integers(1, 3))
        xs.append(S.arrays(draw, dt, tuple(shape)))
    if name == "column_stack" and nd == 0:
        xs = [x.reshape(1) for x in xs]
    return S.Case((xs,))


def _concatenate(draw, spec, dt):
    base = list(draw(S.nonempty_shapes))
    if draw(st.booleans()):
        xs = [_x(draw, dt) for _ in range(draw(st.integers(1, 3)))]
        return S.Case((xs,), {"axis": None})
    axis = draw(st.integers(-len(base), len(base) - 1))
    xs = []
    for _ in range(draw(st.integers(1, 3))):
        base[axis] = draw(st.integers(0, 3))
        xs.append(S.arrays(draw, dt, tuple(base)))
    return S.Case((xs,), {"axis": axis})


def _tri(draw, spec, dt):
    return S.Case((draw(st.integers(0, 4)),),
                  {"M": draw(st.none() | st.integers(0, 4)), "k": draw(st.integers(-3, 3)),
                       "dtype": dt})


def _diag(draw, spec, dt):
    shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=0, max_side=4)
    if spec.name == "diagflat":
        shapes = S.shapes
    return S.Case((_x(draw, dt, shapes),), {"k": draw(st.integers(-3, 3))})


def _diagonal(draw, spec, dt):
    x = _x(draw, dt, hnp.array_shapes(min_dims=2, max_dims=4, min_side=0, max_side=4))
    axis1, axis2 = draw(st.lists(st.integers(0, x.ndim - 1), min_size=2, max_size=2,
                                 unique=True))
    neg = draw(st.booleans())
    kw = {"offset": draw(st.integers(-3, 3)), "axis1": axis1 - x.ndim * neg, "axis2": axis2}
    return S.Case((x,), kw)


def _pad(draw, spec, dt):
    mode = draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    x = _x(draw, dt, S.nonempty_shapes if mode != "constant" else S.shapes)
    pads = st.integers(0, 3) if mode != "constant" else st.integers(0, 2)
    width = draw(st.one_of(pads, st.tuples(pads, pads),
                           st.lists(st.tuples(pads, pads), min_size=x.ndim,
                                    max_size=x.ndim).map(tuple)))
    kw = {"mode": mode}
    if mode == "constant" and draw(st.booleans()):
        kw["constant_values"] = draw(S.elements(dt, "moderate"))
    return S.Case((x, width), kw)


DRAWERS.update(append=_append, array=_array, copy=_plain, ravel=_plain, size=_plain,
               ndim=_plain, get_item=_get_item, swapaxes=_swapaxes, transpose=_transpose,
               fliplr=_min2, flipud=_flipud, rot90=_rot90, split=_split, array_split=_split,
               hsplit=_split, vsplit=_split, dsplit=_split, hstack=_stack, vstack=_stack,
               dstack=_stack, column_stack=_stack, concatenate=_concatenate, tri=_tri,
               diag=_diag, diagflat=_diag, diagonal=_diagonal, trace=_diagonal, pad=_pad)


def _finish():
    for name, f in list(DRAWERS.items()):
        DRAWERS[name] = flushed(f)


_finish()


# -- windows, spaced sequences, identity, vander, select, unravel_index, view, digitize ----

def _window(draw, spec, dt):
    m = draw(st.integers(-2, 12))
    if spec.name == "kaiser":
        return S.Case((m, draw(st.floats(-20, 20, allow_subnormal=False))))
    return S.Case((m,))


def _i0(draw, spec, dt):
    x = S.arrays(draw, dt, draw(S.shapes), "moderate")
    if dtype_kind(dt) == "f":  # |x| <= 25: away from float32's overflow of exp(x) near 88.7
        x = (x.astype(np.float64) / 4).astype(x.dtype)
        if x.size and draw(st.booleans()):
            special = draw(st.sampled_from([np.nan, np.inf, -np.inf, 0.0]))
            x = np.where(draw(hnp.arrays(np.bool_, x.shape)), np.asarray(special, x.dtype), x)
    return S.Case((x,))


def _spaced(draw, spec, dt):
    geo = spec.name == "geomspace"
    sign = draw(st.sampled_from([1.0, -1.0]))
    value = st.floats(0.01, 1000).map(lambda v: sign * v) if geo else st.floats(-4, 4)
    kw = {"num": draw(st.integers(0, 6)), "endpoint": draw(st.booleans())}
    if draw(st.booleans()):  # numbers: the default backend, dtype given
        args = (draw(value), draw(value))
        kw["dtype"] = dt
    else:  # arrays, broadcast together, the samples along a drawn axis
        k = draw(st.integers(1, 3))
        args = tuple(np.array([draw(value) for _ in range(n)]).astype(S.np_dtype(dt))
                     for n in (k, draw(st.sampled_from([1, k]))))
        kw["axis"] = draw(st.sampled_from([0, 1, -1]))
        if geo or draw(st.booleans()):
            kw["dtype"] = dt
    if not geo and draw(st.booleans()):
        kw["base"] = draw(st.sampled_from([2, 10.0, 0.5, math.e]))
    return S.Case(args, kw)


def _identity(draw, spec, dt):
    return S.Case((draw(st.integers(0, 5)),), {"dtype": dt})


def _vander(draw, spec, dt):
    x = S.arrays(draw, dt, (draw(st.integers(0, 5)),), "moderate")
    return S.Case((x,), {"N": draw(st.none() | st.integers(0, 5)),
                         "increasing": draw(st.booleans())})


def _select(draw, spec, dt):
    n = draw(st.integers(1, 3))
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2 * n, max_dims=3, max_side=3)
                  ).input_shapes
    conds = [draw(hnp.arrays(np.bool_, s)) for s in shapes[:n]]
    choices = [_ftz(S.arrays(draw, dt, s)) for s in shapes[n:]]
    kw = {"default": draw(S.elements(dt, "moderate"))} if draw(st.booleans()) else {}
    return S.Case((conds, choices), kw)


def _unravel_index(draw, spec, dt):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    hi = min(math.prod(shape) - 1, int(np.iinfo(dt).max))
    idx = draw(hnp.arrays(S.np_dtype(dt), draw(S.shapes), elements=st.integers(0, hi)))
    if idx.ndim == 0 and draw(st.booleans()):
        return S.Case((int(idx), shape))  # a Python int: the default backend
    return S.Case((idx, shape))


_ITEMSIZE = {n: S.np_dtype(n).itemsize for n in DTYPE_NAMES}


def _view(draw, spec, dt):
    # bool only from bool: NumPy keeps any byte in a bool, the frameworks keep 0 and 1; no
    # float32 from bfloat16: the harness rounds float32 results of bfloat16 inputs to bfloat16
    new = draw(st.none() | st.sampled_from([
        n for n in DTYPE_NAMES if (n != "bool" or dt == "bool")
        and not (n == "float32" and dt == "bfloat16")]))
    a, b = _ITEMSIZE[dt], _ITEMSIZE[new or dt]
    if a == b:
        shape = draw(S.shapes)
    else:  # a last axis of a whole number of items of either dtype
        base = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3))
        shape = base[:-1] + (base[-1] * (b // math.gcd(a, b)),)
    x = S.arrays(draw, dt, shape)
    return S.Case((x,), {} if new is None and draw(st.booleans()) else {"dtype": new})


def _digitize(draw, spec, dt):
    bins = np.sort(S.arrays(draw, dt, (draw(st.integers(0, 6)),), finite=True))
    if draw(st.booleans()):
        bins = bins[::-1].copy()
    x = S.arrays(draw, dt, draw(S.shapes))
    if bins.size and x.size and draw(st.booleans()):  # values on the bin edges
        at = draw(hnp.arrays(np.int64, x.shape, elements=st.integers(0, bins.size - 1)))
        x = np.where(draw(hnp.arrays(np.bool_, x.shape)), bins[at], x).astype(x.dtype)
    return S.Case((x, bins))


for _n in ("bartlett", "blackman", "hamming", "hanning", "kaiser"):
    DRAWERS[_n] = _window
for _n, _f in (("i0", _i0), ("geomspace", _spaced), ("logspace", _spaced),
               ("identity", _identity), ("vander", _vander), ("select", _select),
               ("unravel_index", _unravel_index), ("view", _view), ("digitize", _digitize)):
    DRAWERS[_n] = flushed(_f)
