"""Self-diagnosis evidence (自诊材料) belongs to the cycle whose period holds its window: submitted
before the cycle opens it is attached when it opens; the cycle's drafted report brings it into its
point's rating (a three-year cycle gathers each window's); once the report is published the
cycle's evidence is frozen and its evidence package carries exactly the cycle's files."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import StandardNode
from zhengai.cycles import actions, export, reports, selfdiag
from zhengai.cycles.choices import RatingStatus
from zhengai.cycles.drafting import draft_reports
from zhengai.cycles.models import Cycle, CycleEvent, FrozenError, PointEvidence, PointEvidenceFile
from zhengai.datacenter.models import Subject

from .test_reports import standard  # noqa: F401 (the fixture)

TERM = "2026-2027-1"


def pdf(name="教案.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * 50, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_evidence_given_before_its_cycle_opens_is_attached_and_drafted_into_the_rating(college, cast, standard, media):  # noqa: F811
    offering = Subject.objects.get(level="offering", key="2026-2027-1-C001-01")
    plan = StandardNode.objects.get(version=standard, code="1.1.3")
    early = selfdiag.do_submit_evidence(offering, plan, TERM, text="教案十六份", acting_user=cast.dave)
    assert early.cycle_id is None and early.events.get().cycle_id is None

    actions.do_open_cycles("offering", TERM, acting_user=cast.alice)
    cycle = Cycle.objects.get(subject=offering)
    early.refresh_from_db()
    assert early.cycle == cycle and early.events.get().cycle == cycle  # its history is the cycle's too
    again = selfdiag.do_submit_evidence(offering, plan, TERM, files=[pdf()], acting_user=cast.dave)
    assert again.pk == early.pk and CycleEvent.objects.filter(evidence=early, cycle=cycle).count() == 2

    [report] = draft_reports([cycle])
    rating = report.ratings.get(point=plan)
    assert (rating.evidence, rating.drafted, rating.status) == ("教案十六份", False, RatingStatus.UNRATED)


def test_a_three_year_cycle_gathers_the_evidence_of_every_window_inside_it(college, cast, media):
    install_default_standards()
    spec = Subject.objects.get(level="specialty", key="460103")
    point = StandardNode.objects.get(version__standard__code="SP-BRAND-2023", code="1.2.1", kind="point")
    actions.do_open_cycles("specialty", "2024-2025..2026-2027", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject=spec)
    selfdiag.do_submit_evidence(spec, point, "2026", text="年度规划执行情况", acting_user=cast.heidi)
    selfdiag.do_submit_evidence(spec, point, TERM, text="学期建设进展", acting_user=cast.heidi)
    assert set(cycle.evidence.values_list("window", flat=True)) == {"2026", TERM}
    [report] = draft_reports([cycle])
    assert report.ratings.get(point=point).evidence == f"2026：年度规划执行情况\n{TERM}：学期建设进展"


def test_a_published_reports_evidence_is_frozen_and_its_package_carries_the_cycles_files(college, cast, standard, media):  # noqa: F811
    actions.do_open_cycles("offering", TERM, acting_user=cast.alice)
    offering = Subject.objects.get(level="offering", key="2026-2027-1-C001-01")
    neighbour = Subject.objects.exclude(pk=offering.pk).filter(level="offering").first()
    plan = StandardNode.objects.get(version=standard, code="1.1.3")
    evidence = selfdiag.do_submit_evidence(offering, plan, TERM, text="教案", files=[pdf()], acting_user=cast.dave)
    other = PointEvidence.objects.create(subject=neighbour, point=plan, window=TERM, text="别的课", submitted_at=evidence.submitted_at,
                                         cycle=Cycle.objects.get(subject=neighbour))
    PointEvidenceFile.objects.create(evidence=other, file=pdf("别人的.pdf"), name="别人的.pdf")  # another cycle's
    cycle = Cycle.objects.get(subject=offering)
    report = reports.do_draft_report(cycle, acting_user=cast.dave)
    for r in report.ratings.filter(drafted=False):
        reports.do_rate_point(r, status="合格", evidence=r.evidence or "教案", judgement="齐全", acting_user=cast.dave)
    reports.do_submit_report(report, acting_user=cast.dave)
    published = reports.do_review_report(report, "approve", acting_user=cast.ivan)

    with pytest.raises(FrozenError, match="已发布"):
        selfdiag.do_submit_evidence(offering, plan, TERM, text="改一改", acting_user=cast.dave)
    with pytest.raises(FrozenError):
        selfdiag.do_review_evidence(evidence, "passed", acting_user=cast.alice)
    with pytest.raises(FrozenError):
        selfdiag.do_remove_evidence_file(evidence.files.get(), acting_user=cast.dave)
    evidence.refresh_from_db()
    assert (evidence.text, evidence.status, evidence.files.count()) == ("教案", "submitted", 1)
    [item] = [i for g in selfdiag.my_items(cast.dave, selfdiag.parse_window(TERM)) if g.subject == offering for i in g.items]
    assert item.frozen

    names = zipfile.ZipFile(io.BytesIO(export.evidence_package(published))).namelist()
    files = [n for n in names if n.startswith("files/")]
    assert files == [f"files/{evidence.files.get().pk}-教案.pdf"]
