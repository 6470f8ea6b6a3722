"""The notifications service: messages in the inbox and text messages, from every publisher's events.

It consumes intake, coordination and evaluation (``ServiceApplication.consume``: the effect and the tracking
record in one transaction, so a redelivered event is skipped) and keeps, per case, one ``CaseNotices``
aggregate in its own event store (SQLite file embedded, its PostgreSQL schema distributed). It publishes
nothing. The scheduled check :meth:`NotificationService.send_due_sms` sends the text messages whose time
has come, through the SMS port (:mod:`services.notifications.sms`), recording every attempt.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Callable

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from shared.application import CommandContext, ServiceApplication, stable_id
from shared.clock import Clock
from shared.contracts import IntegrationEvent
from shared.contracts.calendar import CalendarOverridden
from shared.contracts.coordination import AgentRegisterChanged
from shared.contracts.supervision import MonthlySubmissionOverdue, MonthlySubmissionReminded
from shared.reference import load_catalog
from shared.reference.register import effective_assignees
from shared.errors import NotFound
from shared.settings import Settings
from shared.workcalendar import CalendarChange, CalendarSource
from services.notifications import rules
from services.notifications.domain import CaseNotices, sms_status
from services.notifications.index import NotificationsIndex
from services.notifications.sms import OutgoingSms, RecordingGateway, SmsFailed, SmsGateway, gateway_for, send_after

CALENDAR_CHANGED = CalendarOverridden.event_type
REGISTER_CHANGED = AgentRegisterChanged.event_type
TO_DEPARTMENTS = (MonthlySubmissionReminded.event_type, MonthlySubmissionOverdue.event_type)  # not about a case
NOT_A_CASE = ("register:", "draw:")


class NotificationService(ServiceApplication):
    service_name = "notifications"

    def __init__(self, env: dict[str, str], clock: Clock, calendar: CalendarSource, settings: Settings,
                 read_store: Callable[[], Any] | None = None) -> None:
        super().__init__(env=env, clock=clock)
        self.calendar_source = calendar
        self.settings = settings
        self.recording = RecordingGateway()
        self.index = NotificationsIndex()
        self._read_store = read_store
        self._reader = None
        self._sending = threading.Lock()
        # the calendar changes it was told of (kept in its own store): count on them again from the start
        calendar.apply(*(CalendarChange.from_payload(e.book["calendar_change"])
                         for e in self.stored_events(CaseNotices.BookNoted) if "calendar_change" in e.book))

    # -- consuming ---------------------------------------------------------------------------
    def policy(self, event: IntegrationEvent, processing: ProcessingEvent) -> None:
        if event.type == REGISTER_CHANGED:  # kept (one book per department): the phones of its agents as in force
            notices = self._find(CaseNotices.create_id(event.case_id)) or CaseNotices.start(event.case_id)
            changes = {**notices.book.get("register_changes", {}), str(event.payload["change_no"]): event.payload}
            notices.note({"case_id": event.case_id, "register_changes": changes})
            processing.collect_events(notices)
            return
        if event.case_id.startswith(NOT_A_CASE):
            return
        notices = self._find(CaseNotices.create_id(event.case_id))
        if event.type == CALENDAR_CHANGED:
            notices = notices or CaseNotices.start(event.case_id)
            notices.note({"calendar_change": event.payload})
            processing.collect_events(notices)
            return
        decision = rules.decide(event, notices.book if notices else None, self.settings.public_url,
                                self.department_phones() if event.type in TO_DEPARTMENTS else None)
        if notices is None:
            if not decision.notices and decision.book == rules.empty_book(event.case_id):
                return
            notices = CaseNotices.start(event.case_id)
        notices.note(decision.book)
        # an event older than a day (a consumer new to an old log reads it from the start) gets its message,
        # not a text message: nobody is to be woken by last year's deadline
        fresh = self.clock.now() - event.occurred_at < dt.timedelta(days=1)
        self.tell(notices, event.event_id, event.type, decision.notices, texts=fresh)
        processing.collect_events(notices)

    def department_phones(self) -> dict[str, list[str]]:
        """Each department's registered agents' phones today: 附件11 with the 登记报备 changes it was told of."""
        index, catalog = self.catch_up(self.index), load_catalog()
        changes = [c for case_id, book in index.books.items() if case_id.startswith("register:")
                   for c in book.get("register_changes", {}).values()]
        found: dict[str, list[str]] = {}
        table = effective_assignees(catalog, changes, self.clock.now().date().isoformat())
        for item in catalog.items:
            phones = found.setdefault(item.department, [])
            phones += [p["phone"] for p in table.get(item.item_no, []) if p.get("phone") and p["phone"] not in phones]
        return found

    def tell(self, notices: CaseNotices, key: str, source: str, told: list[rules.Notice], texts: bool = True) -> None:
        """Each notice as a message (once per ``key`` and recipient) and its text messages (once per key and phone)."""
        now = self.clock.now()
        wait_until = send_after(now, self.calendar_source.current, self.window())
        for n in told:
            message_id = str(stable_id("message", f"{key}|{n.recipient}"))
            added = notices.add_message({
                "message_id": message_id, "event_id": key, "event_type": source,
                "case_id": notices.case_id, "recipient": n.recipient, "kind": n.kind, "text": n.text, "link": n.link,
                "item_no": n.item_no, "due_date": n.due_date, "project": notices.book.get("project"),
                "item_name": (notices.book.get("items", {}).get(str(n.item_no)) or {}).get("name") if n.item_no else None,
                "at": now.isoformat(), "on": now.date().isoformat()})
            for phone in n.phones if added and texts else ():
                notices.queue_sms({
                    "sms_id": str(stable_id("sms", f"{key}|{phone}")), "message_id": message_id,
                    "case_id": notices.case_id, "phone": phone, "text": self.sms_text(n.sms or n.text), "kind": n.kind,
                    "template_id": self.settings.sms_templates.get(n.kind),
                    "params": {"text": n.text, "due_date": n.due_date or ""},
                    "send_after": wait_until.isoformat(), "created_at": now.isoformat()})

    def remind_cross_level(self) -> int:
        """The scheduled check: a 协办单 whose 答复期限 has come unanswered is told to the case agent, once."""
        index, today = self.catch_up(self.index), self.clock.now().date().isoformat()
        told = 0
        for case_id, book in list(index.books.items()):
            due = [(key, n) for key, n in rules.cross_level_due(book, today)
                   if str(stable_id("message", f"{key}|{n.recipient}")) not in index.messages]
            for key, notice in due:
                self.update(lambda c=case_id: self.repository.get(CaseNotices.create_id(c)),
                            lambda notices, k=key, n=notice: self.tell(notices, k, "cross_level_due", [n]))
                told += 1
        return told

    def consume(self, event: IntegrationEvent) -> bool:
        new = super().consume(event)
        if event.type == CALENDAR_CHANGED:  # recorded (now or before): count on it from now on
            self.calendar_source.apply(CalendarChange.from_payload(event.payload))
        return new

    def sms_text(self, text: str) -> str:
        return f"【{self.settings.sms_signature}】{text}"

    def window(self) -> tuple[dt.time, dt.time]:
        return self.settings.sms_window_start, self.settings.sms_window_end

    # -- the inbox ---------------------------------------------------------------------------
    def messages_for(self, addresses: set[str], username: str) -> list[dict]:
        index = self.catch_up(self.index)
        found = [{**m, "read": (m["message_id"], username) in index.reads} for m in index.messages_for(addresses)]
        found.sort(key=lambda m: m["at"], reverse=True)
        return found

    def mark_read(self, ctx: CommandContext, addresses: set[str], message_id: str) -> dict:
        index = self.catch_up(self.index)
        message = index.messages.get(message_id)
        if message is None or message["recipient"] not in addresses:
            raise NotFound("消息不存在", code="message_not_found")
        username = ctx.actor.username
        self.update(lambda: self.repository.get(CaseNotices.create_id(message["case_id"])),
                    lambda notices: notices.mark_read(message_id, username, self.clock.now().isoformat()))
        return {**message, "read": True}

    def reader(self):  # noqa: ANN201 (a services.reporting.service.ReportingService over the read store)
        """Reporting's read store, read here for the to-dos of the inbox (a process without reporting)."""
        if self._reader is None:
            from services.reporting.service import ReportingService

            self._reader = ReportingService(self._read_store(), self.clock, self.calendar_source, self.settings)
        return self._reader

    # -- text messages -----------------------------------------------------------------------
    def gateway(self) -> SmsGateway:
        if self.settings.sms_gateway_url:
            return gateway_for(self.settings.sms_gateway_url, self.settings.sms_gateway_secret)
        return self.recording

    def text_messages(self) -> list[dict]:
        index = self.catch_up(self.index)
        found = []
        for sms in index.sms.values():
            attempts = sms["attempts"]
            sent = next((a["at"] for a in attempts if a["ok"]), None)
            found.append({**sms, "status": sms_status(sms, self.settings.sms_max_attempts), "sent_at": sent})
        found.sort(key=lambda s: s["created_at"], reverse=True)
        return found

    def send_due_sms(self) -> int:
        """Send every waiting text message whose time has come (a working day, in the window); each attempt
        is recorded, a failed one is tried again at the next run until ``SMS_MAX_ATTEMPTS``. Returns how many
        were sent."""
        with self._sending:
            now = self.clock.now()
            if send_after(now, self.calendar_source.current, self.window()) > now:
                return 0  # night or a non-working day: everything waits for the next working morning
            sent = 0
            gateway = self.gateway()
            for sms in self.text_messages():
                if sms["status"] != "waiting" or dt.datetime.fromisoformat(sms["send_after"]) > now:
                    continue
                attempt: dict[str, Any] = {"at": self.clock.now().isoformat(), "ok": False, "error": None,
                                           "gateway_id": None, "gateway": type(gateway).__name__}
                try:
                    attempt["gateway_id"] = gateway.send(OutgoingSms(
                        sms["sms_id"], sms["phone"], sms["text"], sms["kind"], sms["template_id"], sms["params"]))
                    attempt["ok"] = True
                    sent += 1
                except SmsFailed as exc:
                    attempt["error"] = str(exc)
                except Exception as exc:  # noqa: BLE001 - an adapter's bug is an attempt that failed, recorded
                    attempt["error"] = f"{type(exc).__name__}"
                self.update(lambda s=sms: self.repository.get(CaseNotices.create_id(s["case_id"])),
                            lambda notices, s=sms, a=attempt: notices.record_attempt(s["sms_id"], a))
            return sent

    def _find(self, aggregate_id):  # noqa: ANN001, ANN202
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
