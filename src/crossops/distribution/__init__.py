"""Data and model parallelism with Keras 3's API (``keras.distribution``).

jax: ``jax.sharding`` (one process or many); torch: ``torch.distributed``, one process
per device (data parallelism as DDP does it, model parallelism with DTensor); see
docs/distribution.md.
"""

from ._api import (
    DataParallel,
    DeviceMesh,
    Distribution,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribute_tensor,
    distribution,
    initialize,
    list_devices,
    set_distribution,
)

__all__ = ["DataParallel", "DeviceMesh", "Distribution", "LayoutMap", "ModelParallel",
           "TensorLayout", "distribute_tensor", "distribution", "initialize",
           "list_devices", "set_distribution"]
