"""Who is told what: a pure decision over one integration event and what the service knows of its case.

``decide(event, book, public_url)`` returns the case's address book after the event (project, applicant,
phones, case agent, items and their departments and phones, open rectifications) and the notices the event
gives rise to: each names its recipient — an *address*, not an account, so that accounts made later see it
too: ``user:<username>``, ``department:<code>`` (that department's agents), ``point:<district|park>`` (the
service point's agents), ``enterprise:<统一社会信用代码>`` (the applicant), ``role:supervisor`` — its kind, a
Chinese text naming the project and the due date where there is one, the link, and the phones a text
message (SMS) goes to, where a phone is known (the applicant's 联系电话 from the 申请表, the item's agents
from the register, 附件11). No store, no clock: the application looks the book up and records the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.contracts import IntegrationEvent
from shared.contracts.coordination import ITEM_STATUS_LABELS
from shared.contracts.evaluation import LEVEL_LABELS
from shared.reference import load_catalog

# What the rating invitation says the service ended in (evaluation.RatingInvited outcome)
RATED_OUTCOMES = {"completed": "已办结", "terminated": "已终止", "rejected": "的申请未予受理", "withdrawn": "的申请已撤回"}

CONCLUDED = {"approved", "concluded_with_deficiency", "refused", "withdrawn"}
KIND_LABELS: dict[str, str] = {
    "application_to_accept": "新申请待受理", "application_result": "申请受理结果", "item_filed": "事项待受理",
    "correction_requested": "补正通知", "deadline_warning": "临期提醒", "overdue": "超期督办",
    "cross_level_due": "协办单", "closure_to_confirm": "待确认办结/终止", "rating_invitation": "评价邀请",
    "rectification": "差评整改", "result": "办理结果", "case_assigned": "案件分派", "cover": "代岗",
    "submission_due": "月度报送提醒", "submission_late": "逾期未报送",
}


@dataclass(frozen=True)
class Notice:
    kind: str
    recipient: str
    text: str
    link: str
    item_no: int | None = None
    due_date: str | None = None
    phones: tuple[str, ...] = ()  # SMS to these, where known
    sms: str | None = None  # the text message's words, where they differ from the message's (a full link)


@dataclass
class Decision:
    book: dict[str, Any]
    notices: list[Notice] = field(default_factory=list)


def empty_book(case_id: str) -> dict[str, Any]:
    return {"case_id": case_id, "project": None, "enterprise": None, "enterprise_name": None, "phone": None,
            "service_point": None, "case_agent": None, "items": {}, "rectifications": {}, "cross_level": {}}


def _phones(people: list[dict] | None) -> list[str]:
    return [p["phone"] for p in people or [] if p.get("phone")]


def submission_link(month: str) -> str:
    """The page where a department's agents write their month's submission (services/web)."""
    return f"/submissions/{month}"


def month_label(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def decide(event: IntegrationEvent, book: dict[str, Any] | None, public_url: str = "",
           department_phones: dict[str, list[str]] | None = None) -> Decision:
    """The notices ``event`` gives rise to, and the case's address book after it (pure); ``department_phones``:
    the phones of each department's registered agents (附件11 as in force), for what is sent to a department
    rather than about a case's item."""
    p, case_id = event.payload, event.case_id
    book = {**(book or empty_book(case_id))}
    book["items"] = {str(k): dict(v) for k, v in book.get("items", {}).items()}
    book["rectifications"] = dict(book.get("rectifications", {}))
    book["cross_level"] = dict(book.get("cross_level", {}))
    out = Decision(book)
    link = f"/cases/{case_id}"
    t = event.type

    def project() -> str:
        return f"「{book.get('project') or '（未命名项目）'}」"

    def applicant(kind: str, text: str, *, item_no: int | None = None, due: str | None = None,
                  to: str | None = None, sms: str | None = None) -> None:
        if book.get("enterprise"):
            phones = (book["phone"],) if book.get("phone") else ()
            out.notices.append(Notice(kind, f"enterprise:{book['enterprise']}", text, to or link, item_no, due, phones,
                                      sms))

    def agent(kind: str, text: str, *, item_no: int | None = None, due: str | None = None) -> None:
        if book.get("case_agent"):
            out.notices.append(Notice(kind, f"user:{book['case_agent']}", text, link, item_no, due))

    def department(code: str | None, kind: str, text: str, *, item_no: int | None = None, due: str | None = None,
                   phones: list[str] | None = None) -> None:
        if code:
            out.notices.append(Notice(kind, f"department:{code}", text, link, item_no, due, tuple(phones or ())))

    def item(no: int) -> dict:
        return book["items"].get(str(no)) or {"name": f"第{no}项事项", "department": p.get("department"), "phones": []}

    if t in ("intake.ApplicationSubmitted", "intake.ApplicationAccepted", "intake.ApplicationAmended"):
        unit, proj, who = p.get("unit") or {}, p.get("project") or {}, p.get("applicant") or {}
        book["project"] = proj.get("name") or book.get("project")
        book["phone"] = unit.get("phone") or book.get("phone")
        book["enterprise"] = who.get("credit_code") or book.get("enterprise")
        book["enterprise_name"] = who.get("name") or book.get("enterprise_name")
        book["service_point"] = p.get("service_point") or book.get("service_point")
        if t == "intake.ApplicationSubmitted":
            out.notices.append(Notice("application_to_accept", f"point:{book['service_point']}",
                                      f"新申请待受理：{book['enterprise_name'] or ''}{project()}，请核对授权委托书、承诺书后受理",
                                      link))
        elif t == "intake.ApplicationAccepted":
            book["case_agent"] = (p.get("case_agent") or {}).get("username")
            name = (p.get("case_agent") or {}).get("name") or book["case_agent"]
            applicant("application_result", f"您的代办帮办申请{project()}已受理，案件代办帮办员：{name}")
    elif t == "intake.ApplicationRejected":
        applicant("application_result", f"您的代办帮办申请{project()}不予受理，原因：{p.get('reason') or ''}")
    elif t == "coordination.CaseOpened":
        book["project"] = (p.get("project") or {}).get("name") or book.get("project")
        book["enterprise"] = (p.get("applicant") or {}).get("credit_code") or book.get("enterprise")
        book["enterprise_name"] = (p.get("applicant") or {}).get("name") or book.get("enterprise_name")
        book["service_point"] = p.get("service_point") or book.get("service_point")
        book["case_agent"] = (p.get("case_agent") or {}).get("username") or book.get("case_agent")
        for i in p.get("items", []):
            book["items"][str(i["item_no"])] = {"name": i["name"], "department": i["department"],
                                                "phones": _phones(i.get("assignees"))}
    elif t == "coordination.CaseAgentReassigned":
        book["case_agent"] = (p.get("to_agent") or {}).get("username")
        agent("case_assigned", f"案件{project()}已改由您代办帮办")
    elif t == "coordination.CaseCoverArranged":  # 代岗: the applicant is told, the deputy is asked to act
        deputy, who = p["deputy"], p["deputy"].get("name") or p["deputy"]["username"]
        period = f"{p['from_date']}至{p['to_date']}"
        applicant("cover", f"{period}，{project()}由{who}代岗办理（{p['agent'].get('name') or '代办帮办员'}休假、出差等期间）")
        out.notices.append(Notice("cover", f"user:{deputy['username']}", f"{period}请代岗办理{project()}", link))
    elif t == "coordination.ItemStateChanged":
        no, to = p["item_no"], p["to_status"]
        it = item(no)
        name = it["name"]
        if p["action"] == "file":
            due = p.get("acceptance_due")
            department(p["department"], "item_filed",
                       f"事项待受理：{project()}{name}已申报（收件）" + (f"，请于{due}前受理或一次性告知补正" if due else ""),
                       item_no=no, due=due, phones=it.get("phones"))
        elif to == "correction":
            materials = "、".join(p.get("missing_materials") or []) or "见补正告知"
            applicant("correction_requested", f"补正通知：{project()}{name}需补正材料：{materials}。请尽快补正",
                      item_no=no)
        elif to in CONCLUDED and p.get("from_status") not in CONCLUDED:
            text = f"办理结果：{project()}{name}：{ITEM_STATUS_LABELS.get(to, to)}"
            applicant("result", text, item_no=no)
            agent("result", text, item_no=no)
    elif t == "coordination.ItemDeadlineWarned":
        no, due = p["item_no"], p["due_date"]
        it = item(no)
        department(p["department"], "deadline_warning",
                   f"临期提醒：{project()}{it['name']}将于{due}到达承诺办结时限，请抓紧办理",
                   item_no=no, due=due, phones=it.get("phones"))
    elif t == "coordination.ItemOverdue":
        no, due = p["item_no"], p["due_date"]
        it = item(no)
        text = f"超期督办：{project()}{it['name']}已超过承诺办结时限（{due}）"
        agent("overdue", text, item_no=no, due=due)
        department(p["department"], "overdue", text, item_no=no, due=due, phones=it.get("phones"))
        out.notices.append(Notice("overdue", "role:supervisor", text, link, no, due))
    elif t == "coordination.CrossLevelRequested":
        due = p["due_date"]
        book["cross_level"][p["request_id"]] = {"due_date": due, "unit": p["requested_unit"]}
        agent("cross_level_due", f"协办单{p['request_id']}（{p['requested_unit']}）已发出：{project()}，"
                                 f"答复期限{due}，请跟进协办结果", due=due)
    elif t == "coordination.CrossLevelAnswered":
        book["cross_level"].pop(p["request_id"], None)
        agent("result", f"协办结果已反馈：{project()}协办单{p['request_id']}（{p['assisting_center']}）")
    elif t == "coordination.ClosureProposed":
        paper = "办结单" if p["kind"] == "completion" else "终止单"
        if p["side"] == "agent":
            applicant("closure_to_confirm", f"请确认{project()}的{paper}（经双方认可后{'办结' if p['kind'] == 'completion' else '终止'}）")
        else:
            agent("closure_to_confirm", f"申请人申请终止{project()}的代办帮办：请确认终止单")
    elif t in ("coordination.CaseCompleted", "coordination.CaseTerminated"):
        done = "办结" if t == "coordination.CaseCompleted" else "终止"
        agent("result", f"{project()}已{done}（经双方认可）")
    elif t == "evaluation.RatingInvited":
        book["project"] = book.get("project") or (p.get("project") or {}).get("name")
        book["enterprise"] = book.get("enterprise") or (p.get("applicant") or {}).get("credit_code")
        done = RATED_OUTCOMES.get(p.get("outcome"), "已办结")
        rating = f"{link}/rating"
        text = f"{project()}{done}，欢迎对本次代办帮办服务作出评价（好差评）"
        applicant("rating_invitation", text, to=rating, sms=f"{text}：{public_url.rstrip('/')}{rating}")
    elif t == "evaluation.RectificationOpened":
        due = p["due_date"]
        owner = (p.get("agent") or {}).get("username")
        book["rectifications"][p["rectification_id"]] = {"department": p["department"], "agent": owner}
        text = (f"差评整改：{project()}收到“{LEVEL_LABELS.get(p['level'], p['level'])}”评价，"
                f"请于{due}前完成整改")
        department(p["department"], "rectification", text, due=due)
        if owner:
            out.notices.append(Notice("rectification", f"user:{owner}", text, link, None, due))
    elif t == "evaluation.RectificationOverdue":
        due = p["due_date"]
        r = book["rectifications"].get(p["rectification_id"]) or {}
        text = f"整改超期：{project()}的差评整改已超过整改期限（{due}）"
        department(r.get("department"), "overdue", text, due=due)
        out.notices.append(Notice("overdue", "role:supervisor", text, link, None, due))
    elif t in ("evaluation.MonthlySubmissionReminded", "evaluation.MonthlySubmissionOverdue"):
        code, month, due = p["department"], p["month"], p["due_by"]
        what = f"{month_label(month)}工作进展情况、经验做法和典型案例"
        phones = tuple((department_phones or {}).get(code, ()))
        to_submit = submission_link(month)
        if t == "evaluation.MonthlySubmissionReminded":
            out.notices.append(Notice("submission_due", f"department:{code}",
                                      f"月度报送提醒：请于{due}前报送本部门{what}", to_submit, None, due, phones))
        else:
            out.notices.append(Notice("submission_late", f"department:{code}",
                                      f"逾期未报送：报送期限{due}已过，本部门尚未报送{what}，请尽快报送", to_submit, None,
                                      due, phones))
            out.notices.append(Notice("submission_late", "role:supervisor",
                                      f"逾期未报送：{load_catalog().department_name(code)}未在{due}前报送{what}", f"/reports/{month}",
                                      None, due))
    return out


def cross_level_due(book: dict[str, Any], today: str) -> list[tuple[str, Notice]]:
    """The 协办单 of the case whose 答复期限 has come without an answer: (key, notice) each, the key naming the
    request and its due date, so each is told once (pure)."""
    found = []
    for request_id, r in sorted((book.get("cross_level") or {}).items()):
        if r["due_date"] <= today and book.get("case_agent"):
            found.append((f"cross-level-due|{request_id}|{r['due_date']}", Notice(
                "cross_level_due", f"user:{book['case_agent']}",
                f"协办单{request_id}（{r['unit']}）答复期限{r['due_date']}已到，尚未收到协办结果："
                f"「{book.get('project') or ''}」，请督办", f"/cases/{book['case_id']}", None, r["due_date"])))
    return found


def addresses(username: str, role: str, department: str | None, service_point: str | None,
              enterprise: str | None) -> set[str]:
    """The addresses an account reads (pure)."""
    found = {f"user:{username}"}
    if role in ("supervisor", "admin"):
        found.add(f"role:{role}")
    if role == "department_agent" and department:
        found.add(f"department:{department}")
    if role in ("window_agent", "park_agent"):
        found.add(f"point:{service_point or ('district' if role == 'window_agent' else 'park')}")
    if role == "applicant" and enterprise:
        found.add(f"enterprise:{enterprise}")
    return found
