"""The distributed stores: one PostgreSQL schema per service, personal data encrypted at rest in every store
(PostgreSQL, the MongoDB read store, the Kafka topics, the processes' folders and logs), relay positions
beside each service's own store (the embedded twin: tests/e2e/test_data_at_rest.py)."""

from __future__ import annotations

import asyncio

import bson
import psycopg
from pymongo import MongoClient

from tests.e2e.test_data_at_rest import SECRETS, findings, forms, realistic_run
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


def _found(raw: bytes, where: str) -> list[str]:
    return [f"{where}: {value}" for value in SECRETS
            if any(f in raw or f.hex().encode() in raw for f in forms(value))]


def postgres_findings(dsn: str) -> list[str]:
    """Every row of every table of the deployment's database, as PostgreSQL prints it (bytea as hex)."""
    found = []
    with psycopg.connect(dsn) as db:
        tables = db.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                            "AND table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
        assert len(tables) >= 6
        for schema, table in tables:
            rows = db.execute(f'SELECT t::text FROM "{schema}"."{table}" t').fetchall()
            found += _found("\n".join(r[0] for r in rows).encode(), f"{schema}.{table}")
    return found


def mongo_findings(url: str, database: str) -> list[str]:
    found = []
    with MongoClient(url) as client:
        db = client[database]
        names = db.list_collection_names()
        assert "events" in names
        for name in names:
            found += _found(b"".join(bson.encode(d) for d in db[name].find()), f"mongo {name}")
    return found


def kafka_findings(bootstrap: str, prefix: str) -> list[str]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    async def read() -> list[str]:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        try:
            found = []
            for service in ("intake", "coordination", "evaluation"):
                tp = TopicPartition(f"{prefix}.{service}", 0)
                consumer.assign([tp])
                await consumer.seek_to_beginning(tp)
                end = (await consumer.end_offsets([tp]))[tp]
                raw = b""
                while end and (await consumer.position(tp)) < end:
                    for messages in (await consumer.getmany(tp, timeout_ms=2000)).values():
                        raw += b"".join(m.value for m in messages)
                assert raw, service
                found += _found(raw, f"kafka {service}")
            return found
        finally:
            await consumer.stop()

    return asyncio.run(read())


def test_no_personal_data_in_postgres_mongo_kafka_or_the_process_folders(api):
    case_id = realistic_run(api)
    deployment = api.deployment
    assert postgres_findings(deployment.dsn) == []
    assert mongo_findings(deployment.cluster.mongo.url, deployment.name) == []
    assert kafka_findings(deployment.cluster.broker.bootstrap, deployment.name) == []
    assert findings(deployment.workdir) == []  # the processes' data folders and their logs
    # the views still show it whole to the service-point agent, masked to the supervisor
    whole = api.get(f"/reporting/cases/{case_id}", "park_agent").json()
    assert whole["unit"]["phone"] == "15714730770" and whole["delegation"]["agent"]["id_number"] == VALID_ID_NUMBER
    assert api.get(f"/reporting/cases/{case_id}", "supervisor").json()["unit"]["phone"] == "157****0770"
