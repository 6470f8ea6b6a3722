"""Materials in the distributed runtime: the blob store in intake's own PostgreSQL schema (a real server at
127.0.0.1:5432), sealed, whole or absent, stored once; and after an upload over HTTP, the bytes in clear in no
table of the deployment's database and no file of its processes' folders."""

from __future__ import annotations

import base64
import os
from pathlib import Path
import threading

import psycopg
import pytest

from deploy.servers import ServerUnavailable, create_database, drop_database
from shared.blobs.postgres import PIECE, PostgresBlobStore
from shared.blobs.sealed import BlobError, BlobKeys
from tests.conftest import server_missing
from tests.e2e import material_files as files
from tests.e2e.test_materials import upload
from tests.support import open_case


@pytest.fixture
def store(tmp_path: Path):
    name = f"bangnin_blobs_{os.getpid()}"
    try:
        dsn = create_database(name)
    except ServerUnavailable as exc:
        server_missing("postgresql", str(exc))
    keys = BlobKeys.from_cipher_key(base64.b64encode(os.urandom(32)).decode())
    store = PostgresBlobStore(keys, dsn, schema="intake", staging=tmp_path / "staging")
    yield store, dsn
    store.close()
    drop_database(name)


def put(store: PostgresBlobStore, data: bytes, pieces: int = 7) -> tuple[str, bool]:
    staged = store.stage()
    step = -(-len(data) // pieces) or 1
    for i in range(0, len(data), step):
        staged.write(data[i:i + step])
    staged.finish()
    return staged.address, store.put(staged)


def test_round_trip_dedupe_and_the_bytes_never_in_clear(store):
    store, dsn = store
    data = os.urandom(PIECE * 2 + 12345) + b"BANGNIN-CLEAR-MARKER" * 100
    address, new = put(store, data)
    assert new and store.exists(address)
    assert b"".join(store.plaintext(address)) == data
    assert put(store, data, pieces=3) == (address, False)  # the same bytes, however they arrived: stored once
    with psycopg.connect(dsn) as db:
        assert db.execute("SELECT count(*) FROM intake.material_blobs").fetchone()[0] == 1
        rows = db.execute("SELECT n, data FROM intake.material_blob_pieces ORDER BY n").fetchall()
    assert [n for n, _ in rows] == [0, 1, 2]
    sealed = b"".join(bytes(d) for _, d in rows)
    assert b"BANGNIN-CLEAR-MARKER" not in sealed and data[:64] not in sealed
    assert not list((store.staging).glob("*.partial"))  # the staged copy is gone once stored


def test_concurrent_uploads_of_the_same_bytes_keep_one_blob(store):
    store, dsn = store
    data = files.pdf_of_size(300_000)
    results = []
    threads = [threading.Thread(target=lambda: results.append(put(store, data))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(new for _, new in results) == [False, False, False, True]
    assert len({a for a, _ in results}) == 1 and b"".join(store.plaintext(results[0][0])) == data


def test_an_altered_or_cut_blob_does_not_open(store):
    store, dsn = store
    data = os.urandom(PIECE + 10)
    address, _ = put(store, data)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("UPDATE intake.material_blob_pieces SET data = set_byte(data, 100, (get_byte(data, 100) + 1) %% 256) "
                   "WHERE address = %s AND n = 0", (address,))
    with pytest.raises(BlobError):
        b"".join(store.plaintext(address))
    other, _ = put(store, os.urandom(PIECE + 10))
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("DELETE FROM intake.material_blob_pieces WHERE address = %s AND n = 1", (other,))
    with pytest.raises(BlobError):
        b"".join(store.plaintext(other))


def test_an_upload_over_http_lands_sealed_in_intakes_schema(api):
    case_id = open_case(api, items=[2, 7])
    marker = "BANGNIN-PLAINTEXT-IN-POSTGRES"
    data = files.pdf(marker, pad=150_000)
    r = upload(api, case_id, "applicant", data, item_no=2)
    assert r.status_code == 201, r.text
    assert api.get(r.json()["download_url"], "park_agent").content == data
    api.settle()
    windows = [marker.encode(), data[:64], data[-64:]]
    with psycopg.connect(api.deployment.dsn) as db:
        assert db.execute("SELECT count(*) FROM intake.material_blobs").fetchone()[0] == 1
        tables = db.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                            "AND table_schema NOT IN ('pg_catalog', 'information_schema')").fetchall()
        found = []
        for schema, table in tables:
            text = "\n".join(row[0] for row in db.execute(f'SELECT t::text FROM "{schema}"."{table}" t')).encode()
            found += [f"{schema}.{table}" for w in windows if w in text or w.hex().encode() in text]
    assert not found, found
    in_files = [str(p) for p in api.deployment.workdir.rglob("*") if p.is_file()
                for w in windows if w in p.read_bytes()]
    assert not in_files, in_files
