"""What a student sees of themself: against the standard and their own past, never a rank or the
classmates' average; only the standards that apply to them; and no sensitive attribute (gender,
ethnicity, origin, family) feeds any indicator — so no score or warning."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhengai.chains.choices import StandardClass
from zhengai.chains.models import Standard, StandardVersion
from zhengai.chains.versions import do_publish_version
from zhengai.core import windows
from zhengai.datacenter.choices import Level
from zhengai.indicators import custom, registry
from zhengai.portraits.tests.test_portrait import attend, student_standard

PEER_WORDS = ("同类平均", "班级平均", "排名", "名次", "第 1 名", "超过了", "% 的同学")


def test_a_student_page_shows_no_rank_and_no_peer_average_where_staff_see_the_peers(client, cast, college):
    student_standard(cast)
    attend(college, college.s_zhang, ["present", "absent", "present"])
    attend(college, college.s_chen, ["present", "present", "present"])
    client.force_login(cast.erin)
    for name, args in (("portraits:subject", ["student", "2024001"]), ("workspaces:growth", []), ("home", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert not [w for w in PEER_WORDS if w in page], name
    portrait = client.get(reverse("portraits:subject", args=["student", "2024001"]))
    assert portrait.context["with_peers"] is False
    assert [s["name"] for s in portrait.context["standing"].radar["series"]] == ["本周期", "标准合格线", "上一周期"]
    client.force_login(cast.carol)
    assert "同类平均" in client.get(reverse("portraits:subject", args=["student", "2024001"])).content.decode()


def test_a_student_sees_only_the_standards_that_apply_to_them(client, cast, college):
    mine = student_standard(cast).standard
    others = []
    for code, level, klass, rule in (("XS25", Level.STUDENT, StandardClass.STUDENT, {"cohort": ["2025"]}),
                                     ("JS", Level.TEACHER, StandardClass.TEACHER, {})):
        standard = Standard.objects.create(code=code, name=f"{code} 标准", level=level, standard_class=klass)
        do_publish_version(StandardVersion.objects.create(standard=standard, label="v1", applies_to=rule), date(2026, 9, 1),
                           acting_user=cast.alice)
        others.append(standard)
    client.force_login(cast.erin)  # 张三, cohort 2024
    response = client.get(reverse("chains:standards"))
    assert [s.pk for s in response.context["standards"]] == [mine.pk]
    assert "我的标准" in response.content.decode()
    assert client.get(reverse("chains:standard", args=[mine.pk])).status_code == 200
    assert [client.get(reverse("chains:standard", args=[s.pk])).status_code for s in others] == [404, 404]
    client.force_login(cast.alice)
    assert len(client.get(reverse("chains:standards")).context["standards"]) == 3


@pytest.mark.parametrize("level", [lv for lv in Level.values])
def test_no_indicator_reads_a_sensitive_attribute(college, level):
    """Every built-in indicator of the level, computed: no statement touches gender (the only such
    column the data center holds); the custom-indicator builder does not offer it."""
    with CaptureQueriesContext(connection) as ran:
        registry.compute(level, windows.parse("2026-2027-1"), [i.code for i in registry.for_level(level)])
    assert ran.captured_queries
    assert not [q["sql"] for q in ran.captured_queries if "gender" in q["sql"].lower()]
    for indicator in registry.for_level(level):
        assert not any(word in indicator.definition for word in ("性别", "民族", "籍贯", "生源地", "家庭")), indicator.code


def test_the_custom_indicator_builder_offers_no_sensitive_field():
    for table in ("students", "teachers"):
        assert not {"gender", "email", "user_id"} & set(custom.table_fields(table)), table
