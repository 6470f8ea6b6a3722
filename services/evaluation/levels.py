"""Satisfaction levels, rating channels and the two national code lists (pure).

The level is stored as a name; a code appears only at the edge, always with its code list:

* ``gbt39046``  — GB/T 39046—2020《政务服务评价工作指南》: 1 = 非常满意 … 5 = 非常不满意;
* ``haochaping`` — 全国一体化政务服务平台“好差评”数据接口（国家/省级对接）: 1 = 非常不满意 … 5 = 非常满意.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
LEVEL_LABELS = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
}
# The seed's 评价表 (附件9) prints the middle level as 一般; the other four read the same.
SEED_FORM_LABELS = {**LEVEL_LABELS, "basically_satisfied": "一般"}
BAD_LEVELS = frozenset({"dissatisfied", "very_dissatisfied"})  # 差评
DEFAULT_LEVEL = "basically_satisfied"

CHANNEL_LABELS = {
    "portal": "政务服务网（PC端）",
    "mobile": "移动端（蒙速办App/小程序）",
    "qr_code": "扫码评价（二维码）",
    "hall_tablet": "大厅评价器（平板）",
    "hall_terminal": "大厅其他自助终端",
    "phone": "电话（12345热线）",
    "sms": "短信",
    "written": "纸质评价表（附件9）",
}
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
