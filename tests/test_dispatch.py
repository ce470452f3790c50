"""Dispatch rules: backend inference, the default backend, mixed backends, bad input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import numpy as np
import pytest

import crossops
import crossops.numpy as xnp
from crossops._dispatch import TABLE

from .backends import BACKENDS, backend_context, native_types, to_backend, to_numpy


def test_native_in_native_out(backend):
    with backend_context(backend):
        x = to_backend(backend, np.arange(6, dtype=np.float32).reshape(2, 3))
        for out in (xnp.add(x, 1), xnp.add(1, x), xnp.sum(x, axis=0), xnp.reshape(x, (3, 2)),
                    xnp.matmul(x, xnp.matrix_transpose(x)), xnp.where(x > 2, x, 0.0),
                    xnp.linalg.vector_norm(x), xnp.fft.fft(x)):
            assert isinstance(out, native_types(backend)), type(out)
        np.testing.assert_allclose(to_numpy(xnp.add(x, 1)), np.arange(6).reshape(2, 3) + 1)


def test_to_numpy(backend):
    with backend_context(backend):
        x = to_backend(backend, np.array([1.5, 2.5], np.float32))
        out = crossops.to_numpy(x)
    assert type(out) is np.ndarray and out.dtype == np.float32
    np.testing.assert_array_equal(out, [1.5, 2.5])
    assert crossops.to_numpy([1, 2]).tolist() == [1, 2]


def test_array_free_calls_use_the_default_backend(backend):
    with crossops.use_backend(backend):
        assert crossops.get_backend() == backend
        for out in (xnp.zeros(3), xnp.arange(4), xnp.asarray([1.0, 2.0]), xnp.eye(2),
                    xnp.full((2,), 7), xnp.linspace(0, 1, 5)):
            assert isinstance(out, native_types(backend)), type(out)
    assert crossops.get_backend() == "numpy"


def test_use_backend_inside_torch_compile_traces_and_does_not_leak():
    """A use_backend block inside a compiled function is traced (no graph break); one
    with a graph break inside still holds on both sides of it; neither leaves the
    default changed, on this thread or another."""
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch

    from crossops import _backend
    from crossops._backend import _traced

    def inside(x):
        with crossops.use_backend("torch"):
            return x + xnp.ones(3)

    def broken(x):
        with crossops.use_backend("torch"):
            y = x + xnp.ones(3)
            torch._dynamo.graph_break()
            seen.append(crossops.get_backend())  # eager, between the two graphs
            seen.append(type(xnp.zeros(2)).__name__)  # (the C creation front)
            return y + xnp.arange(3)

    seen = []
    x = torch.zeros(3)
    torch._dynamo.reset()
    torch.testing.assert_close(torch.compile(inside, fullgraph=True, backend="eager")(x),
                               torch.ones(3))
    for _ in range(2):
        torch.testing.assert_close(torch.compile(broken, backend="eager")(x),
                                   torch.tensor([1.0, 2.0, 3.0]))
    assert seen == ["torch", "Tensor"] * 2
    assert crossops.get_backend() == "numpy" and getattr(_traced, "name", None) is None
    assert _backend._traced_blocks == [0] and type(xnp.zeros(2)) is np.ndarray
    other = []
    t = threading.Thread(target=lambda: other.append(crossops.get_backend()))
    t.start()
    t.join()
    assert other == ["numpy"]


def test_set_backend_and_contextvar_is_per_thread():
    seen = {}

    def worker():
        seen["thread"] = crossops.get_backend()

    crossops.set_backend("numpy")
    with crossops.use_backend("jax" if "jax" in BACKENDS else "numpy"):
        t = threading.Thread(target=worker)
        t.start()
        t.join()
    assert seen["thread"] == "numpy"  # a use_backend block does not leak to other threads
    try:
        crossops.set_backend(BACKENDS[-1])
        assert crossops.get_backend() == BACKENDS[-1]
    finally:
        crossops.set_backend("numpy")


def test_threads_calling_ops_at_once_on_every_backend():
    """8 threads call ops on every backend at once, while the dispatch caches are being
    filled (a fresh op of each kind for new argument types): every result is right."""
    from concurrent.futures import ThreadPoolExecutor

    from .backends import to_backend, to_numpy
    host = np.arange(12, dtype=np.float32).reshape(3, 4)
    want = {"sum": host.sum(axis=0), "add": host + host, "matmul": host @ host.T,
            "where": np.where(host > 5, host, -host), "cumsum": np.cumsum(host, axis=1)}

    def work(i):
        backend = BACKENDS[i % len(BACKENDS)]
        x = to_backend(backend, host)
        got = {"sum": xnp.sum(x, axis=0), "add": xnp.add(x, x),
               "matmul": xnp.matmul(x, xnp.matrix_transpose(x)),
               "where": xnp.where(x > 5, x, xnp.negative(x)),
               "cumsum": xnp.cumulative_sum(x, axis=1)}
        return {k: np.asarray(to_numpy(v)) for k, v in got.items()}

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(64)))
    for got in results:
        for k, v in want.items():
            np.testing.assert_array_equal(got[k], v, err_msg=k)


def test_environment_variable_sets_the_default():
    code = ("import crossops, crossops.numpy as x; "
            "print(crossops.get_backend(), type(x.zeros(1)).__module__)")
    env = {**os.environ, "CROSSOPS_BACKEND": "numpy"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["numpy", "numpy"]
    env["CROSSOPS_BACKEND"] = "nope"
    err = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert err.returncode != 0 and "valid backends are" in err.stderr


def test_unknown_backend_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'numpy', 'jax', 'torch', 'tensorflow'"):
        crossops.set_backend("mxnet")
    with pytest.raises(ValueError, match="valid backends"):
        with crossops.use_backend("cupy"):
            pass


@pytest.mark.parametrize("other", [b for b in BACKENDS if b != "numpy"])
def test_numpy_arrays_beside_another_backend_convert_to_it(other):
    """NumPy arrays are host data: beside arrays of one other backend they convert to it
    (tests/test_host_data.py has the rest)."""
    with backend_context(other):
        a = np.ones(3, np.float32)
        b = to_backend(other, a)
        for call in (lambda: xnp.add(a, b), lambda: xnp.add(b, a),
                     lambda: xnp.concat([a, b]), lambda: xnp.where(a > 0, a, b),
                     lambda: xnp.matmul(a, b)):
            out = call()
            assert isinstance(out, native_types(other)), type(out)


@pytest.mark.parametrize("pair", [(b1, b2) for b1 in BACKENDS for b2 in BACKENDS
                                  if "numpy" not in (b1, b2) and b1 < b2])
def test_mixed_backends_raise_type_error_naming_both(pair):
    b1, b2 = pair
    a = np.ones(3, np.float32)
    x, y = to_backend(b1, a), to_backend(b2, a)
    for name, call in (("add", lambda: xnp.add(x, y)), ("add", lambda: xnp.add(y, x)),
                       ("concat", lambda: xnp.concat([a, x, y])),
                       ("where", lambda: xnp.where(a > 0, x, y)),
                       ("matmul", lambda: xnp.matmul(x, y))):
        with pytest.raises(TypeError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith(name) and b1 in msg and b2 in msg, msg


def test_tracers_resolve_to_their_backend():
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp

    @jax.jit
    def f(x):
        return xnp.sum(xnp.exp(x) * 2, axis=0)

    np.testing.assert_allclose(f(jnp.ones((2, 2))), np.full(2, 2 * np.e * 2), rtol=1e-6)


def test_tf_symbolic_tensors_resolve():
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow as tf

    @tf.function
    def f(x):
        return xnp.sum(xnp.multiply(x, 3.0))

    assert float(f(tf.ones((2, 2)))) == 12.0


def test_bad_input_errors_name_the_op(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones((2, 3), np.float32))
        with pytest.raises((ValueError, IndexError, RuntimeError, TypeError)) as info:
            xnp.sum(x, axis=5)
        with pytest.raises((ValueError, RuntimeError, TypeError)):
            xnp.add(x, to_backend(backend, np.ones((4,), np.float32)))
        with pytest.raises(TypeError, match="unknown dtype"):
            xnp.zeros(2, dtype="float128")
    assert info.value is not None


def test_inputs_are_never_mutated(backend):
    with backend_context(backend):
        base = np.array([[3.0, -1.0], [2.0, 5.0]], np.float32)
        x = to_backend(backend, base)
        xnp.sort(x)
        xnp.flip(x)
        xnp.clip(x, 0, 1)
        xnp.astype(x, "int32")
        xnp.reshape(x, (4,))
        np.testing.assert_array_equal(to_numpy(x), base)
        # integer bounds beyond x's dtype (array-api-compat's NumPy clip wrote into them)
        lo_base = np.array([-1000, 0], np.int16)
        xi, lo = to_backend(backend, np.array([5, -5], np.int8)), to_backend(backend, lo_base)
        np.testing.assert_array_equal(to_numpy(xnp.clip(xi, lo, None)), [5, 0])
        np.testing.assert_array_equal(to_numpy(lo), lo_base)


def test_import_crossops_imports_no_framework_and_is_fast():
    code = ("import sys, time; t = time.perf_counter(); import crossops; "
            "dt = time.perf_counter() - t; "
            "print([m for m in ('jax', 'torch', 'tensorflow') if m in sys.modules], dt)")
    best = None
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.split("]")
        assert out[0] == "["
        best = min(best or 1e9, float(out[1]))
    assert best < 0.05, f"import crossops took {best * 1e3:.1f} ms"


def test_dispatch_cache_is_keyed_on_type(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones(3, np.float32))
        xnp.exp(x)
        assert type(x) in TABLE["exp"].cache


def _kernel(xp, x, w):
    h = xp.matmul(x, w)
    h = xp.where(h > 0, h, 0.0)
    h = h - xp.max(h, axis=-1, keepdims=True)
    e = xp.exp(h)
    return xp.reshape(e / xp.sum(e, axis=-1, keepdims=True), (-1,))


def test_jaxpr_is_the_same_as_hand_written_jax_numpy():
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp
    x, w = jnp.ones((4, 3)), jnp.ones((3, 5))
    ours = jax.make_jaxpr(lambda x, w: _kernel(xnp, x, w))(x, w)
    native = jax.make_jaxpr(lambda x, w: _kernel(jnp, x, w))(x, w)
    assert str(ours) == str(native)


def test_torch_compile_fullgraph_has_no_graph_break():
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch
    x, w = torch.randn(4, 3), torch.randn(3, 5)
    import array_api_compat.torch as reference
    compiled = torch.compile(lambda x, w: _kernel(xnp, x, w), fullgraph=True, backend="eager")
    torch.testing.assert_close(compiled(x, w), _kernel(reference, x, w))
    y = torch.randn(4, 3, dtype=torch.float64)  # a new dtype: retrace, still one graph
    torch.testing.assert_close(compiled(y, w.double()), _kernel(reference, y, w.double()))


def _conv_block(x, kernel, bias):
    import crossops.nn as nn
    y = nn.relu(nn.conv(xnp.astype(x, "float32"), kernel, padding="same") + bias)
    return nn.softmax(nn.max_pool(y, 2), axis=-1)


def test_torch_compile_of_nn_ops_has_no_graph_break_and_keeps_only_its_own_guards():
    """conv, pooling and activations trace as one graph; crossops.jit's guard filter drops
    the guards on crossops's dispatch (hundreds) but keeps those on tensors and on the
    user's values."""
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch

    from crossops._accel import skip_crossops_guards
    x, k, b = torch.randn(2, 6, 6, 3), torch.randn(3, 3, 3, 4), torch.randn(4)
    seen = []

    def recording(entries):
        keep = skip_crossops_guards(entries)
        seen.append([(e.name, kept) for e, kept in zip(entries, keep)])
        return keep

    compiled = torch.compile(_conv_block, fullgraph=True, backend="eager",
                             options={"guard_filter_fn": recording})
    torch.testing.assert_close(compiled(x, k, b), _conv_block(x, k, b))
    (names,) = seen
    kept = [n for n, keep in names if keep]
    dropped = [n for n, keep in names if not keep]
    assert len(dropped) > 100 and {"x", "kernel", "bias"} <= set(kept)  # the tensors'
    # what lies inside crossops's modules and functions is not guarded (their identity is)
    assert not any(re.search(r"(crossops\w*'\]|G\['xnp'\])[.\[]", n) for n in kept), kept

    scale = {"value": 2.0}  # a user's value the compiled function reads stays guarded
    jf = crossops.jit(lambda x: xnp.multiply(x, scale["value"]))
    torch.testing.assert_close(jf(x), x * 2)
    scale["value"] = 3.0
    torch.testing.assert_close(jf(x), x * 3)
    torch.testing.assert_close(jf(x.double()), x.double() * 3)  # a new dtype retraces


def test_where_takes_a_non_bool_condition_as_numpy_does(backend):
    cond = np.array([0, 2, -1, 0], np.int32)
    x1, x2 = np.arange(4, dtype=np.float32), np.full(4, 9.0, np.float32)
    with backend_context(backend):
        out = xnp.where(*(to_backend(backend, v) for v in (cond, x1, x2)))
    np.testing.assert_array_equal(to_numpy(out), np.where(cond, x1, x2))


# ----------------------------------------------------------------------------- dtype caches


@pytest.mark.skipif(not {"tensorflow", "torch"} <= set(BACKENDS), reason="needs torch and TF")
def test_torch_compile_traces_dtype_names_after_tensorflow_dtypes():
    # torch.compile cannot hash a tf DType: one in the dict of dtype names broke the graph
    import tensorflow as tf
    import torch

    from crossops import ops
    xnp.astype(torch.zeros(2), tf.bool)
    f = torch.compile(lambda n: ops.tril(ops.ones((n, n), dtype="bool")), fullgraph=True)
    with crossops.use_backend("torch"):
        out = f(3)
    assert out.dtype == torch.bool
    np.testing.assert_array_equal(out.numpy(), np.tril(np.ones((3, 3), bool)))


def test_python_scalars_reused_as_arrays_keep_sign_and_dtype(backend):
    """An op keeps the 0-d array it made of a Python scalar for the next call (torch and
    TensorFlow): -0.0 is not 0.0, an int scalar takes each array's dtype, and the result is
    what a fresh conversion gives."""
    with backend_context(backend):
        x = to_backend(backend, np.array([1.0, 2.0], np.float32))
        i = to_backend(backend, np.array([1, 2], np.int16))
        for _ in range(2):
            assert np.signbit(to_numpy(xnp.multiply(x, -0.0))).all()
            assert not np.signbit(to_numpy(xnp.multiply(x, 0.0))).any()
            assert to_numpy(xnp.multiply(i, 3)).dtype == np.int16
            assert to_numpy(xnp.multiply(x, 3)).dtype == np.float32
            np.testing.assert_array_equal(to_numpy(xnp.maximum(x, 1.5)), [1.5, 2.0])


def test_python_scalar_arrays_made_while_tracing_are_not_kept():
    """A scalar's array made inside inference mode (torch) or a tf.function's graph is not
    reused: a later differentiated call (torch) or an eager one (TensorFlow) still works."""
    if "torch" in BACKENDS:
        import torch
        with torch.inference_mode():
            xnp.multiply(torch.ones(2), 7.25)
        w = torch.ones(2, requires_grad=True)
        xnp.multiply(w, 7.25).sum().backward()
        assert w.grad.tolist() == [7.25, 7.25]
    if "tensorflow" in BACKENDS:
        import tensorflow as tf
        traced = tf.function(lambda v: xnp.multiply(v, 5.5))
        assert traced(tf.ones(2)).numpy().tolist() == [5.5, 5.5]
        assert xnp.multiply(tf.ones(2), 5.5).numpy().tolist() == [5.5, 5.5]


# --- the backends' fast forms of common calls (scripts/bench_dispatch.py) ------------------

def test_one_hot_gives_a_zero_row_for_ids_out_of_range(backend):
    """nn.one_hot of int32/int64 ids (one kernel or one compiled program on jax, torch and
    TensorFlow) is the comparison of the ids with arange(num_classes): a negative or too
    large id gives a zero row; float32 unless a dtype is given."""
    from crossops import nn
    with backend_context(backend):
        for ids in (np.array([0, 2, 5, -1, 3], np.int32), np.array([[1, 0], [4, -7]], np.int64),
                    np.array(2, np.int32), np.zeros(0, np.int32)):
            x = to_backend(backend, ids)
            for dtype in (None, "float16", "int32", "bool"):
                out = to_numpy(nn.one_hot(x, 4, dtype=dtype))
                want = (ids[..., None] == np.arange(4)).astype(dtype or "float32")
                assert out.dtype == want.dtype and out.shape == want.shape, (ids, dtype)
                np.testing.assert_array_equal(out, want)
            moved = to_numpy(nn.one_hot(x, 3, axis=0))  # another axis: the generic form
            np.testing.assert_array_equal(
                moved, np.moveaxis((ids[..., None] == np.arange(3)).astype("float32"), -1, 0))


def _softmax_reference(x, axis, log):
    shifted = x.astype(np.float64) - x.astype(np.float64).max(axis=axis, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted - lse if log else np.exp(shifted - lse)


@pytest.mark.parametrize("log", [False, True], ids=["softmax", "log_softmax"])
def test_softmax_of_a_row_with_nan_is_nan_and_other_rows_are_kept(backend, log):
    """A NaN anywhere in a row makes the whole row NaN (TensorFlow's eager form first asks
    one sum whether there is any NaN); rows without NaN, -inf entries too, are exact."""
    from crossops import nn
    f = nn.log_softmax if log else nn.softmax
    x = np.array([[1.0, np.nan, 2.0], [1.0, 2.0, 3.0], [-np.inf, 0.0, 1.0]], np.float32)
    clean = np.array([[1.0, 2.0, 3.0], [-np.inf, 0.0, 1.0]], np.float32)
    with backend_context(backend):
        out = to_numpy(f(to_backend(backend, x), axis=-1))
        assert out.dtype == np.float32
        assert np.isnan(out[0]).all()
        np.testing.assert_allclose(out[1:], _softmax_reference(clean, -1, log), rtol=1e-6)
        columns = to_numpy(f(to_backend(backend, x.T.copy()), axis=0))  # NaN in a column
        assert np.isnan(columns[:, 0]).all() and not np.isnan(columns[:, 1:]).any()
        np.testing.assert_allclose(to_numpy(f(to_backend(backend, clean), axis=-1)),
                                   _softmax_reference(clean, -1, log), rtol=1e-6)


def test_argmax_picks_the_first_nan_and_ignores_infinities(backend):
    """argmax/argmin: the first NaN wins, as NumPy; +inf beside -inf (whose sum is NaN, which
    TensorFlow's eager check then tests element-wise) is an ordinary maximum."""
    x = np.array([[1.0, np.nan, 3.0, np.nan], [np.inf, -np.inf, 0.0, 1.0]], np.float32)
    with backend_context(backend):
        t = to_backend(backend, x)
        np.testing.assert_array_equal(to_numpy(xnp.argmax(t, axis=-1)), [1, 0])
        np.testing.assert_array_equal(to_numpy(xnp.argmin(t, axis=-1)), [1, 1])
        assert int(to_numpy(xnp.argmax(t))) == 1
        clean = to_backend(backend, x[1:])
        np.testing.assert_array_equal(to_numpy(xnp.argmax(clean, axis=1)), [0])


def test_take_with_negative_indices_counts_from_the_end(backend):
    """take: indices in range, negative ones (torch tries index_select first, then wraps
    them), indices beside axis=None; an index past the end raises IndexError on torch."""
    x = np.arange(12.0, dtype=np.float32).reshape(3, 4)
    with backend_context(backend):
        t = to_backend(backend, x)
        for idx, axis in (([0, 2], 0), ([-1, 0], 0), ([3, -4], 1), ([1, -1], None),
                          ([2, -3, 1], -1)):
            out = xnp.take(t, to_backend(backend, np.array(idx, np.int32)), axis=axis)
            np.testing.assert_array_equal(to_numpy(out), np.take(x, idx, axis=axis))
        if backend == "torch":
            with pytest.raises(IndexError, match="take"):
                xnp.take(t, to_backend(backend, np.array([3], np.int64)), axis=0)
            with pytest.raises(IndexError, match="take"):
                xnp.take(t, to_backend(backend, np.array([-5], np.int64)), axis=1)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_var_and_std_follow_numpy_for_every_axis_and_correction(backend, dtype):
    """var and std (TensorFlow: the count and the correction in Python, four kernels for the
    zero-safe root; jax: std compiled as one program) against NumPy's."""
    x = (np.random.default_rng(3).standard_normal((4, 5)) * 10).astype(dtype)
    tol = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}[dtype]
    with backend_context(backend):
        t = to_backend(backend, x)
        for axis in (None, 0, -1, (0, 1)):
            for correction in (0, 1, 1.5):
                for keepdims in (False, True):
                    for ours, ref in ((xnp.var, np.var), (xnp.std, np.std)):
                        out = to_numpy(ours(t, axis=axis, correction=correction,
                                            keepdims=keepdims))
                        want = ref(x.astype(np.float64), axis=axis, ddof=correction,
                                   keepdims=keepdims)
                        assert out.dtype == np.dtype(dtype) and out.shape == want.shape
                        np.testing.assert_allclose(out, want, rtol=tol, atol=tol)
        flat = to_numpy(xnp.std(to_backend(backend, np.full(3, 2.0, dtype))))
        assert flat == 0 and not np.signbit(flat)


def test_clip_by_python_numbers(backend):
    """clip by int and float bounds (TensorFlow: kept bound tensors, no NaN test of a bound
    that is a number): NaN stays NaN, a bound of None leaves that side open, and a kept
    bound of -0.0 is not one of 0.0."""
    x = np.array([np.nan, -0.0, 0.0, -2.0, 0.5, 3.0, np.inf, -np.inf], np.float32)
    with backend_context(backend):
        t = to_backend(backend, x)
        for lo, hi in ((-1, 1), (0.0, None), (None, 0.5), (-0.0, 2.0), (-1.5, 2.5)):
            for _ in range(2):  # the second call reads the kept bounds
                out = to_numpy(xnp.clip(t, lo, hi))
                want = np.clip(x, lo, hi)
                assert out.dtype == np.float32
                np.testing.assert_array_equal(out, want)
        low = to_backend(backend, np.array([-1.0], np.float32))
        for _ in range(2):
            assert np.signbit(to_numpy(xnp.clip(low, -0.0, None))).all()
            assert not np.signbit(to_numpy(xnp.clip(low, 0.0, None))).any()


def test_arange_of_python_ints(backend):
    """arange of ints (jax: a unit step as none, one iota; TensorFlow: a kept kernel's
    bounds): NumPy's values, an integer dtype."""
    with backend_context(backend):
        for args in ((5,), (0,), (-3,), (3, 7), (2, 11, 3), (5, 0, -2), (7, 3)):
            out = to_numpy(xnp.arange(*args))
            np.testing.assert_array_equal(out, np.arange(*args))
            assert out.dtype.kind == "i", (args, out.dtype)
        assert to_numpy(xnp.arange(4, dtype="float16")).dtype == np.float16


def test_concatenate_and_cumsum_fast_forms_and_their_fallbacks(backend):
    """concatenate of arrays of one dtype and cumsum of float32/float64/int64 (torch and
    NumPy call their kernels straight away, jax cumsum its cumulative_sum); mixed dtypes,
    axis=None, dtype= and a bad axis take the generic forms, with their promotion and
    errors."""
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 3, 4)).astype(np.float32)
    i = np.arange(12, dtype=np.int32).reshape(3, 4)
    with backend_context(backend):
        ta, tb, ti = (to_backend(backend, v) for v in (a, b, i))
        for axis in (0, 1, -1, None):
            np.testing.assert_array_equal(to_numpy(xnp.concatenate([ta, tb], axis=axis)),
                                          np.concatenate([a, b], axis=axis))
        mixed = to_numpy(xnp.concatenate((ta, ti), axis=0))  # promoted by the generic
        assert mixed.dtype.kind == "f"
        np.testing.assert_array_equal(mixed, np.concatenate([a, i.astype(np.float32)]))
        with pytest.raises(ValueError, match="concatenate"):
            xnp.concatenate([ta, to_backend(backend, a[:2])], axis=1)
        for x in (a, a.astype(np.float64), np.arange(12, dtype=np.int64).reshape(3, 4)):
            tx = to_backend(backend, x)
            for axis in (None, 0, -1):
                out = to_numpy(xnp.cumsum(tx, axis=axis))
                assert out.dtype == x.dtype
                np.testing.assert_allclose(out, np.cumsum(x, axis=axis), rtol=1e-6)
        np.testing.assert_allclose(to_numpy(xnp.cumsum(ta, axis=0, dtype="float64")),
                                   np.cumsum(a, axis=0, dtype=np.float64), rtol=1e-12)
        with pytest.raises(ValueError, match="cumsum"):
            xnp.cumsum(ta, axis=2)


def test_ones_like_and_zeros_like_keep_or_set_the_dtype(backend):
    """ones_like/zeros_like (TensorFlow: one kernel where the dtype is x's own)."""
    x = np.arange(6, dtype=np.int16).reshape(2, 3)
    with backend_context(backend):
        t = to_backend(backend, x)
        for f, want in ((xnp.ones_like, np.ones_like), (xnp.zeros_like, np.zeros_like)):
            for dtype in (None, "int16", "float32", "bool"):
                out = to_numpy(f(t, dtype=dtype))
                ref = want(x, dtype=dtype)
                assert out.dtype == ref.dtype and out.shape == ref.shape
                np.testing.assert_array_equal(out, ref)


def _sparse_of(backend, dense: np.ndarray):
    """``dense`` as the backend's sparse array (jax BCOO, tf.SparseTensor)."""
    if backend == "jax":
        from jax.experimental import sparse
        return sparse.BCOO.fromdense(dense)
    import tensorflow as tf
    return tf.sparse.from_dense(dense)


def test_sparse_arrays_resolve_to_their_backend_and_leave_dense_calls_alone(backend):
    """A sparse array (an op of its backend's ``sparse`` chapter, or made dense) does not
    touch the caches of dense calls: a dense call after it still gets a dense result."""
    if backend not in ("jax", "tensorflow"):
        pytest.skip("sparse arrays are jax's and tensorflow's (as in keras.ops)")
    dense = np.array([[1.0, 0.0], [0.0, -2.0]], np.float32)
    with backend_context(backend):
        x = to_backend(backend, dense)
        sp = _sparse_of(backend, dense)
        cases = [(lambda a: xnp.exp(a), np.exp(dense)),
                 (lambda a: xnp.reshape(a, (4,)), dense.reshape(4)),
                 (lambda a: xnp.concatenate([a, x], axis=1), np.concatenate([dense, dense], 1)),
                 (lambda a: xnp.add(a, np.ones(2, np.float32)), dense + 1),
                 (lambda a: xnp.sum(a, axis=0), dense.sum(0))]
        for f, expected in cases:
            for a in (sp, x, sp):
                out = f(a)
                if backend_of(out) is None:
                    out = crossops.ops.convert_to_numpy(out)
                np.testing.assert_allclose(to_numpy(out), expected)
        assert isinstance(xnp.exp(x), native_types(backend))
        np.testing.assert_allclose(to_numpy(xnp.exp(x)), np.exp(dense))


def backend_of(a):
    from crossops._backend import backend_of_type, is_sparse_type
    t = type(a)
    return None if is_sparse_type(t) else backend_of_type(t)


def test_asarray_of_a_list_of_arrays_stacks_them_as_numpy(backend):
    """A (nested) list holding arrays of the default backend is stacked, as NumPy stacks a
    list of arrays (torch.asarray refuses one; crossops's torch asarray stacks it)."""
    rows = [np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32)]
    with backend_context(backend):
        arrays = [to_backend(backend, r) for r in rows]
        for obj, want in [(arrays, np.stack(rows)), ([arrays, arrays], np.stack([rows, rows])),
                          ([arrays[0], [5.0, 6.0]], np.array([[1, 2], [5, 6]], np.float32))]:
            out = xnp.asarray(obj)
            assert isinstance(out, native_types(backend))
            np.testing.assert_array_equal(to_numpy(out), want)
        with pytest.raises(ValueError):
            xnp.asarray([arrays[0], to_backend(backend, np.ones(3, np.float32))])


def test_calls_of_numbers_alone_follow_the_default_backend_each_call():
    """A call without arrays (Python numbers alone: creation) runs on the default backend
    of each call, its callable kept per backend: alternating backends, nested blocks."""
    from crossops._backend import backend_of
    order = ["torch", "numpy", "jax", "torch", "tensorflow", "numpy", "torch"]
    for name in order:
        with crossops.use_backend(name):
            assert backend_of(xnp.logspace(0, 2, 3)) == name
            assert backend_of(xnp.geomspace(1, 8, 4)) == name
            with crossops.use_backend("numpy"):
                assert backend_of(xnp.logspace(0, 2, 3)) == "numpy"
            assert backend_of(xnp.logspace(0, 2, 3)) == name
