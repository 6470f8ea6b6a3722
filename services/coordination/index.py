"""A small in-process index of coordination's own notification log: which cases exist, who may
see them, which are open, and the agent-register changes.  Rebuilt from the log on start and
brought up to date before each use, so it is never stale and needs no table of its own."""

from __future__ import annotations

import threading

_WANTED = {"CaseOpened", "CaseAgentReassigned", "CaseCompleted", "CaseTerminated", "AgentRegisterChanged"}


class LogIndex:
    def __init__(self) -> None:
        self.position = 0
        self.cases: dict[str, dict] = {}
        self.register_changes: list[dict] = []
        self._lock = threading.Lock()

    def refresh(self, app) -> None:  # noqa: ANN001
        with self._lock:
            while True:
                batch = list(app.recorder.select_notifications(start=self.position + 1, limit=500))
                if not batch:
                    return
                for n in batch:
                    name = n.topic.rsplit(".", 1)[-1]
                    if name in _WANTED:
                        self._apply(name, app.mapper.to_domain_event(n))
                    self.position = n.id

    def _apply(self, name: str, e) -> None:  # noqa: ANN001
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
