"""Helpers for monitoring tests: rules and indicator values injected by hand, so the engine is
tested on numbers a person can check."""

import pytest

from zhengai.core import windows as W
from zhengai.datacenter.models import Subject

from .sources import Sources, WarningRule


def table_sources(table: dict, rules: list, goals=None, describe=None) -> Sources:
    """``table[window_code][code][subject_key] = value``: values as a person writes them down."""

    def compute(level, window, codes, subject_ids=None):
        keys = dict(Subject.objects.filter(level=level).values_list("key", "pk"))
        by_code = table.get(window.code, {})
        return {code: {keys[k]: v for k, v in by_code.get(code, {}).items()} for code in codes}

    return Sources(rules=lambda level, day: rules, goals=lambda level, window: goals or [], compute=compute,
                   describe=describe or (lambda code: None))


def attendance_rule(**overrides) -> WarningRule:
    values = dict(point_id=1, version_id=1, indicator_code="stu_attendance_rate", direction="higher",
                  yellow=0.9, orange=0.8, red=0.7, resolve_margin=0.02, resolve_windows=2, subject_ids=None)
    values.update(overrides)
    return WarningRule(**values)


def owner_names(warning) -> set[str]:
    """The usernames owning ``warning`` now (derived from role scopes)."""
    from zhengai.org.models import User

    from .owners import owners_of

    return set(User.objects.filter(pk__in=owners_of([warning.pk])[warning.pk]).values_list("username", flat=True))


def month(code: str) -> W.Window:
    return W.parse(code)


@pytest.fixture
def injected_sources():
    """``injected_sources(s)`` makes every caller without its own sources use ``s`` for this test."""
    from . import sources as S

    yield S.use
    S.use(None)
