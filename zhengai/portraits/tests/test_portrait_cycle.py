"""Each portrait shows its subject's diagnosis cycle: the current phase and report, and for a
teacher or a student the rating their last ended cycle closed with."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.cycles.models import Cycle
from zhengai.cycles.ratings import GOOD
from zhengai.datacenter.models import Subject


def cycle(subject, period, start, end, **kw):
    return Cycle.objects.create(subject=subject, level=subject.level, period=period, start=start, end=end,
                                phase_since=start, **kw)


def test_a_portrait_shows_the_current_phase_the_report_and_the_last_rating(client, cast, college):
    zhang = Subject.objects.get(level="student", key="2024001")
    cycle(zhang, "2025-2026", date(2025, 9, 1), date(2026, 8, 31), phase="improve", status="closed",
          closed_on=date(2026, 8, 31), end_rating=GOOD)
    now = cycle(zhang, "2026-2027", date(2026, 9, 1), date(2027, 8, 31), phase="implement")
    client.force_login(cast.carol)
    page = client.get(reverse("portraits:subject", args=["student", "2024001"])).content.decode()
    assert "2026-2027 学年（2026-09-01 至 2027-08-31）" in page and "<strong>实施</strong>" in page
    assert "诊改报告：未起草" in page and reverse("cycles:cycle", args=[now.pk]) in page
    assert "上一周期（2025-2026）结束评定：<strong>良好</strong>" in page
    client.force_login(cast.alice)
    page = client.get(reverse("portraits:subject", args=["course", "C001"])).content.decode()
    assert "还没有诊改周期" in page and "结束评定" not in page


def test_the_cycle_adds_a_fixed_number_of_queries(client, cast, college):
    zhang = Subject.objects.get(level="student", key="2024001")
    cycle(zhang, "2019-2020", date(2019, 9, 1), date(2020, 8, 31), phase="improve", status="closed",
          closed_on=date(2020, 8, 31), end_rating=GOOD)
    client.force_login(cast.carol)
    url = reverse("portraits:subject", args=["student", "2024001"])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for year in range(2020, 2026):
        cycle(zhang, f"{year}-{year + 1}", date(year, 9, 1), date(year + 1, 8, 31), phase="improve", status="closed",
              closed_on=date(year + 1, 8, 31), end_rating=GOOD)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
