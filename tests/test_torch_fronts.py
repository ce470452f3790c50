"""The C fronts' calls of torch's own functions (the torch backend's ``AT_OPTIONS``: an int
axis and a bool keepdims, ``torch.sum(x, axis, keepdims)``; ``torch.cat`` for a list of
tensors of one dtype and one number of dimensions), of a backend's partial function
(``Op.partials``) and torch's ``std`` of its common call: the same results (dtype, shape,
values, NaN and ties), errors and gradients as the generated Python functions, which call
the backend's own functions."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import crossops.numpy as xnp
from crossops import ops
from crossops._accel import FRONTS
from crossops._dispatch import TABLE

torch = pytest.importorskip("torch")

built = pytest.mark.skipif(
    not FRONTS, reason="crossops._fastpath is not built here: the generated Python "
    "functions dispatch every call")


def _outcome(f, *args, **kwargs):
    """("ok", dtype, shape, values as float64 NumPy, with NaN) or ("error", type, text)."""
    try:
        out = f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001  (compared below)
        return ("error", type(e), str(e))
    return ("ok", out.dtype, tuple(out.shape), out.detach().to(torch.float64).numpy()
            if not out.is_complex() else out.detach().numpy())


def _same(front, args, kwargs):
    fast = _outcome(front, *args, **kwargs)
    slow = _outcome(FRONTS[front], *args, **kwargs)  # the generated function
    assert fast[:3] == slow[:3], (front, kwargs, fast, slow)
    if fast[0] == "ok":
        np.testing.assert_array_equal(fast[3], slow[3], err_msg=f"{front} {kwargs}")


def _tensors():
    """Edge inputs: ties, NaN, -0.0, empty axes, every dtype with a kernel."""
    ties = torch.tensor([[1.0, 3.0, 3.0], [float("nan"), 2.0, float("nan")],
                         [-0.0, 0.0, -0.0]])
    out = [ties, ties.to(torch.float16), ties.to(torch.bfloat16), ties.to(torch.float64),
           torch.zeros((0, 3)), torch.zeros((2, 0)), torch.tensor(2.5)]
    ints = torch.tensor([[3, -1, 3], [0, 0, 7]])
    out += [ints.to(d) for d in (torch.int8, torch.int32, torch.int64, torch.uint8,
                                 torch.uint16, torch.uint32)]
    out += [ints > 0, torch.complex(ties.nan_to_num(), ties.nan_to_num())]
    return out


@built
@pytest.mark.parametrize("name", ["sum", "max", "min", "argmax", "argmin", "mean", "cumsum"])
def test_options_call_of_torch_agrees_with_the_generated_function(name):
    front = getattr(xnp, name)
    keep = name != "cumsum"
    for x in _tensors():
        for axis in (0, 1, -1, -2, 2, -3):
            _same(front, (x,), {"axis": axis})
            if keep:
                _same(front, (x,), {"axis": axis, "keepdims": True})
                _same(front, (x, axis), {"keepdims": False})
        if keep:  # (calls the options path does not take: the generated function's)
            _same(front, (x,), {"axis": (0,), "keepdims": True})
            _same(front, (x,), {"axis": True})


@built
def test_options_call_takes_int_or_tuple_axes_and_bool_keepdims_only(monkeypatch):
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    xnp.sum(x, axis=0)  # fills the caches
    calls: list = []
    function, *indices = TABLE["sum"].options[torch.Tensor]
    assert function[torch.float32] is torch.sum

    def spy(*args):
        calls.append(args[1:])
        return torch.sum(*args)

    monkeypatch.setitem(TABLE["sum"].options, torch.Tensor,
                        (dict.fromkeys(function, spy), *indices))
    xnp.sum(x, axis=0)
    ops.sum(x, axis=-1, keepdims=True)
    assert calls == [(0, False), (-1, True)]
    for kwargs in ({"axis": None}, {"axis": 0, "dtype": "float64"},
                   {"axis": 0, "keepdims": 1}, {"axis": ()}, {"axis": [0]},
                   {"axis": (0, 2)}, {"axis": (0, True)}):
        _outcome(xnp.sum, x, **kwargs)  # (keepdims=1: torch's TypeError, as before)
    assert len(calls) == 2  # (the cached function took those)
    xnp.sum(x, axis=(0, -1))  # (a tuple of one or more axes in range: torch.sum's)
    assert calls[2:] == [((0, -1), False)]


@built
def test_options_calls_of_alternating_keys_take_each_keys_route(monkeypatch):
    """A front keeps the last options entry it read; calls that alternate between keys
    (a tensor and a Parameter; lists of two and three tensors) each take their own key's
    route, and an entry replaced between calls is the one the next call takes."""
    t, p = torch.arange(6.0).reshape(2, 3), torch.nn.Parameter(torch.ones((2, 3)))
    calls: list = []

    def spying(tab, key, tag):
        function, *rest = tab[key]

        def spy(*args):
            calls.append(tag)
            return function(*args)
        monkeypatch.setitem(tab, key, (spy, *rest))

    xnp.flip(t, axis=0), xnp.flip(p, axis=0)  # (fills the caches)
    xnp.concatenate([t, t], axis=1), xnp.concatenate([t, t, t], axis=1)
    spying(TABLE["flip"].options, torch.Tensor, "tensor")
    spying(TABLE["flip"].options, torch.nn.Parameter, "parameter")
    spying(TABLE["concatenate"].options, (torch.Tensor,) * 2, "two")
    spying(TABLE["concatenate"].options, (torch.Tensor,) * 3, "three")
    for _ in range(2):
        assert torch.equal(xnp.flip(t, axis=0), torch.flip(t, (0,)))
        assert torch.equal(xnp.flip(p, axis=0), torch.flip(p, (0,)))
        assert torch.equal(xnp.concatenate([t, t], axis=1), torch.cat([t, t], 1))
        assert torch.equal(xnp.concatenate([t, t, t], axis=1), torch.cat([t, t, t], 1))
    assert calls == ["tensor", "parameter", "two", "three"] * 2
    calls.clear()
    spying(TABLE["flip"].options, torch.Tensor, "again")  # (replaced: a new generation)
    xnp.flip(t, axis=0), xnp.flip(t, axis=-1)
    assert calls == ["again", "tensor", "again", "tensor"]


@built
def test_options_error_is_the_ops_error():
    x = torch.ones((2, 3))
    for front, kwargs in ((xnp.sum, {"axis": 5}), (xnp.argmax, {"axis": -3}),
                          (ops.mean, {"axis": 2, "keepdims": True}),
                          (xnp.max, {"axis": 0})):
        arg = x if front is not xnp.max else torch.ones((0, 3))
        fast, slow = _outcome(front, arg, **kwargs), _outcome(FRONTS[front], arg, **kwargs)
        assert fast[0] == "error" and fast == slow, (front, fast, slow)


@built
def test_options_call_keeps_gradients():
    x = torch.tensor([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]], requires_grad=True)
    for f, native in ((lambda t: xnp.sum(t, axis=0), lambda t: torch.sum(t, 0)),
                      (lambda t: xnp.max(t, axis=1), lambda t: torch.amax(t, 1)),
                      (lambda t: xnp.mean(t, axis=-1, keepdims=True),
                       lambda t: torch.mean(t, -1, True))):
        (g,) = torch.autograd.grad(f(x).sum(), x)
        (h,) = torch.autograd.grad(native(x).sum(), x)
        assert torch.equal(g, h)


@built
def test_keras_argmax_casts_the_options_result():
    x = torch.tensor([[1.0, 3.0, 3.0], [float("nan"), 2.0, float("nan")]])
    out = ops.argmax(x, axis=-1)
    assert out.dtype == torch.int32 and out.tolist() == [1, 0]
    assert ops.argmax(x, axis=0, keepdims=True).tolist() == [[1, 0, 1]]


@built
def test_sequence_options_call_agrees_with_the_generated_function(monkeypatch):
    name = "concatenate"
    front = xnp.concatenate
    a, b = torch.ones((2, 3)), torch.arange(6.0).reshape(2, 3)
    calls: list = []
    front([a, b])  # fills the caches
    key = (torch.Tensor, torch.Tensor)
    function, *indices = TABLE[name].options[key]

    def spy(*args):
        calls.append(args[1:])
        return function(*args)

    monkeypatch.setitem(TABLE[name].options, key, (spy, *indices))
    cases = [([a, b], {}), ((a, b), {"axis": 1}), ([a, b], {"axis": -1}),
             ([a, b], {"axis": 3}), ([a, b.to(torch.int32)], {}),
             ([a, b.to(torch.float64)], {"axis": 1}), ([a, b[0]], {}), ([a, b[:1]], {}),
             # torch.cat skips an empty 1-d tensor beside others; NumPy refuses it
             ([a, torch.zeros(0)], {"axis": 0}), ([torch.zeros(0), torch.ones(2)], {}),
             ([torch.tensor(1.0), torch.tensor(2.0)], {}),
             # torch.cat checks no axis where every item is empty and 1-d
             ([torch.zeros(0)], {"axis": 7}), ([torch.zeros(0)] * 2, {"axis": -2})]
    for arrays, kwargs in cases:
        _same(front, (arrays,), kwargs)
    assert _outcome(front, [torch.zeros(0)], axis=7)[0] == "error"
    # one dtype and one number of dimensions: torch's own function, by position
    assert (0,) in calls and (1,) in calls
    calls.clear()
    front([a, b.to(torch.int32)])  # two dtypes, two numbers of dimensions: not taken
    _outcome(front, [a, torch.zeros(0)], axis=0)
    assert calls == []


@built
@pytest.mark.parametrize("front", [xnp.stack, ops.stack])
def test_sequence_alone_calls_torch_stack_by_position(monkeypatch, front):
    # stack(arrays) of tensors: AT_DEFAULTS's torch.stack(arrays), without the axis keyword
    # (ops.stack: items of one dtype only; Keras promotes the others first)
    a, b = torch.ones((2, 3)), torch.arange(6.0).reshape(2, 3)
    front([a, b])  # fills the caches
    key = (torch.Tensor, torch.Tensor)
    calls: list = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return torch.stack(*args, **kwargs)

    monkeypatch.setitem(TABLE["stack"].plain, key, spy)
    for arrays, kwargs in [([a, b], {}), ((a, b), {}), ([a, b], {"axis": 1}),
                           ([a, b.to(torch.float16)], {}), ([a, torch.ones(3)], {}),
                           ([a, torch.zeros((0, 3))], {}), ([a], {}),
                           ([torch.tensor(1.0), torch.tensor(2.0)], {})]:
        _same(front, (arrays,), kwargs)
    # every call of two tensors alone (those torch.stack raises for too), but ops.stack's
    # of two dtypes, which its Keras form takes
    assert calls == [{}] * (6 if front is xnp.stack else 5)


@built
def test_partial_function_runs_before_the_generic(monkeypatch):
    a = torch.ones((2, 3))
    xnp.cumsum(a, axis=None)  # fills the caches
    op = TABLE["cumsum"]
    cached, raw = op.partials[torch.Tensor]
    assert op.cache[torch.Tensor] is cached and cached.__wrapped__ is raw
    calls: list = []

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return raw(*args, **kwargs)

    monkeypatch.setitem(op.partials, torch.Tensor, (cached, spy))
    out = xnp.cumsum(a, axis=None)  # (axis None: not an options call)
    assert calls and out.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    calls.clear()
    # the partial function refuses (NotImplemented): the generic gives the result
    half = torch.ones(3, dtype=torch.float16)
    assert xnp.cumsum(half, axis=None).tolist() == [1.0, 2.0, 3.0]
    assert calls
    _same(xnp.cumsum, (half,), {"axis": None})
    # a cache entry replaced since: its function, not the partial one
    monkeypatch.setitem(op.cache, torch.Tensor, lambda *args, **kwargs: "replaced")
    calls.clear()
    assert xnp.cumsum(a, axis=None) == "replaced" and not calls


@built
@pytest.mark.filterwarnings("ignore:std\\(\\)")  # (torch's warning, on empty input)
@pytest.mark.filterwarnings("ignore:var\\(\\)")
def test_std_common_call_is_array_api_compats():
    x = torch.tensor([[1.0, 3.0, 3.0], [float("nan"), 2.0, -0.0]])
    y = torch.randn(5, 7, dtype=torch.float64)
    for t in (x, y, y.to(torch.float16), torch.tensor(1.5), torch.zeros((0, 2))):
        dims = tuple(range(t.ndim))
        for kwargs, expected in (
                ({}, torch.std(t, dims, correction=0)),
                ({"axis": 0}, torch.std(t, (0,), correction=0) if t.ndim else None),
                ({"axis": -1, "keepdims": True},
                 torch.std(t, (-1,), correction=0, keepdims=True) if t.ndim else None),
                ({"correction": 0}, torch.std(t, dims, correction=0))):
            if expected is None:
                continue
            out = xnp.std(t, **kwargs)
            assert out.dtype == expected.dtype and out.shape == expected.shape
            torch.testing.assert_close(out, expected, rtol=0, atol=0, equal_nan=True)
    for kwargs in ({"correction": 1}, {"axis": 0, "correction": 0.5}, {"keepdims": True}):
        a = np.asarray(xnp.std(y, **kwargs))
        ddof = kwargs.get("correction", 0)
        np.testing.assert_allclose(a, np.std(y.numpy(), axis=kwargs.get("axis"), ddof=ddof,
                                             keepdims=kwargs.get("keepdims", False)),
                                   rtol=1e-12)
    i = torch.tensor([[1, 2], [3, 5]])
    assert xnp.std(i).dtype == torch.float64  # (integers: NumPy's float64)
    # var's common call: the values of torch.var's (axis None: those of every dim)
    for t in (x, y, y.to(torch.float16), torch.tensor(1.5), torch.zeros((0, 2))):
        dims = tuple(range(t.ndim))
        assert torch.equal(_bits(xnp.var(t)), _bits(torch.var(t, dims, correction=0)))
        if t.ndim:
            assert torch.equal(_bits(xnp.var(t, axis=-1, keepdims=True)),
                               _bits(torch.var(t, (-1,), correction=0, keepdims=True)))
    assert xnp.var(i, axis=0).dtype == torch.float64 and xnp.var(i, axis=0).tolist() == [
        1.0, 2.25]


@built
def test_torch_functions_for_the_required_arguments():
    import crossops.backends.torch as tb
    v, a = torch.arange(3.0), torch.arange(6.0).reshape(2, 3)
    for name, args in (("broadcast_to", (v, (2, 3))), ("permute_dims", (a, (1, 0))),
                       ("ones_like", (a,)), ("zeros_like", (a.to(torch.int8),)),
                       ("empty_like", (a,))):
        front = getattr(xnp, name)
        front(*args)  # fills the caches
        assert TABLE[name].plain[torch.Tensor] is tb.AT_DEFAULTS[name]
        out, slow = front(*args), FRONTS[front](*args)
        assert (out.dtype, out.shape, out.stride()) == (slow.dtype, slow.shape, slow.stride())
        if name != "empty_like":
            assert torch.equal(out, slow)
    for bad in ((v, (2, 4)), (v, (3, 0))):  # torch's error, then the op's
        fast, slow = _outcome(xnp.broadcast_to, *bad), _outcome(FRONTS[xnp.broadcast_to], *bad)
        assert fast[0] == "error" and fast == slow


@built
@pytest.mark.parametrize("name", ["relu", "sigmoid", "silu", "gelu"])
def test_torch_activations_of_the_required_arguments(name):
    # nn.relu(x) ... of x alone: AT_DEFAULTS's torch function for float32/float64 (gelu:
    # F.gelu's tanh form, Keras's default approximate=True), the generated function's
    # values bit for bit at the edges; half precision and others take the op's path
    import crossops.backends.torch as tb
    import crossops.nn as cnn
    edges = torch.tensor([0.0, -0.0, 1.0, -1.0, 3.0, -12.0, -30.0, 1e-30, float("nan"),
                          float("inf"), -float("inf")])
    for front in (getattr(cnn, name), getattr(ops, name)):
        for x in (edges, edges.double(), edges.half(), edges.to(torch.bfloat16),
                  torch.tensor(-0.5), torch.zeros((0, 3)), edges.reshape(1, 11)):
            for _ in range(2):  # the first call fills the caches, the second takes the front
                out, slow = front(x), FRONTS[front](x)
                assert out.dtype == slow.dtype and out.shape == slow.shape, (name, x.dtype)
                assert torch.equal(_bits(out), _bits(slow)), (name, x.dtype)
    assert TABLE[f"nn.{name}"].plain[torch.Tensor] is tb.AT_DEFAULTS[f"nn.{name}"]


def test_torch_creation_and_casts_keep_their_results():
    import crossops.backends.torch as tb
    for f, native in ((tb.zeros, torch.zeros), (tb.ones, torch.ones), (tb.empty, torch.empty)):
        for shape in ((2, 3), 4, (), (0, 2)):
            for kwargs in ({}, {"dtype": torch.int8}, {"device": "cpu"},
                           {"dtype": torch.float64, "device": torch.device("cpu")}):
                out, expected = f(shape, **kwargs), native(shape, **kwargs)
                assert (out.dtype, out.shape, out.device) == (
                    expected.dtype, expected.shape, expected.device)
                if f is not tb.empty:
                    assert torch.equal(out, expected)
    assert torch.equal(tb.arange(5), torch.arange(5))
    assert tb.arange(5, dtype=torch.float32).dtype == torch.float32
    x = torch.tensor([[1.5, -0.0, float("nan")], [70000.0, 2.0, -3.25]])
    for dtype in ("float16", torch.bfloat16, "int32", torch.float32, "bool"):
        for copy in (True, False):
            out, expected = tb.astype(x, dtype, copy=copy), tb._astype(x, dtype, copy=copy)
            assert out.dtype == expected.dtype
            assert torch.equal(_bits(out), _bits(expected))  # (NaN and -0.0 too)
            assert (out is x) == (expected is x)


def _bits(t):
    """``t``'s bits, as integers of its itemsize."""
    return t.view({1: torch.uint8, 2: torch.int16, 4: torch.int32,
                   8: torch.int64}[t.dtype.itemsize])


def test_torch_sort_is_array_api_compats_stable_sort():
    import array_api_compat.torch as compat

    x = torch.tensor([[0.0, -0.0, float("nan"), 1.0, -0.0, 0.0, -float("nan")],
                      [3.0, 3.0, -1.0, 2.0, -0.0, 0.0, 1.0]])
    for axis in (-1, 0, 1):
        for descending in (False, True):
            out = (xnp.sort(x, axis=axis, stable=True) if not descending
                   else _op_sort(x, axis, descending))
            expected = compat.sort(x, axis=axis, descending=descending, stable=True)
            assert torch.equal(out.view(torch.int32), expected.view(torch.int32))


def test_torch_sort_of_integers_and_bools_equals_the_stable_sort():
    # ties of integers are equal values: torch's default kernel gives the stable one's
    for x in (torch.tensor([[3, -1, 3, 0, -1, 7, 0]], dtype=torch.int8),
              torch.tensor([[5, 5, 2, 9, 2]]).to(torch.uint8), torch.tensor([[1, 1, 0, 1]]) > 0,
              torch.tensor([[2**40, -1, 2**40, 0]]), torch.zeros((0, 3), dtype=torch.int32)):
        for descending in (False, True):
            out = _op_sort(x, -1, descending)
            expected = torch.sort(x, dim=-1, descending=descending, stable=True).values
            assert out.dtype == expected.dtype and torch.equal(out, expected)
    assert xnp.sort(torch.tensor([3, 1, 2], dtype=torch.int32)).tolist() == [1, 2, 3]


def _op_sort(x, axis, descending):
    """The torch backend's sort itself (crossops.numpy.sort has no descending)."""
    return TABLE["sort"].impl("torch")(x, axis=axis, descending=descending)


def test_torch_einsum_common_call_is_the_general_ones():
    a = torch.tensor([[1.0, -0.0], [float("nan"), 2.5]])
    b = torch.tensor([[0.5, 3.0], [-1.0, 1e30]])
    for x, y in ((a, b), (a.double(), b.double())):
        for eq in ("ij,jk->ik", "ij,ij->", "ij->ji", "ii->i"):
            ops_ = (x, y) if eq.count(",") else (x,)
            fast = xnp.einsum(eq, *ops_)
            general = xnp.einsum(eq.replace("->", " -> "), *ops_)  # (spaces: general path)
            assert fast.dtype == general.dtype and fast.shape == general.shape
            torch.testing.assert_close(fast, general, rtol=0, atol=0, equal_nan=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):  # torch's lower dtype kept, as before
        assert xnp.einsum("ij,jk->ik", a, b).dtype == xnp.einsum(
            "ij,jk -> ik", a, b).dtype == torch.einsum("ij,jk->ik", a, b).dtype
    assert xnp.einsum("ij,jk->ik", a, b.double()).dtype == torch.float64  # promoted
    i = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    assert xnp.einsum("ij,jk->ik", i, i).dtype == torch.int32
    # three operands (torch plans the contraction order) and a torch function mode (which
    # sees torch.einsum): torch.einsum's own results
    torch.testing.assert_close(xnp.einsum("ij,jk,kl->il", a, b, a),
                               torch.einsum("ij,jk,kl->il", a, b, a), rtol=0, atol=0,
                               equal_nan=True)
    seen = []

    class Seen(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(func)
            return func(*args, **(kwargs or {}))

    with Seen():
        xnp.einsum("ij,jk->ik", a, b)
    assert torch.einsum in seen
    # the common call's kernel: torch's private ``torch._VF.einsum`` (a torch without it
    # takes torch.einsum, about 1.3 us dearer)
    from crossops.backends.torch.numpy import _EINSUM
    assert _EINSUM is not None, "torch._VF.einsum is gone: crossops calls torch.einsum"


def test_torch_conv_takes_a_raw_kernel_as_a_stored_one():
    """nn.conv of NHWC data by a raw HWIO kernel (a permuted view torch lays out itself)
    and by one stored in a Conv layer's layout: the same numbers, torch's own (NCHW), in
    the same (contiguous NHWC) result layout, float32 to bfloat16, with both paddings."""
    from crossops import nn
    from crossops.backends.torch.nn import conv_kernel_layout
    g = torch.Generator().manual_seed(0)
    for dtype in (torch.float32, torch.float64, torch.bfloat16):
        x = torch.randn(2, 7, 7, 4, generator=g).to(dtype)
        k = torch.randn(3, 3, 4, 6, generator=g).to(dtype)
        for padding in ("same", "valid"):
            raw, stored = nn.conv(x, k, padding=padding), nn.conv(
                x, conv_kernel_layout(k), padding=padding)
            assert raw.dtype == stored.dtype == dtype
            assert raw.is_contiguous() and stored.is_contiguous()
            torch.testing.assert_close(raw, stored, rtol=0, atol=0)
            c = torch.float32 if dtype is torch.bfloat16 else dtype  # (computed in)
            plain = torch.nn.functional.conv2d(
                x.to(c).permute(0, 3, 1, 2), k.to(c).permute(3, 2, 0, 1),
                padding=padding).permute(0, 2, 3, 1).to(dtype)
            torch.testing.assert_close(raw, plain)


def test_torch_one_hot_writes_the_comparison_into_its_dtype():
    import crossops.nn as cnn

    ids = torch.tensor([[0, 3, -1], [5, 2, 2]])
    expected = (ids.unsqueeze(-1) == torch.arange(4)).to(torch.float32)
    out = cnn.one_hot(ids, 4)
    assert out.dtype == torch.float32 and torch.equal(out, expected)
    for dtype in ("int8", "bool", "bfloat16", "float64"):
        got = cnn.one_hot(ids.to(torch.int32), 4, dtype=dtype)
        assert got.dtype == getattr(torch, dtype)
        assert torch.equal(got, expected.to(got.dtype))
    batched = torch.vmap(lambda r: cnn.one_hot(r, 4))(ids)  # (a transform: the cast)
    assert torch.equal(batched, expected)
    # ids in range: rows of a kept identity matrix (a copy: writing to one result leaves
    # the next alone), for 0-d and empty ids too, and counts past the kept ones
    for ids, n in ((torch.tensor([[0, 3, 1], [2, 2, 0]]), 4), (torch.tensor(2), 4),
                   (torch.zeros((0, 2), dtype=torch.int64), 3), (torch.tensor([1, 299]), 300)):
        for dtype in (None, "int32", "bool", "float16"):
            got = cnn.one_hot(ids, n, dtype=dtype)
            want = (ids.unsqueeze(-1) == torch.arange(n)).to(getattr(torch, dtype or "float32"))
            assert got.dtype == want.dtype and torch.equal(got, want)
            if got.numel():
                got.view(-1)[1] = 1
                assert torch.equal(cnn.one_hot(ids, n, dtype=dtype), want)


_FLOATS = (0.0, -0.0, 1.5, -2.0, float("nan"), float("inf"), 1e40, 3.0000001)


@built
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "maximum",
                                  "minimum"])
def test_float_scalar_call_agrees_with_the_generated_function(name):
    front = getattr(xnp, name)
    x = torch.tensor([[-1.0, 0.0, float("nan")], [2.5, -0.0, 70000.0]])
    arrays = [x.to(d) for d in (torch.float16, torch.bfloat16, torch.float32,
                                torch.float64, torch.int32, torch.uint8)] + [x > 0]
    for _ in range(2):  # (the second time: the plans the front kept)
        for a in arrays:
            for s in _FLOATS:
                for args in ((a, s), (s, a)):
                    fast, slow = _outcome(front, *args), _outcome(FRONTS[front], *args)
                    assert fast[:3] == slow[:3], (name, args, fast, slow)
                    if fast[0] == "ok":
                        assert np.array_equal(fast[3], slow[3], equal_nan=True)
                        # bit for bit (-0.0)
                        assert np.array_equal(np.signbit(fast[3]), np.signbit(slow[3]))


@built
def test_float_scalar_call_keeps_the_constant_and_skips_the_slow_function(monkeypatch):
    op = TABLE["maximum"]
    x = torch.tensor([-1.0, 0.5])
    xnp.maximum(x, 0.0)
    key = (torch.Tensor, float)
    slow = op._slow_cache[key]
    calls, plans = [], []

    def counting(*args):
        calls.append(args)
        return slow(*args)

    def plan_for(dtype, scalar):
        plans.append(scalar)
        return slow.plan_for(dtype, scalar)

    counting.plan_for = plan_for
    monkeypatch.setitem(op._slow_cache, key, counting)
    for s in (0.25, 0.25, 0.25, -0.0, 0.0, 0.0):
        out = xnp.maximum(x, s)
        assert torch.equal(out, torch.maximum(x, torch.tensor(s)))
        assert torch.equal(torch.signbit(out), torch.signbit(torch.maximum(x, torch.tensor(s))))
    assert calls == [] and plans == [0.25, -0.0, 0.0]  # (one plan per new float)
    x64 = x.double()
    xnp.maximum(x64, 0.0)
    assert plans[-1] == 0.0 and len(plans) == 4  # (another dtype: a new plan)
    with torch.inference_mode():  # the kept constant, as the slow path's cache gives it
        assert torch.equal(xnp.maximum(x64, 0.0), torch.tensor([0.0, 0.5], dtype=torch.float64))


@built
def test_float_scalar_call_keeps_gradients_and_errors():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    for name in ("maximum", "multiply", "subtract"):
        front = getattr(xnp, name)
        for args in ((x, 0.0), (0.0, x), (x, -0.0)):
            (fast,) = torch.autograd.grad(front(*args).sum(), x)
            (slow,) = torch.autograd.grad(FRONTS[front](*args).sum(), x)
            assert torch.equal(fast, slow), (name, args)
    small = torch.ones(3, dtype=torch.int8)
    fast, slow = _outcome(xnp.add, small, 1e300), _outcome(FRONTS[xnp.add], small, 1e300)
    assert fast[:3] == slow[:3]
    # a NumPy array beside a float: the slow path's (NumPy's weak rule), never this one
    n = np.array([-1.0, 2.0], np.float32)
    assert xnp.maximum(n, 0.0).dtype == np.float32 and xnp.maximum(n, 0.0).tolist() == [0, 2]


@built
def test_changed_calls_compile_without_graph_breaks():
    import crossops.nn as cnn

    # a list of three tensors: a key not cached yet (resolved while torch.compile traces,
    # which then stores its options too); one_hot's comparison (no out= while tracing)
    a, b, c = torch.ones((2, 3)), torch.zeros((2, 3)), torch.full((2, 3), 2.0)
    ids = torch.tensor([0, 3, -1])
    key = (torch.Tensor,) * 3
    for name in ("concatenate", "stack"):
        TABLE[name].cache.pop(key, None)
    compiled = torch.compile(
        lambda x, y, z, i: (xnp.concatenate([x, y, z], axis=1), xnp.stack((x, y, z)),
                            cnn.one_hot(i, 4), xnp.astype(x, torch.float16),
                            ops.where(x > 0, z, 0.5), xnp.var(z, axis=0), cnn.gelu(z),
                            xnp.take(z, i.clamp(0, 2), axis=1), xnp.squeeze(z[None], 0),
                            xnp.clip(z, -1, 1.5)),
        fullgraph=True, backend="eager")
    cat, stacked, hot, half, where, var, gelu, took, squeezed, clipped = compiled(
        a, b, c, ids)
    assert torch.equal(cat, torch.cat([a, b, c], 1))
    assert torch.equal(stacked, torch.stack([a, b, c]))
    assert torch.equal(hot, (ids[:, None] == torch.arange(4)).to(torch.float32))
    assert half.dtype == torch.float16 and torch.equal(half, a.half())
    assert torch.equal(where, c) and torch.equal(var, torch.zeros(3))
    assert torch.equal(gelu, torch.nn.functional.gelu(c, approximate="tanh"))
    assert torch.equal(took, c[:, ids.clamp(0, 2)])
    assert torch.equal(squeezed, c) and torch.equal(clipped, torch.full((2, 3), 1.5))


@built
def test_astype_front_agrees_with_the_generated_function():
    # the front takes torch's own dtype objects, which the conversion returns as they are;
    # any other dtype (a name, a NumPy dtype) and any array type go to the function
    assert xnp.astype in FRONTS
    x = torch.tensor([[1.5, -0.0, float("nan")], [70000.0, 2.0, -3.25]])
    i = torch.tensor([[3, -1], [0, 200]], dtype=torch.int16)
    for t in (x, i, torch.zeros((0, 2)), torch.tensor(2.5), x > 0):
        for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.int8, torch.uint64,
                      torch.bool, torch.complex64, "float64", np.dtype("int32")):
            for kwargs in ({}, {"copy": False}, {"copy": True}, {"device": "cpu"},
                           {"device": "nowhere"}):
                for _ in range(2):  # (the first call fills the caches)
                    _same(xnp.astype, (t, dtype), kwargs)
                if kwargs.get("device") != "nowhere":
                    out = xnp.astype(t, dtype, **kwargs)
                    assert (out is t) == (kwargs.get("copy") is False
                                          and out.dtype == t.dtype)
    n = np.array([1.5, 2.0])
    assert xnp.astype(n, torch.float16).dtype == np.float16  # (a NumPy array: NumPy's)
    with pytest.raises(Exception, match="astype"):
        xnp.astype(x, torch.qint8)


@built
def test_squeeze_calls_torch_squeeze_for_an_axis_of_size_one():
    # the front calls torch.squeeze for an int axis and keeps its result where it has one
    # dimension fewer (torch.squeeze keeps an axis of another size); every other call:
    # the op's function and its error
    a3 = torch.arange(3.0).reshape(1, 3, 1)
    for x in (a3, a3.to(torch.uint64), a3 > 0, torch.tensor(2.5), torch.zeros((0, 1)),
              a3.transpose(0, 2)):
        for axis in (0, -1, 1, 2, 3, -4, None, (0, 2), True, np.int64(0)):
            for args, kwargs in (((x, axis), {}), ((x,), {"axis": axis})):
                for _ in range(2):
                    _same(xnp.squeeze, args, kwargs)
    assert TABLE["squeeze"].plain[torch.Tensor] is torch.squeeze
    assert xnp.squeeze(a3, 0).data_ptr() == a3.data_ptr()  # (a view, as torch's)


@built
def test_clip_calls_torch_clamp_for_python_number_bounds():
    # a floating tensor between None or Python numbers other than NaN: torch.clamp; every
    # other call (NaN, bool or array bounds, both None, integers): the op's function
    a = torch.tensor([[-2.0, 0.5, 3.0], [float("nan"), -0.0, 1e30]])
    bounds = [(-1, 1), (-1.0, 1.0), (None, 1), (-1, None), (None, None), (float("nan"), 1),
              (2, -2), (True, 2), (-1, 2**70), (np.float32(-1), 1), (torch.tensor(-1.0), 1)]
    for x in (a, a.half(), a.to(torch.bfloat16), a.double(), torch.tensor([-3, 0, 5]),
              torch.tensor([True, False]), torch.tensor(2.5)):
        for lo, hi in bounds:
            for args, kwargs in (((x, lo, hi), {}), ((x,), {"min": lo, "max": hi})):
                for _ in range(2):
                    _same(xnp.clip, args, kwargs)
            # keras.ops's form requires x_min and x_max (its front takes calls of all
            # three only: ``least``); by keyword only Keras's names
            for args, kwargs in (((x, lo, hi), {}), ((x, lo), {"x_max": hi}),
                                 ((x,), {"x_min": lo, "x_max": hi}), ((x, lo), {}),
                                 ((x,), {}), ((x,), {"min": lo, "max": hi})):
                _same(ops.clip, args, kwargs)


@built
def test_keras_clip_of_three_arguments_calls_torch_clamp(monkeypatch):
    x = torch.tensor([-2.0, 0.5, 3.0])
    ops.clip(x, -1, 1)  # fills the caches
    calls: list = []
    function, *indices = TABLE["clip"].options[torch.Tensor]

    def spy(*args):
        calls.append(args[1:])
        return torch.clamp(*args)

    monkeypatch.setitem(TABLE["clip"].options, torch.Tensor,
                        (dict.fromkeys(function, spy), *indices))
    np.testing.assert_array_equal(ops.clip(x, -1, 1).numpy(), [-1.0, 0.5, 1.0])
    assert calls == [(-1, 1)]
    with pytest.raises(TypeError, match="x_max"):
        ops.clip(x, -1)  # (Keras's TypeError, from the form)
    assert len(calls) == 1


@built
@pytest.mark.parametrize("front", ["softmax", "log_softmax"])
def test_softmax_along_an_int_axis_calls_torch(monkeypatch, front):
    from crossops import nn
    f = getattr(nn, front)
    rows = torch.tensor([[1.0, float("inf"), 2.0], [float("-inf")] * 3,
                         [0.0, 1.0, float("nan")]])
    for x in (rows, rows.double(), rows.half(), torch.tensor(2.0), torch.zeros((0, 3)),
              torch.tensor([1, 2], dtype=torch.int32)):
        for axis in (-1, 0, 1, 2, True, (0,), None):
            for _ in range(2):
                _same(f, (x,), {"axis": axis})
                _same(getattr(ops, front), (x, axis), {})
    calls: list = []
    function, *indices = TABLE[f"nn.{front}"].options[torch.Tensor]
    native = function[torch.float32]

    def spy(*args):
        calls.append(args[1:])
        return native(*args)

    monkeypatch.setitem(TABLE[f"nn.{front}"].options, torch.Tensor,
                        (dict.fromkeys(function, spy), *indices))
    f(rows, axis=0)
    getattr(ops, front)(rows, -1)
    assert calls == [(0,), (-1,)]


@built
def test_keras_where_takes_a_python_scalar_as_crossops_numpy_does():
    # Keras's weak Python scalars beside a float array: crossops.numpy's where's slow-path
    # function; beside bool and integer arrays the form's own rule (floatx, int32)
    c = torch.tensor([True, False, True])
    for x1 in (torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16),
               torch.tensor([1, 2, 3], dtype=torch.int8), torch.tensor([True, False, True])):
        for x2 in (0.0, 1, float("nan"), 70000.0, True, 300):
            for args in ((c, x1, x2), (c, x2, x1)):
                for _ in range(2):
                    _same(ops.where, args, {})
    assert ops.where(c, torch.tensor([1, 2, 3], dtype=torch.int8), 0.5).dtype == torch.float32


def _numpy_outcome(f, *args, **kwargs):
    """("ok", dtype name, shape, values) or ("error", type) of ``f`` (torch tensors or
    ndarrays)."""
    try:
        out = f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001  (compared below)
        return ("error", type(e))
    values = out.numpy() if isinstance(out, torch.Tensor) else np.asarray(out)
    return ("ok", str(out.dtype).removeprefix("torch."), tuple(out.shape), values.tolist())


@pytest.mark.parametrize("f, args, kwargs", [
    # torch takes axis 0 and -1 of a 0-d tensor: cumsum gives NumPy's 1-d result, mean
    # NumPy's AxisError (sum, max, argmax take them, as NumPy does)
    (xnp.cumsum, (np.array(2.5),), {"axis": 0}), (xnp.cumsum, (np.array(2.5),), {"axis": -1}),
    (xnp.cumsum, (np.array(2.5),), {"axis": 1}), (xnp.cumsum, (np.array(3),), {"axis": 0}),
    (xnp.cumulative_sum, (np.array(2.5),), {"axis": 0}),
    (xnp.cumulative_prod, (np.array(2.5),), {"axis": -1}),
    (xnp.mean, (np.array(2.5),), {"axis": 0}),
    (xnp.mean, (np.array(2.5),), {"axis": -1, "keepdims": True}),
    (xnp.mean, (np.array(2.5),), {"axis": (0,)}), (xnp.mean, (np.array(2.5),), {"axis": ()}),
    (xnp.sum, (np.array(2.5),), {"axis": 0}), (xnp.argmax, (np.array(2.5),), {"axis": -1}),
    # torch.cat skips an empty 1-d tensor beside tensors of more dimensions
    (xnp.concatenate, ([np.zeros(0), np.ones((2, 2))],), {}),
    (xnp.concatenate, ([np.zeros(0), np.ones((2, 2))],), {"axis": 1}),
    (xnp.concatenate, ([np.ones((2, 2)), np.zeros(0)],), {"axis": 0}),
    (xnp.concatenate, ((np.ones((2, 2)), np.ones((1, 2)), np.zeros(0)),), {"axis": -1}),
    (ops.concatenate, ([np.ones((2, 2)), np.zeros(0)],), {}),
    (xnp.concatenate, ([np.zeros(0), np.ones(2)],), {}),
])
def test_torch_calls_agree_with_numpy_backend(f, args, kwargs):
    def on_torch(a):
        if isinstance(a, list | tuple):
            return type(a)(map(on_torch, a))
        return torch.from_numpy(np.array(a))

    expected = _numpy_outcome(f, *args, **kwargs)
    for _ in range(2):  # the first call fills the caches, the second takes the front
        assert _numpy_outcome(f, *map(on_torch, args), **kwargs) == expected


@built
def test_required_arguments_by_keyword_take_the_plain_function(monkeypatch):
    # a call that gives its required arguments, some by keyword, and nothing else is the
    # call by position: torch's own function (AT_DEFAULTS), with the same results and errors
    x = torch.arange(6.0).reshape(2, 3)
    xnp.expand_dims(x, 0)  # fills the caches
    assert TABLE["expand_dims"].plain[torch.Tensor] is torch.unsqueeze
    calls: list = []

    def spy(*args):
        calls.append(args[1:])
        return torch.unsqueeze(*args)

    monkeypatch.setitem(TABLE["expand_dims"].plain, torch.Tensor, spy)
    for args, kwargs in (((x,), {"axis": 0}), ((x,), {"axis": -1}), ((), {"a": x, "axis": 1}),
                         ((x,), {"axis": 5}), ((x,), {"axis": True})):
        _same(xnp.expand_dims, args, kwargs)
    ops.expand_dims(x, axis=-3)
    # (axis 5: torch raises, and the op's path raises its axis error; the array by
    # keyword, or a bool axis, which the generated function refuses: its calls)
    assert calls == [(0,), (-1,), (5,), (-3,)]
    for kwargs in ({"axis": 0, "bogus": 1}, {}):  # the generated function's TypeError
        with pytest.raises(TypeError):
            xnp.expand_dims(x, **kwargs)
    assert len(calls) == 4


@built
def test_take_calls_index_select_for_one_dimensional_indices(monkeypatch):
    # AT_OPTIONS's route with its own order of the arguments and required attributes:
    # torch.index_select(x, axis, indices) where x is on the CPU and the indices are 1-d;
    # a negative or out-of-range index (index_select raises), an axis out of range, other
    # indices: the op's own path and its errors
    x = torch.arange(12.0).reshape(3, 4)
    xnp.take(x, torch.tensor([0]), axis=0)  # fills the caches
    function, *rest = TABLE["take"].options[torch.Tensor]
    assert function is torch.index_select
    calls: list = []

    def spy(*args):
        calls.append(args[1])
        return torch.index_select(*args)

    monkeypatch.setitem(TABLE["take"].options, torch.Tensor, (spy, *rest))
    i = torch.tensor([2, 0, 2])
    cases = [(x, i, 0), (x, i, 1), (x, i, -1), (x, torch.tensor([-1, 0]), 0),
             (x, torch.tensor([3]), 0), (x, i, 2), (x, i, -3), (x, torch.tensor(1), 0),
             (x, torch.tensor([[1], [0]]), 1), (x, i.to(torch.int32), 1),
             (x, i.to(torch.int16), 0), (torch.tensor(2.5), torch.tensor([0]), 0),
             (x.to(torch.uint32), i, 0), (x > 3, i, 1),
             (torch.zeros((0, 4)), torch.tensor([], dtype=torch.int64), 0)]
    for front in (xnp.take, ops.take):
        for a, indices, axis in cases:
            _same(front, (a, indices), {"axis": axis})
    # called for 1-d int indices along an axis in range of x (raising for -1, 3, int16)
    assert calls == [0, 1, -1, 0, 0, 1, 0, 0, 1, 0] * 2
    (g,) = torch.autograd.grad(xnp.take(x.requires_grad_(), i, axis=1).sum(), x)
    assert g.tolist() == [[1.0, 0.0, 2.0, 0.0]] * 3


@built
def test_repeat_of_a_python_int_calls_repeat_interleave(monkeypatch):
    # an op of several arrays called with a tensor and a Python int: the front keys the
    # cache on the tuple of their types, as the generated function, and AT_OPTIONS's entry
    # serves that key where it names the type (OptionsRoute.scalars); a bool (NumPy's 0
    # or 1) and a float (refused) take the op's own path
    x = torch.arange(6.0).reshape(2, 3)
    xnp.repeat(x, 2, axis=0)  # fills the caches
    key = (torch.Tensor, int)
    function, *rest = TABLE["repeat"].options[key]
    assert function is torch.repeat_interleave and torch.Tensor not in [
        k for k in TABLE["repeat"].options if type(k) is tuple]
    calls: list = []

    def spy(*args):
        calls.append(args[1:])
        return torch.repeat_interleave(*args)

    monkeypatch.setitem(TABLE["repeat"].options, key, (spy, *rest))
    for front in (xnp.repeat, ops.repeat):
        for repeats, axis in ((2, 0), (3, -1), (-1, 0), (2, 2), (True, 0), (2.0, 1)):
            _same(front, (x, repeats), {"axis": axis})
    assert calls == [(2, 0), (3, -1), (-1, 0)] * 2  # (an axis out of range: not called)
    assert xnp.repeat(x, True, axis=0).shape == (2, 3)


def _pieces(f, *args, **kwargs):
    """split's outcome: ("ok", the type of its result, each piece's _outcome) or the
    error's."""
    try:
        out = f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001  (compared below)
        return ("error", type(e), str(e))
    return ("ok", type(out), [_outcome(lambda p: p, p) for p in out])


@built
def test_split_in_equal_sections_calls_torch_chunk(monkeypatch):
    # split(x, k, axis=a): AT_OPTIONS's torch.chunk where k is a positive int that
    # divides the axis's length (OptionsRoute.sections), as a list; every other call
    # (unequal sections, indices, a bool or a non-positive count, an axis out of range,
    # a 0-d tensor) takes the op's own path, with its result or error
    xnp.split(torch.ones(2), 2, axis=0)  # fills the caches
    function, *rest = TABLE["split"].options[torch.Tensor]
    assert function is torch.chunk
    calls: list = []

    def spy(x, k, axis):
        calls.append((tuple(x.shape), k, axis))
        return torch.chunk(x, k, axis)

    monkeypatch.setitem(TABLE["split"].options, torch.Tensor, (spy, *rest))
    expected = []
    for x in _tensors():
        for front in (xnp.split, ops.split):
            for k, axis in [(2, 1), (3, 0), (1, -1), (3, -2), (2, 0), (4, 0), (0, 0),
                            (-3, 0), (True, 0), (3, 2), (3, -3), ([1], 0), ((1, 2), 1),
                            (3.0, 0)]:
                if (type(k) is int and k > 0 and -x.ndim <= axis < x.ndim
                        and x.shape[axis] % k == 0):
                    expected.append((tuple(x.shape), k, axis))
                fast = _pieces(front, x, k, axis=axis)
                slow = _pieces(FRONTS[front], x, k, axis=axis)
                assert fast[:2] == slow[:2] and (fast[0] != "ok" or fast[1] is list), (
                    x, k, axis, fast, slow)
                if fast[0] == "ok":
                    for a, b in zip(fast[2], slow[2], strict=True):
                        assert a[:3] == b[:3]
                        np.testing.assert_array_equal(a[3], b[3])
    assert calls == expected and (tuple(_tensors()[0].shape), 3, -2) in calls


@built
@pytest.mark.parametrize("name", [
    "subtract", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
    "logical_and", "logical_or", "logical_xor", "any", "all", "mean", "triu", "tril",
    "tile", "moveaxis", "flip", "roll", "repeat", "swapaxes", "transpose", "outer", "divide",
    "negative", "floor", "ceil", "trunc"])
def test_torch_routes_agree_with_the_generated_function(name):
    # AT_DEFAULTS's and AT_OPTIONS's torch functions, and the torch partial functions of
    # swapaxes, transpose and outer: the same results, dtypes and errors as the op's own
    # path, at the edges (NaN, -0.0, empty, 0-d, every dtype; axes out of range; the
    # calls torch takes otherwise than NumPy, which go on to the op's path)
    front = getattr(xnp, name)
    for x in _tensors():
        y = x.flip(0) if x.ndim else x
        wide = x.to(torch.complex128 if x.is_complex() else torch.float64)
        calls = {
            "tile": [((x, (2, 1)), {}), ((x, 2), {}), ((x, ()), {})],
            "moveaxis": [((x, 0, -1), {}), ((x, (0, 1), (1, 0)), {}), ((x, 0, (0, 1)), {}),
                         ((x, 2, 0), {})],
            "swapaxes": [((x, 0, -1), {}), ((x, 1, 2), {}), ((x,), {"axis1": 0, "axis2": 1})],
            "transpose": [((x,), {}), ((x, (1, 0)), {}), ((x[None],), {}), ((x, [1, 0]), {}),
                          ((x[None], (0, 2, 1)), {}), ((x[None], [-1, 0, 1]), {}),
                          ((x, (0, 0)), {}), ((x, (True, False)), {}), ((x, (0, 2)), {}),
                          ((x, (0,)), {}), ((x, 1), {})],
            "outer": [((x, y), {}), ((x, wide), {}), ((x.reshape(-1), y), {})],
            "roll": [((x, 1), {"axis": 0}), ((x, -4), {"axis": -1}), ((x, 1), {"axis": 2}),
                     ((x, (1, 2)), {"axis": 0}), ((x, torch.tensor(1)), {"axis": 0})],
            "repeat": [((x, 2), {"axis": 0}), ((x, 0), {"axis": -1}), ((x, -1), {"axis": 0}),
                       ((x, torch.tensor([1, 2])), {"axis": 0}), ((x, 2), {"axis": 2}),
                       ((x, True), {"axis": 0}), ((x, 2), {}), ((x, 2.0), {"axis": 0})],
        }.get(name)
        if calls is None and name in ("any", "all", "mean", "flip"):
            calls = [((x,), {}), ((x,), {"axis": 0}), ((x,), {"axis": -1, "keepdims": True}),
                     ((x,), {"axis": 2})]
        if calls is None and name in ("negative", "floor", "ceil", "trunc"):
            calls = [((x,), {})]
        if calls is None and name in ("triu", "tril"):
            calls = [((x,), {}), ((x, 1), {})]
        for args, kwargs in calls or [((x, y), {}), ((y, x), {})]:
            for _ in range(2):  # the first call fills the caches, the second takes the front
                _same(front, args, kwargs)


@built
def test_transposes_of_torch_call_torch_from_the_front():
    # transpose(x, axes) of a tuple or list of ints: AT_OPTIONS's torch.permute; transpose
    # of at most 2 dimensions: AT_DEFAULTS's torch.t; matrix_transpose of at least 2:
    # torch's mT (_RANK_OPS): no Python frame, and the results of the op's own path
    x = torch.arange(24.0).reshape(2, 3, 4)
    calls = [(xnp.transpose, (x, (0, 2, 1))), (xnp.transpose, (x, [2, 0, 1])),
             (xnp.transpose, (x[0],)), (xnp.matrix_transpose, (x,)),
             (xnp.linalg.matrix_transpose, (x[0],))]
    for f, args in calls:
        expected = FRONTS[f](*args)
        f(*args)  # (fills the caches)
        frames: list = []
        sys.setprofile(lambda frame, event, arg: frames.append(frame.f_code.co_name)
                       if event == "call" else None)
        try:
            out = f(*args)
        finally:
            sys.setprofile(None)
        assert not frames, (f, frames)
        assert out.shape == expected.shape and out.stride() == expected.stride()
        torch.testing.assert_close(out, expected, rtol=0, atol=0)
