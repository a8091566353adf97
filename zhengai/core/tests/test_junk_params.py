"""Junk in the query string never breaks a page: every GET page of the URL configuration, for every
role of the cast, is sent junk in every query parameter its view reads, and answers anything but a
server error (a 400 with a message, or the page with the parameter ignored).

The parameters a view reads are found in the source of its module: ``request.GET.get("x")``,
``request.GET["x"]``, ``"x" in request.GET``, a ``FILTERS`` tuple and the ``zhengai.core.params``
helpers (``int_param(request, "x")``) — so a page added later is covered without touching this test.
Path arguments are the cast's real objects (shared with the POST matrix).
"""

import inspect
import re
import sys

import pytest
from django.test import Client
from django.urls import reverse

from zhengai.core.tests.test_post_matrix import CAST, _external, _placeholder, objects, path_args, url_patterns  # noqa: F401
from zhengai.org import access

JUNK = ["abc", "-1", "99999999999999999999", "\x00", "x" * 3000, "2025-13", "1e309", "０"]
# The quality office's walk sends each of these to each parameter alone (a refused first parameter
# cannot hide a failing second); every role, the quality office's included, also gets each JUNK
# value in all parameters at once. NUL is refused for every page by core.middleware.
EACH = ["abc", "99999999999999999999"]
FULL = ("alice",)
# The other roles' pages are the quality office's pages narrowed by scope: all parameters at once.
OTHERS = ["abc", "99999999999999999999"]
READS = [
    re.compile(r"""GET(?:\.get|\.getlist)\(\s*["'](\w+)["']"""),
    re.compile(r"""GET\[\s*["'](\w+)["']\s*\]"""),
    re.compile(r"""["'](\w+)["']\s+(?:not\s+)?in\s+request\.GET"""),
    re.compile(r"""_param\(\s*request\s*,\s*["'](\w+)["']"""),
]
# Views of Django itself (the admin site, sign-in) and the machine APIs are walked elsewhere.
SKIPPED = ("admin:", "api:", "xapi:", "login", "logout", "password_", "set_language", "healthz")


def params_read_by(callback) -> set[str]:
    module = sys.modules[callback.__module__]
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return {"page"}
    names = {"page"}
    for pattern in READS:
        names |= set(pattern.findall(source))
    names |= {str(f) for f in getattr(module, "FILTERS", ()) or ()}
    return names


def test_it_finds_the_parameters_the_views_read():
    found = {name: params_read_by(p.callback) for name, p in url_patterns()}
    assert {"department", "age", "level", "status"} <= found["monitoring:warnings"]
    assert "parent" in found["chains:goal_new"] and "window" in found["chains:tasks"]


def _get_pages(objs):
    from zhengai.chains.models import StandardVersion

    args = path_args(objs)
    published = StandardVersion.objects.filter(status="published").order_by("pk").first()
    args["chains:version_rule"] = {"pk": published.pk}
    pages = []
    for name, pattern in url_patterns():
        if name.startswith(SKIPPED) or not pattern.callback.__module__.startswith("zhengai."):
            continue
        kwargs = _placeholder(pattern)
        rule = access.rule_of(pattern.callback)
        if rule is not None and isinstance(rule.on, type) and "pk" in kwargs:
            found = rule.on._default_manager.order_by("pk").first()
            if found is not None:
                kwargs["pk"] = found.pk
        kwargs.update(args.get(name, {}))
        pages.append((name, reverse(name, kwargs=kwargs), sorted(params_read_by(pattern.callback))))
    return pages


def test_no_junk_query_parameter_gives_a_server_error_on_any_page_for_any_role(cast, objects):  # noqa: F811
    people = {name: getattr(cast, name) for name in CAST}
    pages = _get_pages(objects)
    failures, sent, reached = [], 0, set()
    for who, user in people.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for name, url, names in pages:
            response = client.get(url)
            sent += 1
            if response.status_code >= 500:
                failures.append(f"{who} GET {url} ({name}) → {response.status_code}")
                continue
            if response.status_code != 200:
                continue  # refused (or not a page): the view did not get as far as its parameters
            reached.add(name)
            if "_auth_user_id" not in client.session:
                client.force_login(user)
            if who in FULL:
                queries = [{p: junk} for p in names for junk in EACH] + [{p: junk for p in names} for junk in JUNK]
            else:
                queries = [{p: junk for p in names} for junk in OTHERS]
            for query in queries:
                response = client.get(url, query)
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{who} GET {url}?{query!r:.80} ({name}) → {response.status_code}")
    print("sent", sent, "reached", len(reached))
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])
    assert len(reached) > 40 and sent > 500, (len(reached), sent)


def test_a_junk_id_is_a_400_that_says_which_parameter_and_what_it_should_be(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("monitoring:warnings"), {"department": "abc"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "查询参数 department 的值“abc”无效：应为1 到 2147483647 之间的整数。" in page


def test_a_junk_window_is_a_400_naming_the_accepted_forms(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("chains:tasks"), {"window": "2025-13"})
    assert response.status_code == 400
    assert "查询参数 window 的值“2025-13”无效" in response.content.decode()
