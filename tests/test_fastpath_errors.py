"""A C front's fast call that raises runs once: the front hands the exception to the
op's ``fail`` hook, which raises it as the generated Python function does (the same type
and message), instead of calling the generated function to run the op again.

Without the C fronts (``CROSSOPS_PURE_PYTHON=1``, or no compiler at install) the tests of
the fronts themselves skip; the errors' checks run on the Python functions, which take
every call there: a repeated call (a cache hit) raises what the first raised, naming the
op, and a hand-written keras.ops form raises crossops.numpy's error.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

import crossops.nn
import crossops.numpy as xnp
import crossops.ops
from crossops._accel import FRONTS, RAISE_THROUGH_OP
from crossops._dispatch import FUNCTIONS

from .backends import backend_context, to_backend

needs_fronts = pytest.mark.skipif(
    not FRONTS, reason="crossops._fastpath is not built here (no C compiler at install, or "
    "CROSSOPS_PURE_PYTHON is set): the generated Python functions take every call")


def _counting(monkeypatch, table: dict, key, calls: list) -> None:
    """Count the calls of ``table[key]`` (a function of an op's caches), as it is."""
    real = table[key]

    def counted(*args, **kwargs):
        calls.append(key)
        return real(*args, **kwargs)
    monkeypatch.setitem(table, key, counted)


def _error(f, *args, **kwargs) -> BaseException:
    with pytest.raises(BaseException) as info:
        f(*args, **kwargs)
    return info.value


def _failing_calls(backend):
    """(front, args, kwargs, the cache entries the call reaches: (table name, key))."""
    rng = np.random.default_rng(0)
    a = to_backend(backend, rng.standard_normal((2, 3)).astype(np.float32))
    b = to_backend(backend, rng.standard_normal((4, 5)).astype(np.float32))
    b64 = to_backend(backend, rng.standard_normal((4, 5)))
    t = type(a)
    calls = [
        # the required arguments, arrays of one type and dtype: the op's cached function
        (xnp.add, (a, b), {}, [("cache", t), ("plain", t)]),
        (xnp.matmul, (a, a), {}, [("cache", t), ("plain", t)]),
        (crossops.ops.add, (a, b), {}, [("cache", t), ("plain", t)]),
        # options by keyword: the cached function with every parameter (an axis out of
        # range: the error the op's arguments explain)
        (xnp.sum, (a,), {"axis": 5}, [("cache", t)]),
        (xnp.mean, (a,), {"axis": -3, "keepdims": True}, [("cache", t)]),
        (crossops.nn.softmax, (a,), {"axis": 4}, [("cache", t)]),
        # two dtypes: the promoting function the slow path caches for the types
        (xnp.add, (a, b64), {}, [("_slow_cache", (t, t))]),
    ]
    if backend != "jax":  # jax wraps an int that does not fit (see add's docstring)
        small = to_backend(backend, np.ones(3, np.int8))
        calls.append((xnp.add, (small, 1000), {}, [("_slow_cache", (t, int))]))
    return calls


@needs_fronts
def test_a_failing_fast_call_runs_the_op_once(backend, monkeypatch):
    with backend_context(backend):
        for front, args, kwargs, entries in _failing_calls(backend):
            op = FUNCTIONS[front]
            fn = FRONTS[front]
            _error(fn, *args, **kwargs)  # fills the caches
            calls: list = []
            own = {key: op.cache.get(key) for _, key in entries}
            for table, key in entries:
                tab = getattr(op, table)
                if table != "plain":
                    _counting(monkeypatch, tab, key, calls)
                # the op's own function in the plain cache too (a promoted op's) counts
                # once; a backend's own one (AT_DEFAULTS: torch.matmul) hands the calls it
                # refuses or fails to the op's path, where the op's function runs once
                elif op.plain.get(key) is own[key]:
                    monkeypatch.setitem(tab, key, op.cache[key])
            slow = _error(fn, *args, **kwargs)
            assert len(calls) == 1, (front, "the generated function's call")
            calls.clear()
            fast = _error(front, *args, **kwargs)
            assert len(calls) == 1, (front, args, kwargs, "ran more than once")
            assert type(fast) is type(slow), (front, fast, slow)
            assert str(fast) == str(slow)
            assert str(fast).startswith(op.spec.qualname)
            assert type(fast.__cause__) is type(slow.__cause__)
            monkeypatch.undo()


def test_a_plain_function_hands_what_it_refuses_to_the_op(backend):
    # torch.unsqueeze (torch's AT_DEFAULTS for expand_dims) refuses a tuple axis, which
    # the op's own function takes
    with backend_context(backend):
        a = to_backend(backend, np.ones((2, 3), np.float32))
        xnp.expand_dims(a, 0)
        assert tuple(xnp.expand_dims(a, (0, 3)).shape) == (1, 2, 3, 1)


def test_a_keyboard_interrupt_in_a_fast_call_propagates_once(monkeypatch):
    a = np.ones((2, 3), np.float32)
    xnp.sum(a, axis=0)
    op = FUNCTIONS[xnp.sum]
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        raise KeyboardInterrupt
    monkeypatch.setitem(op.cache, np.ndarray, interrupted)
    with pytest.raises(KeyboardInterrupt):
        xnp.sum(a, axis=0)
    assert calls == [1]


def _generated(fn) -> bool:
    """Whether ``fn`` is in a module that scripts/gen_ops.py writes (by its header)."""
    return inspect.getsource(inspect.getmodule(fn)).startswith(
        "# Generated by scripts/gen_ops.py")


@needs_fronts
def test_fronts_that_translate_errors_raise_them_through_one_except_clause():
    """A front whose function raises through its op's ``fail`` (the generated ones, as
    the generated modules declare by calling ``accelerate_generated``) raises a fast call's
    error through that hook, with the arguments the front passed: right only where that
    function has one ``except Exception as _e: <op>.fail(_e)`` clause, for its own op.
    Every generated function's front does; no hand-written form's does."""
    import crossops.core
    import crossops.image
    import crossops.math
    import crossops.numpy.fft
    import crossops.numpy.linalg
    import crossops.random  # noqa: F401
    clause = re.compile(r"except Exception as _e:\n\s+(\w+)\.fail\(_e\)")
    checked = 0
    for front, fn in FRONTS.items():
        assert (fn in RAISE_THROUGH_OP) == _generated(fn), fn.__qualname__
        if fn not in RAISE_THROUGH_OP:
            continue
        found = clause.findall(inspect.getsource(fn))
        assert len(found) == 1, fn.__qualname__
        # (the same op, by name: a test that reloads a generated module makes new ones)
        assert (fn.__globals__[found[0]].spec.qualname
                == FUNCTIONS[front].spec.qualname), fn.__qualname__
        checked += 1
    assert checked > 300


_ERRORS = [  # (namespace, name, kwargs): calls of one 2x3 array that raise
    ("ops", "sum", {"axis": 5}), ("ops", "cumsum", {"axis": 3}), ("ops", "mean", {"axis": 9}),
    ("ops", "softmax", {"axis": 5}), ("ops", "max", {"axis": 4}),
    ("ops", "expand_dims", {"axis": 7}), ("ops", "transpose", {"axes": (0, 0)}),
    ("numpy", "squeeze", {"axis": 0}), ("numpy", "cumsum", {"axis": 2}),
    ("numpy", "sort", {"axis": 2}), ("numpy", "var", {"axis": (0, 5)}),
    ("numpy", "reshape", {"shape": (5,)}), ("numpy", "argmax", {"axis": 2}),
    ("numpy", "concatenate", {}),
]


@pytest.mark.parametrize("namespace, name, kwargs", _ERRORS)
def test_front_errors_are_the_generated_functions(backend, namespace, name, kwargs):
    """The exception type and message a fast call's error is raised with are those of the
    generated function, which runs the same backend function (Keras forms, whose
    parameters the body renames, included)."""
    f = getattr(crossops.ops if namespace == "ops" else xnp, name)
    if FRONTS and f not in FRONTS:
        pytest.skip(f"{namespace}.{name} has no C front here")
    with backend_context(backend):
        a = to_backend(backend, np.ones((2, 3), np.float32))
        args = ([a, to_backend(backend, np.ones((3, 4), np.float32))],) \
            if name == "concatenate" else (a,)
        errors = []
        # (the second call of the front: a cache hit; without fronts, the function's)
        for g in (FRONTS[f], f, f) if FRONTS else (f, f):
            errors.append(_error(g, *args, **kwargs))
        slow, *fast = errors
        for e in fast:
            assert (type(e), str(e)) == (type(slow), str(slow))
            assert str(e).startswith(FUNCTIONS[f].spec.qualname)


#: hand-written keras.ops forms (crossops._keras_special) with a front, and calls of one
#: 2x3 array (and two more arrays for where) that raise: their fronts hand a failed fast
#: call to the form, which raises the error itself
_HAND_WRITTEN = [("where", {"x2_shape": (4, 5)}), ("max", {"axis": 4}), ("min", {"axis": -3}),
                 ("max", {"axis": (0, 0)})]


@pytest.mark.parametrize("name, kwargs", _HAND_WRITTEN)
def test_hand_written_forms_raise_their_own_errors(backend, name, kwargs):
    """A hand-written keras.ops form (``ops.where``, ``ops.max``, ``ops.min``) does not
    raise through its op's ``fail``: its front, whose fast call failed, hands the call to
    the form, and the error is the form's own (type and message), naming the op, and the
    same as crossops.numpy's function of that op gives."""
    f = getattr(crossops.ops, name)
    if FRONTS and f not in FRONTS:
        pytest.skip(f"ops.{name} has no C front here")
    form = FRONTS.get(f, f)  # without fronts, ops.<name> is the form itself
    assert form.__module__ == "crossops._keras_special" and form not in RAISE_THROUGH_OP
    with backend_context(backend):
        a = to_backend(backend, np.ones((2, 3), np.float32))
        if name == "where":
            cond = to_backend(backend, np.ones((2, 3), bool))
            args, kw = (cond, a, to_backend(backend, np.ones(kwargs["x2_shape"],
                                                              np.float32))), {}
        else:
            args, kw = (a,), kwargs
        errors = [_error(g, *args, **kw) for g in (form, f, f)]  # (then a cache hit)
        numpy_error = _error(getattr(xnp, name), *args, **kw)
    slow, *fast = errors
    for e in fast:
        assert (type(e), str(e)) == (type(slow), str(slow))
    assert str(slow).startswith(FUNCTIONS[f].spec.qualname)
    assert isinstance(slow, (ValueError, TypeError, IndexError))
    assert type(numpy_error) is type(slow) and str(numpy_error) == str(slow)
