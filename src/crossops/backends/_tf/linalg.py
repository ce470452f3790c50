"""linalg extension for TensorFlow."""
