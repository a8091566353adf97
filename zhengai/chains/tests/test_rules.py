"""The rules API that monitoring reads: warning rules in force, goal targets, grading."""

from datetime import date
from decimal import Decimal

import pytest

from zhengai.chains import rules
from zhengai.chains.choices import GoalKind, KeyResultKind, NodeKind, StandardClass, VersionStatus
from zhengai.chains.models import Goal, KeyResult, Standard, StandardNode, StandardVersion
from zhengai.chains.versions import do_copy_version, do_publish_version
from zhengai.datacenter.choices import Level, SpecialtyTier, Title
from zhengai.datacenter.models import Specialty, Staff, Subject


def make_standard(level, code="S1", applies_to=None, yellow="85", orange="75", red="60", indicator="student.attendance_rate"):
    standard = Standard.objects.create(code=code, name=code, level=level, standard_class=StandardClass.STUDENT)
    version = StandardVersion.objects.create(standard=standard, label="v1", applies_to=applies_to or {})
    project = StandardNode.objects.create(version=version, kind=NodeKind.PROJECT, code="1", name="学业")
    element = StandardNode.objects.create(version=version, parent=project, kind=NodeKind.ELEMENT, code="1.1", name="出勤")
    point = StandardNode.objects.create(
        version=version, parent=element, kind=NodeKind.POINT, code="1.1.1", name="出勤率", indicator_code=indicator,
        qualified=Decimal("85"), good=Decimal("92"), excellent=Decimal("97"),
        yellow=Decimal(yellow), orange=Decimal(orange), red=Decimal(red),
    )
    return standard, version, point


def test_it_gives_no_rules_for_a_draft_and_the_published_version_from_its_first_day(college, cast):
    standard, version, point = make_standard(Level.STUDENT)
    assert rules.warning_rules(Level.STUDENT, date(2026, 10, 1)) == []

    do_publish_version(version, date(2026, 9, 1), acting_user=cast.alice)

    assert rules.warning_rules(Level.STUDENT, date(2026, 8, 31)) == []
    [rule] = rules.warning_rules(Level.STUDENT, date(2026, 9, 1))
    assert (rule.point_id, rule.version_id, rule.indicator_code, rule.direction) == (
        point.pk, version.pk, "student.attendance_rate", "higher")
    assert (rule.yellow, rule.orange, rule.red) == (Decimal("85"), Decimal("75"), Decimal("60"))
    assert rule.subject_ids is None
    assert rules.warning_rules(Level.TEACHER, date(2026, 9, 1)) == []


def test_it_keeps_judging_earlier_dates_by_the_version_in_force_then(college, cast):
    standard, v1, point = make_standard(Level.STUDENT)
    do_publish_version(v1, date(2026, 1, 1), acting_user=cast.alice)
    v2 = do_copy_version(v1, "v2", acting_user=cast.alice)
    v2_point = v2.nodes.get(kind=NodeKind.POINT)
    v2_point.yellow = Decimal("90")
    v2_point.save()
    before = rules.warning_rules(Level.STUDENT, date(2026, 6, 30))

    do_publish_version(v2, date(2026, 7, 1), acting_user=cast.alice)

    assert rules.warning_rules(Level.STUDENT, date(2026, 6, 30)) == before
    assert [r.yellow for r in rules.warning_rules(Level.STUDENT, date(2026, 6, 30))] == [Decimal("85")]
    assert [r.yellow for r in rules.warning_rules(Level.STUDENT, date(2026, 7, 1))] == [Decimal("90")]
    v1.refresh_from_db()
    assert v1.effective_to == date(2026, 6, 30)
    assert point.yellow == Decimal("85") and StandardNode.objects.get(pk=point.pk).yellow == Decimal("85")
    assert v2.nodes.count() == v1.nodes.count() == 3


def test_it_refuses_to_publish_a_version_before_the_one_in_force(college, cast):
    from django.core.exceptions import ValidationError

    standard, v1, _point = make_standard(Level.STUDENT)
    do_publish_version(v1, date(2026, 1, 1), acting_user=cast.alice)
    v2 = do_copy_version(v1, "v2", acting_user=cast.alice)
    with pytest.raises(ValidationError):
        do_publish_version(v2, date(2025, 12, 1), acting_user=cast.alice)
    assert StandardVersion.objects.get(pk=v2.pk).status == VersionStatus.DRAFT


def test_it_lets_only_the_quality_office_publish(college, cast):
    from django.core.exceptions import PermissionDenied

    _standard, v1, _point = make_standard(Level.STUDENT)
    for user in (cast.bob, cast.grace, cast.erin):
        with pytest.raises(PermissionDenied):
            do_publish_version(v1, date(2026, 1, 1), acting_user=user)
    assert StandardVersion.objects.get(pk=v1.pk).status == VersionStatus.DRAFT


def test_it_applies_a_rule_by_specialty_tier_and_teacher_title(college, cast):
    _s, v_spec, _p = make_standard(Level.SPECIALTY, code="SP", applies_to={"tier": [SpecialtyTier.BRAND]}, indicator="specialty.employment_rate")
    _s, v_teach, _p = make_standard(Level.TEACHER, code="TE", applies_to={"title": [Title.LECTURER, Title.PROFESSOR]}, indicator="teacher.training_hours")
    do_publish_version(v_spec, date(2026, 1, 1), acting_user=cast.alice)
    do_publish_version(v_teach, date(2026, 1, 1), acting_user=cast.alice)

    [spec_rule] = rules.warning_rules(Level.SPECIALTY, date(2026, 3, 1))
    [teach_rule] = rules.warning_rules(Level.TEACHER, date(2026, 3, 1))

    cnc = Subject.objects.get(level=Level.SPECIALTY, specialty=college.cnc).pk  # 数控技术 is 品牌
    wang = Subject.objects.get(level=Level.TEACHER, staff=college.t_wang).pk  # 王老师 is 讲师
    assert spec_rule.subject_ids == frozenset({cnc})
    assert teach_rule.subject_ids == frozenset({wang})

    # A rule, not a list: a specialty promoted to 品牌 is covered without touching the standard.
    Specialty.objects.filter(pk=college.soft.pk).update(tier=SpecialtyTier.BRAND)
    soft = Subject.objects.get(level=Level.SPECIALTY, specialty=college.soft).pk
    assert rules.warning_rules(Level.SPECIALTY, date(2026, 3, 1))[0].subject_ids == frozenset({cnc, soft})
    Staff.objects.filter(pk=college.t_li.pk).update(title=Title.PROFESSOR)
    li = Subject.objects.get(level=Level.TEACHER, staff=college.t_li).pk
    assert rules.warning_rules(Level.TEACHER, date(2026, 3, 1))[0].subject_ids == frozenset({wang, li})


def test_it_reads_rules_in_a_number_of_queries_that_does_not_grow_with_subjects(college, cast, django_assert_num_queries):
    from zhengai.datacenter.models import Student
    from zhengai.datacenter.subjects import sync_subjects

    _s, version, _p = make_standard(Level.STUDENT, applies_to={"cohort": ["2024"]})
    do_publish_version(version, date(2026, 1, 1), acting_user=cast.alice)
    # Queries: the points in force (with their versions), then the subjects of the one rule.
    with django_assert_num_queries(2):
        few = rules.warning_rules(Level.STUDENT, date(2026, 3, 1))
    Student.objects.bulk_create([
        Student(student_no=f"9{i:05d}", name=f"学生{i}", gender="M", admin_class=college.class_cnc,
                specialty=college.cnc, cohort=2024) for i in range(40)
    ])
    sync_subjects(levels=[Level.STUDENT])
    with django_assert_num_queries(2):
        many = rules.warning_rules(Level.STUDENT, date(2026, 3, 1))
    assert len(many[0].subject_ids) == len(few[0].subject_ids) + 40 == 43


def test_it_grades_by_thresholds_in_both_directions(college):
    _s, _v, point = make_standard(Level.STUDENT)
    assert [rules.grade(point, v) for v in ("84.9", "85", "91.99", "92", "97", "100")] == [
        "不合格", "合格", "合格", "良好", "优秀", "优秀"]
    assert rules.grade(point, None) is None
    point.direction = "lower"
    point.qualified, point.good, point.excellent = Decimal("5"), Decimal("3"), Decimal("1")
    assert [rules.grade(point, v) for v in (6, 5, 4, 3, 1, 0)] == ["不合格", "合格", "合格", "良好", "优秀", "优秀"]
    point.qualified = point.good = point.excellent = None
    assert rules.grade(point, 3) is None


def test_it_names_the_most_severe_line_a_value_crosses(college):
    _s, _v, point = make_standard(Level.STUDENT)
    assert [rules.crossed_line(point, v) for v in (90, 85, "84.9", 70, 59)] == [None, None, "yellow", "orange", "red"]


def test_it_lists_goal_targets_whose_period_overlaps_the_window(college):
    erin = Subject.objects.get(level=Level.STUDENT, student=college.s_zhang)
    autumn = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="秋季", owner=erin, start=date(2026, 9, 1), end=date(2027, 1, 31))
    spring = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="春季", owner=erin, start=date(2026, 3, 1), end=date(2026, 7, 10))
    ongoing = Goal.objects.create(kind=GoalKind.STUDENT_THREE_YEAR, title="三年", owner=erin, start=date(2024, 9, 1))
    draft = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="草稿", owner=erin, start=date(2026, 9, 1), status="draft")
    for goal in (autumn, spring, ongoing, draft):
        KeyResult.objects.create(goal=goal, name="出勤", indicator_code="student.attendance_rate", baseline=Decimal("90"), target=Decimal("95"))
    KeyResult.objects.create(goal=autumn, kind=KeyResultKind.MILESTONE, name="考证")

    targets = rules.goal_targets(Level.STUDENT, "2026-10")

    assert sorted(t.goal_id for t in targets) == sorted([autumn.pk, ongoing.pk])
    by_goal = {t.goal_id: t for t in targets}
    assert by_goal[autumn.pk].end == date(2027, 1, 31)
    assert by_goal[ongoing.pk].end == date(2026, 10, 31)
    assert by_goal[autumn.pk].subject_id == erin.pk and by_goal[autumn.pk].target == Decimal("95")
    assert rules.goal_targets(Level.TEACHER, "2026-10") == []
