"""A whole case through the pages, as its people would do it: used by the browser test and by
``make screenshots`` (``shot`` saves each page as docs/screenshots/NAME.png)."""

from __future__ import annotations

import re
from typing import Callable

from tests.browser.conftest import axe_check, fits, login

Shot = Callable[[object, str], None]
UNIT = {"项目单位名称": "乌海市海南区示范新材料有限公司", "项目单位负责人": "王建国", "邮编": "016000",
        "联系电话": "15714730770", "经办人": "李晓明", "项目单位地址": "内蒙古乌海市海南区人民路18号"}
PROJECT = {"项目名称": "年产5万吨高性能碳材料项目", "项目地址": "海南区滨河新区纬三路", "项目编码": "2026-150303-30-03-01234A",
           "投资总额": "12000.50", "资金来源": "企业自筹", "土地性质": "工业用地",
           "项目主要用途及规模": "建设碳材料生产线两条，年产5万吨", "目前审批进展情况": "已完成项目选址"}


def no_shot(page, name: str) -> None:  # noqa: ANN001
    pass


def checked(page, shot: Shot, name: str, phone: bool = False) -> None:  # noqa: ANN001
    axe_check(page)
    if phone:
        fits(page)
    shot(page, name)


def apply(page, shot: Shot, *, project: str, in_park: bool, items: list[str]) -> str:  # noqa: ANN001
    """The applicant's new application (附件4), the 委托书 and the 承诺书; returns the case id."""
    page.get_by_role("link", name="新建代办帮办申请").click()
    page.get_by_label("项目名称").fill(project)
    page.get_by_role("button", name="提交申请").click()  # almost empty: errors next to the fields
    assert page.get_by_label("项目名称").input_value() == project  # nothing typed is lost
    assert page.locator("#err-unit-head").inner_text() == "必填项缺失"
    checked(page, shot, "applicant-application-errors", phone=True)
    for label, value in {**UNIT, **PROJECT, "项目名称": project}.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("是否重点项目").select_option("true")
    page.get_by_label("是否位于工业园区").select_option("true" if in_park else "false")
    for name in items:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/cases/*")
    case_id = page.url.split("/cases/")[1].split("?")[0]
    assert page.get_by_text("授权委托书（附件5）：尚未签署").is_visible()
    checked(page, shot, "applicant-case-submitted", phone=True)

    page.get_by_role("link", name="签署授权委托书").click()
    page.get_by_label("法定代表人").fill("王建国")
    page.get_by_label("代办人", exact=True).fill("陈起")
    page.get_by_label("性别").select_option("male")
    page.get_by_label("身份号码").fill("150303198506121235")
    page.get_by_label("单位", exact=True).fill("区政务服务局")
    page.get_by_label("职务").fill("代办帮办员")
    page.get_by_role("button", name="签署授权委托书").click()  # not yet confirmed: said next to the box
    assert page.locator("#err-confirm").is_visible()
    assert page.get_by_label("身份号码").input_value() == "150303198506121235"
    page.get_by_label("我已阅读本授权委托书，确认以上内容").check()
    checked(page, shot, "applicant-delegation", phone=True)
    page.get_by_role("button", name="签署授权委托书").click()
    page.wait_for_url("**/cases/*")
    page.get_by_role("link", name="签署承诺书").click()
    page.get_by_label("项目经办人签字").fill("李晓明")
    page.get_by_label("我已阅读以上承诺，代表本单位作出承诺").check()
    checked(page, shot, "applicant-commitment", phone=True)
    page.get_by_role("button", name="签署承诺书").click()
    page.wait_for_url("**/cases/*")
    assert page.get_by_text("承诺书（附件6）：已签署（李晓明）").is_visible()
    return case_id


def act(page, item_no: int, action: str, check: tuple[str, ...] = (), **fields: str) -> None:  # noqa: ANN001
    """An item action through its form: ``check`` ticks entries of the item's 材料清单 by name."""
    item = page.locator(f"#item-{item_no}")
    details = item.locator("details.act")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    item.get_by_label("办理操作").select_option(label=action)
    for name in check:
        item.get_by_role("checkbox", name=re.compile("^" + re.escape(name) + "（")).check()
    for label, value in fields.items():
        item.get_by_label(label).fill(value)
    swapped(page, lambda: item.get_by_role("button", name="提交").click())


def swapped(page, click) -> None:  # noqa: ANN001
    """An htmx form: the answer (the case page after the command) swapped into the page."""
    with page.expect_response(lambda r: r.request.method == "GET" and "/cases/" in r.url):
        click()
    page.locator(".htmx-request, .htmx-swapping, .htmx-settling").first.wait_for(state="detached")


def whole_case(open_page, shot: Shot = no_shot) -> dict:  # noqa: ANN001
    """Applicant, window agent and two department agents: application to confirmed 办结 and a rating."""
    applicant = open_page(width=390, height=844)
    login(applicant, "applicant")
    checked(applicant, shot, "applicant-home", phone=True)
    case_id = apply(applicant, shot, project="年产5万吨高性能碳材料项目", in_park=False,
                    items=["企业投资项目备案", "建设项目环境影响登记表"])

    window = open_page()
    login(window, "window_agent")
    window.get_by_role("link", name="受理申请").first.click()
    assert case_id in window.url
    checked(window, shot, "window-application-to-accept")
    swapped(window, lambda: window.get_by_role("button", name="受理").click())
    window.wait_for_selector("#item-2")
    act(window, 2, "申报（收件）")
    act(window, 24, "申报（收件）")
    window.get_by_label("事项2计划完成日期").fill("2026-10-15")
    window.get_by_label("事项24计划完成日期").fill("2026-10-09")
    window.get_by_role("button", name="保存申报计划").click()
    window.wait_for_url("**/cases/*")
    checked(window, shot, "window-case")

    fgw = open_page()
    login(fgw, "dept_fgw")
    checked(fgw, shot, "department-home")
    fgw.get_by_role("link", name="2. 企业投资项目备案").first.click()
    act(fgw, 2, "受理")
    act(fgw, 2, "办结（准予）", **{"批文/证照编号": "海发改备〔2026〕118号"})
    assert "办结（准予）" in fgw.locator("#item-2 .status").inner_text()

    sthj = open_page()
    login(sthj, "dept_sthj")
    sthj.get_by_role("link", name="24. 建设项目环境影响登记表").first.click()
    act(sthj, 24, "补正告知", check=("建设项目环境影响登记表",))
    assert sthj.locator("#item-24 .missing").is_visible()
    checked(sthj, shot, "department-case")

    applicant.goto("/")
    assert applicant.get_by_text("补正材料：建设项目环境影响登记表", exact=True).is_visible()
    checked(applicant, shot, "applicant-home-correction", phone=True)

    act(sthj, 24, "补正完成")
    act(sthj, 24, "受理")
    act(sthj, 24, "办结（准予）")

    window.goto(f"/cases/{case_id}")
    window.get_by_label("资料移交清单（已移交申请单位的资料，每行一项）").fill("投资项目备案证明\n建设项目环境影响登记表回执")
    window.get_by_role("button", name="办结", exact=True).click()
    window.wait_for_url("**/cases/*")
    assert "待对方确认" in window.locator("h1 .status").inner_text()

    applicant.goto("/")  # 经双方认可: the applicant confirms the 办结单 from its to-do list
    applicant.get_by_role("link", name="确认办结（办结单，资料已移交）").click()
    assert applicant.get_by_text("建设项目环境影响登记表回执").is_visible()
    applicant.get_by_role("button", name="确认办结").click()
    applicant.wait_for_url("**/cases/*")
    assert "已办结" in applicant.locator("h1 .status").inner_text()

    applicant.goto("/")
    applicant.get_by_role("link", name="评价本次代办帮办服务").click()
    applicant.get_by_role("link", name="评价本次服务").click()
    applicant.get_by_label("非常满意").check()
    applicant.get_by_label("意见及建议").fill("窗口全程代办，省时省心")
    checked(applicant, shot, "applicant-rating", phone=True)
    applicant.get_by_role("button", name="提交评价").click()
    applicant.wait_for_url("**/cases/*")
    assert applicant.get_by_text("非常满意").first.is_visible()
    applicant.get_by_role("link", name="追评").click()
    applicant.get_by_label("满意", exact=True).check()
    applicant.get_by_label("意见及建议").fill("追评：办结后回访及时")
    applicant.get_by_role("button", name="提交追评").click()
    applicant.wait_for_url("**/cases/*")
    assert applicant.get_by_text("追评：").first.is_visible()
    checked(applicant, shot, "applicant-case-completed", phone=True)
    return {"case_id": case_id}


def park_case_terminated(open_page, shot: Shot = no_shot) -> str:  # noqa: ANN001
    applicant = open_page(width=390, height=844)
    login(applicant, "applicant")
    case_id = apply(applicant, no_shot, project="园区光伏组件配套厂房项目", in_park=True, items=["建筑工程施工许可证核发"])
    park = open_page()
    login(park, "park_agent")
    park.goto(f"/cases/{case_id}")
    swapped(park, lambda: park.get_by_role("button", name="受理").click())
    park.locator("#closing summary").click() if park.locator("#closing").get_attribute("open") is None else None
    park.get_by_role("button", name="提出终止代办帮办").click()  # no reason: said next to the field
    assert park.locator("#err-reason").is_visible()
    park.get_by_label("终止情形").select_option("conditions_not_met")
    park.get_by_label("终止原因").fill("项目用地尚未取得，暂不具备办理条件")
    park.get_by_role("button", name="提出终止代办帮办").click()
    park.wait_for_url("**/cases/*")
    assert "待对方确认" in park.locator("h1 .status").inner_text()
    applicant.goto(f"/cases/{case_id}")
    applicant.get_by_role("button", name="确认终止").click()
    applicant.wait_for_url("**/cases/*")
    park.goto(f"/cases/{case_id}")
    assert "已终止" in park.locator("h1 .status").inner_text()
    checked(park, shot, "park-case-terminated")
    return case_id
