"""Indicator codes as the chains app sees them: validated against the indicator registry
(``zhengai.indicators.registry``) when it is installed, accepted as written otherwise."""

from functools import lru_cache


def _registry():
    try:
        from zhengai.indicators import registry
    except ImportError:
        return None
    return registry if hasattr(registry, "all_indicators") else None


def known() -> dict[str, object] | None:
    """Code → indicator for every indicator in the library (built-in and custom), or None when the
    library is not available (codes are then accepted and checked once it is)."""
    registry = _registry()
    if registry is None:
        return None
    return {i.code: i for i in registry.all_indicators()}


def direction_of(code: str, default: str = "higher") -> str:
    indicators = known()
    indicator = indicators.get(code) if indicators else None
    return getattr(indicator, "direction", default) or default


@lru_cache(maxsize=1)
def level_of_code(code: str) -> str:
    return code.split(".", 1)[0]
