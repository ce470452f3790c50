"""Where the frameworks differ natively, the behaviour crossops gives, pinned per backend.

Seven cases: take out of range, sort stability, NaN in max/min/sort, round half to even,
integer division by zero, the sign of mod, clip with min > max. crossops gives NumPy's
behaviour on every backend, except where the spec entry's ``doc`` names a difference
(take and take_along_axis out of range on jax and torch, integer division by zero on
torch); those differences are pinned here too, so that a change of them is seen. Expected
values come from NumPy (or tests.refs), never from crossops.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

import crossops.numpy as xnp
from crossops import ops

from . import refs
from ._spec_tests import spec_for_tests
from .backends import backend_context, to_backend, to_numpy

SPEC = spec_for_tests()

#: the differences that stay, (op, backend) -> what that backend does instead of NumPy's
#: behaviour; each is named in the op's spec doc (the words given) and pinned below. Every
#: other (op, backend) gives NumPy's behaviour.
DIFFERENCES = {
    ("take", "jax"): ("fill", "mode='fill'"),
    ("take_along_axis", "jax"): ("fill", "jax fills"),
}


def _difference(op: str, backend: str) -> str | None:
    """What ``backend`` does instead of NumPy for ``op`` (checking that the spec says so)."""
    entry = DIFFERENCES.get((op, backend))
    if entry is None:
        return None
    what, words = entry
    assert words in SPEC[op].doc, f"spec entry {op!r} should name its difference on " \
                                  f"{backend} ({words!r}): {SPEC[op].doc!r}"
    return what


def _run(backend, f, *arrays, **kwargs):
    """``f`` on ``arrays`` moved to ``backend`` (jax with x64), the result as NumPy."""
    with backend_context(backend):
        return to_numpy(f(*(to_backend(backend, a) for a in arrays), **kwargs))


def _compiled(backend, f, *arrays):
    """``f`` traced by jax.jit / tf.function on ``arrays``, the result as NumPy."""
    with backend_context(backend):
        args = [to_backend(backend, a) for a in arrays]
        if backend == "jax":
            import jax
            return to_numpy(jax.jit(f)(*args))
        import tensorflow as tf
        return to_numpy(tf.function(f)(*args))


def _same(out, expected):
    """Same dtype, shape, values, NaN where NaN and the sign of zeros (of every number: a
    NaN's sign bit is the platform's, IEEE 754 gives it no meaning, and x86's invalid
    operations make it negative)."""
    out, expected = np.asarray(out), np.asarray(expected)
    assert out.dtype == expected.dtype, (out.dtype, expected.dtype)
    np.testing.assert_array_equal(out, expected)
    if expected.dtype.kind == "f" or expected.dtype == ml_dtypes.bfloat16:
        wide = expected.astype(np.float64)
        number = ~np.isnan(wide)
        np.testing.assert_array_equal(np.signbit(out.astype(np.float64)[number]),
                                      np.signbit(wide[number]))


def _documents(op: str, *words: str):
    """The spec entry of ``op`` names the difference that a test pins."""
    doc = SPEC[op].doc
    for w in words:
        assert w in doc, f"spec entry {op!r}: its doc should say {w!r}: {doc!r}"


# -- 1. take out of range ---------------------------------------------------------------------

_X = np.array([10.0, 20.0, 30.0], np.float32)
#: what jax.numpy.take's default mode='fill' puts at an out-of-range index
_JAX_FILL = {"float32": np.nan, "int32": np.iinfo(np.int32).min,
             "uint8": np.iinfo(np.uint8).max, "bool": True}


@pytest.mark.parametrize("index", [3, 100, -4])
@pytest.mark.parametrize("dtype", sorted(_JAX_FILL))
def test_take_out_of_range(backend, dtype, index):
    x = np.array([1, 0, 1], dtype) if dtype != "float32" else _X
    indices = np.array([0, index])
    with pytest.raises(IndexError):
        np.take(x, indices, axis=0)  # what NumPy does
    _documents("take", "IndexError", "InvalidArgumentError")
    if _difference("take", backend) == "fill":
        expected = np.array([x[0], _JAX_FILL[dtype]], dtype)
        _same(_run(backend, xnp.take, x, indices, axis=0), expected)
        return
    with pytest.raises(IndexError, match="take"):
        _run(backend, xnp.take, x, indices, axis=0)


def test_take_out_of_range_on_a_later_axis(backend):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    what = _difference("take", backend)
    if what == "fill":
        _same(_run(backend, xnp.take, x, np.array([3]), axis=1),
              np.full((2, 1), np.nan, np.float32))
        return
    if what == "value_error_on_later_axes":  # torch's index_select raises its RuntimeError
        with pytest.raises(ValueError, match="take"):
            _run(backend, xnp.take, x, np.array([3]), axis=1)
        return
    with pytest.raises(IndexError, match="take"):
        _run(backend, xnp.take, x, np.array([3]), axis=1)


def test_take_negative_indices_in_range_count_from_the_end(backend):
    indices = np.array([-1, -3, 0])
    _same(_run(backend, xnp.take, _X, indices, axis=0), np.take(_X, indices, axis=0))


@pytest.mark.parametrize("indices, axis", [(0, None), (-1, None), ([0, 5], None), (1, 1),
                                            ([[0, 2], [1, 1]], 0), ([[0, 3]], -1)])
def test_take_has_numpys_forms(backend, indices, axis):
    """A Python int or list, n-d indices, and no axis (the flattened array), as NumPy and
    keras.ops.take (torch's kernels take 1-d index tensors only)."""
    x = np.arange(12.0).reshape(3, 4)
    with backend_context(backend):
        for f in (xnp.take, ops.take):
            got = to_numpy(f(to_backend(backend, x), indices, axis=axis))
            np.testing.assert_array_equal(got, np.take(x, indices, axis=axis))


def test_take_out_of_range_compiled(cbackend):
    indices = np.array([0, 3])
    if cbackend == "jax":  # the same fill as eagerly
        _same(_compiled(cbackend, lambda x, i: xnp.take(x, i, axis=0), _X, indices),
              np.array([10.0, np.nan], np.float32))
        return
    import tensorflow as tf
    if tf.config.list_logical_devices("GPU"):
        pytest.skip("on GPU TensorFlow's gather gives 0 for out-of-range indices in a graph "
                    "(the spec's doc says so); this pins the CPU behaviour")
    with pytest.raises(tf.errors.InvalidArgumentError):
        _compiled(cbackend, lambda x, i: xnp.take(x, i, axis=0), _X, indices)


@pytest.mark.parametrize("index", [3, 5, -4])
def test_take_along_axis_out_of_range(backend, index):
    indices = np.array([index])
    with pytest.raises(IndexError):
        np.take_along_axis(_X, indices, axis=0)
    _documents("take_along_axis", "IndexError")
    what = _difference("take_along_axis", backend)
    if what == "fill":
        _same(_run(backend, xnp.take_along_axis, _X, indices, axis=0),
              np.array([np.nan], np.float32))
    elif what == "wrap":  # torch.take_along_dim wraps the index around the axis
        _same(_run(backend, xnp.take_along_axis, _X, indices, axis=0), _X[indices % 3])
    else:
        with pytest.raises(IndexError, match="take_along_axis"):
            _run(backend, xnp.take_along_axis, _X, indices, axis=0)


# -- 2. sort stability --------------------------------------------------------------------------

# long enough that the frameworks' unstable sorts (not insertion sorts) reorder equals
_KEYS = (np.arange(300) * 7 % 5).astype(np.int32)


@pytest.mark.parametrize("descending", [False, True])
def test_argsort_is_stable_by_default(backend, descending):
    _documents("argsort", "stable=True", "original order")
    expected = refs.argsort(_KEYS, descending=descending)
    out = _run(backend, xnp.argsort, _KEYS, descending=descending)
    np.testing.assert_array_equal(out, expected)
    out = _run(backend, xnp.argsort, _KEYS.reshape(60, 5).T.copy(), axis=1,
               descending=descending)
    np.testing.assert_array_equal(
        out, refs.argsort(_KEYS.reshape(60, 5).T.copy(), axis=1, descending=descending))


@pytest.mark.parametrize("how", [{"stable": True}, {"kind": "stable"}, {"kind": "mergesort"}])
def test_sort_stable_keeps_equal_floats_apart_by_sign(backend, how):
    # -0.0 == 0.0: a stable sort keeps them in their input order
    x = np.array([0.0, -0.0, 1.0, -0.0, 0.0] * 20, np.float32)
    _same(_run(backend, xnp.sort, x, **how), refs.sort(x))
    if "stable" in how:
        _same(_run(backend, xnp.sort, x, descending=True, **how),
              refs.sort(x, descending=True))


@pytest.mark.parametrize("how", [{}, {"kind": "quicksort"}, {"kind": "heapsort"},
                                 {"axis": -1}, {"stable": False}])
def test_sort_by_default_leaves_the_order_of_ties_to_the_backend(backend, how):
    # NumPy's default kind (and crossops.ops's sort, as Keras's) is an unstable sort: the
    # values are NumPy's, NaN last, and only tied zeros may come in either sign's order
    _documents("sort", "crossops.numpy's sort sorts as NumPy's default kind")
    x = np.array([0.0, -0.0, np.nan, 1.0, -0.0, -np.inf, 0.0, 3.0, 1.0] * 7, np.float32)
    expected = np.sort(x)
    out = _run(backend, xnp.sort, x, **how)
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out, expected)  # (-0.0 == 0.0 here)
    if not how:
        np.testing.assert_array_equal(_run(backend, ops.sort, x), expected)
        np.testing.assert_array_equal(_run(backend, ops.sort, x.reshape(7, 9), axis=0),
                                      np.sort(x.reshape(7, 9), axis=0))


def test_argsort_unstable_is_a_valid_sort(backend):
    # stable=False leaves the order of equal elements to the backend (the spec's doc)
    _documents("argsort", "stable=False")
    out = _run(backend, xnp.argsort, _KEYS, stable=False)
    np.testing.assert_array_equal(np.sort(out), np.arange(_KEYS.size))
    np.testing.assert_array_equal(_KEYS[out], np.sort(_KEYS))


@pytest.mark.parametrize("descending", [False, True])
def test_argsort_is_stable_compiled(cbackend, descending):
    out = _compiled(cbackend, lambda x: xnp.argsort(x, descending=descending), _KEYS)
    np.testing.assert_array_equal(out, refs.argsort(_KEYS, descending=descending))


# -- 3. NaN in max, min, argmax, sort -----------------------------------------------------------

_NAN = np.array([[3.0, np.nan, 1.0, -np.inf],
                 [np.nan, 2.0, np.nan, 0.0],
                 [5.0, -1.0, 4.0, np.inf]], np.float32)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_propagate_nan(backend, name, axis):
    _documents(name, "NaN propagates")
    _same(_run(backend, getattr(xnp, name), _NAN, axis=axis), getattr(np, name)(_NAN, axis=axis))


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_propagate_nan(backend, name):
    other = np.zeros_like(_NAN)
    _same(_run(backend, getattr(xnp, name), _NAN, other), getattr(np, name)(_NAN, other))


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_give_the_first_nan(backend, name, axis):
    out = _run(backend, getattr(xnp, name), _NAN, axis=axis)
    np.testing.assert_array_equal(out, getattr(np, name)(_NAN, axis=axis))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_puts_nan_last_ascending_first_descending(backend, dtype, descending):
    _documents("sort", "NaN sorts last")
    x = _NAN.astype(dtype)
    for axis in (0, 1):
        _same(_run(backend, xnp.sort, x, axis=axis, descending=descending),
              refs.sort(x, axis=axis, descending=descending))
        np.testing.assert_array_equal(
            _run(backend, xnp.argsort, x, axis=axis, descending=descending),
            refs.argsort(x, axis=axis, descending=descending))


def test_nan_compiled(cbackend):
    _same(_compiled(cbackend, lambda x: xnp.max(x, axis=1), _NAN), np.max(_NAN, axis=1))
    _same(_compiled(cbackend, lambda x: xnp.min(x), _NAN), np.min(_NAN))
    _same(_compiled(cbackend, lambda x: xnp.sort(x, axis=0), _NAN), refs.sort(_NAN, axis=0))


# -- 4. round half to even ----------------------------------------------------------------------

_HALVES = np.concatenate([np.arange(-4.5, 5.0, 0.5), [0.49999997, 1000.5, 1001.5]])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
def test_round_half_to_even(backend, dtype):
    _documents("round", "halves to even")
    np_dt = ml_dtypes.bfloat16 if dtype == "bfloat16" else np.dtype(dtype)
    x = _HALVES.astype(np_dt)
    expected = np.round(x.astype(np.float64)).astype(np_dt)  # exact: halves and integers
    _same(_run(backend, xnp.round, x), expected)


def test_round_half_to_even_compiled(cbackend):
    x = _HALVES.astype(np.float32)
    _same(_compiled(cbackend, xnp.round, x), np.round(x))



@pytest.mark.parametrize("name", ["round", "ceil", "floor", "trunc"])
def test_rounding_bool_as_numpy(backend, name):
    """torch has no bool rounding kernels and jax no bool round: NumPy's dtypes everywhere
    (round gives float16, the others bool)."""
    x = np.array([True, False])
    _same(_run(backend, getattr(xnp, name), x), getattr(np, name)(x))


def test_cholesky_of_a_matrix_that_is_not_positive_definite_raises(backend):
    """NumPy raises LinAlgError (a ValueError); jax and TensorFlow's CPU kernel give NaN and
    torch raises its own RuntimeError: eagerly, ValueError everywhere."""
    a = np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)
    with pytest.raises(ValueError, match="linalg.cholesky"):
        _run(backend, xnp.linalg.cholesky, a)
    np.testing.assert_allclose(_run(backend, xnp.linalg.cholesky, a @ a.T),
                               np.linalg.cholesky(a @ a.T), rtol=1e-5)

# -- 5. integer division by zero ----------------------------------------------------------------

_DIVIDEND = [7, -7, 0, 1]


def _int_by_zero(dtype):
    x1 = np.array([abs(v) if dtype.startswith("u") else v for v in _DIVIDEND], dtype)
    return x1, np.zeros_like(x1)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8"])
@pytest.mark.parametrize("name", ["floor_divide", "remainder", "mod"])
def test_integer_division_by_zero(backend, name, dtype):
    x1, x2 = _int_by_zero(dtype)
    with np.errstate(divide="ignore"):
        expected = getattr(np, name)(x1, x2)  # NumPy: 0, with a RuntimeWarning
    op = "floor_divide" if name == "floor_divide" else "remainder"  # mod is remainder
    _documents(op, "gives 0")
    if _difference(op, backend) == "raise":
        with pytest.raises(ValueError, match="ZeroDivisionError"):
            _run(backend, getattr(xnp, name), x1, x2)
        return
    with np.errstate(divide="ignore"):
        _same(_run(backend, getattr(xnp, name), x1, x2), expected)


@pytest.mark.parametrize("name", ["floor_divide", "remainder"])
def test_float_division_by_zero(backend, name):
    x1 = np.array([1.0, -1.0, 0.0, np.inf], np.float32)
    x2 = np.zeros_like(x1)
    with np.errstate(all="ignore"):
        expected = getattr(refs, name, getattr(np, name))(x1, x2)
        _same(_run(backend, getattr(xnp, name), x1, x2), expected)


def test_integer_division_by_zero_compiled(cbackend):
    x1, x2 = _int_by_zero("int32")
    with np.errstate(divide="ignore"):
        _same(_compiled(cbackend, xnp.floor_divide, x1, x2), np.floor_divide(x1, x2))
        _same(_compiled(cbackend, xnp.remainder, x1, x2), np.remainder(x1, x2))


# -- 6. the sign of mod -------------------------------------------------------------------------

_M1 = [7, -7, 7, -7, 6, -6, 6, -6]
_M2 = [3, 3, -3, -3, 3, 3, -3, -3]


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "float16", "float32", "float64"])
@pytest.mark.parametrize("name", ["remainder", "mod"])
def test_mod_takes_the_sign_of_the_divisor(backend, name, dtype):
    _documents("remainder", "sign of x2")
    x1, x2 = np.array(_M1, dtype), np.array(_M2, dtype)
    expected = np.remainder(x1, x2)  # zero results of floats: +0.0 or -0.0 as x2
    _same(_run(backend, getattr(xnp, name), x1, x2), expected)


@pytest.mark.parametrize("dtype", ["int32", "float32"])
def test_fmod_takes_the_sign_of_the_dividend(backend, dtype):
    x1, x2 = np.array(_M1, dtype), np.array(_M2, dtype)
    _same(_run(backend, xnp.fmod, x1, x2), np.fmod(x1, x2))


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_fmod_at_the_integer_ends(backend, dtype):
    """Every pair of the ends and small values: the most negative int is no |x| (int8
    fmod(1, -128) is 1), and a zero divisor gives 0 (NumPy's warning aside)."""
    info = np.iinfo(dtype)
    vals = np.array(sorted({info.min, info.min + 1, -5, -1, 0, 1, 3, 5, info.max - 1,
                            info.max} & set(range(info.min, info.max + 1))), dtype)
    x1, x2 = np.repeat(vals, vals.size), np.tile(vals, vals.size)
    with np.errstate(divide="ignore"):
        expected = np.fmod(x1, x2)
    _same(_run(backend, xnp.fmod, x1, x2), expected)


def test_mod_sign_compiled(cbackend):
    x1, x2 = np.array(_M1, np.float32), np.array(_M2, np.float32)
    _same(_compiled(cbackend, xnp.remainder, x1, x2), np.remainder(x1, x2))


# -- 7. clip with min > max ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int32", "uint8", "float32", "float64"])
def test_clip_min_above_max_gives_max(backend, dtype):
    _documents("clip", "min > max", "max")
    x = np.array([0, 5, 10, 2], dtype)
    _same(_run(backend, xnp.clip, x, min=7, max=3), np.clip(x, 7, 3))
    lo, hi = np.array([7, 1, 9, 3], dtype), np.array([3, 2, 4, 3], dtype)
    with backend_context(backend):
        out = to_numpy(xnp.clip(to_backend(backend, x), min=to_backend(backend, lo),
                                max=to_backend(backend, hi)))
    _same(out, np.clip(x, lo, hi))


def test_clip_nan(backend):
    x = np.array([np.nan, 5.0, -5.0], np.float32)
    _same(_run(backend, xnp.clip, x, min=1.0, max=3.0), np.clip(x, 1.0, 3.0))
    _same(_run(backend, xnp.clip, x, min=3.0, max=1.0), np.clip(x, 3.0, 1.0))


def test_clip_min_above_max_compiled(cbackend):
    x = np.array([0.0, 5.0, 10.0], np.float32)
    _same(_compiled(cbackend, lambda v: xnp.clip(v, min=7.0, max=3.0), x), np.clip(x, 7.0, 3.0))


def test_abs_of_bool_is_the_input_on_every_backend(backend):
    # NumPy's abs of a bool array is the array itself (torch has no bool kernel)
    x = np.array([True, False])
    with backend_context(backend):
        out = ops.abs(to_backend(backend, x))
    assert to_numpy(out).dtype == np.bool_
    np.testing.assert_array_equal(to_numpy(out), x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_negative_zero_scalars_keep_their_sign(backend, dtype):
    # TensorFlow's eager cache of Python scalars gives 0.0 for a -0.0 once a 0.0 has been
    # converted (they compare equal): convert both, in both orders, before each call
    x = np.array([-1.0, 0.0, 2.0], dtype)
    with backend_context(backend):
        for _ in range(2):
            xnp.full((), 0.0, dtype=dtype), xnp.full((), -0.0, dtype=dtype)
            full = to_numpy(xnp.full((3,), -0.0, dtype=dtype))
            clipped = to_numpy(xnp.clip(to_backend(backend, x), -0.0, 1.0))
            np.testing.assert_array_equal(np.signbit(full), [True] * 3)
            np.testing.assert_array_equal(np.signbit(clipped), np.signbit(np.clip(x, -0.0, 1.0)))
