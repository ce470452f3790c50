"""Wrong arguments for every op on every backend: the error is a TypeError, a ValueError or
an IndexError (as NumPy's), of the same kind on every backend, and names the op.

Hypothesis draws a valid call of the op (the conformance drawers), then spoils one thing:

- an array argument becomes a string, ``None``, a plain object, a dict or a nested list of
  strings: TypeError;
- an axis becomes one far out of range (IndexError; crossops's ``OpAxisError`` is also a
  ValueError, as NumPy's ``AxisError``), or a string or a float (TypeError);
- a ``dtype`` becomes an int, a bool, an unknown name or an object: TypeError;
- the second operand of a binary element-wise op gets a shape that does not broadcast:
  ValueError;
- an array argument becomes a ragged nested list of numbers: ValueError (NumPy's).

Each drawn case is spoilt every way it can be, one at a time. The message names the op,
and, for a spoilt array or axis, the argument. A second test draws one float32 case of
each op, spoils it every way, and runs each spoilt call on every backend: the error is of
the same type on all (``OpAxisError`` for an axis out of range; else TypeError,
ValueError or IndexError). A third spoils the creation functions' ``dtype``, shape,
``num`` and ``n_rows``.

Nothing else may come out: no KeyError, AttributeError or NameError from inside a
framework or crossops, and no result.
"""

from __future__ import annotations

import inspect
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crossops
import crossops.numpy as xnp
import crossops.ops  # noqa: F401  (every namespace in the table)
from crossops._arguments import axis_params
from crossops._errors import OpAxisError

from ._chapters import per_op
from .backends import BACKENDS, backend_context, op_function
from .strategies import draw_case
from .test_conformance import DRAWN, SPEC, _dtypes, _skip_if_unavailable, _to

#: cases per op and backend, each spoilt every way it can be: 1 in the default suite (with
#: the float32 case of test_same_error_on_every_backend, two per op and backend; the file
#: within about a minute on two cores), 50 in the thorough profile
THOROUGH = os.environ.get("CROSSOPS_PROFILE") == "thorough"
EXAMPLES = 50 if THOROUGH else 1
#: wrong values for an array argument
BAD_ARRAYS = {"a string": "abc", "None": None, "an object": object(), "a dict": {"a": 1},
              "a nested list of strings": [["a", "b"]],
              "a ragged nested list": [[1.0, 2.0], [3.0]]}
#: the error each wrong array value gives (TypeError unless named)
ARRAY_ERRORS = {"a ragged nested list": ValueError}
#: wrong values for a dtype argument
BAD_DTYPES = {"the int 5": 5, "True": True, "an unknown name": "float31", "an object": object()}
#: parameters that take other values than arrays beside them (see crossops._arguments)
NOT_ONLY_ARRAYS = {"window", "bins", "subscripts", "seed", "dtype"}
#: groups whose array parameters take pytrees or seeds (control flow, random)
PYTREE_GROUPS = {"core", "random"}
#: draws (spec/tests) of ops whose second operand broadcasts against the first
BROADCASTING = {"binary", "binary_nonzero", "binary_shift", "compare"}


def _mutations(spec, case) -> list[tuple[str, str]]:
    """(what to spoil, which parameter) for a drawn case of ``spec``'s op."""
    out = []
    present = set(spec.params[:len(case.args)]) | set(case.kwargs)
    if spec.group not in PYTREE_GROUPS and spec.dispatch != "dtype":
        for name in spec.arrays:
            if name in present and name not in NOT_ONLY_ARRAYS:
                out.append(("array", name))
    if spec.group not in PYTREE_GROUPS:
        out += [("axis", name) for name in axis_params(spec)]
    if "dtype" in spec.params and spec.dispatch != "dtype":
        out.append(("dtype", "dtype"))
    if spec.draw in BROADCASTING:
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


def _defaults_to_none(spec, name: str) -> bool:
    """Whether array parameter ``name`` is optional with default None: in the op's spec, or
    in its public function (crossops.numpy's NumPy form of ``where`` has ``x=None``)."""
    public = list(inspect.signature(op_function(spec)).parameters.values())
    i = spec.params.index(name)
    return spec.sig.parameters[name].default is None or (
        i < len(public) and public[i].default is None)


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


def _spoil(draw, spec, backend, args, kwargs, what, name, dt):
    """Spoil ``name`` of the call (in place) the ``what`` way, with values from
    ``draw(strategy, label)``: the label of the value and the exception expected, or None
    where the call has nothing to spoil that way."""
    if what == "array":
        label = draw(st.sampled_from(sorted(BAD_ARRAYS)), f"value of {name}")
        value, expected = BAD_ARRAYS[label], ARRAY_ERRORS.get(label, TypeError)
        if value is None and _defaults_to_none(spec, name):
            value, label = "abc", "a string"  # None is an optional array's default
    elif what == "axis":
        ndim = _first_ndim(spec, args, kwargs)
        value = draw(st.sampled_from([ndim + 7, -ndim - 8, "x", 1.5]), name)
        expected = OpAxisError if isinstance(value, int) else TypeError
        label = repr(value)
    elif what == "dtype":
        label = draw(st.sampled_from(sorted(BAD_DTYPES)), "dtype")
        value, expected = BAD_DTYPES[label], TypeError
    else:
        shape = _unbroadcastable(args[0] if args else None)
        if shape is None:
            return None
        value, expected, label = _to(backend, np.ones(shape, dt)), ValueError, str(shape)
    _set(spec, args, kwargs, name, value)
    return label, expected


def _error(spec, args, kwargs) -> Exception | None:
    try:
        op_function(spec)(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 (which one is the question)
        return e
    return None


def _check_error(err, qualname, backend, what, name, label, expected) -> None:
    where = f"{qualname} on {backend} with {name} = {label}"
    assert err is not None, f"{where}: no error"
    assert isinstance(err, expected), (
        f"{where}: raised {type(err).__name__}: {err}, expected {expected.__name__}")
    message = str(err)
    assert qualname.rpartition(".")[2] in message, (
        f"{where}: the message does not name the op: {message}")
    if what in ("array", "axis"):
        assert name in message, f"{where}: the message does not name {name!r}: {message}"


@per_op(DRAWN)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_wrong_argument(qualname, backend, data):
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, backend)
    checked = 0
    with backend_context(backend):
        dt = data.draw(st.sampled_from(_dtypes(spec, backend)), label="dtype")
        case = draw_case(data, spec, dt)
        mutations = _mutations(spec, case)
        if not mutations:
            pytest.skip(f"{qualname}: no array, axis, dtype or broadcast argument to spoil")
        for what, name in mutations:  # each on a fresh copy of the case
            args = [_to(backend, a) for a in case.args]
            kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
            spoilt = _spoil(lambda s, label: data.draw(s, label=label), spec, backend, args,
                            kwargs, what, name, dt)
            if spoilt is None:  # every shape broadcasts with the drawn first operand
                continue
            label, expected = spoilt
            _check_error(_error(spec, args, kwargs), qualname, backend, what, name, label,
                         expected)
            checked += 1
    if not checked:
        pytest.skip(f"{qualname}: every shape broadcasts with the drawn first operand")


#: ops that run on every backend with float32 data (the cross-backend test's choice)
EVERYWHERE = [q for q in DRAWN if not any(SPEC[q].unavailable(b) for b in BACKENDS)
              and "float32" in SPEC[q].dtype_names
              and all("float32" in _dtypes(SPEC[q], b) for b in BACKENDS)]


def _kind_of_error(err: Exception | None) -> str:
    """The type an error counts as: crossops's axis error, or the first standard type."""
    if err is None:
        return "no error"
    if isinstance(err, OpAxisError):
        return "OpAxisError"
    for cls in (TypeError, IndexError, ValueError):
        if isinstance(err, cls):
            return cls.__name__
    return type(err).__name__


@per_op(EVERYWHERE)
@pytest.mark.skipif(len(BACKENDS) < 2, reason="needs two backends to compare")
@settings(max_examples=20 if THOROUGH else 1)
@given(data=st.data())
def test_same_error_on_every_backend(qualname, data):
    """One float32 case of the op, spoilt every way it can be, each spoilt call run on every
    backend with the same values: the error expected (as in test_wrong_argument), and of
    the same type everywhere."""
    spec = SPEC[qualname]
    with backend_context("numpy"):
        case = draw_case(data, spec, "float32")
    for what, name in _mutations(spec, case):
        drawn: dict = {}

        def draw_once(strategy, label, drawn=drawn):
            """The value drawn for the first backend, the same one for the others."""
            if label not in drawn:
                drawn[label] = data.draw(strategy, label=label)
            return drawn[label]

        seen = {}
        for backend in BACKENDS:
            with backend_context(backend):
                args = [_to(backend, a) for a in case.args]
                kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
                spoilt = _spoil(draw_once, spec, backend, args, kwargs, what, name, "float32")
                if spoilt is None:
                    break
                err = _error(spec, args, kwargs)
                _check_error(err, qualname, backend, what, name, *spoilt)
                seen[backend] = (_kind_of_error(err), spoilt[0])
        kinds = {k for k, _ in seen.values()}
        assert len(kinds) <= 1, f"{qualname} with {name} spoilt ({what}): {seen}"


#: creation functions and a valid call of each (their dtype, shape, num or N spoilt)
CREATION = {
    "zeros": ((3,), {}), "ones": ((3,), {}), "empty": ((3,), {}), "full": ((3, 1.0), {}),
    "eye": ((3,), {}), "arange": ((3,), {}), "linspace": ((0.0, 1.0, 5), {}),
}
#: wrong shapes (of zeros, ones, empty, full) and what each raises
BAD_SHAPES = {"a string": ("abc", TypeError), "a float": (1.5, TypeError),
              "an object": (object(), TypeError), "a tuple with a float": ((2, 1.5), TypeError),
              "a ragged nested list": ([[1], [2, 3]], TypeError),
              "a negative dimension": ((2, -3), ValueError), "a negative int": (-1, ValueError)}
#: wrong counts (linspace's num, eye's n_rows)
BAD_COUNTS = {"a string": ("x", TypeError), "a float": (2.5, TypeError),
              "an object": (object(), TypeError), "a negative int": (-2, ValueError)}


@per_op(sorted(CREATION))
@settings(max_examples=20 if THOROUGH else 6)
@given(data=st.data())
def test_wrong_creation_argument(qualname, backend, data):
    """A wrong dtype, shape or count for a creation function: the same error type on every
    backend (TypeError for a wrong type, ValueError for a negative size), naming the op
    and, for a shape or count, the argument."""
    spec = SPEC[qualname]
    args, kwargs = CREATION[qualname]
    args, kwargs = list(args), dict(kwargs)
    where = {"zeros": "shape", "ones": "shape", "empty": "shape", "full": "shape",
             "linspace": "num", "eye": "n_rows"}.get(qualname)
    choices = ["dtype"] + ([where] if where else [])
    name = data.draw(st.sampled_from(choices), label="argument")
    if name == "dtype":
        label = data.draw(st.sampled_from(sorted(BAD_DTYPES)), label="value")
        value, expected = BAD_DTYPES[label], TypeError
    else:
        table = BAD_SHAPES if name == "shape" else BAD_COUNTS
        label = data.draw(st.sampled_from(sorted(table)), label="value")
        value, expected = table[label]
    _set(spec, args, kwargs, name, value)
    with backend_context(backend):
        err = _error(spec, args, kwargs)
    _check_error(err, qualname, backend, "creation", name, label, expected)
    if name != "dtype":
        assert name in str(err), f"{qualname} on {backend}: {name!r} not named: {err}"


# jax reads the string "a" as a dtype first, and NumPy warns that this alias is deprecated
@pytest.mark.filterwarnings("ignore:Data type alias 'a' was deprecated")
@pytest.mark.parametrize("call, expected", [
    (lambda: xnp.arange(0, 10, 0), ZeroDivisionError),  # NumPy's type for a zero step
    (lambda: xnp.full((2,), "a"), TypeError),
], ids=["arange_step_0", "full_string_fill"])
def test_creation_values_raise_one_type_on_every_backend(backend, call, expected):
    if backend == "numpy" and expected is TypeError:
        pytest.skip("NumPy makes an array of strings, as numpy.full does")
    with backend_context(backend), pytest.raises(expected, match="arange|full"):
        call()



@pytest.mark.skipif("tensorflow" not in BACKENDS, reason="needs TensorFlow's dtypes")
def test_int_and_bool_dtypes_after_tensorflow_dtypes(backend):
    """A TensorFlow dtype hashes and compares equal to its enum (tf.int16 == 5, tf.float32
    == 1 == True): once those had passed through the dtype cache, ``zeros(3, dtype=5)``
    gave int16 and ``dtype=True`` float32. Both stay TypeErrors, on every backend."""
    import tensorflow as tf
    with backend_context(backend):
        for dt in (tf.int16, tf.float32, tf.bool):
            xnp.zeros(3, dtype=dt)  # through the dtype cache
        for bad in (5, True, 1):
            with pytest.raises(TypeError, match="zeros: unknown dtype"):
                xnp.zeros(3, dtype=bad)

#: ops with a parameter holding axes (a bool there is refused on every backend)
WITH_AXES = [q for q in DRAWN if axis_params(SPEC[q]) and SPEC[q].group not in PYTREE_GROUPS]
#: bools given for axes: bare, inside a tuple or a list, and NumPy's bool scalars
BOOL_AXES = {"True": True, "False": False, "(0, True)": (0, True), "(False, 0)": (False, 0),
             "[True]": [True], "(np.True_,)": (np.True_,), "np.False_": np.False_}


@per_op(WITH_AXES)
@settings(max_examples=1)
@given(data=st.data())
def test_bool_axis_is_refused(qualname, backend, data):
    """A bool for an axis, bare or inside a tuple or list of axes: TypeError naming the op
    and the argument, on every backend, also once the call's types are cached (where the C
    front takes calls itself). Some frameworks read True as axis 1 (jax's reductions,
    torch's expand_dims in a tuple); NumPy's C functions refuse it while its Python ones
    (flip, moveaxis, median, expand_dims, fft) read it as 1: crossops refuses it
    everywhere."""
    spec = SPEC[qualname]
    _skip_if_unavailable(spec, backend)
    with backend_context(backend):
        dt = data.draw(st.sampled_from(_dtypes(spec, backend)), label="dtype")
        case = draw_case(data, spec, dt)
        args = [_to(backend, a) for a in case.args]
        kwargs = {k: _to(backend, v) for k, v in case.kwargs.items()}
        try:
            op_function(spec)(*args, **kwargs)  # a valid call: the caches hold its types
        except Exception:  # noqa: BLE001  (a drawn case an op refuses is tested elsewhere)
            pass
        for name in axis_params(spec):
            for label, flag in BOOL_AXES.items():
                spoilt_args, spoilt_kwargs = list(args), dict(kwargs)
                _set(spec, spoilt_args, spoilt_kwargs, name, flag)
                err = _error(spec, spoilt_args, spoilt_kwargs)
                _check_error(err, qualname, backend, "axis", name, label, TypeError)
                assert "not a bool" in str(err), (  # refused as a bool, not by chance
                    f"{qualname} on {backend} with {name} = {label}: {err}")


#: an array with axes of size 1 (squeeze), and calls of ops with a tuple or list of axes,
#: one per family (reductions, manipulation, linalg, fft, keras.ops's forms): name ->
#: (the call of axes, valid axes, the same axes with a bool, NumPy's result)
_X4 = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 1, 3, 1)
TUPLE_AXIS_CALLS = {
    "sum": (lambda x, a: xnp.sum(x, axis=a), (0, 2), (0, True),
            np.sum(_X4, axis=(0, 2))),
    "flip": (lambda x, a: xnp.flip(x, axis=a), [0, 2], [0, False],
             np.flip(_X4, axis=(0, 2))),
    "transpose": (lambda x, a: xnp.transpose(x, a), (3, 2, 1, 0), (3, 2, True, 0),
                  np.transpose(_X4, (3, 2, 1, 0))),
    "expand_dims": (lambda x, a: xnp.expand_dims(x, a), (0, 2), (0, True),
                    np.expand_dims(_X4, (0, 2))),
    "squeeze": (lambda x, a: xnp.squeeze(x, a), (1, 3), (True, 3), np.squeeze(_X4, (1, 3))),
    "moveaxis": (lambda x, a: xnp.moveaxis(x, a, (2, 3)), (0, 1), (0, True),
                 np.moveaxis(_X4, (0, 1), (2, 3))),
    "linalg.norm": (lambda x, a: xnp.linalg.norm(x, axis=a), (0, 2), (0, True),
                    np.linalg.norm(_X4, axis=(0, 2))),
    "fft.fftn": (lambda x, a: xnp.fft.fftn(x, axes=a), (0, 2), (True, 2),
                 np.fft.fftn(_X4, axes=(0, 2)).astype(np.complex64)),
    "ops.sum": (lambda x, a: crossops.ops.sum(x, axis=a), (0, 2), (0, True),
                np.sum(_X4, axis=(0, 2))),
    "ops.expand_dims": (lambda x, a: crossops.ops.expand_dims(x, a), (0, 2), (np.True_, 0),
                        np.expand_dims(_X4, (0, 2))),
}


def _causes(err: BaseException) -> str:
    """The messages of ``err`` and of the exceptions it was raised from."""
    out = []
    while err is not None and len(out) < 8:
        out.append(f"{type(err).__name__}: {err}")
        err = err.__cause__ or err.__context__
    return "\n".join(out)


@pytest.mark.parametrize("name", sorted(TUPLE_AXIS_CALLS))
def test_bool_in_axis_tuple_compiled(backend, name):
    """Compiled (``crossops.jit``: jax.jit, torch.compile, tf.function), a tuple or list of
    int axes gives NumPy's result (on torch also under ``torch.compile(fullgraph=True)``:
    the scan for bools breaks no graph), and the same axes holding a bool raise TypeError
    naming the op and the argument. ``torch.compile(fullgraph=True)`` reports an exception
    raised while tracing as its own ``Unsupported``, the TypeError as the cause (for a bare
    bool too): that error is checked there. There a NumPy bool in the tuple meets dynamo's
    own error first (it traces NumPy scalars as tensors, so no check sees their type)."""
    from .test_axis_gaps import _compiled, _same
    call, good, bad, expected = TUPLE_AXIS_CALLS[name]
    _same(_compiled(backend, lambda x: call(x, good), _X4), expected)
    op = name.rpartition(".")[2]
    with backend_context(backend):
        x = _to(backend, _X4)
        with pytest.raises(TypeError, match=f"{op}: .* must be an int \\(or ints\\), not a bool"):
            crossops.jit(lambda x: call(x, bad))(x)
        if backend == "torch":
            import torch
            torch._dynamo.reset()
            with pytest.raises(Exception) as info:
                torch.compile(lambda x: call(x, bad), fullgraph=True, backend="eager")(x)
            torch._dynamo.reset()
            if not any(isinstance(a, np.bool_) for a in bad):  # dynamo traces NumPy scalars
                # as tensors: its own error comes first (never a result)
                assert f"{op}: " in _causes(info.value) and "not a bool" in _causes(info.value)
