"""The tamper-evident record: ``bangnin verify`` over each writing service's hash-chained log, and the history's
``verified`` — on an untouched store, and after an event is altered, removed or inserted, or a tail removed."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from services.cli import main
from tests.support import open_case


def run_cases(api, n: int = 2) -> list[str]:  # noqa: ANN001
    cases = [open_case(api, items=[2, 24]) for _ in range(n)]
    for case_id in cases:
        assert api.post(f"/coordination/cases/{case_id}/items/2/actions", "dept_fgw", json={"action": "file"}).status_code == 200
    api.settle()
    return cases


def verify(data_dir, capsys) -> tuple[int, str]:  # noqa: ANN001
    code = main(["verify", "--data-dir", str(data_dir)])
    out = capsys.readouterr()
    return code, out.out + out.err


def tamper(data_dir, service: str, *statements: str) -> None:  # noqa: ANN001
    db = sqlite3.connect(data_dir / f"{service}.sqlite")
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):  # noqa: ANN001
    """One served and stopped data folder; each test tampers with its own copy."""
    from datetime import datetime

    from shared.clock import CHINA, ManualClock
    from shared.settings import Settings
    from tests.support import start_app

    folder = tmp_path_factory.mktemp("record") / "data"
    with start_app(Settings(data_dir=folder, relay_poll_seconds=0.05), ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))) as api:
        run_cases(api)
    return folder


@pytest.fixture
def served(pristine, data_dir):  # noqa: ANN001
    shutil.copytree(pristine, data_dir)


def test_an_untouched_store_verifies(served, data_dir, capsys):
    code, out = verify(data_dir, capsys)
    assert code == 0, out
    for service in ("intake", "coordination", "evaluation"):
        assert f"{service}：完好" in out
    assert "校验通过" in out


def test_an_event_removed_from_the_middle_breaks_the_chain_there(served, data_dir, capsys):
    tamper(data_dir, "coordination", "DELETE FROM stored_events WHERE rowid = 3")
    code, out = verify(data_dir, capsys)
    assert code == 1
    assert "coordination：哈希链断裂：位置 3：事件已被删除" in out
    assert "intake：完好" in out


def test_an_event_removed_with_its_link_breaks_at_the_next(served, data_dir, capsys):
    tamper(data_dir, "intake", "DELETE FROM stored_events WHERE rowid = 2", "DELETE FROM event_chain WHERE position = 2")
    code, out = verify(data_dir, capsys)
    assert code == 1 and "intake：哈希链断裂：位置 3：事件内容与哈希链不符" in out


def test_an_altered_event_is_named(served, data_dir, capsys):
    tamper(data_dir, "intake", "UPDATE stored_events SET state = substr(state, 1, length(state) - 1) || x'00' WHERE rowid = 2")
    code, out = verify(data_dir, capsys)
    assert code == 1 and "intake：哈希链断裂：位置 2：事件内容与哈希链不符" in out


def test_an_inserted_event_is_named(served, data_dir, capsys):
    tamper(data_dir, "intake", "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                               "SELECT originator_id, originator_version + 100, topic, state FROM stored_events WHERE rowid = 1")
    code, out = verify(data_dir, capsys)
    assert code == 1 and "intake：哈希链断裂：位置 9：事件不在哈希链中（被插入的事件）" in out


def test_a_removed_tail_is_seen_by_the_head_the_relay_recorded(served, data_dir, capsys):
    db = sqlite3.connect(data_dir / "coordination.sqlite")
    last = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    db.close()
    tamper(data_dir, "coordination", f"DELETE FROM stored_events WHERE rowid >= {last - 1}",
           f"DELETE FROM event_chain WHERE position >= {last - 1}")
    code, out = verify(data_dir, capsys)
    assert code == 1
    assert f"coordination：哈希链断裂：位置 {last}：日志尾部被删除" in out


def test_a_tail_replaced_with_recomputed_links_is_seen_too(served, data_dir, capsys):
    """Remove the last event and its link and forge another in its place with a recomputed link: the chain
    is consistent again, but the head the relay recorded for that position no longer matches."""
    db = sqlite3.connect(data_dir / "intake.sqlite")
    last = db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0]
    db.close()
    tamper(data_dir, "intake", f"DELETE FROM stored_events WHERE rowid = {last}", f"DELETE FROM event_chain WHERE position = {last}")
    from shared.record.chain import links
    from eventsourcing.persistence import StoredEvent

    db = sqlite3.connect(data_dir / "intake.sqlite")
    previous = db.execute("SELECT hash FROM event_chain ORDER BY position DESC LIMIT 1").fetchone()[0]
    row = db.execute("SELECT originator_id, originator_version, topic, state FROM stored_events WHERE rowid = 1").fetchone()
    forged = StoredEvent(row[0], row[1] + 50, row[2], row[3])
    with db:
        db.execute("INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?, ?)",
                   (last, forged.originator_id, forged.originator_version, forged.topic, forged.state))
        db.executemany("INSERT INTO event_chain VALUES (?, ?)", links(previous, [(last, forged)]))
    db.close()
    code, out = verify(data_dir, capsys)
    assert code == 1 and f"intake：哈希链断裂：位置 {last}：哈希链与中继记录的链头不符" in out


def test_the_history_says_whether_its_events_verify(api_factory, data_dir):
    with api_factory() as api:
        case_id = run_cases(api, 1)[0]
        history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()
        assert history["verified"] is True and history["breaks"] == []
        shown = [e for e in history["events"] if e["service"] == "coordination"]
        tamper(data_dir, "coordination",
               f"UPDATE stored_events SET state = x'00' || substr(state, 2) WHERE rowid = {shown[0]['position']}")
        history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()
        assert history["verified"] is False
        assert {"service": "coordination", "position": shown[0]["position"], "reason": "事件内容与哈希链不符"} in history["breaks"]
        applicant = api.get(f"/reporting/cases/{case_id}/history", "applicant").json()
        assert applicant["verified"] is False  # whoever reads the history is told


def test_a_store_written_before_the_chain_is_sealed_once_on_opening(api_factory, data_dir, capsys):
    with api_factory() as api:
        run_cases(api, 1)
    tamper(data_dir, "intake", "DROP TABLE event_chain")
    with api_factory() as api:
        run_cases(api, 1)
    code, out = verify(data_dir, capsys)
    assert code == 0, out
