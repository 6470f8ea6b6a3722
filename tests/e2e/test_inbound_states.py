"""Inbound item states (API.md, Other systems): a department's own system reports an item's handling state with
its own 办件编号; the same report twice is recorded once; another department's item is refused."""

from __future__ import annotations

from shared.auth.clients import create_client
from tests.e2e.coordination_support import events
from tests.e2e.test_machine_clients import NOW, bearer, client_store, client_token, filed_case


def zrzy_system(api) -> dict[str, str]:  # noqa: ANN001
    client, secret = create_client(client_store(api), "区自然资源局审批系统", "zrzy", ["cases:read", "items:write"], NOW)
    r = client_token(api, client.client_id, secret)
    assert r.status_code == 200, r.text
    return {"client_id": client.client_id, **bearer(r.json()["access_token"])}


def report(api, headers: dict, case_id: str, item_no: int, **body):  # noqa: ANN001, ANN003, ANN201
    auth = {"Authorization": headers["Authorization"]}
    return api.client.post(f"/coordination/cases/{case_id}/items/{item_no}/states", headers=auth, json=body)


def test_a_state_sent_twice_with_its_external_ref_is_recorded_once(api):  # noqa: ANN001
    case_id = filed_case(api)
    system = zrzy_system(api)
    body = {"external_ref": "ZRZY-2026-000123", "state": "02", "occurred_at": "2026-09-21T10:00:00+08:00"}
    first = report(api, system, case_id, 7, **body)
    assert first.status_code == 200, first.text
    assert first.json()["recorded"] is True and first.json()["already_recorded"] is False
    assert first.json()["action"] == "accept" and first.json()["item"]["status"] == "accepted"
    again = report(api, system, case_id, 7, **body)
    assert again.status_code == 200, again.text
    assert again.json()["already_recorded"] is True and again.json()["recorded"] is False
    assert again.json()["item"] == first.json()["item"]

    changes = [e for e in events(api, "coordination", case_id, "coordination.ItemStateChanged")
               if e.payload["item_no"] == 7 and e.payload["action"] == "accept"]
    assert len(changes) == 1
    [e] = changes
    assert (e.payload["external_ref"], e.payload["reported_state"], e.payload["reported_at"]) == (
        "ZRZY-2026-000123", "02", "2026-09-21T10:00:00+08:00")
    assert (e.actor.username, e.on_behalf_of) == (system["client_id"], "zrzy")

    # the next state of the same 办件: recorded; 补正 then 补正完成, then 办结
    for state, action, extra in (("05", "request_correction", {"missing_materials": ["宗地图"]}),
                                 ("06", "correction_done", {}), ("09", "approve", {})):
        r = report(api, system, case_id, 7, external_ref="ZRZY-2026-000123", state=state, **extra)
        assert r.status_code == 200 and r.json()["recorded"] and r.json()["action"] == action, r.text
    assert r.json()["item"]["status"] == "approved"

    # the same 办件编号 for another item of the case: 409; an unknown code: 422 naming state
    r = report(api, system, case_id, 2, external_ref="ZRZY-2026-000123", state="01")
    assert r.status_code in (403, 409), r.text
    r = report(api, system, case_id, 7, external_ref="ZRZY-2026-000124", state="99")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "state", r.text


def test_a_clients_state_for_another_departments_item_is_403(api):  # noqa: ANN001
    case_id = filed_case(api)
    system = zrzy_system(api)
    r = report(api, system, case_id, 10, external_ref="ZRZY-2026-000200", state="02")  # 区住建局's item
    assert r.status_code == 403, r.text
    assert not [e for e in events(api, "coordination", case_id, "coordination.ItemStateChanged")
                if e.payload["item_no"] == 10 and e.payload["action"] == "accept"]
    r = api.post(f"/coordination/cases/{case_id}/items/7/states", "window_agent",
                 json={"external_ref": "X-1", "state": "02"})
    assert r.status_code == 403, r.text  # a department's system reports, not a service point
