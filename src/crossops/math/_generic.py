"""Generic implementations of the math ops, written with crossops ops (op name -> function)."""

GENERIC: dict = {}
