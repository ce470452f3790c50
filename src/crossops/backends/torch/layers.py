"""What ``crossops.layers.Layer`` does on PyTorch: layers that are ``torch.nn.Module`` s, their
weights registered with the module, and ``torch.autocast`` regions.

Found by name by the layers (:func:`crossops._backend.backend_chapter`, chapter
``layers``); a backend without one of these names takes the layers' neutral default (plain
Python objects, no registration, no framework autocast region).
"""

from __future__ import annotations

import contextlib

import numpy as np
import optree
import torch

from . import from_numpy

#: layers made while torch is the default backend are ``torch.nn.Module`` s (so
#: ``torch.optim`` trains them and ``TorchModuleWrapper`` can hold a bare module)
TORCH_MODULES = True
#: the framework's module class: a layer class mixed with it is a module (its
#: ``__init__`` runs :func:`init_module`), and a bare module assigned to a layer is
#: wrapped in a ``TorchModuleWrapper`` (as Keras does)
MODULE_TYPES = (torch.nn.Module,)

_CLASSES: dict = {}


def layer_class(cls):
    """``cls`` (a Layer class) mixed with ``torch.nn.Module``, made once per class:
    ``forward`` calls the layer's ``call``, ``train`` / ``eval`` set its training mode."""
    found = _CLASSES.get(cls)
    if found is None:
        found = type(cls.__name__, (cls, torch.nn.Module),
                     {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                      "forward": lambda self, *a, **k: self.call(*a, **k),
                      "train": _train})
        _CLASSES[cls] = found
    return found


def init_module(layer) -> None:
    """Initialise the ``torch.nn.Module`` part of a layer made of a :func:`layer_class`."""
    torch.nn.Module.__init__(layer)


@contextlib.contextmanager
def training_mode(model, training: bool):
    """The model and every module in it in training (``fit``) or inference mode
    (``evaluate``, ``predict``) for the duration, as Keras's torch trainer sets ``train()``
    / ``eval()``; so the layers that a subclassed model calls without ``training`` follow
    the step, and raw torch modules too. Every module's mode (and whether one was set)
    is restored after, so a plain call afterwards behaves as before."""
    saved = [(m, m.training, m.__dict__.get("_training_mode_set")) for m in model.modules()]
    model.train(training)
    try:
        yield
    finally:
        for m, mode, was_set in saved:
            m.training = mode
            if "_training_mode_set" in m.__dict__ and not was_set:
                del m.__dict__["_training_mode_set"]


def _train(self, mode=True):
    """``torch.nn.Module.train`` (``eval()`` calls it with False), which also makes the
    mode the default of ``training`` for this layer and its sublayers (torch recurses into
    them): a call that does not pass ``training`` then uses ``self.training``. Until
    ``train()`` or ``eval()`` is called, such a call is in inference (as Keras's layers,
    whatever the mode a new torch module starts in)."""
    self._training_mode_set = True
    return torch.nn.Module.train(self, mode)


def register_weight(layer, key: str, value) -> None:
    """Register a new weight's array with the layer's module: a ``torch.nn.Parameter`` as
    a parameter, anything else (a non-trainable tensor, a DTensor) as a buffer."""
    if isinstance(value, torch.nn.Parameter):
        layer.register_parameter(key, value)
    else:
        layer.register_buffer(key, value)


def weight_value(host, trainable: bool, layout: str | None = None):
    """A NumPy array (a new weight's initial value, or a batch's array) as an owned torch
    tensor: a ``torch.nn.Parameter`` when ``trainable``; laid out in memory by the ``nn``
    chapter's function ``layout`` where given (``conv_kernel_layout``)."""
    # an owned copy (from_numpy shares memory); np.array keeps 0-d arrays 0-d
    t = from_numpy(np.array(host, order="C"))
    if layout is not None:
        from . import nn
        t = getattr(nn, layout)(t)
    return torch.nn.Parameter(t, requires_grad=True) if trainable else t


#: torch's check "is any torch.autocast region open" (one cheap C call; a constant for
#: torch.compile)
autocasting = torch._C._is_any_autocast_enabled


def autocast_dtype(inputs) -> str | None:
    """The dtype name of the ``torch.autocast`` region open for the device of the first
    torch tensor among ``inputs``, else None."""
    if not autocasting():
        return None
    leaves = (inputs,) if isinstance(inputs, torch.Tensor) else optree.tree_leaves(inputs)
    device = next((x.device.type for x in leaves if isinstance(x, torch.Tensor)), "cpu")
    if not torch.is_autocast_enabled(device):
        return None
    return str(torch.get_autocast_dtype(device)).removeprefix("torch.")


#: the dtypes of :func:`dense`'s fused form: float32 and float64, where the fused rounding
#: stays within 1e-7 of matmul + add. In bfloat16 and float16 a fused bias is one rounding
#: where Keras's Dense makes two, a unit in the last place apart (a mixed_bfloat16 model's
#: output moved by 0.004 against Keras's own), so they keep the generic form
_DENSE_DTYPES = frozenset({torch.float32, torch.float64})
_PLAIN = frozenset({torch.Tensor, torch.nn.Parameter})


def dense(x, kernel, bias):
    """``x @ kernel + bias`` (Keras's ``[in, out]`` kernel) as ``torch.nn.Linear`` computes
    it: one ``addmm`` with the bias fused (``F.linear`` for ``x`` of rank > 2, whose
    ``kernel.t()`` is a view, about 1 µs: no copy, and linear's own ``weight.t()`` gives
    back ``kernel``'s layout), so that forward and backward run the kernels
    ``nn.Linear`` runs, not a matmul, an add and the add's backward apart. The results
    differ from ``matmul`` + ``add`` by rounding only (addmm accumulates the bias into
    the product).

    Returns None where the generic form must run instead (its dtypes, promotion, shape
    checks and errors as ever): an open ``torch.autocast`` region (whose casts then stay
    exactly those of matmul and add), mixed or other dtypes (half precision too), tensor
    subclasses, ``x`` of rank 1, shapes that do not line up (a bias other than one per
    unit too) and tensors on two devices: checked first, so that no call runs twice."""
    if autocasting() or type(x) not in _PLAIN or type(kernel) not in _PLAIN:
        return None
    dtype = x.dtype
    if dtype not in _DENSE_DTYPES or kernel.dtype != dtype:
        return None
    rank = x.dim()
    if (rank < 2 or kernel.dim() != 2 or x.shape[-1] != kernel.shape[0]
            or x.device != kernel.device):
        return None
    if bias is None:
        return torch.matmul(x, kernel)
    if (type(bias) not in _PLAIN or bias.dtype != dtype or bias.dim() != 1
            or bias.shape[0] != kernel.shape[1] or bias.device != x.device):
        return None
    if rank == 2:
        return torch.addmm(bias, x, kernel)
    return torch.nn.functional.linear(x, kernel.t(), bias)


def einsum_dense(x, kernel, bias):
    """An ``EinsumDense`` whose equation and bias are exactly a Dense's (``x``'s last axis
    contracted with a 2-D kernel's first, the output axes ``x``'s leading ones then the
    kernel's last, a bias of one value per unit or none; the layer checks that) as
    :func:`dense`'s fused form, in eager torch: ``torch.nn.Linear``'s kernels where
    ``einsum`` then ``add`` would run a reshaped matmul, the add and the add's backward
    apart. Float32 and float64 only, as :func:`dense` (half precision keeps einsum +
    add: a mixed_bfloat16 model's outputs stay Keras's bit for bit). Returns None where
    the layer's einsum + add must run: those dtypes, :func:`dense`'s other cases, and
    under torch.compile (the compiled graph keeps the layer's einsum + add)."""
    if torch.compiler.is_compiling():
        return None
    return dense(x, kernel, bias)
