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

    from crossops._backend import _traced

    def inside(x):
        with crossops.use_backend("torch"):
            return x + xnp.ones(3)

    def broken(x):
        with crossops.use_backend("torch"):
            y = x + xnp.ones(3)
            torch._dynamo.graph_break()
            seen.append(crossops.get_backend())  # eager, between the two graphs
            return y + xnp.arange(3)

    seen = []
    x = torch.zeros(3)
    torch._dynamo.reset()
    torch.testing.assert_close(torch.compile(inside, fullgraph=True, backend="eager")(x),
                               torch.ones(3))
    for _ in range(2):
        torch.testing.assert_close(torch.compile(broken, backend="eager")(x),
                                   torch.tensor([1.0, 2.0, 3.0]))
    assert seen == ["torch", "torch"]
    assert crossops.get_backend() == "numpy" and getattr(_traced, "name", None) is None
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
