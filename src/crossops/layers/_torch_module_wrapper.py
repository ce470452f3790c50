"""``TorchModuleWrapper``: any ``torch.nn.Module`` as a crossops layer (Keras 3's
``keras.layers.TorchModuleWrapper``), on the torch backend."""

from __future__ import annotations

import base64
import io

from .._backend import backend_chapter, get_backend
from .._variable import AutocastScope, Variable, current_scope
from ._layer import Layer


class TorchModuleWrapper(Layer):
    """A ``torch.nn.Module`` as a layer: its parameters (and buffers) become the layer's
    variables, so that ``trainable_variables``, ``count_params``, ``fit``,
    ``get_weights`` / ``set_weights`` and ``save_weights`` / ``load_weights`` see them.

    Only on the torch backend (create it where ``crossops.get_backend()`` is
    ``"torch"``, e.g. inside ``crossops.use_backend("torch")``); elsewhere it raises a
    ValueError. ``Sequential`` wraps a bare module given to it, and a layer or model wraps
    a bare module assigned as one of its attributes (``self.fc = torch.nn.Linear(4, 2)``
    makes ``self.fc`` a wrapper; ``self.fc.module`` is the module).

    Each variable holds the module's own parameter or buffer (the same tensor: updating
    one updates the other, and ``model.parameters()`` lists it once). A plain call runs
    the module; inside a stateless call (``stateless_call``, the steps of ``fit``) the
    module runs with the values the call gives its variables
    (``torch.func.functional_call``). Parameters with ``requires_grad=False`` and buffers
    (e.g. a BatchNorm's running statistics) are non-trainable variables.

    ``training`` sets the module's mode for the call (``module.train()`` /
    ``module.eval()``); not given, it comes from ``train()`` / ``eval()`` of the model if
    one was called, else the call is in inference (``module.eval()``, as crossops's own
    layers; Keras's wrapper puts the module in training mode then).

    Dtypes follow Keras's layer rule: floating inputs are cast to the policy's compute
    dtype (float64 data reaches a float32 module as float32). Under a mixed policy
    (``dtype="mixed_bfloat16"``, or the global policy) the module also runs inside
    ``torch.autocast`` of that dtype, so that its float32 parameters compute in half
    precision and stay float32 (Keras 3.15.1's wrapper raises a dtype mismatch there).
    Inside a ``torch.autocast`` region of the caller's, inputs pass as they are.

    Parameters
    ----------
    module : torch.nn.Module
        A lazy module (``torch.nn.LazyLinear`` ...) must have been called once first.
    name : str, optional
    output_shape : tuple, optional
        Kept in the config, as Keras's (shapes come from running the module).

    Notes
    -----
    The module is not serialisable as a config: ``get_config`` stores it, as Keras does,
    as a ``torch.save`` pickle (base64), and ``from_config`` refuses to unpickle it (which
    can run arbitrary code) unless given ``safe_mode=False``. Save the weights with
    ``save_weights`` (or ``state_dict()``) and rebuild the module in code instead.

    Examples
    --------
    >>> import torch, crossops
    >>> from crossops import layers, models
    >>> with crossops.use_backend("torch"):
    ...     model = models.Sequential([
    ...         layers.Input((4,)),
    ...         layers.TorchModuleWrapper(torch.nn.Linear(4, 2), name="linear"),
    ...         torch.nn.ReLU(),  # a bare module: wrapped
    ...     ])
    >>> [v.path for v in model.trainable_variables]
    ['linear/weight', 'linear/bias']
    >>> model.count_params()
    10
    >>> model(torch.ones(3, 4)).shape
    torch.Size([3, 2])
    """

    _wraps_torch_module = True

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        backend = get_backend()
        # a backend whose layers are torch modules (its ``layers`` chapter says so)
        if not getattr(backend_chapter(backend, "layers"), "TORCH_MODULES", False):
            raise ValueError(
                f"TorchModuleWrapper works only on the torch backend; the backend is "
                f"{backend!r}. Create it (or the model that holds the torch module) inside "
                "crossops.use_backend('torch'), or after crossops.set_backend('torch')")
        import torch
        if not isinstance(module, torch.nn.Module) or isinstance(module, Layer):
            raise TypeError(f"TorchModuleWrapper: expected a torch.nn.Module that is not "
                            f"a crossops layer, got {type(module).__name__}")
        if isinstance(module, torch.nn.modules.lazy.LazyModuleMixin) and \
                module.has_uninitialized_params():
            raise ValueError("TorchModuleWrapper: a lazy module must be initialised first "
                             f"(call it once on an input); got {module}")
        super().__init__(name=name, **kwargs)
        self.module = module  # a submodule: model.parameters() and state_dict() see it
        self.output_shape = output_shape
        self._backend = "torch"
        self._named_variables = []
        for key, tensor, trainable in (
                *((k, p, p.requires_grad) for k, p in module.named_parameters()),
                *((k, b, False) for k, b in module.named_buffers())):
            variable = Variable(tensor, trainable=trainable, name=key,
                                path=f"{self.name}/{key}")
            self._own_weights.append(variable)
            self._named_variables.append((key, variable))
        self.built = True

    def call(self, *args, training=None, **kwargs):
        self.module.train(bool(training))
        import torch
        device = _device_type((args, kwargs))
        if not torch.is_autocast_enabled(device):  # else torch.autocast casts, as it will
            # Keras's input conversion: floating inputs in the policy's compute dtype
            args, kwargs = _floats_as((args, kwargs), self.compute_dtype)
        if self._dtype_policy.is_mixed:
            # the float32 parameters meet half-precision inputs through torch.autocast
            # (where Keras 3.15.1's wrapper raises "mat1 and mat2 must have the same dtype")
            with torch.autocast(device, dtype=getattr(torch, self.compute_dtype)):
                return self._run(args, kwargs)
        return self._run(args, kwargs)

    def _run(self, args, kwargs):
        """The module on the inputs (with the scope's values inside a stateless call)."""
        if current_scope() is None:
            return self.module(*args, **kwargs)
        import torch
        # the values in their own dtype (torch.autocast, not the layer's autocasting,
        # casts them): the stateless call computes as the plain one. The non-trainable
        # values (buffers) as copies, which the module may update in place (a BatchNorm's
        # statistics: torch.func forbids mutating a captured tensor) and which become the
        # variables' new values in the scope
        with AutocastScope(None):
            values = {key: v.value if v.trainable else v.value.clone()
                      for key, v in self._named_variables}
        out = torch.func.functional_call(self.module, values, args, kwargs)
        for key, v in self._named_variables:
            if not v.trainable:
                v.assign(values[key])
        return out

    def get_config(self):
        import torch
        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        return {**super().get_config(),
                "module": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "output_shape": self.output_shape}

    @classmethod
    def from_config(cls, config, safe_mode=True):
        """The wrapper of ``get_config``; unpickling the module runs code from the
        config, so it is refused unless ``safe_mode=False`` (as Keras)."""
        config = dict(config)
        if isinstance(config.get("module"), str):
            if safe_mode is not False:
                raise ValueError(
                    "TorchModuleWrapper.from_config: the module is a torch.load() pickle, "
                    "which can run arbitrary code; pass safe_mode=False if you trust the "
                    "config")
            import torch
            buffer = io.BytesIO(base64.b64decode(config["module"].encode("ascii")))
            config["module"] = torch.load(buffer, weights_only=False)
        return cls(**config)


def _device_type(tree) -> str:
    """The device type of the first torch tensor among the leaves of ``tree`` (``"cpu"``
    if none)."""
    import optree
    import torch
    for x in optree.tree_leaves(tree):
        if isinstance(x, torch.Tensor):
            return x.device.type
    return "cpu"


def _floats_as(tree, dtype: str):
    """``tree`` with its floating torch tensors of another dtype cast to ``dtype``."""
    import optree
    import torch
    target = getattr(torch, dtype)

    def cast(x):
        if isinstance(x, torch.Tensor) and x.is_floating_point() and x.dtype != target:
            return x.to(target)
        return x

    return optree.tree_map(cast, tree)
