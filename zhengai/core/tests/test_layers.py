"""The layers hold (pyproject ``[tool.importlinter]``, also run first by ``make test``): an app
imports only the apps below it, and every app of the project has its layer."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return layers


def test_every_app_of_the_project_has_its_layer():
    layered = {name.strip("()") for name in contract()["layers"]}
    apps = {app for app in settings.INSTALLED_APPS if app.startswith("zhengai.")}
    assert apps - layered == set(), "give every app its layer in pyproject [tool.importlinter]"


def test_the_imports_point_down_the_layers():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "1 kept, 0 broken" in done.stdout
