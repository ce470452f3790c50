"""Input drawers for the conformance suite (op name -> drawer(draw, spec, dtype) -> Case)."""

DRAWERS: dict = {}
