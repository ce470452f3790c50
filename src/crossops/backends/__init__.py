"""One package per backend: ``backends/<name>/`` holds everything crossops does on it.

A backend package's ``__init__`` holds
- ``NAMESPACE``: the array API namespace its functions default to (array-api-compat's,
  or crossops's own for TensorFlow, ``tensorflow/array_api/``);
- ``ARRAY_TYPES`` and ``DTYPE_TYPES``: the types whose instances belong to it, and
  optionally ``sparse_types()``: its sparse array types, whose calls run the ``sparse``
  chapter's functions (jax's BCOO, ``tf.SparseTensor``);
- ``DTYPES``: dtype name -> native dtype, ``native_dtype(d)`` and ``default_dtypes()``;
- ``to_numpy(x)``, and optionally ``from_numpy(x)`` (a NumPy array beside its arrays, as
  one of its arrays; ``asarray`` where the module has none);
- a function for every op whose behaviour differs from ``NAMESPACE``'s (named after
  the op; ``linalg_<name>`` and ``fft_<name>`` for the extensions).

A chapter of ops whose code differs by backend has a module of that chapter's name in
the package (``random.py``, ``math.py``, ``control_flow.py``, ``sparse.py``), holding
functions named after the ops; an op the module lacks runs the chapter's generic code
(:func:`crossops._backend.backend_chapter`). A chapter module imports its framework and
nothing heavier at import time (the dispatch table may load it to fill its caches).

The model layer's framework pieces live in chapters too, found by name where a framework
needs them: ``layers.py`` (how a layer's weights are held and registered, module classes
such as ``torch.nn.Module`` and their training modes, autocast regions),
``variables.py`` (what a Variable holds and how it is written in place),
``training.py`` (pieces of ``fit``'s steps), ``distribution.py`` (device meshes and
layouts), and on TensorFlow ``keras_dtypes.py`` and ``shapes.py``. The model layer holds
no framework names of its own (``tests/test_layering.py`` checks).

Packages are imported lazily by :func:`crossops._backend.backend_module`; nothing here
imports the dispatch layer or the op namespaces.
"""
