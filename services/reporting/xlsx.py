"""The monthly report as an .xlsx workbook: what its sheets hold (the layout is shared/workbook.py)."""

from __future__ import annotations

from datetime import date

from shared.workbook import Book, Column, Count, Rate, Table, bar_chart
from services.reporting.figures import LEVEL_LABELS, LEVELS
from services.reporting.periods import rate

DEPARTMENT_COLUMNS = (
    ("department_name", Column("部门")), ("cases_opened", Column("新开\n案件", "count")),
    ("cases_completed", Column("办结\n案件", "count")), ("cases_terminated", Column("终止\n案件", "count")),
    ("cases_open_at_end", Column("月末在办\n案件", "count")), ("items_accepted", Column("受理\n事项", "count")),
    ("items_concluded", Column("办结\n事项", "count")), ("deadlines_kept", Column("按时\n办结", "count")),
    ("deadlines_missed", Column("超期\n办结", "count")), ("on_time_rate", Column("按时\n办结率", "rate")),
    ("items_open_at_end", Column("月末在办\n事项", "count")), ("items_overdue_at_end", Column("月末已超期\n事项", "count")),
    ("ratings", Column("评价数", "count")), ("good_ratings", Column("好评数", "count")),
    ("bad_ratings", Column("差评数", "count")), ("good_rate", Column("好评率", "rate")),
    ("rectifications_opened", Column("差评整改\n开立", "count")), ("rectifications_completed", Column("整改\n完成", "count")),
    ("rectifications_overdue", Column("整改\n超期", "count")),
    ("complaints_received", Column("投诉\n建议", "count")), ("complaints_overdue", Column("投诉\n超期", "count")),
)
RATES = (("good_rate", "好评率"), ("bad_rate", "差评率"), ("rectification_rate", "差评整改率"),
         ("real_name_follow_up_rate", "实名差评回访率"), ("rating_rate", "评价率"), ("active_rating_rate", "主动评价率"),
         ("on_time_rate", "按时办结率"))
INDICATOR_LABELS = {"on_time": "按时办结率", "overdue": "超期控制率", "satisfaction": "好评率",
                    "rectification": "差评整改率", "follow_up": "实名差评回访率", "complaints": "投诉建议按期答复率"}
SHEETS = ("说明", "部门月报", "工作进展", "部门报送", "好差评", "考核评分", "图表")
SUBMITTED_TEXT = 40  # the three texts of a department's submission side by side: narrower than one long text
TOTAL = "合计（按案件去重）"


def _value(value):
    return value["value"] if isinstance(value, dict) and "value" in value else value


def on_time_rate(row: dict) -> dict:
    """按时办结率 of a department's row: 按时办结 ÷ (按时办结 + 超期办结), as 好差评's on_time_rate counts it."""
    return rate(row["deadlines_kept"], row["deadlines_kept"] + row["deadlines_missed"])


def _or_na(value):
    """An indicator whose denominator is 0 does not apply (formula: not_applicable): say so on paper."""
    return "不适用" if value is None else value


def title(report: dict) -> str:
    return f"“蒙速办·帮您办”代办帮办工作月报（{report['month']}）"


def monthly_workbook(report: dict) -> bytes:
    book = Book(title(report))
    book.definitions("说明", title(report), [
        ("统计起始日", date.fromisoformat(report["period"]["start"])),
        ("统计截止日", date.fromisoformat(report["period"]["end"])),
        ("生成日期", date.fromisoformat(report["generated_on"])),
        ("状态", report["status_label"] if report["status"] == "final" else f"临时月报：{report['status_label']}"),
        ("可生成日期", date.fromisoformat(report["ready_from"])),
        ("报送截止", date.fromisoformat(report["due_by"])),
        ("好评口径", "、".join(LEVEL_LABELS[level] for level in report["satisfaction"]["good_levels"])
         + "；只计首次评价，追评另计"),
        ("计分公式", report["assessment"]["formula"]["score"]),
        *((INDICATOR_LABELS[key], text) for key, text in report["assessment"]["formula"]["indicators"].items()),
        ("不适用指标", report["assessment"]["formula"]["not_applicable"]),
    ])

    rows = [{**row, "on_time_rate": on_time_rate(row)} for row in
            report["departments"] + ([{**report["totals"], "department_name": TOTAL}] if report["totals"] else [])]
    departments = book.table("部门月报", f"各部门代办帮办情况（{report['month']}）", [c for _, c in DEPARTMENT_COLUMNS],
                             [[_value(row[key]) for key, _ in DEPARTMENT_COLUMNS] for row in rows],
                             keys=[key for key, _ in DEPARTMENT_COLUMNS], bold_last=bool(report["totals"]))
    book.table("工作进展", f"各部门工作进展（{report['month']}）", [Column("部门"), Column("工作进展", "long_text", width=150)],
               [[row["department_name"], row["progress"]] for row in rows], bold_last=bool(report["totals"]))
    submitted = report["submissions"]
    book.table("部门报送", f"各部门月度报送（{report['month']}，报送期限 {submitted['due_by']}）",
               [Column("部门"), Column("报送情况"), Column("报送日期", "date"),
                *(Column(title, "long_text", width=SUBMITTED_TEXT) for title in ("工作进展情况", "经验做法", "典型案例"))],
               [*([row["department_name"], row["status_label"],
                   date.fromisoformat(row["submitted_on"]) if row["submitted_on"] else None,
                   row["progress"], row["practices"], row["typical_cases"]] for row in submitted["departments"]),
                ["办公室汇总", None, None, submitted["summary"], None, None]], bold_last=True)

    sat = report["satisfaction"]
    levels = [(LEVEL_LABELS[level], Count(sat["by_level"][level]), None, None) for level in LEVELS]
    book.table("好差评", f"好差评统计（{report['month']}，首次评价）",
               [Column("指标"), Column("数值", "number"), Column("分子", "count"), Column("分母", "count")], [
                   ("评价数（首次评价）", Count(sat["ratings"]), None, None),
                   ("追评数", Count(sat["follow_up_ratings"]), None, None),
                   *levels,
                   *((label, Rate(sat[key]["value"]), sat[key]["numerator"], sat[key]["denominator"])
                     for key, label in RATES),
                   ("整改超期（件）", Count(sat["overdue_rectifications"]), None, None),
                   ("平均整改用时（工作日）", sat["mean_rectification_workdays"], None, None),
               ])
    level_rows = Table(book.wb["好差评"], 2, 5, 4 + len(LEVELS), {"level": 1, "count": 2})

    book.table("考核评分", f"放管服考核评分（{report['month']}）",
               [Column("部门"), *(Column(label, "rate") for label in INDICATOR_LABELS.values()),
                Column("超期事项", "count"), Column("得分", "number"), Column("排名", "count")],
               [[row["department_name"], *(_or_na(row["indicators"][k]["value"]) for k in INDICATOR_LABELS),
                 row["overdue_items"], _or_na(row["score"]), _or_na(row["rank"])]
                for row in report["assessment"]["departments"]])

    named = Table(departments.sheet, 2, 3, 2 + len(report["departments"]), departments.columns)  # without 合计
    by_level = bar_chart("本月评价（按等级，件）", level_rows, "level", ["count"], width=32, height=8)
    book.charts("图表", f"图表（{report['month']}）", [
        bar_chart("各部门按时办结率与好评率", named, "department_name", ["on_time_rate", "good_rate"],
                  percent=True, horizontal=True, width=32, height=12),
        by_level,
    ])
    return book.to_bytes()
