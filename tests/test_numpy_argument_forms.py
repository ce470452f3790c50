"""NumPy 2's argument forms at the edges, given to crossops.numpy (issue 12: the same values
and dtypes as NumPy on every backend, or NumPy's exception type): Python numbers on
either side of ``ldexp``; arrays where a sequence is expected (``lexsort``'s keys,
``select``'s lists, ``tile``'s reps, ``roll``'s shift); arrays where a dtype is expected
(``can_cast``, ``issubdtype``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp

from .backends import backend_context, flush_to_zero, name_of, to_backend, to_numpy

# the cases at the limits overflow as NumPy's own do, with the same RuntimeWarning
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

X32 = np.array([1.0, -2.5, 3.0], np.float32)
I32 = np.array([1, -2, 3], np.int32)
B = np.array([True, False, True])


def _numpy(call):
    """NumPy's result of ``call(np, lambda a: a)``, or the exception type it raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(call(np, lambda a: a)), None
    except (TypeError, ValueError, OverflowError, np.exceptions.AxisError) as e:
        return None, type(e)


def _compare(backend, call):
    """``call(module, move)`` with crossops.numpy on ``backend`` (``move`` turns NumPy
    arrays into the backend's) against NumPy: the value and dtype, or NumPy's exception
    type (or a subclass of it)."""
    want, error = _numpy(call)
    if error is not None and issubclass(error, np.exceptions.AxisError):
        error = IndexError  # (crossops's OpAxisError is a ValueError and an IndexError, as
        # NumPy's AxisError)
    with backend_context(backend):
        if error is not None:
            with pytest.raises(error):
                call(xnp, lambda a: to_backend(backend, a))
            return
        got = to_numpy(call(xnp, lambda a: to_backend(backend, a)))
    got = np.asarray(got)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert name_of(got.dtype) == name_of(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


# -- ldexp with Python numbers ---------------------------------------------------------------

LDEXP = {
    # NumPy's loops are ei, fi, di (and el, fl, dl): a Python float mantissa computes in
    # float64, a Python int in float16 beside integer exponents, in float64 beside bool
    # ones or an exponent beyond int32; a Python bool in float16
    "float mantissa": lambda m, t: m.ldexp(2.0, t(I32)),
    "int mantissa": lambda m, t: m.ldexp(3, t(I32)),
    "negative int mantissa": lambda m, t: m.ldexp(-1, t(np.array([0, 15, -3], np.int8))),
    "int mantissa beyond float16": lambda m, t: m.ldexp(70000, t(I32)),
    "int mantissa, bool exponents": lambda m, t: m.ldexp(2, t(B)),
    "bool mantissa": lambda m, t: m.ldexp(True, t(I32)),
    "bool mantissa, bool exponents": lambda m, t: m.ldexp(True, t(B)),
    "int exponent": lambda m, t: m.ldexp(t(X32), 2),
    "negative int exponent": lambda m, t: m.ldexp(t(X32.astype(np.float16)), -3),
    "bool exponent": lambda m, t: m.ldexp(t(X32), True),
    "int8 array, int exponent": lambda m, t: m.ldexp(t(np.array([1, 2], np.int8)), 2),
    "int16 array, int exponent": lambda m, t: m.ldexp(t(np.array([1, 2], np.int16)), 2),
    "float and int": lambda m, t: m.ldexp(2.0, 3),
    "int and int": lambda m, t: m.ldexp(2, 3),
    "int and bool": lambda m, t: m.ldexp(2, True),
    "bool and int": lambda m, t: m.ldexp(True, 3),
    "int and int beyond int32": lambda m, t: m.ldexp(2, 2**40),
    "bool array, int beyond int32": lambda m, t: m.ldexp(t(B), 2**40),
    # refused as NumPy refuses them
    "float exponent": lambda m, t: m.ldexp(t(X32), 2.0),
    "float array exponents": lambda m, t: m.ldexp(t(X32), t(X32)),
    "uint64 exponents": lambda m, t: m.ldexp(t(X32), t(np.array([1, 2, 3], np.uint64))),
    "exponent beyond int32": lambda m, t: m.ldexp(t(X32), 2**40),
    "exponent below int32": lambda m, t: m.ldexp(t(X32), -2**31 - 1),
}


@pytest.mark.parametrize("case", sorted(LDEXP))
def test_ldexp_with_python_numbers_as_numpy(backend, case):
    _compare(backend, LDEXP[case])


@pytest.mark.parametrize("case", ["float mantissa", "int mantissa", "int exponent",
                                  "bool mantissa"])
def test_ldexp_with_python_numbers_compiled(backend, case):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    want = np.asarray(LDEXP[case](np, lambda a: a))
    array = X32 if case == "int exponent" else I32
    with backend_context(backend):
        step = crossops.jit(lambda a: LDEXP[case](xnp, lambda _: a))
        got = to_numpy(step(to_backend(backend, array)))
    assert name_of(got.dtype) == name_of(want.dtype)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dt", ["float16", "float32", "float64"])
def test_ldexp_beyond_the_range_of_exponents_as_numpy(backend, dt):
    """Exponents far beyond the dtype's range (zeros stay zeros, no NaN from 0 * inf), and
    results below the normal numbers rounded once (float16 and float32 compute wider)."""
    fi = np.finfo(dt)
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.5, 1.493, float(fi.max),
                  float(fi.tiny), float(fi.smallest_subnormal) * 3], dt)
    for e in (-24, -130, -1075, 40, 300, 5000, 2**31 - 1, -2**31):
        for exponent in (e, np.full(x.shape, e, np.int64)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = np.ldexp(x, exponent)
            with backend_context(backend):
                got = to_numpy(xnp.ldexp(to_backend(backend, x), to_backend(backend, exponent)))
            assert name_of(got.dtype) == dt
            if backend in ("jax", "tensorflow"):  # (subnormals flushed to zero on CPU)
                got, want = flush_to_zero(got), flush_to_zero(want)
                if dt != "float16":
                    x_ok = (flush_to_zero(x) == x) | np.isnan(x)  # subnormal x flushed
                    got, want = got[x_ok], want[x_ok]
            np.testing.assert_array_equal(got, want, err_msg=f"{dt} 2**{e}")


# -- ldexp of float64 below the normal numbers ------------------------------------------------

_M = np.array([0.5, -0.75, 0.7500000000000001, 1 - 2**-53, 1.5, 0.0, -0.0, np.inf, -np.inf,
               np.nan, 5e-324, 3 * 5e-324, 8.36034687e-314, -7.50557126e-314,
               2.2250738585072014e-308, 2.0**-990 * 1.2345678901234567, 1.7976931348623157e308])
_E = np.array([-1140, -1075, -1074, -1073, -1060, -1030, -1022, -60, -8, -5, -1, 0, 3, 26,
               1023, 1030, 2100, -2200, 3000], np.int32)


def _ldexp_edges():
    """Every mantissa of _M with every exponent of _E, and NumPy's bits of each."""
    m, e = np.meshgrid(_M, _E, indexing="ij")
    return m.ravel(), e.ravel()


def _same_bits(backend, got, m, e):
    """Bit for bit NumPy's; on TensorFlow and XLA, which flush subnormal inputs and results
    on CPU, NumPy's of the flushed inputs, flushed, also passes (and zero where that is the
    smallest normal number: they flush a product that is subnormal before it rounds up)."""
    def same(want):
        return (got.view(np.int64) == want.view(np.int64)) | (np.isnan(got) & np.isnan(want))

    ok = same(np.ldexp(m, e))
    if backend in ("jax", "tensorflow"):
        flushed = flush_to_zero(np.ldexp(flush_to_zero(m), e))
        ok |= same(flushed) | ((np.abs(flushed) == np.finfo(np.float64).tiny) & (got == 0))
    assert got.dtype == np.float64 and ok.all(), (m[~ok], e[~ok], got[~ok])


def test_ldexp_float64_rounds_once_as_numpy(backend):
    m, e = _ldexp_edges()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with backend_context(backend):
            got = to_numpy(xnp.ldexp(to_backend(backend, m), to_backend(backend, e)))
            one = to_numpy(xnp.ldexp(to_backend(backend, _M), -1074))
    _same_bits(backend, got, m, e)
    _same_bits(backend, one, _M, np.full(_M.shape, -1074))


def test_ldexp_float64_rounds_once_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    m, e = _ldexp_edges()
    with backend_context(backend):
        got = to_numpy(crossops.jit(xnp.ldexp)(to_backend(backend, m), to_backend(backend, e)))
    _same_bits(backend, got, m, e)


# -- lexsort's keys and select's lists as arrays ---------------------------------------------

K1 = np.array([3, 1, 2, 1])
K2 = np.array([0, 5, 1, 4])
LEXSORT = {
    "one 1-d array (0-d keys)": lambda m, t: m.lexsort(t(K1)),
    "one 1-d bool array": lambda m, t: m.lexsort(t(B)),
    "1-d array, axis 0": lambda m, t: m.lexsort(t(K1), axis=0),
    "1-d array, axis 1": lambda m, t: m.lexsort(t(K1), axis=1),
    "tuple of 1-d arrays": lambda m, t: m.lexsort((t(K1), t(K2))),
    "list of 1-d arrays": lambda m, t: m.lexsort([t(K1), t(K2)]),
    "2-d array": lambda m, t: m.lexsort(t(np.stack([K1, K2]))),
    "tuple of 0-d arrays": lambda m, t: m.lexsort((t(np.array(3)), t(np.array(1)))),
    "one 0-d array": lambda m, t: m.lexsort(t(np.array(3))),
    "empty 1-d array": lambda m, t: m.lexsort(t(np.zeros(0))),
    "no keys": lambda m, t: m.lexsort(()),
    "keys of no elements": lambda m, t: m.lexsort(t(np.zeros((2, 0)))),
}


@pytest.mark.parametrize("case", sorted(LEXSORT))
def test_lexsort_keys_as_numpy(backend, case):
    _compare(backend, LEXSORT[case])


C = np.array([[True, False, False], [False, True, False]])
CH = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
SELECT = {
    "arrays": lambda m, t: m.select(t(C), t(CH), default=-1),
    "array conditions, list of choices": lambda m, t: m.select(t(C), [t(CH[0]), t(CH[1])]),
    "list of conditions, array choices": lambda m, t: m.select([t(C[0]), t(C[1])], t(CH)),
    "1-d arrays (0-d entries)": lambda m, t: m.select(t(C[1]), t(CH[1])),
    "array default": lambda m, t: m.select(t(C), t(CH), t(np.array([7, 8, 9], np.int8))),
    "int conditions": lambda m, t: m.select(t(C.astype(np.int8)), t(CH)),
    "lengths differ": lambda m, t: m.select(t(C), t(CH[:1])),
    "no conditions": lambda m, t: m.select(t(np.zeros((0, 3), bool)), t(np.zeros((0, 3)))),
}


@pytest.mark.parametrize("case", sorted(SELECT))
def test_select_with_arrays_as_numpy(backend, case):
    _compare(backend, SELECT[case])


def test_select_with_arrays_compiled(backend):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    want = np.select(C, CH, default=-1)
    with backend_context(backend):
        got = to_numpy(crossops.jit(lambda c, v: xnp.select(c, v, default=-1))(
            to_backend(backend, C), to_backend(backend, CH)))
        mixed = to_numpy(crossops.jit(lambda c, v: xnp.select(c, [v[0], v[1]]))(
            to_backend(backend, C), to_backend(backend, CH)))
    assert name_of(got.dtype) == name_of(want.dtype)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(mixed, np.select(C, [CH[0], CH[1]]))


def test_select_with_arrays_of_unknown_length_under_tf_function():
    """A tf.function input of unknown leading size has no rows to iterate: a ValueError that
    says what would work (a known size is covered by test_select_with_arrays_compiled)."""
    tf = pytest.importorskip("tensorflow")
    f = tf.function(lambda c, v: xnp.select(c, v), input_signature=[
        tf.TensorSpec([None, 3], tf.bool), tf.TensorSpec([2, 3], tf.int32)])
    with pytest.raises(ValueError, match="unknown .symbolic. leading size"):
        f(tf.constant(C), tf.constant(CH))


# -- tile's reps and roll's shift as arrays ----------------------------------------------------

TILE_ROLL = {
    "tile, 1-d reps": lambda m, t: m.tile(t(X32), t(np.array([2, 1]))),
    "tile, one rep in a 1-d array": lambda m, t: m.tile(t(X32), t(np.array([2]))),
    "tile, 0-d reps": lambda m, t: m.tile(t(CH), t(np.array(2))),
    "tile, zero reps": lambda m, t: m.tile(t(CH), t(np.array([0, 2]))),
    "roll, 0-d shift, no axis": lambda m, t: m.roll(t(CH), t(np.array(2))),
    "roll, 1-d shift of one, no axis": lambda m, t: m.roll(t(CH), t(np.array([2]))),
    "roll, 1-d shifts, no axis (summed)": lambda m, t: m.roll(t(CH), t(np.array([1, 2]))),
    "roll, 1-d shifts, one axis": lambda m, t: m.roll(t(CH), t(np.array([1, 2])), axis=0),
    "roll, 0-d shift, two axes": lambda m, t: m.roll(t(CH), t(np.array(1)), axis=(0, 1)),
    "roll, shifts per axis": lambda m, t: m.roll(t(CH), t(np.array([1, -4])), axis=(0, 1)),
    "roll, negative shift": lambda m, t: m.roll(t(CH), t(np.array(-7)), axis=1),
    "roll, shifts and axes of other lengths": lambda m, t: m.roll(
        t(CH), t(np.array([1, 2])), axis=(0, 1, 1)),
}


@pytest.mark.parametrize("case", sorted(TILE_ROLL))
def test_tile_and_roll_with_arrays_as_numpy(backend, case):
    _compare(backend, TILE_ROLL[case])


@pytest.mark.parametrize("shift", [np.array(2), np.array([2]), np.array([1, 2])])
def test_roll_with_an_array_shift_compiled(backend, shift):
    if backend == "numpy":
        pytest.skip("crossops.jit compiles nothing on numpy (the eager test covers it)")
    with backend_context(backend):
        got = to_numpy(crossops.jit(lambda a, s: xnp.roll(a, s))(
            to_backend(backend, CH), to_backend(backend, shift)))
    np.testing.assert_array_equal(got, np.roll(CH, shift))


# -- can_cast and issubdtype given arrays --------------------------------------------------------

DTYPE_CALLS = {
    "can_cast from an array": lambda m, t: m.can_cast(t(X32), np.float64),
    "can_cast from an array to a name": lambda m, t: m.can_cast(t(X32), "int32"),
    "can_cast from a 0-d array": lambda m, t: m.can_cast(t(np.array(1000)), np.int8),
    "can_cast from an int8 array": lambda m, t: m.can_cast(t(np.array([1], np.int8)),
                                                           np.int16),
    "can_cast from a scalar type": lambda m, t: m.can_cast(np.float32, np.float16),
    "can_cast from Python's int": lambda m, t: m.can_cast(int, np.int8),
    "can_cast to Python's float": lambda m, t: m.can_cast(np.float32, float),
    "can_cast to an array": lambda m, t: m.can_cast(np.float32, t(X32)),
    "can_cast between arrays": lambda m, t: m.can_cast(t(X32), t(I32)),
    "can_cast from a Python int": lambda m, t: m.can_cast(1, np.int8),
    "can_cast from a Python float": lambda m, t: m.can_cast(1.0, np.float16),
    "can_cast from a Python bool": lambda m, t: m.can_cast(True, np.int8),
    "issubdtype of an array": lambda m, t: m.issubdtype(t(X32), np.floating),
    "issubdtype of a 0-d array": lambda m, t: m.issubdtype(t(np.array(1.0)), np.floating),
    "issubdtype in an array": lambda m, t: m.issubdtype(np.float32, t(X32)),
    "issubdtype of an array's dtype": lambda m, t: m.issubdtype(t(X32).dtype, np.floating),
    "issubdtype of a NumPy scalar": lambda m, t: m.issubdtype(np.float32(1), np.floating),
    "issubdtype of Python's float": lambda m, t: m.issubdtype(float, np.floating),
    "issubdtype of a Python float": lambda m, t: m.issubdtype(1.0, np.floating),
}


@pytest.mark.parametrize("case", sorted(c for c in DTYPE_CALLS if c.startswith("can_cast")))
@pytest.mark.parametrize("casting", ["safe", "same_kind", "unsafe", "no"])
def test_can_cast_given_arrays_as_numpy(backend, case, casting):
    _compare(backend, lambda m, t: DTYPE_CALLS[case](_Casting(m, casting), t))


#: NumPy's spellings of dtypes: type codes, sized codes, byte orders, dtype objects, types
SPELLINGS = ["?", "b1", "b", "B", "h", "i", "l", "i1", "u2", "i4", "<i4", "=i8", "u8", "e",
             "f", "d", "f2", "f4", "f8", "F", "c16", "bool", "int8", "float64", np.dtype("i2"),
             np.dtype(">f4"), np.uint32, np.complex64, bool, int, float, complex]


@pytest.mark.parametrize("casting", ["same_kind", "unsafe", "no", "equiv"])
def test_can_cast_spellings_as_numpy(casting):
    """Every pair of NumPy's spellings under the castings whose rule is NumPy's."""
    for a in SPELLINGS:
        for b in SPELLINGS:
            assert xnp.can_cast(a, b, casting=casting) == np.can_cast(a, b, casting), (a, b)


def test_can_cast_spellings_safe():
    """'safe' follows crossops's table (which differs from NumPy's in places): a code asks
    what its dtype's name asks."""
    for a in SPELLINGS:
        for b in SPELLINGS:
            assert xnp.can_cast(a, b) == xnp.can_cast(np.dtype(a).name, np.dtype(b).name)
    assert xnp.can_cast("i4", "f8") and not xnp.can_cast("f8", "i4")
    assert xnp.can_cast("?", "b1") and not xnp.can_cast("i1", "?")
    with pytest.raises(TypeError):  # NumPy 2's: a Python scalar is not a dtype
        xnp.can_cast(1, "i4")
    with pytest.raises(TypeError):  # a code of a dtype crossops lacks (NumPy's str)
        xnp.can_cast("U4", "i4")


@pytest.mark.parametrize("case", sorted(c for c in DTYPE_CALLS if c.startswith("issubdtype")))
def test_issubdtype_given_arrays_as_numpy(backend, case):
    _compare(backend, DTYPE_CALLS[case])


class _Casting:
    """A namespace whose ``can_cast`` takes ``casting`` (the others as the module's)."""

    def __init__(self, module, casting):
        self._module, self._casting = module, casting

    def can_cast(self, from_, to):
        return self._module.can_cast(from_, to, casting=self._casting)
