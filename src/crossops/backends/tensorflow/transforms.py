"""The transforms on TensorFlow: ``tf.GradientTape`` (``grad``, ``vjp``, ``jacobian``),
``tf.autodiff.ForwardAccumulator`` (``jvp``), ``tf.vectorized_map`` (``vmap``),
``tf.function`` (``jit``) and ``tf.custom_gradient``.

``jit`` compiles with XLA (``tf.function(jit_compile=True)``) where XLA has kernels for
every op of the function: the first call for each input signature (the structure, the
shapes and dtypes of the tensors, the other arguments' values) tries XLA, and if XLA
refuses the graph (an op without an XLA kernel, a shape that depends on values), that
signature runs as a ``tf.function`` graph without XLA from then on. That first call may
trace the function twice. Autograph is off: Python control flow runs while tracing, as
under ``jax.jit``.
"""

from __future__ import annotations

import functools
import inspect
import threading

import tensorflow as tf

from .._batching import batch_size, moved_out, split_mapped
from .._custom_gradient import call_grad_fn, grads_tuple
from .._tree import flatten, split_aux, tree_map, unflatten

_ZERO = tf.UnconnectedGradients.ZERO


def _dense(tree):
    """Gradients as dense tensors: gather-like ops (take, pad, diag ...) give
    ``tf.IndexedSlices``, which the other backends have no counterpart of."""
    leaves, spec = flatten(tree)
    return unflatten(spec, [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices)
                            else g for g in leaves])


def _watch(tape, tree):
    for leaf in flatten(tree)[0]:
        if isinstance(leaf, tf.Tensor | tf.Variable):
            tape.watch(leaf)


def value_and_grad(fun, argnums, has_aux):
    def value_and_grad_fun(*args, **kwargs):
        diff = args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)
        with tf.GradientTape() as tape:
            _watch(tape, diff)
            out = fun(*args, **kwargs)
            value, aux = split_aux("grad", out, has_aux)
        grads = _dense(tape.gradient(value, diff, unconnected_gradients=_ZERO))
        return ((value, aux) if has_aux else value), grads

    return value_and_grad_fun


def vjp(fun, primals, has_aux):
    with tf.GradientTape(persistent=True) as tape:
        _watch(tape, primals)
        out = fun(*primals)
        value, aux = split_aux("vjp", out, has_aux)
    out_leaves, out_spec = flatten(value)

    def vjp_fn(cotangent):
        ct_leaves, ct_spec = flatten(cotangent)
        if ct_spec != out_spec:
            raise ValueError(f"crossops.vjp: the cotangent's structure {ct_spec} is not the "
                             f"output's {out_spec}")
        grads = tape.gradient(out_leaves, list(primals), output_gradients=ct_leaves,
                              unconnected_gradients=_ZERO)
        return tuple(_dense(list(grads)))

    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def jvp(fun, primals, tangents, has_aux):
    p_leaves, p_spec = flatten(tuple(primals))
    t_leaves, t_spec = flatten(tuple(tangents))
    if p_spec != t_spec:
        raise ValueError(f"crossops.jvp: the tangents' structure {t_spec} is not the "
                         f"primals' {p_spec}")
    with tf.autodiff.ForwardAccumulator(p_leaves, t_leaves) as acc:
        out = fun(*unflatten(p_spec, p_leaves))
        value, aux = split_aux("jvp", out, has_aux)
    tangent_out = acc.jvp(value, unconnected_gradients=_ZERO)
    return (value, tangent_out, aux) if has_aux else (value, tangent_out)


def jacobian(fun, argnums, has_aux):
    def jacobian_fun(*args, **kwargs):
        diff = args[argnums] if isinstance(argnums, int) else tuple(args[i] for i in argnums)
        with tf.GradientTape(persistent=True) as tape:
            _watch(tape, diff)
            out = fun(*args, **kwargs)
            value, aux = split_aux("jacobian", out, has_aux)
        leaves, spec = flatten(value)
        jac = unflatten(spec, [tape.jacobian(o, diff, unconnected_gradients=_ZERO)
                               for o in leaves])
        return (jac, aux) if has_aux else jac

    return jacobian_fun


def vmap(fun, in_axes, out_axes):
    def vmapped(*args):
        leaves, spec, mapped = split_mapped("vmap", args, in_axes)
        batch_size("vmap", leaves, mapped)  # checks that the mapped sizes agree
        front = [x if ax is None else tf.experimental.numpy.moveaxis(x, ax, 0)
                 for x, ax in zip(leaves, mapped)]
        elems = tuple(x for x, ax in zip(front, mapped) if ax is not None)

        def one(example):
            it = iter(example)
            return fun(*unflatten(spec, [next(it) if ax is not None else x
                                         for x, ax in zip(front, mapped)]))

        return moved_out(tf.vectorized_map(one, elems), out_axes,
                         tf.experimental.numpy.moveaxis)

    return vmapped


def _signature(args, kwargs):
    leaves, spec = flatten((args, kwargs))
    return (spec, *map(_leaf_key, leaves))


def _leaf_key(x):
    if isinstance(x, tf.Tensor | tf.Variable):
        return (tuple(x.shape), x.dtype)
    try:
        hash(x)
        return (type(x), x)
    except TypeError:
        return (type(x), id(x))


def _step_key(args, kwargs, batched):
    """The signature a step is traced for: with ``batched``, the batch axis of the last
    argument's tensors unknown (as :func:`_relaxed` gives them to the trace)."""
    if not batched or not args:
        return _signature(args, kwargs)
    leaves, spec = flatten(args[-1])
    return (_signature(args[:-1], kwargs), spec,
            *((None, *x.shape[1:], x.dtype) if isinstance(x, tf.Tensor) and x.shape.rank
              else _leaf_key(x) for x in leaves))


def _batch_free(x):
    """A batch's tensor as the spec of a tensor whose first axis (the batch axis) is
    unknown; any other leaf as it is."""
    if isinstance(x, tf.Tensor) and x.shape.rank:
        return tf.TensorSpec((None, *x.shape[1:]), x.dtype)
    return x


def _relaxed(args: tuple, batched: bool) -> tuple:
    """``args`` as a step is traced for them: with ``batched``, the tensors of the last
    argument (the batch) as specs with an unknown batch axis, the rest as they are."""
    if not batched or not args:
        return args
    return (*args[:-1], tree_map(_batch_free, args[-1]))


def _call(function, args, kwargs, batched, relaxed):
    """``function(*args, **kwargs)`` for a signature not met before: a batched step is
    first traced for ``relaxed`` (its batch axis unknown), so that this call and the
    later ones of every batch size run that one graph (tf.function dispatches a call to
    a trace whose input types are more general). A step whose code needs the batch size
    as a Python int (``TypeError`` or ``ValueError`` while traced so) is traced for each
    batch shape instead, as a tf.function is; a genuine error raises there."""
    if batched:
        try:
            function.get_concrete_function(*relaxed, **kwargs)
        except (TypeError, ValueError):
            pass
    return function(*args, **kwargs)


#: the errors by which XLA refuses a graph it cannot compile (an op without an XLA kernel,
#: a shape that depends on values)
_XLA_REFUSALS = (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError,
                 tf.errors.InternalError)

_trace_state = threading.local()


def traced_for_xla() -> bool:
    """Whether the graph being traced now, in this thread, is one that :func:`jit` or
    :func:`compile_step` compiles with XLA (``tf.function(jit_compile=True)``): ops may
    then rely on XLA's kernels (XLA's Softmax gives a NaN row where its input row holds
    a NaN, TensorFlow's CPU kernel does not). False eagerly, and in a graph run without
    XLA (which is traced apart, as the fallback for a signature XLA refuses)."""
    return getattr(_trace_state, "xla", False)


def _traced_with_xla(fun, *args, **kwargs):
    """``fun(*args, **kwargs)`` with :func:`traced_for_xla` true while it runs (traced)."""
    before = getattr(_trace_state, "xla", False)
    _trace_state.xla = True
    try:
        return fun(*args, **kwargs)
    finally:
        _trace_state.xla = before


def _xla_traced(fun):
    """``fun`` for ``tf.function(jit_compile=True)``: a partial of its own (a partial has
    no code: its traces are counted apart from other functions', see compile_step), under
    :func:`traced_for_xla`, with ``fun``'s signature (tf.function binds calls by it)."""
    traced = functools.partial(_traced_with_xla, fun)
    try:
        traced.__signature__ = inspect.signature(functools.partial(fun))
    except (TypeError, ValueError):  # no signature to read: (*args, **kwargs)
        pass
    return traced


class _Compiled:
    """``tf.function(jit_compile=True)`` per input signature where XLA compiles it, else
    ``tf.function``; with ``batched``, one trace serves every batch size (see
    :func:`compile_step`), XLA compiling the traced graph for each shape it meets.

    Until XLA first refuses a signature, every call goes straight to the XLA function,
    without a key of its own (tf.function keys its traces itself): a call that traced
    anew and was refused runs as a graph, and from then on each call is keyed by its
    signature (:func:`_step_key`) to the function chosen for it. A batched step is always
    keyed (a new signature is first traced with its batch axis unknown)."""

    def __init__(self, fun, batched=False):
        # no autograph: Python control flow runs at trace time, as under jax.jit
        # (partials: their traces are counted apart from other models', see compile_step)
        self.xla = tf.function(_xla_traced(fun), jit_compile=True, autograph=False)
        self.graph = tf.function(functools.partial(fun), autograph=False)
        self.batched = batched
        #: every signature met so far compiled by XLA (not batched): no key needed
        self.all_xla = not batched
        self.choice: dict = {}

    def __call__(self, *args, **kwargs):
        if self.all_xla:
            xla = self.xla
            traces = xla.experimental_get_tracing_count()
            try:
                return xla(*args, **kwargs)
            except _XLA_REFUSALS:
                if xla.experimental_get_tracing_count() == traces:
                    raise  # a signature XLA compiled before: the function's own error
            # XLA refused this new signature: a graph for it, and keys from now on
            out = self.graph(*args, **kwargs)
            self.choice[_step_key(args, kwargs, False)] = self.graph
            self.all_xla = False
            return out
        key = _step_key(args, kwargs, self.batched)
        f = self.choice.get(key)
        if f is not None:
            return f(*args, **kwargs)
        relaxed = _relaxed(args, self.batched)
        try:
            out = _call(self.xla, args, kwargs, self.batched, relaxed)
        except _XLA_REFUSALS:
            # XLA cannot compile this graph: run it as a plain graph; a genuine error of
            # the function raises again there
            out = _call(self.graph, args, kwargs, self.batched, relaxed)
            self.choice[key] = self.graph
            return out
        self.choice[key] = self.xla
        return out


class _OneTrace:
    """A batched step's ``tf.function`` (see :func:`compile_step`), traced once for each
    signature of its arguments with the batch axis left out (the structure, the dtypes,
    the other axes), with that axis unknown: the full batches and the last, partial one
    run one graph."""

    def __init__(self, function):
        self.function = function
        self.traced: set = set()

    def __call__(self, *args, **kwargs):
        key = _step_key(args, kwargs, True)
        if key in self.traced:
            return self.function(*args, **kwargs)
        out = _call(self.function, args, kwargs, True, _relaxed(args, True))
        self.traced.add(key)
        return out


def jit(fun, static_argnums, static_argnames, guard_filter=None):
    # tf.function traces anew for each value of a non-tensor argument: static arguments
    # need no declaration (guard_filter: torch.compile's, nothing to filter here)
    return _Compiled(fun)


#: ``jit_compile="auto"`` compiles the steps: tf.function graphs (with XLA where TensorFlow
#: sees an accelerator)
AUTO_COMPILES = True


def compile_step(fun, jit_compile, donate=False, guard_filter=None, batched=False):
    # Keras's rule: XLA when asked, or on "auto" where there is an accelerator; else a
    # graph (TensorFlow's CPU kernels run a ResNet-50 step about 4x faster than XLA's).
    # batched: traced once with the batch axis unknown, as Keras's tf.function over its
    # dataset iterator, whose batches have a None batch axis
    if jit_compile is True or (jit_compile == "auto" and _has_accelerator()):
        return _Compiled(fun, batched)
    # a partial of its own: TensorFlow counts retracings per function's code, so the one
    # lambda of the trainer's step (a graph per model, traced per batch shape) would count
    # every model's traces together and log "triggered tf.function retracing" by the
    # third model; a partial has no code, and its traces are counted apart
    function = tf.function(functools.partial(fun), autograph=False)
    return _OneTrace(function) if batched else function


@functools.cache
def _has_accelerator() -> bool:
    return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())


def stop_gradient(x):
    return tf.stop_gradient(x)


def custom_gradient(f, args, kwargs):
    n = len(args)

    @tf.custom_gradient
    def forward(*a):
        out, grad_fn = f(*a, **kwargs)
        out_spec = flatten(out)[1]

        def backward(*cotangents):
            upstream = unflatten(out_spec, cotangents)
            grads = grads_tuple(call_grad_fn(grad_fn, a, upstream), n)
            return flatten(grads)[0]

        return out, backward

    return forward(*args)
