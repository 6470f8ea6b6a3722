"""The agent register (代办帮办人员登记报备): each change of a department's agents is one aggregate.

A change names the department, the items it concerns, who is replaced (if anyone) and by whom,
from which date and why.  Its events use ``case_id = "register:<department>"`` (not a case).
The effective register is 附件11 (the catalog's agents) with the changes applied in order; new
cases take their item assignees from it.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import coordination as contracts
from shared.domain_events import FromContract, fields_of


def register_case_id(department: str) -> str:
    return f"register:{department}"


class AgentRegisterChange(Aggregate):
    @staticmethod
    def create_id(department: str, change_no: int, **_: Any):  # noqa: ANN205
        return stable_id("agent-register-change", f"{department}:{change_no}")

    class AgentRegisterChanged(FromContract, Aggregate.Created):
        contract = contracts.AgentRegisterChanged

        def apply(self, change: "AgentRegisterChange") -> None:
            for name, value in fields_of(self, without=("case_id",)).items():
                setattr(change, name, value)
            change.recorded_by, change.recorded_at = self.meta["actor"], self.meta["occurred_at"]

    @classmethod
    def record(cls, **fields: Any) -> "AgentRegisterChange":
        """A change of a department's agents: the fields of ``coordination.AgentRegisterChanged`` and ``meta``."""
        return cls._create(cls.AgentRegisterChanged, **fields)

    def as_dict(self) -> dict:
        return {"department": self.department, "change_no": self.change_no, "items": self.items,
                "replaced": self.replaced, "replacement": self.replacement, "effective_on": self.effective_on,
                "reason": self.reason, "recorded_by": self.recorded_by, "recorded_at": self.recorded_at}
