"""``crossops.models``: Sequential, functional and subclassed models with ``compile`` /
``fit`` / ``evaluate`` / ``predict`` on JAX, PyTorch and TensorFlow (``predict`` and
``evaluate`` on NumPy too), callbacks, and portable weights files.

Examples
--------
>>> import numpy as np, crossops
>>> from crossops import layers, models
>>> model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mean_squared_error")
>>> float(model.evaluate(np.zeros((4, 2), np.float32), np.zeros((4, 1), np.float32),
...                      verbose=0))
0.0
"""

from ..callbacks import Callback, EarlyStopping, History, LearningRateScheduler, ModelCheckpoint
from ..layers._input_layer import Input
from ..saving import load_model
from ._model import Functional, Model, Sequential

__all__ = ["Callback", "EarlyStopping", "Functional", "History", "Input",
           "LearningRateScheduler", "Model", "ModelCheckpoint", "Sequential", "load_model"]
