"""reporting over HTTP: case view, audit history and as_of, case list filters, who may read what, bad input."""

from __future__ import annotations

import pytest

from tests.support import OTHER_CREDIT_CODE, VALID_CREDIT_CODE, application_body, delegation_body, open_case


def recorded_case(api, clock) -> str:
    """A hotline application recorded by the window agent for the enterprise, accepted a day later."""
    r = api.post("/intake/applications", "window_agent",
                 json=application_body(channel="hotline", items=[2, 10], project__in_industrial_park=False))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    clock.advance(hours=1)
    assert api.post(f"/intake/applications/{case_id}/delegation", "window_agent", json=delegation_body([2, 10])).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/commitment", "window_agent", json={"signed_by": "李晓明"}).status_code == 201
    clock.advance(days=1)
    assert api.post(f"/intake/applications/{case_id}/acceptance", "window_agent").status_code == 200
    api.settle()  # opened in coordination and registered in evaluation before the clock moves on
    clock.advance(hours=2)
    for action in ("file", "accept"):
        assert api.post(f"/coordination/cases/{case_id}/items/2/actions", "dept_fgw", json={"action": action}).status_code == 200
    api.settle()
    return case_id


def test_history_is_every_event_of_every_service_in_order_with_who_and_for_whom(api, clock):
    case_id = recorded_case(api, clock)
    r = api.get(f"/reporting/cases/{case_id}/history", "supervisor")
    assert r.status_code == 200, r.text
    events = r.json()["events"]
    assert [(e["service"], e["type"]) for e in events] == [
        ("intake", "intake.ApplicationSubmitted"), ("intake", "intake.DelegationSigned"),
        ("intake", "intake.CommitmentSigned"), ("intake", "intake.ApplicationAccepted"),
        ("coordination", "coordination.CaseOpened"), ("evaluation", "evaluation.CaseRegistered"),
        ("coordination", "coordination.ItemStateChanged"), ("coordination", "coordination.ItemStateChanged"),
    ]
    assert [e["occurred_at"] for e in events] == sorted(e["occurred_at"] for e in events)
    first = events[0]
    assert first["actor"]["username"] == "window_agent" and first["on_behalf_of"] == VALID_CREDIT_CODE
    assert first["channel"] == "hotline" and first["data"]["project"]["name"]
    assert events[-1]["actor"]["username"] == "dept_fgw" and events[-1]["data"]["to_status"] == "accepted"
    # personal data is masked for the supervisor, whole for the service point that contacts the applicant
    assert "*" in events[1]["data"]["agent"]["id_number"]
    whole = api.get(f"/reporting/cases/{case_id}/history", "window_agent").json()["events"]
    assert "*" not in whole[1]["data"]["agent"]["id_number"]


def test_as_of_gives_the_case_as_it_stood(api, clock):
    submitted = clock.now()
    case_id = recorded_case(api, clock)
    then = api.get(f"/reporting/cases/{case_id}/history", "supervisor",
                   params={"as_of": (submitted.replace(minute=30)).isoformat()}).json()
    assert then["case"]["status"] == "submitted" and then["case"]["delegation"] is None
    assert [e["type"] for e in then["events"]] == ["intake.ApplicationSubmitted"]
    day = api.get(f"/reporting/cases/{case_id}/history", "supervisor", params={"as_of": submitted.date().isoformat()}).json()
    assert day["case"]["status"] == "submitted" and day["case"]["commitment"] is not None
    now = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()
    assert now["case"] == api.get(f"/reporting/cases/{case_id}", "supervisor").json()
    assert now["case"]["status"] == "in_progress"
    assert [i["status"] for i in now["case"]["items"]] == ["accepted", "pending"]
    before = api.get(f"/reporting/cases/{case_id}/history", "supervisor", params={"as_of": "2026-01-01"})
    assert before.status_code == 404
    bad = api.get(f"/reporting/cases/{case_id}/history", "supervisor", params={"as_of": "yesterday"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "as_of"


def test_as_of_at_either_end_of_the_calendar(api):
    case_id = open_case(api, items=[2])
    url = f"/reporting/cases/{case_id}/history"
    for moment in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+08:00"):  # no such moment in UTC (was a 500)
        r = api.get(url, "supervisor", params={"as_of": moment})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "as_of", r.text
    # before the year 1000 the case did not exist either (the history's order key once had a three-digit year)
    assert api.get(url, "supervisor", params={"as_of": "0999-12-31"}).status_code == 404
    assert api.get(url, "supervisor", params={"as_of": "9999-12-31"}).json()["case"]["status"] == "in_progress"


def test_who_may_read_which_case(api, clock):
    park = open_case(api, applicant="applicant", in_park=True, items=[2, 7])
    district = open_case(api, applicant="applicant2", in_park=False, items=[24])
    allowed = {
        "supervisor": {park, district}, "admin": {park, district}, "applicant": {park}, "applicant2": {district},
        "park_agent": {park}, "window_agent": {district}, "dept_fgw": {park}, "dept_sthj": {district}, "dept_rsj": set(),
    }
    for who, cases in allowed.items():
        for case_id in (park, district):
            expected = 200 if case_id in cases else 404
            assert api.get(f"/reporting/cases/{case_id}", who).status_code == expected, (who, case_id)
            assert api.get(f"/reporting/cases/{case_id}/history", who).status_code == expected, (who, case_id)
        listed = {row["case_id"] for row in api.get("/reporting/cases", who).json()["items"]}
        assert listed == cases, who
    assert api.get(f"/reporting/cases/{park}", "applicant").json()["unit"]["phone"] == "15714730770"
    assert "*" in api.get(f"/reporting/cases/{park}", "dept_fgw").json()["unit"]["phone"]
    assert api.get("/reporting/workloads", "applicant").status_code == 403
    assert api.get("/reporting/satisfaction", "dept_fgw", params={"department": "zjj"}).status_code == 403
    assert api.get("/reporting/cases/BN000000000000", "supervisor").status_code == 404
    assert api.client.get("/reporting/cases").status_code == 401


def test_case_list_filters(api, clock):
    park = open_case(api, in_park=True, items=[2])
    district = open_case(api, applicant="applicant2", in_park=False, items=[24])
    for action in ("file", "accept"):
        api.post(f"/coordination/cases/{park}/items/2/actions", "dept_fgw", json={"action": action})
    clock.advance(days=30)
    api.settle()

    def ids(**params):
        r = api.get("/reporting/cases", "supervisor", params=params)
        assert r.status_code == 200, r.text
        return {row["case_id"] for row in r.json()["items"]}

    assert ids() == {park, district}
    assert ids(service_point="park") == {park} and ids(department="sthj") == {district}
    assert ids(overdue=True) == {park} and ids(overdue=False) == {district}
    assert ids(status="in_progress") == {park, district} and ids(status="completed") == set()
    assert ids(period="2026-09") == {park, district} and ids(period="2026-10") == set()
    assert ids(**{"from": "2026-09-21", "to": "2026-09-21"}) == {park, district}
    row = api.get("/reporting/cases", "supervisor", params={"overdue": True}).json()["items"][0]
    assert row["overdue_items"] == 1 and row["status_label"] == "办理中"


@pytest.mark.parametrize("path, params, field", [
    ("/reporting/cases", {"department": "nope"}, "department"),
    ("/reporting/cases", {"period": "2026-13"}, "period"),
    ("/reporting/cases", {"status": "lost"}, "status"),
    ("/reporting/cases", {"overdue": "maybe"}, "overdue"),
    ("/reporting/satisfaction", {"channel": "fax"}, "channel"),
    ("/reporting/satisfaction", {"from": "2026-10-02", "to": "2026-10-01"}, "to"),
    ("/reporting/workloads", {"from": "someday"}, "from"),
    ("/reporting/workloads", {"from": "2026-09-01T10:00"}, "from"),  # a moment, not a date (was an English message)
    ("/reporting/monthly-reports/2026-9", {}, "month"),
    ("/reporting/monthly-reports/2027-01", {}, "month"),
    ("/reporting/monthly-reports/2026-09", {"format": "docx"}, "format"),
])
def test_bad_input_is_a_422_naming_the_field_in_chinese(api, path, params, field):
    r = api.get(path, "supervisor", params=params)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert any(d["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in d["msg"]) for d in detail), detail


def test_monthly_report_of_the_running_month_is_provisional(api):
    open_case(api, items=[2])
    report = api.get("/reporting/monthly-reports/2026-09", "supervisor").json()
    assert report["status"] == "provisional" and report["due_by"] == "2026-10-15"
    assert report["totals"]["cases_opened"] == 1
    mine = api.get("/reporting/monthly-reports/2026-09", "dept_fgw").json()
    assert [d["department"] for d in mine["departments"]] == ["fgw"] and mine["totals"] is None
    assert OTHER_CREDIT_CODE not in str(mine)


def test_query_and_path_errors_name_where_the_field_was_sent(api):
    r = api.get("/reporting/workloads?department=nope", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "department"]
    r = api.get("/reporting/monthly-reports/2099-01", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "month"]
    r = api.get("/coordination/agent-register?department=nope", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "department"]
    r = api.get("/evaluation/ratings/export?code_list=gbt39046&period_start=9999-99-99", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "period_start"
