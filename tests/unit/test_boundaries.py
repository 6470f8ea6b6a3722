"""Module boundaries the code relies on: reporting reads other services only through shared/, and
consumers decide from plain values (no store, no clock, no loading of reference data)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "coordination", "evaluation")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # function-local imports included
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_reporting_imports_no_other_service():
    for path in (ROOT / "services" / "reporting").glob("*.py"):
        other = {m for m in imported_modules(path) if m.split(".")[:2] in [["services", s] for s in SERVICES]}
        assert not other, f"{path.name} imports {sorted(other)}: take it from shared/ instead"


def test_consumers_are_pure_decisions():
    for service in ("coordination", "evaluation"):
        path = ROOT / "services" / service / "consumers.py"
        modules = imported_modules(path)
        assert not any(m.startswith(("eventsourcing.application", "eventsourcing.persistence")) for m in modules)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        attributes = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert not called & {"load_catalog", "load_calendar", "today"}, service
        assert not attributes & {"repository", "recorder", "clock", "collect_events", "catch_up"}, service
