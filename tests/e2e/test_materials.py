"""Materials (API.md § Materials): upload, versions, list, download byte for byte, who may do which, the limits
and the types, the history, and the bytes never in clear in the data folder.  Both runtimes (the bytes in files
under the data folder, or in intake's PostgreSQL schema: ``BANGNIN_TEST_RUNTIME=distributed``)."""

from __future__ import annotations

import hashlib
import re
import stat
import subprocess
from urllib.parse import quote

import pytest

from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.e2e import material_files as files
from tests.e2e.test_data_at_rest import forms
from tests.support import open_case

ITEMS = [2, 7]  # 2: 区发改委 (dept_fgw), 7: 区自然资源局 (dept_zrzy); a park case of ``applicant``
TITLE = "项目备案证明"


def upload(api, case_id: str, as_: str, data: bytes, name: str = "备案证明.pdf", title: str | None = TITLE,  # noqa: ANN001
           item_no: int | str | None = None, kind: str | None = None, content_type: str = "application/octet-stream",
           headers: dict | None = None):
    form = {k: str(v) for k, v in {"title": title, "item_no": item_no, "kind": kind}.items() if v is not None}
    return api.client.post(f"/intake/applications/{case_id}/materials", data=form,
                           files={"file": (name, data, content_type)},
                           headers={**(api.headers(as_) if as_ else {}), **(headers or {})})


def listed(api, case_id: str, as_: str) -> dict:  # noqa: ANN001
    r = api.get(f"/intake/applications/{case_id}/materials", as_)
    assert r.status_code == 200, r.text
    return {v["material_id"]: v for g in r.json()["groups"] for m in g["materials"] for v in m["versions"]}


def field_of(r, status: int) -> str:  # noqa: ANN001
    assert r.status_code == status, r.text
    return r.json()["detail"][0]["field"]


@pytest.fixture
def case_id(api) -> str:  # noqa: ANN001
    return open_case(api, items=ITEMS)


def test_upload_a_second_version_list_and_download_byte_for_byte(api, case_id):
    first, second = files.pdf("version one"), files.pdf("version two")
    r = upload(api, case_id, "applicant", first, item_no=2)
    assert r.status_code == 201, r.text
    v1 = r.json()
    assert (v1["version"], v1["size"], v1["content_type"], v1["kind"]) == (1, len(first), "application/pdf", "application")
    assert v1["sha256"] == hashlib.sha256(first).hexdigest() and v1["item_no"] == 2 and v1["supersedes"] is None
    assert v1["uploaded_by"]["username"] == "applicant" and v1["file_name"] == "备案证明.pdf"

    r = upload(api, case_id, "park_agent", second, item_no=2, name="备案证明（盖章）.pdf")
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert (v2["version"], v2["supersedes"]) == (2, v1["material_id"])
    assert v2["on_behalf_of"] == "91150303MA0N123401"  # the window hands in the applicant's paper
    again = upload(api, case_id, "park_agent", second, item_no=2, name="备案证明（盖章）.pdf")
    assert again.status_code == 201 and again.json()["material_id"] == v2["material_id"]  # a retry: no third version
    other = upload(api, case_id, "applicant", files.png(), name="现场照片.png", title="现场照片")
    assert other.status_code == 201 and other.json()["version"] == 1 and other.json()["item_no"] is None

    r = api.get(f"/intake/applications/{case_id}/materials", "applicant")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["max_bytes"] == 20 * 1024 * 1024 and "OFD 版式文件" in body["accepted_types"]
    groups = {g["item_no"]: g for g in body["groups"]}
    assert list(groups) == [None, 2] and groups[2]["item_name"] == "企业投资项目备案"
    (entry,) = groups[2]["materials"]
    assert entry["title"] == TITLE and entry["latest_version"] == 2
    assert [v["material_id"] for v in entry["versions"]] == [v1["material_id"], v2["material_id"]]

    for material, data, name in ((v1, first, "备案证明.pdf"), (v2, second, "备案证明（盖章）.pdf")):
        r = api.get(material["download_url"], "supervisor")
        assert r.status_code == 200, r.text
        assert r.content == data and r.headers["content-type"] == "application/pdf"
        assert r.headers["content-length"] == str(len(data))
        disposition = r.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=\"") and f"filename*=UTF-8''{quote(name)}" in disposition
        assert disposition.encode("latin-1").isascii()  # an ASCII fallback for old clients, the name in filename*
    assert 'filename="material-' in api.get(v1["download_url"], "applicant").headers["content-disposition"]
    text = subprocess.run(["pdftotext", "-", "-"], input=api.get(v2["download_url"], "applicant").content,
                          capture_output=True, check=True).stdout.decode()
    assert "version two" in text  # the PDF as it went in, read back
    assert listed(api, case_id, "applicant")[v1["material_id"]]["downloads"] == 2


@pytest.mark.skipif(DISTRIBUTED, reason="the type told from the bytes is the intake edge's own code in both runtimes")
@pytest.mark.parametrize("build, name, mime", [
    (files.pdf, "申请书.pdf", "application/pdf"),
    (files.ofd, "营业执照.ofd", "application/ofd"),
    (files.jpeg, "法人身份证.jpg", "image/jpeg"),
    (files.png, "选址图.png", "image/png"),
    (files.docx, "项目申请报告.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (files.xlsx, "投资估算表.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_every_accepted_type_is_told_from_its_bytes(api, case_id, build, name, mime):
    data = build()
    r = upload(api, case_id, "applicant", data, name=name, title=name.split(".")[0])
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == mime
    assert api.get(r.json()["download_url"], "applicant").content == data


def test_a_file_that_is_not_what_it_claims_or_not_taken_is_415_naming_file(api, case_id):
    before = listed(api, case_id, "applicant")
    r = upload(api, case_id, "applicant", files.elf(), name="备案证明.pdf")
    assert field_of(r, 415) == "file"
    assert "ELF" in r.json()["detail"][0]["msg"] and "PDF" in r.json()["detail"][0]["msg"]
    for data, name, declared in ((files.png(), "备案证明.pdf", None), (files.plain_zip(), "材料.zip", None),
                                 (files.docx(), "投资估算表.xlsx", None), (b"just some text\n", "说明.txt", None),
                                 (files.pdf(), "备案证明.pdf", "image/png")):
        r = upload(api, case_id, "applicant", data, name=name, content_type=declared or "application/octet-stream")
        assert field_of(r, 415) == "file", name
        assert "可上传：PDF、OFD、JPEG、PNG、DOCX、XLSX" in r.json()["detail"][0]["msg"]
    assert listed(api, case_id, "applicant") == before  # nothing recorded


def test_bad_fields_are_422_naming_each(api, case_id):
    before = listed(api, case_id, "applicant")
    assert field_of(upload(api, case_id, "applicant", files.pdf(), kind="photo"), 422) == "kind"
    for bad in ("abc", "2.0", "0", "-1"):
        assert field_of(upload(api, case_id, "applicant", files.pdf(), item_no=bad), 422) == "item_no", bad
    r = upload(api, case_id, "applicant", files.pdf(), item_no=9)  # an item of the catalog, not of this case
    assert field_of(r, 422) == "item_no" and "不是本案件的事项" in r.json()["detail"][0]["msg"]
    assert field_of(upload(api, case_id, "applicant", files.pdf(), title=None), 422) == "title"
    assert field_of(upload(api, case_id, "applicant", files.pdf(), title="备案\x00证明"), 422) == "title"
    assert field_of(upload(api, case_id, "applicant", files.pdf(), title="证" * 201), 422) == "title"
    r = api.client.post(f"/intake/applications/{case_id}/materials", data={"title": TITLE}, files={"other": ("a", b"x")},
                        headers=api.headers("applicant"))
    assert "file" in [d["field"] for d in r.json()["detail"]] and r.status_code == 422
    r = api.post(f"/intake/applications/{case_id}/materials", "applicant", json={"title": TITLE})
    assert field_of(r, 422) == "file"
    assert listed(api, case_id, "applicant") == before


def test_too_large_is_413_naming_the_limit_and_a_file_at_the_limit_is_taken(api, case_id):
    assert Settings.model_fields["materials_max_bytes"].default == 20 * 1024 * 1024
    api.runtime.settings.materials_max_bytes = 1024 * 1024  # a setting, read when the upload comes
    at_limit = files.pdf_of_size(1024 * 1024)
    r = upload(api, case_id, "applicant", at_limit)
    assert r.status_code == 201, r.text
    assert api.get(r.json()["download_url"], "applicant").content == at_limit
    over = at_limit + b"\n"
    r = upload(api, case_id, "applicant", over, title="超限文件")
    assert field_of(r, 413) == "file" and "不能超过 1 MB" in r.json()["detail"][0]["msg"]
    # a Content-Length far over the limit is refused before the body is read
    r = upload(api, case_id, "applicant", over * 5, title="超限文件")
    assert field_of(r, 413) == "file" and "不能超过 1 MB" in r.json()["detail"][0]["msg"]
    assert [m["title"] for m in listed(api, case_id, "applicant").values()] == [TITLE]


def test_who_may_upload_and_read(api, case_id):
    applicants = upload(api, case_id, "applicant", files.pdf("applicant's"), item_no=2).json()
    shared_one = upload(api, case_id, "applicant", files.pdf("the case's"), title="营业执照").json()
    r = upload(api, case_id, "dept_zrzy", files.pdf("批复"), item_no=7, kind="result", title="用地预审意见")
    assert r.status_code == 201, r.text
    departments = r.json()
    assert departments["uploaded_by"]["department"] == "zrzy" and departments["kind_label"] == "批文证照（审批结果）"

    # departments: their own items only
    assert upload(api, case_id, "dept_zrzy", files.pdf(), item_no=2).status_code == 403
    assert field_of(upload(api, case_id, "dept_zrzy", files.pdf()), 422) == "item_no"
    seen = listed(api, case_id, "dept_fgw")
    assert set(seen) == {applicants["material_id"], shared_one["material_id"]}
    assert api.get(departments["download_url"], "dept_fgw").status_code == 404
    assert api.get(applicants["download_url"], "dept_fgw").status_code == 200
    assert set(listed(api, case_id, "dept_zrzy")) == {shared_one["material_id"], departments["material_id"]}
    # a department without an item on the case, another enterprise: the case does not exist for them
    for outsider in ("dept_zwfw", "applicant2"):
        assert api.get(f"/intake/applications/{case_id}/materials", outsider).status_code == 404
        assert api.get(applicants["download_url"], outsider).status_code == 404
        assert upload(api, case_id, outsider, files.pdf(), item_no=2).status_code == 404
    # the other service point: refused, as intake answers it
    assert api.get(f"/intake/applications/{case_id}/materials", "window_agent").status_code == 403
    assert upload(api, case_id, "window_agent", files.pdf()).status_code == 403
    # supervisors read everything, upload nothing
    assert len(listed(api, case_id, "supervisor")) == 3
    assert api.get(departments["download_url"], "supervisor").status_code == 200
    assert upload(api, case_id, "supervisor", files.pdf()).status_code == 403
    assert upload(api, case_id, None, files.pdf()).status_code == 401
    assert api.client.get(applicants["download_url"]).status_code == 401
    assert api.get(f"/intake/applications/{case_id}/materials/MT000000000000", "applicant").status_code == 404


def test_a_withdrawn_material_is_marked_and_kept(api, case_id):
    data = files.pdf("to be withdrawn")
    material = upload(api, case_id, "applicant", data, item_no=2).json()
    url = f"/intake/applications/{case_id}/materials/{material['material_id']}/withdrawal"
    assert api.post(url, "dept_fgw", json={"reason": "不是我们传的"}).status_code == 403
    r = api.post(url, "applicant", json={"reason": "传错了文件"})
    assert r.status_code == 200, r.text
    assert r.json()["withdrawal"]["reason"] == "传错了文件" and r.json()["withdrawal"]["by"]["username"] == "applicant"
    assert api.post(url, "applicant", json={"reason": "传错了文件"}).json()["withdrawal"] == r.json()["withdrawal"]
    assert listed(api, case_id, "park_agent")[material["material_id"]]["withdrawal"] is not None
    assert api.get(material["download_url"], "park_agent").content == data  # marked, never removed
    again = upload(api, case_id, "applicant", data, item_no=2)  # the same file again after withdrawing: a new version
    assert again.status_code == 201 and again.json()["version"] == 2


def test_the_history_shows_who_added_what_and_who_downloaded_it(api, case_id):
    data = files.pdf("history")
    material = upload(api, case_id, "applicant", data, item_no=2).json()
    assert api.get(material["download_url"], "park_agent").status_code == 200
    api.settle()
    r = api.get(f"/reporting/cases/{case_id}/history", "supervisor")
    assert r.status_code == 200, r.text
    events = {e["type"]: e for e in r.json()["events"] if e["type"].startswith("intake.Material")}
    uploaded, downloaded = events["intake.MaterialUploaded"], events["intake.MaterialDownloaded"]
    assert uploaded["actor"]["username"] == "applicant" and uploaded["service"] == "intake"
    assert uploaded["data"]["title"] == TITLE and uploaded["data"]["file_name"] == "备案证明.pdf"
    assert uploaded["data"]["sha256"] == hashlib.sha256(data).hexdigest() and uploaded["data"]["size"] == len(data)
    assert downloaded["actor"]["username"] == "park_agent" and downloaded["data"]["material_id"] == material["material_id"]
    assert uploaded["occurred_at"] <= downloaded["occurred_at"]
    # a department of another item learns that a material came and was read, not what it is
    r = upload(api, case_id, "dept_zrzy", files.pdf("批复"), item_no=7, kind="result", title="用地预审意见")
    assert r.status_code == 201, r.text
    api.settle()
    shown = {(e["type"], e["data"]["item_no"]): e["data"] for e in api.get(f"/reporting/cases/{case_id}/history",
             "dept_fgw").json()["events"] if e["type"].startswith("intake.Material")}
    assert shown[("intake.MaterialUploaded", 2)]["title"] == TITLE
    assert shown[("intake.MaterialUploaded", 7)]["title"] is None and shown[("intake.MaterialUploaded", 7)]["file_name"] is None
    assert shown[("intake.MaterialUploaded", 7)]["version"] == 1
    assert not any(len(str(v)) > 200 for v in uploaded["data"].values())  # metadata, never the bytes


def test_the_bytes_are_not_in_clear_anywhere_in_the_data_folder(api, case_id, data_dir):
    marker = b"BANGNIN-PLAINTEXT-" + hashlib.sha256(b"marker").hexdigest().encode()
    data = files.pdf(marker.decode(), pad=200_000)
    material = upload(api, case_id, "applicant", data, item_no=2).json()
    twice = upload(api, case_id, "applicant", data, item_no=2, title="钱多多身份证复印件", name="钱多多身份证.pdf").json()
    api.get(material["download_url"], "applicant")
    api.settle()
    windows = [marker, data[:64], data[len(data) // 2:len(data) // 2 + 64], data[-64:]]
    digest = material["sha256"]
    blobs = [p for p in (data_dir / "materials").rglob("*") if p.is_file()]
    assert len(blobs) == 1  # the same bytes under two names are stored once
    assert digest not in str(blobs[0]) and twice["sha256"] == digest  # the address names no hash one could look up
    assert stat.S_IMODE(blobs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(blobs[0].parent.stat().st_mode) == 0o700
    found = [f"{p.relative_to(data_dir)}" for p in data_dir.rglob("*") if p.is_file()
             for w in windows if w in p.read_bytes()]
    assert not found, found
    # the names and titles people give (a person's name in them) are sealed too, in the history as everywhere
    assert not [p.name for p in data_dir.rglob("*") if p.is_file() and any(f in p.read_bytes() for f in forms("钱多多"))]
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    assert any(e["data"].get("file_name") == "钱多多身份证.pdf" for e in history)
    assert not [p for p in (data_dir / "materials").rglob("*.partial")]  # no upload left half-written


def test_a_withdrawn_application_takes_no_more_materials_but_keeps_those_it_has(api):
    from tests.support import application_body

    r = api.post("/intake/applications", "applicant", json=application_body(items=[2]))
    case_id = r.json()["case_id"]
    data = files.pdf("before withdrawal")
    material = upload(api, case_id, "applicant", data, item_no=2)
    assert material.status_code == 201, material.text
    assert api.post(f"/intake/applications/{case_id}/withdrawal", "applicant", json={}).status_code == 200
    r = upload(api, case_id, "applicant", files.pdf("after"), item_no=2)
    assert r.status_code == 409 and "撤回" in r.json()["detail"]
    assert api.get(material.json()["download_url"], "applicant").content == data


@pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here (as in test_web.py)")
def test_the_case_page_lists_the_materials_takes_an_upload_and_links_the_download(api, case_id):
    from tests.e2e.test_web import csrf_of, logged_in

    client = logged_in(api, "applicant")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and 'id="materials"' in page.text and "尚未上传材料" in page.text
    assert 'enctype="multipart/form-data"' in page.text and '<label for="mat-file">文件</label>' in page.text
    token = csrf_of(page.text)
    data = files.pdf_of_size(3 * 1024 * 1024, "from the page")  # past the general body limit (1 MB): it streams
    r = client.post(f"/cases/{case_id}/materials", data={"csrf": token, "title": TITLE, "item_no": "2", "kind": "application"},
                    files={"file": ("备案证明.pdf", data, "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"/cases/{case_id}?after=intake") and r.headers["location"].endswith("#materials")
    page = client.get(r.headers["location"])
    (link,) = set(re.findall(rf'href="(/cases/{case_id}/materials/MT[0-9A-F]+)"', page.text))
    assert "备案证明.pdf" in page.text and "第 1 版" in page.text and "提交材料" in page.text  # the history line too
    got = client.get(link)
    assert got.status_code == 200 and got.content == data
    assert "filename*=UTF-8''" + quote("备案证明.pdf") in got.headers["content-disposition"]
    # the page's own token, first in the form: without it nothing goes to the API
    r = client.post(f"/cases/{case_id}/materials", data={"title": TITLE}, files={"file": ("a.pdf", data, "application/pdf")})
    assert r.status_code == 403 and "安全校验未通过" in r.text
    r = client.post(f"/cases/{case_id}/materials", data={"csrf": token, "title": "执行文件"},
                    files={"file": ("备案证明.pdf", files.elf(), "application/pdf")})
    assert r.status_code == 415 and "ELF" in r.text
    assert len(listed(api, case_id, "applicant")) == 1
    r = client.post(link + "/withdrawal", data={"csrf": token, "reason": "传错了"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert "已撤回：传错了" in page.text and link in page.text  # marked, still listed and downloadable


def test_a_backup_holds_the_materials_and_the_restored_server_serves_them(api, case_id, data_dir, tmp_path, clock):
    from services.cli import main
    from tests.support import start_app

    data = files.pdf("kept in the backup")
    material = upload(api, case_id, "applicant", data, item_no=2).json()
    backup_file = tmp_path / "bangnin.tar.gz"
    assert main(["backup", "--data-dir", str(data_dir), "--to", str(backup_file)]) == 0
    restored = tmp_path / "restored"
    assert main(["restore", str(backup_file), "--data-dir", str(restored), "--keys-from", str(data_dir)]) == 0
    with start_app(Settings(data_dir=restored, relay_poll_seconds=0.05), clock) as again:
        r = again.get(material["download_url"], "applicant")
        assert r.status_code == 200 and r.content == data
