"""Joint handling on a case (pure): who takes part in a 会商联审 and what it is called, and the rule
for 多评合一、多图联审、联合验收 markers.  A repeated submission finds the record it repeats."""

from __future__ import annotations

from shared.errors import Invalid

PARK_COMMITTEE = "gyyq"  # 工业园区管委会


def review_participants(service_point: str, departments: list[str]) -> tuple[list[str], bool]:
    """(departments taking part, whether the park committee participates): for a park project the
    工业园区管委会 joins the 联审联办 meeting."""
    park = service_point == "park"
    if park and PARK_COMMITTEE not in departments:
        departments = [*departments, PARK_COMMITTEE]
    return departments, park


def review_kind(park: bool) -> str:
    return "联审联办工作会议" if park else "会商联审"


def same_review(reviews: list[dict], date: str, departments: list[str], items: list[int], conclusion: str) -> int | None:
    """The number of a review already recorded with the same date, participants, items and conclusion."""
    for r in reviews:
        if (r["date"], r["departments"], r["items"], r["conclusion"]) == (date, departments, items, conclusion):
            return r["review_no"]
    return None


def check_combined(items: list[int]) -> None:
    if len(items) < 2:
        raise Invalid("多评合一、多图联审、联合验收须合并至少两个事项", field="items")


def same_marker(markers: list[dict], kind: str, items: list[int]) -> int | None:
    """The number of a marker already recorded for the same kind and items."""
    for m in markers:
        if (m["kind"], m["items"]) == (kind, items):
            return m["marker_no"]
    return None
