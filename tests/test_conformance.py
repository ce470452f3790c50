"""The conformance suite, generated from spec/: every op on every backend against NumPy.

For each spec entry and backend, hypothesis draws an input dtype of the entry's
category, shapes and values of the entry's kind; the backend's result must equal the
NumPy reference in dtype and shape exactly and in value within the entry's tolerance.
``test_compiled`` runs the same op under ``jax.jit`` and ``tf.function`` and checks it
against the eager result.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops.ops  # noqa: F401  (every namespace in the table)
import crossops.random  # noqa: F401
from crossops._backend import backend_module
from crossops._spec import load_spec

from .backends import backend_context, op_function, to_backend, to_numpy
from .reference import assert_same, canonical, numpy_edge_cases, reference
from .strategies import draw_case, has_drawer

SPEC = load_spec()
DRAWN = sorted(q for q, s in SPEC.items() if has_drawer(s))
#: cases drawn per op and backend: 6 in the default suite (which must stay within its time
#: budget: JAX compiles every primitive of a generic op anew for each shape), 200 in the
#: thorough profile (``nox -s conformance``)
EXAMPLES = 200 if os.environ.get("CROSSOPS_PROFILE") == "thorough" else 6


def _dtypes(spec, backend):
    native = backend_module(backend).DTYPES
    return [d for d in spec.dtype_names if d in native]


def _to(backend, value):
    if isinstance(value, list):
        return [to_backend(backend, v) for v in value]
    return to_backend(backend, value)


def _run(spec, backend, case):
    args = tuple(_to(backend, a) for a in case.args)
    kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
    # the drawn edge cases make NumPy warn (log(0), var of one value with correction 1),
    # and the NumPy backend computes with NumPy: it warns where NumPy's own function does
    with numpy_edge_cases():
        return op_function(spec)(*args, **kwargs)


def _skip_if_unavailable(spec, backend):
    why = spec.unavailable(backend)
    if why:
        pytest.skip(f"{spec.qualname} is not available on {backend}: {why}")


@pytest.mark.parametrize("qualname", DRAWN)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_op(qualname, backend, data):
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, backend)
    with backend_context(backend):
        dt = data.draw(st.sampled_from(_dtypes(spec, backend)), label="dtype")
        case = draw_case(data, spec, dt)
        if dt in spec.unsupported_dtypes(backend):
            with pytest.raises((TypeError, NotImplementedError, ValueError)):
                _run(spec, backend, case)
            return
        out = to_numpy(_run(spec, backend, case))
    ref = reference(spec, case.args, case.kwargs)
    assert_same(canonical(spec, out, case.args), canonical(spec, ref, case.args), spec)


def _compile(backend, fn):
    if backend == "jax":
        import jax
        return jax.jit(fn)
    import tensorflow as tf
    return tf.function(fn)


@pytest.mark.parametrize("qualname", DRAWN)
@settings(max_examples=3)
@given(data=st.data())
def test_compiled(qualname, cbackend, data):
    """The op traced by ``jax.jit`` / ``tf.function`` gives the eager result."""
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, cbackend)
    if not spec.compiled:
        pytest.skip(f"{qualname}: spec says compiled = false (it returns Python values, "
                    "or a shape that depends on the values)")
    with backend_context(cbackend):
        dt = data.draw(st.sampled_from(_dtypes(spec, cbackend)), label="dtype")
        if dt in spec.unsupported_dtypes(cbackend):
            return
        case = draw_case(data, spec, dt)
        arrays = [i for i, a in enumerate(case.args) if hasattr(a, "dtype")]
        args = [_to(cbackend, a) for a in case.args]
        kwargs = {k: _to(cbackend, v) for k, v in case.kwargs.items()}
        f = op_function(spec)

        def kernel(*arrs):
            full = list(args)
            for i, a in zip(arrays, arrs):
                full[i] = a
            return f(*full, **kwargs)

        eager = to_numpy(kernel(*(args[i] for i in arrays)))
        compiled = to_numpy(_compile(cbackend, kernel)(*(args[i] for i in arrays)))
    assert_same(canonical(spec, compiled, case.args), canonical(spec, eager, case.args), spec,
                what="compiled result")
