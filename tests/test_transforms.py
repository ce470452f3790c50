"""The transforms (``crossops.grad``, ``value_and_grad``, ``vjp``, ``jvp``, ``jacobian``,
``vmap``, ``jit``) on every backend, in float64, against analytic derivatives (the core ops
``stop_gradient`` and ``custom_gradient``: tests/test_core_autodiff.py)."""

from __future__ import annotations

import numpy as np
import optree
import pytest

import crossops
import crossops.numpy as xnp

from .backends import BACKENDS, DIFF, backend_context, to_backend, to_numpy


def _np(tree):
    return optree.tree_map(lambda a: np.asarray(to_numpy(a)), tree)


def _to(backend, tree):
    return optree.tree_map(lambda a: to_backend(backend, a), tree)


def close(got, want, rtol=1e-12, atol=1e-12):
    got, want = _np(got), _np(want)
    assert optree.tree_structure(got) == optree.tree_structure(want)
    for g, w in zip(optree.tree_leaves(got), optree.tree_leaves(want)):
        assert g.shape == np.shape(w)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


RNG = np.random.default_rng(0)
X = RNG.normal(size=(4,))
Y = RNG.normal(size=(4,))
A = RNG.normal(size=(3, 4))


# -- grad and value_and_grad -------------------------------------------------------------

def test_grad_matches_the_analytic_gradient(dbackend):
    with backend_context(dbackend):
        g = crossops.grad(lambda x: xnp.sum(xnp.sin(x) * x * x))(to_backend(dbackend, X))
    assert crossops.get_backend() is not None
    close(g, np.cos(X) * X ** 2 + 2 * X * np.sin(X))


def test_grad_of_grad(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, np.float64(0.7))
        g2 = crossops.grad(crossops.grad(xnp.sin))(x)
    close(g2, -np.sin(0.7))


def _model(params, x):
    h = xnp.matmul(x, params["w"]) + params["b"][0]
    return xnp.sum(h * h), {"h": h}


PARAMS = {"w": RNG.normal(size=(4, 2)), "b": [RNG.normal(size=(2,))]}
XB = RNG.normal(size=(3, 4))


def _model_grads():
    h = XB @ PARAMS["w"] + PARAMS["b"][0]
    return {"w": XB.T @ (2 * h), "b": [np.sum(2 * h, axis=0)]}, 2 * h @ PARAMS["w"].T, h


def test_value_and_grad_of_pytrees_with_argnums_and_aux(dbackend):
    with backend_context(dbackend):
        params, x = _to(dbackend, PARAMS), to_backend(dbackend, XB)
        (value, aux), (gp, gx) = crossops.value_and_grad(_model, argnums=(0, 1),
                                                         has_aux=True)(params, x)
        g_only, aux2 = crossops.grad(_model, has_aux=True)(params, x)
    dparams, dx, h = _model_grads()
    close(value, np.sum(h * h))
    close(aux, {"h": h})
    close(gp, dparams)
    close(gx, dx)
    close(g_only, dparams)
    close(aux2, {"h": h})


def test_pytree_structures_are_the_same_on_every_backend():
    specs = {}
    for b in DIFF:
        if b not in BACKENDS:
            continue
        with backend_context(b):
            xb = to_backend(b, XB)
            out = crossops.grad(_model, argnums=(0, 1), has_aux=True)(_to(b, PARAMS), xb)
            jac = crossops.jacobian(lambda p, xb=xb: {"h": _model(p, xb)[1]["h"],
                                                      "v": [p["w"]]})(_to(b, PARAMS))
        specs[b] = (optree.tree_structure(_np(out)), optree.tree_structure(_np(jac)))
    assert len(specs) >= 2, "needs two differentiating backends"
    assert len(set(specs.values())) == 1, specs
    grads, _ = out
    assert optree.tree_structure(_np(grads[0])) == optree.tree_structure(PARAMS)


def test_grad_of_a_non_scalar_output_raises_naming_its_shape(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, X)
        with pytest.raises(ValueError, match=r"grad.*shape \(4,\)"):
            crossops.grad(xnp.sin)(x)
        with pytest.raises(ValueError, match=r"value_and_grad.*shape \(4,\)"):
            crossops.value_and_grad(xnp.sin)(x)


def test_grad_of_integer_arrays_raises(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, np.arange(3))
        with pytest.raises(TypeError, match="grad.*floating-point.*int64"):
            crossops.grad(lambda x: xnp.sum(x))(x)


def test_grad_with_bad_argnums_or_aux_raises(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, X)
        with pytest.raises(ValueError, match="argnums"):
            crossops.grad(lambda x: xnp.sum(x), argnums=1)(x)
        with pytest.raises(ValueError, match="has_aux"):
            crossops.grad(lambda x: xnp.sum(x), has_aux=True)(x)


def test_numpy_does_not_differentiate():
    x = X.copy()
    def f(x):
        return xnp.sum(x)
    for call in (lambda: crossops.grad(f)(x), lambda: crossops.value_and_grad(f)(x),
                 lambda: crossops.jacobian(f)(x), lambda: crossops.vjp(f, x),
                 lambda: crossops.jvp(f, (x,), (x,))):
        with pytest.raises(NotImplementedError, match="numpy.*jax, torch, tensorflow"):
            call()


def test_arrays_of_two_backends_raise():
    if not {"jax", "torch"} <= set(BACKENDS):
        pytest.skip("needs jax and torch")
    with pytest.raises(TypeError, match="two backends"):
        crossops.grad(lambda x, y: xnp.sum(x))(to_backend("jax", X), to_backend("torch", Y))


# -- vjp, jvp, jacobian --------------------------------------------------------------------

def _pair(x, y):
    return (x * y, xnp.sin(x))


def test_vjp_of_a_tuple_output(dbackend):
    ct = (RNG.normal(size=4), RNG.normal(size=4))
    with backend_context(dbackend):
        out, vjp_fn = crossops.vjp(_pair, to_backend(dbackend, X), to_backend(dbackend, Y))
        grads = vjp_fn(_to(dbackend, ct))
        again = vjp_fn(_to(dbackend, ct))  # a vjp function may be called again
        _, vjp2, aux = crossops.vjp(lambda x: (xnp.exp(x), {"n": x}),
                                       to_backend(dbackend, X), has_aux=True)
        (g2,) = vjp2(to_backend(dbackend, Y))
    close(out, (X * Y, np.sin(X)))
    want = (ct[0] * Y + ct[1] * np.cos(X), ct[0] * X)
    close(grads, want)
    close(again, want)
    close(aux, {"n": X})
    close(g2, Y * np.exp(X))


def test_jvp_of_a_tuple_output(dbackend):
    tx, ty = RNG.normal(size=4), RNG.normal(size=4)
    with backend_context(dbackend):
        out, t_out = crossops.jvp(_pair, (to_backend(dbackend, X), to_backend(dbackend, Y)),
                                  (to_backend(dbackend, tx), to_backend(dbackend, ty)))
        out2, t2, aux = crossops.jvp(lambda p: (xnp.sum(p["a"] ** 2), p["a"]),
                                     ({"a": to_backend(dbackend, X)},),
                                     ({"a": to_backend(dbackend, tx)},), has_aux=True)
    close(out, (X * Y, np.sin(X)))
    close(t_out, (tx * Y + X * ty, np.cos(X) * tx))
    close(out2, np.sum(X ** 2))
    close(t2, np.sum(2 * X * tx))
    close(aux, X)


def test_jvp_checks_its_arguments(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, X)
        with pytest.raises(TypeError, match="tuples"):
            crossops.jvp(xnp.sin, x, x)
        with pytest.raises(ValueError, match="1 primals but 2 tangents"):
            crossops.jvp(xnp.sin, (x,), (x, x))


def test_jacobian(dbackend):
    with backend_context(dbackend):
        a, x, y = (to_backend(dbackend, v) for v in (A, X, Y))
        jac = crossops.jacobian(lambda x: xnp.tanh(xnp.matmul(a, x)))(x)
        jx, jy = crossops.jacobian(lambda x, y: x * y, argnums=(0, 1))(x, y)
        jd = crossops.jacobian(lambda x: {"s": xnp.sum(x), "e": [xnp.exp(x)]})(x)
    close(jac, (1 - np.tanh(A @ X) ** 2)[:, None] * A)
    close((jx, jy), (np.diag(Y), np.diag(X)))
    close(jd, {"s": np.ones(4), "e": [np.diag(np.exp(X))]})


# -- vmap ----------------------------------------------------------------------------------

def _affine(p, x):
    return {"y": xnp.matmul(p["w"], x) + p["b"], "n": xnp.sum(x * x)}


def test_vmap_with_in_axes_and_out_axes(backend):
    w, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3,))
    xs = RNG.normal(size=(4, 5))  # the batch on axis 1
    want_y = np.stack([w @ xs[:, i] + b for i in range(5)], axis=1)  # out axis 1
    want_n = np.sum(xs * xs, axis=0)
    with backend_context(backend):
        f = crossops.vmap(_affine, in_axes=(None, 1), out_axes={"y": 1, "n": 0})
        out = f(_to(backend, {"w": w, "b": b}), to_backend(backend, xs))
        # a pytree prefix: w mapped on axis 0, b unmapped
        g = crossops.vmap(lambda p: xnp.sum(p["w"]) + p["b"], in_axes=({"w": 0, "b": None},))
        out2 = g({"w": to_backend(backend, xs), "b": to_backend(backend, np.float64(2.0))})
        h = crossops.vmap(lambda x, *, k: x * k)(to_backend(backend, X), k=3.0)
    close(out, {"y": want_y, "n": want_n})
    close(out2, np.sum(xs, axis=1) + 2.0)
    close(h, 3.0 * X)


def test_vmap_of_grad(dbackend):
    xs = RNG.normal(size=(5, 3))
    with backend_context(dbackend):
        g = crossops.vmap(crossops.grad(lambda x: xnp.sum(xnp.sin(x) ** 2)))(
            to_backend(dbackend, xs))
    close(g, 2 * np.sin(xs) * np.cos(xs))


def test_vmap_errors(backend):
    with backend_context(backend):
        x, y = to_backend(backend, np.ones((3, 2))), to_backend(backend, np.ones((4, 2)))
        with pytest.raises(ValueError, match="sizes"):
            crossops.vmap(lambda a, b: a + b[:3])(x, y)
        with pytest.raises(ValueError, match="in_axes"):
            crossops.vmap(lambda a: a, in_axes=(0, 0))(x)


# -- jit -----------------------------------------------------------------------------------

def test_jit_matches_eager_and_caches_its_trace(backend):
    traces = []

    def f(x, n):
        traces.append(1)
        return xnp.sum(xnp.exp(x) * n) + xnp.max(x)

    with backend_context(backend):
        jf = crossops.jit(f, static_argnums=1)
        x4, x5 = to_backend(backend, X), to_backend(backend, RNG.normal(size=5))
        first = jf(x4, 2)
        n_first = len(traces)
        second = jf(x4 * 1.0, 2)
        n_second = len(traces)
        other = jf(x5, 2)
        assert jf.__name__ == "f"
    close(first, np.sum(np.exp(X) * 2) + np.max(X))
    close(second, first)
    close(other, np.sum(np.exp(to_numpy(x5)) * 2) + np.max(to_numpy(x5)))
    if backend == "numpy":
        assert (n_first, n_second) == (1, 2)  # runs as it is
    elif backend in ("jax", "tensorflow"):
        assert n_first == 1 and n_second == 1, "the same signature must not trace again"
        assert len(traces) == 2, "a new shape traces once more"
    if backend != "numpy":
        assert list(jf.compiled) == [backend]


def test_jit_on_tensorflow_falls_back_where_xla_cannot_compile():
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow as tf

    # XLA has no kernel for AsString
    jf = crossops.jit(lambda x: xnp.sqrt(tf.strings.to_number(tf.strings.as_string(x))))
    x = tf.constant([3.0, 1.0, 3.0, 2.0])
    close(jf(x), np.sqrt([3.0, 1.0, 3.0, 2.0]), rtol=1e-6)
    compiled = jf.compiled["tensorflow"]
    assert list(compiled.choice.values()) == [compiled.graph]
    assert not compiled.all_xla  # keyed from then on
    close(jf(x[:3]), np.sqrt([3.0, 1.0, 3.0]), rtol=1e-6)  # a new signature: refused too
    assert list(compiled.choice.values()) == [compiled.graph] * 2
    assert compiled.graph.experimental_get_tracing_count() == 2
    jg = crossops.jit(lambda x: xnp.sin(x) * 2)
    for _ in range(2):  # XLA compiles it: each call goes straight to the XLA function
        close(jg(x), 2 * np.sin([3.0, 1.0, 3.0, 2.0]), rtol=1e-6)
    compiled = jg.compiled["tensorflow"]
    assert compiled.all_xla and not compiled.choice
    assert compiled.xla.experimental_get_tracing_count() == 1
    assert compiled.graph.experimental_get_tracing_count() == 0


def test_jit_on_tensorflow_error_of_a_compiled_signature_raises():
    """An XLA error at run time for a signature XLA compiled before is the function's own:
    it raises, and no graph is tried for it."""
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow as tf

    jf = crossops.jit(lambda x: x * 2)
    x = tf.constant([1.0, 2.0])
    close(jf(x), np.array([2.0, 4.0]))
    compiled = jf.compiled["tensorflow"]

    class RaisingAtRunTime:  # the XLA function, its signature traced (no new trace)
        def experimental_get_tracing_count(self):
            return 1

        def __call__(self, *args, **kwargs):
            raise tf.errors.InvalidArgumentError(None, None, "at run time")

    compiled.xla = RaisingAtRunTime()
    with pytest.raises(tf.errors.InvalidArgumentError, match="at run time"):
        jf(x)
    assert compiled.all_xla and not compiled.choice
    assert compiled.graph.experimental_get_tracing_count() == 0


def _softmax_ref(x, log):
    """NumPy's (log-)softmax over the last axis, as jax.nn's: NaN rows for a NaN, for +inf
    and for an all -inf row."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = x - x.max(-1, keepdims=True)
        e = np.exp(z)
        return z - np.log(e.sum(-1, keepdims=True)) if log else e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_jit_on_tensorflow_softmax_nan_rows_from_xla(dtype):
    """Under crossops.jit's XLA, TensorFlow's Softmax kernels give the NaN rows themselves:
    the traced graph has no NaN check of its own; a graph without XLA keeps it."""
    if "tensorflow" not in BACKENDS:
        pytest.skip("tensorflow is not installed")
    import tensorflow as tf

    import crossops.nn as nn
    inf, nan = np.inf, np.nan
    x = np.array([[1.0, 2.0, 3.0], [nan, 1.0, 2.0], [-inf, 1.0, 2.0], [-inf, -inf, -inf],
                  [inf, 1.0, 2.0], [inf, -inf, 0.0], [nan, nan, nan], [0.0, 0.0, 0.0],
                  [3e4, -3e4, 0.0]], dtype)
    for op, log in ((nn.softmax, False), (nn.log_softmax, True)):
        jf = crossops.jit(op)
        got = to_numpy(jf(tf.constant(x)))
        assert got.dtype == x.dtype
        want = _softmax_ref(x.astype(np.float64), log)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=op.__name__)
        close(got, want.astype(dtype), rtol=1e-3 if dtype == "float16" else 1e-6, atol=1e-6)
        xla = jf.compiled["tensorflow"].xla.get_concrete_function(tf.constant(x))
        assert "IsNan" not in {o.type for o in xla.graph.get_operations()}
    graph = tf.function(nn.softmax).get_concrete_function(tf.constant(x))
    assert "IsNan" in {o.type for o in graph.graph.get_operations()}


def test_jit_of_grad(dbackend):
    with backend_context(dbackend):
        x = to_backend(dbackend, X)
        g = crossops.jit(crossops.grad(lambda x: xnp.sum(x ** 3)))(x)
        # transforms of transforms keep their own state
        g2 = crossops.jit(crossops.grad(crossops.jit(lambda x: xnp.sum(x ** 3))))(x)
    close(g, 3 * X ** 2)
    close(g2, 3 * X ** 2)
