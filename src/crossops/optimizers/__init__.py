"""``crossops.optimizers``: Keras's optimizers as pure ``(init, update)`` pairs over pytrees
of arrays, on every backend, plus learning-rate schedules.

Examples
--------
>>> import numpy as np
>>> from crossops import optimizers
>>> opt = optimizers.adam(learning_rate=0.1)
>>> params = {"w": np.zeros(2, np.float32)}
>>> state = opt.init(params)
>>> params, state = opt.update({"w": np.ones(2, np.float32)}, state, params)
>>> params["w"].astype(float).round(3).tolist()
[-0.1, -0.1]
"""

from . import _rules as rules
from ._builders import adadelta, adagrad, adam, adamax, adamw, lion, nadam, rmsprop, sgd
from ._classes import (
                       SGD,
                       Adadelta,
                       Adagrad,
                       Adam,
                       Adamax,
                       AdamW,
                       Lion,
                       Nadam,
                       Optimizer,
                       RMSprop,
                       get,
)
from ._functional import OptimizerState, UpdatePair, clip_by_global_norm, clip_by_norm, functional
from ._loss_scale import LossScaleOptimizer
from ._schedules import (
                       CosineDecay,
                       ExponentialDecay,
                       InverseTimeDecay,
                       LearningRateSchedule,
                       PiecewiseConstantDecay,
                       PolynomialDecay,
)

__all__ = [
                       "SGD",
                       "Adadelta",
                       "Adagrad",
                       "Adam",
                       "AdamW",
                       "Adamax",
                       "CosineDecay",
                       "ExponentialDecay",
                       "InverseTimeDecay",
                       "LearningRateSchedule",
                       "LossScaleOptimizer",
                       "Lion",
                       "Nadam",
                       "Optimizer",
                       "OptimizerState",
                       "PiecewiseConstantDecay",
                       "PolynomialDecay",
                       "RMSprop",
                       "UpdatePair",
                       "adadelta",
                       "adagrad",
                       "adam",
                       "adamax",
                       "adamw",
                       "clip_by_global_norm",
                       "clip_by_norm",
                       "functional",
                       "get",
                       "lion",
                       "nadam",
                       "rmsprop",
                       "rules",
                       "sgd",
]
