"""Test helpers: the installed backends, and moving NumPy data onto each of them."""

from __future__ import annotations

import contextlib
import importlib.util

import ml_dtypes
import numpy as np
import pytest

import crossops
from crossops._dtypes import dtype_name

BACKENDS = [b for b in crossops.BACKENDS
            if b == "numpy" or importlib.util.find_spec(b) is not None]
MISSING = {b: f"{b} is not installed" for b in crossops.BACKENDS if b not in BACKENDS}
#: the installed backends whose arrays are not host data
OTHERS = [b for b in BACKENDS if b != "numpy"]
#: the backends that differentiate
DIFF = ("jax", "torch", "tensorflow")


def diff_params(config) -> list:
    """``pytest.param`` for each differentiating backend chosen by ``--backend`` (the
    ``dbackend`` and ``jbackend`` fixtures' values, tests/conftest.py)."""
    chosen = config.getoption("--backend") or list(DIFF)
    return [pytest.param(b, id=b, marks=() if b in BACKENDS else
                         pytest.mark.skip(reason=f"{b} is not installed"))
            for b in DIFF if b in chosen]


def to_backend(backend: str, x):
    """A NumPy array (or scalar) as an array of ``backend``, same dtype and values."""
    if not isinstance(x, np.ndarray | np.generic):
        return x
    x = np.asarray(x)
    if backend == "numpy":
        return x.copy()
    if backend == "jax":
        import jax.numpy as jnp
        return jnp.asarray(x)
    if backend == "torch":
        import torch
        if x.dtype == ml_dtypes.bfloat16:
            return torch.from_numpy(x.view(np.int16).copy()).view(torch.bfloat16)
        return torch.from_numpy(x.copy())
    if backend == "tensorflow":
        import tensorflow as tf
        return tf.constant(x)
    raise ValueError(backend)


def to_numpy(x):
    """Any backend's array, or a tuple of them, as NumPy."""
    if hasattr(x, "_fields"):  # a named tuple (unique_all, eigh, svd ...)
        return type(x)(*(to_numpy(v) for v in x))
    if isinstance(x, tuple | list):
        return type(x)(to_numpy(v) for v in x)
    if isinstance(x, (bool, int, float, complex)):
        return np.asarray(x)
    return crossops.to_numpy(x)


def native_types(backend: str) -> tuple:
    """The array types of a backend."""
    from crossops._backend import backend_module
    return backend_module(backend).ARRAY_TYPES


@contextlib.contextmanager
def backend_context(backend: str):
    """Default backend ``backend``; for jax also 64-bit types (x64), on for this test only."""
    with crossops.use_backend(backend):
        if backend == "jax":
            import jax
            with jax.enable_x64(True):
                yield
        else:
            yield


def name_of(dtype) -> str:
    return dtype_name(dtype)


def op_function(spec):
    """The public crossops function of a spec entry."""
    import importlib
    module = {"": "crossops.numpy", "linalg": "crossops.numpy.linalg",
              "fft": "crossops.numpy.fft"}.get(spec.namespace, f"crossops.{spec.namespace}")
    return getattr(importlib.import_module(module), spec.name)


def flush_to_zero(x):
    """Subnormal floats as zeros of the same sign: TensorFlow and XLA on CPU flush them
    (denormals-are-zero), so results near them differ from NumPy's by design."""
    if not isinstance(x, np.ndarray) or not (x.dtype.kind in "fc" or
                                            x.dtype == np.dtype(ml_dtypes.bfloat16)):
        return x
    if x.dtype.kind == "c":
        return flush_to_zero(x.real) + 1j * flush_to_zero(x.imag)
    tiny = ml_dtypes.finfo(x.dtype).tiny
    with np.errstate(invalid="ignore"):
        small = np.abs(x.astype(np.float64)) < float(tiny)
    return np.where(small, np.copysign(np.zeros((), x.dtype), x), x).astype(x.dtype)


def assert_mixed_backends_raise(calls, b1: str, b2: str) -> None:
    """Each of ``calls``, ``(op, call)`` or ``(op, call, arguments)``, given arrays of
    backends ``b1`` and ``b2``, raises the dispatch's TypeError: a message that starts
    ``"{op}: arrays of two backends"`` and names both backends, each of ``arguments``
    (the names of the two arguments) and what would work."""
    import pytest
    for op, call, *arguments in calls:
        with pytest.raises(TypeError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith(f"{op}: arrays of two backends"), msg
        assert b1 in msg and b2 in msg, msg
        assert "crossops.to_numpy" in msg, msg
        for name in (arguments[0] if arguments else ()):
            assert f"{name} on " in msg, msg


def keras_subprocess(backend: str, module: str, entry: str, timeout: float = 900) -> dict:
    """Keras's results, computed in a fresh Python with ``KERAS_BACKEND`` set to
    ``backend`` (Keras reads it once, when it is imported): runs ``<module>.<entry>(path)``
    (``module`` a test module, ``"tests.test_sparse"``), which writes its results (a dict)
    to ``path`` as a pickle, and returns them."""
    import os
    import pickle
    import subprocess
    import sys
    import tempfile
    from pathlib import Path
    root = Path(__file__).parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out.pkl")
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
                   PYTHONPATH=os.pathsep.join([str(root), str(root / "src"),
                                               os.environ.get("PYTHONPATH", "")]))
        code = f"import {module} as t; t.{entry}({path!r})"
        proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=root,
                              capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, proc.stderr[-4000:]
        with open(path, "rb") as f:
            return pickle.load(f)
