"""The seed's paper forms (附件4–10), filled from the case view or blank: one DOCX source per form.

Each form is one function writing a ``Paper`` (python-docx) from the case view as the reader sees it
(``access.show``: personal data already masked for roles that see it masked), or from ``None`` for the
blank form; the PDF is that DOCX printed by LibreOffice (``shared.office``).  The wording is the
seed's (海南政办发〔2021〕18号 附件4–10), its blanks filled where the case knows the value and left
empty where a hand, a signature, a seal or the date on the paper goes.

What a form needs of the case before it can be printed filled (else ``Conflict``, 409, saying why):
附件4–6 any case (附件5's 代办人 part is left blank until the 委托书 is recorded); 附件7 the 协办单
named by ``request_id`` (协办结果 blank until answered); 附件8 and 附件9 a completed case (已办结);
附件10 a terminated one (已终止).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable
from urllib.parse import quote

from docx.enum.text import WD_ALIGN_PARAGRAPH

from shared.contracts.evaluation import FORM_LEVEL_LABELS, case_rating
from shared.errors import Conflict, Invalid, NotFound
from shared.reference import load_catalog
from shared.reference.commitment import COMMITMENT_OBLIGATIONS, COMMITMENT_PREAMBLE, COMMITMENT_TITLE
from services.reporting.paper import Blank, Paper, Part, box, date_blank, header, row_height

NUMERALS = "一二三四五六七八九十"
SEX = {"male": "男", "female": "女"}


@dataclass(frozen=True)
class Form:
    name: str  # the path segment
    attachment: str  # 附件4 …
    title: str
    short: str  # how people call it: 申请表 …
    write: Callable[[Paper, dict | None, dict], None]


def form_docx(form: str, view: dict | None, *, request_id: str | None = None, public_url: str = "") -> bytes:
    """The form as DOCX: filled from ``view`` (as its reader sees it), or blank when ``view`` is None;
    ``public_url``: the pages' address, for the links a form prints (the 办结单's QR code to the rating page)."""
    spec = FORMS[form]
    extra: dict = {"public_url": public_url}
    if view is not None:
        extra |= ready(spec, view, request_id)
    footer = None if view is None else f"案件编号 {view['case_id']}" + (f" · 协办单 {request_id}" if request_id else "")
    paper = Paper(footer)
    paper.attachment(spec.attachment)
    paper.title(spec.title)
    spec.write(paper, view, extra)
    return paper.bytes()


def ready(spec: Form, view: dict, request_id: str | None) -> dict:
    """What the filled form needs beyond the view, or the reason it cannot be printed yet."""
    status = view.get("status_label") or view.get("status")
    if spec.name == "cross_level":
        if not request_id:
            raise Invalid("打印跨层级协办单须给出协办单编号 request_id", field="request_id", location="query")
        request = next((r for r in view["cross_level_requests"] if r["request_id"] == request_id), None)
        if request is None:
            raise NotFound(f"案件 {view['case_id']} 没有协办单 {request_id}", field="request_id", location="query")
        return {"request": request}
    if spec.name in ("completion", "rating") and view["status"] != "completed":
        raise Conflict(f"案件尚未办结（当前状态：{status}），{spec.short}在办结后才能打印；空白表见 /reporting/forms/{spec.name}",
                       field="form", location="path", code="case_not_completed")
    if spec.name == "termination" and view["status"] != "terminated":
        raise Conflict(f"案件未终止（当前状态：{status}），终止单在终止后才能打印；空白表见 /reporting/forms/termination",
                       field="form", location="path", code="case_not_terminated")
    return {}


# -- helpers --------------------------------------------------------------------------------------------
def cn_date(iso: str | None) -> str | None:
    """2026-09-21 → 2026年9月21日."""
    if not iso:
        return None
    d = date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def day_blank(iso: str | None) -> list[Part]:
    """The seed's "已于 ____ 日": the blank holds the year and month and the day's number, 日 is printed."""
    return [Blank(cn_date(iso)[:-1] if iso else None, 8), "日"]


def get(view: dict | None, *path: str) -> str | None:
    value = view
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return None if value in (None, "") else str(value)


def authority(view: dict | None) -> str | None:
    """The department the case's service point belongs to: 区政务服务局, or 工业园区管委会 for a park case."""
    if view is None or not view.get("service_point"):
        return None
    catalog = load_catalog()
    return catalog.department(catalog.service_point(view["service_point"]).department).name


def items_checklist(chosen: list[int], numbered: bool) -> list[tuple[str, bool]]:
    """Every catalog item (erratum E6: the catalog is the union of the items 附件4, 5 and 7 print), ticked when chosen."""
    return [(f"{i.item_no}. {i.name}" if numbered else i.name, i.item_no in chosen) for i in load_catalog().items]


def project_sentence(view: dict | None) -> list[Part]:
    return ["兹有代办帮办项目（项目名称）", Blank(get(view, "project", "name"), 12), "，（项目编码）",
            Blank(get(view, "project", "code"), 10), "，"]


def two_sides(paper: Paper, view: dict | None) -> None:
    """附件8 / 附件10: the applicant's and the agent's signatures, their seals, one date blank."""
    department = authority(view)
    paper.signatures([["项目经办人签字："], ["（申请人盖章）"]],
                     [["代办帮办员签字："], ["（", *([Blank(department)] if department else [Blank(None, 4), "政务服务部门"]), "）"]])


# -- 附件4 申请表 ---------------------------------------------------------------------------------------
def application(paper: Paper, view: dict | None, _: dict) -> None:
    unit = (view or {}).get("unit") or {}
    project = (view or {}).get("project") or {}
    widths = [1.3, 3.4, 5.2, 2.2, 4.1]
    value = lambda key, source: get(source, key)  # noqa: E731
    invest = f"{project['total_investment']} 万元" if project.get("total_investment") else None
    key = project.get("is_key_project") if project else None
    rows: list[tuple[str, list]] = [
        ("项目单位情况", [("项目单位名称", value("name", unit))]),
        ("", [("项目单位负责人", value("head", unit)), ("邮编", value("postcode", unit))]),
        ("", [("联系电话", value("phone", unit)), ("经办人", value("handler", unit))]),
        ("", [("项目单位地址", value("address", unit))]),
        ("项目基本情况", [("项目名称", value("name", project))]),
        ("", [("项目地址", value("address", project))]),
        ("", [("项目编码", value("code", project)), ("投资总额", invest)]),
        ("", [("资金来源", value("funding_source", project)), ("土地性质", value("land_nature", project))]),
        ("", [("是否重点项目", f"{box(key is True)} 是{'　' * 3}{box(key is False)} 否")]),
        ("", [("项目主要用途及规模", value("use_and_scale", project))]),
        ("", [("目前审批进展情况", value("progress", project))]),
    ]
    table = paper.table(len(rows) + 1, widths)
    row_height(table.rows, 0.85)
    for n, (section, fields) in enumerate(rows):
        cells = table.rows[n].cells
        if len(fields) == 1:
            label, text = fields[0]
            cells[2].merge(cells[4])
            paper.write(cells[1], [label], align=WD_ALIGN_PARAGRAPH.CENTER)
            paper.write(cells[2], [text or ""])
        else:
            for (label, text), (lc, vc) in zip(fields, ((1, 2), (3, 4))):
                paper.write(cells[lc], [label], align=WD_ALIGN_PARAGRAPH.CENTER)
                paper.write(cells[vc], [text or ""])
    for first, last in ((0, 3), (4, 10)):
        merged = table.cell(first, 0).merge(table.cell(last, 0))
        paper.write(merged, [rows[first][0]], align=WD_ALIGN_PARAGRAPH.CENTER)
    # The items asked for: the seed's checklist (£ before each item), every catalog item, in the table's last row.
    chosen = (view or {}).get("requested_items") or []
    cells = table.rows[len(rows)].cells
    paper.write(cells[0], ["申请代办帮办事项"], align=WD_ALIGN_PARAGRAPH.CENTER)
    listing = cells[1].merge(cells[4])
    paper.write(listing, [f"（请在方框内打钩{'，合计 ' + str(len(chosen)) + ' 项' if view else ''}）"], size=9.5)
    paper.checklist(items_checklist(chosen, numbered=False), size=8.5, box_first=True, container=listing,
                    width_cm=sum(widths[1:]) - 0.3)
    paper.space(4)
    paper.line(["申请人：（签字）", "　" * 14, "申请日期：", date_blank()], spacing=2.2)


# -- 附件5 授权委托书 -------------------------------------------------------------------------------------
def delegation(paper: Paper, view: dict | None, _: dict) -> None:
    signed = (view or {}).get("delegation") or {}
    agent = signed.get("agent") or {}
    chosen = signed.get("items") or ((view or {}).get("requested_items") or [])
    count = signed.get("item_count") or (len(chosen) if view else None)
    paper.line(["本授权委托书声明：我（", Blank(signed.get("legal_representative") or get(view, "unit", "head"), 4),
                "）系（", Blank(get(view, "unit", "name"), 10), "）的法人代表，现授权委托（", Blank(agent.get("unit"), 5),
                "）的（", Blank(agent.get("name"), 5), "）为我单位项目代办人，以本单位的名义全权代办涉及我（",
                Blank(get(view, "project", "name"), 6), "）的相关事项（具体事项以下列项目内容为准）。"], indent=True)
    paper.line(["代办帮办内容（请在方框内打钩，以选择代办帮办服务，代办帮办项目合计", Blank(str(count) if count else None, 3), "项）"],
               indent=True, after=2)
    paper.checklist(items_checklist(chosen, numbered=True), size=9)
    paper.line(["项目代办过程中所签署的一切相关文件和处理与之有关的一切事务，我均予以承认。"], indent=True)
    paper.line(["代办人：", Blank(agent.get("name"), 5), "　性　别：", Blank(SEX.get(agent.get("sex", "")), 2),
                "　身份号码：", Blank(agent.get("id_number"), 10)], indent=True)
    paper.line(["单　位：", Blank(agent.get("unit"), 9), "　职　务：", Blank(agent.get("post"), 6)], indent=True)
    paper.line(["代办人无转委托权，特此委托。"], indent=True)
    paper.signatures([["委托方名称：（盖章）"], ["法定代表人：（签字或盖章）"]], before=4)


# -- 附件6 承诺书 -----------------------------------------------------------------------------------------
def with_authority(template: str, view: dict | None) -> list[Part]:
    """The seed's "___ 政务服务局" blank: the service point's department, or a blank before 政务服务局."""
    before, after = template.split("{authority}")
    fill = authority(view)
    return [before, Blank(fill) if fill else Blank(None, 5), *([] if fill else ["政务服务局"]), after]


def commitment(paper: Paper, view: dict | None, _: dict) -> None:
    paper.line(with_authority(COMMITMENT_PREAMBLE, view), indent=True)
    last = len(COMMITMENT_OBLIGATIONS) - 1
    for n, obligation in enumerate(COMMITMENT_OBLIGATIONS):
        parts = with_authority(obligation, view) if "{authority}" in obligation else [obligation]
        paper.line([f"{NUMERALS[n]}、", *parts, "。" if n == last else "；"], indent=True)
    paper.signatures([["项目经办人签字："], ["（盖章）"]])


# -- 附件7 跨层级审批事项服务协办单 ------------------------------------------------------------------------
def cross_level(paper: Paper, view: dict | None, extra: dict) -> None:
    request = extra.get("request") or {}
    answer = request.get("answer") or {}
    person = lambda who, key: get(request, who, key)  # noqa: E731
    items = "　".join(f"{box(True)} {name}" for name in request.get("item_names") or [])
    rows: list[list[tuple[str, str | None]]] = [
        [("项目名称：", request.get("project_name"))],
        [("所属区划：", request.get("region"))],
        [("帮办人员：", person("helper", "name")), ("联系方式：", person("helper", "phone"))],
        [("协办时间：", cn_date(request.get("requested_on")))],
        [("项目负责人：", person("project_contact", "name")), ("联系方式：", person("project_contact", "phone"))],
        [("协办事项：", items)],
        [("协办原因：", request.get("reason"))],
        [("办理要件：", "；".join(request.get("required_documents") or []))],
        [("协办人员：", get(answer, "assisted_by", "name")), ("联系方式：", get(answer, "assisted_by", "phone"))],
        [("需协办单位：", request.get("requested_unit"))],
        [("协办结果：", answer.get("result"))],
        [("本级代办帮办中心（签字）：", request.get("local_center"))],
        [("协办代办帮办中心（签字）：", answer.get("assisting_center"))],
        [("备注：", "；".join(r for r in (request.get("remark"), answer.get("remark")) if r))],
    ]
    table = paper.table(len(rows), [3.6, 5.0, 2.8, 4.8])
    row_height(table.rows, 1.1)
    for n, fields in enumerate(rows):
        cells = table.rows[n].cells
        if len(fields) == 1:
            cells[1].merge(cells[3])
        for (label, text), (lc, vc) in zip(fields, ((0, 1), (2, 3))):
            paper.write(cells[lc], [label], align=WD_ALIGN_PARAGRAPH.CENTER)
            paper.write(cells[vc], [text or ""])
    for n in (6, 10, 11, 12):  # room to write a reason, a result and a signature
        row_height([table.rows[n]], 1.9)
    paper.line(["注：本表一式两份，本级代办帮办中心、协办代办帮办中心各一份。"], spacing=2.0, size=10.5)


# -- 附件8 办结单 -----------------------------------------------------------------------------------------
def completion(paper: Paper, view: dict | None, extra: dict) -> None:
    done = get(view, "completion", "completed_on")
    paper.line([*project_sentence(view), "已于", *day_blank(done),
                "完成代办帮办服务工作，有关资料已向申请单位移交完毕，经双方认可，现作办结处理。"], indent=True, spacing=1.8)
    handed_back(paper, (view or {}).get("completion"))
    two_sides(paper, view)
    if view is not None:  # below the signatures and the date, clear of them: the paper the applicant keeps asks for a rating
        paper.qr_code(rating_url(extra["public_url"], view["case_id"]), RATING_QR_CAPTION, before=36)


RATING_QR_CAPTION = "服务评价：请用手机扫描左侧二维码，登录后对本次代办帮办服务作出评价（好差评：非常满意、满意、基本满意、不满意、非常不满意），也可登录政务服务网在本案件页面评价。"


def rating_url(public_url: str, case_id: str) -> str:
    """The rating page of the case (services/web: /cases/{case_id}/rating), the rating's channel the QR code."""
    return f"{public_url.rstrip('/')}/cases/{quote(case_id, safe='')}/rating?channel=qr_code"


def handed_back(paper: Paper, closure: dict | None) -> None:
    """The list of what was handed back (资料移交清单), where the agent recorded one: below the form's text."""
    returned = (closure or {}).get("returned_materials")
    if returned:
        paper.line(["附：已移交申请单位的资料：" + "；".join(f"{n}. {m}" for n, m in enumerate(returned, start=1)) + "。"],
                   size=10.5, spacing=1.5)


# -- 附件9 评价表 -----------------------------------------------------------------------------------------
def rating(paper: Paper, view: dict | None, _: dict) -> None:
    given = case_rating((view or {}).get("ratings") or [])
    if given and given.get("defaulted"):
        given = None  # the system's 基本满意 after days unrated is no one's opinion: the paper asks for one
    paper.line([*project_sentence(view), "已于", *day_blank(get(view, "concluded_on")),
                "完成项目代办帮办服务工作，请对我们的服务进行综合评价："], indent=True, spacing=1.8)
    levels = ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied")
    paper.line(["　　".join(f"{FORM_LEVEL_LABELS[level]}{box(bool(given) and given['level'] == level)}" for level in levels)],
               align=WD_ALIGN_PARAGRAPH.CENTER, spacing=2.5)
    paper.line(["为进一步提升我们的代办帮办服务工作，更好为投资企业提供优质的服务，请您留下宝贵意见及建议："], indent=True,
               spacing=1.8)
    paper.ruled_lines(5, (given or {}).get("comment"))
    paper.signatures([["评价人签字："], ["盖章"]])


# -- 附件10 终止单 ----------------------------------------------------------------------------------------
def termination(paper: Paper, view: dict | None, _: dict) -> None:
    ended = (view or {}).get("termination") or {}
    paper.line([*project_sentence(view), "现因", Blank(ended.get("reason"), 10), "，经双方认可，于",
                *day_blank(ended.get("terminated_on")), "终止代办帮办委托，有关资料已向申请单位移交完毕。"],
               indent=True, spacing=1.8)
    handed_back(paper, ended)
    two_sides(paper, view)


# -- 附件11 人员信息表 -------------------------------------------------------------------------------------
REGISTER_TITLE = "区本级“帮您办”代办帮办服务人员信息表"


def register_docx(assignees: dict[int, list[dict]], as_of: date) -> bytes:
    """附件11 as the register stands on ``as_of`` (the seed's table with the recorded changes applied): one
    row per item that has agents, as the seed lists them; the items without one (erratum E5) are named below."""
    catalog = load_catalog()
    paper = Paper(f"截至 {cn_date(as_of.isoformat())} 在册")
    paper.attachment("附件11")
    paper.title(REGISTER_TITLE)
    served = [(item, assignees[item.item_no]) for item in catalog.items if assignees.get(item.item_no)]
    table = paper.table(len(served) + 1, [1.3, 1.8, 2.8, 3.4, 6.9])
    header(table.rows[0])
    for cell, label in zip(table.rows[0].cells, ("序号", "代办人员", "联系方式", "所属部门", "负责代办帮办事项名称")):
        paper.write(cell, [label], align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5)
    for n, (item, people) in enumerate(served, start=1):
        cells = table.rows[n].cells
        paper.write(cells[0], [str(n)], align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5)
        for person in people:
            paper.write(cells[1], [person["name"]], align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5, first=person is people[0])
            paper.write(cells[2], [person.get("phone") or ""], align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5,
                        first=person is people[0])
        paper.write(cells[3], [catalog.department(item.department).short_name], align=WD_ALIGN_PARAGRAPH.CENTER, size=10.5)
        paper.write(cells[4], [item.name], size=10.5)
    row_height(table.rows, 0.75)
    unserved = [i.name for i in catalog.items if not assignees.get(i.item_no)]
    if unserved:
        paper.line([f"未登记代办人员的事项（由承办部门、再由服务点兜底）：{'；'.join(unserved)}。"], size=9, spacing=1.3)
    return paper.bytes()


FORMS: dict[str, Form] = {f.name: f for f in (
    Form("application", "附件4", "区本级“帮您办”代办帮办服务申请表", "申请表", application),
    Form("delegation", "附件5", "区本级“帮您办”代办帮办服务授权委托书", "授权委托书", delegation),
    Form("commitment", "附件6", COMMITMENT_TITLE, "承诺书", commitment),
    Form("cross_level", "附件7", "跨层级审批事项服务协办单", "协办单", cross_level),
    Form("completion", "附件8", "区本级“帮您办”代办帮办服务办结单", "办结单", completion),
    Form("rating", "附件9", "区本级“帮您办”代办帮办服务评价表", "评价表", rating),
    Form("termination", "附件10", "区本级“帮您办”代办帮办服务终止单", "终止单", termination),
)}
