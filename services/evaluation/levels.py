"""Satisfaction levels, rating channels and the two national code lists (pure).

The level is stored as a name; a code appears only at the edge, always with its code list:

* ``gbt39046``  — GB/T 39046—2020《政务服务评价工作指南》: 1 = 非常满意 … 5 = 非常不满意;
* ``haochaping`` — 全国一体化政务服务平台“好差评”数据接口（国家/省级对接）: 1 = 非常不满意 … 5 = 非常满意.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from shared.contracts.evaluation import FORM_LEVEL_LABELS as SEED_FORM_LABELS, LEVEL_LABELS, Level

LEVELS: tuple[str, ...] = get_args(Level)
BAD_LEVELS = frozenset({"dissatisfied", "very_dissatisfied"})  # 差评
DEFAULT_LEVEL = "basically_satisfied"

# Channels through which staff record a rating on the rater's behalf; the others are the applicant's own.
RECORDED_CHANNELS = frozenset({"phone", "written"})


@dataclass(frozen=True)
class CodeList:
    id: str
    name: str
    codes: dict[str, int]

    def code(self, level: str) -> int:
        return self.codes[level]

    def level(self, code: int) -> str:
        for name, value in self.codes.items():
            if value == code:
                return name
        raise KeyError(code)

    def describe(self) -> dict:
        return {"id": self.id, "name": self.name,
                "codes": [{"code": c, "level": lv, "label": LEVEL_LABELS[lv]}
                          for lv, c in sorted(self.codes.items(), key=lambda kv: kv[1])]}


CODE_LISTS = {
    "gbt39046": CodeList(
        "gbt39046", "GB/T 39046—2020《政务服务评价工作指南》评价等级代码（1=非常满意 … 5=非常不满意）",
        {level: i for i, level in enumerate(LEVELS, start=1)},
    ),
    "haochaping": CodeList(
        "haochaping", "全国一体化政务服务平台政务服务“好差评”数据接口评价等级代码（国家/省级对接，1=非常不满意 … 5=非常满意）",
        {level: 5 - i for i, level in enumerate(LEVELS)},
    ),
}


def is_bad(level: str) -> bool:
    return level in BAD_LEVELS


def level_view(level: str) -> dict:
    """How a level is shown: its name and both labels (national, and the seed form's)."""
    return {"level": level, "level_label": LEVEL_LABELS[level], "level_label_form": SEED_FORM_LABELS[level]}


def coded(level: str, code_list: str) -> dict:
    """A level at the edge: name, labels, code and the code list it belongs to."""
    cl = CODE_LISTS[code_list]
    return {**level_view(level), "code": cl.code(level), "code_list": {"id": cl.id, "name": cl.name}}
