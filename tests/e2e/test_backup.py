"""``bangnin backup`` while the server serves, ``bangnin restore`` into a new folder: the same cases, the same histories."""

from __future__ import annotations

import stat
import tarfile
import threading

from services.cli import main
from shared.settings import Settings
from tests.support import open_case, start_app


def snapshot(api, cases: list[str]) -> dict:  # noqa: ANN001
    return {case_id: (api.get(f"/reporting/cases/{case_id}", "supervisor").json(),
                      api.get(f"/reporting/cases/{case_id}/history", "supervisor").json(),
                      api.get(f"/coordination/cases/{case_id}", "supervisor").json())
            for case_id in cases}


def test_backup_while_serving_and_restore_serve_the_same_cases(api_factory, data_dir, tmp_path, clock, capsys):
    backup_file = tmp_path / "backups" / "bangnin.tar.gz"
    with api_factory() as api:
        cases = [open_case(api, items=[2, 24]) for _ in range(3)]
        api.settle()
        busy, stop = [], threading.Event()

        def keep_writing() -> None:  # the server keeps taking cases while the copy is taken
            while not stop.is_set() and len(busy) < 20:
                busy.append(open_case(api, items=[2]))

        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            assert main(["backup", "--data-dir", str(data_dir), "--to", str(backup_file)]) == 0
        finally:
            stop.set()
            writer.join()
        out = capsys.readouterr().out
        assert "备份不含密钥" in out and "cipher.key" in out
        api.settle()
        before = snapshot(api, cases)

    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600
    with tarfile.open(backup_file) as tar:
        names = tar.getnames()
    assert "data/intake.sqlite" in names and not any(n.endswith((".key", "-wal")) for n in names)

    without_keys = tmp_path / "without-keys"
    assert main(["restore", str(backup_file), "--data-dir", str(without_keys)]) == 0
    assert "备份不含密钥 cipher.key" in capsys.readouterr().err
    assert not (without_keys / "cipher.key").exists()

    restored = tmp_path / "restored"
    assert main(["restore", str(backup_file), "--data-dir", str(restored), "--keys-from", str(data_dir)]) == 0
    assert main(["verify", "--data-dir", str(restored)]) == 0
    capsys.readouterr()
    with start_app(Settings(data_dir=restored, relay_poll_seconds=0.05), clock) as api:
        api.settle()
        assert snapshot(api, cases) == before
        later = open_case(api, items=[2])  # the restored folder takes new cases
        api.settle()
        assert api.get(f"/reporting/cases/{later}", "supervisor").status_code == 200
    assert main(["verify", "--data-dir", str(restored)]) == 0


def test_restore_refuses_a_folder_in_use_and_a_damaged_file(api_factory, data_dir, tmp_path, capsys):
    with api_factory() as api:
        open_case(api, items=[2])
    backup_file = tmp_path / "b.tar.gz"
    assert main(["backup", "--data-dir", str(data_dir), "--to", str(backup_file)]) == 0
    assert main(["restore", str(backup_file), "--data-dir", str(data_dir)]) == 2
    assert "不为空" in capsys.readouterr().err
    (tmp_path / "junk.tar.gz").write_bytes(b"not a backup")
    assert main(["restore", str(tmp_path / "junk.tar.gz"), "--data-dir", str(tmp_path / "new")]) == 2
    assert "不是 bangnin backup" in capsys.readouterr().err


def test_keys_kept_apart_are_found_where_the_setting_says(tmp_path, monkeypatch, capsys):
    """``BANGNIN_KEYS_DIR``: the keys live apart from the data; backup names them (left out) or, with
    --include-keys, takes them from there, and restore puts them beside the data."""
    import sqlite3

    data_dir, keys_dir = tmp_path / "data", tmp_path / "keys"
    data_dir.mkdir(), keys_dir.mkdir()
    sqlite3.connect(data_dir / "intake.sqlite").close()
    (keys_dir / "cipher.key").write_text("k" * 64)
    monkeypatch.setenv("BANGNIN_KEYS_DIR", str(keys_dir))
    left_out, with_keys = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    assert main(["backup", "--data-dir", str(data_dir), "--to", str(left_out)]) == 0
    assert "备份不含密钥（cipher.key）" in capsys.readouterr().out
    assert main(["backup", "--data-dir", str(data_dir), "--to", str(with_keys), "--include-keys"]) == 0
    with tarfile.open(left_out) as a, tarfile.open(with_keys) as b:
        assert "data/cipher.key" not in a.getnames() and "data/cipher.key" in b.getnames()
    assert main(["restore", str(with_keys), "--data-dir", str(tmp_path / "restored")]) == 0
    assert (tmp_path / "restored" / "cipher.key").read_text() == "k" * 64
