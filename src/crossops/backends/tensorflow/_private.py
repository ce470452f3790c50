"""Every use of TensorFlow's private API in the tensorflow backend, behind one function each.

The backend's eager fast paths read five private things of TensorFlow, each for speed
(TensorFlow 2.21, 32x32 float32 eager CPU tensors, a fresh tensor per read; the dispatch
budget is 0.3 us a call):

- :func:`run_kernel`: ``pywrap_tfe.TFE_Py_FastPathExecute`` (with ``eager.core``'s two
  status exceptions and ``ops.raise_from_not_ok_status``), a kernel run without the
  Python layers of its ``tf.raw_ops`` function. Fallback :func:`raw_kernel` (that
  function); saves 1 to 2 us a call.
- :func:`executing_eagerly` and :func:`eager`: the eager context's
  ``_thread_local_data.is_eager``. Fallback ``tf.executing_eagerly()``; saves ~0.25 us.
- :func:`static_shape`: ``EagerTensor._shape_tuple``. Fallback
  ``tuple(x.shape.as_list())``; saves ~1.6 us.
- :func:`rank`: ``EagerTensor._rank``. Fallback ``x.shape.rank``; saves ~1.6 us.
- :func:`host_buffer`: ``EagerTensor._numpy``, the NumPy view of a tensor's buffer.
  Fallback ``np.asarray(x)``; saves ~0.1 us.

(``x.shape`` makes a ``TensorShape`` on its first read of each tensor: most of the
fallbacks' cost.) Each function is bound to the private thing where the installed
TensorFlow has it, else to its public fallback, which gives the same result; the tests
check both, and that every private thing is present, so that a TensorFlow that renames one
fails a named test instead of making the backend slower in silence. :func:`missing` names
the absent ones.

The shape, rank and buffer functions take eager tensors only (``type(x) is EAGER_TENSOR``):
the callers check that first (``_compute.eager_cpu``).
"""

from __future__ import annotations

import inspect

import numpy as np
import tensorflow as tf

#: the exact type of eager tensors (tf.Variable and graph tensors are other types)
EAGER_TENSOR = type(tf.constant(0))

try:  # (the private modules; any of them gone: every function below is its fallback)
    from tensorflow.python import pywrap_tfe as _pywrap_tfe
    from tensorflow.python.eager import context as _context
    from tensorflow.python.eager import core as _core
    from tensorflow.python.framework import ops as _ops
except ImportError:  # pragma: no cover (another TensorFlow)
    _pywrap_tfe = _context = _core = _ops = None


def _present() -> dict[str, bool]:
    """Each private thing this module reads, by the name of the function that reads it:
    whether the installed TensorFlow has it."""
    kernel = (_pywrap_tfe is not None
              and hasattr(_pywrap_tfe, "TFE_Py_FastPathExecute")
              and hasattr(_core, "_NotOkStatusException")
              and hasattr(_core, "_FallbackException")
              and hasattr(_ops, "raise_from_not_ok_status")
              and hasattr(_context, "_context") and hasattr(_context, "context"))
    eager = False
    if _context is not None and hasattr(_context, "context"):
        eager = hasattr(getattr(_context.context(), "_thread_local_data", None), "is_eager")
    return {"run_kernel": kernel,
            "executing_eagerly": eager and hasattr(_context, "_context"),
            "static_shape": hasattr(EAGER_TENSOR, "_shape_tuple"),
            "rank": hasattr(EAGER_TENSOR, "_rank"),
            "host_buffer": hasattr(EAGER_TENSOR, "_numpy")}


#: function name -> whether its private thing is present (read once, at import)
PRESENT = _present()


def missing() -> list[str]:
    """The functions of this module that run their public fallback because the installed
    TensorFlow lacks the private thing they read (empty where every one is there)."""
    return [name for name, present in PRESENT.items() if not present]


# -- executing_eagerly ----------------------------------------------------------------------

def executing_eagerly_public() -> bool:
    """:func:`executing_eagerly`'s public fallback: ``tf.executing_eagerly()``."""
    return tf.executing_eagerly()


def executing_eagerly() -> bool:
    """``tf.executing_eagerly()``, read from the context's thread-local mode (what that
    function returns, without its two calls)."""
    ctx = _context._context
    if ctx is None:
        return tf.executing_eagerly()
    return ctx._thread_local_data.is_eager


def eager_public(x) -> bool:
    """:func:`eager`'s public fallback: ``type(x) is EAGER_TENSOR and
    tf.executing_eagerly()``."""
    return type(x) is EAGER_TENSOR and tf.executing_eagerly()


def eager(x) -> bool:
    """Whether ``x`` is an eager tensor and TensorFlow executes eagerly (not while a
    ``tf.function`` traces, where an eager tensor is a captured constant): where
    :func:`run_kernel` may run the kernel that ``x``'s ``tf`` function runs, on its device.
    :func:`executing_eagerly` in one frame (an eager tensor exists: so does the context)."""
    return type(x) is EAGER_TENSOR and _context._context._thread_local_data.is_eager


if not PRESENT["executing_eagerly"]:  # pragma: no cover (another TensorFlow)
    executing_eagerly = executing_eagerly_public  # noqa: F811
    eager = eager_public  # noqa: F811


# -- run_kernel, raw_kernel -----------------------------------------------------------------

#: kernel name -> the parameter names of its ``tf.raw_ops`` function, in order
_RAW_PARAMS: dict = {}
#: the op definitions' attribute names that ``tf.raw_ops`` spells otherwise
_RAW_NAMES = {"squeeze_dims": "axis"}


def raw_kernel(name: str, *args):
    """:func:`run_kernel`'s public fallback, and its path for the calls TensorFlow's fast
    path hands back: the ``tf.raw_ops`` function of kernel ``name``. ``args`` are
    :func:`run_kernel`'s (the inputs, then each attribute as a name and a value): the inputs
    go to that function's first parameters in order (its inputs, in the op definition's
    order), each attribute by its name there; the attributes ``tf.raw_ops`` infers from
    the inputs (dtypes such as ``T``, and the count ``N``) are left to it."""
    f = getattr(tf.raw_ops, name)
    params = _RAW_PARAMS.get(name)
    if params is None:
        params = _RAW_PARAMS[name] = tuple(inspect.signature(f).parameters)
    n = len(args)
    for i, a in enumerate(args):  # the first str is the first attribute's name
        if type(a) is str:
            n = i
            break
    kwargs = dict(zip(params, args[:n]))
    for attr, value in zip(args[n::2], args[n + 1::2]):
        attr = _RAW_NAMES.get(attr, attr)
        if attr in params:
            kwargs[attr] = value
        elif not (isinstance(value, tf.DType) or attr == "N"):
            raise TypeError(f"raw_kernel: tf.raw_ops.{name} takes no attribute {attr!r} "
                            f"(its parameters: {', '.join(params)})")
    return f(**kwargs)


def run_kernel(name: str, *args):
    """Run TensorFlow kernel ``name`` eagerly on ``args`` (its inputs, then each attribute
    as a name and a value, all of them: a gradient function reads them), as its
    ``tf.raw_ops`` function does when executing eagerly, without that function's Python
    layers (1 to 2 us): recorded on a GradientTape the same way, and a failure raised as
    the same ``tf.errors`` type and message. For eager tensors (``_compute.eager_cpu``); a
    call TensorFlow's fast path hands back runs :func:`raw_kernel`."""
    ctx = _context._context or _context.context()
    try:
        return _pywrap_tfe.TFE_Py_FastPathExecute(ctx, name, None, *args)
    except _core._NotOkStatusException as e:
        _ops.raise_from_not_ok_status(e, None)
    except _core._FallbackException:
        pass
    return raw_kernel(name, *args)


if not PRESENT["run_kernel"]:  # pragma: no cover (another TensorFlow)
    run_kernel = raw_kernel  # noqa: F811


# -- static_shape, rank, host_buffer (eager tensors) ---------------------------------------

def static_shape_public(x) -> tuple:
    """:func:`static_shape`'s public fallback: ``x.shape`` as a tuple of ints."""
    return tuple(x.shape.as_list())


def rank_public(x) -> int:
    """:func:`rank`'s public fallback: ``x.shape.rank``."""
    return x.shape.rank


def host_buffer_public(x) -> np.ndarray:
    """:func:`host_buffer`'s public fallback: ``np.asarray(x)`` (no copy on the CPU)."""
    return np.asarray(x)


#: ``static_shape(x)``: eager tensor ``x``'s shape, a tuple of ints (the C method itself,
#: about as fast as ``x._shape_tuple()`` and a sixth of the fallback on a fresh tensor)
static_shape = getattr(EAGER_TENSOR, "_shape_tuple", static_shape_public)
#: ``rank(x)``: eager tensor ``x``'s number of axes
rank = getattr(EAGER_TENSOR, "_rank", rank_public)
#: ``host_buffer(x)``: the NumPy view of eager tensor ``x``'s own buffer on the host (no
#: copy for a CPU tensor; read only, never written)
host_buffer = getattr(EAGER_TENSOR, "_numpy", host_buffer_public)
