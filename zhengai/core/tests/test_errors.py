"""The error pages as a user meets them (DEBUG off, as in production): in the site's layout, in the
user's language, saying what happened, with a way back — never Django's bare English "Not Found"."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import include, path, reverse


def _boom(request):
    raise RuntimeError("a bug")


def _refuse(request):
    raise PermissionDenied("驾驶舱供校领导与质管办使用。")


urlpatterns = [
    path("boom/", _boom),
    path("refuse/", _refuse),
    path("", include("zhengai.urls")),
]
handler400 = "zhengai.core.errors.bad_request"
handler403 = "zhengai.core.errors.permission_denied"
handler404 = "zhengai.core.errors.page_not_found"
handler500 = "zhengai.core.errors.server_error"


@pytest.fixture
def alice(client, cast, settings):
    settings.DEBUG = False
    client.force_login(cast.alice)
    return client


def test_it_answers_an_unknown_address_with_a_chinese_404_in_the_layout(alice):
    response = alice.get("/no/such/page/", HTTP_REFERER="http://testserver/monitoring/warnings/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "不在您的权限范围内" in html and "Not Found" not in html
    assert 'id="mainnav"' in html  # the site's layout, menu included
    assert 'data-testid="error-home" href="/"' in html or 'href="/" data-testid="error-home"' in html
    assert 'href="http://testserver/monitoring/warnings/" data-testid="error-back"' in html


def test_it_refuses_another_students_portrait_in_the_layout(client, cast, settings):
    settings.DEBUG = False
    client.force_login(cast.frank)
    response = client.get(reverse("portraits:student", args=["2024001"]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and 'id="mainnav"' in html and "回到首页" in html


def test_it_offers_no_way_back_to_another_site(alice):
    html = alice.get("/no/such/page/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html and 'data-testid="error-back"' not in html


def test_it_answers_in_english_when_switched(alice):
    alice.cookies["django_language"] = "en"
    html = alice.get("/no/such/page/").content.decode()
    assert "Page not found" in html and "Back to the home page" in html and "页面不存在" not in html


@override_settings(ROOT_URLCONF=__name__)
def test_it_shows_the_reason_of_a_refusal_in_a_403(alice):
    response = alice.get("/refuse/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "驾驶舱供校领导与质管办使用。" in html and "403 Forbidden" not in html


def test_it_refuses_a_leader_the_cockpit_of_nobody_with_the_layout(client, cast, settings):
    settings.DEBUG = False
    client.force_login(cast.bob)  # a department head: no school-wide grant
    response = client.get(reverse("portraits:cockpit"))
    assert response.status_code == 403
    assert "驾驶舱供校领导与质管办使用" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_it_answers_a_failure_with_a_500_page_that_needs_nothing_from_the_database(cast, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(cast.alice)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in html and "回到首页" in html and "a bug" not in html
