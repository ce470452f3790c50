"""EinsumDense: a dense layer whose contraction is an einsum equation (Keras's arguments,
kernel and bias shapes). Where the equation and bias are exactly a Dense's, the backend's
fused form runs, if it has one (its ``layers`` chapter's ``einsum_dense``: eager torch's
``addmm`` / ``F.linear`` in float32 and float64)."""

from __future__ import annotations

import re
import string

import crossops.numpy as xnp

from . import _functional as F
from ._config import nulls, serialize_activation, serialize_initializer
from ._layer import Layer

_EQUATION = re.compile(r"^([a-zA-Z.]+),([a-zA-Z.]+)->([a-zA-Z.]+)$")


def _expand(equation, input_rank):
    """Replace ``...`` by fresh letters for the elided input axes."""
    m = _EQUATION.match(equation.replace(" ", ""))
    if m is None:
        raise ValueError(f"EinsumDense: equation must look like 'ab,bc->ac', got {equation!r}")
    inp, weight, out = m.groups()
    left = inp.startswith("...")
    if "..." not in inp:
        return inp, weight, out, "", left
    used = set(inp + weight + out) - {"."}
    fresh = [c for c in string.ascii_letters if c not in used]
    n = input_rank - (len(inp) - 3)
    elided = "".join(fresh[:n])
    return (inp.replace("...", elided), weight.replace("...", elided),
            out.replace("...", elided), elided, left)


def _is_dense(inp, weight, out, bias_axes):
    """Whether ``einsum(inp,weight->out) + bias`` is ``x @ kernel + bias``: ``x``'s last
    axis (its letters distinct) contracted with a 2-D kernel's first, the output axes
    ``x``'s leading ones in order then the kernel's last, and no bias or one on that last
    axis only (a bias of shape ``(units,)``)."""
    return (len(inp) >= 2 and len(set(inp)) == len(inp) and len(weight) == 2
            and weight[0] == inp[-1] and weight[1] not in inp and out == inp[:-1] + weight[1]
            and (not bias_axes or set(bias_axes) == {weight[1]}))


class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    Parameters
    ----------
    equation : str
        ``"<input>,<kernel>-><output>"``, e.g. ``"abc,cd->abd"``; ``...`` elides axes.
    output_shape : int or tuple
        The output's shape without the batch axis and the elided axes (None entries are
        taken from the input).
    bias_axes : str, optional
        Output letters that get a bias.
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.equation = equation
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) \
            else tuple(output_shape)
        self.activation, self._act = activation, F.activation(activation)
        self.bias_axes = bias_axes
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape):
        inp, weight, out, elided, left = _expand(self.equation, len(input_shape))
        if len(inp) != len(input_shape):
            raise ValueError(f"{self.name}: equation {self.equation!r} expects inputs of rank "
                             f"{len(inp)}, got shape {tuple(input_shape)}")
        sizes = dict(zip(inp, input_shape))
        named = [c for c in out if c not in elided]
        if not left:
            named = named[1:]  # the batch axis
        if len(named) != len(self.partial_output_shape):
            raise ValueError(f"{self.name}: output_shape {self.partial_output_shape} must give "
                             f"{len(named)} sizes for output axes {''.join(named)!r}")
        for c, size in zip(named, self.partial_output_shape):
            if size is not None:
                if c in sizes and sizes[c] != size:
                    raise ValueError(f"{self.name}: output axis {c!r} has size {size} but the "
                                     f"input's is {sizes[c]}")
                sizes.setdefault(c, size)
        missing = [c for c in weight if c not in sizes]
        if missing:
            raise ValueError(f"{self.name}: cannot tell the kernel's size along {missing}; "
                             "give them in output_shape")
        self._equation = f"{inp},{weight}->{out}"
        # a Dense's contraction and bias: the backend's fused form may run (see call)
        self._dense_form = _is_dense(inp, weight, out, self.bias_axes)
        self._rank = len(inp)
        self.full_output_shape = tuple(sizes.get(c) for c in out)
        self.kernel = self.add_weight(tuple(sizes[c] for c in weight), self.kernel_initializer,
                                      name="kernel")
        self.bias = None
        if self.bias_axes:
            unknown = set(self.bias_axes) - set(out)
            if unknown:
                raise ValueError(f"{self.name}: bias_axes {self.bias_axes!r} name axes not in "
                                 f"the output {out!r}")
            first = min(out.index(c) for c in self.bias_axes)
            shape = tuple(sizes[c] if c in self.bias_axes else 1 for c in out[first:])
            self.bias = self.add_weight(shape, self.bias_initializer, name="bias")

    def call(self, inputs):
        kernel = self.kernel.value
        bias = None if self.bias is None else self.bias.value
        y = None
        if self._dense_form and getattr(inputs, "ndim", None) == self._rank:
            fused = F.backend_form(type(inputs), "einsum_dense")
            y = None if fused is None else fused(inputs, kernel, bias)
        if y is None:
            y = xnp.einsum(self._equation, inputs, kernel)
            if bias is not None:
                y = y + bias
        return self._act(y)

    def get_config(self):
        return {**super().get_config(), "output_shape": self.partial_output_shape,
                "equation": self.equation, "activation": serialize_activation(self.activation),
                "bias_axes": self.bias_axes,
                "kernel_initializer": serialize_initializer(self.kernel_initializer),
                "bias_initializer": serialize_initializer(self.bias_initializer),
                **nulls("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                        "kernel_constraint", "bias_constraint", "quantization_config")}
