"""One module per backend: the native functions behind each op.

A backend module holds
- ``NAMESPACE``: the array API namespace its functions default to (array-api-compat's,
  or crossops's own for TensorFlow);
- ``ARRAY_TYPES`` and ``DTYPE_TYPES``: the types whose instances belong to it;
- ``DTYPES``: dtype name -> native dtype, ``native_dtype(d)`` and ``default_dtypes()``;
- ``to_numpy(x)``, and optionally ``from_numpy(x)`` (a NumPy array beside its arrays, as
  one of its arrays; ``asarray`` where the module has none);
- a function for every op whose behaviour differs from ``NAMESPACE``'s (named after
  the op; ``linalg_<name>`` and ``fft_<name>`` for the extensions).

Modules are imported lazily by :func:`crossops._backend.backend_module`.
"""
