"""What ``fit`` / ``evaluate`` / ``predict`` do on JAX, where Keras's contract differs
(found by name, chapter ``training``, by ``crossops.trainers``; see
:func:`crossops._backend.backend_chapter`)."""

#: Keras's jax contract: overrides of ``train_step``, ``test_step`` and ``predict_step`` are
#: stateless (``train_step(self, state, data) -> (logs, state)``) and compiled, so every
#: step runs as the trainer's pure step (other backends: overrides are stateful and eager)
STATELESS_STEPS = True
