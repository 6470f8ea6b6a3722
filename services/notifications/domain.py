"""The ``CaseNotices`` aggregate: everything the notifications service keeps about one case.

Its address book (project, applicant and phone, case agent, items with their departments and agents'
phones, rectifications), the messages made for it (each once per event and recipient: the message id is
derived from both), who read which, and each text message with every attempt to send it.  Pure: no I/O.
These events are the service's own (not published): they are stored encrypted like every service's.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id


class CaseNotices(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("notices", case_id)

    class Started(Aggregate.Created):
        case_id: str

        def apply(self, agg: "CaseNotices") -> None:
            agg.case_id = self.case_id
            agg.book, agg.messages, agg.reads, agg.sms = {}, {}, set(), {}

    class BookNoted(Aggregate.Event):
        book: dict

        def apply(self, agg: "CaseNotices") -> None:
            agg.book = self.book

    class MessageCreated(Aggregate.Event):
        message: dict  # message_id, event_id, recipient, kind, text, link, item_no, due_date, at

        def apply(self, agg: "CaseNotices") -> None:
            agg.messages[self.message["message_id"]] = self.message

    class MessageRead(Aggregate.Event):
        message_id: str
        username: str
        at: str

        def apply(self, agg: "CaseNotices") -> None:
            agg.reads.add((self.message_id, self.username))

    class SmsQueued(Aggregate.Event):
        sms: dict  # sms_id, message_id, phone, text, kind, template_id, params, send_after, created_at

        def apply(self, agg: "CaseNotices") -> None:
            agg.sms[self.sms["sms_id"]] = {**self.sms, "attempts": []}

    class SmsAttempted(Aggregate.Event):
        sms_id: str
        attempt: dict  # at, ok, error, gateway_id

        def apply(self, agg: "CaseNotices") -> None:
            agg.sms[self.sms_id]["attempts"].append(self.attempt)

    @classmethod
    def start(cls, case_id: str) -> "CaseNotices":
        return cls._create(cls.Started, case_id=case_id)

    def note(self, book: dict) -> None:
        if book != self.book:
            self.trigger_event(self.BookNoted, book=book)

    def add_message(self, message: dict) -> bool:
        """Once per message id (event + recipient): a redelivered event adds nothing."""
        if message["message_id"] in self.messages:
            return False
        self.trigger_event(self.MessageCreated, message=message)
        return True

    def mark_read(self, message_id: str, username: str, at: str) -> bool:
        if (message_id, username) in self.reads:
            return False
        self.trigger_event(self.MessageRead, message_id=message_id, username=username, at=at)
        return True

    def queue_sms(self, sms: dict) -> bool:
        if sms["sms_id"] in self.sms:
            return False
        self.trigger_event(self.SmsQueued, sms=sms)
        return True

    def record_attempt(self, sms_id: str, attempt: dict) -> None:
        self.trigger_event(self.SmsAttempted, sms_id=sms_id, attempt=attempt)


def sms_status(sms: dict, max_attempts: int) -> str:
    """waiting (not sent yet, attempts left), sent, failed (every attempt failed)."""
    attempts = sms.get("attempts", [])
    if any(a["ok"] for a in attempts):
        return "sent"
    return "failed" if len(attempts) >= max_attempts else "waiting"
