"""Self-diagnosis evidence (自诊材料): owners submit for the evidence points their subjects owe
(by the standards' applicability rules), heads over them or the quality office review, files are
limited and downloaded within scope, and the quality office sees counts per standard and window.

The tiny college with the default standards owes, in 2026-2027-1: the school 2.2.1; 机械工程学院 and
信息工程学院 (二级学院) 3.1.1; 数控技术 (品牌) and 软件技术 (骨干) 1.2.1 of their tier's standard;
数控编程 and Python程序设计 1.1.1 and 2.1.2 of 课程建设标准; 王老师 (讲师) and 李老师 (副教授) 3.1.3 of
their title's standard; each of the three students 1.1.2 (操行评定)."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import Standard, StandardNode
from zhengai.cycles import selfdiag
from zhengai.cycles.choices import EvidenceStatus
from zhengai.cycles.models import CycleEvent, PointEvidence, PointEvidenceFile
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Course, Subject
from zhengai.datacenter.subjects import sync_subjects
from zhengai.org.choices import Role
from zhengai.org.models import RoleAssignment

WINDOW = "2026-2027-1"


@pytest.fixture
def standards(college, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    install_default_standards()


def subject(level, key):
    return Subject.objects.get(level=level, key=key)


def point(standard_code, code):
    return StandardNode.objects.get(version__standard__code=standard_code, code=code, kind="point")


def pdf(name="规划.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * size, content_type="application/pdf")


def submit_page(client, subj, pt, htmx=False, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("cycles:evidence_submit"), {"subject": subj.pk, "point": pt.pk, "window": WINDOW, **data}, headers=headers)


# ------------------------------------------------------------------------------------ who owes what

def test_the_points_owed_come_from_the_standards_applicability_rules(cast, standards):
    window = selfdiag.parse_window(WINDOW)

    def owed(user):
        return {(g.subject.key, i.point.version.standard.code, i.point.code) for g in selfdiag.my_items(user, window) for i in g.items}

    # 数控技术 is 品牌: the 品牌 standard's plan, not the 骨干 one's
    assert owed(cast.heidi) == {("460103", "SP-BRAND-2023", "1.2.1")}
    assert owed(cast.ivan) == {("C001", "CB-2023", "1.1.1"), ("C001", "CB-2023", "2.1.2")}
    # 王老师 is a 讲师; the offering he teaches owes nothing in the default standards
    assert owed(cast.dave) == {("T001", "TD-MIDDLE-2023", "3.1.3")}
    assert owed(cast.bob) == {("D01", "DEPT-2023", "3.1.1")}
    assert owed(cast.carol) == {("2024001", "STU-2023", "1.1.2"), ("2024002", "STU-2023", "1.1.2")}
    assert owed(cast.alice) == {("school", "SCH-2023", "2.2.1")}
    assert owed(cast.erin) == owed(cast.grace) == set()

    # the rule decides, not a list: 数控技术 moved to 骨干 owes the 骨干 standard's point instead
    cast.heidi.refresh_from_db()
    from zhengai.datacenter.models import Specialty

    Specialty.objects.filter(code="460103").update(tier="backbone")
    assert owed(cast.heidi) == {("460103", "SP-BACKBONE-2023", "1.2.1")}


def test_a_point_that_names_its_judging_period_is_owed_only_in_windows_of_that_period(cast, standards):
    plan = point("SP-BRAND-2023", "1.2.1")
    StandardNode.objects.filter(pk=plan.pk).update(period="academic_year")

    def owed(window):
        return [i.point.code for g in selfdiag.my_items(cast.heidi, selfdiag.parse_window(window)) for i in g.items]

    assert owed(WINDOW) == [] and owed("2026") == []
    assert owed("2026-2027") == ["1.2.1"]
    with pytest.raises(ValidationError, match="不要求提交材料"):
        selfdiag.do_submit_evidence(subject(Level.SPECIALTY, "460103"), plan, WINDOW, text="规划", acting_user=cast.heidi)


def test_a_window_must_be_a_term_or_a_year(standards):
    assert selfdiag.parse_window("2026").kind == "year" and selfdiag.parse_window("2026-2027").kind == "academic_year"
    with pytest.raises(ValidationError, match="不是学期"):
        selfdiag.parse_window("2026-10")
    with pytest.raises(ValidationError, match="无法识别"):
        selfdiag.parse_window("下学期")


# ------------------------------------------------------------------------------------ submitting

def test_an_owner_submits_evidence_and_it_appears_as_submitted(client, cast, standards):
    spec, plan = subject(Level.SPECIALTY, "460103"), point("SP-BRAND-2023", "1.2.1")
    client.force_login(cast.heidi)
    page = client.get(reverse("cycles:self_diagnosis")).content.decode()
    assert "专业建设规划文本、年度建设计划及完成情况总结" in page and "未提交" in page
    assert not PointEvidence.objects.exists()

    response = submit_page(client, spec, plan, text="数控技术专业建设规划（2024–2028）", files=[pdf()], htmx=True)

    assert response.status_code == 200
    row = response.content.decode()
    assert f'id="ev-{spec.pk}-{plan.pk}"' in row and "待审核" in row and "规划.pdf" in row
    assert response["HX-Trigger"] == "evidence-saved"  # the page's counter reloads itself
    evidence = PointEvidence.objects.get()
    assert (evidence.subject, evidence.point, evidence.window, evidence.status, evidence.submitted_by) == (
        spec, plan, WINDOW, EvidenceStatus.SUBMITTED, cast.heidi)
    [stored] = evidence.files.all()
    assert stored.name == "规划.pdf" and stored.file.name.startswith("cycles/self_diagnosis/") and stored.size == 109
    assert list(evidence.events.values_list("kind", "actor")) == [("evidence_submitted", cast.heidi.pk)]
    page = client.get(reverse("cycles:self_diagnosis")).content.decode()
    assert "数控技术专业建设规划（2024–2028）" in page and "待审核" in page


def test_a_teacher_cannot_submit_for_another_teacher(client, cast, standards):
    li, plan = subject(Level.TEACHER, "T002"), point("TD-SENIOR-2023", "3.1.3")
    client.force_login(cast.dave)

    # outside his scope: the same answer as for a subject that does not exist
    assert submit_page(client, li, plan, text="冒名提交").status_code == 404
    # a head over a teacher reviews the teacher's evidence but does not write it
    client.force_login(cast.bob)
    wang = subject(Level.TEACHER, "T001")
    assert submit_page(client, wang, point("TD-MIDDLE-2023", "3.1.3"), text="代交").status_code == 403
    with pytest.raises(PermissionDenied):
        selfdiag.do_submit_evidence(li, plan, WINDOW, text="x", acting_user=cast.dave)
    assert not PointEvidence.objects.exists()


def test_it_refuses_evidence_for_a_point_the_subject_does_not_owe(cast, standards):
    spec = subject(Level.SPECIALTY, "460103")
    with pytest.raises(ValidationError, match="不适用于“数控技术”"):
        selfdiag.do_submit_evidence(spec, point("SP-BACKBONE-2023", "1.2.1"), WINDOW, text="x", acting_user=cast.heidi)
    with pytest.raises(ValidationError, match="不要求提交材料"):
        selfdiag.do_submit_evidence(spec, point("SP-BRAND-2023", "1.1.1"), WINDOW, text="x", acting_user=cast.heidi)
    with pytest.raises(ValidationError, match="请填写文字说明或上传至少一个文件"):
        selfdiag.do_submit_evidence(spec, point("SP-BRAND-2023", "1.2.1"), WINDOW, text="  ", acting_user=cast.heidi)
    assert not PointEvidence.objects.exists()


def test_it_refuses_uploads_too_large_or_of_a_type_not_taken_with_a_clear_message(client, cast, standards, settings):
    settings.ZHENGAI_EVIDENCE_MAX_BYTES = 1024 * 1024
    spec, plan = subject(Level.SPECIALTY, "460103"), point("SP-BRAND-2023", "1.2.1")
    client.force_login(cast.heidi)

    response = submit_page(client, spec, plan, text="规划", files=[pdf("大文件.pdf", 2 * 1024 * 1024)], htmx=True)
    # the row comes back with the message in it (htmx swaps only a 2xx answer)
    assert response.status_code == 200
    row = response.content.decode()
    assert "文件“大文件.pdf”大小为 2 MB，超过上限 1 MB。" in row and 'role="alert"' in row and "未提交" in row
    assert "HX-Trigger" not in response  # nothing saved, nothing to recount

    response = submit_page(client, spec, plan, text="规划", files=[SimpleUploadedFile("run.exe", b"MZ")])
    assert response.status_code == 302
    assert "文件“run.exe”的类型不允许，仅接受：pdf、doc、docx" in client.get(response["Location"]).content.decode()

    # nothing half-written: no submission, no file, no event
    assert not PointEvidence.objects.exists() and not PointEvidenceFile.objects.exists() and not CycleEvent.objects.filter(evidence__isnull=False).exists()


def test_files_are_downloaded_within_scope_only(client, cast, standards):
    evidence = selfdiag.do_submit_evidence(subject(Level.SPECIALTY, "460103"), point("SP-BRAND-2023", "1.2.1"), WINDOW,
                                           files=[pdf()], acting_user=cast.heidi)
    stored = evidence.files.get()
    url = reverse("cycles:evidence_file", args=[stored.pk])
    for user, status in ((cast.heidi, 200), (cast.bob, 200), (cast.alice, 200), (cast.ivan, 404), (cast.dave, 404), (cast.erin, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    client.logout()
    assert client.get(url).status_code == 302


# ------------------------------------------------------------------------------------ review

def test_the_head_reviews_and_every_step_keeps_who_and_when(client, cast, standards):
    spec, plan = subject(Level.SPECIALTY, "460103"), point("SP-BRAND-2023", "1.2.1")
    evidence = selfdiag.do_submit_evidence(spec, plan, WINDOW, text="规划初稿", acting_user=cast.heidi)
    url = reverse("cycles:evidence_review", args=[evidence.pk])

    # the owner does not judge her own evidence; a teacher is no head
    for user in (cast.heidi, cast.dave):
        with pytest.raises(PermissionDenied):
            selfdiag.do_review_evidence(evidence, "passed", acting_user=user)

    client.force_login(cast.bob)
    assert "提交审核结果" in client.get(reverse("cycles:evidence_detail", args=[evidence.pk])).content.decode()
    client.post(url, {"result": "more", "comment": ""})
    assert PointEvidence.objects.get().status == EvidenceStatus.SUBMITTED  # 需补充 needs a comment
    client.post(url, {"result": "more", "comment": "缺少年度完成情况总结"})
    evidence.refresh_from_db()
    assert (evidence.status, evidence.reviewed_by, evidence.review_comment) == (EvidenceStatus.MORE, cast.bob, "缺少年度完成情况总结")

    selfdiag.do_submit_evidence(spec, plan, WINDOW, files=[pdf("总结.pdf")], acting_user=cast.heidi)
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.SUBMITTED and evidence.text == "规划初稿" and evidence.files.count() == 1
    selfdiag.do_review_evidence(evidence, "passed", acting_user=cast.alice)
    evidence.refresh_from_db()
    assert (evidence.status, evidence.reviewed_by) == (EvidenceStatus.PASSED, cast.alice)

    with pytest.raises(ValidationError, match="已审核达标"):
        selfdiag.do_submit_evidence(spec, plan, WINDOW, text="再改", acting_user=cast.heidi)
    history = list(evidence.events.order_by("at", "pk").values_list("kind", "detail__result", "actor__username"))
    assert history == [("evidence_submitted", None, "heidi"), ("evidence_reviewed", "more", "bob"),
                       ("evidence_resubmitted", None, "heidi"), ("evidence_reviewed", "passed", "alice")]
    page = client.get(reverse("cycles:evidence_detail", args=[evidence.pk])).content.decode()
    assert "审核：需补充" in page and "缺少年度完成情况总结" in page and "总结.pdf" in page


def test_the_quality_office_reviews_a_department_heads_own_report(cast, standards):
    evidence = selfdiag.do_submit_evidence(subject(Level.DEPARTMENT, "D01"), point("DEPT-2023", "3.1.1"), WINDOW,
                                           text="机械工程学院年度自我诊改报告", acting_user=cast.bob)
    with pytest.raises(PermissionDenied):
        selfdiag.do_review_evidence(evidence, "passed", acting_user=cast.bob)
    assert selfdiag.do_review_evidence(evidence, "failed", "未附改进措施", acting_user=cast.alice).status == EvidenceStatus.FAILED


# ------------------------------------------------------------------------------------ overview

def course_evidence(cast, key, code, **review):
    evidence = selfdiag.do_submit_evidence(subject(Level.COURSE, key), point("CB-2023", code), WINDOW, text=f"{key} {code}",
                                           acting_user=cast.ivan if key == "C001" else review.pop("owner"))
    if "result" in review:
        selfdiag.do_review_evidence(evidence, review["result"], review.get("comment", ""), acting_user=cast.alice)
    return evidence


def test_the_overview_counts_submitted_missing_and_reviewed_per_point(client, cast, college, standards):
    li_leader = RoleAssignment.objects.create(user=cast.dave, role=Role.COURSE_LEADER, course=college.course_py).user
    course_evidence(cast, "C001", "1.1.1", result="passed")
    course_evidence(cast, "C001", "2.1.2", result="more", comment="题库不全")
    course_evidence(cast, "C002", "1.1.1", owner=li_leader)
    cb = Standard.objects.get(code="CB-2023")
    client.force_login(cast.alice)

    response = client.get(reverse("cycles:self_diagnosis_overview"), {"standard": cb.pk, "window": WINDOW})

    counts = {c.point.code: (c.owed, c.submitted, c.missing, c.reviewed, c.passed, c.failed, c.more) for c in response.context["counts"]}
    assert counts == {"1.1.1": (2, 2, 0, 1, 1, 0, 0), "2.1.2": (2, 1, 1, 1, 0, 0, 1)}
    page = response.content.decode()
    assert "数控编程" in page and "Python程序设计" in page and "需补充" in page

    response = client.get(reverse("cycles:self_diagnosis_overview"), {"standard": cb.pk, "window": WINDOW, "department": college.mech.pk})
    counts = {c.point.code: (c.owed, c.submitted, c.missing) for c in response.context["counts"]}
    assert counts == {"1.1.1": (1, 1, 0), "2.1.2": (1, 1, 0)}
    assert "Python程序设计" not in response.content.decode()

    # another window: nothing submitted yet
    response = client.get(reverse("cycles:self_diagnosis_overview"), {"standard": cb.pk, "window": "2025-2026-2"})
    assert {c.point.code: (c.owed, c.submitted) for c in response.context["counts"]} == {"1.1.1": (2, 0), "2.1.2": (2, 0)}


def test_the_overview_exports_to_xlsx(client, cast, standards):
    course_evidence(cast, "C001", "1.1.1", result="passed")
    client.force_login(cast.alice)
    cb = Standard.objects.get(code="CB-2023")

    response = client.get(reverse("cycles:self_diagnosis_overview"), {"standard": cb.pk, "window": WINDOW, "format": "xlsx"})

    book = load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in r] for r in book["自诊材料"].iter_rows()]
    assert rows[0] == ["标识", "名称", "所属部门", "1.1.1 课程标准与授课计划", "2.1.2 教学资源建设"]
    assert rows[1:] == [["C001", "数控编程", "机械工程学院", "达标", "未提交"], ["C002", "Python程序设计", "信息工程学院", "未提交", "未提交"]]
    summary = [[c.value for c in r] for r in book["汇总"].iter_rows()]
    assert summary[1][:9] == ["1.1.1 课程标准与授课计划", "课程标准、授课计划文本", 2, 1, 1, 1, 1, 0, 0]


def test_the_overview_is_for_the_school_and_department_scopes(client, cast, standards):
    for user, status in ((cast.alice, 200), (cast.grace, 200), (cast.bob, 200), (cast.heidi, 403), (cast.dave, 403), (cast.erin, 403)):
        client.force_login(user)
        assert client.get(reverse("cycles:self_diagnosis_overview")).status_code == status, user
    # a department head sees the subjects of his department only
    client.force_login(cast.bob)
    cb = Standard.objects.get(code="CB-2023")
    response = client.get(reverse("cycles:self_diagnosis_overview"), {"standard": cb.pk, "window": WINDOW})
    assert [s.key for s, _cells in response.context["rows"]] == ["C001"]


# ------------------------------------------------------------------------------------ query counts

def add_courses(college, n, leader_user=None):
    start = Course.objects.count()
    for i in range(n):
        course = Course.objects.create(code=f"C9{start + i:02d}", name=f"新课程{start + i}", department=college.mech, specialty=college.cnc,
                                       category="core", credits=2, hours=32, leader=college.t_wang)
        if leader_user is not None:
            RoleAssignment.objects.create(user=leader_user, role=Role.COURSE_LEADER, course=course)
    sync_subjects()


def test_the_overview_reads_in_queries_that_do_not_grow_with_subjects(client, cast, college, standards):
    cb = Standard.objects.get(code="CB-2023")
    client.force_login(cast.alice)
    url = reverse("cycles:self_diagnosis_overview")
    params = {"standard": cb.pk, "window": WINDOW}

    def count():
        client.get(url, params)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    few, _response = count()
    add_courses(college, 6)
    for course in Subject.objects.filter(level=Level.COURSE, key__startswith="C9")[:3]:
        PointEvidence.objects.create(subject=course, point=point("CB-2023", "1.1.1"), window=WINDOW, text="x", submitted_at="2026-11-01T10:00Z")
    many, response = count()
    assert response.context["page"].paginator.count == 8
    # session, user, the user's staff and student rows, roles; the window's term; standards with
    # evidence; departments; points; subject count; subject page; cells of the page; counts per point
    assert many == few == 13, "a query per subject crept in: the overview must stay set-based (justify any new query)"


def test_my_self_diagnosis_reads_in_queries_that_do_not_grow_with_subjects(client, cast, college, standards):
    client.force_login(cast.ivan)
    url = reverse("cycles:self_diagnosis")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    selfdiag.do_submit_evidence(subject(Level.COURSE, "C001"), point("CB-2023", "1.1.1"), WINDOW, text="课程标准", acting_user=cast.ivan)
    few, response = count()
    assert response.context["owed"] == 2
    add_courses(college, 5, leader_user=cast.ivan)
    cast.ivan.__dict__.pop("_zhengai_roles", None)  # roles are cached on the account object
    for course in Subject.objects.filter(level=Level.COURSE, key__startswith="C9")[:2]:
        selfdiag.do_submit_evidence(course, point("CB-2023", "2.1.2"), WINDOW, text="资源清单", files=[pdf()], acting_user=cast.ivan)
    many, response = count()
    assert response.context["owed"] == 12 and response.context["done"] == 3
    # session, user, the user's staff and student rows, roles; the current term and its dates;
    # points; owned subjects with a column per rule; those subjects; submissions; their files
    assert many == few == 12, "a query per subject crept in: the page must stay set-based (justify any new query)"


# ------------------------------------------------------------------------------------ demo

def test_the_demo_college_gets_a_share_of_evidence_submitted_and_reviewed(college, settings, tmp_path):
    from zhengai.cycles.demo_evidence import install_demo_evidence

    settings.MEDIA_ROOT = str(tmp_path)
    install_default_standards()
    assert install_demo_evidence(date(2026, 11, 20), seed=1) > 0
    first = list(PointEvidence.objects.order_by("pk").values_list("subject__key", "point__code", "window", "status", "submitted_at"))
    assert {w for _s, _p, w, _st, _at in first} == {"2025-2026-2", WINDOW}
    assert "passed" in {st for _s, _p, _w, st, _at in first}
    assert CycleEvent.objects.filter(evidence__isnull=False).count() >= len(first)
    # the history happened when the submissions say, not when the demo was built
    sample = PointEvidence.objects.exclude(reviewed_at=None).order_by("pk").first()
    assert list(sample.events.order_by("at").values_list("at", flat=True)) == [sample.submitted_at, sample.reviewed_at]
    assert install_demo_evidence(date(2026, 11, 20), seed=1) == 0  # idempotent

    PointEvidence.objects.all().delete()
    install_demo_evidence(date(2026, 11, 20), seed=1)
    again = list(PointEvidence.objects.order_by("pk").values_list("subject__key", "point__code", "window", "status", "submitted_at"))
    assert again == first  # deterministic
