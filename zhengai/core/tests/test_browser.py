"""In a real browser (Debian's Chromium driven by Playwright, against pytest-django's live server):
the quality office signs in, the home chart really renders, the language switch turns the page
English, and signing out works; a student cannot open another student's page or the dictionary.

Playwright's browser build is never downloaded: the tests drive /usr/bin/chromium, which
``make system-deps`` installs. Set ZHENGAI_SCREENSHOTS=DIR to keep screenshots of the pages.
"""

import os
import shutil
from pathlib import Path

import pytest

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(tmp_path, monkeypatch):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; `make system-deps` installs it")
        pytest.skip(f"{CHROMIUM} is missing; `make system-deps` installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # (fixtures, assertions on the audit trail) are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, locale="zh-CN",
        )
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()


def screenshot(page, name):
    folder = os.environ.get("ZHENGAI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(1500)  # let ECharts finish its entry animation
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sign_in(page, base, username, password):
    page.goto(base + "/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to sign in
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_it_signs_in_the_quality_office_renders_the_chart_switches_to_english_and_signs_out(page, live_server, cast):
    import base64
    import time

    from django_otp.oath import TOTP

    sign_in(page, live_server.url, "alice", "pw-alice-Kz8")
    # The quality office enrols an authenticator: the QR code is drawn, the key is shown.
    assert page.url == live_server.url + "/account/two-factor/"
    assert page.locator("figure.qr svg").bounding_box()["width"] > 100
    screenshot(page, "two-factor-enrol")
    clock = TOTP(base64.b32decode(page.inner_text("code.secret").replace(" ", "")))
    clock.time = time.time()
    page.fill("input[name=code]", f"{clock.token():06d}")
    page.click("[data-testid=two-factor] button[type=submit]")
    page.wait_for_load_state()
    assert page.url == live_server.url + "/"
    assert page.inner_text("h1") == "欢迎，alice"
    # ECharts drew the chart: charts.js marks the div and ECharts puts a canvas in it.
    page.wait_for_selector("[data-testid=home-chart][data-rendered=true] canvas")
    box = page.locator("[data-testid=home-chart] canvas").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("h2", has_text="各部门在读学生").count() == 1
    screenshot(page, "home-zh")

    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h2", has_text="Enrolled students by department").count() == 1
    assert page.inner_text("h1") == "Welcome, alice"
    assert page.locator("nav#mainnav", has_text="Data dictionary").count() == 1
    page.wait_for_selector("[data-testid=home-chart][data-rendered=true] canvas")
    screenshot(page, "home-en")

    page.click("[data-testid=logout]")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Sign in"
    events = list(AuditEvent.objects.filter(username="alice").order_by("pk").values_list("kind", flat=True))
    assert events == [AuditKind.LOGIN, AuditKind.TWO_FACTOR_ENROLLED, AuditKind.LOGOUT]


def test_it_keeps_a_student_out_of_another_students_page_and_the_dictionary(page, live_server, cast):
    sign_in(page, live_server.url, "erin", "pw-erin-Kz8")
    assert page.locator("nav#mainnav", has_text="数据字典").count() == 0
    own = page.goto(live_server.url + "/portraits/students/2024001/")
    assert own.status == 200 and "张三" in page.inner_text("h1")
    other = page.goto(live_server.url + "/portraits/students/2024002/")
    assert other.status == 403 and "陈四" not in page.content()
    dictionary = page.goto(live_server.url + "/datacenter/dictionary/")
    assert dictionary.status == 403
