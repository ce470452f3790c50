"""Generic implementations of the NumPy-named ops beyond the array API standard (the
keras.ops numpy group), written with crossops ops (op name -> function)."""

GENERIC: dict = {}
