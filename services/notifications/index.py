"""The notifications service's lookup index, folded from its own log (as evaluation's is): the messages by
recipient address, who read which, and every text message with its attempts.  The application feeds it
(``app.catch_up(index)``) before each query, so it can be dropped at any time and comes out the same."""

from __future__ import annotations

from typing import Any


class NotificationsIndex:
    wanted = frozenset({"Started", "BookNoted", "MessageCreated", "MessageRead", "SmsQueued", "SmsAttempted"})

    def __init__(self) -> None:
        self.position = 0
        self.messages: dict[str, dict] = {}  # message_id → message (with case_id)
        self.by_recipient: dict[str, list[str]] = {}
        self.reads: set[tuple[str, str]] = set()
        self.sms: dict[str, dict] = {}  # sms_id → sms (with case_id and attempts)
        self.case_of: dict[Any, str] = {}  # aggregate id → case id
        self.books: dict[str, dict] = {}  # case id → its address book as last noted

    def apply(self, e: Any) -> None:
        kind = type(e).__name__
        if kind == "Started":
            self.case_of[e.originator_id] = e.case_id
        elif kind == "BookNoted":
            self.books[self.case_of[e.originator_id]] = e.book
        elif kind == "MessageCreated":
            m = dict(e.message)
            if m["message_id"] not in self.messages:
                self.messages[m["message_id"]] = m
                self.by_recipient.setdefault(m["recipient"], []).append(m["message_id"])
        elif kind == "MessageRead":
            self.reads.add((e.message_id, e.username))
        elif kind == "SmsQueued":
            self.sms.setdefault(e.sms["sms_id"], {**e.sms, "attempts": []})
        elif kind == "SmsAttempted":
            self.sms[e.sms_id]["attempts"].append(dict(e.attempt))

    def messages_for(self, addresses: set[str]) -> list[dict]:
        return [self.messages[i] for a in addresses for i in self.by_recipient.get(a, [])]
