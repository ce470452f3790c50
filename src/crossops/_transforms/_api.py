"""The public transforms: ``grad``, ``value_and_grad``, ``vjp``, ``jvp``, ``jacobian``,
``vmap``, ``jit``.

Each takes a function written with crossops ops (or any code that works on the
arrays it is given) and returns a function that, when called, picks the backend from
its array arguments and applies that backend's own machinery: ``jax.grad`` ... on JAX,
``torch.func`` and ``torch.compile`` on PyTorch, ``tf.GradientTape``,
``tf.autodiff.ForwardAccumulator``, ``tf.vectorized_map`` and ``tf.function`` on
TensorFlow (see ``crossops.backends.tensorflow.transforms`` for how ``jit`` chooses XLA).
Each backend's machinery is its ``transforms`` chapter, ``crossops/backends/<name>/
transforms.py``, found by name (:func:`backend_impl`).
NumPy does not differentiate: there the differentiating transforms raise
``NotImplementedError``, ``vmap`` loops and ``jit`` runs the function as it is.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import optree

from .._backend import backend_chapter, backend_of_type
from ._tree import (
    argnums_tuple,
    as_float_arrays,
    not_differentiable,
    on_one_backend,
    scalar_output,
)


def backend_impl(backend: str):
    """The module of the transforms on ``backend``: its ``transforms`` chapter,
    ``crossops/backends/<backend>/transforms.py`` (imported on first use; a traced call
    finds it cached)."""
    return backend_chapter(backend, "transforms")


def _guard_filter():
    """The guard filter crossops gives a compiler that guards on Python objects
    (torch.compile's ``guard_filter_fn``): passed into the backends' ``jit`` and
    ``compile_step``, which sit below :mod:`crossops._accel` and cannot import it."""
    from .._accel import skip_crossops_guards
    return skip_crossops_guards


class _PerBackend:
    """A transformed function: on each call, the backend of the arguments' arrays picks a
    version of ``fun`` transformed by that backend's machinery (made once per backend)."""

    def __init__(self, name, fun, make, differentiates=True):
        self.name, self.fun, self.make = name, fun, make
        self.differentiates = differentiates
        #: backend -> the backend's transformed function
        self.compiled: dict = {}
        #: array type -> the transformed function, for calls whose positional arguments
        #: are all arrays of that one type (no tree to walk)
        self._by_type: dict = {}
        # name and docstring only: fun may itself be transformed, with attributes of its own
        functools.update_wrapper(self, fun, updated=())

    def for_backend(self, backend: str):
        try:
            return self.compiled[backend]
        except KeyError:
            pass
        if self.differentiates and backend == "numpy":
            raise not_differentiable(self.name)
        f = self.compiled[backend] = self.make(backend_impl(backend), backend)
        return f

    def __call__(self, *args, **kwargs):
        if not kwargs and args:
            t = type(args[0])
            f = self._by_type.get(t)
            if f is not None:
                for a in args:  # (a loop: all() over a generator costs ~0.4 us a call)
                    if type(a) is not t:
                        break
                else:
                    return f(*args)
        backend, (args, kwargs) = on_one_backend(self.name, args, kwargs)
        f = self.for_backend(backend)
        if args and not kwargs and backend_of_type(type(args[0])) == backend and all(
                type(a) is type(args[0]) for a in args):
            self._by_type[type(args[0])] = f
        return f(*args, **kwargs)


def _differentiated(name, argnums, args, backend):
    nums = argnums_tuple(name, argnums, len(args))
    args = list(args)
    for i in nums:
        args[i] = as_float_arrays(name, backend, args[i], f"argument {i} (in argnums)")
    return tuple(args)


def _value_and_grad(name, fun, argnums, has_aux):
    checked = scalar_output(name, fun, has_aux)
    inner = _PerBackend(name, fun, lambda impl, b: impl.value_and_grad(checked, argnums, has_aux))

    @functools.wraps(fun, updated=())
    def value_and_grad_fun(*args, **kwargs):
        backend, (args, kwargs) = on_one_backend(name, args, kwargs)
        f = inner.for_backend(backend)
        return f(*_differentiated(name, argnums, args, backend), **kwargs)

    return value_and_grad_fun


def value_and_grad(fun: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
                   has_aux: bool = False) -> Callable[..., Any]:
    """A function returning ``fun``'s value and its gradient w.r.t. argument(s) ``argnums``.

    Parameters
    ----------
    fun : callable
        Returns a scalar (an array of shape ``()``), or ``(scalar, aux)`` with
        ``has_aux``.
    argnums : int or tuple of int
        The positional arguments to differentiate (pytrees of floating-point arrays).
    has_aux : bool
        ``fun`` returns ``(value, aux)``; ``aux`` is returned, not differentiated.

    Returns
    -------
    callable
        ``(*args, **kwargs) -> (value, grads)`` (``((value, aux), grads)`` with
        ``has_aux``); ``grads`` has the structure of ``args[argnums]`` (a tuple of them
        for a tuple ``argnums``).

    Raises
    ------
    NotImplementedError
        When called with NumPy arrays.
    ValueError
        If ``fun``'s value is not a scalar.

    Examples
    --------
    >>> import torch, crossops, crossops.numpy as xnp
    >>> crossops.value_and_grad(lambda x: xnp.sum(x ** 2))(torch.tensor([1., 2.]))
    (tensor(5.), tensor([2., 4.]))
    """
    return _value_and_grad("value_and_grad", fun, argnums, has_aux)


def grad(fun: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
         has_aux: bool = False) -> Callable[..., Any]:
    """A function returning the gradient of scalar-valued ``fun`` w.r.t. ``argnums``.

    Parameters
    ----------
    fun : callable
        Returns a scalar (an array of shape ``()``), or ``(scalar, aux)`` with
        ``has_aux``.
    argnums : int or tuple of int
        The positional arguments to differentiate (pytrees of floating-point arrays).
    has_aux : bool
        ``fun`` returns ``(value, aux)``; ``aux`` is returned, not differentiated.

    Returns
    -------
    callable
        ``(*args, **kwargs) -> grads`` (``(grads, aux)`` with ``has_aux``); ``grads`` has
        the structure of ``args[argnums]`` (a tuple of them for a tuple ``argnums``).

    Examples
    --------
    >>> import torch, crossops, crossops.numpy as xnp
    >>> crossops.grad(lambda x: xnp.sum(xnp.sin(x)))(torch.zeros(2))
    tensor([1., 1.])
    """
    vg = _value_and_grad("grad", fun, argnums, has_aux)

    @functools.wraps(fun, updated=())
    def grad_fun(*args, **kwargs):
        value, grads = vg(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return grad_fun


def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple:
    """``fun(*primals)`` and its vector-Jacobian product function.

    Parameters
    ----------
    fun : callable
        Takes ``len(primals)`` positional arguments.
    *primals : pytrees of floating-point arrays
        The point at which ``fun`` is differentiated.
    has_aux : bool
        ``fun`` returns ``(out, aux)``; ``aux`` is returned, not differentiated.

    Returns
    -------
    tuple
        ``(out, vjp_fn)`` (``(out, vjp_fn, aux)`` with ``has_aux``); ``vjp_fn(cotangent)``
        (``cotangent`` of ``out``'s structure) returns a tuple with one cotangent per
        primal, of that primal's structure. ``vjp_fn`` may be called many times.

    Examples
    --------
    >>> import torch, crossops, crossops.numpy as xnp
    >>> out, f = crossops.vjp(xnp.sin, torch.zeros(2))
    >>> f(torch.ones(2))
    (tensor([1., 1.]),)
    """
    backend, (primals,) = on_one_backend("vjp", primals)
    if backend == "numpy":
        raise not_differentiable("vjp")
    primals = as_float_arrays("vjp", backend, tuple(primals), "primals")
    return backend_impl(backend).vjp(fun, primals, has_aux)


def jvp(fun: Callable[..., Any], primals: tuple | list, tangents: tuple | list,
        has_aux: bool = False) -> tuple:
    """``fun(*primals)`` and its Jacobian-vector product with ``tangents`` (forward mode).

    Parameters
    ----------
    fun : callable
    primals, tangents : tuple
        The arguments, and tangents of the same structure, shapes and dtypes.
    has_aux : bool
        ``fun`` returns ``(out, aux)``.

    Returns
    -------
    tuple
        ``(out, tangent_out)`` (``(out, tangent_out, aux)`` with ``has_aux``).

    Examples
    --------
    >>> import torch, crossops, crossops.numpy as xnp
    >>> crossops.jvp(xnp.sin, (torch.zeros(2),), (torch.ones(2),))
    (tensor([0., 0.]), tensor([1., 1.]))
    """
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError("crossops.jvp: primals and tangents must be tuples (one entry per "
                        f"argument), got {type(primals).__name__} and "
                        f"{type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"crossops.jvp: {len(primals)} primals but {len(tangents)} tangents")
    backend, (primals, tangents) = on_one_backend("jvp", primals, tangents)
    if backend == "numpy":
        raise not_differentiable("jvp")
    primals = as_float_arrays("jvp", backend, tuple(primals), "primals")
    tangents = as_float_arrays("jvp", backend, tuple(tangents), "tangents")
    return backend_impl(backend).jvp(fun, primals, tangents, has_aux)


def jacobian(fun: Callable[..., Any], argnums: int | tuple[int, ...] = 0,
             has_aux: bool = False) -> Callable[..., Any]:
    """A function returning the Jacobian of ``fun`` w.r.t. ``argnums`` (reverse mode).

    For an output leaf of shape ``S`` and an input leaf of shape ``T`` the block has shape
    ``S + T``; the result has the output's structure, each leaf holding the structure of
    the differentiated arguments (a tuple of them for a tuple ``argnums``), as
    ``jax.jacobian``.

    Parameters
    ----------
    fun : callable
        Returns a pytree of arrays (``(out, aux)`` with ``has_aux``).
    argnums : int or tuple of int
        The positional arguments to differentiate (pytrees of floating-point arrays).
    has_aux : bool
        ``fun`` returns ``(out, aux)``; ``aux`` is returned, not differentiated.

    Returns
    -------
    callable
        ``(*args, **kwargs) -> jac`` (``(jac, aux)`` with ``has_aux``), ``jac`` as above.

    Examples
    --------
    >>> import torch, crossops, crossops.numpy as xnp
    >>> crossops.jacobian(lambda x: 2 * x)(torch.ones(2))
    tensor([[2., 0.],
            [0., 2.]])
    """
    inner = _PerBackend("jacobian", fun,
                        lambda impl, b: impl.jacobian(fun, argnums, has_aux))

    @functools.wraps(fun, updated=())
    def jacobian_fun(*args, **kwargs):
        backend, (args, kwargs) = on_one_backend("jacobian", args, kwargs)
        f = inner.for_backend(backend)
        return f(*_differentiated("jacobian", argnums, args, backend), **kwargs)

    return jacobian_fun


def vmap(fun: Callable[..., Any], in_axes: Any = 0, out_axes: Any = 0) -> Callable[..., Any]:
    """A function mapping ``fun`` over an axis of its arguments (batching).

    Parameters
    ----------
    fun : callable
    in_axes : int, None or tuple
        The mapped axis of each positional argument (a tuple with one entry per argument,
        each an int, None for an unmapped argument, or a pytree prefix of that argument).
    out_axes : int, None or pytree prefix of the result
        Where the mapped axis goes in each result.

    Keyword arguments of the vmapped function are passed to ``fun`` unmapped on every
    backend (``jax.vmap`` would map them over axis 0).

    Returns
    -------
    callable
        ``fun`` batched: its results stacked along ``out_axes``.

    Examples
    --------
    >>> import numpy as np, crossops, crossops.numpy as xnp
    >>> crossops.vmap(xnp.sum)(np.ones((3, 2)))
    array([2., 2., 2.])
    """

    def make(impl, backend):
        return impl.vmap(fun, in_axes, out_axes)

    inner = _PerBackend("vmap", fun, make, differentiates=False)

    @functools.wraps(fun, updated=())
    def vmapped(*args, **kwargs):
        if isinstance(in_axes, tuple | list) and len(in_axes) != len(args):
            raise ValueError(f"crossops.vmap: in_axes has {len(in_axes)} entries for "
                             f"{len(args)} positional arguments")
        backend, (args, kwargs) = on_one_backend("vmap", args, kwargs)
        if kwargs:
            axes = tuple(in_axes) if isinstance(in_axes, list) else in_axes
            return backend_impl(backend).vmap(functools.partial(fun, **kwargs), axes,
                                              out_axes)(*args)
        return inner.for_backend(backend)(*args)

    return vmapped


def jit(fun: Callable[..., Any], static_argnums: int | tuple[int, ...] | None = None,
        static_argnames: str | tuple[str, ...] | None = None) -> Callable[..., Any]:
    """``fun`` compiled by the backend of its arguments, once per input signature.

    ``jax.jit`` on JAX; ``torch.compile`` on PyTorch; on TensorFlow
    ``tf.function(jit_compile=True)`` where XLA compiles the function, else
    ``tf.function`` (decided on the first call of each input signature); on NumPy the
    function runs as it is.

    Parameters
    ----------
    fun : callable
    static_argnums, static_argnames : int, str or sequences of them, optional
        Arguments that are Python values the compiled program depends on (JAX needs them
        declared; PyTorch and TensorFlow specialise on Python values by themselves).

    Returns
    -------
    callable
        ``fun``'s compiled form, with ``fun``'s signature; it compiles on its first call of
        each backend and input signature.

    Examples
    --------
    >>> import numpy as np, crossops, crossops.numpy as xnp
    >>> crossops.jit(lambda x: xnp.sum(x * 2))(np.ones(3))
    np.float64(6.0)
    """
    return _PerBackend("jit", fun, lambda impl, b: impl.jit(fun, static_argnums,
                                                             static_argnames, _guard_filter()),
                       differentiates=False)


def compile_step(fun, jit_compile: bool | str = "auto", donate: bool = False,
                 batched: bool = False):
    """``fun`` (a training, evaluation or prediction step) compiled under Keras's
    ``jit_compile`` rule, for the trainers.

    ``jit_compile=True`` compiles as :func:`jit`. ``False`` runs the step eagerly on JAX
    and PyTorch, and as a ``tf.function`` graph without XLA on TensorFlow (as Keras).
    ``"auto"`` follows Keras 3 too: it compiles as :func:`jit` on JAX, runs the step
    eagerly on PyTorch (``torch.compile`` takes from seconds to minutes on a model's first
    step), and on TensorFlow uses XLA only where TensorFlow sees an accelerator (on CPUs
    TensorFlow's own kernels run convolutions several times faster than XLA's).

    With ``donate``, the step gives up its first argument (the state it returns anew):
    compiled JAX reuses its buffers for the new state (``donate_argnums``, as Keras's
    JAX trainer), so the arrays passed in are deleted; compiled PyTorch writes the new
    state into the tensors passed in and returns them (a ``fun`` that returns
    ``(out, new_state)``). Each buffer must come once (see :func:`distinct_buffers`).
    TensorFlow ignores it (its trainer updates tf.Variables in place).

    With ``batched``, the step's last positional argument is a batch (a pytree of arrays
    whose first axis, the batch axis, varies between calls): a TensorFlow step is traced
    once, with that axis unknown (``None``), so that one graph serves every batch size,
    the last, partial batch included, as Keras's TensorFlow trainer's ``tf.function``
    over its dataset iterator (torch marks the batch axis dynamic on the batches
    themselves, see :func:`mark_batch_dynamic`; JAX compiles per shape).
    """
    return _PerBackend("jit", fun,
                       lambda impl, b: impl.compile_step(fun, jit_compile, donate,
                                                         _guard_filter(), batched),
                       differentiates=False)


def step_compiles(jit_compile: bool | str, backend: str) -> bool:
    """Whether :func:`compile_step` compiles a step on ``backend`` under ``jit_compile``
    (``"auto"``: the backend's ``AUTO_COMPILES``, Keras 3's rule; a TensorFlow step is a
    graph, with XLA or without)."""
    if jit_compile == "auto":
        return backend_impl(backend).AUTO_COMPILES
    return jit_compile is True


def distinct_buffers(tree):
    """``tree`` with every leaf that is the same object as an earlier leaf replaced by a
    copy, so that a step that donates its state gets each buffer once (``copy.copy`` of
    a JAX array owns a new buffer; a torch tensor's shares its storage, ``clone`` not)."""
    seen: set[int] = set()

    def own(a):
        if id(a) in seen:
            clone = getattr(a, "clone", None)  # torch
            return clone() if clone is not None else copy.copy(a)
        seen.add(id(a))
        return a
    return optree.tree_map(own, tree, none_is_leaf=False)


def mark_batch_dynamic(tree, backend: str) -> None:
    """Tell ``backend``'s compiler that the first axis of the arrays in ``tree`` varies
    between calls (a batch axis), so that one compiled program serves every batch size:
    on torch, one ``torch.compile`` graph for the full batches and the last, partial one;
    nothing to do on jax, which compiles per shape, nor on tensorflow, whose steps
    :func:`compile_step` traces with the batch axis unknown (``batched``)."""
    impl = backend_impl(backend)
    mark = getattr(impl, "mark_batch_dynamic", None)
    if mark is not None:
        mark([x for x in optree.tree_leaves(tree) if getattr(x, "ndim", 0) >= 1])
