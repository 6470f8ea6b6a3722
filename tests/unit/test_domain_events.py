"""Domain events take their fields from the published contracts (shared/domain_events.py).

What must hold for that to be safe: events stored before keep their topics and read back into
the same aggregate state; an event stored before a field with a default was added reads as the
contract's default; an event cannot be triggered without one of its contract's fields."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from shared.contracts import all_contracts
from services.coordination.domain import Case
from services.evaluation.domain import CaseEvaluation, FollowUpDraw
from services.evaluation.rectification import Rectification
from services.evaluation.supervision import Complaint, MonthlySubmission, SubmissionLateFlag, SubmissionReminder, ThirdPartyReport
from services.coordination.calendar_changes import CalendarOverride
from services.coordination.register import AgentRegisterChange
from services.evaluation.calendar_adoption import CalendarAdoption
from services.intake.domain import Application as IntakeApplication

META = {"case_id": "BN1", "actor": {"username": "window_agent", "role": "window_agent", "name": None,
                                    "department": "zwfw", "enterprise": None},
        "on_behalf_of": None, "channel": None, "occurred_at": "2026-09-21T09:00:00+08:00"}
AGGREGATES = {"intake": [IntakeApplication], "coordination": [Case, AgentRegisterChange, CalendarOverride],
              "evaluation": [CaseEvaluation, FollowUpDraw, Rectification, CalendarAdoption, Complaint,
                             MonthlySubmission, SubmissionReminder, SubmissionLateFlag, ThirdPartyReport]}


def test_every_contract_is_the_field_list_of_exactly_one_event_class_with_its_stored_topic():
    found = {}
    for service, aggregates in AGGREGATES.items():
        for aggregate in aggregates:
            for name, cls in vars(aggregate).items():
                if isinstance(cls, type) and getattr(cls, "contract", None) is not None:
                    found[f"{service}.{name}"] = cls
                    fields = [f for f in cls.__dataclass_fields__
                              if f not in ("originator_id", "originator_version", "timestamp", "originator_topic")]
                    assert fields == [*cls.contract.model_fields, "meta"], name
                    # the topic the store records is the one the @event decorator recorded before
                    assert (cls.__module__, cls.__qualname__) == (aggregate.__module__, f"{aggregate.__name__}.{name}")
    assert sorted(found) == sorted(all_contracts())
    assert all(found[name].contract is model for name, model in all_contracts().items())


def stored(app: Application, originator_id, version: int, topic: str, state: dict) -> StoredEvent:
    return StoredEvent(originator_id=originator_id, originator_version=version, topic=topic,
                       state=app.mapper.transcoder.encode(state))


def test_events_stored_by_the_decorator_era_classes_read_back_and_a_field_added_later_reads_its_default():
    app = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    case_id = uuid4()
    item = {"item_no": 7, "name": "用地预审", "department": "zrzy", "stage": 1, "promised_days": 10,
            "statutory_days": 20, "assignees": [], "assignee_gap": True, "assignee_gap_reason": "x"}
    opened = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-09-21T01:00:00+00:00"},
              "originator_topic": "services.coordination.domain:Case", "case_id": "BN1", "service_point": "district",
              "case_agent": {"username": "window_agent"}, "applicant": {"name": "A", "credit_code": None},
              "project": {"name": "P"}, "unit_name": "A", "channel": "portal", "items": [item],
              "opened_on": "2026-09-21", "delegation_no": 1, "meta": META}
    # an ItemStateChanged as stored before ``paused_workdays`` existed (it has a default in the contract)
    filed = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-09-21T01:00:01+00:00"}, "case_id": "BN1",
             "item_no": 7, "department": "zrzy", "action": "file", "from_status": "pending", "to_status": "received",
             "note": None, "missing_materials": [], "until": None, "due_date": None, "due_date_estimated": False,
             "paused": False, "on_date": "2026-09-21", "accepted_on": None, "meta": META}
    events = [app.mapper.to_domain_event(stored(app, case_id, 1, "services.coordination.domain:Case.CaseOpened", opened)),
              app.mapper.to_domain_event(stored(app, case_id, 2, "services.coordination.domain:Case.ItemStateChanged", filed))]
    case = None
    for e in events:
        case = e.mutate(case)
    assert case.case_id == "BN1" and case.items[7]["status"] == "received" and case.items[7]["filed_on"] == "2026-09-21"
    assert events[1].paused_workdays == 0  # the contract's default
    with pytest.raises(AttributeError):
        events[1].no_such_field  # noqa: B018


def test_an_event_cannot_be_triggered_without_a_contract_field():
    case = Case.open(case_id="BN1", service_point="district", case_agent={"username": "window_agent"},
                     applicant={"name": "A", "credit_code": None}, project={"name": "P"}, unit_name="A",
                     channel="portal", items=[], opened_on="2026-09-21", delegation_no=1, meta=META)
    with pytest.raises(TypeError):
        case.trigger_event(Case.PlanSet, case_id="BN1", version=1, steps=[], meta=META)  # no ``note``
    with pytest.raises(TypeError):
        Case.open(case_id="BN2", service_point="district", meta=META)
    assert json.loads(json.dumps(case.pending_events[0].meta)) == META
