"""The office's monthly report upward (seed 四(二): 区政务服务局 summarises the departments' monthly submissions
and reports to 市行政审批和政务服务局): a document in the form of an official report (公文: 标题, 主送机关, 正文
with its 一、二、三 headings, 落款 and date), written from the monthly report (``monthly.monthly_report``) with
python-docx like the forms (``paper.Paper``); the PDF is that DOCX printed by LibreOffice.

Every figure is the monthly report's own (the JSON ``GET /reporting/monthly-reports/{YYYY-MM}`` answers), so
the paper and the report cannot differ; the submissions' texts are the departments' own words.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from services.reporting.paper import TITLE_FONT, Paper, header, row_height

ADDRESSEE = "市行政审批和政务服务局"
SENDER = "海南区政务服务局"
SERVICE = "海南区“蒙速办·帮您办”"
BODY_PT = 16  # 三号, the size of an official document's text (GB/T 9704)
NUMBERS = "一二三四五六七八九十"


def month_label(month: str) -> str:
    year, mon = month.split("-")
    return f"{int(year)}年{int(mon)}月"


def title(month: str) -> str:
    return f"{SERVICE}工作{month_label(month)}情况报告"


def cn_date(iso: str) -> str:
    year, mon, day = iso.split("-")
    return f"{int(year)}年{int(mon)}月{int(day)}日"


def percent(r: dict) -> str:
    """A rate of the report ({value, numerator, denominator}) as the paper prints it."""
    return "—" if r["value"] is None else f"{r['value'] * 100:.1f}%"


def figures(report: dict) -> list[tuple[str, str, str]]:
    """(指标, 数值, 口径) of the month, each from the report."""
    t, s = report["totals"], report["satisfaction"]
    return [
        ("新开代办帮办案件", f"{t['cases_opened']}件", "本月受理开办的案件"),
        ("办结案件", f"{t['cases_completed']}件", f"经双方认可办结；另终止{t['cases_terminated']}件"),
        ("月末在办案件", f"{t['cases_open_at_end']}件", "月末尚未办结或终止"),
        ("办结审批事项", f"{t['items_concluded']}项", f"按时{t['deadlines_kept']}项、超期{t['deadlines_missed']}项"),
        ("按时办结率", percent(s["on_time_rate"]),
         f"按时办结的事项{s['on_time_rate']['numerator']}项 ÷ 办结的事项{s['on_time_rate']['denominator']}项"),
        ("服务评价（首次评价）", f"{s['ratings']}条", f"追评{s['follow_up_ratings']}条不重复计数"),
        ("好评率", percent(s["good_rate"]),
         f"好评{s['good_rate']['numerator']}条 ÷ 评价{s['good_rate']['denominator']}条"),
        ("差评", f"{t['bad_ratings']}条", "不满意、非常不满意"),
        ("差评整改", f"开立{t['rectifications_opened']}件、完成{t['rectifications_completed']}件",
         f"差评整改率{percent(s['rectification_rate'])}（已整改{s['rectification_rate']['numerator']}件 ÷ "
         f"应整改{s['rectification_rate']['denominator']}件）"),
        ("投诉建议", f"{t['complaints_received']}件", f"已答复{t['complaints_replied']}件、超期{t['complaints_overdue']}件"),
    ]


def overview(report: dict) -> str:
    t, s = report["totals"], report["satisfaction"]
    return (f"本月新开代办帮办案件{t['cases_opened']}件，办结{t['cases_completed']}件，终止{t['cases_terminated']}件，"
            f"月末在办{t['cases_open_at_end']}件；办结审批事项{t['items_concluded']}项，按时办结率{percent(s['on_time_rate'])}。"
            f"收到服务评价{s['ratings']}条，好评率{percent(s['good_rate'])}；差评{t['bad_ratings']}条，"
            f"差评整改开立{t['rectifications_opened']}件、完成{t['rectifications_completed']}件。"
            f"收到投诉建议{t['complaints_received']}件，已答复{t['complaints_replied']}件。")


def late_sentence(rows: list[dict]) -> str:
    """The departments late with their submission named (those still missing are named by the summary)."""
    late = [r["department_name"] for r in rows if r["status"] == "submitted_late"]
    if not any(r["late"] for r in rows):
        return "各部门均按期报送。"
    return ((f"逾期报送的部门：{'、'.join(late)}。" if late else "")
            + "对逾期报送和逾期未报送的部门已督促整改，逾期情况纳入年度“放管服”考核。")


class _Document(Paper):
    """A Paper with an official document's page: its margins (GB/T 9704: 37 mm top, 28 mm left), the page
    number centred in the footer as "— N —", the text in 三号."""

    def __init__(self) -> None:
        super().__init__()
        section = self.doc.sections[0]
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("— ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        footer._p.append(field)
        footer.add_run(" —")

    def text(self, words: str, *, indent: bool = True) -> None:
        self.line([words], size=BODY_PT, indent=indent, spacing=1.45)

    def heading(self, words: str) -> None:
        self.line([words], size=BODY_PT, font=TITLE_FONT, indent=True, spacing=1.45)


def upward_docx(report: dict) -> bytes:
    """The report upward of a month, from the monthly report of the whole district (``totals`` set)."""
    doc = _Document()
    month = report["month"]
    head = doc.line([f"{SERVICE}工作"], size=22, font=TITLE_FONT, align=WD_ALIGN_PARAGRAPH.CENTER, spacing=1.3)
    head.add_run().add_break()  # the title on two lines, broken where it reads: 工作 / 年月情况报告
    doc.fill(head, [f"{month_label(month)}情况报告"], size=22, font=TITLE_FONT)
    head.paragraph_format.space_after = Pt(6)
    if report["status"] != "final":
        doc.line([f"（临时数据：月份尚未结束，截至{cn_date(report['generated_on'])}）"], size=12,
                 align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.space(12)
    doc.text(f"{ADDRESSEE}：", indent=False)
    period = report["period"]
    doc.text(f"现将{SERVICE}投资项目代办帮办服务{month_label(month)}（{cn_date(period['start'])}至"
             f"{cn_date(period['end'])}）工作情况报告如下：")

    doc.heading("一、总体情况")
    doc.text(overview(report))
    rows = figures(report)
    table = doc.table(len(rows) + 1, [4.8, 3.4, 7.4])
    header(table.rows[0])
    for cell, label in zip(table.rows[0].cells, ("指标", "数值", "口径")):
        doc.write(cell, [label], align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
    for row, (name, value, basis) in zip(table.rows[1:], rows):
        doc.write(row.cells[0], [name], size=12)
        doc.write(row.cells[1], [value], align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
        doc.write(row.cells[2], [basis], size=10.5)
    row_height(table.rows, 0.8)

    submitted = [r for r in report["submissions"]["departments"] if r["progress"] or r["practices"]]
    for n, (heading, key, none) in enumerate((
            ("各部门工作进展情况", "progress", "本月无部门报送工作进展情况。"),
            ("经验做法", "practices", "本月无部门报送经验做法。"),
            ("典型案例", "typical_cases", "本月无部门报送典型案例。")), start=2):
        doc.heading(f"{NUMBERS[n - 1]}、{heading}")
        shown = [r for r in submitted if r[key]]
        for k, r in enumerate(shown):
            doc.text(f"（{NUMBERS[k] if k < 10 else k + 1}）{r['department_name']}：{r[key]}")
        if not shown:
            doc.text(none)

    doc.heading("五、各部门报送情况")
    doc.text(report["submissions"]["summary"])
    doc.text(late_sentence(report["submissions"]["departments"]))

    doc.space(24)
    for words in (SENDER, cn_date(report["generated_on"])):
        signed = doc.line([words], size=BODY_PT, align=WD_ALIGN_PARAGRAPH.RIGHT, spacing=1.45)
        signed.paragraph_format.right_indent = Cm(2)
    return doc.bytes()

