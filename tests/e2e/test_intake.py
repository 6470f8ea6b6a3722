"""intake over HTTP against the embedded app on real SQLite files."""

from __future__ import annotations

import pytest

from shared.messaging.outbox import read_log
from tests.support import (
    OTHER_CREDIT_CODE, VALID_CREDIT_CODE, VALID_ID_NUMBER, VALID_ID_NUMBER_X, application_body, delegation_body,
)


def intake_events(api) -> list:
    return read_log(api.runtime.services.intake, "intake", 0, 10_000)


def submit(api, as_="applicant", **changes):
    r = api.post("/intake/applications", as_, json=application_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("channel, recorder", [
    ("portal", "applicant"), ("mobile", "applicant"),
    ("window", "window_agent"), ("hotline", "window_agent"), ("park_point", "park_agent"),
])
def test_an_application_through_each_channel_records_channel_and_recorder(api, channel, recorder):
    body = submit(api, recorder, channel=channel)
    assert body["channel"] == channel
    assert body["status"] == "submitted"
    assert body["recorded_by"]["username"] == recorder
    [event] = [e for e in intake_events(api) if e.case_id == body["case_id"]]
    assert event.type == "intake.ApplicationSubmitted"
    assert event.channel == channel
    assert event.actor.username == recorder
    if recorder != "applicant":  # an agent records it on the enterprise's behalf
        assert event.on_behalf_of == VALID_CREDIT_CODE
    # the enterprise sees the application whoever recorded it
    assert api.get(f"/intake/applications/{body['case_id']}", "applicant").status_code == 200


def test_routing_by_location_is_decided_and_explained(api):
    park = submit(api, project__in_industrial_park=True)
    district = submit(api, project__in_industrial_park=False)
    assert (park["service_point"], district["service_point"]) == ("park", "district")
    assert "工业园区" in park["routing_reason"] and "区政务服务局" in district["routing_reason"]
    assert park["service_point_name"] != district["service_point_name"]


def test_applicant_online_channels_only(api):
    r = api.post("/intake/applications", "applicant", json=application_body(channel="window"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "channel"


@pytest.mark.parametrize("changes, field, words", [
    ({"unit__credit_code": "91150303MA0N123400"}, "unit.credit_code", "校验"),
    ({"unit__credit_code": "123"}, "unit.credit_code", "18"),
    ({"unit__phone": "1234"}, "unit.phone", "电话"),
    ({"unit__postcode": "01600"}, "unit.postcode", "6位"),
    ({"project__total_investment": "-5"}, "project.total_investment", ""),
    ({"project__total_investment": "十万"}, "project.total_investment", ""),
    ({"project__code": "2026-150303-30-03-0123"}, "project.code", "24"),
    ({"items": [2, 99]}, "items", "目录"),
    ({"items": []}, "items", ""),
    ({"channel": "fax"}, "channel", "范围"),
    ({"unit__name": ""}, "unit.name", ""),
    ({"project__is_key_project": "maybe"}, "project.is_key_project", "布尔"),
])
def test_each_invalid_field_is_named_in_chinese_and_nothing_is_stored(api, changes, field, words):
    before = len(intake_events(api))
    r = api.post("/intake/applications", "applicant", json=application_body(**changes))
    assert r.status_code == 422, r.text
    fields = {d["field"]: d["msg"] for d in r.json()["detail"]}
    assert field in fields, fields
    assert words in fields[field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in fields[field])  # a Chinese message
    assert len(intake_events(api)) == before


def test_missing_section_and_unknown_field_are_reported(api):
    body = application_body()
    del body["project"]
    body["unit"]["fax"] = "x"
    r = api.post("/intake/applications", "applicant", json=body)
    assert r.status_code == 422
    fields = {d["field"]: d["msg"] for d in r.json()["detail"]}
    assert fields["project"] == "必填项缺失"
    assert fields["unit.fax"] == "不允许的字段"


@pytest.mark.parametrize("content", [
    '{"channel": "portal", "unit": {"name": "乌海'.encode()[:-1],  # cut inside a character: not UTF-8 (was a 400 in English)
    b'{"channel": "portal", ',  # broken JSON (was named by its character position)
    b'[2, 7, 9]',  # JSON, but not an object (was an English message)
])
def test_a_body_that_is_not_a_json_object_is_a_422_naming_the_body_in_chinese(api, content):
    before = len(intake_events(api))
    r = api.client.post("/intake/applications", content=content,
                        headers={**api.headers("applicant"), "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    [entry] = r.json()["detail"]
    assert entry["field"] == "body" and any("\u4e00" <= ch <= "\u9fff" for ch in entry["msg"]), entry
    assert len(intake_events(api)) == before


def test_unknown_path_and_method_are_refused_in_chinese(api):
    assert api.get("/intake/nowhere", "applicant").json()["detail"] == "接口不存在"
    r = api.client.delete("/intake/applications", headers=api.headers("applicant"))
    assert r.status_code == 405 and r.json()["detail"] == "该接口不支持此请求方法"


def test_all_errors_of_one_request_come_together(api):
    body = application_body(unit__postcode="x", unit__phone="y", project__code="z")
    r = api.post("/intake/applications", "applicant", json=body)
    assert {d["field"] for d in r.json()["detail"]} == {"unit.postcode", "unit.phone", "project.code"}


@pytest.mark.parametrize("agent_changes, field", [
    ({"id_number": "150303198506121236"}, "agent.id_number"),  # wrong check digit
    ({"id_number": "150303198513321235"}, "agent.id_number"),  # no such birth date
    ({"sex": "m"}, "agent.sex"),
    ({"name": ""}, "agent.name"),
])
def test_delegation_validation(api, agent_changes, field):
    case_id = submit(api)["case_id"]
    r = api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body(**agent_changes))
    assert r.status_code == 422
    assert field in {d["field"] for d in r.json()["detail"]}


def test_delegated_items_must_have_been_applied_for(api):
    case_id = submit(api, items=[2, 7])["case_id"]
    before = len(intake_events(api))
    r = api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body([2, 10]))
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "items" and "[10]" in r.json()["detail"][0]["msg"]
    assert len(intake_events(api)) == before


def test_id_number_with_x_check_character_is_accepted(api):
    case_id = submit(api)["case_id"]
    r = api.post(f"/intake/applications/{case_id}/delegation", "applicant",
                 json=delegation_body(id_number=VALID_ID_NUMBER_X.lower()))
    assert r.status_code == 201
    assert r.json()["delegation"]["agent"]["id_number"] == VALID_ID_NUMBER_X


@pytest.mark.parametrize("signed, missing", [
    ((), ["授权委托书", "承诺书"]), (("delegation",), ["承诺书"]), (("commitment",), ["授权委托书"]),
])
def test_acceptance_needs_both_documents(api, signed, missing):
    case_id = submit(api)["case_id"]
    if "delegation" in signed:
        api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body())
    if "commitment" in signed:
        api.post(f"/intake/applications/{case_id}/commitment", "applicant", json={"signed_by": "李晓明"})
    r = api.post(f"/intake/applications/{case_id}/acceptance", "park_agent")
    assert r.status_code == 409
    assert all(word in r.json()["detail"] for word in missing)
    assert api.get(f"/intake/applications/{case_id}", "park_agent").json()["missing_for_acceptance"] == missing


def sign_both(api, case_id, as_="applicant"):
    assert api.post(f"/intake/applications/{case_id}/delegation", as_, json=delegation_body()).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/commitment", as_, json={"signed_by": "李晓明"}).status_code == 201


def test_acceptance_publishes_what_coordination_opens_the_case_from_and_is_idempotent(api):
    case_id = submit(api)["case_id"]
    sign_both(api, case_id)
    assert api.post(f"/intake/applications/{case_id}/acceptance", "park_agent").json()["status"] == "accepted"
    assert api.post(f"/intake/applications/{case_id}/acceptance", "park_agent").status_code == 200  # retry
    accepted = [e for e in intake_events(api) if e.type == "intake.ApplicationAccepted"]
    assert len(accepted) == 1
    payload = accepted[0].payload
    assert payload["case_agent"]["username"] == "park_agent"
    assert payload["items"] == [2, 7, 9, 10, 24]
    assert payload["applicant"]["credit_code"] == VALID_CREDIT_CODE


def test_only_the_responsible_service_point_accepts(api):
    case_id = submit(api, project__in_industrial_park=False)["case_id"]
    sign_both(api, case_id)
    assert api.post(f"/intake/applications/{case_id}/acceptance", "park_agent").status_code == 403
    assert api.post(f"/intake/applications/{case_id}/acceptance", "dept_fgw").status_code == 403
    assert api.post(f"/intake/applications/{case_id}/acceptance", "window_agent").status_code == 200


def test_state_conflicts(api):
    rejected = submit(api)["case_id"]
    r = api.post(f"/intake/applications/{rejected}/rejection", "park_agent", json={"reason": "项目不属于代办帮办服务范围"})
    assert r.json()["status"] == "rejected"
    sign = api.post(f"/intake/applications/{rejected}/commitment", "applicant", json={"signed_by": "李晓明"})
    assert sign.status_code == 409
    assert api.post(f"/intake/applications/{rejected}/acceptance", "park_agent").status_code == 409
    assert api.post(f"/intake/applications/{rejected}/withdrawal", "applicant").status_code == 409

    accepted = submit(api)["case_id"]
    sign_both(api, accepted)
    api.post(f"/intake/applications/{accepted}/acceptance", "park_agent")
    r = api.post(f"/intake/applications/{accepted}/withdrawal", "applicant", json={"reason": "不需要了"})
    assert r.status_code == 409 and "已受理" in r.json()["detail"]

    withdrawn = submit(api)["case_id"]
    assert api.post(f"/intake/applications/{withdrawn}/withdrawal", "applicant").json()["status"] == "withdrawn"
    assert api.post(f"/intake/applications/{withdrawn}/rejection", "park_agent", json={"reason": "x"}).status_code == 409


def test_rejection_needs_a_reason(api):
    case_id = submit(api)["case_id"]
    r = api.post(f"/intake/applications/{case_id}/rejection", "park_agent", json={"reason": ""})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"


def test_a_new_delegation_supersedes_the_old_and_both_are_kept(api):
    case_id = submit(api)["case_id"]
    api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body())
    r = api.post(f"/intake/applications/{case_id}/delegation", "applicant", json=delegation_body())  # retry
    assert len(r.json()["delegations"]) == 1
    r = api.post(f"/intake/applications/{case_id}/delegation", "applicant",
                 json=delegation_body([2, 7], name="刘婧", sex="female", id_number=VALID_ID_NUMBER_X))
    body = r.json()
    assert [d["delegation_no"] for d in body["delegations"]] == [1, 2]
    assert body["delegation"]["supersedes"] == 1 and body["delegation"]["agent"]["name"] == "刘婧"
    assert body["delegation"]["item_count"] == 2
    signed = [e for e in intake_events(api) if e.type == "intake.DelegationSigned" and e.case_id == case_id]
    assert [e.payload["may_sub_delegate"] for e in signed] == [False, False]


def test_agent_records_paper_documents_on_behalf_of_the_enterprise(api):
    case_id = submit(api, "window_agent", channel="window", project__in_industrial_park=False)["case_id"]
    sign_both(api, case_id, as_="window_agent")
    events = [e for e in intake_events(api) if e.case_id == case_id and e.type.endswith("Signed")]
    assert {e.on_behalf_of for e in events} == {VALID_CREDIT_CODE}
    assert api.post(f"/intake/applications/{case_id}/commitment", "park_agent", json={"signed_by": "x"}).status_code == 403


def test_idempotency_key_makes_a_retried_submission_one_application(api):
    headers = {"Idempotency-Key": "form-7f3a"}
    first = api.post("/intake/applications", "applicant", json=application_body(), headers=headers).json()
    again = api.post("/intake/applications", "applicant", json=application_body(), headers=headers).json()
    assert first["case_id"] == again["case_id"]
    assert len([e for e in intake_events(api) if e.case_id == first["case_id"]]) == 1


def test_auth_and_privacy(api):
    case_id = submit(api)["case_id"]
    assert api.client.get(f"/intake/applications/{case_id}").status_code == 401
    assert api.client.get(f"/intake/applications/{case_id}", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert api.get(f"/intake/applications/{case_id}", "applicant2").status_code == 404
    assert api.get(f"/intake/applications/{case_id}", "dept_zjj").status_code == 403
    assert api.post("/intake/applications", "dept_zjj", json=application_body()).status_code == 403
    r = api.post("/intake/applications", "applicant2", json=application_body())  # another enterprise's code
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "unit.credit_code"
    assert api.post("/intake/applications", "applicant2", json=application_body(unit__credit_code=OTHER_CREDIT_CODE)).status_code == 201


def test_personal_data_masked_for_supervisor_and_encrypted_at_rest(api, data_dir):
    case_id = submit(api)["case_id"]
    sign_both(api, case_id)
    seen = api.get(f"/intake/applications/{case_id}", "supervisor").json()
    assert seen["delegation"]["agent"]["id_number"] == "150303********1235"
    assert seen["unit"]["phone"] == "157****0770"
    assert api.get(f"/intake/applications/{case_id}", "park_agent").json()["delegation"]["agent"]["id_number"] == VALID_ID_NUMBER
    raw = (data_dir / "intake.sqlite").read_bytes()
    assert VALID_ID_NUMBER.encode() not in raw and "王建国".encode() not in raw


def test_me_names_role_department_and_enterprise(api):
    me = api.get("/auth/me", "applicant").json()
    assert me["role"] == "applicant" and me["enterprise"]["credit_code"] == VALID_CREDIT_CODE
    assert api.get("/auth/me", "dept_scjg").json()["department"] == "scjg"
    assert api.client.post("/auth/token", data={"username": "applicant", "password": "wrong"}).status_code == 401


def test_the_application_survives_a_restart_on_the_same_data_folder(api_factory):
    with api_factory() as first:
        case_id = first.post("/intake/applications", "applicant", json=application_body()).json()["case_id"]
        token = first.token("applicant")
    with api_factory() as second:
        r = second.client.get(f"/intake/applications/{case_id}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["case_id"] == case_id
        assert second.client.get("/healthz").json()["status"] == "ok"
