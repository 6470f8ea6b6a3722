"""告知承诺制 (seed 三(七): "推行容缺受理和告知承诺制"; 国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制
的指导意见, 国办发〔2020〕42号: the department states the conditions, the applicant commits in writing that it
meets them, the department decides on the commitment and verifies it afterwards): an item accepted on the
applicant's commitment, concluded on it, with its verification date tracked."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, item, on
from tests.support import open_case

DEPT = "dept_zrzy"


def accepted_on_commitment(api, clock) -> str:  # noqa: ANN001
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", DEPT)
    done = act(api, case_id, 7, "accept_on_commitment", DEPT, verify_by="2026-12-15", note="申请人书面承诺已取得土地权属证明")
    assert done["item"]["status"] == "accepted" and done["item"]["accepted_on"] == "2026-11-17"
    assert done["item"]["commitment"] == {"verify_by": "2026-12-15", "result": None, "verified_on": None, "note": None,
                                          "overdue": False, "overdue_flags": []}
    return case_id


def test_an_item_accepted_on_commitment_is_concluded_on_it_and_verified_afterwards(api, clock):
    case_id = accepted_on_commitment(api, clock)
    on(clock, 2026, 11, 20)
    act(api, case_id, 7, "approve", DEPT)
    on(clock, 2026, 12, 10)
    r = api.post(f"/coordination/cases/{case_id}/items/7/commitment-verification", DEPT,
                 json={"result": "kept", "note": "现场核查，土地权属证明属实"})
    assert r.status_code == 200, r.text
    assert r.json()["item"]["commitment"]["result"] == "kept" and r.json()["item"]["commitment"]["verified_on"] == "2026-12-10"
    again = api.post(f"/coordination/cases/{case_id}/items/7/commitment-verification", DEPT,
                     json={"result": "kept", "note": "现场核查，土地权属证明属实"})
    assert again.status_code == 200  # a retry
    other = api.post(f"/coordination/cases/{case_id}/items/7/commitment-verification", DEPT, json={"result": "broken"})
    assert other.status_code == 409
    api.settle()
    shown = item(api.get(f"/reporting/cases/{case_id}", "supervisor").json(), 7)["commitment"]
    assert shown == {"verify_by": "2026-12-15", "result": "kept", "verified_on": "2026-12-10", "on_time": True, "overdue_on": None}


def test_a_verification_not_made_by_its_date_is_recorded_once_and_a_broken_one_counted(api, clock):
    case_id = accepted_on_commitment(api, clock)
    on(clock, 2026, 12, 16)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    commitment = item(case(api, case_id), 7)["commitment"]
    assert commitment["overdue"] is True and commitment["overdue_flags"] == ["2026-12-15"]
    r = api.post(f"/coordination/cases/{case_id}/items/7/commitment-verification", DEPT,
                 json={"result": "broken", "note": "未取得土地权属证明，承诺不实"})
    assert r.status_code == 200 and r.json()["item"]["commitment"]["overdue"] is False
    api.settle()
    rows = api.get("/reporting/assessment", "supervisor", params={"period": "2026-12"}).json()["departments"]
    assert {r["department"]: r["commitments_broken"] for r in rows}["zrzy"] == 1
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    verified = [e["data"] for e in history if e["type"] == "coordination.CommitmentVerified"]
    assert [(v["result"], v["on_time"]) for v in verified] == [("broken", False)]


def test_commitment_inputs_are_checked(api, clock):
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", DEPT)
    for body, field in (({}, "verify_by"), ({"verify_by": "2026-11-16"}, "verify_by")):
        r = api.post(f"/coordination/cases/{case_id}/items/7/actions", DEPT, json={"action": "accept_on_commitment", **body})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field, r.text
    r = api.post(f"/coordination/cases/{case_id}/items/7/actions", DEPT, json={"action": "accept", "verify_by": "2026-12-01"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "verify_by"
    act(api, case_id, 7, "accept", DEPT)
    r = api.post(f"/coordination/cases/{case_id}/items/7/commitment-verification", DEPT, json={"result": "kept"})
    assert r.status_code == 409  # not accepted on commitment
