"""Third-party evaluation on the read side (seed 三(八) 委托第三方独立开展代办帮办工作评估评价), pure:

* ``sample``: a stable random sample of the period's concluded cases, anonymised for an external assessor — what
  they need to judge the service (items, time limits, due and 办结 dates, on time, ratings, 差评 rectification), and
  nothing that names or reaches a person or an enterprise: the fields are listed (a whitelist), so a field added to
  the case view later stays out until it is named here;
* ``beside``: the assessor's imported reports (``evaluation.ThirdPartyReportImported``) next to the scorecard's own
  score of each department.
"""

from __future__ import annotations

import hashlib
import random

from shared.contracts.evaluation import LEVEL_LABELS
from shared.contracts.supervision import ThirdPartyReportImported
from shared.reference import load_catalog
from services.reporting.periods import Period

REPORT_TYPE = ThirdPartyReportImported.event_type
ALGORITHM = "random.Random(seed).sample(按案件编号排序的期间内办结或终止的案件, min(size, 候选数))"
CASE_FIELDS = ("case_id", "service_point", "channel", "status", "status_label", "outcome", "opened_on",
               "concluded_on", "requested_items", "departments")
ITEM_FIELDS = ("item_no", "name", "department", "stage", "promised_days", "statutory_days", "accepted_on",
               "acceptance_due", "due_date", "due_date_estimated", "paused_workdays", "status", "status_label",
               "concluded_on", "on_time")
RATING_FIELDS = ("rating_no", "level", "channel", "rated_on", "real_name", "follow_up", "defaulted", "bad")
RECTIFICATION_FIELDS = ("rectification_id", "rating_no", "level", "opened_on", "due_date", "department", "state",
                        "rectified_on", "finished_on", "late")


def default_seed(period: Period) -> int:
    """The same period, the same sample: the seed is derived from the period unless one is given."""
    text = f"{period.start}:{period.end}".encode()
    return int(hashlib.sha256(text).hexdigest()[:8], 16)


def _pick(entry: dict, fields: tuple[str, ...]) -> dict:
    return {k: entry.get(k) for k in fields}


def anonymised(case: dict) -> dict:
    return {**_pick(case, CASE_FIELDS),
            "items": [_pick(i, ITEM_FIELDS) for i in case.get("items") or []],
            "ratings": [{**_pick(r, RATING_FIELDS), "level_label": LEVEL_LABELS.get(r.get("level"), r.get("level"))}
                        for r in case.get("ratings") or []],
            "rectifications": [_pick(r, RECTIFICATION_FIELDS) for r in case.get("rectifications") or []]}


def sample(cases: list[dict], period: Period, size: int, seed: int | None = None) -> dict:
    """``size`` of the period's concluded (办结 or 终止) cases, drawn reproducibly, anonymised."""
    seed = default_seed(period) if seed is None else seed
    candidates = sorted((c for c in cases if c.get("outcome") in ("completed", "terminated")
                         and c.get("concluded_on") and c["concluded_on"] in period), key=lambda c: c["case_id"])
    drawn = random.Random(seed).sample(candidates, min(size, len(candidates)))
    return {"period": period.as_dict(), "seed": seed, "size": size, "candidates": len(candidates),
            "algorithm": ALGORITHM, "cases": [anonymised(c) for c in sorted(drawn, key=lambda c: c["case_id"])]}


def reports(rows: list[dict]) -> list[dict]:
    """Every imported report, in the order imported (rows of the audit log)."""
    return [{**row["payload"], "imported_at": row["occurred_at"]} for row in sorted(rows, key=lambda r: r["sort_key"])]


def overlaps(report: dict, period: Period) -> bool:
    return ((period.end is None or report["period_start"] <= period.end.isoformat())
            and (period.start is None or report["period_end"] >= period.start.isoformat()))


def beside(found: list[dict], card: dict, period: Period) -> list[dict]:
    """The reports whose period overlaps the scorecard's, each department's third-party score next to its own."""
    catalog = load_catalog()
    own = {row["department"]: row["score"] for row in card["departments"]}
    result = []
    for report in found:
        if not overlaps(report, period):
            continue
        rows = []
        for s in report["scores"]:
            try:
                name = catalog.department(s["department"]).name
            except KeyError:
                name = s["department"]
            system = own.get(s["department"])
            rows.append({"department": s["department"], "department_name": name, "score": s["score"],
                         "system_score": system, "difference": None if system is None else round(s["score"] - system, 1),
                         "notes": s.get("notes")})
        result.append({k: report.get(k) for k in ("report_id", "assessor", "title", "period_start", "period_end",
                                                  "overall_score", "notes", "imported_on")} | {"departments": rows})
    return result
