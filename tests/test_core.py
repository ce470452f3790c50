"""The core control-flow ops (cond, switch, while_loop, fori_loop, scan, associative_scan,
map, vectorized_map) on every backend, eager and compiled (jax.jit, tf.function,
torch.compile(fullgraph=True)), against plain Python / NumPy loops; the Python-valued core
ops (shape, dtype, is_tensor, convert_to_numpy, convert_to_tensor); the errors. The array
ops (slice, scatter, cast ...) are in the conformance suite (drawers_core.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import crossops
from crossops import core

from ._chapters import chapter_tests
from .backends import backend_context, to_backend, to_numpy

MODES = ["eager", "compiled"]


def _compile(backend, fn):
    """``fn`` under the backend's compiler, or None (NumPy has none)."""
    if backend == "jax":
        import jax
        return jax.jit(fn)
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.function(fn)
    if backend == "torch":
        import torch
        torch._dynamo.reset()
        return torch.compile(fn, fullgraph=True, backend="eager")
    return None


def _run(backend, mode, fn, *arrays):
    """``fn(*arrays)`` (NumPy arrays moved to ``backend``), eager or compiled; NumPy out."""
    args = [to_backend(backend, a) for a in arrays]
    if mode == "compiled":
        compiled = _compile(backend, fn)
        if compiled is None:
            pytest.skip("numpy has no compiler")
        fn = compiled
    with backend_context(backend):
        return _to_np(fn(*args))


def _to_np(tree):
    if isinstance(tree, dict):
        return {k: _to_np(v) for k, v in tree.items()}
    if isinstance(tree, (tuple, list)):
        return type(tree)(_to_np(v) for v in tree)
    return to_numpy(tree)


_floats = hnp.arrays(np.float64, st.integers(0, 6),
                     elements=st.floats(-100, 100, allow_subnormal=False))


# ----------------------------------------------------------------------------- scan


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=4)
@given(xs=_floats.filter(len), reverse=st.booleans())
def test_scan_is_a_cumulative_sum(backend, mode, xs, reverse):

    def kernel(init, xs):
        return core.scan(lambda c, x: (c + x, c + x), init, xs, reverse=reverse)

    carry, ys = _run(backend, mode, kernel, np.zeros((), np.float32),
                     xs.astype(np.float32))
    ref = np.cumsum(xs.astype(np.float32)[::-1] if reverse else xs.astype(np.float32))
    np.testing.assert_allclose(ys, ref[::-1] if reverse else ref, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(carry, ref[-1], rtol=1e-5, atol=1e-3)
    assert ys.dtype == np.float32


@pytest.mark.parametrize("mode", MODES)
def test_scan_keeps_pytrees(backend, mode):
    a = np.arange(6, dtype=np.float32).reshape(3, 2)
    b = np.asarray([1.0, -1.0, 2.0], np.float32)

    def step(carry, x):
        total = carry["total"] + x[0] * x[1][0]
        return {"total": total, "count": carry["count"] + 1}, (total, [x[1][0]])

    def kernel(a, b):
        init = {"total": a[0] * 0, "count": b[0] * 0}
        return core.scan(step, init, (a, [b]))

    carry, ys = _run(backend, mode, kernel, a, b)
    total, expected = np.zeros(2, np.float32), []
    for k in range(3):
        total = total + a[k] * b[k]
        expected.append(total)
    assert set(carry) == {"total", "count"}
    np.testing.assert_allclose(carry["total"], total, rtol=1e-6)
    assert float(carry["count"]) == 3
    assert isinstance(ys, tuple) and isinstance(ys[1], list)
    np.testing.assert_allclose(ys[0], np.stack(expected), rtol=1e-6)
    np.testing.assert_array_equal(ys[1][0], b)


@pytest.mark.parametrize("mode", MODES)
def test_scan_with_length_only(backend, mode):

    def kernel(init):
        return core.scan(lambda c, x: (c * 2, c), init, length=4)

    carry, ys = _run(backend, mode, kernel, np.ones((), np.float32))
    assert float(carry) == 16.0
    np.testing.assert_array_equal(ys, [1.0, 2.0, 4.0, 8.0])


def test_scan_of_zero_length_gives_empty_outputs(backend):
    with backend_context(backend):
        init = to_backend(backend, np.zeros(2, np.float32))
        xs = to_backend(backend, np.zeros((0, 2), np.float32))
        carry, ys = core.scan(lambda c, x: (c + x, (c * x)[:1]), init, xs)
    assert to_numpy(ys).shape == (0, 1)
    np.testing.assert_array_equal(to_numpy(carry), [0.0, 0.0])


def test_scan_with_a_carry_that_changes_shape_or_dtype_raises(backend):
    with backend_context(backend):
        init = to_backend(backend, np.zeros(2, np.float32))
        xs = to_backend(backend, np.ones((3, 2), np.float32))
        with pytest.raises(ValueError, match="core.scan.*shape"):
            core.scan(lambda c, x: (c[:1], x), init, xs)
        with pytest.raises(ValueError, match="core.scan.*structure"):
            core.scan(lambda c, x: ((c, c), x), init, xs)
        with pytest.raises(ValueError, match="core.scan.*length"):
            core.scan(lambda c, x: (c, x), init, None)


# ----------------------------------------------------------------------------- associative_scan


def _sequential(f, elems, axis, reverse):
    """The inclusive left fold, one element at a time (NumPy)."""
    moved = np.moveaxis(elems, axis, 0)
    if reverse:
        moved = moved[::-1]
    out, acc = [], None
    for x in moved:
        acc = x if acc is None else f(acc, x)
        out.append(acc)
    out = np.stack(out) if out else moved
    return np.moveaxis(out[::-1] if reverse else out, 0, axis)


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=4)
@given(data=st.data())
def test_associative_scan_equals_a_sequential_fold(backend, mode, data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=7))
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    reverse = data.draw(st.booleans())
    x = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-50, 50)))

    def kernel(x):  # max and sum together: a pytree, and an exact integer result
        out = core.associative_scan(lambda a, b: (a[0] + b[0], [crossops.numpy.maximum(
            a[1][0], b[1][0])]), (x, [x]), reverse=reverse, axis=axis)
        return out

    total, [biggest] = _run(backend, mode, kernel, x.astype(np.int32))
    np.testing.assert_array_equal(total, _sequential(np.add, x, axis, reverse))
    np.testing.assert_array_equal(biggest, _sequential(np.maximum, x, axis, reverse))


def test_associative_scan_with_unequal_lengths_raises(backend):
    with backend_context(backend):
        a = to_backend(backend, np.ones(3, np.float32))
        b = to_backend(backend, np.ones(4, np.float32))
        with pytest.raises(ValueError, match="core.associative_scan.*length"):
            core.associative_scan(lambda x, y: (x[0] + y[0], x[1] + y[1]), (a, b))


def _odd_even(f, xs):
    """The odd/even recursion of ``jax.lax.associative_scan`` along axis 0 (NumPy), written
    from its description: it groups the values as JAX does, so a non-associative ``f``
    tells a different grouping apart."""
    n = len(xs)
    if n < 2:
        return xs
    odd = _odd_even(f, f(xs[0:-1:2], xs[1::2]))
    even = f(odd[:-1] if n % 2 == 0 else odd, xs[2::2])
    out = np.empty_like(xs)
    out[0], out[2::2], out[1::2] = xs[0], even, odd
    return out


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_associative_scan_of_a_length_unknown_when_traced(jit_compile):
    """tf.function with a None dimension along the scanned axis (issue 18: it raised
    int(None)); also with jit_compile=True, where Keras's TensorFlow backend fails. A pytree
    of an exact integer sum, a max and a non-associative float step, reverse and axis 1:
    the sum and max equal a sequential fold, the float step JAX's odd/even grouping exactly
    (as Keras, whose eager TensorFlow results these equal)."""
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(18)

    def f(a, b):
        return {"sum": a["sum"] + b["sum"], "max": [crossops.numpy.maximum(a["max"][0],
                                                                         b["max"][0])],
                "step": a["step"] * 0.5 + b["step"]}

    for n in (0, 1, 2, 3, 5, 8, 13):
        for axis, reverse in ((1, True), (0, False), (-1, False)):
            shape = [3, 4, 2]
            shape[axis] = n
            ints = rng.integers(-9, 9, shape).astype(np.int32)
            step = rng.standard_normal(shape).astype(np.float32)
            spec = [None if i == axis % 3 else s for i, s in enumerate(shape)]
            scan = tf.function(
                lambda e, axis=axis, reverse=reverse: core.associative_scan(
                    f, e, reverse=reverse, axis=axis),
                input_signature=[{"sum": tf.TensorSpec(spec, tf.int32),
                                  "max": [tf.TensorSpec(spec, tf.int32)],
                                  "step": tf.TensorSpec(spec, tf.float32)}],
                jit_compile=jit_compile)
            out = scan({"sum": ints, "max": [ints], "step": step})
            np.testing.assert_array_equal(out["sum"].numpy(),
                                          _sequential(np.add, ints, axis, reverse))
            np.testing.assert_array_equal(out["max"][0].numpy(),
                                          _sequential(np.maximum, ints, axis, reverse))
            moved = np.moveaxis(step, axis, 0)
            moved = moved[::-1] if reverse else moved
            expected = _odd_even(lambda a, b: a * np.float32(0.5) + b, moved)
            expected = np.moveaxis(expected[::-1] if reverse else expected, 0, axis)
            np.testing.assert_array_equal(out["step"].numpy(), expected)
            assert out["step"].shape == step.shape and out["sum"].dtype == tf.int32


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_associative_scan_of_an_unknown_length_differentiates(jit_compile):
    """The gradient through the loops of an unknown length: d sum(cumsum(x)) / dx[i] is
    the number of partial sums x[i] is in, n - i."""
    tf = pytest.importorskip("tensorflow")

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)],
                 jit_compile=jit_compile)
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(core.associative_scan(lambda a, b: a + b, x))
        return tape.gradient(total, x)

    for n in (1, 6, 7):
        np.testing.assert_array_equal(grad(tf.ones(n)).numpy(),
                                      np.arange(n, 0, -1, dtype=np.float32))


def test_associative_scan_of_unknown_unequal_lengths_raises():
    """Lengths unknown when traced and unequal when run: TensorFlow's InvalidArgumentError
    naming the op (its check runs with the graph)."""
    tf = pytest.importorskip("tensorflow")
    scan = tf.function(lambda a, b: core.associative_scan(
        lambda x, y: (x[0] + y[0], x[1] + y[1]), (a, b)),
        input_signature=[tf.TensorSpec([None], tf.float32)] * 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="core.associative_scan"):
        scan(tf.ones(3), tf.ones(4))


def test_scan_of_a_length_unknown_when_traced_asks_for_length():
    """core.scan with xs of a None length under tf.function and no length=: a ValueError
    saying what to give (it raised int(None))."""
    tf = pytest.importorskip("tensorflow")
    scan = tf.function(lambda xs: core.scan(lambda c, x: (c + x, c), np.float32(0), xs),
                       input_signature=[tf.TensorSpec([None], tf.float32)])
    with pytest.raises(ValueError, match="core.scan.*unknown.*length="):
        scan(tf.ones(3))


# ----------------------------------------------------------------------------- loops


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=4)
@given(n=st.integers(0, 6), limit=st.one_of(st.none(), st.integers(0, 8)))
def test_while_loop_equals_a_python_loop(backend, mode, n, limit):
    def kernel(x):
        return core.while_loop(lambda v: crossops.numpy.sum(v) < 2.0 ** n,
                               lambda v: v * 2 + 1, x, maximum_iterations=limit)

    x = np.asarray([0.5, 0.25], np.float32)
    got = _run(backend, mode, kernel, x)
    ref, k = x.copy(), 0
    while ref.sum() < 2.0 ** n and (limit is None or k < limit):
        ref, k = ref * 2 + 1, k + 1
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("mode", MODES)
def test_while_loop_unpacks_tuples_and_keeps_lists(backend, mode):
    def kernel(x):
        i = crossops.numpy.astype(x[0] * 0, "int32")
        as_tuple = core.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2), (i, x))
        as_list = core.while_loop(lambda i, v: i < 2, lambda i, v: [i + 1, v + 1], [i, x])
        return as_tuple, as_list

    (i, v), as_list = _run(backend, mode, kernel, np.asarray([1.0, 2.0], np.float32))
    assert int(i) == 3
    np.testing.assert_array_equal(v, [8.0, 16.0])
    assert isinstance(as_list, list)
    np.testing.assert_array_equal(as_list[1], [3.0, 4.0])


def test_while_loop_with_python_values_uses_the_default_backend(backend):
    with backend_context(backend):
        out = core.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i), (0, 0))
    assert all(crossops.core.is_tensor(v) for v in out)
    assert crossops._backend.backend_of(out[0]) == backend
    assert [int(to_numpy(v)) for v in out] == [4, 6]


def test_while_loop_body_that_changes_its_values_raises(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones(2, np.float32))
        with pytest.raises(ValueError, match="core.while_loop.*shape"):
            core.while_loop(lambda v: crossops.numpy.sum(v) < 10, lambda v: v[:1], x)
        with pytest.raises(TypeError, match="core.while_loop.*dtype"):
            core.while_loop(lambda v: crossops.numpy.sum(v) < 10,
                            lambda v: crossops.numpy.astype(v, "float64"), x)
        with pytest.raises(ValueError, match="core.while_loop.*2 values"):
            core.while_loop(lambda i, v: i < 3, lambda i, v: v, (0, x))


@pytest.mark.parametrize("mode", MODES)
@settings(max_examples=4)
@given(lower=st.integers(-3, 3), steps=st.integers(0, 5))
def test_fori_loop_equals_a_python_for_loop(backend, mode, lower, steps):
    upper = lower + steps

    def kernel(x):
        return core.fori_loop(lower, upper, lambda i, v: v * 2 + crossops.numpy.astype(
            i, "float32"), x)

    got = _run(backend, mode, kernel, np.asarray([1.0, -1.0], np.float32))
    ref = np.asarray([1.0, -1.0], np.float32)
    for i in range(lower, upper):
        ref = ref * 2 + i
    np.testing.assert_array_equal(got, ref)


# ----------------------------------------------------------------------------- cond and switch


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("flag", [True, False])
def test_cond_takes_the_branch_of_pred(backend, mode, flag):
    def kernel(x):
        return core.cond(crossops.numpy.sum(x) > 0, lambda: {"y": x + 1, "z": (x * 2,)},
                         lambda: {"y": x - 1, "z": (x * 3,)})

    x = np.asarray([1.0, 2.0] if flag else [-1.0, -2.0], np.float32)
    out = _run(backend, mode, kernel, x)
    np.testing.assert_array_equal(out["y"], x + 1 if flag else x - 1)
    np.testing.assert_array_equal(out["z"][0], x * 2 if flag else x * 3)


def test_cond_with_a_python_bool_runs_one_branch_in_python(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones(2, np.float32))
        assert core.cond(False, lambda: 1 / 0, lambda: x) is x


def test_cond_with_mismatched_branches_raises_where_both_are_traced(cbackend):
    def structure(x):
        return core.cond(crossops.numpy.sum(x) > 0, lambda: x, lambda: (x, x))

    def shape(x):
        return core.cond(crossops.numpy.sum(x) > 0, lambda: x, lambda: x[:1])

    x = to_backend(cbackend, np.ones(2, np.float32))
    for kernel, what in ((structure, "structure"), (shape, "shape")):
        with pytest.raises(ValueError, match=f"core.cond.*{what}"):
            _compile(cbackend, kernel)(x)


def test_cond_with_a_non_scalar_pred_raises(backend):
    with backend_context(backend):
        x = to_backend(backend, np.ones(2, np.float32))
        with pytest.raises(ValueError, match="core.cond: pred must be a scalar"):
            core.cond(x > 0, lambda: x, lambda: x)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("index", [-3, 0, 1, 2, 7])
def test_switch_clamps_the_index(backend, mode, index):
    branches = [lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x - y]

    def kernel(i, x, y):
        return core.switch(i, branches, x, y)

    x, y = np.asarray([2.0, 3.0], np.float32), np.asarray([0.5, 4.0], np.float32)
    got = _run(backend, mode, kernel, np.asarray(index, np.int32), x, y)
    np.testing.assert_array_equal(got, branches[min(max(index, 0), 2)](x, y))
    with backend_context(backend):  # a Python int index chooses in Python
        out = core.switch(index, branches, to_backend(backend, x), to_backend(backend, y))
    np.testing.assert_array_equal(to_numpy(out), branches[min(max(index, 0), 2)](x, y))


def test_switch_without_branches_raises(backend):
    with pytest.raises(ValueError, match="core.switch: branches is empty"):
        core.switch(to_backend(backend, np.asarray(0)), [])


# ----------------------------------------------------------------------------- map


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", ["map", "vectorized_map"])
def test_map_equals_a_stacked_loop(backend, mode, op):
    fn = getattr(core, op)

    def f(e):
        return {"s": crossops.numpy.sum(e[0] * e[1], axis=-1), "p": e[0] - e[1]}

    def kernel(a, b):
        return fn(f, (a, b))

    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    out = _run(backend, mode, kernel, a, b)
    np.testing.assert_allclose(out["s"], np.stack([np.sum(x * y) for x, y in zip(a, b)]),
                               rtol=1e-6)
    np.testing.assert_array_equal(out["p"], np.stack([x - y for x, y in zip(a, b)]))


# ------------------------------------------------------------------ torch.compile of array ops


def test_array_ops_compile_fullgraph_on_torch():
    torch = pytest.importorskip("torch")

    def kernel(x, idx, start):
        return (core.slice_update(x, start, x[:2] * 10),
                core.scatter(idx, x[:2], (4,)),
                core.scatter_update(x, idx, x[:2], "add"),
                core.cast(x, "int32"), core.saturate_cast(x * 100, "int8"),
                core.slice(x, start, [2]), core.unstack(x))

    x = torch.arange(4.0)
    idx, start = torch.tensor([[1], [1]]), torch.tensor([3])
    eager = kernel(x, idx, start)
    compiled = _compile("torch", kernel)(x, idx, start)
    for e, c in zip(eager, compiled):
        torch.testing.assert_close(c, e)


# ----------------------------------------------------------------------------- Python-valued ops


def test_shape_dtype_is_tensor_convert(backend):
    x = np.zeros((2, 3), np.float32)
    with backend_context(backend):
        t = to_backend(backend, x)
        assert core.shape(t) == (2, 3) and all(type(d) is int for d in core.shape(t))
        assert core.dtype(t) == "float32"
        assert core.is_tensor(t) and not core.is_tensor([1.0]) and not core.is_tensor(1.0)
        out = core.convert_to_numpy(t)
        assert type(out) is np.ndarray and out.dtype == np.float32
        assert core.convert_to_tensor(t) is t
        assert core.dtype(core.convert_to_tensor(t, dtype="float16")) == "float16"
        made = core.convert_to_tensor([[1, 2]], dtype="int8")
        assert crossops._backend.backend_of(made) == backend and core.dtype(made) == "int8"
        assert core.shape([[1, 2, 3]]) == (1, 3)


def test_shape_under_tf_function_gives_unknown_sizes_as_tensors():
    tf = pytest.importorskip("tensorflow")
    seen = []

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def f(x):
        s = core.shape(x)
        seen.append(s)
        return s[0] * s[1]

    assert int(f(tf.zeros((4, 3)))) == 12
    assert seen[0][1] == 3 and tf.is_tensor(seen[0][0])


def test_unstack_with_a_wrong_num_raises(backend):
    with pytest.raises(ValueError, match="core.unstack: num=3"):
        core.unstack(to_backend(backend, np.zeros((2, 2))), num=3)


def test_scatter_update_with_an_unknown_reduction_raises(backend):
    x = to_backend(backend, np.zeros(3, np.float32))
    idx = to_backend(backend, np.asarray([[0]]))
    with pytest.raises(ValueError, match="core.scatter_update: unknown reduction"):
        core.scatter_update(x, idx, x[:1], reduction="mean")


# -- the spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py) ------

CHAPTER = "core"
globals().update(chapter_tests(CHAPTER))
