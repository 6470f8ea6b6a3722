"""Department agents are people (issue 11; 附件11 names each department's 代办帮办人员 and the items they serve):
each has an account (the demo, one per person; the department account stays as the fallback), items are
assigned to a person, and a 登记报备 change hands the departing person's open items to the replacement from its
effective date, recorded on each item."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, item, on
from tests.support import open_case


def test_each_registered_person_logs_in_and_acts_on_the_items_of_their_department(api):
    case_id = open_case(api, in_park=False, items=[10, 2])
    assert item(case(api, case_id), 10)["assignee"]["name"] == "白芳"
    r = act(api, case_id, 10, "file", "window_agent")
    r = act(api, case_id, 10, "accept", "baifang")  # 白芳, 区住建局, by her own account
    assert r["item"]["status"] == "accepted"
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    accepted = next(e for e in history if e["type"] == "coordination.ItemStateChanged" and e["data"]["action"] == "accept")
    assert accepted["actor"]["username"] == "baifang"
    act(api, case_id, 2, "file", "window_agent")
    act(api, case_id, 2, "accept", "baifang", expect=403)  # another department's item


def test_a_register_change_hands_the_open_items_over_from_its_effective_date(api, clock):
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[10, 12])
    done = open_case(api, in_park=False, items=[12])
    for action in ("file", "accept", "approve"):
        act(api, done, 12, action, "window_agent" if action == "file" else "dept_zjj")
    change = {"items": [10, 12], "replaced": "白芳", "replacement": {"name": "刘洋", "phone": "13900001111"},
              "effective_on": "2026-09-24", "reason": "白芳调岗"}
    assert api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=change).status_code == 201
    api.runtime.run_scheduled()
    assert item(case(api, case_id), 10)["assignee"]["name"] == "白芳"  # not yet in force

    on(clock, 2026, 9, 24)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()  # once per item and change
    shown = case(api, case_id)
    assert [a["name"] for a in item(shown, 10)["assignees"]] == ["刘洋"]
    assert [a["name"] for a in item(shown, 12)["assignees"]] == ["刘洋"]
    assert item(case(api, done), 12)["assignee"]["name"] == "白芳"  # a concluded item keeps who did it
    api.settle()
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    handed = [e["data"] for e in history if e["type"] == "coordination.ItemHandedOver"]
    assert sorted((h["item_no"], h["handed_from"]["name"], h["handed_to"]["name"], h["effective_on"]) for h in handed) == [
        (10, "白芳", "刘洋", "2026-09-24"), (12, "白芳", "刘洋", "2026-09-24")]
    view = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    assert [i["assignees"] for i in view["items"] if i["item_no"] in (10, 12)] == [["刘洋"], ["刘洋"]]
