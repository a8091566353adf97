"""Each level's cadence is defined once, by its monitoring policy row: the indicator library (pages
stepping through windows, goals' live values) reads the same row the scheduler does."""

import pytest

from zhengai.indicators import registry
from zhengai.monitoring.models import MonitoringPolicy
from zhengai.monitoring.policies import policy_for


@pytest.mark.django_db
def test_the_indicators_step_on_the_cadence_of_the_levels_policy_row():
    indicator = registry.get("student.attendance_rate")
    assert indicator.cadence == policy_for("student").cadence == "month"  # the default, defined once
    MonitoringPolicy.objects.create(level="student", cadence="half_month", escalate_after=3)
    assert indicator.cadence == policy_for("student").cadence == "half_month"
    assert registry.cadences()["teacher"] == "term"  # levels without a row keep the default
