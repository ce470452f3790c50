"""Training machinery under ``Model``: the data adapters (arrays, tf.data, DataLoader,
generators, PyDataset), the epoch iterator that prefetches host batches, and the
``Trainer`` mixin with ``compile`` / ``fit`` / ``evaluate`` / ``predict``."""
