"""Every nn op (spec namespace "nn") under ``crossops.jit`` on JAX (``jax.jit``), PyTorch
(``torch.compile``) and TensorFlow (``tf.function``, with XLA where it compiles) gives its
eager result.

The op's public function itself is compiled (each op has its own code object, so
``torch.compile`` keeps one cache entry per op); its non-array arguments are static.
Inputs are float64 (x64 on for JAX), drawn by the conformance drawers.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops
import crossops.nn

from ._chapters import per_op
from ._spec_tests import spec_for_tests
from .backends import backend_context, op_function, to_backend, to_numpy
from .reference import assert_same
from .strategies import draw_case, has_drawer

SPEC = spec_for_tests()
NN = sorted(q for q, s in SPEC.items() if s.namespace == "nn" and has_drawer(s))


def _dtype(spec) -> str:
    names = spec.dtype_names
    return "float64" if "float64" in names else names[0]


def _is_array(a) -> bool:
    return isinstance(a, np.ndarray | np.generic)


def _static(v):
    return tuple(v) if isinstance(v, list) else v  # jax.jit hashes static arguments


@per_op(NN)
@settings(max_examples=1)  # torch.compile takes seconds per op
@given(data=st.data())
def test_nn_op_under_jit_matches_eager(qualname, jbackend, data):
    spec = SPEC[qualname]
    why = spec.unavailable(jbackend)
    if why:
        pytest.skip(f"{qualname} is not available on {jbackend}: {why}")
    if not spec.compiled:
        pytest.skip(f"{qualname}: spec says compiled = false")
    with backend_context(jbackend):
        case = draw_case(data, spec, _dtype(spec))
        args = [to_backend(jbackend, a) if _is_array(a) else _static(a) for a in case.args]
        kwargs = {k: to_backend(jbackend, v) if _is_array(v) else _static(v)
                  for k, v in case.kwargs.items()}
        static_nums = tuple(i for i, a in enumerate(case.args) if not _is_array(a))
        static_names = tuple(k for k, v in case.kwargs.items() if not _is_array(v))
        f = op_function(spec)
        eager = to_numpy(f(*args, **kwargs))
        jitted = crossops.jit(f, static_argnums=static_nums or None,
                              static_argnames=static_names or None)
        compiled = to_numpy(jitted(*args, **kwargs))
    assert list(jitted.compiled) == [jbackend]
    assert_same(compiled, eager, spec, what=f"{qualname} under crossops.jit on {jbackend}")
