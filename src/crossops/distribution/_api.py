"""Keras 3's distribution API: device meshes, tensor layouts, layout maps and the two
distributions (data parallel, model parallel), with the active distribution kept here.

A distribution belongs to the backend that was the default when it was made
(``crossops.use_backend``); only that backend's arrays follow it.
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import os
import re
import warnings

import numpy as np

from .._backend import backend_chapter, get_backend

#: the mesh axis that a DataParallel made from devices shards the batch along (Keras's)
DEFAULT_BATCH_DIM_NAME = "batch"

DISTRIBUTED_BACKENDS = ("jax", "torch", "tensorflow")

_STATE: dict = {"distribution": None}


def _backend_impl(backend: str):
    """``backend``'s side of the distribution API: its ``distribution`` chapter
    (``crossops/backends/<backend>/distribution.py``, found by name)."""
    impl = backend_chapter(backend, "distribution")
    if impl is None:
        raise NotImplementedError(
            f"crossops.distribution: the {backend} backend has no distribution support; "
            f"use one of {DISTRIBUTED_BACKENDS} (crossops.use_backend(...))")
    return impl


def list_devices(device_type: str | None = None) -> list[str]:
    """The devices of the default backend, as ``"platform:id"`` strings (all processes').

    On jax: ``jax.devices()``; on torch: one device per process of the
    ``torch.distributed`` process group (``"cpu:<rank>"``, or ``"cuda:<rank>"``), or the
    one local device when no group runs.

    Parameters
    ----------
    device_type : str, optional
        ``"cpu"``, ``"gpu"`` or ``"tpu"``; default: the backend's default kind.

    Returns
    -------
    list of str

    Examples
    --------
    >>> import crossops
    >>> from crossops import distribution
    >>> with crossops.use_backend("jax"):
    ...     distribution.list_devices("cpu")[0]
    'cpu:0'
    """
    return _backend_impl(get_backend()).list_devices(device_type)


def initialize(job_addresses: str | None = None, num_processes: int | None = None,
               process_id: int | None = None) -> None:
    """Join this process to a multi-process (multi-host) run of the default backend.

    On jax: ``jax.distributed.initialize``; on torch: ``torch.distributed``'s process
    group over gloo (nccl on GPUs). Without arguments the values come from the
    environment that ``python -m crossops.distribution.launch`` and ``torchrun`` set:
    ``MASTER_ADDR``/``MASTER_PORT`` (the coordinator), ``WORLD_SIZE`` and ``RANK``.

    Parameters
    ----------
    job_addresses : str, optional
        ``"host:port"`` of the coordinator (process 0), or a comma-separated list of
        every process's address whose first entry is the coordinator (Keras's form).
    num_processes : int, optional
        The number of processes.
    process_id : int, optional
        This process's index, 0 for the coordinator.

    Examples
    --------
    >>> from crossops import distribution
    >>> distribution.initialize  # doctest: +ELLIPSIS
    <function initialize at ...>
    """
    if job_addresses is None and "MASTER_ADDR" in os.environ:
        job_addresses = f"{os.environ['MASTER_ADDR']}:{os.environ.get('MASTER_PORT', 29500)}"
    if num_processes is None and "WORLD_SIZE" in os.environ:
        num_processes = int(os.environ["WORLD_SIZE"])
    if process_id is None and "RANK" in os.environ:
        process_id = int(os.environ["RANK"])
    if job_addresses and "," in job_addresses:
        job_addresses = job_addresses.split(",")[0]
    if job_addresses is None or num_processes is None or process_id is None:
        raise ValueError(
            "crossops.distribution.initialize: give job_addresses, num_processes and "
            "process_id, or start the processes with `python -m "
            "crossops.distribution.launch -n N script.py` (or torchrun), which set "
            f"MASTER_ADDR, MASTER_PORT, WORLD_SIZE and RANK; got {job_addresses!r}, "
            f"{num_processes!r}, {process_id!r}")
    _backend_impl(get_backend()).initialize(job_addresses, int(num_processes),
                                            int(process_id))


class DeviceMesh:
    """A grid of devices with named axes (as ``jax.sharding.Mesh``).

    Parameters
    ----------
    shape : tuple of int
        E.g. ``(8,)`` for data parallelism, ``(2, 4)`` for data x model parallelism.
    axis_names : list of str
        One name per axis of ``shape``.
    devices : list of str, optional
        Default: :func:`list_devices`.

    Examples
    --------
    >>> mesh = DeviceMesh((2, 2), ["batch", "model"], devices=[f"cpu:{i}" for i in range(4)])
    >>> mesh
    <DeviceMesh shape=(2, 2), axis_names=['batch', 'model']>
    >>> mesh.devices.tolist()
    [['cpu:0', 'cpu:1'], ['cpu:2', 'cpu:3']]
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(f"DeviceMesh: shape and axis_names must not be empty, got "
                             f"shape={shape!r}, axis_names={axis_names!r}")
        if len(shape) != len(axis_names):
            raise ValueError(f"DeviceMesh: shape and axis_names need one entry per axis, "
                             f"got shape={shape!r}, axis_names={axis_names!r}")
        self.backend = get_backend()
        if devices is None:
            devices = list_devices()
        devices = np.array(devices)
        if math.prod(shape) != devices.size:
            raise ValueError(f"DeviceMesh: shape {tuple(shape)} needs {math.prod(shape)} "
                             f"devices, got {devices.size}; pass devices=... or a shape "
                             f"whose product is {devices.size}")
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = devices.reshape(self._shape)
        self._backend_mesh = None

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def axis_names(self) -> list:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        return self._devices

    @property
    def backend_mesh(self):
        """The backend's mesh (a ``jax.sharding.Mesh``, a torch ``DeviceMesh``)."""
        if self._backend_mesh is None:
            self._backend_mesh = _backend_impl(self.backend).to_mesh(self)
        return self._backend_mesh

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor is laid out on a mesh: per tensor axis, the mesh axis it is split
    along, or None to keep it whole (as ``jax.sharding.NamedSharding``).

    Parameters
    ----------
    axes : tuple of str or None
    device_mesh : DeviceMesh, optional
        Filled in by a :class:`LayoutMap` when left out.

    Examples
    --------
    >>> TensorLayout((None, "model")).axes
    (None, 'model')
    """

    def __init__(self, axes, device_mesh: DeviceMesh | None = None):
        self._axes = tuple(axes)
        self._device_mesh = None
        self._backend_layout = None
        self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError("TensorLayout.device_mesh: already set; make a new "
                             "TensorLayout for another mesh")
        if device_mesh is not None:
            unknown = [a for a in self._axes if a is not None and a not in
                       device_mesh.axis_names]
            if unknown:
                raise ValueError(f"TensorLayout: axes {unknown} are not axes of the mesh "
                                 f"({device_mesh.axis_names}); use those names or None")
        self._device_mesh = device_mesh

    @property
    def backend_layout(self):
        """The backend's layout (a ``jax.sharding.NamedSharding``; on torch, DTensor's
        placements, one per mesh axis)."""
        if self._device_mesh is None:
            raise ValueError("TensorLayout.backend_layout: the layout has no device mesh; "
                             "pass device_mesh=... or put it in a LayoutMap")
        if self._backend_layout is None:
            self._backend_layout = _backend_impl(self._device_mesh.backend).to_layout(self)
        return self._backend_layout

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"


class LayoutMap(collections.abc.MutableMapping):
    """Variable paths (``"dense/kernel"``) to :class:`TensorLayout`: a key is an exact
    path or a regular expression that the whole path must match (``re.fullmatch``).

    Parameters
    ----------
    device_mesh : DeviceMesh

    Examples
    --------
    >>> mesh = DeviceMesh((2,), ["model"], devices=["cpu:0", "cpu:1"])
    >>> layout_map = LayoutMap(mesh)
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].axes
    (None, 'model')
    >>> layout_map["conv/kernel"] is None
    True
    """

    def __init__(self, device_mesh: DeviceMesh):
        self._layout_map: dict = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layout_map:
            return self._layout_map[key]
        matching = [p for p in self._layout_map if re.fullmatch(p, key)]
        if len(matching) > 1:
            raise ValueError(f"LayoutMap: path {key!r} matches several keys {matching}; "
                             "make each path match at most one key")
        return self._layout_map[matching[0]] if matching else None

    def __setitem__(self, key, layout):
        if key in self._layout_map:
            raise ValueError(f"LayoutMap: {key!r} is already set to "
                             f"{self._layout_map[key]}; delete it first")
        if isinstance(layout, tuple | list):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"LayoutMap[{key!r}]: expected a TensorLayout or a tuple of "
                             f"axis names, got {type(layout).__name__}")
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key):
        return self._layout_map.pop(key)

    def __len__(self):
        return len(self._layout_map)

    def __iter__(self):
        return iter(self._layout_map)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh


class Distribution:
    """The base of :class:`DataParallel` and :class:`ModelParallel`: a mesh, the mesh
    axis that batches are split along, and the layouts of data and variables.

    Parameters
    ----------
    device_mesh : DeviceMesh
    batch_dim_name : str, optional
    auto_shard_dataset : bool
        Whether each process reads only its share of each batch (multi-process runs).
    """

    #: whether the variables are laid out one by one by a layout map (ModelParallel) rather
    #: than replicated; what the backends' ``distribution`` chapters read
    _lays_out_variables = False

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self.backend = device_mesh.backend
        self._impl = _backend_impl(self.backend)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool):
        self._auto_shard_dataset = bool(value)

    @property
    def num_processes(self) -> int:
        return self._impl.num_processes()

    @property
    def process_id(self) -> int:
        return self._impl.process_id()

    @property
    def num_model_replicas(self) -> int:
        return self.device_mesh.shape[self.device_mesh.axis_names.index(self.batch_dim_name)]

    def get_data_layout(self, data_shape) -> TensorLayout:
        """The layout of a batch: split along its first axis over the batch mesh axis."""
        spec = [None] * len(data_shape)
        if spec:
            spec[0] = self.batch_dim_name
        return TensorLayout(spec, self.device_mesh)

    def get_variable_layout(self, variable) -> TensorLayout:
        """The layout of a variable (anything with ``path`` and ``shape``): replicated."""
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        """The layout of an intermediate tensor named ``path``, else None."""
        return None

    @contextlib.contextmanager
    def scope(self):
        """Make this the active distribution inside ``with dist.scope():``."""
        outer = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(outer)

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self.device_mesh}, " \
               f"batch_dim_name={self.batch_dim_name!r}>"


class DataParallel(Distribution):
    """Every device holds all the variables; each batch is split among the devices.

    Parameters
    ----------
    device_mesh : DeviceMesh, optional
        A 1-D mesh (the first axis is the batch axis).
    devices : list of str, optional
        Used when no mesh is given; default: :func:`list_devices`.
    auto_shard_dataset : bool

    Examples
    --------
    >>> import crossops
    >>> from crossops import distribution
    >>> with crossops.use_backend("jax"):
    ...     dp = distribution.DataParallel(devices=distribution.list_devices()[:1])
    >>> dp.batch_dim_name, dp.num_model_replicas
    ('batch', 1)
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(f"DataParallel: device_mesh must be a DeviceMesh, got "
                                 f"{type(device_mesh).__name__}")
            if len(device_mesh.shape) != 1:
                warnings.warn("DataParallel: expected a 1-D mesh; the first axis is used "
                              "for the batch", stacklevel=2)
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            return
        devices = np.array(devices if devices else list_devices())
        mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices=devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)


class ModelParallel(Distribution):
    """Variables split as a :class:`LayoutMap` says; batches split along
    ``batch_dim_name``.

    Parameters
    ----------
    layout_map : LayoutMap
    batch_dim_name : str, optional
        Default: the mesh's first axis.
    auto_shard_dataset : bool

    Examples
    --------
    >>> import crossops
    >>> from crossops import distribution
    >>> with crossops.use_backend("jax"):
    ...     mesh = distribution.DeviceMesh((1, 1), ["batch", "model"])
    ...     layout_map = distribution.LayoutMap(mesh)
    ...     layout_map["dense.*kernel"] = (None, "model")
    ...     mp = distribution.ModelParallel(layout_map=layout_map)
    >>> mp.batch_dim_name
    'batch'
    """

    _lays_out_variables = True

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True,
                 **kwargs):
        kwargs.pop("device_mesh", None)
        if kwargs:
            raise TypeError(f"ModelParallel: unexpected arguments {sorted(kwargs)}")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"ModelParallel: layout_map must be a LayoutMap, got "
                             f"{type(layout_map).__name__}")
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    def get_variable_layout(self, variable) -> TensorLayout:
        layout = self._layout_map[variable.path]
        if layout is not None:
            return layout
        return super().get_variable_layout(variable)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]


def distribution() -> Distribution | None:
    """The active distribution, else None.

    Examples
    --------
    >>> from crossops import distribution as d
    >>> d.distribution() is None
    True
    """
    return _STATE["distribution"]


def set_distribution(value: Distribution | None) -> None:
    """Make ``value`` the active distribution (None: none), for every thread.

    Examples
    --------
    >>> from crossops import distribution as d
    >>> d.set_distribution(None)
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(f"set_distribution: expected a Distribution or None, got "
                         f"{type(value).__name__}")
    _STATE["distribution"] = value


def distribute_tensor(tensor, layout: TensorLayout):
    """``tensor`` laid out as ``layout`` (under jax.jit: a sharding constraint).

    Examples
    --------
    >>> import crossops, numpy as np
    >>> from crossops import distribution as d
    >>> with crossops.use_backend("jax"):
    ...     mesh = d.DeviceMesh((1,), ["batch"])
    ...     layout = d.TensorLayout(("batch", None), mesh)
    ...     x = d.distribute_tensor(np.ones((2, 3), np.float32), layout)
    >>> x.shape
    (2, 3)
    """
    if layout.device_mesh is None:
        raise ValueError("distribute_tensor: the layout has no device mesh")
    return _backend_impl(layout.device_mesh.backend).distribute_tensor(tensor, layout)


def active_for(backend: str | None) -> Distribution | None:
    """The active distribution when it belongs to ``backend``, else None (the one check
    the trainer and variables make)."""
    dist = _STATE["distribution"]
    if dist is None or dist.backend != backend:
        return None
    return dist
