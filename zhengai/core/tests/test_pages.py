"""Health checks over every page: anonymous visitors are sent to sign in, and every page in the
navigation renders for every role of the cast. The pages come from the apps' ``nav.py`` files, so
pages that later apps add are covered without touching this test."""

import pytest
from django.urls import reverse

from zhengai.core.navigation import _collect, items_for

CAST = ["alice", "grace", "bob", "heidi", "ivan", "dave", "carol", "erin", "frank"]
# Pages that are not menu entries but every signed-in user reaches.
EXTRA_PAGES = ["account"]


def all_page_names():
    return sorted({item.url_name for item in _collect() if not item.args} | set(EXTRA_PAGES))


def all_page_urls():
    return sorted({reverse(item.url_name, args=item.args) for item in _collect()} | {reverse(n) for n in EXTRA_PAGES})


def test_it_finds_the_navigation_pages_of_the_apps():
    names = all_page_names()
    assert {"home", "account", "audit", "datacenter:dictionary"} <= set(names)


@pytest.mark.parametrize("url", all_page_urls())
def test_it_sends_anonymous_visitors_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


@pytest.mark.parametrize("who", CAST)
def test_it_renders_every_page_in_a_roles_menu(client, cast, who):
    user = getattr(cast, who)
    client.force_login(user)
    items = items_for(user)
    assert items, f"{who} has an empty menu"
    for item in items:
        response = client.get(item["url"])
        assert response.status_code == 200, f"{who}: {item['url_name']} answered {response.status_code}"
    assert client.get(reverse("account")).status_code == 200


@pytest.mark.parametrize("who", CAST)
def test_it_answers_pages_outside_a_roles_menu_without_error(client, cast, who):
    # A page a role does not see in its menu may refuse (403/404) but never fails (500).
    user = getattr(cast, who)
    client.force_login(user)
    shown = {item["url"] for item in items_for(user)}
    # A technical page kept out of a leader's menu (the data dictionary …) may still be readable.
    technical = {reverse(item.url_name, args=item.args) for item in _collect() if item.technical}
    for url in all_page_urls():
        if url in shown or (url in technical and who == "grace"):
            continue
        response = client.get(url)
        assert response.status_code in (403, 404), f"{who}: {url} answered {response.status_code}"


def test_it_hides_staff_pages_from_students_menus(cast):
    names = {item["url_name"] for item in items_for(cast.erin)}
    assert "datacenter:dictionary" not in names and "audit" not in names
    assert "datacenter:dictionary" in {item["url_name"] for item in items_for(cast.dave)}


def test_it_answers_the_health_check_without_signing_in(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}
