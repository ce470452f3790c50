"""``crossops.metrics``: Keras's metrics with pure update/result functions underneath
(``stateless_update_state``, ``stateless_result``, ``stateless_reset_state``), on every
backend.

Examples
--------
>>> import numpy as np
>>> from crossops import metrics
>>> m = metrics.SparseCategoricalAccuracy()
>>> m.update_state(np.array([0, 1]), np.array([[0.9, 0.1], [0.8, 0.2]]))
>>> float(m.result())
0.5
"""

from ._confusion import AUC, Precision, Recall, confusion_counts
from ._functions import (
                         accuracy,
                         binary_accuracy,
                         categorical_accuracy,
                         sparse_categorical_accuracy,
                         top_k_categorical_accuracy,
)
from ._metrics import (
                         Accuracy,
                         BinaryAccuracy,
                         CategoricalAccuracy,
                         Mean,
                         MeanAbsoluteError,
                         MeanMetricWrapper,
                         MeanSquaredError,
                         Metric,
                         SparseCategoricalAccuracy,
                         Sum,
                         TopKCategoricalAccuracy,
)

__all__ = ["AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "Mean",
           "MeanAbsoluteError", "MeanMetricWrapper", "MeanSquaredError", "Metric", "Precision",
           "Recall", "SparseCategoricalAccuracy", "Sum", "TopKCategoricalAccuracy", "accuracy",
           "binary_accuracy", "categorical_accuracy", "confusion_counts",
           "sparse_categorical_accuracy", "top_k_categorical_accuracy"]
