"""In a real browser: a student opens their warning, sees the date the platform runs on, no staff
buttons, and gives their own account, which lands in the warning's history."""

import pytest

from zhengai.core.tests.test_browser import page, screenshot, sign_in  # noqa: F401  (the page fixture)
from zhengai.datacenter.models import Subject
from zhengai.monitoring.models import Warning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_gives_their_account_of_a_warning_and_sees_it_kept(page, live_server, cast):  # noqa: F811
    zhang = Subject.objects.get(level="student", key="2024001")
    warning = Warning.objects.create(subject=zhang, level="student", indicator_code="student.attendance_rate",
                                     opened_window="2026-10", last_window="2026-10", value=62.5, threshold=75)
    sign_in(page, live_server.url, "erin", "pw-erin-Kz8")
    page.goto(f"{live_server.url}/monitoring/{warning.pk}/")
    assert "2026-11-20" in page.get_by_test_id("fixed-date").inner_text()  # the suite runs on ZHENGAI_TODAY
    assert page.get_by_role("button", name="确认预警").count() == 0
    assert page.get_by_role("button", name="关闭预警").count() == 0
    page.get_by_test_id("self-report").locator("textarea").fill("十月我生病住院两周，已补交假条；下周起按时上课。")
    screenshot(page, "warning-self-report-desktop")
    page.get_by_role("button", name="提交说明").click()
    timeline = page.get_by_test_id("timeline")
    timeline.get_by_text("十月我生病住院两周").wait_for()
    assert "本人说明" in timeline.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "warning-self-report-phone")
    assert warning.events.filter(kind="self_reported", actor=cast.erin).count() == 1
