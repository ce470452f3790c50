"""einops-style ``rearrange`` (spec/einops.toml), written with crossops ops."""

GENERIC: dict = {}
