"""Request bodies are bounded and strict (issue 10): every list and string has a limit, item numbers are
integers and nothing else, names and texts carry no control or bidi-override characters, dates lie in a
window around today, and a re-used Idempotency-Key with a different body is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.types import DATE_WINDOW_YEARS
from tests.support import application_body, open_case


def field_of(r) -> str:  # noqa: ANN001
    assert r.status_code == 422, r.text
    return r.json()["detail"][0]["field"]


@pytest.mark.parametrize("items", [[True], [2.0], ["2"], [2, True]])
def test_item_numbers_are_integers_not_booleans_floats_or_strings(api, items):
    r = api.post("/intake/applications", "applicant", json=application_body(items=items))
    assert field_of(r).startswith("items"), r.text
    assert "整数" in r.json()["detail"][0]["msg"]


@pytest.mark.parametrize("text", ["王\x00建国", "王\x07建国", "\u202e国建王", "王建国\u2066", "王\n建国"])
def test_names_refuse_control_and_bidi_characters(api, text):
    r = api.post("/intake/applications", "applicant", json=application_body(unit__head=text))
    assert field_of(r) == "unit.head"
    assert "U+" in r.json()["detail"][0]["msg"]


def test_ordinary_chinese_punctuation_and_newlines_in_notes_stay(api):
    body = application_body(unit__name="乌海市海南区“示范”新材料有限公司（分公司）·一部",
                            project__use_and_scale="一、建设生产线两条；\n二、年产5万吨。")
    r = api.post("/intake/applications", "applicant", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["project"]["use_and_scale"] == "一、建设生产线两条；\n二、年产5万吨。"
    r = api.post("/intake/applications", "applicant", json=application_body(project__use_and_scale="规模\x1b[31m"))
    assert field_of(r) == "project.use_and_scale"


def test_every_list_and_string_is_bounded(api):
    case_id = open_case(api, in_park=False)
    base = {"items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
            "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": "15714730770"}}
    url = f"/coordination/cases/{case_id}/cross-level-requests"
    r = api.post(url, "window_agent", json={**base, "required_documents": ["要" * 200_000]})
    assert field_of(r) == "required_documents.0"
    assert "最多 300 个字符" in r.json()["detail"][0]["msg"]
    r = api.post(url, "window_agent", json={**base, "required_documents": ["件"] * 51})
    assert field_of(r) == "required_documents"
    r = api.post(f"/coordination/cases/{case_id}/notifications", "window_agent", json={
        "items": [{"item_no": 2, "requirements": ["一" * 1000] * 2000}]})
    assert r.status_code == 413  # 6 MB: refused before it is read
    r = api.post(f"/coordination/cases/{case_id}/notifications", "window_agent", json={
        "items": [{"item_no": 2, "requirements": ["一" * 301]}]})
    assert field_of(r) == "items.0.requirements.0"
    r = api.post(f"/coordination/cases/{case_id}/notifications", "window_agent", json={
        "items": [{"item_no": 2, "requirements": ["申请书"]}] * 51})
    assert field_of(r) == "items"
    r = api.post(f"/coordination/cases/{case_id}/items/2/actions", "window_agent", json={
        "action": "request_correction", "missing_materials": ["材料"] * 51})
    assert field_of(r) == "missing_materials"
    r = api.put(f"/coordination/cases/{case_id}/plan", "window_agent", json={
        "steps": [{"item_no": 2, "after": list(range(1, 102))}]})
    assert field_of(r) == "steps.0.after"
    assert api.post(url, "window_agent", json=base).status_code == 201


def test_every_request_string_and_list_in_the_schema_has_a_bound(api):
    """Walk the OpenAPI request bodies: no string without maxLength, no array without maxItems."""
    doc = api.client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    requests = set()
    for path in doc["paths"].values():
        for op in path.values():
            ref = (op.get("requestBody", {}).get("content", {}).get("application/json", {})
                   .get("schema", {}).get("$ref"))
            if ref:
                requests.add(ref.rsplit("/", 1)[-1])
    unbounded, seen = [], set()

    def walk(schema: dict, where: str) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                walk(schemas[name], name)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for i, sub in enumerate(schema.get(key, [])):
                walk(sub, where)
        kind = schema.get("type")
        if kind == "string" and "maxLength" not in schema and "enum" not in schema and "const" not in schema \
                and schema.get("format") not in ("date", "date-time"):
            unbounded.append(where)
        if kind == "array":
            if "maxItems" not in schema:
                unbounded.append(where)
            walk(schema.get("items", {}), where + "[]")
        if kind == "object":
            if "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict) \
                    and "maxProperties" not in schema:
                unbounded.append(where)
            for name, sub in schema.get("properties", {}).items():
                walk(sub, f"{where}.{name}")

    for name in sorted(requests):
        seen.add(name)
        walk(schemas[name], name)
    assert requests and not unbounded, "\n".join(unbounded)


def test_dates_lie_in_a_window_around_today(api):
    case_id = open_case(api, in_park=False)
    for day in ("9999-12-31", "0001-01-01", (dt.date.today() + dt.timedelta(days=366 * DATE_WINDOW_YEARS)).isoformat()):
        r = api.post(f"/coordination/cases/{case_id}/items/2/actions", "window_agent", json={
            "action": "accept_with_deficiency", "missing_materials": ["环评批复"], "until": day})
        assert field_of(r) == "until"
        assert "之间" in r.json()["detail"][0]["msg"]
        r = api.post(f"/coordination/cases/{case_id}/joint-reviews", "window_agent", json={
            "date": day, "departments": ["zrzy"], "items": [7], "conclusion": "同意"})
        assert field_of(r) == "date"
        r = api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json={
            "items": [10], "replacement": {"name": "刘洋", "phone": "13900001111"}, "effective_on": day,
            "reason": "调岗"})
        assert field_of(r) == "effective_on"


def test_a_reused_idempotency_key_with_another_body_is_refused(api):
    key = {"Idempotency-Key": "apply-2026-09-21-001"}
    first = api.post("/intake/applications", "applicant", json=application_body(), headers=key)
    assert first.status_code == 201, first.text
    again = api.post("/intake/applications", "applicant", json=application_body(), headers=key)
    assert again.status_code == 201 and again.json()["case_id"] == first.json()["case_id"]
    other = api.post("/intake/applications", "applicant", json=application_body(project__name="另一个项目"), headers=key)
    assert other.status_code == 422, other.text
    assert other.json()["detail"][0]["field"] == "Idempotency-Key"
    assert other.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    fresh = api.post("/intake/applications", "applicant", json=application_body(project__name="另一个项目"),
                     headers={"Idempotency-Key": "apply-2026-09-21-002"})
    assert fresh.status_code == 201 and fresh.json()["case_id"] != first.json()["case_id"]


def test_a_reused_key_for_a_cross_level_request_or_a_draw_with_another_body_is_refused(api):
    case_id = open_case(api, in_park=False)
    key = {"Idempotency-Key": "xl-1"}
    body = {"items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
            "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": "15714730770"}}
    url = f"/coordination/cases/{case_id}/cross-level-requests"
    first = api.post(url, "window_agent", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert api.post(url, "window_agent", json=body, headers=key).json()["request_id"] == first.json()["request_id"]
    r = api.post(url, "window_agent", json={**body, "requested_unit": "内蒙古自治区代办帮办中心"}, headers=key)
    assert field_of(r) == "Idempotency-Key"

    today = dt.date.today()
    draw = {"period_start": (today - dt.timedelta(days=30)).isoformat(), "period_end": today.isoformat(), "seed": 7}
    first = api.post("/evaluation/follow-ups/draws", "supervisor", json=draw, headers={"Idempotency-Key": "d-1"})
    assert first.status_code == 201, first.text
    same = api.post("/evaluation/follow-ups/draws", "supervisor", json=draw, headers={"Idempotency-Key": "d-1"})
    assert same.json()["draw_id"] == first.json()["draw_id"]
    r = api.post("/evaluation/follow-ups/draws", "supervisor", json={**draw, "seed": 8}, headers={"Idempotency-Key": "d-1"})
    assert field_of(r) == "Idempotency-Key"


def test_a_reused_key_for_a_rating_with_another_body_is_refused(api):
    from tests.e2e.evaluation_support import conclude_case

    case_id = conclude_case(api)
    url, key = f"/evaluation/cases/{case_id}/rating", {"Idempotency-Key": "rate-1"}
    first = api.post(url, "applicant", json={"level": "satisfied", "channel": "portal"}, headers=key)
    assert first.status_code == 201, first.text
    again = api.post(url, "applicant", json={"level": "satisfied", "channel": "portal"}, headers=key)
    assert again.status_code == 201 and again.json()["rating_no"] == first.json()["rating_no"]
    r = api.post(url, "applicant", json={"level": "very_dissatisfied", "channel": "portal"}, headers=key)
    assert field_of(r) == "Idempotency-Key"
    assert len(api.get(f"/evaluation/cases/{case_id}", "supervisor").json()["ratings"]) == 1
