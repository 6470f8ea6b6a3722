"""The release this installation runs: the installed package's metadata, i.e. pyproject.toml's ``version``.

One place for the number: ``bangnin --version``, ``GET /healthz`` and the OpenAPI document read it here.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed_version(distribution: str = "bangnin") -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:  # run from a source tree that was never installed (`make` always installs)
        return "0+unknown"


VERSION = installed_version()
