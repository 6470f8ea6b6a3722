"""Aggregates of 好差评: the ``CaseEvaluation`` (invitation and ratings of one case) and the
``FollowUpDraw`` (a reproducible random sample of concluded cases and its visits).

A case is registered when it opens (so an applicant's rating of an open case is a 409, and of
another enterprise's case a 404); it is invited once, when it is completed or terminated.  Every
later rating is kept beside the earlier ones: the first rating the rater gives is the 首评, later
ones are 追评 (``follow_up``); a rating the system recorded (``defaulted``) is never a 首评 or 追评
of the applicant.  The 差评 rectification lives in :mod:`services.evaluation.rectification`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.application import stable_id
from shared.errors import Conflict, Invalid
from services.evaluation.levels import DEFAULT_LEVEL, is_bad

OUTCOME_LABELS = {"completed": "已办结", "terminated": "已终止"}
VISIT_OUTCOME_LABELS = {"reached": "已回访", "unreachable": "无法联系", "declined": "拒绝回访"}


class CaseEvaluation(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("evaluation", case_id)

    @event("CaseRegistered")
    def __init__(self, case_id: str, applicant: dict, service_point: str, case_agent: dict, project: dict,
                 meta: dict) -> None:
        self.case_id = case_id
        self.applicant = applicant
        self.service_point = service_point
        self.case_agent = case_agent
        self.project = project
        self.outcome: str | None = None
        self.concluded_on: str | None = None
        self.invited_at: str | None = None
        self.items: list[dict] = []
        self.ratings: list[dict] = []

    @property
    def concluded(self) -> bool:
        return self.outcome is not None

    def own_ratings(self) -> list[dict]:
        return [r for r in self.ratings if not r["defaulted"]]

    # -- commands ------------------------------------------------------------------
    def invite(self, outcome: str, concluded_on: str, applicant: dict, service_point: str, case_agent: dict,
               project: dict, items: list[dict], meta: dict) -> bool:
        """Once per case: a duplicated completion (or a termination after it) changes nothing."""
        if self.concluded:
            return False
        self._invited(case_id=self.case_id, outcome=outcome, concluded_on=concluded_on, applicant=applicant,
                      service_point=service_point, case_agent=case_agent, project=project, items=items, meta=meta)
        return True

    def rate(self, *, level: str, channel: str, comment: str | None, rater: dict, real_name: bool,
             today: dt.date, request_key: str | None, meta: dict) -> tuple[dict, bool]:
        """Record a rating; returns (rating, new).  A retry (same key, or the same rating again) is not new."""
        if not self.concluded:
            raise Conflict("案件尚未办结或终止，暂不能评价", code="case_not_concluded")
        for r in reversed(self.ratings):
            if request_key and r["request_key"] == request_key:
                return r, False
        own = self.own_ratings()
        if own and (own[-1]["level"], own[-1]["channel"], own[-1]["comment"], own[-1]["rater"]) == (
                level, channel, comment, rater):
            return own[-1], False
        self._rated(case_id=self.case_id, rating_no=len(self.ratings) + 1, level=level, channel=channel,
                    comment=comment, rater=rater, real_name=real_name, follow_up=bool(own), defaulted=False,
                    rated_on=today.isoformat(), bad=is_bad(level), request_key=request_key, meta=meta)
        return self.ratings[-1], True

    def default_rating_due(self, today: dt.date, after_days: int) -> bool:
        if not self.concluded or self.ratings:
            return False
        return today >= dt.date.fromisoformat(self.concluded_on) + dt.timedelta(days=after_days)

    def record_default(self, today: dt.date, after_days: int, meta: dict) -> bool:
        """基本满意 for a case left unrated ``after_days`` natural days after it concluded."""
        if not self.default_rating_due(today, after_days):
            return False
        self._rated(case_id=self.case_id, rating_no=1, level=DEFAULT_LEVEL, channel=None,
                    comment=f"办结（终止）后{after_days}日内未评价，系统默认基本满意", rater={"kind": "system"},
                    real_name=False, follow_up=False, defaulted=True, rated_on=today.isoformat(), bad=False,
                    request_key=None, meta=meta)
        return True

    # -- events --------------------------------------------------------------------
    @event("RatingInvited")
    def _invited(self, case_id: str, outcome: str, concluded_on: str, applicant: dict, service_point: str,
                 case_agent: dict, project: dict, items: list[dict], meta: dict) -> None:
        self.outcome = outcome
        self.concluded_on = concluded_on
        self.invited_at = meta["occurred_at"]
        self.applicant, self.service_point, self.case_agent, self.project = applicant, service_point, case_agent, project
        self.items = list(items)

    @event("RatingGiven")
    def _rated(self, case_id: str, rating_no: int, level: str, channel: str | None, comment: str | None,
               rater: dict, real_name: bool, follow_up: bool, defaulted: bool, rated_on: str, bad: bool,
               request_key: str | None, meta: dict) -> None:
        self.ratings.append({
            "rating_no": rating_no, "level": level, "channel": channel, "comment": comment, "rater": rater,
            "real_name": real_name, "follow_up": follow_up, "defaulted": defaulted, "rated_on": rated_on,
            "bad": bad, "request_key": request_key, "rated_at": meta["occurred_at"],
            "recorded_by": meta["actor"],
        })


class FollowUpDraw(Aggregate):
    @staticmethod
    def create_id(draw_id: str, **_: Any):  # noqa: ANN205
        return stable_id("follow-up-draw", draw_id)

    @event("FollowUpDrawn")
    def __init__(self, draw_id: str, period_start: str, period_end: str, ratio: float, seed: int,
                 inputs: list[str], sample: list[str], algorithm: str, drawn_on: str, meta: dict) -> None:
        self.draw_id = draw_id
        self.period_start, self.period_end = period_start, period_end
        self.ratio, self.seed, self.algorithm = ratio, seed, algorithm
        self.inputs, self.sample = list(inputs), list(sample)
        self.drawn_on = drawn_on
        self.drawn_by = meta["actor"]
        self.visits: list[dict] = []

    def visit(self, *, case_id: str, outcome: str, level: str | None, note: str | None, visited_on: dt.date,
              today: dt.date, meta: dict) -> tuple[dict, bool]:
        if case_id not in self.sample:
            raise Invalid(f"案件 {case_id} 不在本次抽取的回访样本中", field="case_id")
        if visited_on > today:
            raise Invalid("回访日期不能晚于今天", field="visited_on")
        if visited_on < dt.date.fromisoformat(self.drawn_on):
            raise Invalid(f"回访日期不能早于抽取日期 {self.drawn_on}", field="visited_on")
        if outcome != "reached" and level is not None:
            raise Invalid("未接通或拒绝回访时不能记录满意度", field="level")
        mine = [v for v in self.visits if v["case_id"] == case_id]
        if mine and (mine[-1]["outcome"], mine[-1]["level"], mine[-1]["note"], mine[-1]["visited_on"]) == (
                outcome, level, note, visited_on.isoformat()):
            return mine[-1], False
        self._visited(draw_id=self.draw_id, visited_case_id=case_id, visit_no=len(self.visits) + 1, outcome=outcome,
                      level=level, note=note, visited_on=visited_on.isoformat(), meta=meta)
        return self.visits[-1], True

    @event("FollowUpVisited")
    def _visited(self, draw_id: str, visited_case_id: str, visit_no: int, outcome: str, level: str | None,
                 note: str | None, visited_on: str, meta: dict) -> None:
        self.visits.append({"visit_no": visit_no, "case_id": visited_case_id, "outcome": outcome, "level": level,
                            "note": note, "visited_on": visited_on, "recorded_by": meta["actor"],
                            "recorded_at": meta["occurred_at"]})
