"""The agent register in force (代办帮办人员登记报备): 附件11 with the recorded changes applied.

Coordination assigns a new case's items from it; reporting prints it (附件11 人员信息表).  A change is
the payload of ``coordination.AgentRegisterChanged``."""

from __future__ import annotations

from shared.reference.catalog import Catalog


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
