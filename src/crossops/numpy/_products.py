"""Generic implementations of NumPy's products, correlations and counting ops
(spec/numpy_products.toml), written with crossops ops (op name -> function)."""

GENERIC: dict = {}
