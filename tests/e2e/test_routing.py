"""Routing by location and 立项 level (属地服务、分级负责, seed 三(一))."""

from __future__ import annotations

import pytest

from tests.support import application_body


def submit(api, **changes):
    return api.post("/intake/applications", "applicant", json=application_body(**changes))


@pytest.mark.parametrize("level, label", [("city", "市级"), ("region", "自治区级"), ("national", "国家级")])
def test_above_district_project_outside_the_park_is_still_served_and_the_routing_reason_says_so(api, level, label):
    """Seed 三(一) line 49: "园区之外的投资项目，原则上我区立项的投资项目，由区政务服务局提供全程代办帮办服务" —
    "原则上" is no refusal: the project's 立项 level is recorded, the window serves it and says why."""
    r = submit(api, project__in_industrial_park=False, project__approval_level=level)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["service_point"] == "district"
    assert body["project"]["approval_level"] == level
    assert f"{label}立项" in body["routing_reason"] and "仍由区政务服务局" in body["routing_reason"]
    case_id = body["case_id"]
    assert api.get(f"/intake/applications/{case_id}", "window_agent").json()["project"]["approval_level"] == level


def test_project_approval_level_recorded_for_district_and_unstated_levels(api):
    """Seed 三(一): 我区立项 → the district window; a level left blank is taken as 区本级 and the reason says it."""
    district = submit(api, project__in_industrial_park=False, project__approval_level="district").json()
    assert "由我区立项" in district["routing_reason"]
    unstated = submit(api, project__in_industrial_park=False).json()
    assert unstated["project"]["approval_level"] is None and "按区本级" in unstated["routing_reason"]
    park = submit(api, project__in_industrial_park=True, project__approval_level="city").json()
    assert park["service_point"] == "park" and "市级立项" in park["routing_reason"]


def test_project_approval_level_outside_the_list_is_refused_naming_the_field(api):
    r = submit(api, project__approval_level="county")
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "project.approval_level"
