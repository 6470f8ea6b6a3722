"""Aggregates of 好差评: the ``CaseEvaluation`` (invitation and ratings of one case) and the
``FollowUpDraw`` (a reproducible random sample of concluded cases and its visits).

A case is registered when it opens (so an applicant's rating of an open case is a 409, and of
another enterprise's case a 404); it is invited once, when it is completed or terminated.  Every
later rating is kept beside the earlier ones: the first rating *a rater* gives is their 首评, their
later ones 追评 (``follow_up``, bounded); a rating the system recorded (``defaulted``) is never a 首评
or 追评 of the applicant.  The case's rating is the applicant's own first one
(``shared.contracts.evaluation.case_rating``): one keyed in by an agent (代录) never displaces it.  The 差评 rectification lives in :mod:`services.evaluation.rectification`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eventsourcing.domain import Aggregate

from shared.application import stable_id
from shared.contracts import evaluation as contracts
from shared.domain_events import FromContract, fields_of
from shared.errors import Conflict, Invalid
from shared.idempotency import recorded_hash
from services.evaluation.levels import DEFAULT_LEVEL, is_bad



class CaseEvaluation(Aggregate):
    @staticmethod
    def create_id(case_id: str, **_: Any):  # noqa: ANN205
        return stable_id("evaluation", case_id)

    class CaseRegistered(FromContract, Aggregate.Created):
        contract = contracts.CaseRegistered

        def apply(self, case: "CaseEvaluation") -> None:
            for name, value in fields_of(self).items():
                setattr(case, name, value)
            case.outcome = None
            case.concluded_on = None
            case.invited_at = None
            case.items = []
            case.ratings = []

    @classmethod
    def register(cls, **fields: Any) -> "CaseEvaluation":
        """A case to evaluate: the fields of ``evaluation.CaseRegistered`` and ``meta``."""
        return cls._create(cls.CaseRegistered, **fields)

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
        self.trigger_event(self.RatingInvited, case_id=self.case_id, outcome=outcome, concluded_on=concluded_on, applicant=applicant,
                      service_point=service_point, case_agent=case_agent, project=project, items=items, meta=meta)
        return True

    def ratings_by(self, rater: dict) -> list[dict]:
        """The ratings this rater gave (``contracts.rater_key``), the system's defaults aside."""
        key = contracts.rater_key(rater)
        return [r for r in self.own_ratings() if contracts.rater_key(r["rater"]) == key]

    def rate(self, *, level: str, channel: str, comment: str | None, rater: dict, real_name: bool,
             today: dt.date, request_key: str | None, meta: dict, signed_on: str | None = None,
             max_follow_ups: int | None = None) -> tuple[dict, bool]:
        """Record a rating; returns (rating, new).  A retry (same key, or the same rating again) is not new.

        The rater's first rating is their 首评, later ones their 追评 (at most ``max_follow_ups``); which
        rating is the case's is ``contracts.case_rating`` (the applicant's own first one)."""
        if not self.concluded:
            raise Conflict("案件尚未办结或终止，暂不能评价", code="case_not_concluded")
        for r in reversed(self.ratings):
            if request_key and r["request_key"] == request_key:
                return r, False
        earlier = self.ratings_by(rater)
        if earlier and (earlier[-1]["level"], earlier[-1]["channel"], earlier[-1]["comment"], earlier[-1]["rater"],
                        earlier[-1].get("signed_on")) == (level, channel, comment, rater, signed_on):
            return earlier[-1], False
        if max_follow_ups is not None and len(earlier) > max_follow_ups:
            raise Conflict(f"同一评价人对本案最多追评 {max_follow_ups} 次，已达上限", code="follow_up_limit")
        self.trigger_event(self.RatingGiven, case_id=self.case_id, rating_no=len(self.ratings) + 1, level=level, channel=channel,
                    comment=comment, rater=rater, real_name=real_name, follow_up=bool(earlier), defaulted=False,
                    rated_on=today.isoformat(), bad=is_bad(level), request_key=request_key, signed_on=signed_on,
                    meta=meta)
        return self.ratings[-1], True

    def opens_rectification(self, rating: dict, open_rating_nos: set[int]) -> bool:
        """A 差评 opens a rectification unless its rater has one open on this case already (one at a time)."""
        if not rating["bad"]:
            return False
        key = contracts.rater_key(rating["rater"])
        return not any(r["rating_no"] in open_rating_nos and contracts.rater_key(r["rater"]) == key for r in self.ratings)

    def default_rating_due(self, today: dt.date, after_days: int) -> bool:
        if not self.concluded or self.ratings:
            return False
        return today >= dt.date.fromisoformat(self.concluded_on) + dt.timedelta(days=after_days)

    def record_default(self, today: dt.date, after_days: int, meta: dict) -> bool:
        """基本满意 for a case left unrated ``after_days`` natural days after it concluded."""
        if not self.default_rating_due(today, after_days):
            return False
        self.trigger_event(self.RatingGiven, case_id=self.case_id, rating_no=1, level=DEFAULT_LEVEL, channel=None,
                    comment=f"办结（终止）后{after_days}日内未评价，系统默认基本满意", rater={"kind": "system"},
                    real_name=False, follow_up=False, defaulted=True, rated_on=today.isoformat(), bad=False,
                    request_key=None, signed_on=None, meta=meta)
        return True

    # -- events (fields: shared/contracts/evaluation.py) ---------------------------------
    class RatingInvited(FromContract, Aggregate.Event):
        contract = contracts.RatingInvited

        def apply(self, case: "CaseEvaluation") -> None:
            case.outcome = self.outcome
            case.concluded_on = self.concluded_on
            case.invited_at = self.meta["occurred_at"]
            case.applicant, case.service_point, case.case_agent = self.applicant, self.service_point, self.case_agent
            case.project = self.project
            case.items = list(self.items)

    class RatingGiven(FromContract, Aggregate.Event):
        contract = contracts.RatingGiven

        def apply(self, case: "CaseEvaluation") -> None:
            case.ratings.append({**fields_of(self, without=("case_id",)), "rated_at": self.meta["occurred_at"],
                                 "recorded_by": self.meta["actor"]})


class FollowUpDraw(Aggregate):
    @staticmethod
    def create_id(draw_id: str, **_: Any):  # noqa: ANN205
        return stable_id("follow-up-draw", draw_id)

    class FollowUpDrawn(FromContract, Aggregate.Created):
        contract = contracts.FollowUpDrawn

        def apply(self, draw: "FollowUpDraw") -> None:
            for name, value in fields_of(self).items():
                setattr(draw, name, value)
            draw.inputs, draw.sample = list(self.inputs), list(self.sample)
            draw.drawn_by = self.meta["actor"]
            draw.request_hash = recorded_hash(self.meta)  # the body's fingerprint, when drawn with an Idempotency-Key
            draw.visits = []

    @classmethod
    def draw(cls, **fields: Any) -> "FollowUpDraw":
        """A follow-up draw: the fields of ``evaluation.FollowUpDrawn`` and ``meta``."""
        return cls._create(cls.FollowUpDrawn, **fields)

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
        self.trigger_event(self.FollowUpVisited, draw_id=self.draw_id, visited_case_id=case_id, visit_no=len(self.visits) + 1, outcome=outcome,
                      level=level, note=note, visited_on=visited_on.isoformat(), meta=meta)
        return self.visits[-1], True

    class FollowUpVisited(FromContract, Aggregate.Event):
        contract = contracts.FollowUpVisited

        def apply(self, draw: "FollowUpDraw") -> None:
            draw.visits.append({"visit_no": self.visit_no, "case_id": self.visited_case_id, "outcome": self.outcome,
                                "level": self.level, "note": self.note, "visited_on": self.visited_on,
                                "recorded_by": self.meta["actor"], "recorded_at": self.meta["occurred_at"]})
