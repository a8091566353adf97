"""``zhengai serve`` — what ``make demo`` ends with — really serves the site with gunicorn,
static files and the npm assets included (no CDN, no collectstatic needed)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import zhengai

ROOT = Path(zhengai.__file__).parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


@pytest.mark.skipif(not (ROOT / "node_modules" / "echarts").exists(), reason="npm assets not installed (make assets)")
def test_it_serves_pages_static_files_and_npm_assets_with_gunicorn(tmp_path):
    port = free_port()
    env = {**os.environ, "ZHENGAI_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "zhengai", "serve", "--port", str(port), "--workers", "1", "--no-scheduler"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = fetch(base + "/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "zhengai serve did not answer within 30 s"
                time.sleep(0.3)
        assert (status, body) == (200, b'{"status": "ok"}')
        status, body = fetch(base + "/static/vendor/echarts/dist/echarts.min.js")
        assert status == 200 and len(body) > 500_000
        status, body = fetch(base + "/static/vendor/htmx.org/dist/htmx.min.js")
        assert status == 200 and b"htmx" in body
        status, body = fetch(base + "/static/zhengai/charts.js")
        assert status == 200 and b"Z.barChart = function" in body
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
