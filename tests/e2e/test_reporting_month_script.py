"""A realistic month (November 2026) scripted over the real HTTP API, and what it should add up to.

The script is generated from a seeded RNG: dozens of cases across every department and both
service points, items approved on time, late, refused, withdrawn or left open, completions and
terminations, ratings through many channels (some 追评, some defaulted by the system), 差评 that
are rectified (on time or late), found invalid, or left open.  ``Month.expected_*`` compute
the figures from the script alone: they never read the reporting store.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import itertools
import random
from statistics import mean

from shared.clock import CHINA
from shared.reference import load_catalog
from tests.support import confirm_closure, open_case

START, END, TODAY = date(2026, 11, 2), date(2026, 11, 30), date(2026, 12, 2)
DEFAULT_RUN = date(2026, 11, 25)  # the one day scheduled checks run (default ratings after 7 days)
GOOD = ("very_satisfied", "satisfied")
BAD = ("dissatisfied", "very_dissatisfied")
LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")


@dataclass
class Item:
    no: int
    dept: str
    accepted: date
    due: date
    outcome: str  # on_time | late | open | refuse | withdraw
    concluded: date | None = None

    @property
    def status(self) -> str:
        if self.concluded is None:
            return "open"
        return {"on_time": "approved", "late": "approved", "refuse": "refused", "withdraw": "withdrawn"}[self.outcome]


@dataclass
class Rating:
    level: str
    channel: str | None
    real_name: bool
    rated_on: date
    follow_up: bool = False
    defaulted: bool = False
    rect_plan: str | None = None  # rectify | rectify_late | invalid | open
    rect: dict = field(default_factory=dict)


@dataclass
class Case:
    k: int
    park: bool
    applicant: str
    opened: date
    items: list[Item]
    end: str | None = None  # completed | terminated
    ended: date | None = None
    ratings: list[Rating] = field(default_factory=list)
    case_id: str = ""

    @property
    def agent(self) -> str:
        return "park_agent" if self.park else "window_agent"

    @property
    def depts(self) -> set[str]:
        return {i.dept for i in self.items}


class Month:
    def __init__(self, calendar, seed: int = 2026, cases: int = 48) -> None:
        self.cal = calendar
        self.rng = random.Random(seed)
        self.catalog = load_catalog()
        self.plans = itertools.cycle(["rectify", "open", "invalid", "rectify_late", "rectify"])
        self.workdays = [d for d in (START + timedelta(n) for n in range(29)) if calendar.is_workday(d)]
        self.cases = [self._case(k) for k in range(cases)]

    # -- the script ------------------------------------------------------------------------
    def _wd(self, day: date, n: int) -> date:
        return self.cal.add_workdays(day, n).date

    def _case(self, k: int) -> Case:
        rng, depts = self.rng, sorted({i.department for i in self.catalog.items})
        opened = self.workdays[k % 14]
        chosen = {depts[k % len(depts)], depts[(k * 7 + 3) % len(depts)], rng.choice(depts)}
        items = []
        for dept in sorted(chosen):
            item = rng.choice(self.catalog.items_of_department(dept))
            due = self._wd(opened, item.promised_days)
            outcome = rng.choices(["on_time", "late", "open", "refuse", "withdraw"], [55, 15, 18, 7, 5])[0]
            concluded = {"on_time": lambda: self._wd(opened, rng.randint(1, item.promised_days)),
                         "late": lambda: self._wd(due, rng.randint(1, 3)),
                         "refuse": lambda: self._wd(opened, 2), "withdraw": lambda: self._wd(opened, 1),
                         "open": lambda: None}[outcome]()
            if concluded and concluded > END:
                concluded = None  # planned after the month: still open on the day figures are read
            items.append(Item(item.item_no, dept, opened, due, outcome, concluded))
        case = Case(k, park=k % 2 == 0, applicant="applicant2" if k % 3 == 0 else "applicant", opened=opened, items=items)
        last = max((i.concluded for i in items if i.concluded), default=opened)
        if all(i.concluded for i in items) and rng.random() < 0.85:
            case.end, case.ended = "completed", last
        elif k % 5 == 1:
            case.end, case.ended = "terminated", self._wd(opened, 4)
            for i in items:
                if i.concluded and i.concluded > case.ended:
                    i.concluded = None  # the case ended first: the item was never concluded
        if case.end and case.ended > END:
            case.end = case.ended = None
        self._rate(case)
        return case

    def _rate(self, case: Case) -> None:
        rng = self.rng
        if not case.end:
            return
        must = date(2026, 11, 17) <= case.ended <= date(2026, 11, 18)  # no borderline default ratings
        rated_on = self._wd(case.ended, 1)
        if rated_on <= END and (must or rng.random() < 0.85):
            level = rng.choices(LEVELS, [30, 26, 12, 18, 14])[0]
            by_agent = rng.random() < 0.3
            channel = rng.choice(["written", "phone"]) if by_agent else rng.choice(
                ["portal", "mobile", "qr_code", "hall_tablet", "hall_terminal", "sms"])
            real_name = not by_agent or rng.random() < 0.5
            rating = Rating(level, channel, real_name, rated_on)
            if level in BAD:
                rating.rect_plan = next(self.plans)
            case.ratings.append(rating)
            later = self._wd(rated_on, 2)
            if level not in BAD and not by_agent and later <= END and rng.random() < 0.6:
                case.ratings.append(Rating(rng.choice(GOOD), channel, True, later, follow_up=True))
        elif case.ended <= date(2026, 11, 16):
            case.ratings.append(Rating("basically_satisfied", None, False, DEFAULT_RUN, defaulted=True))

    # -- running it over HTTP -------------------------------------------------------------------
    def run(self, api, clock) -> None:
        actions: list[tuple[date, int, object]] = []
        for case in self.cases:
            actions.append((case.opened, 0, lambda c=case: self._open(api, c)))
            for item in case.items:
                actions.append((item.accepted, 1, lambda c=case, i=item: self._act(api, c, i, ["file", "accept"])))
                if item.concluded:
                    verb = {"on_time": "approve", "late": "approve", "refuse": "refuse", "withdraw": "withdraw"}[item.outcome]
                    actions.append((item.concluded, 2, lambda c=case, i=item, v=verb: self._act(api, c, i, [v])))
            if case.end:
                actions.append((case.ended, 3, lambda c=case: self._end(api, c)))
            for rating in case.ratings:
                if not rating.defaulted:
                    actions.append((rating.rated_on, 4, lambda c=case, r=rating: self._give(api, c, r)))
        day = START
        while day <= END:
            clock.set(datetime.combine(day, datetime.min.time(), tzinfo=CHINA).replace(hour=8))
            if day == DEFAULT_RUN:
                api.settle()
                api.runtime.run_scheduled()
            for _, _, action in sorted((a for a in actions if a[0] == day), key=lambda a: a[1]):
                clock.advance(minutes=1)
                action()
                api.settle()
            for case in self.cases:  # rectification work of the day
                for rating in case.ratings:
                    self._rectify(api, case, rating, day, clock)
            day += timedelta(days=1)
        clock.set(datetime.combine(TODAY, datetime.min.time(), tzinfo=CHINA).replace(hour=9))
        api.settle()
        for case in self.cases:  # the defaulted ratings the scheduled check recorded
            for rating in case.ratings:
                if rating.defaulted:
                    r = api.get(f"/evaluation/cases/{case.case_id}", "supervisor")
                    assert r.status_code == 200, r.text

    def _open(self, api, case: Case) -> None:
        case.case_id = open_case(api, applicant=case.applicant, in_park=case.park, items=[i.no for i in case.items],
                                 channel="portal" if case.k % 2 else "mobile")

    def _act(self, api, case: Case, item: Item, actions: list[str]) -> None:
        for action in actions:
            r = api.post(f"/coordination/cases/{case.case_id}/items/{item.no}/actions", f"dept_{item.dept}",
                         json={"action": action, "note": "办理"})
            assert r.status_code == 200, r.text

    def _end(self, api, case: Case) -> None:
        if case.end == "completed":
            r = api.post(f"/coordination/cases/{case.case_id}/completion", case.agent, json={"materials_returned": True})
        else:
            r = api.post(f"/coordination/cases/{case.case_id}/termination", case.agent,
                         json={"reason": "项目不具备办理条件", "reason_code": "conditions_not_met"})
        assert r.status_code == 200, r.text
        confirm_closure(api, case.case_id, case.applicant)  # the applicant's side, the same day

    def _give(self, api, case: Case, rating: Rating) -> None:
        body = {"level": rating.level, "channel": rating.channel, "comment": "追评：材料已全部返还" if rating.follow_up else "评价"}
        who = case.applicant
        if rating.channel in ("written", "phone"):  # keyed in (代录) from the paper or the call, by the
            who = "supervisor"  # office: the case's own agent may not key a rating of their own case
            body["signed_on"] = rating.rated_on.isoformat()
            body["rater"] = {"name": "赵敏", "phone": "13904730001"} if rating.real_name else None
            if body["rater"] is None:
                del body["rater"]
        r = api.post(f"/evaluation/cases/{case.case_id}/rating", who, json=body)
        assert r.status_code == 201, r.text
        if rating.rect_plan:
            rating.rect = {"id": r.json()["rectification_id"], "opened": rating.rated_on,
                           "due": self._wd(rating.rated_on, 5), "done": None, "reached": False, "dept_items": []}

    def _rectify(self, api, case: Case, rating: Rating, day: date, clock) -> None:
        rect, plan = rating.rect, rating.rect_plan
        if not rect or day <= rect["opened"] or not self.cal.is_workday(day):
            return
        step = self.cal.workdays_between(rect["opened"], day)
        rid = rect["id"]

        def act(who: str, action: str, **extra) -> None:
            clock.advance(minutes=1)
            r = api.post(f"/evaluation/rectifications/{rid}/actions", who, json={"action": action, "note": "处理", **extra})
            assert r.status_code == 200, r.text

        if step == 1 and rating.real_name:
            reached = plan != "open"
            act("supervisor", "record_follow_up_call", reached=reached)
            rect["reached"] = reached
        if plan == "open":
            return
        first = case.items[0]
        if step == 1:
            act("supervisor", "verify", items=[first.no])
            rect["dept_items"] = [first.dept]
        finish = {"rectify": 3, "rectify_late": 7, "invalid": 2}[plan]
        if step == finish:
            if plan == "invalid":
                act(case.agent, "request_invalidation")
                act("supervisor", "approve_review")
            else:
                act("supervisor", "rectify")
            rect["done"] = day
        api.settle()

    # -- what the figures should be -----------------------------------------------------------------
    def first_ratings(self, case: Case) -> list[Rating]:
        return [r for r in case.ratings if not r.follow_up]

    def expected_satisfaction(self) -> dict:
        firsts = [(c, r) for c in self.cases for r in self.first_ratings(c)]
        level = Counter(r.level for _, r in firsts)
        by_dept, by_agent, by_item = Counter(), Counter(), Counter()
        for c, _ in firsts:
            by_dept.update(c.depts)
            by_agent[c.agent] += 1
            by_item.update(str(i.no) for i in c.items)
        rects = [r for c in self.cases for r in c.ratings if r.rect]
        invalid = [r for r in rects if r.rect_plan == "invalid" and r.rect["done"]]
        rectified = [r for r in rects if r.rect_plan in ("rectify", "rectify_late") and r.rect["done"]]
        real = [r for r in rects if r.real_name]
        concluded = [c for c in self.cases if c.end]
        durations = [self.cal.workdays_between(r.rect["opened"], r.rect["done"]) for r in rectified]
        items_done = [i for c in self.cases for i in c.items if i.status in ("approved", "refused")]
        return {
            "ratings": len(firsts), "follow_up_ratings": sum(r.follow_up for c in self.cases for r in c.ratings),
            "defaulted_ratings": sum(r.defaulted for _, r in firsts),
            "by_level": {lv: level[lv] for lv in LEVELS},
            "by_channel": dict(sorted(Counter(r.channel or "system_default" for _, r in firsts).items())),
            "by_department": dict(sorted(by_dept.items())), "by_agent": dict(sorted(by_agent.items())),
            "by_item": dict(sorted(by_item.items(), key=lambda kv: int(kv[0]))),
            "good_rate": _rate(sum(level[g] for g in GOOD), len(firsts)),
            "bad_rate": _rate(sum(level[b] for b in BAD), len(firsts)),
            "rectifications": len(rects), "invalid_bad_ratings": len(invalid),
            "rectification_rate": _rate(len(rectified), len(rects) - len(invalid)),
            "real_name_follow_up_rate": _rate(sum(r.rect["reached"] for r in real), len(real)),
            "rating_rate": _rate(sum(bool(self.first_ratings(c)) for c in concluded), len(concluded)),
            "active_rating_rate": _rate(sum(any(not r.defaulted for r in self.first_ratings(c)) for c in concluded),
                                        len(concluded)),
            "overdue_rectifications": sum(self._rect_overdue(r, TODAY) for r in rects),
            "mean_rectification_workdays": round(mean(durations), 2) if durations else None,
            "on_time_rate": _rate(sum(i.concluded <= i.due for i in items_done), len(items_done)),
        }

    @staticmethod
    def _rect_overdue(r: Rating, ref: date) -> bool:
        done = r.rect["done"]
        return (done is not None and done > r.rect["due"]) or (done is None and r.rect["due"] < ref)

    def open_at(self, case: Case, item: Item, ref: date) -> bool:
        if case.opened > ref or (case.ended and case.ended <= ref):
            return False
        return not (item.concluded and item.concluded <= ref)

    def expected_workloads(self) -> dict:
        depts, agents, case_agents = {}, {}, {}
        blank = lambda: dict(open_cases=0, open_items=0, near_due_items=0, past_due_items=0,  # noqa: E731
                             concluded_items=0, concluded_on_time=0, concluded_late=0)
        for case in self.cases:
            open_depts = set()
            for item in case.items:
                names = [a.name for a in self.catalog.agents_for(item.no)] or ["（未配置代办帮办人员）"]
                rows = [depts.setdefault(item.dept, blank())] + [agents.setdefault((item.dept, n), blank()) for n in names]
                for row in rows:
                    if self.open_at(case, item, TODAY):
                        row["open_items"] += 1
                        row["past_due_items"] += item.due < TODAY
                        row["near_due_items"] += item.due >= TODAY and self.cal.workdays_between(TODAY, item.due) <= 1
                    if item.status in ("approved", "refused"):
                        row["concluded_items"] += 1
                        row["concluded_on_time"] += item.concluded <= item.due
                        row["concluded_late"] += item.concluded > item.due
                if self.open_at(case, item, TODAY):
                    open_depts.add(item.dept)
            for d in open_depts:
                depts[d]["open_cases"] += 1
            row = case_agents.setdefault(case.agent, {"open_cases": 0, "concluded_cases": 0})
            row["open_cases"] += not case.end
            row["concluded_cases"] += bool(case.end)
        return {"departments": depts, "agents": agents, "case_agents": case_agents}

    def expected_scorecard(self, weights: dict, ref: date = TODAY, month: bool = False) -> dict:
        result = {}
        for dept in sorted({i.department for i in self.catalog.items}):
            mine = [c for c in self.cases if dept in c.depts]
            items = [(c, i) for c in mine for i in c.items if i.dept == dept]
            done = [i for _, i in items if i.status in ("approved", "refused") and i.concluded <= ref]
            open_ = [i for c, i in items if self.open_at(c, i, ref)]
            late_or_past = sum(i.concluded > i.due for i in done) + sum(i.due < ref for i in open_)
            firsts = [r for c in mine for r in self.first_ratings(c)]
            rects = [r for c in self.cases for r in c.ratings if r.rect and dept in r.rect["dept_items"]]
            invalid = [r for r in rects if r.rect_plan == "invalid" and r.rect["done"]]
            values = {
                "on_time": _value(sum(i.concluded <= i.due for i in done), len(done)),
                "overdue": round(1 - late_or_past / (len(done) + len(open_)), 4) if done or open_ else None,
                "satisfaction": _value(sum(r.level in GOOD for r in firsts), len(firsts)),
                "rectification": _value(sum(_rectified(r) for r in rects),
                                        len(rects) - len(invalid)),
                "follow_up": _value(sum(r.rect["reached"] for r in rects if r.real_name), sum(r.real_name for r in rects)),
                "complaints": None,  # the month has no complaints (tests/e2e/test_complaints.py)
            }
            applicable = {k: w for k, w in weights.items() if values[k] is not None}
            score = (round(sum(w * values[k] for k, w in applicable.items()) / sum(applicable.values()) * 100, 2)
                     if applicable else None)
            result[dept] = {"values": values, "score": score, "overdue_items": late_or_past}
        return result

    def expected_monthly(self) -> dict:
        rows = {}
        for dept in sorted({i.department for i in self.catalog.items}):
            mine = [c for c in self.cases if dept in c.depts]
            items = [(c, i) for c in mine for i in c.items if i.dept == dept]
            done = [i for _, i in items if i.status in ("approved", "refused")]
            firsts = [r for c in mine for r in self.first_ratings(c)]
            rects = [r for c in self.cases for r in c.ratings if r.rect and dept in r.rect["dept_items"]]
            good = sum(r.level in GOOD for r in firsts)
            rows[dept] = {
                "cases_opened": len(mine), "cases_completed": sum(c.end == "completed" for c in mine),
                "cases_terminated": sum(c.end == "terminated" for c in mine),
                "cases_open_at_end": sum(not c.end for c in mine), "items_accepted": len(items),
                "items_concluded": len(done), "deadlines_kept": sum(i.concluded <= i.due for i in done),
                "deadlines_missed": sum(i.concluded > i.due for i in done),
                "items_open_at_end": sum(self.open_at(c, i, END) for c, i in items),
                "items_overdue_at_end": sum(self.open_at(c, i, END) and i.due < END for c, i in items),
                "ratings": len(firsts), "good_ratings": good, "bad_ratings": sum(r.level in BAD for r in firsts),
                "good_rate": _rate(good, len(firsts)), "rectifications_opened": len(rects),
                "rectifications_completed": sum(_rectified(r) for r in rects),
                "rectifications_overdue": sum(self._rect_overdue(r, END) for r in rects),
            }
        return rows


def _rectified(r: Rating) -> bool:
    return r.rect_plan in ("rectify", "rectify_late") and r.rect["done"] is not None


def _value(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _rate(numerator: int, denominator: int) -> dict:
    return {"value": _value(numerator, denominator), "numerator": numerator, "denominator": denominator}

