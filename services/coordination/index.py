"""A small in-process index of coordination's own notification log: which cases exist, who may
see them, which are open, and the agent-register changes.  A pure fold: the application feeds it
its log (``app.catch_up(index)``) on start and before each use, so it is never stale and needs no
table of its own."""

from __future__ import annotations


class LogIndex:
    wanted = frozenset({"CaseOpened", "CaseAgentReassigned", "CaseCompleted", "CaseTerminated", "AgentRegisterChanged"})

    def __init__(self) -> None:
        self.position = 0
        self.cases: dict[str, dict] = {}
        self.register_changes: list[dict] = []

    def apply(self, e) -> None:  # noqa: ANN001
        name = type(e).__name__
        if name == "CaseOpened":
            self.cases[e.case_id] = {
                "case_id": e.case_id, "status": "open", "service_point": e.service_point,
                "case_agent": e.case_agent["username"], "credit_code": e.applicant.get("credit_code"),
                "departments": sorted({i["department"] for i in e.items}), "project_name": e.project["name"],
                "opened_on": e.opened_on,
            }
        elif name == "CaseAgentReassigned":
            self.cases[e.case_id]["case_agent"] = e.to_agent["username"]
        elif name == "CaseCompleted":
            self.cases[e.case_id]["status"] = "completed"
        elif name == "CaseTerminated":
            self.cases[e.case_id]["status"] = "terminated"
        elif name == "AgentRegisterChanged":
            self.register_changes.append({
                "department": e.department, "change_no": e.change_no, "items": e.items, "replaced": e.replaced,
                "replacement": e.replacement, "effective_on": e.effective_on, "reason": e.reason,
                "recorded_at": e.meta["occurred_at"], "recorded_by": e.meta["actor"]["username"]})
