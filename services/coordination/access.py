"""Who may do what on a case (pure: works on the actor and the case)."""

from __future__ import annotations

from shared.contracts import SERVICE_POINT_ROLE as POINT_ROLE, Actor, Role
from shared.errors import Forbidden, NotFound
from services.coordination.domain import Case

READ_ALL = (Role.supervisor, Role.admin)


def may_read(actor: Actor, case: Case | dict) -> bool:
    c = case if isinstance(case, dict) else _summary(case)
    if actor.role in READ_ALL:
        return True
    if actor.role == Role.applicant:
        return bool(actor.enterprise) and actor.enterprise == c["credit_code"]
    if actor.role == Role.department_agent:
        return actor.department in c["departments"]
    if actor.role in POINT_ROLE.values():
        return actor.username == c["case_agent"] or POINT_ROLE[c["service_point"]] == actor.role
    return False


def require_read(actor: Actor, case: Case) -> None:
    if not may_read(actor, case):
        if actor.role == Role.applicant:  # another enterprise's case does not exist for it
            raise NotFound(f"案件 {case.case_id} 不存在")
        raise Forbidden("无权查看该案件：仅案件代办帮办员、相关审批部门、督查人员和申请单位可以查看")


def require_case_agent(actor: Actor, case: Case, action: str, today: str | None = None) -> None:
    """The case agent, or on ``today`` a deputy covering for them (代岗)."""
    if actor.username not in case.acting_agents(today):
        require_read(actor, case)
        raise Forbidden(f"只有本案件的代办帮办员（{case.case_agent.get('name') or case.case_agent['username']}）可以{action}")


def closure_side(actor: Actor, case: Case, action: str, today: str | None = None) -> str:
    """Which side of the case ``actor`` signs for: the applicant's enterprise, or the case agent."""
    if actor.role == Role.applicant:
        require_read(actor, case)  # another enterprise's case: 404
        return "applicant"
    require_case_agent(actor, case, action, today)
    return "agent"


def require_item_actor(actor: Actor, case: Case, item_no: int, today: str | None = None) -> None:
    item = case.item(item_no)
    if actor.username in case.acting_agents(today):
        return
    if actor.role == Role.department_agent and actor.department == item["department"]:
        return
    require_read(actor, case)
    raise Forbidden(f"事项{item_no}由部门 {item['department']} 承办：只有该部门的代办帮办人员或本案件代办帮办员可以办理")


def _summary(case: Case) -> dict:
    return {"credit_code": case.applicant.get("credit_code"), "case_agent": case.case_agent["username"],
            "service_point": case.service_point, "departments": {i["department"] for i in case.items.values()}}
