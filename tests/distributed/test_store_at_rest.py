"""The distributed event stores: one PostgreSQL schema per service, personal data encrypted at rest,
relay positions beside each service's own store (the embedded twin reads the SQLite files)."""

from __future__ import annotations

import psycopg

from tests.support import VALID_ID_NUMBER, delegation_body, open_case


def test_each_service_has_its_schema_and_personal_data_is_encrypted(api):
    case_id = open_case(api)
    assert api.post(f"/intake/applications/{case_id}/delegation", "applicant",
                    json=delegation_body()).status_code in (200, 201, 409)
    api.settle()
    with psycopg.connect(api.deployment.dsn) as db:
        schemas = {r[0] for r in db.execute("SELECT schema_name FROM information_schema.schemata")}
        assert {"intake", "coordination", "evaluation"} <= schemas
        (table,) = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'intake' "
                              "AND table_name LIKE '%\\_events'").fetchone()
        raw = b"".join(bytes(r[0]) for r in db.execute(f'SELECT state FROM intake."{table}"'))
        assert raw and VALID_ID_NUMBER.encode() not in raw and "王建国".encode() not in raw
        relayed = db.execute("SELECT position FROM intake.relay_position WHERE name = 'relay:intake'").fetchone()[0]
        head = db.execute(f'SELECT max(notification_id) FROM intake."{table}"').fetchone()[0]
        assert relayed == head
