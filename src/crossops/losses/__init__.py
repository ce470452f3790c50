"""``crossops.losses``: Keras's losses, as pure per-example functions (``mean_squared_error``
...) and as classes that weight and reduce them (``MeanSquaredError()(y_true, y_pred,
sample_weight)``), on every backend.

Examples
--------
>>> import numpy as np
>>> from crossops import losses
>>> float(losses.MeanSquaredError()(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])))
0.5
"""

from ._classes import (
                       BinaryCrossentropy,
                       CategoricalCrossentropy,
                       CategoricalFocalCrossentropy,
                       Hinge,
                       Huber,
                       KLDivergence,
                       LogCosh,
                       Loss,
                       LossFunctionWrapper,
                       MeanAbsoluteError,
                       MeanSquaredError,
                       SparseCategoricalCrossentropy,
)
from ._functions import (
                       binary_crossentropy,
                       categorical_crossentropy,
                       categorical_focal_crossentropy,
                       hinge,
                       huber,
                       kl_divergence,
                       log_cosh,
                       mean_absolute_error,
                       mean_squared_error,
                       sparse_categorical_crossentropy,
)
from ._reduction import reduce_weighted

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
           "Hinge", "Huber", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper",
           "MeanAbsoluteError", "MeanSquaredError", "SparseCategoricalCrossentropy",
           "binary_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
           "hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error",
           "mean_squared_error", "reduce_weighted", "sparse_categorical_crossentropy"]
