"""Complaints and suggestions (投诉建议, seed 三(八) 社会监督: 12345, 意见箱, 电子邮箱; API.md § The supervision loop):
recorded, routed to a department, answered by a due date in working days, flagged overdue once when not, and
counted in the figures and the scorecard.  16 Nov 2026 is a Monday; 5 working days later is Monday 23 Nov."""

from __future__ import annotations

from tests.e2e.coordination_support import on
from tests.support import open_case

PHONE = "13904731234"


def complain(api, as_: str = "window_agent", **body):  # noqa: ANN001, ANN201
    return api.post("/supervision/complaints", as_, json={"channel": "hotline_12345", "content": "窗口办理进度慢", **body})


def listed(api, as_: str, **params) -> list[dict]:  # noqa: ANN001
    r = api.get("/supervision/complaints", as_, params=params)
    assert r.status_code == 200, r.text
    return r.json()["complaints"]


def test_a_12345_complaint_is_routed_answered_and_flagged_overdue_when_not(api, clock):
    on(clock, 2026, 11, 16)
    park_case = open_case(api, in_park=True, items=[2, 7])

    # routed: the department given; else the case's service point (park → 工业园区管委会 gyyq); else the office
    given = complain(api, content="用地预审材料要求前后不一", department="zrzy", contact=f"张先生 {PHONE}")
    assert given.status_code == 201, given.text
    given = given.json()
    assert (given["department"], given["routing"], given["channel_label"]) == ("zrzy", "given", "12345政务服务便民热线")
    assert given["received_on"] == "2026-11-16" and given["due_date"] == "2026-11-23" and given["workdays"] == 5
    assert given["status"] == "open" and given["overdue"] is False and given["reply"] is None
    by_case = complain(api, "supervisor", channel="opinion_box", content="服务点人员态度好", case_id=park_case).json()
    assert (by_case["department"], by_case["routing"], by_case["about_case_id"]) == ("gyyq", "case", park_case)
    office = complain(api, channel="email", content="建议延长窗口午间服务时间").json()
    assert (office["department"], office["routing"]) == ("zwfw", "office")
    online = complain(api, "applicant", channel="portal", content="希望能短信提醒补正", case_id=park_case)
    assert online.status_code == 201 and online.json()["department"] == "gyyq", online.text

    # refused: a channel for the other side, an unknown department, a case that is not theirs
    assert complain(api, "applicant", channel="hotline_12345").status_code == 422
    assert complain(api, channel="portal").status_code == 422
    r = complain(api, department="nope")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "department"
    r = complain(api, "applicant2", channel="portal", case_id=park_case)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "case_id"
    assert complain(api, "dept_zrzy").status_code == 403

    # who sees what: the office everything, a department its own, an applicant what it filed online
    assert {c["complaint_id"] for c in listed(api, "supervisor")} == {
        given["complaint_id"], by_case["complaint_id"], office["complaint_id"], online.json()["complaint_id"]}
    mine = listed(api, "dept_zrzy")
    assert [c["complaint_id"] for c in mine] == [given["complaint_id"]] and mine[0]["contact"] == f"张先生 {PHONE}"
    assert listed(api, "dept_fgw") == []
    assert [c["complaint_id"] for c in listed(api, "applicant")] == [online.json()["complaint_id"]]
    assert listed(api, "applicant2") == []
    shown = next(c for c in listed(api, "supervisor") if c["complaint_id"] == given["complaint_id"])
    assert PHONE not in shown["contact"]  # masked for readers who do not call back
    assert [c["complaint_id"] for c in listed(api, "supervisor", channel="email")] == [office["complaint_id"]]
    assert api.get(f"/supervision/complaints/{given['complaint_id']}", "dept_fgw").status_code == 404
    r = api.get("/supervision/complaints", "supervisor", params={"department": "nope"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "department"

    # answered by the routed department; a retry changes nothing, another reply is a 409; others may not
    path = f"/supervision/complaints/{given['complaint_id']}/reply"
    assert api.post(path, "dept_fgw", json={"reply": "不归我部门"}).status_code == 404
    assert api.post(path, "applicant", json={"reply": "x"}).status_code == 403
    on(clock, 2026, 11, 20)
    r = api.post(path, "dept_zrzy", json={"reply": "已统一材料清单并电话告知"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "replied" and r.json()["reply"]["replied_on"] == "2026-11-20" \
        and r.json()["reply"]["late"] is False
    again = api.post(path, "dept_zrzy", json={"reply": "已统一材料清单并电话告知"})
    assert again.status_code == 200 and again.json()["reply"]["at"] == r.json()["reply"]["at"]
    other = api.post(path, "dept_zrzy", json={"reply": "另一答复"})
    assert other.status_code == 409 and "已于" in other.json()["detail"]
    assert api.post(f"/supervision/complaints/{office['complaint_id']}/reply", "window_agent",
                    json={"reply": "已调整午间安排"}).status_code == 200  # the window answers for 区政务服务局

    # not answered by the due date: flagged overdue once by the scheduled check
    on(clock, 2026, 11, 24)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    overdue = listed(api, "supervisor", overdue="true")
    assert {c["complaint_id"] for c in overdue} == {by_case["complaint_id"], online.json()["complaint_id"]}
    assert all(c["overdue_on"] == "2026-11-24" and c["status_label"] == "答复超期" for c in overdue)
    late = api.post(f"/supervision/complaints/{by_case['complaint_id']}/reply", "park_agent", json={"reply": "已整改"})
    assert late.status_code == 200 and late.json()["reply"]["late"] is True and late.json()["overdue"] is True
    api.settle()
    rows = api.runtime.services.reporting.store.events_of_type("evaluation.ComplaintOverdue")
    assert len(rows) == 2 and all(r["case_id"].startswith("complaint:") for r in rows)
    received = api.runtime.services.reporting.store.events_of_type("evaluation.ComplaintReceived")
    assert all(PHONE not in str(r["payload"]) for r in received)  # contact and content sealed in the read store

    # counted: the scorecard's 投诉建议按期答复率 and the monthly report's rows
    card = api.get("/reporting/assessment", "supervisor", params={"period": "2026-11"}).json()
    rows = {r["department"]: r for r in card["departments"]}
    assert rows["zrzy"]["indicators"]["complaints"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    assert rows["zwfw"]["indicators"]["complaints"]["value"] == 1.0
    assert rows["gyyq"]["indicators"]["complaints"] == {"value": 0.0, "numerator": 0, "denominator": 2}
    assert rows["gyyq"]["complaints"] == 2 and rows["gyyq"]["complaints_overdue"] == 2
    assert "complaints" in rows["zrzy"]["applicable"] and card["formula"]["weights"]["complaints"] == 10
    assert rows["fgw"]["indicators"]["complaints"]["value"] is None and "complaints" not in rows["fgw"]["applicable"]
    report = api.get("/reporting/monthly-reports/2026-11", "supervisor").json()
    assert report["totals"]["complaints_received"] == 4 and report["totals"]["complaints_overdue"] == 2
    zrzy = next(d for d in report["departments"] if d["department"] == "zrzy")
    assert (zrzy["complaints_received"], zrzy["complaints_replied"], zrzy["complaints_overdue"]) == (1, 1, 0)


def test_a_retry_with_the_same_key_records_one_complaint(api, clock):
    on(clock, 2026, 11, 16)
    headers = {"Idempotency-Key": "ticket-20261116-001"}
    body = {"channel": "hotline_12345", "content": "咨询代办进度"}
    first = api.post("/supervision/complaints", "window_agent", json=body, headers=headers)
    again = api.post("/supervision/complaints", "window_agent", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["complaint_id"] == again.json()["complaint_id"]
    other = api.post("/supervision/complaints", "window_agent", json={**body, "content": "另一件"}, headers=headers)
    assert other.status_code == 422 and other.json()["detail"][0]["field"] == "Idempotency-Key"
    assert len(listed(api, "supervisor")) == 1
