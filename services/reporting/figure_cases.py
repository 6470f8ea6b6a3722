"""The cases behind a figure (pure): the members the figure's own code counted, so their number is the figure.

``figure`` names a count of ``GET /reporting/satisfaction`` (``ratings``, ``good``, ``level.dissatisfied``,
``department.zrzy`` … see :func:`services.reporting.figures.satisfaction_members`), of ``GET /reporting/workloads``
(``workload.<field>``: the departments' rows summed, e.g. ``workload.past_due_items``) or of the scorecard
(``assessment.<department>.handled_items`` / ``.overdue_items``).
"""

from __future__ import annotations

import re

from services.reporting.assessment import overdue_members, reference_day
from services.reporting.figures import LOAD_FIELDS, Basis, satisfaction_members, workload_members
from services.reporting.periods import Period

FIGURE = re.compile(r"^[a-z_]+(\.[A-Za-z0-9_\-]{1,64}){0,2}$")
WORKLOAD_FIELDS = ("open_cases", *LOAD_FIELDS)


class UnknownFigure(ValueError):
    pass


def figure_members(cases: list[dict], basis: Basis, figure: str, period: Period = Period(),
                   department: str | None = None, channel: str | None = None) -> list[dict]:
    if not FIGURE.match(figure):
        raise UnknownFigure(figure)
    kind, _, rest = figure.partition(".")
    if kind == "workload":
        if rest not in WORKLOAD_FIELDS:
            raise UnknownFigure(figure)
        depts, _, _ = workload_members(cases, basis, period, department)
        return [entry for _, row in sorted(depts.items()) for entry in row[rest]]
    if kind == "assessment":
        code, _, field = rest.partition(".")
        if field not in ("handled_items", "overdue_items") or (department and code != department):
            raise UnknownFigure(figure)
        return overdue_members(cases, code, period, reference_day(basis, period))[field]
    members = satisfaction_members(cases, basis, period, department, channel)
    if figure in members:
        return members[figure]
    if kind in ("level", "channel", "department", "agent", "item") and rest:
        return []  # a group's value nothing counted
    raise UnknownFigure(figure)
