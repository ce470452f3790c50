"""pytest plugin: run Keras's own ops tests against ``keras.ops`` or ``crossops.ops``.

Loaded by ``run.py`` (``-p keras_ops_plugin``) in a subprocess per backend and mode; see
README.md. Nothing here is Keras test code: the test files are collected from the
installed keras package, and this plugin only changes what their module-level names
(``knp``, ``knn``, ``kmath``, ``linalg``, ``core``, ``kimage``, ``ops``, ``keras``) point to.

Environment (set by run.py):
    KERAS_BACKEND   numpy | jax | torch | tensorflow (read by keras at import)
    KOT_MODE        keras | crossops
    KOT_RESULTS     path of the JSON-lines results file (appended to, one line per test)
    KOT_EXCLUDE     optional file of node ids to deselect (a resumed run after a crash)
    KOT_TIMEOUT     seconds one test may run (default 120; 0 = none)
"""

import functools
import json
import os
import signal
import sys
import time
import types

# As Keras's own conftest.py (which the wheel does not ship): 32-bit JAX defaults, and
# torch imported before tensorflow.
os.environ.setdefault("JAX_DEFAULT_DTYPE_BITS", "32")
try:
    import torch  # noqa: F401
except ImportError:
    pass

import numpy as np  # noqa: E402
import pytest  # noqa: E402

MODE = os.environ.get("KOT_MODE", "keras")
BACKEND = os.environ.get("KERAS_BACKEND", "numpy")
RESULTS = os.environ.get("KOT_RESULTS")
EXCLUDE = os.environ.get("KOT_EXCLUDE")
TIMEOUT = float(os.environ.get("KOT_TIMEOUT", "120"))
STRICT_MESSAGES = os.environ.get("KOT_STRICT_MESSAGES", "") not in ("", "0")

if MODE not in ("keras", "crossops"):
    raise SystemExit(f"KOT_MODE must be keras or crossops, not {MODE!r}")

# Functions whose arguments stay as the test gives them: they are about host data itself.
NO_CONVERT = frozenset({"is_tensor", "convert_to_tensor", "convert_to_numpy"})
# keras attributes that build layers, models or training: a test touching one is skipped.
LAYER_NAMES = frozenset({"layers", "Layer", "Model", "Sequential", "Functional", "Input",
                         "models", "losses", "optimizers", "input_layer"})
OPS_MODULES = frozenset(f"keras.src.ops.{m}" for m in
                        ("numpy", "nn", "math", "linalg", "core", "image"))
SKIP_SYMBOLIC = "harness: symbolic KerasTensor test"
SKIP_LAYERS = "harness: builds Keras layers/models"


class _State:
    """What the running test called (reset per test)."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.called = {}        # op name -> True for crossops (or keras, in keras mode)
        self.fallback = {}      # op names crossops lacks, run by Keras instead
        self.raised_in = None   # the wrapped op an exception came out of, if any


STATE = _State()
TEST_MODULES = set()   # names of the collected Keras test modules


# --- turning the tests' NumPy arrays into arrays of the backend under test --------------

def _native_converter():
    if BACKEND == "numpy":
        return None
    if BACKEND == "torch":
        import torch

        def conv(a):
            return torch.from_numpy(np.array(a, order="C", copy=True))
    elif BACKEND == "jax":
        import jax.numpy as jnp

        def conv(a):
            return jnp.asarray(a)
    elif BACKEND == "tensorflow":
        import tensorflow as tf

        def conv(a):
            return tf.convert_to_tensor(a)
    else:
        raise SystemExit(f"unknown backend {BACKEND!r}")
    return conv


_CONV = None


def _convert(x):
    """np.ndarray leaves (in lists, tuples and dicts) -> arrays of the backend."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "OSUVMm":
            return x
        try:
            return _CONV(x)
        except Exception:  # a dtype the framework lacks: leave it to the op
            return x
    if type(x) is list:
        return [_convert(v) for v in x]
    if type(x) is tuple:
        return tuple(_convert(v) for v in x)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(_convert(v) for v in x))
    if type(x) is dict:
        return {k: _convert(v) for k, v in x.items()}
    return x


def _has_keras_tensor(x, KerasTensor, depth=0):
    if isinstance(x, KerasTensor):
        return True
    if depth > 4:
        return False
    if isinstance(x, (list, tuple)):
        return any(_has_keras_tensor(v, KerasTensor, depth + 1) for v in x)
    if isinstance(x, dict):
        return any(_has_keras_tensor(v, KerasTensor, depth + 1) for v in x.values())
    return False


# --- Keras's global config mirrored into crossops's (if crossops has one) ---------------

_SYNC = []


def _make_config_sync():
    try:
        import crossops
        cfg = crossops.config
    except Exception:
        return
    from keras.src import backend as kb
    pairs = [("floatx", kb.floatx), ("image_data_format", kb.image_data_format)]
    for name, kget in pairs:
        setter = getattr(cfg, "set_" + name, None)
        getter = getattr(cfg, name, None)
        if setter is not None and getter is not None:
            _SYNC.append((kget, getter, setter))


def _sync_config():
    for kget, getter, setter in _SYNC:
        v = kget()
        if getter() != v:
            setter(v)


# --- the wrapper every op call from a test goes through (both modes) ---------------------

def _wrap(fn, name, *, is_crossops, is_fallback):
    from keras.src.backend.common.keras_tensor import KerasTensor
    convert = _CONV is not None and name not in NO_CONVERT

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if (any(_has_keras_tensor(a, KerasTensor) for a in args)
                or any(_has_keras_tensor(a, KerasTensor) for a in kwargs.values())):
            pytest.skip(SKIP_SYMBOLIC)
        if convert:
            args = _convert(args)
            kwargs = _convert(kwargs)
        if is_fallback:
            STATE.fallback[name] = True
        else:
            STATE.called[name] = True
        if is_crossops and _SYNC:
            _sync_config()
        try:
            return fn(*args, **kwargs)
        except Exception:
            if STATE.raised_in is None:
                STATE.raised_in = name
            raise

    op.__kot_wrapped__ = True
    return op


class _LayerGuard(types.ModuleType):
    """Stands for keras.layers / models / losses ...: any use skips the test."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        pytest.skip(SKIP_LAYERS)

    def __call__(self, *a, **k):
        pytest.skip(SKIP_LAYERS)

    def __mro_entries__(self, bases):  # class MyLayer(keras.Layer)
        pytest.skip(SKIP_LAYERS)


class _OpsProxy(types.ModuleType):
    """A Keras ops module as the tests see it: functions go through ``_wrap``; in crossops
    mode to crossops.ops's function of the same name where crossops has one."""

    def __init__(self, kmod, image):
        super().__init__(kmod.__name__)
        self.__dict__["_kmod"] = kmod
        self.__dict__["_image"] = image

    def __dir__(self):
        return dir(self._kmod)

    def __getattr__(self, name):
        kmod = self.__dict__["_kmod"]
        value = getattr(kmod, name)
        out = _resolve(value, name, self.__dict__["_image"])
        self.__dict__[name] = out
        return out


_PROXIES = {}


def _proxy_for_module(mod):
    """The proxy of a keras ops module (keras.src.ops[.x], keras.ops[.x]), else None."""
    name = getattr(mod, "__name__", "")
    if not name.startswith("keras"):
        return None
    parts = name.split(".")
    if "ops" not in parts:
        return None
    tail = parts[parts.index("ops") + 1:]
    if tail and tail[0] not in ("numpy", "nn", "math", "linalg", "core", "image"):
        return None  # ops.function, ops.operation ... stay Keras's
    if id(mod) not in _PROXIES:
        _PROXIES[id(mod)] = _OpsProxy(mod, image=bool(tail) and tail[0] == "image")
    return _PROXIES[id(mod)]


def _crossops_for(kfn, name, image):
    from keras.src import ops as kops

    import crossops.ops as cops
    if image:
        from keras.src.ops import image as kimage
        if getattr(kimage, name, None) is not kfn:
            return None
        ns = cops.image
    else:
        if getattr(kops, name, None) is not kfn:
            return None  # not a keras.ops function (a helper, or shadowed)
        ns = cops
    c = getattr(ns, name, None)
    return c if callable(c) and not isinstance(c, type) else None


def _resolve(value, name, image):
    if isinstance(value, types.ModuleType):
        p = _proxy_for_module(value)
        return p if p is not None else value
    if name.startswith("_") or isinstance(value, type) or not callable(value):
        return value  # op classes (knp.Add), KerasTensor, constants: Keras's own
    if MODE == "keras":
        return _wrap(value, name, is_crossops=False, is_fallback=False)
    c = _crossops_for(value, name, image)
    if c is None:
        return _wrap(value, name, is_crossops=False, is_fallback=True)
    return _wrap(c, name, is_crossops=True, is_fallback=False)


class _KerasProxy(types.ModuleType):
    """The ``keras`` module as the tests see it: keras.ops -> proxy, layers -> guard."""

    def __init__(self, kmod):
        super().__init__("keras")
        self.__dict__["_kmod"] = kmod

    def __getattr__(self, name):
        if name in LAYER_NAMES:
            pytest.skip(SKIP_LAYERS)
        value = getattr(self.__dict__["_kmod"], name)
        if isinstance(value, types.ModuleType):
            p = _proxy_for_module(value)
            if p is not None:
                return p
        return value


def _patch_test_module(mod):
    import keras
    for gname, value in list(vars(mod).items()):
        if value is keras:
            setattr(mod, gname, _KerasProxy(keras))
        elif isinstance(value, types.ModuleType):
            vname = getattr(value, "__name__", "")
            if vname.split(".")[-1] in LAYER_NAMES and vname.startswith("keras"):
                setattr(mod, gname, _LayerGuard(vname))
                continue
            p = _proxy_for_module(value)
            if p is not None:
                setattr(mod, gname, p)
        elif (callable(value) and not isinstance(value, type)
              and getattr(value, "__module__", "") in OPS_MODULES
              and not getattr(value, "__kot_wrapped__", False)):
            # `from keras.src.ops.x import fn` style imports
            image = value.__module__ == "keras.src.ops.image"
            setattr(mod, gname, _resolve(value, gname, image))


def _patch_keras_tensor():
    """A KerasTensor built directly by test code skips the test (the symbolic tests)."""
    from keras.src.backend.common.keras_tensor import KerasTensor
    orig = KerasTensor.__init__

    @functools.wraps(orig)
    def __init__(self, *args, **kwargs):
        f = sys._getframe(1)
        while f is not None and f.f_code.co_name == "__init__" and "self" in f.f_locals \
                and isinstance(f.f_locals["self"], KerasTensor):
            f = f.f_back  # subclasses' super().__init__
        if f is not None and f.f_globals.get("__name__") in TEST_MODULES:
            pytest.skip(SKIP_SYMBOLIC)
        orig(self, *args, **kwargs)

    KerasTensor.__init__ = __init__


# --- pytest hooks ---------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout(f"harness: test ran over {TIMEOUT:g} s")


def pytest_configure(config):
    global _CONV
    config.addinivalue_line("markers",
                            "requires_trainable_backend: mark test for trainable backend only")
    import keras  # noqa: F401  (KERAS_BACKEND is already set)
    from keras.src import backend
    if backend.backend() != BACKEND:
        raise SystemExit(f"keras runs {backend.backend()}, not {BACKEND}")
    _CONV = _native_converter()
    if MODE == "crossops":
        import crossops
        import crossops.ops  # noqa: F401
        crossops.set_backend(BACKEND)
        _make_config_sync()
    _patch_keras_tensor()
    if not STRICT_MESSAGES:
        _relax_message_checks()


def _relax_message_checks():
    """assertRaisesRegex / assertWarnsRegex check the type only: the wording of messages
    is crossops's own (issue 12). Applies in both modes."""
    from keras.src.testing import test_case

    def assertRaisesRegex(self, expected_exception, expected_regex, *args, **kwargs):
        return self.assertRaises(expected_exception, *args, **kwargs)

    def assertWarnsRegex(self, expected_warning, expected_regex, *args, **kwargs):
        return self.assertWarns(expected_warning, *args, **kwargs)

    test_case.TestCase.assertRaisesRegex = assertRaisesRegex
    test_case.TestCase.assertWarnsRegex = assertWarnsRegex


def _redirected(value):
    """``value`` as the test module's globals are redirected, where it is an op function
    of a keras ops module; else ``value`` itself."""
    if (callable(value) and not isinstance(value, type)
            and getattr(value, "__module__", "") in OPS_MODULES
            and not getattr(value, "__kot_wrapped__", False)):
        return _resolve(value, value.__name__, value.__module__ == "keras.src.ops.image")
    return value


def _patch_parameters(item):
    """Redirect the op functions among a parameterized test's parameters (absl's
    ``parameterized`` binds them when the test class is made, in the closure cell
    ``testcase_params`` of the test method: Keras's ``SparseTest`` passes
    ``op_function=knp.abs``), as the test module's globals are."""
    fn = getattr(getattr(item, "cls", None), item.name, None)
    fn = getattr(fn, "__func__", fn)
    code, cells = getattr(fn, "__code__", None), getattr(fn, "__closure__", None)
    if code is None or not cells or "testcase_params" not in code.co_freevars:
        return
    cell = cells[code.co_freevars.index("testcase_params")]
    params = cell.cell_contents
    if isinstance(params, dict):
        for key, value in list(params.items()):
            params[key] = _redirected(value)
    elif isinstance(params, tuple | list):
        cell.cell_contents = type(params)(map(_redirected, params))


def pytest_collection_modifyitems(session, config, items):
    from keras.src.backend import backend
    excluded = set()
    if EXCLUDE and os.path.exists(EXCLUDE):
        with open(EXCLUDE) as f:
            excluded = {line.rstrip("\n") for line in f if line.strip()}
    keep, drop = [], []
    for item in items:
        (drop if item.nodeid in excluded else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    trainable = pytest.mark.skipif(backend() == "numpy",
                                   reason="Trainer not implemented for NumPy backend.")
    for item in items:
        if "requires_trainable_backend" in item.keywords:
            item.add_marker(trainable)
        mod = getattr(item, "module", None)
        if mod is not None and mod.__name__ not in TEST_MODULES:
            TEST_MODULES.add(mod.__name__)
            _patch_test_module(mod)
        _patch_parameters(item)


_results = {}


def _write(rec):
    if RESULTS:
        with open(RESULTS, "a") as f:
            f.write(json.dumps(rec) + "\n")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid, location):
    _write({"start": nodeid})


def pytest_runtest_setup(item):
    STATE.reset()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    use_alarm = TIMEOUT > 0 and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _first_line(text):
    """The first line of a message; absl's ``assertEqual`` diff ``- a / + b`` as ``a != b``."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith("? ")]
    if not lines:
        return ""
    if len(lines) >= 2 and lines[0].startswith("- ") and lines[1].startswith("+ "):
        return f"{lines[0][2:]} != {lines[1][2:]}"[:300]
    return lines[0][:300]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    rec = _results.setdefault(item.nodeid, {"nodeid": item.nodeid, "outcome": "passed",
                                            "t": 0.0})
    rec["t"] += call.duration
    if rep.skipped and rec["outcome"] == "passed":
        rec["outcome"] = "skipped"
        lr = rep.longrepr
        rec["reason"] = lr[2] if isinstance(lr, tuple) else _first_line(lr)
    elif rep.failed and rec["outcome"] in ("passed", "skipped"):
        rec["outcome"] = "failed" if call.when == "call" else "error"
        ei = call.excinfo
        if ei is not None:
            et = ei.type
            rec["exc"] = et.__name__ if et.__module__ == "builtins" else \
                f"{et.__module__}.{et.__qualname__}"
            rec["msg"] = _first_line(ei.value)
        rec["raised_in"] = STATE.raised_in
    if call.when == "teardown":
        rec["ops"] = sorted(STATE.called)
        rec["fallback"] = sorted(STATE.fallback)
        _write(rec)
        _results.pop(item.nodeid, None)


def pytest_sessionfinish(session, exitstatus):
    _write({"finished": True, "exitstatus": int(exitstatus), "time": time.time()})
