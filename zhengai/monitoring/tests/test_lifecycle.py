"""The correction loop: acknowledge → correct → resolve / close, manual flags, who may act."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhengai.datacenter.models import Subject
from zhengai.monitoring import actions
from zhengai.monitoring.analytics import effectiveness
from zhengai.monitoring.choices import EventKind, WarningStatus
from zhengai.monitoring.engine import run_window
from zhengai.monitoring.models import Warning
from zhengai.monitoring.testing import attendance_rule, month, owner_names, table_sources
from zhengai.notifications.digest import send_digests
from zhengai.notifications.models import Notification

RATE = "stu_attendance_rate"


@pytest.fixture
def zhang_warning(cast):
    run_window("student", month("2026-10"), sources=table_sources({"2026-10": {RATE: {"2024001": 0.85}}}, [attendance_rule()]),
               notify=False)
    return Warning.objects.get(subject__key="2024001")


def test_the_owner_moves_a_warning_through_the_loop_and_every_step_is_kept(cast, zhang_warning, django_capture_on_commit_callbacks):
    assert zhang_warning.status == WarningStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_acknowledge_warning(zhang_warning, acting_user=cast.carol)
        actions.do_start_correction(zhang_warning, "连续旷课，家庭原因", "talk", "每周谈心一次", acting_user=cast.carol)
    warning = Warning.objects.get(pk=zhang_warning.pk)
    assert (warning.status, warning.measure_kind, warning.cause) == (WarningStatus.CORRECTING, "talk", "连续旷课，家庭原因")
    steps = list(warning.events.values_list("kind", "actor__username", "from_status", "to_status"))
    assert steps == [
        (EventKind.OPENED, None, "", "open"),
        (EventKind.ACKNOWLEDGED, "carol", "open", "acknowledged"),
        (EventKind.CORRECTING, "carol", "acknowledged", "correcting"),
    ]
    # Nothing is sent by the steps themselves: the scheduled job batches them, one message per person.
    assert not Notification.objects.exists()
    send_digests()
    # The other owner (erin) was told of both steps in one message; the actor was not.
    told, = Notification.objects.filter(title="预警处理进展")
    assert told.recipient.username == "erin"
    assert "· 确认 ·" in told.body and "· 开始纠偏 ·" in told.body, told.body
    assert send_digests() == []  # claimed once


def test_a_person_outside_the_scope_cannot_touch_the_warning(cast, zhang_warning):
    with pytest.raises(Http404):
        actions.do_acknowledge_warning(zhang_warning, acting_user=cast.frank)  # another student
    with pytest.raises(PermissionDenied):
        actions.do_acknowledge_warning(zhang_warning, acting_user=cast.grace)  # school leader: sees, may not act
    assert Warning.objects.get(pk=zhang_warning.pk).status == WarningStatus.OPEN


def test_bad_input_is_refused_with_a_message_and_changes_nothing(cast, zhang_warning):
    with pytest.raises(ValidationError, match="纠偏措施类别“pray”无效"):
        actions.do_start_correction(zhang_warning, "原因", "pray", "措施", acting_user=cast.carol)
    with pytest.raises(ValidationError, match="关闭预警须填写原因"):
        actions.do_close_warning(zhang_warning, " ", acting_user=cast.carol)
    with pytest.raises(PermissionDenied):
        actions.do_close_warning(zhang_warning, "不想看", acting_user=cast.erin)  # a student may not close
    actions.do_resolve_warning(zhang_warning, acting_user=cast.carol)
    with pytest.raises(ValidationError, match="不能执行"):
        actions.do_acknowledge_warning(zhang_warning, acting_user=cast.carol)
    assert zhang_warning.events.count() == 2  # opened, resolved


def test_a_manual_flag_follows_the_lifecycle_and_closing_it_tells_whoever_raised_it(cast, college, django_capture_on_commit_callbacks):
    chen = Subject.objects.get(level="student", key="2024002")
    with django_capture_on_commit_callbacks(execute=True):
        flag = actions.do_raise_manual_flag(chen, "上课精神状态差，请关注", acting_user=cast.dave)
    send_digests()
    assert (flag.source, flag.status, flag.raised_by, flag.indicator_code) == ("manual", "open", cast.dave, "")
    assert owner_names(flag) == {"carol", "dave"}  # counsellor + whoever raised it
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_warning(flag, "已与家长沟通，情况正常", acting_user=cast.carol)
    send_digests()
    told, = Notification.objects.all()
    assert told.recipient == cast.dave and "已与家长沟通" in told.body
    # A second flag on the same subject is allowed (one per concern, not per indicator).
    actions.do_raise_manual_flag(chen, "作业缺交", acting_user=cast.dave)
    assert Warning.objects.filter(subject=chen, source="manual").count() == 2


def test_a_student_cannot_raise_a_flag_and_staff_only_within_scope(cast, college):
    liu = Subject.objects.get(level="student", key="2024101")  # 软件2401, not carol's class
    with pytest.raises(PermissionDenied):
        actions.do_raise_manual_flag(liu, "x", acting_user=cast.erin)
    with pytest.raises(Http404):
        actions.do_raise_manual_flag(liu, "x", acting_user=cast.carol)


def test_did_the_correction_work_counts_recoveries_within_n_cadences_and_reopenings_against(cast, college):
    rules = [attendance_rule(resolve_margin=0, resolve_windows=1)]
    table = {
        "2026-09": {RATE: {"2024001": 0.80, "2024002": 0.80}},
        "2026-10": {RATE: {"2024001": 0.95, "2024002": 0.80}},  # 张三 recovers after 1 cadence
        "2026-11": {RATE: {"2024001": 0.85, "2024002": 0.80}},  # … and falls back: reopened after correction
        "2026-12": {RATE: {"2024001": 0.85, "2024002": 0.80}},
    }
    sources = table_sources(table, rules)
    run_window("student", month("2026-09"), sources=sources, notify=False)
    for w in Warning.objects.all():
        actions.do_start_correction(w, "缺勤", "talk" if w.subject.key == "2024001" else "home_contact", "谈话", acting_user=cast.alice)
    for code in ("2026-10", "2026-11", "2026-12"):
        run_window("student", month(code), sources=sources, notify=False)
    first = Warning.objects.get(subject__key="2024001", opened_window="2026-09")
    second = Warning.objects.get(subject__key="2024001", opened_window="2026-11")
    assert first.status == WarningStatus.RESOLVED and second.reopened_from == first

    data = effectiveness(cast.alice, within=2)
    by_kind = {row["label"]: row for row in data["by_kind"]}
    # 张三 (谈心谈话): recovered in 1 cadence but reopened → not recovered.
    assert (by_kind["谈心谈话"]["n"], by_kind["谈心谈话"]["recovered"], by_kind["谈心谈话"]["reopened"]) == (1, 0, 1)
    # 陈四 (家校联系): open for 4 cadences > 2 → judged, not recovered.
    assert (by_kind["家校联系"]["n"], by_kind["家校联系"]["recovered"]) == (1, 0)
    assert data["overall"]["share"] == 0


def test_recovery_within_the_limit_is_counted_with_its_time(cast, college):
    rules = [attendance_rule(resolve_margin=0, resolve_windows=1)]
    table = {"2026-09": {RATE: {"2024001": 0.80}}, "2026-10": {RATE: {"2024001": 0.95}}}
    sources = table_sources(table, rules)
    run_window("student", month("2026-09"), sources=sources, notify=False)
    actions.do_start_correction(Warning.objects.get(), "缺勤", "tutoring", "补课", acting_user=cast.alice)
    run_window("student", month("2026-10"), sources=sources, notify=False)
    data = effectiveness(cast.bob, within=1)  # bob heads 机械工程学院
    row, = data["by_department"]
    assert (row["label"], row["n"], row["recovered"], row["share"], row["median_days"]) == ("机械工程学院", 1, 1, 1.0, 31)
