"""The record on PostgreSQL: ``bangnin verify --runtime distributed`` over each service's schema, tampering
detected; and the documented backup procedure (pg_dump of the service schemas, pg_restore into a new
database, ``bangnin rebuild``) serving the same cases and histories (deploy/README.md, "Backup and restore")."""

from __future__ import annotations

import shutil
import subprocess

import psycopg
import pytest

from services.cli import main
from tests.conftest import server_missing
from tests.distributed.harness import new_deployment, running
from tests.support import open_case

SCHEMAS = ("intake", "coordination", "evaluation", "auth")


def use(monkeypatch, deployment) -> None:  # noqa: ANN001
    for name, value in deployment.env.items():
        monkeypatch.setenv(name, value)


def events_table(db, schema: str) -> str:  # noqa: ANN001
    (table,) = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                          "AND table_name LIKE %s", (schema, "%\\_events")).fetchone()
    return f'{schema}."{table}"'


def verify(capsys) -> tuple[int, str]:  # noqa: ANN001
    code = main(["verify", "--runtime", "distributed"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_verify_on_postgresql_passes_untouched_and_names_the_break(api, monkeypatch, capsys):
    cases = [open_case(api, items=[2, 24]) for _ in range(2)]
    api.settle()
    use(monkeypatch, api.deployment)
    code, out = verify(capsys)
    assert code == 0, out
    assert "coordination：完好" in out and "校验通过（PostgreSQL）" in out

    history = api.get(f"/reporting/cases/{cases[0]}/history", "supervisor").json()
    assert history["verified"] is True
    with psycopg.connect(api.deployment.dsn, autocommit=True) as db:
        table = events_table(db, "coordination")
        shown = next(e for e in history["events"] if e["service"] == "coordination")
        db.execute(f"UPDATE {table} SET state = '\\x00'::bytea || substring(state from 2) WHERE notification_id = %s",
                   (shown["position"],))
    code, out = verify(capsys)
    assert code == 1 and f"coordination：哈希链断裂：位置 {shown['position']}：事件内容与哈希链不符" in out
    history = api.get(f"/reporting/cases/{cases[0]}/history", "supervisor").json()
    assert history["verified"] is False and history["breaks"][0]["service"] == "coordination"

    with psycopg.connect(api.deployment.dsn, autocommit=True) as db:
        table = events_table(db, "intake")
        last = db.execute(f"SELECT max(notification_id) FROM {table}").fetchone()[0]
        db.execute(f"DELETE FROM {table} WHERE notification_id = %s", (last,))
        db.execute("DELETE FROM intake.event_chain WHERE position = %s", (last,))
    code, out = verify(capsys)
    assert code == 1 and f"intake：哈希链断裂：位置 {last}：日志尾部被删除" in out


def test_dump_restore_and_rebuild_serve_the_same_cases(request, clock, tmp_path, monkeypatch, capsys):
    cluster = request.getfixturevalue("cluster")
    first = new_deployment(cluster, clock)
    second = None
    try:
        with running(first, clock) as api:
            cases = [open_case(api, items=[2, 24]) for _ in range(2)]
            api.settle()
            before = {c: (api.get(f"/reporting/cases/{c}", "supervisor").json(),
                          api.get(f"/reporting/cases/{c}/history", "supervisor").json()) for c in cases}
            dump = tmp_path / "bangnin.dump"  # taken while the services run: pg_dump reads one snapshot
            subprocess.run(["pg_dump", "--format=custom", *[f"--schema={s}" for s in SCHEMAS], f"--file={dump}",
                            first.dsn], check=True)
        keys = {k: first.env[k] for k in ("BANGNIN_SECRET_KEY", "BANGNIN_CIPHER_KEY")}
        second = new_deployment(cluster, clock, **keys)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={second.dsn}", str(dump)], check=True)
        use(monkeypatch, second)
        assert main(["verify", "--runtime", "distributed"]) == 0
        assert main(["rebuild"]) == 0
        assert "读模型已重建" in capsys.readouterr().out
        with running(second, clock) as api:
            api.settle()
            after = {c: (api.get(f"/reporting/cases/{c}", "supervisor").json(),
                         api.get(f"/reporting/cases/{c}/history", "supervisor").json()) for c in cases}
            assert after == before
            assert open_case(api, items=[2])  # and it takes new cases
    finally:
        first.stop(drop=True)
        if second is not None:
            second.stop(drop=True)


@pytest.fixture(autouse=True)
def _postgres_tools():
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            server_missing(tool, "not installed (postgresql-client)")
