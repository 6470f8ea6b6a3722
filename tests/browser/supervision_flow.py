"""The supervisory office's and the admin's pages in a browser, over a generated month (November 2026,
``tests/e2e/test_reporting_month_script.Month`` run over HTTP against the real server): used by the browser
test and by ``make screenshots`` (``shot`` saves each page as docs/screenshots/NAME.png)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import httpx

from shared.clock import CHINA
from tests.browser.conftest import login
from tests.browser.flow import Shot, checked, no_shot
from tests.e2e.evaluation_support import conclude_case
from tests.support import ApiClient, open_case

MONTH = "2026-11"
RATES = ("good_rate", "bad_rate", "rectification_rate", "real_name_follow_up_rate", "rating_rate", "active_rating_rate",
         "on_time_rate")
GROUPS = ("rates", "level", "channel", "department", "agent", "month", "workload", "score")


def http_api(server) -> ApiClient:  # noqa: ANN001
    """The tests' API client over the real server's socket (and its runtime, to settle the relays)."""
    api = ApiClient(httpx.Client(base_url=server.url, timeout=60))
    api.app = server.app
    return api


def generated_month(server, clock) -> ApiClient:  # noqa: ANN001
    from tests.e2e.test_reporting_month_script import Month

    api = http_api(server)
    clock.set(datetime(2026, 11, 2, 8, 0, tzinfo=CHINA))
    Month(api.runtime.calendar).run(api, clock)
    api.settle()
    return api


def some_complaints(api: ApiClient) -> None:
    """Three 12345 tickets for the dashboard's complaints (the generated month has none): one answered."""
    filed = [api.post("/supervision/complaints", "window_agent", json={"channel": channel, "content": text, "department": dept})
             for channel, text, dept in (("hotline_12345", "用地预审材料要求前后不一致", "zrzy"),
                                         ("opinion_box", "希望增加午间窗口", "zwfw"), ("email", "立项审批进度查询不便", "fgw"))]
    assert all(r.status_code == 201 for r in filed), [r.text for r in filed]
    r = api.post(f"/supervision/complaints/{filed[0].json()['complaint_id']}/reply", "dept_zrzy",
                 json={"reply": "已统一材料清单并电话告知"})
    assert r.status_code == 200, r.text
    api.settle()


def shown(rate: dict) -> str:
    return "不适用" if rate["value"] is None else f"{rate['value'] * 100:.1f}%"


def dashboard(open_page, api: ApiClient, shot: Shot = no_shot) -> None:  # noqa: ANN001
    """The dashboard's figures are the API's, one chart per figure group, and a figure's cases are as many."""
    page = open_page(width=1280, height=900)
    login(page, "supervisor")
    page.goto(f"/?period={MONTH}")
    sat = api.get(f"/reporting/satisfaction?period={MONTH}", "supervisor").json()
    assert sat["ratings"] >= 5, sat["ratings"]
    for key in RATES:
        row = page.locator(f'tr[data-rate="{key}"]')
        assert row.locator("td").nth(0).inner_text() == shown(sat[key]), key
        assert row.locator("td").nth(1).inner_text() == str(sat[key]["numerator"]), key
        assert row.locator("td").nth(2).inner_text() == str(sat[key]["denominator"]), key
    levels = page.locator("figure[data-group=level] + div tbody tr")
    assert [int(levels.nth(n).locator("td").inner_text()) for n in range(levels.count())] == list(sat["by_level"].values())
    for group in GROUPS:
        chart = page.locator(f"figure[data-group={group}] svg.chart")
        assert chart.count() == 1, group
        assert chart.get_attribute("role") == "img" and chart.locator("title").count() == 1 and chart.locator("desc").count() == 1
    load = api.get(f"/reporting/workloads?period={MONTH}", "supervisor").json()
    total = sum(d["past_due_items"] for d in load["departments"])
    assert page.locator('a[data-figure="workload.past_due_items"]').inner_text() == str(total)
    score = api.get(f"/reporting/assessment?period={MONTH}", "supervisor").json()
    assert score["formula"]["score"] in page.locator(".formula").inner_text()
    checked(page, shot, "supervisor-dashboard")
    page.locator('a[data-figure="good_rate.numerator"]').click()
    page.wait_for_url("**/figures?**")
    assert page.locator("tr.member").count() == sat["good_rate"]["numerator"]
    assert page.locator("[data-count]").inner_text() == str(sat["good_rate"]["numerator"])
    checked(page, shot, "supervisor-figure-cases")
    page.goto("/cases?q=" + "有限公司")
    assert page.locator("tr.case-row").count() == 20 and page.get_by_role("link", name="下一页 »").is_visible()
    checked(page, shot, "supervisor-cases")
    page.get_by_role("link", name="下一页 »").click()
    assert page.locator("tr.case-row").count() >= 1
    phone = open_page(width=390, height=844)
    login(phone, "supervisor")
    phone.goto(f"/?period={MONTH}")
    checked(phone, shot, "supervisor-dashboard-phone", phone=True)


def case_before_and_after_completion(open_page, api: ApiClient, shot: Shot = no_shot) -> None:  # noqa: ANN001
    done = api.get("/reporting/cases?status=completed&limit=50", "supervisor").json()["items"]
    case = next(c for c in done if c["concluded_on"] and c["concluded_on"] > c["opened_on"])
    page = open_page(width=1280, height=900)
    login(page, "supervisor")
    before = case["opened_on"]
    page.goto(f"/cases/{case['case_id']}?as_of={before}")
    assert "这是案件在" in page.locator("#case-main").inner_text()
    assert page.locator("h1 .status").inner_text() != "已办结"
    page.goto(f"/cases/{case['case_id']}")
    assert page.locator("h1 .status").inner_text() == "已办结"
    page.get_by_label("与此时刻比较").fill(f"{before}T23:59")
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url("**compare=**")
    changes = page.locator("table.changes")
    assert "案件状态" in changes.inner_text() and "已办结" in changes.inner_text()
    assert "防篡改哈希链核对一致" in page.locator(".chain").inner_text()
    checked(page, shot, "supervisor-case-compare")


def rectification_to_closure(open_page, api: ApiClient, shot: Shot = no_shot) -> str:  # noqa: ANN001
    case_id = conclude_case(api, items=[2, 7])
    r = api.post(f"/evaluation/cases/{case_id}/rating", "applicant",
                 json={"level": "dissatisfied", "channel": "portal", "comment": "材料来回跑了三次"})
    assert r.status_code == 201, r.text
    rect_id = r.json()["rectification_id"]
    api.settle()
    agent = open_page()
    login(agent, "park_agent")
    agent.goto("/rectifications")
    agent.get_by_role("link", name=rect_id).click()

    def act(page, button: str, note: str = "", **fields: str) -> None:  # noqa: ANN001
        if note:
            page.get_by_label("说明", exact=False).fill(note)
        for label, value in fields.items():
            if label == "回访电话是否接通（记录回访电话时）":
                page.get_by_label(label).select_option(value)
            else:
                page.get_by_label(label).fill(value)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    act(agent, "开始整改")
    act(agent, "记录回访电话", "电话联系经办人李晓明，已接通", **{"回访电话是否接通（记录回访电话时）": "true"})
    act(agent, "核实", "属实：用地预审一次性告知不完整", **{"所涉事项编号（核实时，用逗号分隔）": "7"})
    act(agent, "申请认定无法整改", "项目已停建，无法整改")
    assert agent.locator("h1 .status").inner_text() == "待审核"
    assert agent.get_by_role("button", name="审核通过").count() == 0
    office = open_page()
    login(office, "supervisor")
    office.goto(f"/rectifications/{rect_id}")
    checked(office, shot, "supervisor-rectification-review")
    act(office, "审核通过", "同意认定无法整改")
    assert office.locator("h1 .status").inner_text() == "无法整改"
    agent.goto(f"/rectifications/{rect_id}")
    act(agent, "反馈评价人", "已电话向您说明情况，感谢监督")
    act(agent, "办结")
    assert agent.locator("h1 .status").inner_text() == "已办结"
    checked(agent, shot, "rectification-closed")
    assert api.get(f"/evaluation/rectifications/{rect_id}", "supervisor").json()["state"] == "closed"
    return rect_id


def monthly_report(open_page, api: ApiClient, shot: Shot = no_shot) -> bytes:  # noqa: ANN001
    page = open_page()
    login(page, "supervisor")
    page.goto(f"/reports/{MONTH}")
    report = api.get(f"/reporting/monthly-reports/{MONTH}", "supervisor").json()
    assert str(report["totals"]["items_concluded"]) in page.locator("table.report tfoot").inner_text()
    checked(page, shot, "supervisor-monthly-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel（xlsx）").click()
    body = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename == f"bangnin-monthly-{MONTH}.xlsx" and body[:2] == b"PK"
    from openpyxl import load_workbook

    assert "部门月报" in load_workbook(BytesIO(body)).sheetnames
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and not page.locator("#pick-month").is_visible()
    page.emulate_media(media="screen")
    return body


def calendar_change(open_page, api: ApiClient, shot: Shot = no_shot) -> None:  # noqa: ANN001
    """Admin: a holiday added on the calendar page moves a running item's due date (Wed 2 Dec 2026)."""
    case_id = open_case(api, in_park=False, items=[7])
    for action in ("file", "accept"):
        r = api.post(f"/coordination/cases/{case_id}/items/7/actions", "dept_zrzy", json={"action": action})
        assert r.status_code == 200, r.text
    due = r.json()["item"]["due_date"]
    page = open_page()
    login(page, "admin")
    page.goto("/admin/calendar/2026")
    checked(page, shot, "admin-calendar")
    holidays = page.get_by_label("放假的工作日", exact=False)
    holidays.fill((holidays.input_value() + "\n2026-12-03").strip())
    page.get_by_label("变更原因").fill("临时停电检修，全区政务服务暂停一日（测试）")
    page.get_by_role("button", name="保存日历").click()
    page.wait_for_url("**/admin/calendar/2026?after=**")
    assert page.locator('td[data-date="2026-12-03"]').get_attribute("class") == "holiday"
    api.settle()
    moved = next(i for i in api.get(f"/coordination/cases/{case_id}", "supervisor").json()["items"] if i["item_no"] == 7)
    assert moved["due_date"] > due
    office = open_page()
    login(office, "supervisor")
    office.goto(f"/cases/{case_id}")
    year, month, day = (int(x) for x in moved["due_date"].split("-"))
    assert f"截止日期 {year}年{month}月{day}日" in office.locator(f"#item-7").inner_text().replace("\n", " ")
    page.goto("/admin/calendar/2031")
    assert page.locator("#estimated").is_visible()
    checked(page, shot, "admin-calendar-estimated")


def follow_up_draw(open_page, api: ApiClient, shot: Shot = no_shot) -> str:  # noqa: ANN001
    """The supervisor draws the month's follow-up sample on the page, records a visit, and the draw checks."""
    page = open_page()
    login(page, "supervisor")
    page.get_by_role("link", name="回访抽查").click()
    page.get_by_label("办结（终止）日期起").fill(f"{MONTH}-01")
    page.get_by_label("办结（终止）日期止（含）").fill(f"{MONTH}-30")
    page.get_by_label("抽取比例（%）").fill("20")
    page.get_by_role("button", name="抽取").click()
    page.wait_for_url("**/followups/*?after=**")
    draw_id = page.url.split("/followups/")[1].split("?")[0]
    draw = api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()
    assert draw["ratio"] == 0.2 and len(draw["sample"]) >= 1 and draw["reproducible"]
    assert page.locator("[data-reproducible=true]").is_visible()
    assert page.locator("section.sample").count() == len(draw["sample"])
    first = draw["sample"][0]
    card = page.locator(f"#case-{first}")
    card.get_by_label("回访结果").select_option("reached")
    card.get_by_label("回访了解的满意度（已回访时填）").select_option("satisfied")
    card.get_by_label("回访情况").fill("电话回访企业经办人，对代办服务表示满意")
    card.get_by_role("button", name="记录回访").click()
    page.wait_for_url("**after=**")
    assert "已回访" in page.locator(f"#case-{first} h3").inner_text()
    assert page.locator("[data-visited]").inner_text() == f"1 / {len(draw['sample'])}"
    visits = api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()["visits"]
    assert [(v["case_id"], v["outcome"], v["level"]) for v in visits] == [(first, "reached", "satisfied")]
    checked(page, shot, "supervisor-followup-draw")
    page.goto("/followups")
    assert page.locator("tr.draw-row").count() >= 1
    checked(page, shot, "supervisor-followups")
    return draw_id


def monthly_submission(open_page, api: ApiClient, shot: Shot = no_shot) -> None:  # noqa: ANN001
    """A department's agent submits its month on the page (on a phone); the supervisor sees it, and who is late."""
    agent = open_page(width=390, height=844)
    login(agent, "dept_zrzy")
    agent.get_by_role("link", name="月度报送").click()
    agent.goto(f"/submissions/{MONTH}")
    agent.get_by_label("工作进展情况").fill("本月受理用地预审 6 件，办结 5 件，均按时办结。")
    agent.get_by_label("经验做法").fill("提前介入、容缺受理，一次性告知所需材料。")
    agent.get_by_label("典型案例").fill("某光伏项目用地预审 3 个工作日办结。")
    agent.get_by_role("button", name="报送").click()
    agent.wait_for_url("**after=**")
    assert "已报送" in agent.locator("[role=status]").inner_text()
    checked(agent, shot, "department-monthly-submission", phone=True)
    office = open_page()
    login(office, "supervisor")
    office.goto(f"/reports/{MONTH}")
    office.get_by_role("link", name="各部门月度报送（谁已报、谁逾期）").click()
    row = office.locator('tr.dept-row[data-department="zrzy"]')
    assert row.locator("td").nth(1).inner_text() != "—"
    assert "某光伏项目" in office.locator("#sub-zrzy").inner_text()
    found = api.get(f"/reporting/monthly-submissions/{MONTH}", "supervisor").json()
    assert office.locator("tr.dept-row").count() == len(found["departments"])
    assert office.locator("tr.dept-row.row-over").count() == found["late"]
    checked(office, shot, "supervisor-monthly-submissions")


def office_reference_pages(open_page, api: ApiClient, shot: Shot = no_shot) -> None:  # noqa: ANN001
    """The annual assessment (printable), the admin's accounts, the catalog and the register change form."""
    page = open_page()
    login(page, "supervisor")
    page.goto("/annual/2026")
    view = api.get("/reporting/annual-assessment/2026", "supervisor").json()
    assert page.locator("tr.agent-row").count() == len(view["agents"])
    checked(page, shot, "supervisor-annual-assessment")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible() and page.locator("table.annual-score").is_visible()
    page.emulate_media(media="screen")
    admin = open_page()
    login(admin, "admin")
    admin.get_by_role("link", name="账号管理").click()
    admin.get_by_label("用户名").fill("wang.li")
    admin.get_by_label("姓名").fill("王丽")
    admin.get_by_label("角色").select_option("department_agent")
    admin.get_by_label("部门（部门代办帮办人员必填）").select_option("zrzy")
    admin.get_by_role("button", name="新建账号").click()
    assert admin.locator("[data-password]").inner_text()
    admin.get_by_role("button", name="停用账号 wang.li").click()
    admin.wait_for_url("**#acct-wang.li")
    assert "已停用" in admin.locator("#acct-wang\\.li").inner_text()
    checked(admin, shot, "admin-accounts")
    admin.get_by_role("link", name="事项目录").click()
    assert admin.locator("tr.catalog-row").count() == len(api.get("/coordination/catalog", "admin").json())
    checked(admin, shot, "admin-catalog")
    admin.get_by_role("link", name="人员登记报备").click()
    admin.get_by_label("部门").select_option("zjj")
    admin.get_by_label("涉及的事项编号（用逗号分隔，如 7、8）").fill("10")
    admin.get_by_label("被替换的人员姓名（新增人员不填）").fill("白芳")
    admin.get_by_label("新人员姓名").fill("刘洋")
    admin.get_by_label("新人员联系电话").fill("13900001111")
    admin.get_by_label("生效日期").fill(api.runtime.clock.now().date().isoformat())
    admin.get_by_label("调整原因").fill("白芳调岗（测试）")
    admin.get_by_role("button", name="报备调整").click()
    admin.wait_for_url("**/admin/register?after=**")
    assert "刘洋" in admin.locator("tr.change-row").last.inner_text()
    checked(admin, shot, "admin-register")
