"""``transpose``, ``permute_dims`` and ``matrix_transpose`` against NumPy at the edges, on
every backend: 0-d to 4-d arrays, axes as a tuple, a list, negative or NumPy ints, and the
axes NumPy refuses (bools, floats, repeated, out of range, too few), whose exception types
crossops gives alike on every backend.

Each backend takes the common calls by its own function (torch's ``t`` and ``mT`` from the
C front for the numbers of dimensions where they are the op, ``torch.permute``,
``lax.transpose``, ``np.transpose``) and leaves the others to the generic form: these
check that the two give NumPy's results and errors, eagerly and compiled.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops import ops
from crossops._errors import OpAxisError

from .backends import backend_context, to_backend, to_numpy

SHAPES = [(), (3,), (2, 3), (0, 3), (2, 3, 4), (1, 2, 3, 2)]

#: (axes, the exception NumPy raises or None) for a 3-d array
AXES_3D = [((0, 2, 1), None), ([2, 0, 1], None), ((-1, 0, 1), None), ((-3, -2, -1), None),
           ((np.int64(1), 0, 2), None), ((0, 1), ValueError), ((0, 1, 1), ValueError),
           ((0, 1, 3), np.exceptions.AxisError), ((0, 1, -4), np.exceptions.AxisError),
           ((True, False, 2), TypeError), ((0.0, 1, 2), TypeError), (1, ValueError),
           ((0, 1, 2, 3), ValueError)]


def _array(shape):
    return np.arange(float(np.prod(shape)), dtype=np.float32).reshape(shape)


def test_transpose_without_axes_is_numpys(backend):
    with backend_context(backend):
        for shape in SHAPES:
            x = _array(shape)
            for _ in range(2):  # (the first call fills the caches, the second the fronts)
                for f in (xnp.transpose, ops.transpose):
                    out = f(to_backend(backend, x))
                    np.testing.assert_array_equal(to_numpy(out), np.transpose(x))
                    assert tuple(out.shape) == np.transpose(x).shape


@pytest.mark.parametrize("axes,error", AXES_3D, ids=[repr(a) for a, _ in AXES_3D])
def test_transpose_of_axes_is_numpys(backend, axes, error):
    x = _array((2, 3, 4))
    with backend_context(backend):
        for f in (xnp.transpose, ops.transpose, xnp.permute_dims):
            if f is xnp.permute_dims and type(axes) is not tuple:
                continue  # (the array API's permute_dims takes a tuple)
            for _ in range(2):
                if error is None:
                    out = f(to_backend(backend, x), axes)
                    np.testing.assert_array_equal(to_numpy(out), np.transpose(x, axes))
                    continue
                with pytest.raises(error):
                    np.transpose(x, axes)
                # (crossops's OpAxisError for NumPy's AxisError: a ValueError and an
                # IndexError, as NumPy's)
                with pytest.raises(OpAxisError if error is np.exceptions.AxisError
                                   else error, match=f.__name__):
                    f(to_backend(backend, x), axes)


def test_transpose_compiled_is_numpys(jbackend):
    x = _array((2, 3, 4))
    with backend_context(jbackend):
        f = crossops.jit(lambda a: (xnp.transpose(a), xnp.transpose(a, (0, 2, 1)),
                                    xnp.transpose(a, [-1, 0, 1]), xnp.matrix_transpose(a)))
        for out, expected in zip(f(to_backend(jbackend, x)),
                                 (x.transpose(), x.transpose(0, 2, 1), x.transpose(2, 0, 1),
                                  np.matrix_transpose(x)), strict=True):
            np.testing.assert_array_equal(to_numpy(out), expected)


@pytest.mark.parametrize("f", [xnp.matrix_transpose, xnp.linalg.matrix_transpose],
                         ids=["matrix_transpose", "linalg.matrix_transpose"])
def test_matrix_transpose_is_numpys(backend, f):
    with backend_context(backend):
        for shape in SHAPES:
            x = _array(shape)
            for _ in range(2):
                if x.ndim < 2:  # (torch's mT of a 0-d tensor is itself: the op raises)
                    with pytest.raises(ValueError):
                        np.matrix_transpose(x)
                    with pytest.raises(ValueError, match="matrix_transpose"):
                        f(to_backend(backend, x))
                    continue
                out = f(to_backend(backend, x))
                np.testing.assert_array_equal(to_numpy(out), np.matrix_transpose(x))
