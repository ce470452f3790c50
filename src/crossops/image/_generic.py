"""Generic implementations of the image ops, written with crossops ops (op name -> function)."""

GENERIC: dict = {}
