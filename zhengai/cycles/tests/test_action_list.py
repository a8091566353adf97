"""The improvement actions' list (改进措施): sorted and filtered by the database (overdue a WHERE),
the viewer's scope only, exported with exactly the filtered rows, junk refused, queries flat."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent
from zhengai.cycles.choices import Phase
from zhengai.cycles.models import Cycle, ImprovementAction

URL = "cycles:actions"


def cycle(subjects, key):
    return Cycle.objects.create(subject=subjects[("offering", key)], level="offering", period="2026-2027-1",
                                start=date(2026, 9, 7), end=date(2027, 1, 22), phase=Phase.IMPROVE,
                                phase_since=date(2026, 11, 1))


@pytest.fixture
def listed(cast, subjects):
    cnc, py = cycle(subjects, "2026-2027-1-C001-01"), cycle(subjects, "2026-2027-1-C002-01")
    return [
        ImprovementAction.objects.create(cycle=cnc, text="补录期中成绩", due=date(2020, 3, 1), owner=cast.dave),
        ImprovementAction.objects.create(cycle=cnc, text="=cmd|' /C calc'!A0", due=date(2099, 1, 10), owner=cast.dave),
        ImprovementAction.objects.create(cycle=cnc, text="已完成的", due=date(2020, 1, 1), status="done", outcome="做了",
                                         closed_on=date(2020, 1, 1)),
        ImprovementAction.objects.create(cycle=py, text="调整教学进度", due=date(2020, 6, 1)),
    ]


def texts(response):
    return [a.text for a in response.context["table"].rows]


def test_the_list_sorts_and_filters_in_the_database(client, cast, listed):
    client.force_login(cast.alice)
    assert texts(client.get(reverse(URL))) == ["补录期中成绩", "调整教学进度", "=cmd|' /C calc'!A0", "已完成的"]  # open first
    assert texts(client.get(reverse(URL), {"sort": "due"})) == ["已完成的", "补录期中成绩", "调整教学进度", "=cmd|' /C calc'!A0"]
    assert texts(client.get(reverse(URL), {"sort": "-due"}))[0] == "=cmd|' /C calc'!A0"
    assert texts(client.get(reverse(URL), {"overdue": "1"})) == ["补录期中成绩", "调整教学进度"]
    assert texts(client.get(reverse(URL), {"status": "done"})) == ["已完成的"]
    assert texts(client.get(reverse(URL), {"q": "Python"})) == ["调整教学进度"]  # the subject's name
    assert "已逾期" in client.get(reverse(URL), {"overdue": "1"}).content.decode()


def test_a_teachers_export_holds_only_their_scope_and_is_audited_neutralised(client, cast, listed):
    client.force_login(cast.dave)  # 王老师 teaches 数控编程's offering, not Python's
    response = client.get(reverse(URL), {"format": "xlsx", "sort": "-due"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("措施", "主体", "层面", "周期")
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "补录期中成绩", "已完成的"]
    [event] = AuditEvent.objects.filter(kind=AuditKind.EXPORTED)
    assert event.detail["rows"] == 3 and event.detail["view"] == URL
    assert texts(client.get(reverse(URL), {"mine": "1", "status": "open"})) == ["补录期中成绩", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("query", [{"sort": "cycle__subject__key"}, {"status": "late"}, {"overdue": "2"}, {"level": "x"}])
def test_junk_is_a_400(client, cast, listed, query):
    client.force_login(cast.alice)
    assert client.get(reverse(URL), query).status_code == 400


def test_page_and_export_queries_do_not_grow_with_the_rows(client, cast, listed):
    client.force_login(cast.alice)

    def counted(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(URL), query).status_code == 200
        # The session's idle clock is written every 15 s (core.signin): not the page's doing.
        return len([q for q in queries if "django_session" not in q["sql"]])

    few = (counted({"sort": "owner"}), counted({"format": "xlsx"}))
    for i in range(30):
        ImprovementAction.objects.create(cycle=listed[i % 4].cycle, text=f"措施{i}", due=date(2026, 12, 1 + i % 28),
                                         owner=cast.dave if i % 2 else cast.bob)
    assert (counted({"sort": "owner"}), counted({"format": "xlsx"})) == few
