"""Write the old store of this release: ``python -m tests.upgrade.generate`` (see docs/DEVELOPING.md).

    python -m tests.upgrade.generate                  # tests/upgrade/stores/<version>/: the scenario, then its export
    python -m tests.upgrade.generate --expected-only  # every committed store's expected.json, re-exported by
                                                      # today's code (a deliberate view change: review the diff)

A store is written once, by the release it is named after, and never again: later releases only read it.
Its keys (data/cipher.key, data/secret.key) are TEST KEYS, committed on purpose; nothing else may use them.
"""

from __future__ import annotations

import argparse
from datetime import datetime
import json
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile

from fastapi.testclient import TestClient

from shared.clock import CHINA, ManualClock
from shared.version import VERSION
from services.app import create_app
from tests.support import ApiClient
from tests.upgrade import scenario
from tests.upgrade.store import STORES, committed_stores, copy_store, export_views, manifest, opened, store_settings

STARTS_AT = datetime(2026, 9, 21, 9, 0, tzinfo=CHINA)

README = """\
# Old store written by bangnin {version}

TEST DATA. `data/` is an embedded data folder written by bangnin {version} (commit {commit}) running
tests/upgrade/scenario.py. `data/cipher.key` and `data/secret.key` are TEST KEYS, committed on purpose so
that every later release can open this store in CI; they protect nothing and must never be used anywhere else.

Never regenerate or edit these files: tests/upgrade/test_old_stores.py opens them with every later release.
`expected.json` (the views at {ends_at}) may be re-exported by a later release whose views changed on purpose
(`python -m tests.upgrade.generate --expected-only`), with the diff reviewed.
"""


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


def write_store(store: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        clock = ManualClock(STARTS_AT)
        with TestClient(create_app(store_settings(data_dir), clock)) as client:
            api = ApiClient(client)
            scenario.run(api, clock)
            live = export_views(api)
        store.mkdir(parents=True)
        shutil.copytree(data_dir, store / "data", ignore=shutil.ignore_patterns("*-wal", "*-shm", "reports"))
    ends_at = scenario.ENDS_AT.isoformat()
    with tempfile.TemporaryDirectory() as tmp, opened(copy_store(store, Path(tmp)), scenario.ENDS_AT) as (counts, api):
        rebuilt = export_views(api)
    if rebuilt != live:
        raise SystemExit("the views rebuilt from the store differ from the live views: fix that first")
    _dump(store / "expected.json", rebuilt)
    _dump(store / "manifest.json", {"written_by": VERSION, "commit": _commit(), "ends_at": ends_at, "events": counts})
    (store / "README.md").write_text(README.format(version=VERSION, commit=_commit(), ends_at=ends_at), encoding="utf-8")


def reexport(store: Path) -> None:
    meta = manifest(store)
    with tempfile.TemporaryDirectory() as tmp, \
            opened(copy_store(store, Path(tmp)), datetime.fromisoformat(meta["ends_at"])) as (_, api):
        _dump(store / "expected.json", export_views(api))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.upgrade.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--expected-only", action="store_true", help="re-export expected.json of every committed store")
    args = parser.parse_args(argv)
    if args.expected_only:
        for store in committed_stores():
            reexport(store)
            print(f"re-exported {store / 'expected.json'}")
        return 0
    store = STORES / VERSION
    if store.exists():
        print(f"{store} exists: a store is written once, by its own release", file=sys.stderr)
        return 2
    write_store(store)
    print(f"wrote {store}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
