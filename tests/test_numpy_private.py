"""The NumPy private API that the numpy backend reads (``backends/numpy/_private.py``):
every private function is there in the installed NumPy (an upgrade that drops one fails
here, by name, instead of slowing the backend down in silence), and each public fallback
gives what the private function gives: the same type, dtype, shape, values and errors."""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest

from crossops.backends import numpy as backend
from crossops.backends.numpy import _private as p
from crossops.backends.numpy import numpy as backend_numpy

try:
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover (another NumPy: the presence test fails)
    _multiarray = None


def _fast(name):
    """The private function ``name`` itself (its fallback where NumPy lacks it: the
    presence test fails then)."""
    return getattr(_multiarray, name, p.PUBLIC[name])


@pytest.mark.parametrize("name", sorted(p.PUBLIC))
def test_private_function_present(name):
    """Each name reads its private function, not its (slower) public fallback."""
    assert p.PRESENT[name], (f"NumPy {np.__version__} lacks numpy._core.multiarray.{name}, "
                             f"which backends/numpy/_private.py's {name} reads: it now runs "
                             f"its public fallback np.{p.PUBLIC[name].__name__} (slower); "
                             f"see that module's docstring")
    assert name not in p.missing()
    assert getattr(p, name) is _fast(name)


def test_backend_reads_the_private_module():
    """The backend's fast paths take their private functions from _private, nowhere else."""
    assert backend._count_nonzero is p.count_nonzero
    assert backend_numpy._c_einsum is p.c_einsum


def _same(a, b):
    """Equal in type, dtype, shape and bits (NaN payloads and zero signs included)."""
    assert type(a) is type(b)
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind in "fc" or a.dtype == ml_dtypes.bfloat16:
        assert a.tobytes() == b.tobytes()
    np.testing.assert_array_equal(a, b)


def _errors(f, *args, **kwargs):
    try:
        f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 (its type and message are compared)
        return type(e), str(e)
    return None


# -- count_nonzero ---------------------------------------------------------------------------

_COUNTED = {
    "0-d zero": np.array(0.0), "0-d -0.0": np.array(-0.0), "0-d nan": np.array(np.nan),
    "scalar": np.float32(2.5), "empty": np.zeros((0, 3), np.float32),
    "empty 1-d": np.zeros(0, np.int64), "bool": np.array([[True, False], [False, True]]),
    "int": np.arange(-3, 9, dtype=np.int32).reshape(3, 4),
    "float16 zeros": np.array([0.0, -0.0, np.nan, 1.0], np.float16),
    "bfloat16": np.array([0.0, -0.0, 2.0], ml_dtypes.bfloat16),
    "int bits of -0.0": np.array([-0.0, -0.0, 0.0]).view(np.int64),
    "complex": np.array([0j, 1j, complex(0, -0.0)]),
    "strided": np.arange(24.0).reshape(4, 6)[:, ::2] - 4,
    "byte-swapped": np.array([0.0, 1.0, 0.0], ">f8"), "strings": np.array(["a", ""]),
    "list": [0, 1, 2.0],
}


@pytest.mark.parametrize("x", list(_COUNTED.values()), ids=list(_COUNTED))
def test_count_nonzero_fallback_agrees(x):
    fast = _fast("count_nonzero")
    got = fast(x)
    _same(got, p.PUBLIC["count_nonzero"](x))
    a = np.asarray(x)
    # the count over every axis, as a tuple, with and without keepdims
    every = tuple(range(a.ndim))
    assert int(np.count_nonzero(a, axis=every)) == int(got)
    kept = np.count_nonzero(a, axis=every, keepdims=True)
    assert kept.shape == (1,) * a.ndim and int(kept.reshape(())) == int(got)


def test_count_nonzero_takes_the_array_alone():
    """The private function has no axis or keepdims (the backend never passes them); the
    public one reads them, an out-of-range axis raising AxisError."""
    x = np.ones((2, 3))
    for kwargs in ({"axis": 0}, {"keepdims": True}):
        with pytest.raises(TypeError):
            _fast("count_nonzero")(x, **kwargs)
    with pytest.raises(np.exceptions.AxisError):
        p.PUBLIC["count_nonzero"](x, axis=2)
    with pytest.raises(np.exceptions.AxisError):
        p.PUBLIC["count_nonzero"](x, axis=(0, -3))


# the backend's sort reads count_nonzero to take its fast path (no +0.0, no NaN)
_SORTED = {
    "float": np.array([[3.0, -1.0, 2.0], [0.5, -0.0, -7.0]], np.float32),
    "+0.0": np.array([0.0, -0.0, 1.0, -0.0]), "-0.0 only": np.array([-0.0, 2.0, -0.0]),
    "nan": np.array([np.nan, 1.0, -np.nan], np.float16), "int": np.array([[3, 1], [-2, 0]]),
    "bool": np.array([True, False, True]), "empty": np.zeros((0, 2)), "0-d": np.array(1.5),
}


@pytest.mark.parametrize("axis", [-1, 0, None, 2, -3])
@pytest.mark.parametrize("x", list(_SORTED.values()), ids=list(_SORTED))
def test_sort_fast_path_agrees(x, axis):
    """The backend's sort (fast path where count_nonzero finds no +0.0) against np.sort's
    stable sort: the same bits, or the same error (0-d, an out-of-range axis)."""
    want = _errors(np.sort, x, axis=axis, kind="stable")
    if want is not None:
        assert _errors(backend.sort, x, axis=axis) is not None
        with pytest.raises(want[0]):
            backend.sort(x, axis=axis)
        return
    _same(backend.sort(x, axis=axis), np.sort(x, axis=axis, kind="stable"))


def test_sort_leaves_its_input():
    x = np.array([2.0, -0.0, 1.0])
    before = x.copy()
    backend.sort(x)
    _same(x, before)


# -- c_einsum --------------------------------------------------------------------------------

_R = np.random.default_rng(0)
_EINSUMS = {
    "matmul": ("ij,jk->ik", _R.standard_normal((3, 4)), _R.standard_normal((4, 2))),
    "trace (0-d)": ("ii->", _R.standard_normal((3, 3)).astype(np.float32)),
    "sum (0-d)": ("ij->", np.arange(6, dtype=np.int32).reshape(2, 3)),
    "0-d operands": (",->", np.float64(2.5), np.array(-4.0)),
    "transpose": ("ij->ji", np.arange(6.0).reshape(2, 3)),
    "ellipsis": ("...ij->...ji", _R.standard_normal((2, 3, 4))),
    "outer": ("i,j->ij", np.arange(3, dtype=np.int64), np.array([True, False])),
    "empty": ("ij,jk->ik", np.zeros((0, 3)), np.ones((3, 2))),
    "empty sum": ("ij,jk->ik", np.ones((2, 0)), np.ones((0, 2))),
    "float16": ("bij,bjk->bik", _R.standard_normal((2, 3, 4)).astype(np.float16),
                _R.standard_normal((2, 4, 2)).astype(np.float16)),
    "complex": ("i,i->", np.array([1 + 2j, -1j]), np.array([0.5j, 3 + 0j])),
    "implicit": ("ij,jk", np.ones((2, 2)), np.ones((2, 2))),
    "strided": ("ij->i", np.arange(24.0).reshape(4, 6)[:, ::2]),
    "byte-swapped": ("i->", np.array([1.0, 2.0], ">f8")),
}


@pytest.mark.filterwarnings("ignore::numpy.exceptions.ComplexWarning")  # (complex, unsafe)
@pytest.mark.parametrize("kwargs", [{}, {"dtype": np.float64}, {"order": "F"},
                                    {"dtype": np.float32, "casting": "unsafe"}],
                         ids=["defaults", "dtype", "order", "casting"])
@pytest.mark.parametrize("call", list(_EINSUMS.values()), ids=list(_EINSUMS))
def test_c_einsum_fallback_agrees(call, kwargs):
    """np.einsum at optimize=False is the private c_einsum: the same result (a NumPy
    scalar for a 0-d one), or the same error (a cast that ``casting='safe'`` refuses)."""
    fast, public = _fast("c_einsum"), p.PUBLIC["c_einsum"]
    want = _errors(public, *call, **kwargs)
    assert _errors(fast, *call, **kwargs) == want
    if want is None:
        got = fast(*call, **kwargs)
        _same(got, public(*call, **kwargs))
        _same(got, public(*call, optimize=False, **kwargs))


def test_c_einsum_out_agrees():
    a, b = _EINSUMS["matmul"][1:]
    outs = [np.empty((3, 2)), np.empty((3, 2))]
    r = [f("ij,jk->ik", a, b, out=o) for f, o in zip((_fast("c_einsum"), np.einsum), outs)]
    assert r[0] is outs[0] and r[1] is outs[1]
    _same(*outs)


@pytest.mark.parametrize("call", [
    ("ij,jk->ik", np.ones((2, 3)), np.ones((4, 2))),  # a size mismatch
    ("ij->k", np.ones((2, 3))),  # an output label not in the inputs
    ("ij,jk->ik", np.ones((2, 3))),  # too few operands
    ("ii->i", np.ones((2, 3))),  # a repeated label of two sizes
    ("ij->ij", np.ones(3)),  # too many labels for the operand
], ids=["mismatch", "unknown output", "few operands", "diagonal sizes", "rank"])
def test_c_einsum_errors_agree(call):
    want = _errors(p.PUBLIC["c_einsum"], *call)
    assert want is not None and want[0] is ValueError
    assert _errors(_fast("c_einsum"), *call) == want
