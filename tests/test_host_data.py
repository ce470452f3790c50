"""NumPy arrays, Python lists and scalars are host data (DESIGN.md, "Dispatch rules"): in
a call with arrays of exactly one other backend they convert to it, eager and compiled
(where they become constants); arrays of two backends other than NumPy raise.
``convert_to_tensor`` takes NumPy arrays to the default backend, as Keras's does."""

from __future__ import annotations

import warnings

import ml_dtypes
import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops import ops
from crossops._backend import backend_module
from crossops._dispatch import TABLE
from crossops._dtypes import dtype_name, result_name

from .backends import (
    BACKENDS,
    OTHERS,
    assert_mixed_backends_raise,
    backend_context,
    native_types,
    to_backend,
    to_numpy,
)

PAIRS = [(b1, b2) for i, b1 in enumerate(OTHERS) for b2 in OTHERS[i + 1:]]
A = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5
B = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)


def _skip_numpy(backend):
    if backend == "numpy":
        pytest.skip("numpy: NumPy arrays are the backend's own there, nothing converts")


def _check(out, backend, expected, dtype=None):
    assert isinstance(out, native_types(backend)), type(out)
    np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6)
    if dtype is not None:
        assert dtype_name(out.dtype) == dtype


def mask_kernel(scores):
    """The kernel of issue 12, unchanged on every backend."""
    n = scores.shape[-1]
    mask = ops.tril(ops.ones((n, n), dtype="bool"))
    return ops.where(mask, scores, -1e9)


def _mask_reference(scores):
    return np.where(np.tril(np.ones(scores.shape[-2:], bool)), scores, -1e9)


# ----------------------------------------------------------------------------- eager


def test_numpy_arrays_convert_to_the_other_backend(backend):
    _skip_numpy(backend)
    with backend_context(backend):
        x = to_backend(backend, B)
        cases = [
            (lambda: xnp.add(x, A), A + B),
            (lambda: xnp.add(A, x), A + B),
            (lambda: xnp.subtract(A, x), A - B),
            (lambda: xnp.matmul(A, xnp.matrix_transpose(x)), A @ B.T),
            (lambda: ops.matmul(x, A.T), B @ A.T),
            (lambda: xnp.where(A > 0, x, A), np.where(A > 0, B, A)),
            (lambda: xnp.where(A > 0, x, -1e9), np.where(A > 0, B, -1e9)),
            (lambda: xnp.concat([A, x]), np.concatenate([A, B])),
            (lambda: xnp.stack((x, A)), np.stack([B, A])),
            (lambda: xnp.broadcast_arrays(A[:1], x)[0], np.broadcast_to(A[:1], (3, 4))),
            (lambda: ops.append(x, A), np.append(B, A)),  # x2 passed on by keyword
            (lambda: ops.append(x1=A, x2=x, axis=0), np.append(A, B, axis=0)),
            (lambda: xnp.take(x, np.array([2, 0]), axis=1), B[:, [2, 0]]),
            (lambda: ops.isin(x, A), np.isin(B, A)),
        ]
        for i, (call, expected) in enumerate(cases):
            out = call()
            assert isinstance(out, native_types(backend)), (i, type(out))
            np.testing.assert_allclose(to_numpy(out), expected, rtol=1e-6, err_msg=str(i))


# every pair (NumPy array dtype, the other backend's array dtype) promotes by the table
_PAIRS = [("float64", "float32"), ("float32", "float16"), ("float16", "bfloat16"),
          ("int8", "int32"), ("int32", "float16"), ("uint8", "int8"), ("bool", "float32"),
          ("int64", "float32"), ("uint8", "int16")]


@pytest.mark.parametrize("pair", _PAIRS, ids="-".join)
def test_promotion_follows_the_table(pair, backend):
    _skip_numpy(backend)
    supported = backend_module(backend).DTYPES
    with backend_context(backend):
        for host, own in (pair, pair[::-1]):
            if host not in supported or own not in supported:
                continue
            a = np.ones((2, 2), ml_dtypes.bfloat16 if host == "bfloat16" else host)
            x = to_backend(backend, np.ones((2, 2),
                                            ml_dtypes.bfloat16 if own == "bfloat16" else own))
            expected = result_name(host, own)
            for out in (xnp.add(a, x), xnp.add(x, a), xnp.multiply(x, a)):
                assert isinstance(out, native_types(backend))
                assert dtype_name(out.dtype) == expected, (host, own, backend)
            assert dtype_name(xnp.less(a, x).dtype) == "bool"


def test_numpy_scalars_are_strong_and_python_scalars_weak(backend):
    _skip_numpy(backend)
    with backend_context(backend):
        x = to_backend(backend, np.ones(3, np.float16))
        _check(xnp.add(x, np.float32(2)), backend, np.full(3, 3.0), "float32")
        _check(xnp.add(np.float32(2), x), backend, np.full(3, 3.0), "float32")
        _check(xnp.add(x, 2.0), backend, np.full(3, 3.0), "float16")
        i = to_backend(backend, np.ones(3, np.int8))
        _check(xnp.multiply(2, i), backend, np.full(3, 2), "int8")
        _check(xnp.add(i, np.ones(3, np.int16)), backend, np.full(3, 2), "int16")


def test_lists_and_scalars_beside_numpy_and_another_backend(backend):
    _skip_numpy(backend)
    with backend_context(backend):
        x = to_backend(backend, B)
        _check(xnp.add(x, [1.0, 2.0, 3.0, 4.0]), backend, B + [1, 2, 3, 4])
        out = xnp.where(A > 0, x, -1e9)  # a NumPy condition, a weak Python scalar
        _check(out, backend, np.where(A > 0, B, -1e9), "float32")
        out = xnp.where(A > 0, -1e9, x)
        _check(out, backend, np.where(A > 0, -1e9, B), "float32")


def test_calls_of_numpy_arrays_alone_stay_on_numpy(backend):
    """Whatever the default backend: NumPy arrays (and lists) alone are a NumPy call."""
    with backend_context(backend):
        out = xnp.add(A, [1.0, 2.0, 3.0, 4.0])
        assert type(out) is np.ndarray
        assert type(xnp.where(A > 0, A, 0.0)) is np.ndarray
        assert type(ops.tril(A)) is np.ndarray


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_arrays_of_two_backends_raise_naming_the_op_and_both(pair):
    b1, b2 = pair
    x, y = to_backend(b1, A), to_backend(b2, B)
    calls = [("add", lambda: xnp.add(x, y)), ("add", lambda: xnp.add(y, x)),
             ("matmul", lambda: xnp.matmul(x, xnp.matrix_transpose(y))),
             ("where", lambda: xnp.where(A > 0, x, y)),
             ("where", lambda: xnp.where(A > 0, y, x)),
             ("concat", lambda: xnp.concat([A, x, y])),
             ("append", lambda: ops.append(x, x2=y))]
    assert_mixed_backends_raise(calls, b1, b2)


# ----------------------------------------------------------------------------- convert_to_tensor


def test_convert_to_tensor_takes_numpy_to_the_default_backend(backend):
    with backend_context(backend):
        out = ops.convert_to_tensor(A)
        _check(out, backend, A, "float32")
        if backend == "numpy":
            assert out is A  # already an array of the default backend
        _check(ops.convert_to_tensor(A, dtype="float16"), backend, A.astype(np.float16),
               "float16")
        _check(ops.convert_to_tensor(A.astype(np.float64)), backend, A, "float64")
        _check(ops.convert_to_tensor(np.int8(3)), backend, 3, "int8")
        _check(ops.convert_to_tensor([[1, 2]], dtype="int8"), backend, [[1, 2]], "int8")
        if "bfloat16" in backend_module(backend).DTYPES:
            h = A.astype(ml_dtypes.bfloat16)
            _check(ops.convert_to_tensor(h), backend, h.astype(np.float32), "bfloat16")
        x = to_backend(backend, B)
        assert ops.convert_to_tensor(x) is x  # an array keeps its backend


def test_convert_to_tensor_after_set_backend(backend):
    try:
        crossops.set_backend(backend)
        out = ops.convert_to_tensor(A)
        assert isinstance(out, native_types(backend)), type(out)
    finally:
        crossops.set_backend("numpy")
    assert type(ops.convert_to_tensor(A)) is np.ndarray


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_convert_to_tensor_keeps_another_backends_array(pair):
    b1, b2 = pair
    x = to_backend(b1, A)
    with crossops.use_backend(b2):
        assert ops.convert_to_tensor(x) is x


# ----------------------------------------------------------------------------- the kernel


def test_mask_kernel_runs_unchanged_eager(backend):
    scores = to_backend(backend, A[None].repeat(2, axis=0).reshape(2, 3, 4)[..., :3])
    expected = _mask_reference(to_numpy(scores))
    _check(mask_kernel(scores), backend, expected, "float32")  # default backend numpy
    with backend_context(backend):  # and with the arrays' backend as the default
        _check(mask_kernel(scores), backend, expected, "float32")


def _constant_add(x):
    return ops.add(x, A)


def _constant_matmul(x):
    return ops.matmul(A.T, x)


def _constant_concat(x):
    return xnp.concat([A, x], axis=0)


KERNELS = [mask_kernel, _constant_add, _constant_matmul, _constant_concat]


def _compile(backend, f):
    """``f`` compiled by the backend's compiler, and a function counting its graphs."""
    if backend == "jax":
        import jax
        return jax.jit(f), None
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.function(f, jit_compile=True), None
    if backend == "torch":
        import torch
        graphs = []

        def counting(gm, inputs):
            graphs.append(gm)
            return gm.forward
        torch._dynamo.reset()
        return torch.compile(f, fullgraph=True, backend=counting), graphs
    pytest.skip("numpy has no compiler")


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__.strip("_"))
def test_compiled_kernels_with_numpy_data(kernel, backend):
    _skip_numpy(backend)
    x = to_backend(backend, B[:3, :3] if kernel is mask_kernel else B)
    expected = to_numpy(kernel(x))
    compiled, graphs = _compile(backend, kernel)
    for _ in range(2):  # fullgraph=True: a graph break raises; the second call reuses it
        out = compiled(x)
        _check(out, backend, expected, dtype_name(x.dtype))
    if graphs is not None:
        assert len(graphs) == 1, f"{len(graphs)} graphs"


def test_numpy_data_is_a_constant_under_jax_jit():
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    x = jnp.asarray(B)
    for kernel in KERNELS:
        jaxpr = jax.make_jaxpr(kernel)(x[:3, :3] if kernel is mask_kernel else x)
        assert len(jaxpr.jaxpr.invars) == 1, jaxpr  # the NumPy data is no argument


def test_numpy_data_is_a_constant_under_tf_function():
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow as tf
    for kernel in KERNELS:
        spec = tf.TensorSpec((3, 3) if kernel is mask_kernel else (3, 4), tf.float32)
        concrete = tf.function(kernel).get_concrete_function(spec)
        assert not concrete.captured_inputs  # a Const in the graph, nothing captured
        assert any(op.type == "Const" for op in concrete.graph.get_operations())


def test_numpy_data_is_a_constant_under_torch_compile():
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch
    graphs = []

    def counting(gm, inputs):
        graphs.append(gm)
        return gm.forward
    torch._dynamo.reset()
    compiled = torch.compile(mask_kernel, fullgraph=True, backend=counting)
    x = torch.from_numpy(B[:3, :3].copy())
    torch.testing.assert_close(compiled(x), torch.from_numpy(_mask_reference(B[:3, :3])))
    (graph,) = graphs
    placeholders = [n for n in graph.graph.nodes if n.op == "placeholder"]
    assert len(placeholders) == 1, placeholders  # the mask is made inside the graph


# ----------------------------------------------------------------------------- details


def test_torch_takes_numpy_arrays_it_cannot_share():
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch
    x = torch.ones(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch warns for a read-only array it would share
        readonly = np.broadcast_to(np.arange(4, dtype=np.float32), (4,))
        assert not readonly.flags.writeable
        torch.testing.assert_close(xnp.add(x, readonly), torch.arange(4.0) + 1)
        reversed_ = np.arange(4, dtype=np.float32)[::-1]  # a negative stride
        torch.testing.assert_close(xnp.add(reversed_, x), torch.arange(4.0).flip(0) + 1)
        bf16 = np.arange(4).astype(ml_dtypes.bfloat16)
        out = xnp.add(x.to(torch.bfloat16), bf16)
        assert out.dtype == torch.bfloat16 and out.tolist() == [1.0, 2.0, 3.0, 4.0]
    base = np.zeros(4, np.float32)
    xnp.add(x, base)
    assert not base.any()  # the input is not written to


def test_resolution_happens_once_per_combination_of_types(backend, monkeypatch):
    _skip_numpy(backend)
    import crossops._dispatch as dispatch
    with backend_context(backend):
        x = to_backend(backend, B)
        calls = [lambda: xnp.add(x, A), lambda: xnp.where(A > 0, x, 0.0),
                 lambda: ops.append(x, A), lambda: xnp.concat([A, x])]
        first = [to_numpy(c()) for c in calls]

        def refuse(*args, **kwargs):
            raise AssertionError("resolved again")
        monkeypatch.setattr(dispatch, "call_backend", refuse)
        for c, expected in zip(calls, first):
            np.testing.assert_array_equal(to_numpy(c()), expected)
    key = (type(x), np.ndarray)  # xnp.add(x, A)'s (the test's own call: not another's)
    assert key in TABLE["add"]._slow_cache or key in TABLE["add"].cache


# ----------------------------------------------------------------------------- other modules


def test_the_one_rule():
    import crossops._backend as cb
    assert cb.call_backend([np.ndarray, float, list]) == "numpy"
    assert cb.call_backend([int, list, type(None)]) is None
    assert cb.call_backend([type(np.dtype("float32"))]) == "numpy"  # a dtype decides alone
    for b in OTHERS:
        t = native_types(b)[0]
        assert cb.call_backend([np.ndarray, t, np.float32]) == b
        assert cb.call_backend([t, type(np.dtype("float32"))]) == b
        assert cb.is_host_type(np.ndarray, b) and cb.is_host_type(list, b)
        assert not cb.is_host_type(t, b) and not cb.is_host_type(type(None), b)
        assert not cb.is_host_type(type(np.dtype("float32")), b)
    assert not cb.is_host_type(np.ndarray, "numpy")
    for b1, b2 in PAIRS:
        with pytest.raises(TypeError, match=f"^myop: arrays of two backends.*{b1}.*{b2}"):
            cb.call_backend([np.ndarray, native_types(b1)[0], native_types(b2)[0]], "myop")


def test_transforms_take_numpy_arguments_to_the_other_backend(backend):
    if backend in ("numpy",):
        pytest.skip("numpy: nothing converts (and numpy does not differentiate)")
    with backend_context(backend):
        w = to_backend(backend, B)
        g = crossops.grad(lambda x, w: xnp.sum(x * w), argnums=(0, 1))(A, w)
        assert all(isinstance(v, native_types(backend)) for v in g)
        np.testing.assert_allclose(to_numpy(g[0]), B, rtol=1e-6)
        np.testing.assert_allclose(to_numpy(g[1]), A, rtol=1e-6)
        out = crossops.vmap(lambda a, b: xnp.sum(a * b))(A, w)
        _check(out, backend, (A * B).sum(axis=1))
    if len(OTHERS) > 1:
        other = next(b for b in OTHERS if b != backend)
        with pytest.raises(TypeError, match="two backends"):
            crossops.grad(lambda x, w: xnp.sum(x * w))(w, to_backend(other, A))


def test_control_flow_takes_numpy_data_to_the_other_backend(backend):
    _skip_numpy(backend)
    with backend_context(backend):
        init = to_backend(backend, np.zeros(4, np.float32))
        carry, ys = ops.scan(lambda c, x: (c + x, c), init, A)
        _check(carry, backend, A.sum(axis=0))
        _check(ys, backend, np.cumsum(A, axis=0) - A)
        out = ops.vectorized_map(lambda e: e[0] * e[1], (A, to_backend(backend, B)))
        _check(out, backend, A * B)
        out = ops.fori_loop(0, np.int32(3), lambda i, v: xnp.add(v, A[0]), init)
        _check(out, backend, 3 * A[0])


def test_metrics_take_numpy_data_to_the_other_backend(backend):
    import crossops.metrics as metrics
    _skip_numpy(backend)
    with backend_context(backend):
        m = metrics.MeanSquaredError()
        m.update_state(A, to_backend(backend, B))  # y_true NumPy, y_pred of the backend
        assert all(isinstance(v.value, native_types(backend)) for v in m.variables)
        np.testing.assert_allclose(to_numpy(m.result()), ((A - B) ** 2).mean(), rtol=1e-5)


# ----------------------------------------------------------------------------- is_tensor, lists


def test_is_tensor_counts_numpy_arrays_only_on_the_numpy_backend(backend):
    # keras.ops.is_tensor on jax, torch or tensorflow answers False for a NumPy array
    x = np.zeros(2, np.float32)
    with backend_context(backend):
        assert ops.is_tensor(to_backend(backend, x))
        assert ops.is_tensor(x) is (backend == "numpy")
        assert not ops.is_tensor([0.0]) and not ops.is_tensor(0.0)
    for other in OTHERS:  # every non-NumPy backend's arrays count, whatever the default
        with backend_context(backend):
            assert ops.is_tensor(to_backend(other, x))


def test_one_hot_and_multi_hot_take_lists(backend):
    with backend_context(backend):
        hot = ops.one_hot([0, 2, -1], 3)
        multi = ops.multi_hot([[0, 2], [1, 1]], 3)
    assert crossops._backend.backend_of(hot) == backend
    np.testing.assert_array_equal(to_numpy(hot), [[1, 0, 0], [0, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(to_numpy(multi), [[1, 0, 1], [0, 1, 0]])
