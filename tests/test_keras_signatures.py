"""``crossops.ops`` has keras.ops's signatures: every name of Keras 3's keras.ops (the
vendored spec/reference/keras_signatures.tsv) with Keras's parameter names, kinds and
defaults; the calls Keras users write by keyword reach the same op."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from crossops import ops

from .backends import backend_context, to_backend, to_numpy

SIGNATURES = Path(__file__).parents[1] / "spec" / "reference" / "keras_signatures.tsv"


def _keras():
    out = []
    for line in SIGNATURES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            group, name, text = line.split("\t")
            scope: dict = {}
            exec(f"def _f{text}: pass", {}, scope)
            out.append((group, name, inspect.signature(scope["_f"])))
    return out


def _plain(sig: inspect.Signature) -> list:
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


@pytest.mark.parametrize("group,name,sig", _keras(), ids=lambda v: v if isinstance(v, str)
                         else "")
def test_keras_signature(group, name, sig):
    f = getattr(ops.image, name) if group == "image" else getattr(ops, name)
    assert _plain(inspect.signature(f)) == _plain(sig)


def test_keyword_calls_as_keras_users_write_them(backend):
    x = to_backend(backend, np.arange(6.0, dtype=np.float32).reshape(2, 3))
    np.testing.assert_allclose(to_numpy(ops.clip(x, x_min=1.0, x_max=3.0)),
                               np.clip(np.arange(6.0).reshape(2, 3), 1, 3))
    assert tuple(ops.reshape(x, newshape=(3, 2)).shape) == (3, 2)
    assert tuple(ops.tile(x, repeats=(2, 1)).shape) == (4, 3)
    np.testing.assert_allclose(to_numpy(ops.sum(x=x, axis=0)), [3.0, 5.0, 7.0])
    np.testing.assert_allclose(to_numpy(ops.add(x1=x, x2=1.0))[0], [1.0, 2.0, 3.0])


def test_where_with_condition_alone_gives_indices():
    (idx,) = ops.where(np.array([0, 2, 0, 3]))
    assert idx.tolist() == [1, 3]
    with pytest.raises(ValueError, match="both x1 and x2"):
        ops.where(np.array([True]), np.array([1]))


def test_keras_arguments_not_supported_yet_raise_by_name():
    with pytest.raises(NotImplementedError, match="ops.pinv: rcond"):
        ops.pinv(np.eye(2), rcond=1e-3)


def test_svd_without_u_and_v_gives_numpys_singular_values(backend):
    x = np.array([[3.0, 1.0], [-2.0, 4.0], [0.5, 0.0]], np.float32)
    s = ops.svd(to_backend(backend, x), compute_uv=False)
    np.testing.assert_allclose(to_numpy(s), np.linalg.svd(x, compute_uv=False), rtol=1e-5)
    u, s, vh = ops.svd(to_backend(backend, x), full_matrices=False)
    np.testing.assert_allclose(to_numpy(u) * to_numpy(s) @ to_numpy(vh), x, atol=1e-5)


def test_keras_forms_written_by_hand_match_numpy(backend):
    x = np.array([[1.5, -2.25, 7.0], [0.125, 3.0, -1.0]])
    t = to_backend(backend, x.astype(np.float32))
    for kw in ({}, {"axis": 1}, {"axis": (0, 1), "keepdims": True}, {"axis": 0, "initial": 2.0}):
        for name in ("max", "min"):
            np.testing.assert_allclose(to_numpy(getattr(ops, name)(t, **kw)),
                                       getattr(np, name)(x, **kw), err_msg=f"{name} {kw}")
    empty = to_backend(backend, np.zeros((0, 3), np.float32))
    np.testing.assert_allclose(to_numpy(ops.max(empty, axis=0, initial=-1.0)), [-1.0] * 3)
    for d in (0, 1, 2):
        np.testing.assert_allclose(to_numpy(ops.round(t, decimals=d)),
                                   np.round(x.astype(np.float32), d), rtol=1e-6)
    ints = to_backend(backend, np.array([15, 25, -35, 44], np.int32))
    assert to_numpy(ops.round(ints, decimals=-1)).tolist() == [20, 20, -40, 40]
    for kw in ({}, {"endpoint": False}, {"num": 1}, {"num": 0}):
        np.testing.assert_allclose(to_numpy(ops.linspace(to_backend(backend, np.float32(2.0)),
                                                         5.0, **{"num": 7, **kw})),
                                   np.linspace(2.0, 5.0, **{"num": 7, **kw}), rtol=1e-6)
    lo, hi = np.array([0.0, 1.0], np.float32), np.array([1.0, 3.0], np.float32)
    out, step = ops.linspace(to_backend(backend, lo), to_backend(backend, hi), 4, axis=1,
                             retstep=True)
    ref, ref_step = np.linspace(lo, hi, 4, axis=1, retstep=True)
    np.testing.assert_allclose(to_numpy(out), ref, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(step), ref_step, rtol=1e-6)


def test_examples_of_the_hand_written_keras_forms_run():
    import doctest

    import crossops._keras_special as mod
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and not result.failed


def test_squeeze_without_axis_removes_every_unit_axis(backend):
    # keras.ops.squeeze(x) and numpy.squeeze(x): axis=None, every axis of size 1
    x = np.ones((1, 2, 1), np.float32)
    with backend_context(backend):
        out = ops.squeeze(to_backend(backend, x))
    assert to_numpy(out).shape == (2,)


@pytest.mark.parametrize("axis", [1, (0, 1)])
def test_norm_axis_out_of_range_is_a_value_index_and_runtime_error(backend, axis):
    # Keras's own tests expect IndexError or RuntimeError on torch, ValueError elsewhere;
    # crossops raises one error that is all three, as NumPy's AxisError is ValueError and
    # IndexError
    x = to_backend(backend, np.ones(5, np.float32))
    with pytest.raises(IndexError, match="linalg.norm") as info:
        ops.norm(x, axis=axis)
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("index_dtype", ["int8", "int16", "uint8"])
def test_take_along_axis_takes_narrow_integer_indices(backend, index_dtype):
    # Keras's dtype tests index with every integer dtype (torch's gather takes int64 only)
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    i = np.array([[2], [0]], dtype=index_dtype)
    with backend_context(backend):
        out = ops.take_along_axis(to_backend(backend, x), to_backend(backend, i), axis=1)
    np.testing.assert_array_equal(to_numpy(out), [[2.0], [3.0]])


def test_nanargmax_of_an_all_nan_slice_is_minus_one(backend):
    """As Keras's own test (NumPy raises, which traced code cannot): -1 for a slice with no
    number, NumPy's index elsewhere."""
    x = np.array([[np.nan, np.nan], [1.0, np.nan], [2.0, 3.0]])
    t = to_backend(backend, x.astype(np.float32))
    np.testing.assert_array_equal(to_numpy(ops.nanargmax(t, axis=1)), [-1, 0, 1])
    np.testing.assert_array_equal(to_numpy(ops.nanargmin(t, axis=1)), [-1, 0, 0])
    np.testing.assert_array_equal(to_numpy(ops.nanargmax(t, axis=0)), np.nanargmax(x, axis=0))


@pytest.mark.parametrize("shape, axes", [((3,), (0, 1)), ((2, 2), (0, 0)), ((2, 2), (1, -1)),
                                         ((2, 2), (0, 1, 2))])
def test_rot90_refuses_what_numpy_refuses(backend, shape, axes):
    with pytest.raises(ValueError, match="rot90"):
        ops.rot90(to_backend(backend, np.ones(shape, np.float32)), axes=axes)
