"""Wrong arguments for every op on every backend: the error is a TypeError, a ValueError or
an IndexError (as NumPy's), of the same kind on every backend, and names the op.

Hypothesis draws a valid call of the op (the conformance drawers), then spoils one thing:

- an array argument becomes a string, ``None``, a plain object, a dict or a nested list of
  strings: TypeError;
- an axis becomes one far out of range (IndexError; crossops's ``OpAxisError`` is also a
  ValueError, as NumPy's ``AxisError``), or a string or a float (TypeError);
- a ``dtype`` becomes an int, a bool, an unknown name or an object: TypeError;
- the second operand of a binary element-wise op gets a shape that does not broadcast:
  ValueError.

Nothing else may come out: no KeyError, AttributeError or NameError from inside a
framework or crossops, and no result.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops.ops  # noqa: F401  (every namespace in the table)
from crossops._arguments import axis_params
from crossops._errors import OpAxisError

from .backends import backend_context, op_function
from .strategies import draw_case
from .test_conformance import DRAWN, SPEC, _dtypes, _skip_if_unavailable, _to

#: cases per op and backend: 4 in the default suite, 50 in the thorough profile
EXAMPLES = 50 if os.environ.get("CROSSOPS_PROFILE") == "thorough" else 4
#: wrong values for an array argument
BAD_ARRAYS = {"a string": "abc", "None": None, "an object": object(), "a dict": {"a": 1},
              "a nested list of strings": [["a", "b"]]}
#: wrong values for a dtype argument
BAD_DTYPES = {"the int 5": 5, "True": True, "an unknown name": "float31", "an object": object()}
#: parameters that take other values than arrays beside them (see crossops._arguments)
NOT_ONLY_ARRAYS = {"window", "bins", "subscripts", "seed", "dtype"}
#: groups whose array parameters take pytrees or seeds (control flow, random)
PYTREE_GROUPS = {"core", "random"}
#: kinds of op whose second operand broadcasts against the first
BROADCASTING = {"binary", "binary_nonzero", "binary_shift", "compare"}


def _mutations(spec, case) -> list[tuple[str, str]]:
    """(what to spoil, which parameter) for a drawn case of ``spec``'s op."""
    out = []
    present = set(spec.params[:len(case.args)]) | set(case.kwargs)
    if spec.group not in PYTREE_GROUPS and spec.kind != "dtype":
        for name in spec.arrays:
            if name in present and name not in NOT_ONLY_ARRAYS:
                out.append(("array", name))
    if spec.group not in PYTREE_GROUPS:
        out += [("axis", name) for name in axis_params(spec)]
    if "dtype" in spec.params and spec.kind != "dtype":
        out.append(("dtype", "dtype"))
    if spec.kind in BROADCASTING:
        out.append(("shape", spec.arrays[1]))
    return out


def _set(spec, args: list, kwargs: dict, name: str, value) -> None:
    params = list(spec.sig.parameters.values())
    i = spec.params.index(name)
    after_star = any(p.kind is p.VAR_POSITIONAL for p in params[:i])
    if i < len(args) and not after_star:
        args[i] = value
    else:
        kwargs[name] = value


def _unbroadcastable(first) -> tuple | None:
    """A shape that does not broadcast with ``first``'s: one of its axes longer by one."""
    shape = tuple(getattr(first, "shape", ()))
    for i, n in enumerate(shape):
        if n != 1:
            return shape[:i] + (n + 1 if n else 2,) + shape[i + 1:]
    return None


def _first_ndim(spec, args, kwargs) -> int:
    for name in spec.arrays:
        i = spec.params.index(name)
        value = args[i] if i < len(args) else kwargs.get(name)
        if hasattr(value, "shape"):
            return len(value.shape)
    return 0


@pytest.mark.parametrize("qualname", DRAWN)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_wrong_argument(qualname, backend, data):
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, backend)
    with backend_context(backend):
        dt = data.draw(st.sampled_from(_dtypes(spec, backend)), label="dtype")
        case = draw_case(data, spec, dt)
        mutations = _mutations(spec, case)
        if not mutations:
            pytest.skip(f"{qualname}: no array, axis, dtype or broadcast argument to spoil")
        what, name = data.draw(st.sampled_from(mutations), label="mutation")
        args = [_to(backend, a) for a in case.args]
        kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
        if what == "array":
            label = data.draw(st.sampled_from(sorted(BAD_ARRAYS)), label="value")
            value, expected = BAD_ARRAYS[label], TypeError
            if value is None and spec.sig.parameters[name].default is None:
                value, label = "abc", "a string"  # None is an optional array's default
        elif what == "axis":
            ndim = _first_ndim(spec, args, kwargs)
            value = data.draw(st.sampled_from([ndim + 7, -ndim - 8, "x", 1.5]), label="value")
            expected = OpAxisError if isinstance(value, int) else TypeError
            label = repr(value)
        elif what == "dtype":
            label = data.draw(st.sampled_from(sorted(BAD_DTYPES)), label="value")
            value, expected = BAD_DTYPES[label], TypeError
        else:
            shape = _unbroadcastable(args[0] if args else None)
            if shape is None:
                pytest.skip(f"{qualname}: every shape broadcasts with the drawn first operand")
            value, expected, label = _to(backend, np.ones(shape, dt)), ValueError, str(shape)
        _set(spec, args, kwargs, name, value)
        try:
            op_function(spec)(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 (which one is the question)
            err = e
        else:
            pytest.fail(f"{qualname} on {backend} with {name} = {label}: no error")
    assert isinstance(err, expected), (
        f"{qualname} on {backend} with {name} = {label}: raised {type(err).__name__}: {err}, "
        f"expected {expected.__name__}")
    message = str(err)
    assert qualname.rpartition(".")[2] in message, (
        f"{qualname} on {backend} with {name} = {label}: the message does not name the op: "
        f"{message}")
