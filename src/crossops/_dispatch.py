"""The dispatch table: op name -> backend -> callable.

Every spec entry is one :class:`Op` (made by :func:`bind` when its public function's
module is imported). The public functions themselves are plain Python functions
with the entry's exact signature, written from the spec into ``crossops/*/_ops.py``
by ``scripts/gen_ops.py``. A call looks up the types of its array arguments in a
per-op dict (``{(type(x1), type(x2)): callable}``); a hit calls the backend function
straight away. A miss resolves the backend from the types (once per combination of
types, so jax tracers, torch fake tensors and tf symbolic tensors resolve too),
checks that no two backends other than NumPy meet, converts host data (NumPy arrays
beside another backend's arrays, Python lists and scalars) to the call's backend, and
fills the cache. Calls without array arguments use the default backend.

Examples
--------
>>> import numpy as np, crossops.numpy as xnp
>>> xnp.add(np.ones(2, np.float32), 1).dtype
dtype('float32')
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from math import copysign as _copysign

from . import _backend
from ._arguments import check_array_types, check_lists, checks_values, diagnose
from ._backend import (
    backend_chapter,
    backend_module,
    backend_of_type,
    call_backend,
    get_backend,
    is_dtype_type,
    is_holder_type,
    is_host_type,
    is_scalar_type,
    is_sparse_type,
    read_holders,
)
from ._dtypes import dtype_name, kind, weak_scalar_name
from ._errors import raise_for_op
from ._spec import OpSpec, load_spec
from .backends._common import OptionsRoute, promoting

# the spec's ``dispatch`` values (crossops._spec) of ops whose array arguments may be
# Python scalars, weak in promotion
_WEAK_SCALAR_DISPATCH = {"binary", "where"}
# ``dispatch`` values of ops whose array arguments are promoted with crossops's table:
# their positions
_PROMOTED_DISPATCH = {"binary": (0, 1), "matmul": (0, 1), "where": (1, 2)}
# ops whose array arguments are passed through as given (no conversion of lists); of
# these, custom ops still get NumPy arrays converted to the call's backend (host data)
_AS_GIVEN_DISPATCH = {"creation", "dtype", "custom"}


class Op:
    """One op of the table: its spec, its implementation on each backend, its call caches."""

    __slots__ = ("spec", "generic", "cache", "plain", "ranks", "options", "partials",
                 "_plain_is_full", "_slow_cache", "_by_default", "_impls", "_full",
                 "_layout", "_places", "_passed", "__weakref__")

    def __init__(self, spec: OpSpec, generic: Callable | None = None):
        self.spec = spec
        #: an implementation written with crossops ops, used where a backend has none
        self.generic = generic
        #: types of the array arguments -> callable; read by the generated function
        self.cache: dict = {}
        #: array type -> the function for calls that give only the required arguments, by
        #: position (promoted ops: operands of one dtype): a backend's ``AT_DEFAULTS``
        #: entry (a function, or dtype -> function), else the cached function where it
        #: takes just those; read by the C front
        self.plain: dict = {}
        #: array type -> (least, most; -1: any) numbers of dimensions of the first array
        #: for which its plain function is the op's (a backend's ``AT_DEFAULTS_RANKS``:
        #: torch.t, transpose's, takes at most 2); read by the C front
        self.ranks: dict = {}
        #: array type (a sequence op: its cache key, the items of one array type) -> (the
        #: framework's function, or dtype -> function; the indices of the optional
        #: parameters it takes by position after the required ones, among those the
        #: generated function passes on, as ``~index`` for an axis that the front checks
        #: is in range of the first array's dimensions; the order it takes them in, or
        #: None; the attributes the arguments must have): a backend's ``AT_OPTIONS``
        #: entry (:class:`~crossops.backends._common.OptionsRoute`), for calls whose other
        #: options are at their defaults; read by the C front
        self.options: dict = {}
        #: cache key -> (the cached function, the backend's partial function it wraps:
        #: :func:`_falling_back`); while the cache holds that function, the C front calls
        #: the partial one first
        self.partials: dict = {}
        params = spec.parameters.values()
        self._plain_is_full = spec.dispatch in _PROMOTED_DISPATCH or all(
            p.default is p.empty and p.kind is p.POSITIONAL_ONLY for p in params)
        self._slow_cache: dict = {}
        #: cache key -> {default backend name -> callable}: :meth:`resolve`'s calls that
        #: run on the default backend
        self._by_default: dict = {}
        self._impls: dict[str, Callable] = {}
        self._full: dict[str, Callable] = {}
        # where the array arguments lie (read when a call converts host data; made here, as
        # torch.compile cannot trace the parsing of a signature)
        self._layout = _array_layout(spec)
        self._places = _array_places(spec)
        # the names of the parameters the generated function passes on, in order (the
        # indices of Op.options)
        self._passed = tuple(p.name for p, _ in forwarding(spec))

    def impl(self, backend: str) -> Callable:
        """The backend's own function for this op (no promotion, no conversion).

        Raises
        ------
        NotImplementedError
            If the backend has no implementation; the message gives the spec's reason.
        """
        try:  # (:meth:`_found`'s lookup, written out: creation calls read it every time)
            return self._impls[backend]
        except KeyError:
            pass
        f = self._found(backend)
        if f is None:
            reason = self.spec.unavailable(backend) or "no implementation"
            raise NotImplementedError(
                f"{self.spec.qualname} is not available on the {backend} backend: {reason}. "
                f"Backends that have it: {', '.join(self.backends_with_impl()) or 'none'}"
            )
        return f

    def _found(self, backend: str) -> Callable | None:
        """:meth:`find`, kept per backend once found (a partial or compiled form is a new
        wrapper each time it is built)."""
        try:
            return self._impls[backend]
        except KeyError:
            pass
        f = self.find(backend)
        if f is not None:
            self._impls[backend] = f
        return f

    def full(self, backend: str) -> Callable:
        """:meth:`impl`, promoting its array arguments with crossops's table where the
        backend's own promotion differs."""
        try:
            return self._full[backend]
        except KeyError:
            pass
        f = self.impl(backend)
        mod = backend_module(backend)
        spec = self.spec
        positions = _PROMOTED_DISPATCH.get(spec.dispatch) or tuple(
            spec.params.index(p) for p in spec.promote)
        if positions and not mod.NATIVE_PROMOTION:
            f = promoting(f, native_function(mod, "astype"), mod.DTYPES, positions)
        self._full[backend] = f
        return f

    def find(self, backend: str) -> Callable | None:
        """The backend's function for this op, else the generic one (in the form the
        backend runs it, see :func:`_generic_form`), else None. A backend function marked
        partial (:func:`crossops.backends._common.partial`) falls back to the generic where
        it returns ``NotImplemented``."""
        mod = backend_module(backend)
        f = _lookup(mod, self.spec)
        if f is None:
            if not self.spec.unavailable(backend):
                f = _generic_form(mod, self.spec, self.generic)
        elif getattr(f, "partial", False) and self.generic is not None:
            f = _falling_back(f, _generic_form(mod, self.spec, self.generic))
        return f

    def backends_with_impl(self) -> list[str]:
        """The backends (among those installed) that implement this op."""
        out = []
        for b in _backend.BACKENDS:
            try:
                if self._found(b) is not None:
                    out.append(b)
            except ImportError:
                pass
        return out

    def backend_for(self, types: tuple) -> tuple[str, bool]:
        """The backend of a call whose array arguments have ``types`` (crossops's one rule,
        :func:`crossops._backend.call_backend`: NumPy arrays, lists and scalars are host
        data), and whether it came from the arguments (True) or is the default backend
        (False)."""
        backend = call_backend(types, self.spec.qualname)
        if backend is None:
            return get_backend(), False
        return backend, True

    def _callable(self, types: tuple) -> tuple[Callable, bool]:
        """The function for a call whose array arguments have ``types``, and whether it may
        be cached under them; found once per combination of types."""
        if any(map(is_holder_type, types)):
            return self._reading_holders, True
        check_array_types(self.spec, types)
        f, cacheable = self._callable_for(types)
        if checks_values(self.spec) and any(issubclass(t, list | tuple) for t in types):
            f = _checking_lists(f, self.spec)
        return f, cacheable

    def _callable_for(self, types: tuple) -> tuple[Callable, bool]:
        backend, cacheable = self.backend_for(types)
        spec = self.spec
        if any(map(is_sparse_type, types)):
            return self.sparse(backend), cacheable
        host = [t for t in types if is_host_type(t, backend)]
        if not host or spec.dispatch in ("creation", "dtype"):
            return self.full(backend), cacheable
        # NumPy arrays beside arrays of another backend: host data, converted to it
        numpy = backend != "numpy" and any(backend_of_type(t) == "numpy" for t in host)
        if spec.dispatch in _AS_GIVEN_DISPATCH and not numpy:
            return self.full(backend), cacheable
        mod = backend_module(backend)
        if (not numpy and cacheable and spec.dispatch in _WEAK_SCALAR_DISPATCH
                and mod.NATIVE_WEAK_SCALARS and all(map(is_scalar_type, host))
                and sum(backend_of_type(types[i]) is not None
                        for i in _PROMOTED_DISPATCH[spec.dispatch]) == 1):
            # one array and a Python scalar to promote: NumPy and JAX apply the same weak
            # rule as crossops
            return self.impl(backend), cacheable
        general = _coercing(self.full(backend), spec, mod,
                            lists=spec.dispatch not in _AS_GIVEN_DISPATCH, layout=self._layout)
        if not numpy and cacheable and spec.dispatch in _WEAK_SCALAR_DISPATCH:
            fast = _weak_scalar_call(self.impl(backend), self.full(backend), general, spec,
                                     mod, types)
            if fast is not None:
                return fast, cacheable
        return general, cacheable

    def sparse(self, backend: str) -> Callable:
        """The function for calls given a sparse array (jax's BCOO, ``tf.SparseTensor``):
        the op's function in ``backends/<backend>/sparse.py``, which keeps the result
        sparse where keras.ops does (host data beside it converted as in dense calls);
        else the op's public function called again with every sparse argument made
        dense by that module's ``densify``, as keras.ops converts them."""
        chapter = backend_chapter(backend, "sparse")
        spec = self.spec
        attr = f"{spec.namespace}_{spec.name}" if spec.namespace else spec.name
        f = getattr(chapter, attr, None)
        if f is not None:
            if spec.dispatch in _AS_GIVEN_DISPATCH and spec.dispatch != "custom":
                return f
            return _coercing(f, spec, backend_module(backend),
                             lists=spec.dispatch not in _AS_GIVEN_DISPATCH, layout=self._layout)
        if chapter is None:
            raise TypeError(f"{spec.qualname}: sparse arrays are not supported on the "
                            f"{backend} backend; make them dense first")
        densify = chapter.densify

        def dense(a):
            if is_sparse_type(type(a)):
                return densify(a)
            if type(a) is list or type(a) is tuple:
                return type(a)(map(dense, a))
            return a

        def densified(*args, **kwargs):
            return self.call(tuple(map(dense, args)), {k: dense(v) for k, v in kwargs.items()})
        return densified

    def _reading_holders(self, *args, **kwargs):
        """The call of the op given a value holder (a crossops Variable) among its arrays:
        the call again with the held values (read at each call)."""
        return self.call(tuple(map(read_holders, args)),
                         {k: read_holders(v) for k, v in kwargs.items()})

    def call(self, args: tuple, kwargs: dict):
        """Call the op with arguments of its own (the spec's) signature, as its generated
        function does once it has them: the function for the types of the array
        arguments, found once per combination of types. The path of calls whose arguments
        were rewritten on the way (a Variable's values read, sparse arrays made dense)."""
        types = []
        for how, i, name, default in self._places:
            if how == "star":
                types.extend(map(type, args[i:]))
                continue
            a = args[i] if i is not None and i < len(args) else kwargs.get(name, default)
            if how == "one":
                types.append(type(a))
            elif a is not None:
                types.extend(map(type, a))
        return self._for_types(tuple(types))(*args, **kwargs)

    def _for_types(self, types: tuple) -> Callable:
        """The function for a call whose array arguments have ``types`` (all of them, in
        the order of the op's cache key), found once per combination and kept."""
        try:
            return self._slow_cache[types]
        except KeyError:
            pass
        f, cacheable = self._callable(types)
        if cacheable:
            self._slow_cache[types] = f
        return f

    def resolve(self, key, types: tuple) -> Callable:
        """Find (and cache under ``key``) the callable for a call whose array arguments
        have ``types`` (``key`` is ``types``, or its one type for single-array ops). A
        call without arrays (Python numbers alone) runs on the default backend, which may
        change between calls: its callable is kept under ``key`` and that backend."""
        by_default = self._by_default.get(key)
        if by_default is not None:
            f = by_default.get(get_backend())
            if f is not None:
                return f
        f, cacheable = self._callable(types)
        if cacheable:
            self._store(key, f)
        else:
            self._by_default.setdefault(key, {})[get_backend()] = f
        return f

    def _store(self, key, f: Callable) -> None:
        raw = getattr(f, "falls_back_from", None)
        partial = (f, raw) if raw is not None and raw is getattr(f, "__wrapped__", None) \
            else None  # (not a copy's)
        self._keep(key, f, partial)
        if isinstance(key, type):
            array_type = key
        elif type(key) is tuple and key and all(k is key[0] for k in key):
            array_type = key[0]  # a sequence op's items, or an op's arrays, of one type
        else:
            self._store_scalar_route(key)
            return
        backend = backend_of_type(array_type)
        if backend is None or is_dtype_type(array_type) or is_sparse_type(array_type):
            return
        mod = backend_module(backend)
        if not self.spec.sequences and array_type is not key:
            # an op of several arrays, all of one type: kept under that type too, where
            # its C front looks them up (crossops._accel), as a one-array op's are
            key = array_type
            self._keep(key, f, partial)
        if array_type is key:
            plain = getattr(mod, "AT_DEFAULTS", {}).get(self.spec.target)
            if plain is None and self._plain_is_full:
                plain = f
            if plain is not None:
                self.plain[key] = plain
                ranks = getattr(mod, "AT_DEFAULTS_RANKS", {}).get(self.spec.target)
                if ranks is not None:
                    self.ranks[key] = ranks
        elif (plain := getattr(mod, "AT_DEFAULTS", {}).get(self.spec.target)) is not None:
            self.plain[key] = plain  # a sequence op's, for a call of the sequence alone
        route = getattr(mod, "AT_OPTIONS", {}).get(self.spec.target)
        if route is not None:
            self.options[key] = self._route_entry(OptionsRoute(*route))

    def _store_scalar_route(self, key: tuple) -> None:
        """For cache key ``key``, an array type then Python types (``(torch.Tensor, int)``:
        ``repeat(x, 2)``), the backend's ``AT_OPTIONS`` entry where it takes those types
        (``OptionsRoute.scalars``)."""
        backend = backend_of_type(key[0]) if type(key) is tuple and key else None
        if backend is None or self.spec.sequences:
            return
        route = getattr(backend_module(backend), "AT_OPTIONS", {}).get(self.spec.target)
        if route is not None:
            route = OptionsRoute(*route)
            if all(k in route.scalars for k in key[1:]):
                self.options[key] = self._route_entry(route)

    def _route_entry(self, route: OptionsRoute) -> tuple:
        """``route`` as the C fronts read an ``options`` entry: (function, the indices of
        its options among the parameters passed, ``~i`` for an axis to check, order,
        requires, sections or -1, sequences)."""
        return (route.function,
                tuple(~self._passed.index(n) if n in route.axes else self._passed.index(n)
                      for n in route.options),
                route.order, tuple(route.requires),
                -1 if route.sections is None else route.sections, route.sequences)

    def _keep(self, key, f: Callable, partial: tuple | None) -> None:
        """``f`` in the cache under ``key``, and its partial pair (see ``partials``)."""
        self.cache[key] = f
        if partial is not None:
            self.partials[key] = partial

    def prefill(self, t: type, backend: str) -> None:
        """Fill the call caches for arrays of type ``t`` (and Python scalars beside them
        in element-wise ops), so that a compiler tracing the first call (torch.compile)
        only ever sees a cache hit."""
        spec = self.spec
        if spec.dispatch in _AS_GIVEN_DISPATCH and spec.dispatch != "custom" or spec.sequences:
            return
        # finding the function imports at most the backend's chapter module of the op's
        # group, which imports only the framework (already imported: prefilling follows
        # it) and crossops's lowest layers, never an op namespace
        try:
            self.impl(backend)
        except NotImplementedError:
            return
        singles = [a for a in spec.arrays if spec.parameters[a].kind
                   is not inspect.Parameter.VAR_POSITIONAL]
        if not singles or len(singles) != len(spec.arrays):
            return
        if spec.dispatch in _PROMOTED_DISPATCH:
            import numpy as np
            n = len(spec.params)
            self._store(t, self.impl(backend))
            self._slow_cache[(t,) * n] = self.full(backend)
            # beside an array of type t: another such array, a NumPy array (host data) and,
            # in element-wise ops, Python scalars; where's condition may be a NumPy array too
            weak = spec.dispatch in _WEAK_SCALAR_DISPATCH
            hosts = (np.ndarray, bool, int, float, complex) if weak else (np.ndarray,)
            i, j = _PROMOTED_DISPATCH[spec.dispatch]
            conditions = (t, np.ndarray) if spec.dispatch == "where" else (t,)
            for s1 in (t, *hosts):
                for s2 in (t, *hosts):
                    if s1 is t or s2 is t:
                        for c in conditions:
                            key = [c] * n
                            key[i], key[j] = s1, s2
                            key = tuple(key)
                            if key not in self._slow_cache:
                                self._slow_cache[key] = self._callable(key)[0]
        elif len(singles) == 1:
            self._store(t, self._callable((t,))[0])
        else:
            self._store((t,) * len(singles), self._callable((t,) * len(singles))[0])
            if "dtype" in singles and not is_dtype_type(t):  # astype(x, dtype): a name or dtype
                i = singles.index("dtype")
                for d in _dtype_argument_types(backend):
                    key = (t,) * i + (d,) + (t,) * (len(singles) - i - 1)
                    self.cache[key] = self._callable(key)[0]

    def scalar_plan(self, array_type: type, dtype, scalar: float | int, position: int):
        """For the C front of a binary op (``scalar_plan``): how the slow path's function
        for an array of ``array_type`` and a Python float or int at ``position`` calls the op
        with an array of ``dtype`` and ``scalar`` (see ``plan_for`` in
        :func:`_weak_scalar_call`); False where that function never gives a plan, None
        where it is not cached yet."""
        scalar_type = type(scalar)
        key = (scalar_type, array_type) if position == 0 else (array_type, scalar_type)
        f = self._slow_cache.get(key)
        if f is None:
            return None
        plan_for = getattr(f, "plan_for", None)
        return False if plan_for is None else plan_for(dtype, scalar)

    def fail(self, e: Exception):
        """Re-raise an error from this op's call, naming the op (see crossops._errors);
        where the call's arguments explain it (an axis out of range), that error instead.
        Called from the except clause of the op's generated function, whose local
        variables are the call's arguments."""
        self._raise(e, sys._getframe(1).f_locals)

    def failed(self, names: tuple, e: Exception, values: tuple):
        """Raise the error of a C front's fast call (see ``crossops._fastpath``) whose
        function raised ``e``, given ``values`` for the op's parameters ``names`` (those
        the generated function passes on): as the generated function's except clause
        (:meth:`fail`) raises it, so that the front need not run the op again."""
        try:
            raise e
        except Exception as error:  # (raised from here, as from the except clause)
            self._raise(error, dict(zip(names, values)))

    def _raise(self, e: Exception, arguments: dict):
        better = diagnose(self.spec, arguments)
        if better is not None:
            raise better from e
        raise_for_op(self.spec.qualname, e, list(_backend._modules.values()))

    def slow(self, *args):
        """The path of promoted ops (binary element-wise, ``where``, ``matmul``) when the
        fast cache misses or the dtypes differ: promote, convert scalars, call."""
        types = tuple(map(type, args))
        try:
            f = self._slow_cache[types]
        except KeyError:
            f = self._for_types(types)
            if types in self._slow_cache:
                backend, _ = self.backend_for(types)
                if (all(t is types[0] for t in types) and backend_of_type(types[0]) == backend
                        and not is_sparse_type(types[0])):
                    self._store(types[0], self.impl(backend))
        return f(*args)


def _array_places(spec: OpSpec) -> tuple:
    """Where a call by the op's own signature holds each array argument, in the order of
    its cache key (the single array parameters, then the elements of its sequence, see
    ``crossops._arguments._key_names``): (how, position or None, name, default), where
    ``how`` is "one" (an array), "seq" (a list of arrays) or "star" (``*arrays``)."""
    params = spec.parameters
    ones, seqs = [], []
    for name in (*spec.arrays, *(s for s in spec.sequences if s not in spec.arrays)):
        p = params[name]
        i = spec.params.index(name) if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                  p.VAR_POSITIONAL) else None
        default = None if p.default is p.empty else p.default
        if p.kind is p.VAR_POSITIONAL:
            seqs.append(("star", i, name, ()))
        elif name in spec.sequences:
            seqs.append(("seq", i, name, default))
        else:
            ones.append(("one", i, name, default))
    return tuple(ones + seqs)


def _dtype_argument_types(backend: str) -> set[type]:
    """The types a ``dtype`` argument may have on ``backend``: a name, the backend's
    dtype objects, crossops's (NumPy) dtype objects."""
    import numpy as np
    mod = backend_module(backend)
    types = {str, *mod.DTYPE_TYPES}
    for name in mod.DTYPES:
        try:
            types.add(type(np.dtype(name)))
        except TypeError:  # bfloat16 before ml_dtypes registers it
            pass
    return types


def call_on(backend: str, qualname: str, *args, **kwargs):
    """Call op ``qualname`` (an array-free one: ``arange``, ``zeros``, ``asarray`` of a
    list) on ``backend``, leaving the default backend alone: a ``use_backend`` block
    would set a ContextVar, which torch.compile cannot trace."""
    if kwargs.get("dtype") is not None:
        kwargs["dtype"] = native_dtype(backend, kwargs["dtype"])
    return TABLE[qualname].impl(backend)(*args, **kwargs)


def native_function(mod, name: str) -> Callable:
    """A backend module's function ``name``, or its namespace's."""
    f = mod.__dict__.get(name)
    return f if f is not None else getattr(mod.NAMESPACE, name)


_ARRAY_API_NAMESPACES = ("", "linalg", "fft")


def _lookup(mod, spec: OpSpec) -> Callable | None:
    """The backend function of an op: the backend module's own; else the function of the
    op's name in the backend's chapter module of the op's group
    (``backends/<backend>/<group>.py``, where every framework-specific op function lives);
    else, for array API ops, the backend namespace's; else, for an alias, its target's
    (``power``: ``pow``'s)."""
    f = _own_lookup(mod, spec)
    if f is None and spec.alias:
        f = _own_lookup(mod, load_spec()[spec.alias])
    return f


def _own_lookup(mod, spec: OpSpec) -> Callable | None:
    attr = f"{spec.namespace}_{spec.name}" if spec.namespace else spec.name
    f = mod.__dict__.get(attr)
    if f is not None or attr in mod.__dict__:
        return f
    f = getattr(backend_chapter(mod.NAME, spec.group), spec.name, None)
    if f is not None:  # backends/<name>/<group>.py, where the backend has one
        return f
    if spec.array_api and spec.namespace in _ARRAY_API_NAMESPACES:
        ns = mod.NAMESPACE
        if spec.namespace:
            ns = getattr(ns, spec.namespace, None)
        return getattr(ns, spec.name, None)
    return None


def _generic_form(mod, spec: OpSpec, generic: Callable | None) -> Callable | None:
    """The op's generic implementation as backend ``mod`` runs it: compiled, where the
    backend has ``compile_generic`` (JAX) and its chapter module of the op's group lists
    the op (for an alias: its target) in its ``COMPILED`` table (op name -> static
    parameters; ``EAGER``: argument values that run eagerly), else as it is."""
    compile_generic = getattr(mod, "compile_generic", None)
    if generic is None or compile_generic is None:
        return generic
    chapter = backend_chapter(mod.NAME, spec.group)
    table = getattr(chapter, "COMPILED", {})
    name = load_spec()[spec.alias].name if spec.alias else spec.name
    if name not in table:
        return generic
    # (a "convert" op's arrays arrive converted; others may get a Python number there)
    return compile_generic(generic, table[name], spec.arrays,
                           getattr(chapter, "EAGER", {}).get(name),
                           numbers=spec.dispatch != "convert")


def _falling_back(f: Callable, generic: Callable) -> Callable:
    """Partial backend function ``f``, with ``generic`` run where it returns
    ``NotImplemented`` (a case its framework's kernel does not handle)."""
    def call(*args, **kwargs):
        out = f(*args, **kwargs)
        return generic(*args, **kwargs) if out is NotImplemented else out

    call.__wrapped__ = f
    call.falls_back_from = f  # (the C front calls f first: Op.partials)
    return call


def from_numpy(backend: str, x):
    """NumPy array ``x`` (host data) as an array of ``backend``, of the same dtype."""
    return _numpy_converter(backend_module(backend))(x)


def _numpy_converter(mod) -> Callable:
    """The function converting a NumPy array to an array of backend ``mod``: the module's
    ``from_numpy`` where it has one (torch: bfloat16, read-only and negative-stride
    arrays), else its ``asarray`` (which keeps a NumPy array's dtype)."""
    f = getattr(mod, "from_numpy", None)
    return f if f is not None else native_function(mod, "asarray")


def _array_layout(spec: OpSpec) -> tuple[list, str | None, list]:
    """Where an op's array arguments lie: the role of each positional parameter, the role
    of its ``*args``, and (name, role) of the parameters that may come by keyword. Roles:
    ``"weak"`` (an array promoted with weak Python scalars), ``"array"``, ``"cond"``
    (``where``'s condition: it never decides the dtype), ``"seq"`` (a sequence of arrays),
    None (not an array)."""
    params = spec.parameters
    weak = spec.dispatch in _WEAK_SCALAR_DISPATCH
    roles = {a: "weak" if weak else "array" for a in spec.arrays}
    if spec.dispatch == "where":
        roles[spec.arrays[0]] = "cond"
    roles.update({s: "seq" for s in spec.sequences})
    pos_roles = [roles.get(p.name) for p in params.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    star_role = next((roles.get(p.name) for p in params.values()
                      if p.kind is p.VAR_POSITIONAL), None)
    kw_roles = [(p.name, roles[p.name]) for p in params.values() if p.name in roles
                and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    return pos_roles, star_role, kw_roles


def _coercing(f: Callable, spec: OpSpec, mod, lists: bool = True,
              layout: tuple | None = None) -> Callable:
    """Wrap ``f`` so that host data in array positions become arrays of backend ``mod``.

    NumPy arrays (in a call of another backend) convert with their dtype, wherever they
    are: array parameters given by position or by keyword, ``*args`` of arrays, and
    sequences of arrays (``concat``'s). With ``lists`` (every kind but custom ops), Python
    lists become arrays too, and so do Python scalars in element-wise ops: next to an
    array they are weak (they take its dtype, see
    :func:`crossops._dtypes.weak_scalar_name`), alone they take the backend's default
    dtypes; elsewhere a scalar is an axis, a count or a fill value, which the backend takes.
    """
    pos_roles, star_role, kw_roles = layout or _array_layout(spec)
    convert_numpy = mod.NAME != "numpy"
    own = mod.NAME
    from_np = _numpy_converter(mod)
    asarray = native_function(mod, "asarray")
    weak = _WeakScalars(spec, mod)

    def sequence(seq):
        if not isinstance(seq, (list, tuple)):
            return seq
        out = [from_np(v) if backend_of_type(type(v)) == "numpy" and not is_dtype_type(type(v))
               else v for v in seq]
        return tuple(out) if type(seq) is tuple else out

    npos = len(pos_roles)

    def visit(box, k, role, arrays, later):
        """Convert ``box[k]`` if it is a NumPy array; note a list or scalar for later."""
        a = box[k]
        if role == "seq":
            if convert_numpy:
                box[k] = sequence(a)
            return
        t = type(a)
        b = backend_of_type(t)
        if b is not None:
            if b != own:
                if b != "numpy" or not convert_numpy or is_dtype_type(t):
                    return  # a dtype object (astype's): the backend takes it
                a = box[k] = from_np(a)
            if role == "weak":
                arrays.append(a)
        elif lists and a is not None:
            later.append((box, k, role, a, t))

    def coerced(*args, **kwargs):
        args = list(args)
        arrays = []  # the arrays that decide a weak scalar's dtype
        later = []  # lists and scalars, converted once every array is known
        for k, a in enumerate(args):  # visit(), written out for the common call
            role = pos_roles[k] if k < npos else star_role
            if role is None:
                continue
            if role == "seq":
                if convert_numpy:
                    args[k] = sequence(a)
                continue
            t = type(a)
            b = backend_of_type(t)
            if b is None:
                if lists and a is not None:
                    later.append((args, k, role, a, t))
                continue
            if b != own:
                if b != "numpy" or not convert_numpy or is_dtype_type(t):
                    continue
                a = args[k] = from_np(a)
            if role == "weak":
                arrays.append(a)
        if kwargs:
            for name, role in kw_roles:
                if name in kwargs:
                    visit(kwargs, name, role, arrays, later)
        for box, k, role, a, t in later:
            if is_scalar_type(t):
                if role == "array":
                    continue  # an int axis, count or fill value: the backend takes it
                if role == "weak" and arrays:
                    box[k] = weak.array(a, t, arrays)
                    continue
            box[k] = asarray(a)
        return f(*args, **kwargs)

    coerced.__wrapped__ = f
    return coerced


#: how many 0-d arrays of Python scalars one op keeps for reuse (then it starts afresh)
_MAX_CONSTANTS = 64


def _constant_key(scalar, native) -> tuple:
    """The key of a kept 0-d array of Python scalar ``scalar`` in native dtype ``native``:
    ``(scalar, native)``; a float zero also by its sign (0.0 == -0.0, but their arrays
    differ; an int or bool zero makes the same array as 0), read by ``math.copysign``
    (a C call, where ``repr`` cost a third of a small op); a complex zero by its repr."""
    if scalar or type(scalar) not in (float, complex):
        return (scalar, native)
    if type(scalar) is float:
        return (scalar, native, _copysign(1.0, scalar))
    return (repr(scalar), native)


class _WeakScalars:
    """Python scalars beside arrays of backend ``mod`` in one op, as the backend's 0-d arrays.

    A scalar is weak: it takes its dtype from the arrays beside it (see
    :func:`crossops._dtypes.weak_scalar_name`), looked up once per scalar type and array
    dtype. In the call of one array and one scalar (:func:`_weak_scalar_call`), the 0-d
    array made of a scalar is kept for the op's next call with the same scalar and dtype
    (``x * 2``, ``maximum(x, 0.0)`` in a loop: making a 0-d tensor costs torch and
    TensorFlow more than the op; ops never write to their inputs), where the backend's
    ``reusable`` says the array is a concrete one, not a tensor of torch.compile's or
    tf.function's tracing; backends without ``reusable`` (jax) keep none.
    """

    def __init__(self, spec: OpSpec, mod):
        self.spec = spec
        self._mod = mod
        self._asarray = native_function(mod, "asarray")
        # this backend's dtypes only, so that a compiler tracing the call hashes only them
        self._names = {native: name for name, native in mod.DTYPES.items()}
        #: scalar type -> {array dtype -> (the scalar's native dtype, its name)}
        self.targets: dict[type, dict] = {}
        self._constants: dict = {}  # (scalar, native dtype) -> the 0-d array made of it
        self._reusable = getattr(mod, "reusable", None)

    def target(self, scalar_type: type, dtype) -> tuple:
        """``(native dtype, name)`` of a ``scalar_type`` scalar beside an array of
        ``dtype`` (a native dtype), found once."""
        name = weak_scalar_name(scalar_type, self._names.get(dtype) or dtype_name(dtype),
                                self._mod.default_dtypes())
        native = self._mod.DTYPES.get(name)
        if native is None:  # a dtype outside the promotion table (float8): the array's own
            native = self._mod.native_dtype(name)
        found = self.targets.setdefault(scalar_type, {})[dtype] = (native, name)
        return found

    def constant(self, scalar, native):
        """The 0-d array of ``scalar`` in native dtype ``native``, made or kept."""
        return self.kept(_constant_key(scalar, native), scalar, native)

    def kept(self, key, scalar, native):
        """:meth:`constant` of ``scalar`` given its key (:func:`_constant_key`)."""
        made = self._constants.get(key)
        if made is None:
            made = self._asarray(scalar, dtype=native)
            if self._reusable is not None and self._reusable(made):
                if len(self._constants) >= _MAX_CONSTANTS:
                    self._constants.clear()
                self._constants[key] = made
        return made

    def array(self, scalar, scalar_type: type, arrays: list):
        """``scalar`` as a new 0-d array beside ``arrays`` (one or more, of this backend).
        Not a kept one: this is the general path (keywords, host data), which compilers
        trace too, and a kept tensor read while tracing would become a graph input."""
        if len(arrays) == 1:
            dtype = arrays[0].dtype
        else:
            dtype = self._mod.DTYPES[_widest([self._names.get(x.dtype) or dtype_name(x.dtype)
                                               for x in arrays])]
        native, name = self.targets.get(scalar_type, {}).get(dtype) or self.target(
            scalar_type, dtype)
        if scalar_type is int:
            _check_fits(self.spec, scalar, name)
        return self._asarray(scalar, dtype=native)


def _weak_scalar_call(impl: Callable, full: Callable, general: Callable, spec: OpSpec,
                      mod, types: tuple) -> Callable | None:
    """The call of an element-wise op on one array of backend ``mod`` and one Python
    scalar (``x + 1.0``, ``where(c, x, 0.0)``), or None for other ``types``: the scalar
    becomes a 0-d array of its weak dtype, as :class:`_WeakScalars` makes and keeps it;
    the lookups are written out here for the common call. Where the scalar's dtype is the
    array's and the backend applies the same rule (NumPy 2, but not beside bfloat16), or
    its ``AT_SCALARS`` has a function for the op, the scalar's place and the array's dtype
    (``torch.pow`` of a floating tensor and a Python exponent), the scalar goes to that
    function as it is. Where the scalar's dtype is the array's, the
    backend's own function ``impl`` runs (or the framework's own, where the backend's
    ``AT_DEFAULTS`` has it for that dtype: torch.maximum), else the promoting ``full``.
    Calls with keywords take ``general`` (:func:`_coercing`)."""
    i, j = _PROMOTED_DISPATCH[spec.dispatch]
    own = mod.ARRAY_TYPES
    if is_scalar_type(types[i]) and issubclass(types[j], own):
        k, other = i, j
    elif is_scalar_type(types[j]) and issubclass(types[i], own):
        k, other = j, i
    else:
        return None
    if any(not issubclass(t, own) for n, t in enumerate(types) if n not in (i, j)):
        return None  # where's condition: not an array of the backend
    scalar_type = types[k]
    weak = _WeakScalars(spec, mod)
    constants = weak._constants
    signed_zero = scalar_type is float or scalar_type is complex  # (see constant())
    as_is = mod.NAME == "numpy"
    # the framework's own function by dtype, for operands of that one dtype: keyed on the
    # first argument's dtype, which is the array's where the op's operands lead it
    own_fns = getattr(mod, "AT_DEFAULTS", {}).get(spec.target) if i == 0 else None
    if not isinstance(own_fns, dict):
        own_fns = {}
    # the framework's own function by dtype, for a Python number in this place as it is,
    # but for the values it computes otherwise (AT_SCALARS: torch.pow's scalar exponent)
    place, scalar_fns, unlike = getattr(mod, "AT_SCALARS", {}).get(spec.target,
                                                                 (None, {}, frozenset()))
    if place != k:
        scalar_fns = {}
    #: the array's dtype -> (the scalar's native dtype, or None: as it is; its name; the
    #: function to call)
    plans: dict = {}

    def plan(dtype, own=True):
        native, name = weak.target(scalar_type, dtype)
        # one dtype: nothing to promote
        f = own_fns.get(dtype, impl) if native == dtype else full
        if as_is and native == dtype and name != "bfloat16":
            native = None  # NumPy 2 applies crossops's weak rule itself (not to bfloat16)
        elif own and native == dtype and dtype in scalar_fns:
            native, f = None, scalar_fns[dtype]
        # (an int beside an integer array must fit its dtype: checked at each call)
        found = (native, name if scalar_type is int and kind(name) in "iu" else None, f)
        if own:
            plans[dtype] = found
        return found

    def call(*args, **kwargs):
        if kwargs:
            return general(*args, **kwargs)
        dtype = args[other].dtype
        native, fits, f = plans.get(dtype) or plan(dtype)
        scalar = args[k]
        if native is None and scalar in unlike:
            native, fits, f = plan(dtype, own=False)
        if fits is not None:
            _check_fits(spec, scalar, fits)
        if native is None:
            return f(*args)
        # weak.constant(scalar, native), its lookups written out (keyed by type: a float
        # zero also by its sign, see _constant_key)
        made = constants.get((scalar, native) if scalar or not signed_zero else (
            scalar, native, _copysign(1.0, scalar)) if scalar_type is float else
            (repr(scalar), native))
        if made is None:
            made = weak.constant(scalar, native)
        if len(args) == 2:
            return f(args[0], made) if k else f(made, args[1])
        args = list(args)
        args[k] = made
        return f(*args)

    def plan_for(dtype, scalar) -> tuple | bool:
        """What ``call`` does with an array of ``dtype`` and the Python float or int
        ``scalar`` in its place (C fronts: ``scalar_plan``): ``(f, the 0-d array, whether
        it is kept for later calls)``; ``(f, None, True)`` where the scalar goes to ``f``
        as it is (NumPy); ``()`` where an int's value is checked against the dtype at each
        call (an integer dtype); False where no array is ever kept (a backend without
        ``reusable``)."""
        native, fits, f = plans.get(dtype) or plan(dtype)
        if native is None and scalar in unlike:
            native, fits, f = plan(dtype, own=False)
        if fits is not None:
            return ()
        if native is None:
            return f, None, True
        if weak._reusable is None:
            return False
        key = _constant_key(scalar, native)
        made = weak.kept(key, scalar, native)
        return f, made, constants.get(key) is made

    call.__wrapped__ = full
    if (scalar_type is float or scalar_type is int) and len(types) == 2:
        call.plan_for = plan_for
    return call


def _checking_lists(f: Callable, spec: OpSpec) -> Callable:
    """``f``, first checking the lists a call gives for array parameters (strings, objects
    and ragged lists raise, naming the op and the parameter)."""
    def checked(*args, **kwargs):
        check_lists(spec, args, kwargs)
        return f(*args, **kwargs)

    checked.__wrapped__ = f
    return checked


def _check_fits(spec: OpSpec, scalar, name: str) -> None:
    """A Python int beside an integer array must fit its dtype (NumPy 2 raises too)."""
    if kind(name) in "iu" and type(scalar) is int:
        import numpy as np
        info = np.iinfo(name)
        if not info.min <= scalar <= info.max:
            raise OverflowError(
                f"{spec.qualname}: Python int {scalar} does not fit the array's dtype {name} "
                f"[{info.min}, {info.max}]; cast the array first (astype) or pass an array")


def _widest(names: list[str]) -> str:
    from ._dtypes import result_name
    return result_name(*names)


#: the argument positions that promotion reads, by the spec's ``dispatch`` (for the
#: generated functions)
PROMOTED_DISPATCH = _PROMOTED_DISPATCH


def forwarding(spec: OpSpec) -> list[tuple[inspect.Parameter, str]]:
    """How the generated function passes each parameter on: ``"pos"`` (positional-only
    ones, promoted ones, every one before a ``*args``), ``"*"``, ``"**"`` or ``"kw"``."""
    kept = own_params(spec)
    params = [p for p in spec.parameters.values() if p.name not in kept]
    # promoted parameters go by position (the promotion wrapper finds them there)
    positional = max((spec.params.index(p) + 1 for p in spec.promote), default=0)
    star = next((k for k, p in enumerate(params) if p.kind is p.VAR_POSITIONAL), None)
    if star is not None:
        positional = max(positional, star)
    out = []
    for k, p in enumerate(params):
        if p.kind is p.POSITIONAL_ONLY or (k < positional and p.kind is p.POSITIONAL_OR_KEYWORD):
            out.append((p, "pos"))
        elif p.kind is p.VAR_POSITIONAL:
            out.append((p, "*"))
        elif p.kind is p.VAR_KEYWORD:
            out.append((p, "**"))
        else:
            out.append((p, "kw"))
    return out



def own_params(spec: OpSpec) -> frozenset:
    """The parameters an op's generated function handles itself and never passes on to the
    op's (backend or generic) functions: NumPy's ``like=`` of a creation function (the
    backend to create on) and NumPy's ``where=``, ``initial=`` and ``mean=`` of an array API
    reduction (written once over crossops ops in ``crossops.numpy._masked``)."""
    params = spec.parameters
    kept = set()
    if spec.dispatch == "creation" and "like" in params and "like" not in spec.arrays:
        kept.add("like")
    if spec.dispatch == "reduction":
        kept.update(p for p in ("where", "initial", "mean") if p in params)
    return frozenset(kept)


def like_placement(like, device, *data):
    """The backend and device of a creation call given NumPy's ``like=``: ``like``'s
    backend (a NumPy array: numpy), and on torch ``like``'s device where ``device`` is None
    (elsewhere the backend's default device). ``data``, the call's array arguments
    (``asarray``'s ``obj``), may be host data or arrays of that backend (any array, where
    ``like`` is a NumPy array: NumPy's own ``like=``): arrays of two non-NumPy backends do
    not mix (crossops's one rule)."""
    backend = backend_of_type(type(like))
    if backend is None:
        raise TypeError(f"like must be an array of one of the backends, got "
                        f"{type(like).__name__}")
    for x in data:
        b = backend_of_type(type(x))
        if b is not None and b != backend and "numpy" not in (b, backend):
            raise TypeError(f"like is a {backend} array and the data a {b} array: arrays of "
                            f"two backends do not mix; convert the data to a NumPy array "
                            f"first (numpy.asarray), or leave out like")
    if device is None and backend == "torch":
        device = like.device
    return backend, device


def backend_of_impl(types) -> str:
    """The backend of a call whose array arguments have ``types`` (for converting a
    ``dtype`` argument to that backend's dtype object): the rule of
    :func:`crossops._backend.call_backend`, NumPy arrays beside another backend's being
    host data."""
    if len(types) == 1:  # one array (the common call): its backend
        return backend_of_type(types[0]) or get_backend()
    return call_backend(types) or get_backend()


#: the default backend of array-free calls (read by the generated functions)
default_backend = get_backend


def native_dtype(backend: str, dtype):
    """``dtype`` (a name, a NumPy dtype or any backend's) as ``backend``'s dtype object."""
    return backend_module(backend).native_dtype(dtype)


#: every op of the spec, by qualified name
TABLE: dict[str, Op] = {}


_prefilled: list[tuple[type, str]] = []


def _prefill(t: type, backend: str) -> None:
    _prefilled.append((t, backend))
    for op in TABLE.values():
        op.prefill(t, backend)


_backend.on_new_array_type.append(_prefill)


#: backends whose compiler traces through Python dispatch (torch.compile / dynamo): their
#: caches are filled as soon as their framework is imported, before any trace can start
_PREFILL_FRAMEWORKS = {"torch": "torch"}


def prefill_loaded_frameworks() -> None:
    """Fill the caches for torch tensors now if torch is imported, else right after torch
    is imported (a one-shot import hook), so that ``torch.compile(fullgraph=True)`` never
    traces a cache miss."""
    for name, framework in _PREFILL_FRAMEWORKS.items():
        if framework in sys.modules:
            _prefill_backend(name)
        else:
            _backend.after_import(framework, lambda name=name: _prefill_backend(name))


def _prefill_backend(name: str) -> None:
    # importing the backend module fills the caches (see _backend.backend_module); when
    # that import is what imported the framework, it fills them once it has finished
    if f"crossops.backends.{name}" not in sys.modules:
        backend_module(name)


#: every public op function (a C front or a generated function) -> its op
FUNCTIONS: dict[Callable, Op] = {}

def bind(qualname: str, generic: dict[str, Callable]) -> Op:
    """The table entry of spec op ``qualname`` (made on first use), whose generic
    implementation, if any, is ``generic[name]``: the generated op modules call this
    once per op at import."""
    op = TABLE.get(qualname)
    if op is None:
        spec = load_spec()[qualname]
        op = TABLE[qualname] = Op(spec, generic.get(spec.name))
        for t, backend in _prefilled:
            op.prefill(t, backend)
    return op
