"""``stop_gradient`` and ``custom_gradient`` (spec/core_autodiff.toml) over each backend's
autodiff machinery."""

GENERIC: dict = {}
