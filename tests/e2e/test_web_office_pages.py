"""The office's and the admin's further pages over HTTP (no browser): follow-up draws (draw, visit, recompute to
check), the departments' monthly submissions and who is late, the annual assessment, accounts, the catalog and
the register change form, the complaints on the dashboard."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case
from tests.e2e.test_web import csrf_of, logged_in

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the pages are served by the embedded app here; "
                                "the distributed web process is started by deploy/launcher.py")


def test_a_follow_up_draw_and_its_visits_through_the_pages(api, clock):
    cases = [conclude_case(api, items=[2]) for _ in range(3)]
    api.settle()
    client = logged_in(api, "supervisor")
    page = client.get("/followups")
    assert page.status_code == 200 and "回访抽查" in page.text and "尚无回访抽取" in page.text
    assert '<label for="d-period_start">办结（终止）日期起</label>' in page.text
    wrong = client.post("/followups", data={"csrf": csrf_of(page.text), "period_start": "2026-09-30",
                                            "period_end": "2026-09-01", "ratio": "50"})
    assert wrong.status_code == 422 and 'id="err-period_end"' in wrong.text and 'value="50"' in wrong.text
    drawn = client.post("/followups", data={"csrf": csrf_of(page.text), "period_start": "2026-09-01",
                                            "period_end": "2026-09-30", "ratio": "50", "seed": "7"},
                        follow_redirects=True)
    assert drawn.status_code == 200 and 'data-reproducible="true"' in drawn.text
    draw_id = drawn.url.path.rsplit("/", 1)[1]
    recorded = api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()
    assert recorded["seed"] == 7 and recorded["ratio"] == 0.5 and recorded["inputs"] == sorted(cases)
    assert len(recorded["sample"]) == 2 and all(f'id="case-{c}"' in drawn.text for c in recorded["sample"])
    assert 'data-visited>0 / 2<' in drawn.text
    picked = recorded["sample"][0]
    missing = client.post(f"/followups/{draw_id}/visits", data={"csrf": csrf_of(drawn.text), "case_id": picked,
                                                                "visited_on": "2026-09-21", "note": "电话无人接听"})
    assert missing.status_code == 422 and f'id="err-{picked}-outcome"' in missing.text and "电话无人接听" in missing.text
    visited = client.post(f"/followups/{draw_id}/visits", data={"csrf": csrf_of(drawn.text), "case_id": picked,
                                                                "outcome": "reached", "level": "satisfied",
                                                                "visited_on": "2026-09-21", "note": "企业表示满意"},
                          follow_redirects=True)
    assert visited.status_code == 200 and 'data-visited>1 / 2<' in visited.text and "企业表示满意" in visited.text
    assert api.get(f"/evaluation/follow-ups/draws/{draw_id}", "supervisor").json()["visits"][0]["outcome"] == "reached"
    listed = client.get("/followups")
    assert listed.text.count('<tr class="draw-row">') == 1 and "重算一致" in listed.text
    admin = logged_in(api, "admin").get(f"/followups/{draw_id}")
    assert admin.status_code == 200 and "记录回访" not in admin.text  # the admin reads; the supervisor visits
    assert logged_in(api, "park_agent").get("/followups").status_code == 403
