"""The read-store port of reporting: what a projection needs from a database, and nothing more.

An adapter (SQLite in the embedded default, MongoDB in the distributed runtime) implements
:class:`ReadStore` and :class:`Unit`.  Projection logic never touches a database directly.

Data model (both adapters):

* ``events``: every integration event received, one row per event, as made by
  :func:`services.reporting.caseview.event_row`: ``event_id`` (unique), ``service``,
  ``position`` (unique together with ``service``: this *is* the tracking record), ``case_id`` (as
  published), ``subject`` (the case the event is about: ``case_id``, or the visited case of a follow-up visit),
  ``type``, ``schema_version``, ``occurred_at`` (ISO text as published), ``sort_key`` (text; the
  order of a case's history), ``actor`` (dict), ``on_behalf_of``, ``channel``, ``payload`` (dict).
  MongoDB: one collection, unique indexes on ``event_id`` and ``(service, position)``, indexes on
  ``(subject, sort_key)`` and ``(type, sort_key)``.
* documents: ``(collection, key) -> dict`` (JSON-plain).  Collections used: ``cases`` (key: case id).
  MongoDB: one collection per name, ``_id`` = key.
* the case index (:mod:`services.reporting.case_index`): one row per case document, written by the unit of
  work that writes the document, from it; a store written before the index existed is indexed when opened.
  SQLite: table ``case_index``, indexed on ``(submitted_at, case_id)``; MongoDB: collection ``case_index``,
  indexed on ``(submitted_at, _id)``, ``departments``, ``service_point``, ``enterprise``.

Contract of a unit of work (``with store.transaction() as unit``): everything written in it
is committed together or not at all, and it sees its own writes.  Callers serialise units
(the projector holds a lock), so an adapter needs no optimistic concurrency of its own.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Iterable, Protocol

from services.reporting.case_index import CaseQuery


class Unit(Protocol):
    def seen(self, service: str, position: int) -> bool:
        """True when the event at ``position`` of ``service``'s log was stored before."""

    def add_event(self, row: dict) -> None:
        """Store one event row (see the module docstring); it is also the tracking record."""

    def events_for_case(self, case_id: str) -> list[dict]:
        """Rows whose ``subject`` is the case, ordered by ``sort_key`` (including this unit's own inserts)."""

    def get(self, collection: str, key: str) -> dict | None: ...

    def put(self, collection: str, key: str, doc: dict) -> None: ...


class ReadStore(Protocol):
    def transaction(self) -> AbstractContextManager[Unit]: ...

    def get(self, collection: str, key: str) -> dict | None: ...

    def find(self, collection: str, **equals: object) -> list[dict]:
        """Documents whose top-level fields equal the given values (all of them when none), by key."""

    def list_cases(self, query: CaseQuery) -> tuple[int, list[dict]]:
        """How many cases meet the query's conditions, and the documents of its page (newest first)."""

    def events_for_case(self, case_id: str, until_sort_key: str | None = None) -> list[dict]:
        """Rows whose ``subject`` is the case, in ``sort_key`` order, up to and including ``until_sort_key``."""

    def events_of_type(self, event_type: str) -> list[dict]:
        """Rows of one event type (e.g. every calendar change), in ``sort_key`` order."""

    def last_position(self, service: str) -> int:
        """The highest position of ``service``'s log stored (0: none); events of a service arrive in log order."""

    def all_events(self) -> Iterable[dict]:
        """Every event row, ordered by ``(service, position)`` (for exports and comparisons)."""

    def drop(self) -> None:
        """Remove every event row and document (a rebuild starts from here)."""

    def close(self) -> None: ...
