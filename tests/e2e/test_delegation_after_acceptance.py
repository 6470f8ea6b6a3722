"""A 委托书 signed again after acceptance (issue 11; 附件5 授权委托书, "新委托书取代旧委托书"): the open case follows it
— the items it adds open in coordination, pending, assigned as at opening — or it is refused with the reason: a
委托书 cannot take items away from an accepted case (an item not to be done is withdrawn on the case). After a
reassignment the 委托书 in force no longer names the case agent (代办人无转委托权): the case says so until the
applicant signs a new one."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case
from tests.support import application_body, delegation_body, open_case

ITEMS = [2, 7]  # a park case of ``applicant``


def sign(api, case_id: str, items: list[int], **agent):  # noqa: ANN001, ANN201
    return api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body(items, **agent))


def open_with_fewer_delegated(api) -> str:  # noqa: ANN001
    """Applied for 2, 7 and 9, delegated 2 and 7 only, accepted."""
    r = api.post("/intake/applications", "applicant", json=application_body(items=[2, 7, 9]))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    assert sign(api, case_id, ITEMS).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/commitment", "applicant", json={"signed_by": "李晓明"}).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/acceptance", "park_agent").status_code == 200
    api.settle()
    return case_id


def test_a_new_delegation_adding_items_opens_them_on_the_case(api):
    case_id = open_with_fewer_delegated(api)
    assert sorted(i["item_no"] for i in case(api, case_id)["items"]) == ITEMS
    act(api, case_id, 2, "file", "park_agent")
    r = sign(api, case_id, [2, 7, 9])
    assert r.status_code == 201, r.text
    api.settle()
    shown = case(api, case_id)
    nine = next(i for i in shown["items"] if i["item_no"] == 9)
    assert nine["status"] == "pending" and nine["department"]["code"] == "zrzy"
    assert nine["holder"]  # assigned as at opening (附件11, or the department as fallback)
    assert next(i for i in shown["items"] if i["item_no"] == 2)["status"] == "received"  # the rest as it was
    assert shown["delegation_no"] == 2 and shown["delegation_agrees"] is True
    assert act(api, case_id, 9, "file", "park_agent")["item"]["status"] == "received"
    view = api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    assert sorted(i["item_no"] for i in view["items"]) == [2, 7, 9]

    assert sign(api, case_id, [2, 7, 9]).status_code in (200, 201)  # the same 委托书 again: nothing new
    api.settle()
    assert [i["item_no"] for i in case(api, case_id)["items"]].count(9) == 1


def test_a_new_delegation_may_not_take_items_away_from_an_accepted_case(api):
    case_id = open_case(api, items=ITEMS)
    r = sign(api, case_id, [2])
    assert r.status_code == 409, r.text
    assert "事项7" in r.json()["detail"] and "撤回" in r.json()["detail"]
    api.settle()
    assert sorted(i["item_no"] for i in case(api, case_id)["items"]) == ITEMS
    assert case(api, case_id)["delegation_no"] == 1


def test_after_a_reassignment_the_case_says_the_delegation_names_another_agent_until_signed_again(api):
    case_id = open_case(api, items=ITEMS)
    assert case(api, case_id)["delegation_agrees"] is True
    r = api.post(f"/coordination/cases/{case_id}/reassignment", "supervisor",
                 json={"username": "cpit_agent", "reason": "工作调整"})
    assert r.status_code == 200, r.text
    assert case(api, case_id)["delegation_agrees"] is False
    assert sign(api, case_id, ITEMS, name="区贸易促进会帮您办代办员", unit="区贸易促进会").status_code == 201
    api.settle()
    shown = case(api, case_id)
    assert shown["delegation_agrees"] is True and shown["delegation_no"] == 2
    assert shown["delegated_agent"] == "区贸易促进会帮您办代办员"
