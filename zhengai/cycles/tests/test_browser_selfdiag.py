"""In a real browser: a specialty leader submits self-diagnosis evidence on 我的自诊; htmx swaps the
row in place and the page's counter follows, without a reload."""

import pytest
from playwright.sync_api import expect

from zhengai.chains.defaults import install_default_standards
from zhengai.cycles.models import PointEvidence
from zhengai.core.tests.test_browser import page, sign_in  # noqa: F401 (the page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_htmx_submission_updates_the_row_and_the_counter(page, live_server, cast, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path)
    install_default_standards()
    sign_in(page, live_server.url, "heidi", "pw-heidi-Kz8")
    page.goto(live_server.url + "/cycles/self-diagnosis/?window=2026-2027-1")
    counter = page.locator("#self-diagnosis-count")
    assert "已提交 0 项" in counter.inner_text()
    row = page.locator("tr[id^=ev-]").first
    row.locator("summary").click()
    row.locator("textarea[name=text]").fill("数控技术专业建设规划（2024–2028）")
    row.locator("button[type=submit]").click()

    page.wait_for_selector("tr[id^=ev-] [role=status]")  # the row came back, saved
    # A locator assertion, not wait_for_function: the site's Content-Security-Policy forbids the
    # eval a string predicate needs, and it retries until the counter follows.
    expect(counter).to_contain_text("已提交 1 项")
    assert "待审核" in page.locator("tr[id^=ev-]").first.inner_text()
    assert page.url.endswith("/cycles/self-diagnosis/?window=2026-2027-1")  # no reload, no redirect
    assert PointEvidence.objects.get().submitted_by == cast.heidi
