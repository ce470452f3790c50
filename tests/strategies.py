"""Hypothesis strategies: the inputs the conformance suite draws for each kind of op.

An op's ``draw`` (spec/tests/<chapter>.toml, read by tests/_spec_tests.py) names a drawer
here; ``draw_case(data, spec, dtype)`` returns
the positional and keyword arguments as NumPy data (arrays, Python scalars, shapes),
which the test moves to each backend. Edge values (0, -0.0, inf, nan, empty arrays,
0-d arrays, broadcasting shapes) come from the element and shape strategies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ml_dtypes
import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from crossops._dtypes import kind as dtype_kind


@dataclass
class Case:
    args: tuple
    kwargs: dict = field(default_factory=dict)


def np_dtype(name: str) -> np.dtype:
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def elements(name: str, values: str | None = None, *, finite: bool = False):
    """Element strategy for a dtype name; ``values="moderate"`` keeps |x| <= 100."""
    k = dtype_kind(name)
    if k == "b":
        return st.booleans()
    if k in "iu":
        info = np.iinfo(name)
        lo, hi = int(info.min), int(info.max)
        if values == "moderate":
            lo, hi = max(lo, -100), min(hi, 100)
        return st.integers(lo, hi)
    real = {"complex64": "float32", "complex128": "float64"}.get(name, name)
    width = {"float16": 16, "bfloat16": 32, "float32": 32, "float64": 64}[real]
    # no subnormals: TensorFlow and XLA flush them to zero on CPU (a documented
    # difference of those backends, see the README), NumPy and torch keep them
    if values == "moderate" and name == "complex64":
        # exp/cos/sinh of a complex64 part near 89 overflow inside XLA's formulas although
        # the result (2e38) still fits float32: keep the parts where no formula overflows
        fl = st.floats(-80, 80, width=width, allow_subnormal=False)
    elif values == "moderate":
        fl = st.floats(-100, 100, width=width, allow_subnormal=False)
    elif k == "c" or finite:
        fl = st.floats(-1e4, 1e4, width=width, allow_subnormal=False)
    else:
        fl = st.floats(width=width, allow_nan=True, allow_infinity=True,
                       allow_subnormal=False)
    if k == "c":
        return st.builds(complex, fl, fl)
    return fl


def arrays(draw, name: str, shape, values=None, **kw) -> np.ndarray:
    """A NumPy array of dtype ``name`` (bfloat16 drawn as float32 and rounded)."""
    base = "float32" if name == "bfloat16" else name
    a = draw(hnp.arrays(np_dtype(base), shape, elements=elements(name, values, **kw)))
    return a.astype(np_dtype(name)) if name == "bfloat16" else a


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


def axis_arg(draw, ndim: int, *, tuples=True, none=True):
    opts = []
    if none:
        opts.append(st.none())
    if ndim:
        opts.append(st.integers(-ndim, ndim - 1))
        if tuples:
            opts.append(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim)
                        .map(tuple))
    return draw(st.one_of(*opts)) if opts else None


# -- drawers by kind --------------------------------------------------------------------

def unary(draw, spec, dt):
    return Case((arrays(draw, dt, draw(shapes), spec.values),))


def binary(draw, spec, dt, *, values=None):
    s1, s2 = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=4)
                  ).input_shapes
    values = values or spec.values
    x1 = arrays(draw, dt, s1, values)
    x2 = arrays(draw, dt, s2, values)
    if spec.name == "pow" and dtype_kind(dt) in "iu":
        x2 = np.abs(arrays(draw, dt, s2, "moderate")) % 6
        x2 = x2.astype(dt)
    return Case((x1, x2))


def binary_nonzero(draw, spec, dt):
    case = binary(draw, spec, dt)
    x1, x2 = case.args
    if dtype_kind(dt) in "iu":
        x2 = np.where(x2 == 0, np.ones_like(x2), x2)
        if dtype_kind(dt) == "i":  # int min // -1 overflows differently per backend
            x1 = np.where(x1 == np.iinfo(dt).min, np.zeros_like(x1), x1)
    return Case((x1, x2))


def binary_shift(draw, spec, dt):
    case = binary(draw, spec, dt)
    x1, x2 = case.args
    bits = np.iinfo(dt).bits
    x2 = (np.abs(x2.astype(np.int64)) % bits).astype(dt)
    return Case((x1, x2))


def compare(draw, spec, dt):
    return binary(draw, spec, dt)


def where(draw, spec, dt):
    s = draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=4)
             ).input_shapes
    cond = draw(hnp.arrays(np.bool_, s[0]))
    return Case((cond, arrays(draw, dt, s[1]), arrays(draw, dt, s[2])))


def clip(draw, spec, dt):
    x = arrays(draw, dt, draw(shapes), "moderate")
    lo = draw(st.none() | elements(dt, "moderate"))
    hi = draw(st.none() | elements(dt, "moderate"))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return Case((x,), dict(min=lo, max=hi))


def reduction(draw, spec, dt):
    nonempty = spec.name in ("max", "min")
    x = arrays(draw, dt, draw(nonempty_shapes if nonempty else shapes), spec.values,
               finite=spec.name in ("std", "var", "mean", "sum", "prod"))
    kw = dict(axis=axis_arg(draw, x.ndim), keepdims=draw(st.booleans()))
    if spec.name in ("std", "var"):
        kw["correction"] = draw(st.sampled_from([0.0, 1.0]))
    return Case((x,), kw)


def arg_reduction(draw, spec, dt):
    x = arrays(draw, dt, draw(nonempty_shapes), finite=True)
    return Case((x,), dict(axis=axis_arg(draw, x.ndim, tuples=False),
                           keepdims=draw(st.booleans())))


def cumulative(draw, spec, dt):
    x = arrays(draw, dt, draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=4)),
               "moderate")
    kw = dict(include_initial=draw(st.booleans()))
    if x.ndim > 1 or draw(st.booleans()):
        kw["axis"] = draw(st.integers(-x.ndim, x.ndim - 1))
    return Case((x,), kw)


def sort(draw, spec, dt):
    x = arrays(draw, dt, draw(hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)),
               finite=True)
    return Case((x,), dict(axis=draw(st.integers(-x.ndim, x.ndim - 1)),
                           descending=draw(st.booleans()), stable=True))


def matmul(draw, spec, dt):
    b = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    m, k, n = (draw(st.integers(1, 4)) for _ in range(3))
    s1 = b + (m, k) if draw(st.booleans()) else (k,)
    s2 = b + (k, n) if draw(st.booleans()) or len(s1) == 1 else (k,)
    return Case((arrays(draw, dt, s1, "moderate"), arrays(draw, dt, s2, "moderate")))


# -- custom drawers, by op name -----------------------------------------------------------

def _x(draw, dt, shape_strategy=shapes, **kw):
    return arrays(draw, dt, draw(shape_strategy), **kw)


def _matrix(draw, dt, *, square=True, spd=False, batch=True):
    bshape = draw(hnp.array_shapes(min_dims=0, max_dims=1, min_side=1, max_side=2)) \
        if batch else ()
    n = draw(st.integers(1, 4))
    m = n if square else draw(st.integers(1, 4))
    a = arrays(draw, "float64", bshape + (n, m), "moderate") / 100
    if spd:
        a = a @ np.swapaxes(a, -1, -2) + n * np.eye(n)
    elif square:
        a = a + 2 * np.eye(n)  # keep it well conditioned
    return a.astype(dt)


def _dims(draw, ndim):
    return tuple(draw(st.permutations(range(ndim))))


CUSTOM = {
    "diff": lambda d, s, dt: (lambda x: Case((x,), dict(axis=d(st.integers(-x.ndim, x.ndim - 1)),
                                                        n=d(st.integers(0, 2)))))(
        _x(d, dt, nonempty_shapes, values="moderate")),
    "nonzero": lambda d, s, dt: Case((_x(d, dt, nonempty_shapes),)),
    "searchsorted": lambda d, s, dt: Case(
        (np.sort(arrays(d, dt, (d(st.integers(0, 6)),), finite=True)),
         arrays(d, dt, d(shapes), finite=True)),
        dict(side=d(st.sampled_from(["left", "right"])))),
    "unique_all": lambda d, s, dt: Case((_x(d, dt, finite=True),)),
    "unique_counts": lambda d, s, dt: Case((_x(d, dt, finite=True),)),
    "unique_inverse": lambda d, s, dt: Case((_x(d, dt, finite=True),)),
    "unique_values": lambda d, s, dt: Case((_x(d, dt, finite=True),)),
    "isin": lambda d, s, dt: Case((_x(d, dt, values="moderate"), _x(d, dt, values="moderate")),
                                  dict(invert=d(st.booleans()))),
    "take": lambda d, s, dt: (lambda x: Case(
        (x, np.asarray(d(st.lists(st.integers(0, x.shape[0] - 1), max_size=5)), np.int64)),
        dict(axis=0)))(_x(d, dt, nonempty_shapes)),
    "take_along_axis": lambda d, s, dt: (lambda x: Case(
        (x, np.argsort(x, axis=-1) if dtype_kind(dt) != "c" else
         np.zeros(x.shape, np.int64)), dict(axis=-1)))(_x(d, dt, nonempty_shapes, finite=True)),
    "tensordot": lambda d, s, dt: (lambda axes: Case(
        (arrays(d, dt, (2, 3, 4), "moderate"),
         arrays(d, dt, {0: (2, 3), 1: (4, 2), 2: (3, 4, 2)}.get(axes, (3, 2)), "moderate")),
        dict(axes=axes)))(d(st.sampled_from([0, 1, 2, ((1,), (0,))]))),
    "vecdot": lambda d, s, dt: Case(
        (arrays(d, dt, (2, 3), "moderate"), arrays(d, dt, (3,), "moderate"))),
    "matrix_transpose": lambda d, s, dt: Case(
        (_x(d, dt, hnp.array_shapes(min_dims=2, max_dims=4, max_side=3)),)),
    "broadcast_arrays": lambda d, s, dt: Case(tuple(
        arrays(d, dt, sh) for sh in d(hnp.mutually_broadcastable_shapes(num_shapes=3))
        .input_shapes)),
    "broadcast_shapes": lambda d, s, dt: Case(
        tuple(d(hnp.mutually_broadcastable_shapes(num_shapes=3)).input_shapes)),
    "broadcast_to": lambda d, s, dt: (lambda sh: Case(
        (arrays(d, dt, sh.input_shapes[0]),), dict(shape=sh.result_shape)))(
        d(hnp.mutually_broadcastable_shapes(num_shapes=1))),
    "concat": lambda d, s, dt: (lambda sh, n: Case(
        ([arrays(d, dt, sh) for _ in range(n)],), dict(axis=d(st.integers(-len(sh),
                                                                       len(sh) - 1)))))(
        d(nonempty_shapes), d(st.integers(1, 3))),
    "stack": lambda d, s, dt: (lambda sh, n: Case(
        ([arrays(d, dt, sh) for _ in range(n)],), dict(axis=d(st.integers(-len(sh) - 1,
                                                                       len(sh))))))(
        d(shapes), d(st.integers(1, 3))),
    "expand_dims": lambda d, s, dt: (lambda x: Case(
        (x,), dict(axis=d(st.integers(-x.ndim - 1, x.ndim)))))(_x(d, dt)),
    "flip": lambda d, s, dt: (lambda x: Case((x,), dict(axis=axis_arg(d, x.ndim))))(_x(d, dt)),
    "moveaxis": lambda d, s, dt: (lambda x: Case(
        (x, d(st.integers(0, x.ndim - 1)), d(st.integers(0, x.ndim - 1)))))(
        _x(d, dt, nonempty_shapes)),
    "permute_dims": lambda d, s, dt: (lambda x: Case((x,), dict(axes=_dims(d, x.ndim))))(
        _x(d, dt)),
    "repeat": lambda d, s, dt: (lambda x: Case(
        (x, d(st.integers(0, 3))), dict(axis=d(st.none() | st.integers(0, x.ndim - 1)))))(
        _x(d, dt, nonempty_shapes)),
    "reshape": lambda d, s, dt: (lambda x: Case(
        (x,), dict(shape=d(st.sampled_from([(-1,), (x.size,), (1, x.size), (x.size, 1)])))))(
        _x(d, dt)),
    "roll": lambda d, s, dt: (lambda x: Case(
        (x,), dict(shift=d(st.integers(-5, 5)), axis=d(st.none() | st.integers(0, x.ndim - 1)
                                                       if x.ndim else st.none()))))(_x(d, dt)),
    "squeeze": lambda d, s, dt: (lambda x: Case(
        (x,), dict(axis=tuple(i for i, n in enumerate(x.shape) if n == 1)[:1] or ())))(
        _x(d, dt, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3))),
    "tile": lambda d, s, dt: (lambda x: Case(
        (x, tuple(d(st.lists(st.integers(0, 3), min_size=1, max_size=3)))),))(_x(d, dt)),
    "unstack": lambda d, s, dt: (lambda x: Case(
        (x,), dict(axis=d(st.integers(-x.ndim, x.ndim - 1)))))(_x(d, dt, nonempty_shapes)),
    "tril": lambda d, s, dt: Case((_x(d, dt, hnp.array_shapes(min_dims=2, max_dims=3)),),
                                  dict(k=d(st.integers(-3, 3)))),
    "triu": lambda d, s, dt: Case((_x(d, dt, hnp.array_shapes(min_dims=2, max_dims=3)),),
                                  dict(k=d(st.integers(-3, 3)))),
    "meshgrid": lambda d, s, dt: Case(
        tuple(arrays(d, dt, (d(st.integers(0, 3)),)) for _ in range(d(st.integers(1, 3)))),
        dict(indexing=d(st.sampled_from(["xy", "ij"])))),
    "zeros_like": lambda d, s, dt: Case((_x(d, dt),)),
    "ones_like": lambda d, s, dt: Case((_x(d, dt),)),
    "full_like": lambda d, s, dt: Case((_x(d, dt),), dict(fill_value=d(elements(dt, "moderate")))),
    "empty_like": lambda d, s, dt: Case((_x(d, dt),)),
    "astype": lambda d, s, dt: Case((_x(d, dt, values="moderate"),
                                     d(st.sampled_from(["int32", "float32", "float64", "bool",
                                                        "int64", "uint8"]))
                                     if dtype_kind(dt) != "c" else
                                     d(st.sampled_from(["complex64", "complex128"])))),
}

# linalg: (x) or (x1, x2) of matrices
_LINALG_SQUARE = {"det", "inv", "slogdet", "matrix_power", "eigvals", "eig"}
_LINALG_SPD = {"cholesky", "eigh", "eigvalsh"}


def _linalg(draw, spec, dt):
    n = spec.name
    if n in _LINALG_SPD:
        return Case((_matrix(draw, dt, spd=True),))
    if n in _LINALG_SQUARE:
        x = _matrix(draw, dt)
        return Case((x, draw(st.integers(-2, 3))) if n == "matrix_power" else (x,))
    if n == "solve":
        a = _matrix(draw, dt, batch=False)
        return Case((a, arrays(draw, dt, (a.shape[-1], 2), "moderate")))
    if n in ("matmul", "tensordot", "vecdot"):
        return CUSTOM[n](draw, spec, dt) if n != "matmul" else matmul(draw, spec, dt)
    if n in ("outer",):
        return Case((arrays(draw, dt, (3,), "moderate"), arrays(draw, dt, (4,), "moderate")))
    if n == "cross":
        return Case((arrays(draw, dt, (2, 3), "moderate"), arrays(draw, dt, (2, 3), "moderate")))
    if n in ("diagonal", "trace"):
        return Case((_x(draw, dt, hnp.array_shapes(min_dims=2, max_dims=3), values="moderate"),),
                    dict(offset=draw(st.integers(-2, 2))))
    if n == "matrix_transpose":
        return CUSTOM[n](draw, spec, dt)
    if n == "vector_norm":
        x = _x(draw, dt, nonempty_shapes, values="moderate")
        return Case((x,), dict(axis=axis_arg(draw, x.ndim, tuples=False),
                               ord=draw(st.sampled_from([1, 2, np.inf, -np.inf, 3]))))
    if n == "matrix_norm":
        return Case((_matrix(draw, dt, square=False),),
                    dict(ord=draw(st.sampled_from(["fro", "nuc", 1, 2, np.inf, -np.inf]))))
    if n == "qr":
        x = _matrix(draw, dt, square=False)
        return Case((x,))
    if n == "pinv":  # the standard's cutoff, max(M, N) * eps: NumPy's default (1e-15, no
        # rtol given) keeps the rounding noise of a rank-deficient draw, which each SVD
        # inverts apart (tests/test_numpy_bool_inputs.py checks that default)
        return Case((_matrix(draw, dt, square=False),), dict(rtol=None))
    # svd, svdvals, matrix_rank
    return Case((_matrix(draw, dt, square=False),))


def _fft(draw, spec, dt):
    n = spec.name
    if n in ("fftshift", "ifftshift"):
        x = _x(draw, dt, nonempty_shapes, values="moderate")
        return Case((x,), dict(axes=axis_arg(draw, x.ndim, tuples=False)))
    x = _x(draw, dt, hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=5),
           values="moderate")
    norm = draw(st.sampled_from(["backward", "ortho", "forward"]))
    if n.endswith("n"):
        return Case((x,), dict(norm=norm))
    return Case((x,), dict(axis=draw(st.integers(-x.ndim, x.ndim - 1)), norm=norm))


def _merge_drawers():
    """Merge every ``tests/drawers_*.py`` module's ``DRAWERS`` into ``CUSTOM``."""
    import importlib
    from pathlib import Path
    for path in sorted(Path(__file__).parent.glob("drawers_*.py")):
        mod = importlib.import_module(f"{__package__}.{path.stem}")
        clash = set(mod.DRAWERS) & set(CUSTOM)
        assert not clash, f"drawers defined twice: {clash}"
        CUSTOM.update(mod.DRAWERS)


_merge_drawers()

KINDS = dict(unary=unary, binary=binary, binary_nonzero=binary_nonzero,
             binary_shift=binary_shift, compare=compare, where=where, clip=clip,
             reduction=reduction, arg_reduction=arg_reduction, cumulative=cumulative,
             sort=sort, matmul=matmul)


def draw_case(data, spec, dt: str) -> Case:
    """Arguments for one call of ``spec``'s op with input dtype ``dt``."""
    draw = data.draw
    if spec.draw in KINDS:
        return KINDS[spec.draw](draw, spec, dt)
    if spec.qualname in CUSTOM:
        return CUSTOM[spec.qualname](draw, spec, dt)
    if spec.namespace == "linalg":
        return _linalg(draw, spec, dt)
    if spec.namespace == "fft":
        return _fft(draw, spec, dt)
    return CUSTOM[spec.name](draw, spec, dt)


def has_drawer(spec) -> bool:
    """Whether the suite can draw inputs for ``spec`` (custom drawers are keyed by op name,
    or by qualified name such as ``"math.fft"`` where names repeat across namespaces)."""
    if not spec.reference:
        return False  # nothing to compare with (linalg.jvp takes a function)
    return spec.namespace in ("linalg", "fft") and spec.draw != "creation" or \
        spec.draw in KINDS or spec.qualname in CUSTOM or (
            not spec.namespace and spec.name in CUSTOM)
