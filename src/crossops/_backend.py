"""The default backend, backend names, and which backend an array type belongs to.

Nothing here imports a framework: a backend module is imported the first time an
array of its framework (already imported by the user) is seen, or when it is made
the default and an array-free op runs.

Examples
--------
>>> import crossops
>>> crossops.get_backend()
'numpy'
>>> with crossops.use_backend("numpy"):
...     crossops.get_backend()
'numpy'
"""

from __future__ import annotations

import contextvars
import importlib
import importlib.util
import os
import sys
import threading
from types import ModuleType

from ._host import host_constant

#: the backends crossops runs on, in the order they are tried
BACKENDS: tuple[str, ...] = ("numpy", "jax", "torch", "tensorflow")

# the top-level framework module each backend needs
_FRAMEWORK = {"numpy": "numpy", "jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}


def _check_name(name: str, what: str = "backend") -> str:
    if name not in _FRAMEWORK:
        raise ValueError(
            f"unknown {what} {name!r}; valid backends are {', '.join(map(repr, BACKENDS))}"
        )
    return name


_global_default: str = _check_name(os.environ.get("CROSSOPS_BACKEND", "numpy"),
                                   "backend in CROSSOPS_BACKEND")
_context_default: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crossops_backend", default=None
)


# use_backend blocks entered while torch.compile traces. dynamo cannot trace a ContextVar,
# but it traces a threading.local's attributes as side effects it can roll back, so a
# block inside a compiled function is one more traced value, not a graph break
class _Traced(threading.local):
    def __init__(self):  # on each thread's first use: reads never raise AttributeError
        self.name: str | None = None


_traced = _Traced()
#: how many such blocks are entered and not yet left, on every thread (one item: a list,
#: whose change dynamo traces as it traces the thread-local's): while none is, no
#: thread's ``_traced.name`` is set, and the reads below skip the thread-local (whose
#: attribute lookup costs ~0.15 us, a tenth of a small creation call)
_traced_blocks: list[int] = [0]


def _tracing() -> bool:
    """Whether torch.compile is tracing: ``torch.compiler.is_compiling`` once torch's
    compiler is loaded (:mod:`crossops._accel` sets this name), False before."""
    return False


def get_backend() -> str:
    """The name of the backend that array-free calls (``zeros``, ``arange``) use.

    Returns
    -------
    str
        ``"numpy"``, ``"jax"``, ``"torch"`` or ``"tensorflow"``.

    Examples
    --------
    >>> import crossops
    >>> with crossops.use_backend("numpy"):
    ...     crossops.get_backend()
    'numpy'
    """
    return (_traced_blocks[0] and _traced.name) or _context_default.get() or _global_default


def traced_get_backend() -> str:
    """:func:`get_backend` as torch.compile traces it (:mod:`crossops._accel` substitutes
    it): the ContextVar is read once, while tracing."""
    return _traced.name or _outer_default()


@host_constant
def _outer_default() -> str:
    return _context_default.get() or _global_default


def set_backend(name: str) -> None:
    """Set the process-wide default backend.

    Parameters
    ----------
    name : str
        One of ``crossops.BACKENDS``.

    Examples
    --------
    >>> import crossops
    >>> crossops.set_backend("numpy")
    """
    global _global_default
    _global_default = _check_name(name)


class use_backend:  # noqa: N801 (a function to its users, as contextlib's)
    """Use ``name`` as the default backend inside a ``with`` block (thread- and task-safe).

    Eagerly the block sets a ContextVar, so it holds for this thread and asyncio task only.
    Inside a function torch.compile traces, it sets a thread-local that dynamo traces, so
    the block compiles with no graph break.

    Parameters
    ----------
    name : str
        One of ``crossops.BACKENDS``; the previous default is back when the block ends.

    Examples
    --------
    >>> import crossops, crossops.numpy as xnp
    >>> with crossops.use_backend("numpy"):
    ...     type(xnp.zeros(2)).__name__
    'ndarray'
    """

    __slots__ = ("name", "_token", "_previous")

    def __init__(self, name: str):
        self.name = _check_name(name)
        self._token = None
        self._previous = None

    def __enter__(self) -> str:
        previous = _traced.name if _traced_blocks[0] else None
        if previous is not None or _tracing():  # within a traced block: stay in its slot
            self._previous = previous
            _traced_blocks[0] += 1  # (first: a reader that sees the name sees the count)
            _traced.name = self.name
        else:
            self._token = _context_default.set(self.name)
        return self.name

    def __exit__(self, *exc) -> None:
        if self._token is None:
            _traced.name = self._previous
            _traced_blocks[0] -= 1
        else:
            _context_default.reset(self._token)
            self._token = None


_modules: dict[str, ModuleType] = {}


def backend_module(name: str) -> ModuleType:
    """The crossops module of backend ``name`` (imports its framework)."""
    try:
        return _modules[name]
    except KeyError:
        pass
    _check_name(name)
    try:
        mod = importlib.import_module(f"crossops.backends.{name}")
    except ImportError as e:
        raise ImportError(
            f"crossops backend {name!r} needs {_FRAMEWORK[name]!r}, which is not installed "
            f"({e}); install it with `pip install crossops[{name}]`"
        ) from e
    _modules[name] = mod
    for listener in on_backend_loaded:
        listener(name, mod)
    if getattr(mod, "PREFILL", False):
        for t in mod.ARRAY_TYPES:
            backend_of_type(t)
    return mod


_chapters: dict[tuple[str, str], ModuleType | None] = {}


def backend_chapter(name: str, chapter: str) -> ModuleType | None:
    """Backend ``name``'s module for one chapter of ops (``crossops/backends/<name>/<chapter>.py``,
    e.g. ``control_flow``), or None where the backend has none: the chapter's generic code
    (written with crossops ops, or plain Python) then runs. A function is found in it by
    the op's name."""
    key = (name, chapter)
    try:
        return _chapters[key]
    except KeyError:
        pass
    package = backend_module(name).__name__
    found = importlib.util.find_spec(f"{package}.{chapter}") is not None
    _chapters[key] = importlib.import_module(f"{package}.{chapter}") if found else None
    return _chapters[key]


_SCALARS = (bool, int, float, complex)
#: type -> backend name, or None for types that belong to no backend (scalars, lists)
_type_backend: dict[type, str | None] = {t: None for t in (*_SCALARS, type(None), list, tuple)}


def loaded_backends() -> list[str]:
    """The backends whose framework is imported already (only their arrays can exist)."""
    return [name for name in BACKENDS if _FRAMEWORK[name] in sys.modules]


def backend_of_type(t: type) -> str | None:
    """The backend an array (or dtype) type belongs to, or None for scalars, lists and the like.

    A backend's dtype objects belong to it too, so that ``finfo(torch.float32)`` runs on torch.
    """
    try:
        return _type_backend[t]
    except KeyError:
        pass
    found = None
    for name in loaded_backends():
        mod = backend_module(name)
        if issubclass(t, mod.ARRAY_TYPES):
            found = name
            break
        if issubclass(t, mod.DTYPE_TYPES):
            found = name
            _dtype_types.add(t)
            break
        sparse = getattr(mod, "sparse_types", None)
        if sparse is not None and issubclass(t, sparse()):
            found = name
            _sparse_types.add(t)
            break
    _type_backend[t] = found
    if (found is not None and t not in _sparse_types
            and getattr(backend_module(found), "PREFILL", False)):
        for listener in on_new_array_type:
            listener(t, found)
    return found


class _AfterImport:
    """A one-shot ``sys.meta_path`` entry that runs ``callback`` once module ``name`` has
    been imported (its own loader runs first; nothing about the module changes)."""

    def __init__(self, name: str, callback):
        self.name, self.callback = name, callback

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader_exec, callback = spec.loader.exec_module, self.callback

        def exec_module(module):
            loader_exec(module)
            callback()

        spec.loader.exec_module = exec_module
        return spec


def after_import(name: str, callback) -> None:
    """Run ``callback()`` right after module ``name`` is first imported."""
    if not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))


#: called with (name, module) when a backend module is loaded (crossops._accel registers
#: its torch.compile substitutions)
on_backend_loaded: list = []


#: key -> (container, fill) of :func:`grown_with_backends`
_grown: dict = {}


def grown_with_backends(key, fill, container):
    """A live collection, kept under ``key`` (the first call's ``container``, a set or a
    dict): ``fill(container, module)`` has run for every loaded backend module and runs
    for each backend loaded later. The C fronts read such collections (their dtype sets,
    their result casts) on every call, so they must grow in place.

    Examples
    --------
    >>> found = grown_with_backends("doc-example", lambda names, mod: names.add(mod.NAME),
    ...                             set())
    >>> "numpy" in found or not _modules
    True
    """
    entry = _grown.get(key)
    if entry is None:
        entry = _grown[key] = (container, fill)
        for mod in list(_modules.values()):
            fill(container, mod)
    return entry[0]


def native_dtypes_where(keep) -> set:
    """The native dtypes, of every loaded backend, whose name ``keep`` accepts: a live set
    that grows as backends load (:func:`grown_with_backends`). A C front
    (``crossops._accel.accelerate``) takes its fast call only for arrays of these dtypes
    and hands the others to the Python function. ``keep`` is the key: pass one
    module-level function (``crossops._dtypes.is_inexact``), not a new lambda per call.

    Examples
    --------
    >>> import numpy as np
    >>> from crossops._dtypes import is_inexact
    >>> found = native_dtypes_where(is_inexact)
    >>> np.dtype("float32") in found, np.dtype("int32") in found
    (True, False)
    """
    def fill(found: set, mod: ModuleType) -> None:
        found.update(d for name, d in mod.DTYPES.items() if keep(name))
    return grown_with_backends(keep, fill, set())


def _grow(name: str, mod: ModuleType) -> None:
    for container, fill in _grown.values():
        fill(container, mod)


on_backend_loaded.append(_grow)

#: called with (type, backend) when an array type of a backend whose module sets
#: ``PREFILL`` is first seen (the dispatch table fills its caches for it)
on_new_array_type: list = []


_dtype_types: set[type] = set()


#: the sparse array types met so far (``jax.experimental.sparse.BCOO``, ``tf.SparseTensor``):
#: each backend lists its own in ``sparse_types()``
_sparse_types: set[type] = set()


def is_sparse_type(t: type) -> bool:
    """Whether ``t`` is a backend's sparse array type (see :func:`backend_of_type`)."""
    return t in _sparse_types


def is_dtype_type(t: type) -> bool:
    """Whether ``t`` is a backend's dtype class (it names a backend weaker than an array)."""
    return t in _dtype_types


def backend_of(x) -> str:
    """The backend of array ``x``; the default backend for scalars and lists."""
    return backend_of_type(type(x)) or get_backend()


#: types whose instances stand for the array they hold in ``.value`` (crossops's
#: ``Variable``, which registers itself): an op, a transform or a stateless call given one
#: reads its value, as Keras's ops read a Keras Variable
value_holders: set[type] = set()


def is_holder_type(t: type) -> bool:
    """Whether ``t`` is a value holder: a registered one, or Keras's ``Variable`` (or a
    subclass), registered here when first met (Keras is never imported for it)."""
    if t in value_holders:
        return True
    keras = sys.modules.get("keras")
    variable = getattr(keras, "Variable", None)
    if isinstance(variable, type) and issubclass(t, variable):
        value_holders.add(t)
        return True
    return False


def read_holders(x):
    """``x`` with every value holder (see :data:`value_holders`) replaced by its value: ``x``
    itself, or the elements of a list or tuple ``x`` (one level, as an op's arrays come)."""
    t = type(x)
    if t in value_holders:
        return x.value
    if (t is list or t is tuple) and any(type(e) in value_holders for e in x):
        return t(e.value if type(e) in value_holders else e for e in x)
    return x


# ----------------------------------------------------------------------------- the call rule


def call_backend(types, op: str = "crossops",
                 names: tuple[str, ...] | None = None) -> str | None:
    """The backend of a call whose array arguments have ``types``: crossops's one rule,
    which the dispatch table and every module that finds a call's backend follow.

    - Arrays of one backend: that backend.
    - NumPy arrays (and ``numpy.generic`` scalars) are host data, as Python lists and
      scalars are: beside arrays of exactly one other backend, the call is of that backend
      (the caller converts them to it, see :func:`is_host_type`); alone, of NumPy.
    - Dtype objects (``torch.float32``) decide only where no array does.
    - No array and no dtype object: None (the caller takes :func:`get_backend`).

    Each type is looked up once in a dict; the dispatch table calls this once per
    combination of types and caches what it finds.

    Raises
    ------
    TypeError
        If arrays of two backends other than NumPy meet; the message names ``op`` and both
        (and the two arguments, where ``names`` gives the name of each of ``types``).

    Examples
    --------
    >>> import numpy as np
    >>> from crossops._backend import call_backend
    >>> call_backend([np.ndarray, float]), call_backend([int, list])
    ('numpy', None)
    """
    found = found_type = from_dtype = None
    host = False
    for i, t in enumerate(types):
        b = backend_of_type(t)
        if b is None:
            continue
        if t in _dtype_types:
            if from_dtype is None:
                from_dtype = b
        elif b == "numpy":
            host = True
        elif found is None:
            found, found_type, found_at = b, t, i
        elif b != found:
            raise mixed_backends_error(op, (found, found_type), (b, t),
                                       None if names is None else (names[found_at], names[i]))
    if found is not None:
        return found
    return "numpy" if host else from_dtype


def backend_of_values(values, op: str = "crossops",
                      names: tuple[str, ...] | None = None) -> str:
    """:func:`call_backend` of the types of ``values`` (arrays, scalars, lists), else the
    default backend."""
    return call_backend(map(type, values), op, names) or get_backend()


def is_host_type(t: type, backend: str) -> bool:
    """Whether an argument of type ``t`` in a call of ``backend`` is host data that converts
    to it: a Python scalar or list (or any object of no backend), or a NumPy array in a
    call of another backend. ``None`` and dtype objects are not."""
    b = backend_of_type(t)
    if b is None:
        return t is not type(None)
    return b == "numpy" and backend != "numpy" and t not in _dtype_types


def mixed_backends_error(op: str, first: tuple[str, type], second: tuple[str, type],
                         names: tuple[str, str] | None = None) -> TypeError:
    """The error of a call with arrays of two backends (other than NumPy): ``first`` and
    ``second`` are (backend, array type); ``names``, where given, the two arguments'."""
    (b1, t1), (b2, t2) = first, second
    a1, a2 = (f"{n} on " for n in names) if names else ("", "")
    which = f"{names[0]} or {names[1]}" if names else "one of them"
    x = names[0] if names else "x"
    return TypeError(
        f"{op}: arrays of two backends in one call, {a1}{b1} "
        f"({t1.__module__}.{t1.__qualname__}) and {a2}{b2} "
        f"({t2.__module__}.{t2.__qualname__}); crossops converts only host data "
        f"(NumPy arrays, Python lists and scalars) to a call's backend: make {which} "
        f"a NumPy array first (crossops.to_numpy({x})), or convert it with the other "
        f"framework's asarray")


def is_scalar_type(t: type) -> bool:
    """Whether ``t`` is a Python scalar type (weak in promotion)."""
    return t in _SCALARS
