from datetime import date

import pytest


@pytest.fixture
def year_facts(college):
    """Facts of the academic year 2025-2026 on the tiny college: two research outputs (one in the
    year, one after it), a graduate of 2026 employed, one without a job."""
    from zhengai.datacenter.models import Employment, ResearchOutput

    c = college
    ResearchOutput.objects.create(staff=c.t_wang, code="R1", kind="paper", title="数控论文", level="provincial",
                                  achieved_on=date(2026, 3, 10))
    ResearchOutput.objects.create(staff=c.t_li, code="R2", kind="patent", title="软件专利", level="national",
                                  achieved_on=date(2026, 5, 2))
    ResearchOutput.objects.create(staff=c.t_li, code="R3", kind="paper", title="次年论文", level="city",
                                  achieved_on=date(2026, 9, 10))
    Employment.objects.create(student=c.s_zhang, graduation_year=2026, status="employed", relevant=True,
                              monthly_salary=5200, reported_on=date(2026, 8, 1))
    Employment.objects.create(student=c.s_chen, graduation_year=2026, status="unemployed", reported_on=date(2026, 8, 1))
    return c


@pytest.fixture
def defaults(db):
    from zhengai.statedata.defaults import install_default_templates

    install_default_templates()
    from zhengai.statedata.models import ReportTemplate

    return {t.name: t for t in ReportTemplate.objects.all()}
