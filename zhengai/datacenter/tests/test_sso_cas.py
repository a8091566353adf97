"""统一身份认证 over CAS 3.0, against a REAL CAS server (django-cas-server in its own process on
127.0.0.1, see ``cas_server``) and the platform on pytest-django's live server: the person is matched
by the configured attribute to their record; a stranger gets a Chinese page and no account; single
sign-out works both ways."""

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
CAS_USERS = {
    # 张三 (erin's record): the student number comes as eduPersonStudentID.
    "zhangsan": {"password": "cas-Kz8-zs", "attributes": {"eduPersonStudentID": "2024001", "cn": "张三"}},
    # 王老师 (dave's record): only uid carries the 工号.
    "wangls": {"password": "cas-Kz8-wl", "attributes": {"uid": "T001", "cn": "王老师"}},
    # The quality office's account, named by its username.
    "zhiguan": {"password": "cas-Kz8-zg", "attributes": {"uid": "alice"}},
    # A person the campus knows and the data center does not.
    "stranger": {"password": "cas-Kz8-st", "attributes": {"eduPersonStudentID": "2099999", "cn": "陌生人"}},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cas_server(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CAS_TEST_DB": str(tmp_path_factory.mktemp("cas") / "cas.sqlite3"),
           "CAS_TEST_USERS": json.dumps(CAS_USERS)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen([sys.executable, "-m", "zhengai.datacenter.tests.cas_server", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/cas/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(url + "login", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the CAS server did not start: " + (process.stdout.read() if process.poll() is not None else ""))
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def cas(settings, cas_server):
    settings.CAS_SERVER_URL = cas_server
    settings.CAS_VERSION = "3"
    settings.ZHENGAI_CAS_ID_ATTRIBUTES = ["eduPersonStudentID", "eduPersonStaffID", "uid", "cardnum", "cn"]
    return cas_server


def platform_csrf(browser) -> str:
    """The platform's CSRF cookie (the identity server on 127.0.0.1 has one of its own)."""
    return next(c.value for c in browser.cookies if c.name == "csrftoken" and "127.0.0.1" not in c.domain)


def cas_sign_in(browser, platform, cas_username, password, next_path="/account/"):
    """What a person's browser does: the platform sends it to CAS, the person signs in there."""
    page = browser.get(f"{platform}/sso/cas/login/?next={next_path}", timeout=90)
    assert page.url.startswith("http://127.0.0.1:") and "/cas/login" in page.url, page.url
    fields = {name: html.unescape(value)
              for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page.text)}
    fields.update(username=cas_username, password=password)
    fields.pop("warn", None)
    return browser.post(page.url, data=fields, timeout=90)


def test_a_student_signs_in_through_cas_and_is_matched_by_student_number(cas, live_server, cast):
    browser = requests.Session()
    page = cas_sign_in(browser, live_server.url, "zhangsan", "cas-Kz8-zs")
    assert page.status_code == 200 and page.url == live_server.url + "/account/", page.url
    assert "2024001" in page.text and "张三" in page.text
    login = AuditEvent.objects.get(kind=AuditKind.LOGIN)
    assert login.user == cast.erin and login.ip == "127.0.0.1"


def test_the_attribute_list_decides_where_the_staff_number_is_found(cas, live_server, cast):
    browser = requests.Session()
    page = cas_sign_in(browser, live_server.url, "wangls", "cas-Kz8-wl")
    assert page.url == live_server.url + "/account/" and "T001" in page.text


def test_a_person_without_a_record_gets_a_chinese_page_and_no_account(cas, live_server, cast, django_user_model):
    before = django_user_model.objects.count()
    page = cas_sign_in(requests.Session(), live_server.url, "stranger", "cas-Kz8-st")
    assert page.status_code == 403
    assert "平台中没有您的账号" in page.text and "eduPersonStudentID=2099999" in page.text
    assert "不会自动创建空账号" in page.text
    assert django_user_model.objects.count() == before
    failed = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert failed.username == "2099999" and failed.detail["reason"] == "no_record" and failed.detail["protocol"] == "cas"


def test_the_quality_office_still_gives_its_second_factor_after_cas(cas, live_server, cast):
    # uid names no person but an account by its username: alice, who owes a second factor.
    browser = requests.Session()
    page = cas_sign_in(browser, live_server.url, "zhiguan", "cas-Kz8-zg", next_path="/audit/")
    assert page.url == live_server.url + "/account/two-factor/" and "<svg" in page.text
    assert browser.get(live_server.url + "/audit/", allow_redirects=False).headers["Location"] == "/account/two-factor/"


def test_single_sign_out_from_cas_ends_the_platform_session(cas, live_server, cast):
    browser = requests.Session()
    assert cas_sign_in(browser, live_server.url, "zhangsan", "cas-Kz8-zs").url == live_server.url + "/account/"
    # Signing out at the CAS server: it POSTs a logoutRequest to the platform, which ends the session.
    browser.get(cas + "logout", timeout=90)
    deadline = time.monotonic() + 10
    while True:
        page = browser.get(live_server.url + "/account/", allow_redirects=False, timeout=90)
        if page.status_code == 302 or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_signing_out_of_the_platform_signs_out_of_cas_too(cas, live_server, cast):
    browser = requests.Session()
    page = cas_sign_in(browser, live_server.url, "zhangsan", "cas-Kz8-zs")
    response = browser.post(live_server.url + "/accounts/logout/", data={"csrfmiddlewaretoken": platform_csrf(browser)},
                            headers={"Referer": page.url}, allow_redirects=False, timeout=90)
    assert response.status_code == 302 and response.headers["Location"].startswith(cas + "logout"), response.headers
    browser.get(response.headers["Location"], timeout=90)
    # The CAS session is over too: signing in again asks for the password at CAS.
    again = browser.get(f"{live_server.url}/sso/cas/login/?next=/account/", timeout=90)
    assert "/cas/login" in again.url and 'name="password"' in again.text


def test_cas_is_off_unless_configured(client, db, settings):
    settings.CAS_SERVER_URL = ""
    assert client.get("/sso/cas/login/").status_code == 404
    assert "统一身份认证" not in client.get("/accounts/login/").content.decode()
