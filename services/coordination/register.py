"""The agent register (代办帮办人员登记报备): each change of a department's agents is one aggregate.

A change names the department, the items it concerns, who is replaced (if anyone) and by whom,
from which date and why.  Its events use ``case_id = "register:<department>"`` (not a case).
The effective register is 附件11 (the catalog's agents) with the changes applied in order; new
cases take their item assignees from it.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.application import stable_id
from shared.reference import Catalog


def register_case_id(department: str) -> str:
    return f"register:{department}"


class AgentRegisterChange(Aggregate):
    @staticmethod
    def create_id(department: str, change_no: int, **_: Any):  # noqa: ANN205
        return stable_id("agent-register-change", f"{department}:{change_no}")

    @event("AgentRegisterChanged")
    def __init__(self, case_id: str, department: str, change_no: int, items: list[int], replaced: dict | None,
                 replacement: dict, effective_on: str, reason: str, meta: dict) -> None:
        self.department, self.change_no, self.items = department, change_no, items
        self.replaced, self.replacement = replaced, replacement
        self.effective_on, self.reason = effective_on, reason
        self.recorded_by, self.recorded_at = meta["actor"], meta["occurred_at"]

    def as_dict(self) -> dict:
        return {"department": self.department, "change_no": self.change_no, "items": self.items,
                "replaced": self.replaced, "replacement": self.replacement, "effective_on": self.effective_on,
                "reason": self.reason, "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}


def effective_assignees(catalog: Catalog, changes: list[dict], today: str) -> dict[int, list[dict]]:
    """item_no -> [{name, phone}] as registered today: 附件11 with the changes in force applied in order."""
    table = {i.item_no: [{"name": a.name, "phone": a.phone} for a in catalog.agents_for(i.item_no)]
             for i in catalog.items}
    for change in sorted(changes, key=lambda c: (c["effective_on"], c["change_no"])):
        if change["effective_on"] > today:
            continue
        for no in change["items"]:
            people = table.setdefault(no, [])
            if change["replaced"]:
                people[:] = [p for p in people if p["name"] != change["replaced"]["name"]]
            if all(p["name"] != change["replacement"]["name"] for p in people):
                people.append(dict(change["replacement"]))
    return table
