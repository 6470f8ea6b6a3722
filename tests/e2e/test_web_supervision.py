"""The supervisory office's and the admin's pages over HTTP (no browser): the dashboard's figures are the
API's and each links to the cases it counts (as many as the number), the case list and its pages, the case's
history across moments, 差评 rectification to closure, the monthly report, the working-day calendar."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case, rate
from tests.e2e.test_web import csrf_of, logged_in
from tests.support import open_case

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here; "
                                "the distributed web process is started by deploy/launcher.py")


def links(html: str, css_class: str = "fig") -> list[tuple[str, str]]:
    return [(unquote(h).replace("&amp;", "&"), t) for h, t in
            re.findall(rf'<a href="([^"]+)" class="{css_class}"[^>]*>(\d+)</a>', html)]


def test_the_dashboard_shows_the_apis_figures_and_each_links_to_as_many_cases(api):
    good = conclude_case(api, items=[2, 7])
    bad = conclude_case(api, items=[2])
    assert rate(api, good, "very_satisfied").status_code == 201
    assert rate(api, bad, "dissatisfied", comment="来回跑").status_code == 201
    open_case(api, items=[7], in_park=False)
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/")
    assert page.status_code == 200 and "督查统计" in page.text
    s = api.get("/reporting/satisfaction?period=2026-09", "supervisor").json()
    assert s["ratings"] == 2
    for key, label in (("good_rate", "好评率"), ("bad_rate", "差评率"), ("rectification_rate", "差评整改率"),
                       ("real_name_follow_up_rate", "实名差评回访率"), ("rating_rate", "评价率"),
                       ("active_rating_rate", "主动评价率"), ("on_time_rate", "按时办结率")):
        row = re.search(rf'<tr data-rate="{key}">(.*?)</tr>', page.text, re.S).group(1)
        assert label in row
        value = s[key]["value"]
        assert (f"{value * 100:.1f}%" if value is not None else "不适用") in row
    assert page.text.count('<svg class="chart"') >= 7 and page.text.count("<title id=") >= 7
    found = links(page.text)
    assert len(found) > 20
    for href, number in found:
        assert href.startswith("/figures?figure=")
        listed = client.get(href)
        assert listed.status_code == 200, href
        assert re.search(r"<span class=\"count\" data-count>(\d+)</span>", listed.text).group(1) == number, href
        assert listed.text.count('<tr class="member">') == int(number), href
    filtered = client.get("/?period=2026-09&service_point=district")
    assert filtered.status_code == 200
    assert api.get("/reporting/satisfaction?period=2026-09&service_point=district", "supervisor").json()["ratings"] == 0


def test_figure_cases_counts_what_the_figure_counts_and_names_a_wrong_figure(api):
    case_id = conclude_case(api)
    rate(api, case_id, "very_dissatisfied", comment="没人管")
    api.settle()
    s = api.get("/reporting/satisfaction", "supervisor").json()
    assert s["by_department"]
    for figure, number in (("ratings", s["ratings"]), ("bad", s["bad_rate"]["numerator"]),
                           ("rectifications", s["rectifications"]), ("items_concluded", s["on_time_rate"]["denominator"]),
                           *((f"department.{k}", v) for k, v in s["by_department"].items())):
        r = api.get(f"/reporting/figure-cases?figure={figure}", "supervisor")
        assert r.status_code == 200 and r.json()["count"] == number == len(r.json()["items"]), figure
    w = api.get("/reporting/workloads", "supervisor").json()
    r = api.get("/reporting/figure-cases?figure=workload.concluded_items", "supervisor").json()
    assert r["count"] == sum(d["concluded_items"] for d in w["departments"])
    wrong = api.get("/reporting/figure-cases?figure=nonsense", "supervisor")
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "figure"
    assert api.get("/reporting/figure-cases?figure=ratings", "applicant").status_code == 403
    mine = api.get("/reporting/figure-cases?figure=ratings&department=zwfw", "dept_zrzy")
    assert mine.status_code == 403
