"""The declaration plan: undelegated items and cycles refused, stage and dependency order."""

from __future__ import annotations

import pytest

from shared.errors import Invalid
from services.coordination.plan import normalise_plan, plan_vs_actual

DELEGATED = {2: 1, 7: 1, 10: 3, 24: 5}


def test_order_by_stage_then_dependencies():
    steps = [{"item_no": 24}, {"item_no": 10, "after": [7]}, {"item_no": 7, "after": [2]}, {"item_no": 2}]
    assert [s["item_no"] for s in normalise_plan(steps, DELEGATED)] == [2, 7, 10, 24]


@pytest.mark.parametrize("steps, field, words", [
    ([{"item_no": 3}], "steps.0.item_no", "不是本案件的委托事项"),
    ([{"item_no": 2}, {"item_no": 2}], "steps.1.item_no", "重复"),
    ([{"item_no": 2, "after": [7]}], "steps.0.after", "不在本计划中"),
    ([{"item_no": 2, "after": [7]}, {"item_no": 7, "after": [10]}, {"item_no": 10, "after": [2]}], "steps", "循环"),
    ([{"item_no": 2, "planned_start": "2026-10-02", "planned_finish": "2026-10-01"}], "steps.0.planned_finish", "早于"),
])
def test_bad_plans_are_refused_naming_the_field(steps, field, words):
    with pytest.raises(Invalid) as e:
        normalise_plan(steps, DELEGATED)
    assert e.value.field == field and words in e.value.message


def test_plan_against_actual():
    plan = {"steps": normalise_plan([{"item_no": 7, "planned_finish": "2026-10-01"}], DELEGATED)}
    items = {7: {"stage": 1, "status": "accepted", "filed_on": "2026-09-21", "concluded_on": None, "today": "2026-10-02"},
             2: {"stage": 1, "status": "pending", "filed_on": None, "concluded_on": None, "today": "2026-10-02"}}
    rows = plan_vs_actual(plan, items)
    assert [(r["item_no"], r["planned"], r["behind_plan"]) for r in rows] == [(7, True, True), (2, False, False)]
