"""Generic implementations of the core ops, written with crossops ops (op name -> function)."""

GENERIC: dict = {}
