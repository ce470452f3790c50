"""Generic implementations of the nn ops, written with crossops ops (op name -> function)."""

GENERIC: dict = {}
