"""Item states reported by a department's own approval system (API.md, Other systems): the code list and what
each code does here.  Pure.

The national handling states (工改 办理状态 BLZT: 收件, 受理, 补正, 办结, 不予受理 …) are reported with the
department's own 办件编号 (``external_ref``).  The official BLZT code values could not be confirmed from a source
at hand when this was written, so the codes below are this system's own, two digits in the order of the
handling; each maps to exactly one item action of :mod:`services.coordination.items`, and a deployment that
receives the official codes maps them onto these in one table (``STATES``).  README "Other systems" prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ReportedState:
    code: str
    label: str  # 办理状态
    action: str  # the item action it records


STATES: dict[str, ReportedState] = {s.code: s for s in (
    ReportedState("01", "收件（已接件）", "file"),
    ReportedState("02", "受理", "accept"),
    ReportedState("03", "容缺受理", "accept_with_deficiency"),
    ReportedState("04", "告知承诺受理", "accept_on_commitment"),
    ReportedState("05", "补正（一次性告知补正材料）", "request_correction"),
    ReportedState("06", "补正完成（补正材料收到／容缺材料补齐）", "correction_done"),
    ReportedState("07", "特别程序开始（听证、招标、检验检测、专家评审等）", "start_special_procedure"),
    ReportedState("08", "特别程序结束", "end_special_procedure"),
    ReportedState("09", "办结（准予许可）", "approve"),
    ReportedState("10", "办结（不予许可）", "refuse"),
    ReportedState("11", "不予受理", "refuse"),
    ReportedState("12", "撤件（申请人撤回）", "withdraw"),
)}
StateCode = Literal["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]
assert set(StateCode.__args__) == set(STATES)  # type: ignore[attr-defined]


def describe() -> str:
    """The codes for an OpenAPI description."""
    return "；".join(f"{s.code} {s.label}→{s.action}" for s in STATES.values())
