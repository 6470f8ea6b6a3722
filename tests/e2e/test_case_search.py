"""``GET /reporting/cases?q=``: a case found by what the caller has at hand (API.md, "Forms keyed in later,
amendments, search": enterprise name, 统一社会信用代码, project name, 项目代码, case id).  A window agent with
the enterprise on the phone types part of a name; a supervisor pastes a 项目代码 from the 在线审批监管平台."""

from __future__ import annotations

from tests.support import OTHER_CREDIT_CODE, VALID_CREDIT_CODE, application_body


def submit(api, as_: str, **changes) -> str:  # noqa: ANN001
    r = api.post("/intake/applications", as_, json=application_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["case_id"]


def found(api, q: str, as_: str = "supervisor") -> set[str]:  # noqa: ANN001
    r = api.client.get("/reporting/cases", params={"q": q}, headers=api.headers(as_))
    assert r.status_code == 200, r.text
    return {row["case_id"] for row in r.json()["items"]}


def test_a_case_is_found_by_any_part_of_its_enterprise_project_code_or_id(api):
    carbon = submit(api, "applicant", project__name="年产5万吨高性能碳材料项目", project__code="2026-150303-30-03-01234A")
    glass = submit(api, "applicant2", project__name="光伏玻璃深加工项目", project__code="2026-150303-30-03-05678B",
                   unit__name="乌海市蓝海光伏玻璃有限公司", unit__credit_code=OTHER_CREDIT_CODE)
    api.settle()
    assert {carbon, glass} <= found(api, "项目")
    assert found(api, "碳材料") & {carbon, glass} == {carbon}
    assert found(api, "蓝海光伏") & {carbon, glass} == {glass}  # the enterprise's name
    assert found(api, VALID_CREDIT_CODE.lower()) & {carbon, glass} == {carbon}  # the credit code, any case
    assert found(api, "05678B") & {carbon, glass} == {glass}  # part of the 项目代码
    assert found(api, carbon) == {carbon}
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in carbon.lower())  # typed on a Chinese input method
    assert found(api, full_width) == {carbon}
    assert found(api, "光伏 深加工") & {carbon, glass} == {glass}  # every word must occur
    assert found(api, "光伏 碳材料") & {carbon, glass} == set()
    assert found(api, "王建国") & {carbon, glass} == set()  # people's names are not searched


def test_a_search_finds_only_what_the_caller_may_read(api):
    mine = submit(api, "applicant")
    theirs = submit(api, "applicant2", unit__credit_code=OTHER_CREDIT_CODE)
    api.settle()
    assert found(api, "碳材料", as_="applicant") & {mine, theirs} == {mine}
    assert found(api, theirs, as_="applicant") == set()


def test_a_blank_or_overlong_query_is_refused_naming_q(api):
    for bad in ("   ", "x" * 101, ""):
        r = api.client.get("/reporting/cases", params={"q": bad}, headers=api.headers("supervisor"))
        assert r.status_code == 422, (bad, r.text)
        assert "q" in str(r.json()["detail"])
