"""fft extension for TensorFlow."""
