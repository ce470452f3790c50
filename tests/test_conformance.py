"""The conformance suite, generated from spec/: every op on every backend against NumPy.

For each spec entry and backend, hypothesis draws an input dtype of the entry's
category, shapes and values of the entry's kind; the backend's result must equal the
NumPy reference in dtype and shape exactly and in value within the entry's tolerance.
``test_compiled`` runs the same op under ``jax.jit`` and ``tf.function`` and checks it
against the eager result; ``test_torch_compiled`` under ``torch.compile`` in one graph
(``fullgraph=True``), except for the ops whose spec entry says why they break the graph.

The tests run in the chapter modules, each over its chapter's ops
(``tests/test_<chapter>.py``, see ``tests/_chapters.py``); ``pytest -m conformance`` runs
this suite alone.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops.ops  # noqa: F401  (every namespace in the table)
import crossops.random  # noqa: F401
from crossops._backend import backend_module

from ._chapters import per_op
from ._spec_tests import spec_for_tests
from .backends import BACKENDS, backend_context, op_function, to_backend, to_numpy
from .reference import assert_same, canonical, numpy_edge_cases, reference
from .strategies import draw_case, has_drawer

SPEC = spec_for_tests()
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


@per_op(DRAWN)
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


def _kernel_case(spec, backend, data, dtypes):
    """A drawn call of ``spec``'s op on ``backend`` as a kernel of its arrays: (kernel, its
    array inputs, the case), or None where the drawn dtype is one the op refuses there."""
    if not spec.compiled:
        pytest.skip(f"{spec.qualname}: spec says compiled = false (it returns Python values, "
                    "or a shape that depends on the values)")
    dt = data.draw(st.sampled_from(dtypes), label="dtype")
    if dt in spec.unsupported_dtypes(backend):
        return None
    case = draw_case(data, spec, dt)
    arrays = [i for i, a in enumerate(case.args) if hasattr(a, "dtype")]
    args = [_to(backend, a) for a in case.args]
    kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
    f = op_function(spec)

    def kernel(*arrs):
        full = list(args)
        for i, a in zip(arrays, arrs):
            full[i] = a
        return f(*full, **kwargs)

    return kernel, [args[i] for i in arrays], case


@per_op(DRAWN)
@settings(max_examples=3)
@given(data=st.data())
def test_compiled(qualname, cbackend, data):
    """The op traced by ``jax.jit`` / ``tf.function`` gives the eager result."""
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, cbackend)
    with backend_context(cbackend):
        drawn = _kernel_case(spec, cbackend, data, _dtypes(spec, cbackend))
        if drawn is None:
            return
        kernel, inputs, case = drawn
        eager = to_numpy(kernel(*inputs))
        compiled = to_numpy(_compile(cbackend, kernel)(*inputs))
    assert_same(canonical(spec, compiled, case.args), canonical(spec, eager, case.args), spec,
                what="compiled result")


# array-api-compat's own torch functions (cumulative_sum ...) call its lru_cache'd
# array_namespace, and dynamo says once per cache that it traces through it
@per_op(DRAWN)
@pytest.mark.filterwarnings("ignore:Dynamo detected a call to a `functools.lru_cache`")
@settings(max_examples=1)
@given(data=st.data())
def test_torch_compiled(qualname, data):
    """The op traced by ``torch.compile`` gives the eager result, in one graph unless the
    spec's ``graph_break`` says why not (float32 where the op takes it; dynamo only:
    inductor's code generation is torch's, and would cost minutes)."""
    if "torch" not in BACKENDS:
        pytest.skip("torch is not installed")
    import torch
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, "torch")
    with backend_context("torch"):
        dts = _dtypes(spec, "torch")
        drawn = _kernel_case(spec, "torch", data, ["float32"] if "float32" in dts else dts)
        if drawn is None:
            return
        kernel, inputs, case = drawn
        eager = to_numpy(kernel(*inputs))
        torch._dynamo.reset()  # each op traced afresh (the kernels share one code object)
        if spec.graph_break:
            with pytest.raises(Exception, match="(?i)unsupported|data-dependent"):
                torch.compile(kernel, fullgraph=True, backend="eager")(*inputs)
            torch._dynamo.reset()
        compiled = to_numpy(torch.compile(kernel, fullgraph=not spec.graph_break,
                                          backend="eager")(*inputs))
    assert_same(canonical(spec, compiled, case.args), canonical(spec, eager, case.args), spec,
                what="torch.compile result")
