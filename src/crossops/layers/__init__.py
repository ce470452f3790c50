"""``crossops.layers``: Keras-like layers over pure functions of (parameters, inputs), with
Keras's stateless API (``stateless_call``), on every backend. On torch a layer is a
``torch.nn.Module``.

Examples
--------
>>> import numpy as np
>>> from crossops import layers
>>> d = layers.Dense(3)
>>> d(np.zeros((2, 4), np.float32)).shape
(2, 3)
"""

from .._variable import StatelessScope, Variable
from . import _functional as functional
from ._activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from ._attention import MultiHeadAttention
from ._conv import (
                    AveragePooling1D,
                    AveragePooling2D,
                    AveragePooling3D,
                    Conv1D,
                    Conv1DTranspose,
                    Conv2D,
                    Conv2DTranspose,
                    Conv3D,
                    Conv3DTranspose,
                    DepthwiseConv2D,
                    GlobalAveragePooling1D,
                    GlobalAveragePooling2D,
                    GlobalMaxPooling1D,
                    GlobalMaxPooling2D,
                    MaxPooling1D,
                    MaxPooling2D,
                    MaxPooling3D,
                    SeparableConv2D,
)
from ._core import (
                    Activation,
                    Dense,
                    Dropout,
                    Embedding,
                    Flatten,
                    Lambda,
                    Permute,
                    RepeatVector,
                    Reshape,
)
from ._dot_attention import Attention
from ._einsum_dense import EinsumDense
from ._input_layer import Input, InputLayer
from ._layer import Layer
from ._merging import Add, Average, Concatenate, Multiply, UpSampling2D, ZeroPadding2D
from ._normalization import (
                    BatchNormalization,
                    GroupNormalization,
                    LayerNormalization,
                    RMSNormalization,
                    UnitNormalization,
)
from ._preprocessing import CenterCrop, Normalization, Rescaling, Resizing
from ._rnn import GRU, LSTM, Bidirectional, SimpleRNN
from ._symbolic import SymbolicTensor
from ._time_distributed import TimeDistributed
from ._torch_module_wrapper import TorchModuleWrapper

__all__ = [
                    "GRU",
                    "ELU",
                    "LSTM",
                    "Activation",
                    "Add",
                    "Attention",
                    "Average",
                    "AveragePooling1D",
                    "AveragePooling2D",
                    "AveragePooling3D",
                    "BatchNormalization",
                    "Bidirectional",
                    "CenterCrop",
                    "Concatenate",
                    "Conv1D",
                    "Conv1DTranspose",
                    "Conv2D",
                    "Conv2DTranspose",
                    "Conv3D",
                    "Conv3DTranspose",
                    "Dense",
                    "DepthwiseConv2D",
                    "Dropout",
                    "EinsumDense",
                    "Embedding",
                    "Flatten",
                    "GlobalAveragePooling1D",
                    "GlobalAveragePooling2D",
                    "GlobalMaxPooling1D",
                    "GlobalMaxPooling2D",
                    "GroupNormalization",
                    "Input",
                    "InputLayer",
                    "Layer",
                    "LayerNormalization",
                    "LeakyReLU",
                    "Lambda",
                    "MaxPooling1D",
                    "MaxPooling2D",
                    "MaxPooling3D",
                    "MultiHeadAttention",
                    "Normalization",
                    "Multiply",
                    "Permute",
                    "PReLU",
                    "ReLU",
                    "RMSNormalization",
                    "RepeatVector",
                    "Rescaling",
                    "Reshape",
                    "Resizing",
                    "SeparableConv2D",
                    "SimpleRNN",
                    "Softmax",
                    "StatelessScope",
                    "SymbolicTensor",
                    "TimeDistributed",
                    "TorchModuleWrapper",
                    "UnitNormalization",
                    "UpSampling2D",
                    "Variable",
                    "ZeroPadding2D",
                    "functional",
]
