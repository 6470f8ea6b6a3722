"""The 受理时限 of a received (收件) item: 《中华人民共和国行政许可法》第三十二条第一款第（四）项 — "申请材料不齐全
或者不符合法定形式的，应当当场或者在五日内一次告知申请人需要补正的全部内容，逾期不告知的，自收到申请材料之日起即为受理".
Five days read as working days (《行政许可法》第八十二条: 期限以工作日计算), a setting (`ACCEPTANCE_WORKDAYS`).

Item 7 (自然资源局) promises 10 working days; 17 Nov 2026 is a Tuesday."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, item, on
from tests.support import open_case

DEPT = "dept_zrzy"


def received_on_17_nov(api, clock) -> str:  # noqa: ANN001
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", DEPT)
    return case_id


def shown(api, case_id: str) -> tuple[dict, dict]:  # noqa: ANN001
    api.settle()
    reported = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    return item(case(api, case_id), 7), item(reported, 7)


def test_a_received_item_must_be_accepted_or_noticed_within_five_working_days(api, clock):
    """The received item shows its 受理时限; once passed, it is flagged in both views."""
    case_id = received_on_17_nov(api, clock)
    coordination, reporting = shown(api, case_id)
    assert coordination["acceptance_due"] == reporting["acceptance_due"] == "2026-11-24"  # 18, 19, 20, 23, 24 Nov
    assert coordination["acceptance_overdue"] is reporting["acceptance_overdue"] is False
    on(clock, 2026, 11, 25)
    coordination, reporting = shown(api, case_id)
    assert coordination["acceptance_overdue"] is reporting["acceptance_overdue"] is True


def test_accepted_after_the_deadline_without_notice_counts_from_receipt(api, clock):
    """逾期不告知的，自收到申请材料之日起即为受理: the clock runs from the receipt day, not the late acceptance."""
    case_id = received_on_17_nov(api, clock)
    on(clock, 2026, 11, 26)
    changed = act(api, case_id, 7, "accept", DEPT)["item"]
    assert changed["accepted_on"] == "2026-11-17" and changed["deemed_accepted"] is True
    assert changed["due_date"] == "2026-12-01"  # 10 working days from 17 Nov, as if accepted on receipt
    assert changed["acceptance_due"] is None and changed["acceptance_overdue"] is False


def test_accepted_in_time_counts_from_acceptance(api, clock):
    case_id = received_on_17_nov(api, clock)
    on(clock, 2026, 11, 24)
    changed = act(api, case_id, 7, "accept", DEPT)["item"]
    assert changed["accepted_on"] == "2026-11-24" and changed["deemed_accepted"] is False
    assert changed["notice_breaches"] == []


def test_a_second_correction_after_the_one_time_notice_is_a_breach_counted_in_the_scorecard(api, clock):
    """一次告知申请人需要补正的全部内容: a second 补正 request on the same item breaches it (recorded, counted)."""
    case_id = received_on_17_nov(api, clock)
    on(clock, 2026, 11, 18)
    first = act(api, case_id, 7, "request_correction", DEPT, missing_materials=["不动产权籍调查成果"])["item"]
    assert first["notice_breaches"] == []  # the one-time notice, in time
    on(clock, 2026, 11, 20)
    again = act(api, case_id, 7, "correction_done", DEPT)["item"]
    assert again["status"] == "received" and again["acceptance_due"] == "2026-11-27"  # counted from the materials' receipt
    on(clock, 2026, 11, 23)
    second = act(api, case_id, 7, "request_correction", DEPT, missing_materials=["宗地图"])["item"]
    assert second["notice_breaches"] == [{"kind": "repeat", "on_date": "2026-11-23"}]
    api.settle()
    rows = api.get("/reporting/assessment", "supervisor", params={"period": "2026-11"}).json()["departments"]
    assert {r["department"]: r["notice_breaches"] for r in rows}["zrzy"] == 1
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    assert [e["data"]["notice_breach"] for e in history if e["type"] == "coordination.ItemStateChanged"
            and e["data"]["action"] == "request_correction"] == [None, "repeat"]


def test_a_notice_given_only_after_the_deadline_is_late(api, clock):
    case_id = received_on_17_nov(api, clock)
    on(clock, 2026, 11, 25)
    late = act(api, case_id, 7, "request_correction", DEPT, missing_materials=["宗地图"])["item"]
    assert late["notice_breaches"] == [{"kind": "late", "on_date": "2026-11-25"}]


def test_a_refusal_before_acceptance_is_on_time_only_within_the_acceptance_deadline(api, clock):
    """An item with no clock is no longer on time by default: refused before acceptance, its basis is the
    受理时限 (README, "How a case runs": the on-time basis of every path)."""
    in_time = received_on_17_nov(api, clock)
    late = received_on_17_nov(api, clock)
    on(clock, 2026, 11, 24)
    act(api, in_time, 7, "refuse", DEPT, note="不符合国土空间规划")
    on(clock, 2026, 11, 25)
    act(api, late, 7, "refuse", DEPT, note="不符合国土空间规划")
    assert shown(api, in_time)[1]["on_time"] is True
    assert shown(api, late)[1]["on_time"] is False
