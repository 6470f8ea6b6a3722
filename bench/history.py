"""A generated year of cases, as the services publish it: every service's events, varied like a real year.

Both service points and their agents, every department of the catalog, 补正 pauses, 容缺, deadline warnings
and overdue items, terminations, cases still open at the year's end, 好差评 of every level (system defaults
too) and the 差评's rectification.  Each case's path is drawn from its own seeded random stream, so the same
``cases`` always gives the same history, and case ``n`` is the same whatever ``cases`` is.

Events come out as a rebuild reads the logs: every intake event, then every coordination event, then
evaluation's (upstream first), each through its contract (:func:`bench.published`).
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from datetime import datetime, timedelta
import random
from typing import Iterator

from bench import published
from shared.clock import CHINA
from shared.contracts import Actor, IntegrationEvent, Role
from shared.reference.catalog import CatalogItem, load_catalog
from shared.reference.commitment import COMMITMENT_OBLIGATIONS
from shared.workcalendar import load_calendar
from tests.support import application_body, delegation_body

SERVICES = ("intake", "coordination", "evaluation")
YEAR = 2026
BATCH = 1000

# The service points' agents: the district window's and the park point's (with 区贸易促进会).
AGENTS = {
    "district": [("window_agent", "区政务服务局帮您办窗口代办员", "zwfw")]
    + [(f"window_agent{k}", f"窗口代办员{k}", "zwfw") for k in range(2, 7)],
    "park": [("park_agent", "工业园区管委会帮您办服务点代办员", "gyyq"), ("cpit_agent", "区贸易促进会帮您办代办员", "cpit")]
    + [(f"park_agent{k}", f"园区代办员{k}", "gyyq") for k in range(2, 4)],
}
CHANNELS = {"district": ("window", "portal", "mobile", "hotline"), "park": ("park_point", "portal", "mobile")}
LEVELS = (("very_satisfied", 0.55), ("satisfied", 0.28), ("basically_satisfied", 0.09),
          ("dissatisfied", 0.05), ("very_dissatisfied", 0.03))
RATING_CHANNELS = ("portal", "mobile", "qr_code", "hall_tablet", "phone", "written")
RECTIFICATION_STEPS = (("verify", "pending", "in_progress"), ("rectify", "in_progress", "rectified"),
                       ("give_feedback", "rectified", "rectified"), ("close", "rectified", "closed"))


@dataclass
class _Case:
    """One case's drawn path: everything its three services' events are made from."""

    n: int
    case_id: str
    point: str
    agent: dict
    channel: str
    opened: dt.date
    items: list[CatalogItem]

    @property
    def applicant(self) -> dict:
        return {"name": f"乌海市示范企业{self.n % 3000:04d}有限公司", "credit_code": _credit_code(self.n % 3000)}


def _credit_code(k: int) -> str:
    """A valid 统一社会信用代码 per enterprise (GB 32100 check character)."""
    from stdnum.cn import uscc

    body = f"91150303MA0N{k:05d}"
    return body + uscc.calc_check_digit(body)


class History:
    """``cases`` cases opened across :data:`YEAR`'s working days; ``batches()`` yields their events."""

    def __init__(self, cases: int):
        self.cases = cases
        self.catalog = load_catalog()
        self.calendar = load_calendar()
        self.workdays = [d for d in (dt.date(YEAR, 1, 1) + timedelta(days=k) for k in range(366))
                         if d.year == YEAR and self.calendar.is_workday(d)]
        self.by_department: dict[str, list[CatalogItem]] = {}
        for item in self.catalog.items:
            self.by_department.setdefault(item.department, []).append(item)
        self.events = 0
        self._ends: dict[int, tuple[str, dt.date, list[tuple[int, str]]] | None] = {}

    def case(self, n: int) -> _Case:
        rng = random.Random(n * 7919 + 17)
        point = "park" if rng.random() < 0.4 else "district"
        username, name, department = rng.choice(AGENTS[point])
        # Spread over the year's working days; the last month's cases are mostly still open at the year's end.
        opened = self.workdays[min(len(self.workdays) - 1, n * len(self.workdays) // max(self.cases, 1))]
        departments = rng.sample(sorted(self.by_department), k=rng.randint(2, min(6, len(self.by_department))))
        items = sorted((rng.choice(self.by_department[d]) for d in departments), key=lambda i: i.item_no)
        return _Case(n=n, case_id=f"BN{YEAR}{n:08d}", point=point,
                     agent={"username": username, "name": name, "department": department},
                     channel=rng.choice(CHANNELS[point]), opened=opened, items=items)

    def add(self, start: dt.date, workdays: int) -> dt.date:
        return self.calendar.add_workdays(start, workdays).date

    def batches(self) -> Iterator[list[IntegrationEvent]]:
        positions = dict.fromkeys(SERVICES, 0)
        batch: list[IntegrationEvent] = []
        self.events = 0
        for service in SERVICES:
            drafts_of = getattr(self, f"_{service}")
            for n in range(self.cases):
                case = self.case(n)
                # A service's log is in time order: a case's items interleave as their days come.
                for at, type_, payload, actor in sorted(drafts_of(case), key=lambda d: d[0]):
                    positions[service] += 1
                    batch.append(IntegrationEvent(
                        event_id=f"{service}-{positions[service]}", type=type_, schema_version=1, case_id=case.case_id,
                        service=service, position=positions[service], occurred_at=at, actor=actor, payload=payload))
                    if len(batch) >= BATCH:
                        self.events += len(batch)
                        yield batch
                        batch = []
        if batch:
            self.events += len(batch)
            yield batch

    # -- the events of each service ---------------------------------------------------------------

    def _agent_actor(self, case: _Case) -> Actor:
        from shared.contracts.envelope import SERVICE_POINT_ROLE

        return Actor(username=case.agent["username"], role=SERVICE_POINT_ROLE[case.point], name=case.agent["name"],
                     department=case.agent["department"])

    def _intake(self, case: _Case) -> Iterator[tuple]:
        body = application_body(channel=case.channel)
        project = {**body["project"], "name": f"项目{case.n}", "in_industrial_park": case.point == "park"}
        numbers = [i.item_no for i in case.items]
        applicant_actor = Actor(username=f"ent{case.n % 3000}", role=Role.applicant, name=case.applicant["name"],
                                enterprise=case.applicant["credit_code"])
        agent = self._agent_actor(case)
        day = self._before(case.opened)
        yield _draft("intake.ApplicationSubmitted", {
            "case_id": case.case_id, "channel": case.channel, "service_point": case.point,
            "routing_reason": "工业园区内项目" if case.point == "park" else "区本级项目", "applicant": case.applicant,
            "unit": body["unit"], "project": project, "items": numbers, "catalog_version": self.catalog.version},
            day, applicant_actor)
        delegation = delegation_body(numbers)
        yield _draft("intake.DelegationSigned", {**delegation, "delegation_no": 1, "item_count": len(numbers)},
                   case.opened, agent, 1)
        yield _draft("intake.CommitmentSigned", {"signed_by": body["unit"]["handler"],
                                               "obligations": list(COMMITMENT_OBLIGATIONS)}, case.opened, agent, 2)
        yield _draft("intake.ApplicationAccepted", {
            "case_id": case.case_id, "service_point": case.point, "case_agent": case.agent, "items": numbers,
            "delegation_no": 1, "delegated_agent": delegation["agent"]["name"], "unit": body["unit"],
            "project": project, "applicant": case.applicant, "channel": case.channel}, case.opened, agent, 3)

    def _before(self, day: dt.date) -> dt.date:
        previous = day - timedelta(days=1)
        while not self.calendar.is_workday(previous):
            previous -= timedelta(days=1)
        return previous if previous.year == YEAR else day

    def _coordination(self, case: _Case) -> Iterator[tuple]:
        rng = random.Random(case.n * 104729 + 3)
        agent = self._agent_actor(case)
        year_end = dt.date(YEAR, 12, 31)
        project = {"name": f"项目{case.n}", "code": application_body()["project"]["code"]}
        yield _draft("coordination.CaseOpened", {
            "case_id": case.case_id, "service_point": case.point, "opened_on": case.opened.isoformat(),
            "case_agent": case.agent, "applicant": case.applicant,
            "project": {**project, "is_key_project": rng.random() < 0.2, "in_industrial_park": case.point == "park",
                        "total_investment": f"{rng.randint(500, 90000)}.00"},
            "unit_name": case.applicant["name"], "channel": case.channel, "delegation_no": 1,
            "items": [{"item_no": i.item_no, "name": i.name, "department": i.department, "stage": i.stage,
                       "promised_days": i.promised_days, "statutory_days": i.statutory_days,
                       "assignees": [{"name": a.name} for a in self.catalog.agents_for(i.item_no)][:1],
                       "assignee_gap": not self.catalog.agents_for(i.item_no)} for i in case.items]},
            case.opened, agent, 4)
        terminated = rng.random() < 0.06
        concluded: list[dict] = []
        ended: list[dict] = []
        for i in case.items:
            dept = Actor(username=f"dept_{i.department}", role=Role.department_agent, name=f"{i.department}办件人",
                         department=i.department)
            state = {"status": "pending"}

            def step(action: str, to: str, on: dt.date, **extra) -> tuple:
                before, state["status"] = state["status"], to
                return _draft("coordination.ItemStateChanged", {
                    "case_id": case.case_id, "item_no": i.item_no, "department": i.department, "action": action,
                    "from_status": before, "to_status": to, "on_date": on.isoformat(), **extra}, on, dept, 10)

            filed = self.add(case.opened, 1)
            accepted = self.add(filed, 1)
            due = self.add(accepted, i.promised_days)
            if filed > year_end:
                ended.append({"item_no": i.item_no, "department": i.department, "status": "pending"})
                continue
            yield step("file", "received", filed)
            if accepted > year_end:
                ended.append({"item_no": i.item_no, "department": i.department, "status": "received"})
                continue
            dates = {"accepted_on": accepted.isoformat(), "due_date": due.isoformat()}
            deficiency = rng.random() < 0.06
            if deficiency:
                until = self.add(accepted, 5)
                yield step("accept_with_deficiency", "accepted_with_deficiency", accepted, until=until.isoformat(),
                           missing_materials=["项目用地相关证明材料"], **dates)
            else:
                yield step("accept", "accepted", accepted, **dates)
            paused = 0
            if rng.random() < 0.25 and self.add(accepted, 3) <= year_end:
                asked = self.add(accepted, 2)
                paused = rng.randint(2, 5)
                done = self.add(asked, paused)
                due = self.add(due, paused)
                yield step("request_correction", "correction", asked, paused=True,
                           missing_materials=["补正材料"], accepted_on=dates["accepted_on"], due_date=None)
                if done > year_end:
                    ended.append({"item_no": i.item_no, "department": i.department, "status": "correction"})
                    continue
                yield step("correction_done", "accepted", done, accepted_on=dates["accepted_on"],
                           due_date=due.isoformat(), paused_workdays=paused)
            elif deficiency and self.add(accepted, 4) <= year_end:
                yield step("correction_done", "accepted", self.add(accepted, 4), **dates)
            late = rng.random() < 0.09
            finish = self.add(due, rng.randint(1, 4)) if late else self.add(accepted, max(1, i.promised_days * 3 // 5) + paused)
            if late and self.add(due, -2) <= year_end:
                yield _draft("coordination.ItemDeadlineWarned", {
                    "case_id": case.case_id, "item_no": i.item_no, "department": i.department,
                    "due_date": due.isoformat(), "checked_on": self.add(due, -2).isoformat()}, self.add(due, -2),
                    SYSTEM, 20)
            if late and self.add(due, 1) <= year_end:
                yield _draft("coordination.ItemOverdue", {
                    "case_id": case.case_id, "item_no": i.item_no, "department": i.department,
                    "due_date": due.isoformat(), "checked_on": self.add(due, 1).isoformat()}, self.add(due, 1),
                    SYSTEM, 21)
            if terminated or finish > year_end:
                ended.append({"item_no": i.item_no, "department": i.department, "status": state["status"]})
                continue
            refused = rng.random() < 0.03
            yield step("refuse" if refused else "approve", "refused" if refused else "approved", finish,
                       result_number=None if refused else f"文号{case.n}-{i.item_no}", **{**dates, "due_date": due.isoformat()})
            concluded.append({"item_no": i.item_no, "department": i.department,
                              "outcome": "refused" if refused else "approved", "accepted_on": dates["accepted_on"],
                              "concluded_on": finish.isoformat(), "due_date": due.isoformat(), "on_time": finish <= due})
        self._ends[case.n] = None
        common = {"case_id": case.case_id, "service_point": case.point, "case_agent": case.agent,
                  "applicant": case.applicant, "project": project}
        if terminated:
            on = self.add(case.opened, rng.randint(3, 15))
            if on <= year_end:
                self._ends[case.n] = ("terminated", on, [(e["item_no"], e["department"]) for e in ended])
                yield _draft("coordination.CaseTerminated", {
                    **common, "terminated_on": on.isoformat(), "reason": "项目单位决定暂缓建设", "reason_code": "applicant_request",
                    "items": [{"item_no": e["item_no"], "department": e["department"], "status": e["status"]} for e in ended],
                    "proposed_on": on.isoformat(), "proposed_by": "applicant",
                    "confirmation": {"side": "agent", "way": "online", "confirmed_on": on.isoformat()}}, on, agent, 30)
        elif not ended:
            on = self.add(max(dt.date.fromisoformat(c["concluded_on"]) for c in concluded), 1)
            if on <= year_end:
                self._ends[case.n] = ("completed", on, [(c["item_no"], c["department"]) for c in concluded])
                yield _draft("coordination.CaseCompleted", {
                    **common, "completed_on": on.isoformat(), "materials_returned": True, "items": concluded,
                    "proposed_on": on.isoformat(), "returned_materials": ["批文及证照原件"],
                    "confirmation": {"side": "applicant", "way": "online", "confirmed_on": on.isoformat()}},
                    on, agent, 30)

    def _evaluation(self, case: _Case) -> Iterator[tuple]:
        """Evaluation's events come after coordination's (how the case ended is what coordination recorded)."""
        concluded = self._ends.pop(case.n)
        registered = {"case_id": case.case_id, "applicant": case.applicant, "service_point": case.point,
                      "case_agent": case.agent, "project": {"name": f"项目{case.n}"}}
        yield _draft("evaluation.CaseRegistered", registered, case.opened, SYSTEM, 5)
        if concluded is None:
            return
        outcome, on, departments = concluded
        yield _draft("evaluation.RatingInvited", {
            **registered, "outcome": outcome, "concluded_on": on.isoformat(),
            "items": [{"item_no": no, "department": d} for no, d in departments]}, on, SYSTEM, 40)
        rng = random.Random(case.n * 15485863 + 11)
        if rng.random() > 0.92:
            return  # not (yet) rated
        defaulted = rng.random() < 0.06
        level = "satisfied" if defaulted else rng.choices([l for l, _ in LEVELS], [w for _, w in LEVELS])[0]
        rated = self.add(on, rng.randint(0, 5))
        if rated.year != YEAR:
            return
        bad = level in ("dissatisfied", "very_dissatisfied")
        real_name = bad and rng.random() < 0.6
        rater = ({"kind": "system"} if defaulted else
                 {"kind": "applicant_account", "username": f"ent{case.n % 3000}",
                  "enterprise": case.applicant["credit_code"]})
        yield _draft("evaluation.RatingGiven", {
            "case_id": case.case_id, "rating_no": 1, "level": level,
            "channel": None if defaulted else rng.choice(RATING_CHANNELS), "rater": rater, "real_name": real_name,
            "follow_up": False, "defaulted": defaulted, "rated_on": rated.isoformat(), "bad": bad,
            "comment": "办理时间偏长" if bad else None}, rated, SYSTEM, 50)
        if not bad:
            return
        rectification = f"{case.case_id}-R1"
        due = self.add(rated, 5)
        department = departments[0][1] if departments else case.agent["department"]
        yield _draft("evaluation.RectificationOpened", {
            "rectification_id": rectification, "case_id": case.case_id, "rating_no": 1, "level": level,
            "real_name": real_name, "opened_on": rated.isoformat(), "due_date": due.isoformat(),
            "due_date_estimated": False, "workdays": 5, "service_point": case.point, "department": department,
            "agent": case.agent}, rated, SYSTEM, 51)
        steps = RECTIFICATION_STEPS[:rng.choice((1, 2, 4, 4, 4))]
        day = rated
        for k, (action, before, after) in enumerate(steps):
            day = self.add(day, rng.randint(0, 3))
            if day.year != YEAR:
                return
            yield _draft("evaluation.RectificationStateChanged", {
                "rectification_id": rectification, "case_id": case.case_id, "action": action, "from_state": before,
                "to_state": after, "note": None if action == "close" else "已核实并整改", "on_date": day.isoformat(),
                "late": day > due}, day, SUPERVISOR, 52 + k)


def _draft(type_: str, payload: dict, on: dt.date, actor: Actor, minute: int = 0) -> tuple:
    """A draft of one event: (when, type, payload through its contract, actor); :meth:`History.batches` numbers it."""
    at = datetime(on.year, on.month, on.day, 9, 0, tzinfo=CHINA) + timedelta(minutes=minute)
    return at, type_, published(type_, payload), actor


SYSTEM = Actor(username="system", role=Role.system, name="系统")
SUPERVISOR = Actor(username="supervisor", role=Role.supervisor, name="督查员")
