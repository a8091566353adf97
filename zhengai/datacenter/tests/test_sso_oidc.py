"""统一身份认证 over OpenID Connect, against a REAL provider (django-oauth-toolkit with OIDC, an RS256
key generated here, in its own process on 127.0.0.1; see ``oidc_provider``): authorisation code with
PKCE, a signed ID token, userinfo; the person is matched by the configured claim; a stranger gets the
Chinese page and no account; signing out here signs out at the provider too."""

import html
import json
import os
import re
import subprocess
import sys
import time

import pytest
import requests

from zhengai.core.choices import AuditKind
from zhengai.core.models import AuditEvent

from .test_sso_cas import ROOT, free_port, platform_csrf

pytestmark = pytest.mark.django_db(transaction=True)

OP_USERS = {
    "zhangsan": {"password": "op-Kz8-zs", "claims": {"student_id": "2024001"}},
    "wangls": {"password": "op-Kz8-wl", "claims": {"employee_number": "T001"}},
    "stranger": {"password": "op-Kz8-st", "claims": {"student_id": "2099999"}},
}


def rsa_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture(scope="module")
def provider(tmp_path_factory, live_server):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OIDC_TEST_DB": str(tmp_path_factory.mktemp("op") / "op.sqlite3"),
           "OIDC_TEST_RSA_KEY": rsa_key_pem(), "OIDC_TEST_USERS": json.dumps(OP_USERS),
           "OIDC_TEST_CLIENT_ID": "zhengai", "OIDC_TEST_CLIENT_SECRET": "zhengai-client-secret-Kz8",
           "OIDC_TEST_REDIRECT_URI": live_server.url + "/sso/oidc/callback/",
           "OIDC_TEST_LOGOUT_URI": live_server.url + "/accounts/login/"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen([sys.executable, "-m", "zhengai.datacenter.tests.oidc_provider", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/o/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(base + ".well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the OIDC provider did not start: " + (process.stdout.read() if process.poll() is not None else ""))
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def oidc(settings, provider):
    discovery = requests.get(provider + ".well-known/openid-configuration", timeout=60).json()
    settings.OIDC_RP_CLIENT_ID = "zhengai"
    settings.OIDC_RP_CLIENT_SECRET = "zhengai-client-secret-Kz8"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.ZHENGAI_OIDC_LOGOUT_URL = discovery["end_session_endpoint"]
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.ZHENGAI_OIDC_ID_CLAIMS = ["student_id", "employee_number", "preferred_username"]
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "zhengai.datacenter.sso.OIDCBackend"]
    return provider


def oidc_sign_in(browser, platform, username, password, next_path="/account/"):
    """The browser goes to the provider, signs in on its page, and comes back with a code."""
    page = browser.get(f"{platform}/sso/oidc/login/?next={next_path}", timeout=90)
    assert page.url.startswith("http://127.0.0.1:") and "/accounts/login/" in page.url, page.url
    fields = {name: html.unescape(value)
              for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page.text)}
    fields.update(username=username, password=password)
    return browser.post(page.url, data=fields, headers={"Referer": page.url}, timeout=90)


def test_a_student_signs_in_through_openid_connect_matched_by_a_claim(oidc, live_server, cast):
    browser = requests.Session()
    page = oidc_sign_in(browser, live_server.url, "zhangsan", "op-Kz8-zs")
    assert page.status_code == 200 and page.url == live_server.url + "/account/", (page.url, page.text[:300])
    assert "2024001" in page.text
    login = AuditEvent.objects.get(kind=AuditKind.LOGIN)
    assert login.user == cast.erin and login.ip == "127.0.0.1"


def test_the_claim_list_decides_where_the_staff_number_is_found(oidc, live_server, cast):
    page = oidc_sign_in(requests.Session(), live_server.url, "wangls", "op-Kz8-wl")
    assert page.url == live_server.url + "/account/" and "T001" in page.text


def test_a_person_without_a_record_gets_the_chinese_page_and_no_account(oidc, live_server, cast, django_user_model):
    before = django_user_model.objects.count()
    page = oidc_sign_in(requests.Session(), live_server.url, "stranger", "op-Kz8-st")
    assert page.status_code == 403 and "平台中没有您的账号" in page.text and "student_id=2099999" in page.text
    assert django_user_model.objects.count() == before
    failed = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert failed.detail["protocol"] == "oidc" and failed.detail["reason"] == "no_record"


def test_signing_out_here_signs_out_at_the_provider(oidc, live_server, cast):
    browser = requests.Session()
    page = oidc_sign_in(browser, live_server.url, "zhangsan", "op-Kz8-zs")
    response = browser.post(live_server.url + "/accounts/logout/", data={"csrfmiddlewaretoken": platform_csrf(browser)},
                            headers={"Referer": page.url}, allow_redirects=False, timeout=90)
    assert response.status_code == 302 and response.headers["Location"].startswith(oidc + "logout/")
    assert "id_token_hint=" in response.headers["Location"]
    back = browser.get(response.headers["Location"], timeout=90)
    assert back.url.startswith(live_server.url + "/accounts/login/"), back.url
    # The provider's session is over: signing in again asks for the password there.
    again = browser.get(f"{live_server.url}/sso/oidc/login/?next=/account/", timeout=90)
    assert "/accounts/login/" in again.url and again.url.startswith("http://127.0.0.1:")


def test_openid_connect_is_off_unless_configured(client, db, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get("/sso/oidc/login/").status_code == 404
