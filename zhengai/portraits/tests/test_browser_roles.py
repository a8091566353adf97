"""In a real browser (Debian's Chromium, one browser for the module, pytest-django's live server):
every role signs in, opens its home, a portrait in its scope and the cockpit where it may; the
ECharts charts really drew (a canvas of non-zero size in each), the console stays clean (no error,
no Content-Security-Policy violation), a portrait outside the role's scope is refused with the 403
page in the site's layout, and a screenshot of each role's home is saved under
``test-output/screenshots/`` (gitignored; ZHENGAI_SCREENSHOTS=DIR puts them elsewhere).

The quality office enrols its authenticator at first sign-in, as in ``core.tests.test_browser``.
"""

import base64
import os
import time
from datetime import date
from pathlib import Path

import pytest

from zhengai.core.tests.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("ZHENGAI_SCREENSHOTS") or Path(__file__).resolve().parents[3] / "test-output" / "screenshots")

# role → (account of the cast, its portrait, a portrait outside its scope or None, may open the cockpit)
ROLES = {
    "quality_office": ("alice", "/portraits/school/school/", None, True),
    "leader": ("grace", "/portraits/school/school/", None, True),
    "department_head": ("bob", "/portraits/department/D01/", "/portraits/department/D02/", False),
    "specialty_leader": ("heidi", "/portraits/specialty/460103/", "/portraits/specialty/510203/", False),
    "course_leader": ("ivan", "/portraits/course/C001/", "/portraits/course/C002/", False),
    "teacher": ("dave", "/portraits/teacher/T001/", "/portraits/teacher/T002/", False),
    "counsellor": ("carol", "/portraits/student/2024001/", "/portraits/student/2024101/", False),
    "student": ("erin", "/portraits/student/2024001/", "/portraits/student/2024002/", False),
}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; `make system-deps` installs it")
        pytest.skip(f"{CHROMIUM} is missing; `make system-deps` installs it")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread for the whole module; the ORM calls of
    # the tests' own fixtures are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield launched
            finally:
                launched.close()


class Console:
    """Every console error and warning, page error and CSP violation report of a page."""

    def __init__(self, page):
        self.problems = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.problems.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))

    def take(self):
        found, self.problems = self.problems, []
        return found


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def drawn_college(cast, college):
    """The tiny college with the default standards (a radar on every level's portrait), a trend of
    two stored months on each portrait the roles open, and a month of the student's attendance."""
    from zhengai.chains.defaults import install_default_standards
    from zhengai.datacenter.models import Attendance, Subject
    from zhengai.indicators.models import Measurement
    from zhengai.portraits.portrait import standing

    install_default_standards()
    for session, status in zip(college.sessions_cnc, ["present", "present", "absent", "present"]):
        for student in (college.s_zhang, college.s_chen):
            Attendance.objects.create(session=session, student=student, offering=college.off_cnc, date=session.date, status=status)
    keys = {(url.split("/")[2], url.split("/")[3]) for _u, url, _o, _c in ROLES.values()}
    for level, key in keys:
        subject = Subject.objects.get(level=level, key=key)
        points = standing(subject, date(2026, 11, 20), with_peers=False).points
        assert points, f"no standard point for {level} {key}"
        for month, value in (("2026-09", 80.0), ("2026-10", 70.0)):
            Measurement.objects.create(subject=subject, level=level, indicator_code=points[0].node.indicator_code,
                                       window_code=month, window_end=date(2026, int(month[-2:]), 28), value=value)
    return college


def sign_in(page, base, username):
    page.goto(base + "/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"pw-{username}-Kz8")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/account/two-factor/"):  # the quality office enrols its authenticator
        from django_otp.oath import TOTP

        clock = TOTP(base64.b32decode(page.inner_text("code.secret").replace(" ", "")))
        clock.time = time.time()
        page.fill("input[name=code]", f"{clock.token():06d}")
        page.click("[data-testid=two-factor] button[type=submit]")
        page.wait_for_load_state()
    assert page.url == base + "/", page.url


def assert_charts_drew(page, at_least=1):
    """Every chart container on the page holds an ECharts canvas (or svg) of non-zero size."""
    charts = page.locator(".chart")
    count = charts.count()
    assert count >= at_least, f"{page.url}: {count} charts"
    for n in range(count):
        chart = charts.nth(n)
        drawn = chart.locator("canvas, svg").first
        drawn.wait_for(state="attached")
        box = drawn.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"{page.url}: chart {n} drew {box}"


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_its_home_a_portrait_and_the_cockpit_with_charts_drawn_and_a_clean_console(
        tab, live_server, drawn_college, role):
    username, portrait, outside, cockpit = ROLES[role]
    console = Console(tab)
    base = live_server.url
    sign_in(tab, base, username)
    assert tab.locator("h1").first.inner_text().startswith("欢迎")
    if tab.locator(".chart").count():
        assert_charts_drew(tab)
    tab.wait_for_timeout(600)  # ECharts' entry animation, for the screenshot
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"home-{role}.png"), full_page=True)
    assert console.take() == [], "home"

    response = tab.goto(base + portrait)
    assert response.status == 200
    assert_charts_drew(tab, at_least=2)  # the radar against the standard and a trend
    assert tab.locator("[data-testid=portrait-radar] canvas").count() == 1
    assert console.take() == [], portrait

    response = tab.goto(base + "/portraits/cockpit/")
    if cockpit:
        assert response.status == 200
        assert_charts_drew(tab, at_least=2)
    else:
        assert response.status == 403
        assert tab.locator("[data-testid=error-page][data-status='403']").count() == 1
        assert tab.locator("nav#mainnav").count() == 1  # in the site's layout, menu and all
    assert [p for p in console.take() if "status of 403" not in p] == [], "cockpit"

    if outside:
        response = tab.goto(base + outside)
        assert response.status == 403
        page_text = tab.locator("main").inner_text() if tab.locator("main").count() else tab.content()
        assert "这个画像不在您的范围内" in page_text and "回到首页" in page_text
        assert tab.locator("nav#mainnav").count() == 1
        # The refusal is logged as a failed load (its status), never as a script error or a CSP report.
        assert [p for p in console.take() if "status of 403" not in p] == [], outside


def test_the_students_own_pages_fit_a_phone_and_never_say_fail(browser, live_server, drawn_college, cast):
    """On a 390 px phone the student's home, growth platform, portrait and warning page are no wider
    than the screen (cards instead of wide tables), show no 不合格 and no rank among classmates."""
    from zhengai.datacenter.models import Subject
    from zhengai.monitoring.models import Warning

    me = Subject.objects.get(level="student", key="2024001")
    warning = Warning.objects.create(subject=me, level="student", indicator_code="student.attendance_rate", grade="orange",
                                     opened_window="2026-10", opened_window_end=date(2026, 10, 31), value=60, threshold=75)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    context.set_default_timeout(15_000)
    phone = context.new_page()
    console = Console(phone)
    try:
        sign_in(phone, live_server.url, "erin")
        for name, path in (("home", "/"), ("growth", "/workspaces/growth/"), ("portrait", "/portraits/students/2024001/"),
                           ("warning", f"/monitoring/{warning.pk}/")):
            if path != "/":
                assert phone.goto(live_server.url + path).status == 200
            phone.wait_for_timeout(300)
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{name}: {width} px wide on a 390 px phone"
            text = phone.locator("main").inner_text()
            assert "不合格" not in text and "排名" not in text, name
            phone.screenshot(path=str(SCREENSHOTS / f"phone-student-{name}.png"), full_page=True)
        assert console.take() == []
    finally:
        context.close()
