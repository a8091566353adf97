"""Content-Security-Policy with nonces, no inline handlers in any template, and ``check --deploy``
clean with the production settings the README documents."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = re.compile(r"<script\b[^>]*>", re.I)
HANDLER = re.compile(r"""<[a-z][^>]*?\s(on[a-z]+)\s*=\s*["'{]""", re.I | re.S)
# The production environment of README "Security" (CSP and deploy settings), minus the secrets.
PRODUCTION = {
    "DEBUG": "false", "ALLOWED_HOSTS": "zg.example.edu.cn", "ZHENGAI_REQUIRE_SECRET_KEY": "true",
    "USE_X_FORWARDED_PROTO": "true", "SECURE_SSL_REDIRECT": "true", "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true", "SESSION_COOKIE_SECURE": "true",
}


def templates():
    return sorted(p for p in ROOT.rglob("*.html") if "node_modules" not in p.parts and "staticfiles" not in p.parts)


def test_every_script_in_every_template_carries_the_nonce_and_no_element_has_an_inline_handler():
    offenders = []
    for path in templates():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT.parent)
        for tag in SCRIPT.findall(text):
            if "nonce=" not in tag:
                offenders.append(f"{rel}: {tag[:80]} (no nonce=)")
        for m in HANDLER.finditer(text):
            offenders.append(f"{rel}: inline handler {m.group(1)}= (move it to static JS)")
    assert len(templates()) > 50
    assert not offenders, "\n".join(offenders)


def test_the_scan_finds_what_it_forbids():
    assert HANDLER.search('<form method="post" onsubmit="return confirm(1)">')
    assert HANDLER.search("<button type=button onclick='x()'>")
    assert not HANDLER.search('<a href="/x" data-confirm="ok">')


def test_pages_carry_a_policy_whose_nonce_their_scripts_use(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    page = response.content.decode()
    tags = [t for t in SCRIPT.findall(page) if "application/json" not in t]  # data, never run
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags)
    assert client.get(reverse("home"))["Content-Security-Policy"] != policy  # a new nonce per response


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_"))}
    env.update(PRODUCTION, SECRET_KEY="x" * 20 + "-production-key-with-enough-entropy-0123456789abcdef",
               ZHENGAI_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT.parent))
    result = subprocess.run([sys.executable, "-m", "zhengai", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_readme_documents_those_settings():
    readme = (ROOT.parent / "README.md").read_text(encoding="utf-8")
    for name, value in PRODUCTION.items():
        assert f"{name}={value}" in readme, name
