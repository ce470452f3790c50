"""``crossops.random``: random numbers from explicit seeds, no hidden global state."""
