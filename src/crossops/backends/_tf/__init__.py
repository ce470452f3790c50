"""The array API namespace for TensorFlow, written for crossops.

Every function takes and returns ``tf.Tensor``; dtypes are ``tf.DType``. The functions
are grouped by chapter of the standard in the private modules of this package.
"""
