"""The year-end assessment (seed 四: 纳入年度“放管服”考核和个人年度绩效考核): the year's scorecard per department
(the same scorecard as GET /reporting/assessment over the calendar year) and the figures of each agent, for a
generated year, checked against values computed here from what the year was made of."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.e2e.coordination_support import on
from tests.e2e.evaluation_support import act, rate
from tests.support import confirm_closure, open_case

GOOD = ("very_satisfied", "satisfied")


@dataclass
class Case:
    """One case of the year: opened (and its items accepted) on ``opened``, approved and concluded on ``approved``."""

    in_park: bool
    items: list[int]
    opened: tuple[int, int, int]
    approved: tuple[int, int, int]
    late: bool  # approved after the promised 10 working days
    level: str
    rectify_items: list[int] | None = None  # a 差评 verified as about these items, then rectified
    complaints: list[str | None] = field(default_factory=list)  # one complaint per entry, to that department (None: routed)
    case_id: str = ""

    @property
    def agent(self) -> str:
        return "park_agent" if self.in_park else "window_agent"

    @property
    def in_2026(self) -> bool:
        return self.approved[0] == 2026


YEAR = [
    Case(True, [2, 7], (2026, 3, 2), (2026, 3, 2), False, "very_satisfied", complaints=[None]),
    Case(False, [2], (2026, 5, 11), (2026, 7, 1), True, "dissatisfied", rectify_items=[2], complaints=[None, "fgw"]),
    Case(True, [7], (2026, 9, 7), (2026, 9, 7), False, "satisfied"),
    Case(True, [2], (2026, 11, 2), (2027, 1, 5), True, "very_dissatisfied"),  # concluded and rated in 2027
]


def make_year(api, clock) -> dict[tuple[str, str], str]:  # noqa: ANN001
    """Runs the year; returns the department agents' names by (department, item)."""
    names = {}
    for case in YEAR:
        on(clock, *case.opened)
        case.case_id = open_case(api, in_park=case.in_park, items=case.items)
        for no in case.items:
            for action in ("file", "accept"):
                assert api.post(f"/coordination/cases/{case.case_id}/items/{no}/actions", case.agent,
                                json={"action": action}).status_code == 200
        for department in case.complaints:
            body = {"channel": "hotline_12345", "content": "反映办理进度", "case_id": case.case_id,
                    **({"department": department} if department else {})}
            assert api.post("/supervision/complaints", "window_agent", json=body).status_code == 201
        on(clock, *case.approved)
        for no in case.items:
            r = api.post(f"/coordination/cases/{case.case_id}/items/{no}/actions", case.agent, json={"action": "approve"})
            assert r.status_code == 200, r.text
        assert api.post(f"/coordination/cases/{case.case_id}/completion", case.agent,
                        json={"materials_returned": True, "note": "办结"}).status_code == 200
        confirm_closure(api, case.case_id)
        api.settle()
        assert rate(api, case.case_id, case.level).status_code == 201
        if case.rectify_items:
            api.settle()
            rects = api.get("/evaluation/rectifications", "supervisor").json()
            rect_id = next(r["rectification_id"] for r in rects if r["case_id"] == case.case_id)
            assert act(api, rect_id, "record_follow_up_call", case.agent, note="已回访", reached=True).status_code == 200
            assert act(api, rect_id, "verify", case.agent, note="属实", items=case.rectify_items).status_code == 200
            assert act(api, rect_id, "rectify", case.agent, note="已整改").status_code == 200
        api.settle()
        view = api.get(f"/reporting/cases/{case.case_id}", "supervisor").json()
        for item in view["items"]:
            assert item["on_time"] is (not case.late), item
            names[(item["department"], item["item_no"])] = item["assignees"][0]
    on(clock, 2027, 1, 11)
    api.settle()
    return names


def expected_agents(names: dict[tuple[str, int], str]) -> dict[tuple, dict]:
    """Each agent's figures for 2026, from the cases of the year as made."""
    want: dict[tuple, dict] = {}

    def add(key: tuple, case: Case, items: list[int], department: str | None) -> None:
        row = want.setdefault(key, {"cases": 0, "items_concluded": 0, "items_on_time": 0, "ratings": 0,
                                    "good_ratings": 0, "bad_ratings": 0, "bad_rectified": 0, "complaints": 0})
        if case.in_2026:
            row["cases"] += 1
            row["items_concluded"] += len(items)
            row["items_on_time"] += 0 if case.late else len(items)
            row["ratings"] += 1
            row["good_ratings"] += case.level in GOOD
            row["bad_ratings"] += case.level not in GOOD
            responsible = case.rectify_items and (department is None or any(
                names_dept == department for names_dept, no in names if no in case.rectify_items))
            row["bad_rectified"] += bool(responsible)
        row["complaints"] += sum(department is None or d == department for d in case.complaints)

    for case in YEAR:
        add(("case_agent", case.agent), case, case.items, None)
        for department, no in names:
            if no in case.items:
                add(("department_agent", department, names[(department, no)]), case,
                    [n for n in case.items if (department, n) in names], department)
    return want


@pytest.fixture
def year(api, clock):  # noqa: ANN001, ANN201
    names = make_year(api, clock)
    r = api.get("/reporting/annual-assessment/2026", "supervisor")
    assert r.status_code == 200, r.text
    return api, names, r.json()


def test_the_agents_figures_of_the_year(year):
    api, names, got = year
    assert got["status"] == "final" and got["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    rows = {(a["kind"], a["username"]) if a["kind"] == "case_agent" else (a["kind"], a["department"], a["name"]): a
            for a in got["agents"]}
    for key, want in expected_agents(names).items():
        row = rows[key]
        assert {k: row[k] for k in want} == want, key
        assert row["on_time_rate"]["value"] == (round(want["items_on_time"] / want["items_concluded"], 4)
                                                if want["items_concluded"] else None)
        assert row["good_rate"]["value"] == (round(want["good_ratings"] / want["ratings"], 4) if want["ratings"] else None)
    park = rows[("case_agent", "park_agent")]
    assert (park["cases"], park["items_concluded"], park["ratings"], park["complaints"]) == (2, 3, 2, 1)
    window = rows[("case_agent", "window_agent")]
    assert (window["cases"], window["items_on_time"], window["bad_ratings"], window["bad_rectified"],
            window["complaints"]) == (1, 0, 1, 1, 2)


def test_the_year_scorecard_is_the_scorecard_over_the_year(year):
    api, _, got = year
    same = api.get("/reporting/assessment", "supervisor", params={"from": "2026-01-01", "to": "2026-12-31"}).json()
    assert got["assessment"]["departments"] == same["departments"]
    rows = {r["department"]: r for r in got["assessment"]["departments"]}
    # fgw: items 2 of the March (on time) and the July (late) cases; its complaint of May unanswered
    assert rows["fgw"]["indicators"]["on_time"] == {"value": 0.5, "numerator": 1, "denominator": 2}
    assert rows["fgw"]["indicators"]["complaints"] == {"value": 0.0, "numerator": 0, "denominator": 1}
    assert rows["zrzy"]["indicators"]["on_time"]["value"] == 1.0
    assert rows["zrzy"]["indicators"]["satisfaction"] == {"value": 1.0, "numerator": 2, "denominator": 2}
    assert rows["fgw"]["indicators"]["rectification"] == {"value": 1.0, "numerator": 1, "denominator": 1}
    r = api.get("/reporting/annual-assessment/2028", "supervisor")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "year"
    assert api.get("/reporting/annual-assessment/20x6", "supervisor").status_code == 422
    assert api.get("/reporting/annual-assessment/2026", "dept_fgw").status_code == 403
