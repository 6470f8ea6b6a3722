"""Event rows of the reporting audit log, and the one order every case history is read in."""

from __future__ import annotations

from datetime import datetime, timezone

from shared.contracts import PUBLISHERS, IntegrationEvent
from shared.contracts.calendar import CALENDAR_SUBJECT_PREFIX
from shared.contracts.supervision import COMPLAINT_SUBJECT_PREFIX, SUBMISSION_SUBJECT_PREFIX, THIRD_PARTY_SUBJECT_PREFIX

SERVICE_ORDER = {service: n for n, service in enumerate(PUBLISHERS)}
# coordination's agent register, evaluation's follow-up draws, the working-day calendar, complaints and the
# departments' monthly submissions, the third-party assessors' reports
NOT_A_CASE = ("register:", "draw:", CALENDAR_SUBJECT_PREFIX, COMPLAINT_SUBJECT_PREFIX, SUBMISSION_SUBJECT_PREFIX,
              THIRD_PARTY_SUBJECT_PREFIX)


def sort_key(occurred_at: datetime, service: str, position: int) -> str:
    """Order of a case's history: time (UTC, to the microsecond), then intake < coordination < evaluation,
    then position in the publishing service's log.  Text, so every store orders it the same way."""
    utc = occurred_at.astimezone(timezone.utc)  # the year padded by hand: strftime's %Y gives "500" for 0500
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S.%f}Z|{SERVICE_ORDER.get(service, 9)}|{position:012d}"


def subject(event: IntegrationEvent) -> str:
    """The case an event is about: its case id, or the visited case of a follow-up visit."""
    if event.type == "evaluation.FollowUpVisited" and event.payload.get("visited_case_id"):
        return event.payload["visited_case_id"]
    return event.case_id


def event_row(event: IntegrationEvent) -> dict:
    """The stored form of an integration event (JSON-plain, deterministic: no processing timestamps)."""
    return {
        "event_id": event.event_id,
        "service": event.service,
        "position": event.position,
        "case_id": event.case_id,
        "subject": subject(event),
        "type": event.type,
        "schema_version": event.schema_version,
        "occurred_at": event.occurred_at.isoformat(),
        "sort_key": sort_key(event.occurred_at, event.service, event.position),
        "actor": event.actor.model_dump(mode="json"),
        "on_behalf_of": event.on_behalf_of,
        "channel": event.channel,
        "payload": event.payload,
    }


def is_case(case_id: str) -> bool:
    return not case_id.startswith(NOT_A_CASE)


def history_entry(row: dict) -> dict:
    """One entry of ``GET /reporting/cases/{id}/history``."""
    return {
        "event_id": row["event_id"], "service": row["service"], "position": row["position"], "type": row["type"],
        "schema_version": row["schema_version"], "occurred_at": row["occurred_at"], "actor": row["actor"],
        "on_behalf_of": row["on_behalf_of"], "channel": row["channel"], "data": row["payload"],
    }
