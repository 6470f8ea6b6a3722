"""One version, pyproject.toml's: `bangnin --version`, GET /healthz and the OpenAPI document show it."""

from __future__ import annotations

from pathlib import Path
import subprocess
import sys
import tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_the_command_names_the_version():
    out = subprocess.run([str(Path(sys.executable).with_name("bangnin")), "--version"],
                         check=True, capture_output=True, text=True).stdout
    assert out.strip() == f"bangnin {PYPROJECT_VERSION}"


def test_healthz_and_openapi_show_the_version(api):
    health = api.client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["version"] == PYPROJECT_VERSION
    assert api.client.get("/openapi.json").json()["info"]["version"] == PYPROJECT_VERSION
