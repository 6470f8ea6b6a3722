"""Verify the hash chain of each writing service's log: end to end (``bangnin verify``) or for the events a
history shows (``GET /reporting/cases/{id}/history``).

A log breaks where

* an event has no link (it was inserted behind the recorder's back),
* a link has no event (the event was removed),
* an event does not hash to its link with the link before it (it was altered, or an event before it
  was removed or inserted together with its link), or
* the chain ends before, or differs at, the head the relay recorded outside the store (a removed tail).

Reads only (``shared.record.logs``), so it runs beside a serving server.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.messaging.outbox import event_id
from shared.record.chain import GENESIS, link
from shared.record.logs import EventLog, HeadReader, Row, open_log
from shared.settings import Settings


@dataclass(frozen=True)
class Break:
    service: str
    position: int
    reason: str

    def said(self) -> str:
        return f"{self.service}：位置 {self.position}：{self.reason}"


@dataclass
class LogResult:
    service: str
    events: int = 0
    head: tuple[int, str] | None = None  # the chain's last (position, hash)
    recorded_head: tuple[int, str] | None = None
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def _originator(text: str) -> UUID | str:
    try:
        return UUID(text)
    except ValueError:
        return text


def _hash(previous: str, row: Row) -> str:
    return link(previous, *row)


def verify_log(log: EventLog, recorded_head: tuple[int, str] | None) -> LogResult:
    """Walk the whole log and its chain in position order; the first break, if any."""
    result = LogResult(log.service, recorded_head=recorded_head)
    chain = log.chain()
    linked = iter(sorted(chain))  # positions that have a link, in order, walked beside the events
    next_linked = next(linked, None)
    previous, last = GENESIS, 0

    def broken(position: int, reason: str) -> LogResult:
        result.broken = Break(log.service, position, reason)
        return result

    for row in log.events():
        position = row[0]
        if next_linked is not None and next_linked < position:  # a link whose event is gone
            return broken(next_linked, "事件已被删除（哈希链中有此位置，日志中没有）")
        if next_linked != position:
            return broken(position, "事件不在哈希链中（被插入的事件）")
        if _hash(previous, row) != chain[position]:
            return broken(position, "事件内容与哈希链不符（事件被改动，或其前的事件被删除或插入）")
        previous, last = chain[position], position
        next_linked = next(linked, None)
        result.events += 1
    if next_linked is not None:
        return broken(next_linked, "事件已被删除（哈希链中有此位置，日志中没有）")
    result.head = (last, previous) if last else None
    if recorded_head:
        position, recorded = recorded_head
        if position > last:
            return broken(position, f"日志尾部被删除：中继已记录发布至位置 {position}，日志止于位置 {last}")
        if chain.get(position) != recorded:
            return broken(position, "哈希链与中继记录的链头不符（日志被改写）")
    return result


def verify_events(log: EventLog, shown: list[tuple[int, str]], recorded_head: tuple[int, str] | None) -> list[Break]:
    """Check the events a history shows, (position, event id) each: each is the stored event it claims to be,
    hashes to its link from the link before it, and its successor's link hashes from it; and the chain still
    holds the head the relay recorded.  (``bangnin verify`` walks every link.)

    Read in two queries: the rows at and after each position and the links around them (a log's positions
    are consecutive but where a write was rolled back on PostgreSQL; a gap costs a query of its own)."""
    around = sorted({q for p, _ in shown for q in (p - 1, p, p + 1) if q > 0})
    links = log.links_at(around)
    rows = log.events_at(sorted({q for p, _ in shown for q in (p, p + 1)}))
    breaks = []
    for position, shown_id in shown:
        row = rows.get(position)
        if row is None:
            breaks.append(Break(log.service, position, "事件已从日志中删除"))
            continue
        if event_id(_originator(row[1]), row[2]) != shown_id:
            breaks.append(Break(log.service, position, "日志中该位置的事件与所示事件不同"))
            continue
        own = links.get(position)
        previous = links[position - 1] if position - 1 in links else log.link_before(position)
        if own is None or _hash(previous, row) != own:
            breaks.append(Break(log.service, position, "事件内容与哈希链不符"))
            continue
        if position + 1 in links:
            successor, following = (position + 1, links[position + 1]), rows.get(position + 1)
        else:
            successor = log.link_after(position)
            following = log.event(successor[0]) if successor else None
        if successor is not None and (following is None or _hash(own, following) != successor[1]):
            breaks.append(Break(log.service, successor[0], "其后的事件与哈希链不符"))
    if recorded_head and log.link(recorded_head[0]) != recorded_head[1]:
        breaks.append(Break(log.service, recorded_head[0], "哈希链与中继记录的链头不符（日志被改写或尾部被删除）"))
    return breaks


def verify_all(settings: Settings, services: tuple[str, ...]) -> list[LogResult]:
    heads = HeadReader(settings)
    results = []
    try:
        for service in services:
            try:
                log = open_log(settings, service)
            except FileNotFoundError as exc:
                results.append(LogResult(service, broken=Break(service, 0, f"事件存储不存在（{exc}）")))
                continue
            try:
                results.append(verify_log(log, heads.get(service)))
            except Exception as exc:  # an unreadable log is not an intact one  # noqa: BLE001
                results.append(LogResult(service, broken=Break(service, 0, f"事件日志无法读取（{exc}）")))
            finally:
                log.close()
    finally:
        heads.close()
    return results


def verify_shown(settings: Settings, shown: list[dict]) -> list[Break]:
    """The breaks among history entries (``service``, ``position``, ``event_id`` each); none when they verify."""
    by_service: dict[str, list[tuple[int, str]]] = {}
    for entry in shown:
        by_service.setdefault(entry["service"], []).append((entry["position"], entry["event_id"]))
    heads = HeadReader(settings)
    breaks: list[Break] = []
    try:
        for service, events in sorted(by_service.items()):
            try:
                log = open_log(settings, service)
            except FileNotFoundError as exc:
                breaks.append(Break(service, 0, f"事件存储不存在（{exc}）"))
                continue
            try:
                breaks += verify_events(log, events, heads.get(service))
            except Exception as exc:  # noqa: BLE001
                breaks.append(Break(service, 0, f"事件日志无法读取（{exc}）"))
            finally:
                log.close()
    finally:
        heads.close()
    return breaks
