"""The lock: this environment is exactly a locked set, the exports agree with uv.lock, uv.lock with pyproject.toml,
and deploy/Dockerfile installs the same lock on the lock's Python."""

from __future__ import annotations

from pathlib import Path
import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
# What each exported file holds: (pyproject extras) — see `make lock`.
EXPORTS = {
    "test.txt": ("test",),
    "test-distributed.txt": ("test", "test-distributed"),
    "distributed.txt": ("distributed",),
}
# The environments the Makefile builds: build.txt, then one of these (`make test`, `make test-distributed`).
ENVIRONMENTS = ("test.txt", "test-distributed.txt")

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def pins(path: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, sha256 hashes) of a requirements file with hashes."""
    found: dict[str, tuple[str, frozenset[str]]] = {}
    name = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := _PIN.match(line):
            name = canonicalize_name(m.group(1))
            found[name] = (m.group(2), frozenset())
        if name and (hashes := _HASH.findall(line)):
            version, known = found[name]
            found[name] = (version, known | set(hashes))
    assert all(hashes for _, hashes in found.values()), f"{path.name}: a pin without a hash"
    return found


def installed() -> dict[str, str]:
    """`pip freeze --all` of this interpreter, without the project itself."""
    out = subprocess.run([sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                         check=True, capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        if m := _PIN.match(line):
            if canonicalize_name(m.group(1)) != "bangnin":
                found[canonicalize_name(m.group(1))] = m.group(2)
    return found


def locked_environment(export: str) -> dict[str, str]:
    files = [REQUIREMENTS / "build.txt", REQUIREMENTS / export]
    return {name: version for f in files for name, (version, _) in pins(f).items()}


def test_this_environment_is_exactly_a_locked_set():
    have = installed()
    diffs = {}
    for export in ENVIRONMENTS:
        want = locked_environment(export)
        if have == want:
            return
        diffs[export] = sorted(
            [f"+ {n}=={v} (not in the lock)" for n, v in have.items() if n not in want]
            + [f"- {n}=={v} (locked, not installed)" for n, v in want.items() if n not in have]
            + [f"~ {n}=={have[n]} (locked: {v})" for n, v in want.items() if n in have and have[n] != v])
    closest = min(diffs, key=lambda k: len(diffs[k]))
    pytest.fail(f"{sys.prefix} is not a locked environment; against build.txt + {closest}:\n  "
                + "\n  ".join(diffs[closest]) + "\n(`make clean test` rebuilds it from the lock)")


def _uv_lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_export_is_uv_lock_with_its_hashes():
    lock = {canonicalize_name(p["name"]): p for p in _uv_lock()["package"]}
    for export in EXPORTS:
        for name, (version, hashes) in pins(REQUIREMENTS / export).items():
            package = lock[name]
            assert package["version"] == version, (export, name)
            files = [package.get("sdist", {})] + package.get("wheels", [])
            assert hashes == {f["hash"].removeprefix("sha256:") for f in files if "hash" in f}, (export, name)


def _requirements(extras: tuple[str, ...]) -> list[Requirement]:
    project = _pyproject()["project"]
    reqs, todo, seen = [Requirement(r) for r in project["dependencies"]], list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for r in map(Requirement, project["optional-dependencies"][extra]):
            if canonicalize_name(r.name) == "bangnin":
                todo.extend(r.extras)
            else:
                reqs.append(r)
    return reqs


@pytest.mark.parametrize("export", list(EXPORTS))
def test_every_export_satisfies_pyproject(export):
    """A dependency added to or changed in pyproject.toml without `make lock` fails here."""
    locked = pins(REQUIREMENTS / export)
    for req in _requirements(EXPORTS[export]):
        name = canonicalize_name(req.name)
        assert name in locked, f"{req} is not in requirements/{export}: run `make lock`"
        assert req.specifier.contains(Version(locked[name][0]), prereleases=True), \
            f"requirements/{export} pins {name}=={locked[name][0]}, pyproject asks {req}: run `make lock`"


def test_uv_lock_is_for_this_project_version_and_python():
    lock, project = _uv_lock(), _pyproject()["project"]
    ours = next(p for p in lock["package"] if p["name"] == "bangnin")
    assert ours["version"] == project["version"], "pyproject's version changed: run `make lock`"
    target = "%d.%d" % sys.version_info[:2]
    assert any(f"python_version == '{target}'" in env for env in _pyproject()["tool"]["uv"]["environments"])
    assert f"LOCK_PYTHON := {target}" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_dockerfile_installs_the_lock_on_the_lock_python():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    base = re.search(r"^FROM python:(\d+)\.(\d+)\.(\d+)-slim\b", dockerfile, re.M)
    assert base, "the base image names an exact Python release (python:X.Y.Z-slim)"
    assert (int(base.group(1)), int(base.group(2))) == sys.version_info[:2], "the image's Python is the lock's"
    instructions = dockerfile.replace("\\\n", " ")  # one line per instruction
    runs = " ".join(re.findall(r"^RUN (.*)$", instructions, re.M))
    assert "pip install --require-hashes -r requirements/build.txt" in runs
    assert "pip install --require-hashes -r requirements/distributed.txt" in runs
    # the project itself: no dependency of its own choosing, no build backend fetched outside the lock
    assert re.search(r"pip install --no-deps --no-build-isolation \.(\s|$)", runs)
    copied = re.findall(r"^COPY (.*)$", dockerfile, re.M)
    assert any("requirements/build.txt" in c and "requirements/distributed.txt" in c for c in copied)
    # distributed.txt is the tested set: what test-distributed.txt pins, with the same hashes
    tested = pins(REQUIREMENTS / "test-distributed.txt")
    for name, pin in pins(REQUIREMENTS / "distributed.txt").items():
        assert tested[name] == pin, name
