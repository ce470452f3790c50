"""Acceleration, in one place: the C fronts of the ops and what torch.compile needs.

- **C fronts.** Where the optional extension ``crossops._fastpath`` is built, an op whose
  arrays lead its signature gets a front: a builtin that takes the op's common call (the
  required arguments only, by position, arrays of one type already in the op's cache)
  and hands every other call to the op's generated function (see ``_fastpath.c``). The
  generated modules call :func:`accelerate` after each ``def``. A keras.ops form whose
  dtype rule changes some dtypes (``ops.sum`` of int8 accumulates in int32, ``ops.exp``
  of an integer is float32) gets a front that takes only the dtypes the rule leaves alone
  (``crossops._keras_dtypes.unchanged_dtypes``). An op whose first parameter is a
  sequence of arrays (``concatenate``, ``stack``) gets a front keyed on the types of the
  items, as its generated function keys its cache. An op of several arrays that lead its
  signature (``take(x, indices)``, ``dot``, ``nn.conv``), or whose required parameters
  hold them after a leading one (``core.slice_update(inputs, start_indices, updates)``),
  gets a front for arrays of one type, whose function ``Op`` keeps under that type too,
  and for arguments of other types (a host array beside a tensor, a Python int:
  ``repeat(x, 2)``), by the tuple of their types, as its generated function keys its
  cache. A fast call that raises is not run
  again: the front hands the exception to the op's ``Op.failed``, which raises it as the
  generated function would (:func:`_fail_hook`). That holds for the functions
  ``scripts/gen_ops.py`` writes, each of which raises its errors through ``Op.fail``: the
  generated modules call :func:`accelerate_generated`, which says so; a hand-written form
  calls :func:`accelerate`, and its front hands a failed call to the form.
  A front also calls a framework's own function for a call with options where the
  backend's ``AT_OPTIONS`` has one (``torch.sum(x, 0)`` for ``sum(x, axis=0)``:
  ``Op.options``), a backend's partial function without its fallback's frame
  (``Op.partials``), and a binary op's function with the 0-d array its slow path keeps
  for a Python float (``maximum(x, 0.0)``: ``Op.scalar_plan``). ``astype``'s front takes a
  dtype of the backend's own class (``torch.dtype``), keyed beside the array's type;
  ``squeeze``'s keeps its plain function's result only for an axis of size 1
  (``_UNIT_AXIS_OPS``); a front calls an ``AT_DEFAULTS`` function only for the numbers
  of dimensions its backend's ``AT_DEFAULTS_RANKS`` gives (``Op.ranks``: ``torch.t``,
  transpose's, for at most 2; four bounds check the second array too: torch's ``dot``),
  and reads an attribute's descriptor of the one array (``torch.Tensor.mT``);
  ``clip``'s takes Python number bounds to ``AT_OPTIONS`` (``_NUMBER_OPTION_OPS``), and
  keras.ops's ``clip(x, x_min, x_max)``, whose bounds the op has as optional, only calls
  that give all three (``least``).
  An op without array arguments (``zeros``, ``arange``: creation) gets a creation front,
  which reads the default backend as ``crossops.get_backend`` does and calls the route
  found once per backend (and Keras's ``floatx``) for a call of its required arguments
  alone: the framework's own function where the backend's ``AT_DEFAULTS`` has one,
  else the backend's function (:func:`_creation_front`).
  ``CROSSOPS_PURE_PYTHON=1`` turns the fronts off.
- **torch.compile.** dynamo cannot look into a builtin, so each front is registered with
  ``torch.compiler.substitute_in_graph`` to trace its generated function instead; torch's
  cached dtype helpers are substituted by uncached ones (a cache read under tracing
  guards on every cached key); the functions declared host work on Python data
  (``crossops._host.host_constant``: the entry point of this seam for the modules below
  it) are marked ``torch.compiler.assume_constant_result``, so that dynamo calls them
  while tracing and takes their results as constants; and :func:`skip_crossops_guards`,
  the guard filter ``crossops.jit`` gives ``torch.compile``, drops the guards on
  crossops's own dispatch.
  All of it happens when torch's compiler (``torch._dynamo``) is imported with the torch
  backend loaded (by ``torch.compile``, ``crossops.jit`` or the user), never before.
- **tf.function.** AutoGraph calls crossops's code as it is, as it calls Keras's (see
  :func:`called_as_is`): the ops that are Python functions, and the layers, losses,
  metrics and optimizers.

Examples
--------
>>> import crossops.numpy as xnp
>>> from crossops._accel import FRONTS
>>> fn = FRONTS.get(xnp.add, xnp.add)  # the generated function behind the front
>>> fn.__name__, fn.__module__
('add', 'crossops.numpy._ops')
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
import types
from collections.abc import Callable
from typing import TypeVar

from . import _backend, _host
from ._arguments import axis_params
from ._dispatch import FUNCTIONS, PROMOTED_DISPATCH, Op, forwarding
from ._dtypes import PY_INTS_OR_NONE, PY_SCALARS_OR_NONE, is_inexact
from ._spec import OpSpec

F = TypeVar("F", bound=Callable)

#: C front -> the generated function it stands for (which torch.compile traces instead)
FRONTS: dict = {}

try:
    if os.environ.get("CROSSOPS_PURE_PYTHON"):
        raise ImportError("CROSSOPS_PURE_PYTHON is set")
    from ._fastpath import MAX_PARAMS as _MAX_PARAMS
    from ._fastpath import creation as _make_creation
    from ._fastpath import creation_setup as _creation_setup
    from ._fastpath import front as _make_front
    from ._fastpath import not_given as _not_given
    from ._fastpath import plain_changed as _plain_changed
except ImportError:  # built without a C compiler, or turned off: the generated functions
    _make_front = None
else:  # where the creation fronts read the default backend (as _backend.get_backend)
    _creation_setup(_backend._traced, _backend._context_default, vars(_backend))


def accelerate(fn: F, op: Op, positions: dict | None = None, dtypes: set | None = None,
               result: str | None = None, *, raises_through_op: bool = False,
               uniform: bool = False, creation: str | None = None, least: int = 0,
               sets: dict | None = None) -> F:
    """``fn`` (an op's generated function), or its C front where ``crossops._fastpath``
    is built and the op has a fast call; registered in ``crossops._dispatch.FUNCTIONS``.
    ``positions``: the public parameters that, given by position, mean an op parameter
    of another name (crossops.numpy's ``clip``: ``a_min`` is ``min``); None for one whose
    value the generated function reads first (``qr``'s ``mode='raw'``): the front then
    takes the required arguments alone. ``dtypes`` (a keras.ops form whose dtype rule
    changes some dtypes, see ``crossops._keras_dtypes.unchanged_dtypes``): the front takes
    only calls whose first array has one of these dtypes, and hands the others to ``fn``.
    ``result`` (a keras.ops form that casts its result: ``ops.argmax``'s int32): the
    front casts a fast call's result to this dtype, by the cast of the array type's
    backend (its ``RESULT_CASTS``; a backend without one: its calls go to ``fn``).
    ``uniform`` (a keras.ops form that promotes the items of its sequence to one dtype
    first: ``ops.concatenate``): the front takes only calls whose items have one dtype
    already, where that promotion changes nothing, and hands the others to ``fn``.
    ``creation`` (a keras.ops form of an op without array arguments, whose dtype rule
    reads Keras's settings: ``"floatx"``, ``"arange"``): the rule its creation front
    follows (see :func:`_creation_front`).
    ``least`` (a keras.ops form that requires parameters the op has as optional ones:
    Keras's ``clip(x, x_min, x_max)``): the number of arguments a call must give to take
    the front; ``fn`` raises Keras's TypeError for the others.
    ``sets`` (a public function that passes some of the op's optional parameters
    otherwise than the op's defaults where its caller leaves them out: crossops.numpy's
    and keras.ops's ``sort``, ``stable=False``): those values, which the front passes
    too; it then calls none of a backend's own functions for the op's defaults
    (``AT_DEFAULTS``, ``AT_OPTIONS``).
    ``raises_through_op``: whether ``fn`` raises every error through ``op.fail`` (the
    generated functions do: :func:`accelerate_generated`); then the front raises a fast
    call's error as ``fn`` would, without running the op again, else it hands the failed
    call to ``fn`` (a hand-written keras.ops form, whose own checks may raise first)."""
    if op.spec.dispatch == "creation" and not op.spec.arrays:
        front = _creation_front(op, fn, creation)
    else:
        front = _front(op.spec, op, fn, positions or {}, dtypes, result, raises_through_op,
                       uniform, least, sets or {})
    if front is not None:
        FRONTS[front] = fn
        if raises_through_op:
            RAISE_THROUGH_OP.add(fn)
        if _torch_compile_ready:
            _substitute(front, fn)
    public = front or called_as_is(fn)  # (a front is a builtin: AutoGraph calls it as is)
    FUNCTIONS[public] = op
    return public


#: the generated functions behind fronts that raise a fast call's error through
#: ``Op.failed`` (accelerated by :func:`accelerate_generated`)
RAISE_THROUGH_OP: set = set()


def accelerate_generated(fn: F, op: Op, positions: dict | None = None,
                         dtypes: set | None = None, result: str | None = None,
                         uniform: bool = False, creation: str | None = None,
                         least: int = 0, sets: dict | None = None) -> F:
    """:func:`accelerate` for a function that ``scripts/gen_ops.py`` wrote, which the
    generated modules call after each ``def``: every such function runs its op inside one
    ``try`` whose ``except Exception as _e: <op>.fail(_e)`` clause raises its errors
    (``raises_through_op=True``)."""
    return accelerate(fn, op, positions, dtypes, result, raises_through_op=True,
                      uniform=uniform, creation=creation, least=least, sets=sets)


class FrontDict(dict):
    """An op's plain cache (``Op.plain``) or options routes (``Op.options``) once a C
    front reads them: the fronts keep the last entry they found in each until it
    changes: a new entry, or one written again as it was (the same object, or an equal
    tuple), changes none they found (the dispatch's own writes, also while torch.compile
    traces); an entry replaced or removed (a test's ``monkeypatch.setitem``) tells them
    (``crossops._fastpath.plain_changed``). Its dicts by dtype, a backend's
    ``AT_DEFAULTS`` tables, are constants."""

    __slots__ = ()

    def __setitem__(self, key, value):
        old = self.get(key, value)
        replaced = old is not value and not (type(old) is tuple and old == value)
        super().__setitem__(key, value)
        if replaced:
            _plain_changed()

    def __delitem__(self, key):
        super().__delitem__(key)
        _plain_changed()

    def _refused(self, *args, **kwargs):
        raise TypeError("an op's plain cache changes by item only (d[key] = f, del d[key])")

    pop = popitem = clear = update = setdefault = __ior__ = _refused


def not_given_marker(marker_type: type) -> None:
    """Have the C fronts hand a call with an option of ``marker_type`` to the generated
    function: crossops.numpy's ``<no value>`` marker given explicitly, which only the
    generated function reads as the value it stands for (the backend would get the
    marker itself)."""
    if _make_front is not None:
        _not_given(marker_type)


def _front(spec: OpSpec, op: Op, fn: Callable, positions: dict, dtypes: set | None = None,
           result: str | None = None, raises_through_op: bool = False,
           uniform: bool = False, least: int = 0, sets: dict | None = None):
    """The C front of generated function ``fn``, or None where the C extension is
    missing or the op has no fast call: an op gets one if its array arguments lead its
    signature, all required and by position, and its cache is keyed on their one type
    (promoted ops, ops of one array, ops of several arrays given arrays of one type), or
    on the types of the items of its first parameter, a sequence of arrays."""
    if _make_front is None:
        return None
    params = list(spec.parameters.values())
    required = [p for p in params if p.default is p.empty]
    # a sequence of arrays first (concatenate's): a front keyed on its items' types
    seq = bool(spec.sequences) and spec.sequences == (params[0].name,) and set(
        spec.arrays) <= set(spec.sequences)
    if (not required or params[:len(required)] != required
            or (spec.sequences and not seq) or len(params) > _MAX_PARAMS
            or any(p.kind is p.KEYWORD_ONLY for p in required)
            or any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params)):
        return None
    dtype = spec.parameters.get("dtype")
    # ``astype(x, dtype)``: a dtype that keys the cache beside the array's type; the front
    # takes one of the backend's own dtype class, which the conversion returns as it is
    keyed = (dtype is not None and dtype.default is dtype.empty and len(required) == 2
             and required[1] is dtype and spec.arrays == (params[0].name, "dtype")
             and fn.__module__ == "crossops.numpy._ops" and dtypes is None and not result)
    if dtype is not None and dtype.default is not None and not keyed:
        return None  # a dtype to convert on every call
    promoted = PROMOTED_DISPATCH.get(spec.dispatch)
    typed = None  # (the arrays that share one type, where they do not all lead)
    if promoted:
        ntyped, (a, b) = len(params), promoted
    elif seq or spec.arrays == (params[0].name,) or keyed:
        ntyped, a, b = 1, -1, -1
    elif (len(spec.arrays) > 1 and dtypes is None and result is None
          and spec.arrays == tuple(p.name for p in required[:len(spec.arrays)])):
        # arrays that lead the signature, all required: a call whose arrays have one type
        # finds its function under that type (Op._store keeps it there too); not where
        # a dtype rule or a cast reads the first array's dtype alone; of one dtype too
        # where a backend's function for them promotes otherwise (_ONE_DTYPE_OPS)
        ntyped, (a, b) = len(spec.arrays), _ONE_DTYPE_OPS.get(spec.qualname, (-1, -1))
    elif (len(spec.arrays) > 1 and dtypes is None and result is None
          and spec.arrays[0] == params[0].name
          and set(spec.arrays) <= {p.name for p in required}
          and list(spec.arrays) == [p.name for p in required if p.name in spec.arrays]):
        # arrays among the required parameters, the first leading, in the order the
        # generated function keys them (``slice_update(inputs, start_indices, updates)``):
        # the same, by their indices (``typed``), all of them and what lies between given
        # by position
        typed = tuple(i for i, p in enumerate(required) if p.name in spec.arrays)
        ntyped, a, b = typed[-1] + 1, -1, -1
    else:
        return None
    passed = forwarding(spec)  # (less the generated function's own: own_params)
    kwnames = tuple(p.name for p, how in passed if how == "kw") or None
    defaults = tuple(sets.get(p.name, p.default) for p, _ in passed[len(required):]) or None
    if dtypes is not None and (a > 0 or seq):
        return None  # (the front checks the dtype of the first argument)
    if uniform and not seq:
        return None  # (the front checks the dtypes of a sequence's items)
    # the slow path's cache is keyed on the arguments' types only, and filled by
    # crossops.numpy's calls too: keras.ops's own forms (crossops._keras_ops,
    # ._keras_special), whose dtype rules act on Python scalars (``ops.add(int8_array,
    # 1.0)`` is float32), must not take it; but for Keras's ``weak`` rule (``weak_inputs``
    # alone) a Python scalar beside a float or complex array, and two arrays, come out
    # as in crossops.numpy, so such a form takes those calls (the front's ``weak`` set);
    # so for ``weak_int`` (``power``, ``mod``), which also computes two bools in int32:
    # its front takes no bool first array (``dtypes``), and two arrays of which one is no
    # bool are the op's table's
    keras_form = fn.__module__ in ("crossops._keras_ops", "crossops._keras_special")
    public = params
    if keras_form or fn.__code__.co_varnames[:len(params)] != spec.params:
        public = list(inspect.signature(fn).parameters.values())  # (NumPy's, Keras's)
    names, npos, kwfrom, convert = _options(public, [p for p, _ in passed], ntyped,
                                            positions, sets)
    if (seq or result or keyed) and names is None:
        return None  # (a sequence op's every call takes the path with options)
    if keyed:
        convert = -1  # (the dtype, of the backend's own class, passes as it is)
    doc = f"{spec.name}{spec.signature}\n--\n\n{fn.__doc__}"
    weak = keras_form and (spec.keras_dtype in ("weak", "weak_int") or (
        fn.__module__, spec.qualname) in _WEAK_SPECIAL_FORMS)
    # a generated keras.ops form without a dtype rule (Keras's own signature only:
    # ``ops.greater(x1, x2)``) calls the op's slow path for mixed types, as crossops.numpy's
    # function does: its front takes those calls alike
    ruleless = fn.__module__ == "crossops._keras_ops" and not spec.keras_dtype
    mixed = op._slow_cache if promoted and (weak or ruleless or not keras_form) else None
    if result is not None and (mixed is not None or seq):
        return None  # (a front that casts its result takes one type's calls only)
    if keras_form and names is not None:
        # by keyword only the op's parameters that Keras's signature has by the same name
        # (its body maps the rest, or has no such parameter: ``sum``'s ``dtype``)
        known = {p.name for p in public}
        names = tuple(n if n in known else None for n in names)
    forwarded = [p.name for p, _ in passed]
    axes = tuple(forwarded.index(p) for p in axis_params(spec) if p in forwarded)
    if type(op.plain) is not FrontDict:  # (the fronts keep what they read in them)
        op.plain = FrontDict(op.plain)
    if type(op.options) is not FrontDict:
        op.options = FrontDict(op.options)
    # (a backend's own functions make the op's call at the op's defaults: where ``sets``
    # changes one, such a front calls the cached function only; ``argsort``'s stable=None
    # is the op's own True)
    changed = any(spec.parameters[k].default != v for k, v in sets.items()) if sets else False
    plain, options = (FrontDict(), None) if changed else (
        op.plain, op.options if names is not None else None)
    return _make_front(spec.name, doc, fn.__module__, fn, op.cache, plain, mixed,
                       defaults, kwnames, len(required), ntyped, a, b, names, npos, kwfrom,
                       convert, axes, dtypes,
                       _fail_hook(op, raises_through_op, tuple(forwarded)), seq,
                       None if result is None else _result_casts(result),
                       None if result is None else _result_functions(spec.name, result),
                       _backend.native_dtypes_where(is_inexact) if weak and mixed is not None
                       else None,
                       options, op.partials,
                       op.scalar_plan if mixed is not None and len(required) == 2
                       and (a, b) == (0, 1) else None, uniform,
                       _native_dtype_classes() if keyed else None,
                       _unit_axis(spec, forwarded, len(required)),
                       spec.qualname in _NUMBER_OPTION_OPS, least,
                       _ranked_axes(spec, forwarded, len(required)),
                       # (a Python scalar among the arrays: a keras.ops form's dtype rule
                       # reads it, ``ops.dot(int8_array, 2.5)``; a form without one, or
                       # crossops.numpy's, calls what the generated function would)
                       not keras_form or not spec.keras_dtype, op.ranks, typed)


#: the ops whose required axis must name an axis of size 1: a front keeps the result of a
#: backend's ``AT_DEFAULTS`` function for them (``torch.squeeze``, which keeps an axis of
#: another size) only where it has one dimension fewer than the array
_UNIT_AXIS_OPS = frozenset({"squeeze"})


#: the ops whose required axes a backend's ``AT_DEFAULTS`` function takes otherwise than
#: NumPy where they name no axis of the array (``torch.transpose`` takes axis 0 of a 0-d
#: tensor, torch.movedim moves it): a front calls it only where they are ints in range of
#: its dimensions
_RANKED_AXIS_OPS = {"swapaxes": ("axis1", "axis2"), "moveaxis": ("source", "destination")}


#: the ops of several arrays whose backends' ``AT_DEFAULTS`` functions promote two of
#: them by the framework's own rules (``torch.outer``, ``torch.matmul`` for ``dot``): a
#: front takes only calls where those two (by index) share a dtype, and hands the others
#: to the generated function
_ONE_DTYPE_OPS = {"outer": (0, 1), "dot": (0, 1), "isclose": (0, 1)}


#: the ops whose options a backend's ``AT_OPTIONS`` function takes as Python numbers
#: (None, ints, floats other than NaN): ``clip``'s bounds (``torch.clamp``), the norms'
#: orders (``torch.linalg.norm``)
_NUMBER_OPTION_OPS = frozenset({"clip", "linalg.norm", "linalg.vector_norm"})


def _unit_axis(spec: OpSpec, forwarded: list, nreq: int) -> int:
    """The index of the required axis parameter that a front checks names an axis of size
    1 (:data:`_UNIT_AXIS_OPS`), or -1."""
    if spec.qualname not in _UNIT_AXIS_OPS:
        return -1
    i = forwarded.index("axis")
    if i >= nreq:  # (a spec that makes it optional: no front may skip the check)
        raise ValueError(f"{spec.qualname}: the axis a front checks must be required")
    return i


def _ranked_axes(spec: OpSpec, forwarded: list, nreq: int) -> tuple:
    """The indices of the required axis parameters that a front checks are ints in range
    of the first array's dimensions (:data:`_RANKED_AXIS_OPS`)."""
    indices = tuple(forwarded.index(n) for n in _RANKED_AXIS_OPS.get(spec.qualname, ()))
    if any(i >= nreq for i in indices):
        raise ValueError(f"{spec.qualname}: the axes a front checks must be required")
    return indices


#: hand-written keras.ops forms whose only dtype rule is Keras's weak Python scalars
#: (``crossops._keras_dtypes.weak_inputs`` on the promoted operands, then the
#: crossops.numpy op): their fronts take calls of mixed types as ``weak`` ones do
#: (``ops.where(c, x, 0.0)`` of a float ``x``)
_WEAK_SPECIAL_FORMS = frozenset({("crossops._keras_special", "where")})


def _native_dtype_classes() -> dict:
    """{array type: {class of its backend's own dtype objects: None (any object of it),
    or the one object of that class (NumPy's ``np.dtype``s, one per class); ``str``:
    {dtype name: the backend's dtype of that name}}}, from each loaded backend's
    ``NATIVE_DTYPE_CLASS`` (torch's ``torch.dtype``) or ``NATIVE_DTYPE_OBJECTS`` and its
    ``DTYPES``, which its ``native_dtype`` returns as they are: what the C front of
    ``astype`` reads (``astype(x, 'float16')`` takes the front too); a live dict, as
    :func:`_result_casts`."""
    def fill(classes: dict, mod) -> None:
        cls = getattr(mod, "NATIVE_DTYPE_CLASS", None)
        entry = {cls: None} if cls is not None else dict(
            getattr(mod, "NATIVE_DTYPE_OBJECTS", None) or {})
        if entry:
            entry[str] = dict(mod.DTYPES)
            classes.update(dict.fromkeys(mod.ARRAY_TYPES, entry))
    return _backend.grown_with_backends(("native dtype classes",), fill, {})


#: the creation ops with a front, and what their generated functions pass to the backend's
#: function, besides the required arguments, for a call of those alone (by keyword; the
#: positional-only ``n_cols`` by position)
_CREATION_OPTIONS = {
    "zeros": {"dtype": None, "device": None},
    "ones": {"dtype": None, "device": None},
    "empty": {"dtype": None, "device": None},
    "full": {"dtype": None, "device": None},
    "arange": {"stop": None, "step": 1, "dtype": None, "device": None},
    "eye": {"n_cols": None, "k": 0, "dtype": None, "device": None},
    "linspace": {"num": 50, "dtype": None, "device": None, "endpoint": True},
}
#: the generated modules whose creation functions follow that pattern
_CREATION_MODULES = {"crossops.numpy._ops": (None,),
                     "crossops._keras_ops": ("floatx", "arange"),
                     "crossops._keras_special": ("floatx",)}  # (ops.linspace)
#: the public names of those options where the generated function's differ
_CREATION_PUBLIC = {"n_cols": "M"}


def _creation_front(op: Op, fn: Callable, rule: str | None):
    """The C front of a creation function ``fn`` (an op without array arguments, see
    "Creation fronts" in ``_fastpath.c``), or None: a call of the required arguments
    alone, by position, calls the route found for the default backend (and, for a
    keras.ops form, Keras's ``floatx`` and its ``rule``: ``"floatx"``, the dtype
    ``zeros`` makes; ``"arange"``, int32 for Python ints and floatx for floats), once per
    backend (:func:`_creation_route`)."""
    spec = op.spec
    passed = _CREATION_OPTIONS.get(spec.qualname)
    if (_make_front is None or passed is None
            or rule not in _CREATION_MODULES.get(fn.__module__, ())):
        return None
    public = inspect.signature(fn).parameters
    required = [p for p in public.values() if p.default is p.empty]
    if not required or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                           for p in required):
        return None
    # the op's required parameters that the public function has as optional ones, next
    # after its required ones and of the same names (NumPy's ``linspace(start, stop,
    # num=50)``, whose op requires ``num``): a fast call gives them all, by position
    # (``linspace(0, 1, 32)``), and a call that leaves them out takes ``fn``
    own = [p.name for p in spec.parameters.values() if p.default is p.empty]
    if len(own) > len(required) and list(public)[:len(own)] == own and all(
            public[n].kind in (public[n].POSITIONAL_ONLY, public[n].POSITIONAL_OR_KEYWORD)
            for n in own):
        required = [public[n] for n in own]
        passed = {k: v for k, v in passed.items() if k not in own}
    for name, value in passed.items():  # the public defaults are the values passed
        p = public.get(_CREATION_PUBLIC.get(name, name))
        if p is not None and (p.default is p.empty or not (
                p.default is value or (rule == "arange" and name == "step"
                                       and p.default is None) or (
                    name == "dtype" and rule is not None and p.default is None))):
            return None
    routes: dict = {}
    build = functools.partial(_creation_route, op, passed, len(required), rule, routes)
    from ._config import _settings
    bare = inspect.Signature([p.replace(annotation=p.empty) for p in public.values()])
    doc = f"{spec.name}{bare}\n--\n\n{fn.__doc__}"
    return _make_creation(spec.name, doc, fn.__module__, fn, len(required), routes, build,
                          _settings if rule is not None else None)


def _creation_route(op: Op, passed: dict, nreq: int, rule: str | None, routes: dict,
                    floatx, backend: str, types: tuple):
    """The route of a creation front for ``backend`` (and ``floatx``, and the arguments'
    ``types`` where the rule or the backend's function reads them), kept in ``routes``:
    what makes what the generated function makes from the ``nreq`` required arguments by
    position: the framework's own function (the backend's ``AT_DEFAULTS``; where its dtype
    is read at each call, ``AT_DEFAULTS_DTYPE``: with that guard), else the backend's
    function itself, or with the options its defaults differ in (see
    :func:`_creation_call`); None where there is none (every call then takes the generated
    function). Routes by type are kept in dicts of the first argument's type, then of the
    second's, as deep as the types were read."""
    first = types[0]
    dtype = None
    if rule == "floatx":
        dtype = floatx
    elif rule == "arange":
        # (keras.ops's rule, crossops._keras_dtypes.arange_dtype, for stop and step omitted)
        dtype = ("int32" if first in PY_INTS_OR_NONE else floatx if first in PY_SCALARS_OR_NONE
                 else None)
    depth = int(rule == "arange")
    route = None
    if depth and first not in PY_SCALARS_OR_NONE:
        pass  # (a NumPy scalar, whose dtype keras.ops's rule reads: the generated function)
    else:
        try:
            mod = _backend.backend_module(backend)
            impl = op.impl(backend)
            options = dict(passed, dtype=None if dtype is None else mod.native_dtype(dtype))
            plain, read = _by_types(getattr(mod, "AT_DEFAULTS", {}).get(op.spec.target),
                                    types)
            depth = max(depth, read)
            route = _creation_call(op.spec.qualname, mod, impl, plain, options, nreq, types)
        except Exception:  # (no backend, no function: the generated function raises)
            route = None
    node, key = routes.setdefault(floatx, {}), backend
    for t in types[:depth]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node, key = node[key], t
    node[key] = route
    return route


def _by_types(entry, types: tuple) -> tuple:
    """A backend's table entry for a creation op, looked up by the arguments' ``types``
    where it is a dict of the first one's type (then of the second's, ...): (what it gives,
    how many types were read)."""
    read = 0
    while isinstance(entry, dict) and read < len(types):
        entry, read = entry.get(types[read]), read + 1
    return entry, read


def _creation_call(name: str, mod, impl: Callable, plain: Callable | None, options: dict,
                   nreq: int, types: tuple):
    """What :func:`_creation_route` finds: ``impl(*required, **options)`` as a route of
    the required arguments (see "Creation fronts" in ``_fastpath.c``), or None: ``plain``
    (the backend's ``AT_DEFAULTS`` function for them) where it needs no option; where it
    needs the dtype only, ``plain`` guarded by the backend's ``AT_DEFAULTS_DTYPE`` (the
    dtype it makes, read at each call) where that is the dtype asked for now, else
    ``plain`` given ``dtype=`` where it takes it as ``impl`` does
    (``AT_DEFAULTS_DTYPE_KEYWORD``); else ``impl`` with the options its defaults differ
    in."""
    try:
        params = list(inspect.signature(impl).parameters.values())
    except (TypeError, ValueError):
        return None
    if len(params) < nreq or any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                 for p in params[:nreq]):
        return None
    named = {p.name: p for p in params[nreq:]}
    bound = {}
    for key, value in options.items():
        p = named.get(key)
        if p is None:
            if any(q.kind is q.VAR_KEYWORD for q in params):
                bound[key] = value
                continue
            return None
        if p.default is not value:
            if p.kind is p.POSITIONAL_ONLY:
                return None
            bound[key] = value
    if plain is not None and not bound:
        return plain
    if plain is not None and set(bound) == {"dtype"}:
        guard, _ = _by_types(getattr(mod, "AT_DEFAULTS_DTYPE", {}).get(name), types)
        if guard is not None and guard() is bound["dtype"]:
            return (plain, guard, bound["dtype"])
        if name in getattr(mod, "AT_DEFAULTS_DTYPE_KEYWORD", ()):
            return (plain, bound)
    return (impl, bound) if bound else impl


def _result_casts(name: str) -> dict:
    """{array type: the cast of a result of that type to dtype ``name``}, from each loaded
    backend's ``RESULT_CASTS``: a live dict, read by the C fronts, that grows as backends
    load (``_backend.grown_with_backends``)."""
    def fill(casts: dict, mod) -> None:
        cast = getattr(mod, "RESULT_CASTS", {}).get(name)
        if cast is not None:
            casts.update(dict.fromkeys(mod.ARRAY_TYPES, cast))
    return _backend.grown_with_backends(("result casts", name), fill, {})


def _result_functions(op: str, name: str) -> dict:
    """{array type: op ``op``'s function giving its result in dtype ``name``}, from each
    loaded backend's ``RESULT_FUNCTIONS`` (for its ``FRONT_TYPES``): what a C front that
    casts its result calls instead of the cached function and the cast, where a backend
    makes the result in that dtype at once (TensorFlow's int32 ``argmax``); a live dict,
    as :func:`_result_casts`."""
    def fill(functions: dict, mod) -> None:
        f = getattr(mod, "RESULT_FUNCTIONS", {}).get((op, name))
        if f is not None:
            functions.update(dict.fromkeys(getattr(mod, "FRONT_TYPES", mod.ARRAY_TYPES), f))
    return _backend.grown_with_backends(("result functions", op, name), fill, {})


def _fail_hook(op: Op, raises_through_op: bool, forwarded: tuple) -> Callable | None:
    """What a C front calls when its fast call raised: ``op.failed`` for the op's
    parameters ``forwarded`` (the ones the generated function passes on, whose values the
    front hands over), which raises the error as the generated function would, without
    running the op again; None where the function does not raise its errors through
    ``op.fail`` (``raises_through_op`` false: a hand-written keras.ops form, which then
    takes the call again)."""
    if not raises_through_op:
        return None
    return functools.partial(op.failed, forwarded)


def _options(public: list, forwarded: list, ntyped: int,
             positions: dict, sets: dict | None = None) -> tuple[tuple, int, int, int]:
    """What a C front needs to take calls with options (by keyword, or by position where
    the signature allows) straight to the cached function: the forwarded parameters'
    names (None for one it takes not by keyword: a public default that ``sets`` gives
    the op's value of, ``argsort``'s ``stable=None``, which the front passes where the
    call leaves it out); how many may come by position (while the public signature's
    positional ones are the forwarded ones in order, or stand for them by
    ``positions``); the first that may come by keyword (after the positional-only ones
    and the arrays); and the index of ``dtype``, which the generated function converts
    unless it is None (so a fast call passes None only), or -1."""
    names = tuple(p.name for p in forwarded)
    if None in positions.values():  # a value the generated function checks first
        return None, ntyped, ntyped, -1
    npos = kwfrom = 0
    for i, (pub, fwd) in enumerate(zip(public, forwarded)):
        meant = positions.get(pub.name, pub.name)
        if (meant != fwd.name and i >= ntyped) or pub.kind not in (
                pub.POSITIONAL_ONLY, pub.POSITIONAL_OR_KEYWORD):
            break
        npos += 1
        if pub.kind is pub.POSITIONAL_ONLY:
            kwfrom = npos
    convert = names.index("dtype") if "dtype" in names else -1
    # a public signature of other parameters (crossops.numpy's NumPy forms: ``var``'s
    # ``ddof``, ``sort``'s ``stable=None``) takes by keyword only what means the same
    shared = {p.name: p.default for p in public}
    sets = sets or {}
    differ = {p.name for p in forwarded[ntyped:]
              if p.default is not p.empty and shared.get(p.name, p.default) != p.default}
    if differ - set(sets):
        return None, max(npos, ntyped), max(kwfrom, ntyped), convert
    names = tuple(None if n in differ else n for n in names)
    return names, max(npos, ntyped), max(kwfrom, ntyped), convert


# ---------------------------------------------------------------------------------------
# tf.function

def called_as_is(obj: F) -> F:
    """``obj`` (a function, or a class: its instances), marked for TensorFlow's AutoGraph
    to call as it is inside a ``tf.function``, without converting its Python control flow
    to graph ops (TensorFlow's mark of its own artifacts, which
    ``tf.autograph.experimental.do_not_convert`` sets; AutoGraph leaves Keras's modules
    alone by name). crossops's control flow runs on Python values, as under ``jax.jit``,
    so converting it only cost time (seconds on a model's first trace) and warnings; as in
    Keras 3, a layer's ``call`` branches on a tensor with ``crossops.core.cond``. Costs
    nothing per call."""
    obj.autograph_info__ = frozenset()
    return obj


class CalledAsIs:
    """Base of crossops's layers, losses, metrics and optimizers: AutoGraph calls their
    instances, and the methods crossops's classes define (``apply``, ``update_state``
    ...), as they are (:func:`called_as_is`); a user's subclass's own methods are the
    user's code, which AutoGraph converts when the user's code calls them."""

    autograph_info__ = frozenset()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__module__.startswith("crossops."):
            for value in vars(cls).values():
                if isinstance(value, types.FunctionType):
                    called_as_is(value)


# ---------------------------------------------------------------------------------------
# torch.compile

_torch_compile_ready = False


def _substitute(front, fn) -> None:
    import torch
    torch.compiler.substitute_in_graph(front, skip_signature_check=True)(fn)


#: methods that torch.compile runs eagerly instead of tracing (``(class, name)``)
_EAGER: list[tuple[type, str]] = []


def eager_under_torch_compile(cls: type, name: str) -> None:
    """Have ``torch.compile`` run method ``name`` of ``cls`` eagerly where a compiled
    function calls it (``torch.compiler.disable``: one graph break), instead of tracing
    it: for work done once whose tracing would cost graphs and guards, such as a layer's
    build on its first call. Nothing changes until torch's compiler is loaded."""
    _EAGER.append((cls, name))
    if _torch_compile_ready:
        _disable(cls, name)


def _disable(cls: type, name: str) -> None:
    import torch
    setattr(cls, name, torch.compiler.disable(getattr(cls, name)))


def _on_backend_loaded(name: str, mod) -> None:
    """With the torch backend: the substitutions once torch's compiler (``torch._dynamo``)
    is imported, now or when ``torch.compile`` first imports it. Eager use never loads
    the compiler (300 modules, a second and a half, an environment variable)."""
    if name != "torch" or _torch_compile_ready:
        return
    if "torch._dynamo" in sys.modules:
        _prepare_torch_compile(mod)
    else:
        _backend.after_import("torch._dynamo", lambda: _prepare_torch_compile(mod))


def _prepare_torch_compile(mod) -> None:
    global _torch_compile_ready
    if _torch_compile_ready:
        return
    import torch

    from ._dtypes import _compute_name, dtype_name
    # traced instead of the cached originals: dynamo guards on every key of a dict it
    # reads with an object key, so a cache read under tracing would add a guard per cached
    # dtype to each compiled function, and a cache that grew would make it compile again
    torch.compiler.substitute_in_graph(dtype_name)(_compute_name)
    torch.compiler.substitute_in_graph(mod.native_dtype)(mod.native_dtype_uncached)
    # use_backend blocks and the default backend, traced (see crossops._backend.use_backend)
    _backend._tracing = torch.compiler.is_compiling
    torch.compiler.substitute_in_graph(_backend.get_backend)(_backend.traced_get_backend)
    # host work on Python data (crossops._host.host_constant): called while tracing, its
    # result a constant; those marked later (a module imported after this) too
    for fn in _host.HOST_CONSTANTS:
        torch.compiler.assume_constant_result(fn)
    _host.on_marked.append(torch.compiler.assume_constant_result)
    for front, fn in FRONTS.items():
        _substitute(front, fn)
    for cls, name in _EAGER:
        _disable(cls, name)
    # the backend's chapters, found now: traced code that looks one up (core.while_loop's
    # control_flow, crossops.random's random) would otherwise import it under dynamo, which
    # refuses importlib (a graph break; fullgraph=True raises)
    import pkgutil
    for info in pkgutil.iter_modules(mod.__path__):
        if not info.name.startswith("_"):
            _backend.backend_chapter("torch", info.name)
    _torch_compile_ready = True


_backend.on_backend_loaded.append(_on_backend_loaded)
if "torch" in _backend._modules:  # loaded before the first op namespace
    _on_backend_loaded("torch", _backend._modules["torch"])


def _of_crossops(value) -> bool:
    if isinstance(value, types.ModuleType):
        name = value.__name__
    elif isinstance(value, types.FunctionType):
        name = value.__module__
    else:  # an op of the table, which the generated op functions read as a global
        return isinstance(value, Op)
    return isinstance(name, str) and (name == "crossops" or name.startswith("crossops."))


_ROOT = re.compile(r"G\['[^']+'\]|[A-Za-z_]\w*")


def skip_crossops_guards(entries) -> list[bool]:
    """torch.compile's ``guard_filter_fn``: keep every guard but those inside crossops.

    Tracing an op call goes through crossops's dispatch (generated functions, their type
    caches, argument checks), and dynamo would check each of those objects again on
    every call of the compiled function: a few hundred guards, tens of microseconds a
    call. Dispatch depends only on the types, dtypes and shapes of the arguments, which
    the tensor guards already check: so for each crossops module or function the traced
    code reaches (a global or a closure variable), its identity stays guarded and the
    guards on what lies inside it (attributes, closures, caches) are dropped; crossops
    must then not be patched after compiling.
    """
    roots = [re.escape(e.name) for e in entries
             if e.has_value and _of_crossops(e.value) and _ROOT.fullmatch(e.name)]
    roots.append(r"G\['__import_crossops\w*'\]")  # crossops modules imported in the function
    inside = re.compile(r"(?<![\w'\].])(?:" + "|".join(roots) + r")[.\[]")
    return [not inside.search(e.name) for e in entries]
