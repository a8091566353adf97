"""The built-in indicators, one module per level; importing this package registers them all."""

from . import offering, student  # noqa: F401
