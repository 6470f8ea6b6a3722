"""The 协办单 (附件7 跨层级审批事项服务协办单) exists for items the district cannot give: items of upper-level
departments that the district catalog does not hold (seed 一(二)5: "认真做好跨层级审批事项的代办帮办服务工作").
It names them (`upper_items`), and the district items that wait for their answer (`waiting_items`) cannot be
filed until the answer is recorded."""

from __future__ import annotations

from tests.e2e.coordination_support import act, case, item
from tests.support import open_case

AGENT = "window_agent"
UPPER = [{"name": "建设项目使用林地审核审批", "department": "内蒙古自治区林业和草原局"}]


def request(api, case_id: str, **body):  # noqa: ANN001, ANN201
    base = {"reason": "项目用地涉及林地，须自治区林草局审核", "required_documents": ["使用林地申请表", "林地现状调查表"],
            "requested_unit": "内蒙古自治区政务服务中心", "project_contact": {"name": "王建国", "phone": "15714730770"}}
    return api.post(f"/coordination/cases/{case_id}/cross-level-requests", AGENT, json=base | body)


def test_a_request_for_an_upper_level_item_holds_the_district_items_that_wait_for_it(api):
    case_id = open_case(api, in_park=False, items=[7, 10])
    r = request(api, case_id, upper_items=UPPER, waiting_items=[7])
    assert r.status_code == 201, r.text
    sent = r.json()
    assert sent["items"] == [] and sent["upper_items"] == UPPER and sent["waiting_items"] == [7]
    assert sent["item_names"] == ["建设项目使用林地审核审批（内蒙古自治区林业和草原局）"]  # as the printed 协办单 lists it
    assert item(case(api, case_id), 7)["waiting_for_cross_level"] == [sent["request_id"]]
    r = api.post(f"/coordination/cases/{case_id}/items/7/actions", "dept_zrzy", json={"action": "file"})
    assert r.status_code == 409 and sent["request_id"] in r.text and "协办" in r.text
    act(api, case_id, 10, "file", "dept_zjj")  # an item that does not wait goes on
    assert request(api, case_id, upper_items=UPPER, waiting_items=[7]).json()["request_id"] == sent["request_id"]
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests/{sent['request_id']}/result", AGENT,
                 json={"result": "自治区林草局已出具同意使用林地的审核意见", "assisted_by": {"name": "赵敏", "phone": "13947300000"}})
    assert r.status_code == 200, r.text
    assert item(case(api, case_id), 7)["waiting_for_cross_level"] == []
    act(api, case_id, 7, "file", "dept_zrzy")


def test_a_request_names_something_to_assist_with_and_waits_only_with_unfiled_items(api):
    case_id = open_case(api, in_park=False, items=[7, 10])
    r = request(api, case_id)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "items"
    act(api, case_id, 10, "file", "dept_zjj")
    r = request(api, case_id, upper_items=UPPER, waiting_items=[10])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "waiting_items"
    r = request(api, case_id, upper_items=UPPER, waiting_items=[24])
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "waiting_items"
