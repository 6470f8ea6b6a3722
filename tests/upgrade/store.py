"""Open a store written by an earlier release with today's code: read every event, rebuild every view, export.

Used by the old-store test (tests/upgrade/test_old_stores.py) and by the generator that writes a store
(tests/upgrade/generate.py), so that both see the store the same way.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import datetime
import json
from pathlib import Path
import shutil
from typing import Iterator

from fastapi.testclient import TestClient

from shared.clock import ManualClock
from shared.messaging.outbox import read_log
from shared.settings import Settings
from services.app import create_app
from services.reporting.rebuild import rebuild
from services.reporting.service import WRITERS
from services.runtime import Runtime, build_runtime
from tests.support import ApiClient

STORES = Path(__file__).resolve().parent / "stores"
VIEWER = "supervisor"  # sees every case and every figure
ALL = 1_000_000


def store_settings(data_dir: Path, **defaults_then: object) -> Settings:
    """``defaults_then``: settings whose default has changed since the store's release, as they were then."""
    return Settings(data_dir=data_dir, relay_poll_seconds=0.05, **defaults_then)


def copy_store(store: Path, into: Path) -> Path:
    """A working copy of a committed store (the tests never write to the committed files)."""
    data_dir = into / "data"
    shutil.copytree(store / "data", data_dir)
    data_dir.chmod(0o700)
    for path in data_dir.iterdir():  # git keeps no file modes: the keys are private again, as the runtime writes them
        path.chmod(0o600)
    return data_dir


def read_every_event(runtime: Runtime) -> dict[str, dict[str, int]]:
    """Every stored event of every writing service: decrypted, its topic resolved, upcast, checked against its
    published contract (the relay's own conversion), and every aggregate it belongs to reconstructed."""
    counts = {}
    for service in WRITERS:
        app = getattr(runtime.services, service)
        events = read_log(app, service, 0, ALL)
        originators = {n.originator_id for n in app.recorder.select_notifications(start=1, limit=ALL)}
        for originator_id in sorted(originators, key=str):
            app.repository.get(originator_id)
        counts[service] = dict(sorted(Counter(e.type for e in events).items()))
    return counts


def _get(api: ApiClient, path: str, **params) -> dict:
    r = api.get(path, VIEWER, params=params or None)
    return {"status": r.status_code, "body": r.json()}


def export_views(api: ApiClient) -> dict:
    """Everything the services show of the store, as the supervisor sees it, at the clock's time."""
    cases = api.get("/reporting/cases", VIEWER, params={"limit": 1000}).json()
    case_ids = sorted(row["case_id"] for row in cases["items"])
    out: dict = {"reporting/cases": cases, "cases": {}}
    for case_id in case_ids:
        out["cases"][case_id] = {
            "reporting": _get(api, f"/reporting/cases/{case_id}"),
            "history": _get(api, f"/reporting/cases/{case_id}/history"),
            "intake": _get(api, f"/intake/applications/{case_id}"),
            "coordination": _get(api, f"/coordination/cases/{case_id}"),
            "evaluation": _get(api, f"/evaluation/cases/{case_id}"),
        }
    for path in ("/reporting/workloads", "/reporting/satisfaction", "/reporting/assessment",
                 "/reporting/monthly-reports/2026-09", "/reporting/monthly-reports/2026-10",
                 "/evaluation/rectifications", "/evaluation/invitations", "/evaluation/follow-ups/draws",
                 "/coordination/cases"):
        out[path.lstrip("/")] = _get(api, path)
    return out


@contextmanager
def opened(data_dir: Path, now: datetime, **defaults_then: object) -> Iterator[tuple[dict, ApiClient]]:
    """Today's code over ``data_dir``: every event read, the read models dropped and rebuilt, then served."""
    settings, clock = store_settings(data_dir, **defaults_then), ManualClock(now)
    runtime = build_runtime(settings, clock)
    try:
        counts = read_every_event(runtime)
        rebuild(runtime)
    except BaseException:
        runtime.stop()
        raise
    with TestClient(create_app(settings, clock, runtime=runtime)) as client:
        api = ApiClient(client)
        api.settle()
        yield counts, api


def manifest(store: Path) -> dict:
    return json.loads((store / "manifest.json").read_text(encoding="utf-8"))


def expected(store: Path) -> dict:
    return json.loads((store / "expected.json").read_text(encoding="utf-8"))


def committed_stores() -> list[Path]:
    return sorted(p for p in STORES.iterdir() if (p / "manifest.json").exists()) if STORES.exists() else []
