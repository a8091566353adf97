"""The bench instrument (``QueryTiming``, bench/pages.py): off unless asked, and when on, its
Server-Timing header counts the request's queries and their time inside Django's."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import RequestFactory

from zhengai.core.middleware import QueryTiming

ROOT = Path(__file__).resolve().parents[3]


def test_it_is_not_in_the_default_middleware():
    assert "zhengai.core.middleware.QueryTiming" not in settings.MIDDLEWARE


def test_the_setting_puts_it_first_and_only_the_setting():
    probe = "from django.conf import settings; print(settings.MIDDLEWARE[0])"
    run = lambda value: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {probe}"], cwd=ROOT, capture_output=True, text=True,
        env={"DJANGO_SETTINGS_MODULE": "zhengai.settings", "ZHENGAI_BENCH_QUERY_TIMING": value, "PYTHONPATH": str(ROOT),
             "PATH": "/usr/bin:/bin", "SECRET_KEY": "test-only"}, check=True).stdout.strip()
    assert run("true") == "zhengai.core.middleware.QueryTiming"
    assert run("false") != "zhengai.core.middleware.QueryTiming"


def test_the_header_counts_the_queries_of_the_request(db):
    def view(request):
        for _ in range(3):
            list(get_user_model().objects.all())
        return HttpResponse("ok")

    response = QueryTiming(view)(RequestFactory().get("/"))
    timing = re.fullmatch(r'app;dur=([\d.]+), sql;dur=([\d.]+);desc="(\d+)"', response["Server-Timing"])
    assert timing, response["Server-Timing"]
    app, sql, queries = float(timing.group(1)), float(timing.group(2)), int(timing.group(3))
    assert queries == 3 and 0 < sql <= app
