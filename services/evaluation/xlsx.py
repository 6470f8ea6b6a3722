"""The ratings export as an .xlsx workbook: what its sheets hold (the layout is shared/workbook.py)."""

from __future__ import annotations

from datetime import date

from shared.contracts.evaluation import CASE_OUTCOME_LABELS
from shared.reference import load_catalog
from shared.workbook import Book, Column

COLUMNS = (Column("评价日期", "date"), Column("案件编号"), Column("项目名称", width=24), Column("项目单位", width=24),
           Column("服务点", width=16), Column("涉及部门", width=18), Column("满意度"), Column("等级\n代码", "count"),
           Column("评价渠道", width=14), Column("标记", width=12), Column("办理结果"), Column("办结日期", "date"),
           Column("意见及建议", "long_text", width=36))


def _flags(record: dict) -> str:
    """实名, 差评, 追评, 系统默认: the ones that hold, in one column."""
    flags = (("real_name", "实名"), ("bad", "差评"), ("follow_up", "追评"), ("defaulted", "系统默认"))
    return "、".join(label for key, label in flags if record[key])


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _names(codes: list[str], name_of) -> str:  # noqa: ANN001
    out = []
    for code in codes:
        try:
            out.append(name_of(code).name)
        except KeyError:
            out.append(code)
    return "、".join(out)


def ratings_workbook(export: dict) -> bytes:
    """``export`` is the JSON export (ExportRead): its records in the code list it names."""
    catalog = load_catalog()
    period = f"{export['period_start'] or '最早'} 至 {export['period_end'] or '最近'}"
    book = Book(f"“蒙速办·帮您办”好差评评价导出（{period}）")
    book.definitions("说明", f"“蒙速办·帮您办”好差评评价导出（{period}）", [
        ("评价日期起", _day(export["period_start"]) or "不限"), ("评价日期止", _day(export["period_end"]) or "不限"),
        ("记录数", export["count"]),
        ("代码表", export["code_list"]["name"]),
        *((f"代码 {c['code']}", c["label"]) for c in export["code_list"]["codes"]),
        ("口径", "每条评价一行，追评与首次评价并列（标记为“追评”）；系统默认评价不计入主动评价率；个人信息按导出账号的权限遮蔽"),
    ])
    rows = [[_day(r["rated_on"]), r["case_id"], (r.get("project") or {}).get("name", ""),
             (r.get("applicant") or {}).get("name", ""), _names([r["service_point"]], catalog.service_point),
             _names(r["departments"], catalog.department), r["level_label"], r["code"],
             r["channel_label"] or "系统默认", _flags(r), CASE_OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
             _day(r["concluded_on"]), r.get("comment") or ""] for r in export["records"]]
    book.table("评价明细", f"好差评评价明细（{period}；等级代码见说明）", COLUMNS, rows)
    return book.to_bytes()
