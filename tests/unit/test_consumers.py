"""The consumers as pure decisions: an upstream event and plain looked-up values in, aggregates out.

No event store, no application: what the application would look up is built by hand."""

from __future__ import annotations

from datetime import datetime

from shared.clock import CHINA
from shared.contracts import Actor, IntegrationEvent, Role
from shared.reference import load_catalog
from services.coordination import consumers as coordination
from services.evaluation import consumers as evaluation

NOW = datetime(2026, 11, 2, 23, 30, tzinfo=CHINA)
AGENT = {"username": "park_agent", "name": "园区代办员", "department": "gyyq"}
APPLICANT = {"name": "乌海市海南区示范新材料有限公司", "credit_code": "91150303MA0N123401"}


def upstream(type_: str, position: int = 1, **payload) -> IntegrationEvent:
    service = type_.split(".")[0]
    return IntegrationEvent(
        event_id=f"e-{position}", type=type_, schema_version=1, case_id=payload.get("case_id", "BN1"),
        service=service, position=position, occurred_at=NOW, actor=Actor(username="park_agent", role=Role.park_agent),
        on_behalf_of="91150303MA0N123401", channel="park_point", payload=payload)


def accepted(items: list[int]) -> IntegrationEvent:
    return upstream("intake.ApplicationAccepted", case_id="BN1", service_point="park", case_agent=AGENT, items=items,
                    delegation_no=2, delegated_agent="李晓明", channel="park_point", applicant=APPLICANT,
                    unit={"name": APPLICANT["name"]},
                    project={"name": "碳材料项目", "code": None, "is_key_project": True, "in_industrial_park": True,
                             "total_investment": "12000.50", "address": "园区"})


def pending_types(aggregates) -> list[str]:  # noqa: ANN001
    return [type(e).__name__ for a in aggregates for e in a.pending_events]


# -- coordination ----------------------------------------------------------------------------
def test_acceptance_opens_the_case_with_the_register_in_force_and_a_gap_where_nobody_is_registered():
    catalog = load_catalog()
    staffed, unstaffed = [i.item_no for i in catalog.items[:2]]
    register = {staffed: [{"name": "张三", "phone": "13800000000"}]}
    seen = coordination.Seen(case=None, catalog=catalog, register=register, now=NOW)
    [case] = coordination.policy(accepted([staffed, unstaffed]), seen)
    assert pending_types([case]) == ["CaseOpened"]
    opened = case.pending_events[0]
    assert opened.opened_on == "2026-11-02" and opened.meta["occurred_at"] == NOW.isoformat()
    assert opened.meta["actor"]["username"] == "park_agent" and opened.meta["on_behalf_of"] == APPLICANT["credit_code"]
    assert case.delegation_no == 2 and case.unit_name == APPLICANT["name"] and "address" not in case.project
    assert case.items[staffed]["assignees"] == register[staffed] and not case.items[staffed]["assignee_gap"]
    gap = case.items[unstaffed]
    assert gap["assignees"] == [] and gap["assignee_gap"]
    assert catalog.department(catalog.item(unstaffed).department).name in gap["assignee_gap_reason"]


def test_an_existing_case_or_another_event_decides_nothing():
    catalog = load_catalog()
    no = catalog.items[0].item_no
    [case] = coordination.policy(accepted([no]), coordination.Seen(None, catalog, {}, NOW))
    assert coordination.policy(accepted([no]), coordination.Seen(case, catalog, {}, NOW)) == []
    rejected = upstream("intake.ApplicationRejected", reason="材料不全")
    assert coordination.policy(rejected, coordination.Seen(None, catalog, {}, NOW)) == []


# -- evaluation -------------------------------------------------------------------------------
def opened() -> IntegrationEvent:
    return upstream("coordination.CaseOpened", case_id="BN1", service_point="park", case_agent=AGENT,
                    applicant=APPLICANT, project={"name": "碳材料项目"}, unit_name=APPLICANT["name"],
                    channel="portal", items=[], opened_on="2026-10-01")


def completed(position: int = 2) -> IntegrationEvent:
    return upstream("coordination.CaseCompleted", position, case_id="BN1", completed_on="2026-11-02", note=None,
                    materials_returned=True, service_point="park", case_agent=AGENT, applicant=APPLICANT,
                    project={"name": "碳材料项目", "code": None},
                    items=[{"item_no": 7, "department": "zrzy", "outcome": "approved", "accepted_on": "2026-10-20",
                            "concluded_on": "2026-10-30", "due_date": "2026-11-10", "on_time": True}])


def test_opening_registers_the_case_once():
    [case] = evaluation.policy(opened(), evaluation.Seen(case=None, now=NOW))
    assert pending_types([case]) == ["CaseRegistered"] and not case.concluded
    assert case.pending_events[0].meta["actor"]["role"] == "system"
    case.collect_events()
    assert evaluation.policy(opened(), evaluation.Seen(case=case, now=NOW)) == []


def test_conclusion_invites_once_and_registers_a_case_it_never_saw_open():
    [case] = evaluation.policy(completed(), evaluation.Seen(case=None, now=NOW))
    assert pending_types([case]) == ["CaseRegistered", "RatingInvited"]
    assert case.outcome == "completed" and case.concluded_on == "2026-11-02"
    assert case.items == [{"item_no": 7, "department": "zrzy"}]
    case.collect_events()
    terminated = upstream("coordination.CaseTerminated", 3, case_id="BN1", terminated_on="2026-11-03", reason="x",
                          reason_code="other", service_point="park", case_agent=AGENT, applicant=APPLICANT,
                          project={"name": "碳材料项目"})
    for later in (completed(9), terminated):
        assert evaluation.policy(later, evaluation.Seen(case=case, now=NOW)) == []
    assert case.outcome == "completed"


def test_events_it_does_not_consume_decide_nothing():
    plan = upstream("coordination.PlanSet", case_id="BN1", version=1, steps=[], note=None)
    assert evaluation.policy(plan, evaluation.Seen(case=None, now=NOW)) == []
