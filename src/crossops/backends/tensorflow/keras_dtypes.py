"""How keras.ops reads Python's types as dtypes on TensorFlow, where Keras's tensorflow
backend differs from its others (found by name, chapter ``keras_dtypes``, by
``crossops._keras_dtypes.keras_dtype``; see :func:`crossops._backend.backend_chapter`).
A backend without this chapter reads ``int`` as int32 and ``complex`` as complex64."""

#: the dtype of ``int`` and ``"int"`` (Keras's tensorflow backend: int64)
INT = "int64"

#: the dtype of ``complex`` (Keras's tensorflow backend: complex128)
COMPLEX = "complex128"
