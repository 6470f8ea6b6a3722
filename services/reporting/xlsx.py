"""The monthly report as an .xlsx workbook (openpyxl)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from services.reporting.figures import LEVEL_LABELS, LEVELS

DEPARTMENT_COLUMNS = (
    ("department_name", "部门"), ("cases_opened", "新开案件"), ("cases_completed", "办结案件"),
    ("cases_terminated", "终止案件"), ("cases_open_at_end", "月末在办案件"), ("items_accepted", "受理事项"),
    ("items_concluded", "办结事项"), ("deadlines_kept", "按时办结"), ("deadlines_missed", "超期办结"),
    ("items_open_at_end", "月末在办事项"), ("items_overdue_at_end", "月末已超期事项"), ("ratings", "评价数"),
    ("good_ratings", "好评数"), ("bad_ratings", "差评数"), ("good_rate", "好评率"),
    ("rectifications_opened", "差评整改开立"), ("rectifications_completed", "整改完成"),
    ("rectifications_overdue", "整改超期"), ("progress", "工作进展"),
)
RATES = (("good_rate", "好评率"), ("bad_rate", "差评率"), ("rectification_rate", "差评整改率"),
         ("real_name_follow_up_rate", "实名差评回访率"), ("rating_rate", "评价率"), ("active_rating_rate", "主动评价率"),
         ("on_time_rate", "按时办结率"))
INDICATOR_LABELS = {"on_time": "按时办结率", "overdue": "超期控制率", "satisfaction": "好评率",
                    "rectification": "差评整改率", "follow_up": "实名差评回访率"}


def _cell(value):
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _header(ws, titles) -> None:
    ws.append(list(titles))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def monthly_workbook(report: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append([f"“蒙速办·帮您办”代办帮办工作月报（{report['month']}）"])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in (("统计期间", f"{report['period']['start']} 至 {report['period']['end']}"),
                         ("生成日期", report["generated_on"]), ("状态", report["status_label"]),
                         ("可生成日期", report["ready_from"]), ("报送截止", report["due_by"])):
        ws.append([label, value])
    ws.append([])
    ws.append(["计分公式", report["assessment"]["formula"]["score"]])
    for key, text in report["assessment"]["formula"]["indicators"].items():
        ws.append([INDICATOR_LABELS[key], text])
    ws.append(["不适用指标", report["assessment"]["formula"]["not_applicable"]])
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 18, 110

    ws = wb.create_sheet("部门月报")
    _header(ws, [title for _, title in DEPARTMENT_COLUMNS])
    rows = report["departments"] + ([{**report["totals"], "department_name": "合计（按案件去重）"}] if report["totals"] else [])
    for row in rows:
        ws.append([_cell(row[key]) for key, _ in DEPARTMENT_COLUMNS])
    ws.column_dimensions["A"].width, ws.column_dimensions["S"].width = 28, 120
    for cell in ws["S"]:
        cell.alignment = Alignment(wrap_text=True)

    sat = report["satisfaction"]
    ws = wb.create_sheet("好差评")
    _header(ws, ["指标", "数值", "分子", "分母"])
    ws.append(["评价数（首次评价）", sat["ratings"]])
    ws.append(["追评数", sat["follow_up_ratings"]])
    for level in LEVELS:
        ws.append([f"{LEVEL_LABELS[level]}（{level}）", sat["by_level"][level]])
    for key, label in RATES:
        ws.append([label, sat[key]["value"], sat[key]["numerator"], sat[key]["denominator"]])
    ws.append(["整改超期（件）", sat["overdue_rectifications"]])
    ws.append(["平均整改用时（工作日）", sat["mean_rectification_workdays"]])
    ws.append(["好评口径", "、".join(LEVEL_LABELS[level] for level in sat["good_levels"])])
    ws.column_dimensions["A"].width = 30

    ws = wb.create_sheet("考核评分")
    _header(ws, ["部门", *INDICATOR_LABELS.values(), "超期事项", "得分", "排名"])
    for row in report["assessment"]["departments"]:
        ws.append([row["department_name"], *(row["indicators"][k]["value"] for k in INDICATOR_LABELS),
                   row["overdue_items"], row["score"], row["rank"]])
    ws.column_dimensions["A"].width = 28

    out = BytesIO()
    wb.save(out)
    return out.getvalue()
