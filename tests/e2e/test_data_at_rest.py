"""Personal data at rest (issue 10): after a realistic case, no 身份证号, phone or applicant's name is findable
in any file of the data folder — the event stores, reporting.sqlite and its -wal, relay positions, accounts,
the security log — and every file is private to the service's user.  The views still show the data whole
to those who see it whole, masked to the others."""

from __future__ import annotations

import json
import os
from pathlib import Path
import stat

import pytest

from shared.files import key_once
from shared.sealing import PREFIX, Sealer
from shared.settings import BadKey, Settings
from tests.e2e.evaluation_support import act, rate
from tests.support import VALID_ID_NUMBER, confirm_closure, open_case, start_app

UNIT_PHONE = "15714730770"
CONTACT_PHONE = "13947300000"
NOTE_PHONE = "13612345678"
RATER_PHONE = "13800471234"
SECRETS = (VALID_ID_NUMBER, UNIT_PHONE, CONTACT_PHONE, NOTE_PHONE, RATER_PHONE, "王建国", "李晓明", "钱多多")


def forms(text: str) -> list[bytes]:
    """How a value could sit in a file: UTF-8, JSON-escaped (ensure_ascii), UTF-16 (some drivers)."""
    escaped = json.dumps(text).strip('"')
    return sorted({text.encode(), escaped.encode(), text.encode("utf-16-le")})


def findings(folder: Path) -> list[str]:
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        found += [f"{path.name}: {value}" for value in SECRETS if any(f in raw for f in forms(value))]
    return found


def realistic_run(api) -> str:  # noqa: ANN001
    """A case from application to a 差评 and its rectification, with personal data in every kind of field."""
    case_id = open_case(api, items=[2, 7])
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests", "park_agent", json={
        "items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
        "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": CONTACT_PHONE},
        "agent_phone": "0473-1234567"})
    assert r.status_code == 201, r.text
    for no in (2, 7):
        for action in ("file", "accept", "approve"):
            body = {"action": action} | ({"note": f"已电话联系经办人李晓明 {NOTE_PHONE}"} if action == "accept" else {})
            r = api.post(f"/coordination/cases/{case_id}/items/{no}/actions", "park_agent", json=body)
            assert r.status_code == 200, r.text
    r = api.post(f"/coordination/cases/{case_id}/completion", "park_agent",
                 json={"materials_returned": True, "note": f"材料已交还王建国（{UNIT_PHONE}）"})
    assert r.status_code == 200, r.text
    confirm_closure(api, case_id)
    api.settle()
    r = rate(api, case_id, "dissatisfied", comment=f"请回电 {NOTE_PHONE}")
    assert r.status_code == 201, r.text
    r = rate(api, case_id, "dissatisfied", as_="supervisor", channel="phone",
             rater={"name": "钱多多", "phone": RATER_PHONE}, signed_on="2026-09-21")
    assert r.status_code == 201, r.text
    r = api.client.post(f"/intake/applications/{case_id}/materials", headers=api.headers("applicant"),
                        data={"title": "王建国身份证复印件", "item_no": "2"},
                        files={"file": ("李晓明身份证.pdf", b"%PDF-1.4\n% 150303198506121235\n%%EOF\n", "application/pdf")})
    assert r.status_code == 201, r.text  # a material whose title, file name and bytes name people
    api.settle()
    rects = api.get(f"/evaluation/cases/{case_id}", "supervisor").json()["rectifications"]
    r = act(api, rects[0]["rectification_id"], "record_follow_up_call", reached=True, note=f"回访 {RATER_PHONE} 已接通")
    assert r.status_code == 200, r.text
    api.settle()
    return case_id


def test_no_personal_data_in_any_file_of_the_data_folder(settings: Settings, data_dir: Path, clock) -> None:
    with start_app(settings, clock) as api:
        case_id = realistic_run(api)
        assert (data_dir / "reporting.sqlite-wal").exists()  # the running server's journal is read too
        assert findings(data_dir) == []
        # ... while those who see personal data whole still do, and the others see it masked
        whole = api.get(f"/reporting/cases/{case_id}", "park_agent").json()
        assert whole["unit"]["phone"] == UNIT_PHONE and whole["delegation"]["agent"]["id_number"] == VALID_ID_NUMBER
        assert whole["cross_level_requests"][0]["project_contact"]["name"] == "王建国"
        masked = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
        assert masked["unit"]["phone"] == "157****0770" and masked["unit"]["head"] == "王建国"
        assert not any(PREFIX in json.dumps(body, ensure_ascii=False) for body in (whole, masked))
        history = api.get(f"/reporting/cases/{case_id}/history", "park_agent").json()
        assert history["verified"] is True
        assert any(e["data"].get("note", "") and NOTE_PHONE in e["data"]["note"] for e in history["events"])
        sealed = [r["payload"] for r in api.runtime.services.reporting.store.events_for_case(case_id)
                  if r["type"] == "intake.DelegationSigned"]
        assert sealed[0]["agent"]["id_number"].startswith(PREFIX) and sealed[0]["agent"]["sex"] == "male"
    assert findings(data_dir) == []  # and after the checkpoint at shutdown


def test_every_data_file_is_private_to_the_service_user(settings: Settings, data_dir: Path, clock) -> None:
    with start_app(settings, clock) as api:
        realistic_run(api)
        paths = [data_dir, *data_dir.rglob("*")]
        wal = [p.name for p in paths if p.name.endswith(("-wal", "-shm"))]
        assert "reporting.sqlite-wal" in wal and "intake.sqlite-wal" in wal
        modes = {str(p.relative_to(data_dir.parent)): (stat.S_IMODE(p.stat().st_mode), p.is_dir()) for p in paths}
    # folders (the data folder, materials/ and its subfolders) 0700, files 0600
    assert {n: oct(m) for n, (m, folder) in modes.items() if m != (0o700 if folder else 0o600)} == {}


def test_files_an_older_version_left_readable_are_made_private(settings: Settings, data_dir: Path, clock) -> None:
    data_dir.mkdir(mode=0o755, parents=True)
    old = data_dir / "reporting.sqlite"
    old.touch(mode=0o644)
    old.chmod(0o644)
    with start_app(settings, clock):
        pass
    assert stat.S_IMODE(old.stat().st_mode) == 0o600 and stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_keys_live_where_the_setting_says_created_once_and_private(tmp_path: Path, clock) -> None:
    keys, data = tmp_path / "keys", tmp_path / "data"
    settings = Settings(data_dir=data, keys_dir=keys, relay_poll_seconds=0.05)
    with start_app(settings, clock) as api:
        open_case(api)
    assert sorted(p.name for p in keys.iterdir()) == ["cipher.key", "secret.key"]
    assert not list(data.glob("*.key"))
    assert {stat.S_IMODE(p.stat().st_mode) for p in keys.iterdir()} == {0o600}
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    first = (keys / "cipher.key").read_text()
    assert key_once(keys / "cipher.key", lambda: "another") == first  # never overwritten
    assert not [p for p in keys.iterdir() if p.name.startswith(".")]  # no partial file left


@pytest.mark.parametrize("field, value, message", [
    ("cipher_key", "c2hvcnQ=", "BANGNIN_CIPHER_KEY：密钥长度为 5 字节，应为 32 字节"),
    ("cipher_key", "not base64!", "BANGNIN_CIPHER_KEY：密钥应为 base64 编码"),
    ("secret_key", "short", "BANGNIN_SECRET_KEY：令牌签名密钥至少 32 个字符"),
])
def test_a_short_key_is_refused_naming_the_setting(tmp_path: Path, field: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(data_dir=tmp_path, **{field: value})


def test_a_truncated_key_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "cipher.key").write_text("c2hvcnQ=")
    with pytest.raises(BadKey, match="cipher.key：密钥长度为 5 字节"):
        Settings(data_dir=tmp_path).resolved_cipher_key


def test_sealing_is_deterministic_and_opens_only_under_its_key() -> None:
    one, other = Sealer(os.urandom(64)), Sealer(os.urandom(64))
    token = one.seal(UNIT_PHONE)
    assert token.startswith(PREFIX) and token == one.seal(UNIT_PHONE) and UNIT_PHONE not in token
    assert one.open(token) == UNIT_PHONE and one.seal(token) == token and one.open("clear") == "clear"
    with pytest.raises(ValueError):
        other.open(token)


def test_tokens_are_those_earlier_versions_wrote():
    """Sealing moved from pycryptodome's AES-SIV to OpenSSL's (``cryptography``): tokens already in stores must
    open and equal values must keep matching, so the two give the same token for the same key and value."""
    import base64

    from Crypto.Cipher import AES

    key = bytes(range(64))
    for value in ("13800000000", "乌海市海南区示范新材料有限公司", "张三 备注：请回电 0473-1234567"):
        ciphertext, tag = AES.new(key, AES.MODE_SIV).encrypt_and_digest(value.encode())
        earlier = PREFIX + base64.urlsafe_b64encode(tag + ciphertext).decode().rstrip("=")
        assert Sealer(key).seal(value) == earlier and Sealer(key).open(earlier) == value
    with pytest.raises(ValueError):
        Sealer(key).open(PREFIX + "AAAA")
