"""Scope rules: what each role sees, decided in one place (zhengai.org.access)."""

import pytest
from django.http import Http404

from zhengai.datacenter.models import Attendance, Offering, Staff, Student, Subject
from zhengai.org import access
from zhengai.org.access import access_object, restrict


def nos(queryset):
    return sorted(queryset.values_list("student_no", flat=True))


def test_it_shows_a_student_only_their_own_record(cast, college):
    assert nos(restrict(Student.objects.all(), cast.erin)) == ["2024001"]


def test_it_refuses_a_student_another_students_record_as_not_found(cast, college):
    with pytest.raises(Http404):
        access_object(Student, cast.erin, student_no="2024002")
    assert access_object(Student, cast.erin, student_no="2024001") == college.s_zhang


def test_it_shows_a_department_head_only_their_department(cast, college):
    assert nos(restrict(Student.objects.all(), cast.bob)) == ["2024001", "2024002"]
    staff = restrict(Staff.objects.all(), cast.bob).values_list("staff_no", flat=True)
    assert sorted(staff) == ["T001", "T003"]


def test_it_shows_a_counsellor_only_their_classes(cast, college):
    assert nos(restrict(Student.objects.all(), cast.carol)) == ["2024001", "2024002"]
    college.s_chen.admin_class = college.class_soft
    college.s_chen.save()
    assert nos(restrict(Student.objects.all(), cast.carol)) == ["2024001"]


def test_it_shows_a_teacher_their_offerings_and_their_own_facts(cast, college):
    assert list(restrict(Offering.objects.all(), cast.dave)) == [college.off_cnc]
    session = college.sessions_cnc[0]
    Attendance.objects.create(session=session, student=college.s_zhang, offering=college.off_cnc, date=session.date, status="present")
    Attendance.objects.create(session=session, student=college.s_chen, offering=college.off_cnc, date=session.date, status="absent")
    assert restrict(Attendance.objects.all(), cast.dave).count() == 2
    assert restrict(Attendance.objects.all(), cast.erin).count() == 1
    assert restrict(Attendance.objects.all(), cast.frank).count() == 0


def test_it_shows_the_quality_office_and_leaders_everything(cast, college):
    assert restrict(Student.objects.all(), cast.alice).count() == 3
    assert restrict(Student.objects.all(), cast.grace).count() == 3


def test_it_lets_a_leader_read_but_not_act(cast, college):
    subjects = Subject.objects.filter(level="student")
    assert restrict(subjects, cast.grace).count() == 3
    assert restrict(subjects, cast.grace, access.RAISE_FLAG).count() == 0
    assert restrict(subjects, cast.alice, access.RAISE_FLAG).count() == 3


def test_it_scopes_the_subject_registry_like_the_rows_behind_it(cast, college):
    keys = sorted(restrict(Subject.objects.filter(level="student"), cast.erin).values_list("key", flat=True))
    assert keys == ["2024001"]
    bob = restrict(Subject.objects.exclude(level="school"), cast.bob)
    assert set(bob.values_list("department_id", flat=True)) == {college.mech.pk}
    ivan = restrict(Subject.objects.all(), cast.ivan)
    assert sorted(ivan.values_list("level", "key")) == [("course", "C001"), ("offering", "2026-2027-1-C001-01")]


def test_it_shows_nothing_to_an_account_without_roles(college, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert restrict(Student.objects.all(), nobody).count() == 0


def test_it_refuses_a_model_that_declares_no_scope(cast):
    from zhengai.datacenter.models import SourceSystem

    with pytest.raises(TypeError, match="scope_lookups"):
        restrict(SourceSystem.objects.all(), cast.erin)


def test_it_tells_a_subjects_owner_from_the_heads_over_it(cast, college):
    from zhengai.org.access import headed, owned

    def keys(qs):
        return sorted(f"{level}:{key}" for level, key in qs.filter(level__in=["school", "department", "specialty", "course", "teacher", "student"])
                      .values_list("level", "key"))

    subjects = Subject.objects.all()
    # the owner: a department's head, a specialty's or course's leader, the teacher, a class's counsellor, the quality office
    assert keys(owned(subjects, cast.bob)) == ["department:D01"]
    assert keys(owned(subjects, cast.heidi)) == ["specialty:460103"]
    assert keys(owned(subjects, cast.ivan)) == ["course:C001"]
    assert keys(owned(subjects, cast.dave)) == ["teacher:T001"]
    assert keys(owned(subjects, cast.carol)) == ["student:2024001", "student:2024002"]
    assert keys(owned(subjects, cast.alice)) == ["school:school"]
    assert keys(owned(subjects, cast.grace)) == keys(owned(subjects, cast.erin)) == []
    # the heads over it: not their own subject; a teacher or a counsellor heads nobody
    assert keys(headed(subjects, cast.bob)) == ["course:C001", "specialty:460103", "student:2024001", "student:2024002", "teacher:T001"]
    assert keys(headed(subjects, cast.heidi)) == ["course:C001", "student:2024001", "student:2024002"]
    assert keys(headed(subjects, cast.dave)) == keys(headed(subjects, cast.carol)) == keys(headed(subjects, cast.grace)) == []
    assert "school:school" not in keys(headed(subjects, cast.alice)) and "department:D01" in keys(headed(subjects, cast.alice))


# ------------------------------------------------------------------------------------ acts

@pytest.fixture
def zhang_warning(cast, college):
    from zhengai.monitoring.models import Warning

    zhang = Subject.objects.get(level="student", key="2024001")
    return Warning.objects.create(subject=zhang, level="student", indicator_code="student.attendance_rate")


def test_a_student_sees_their_warning_and_gives_their_account_but_acts_on_nothing(cast, zhang_warning):
    from zhengai.monitoring.models import Warning

    assert list(restrict(Warning.objects.all(), cast.erin)) == [zhang_warning]
    assert access.may(cast.erin, access.SELF_REPORT_WARNING, zhang_warning)
    for act in (access.ACKNOWLEDGE_WARNING, access.CORRECT_WARNING, access.RESOLVE_WARNING, access.CLOSE_WARNING):
        assert not access.may(cast.erin, act, zhang_warning) and not access.may(cast.erin, act)
    # The counsellor of the class acts; she gives no account of a student's warning for them.
    assert access.may(cast.carol, access.ACKNOWLEDGE_WARNING, zhang_warning)
    assert not access.may(cast.carol, access.SELF_REPORT_WARNING, zhang_warning)
    # Another student neither sees it nor speaks for it.
    assert not restrict(Warning.objects.all(), cast.frank).exists()
    assert not access.may(cast.frank, access.SELF_REPORT_WARNING, zhang_warning)


def test_a_school_leader_sees_everything_and_does_no_act(cast, zhang_warning):
    """…but one: approving the school's own diagnosis report, which only the level above the quality
    office can review."""
    for act in access.ACTS.values():
        if not act.sees and act != access.APPROVE_SCHOOL_REPORT:
            assert not access.may(cast.grace, act), act
    assert access.may(cast.grace, access.SEE_BATCHES) and access.may(cast.grace, access.SEE_TASK_TABLE)
    assert access.may(cast.grace, access.APPROVE_SCHOOL_REPORT) and not access.may(cast.alice, access.APPROVE_SCHOOL_REPORT)


def test_college_acts_are_the_quality_offices_and_reach_no_further_down(cast):
    for act in (access.EDIT_STANDARD, access.IMPORT_DATA, access.MANAGE_SOURCES, access.MANAGE_PULLS,
                access.DEFINE_INDICATOR, access.EDIT_MONITORING_POLICY, access.IMPORT_TASKS):
        assert access.may(cast.alice, act)
        assert [name for name in ("bob", "heidi", "ivan", "dave", "carol", "erin") if access.may(getattr(cast, name), act)] == []


def test_reviewing_is_for_heads_over_a_subject_and_never_for_its_owner(cast, college):
    from zhengai.chains.models import Goal

    teacher = Subject.objects.get(level="teacher", key="T001")
    plan = Goal.objects.create(kind="teacher", title="王老师发展规划", owner=teacher, start=college.term.start_date)
    assert access.may(cast.dave, access.WRITE_OWN_GOAL, plan) and access.may(cast.dave, access.SUBMIT_GOAL, plan)
    assert not access.may(cast.dave, access.APPROVE_GOAL, plan)  # his own plan
    assert access.may(cast.bob, access.APPROVE_GOAL, plan) and access.may(cast.alice, access.APPROVE_GOAL, plan)
    assert not access.may(cast.bob, access.WRITE_OWN_GOAL, plan) and not access.may(cast.grace, access.APPROVE_GOAL, plan)


def test_lists_are_restricted_by_act_in_one_query(cast, college, zhang_warning, django_assert_num_queries):
    from zhengai.monitoring.models import Warning

    access.roles_of(cast.carol)  # the roles, read once per request
    with django_assert_num_queries(1):
        assert list(restrict(Warning.objects.all(), cast.carol, access.RESOLVE_WARNING)) == [zhang_warning]
    with django_assert_num_queries(0):
        assert access.may(cast.carol, access.RESOLVE_WARNING) and not access.may(cast.carol, access.EDIT_STANDARD)


def test_every_act_is_in_the_modules_table_and_an_unknown_act_is_refused(cast):
    for name in access.ACTS:
        assert name in access.__doc__, f"document the act {name} in zhengai/org/access.py"
    with pytest.raises(ValueError, match="unknown act"):
        access.may(cast.alice, "approve_everything")
    with pytest.raises(ValueError, match="unknown act"):
        access.gate("approve_everything")
