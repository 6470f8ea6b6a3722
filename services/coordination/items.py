"""The item handling state machine (national handling states of an approval item).

::

    pending ─file→ received ─accept→ accepted ─approve→ approved
                      │  └─accept_with_deficiency→ accepted_with_deficiency ─approve→ concluded_with_deficiency
                      │                               └─correction_done (容缺材料补齐)→ accepted
                      ├─request_correction→ correction ─correction_done→ (back where it was)
                      └─refuse→ refused
    accepted / accepted_with_deficiency ─request_correction→ correction (clock paused)
    accepted / accepted_with_deficiency ─start_special_procedure→ special_procedure (clock paused)
                                         ─end_special_procedure→ (back where it was, clock runs)
    any state not concluded ─withdraw→ withdrawn

告知承诺受理 (``accept_on_commitment``, seed 三(七) 推行告知承诺制): accepted on the applicant's written
commitment that it meets the conditions, with the date by which the department verifies the commitment
(``verify_by``); the item then runs as any accepted item, and the verification is recorded apart from the
handling states (it may come after 办结).

容缺受理 then 办结: ``accept_with_deficiency`` starts the clock and records the missing
materials and the date they are promised by (``until``).  ``correction_done`` on such an item
records that the missing materials were supplied (it becomes plainly ``accepted``).  ``approve``
while materials are still missing concludes it as 办结（容缺通过） (``concluded_with_deficiency``).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.coordination import ITEM_ACTION_LABELS as ACTION_LABELS, ITEM_STATUS_LABELS as STATUS_LABELS
from shared.errors import Conflict

PENDING, RECEIVED, ACCEPTED, CORRECTION = "pending", "received", "accepted", "correction"
DEFICIENT, SPECIAL = "accepted_with_deficiency", "special_procedure"
APPROVED, CONCLUDED_DEFICIENT, REFUSED, WITHDRAWN = "approved", "concluded_with_deficiency", "refused", "withdrawn"

CONCLUDED = frozenset({APPROVED, CONCLUDED_DEFICIENT, REFUSED, WITHDRAWN})
CLOCK_RUNNING = frozenset({ACCEPTED, DEFICIENT})  # accepted and not paused
PAUSED = frozenset({CORRECTION, SPECIAL})
RESUME = "resume"  # to-status placeholder: back to the status before the pause

# action -> (statuses it is allowed from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "file": (frozenset({PENDING}), RECEIVED),
    "accept": (frozenset({RECEIVED}), ACCEPTED),
    "accept_with_deficiency": (frozenset({RECEIVED}), DEFICIENT),
    "request_correction": (frozenset({RECEIVED, ACCEPTED, DEFICIENT}), CORRECTION),
    "correction_done": (frozenset({CORRECTION, DEFICIENT}), RESUME),
    "start_special_procedure": (frozenset({ACCEPTED, DEFICIENT}), SPECIAL),
    "end_special_procedure": (frozenset({SPECIAL}), RESUME),
    "approve": (frozenset({ACCEPTED, DEFICIENT}), APPROVED),
    "refuse": (frozenset({RECEIVED, ACCEPTED, DEFICIENT}), REFUSED),
    "withdraw": (frozenset({PENDING, RECEIVED, ACCEPTED, DEFICIENT, CORRECTION, SPECIAL}), WITHDRAWN),
    "accept_on_commitment": (frozenset({RECEIVED}), ACCEPTED),  # 告知承诺制: accepted on the applicant's commitment
}
ACTIONS = tuple(TRANSITIONS)


@dataclass(frozen=True)
class Transition:
    action: str
    from_status: str
    to_status: str
    pauses: bool  # the item's clock stops
    resumes: bool  # the item's clock runs again
    starts_clock: bool  # acceptance: due date counted from today


def plan_transition(action: str, status: str, resume_to: str | None, clock_started: bool) -> Transition:
    """The transition ``action`` makes from ``status``, or Conflict saying (in Chinese) why not."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise Conflict(_refusal(action, status), code="invalid_transition")
    if target == RESUME:
        if status == DEFICIENT:  # 容缺材料补齐
            target = ACCEPTED
        else:
            target = resume_to or RECEIVED
    elif action == "approve" and status == DEFICIENT:
        target = CONCLUDED_DEFICIENT
    return Transition(
        action=action, from_status=status, to_status=target,
        pauses=target in PAUSED and clock_started,
        resumes=status in PAUSED and clock_started,
        starts_clock=action in ("accept", "accept_with_deficiency", "accept_on_commitment"),
    )


def _refusal(action: str, status: str) -> str:
    label = f"事项当前状态为“{STATUS_LABELS[status]}”，不能{ACTION_LABELS[action]}"
    if status in CONCLUDED:
        return f"{label}：事项已办结或已撤回"
    hints = {
        PENDING: "请先申报（file）",
        RECEIVED: "请先受理（accept、accept_with_deficiency 或 accept_on_commitment）",
        CORRECTION: "事项正在补正，请先补正完成（correction_done）",
        SPECIAL: "事项处于特别程序，请先结束特别程序（end_special_procedure）",
        ACCEPTED: "事项已受理",
        DEFICIENT: "事项已容缺受理",
    }
    return f"{label}：{hints[status]}"
