"""Helpers for the coordination e2e tests."""

from __future__ import annotations

from datetime import datetime

from shared.clock import CHINA
from shared.messaging.outbox import read_log


def act(api, case_id: str, item_no: int, action: str, as_: str, expect: int = 200, **fields):  # noqa: ANN001
    r = api.post(f"/coordination/cases/{case_id}/items/{item_no}/actions", as_, json={"action": action, **fields})
    assert r.status_code == expect, r.text
    return r.json()


def case(api, case_id: str, as_: str = "supervisor") -> dict:  # noqa: ANN001
    r = api.get(f"/coordination/cases/{case_id}", as_)
    assert r.status_code == 200, r.text
    return r.json()


def item(body: dict, item_no: int) -> dict:
    return next(i for i in body["items"] if i["item_no"] == item_no)


def on(clock, y: int, m: int, d: int, hour: int = 9) -> None:  # noqa: ANN001
    clock.set(datetime(y, m, d, hour, 0, tzinfo=CHINA))


def events(api, service: str = "coordination", case_id: str | None = None, type_: str | None = None) -> list:  # noqa: ANN001
    app = getattr(api.runtime.services, service)
    found = read_log(app, service, 0, 100_000)
    return [e for e in found if (case_id is None or e.case_id == case_id) and (type_ is None or e.type == type_)]
