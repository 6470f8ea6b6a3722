"""The printable forms (附件4–10): the seed's wording, filled from the case, as PDF and DOCX, for whoever may read the case.

One demo case (tests/e2e/forms_support.py) is taken through every paper; every form is fetched over HTTP
as DOCX (cheap, python-docx reads it back) and printed to PDF by LibreOffice once for the whole module —
all forms, filled and blank, in one LibreOffice run (the route prints with the same converter; one test
fetches a PDF through the route itself).  The PDF's text (pdftotext) must carry the case's values and
every fixed word of the seed's form (tests/seed/attachments_4_to_10.txt), its fonts embedded (pdffonts).
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
import re
import shutil
import subprocess
import tempfile
import unicodedata
from urllib.parse import quote

from docx import Document
from docx.oxml.ns import qn
import pytest

from shared.clock import CHINA, ManualClock
from shared.office import to_pdf
from shared.reference import load_catalog
from shared.settings import Settings
from tests.conftest import DISTRIBUTED
from tests.e2e.forms_support import AGENT, DEMO_ITEMS, demo_cases
from tests.printing import fonts, need_office, page_count
from tests.support import VALID_ID_NUMBER, start_app

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="prints from the in-process app; the processes serve the same router")

SEED_COPY = Path(__file__).resolve().parents[1] / "seed" / "attachments_4_to_10.txt"
SEED = Path("/work/shared/seed/000_bb5859c5d9ad9e82.txt")
FORMS = {"application": "附件4", "delegation": "附件5", "commitment": "附件6", "cross_level": "附件7",
         "completion": "附件8", "rating": "附件9", "termination": "附件10"}
TITLES = {"附件7": "跨层级审批事项服务协办单"}
BLANK_AUTHORITY = re.compile(r"\s+政务服务(局|部门)")  # the seed's blank before 政务服务局 / 政务服务部门
CATALOG = load_catalog()
PUBLIC_URL = "https://bnb.haina.example/"  # BANGNIN_PUBLIC_URL: the address the 办结单's QR code opens (trailing / dropped)


def words(text: str) -> str:
    """Compare as words: NFKC folds the seed's half-width ,;:() and the paper's full-width ones; no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def seed_blocks() -> dict[str, list[str]]:
    """The seed's lines of each 附件 (its first line, 附件N:, left out)."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in SEED_COPY.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^(附件\d+):", line):
            current = m.group(1)
            blocks[current] = []
        elif current:
            blocks[current].append(line)
    # The seed's text puts the checklist of items 12–34 under "附件7:" before the 协办单's title: it is the
    # rest of 附件4's checklist (items 1–11 there, erratum E6); the 协办单 names its own items.
    seven = blocks["附件7"]
    title = seven.index(TITLES["附件7"])
    blocks["附件4"] += seven[:title]
    blocks["附件7"] = seven[title:]
    return blocks


def fixed_words(attachment: str, authority: str | None) -> list[str]:
    """Every fixed fragment of the seed's form: its lines split at the blanks (runs of spaces), the boxes (£)
    left out (printed ☑/☐); the blank before 政务服务局/部门 filled with ``authority`` as the 承诺书 fills it."""
    fragments = []
    for line in seed_blocks()[attachment]:
        line = line.replace("£", " ")
        if authority:
            line = BLANK_AUTHORITY.sub(authority, line)
        fragments += [words(f) for f in line.split() if words(f)]
    return fragments


def pdf_text(pdf: bytes) -> str:
    """The text in the order it is drawn (-raw): each table cell's lines together."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(["pdftotext", "-raw", f.name, "-"], capture_output=True, check=True, text=True).stdout


def docx_text(docx: bytes) -> str:
    """Every paragraph of the DOCX in document order (in tables, nested ones too), then the footer's."""
    document = Document(BytesIO(docx))
    paragraphs = document.element.body.iter(qn("w:p"))
    out = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs]
    return "\n".join([*out, *(p.text for p in document.sections[0].footer.paragraphs)])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    clock = ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))
    settings = Settings(data_dir=tmp_path_factory.mktemp("forms") / "data", relay_poll_seconds=0.05,
                        public_url=PUBLIC_URL)
    with start_app(settings, clock) as api:
        completed, request_id, terminated = demo_cases(api, clock)
        yield api, completed, request_id, terminated


def form_path(world, form: str) -> str:  # noqa: ANN001
    _, completed, _, terminated = world
    return f"/reporting/cases/{terminated if form == 'termination' else completed}/forms/{form}"


def fetch(world, form: str, as_: str = AGENT, fmt: str = "docx"):  # noqa: ANN001
    api, _, request_id, _ = world
    return api.get(form_path(world, form), as_,
                   params={"format": fmt, **({"request_id": request_id} if form == "cross_level" else {})})


@pytest.fixture(scope="module")
def printed(world):  # noqa: ANN001
    """Every form, filled (as the case's agent sees it) and blank, as DOCX over HTTP and as PDF: one LibreOffice run."""
    need_office()
    api = world[0]
    docs = {}
    for form in FORMS:
        r = fetch(world, form)
        assert r.status_code == 200, r.text
        docs[form] = r.content
        r = api.get(f"/reporting/forms/{form}", "applicant2", params={"format": "docx"})
        assert r.status_code == 200, r.text
        docs[f"{form}-blank"] = r.content
    docs["register"] = api.get("/reporting/forms/register", "applicant2", params={"format": "docx"}).content
    return dict(zip(docs, to_pdf(list(docs.values()), "docx")))


def test_the_register_prints_with_its_fonts_embedded(printed):
    pdf = printed["register"]
    text = words(pdf_text(pdf))
    assert "区本级“帮您办”代办帮办服务人员信息表" in text and words("陈起15714730770区发改委企业投资项目备案") in text
    assert all(embedded for _, embedded in fonts(pdf))


def the_case(world, form: str = "application", as_: str = AGENT) -> dict:  # noqa: ANN001
    api, completed, _, terminated = world
    return api.get(f"/reporting/cases/{terminated if form == 'termination' else completed}", as_).json()


def values_of(world, form: str, *, pdf: bool = False) -> list[str]:  # noqa: ANN001
    """What the case writes into the form (as its agent sees it).  In the PDF's drawing order a row of boxes
    comes after its words (the boxes are in another font, drawn apart)."""
    view = the_case(world, form)
    unit, project = view["unit"], view["project"]
    names = {i.item_no: i.name for i in CATALOG.items}
    common = [project["name"], project["code"]]
    if form == "application":
        return [unit["name"], unit["head"], unit["postcode"], unit["phone"], unit["handler"], unit["address"],
                project["address"], f"{project['total_investment']}万元", project["funding_source"], project["land_nature"],
                project["use_and_scale"], project["progress"], f"合计{len(DEMO_ITEMS)}项",
                *[f"☑{names[n]}" for n in DEMO_ITEMS], f"☐{names[1]}", f"☐{names[34]}"]
    if form == "delegation":
        agent = view["delegation"]["agent"]
        return [f"我({view['delegation']['legal_representative']})系({unit['name']})的法人代表",
                f"现授权委托({agent['unit']})的({agent['name']})为我单位项目代办人", f"涉及我({project['name']})的相关事项",
                f"代办帮办项目合计{len(DEMO_ITEMS)}项", *[f"{n}.{names[n]}☑" for n in DEMO_ITEMS], f"1.{names[1]}☐",
                f"代办人:{agent['name']}", "性别:男", f"身份号码:{VALID_ID_NUMBER}", f"职务:{agent['post']}"]
    if form == "commitment":
        return ["本单位向区政务服务局申请提供代办帮办服务", "在区政务服务局提出终止帮办代办服务时"]
    if form == "cross_level":
        request = view["cross_level_requests"][0]
        return [request["project_name"], request["region"], request["helper"]["phone"], "2026年9月21日",
                request["project_contact"]["name"], request["project_contact"]["phone"], f"☑{names[2]}", request["reason"],
                *request["required_documents"], request["requested_unit"], request["answer"]["result"],
                request["answer"]["assisted_by"]["name"], request["answer"]["assisted_by"]["phone"],
                request["answer"]["assisting_center"], request["remark"]]
    if form == "completion":
        return [*common, "已于2026年9月30日完成代办帮办服务工作", "(区政务服务局)",
                "附:已移交申请单位的资料:1.投资项目备案证明", "4.环境影响评价批复"]  # the agent's 资料移交清单
    if form == "rating":
        boxes = ["非常满意满意一般不满意非常不满意", "☐☑☐☐☐"] if pdf else ["非常满意☐", "满意☑", "一般☐", "不满意☐", "非常不满意☐"]
        return [*common, "已于2026年9月30日完成项目代办帮办服务工作", *boxes, view["ratings"][0]["comment"]]
    return [*common, f"现因{view['termination']['reason']},经双方认可,于2026年9月30日终止代办帮办委托", "(区政务服务局)"]


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not on this machine; the copy in tests/seed is used")
def test_the_seed_copy_is_the_seed_byte_for_byte():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert SEED_COPY.read_text(encoding="utf-8").splitlines() == lines[505:924]


@pytest.mark.parametrize("form", FORMS)
def test_each_printed_form_carries_the_case_and_the_seeds_wording_with_its_fonts_embedded(printed, world, form):
    pdf = printed[form]
    text = words(pdf_text(pdf))
    assert page_count(pdf) == 1
    missing = [v for v in values_of(world, form, pdf=True) if words(v) not in text]
    assert not missing, f"{form}: the case's values not printed: {missing}"
    missing = [w for w in fixed_words(FORMS[form], "区政务服务局") if w not in text]
    assert not missing, f"{form}: the seed's words not printed: {missing}"
    assert words(f"案件编号{the_case(world, form)['case_id']}") in text
    used = fonts(pdf)
    assert used and all(embedded for _, embedded in used), used
    assert any("NotoSerifCJK" in name for name, _ in used), used  # 宋体: the Song (serif) face
    assert any("NotoSansCJK" in name for name, _ in used), used  # 黑体: the title


@pytest.mark.parametrize("form", FORMS)
def test_each_blank_form_is_the_seeds_with_its_blanks_empty(printed, world, form):
    pdf = printed[f"{form}-blank"]
    text = words(pdf_text(pdf))
    assert page_count(pdf) == 1
    missing = [w for w in fixed_words(FORMS[form], None) if w not in text]
    assert not missing, f"{form}: the seed's words not printed: {missing}"
    view = the_case(world, form)
    assert view["project"]["name"] not in text and view["case_id"] not in text and "☑" not in text
    assert all(embedded for _, embedded in fonts(pdf))


def test_checklists_tick_exactly_the_items_asked_for(world):
    """附件4 ticks the application's items, 附件5 the 委托书's, with their count; every catalog item is listed."""
    for form in ("application", "delegation"):
        text = docx_text(fetch(world, form).content)
        if form == "application":
            assert "☑ 是　　　☐ 否" in text  # 是否重点项目
        assert text.count("☑") == len(DEMO_ITEMS) + (1 if form == "application" else 0)
        assert text.count("☐") == len(CATALOG.items) - len(DEMO_ITEMS) + (1 if form == "application" else 0)


@pytest.mark.parametrize("form", FORMS)
def test_the_docx_reads_back_with_the_same_values(world, form):
    r = fetch(world, form)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"filename*=UTF-8''{quote(FORMS[form])}" in r.headers["content-disposition"]
    assert f'filename="bangnin-{form}-' in r.headers["content-disposition"]
    text = words(docx_text(r.content))
    missing = [v for v in values_of(world, form) if words(v) not in text]
    assert not missing, f"{form}: {missing}"


def test_personal_data_is_masked_for_roles_that_see_it_masked(world):
    """The supervisor and the department agents see 身份证号 and phones masked, as in the case view; the
    case's service point and the applicant itself see them whole."""
    for who in ("supervisor", "dept_fgw"):
        view = the_case(world, as_=who)
        delegation = docx_text(fetch(world, "delegation", as_=who).content)
        application = docx_text(fetch(world, "application", as_=who).content)
        assert view["delegation"]["agent"]["id_number"] in delegation and VALID_ID_NUMBER not in delegation
        assert "*" in view["unit"]["phone"] and view["unit"]["phone"] in application
        assert the_case(world)["unit"]["phone"] not in application
    for who in ("applicant", AGENT):
        assert VALID_ID_NUMBER in docx_text(fetch(world, "delegation", as_=who).content)


def test_a_pdf_through_the_route_masked_for_the_supervisor(world):
    need_office()
    r = fetch(world, "delegation", as_="supervisor", fmt="pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''%E9%99%84%E4%BB%B65" in r.headers["content-disposition"]  # 附件5…
    text = words(pdf_text(r.content))
    masked = the_case(world, as_="supervisor")["delegation"]["agent"]["id_number"]
    assert words(f"身份号码:{masked}") in text and VALID_ID_NUMBER not in text
    assert all(embedded for _, embedded in fonts(r.content))


def test_who_may_fetch_is_who_may_read_the_case(world):
    api = world[0]
    for who in ("applicant2", "window_agent" if AGENT == "park_agent" else "park_agent", "dept_rsj"):
        r = fetch(world, "application", as_=who)
        assert r.status_code == 404, (who, r.text)
        assert api.get(f"/reporting/cases/{world[1]}", who).status_code == 404
    for who in ("applicant", AGENT, "supervisor", "admin", "dept_fgw"):
        assert fetch(world, "application", as_=who).status_code == 200, who
    assert api.client.get(form_path(world, "application")).status_code == 401
    assert api.get("/reporting/forms/termination", "applicant2", params={"format": "docx"}).status_code == 200


def test_unknown_forms_and_states_not_reached_are_refused_naming_why(world):
    api, completed, request_id, terminated = world
    r = api.get(f"/reporting/cases/{completed}/forms/register", AGENT)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "form"
    r = api.get(f"/reporting/cases/{completed}/forms/application", AGENT, params={"format": "odt"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "format"
    r = api.get(f"/reporting/cases/{terminated}/forms/completion", AGENT, params={"format": "docx"})
    assert r.status_code == 409 and "尚未办结" in r.json()["detail"][0]["msg"]
    r = api.get(f"/reporting/cases/{terminated}/forms/rating", AGENT, params={"format": "docx"})
    assert r.status_code == 409 and "/reporting/forms/rating" in r.json()["detail"][0]["msg"]
    r = api.get(f"/reporting/cases/{completed}/forms/termination", AGENT, params={"format": "docx"})
    assert r.status_code == 409 and "未终止" in r.json()["detail"][0]["msg"]
    r = api.get(f"/reporting/cases/{completed}/forms/cross_level", AGENT, params={"format": "docx"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "request_id"
    r = api.get(f"/reporting/cases/{completed}/forms/cross_level", AGENT, params={"format": "docx", "request_id": "XL999"})
    assert r.status_code == 404 and r.json()["detail"][0]["field"] == "request_id"
    r = api.get(f"/reporting/cases/{completed}/forms/completion", AGENT, params={"format": "docx", "request_id": request_id})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "request_id"


def test_the_delegation_before_it_is_signed_leaves_the_agent_blank(world):
    """附件5 printed to be signed: the unit, the project and the items asked for are filled, the 代办人 left blank."""
    api = world[0]
    from tests.support import application_body

    r = api.post("/intake/applications", "applicant", json=application_body(project__in_industrial_park=False))
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    api.settle()
    text = docx_text(api.get(f"/reporting/cases/{case_id}/forms/delegation", AGENT, params={"format": "docx"}).content)
    assert "乌海市海南区示范新材料有限公司" in text and "代办帮办项目合计 5\u00a0项" in text
    assert "陈起" not in text and VALID_ID_NUMBER not in text
    assert "区政务服务局" in docx_text(api.get(f"/reporting/cases/{case_id}/forms/commitment", AGENT,
                                                params={"format": "docx"}).content)


def test_the_register_prints_as_it_stands_with_recorded_changes(world, tmp_path):
    """附件11 人员信息表: the seed's rows (an item, its agents and their phones, the department), with a change
    recorded through 登记报备 applied from its effective date."""
    api = world[0]
    text = docx_text(api.get("/reporting/forms/register", "applicant2", params={"format": "docx"}).content)
    for words_ in ("区本级“帮您办”代办帮办服务人员信息表", "序号", "代办人员", "联系方式", "所属部门", "负责代办帮办事项名称",
                   "陈起", "15714730770", "企业投资项目备案", "白芳", "13604738371", "建筑工程施工许可证核发"):
        assert words_ in text, words_
    assert "企业投资项目核准" in text.split("未登记代办人员的事项")[1]  # erratum E5: no agent in 附件11
    change = {"items": [10], "replaced": "白芳", "replacement": {"name": "刘洋", "phone": "13900001111"},
              "effective_on": "2026-09-30", "reason": "白芳调岗"}
    assert api.post("/coordination/agent-register/zjj/changes", "dept_zjj", json=change).status_code == 201
    api.settle()
    r = api.get("/reporting/forms/register", "supervisor", params={"format": "docx"})
    assert "filename*=UTF-8''" + quote("附件11人员信息表-2026-09-30.docx") in r.headers["content-disposition"]
    text = docx_text(r.content)
    row = text[text.index("刘洋") - 40:text.index("建筑工程施工许可证核发")]
    assert "13900001111" in row and "白芳" not in row
    assert "白芳" in text  # still registered for item 12


def test_the_case_page_links_to_its_forms_and_the_link_prints_as_the_user(world):
    """The web's case page lists the forms the case has reached; a link fetches the form with the user's own
    token (the applicant of another enterprise gets the case view's answer)."""
    from tests.e2e.test_web import logged_in

    api, completed, request_id, terminated = world
    client = logged_in(api, AGENT)
    try:
        page = client.get(f"/cases/{completed}").text
        assert f"/cases/{completed}/papers/completion" in page and f"/cases/{completed}/papers/termination" not in page
        assert f"request_id={request_id}" in page
        assert f"/cases/{terminated}/papers/termination" in client.get(f"/cases/{terminated}").text
        r = client.get(f"/cases/{completed}/papers/rating", params={"format": "docx"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert "满意☑" in docx_text(r.content)
        r = client.get(f"/cases/{terminated}/papers/completion", params={"format": "docx"})
        assert r.status_code == 409 and "尚未办结" in r.text
        client = logged_in(api, "applicant2")
        assert client.get(f"/cases/{completed}/papers/application", params={"format": "docx"}).status_code == 404
    finally:
        client.cookies.clear()


def test_a_park_case_is_addressed_to_the_park_committee(world):
    """The blank before 政务服务局 (附件6) and 政务服务部门 (附件8) names the serving department: 工业园区管委会."""
    api = world[0]
    from tests.e2e.evaluation_support import conclude_case

    case_id = conclude_case(api, items=[2], in_park=True)
    commitment = docx_text(api.get(f"/reporting/cases/{case_id}/forms/commitment", "park_agent",
                                   params={"format": "docx"}).content)
    assert words("本单位向工业园区管委会申请提供代办帮办服务") in words(commitment)
    assert words("在工业园区管委会提出终止帮办代办服务时") in words(commitment)
    completion = docx_text(api.get(f"/reporting/cases/{case_id}/forms/completion", "park_agent",
                                   params={"format": "docx"}).content)
    assert words("(工业园区管委会)") in words(completion) and "区政务服务局" not in completion


# -- the 办结单's QR code to the rating page -------------------------------------------------------------
def qr_codes(png: bytes) -> list[str]:
    """The text of every QR code zxing-cpp finds in a picture (PNG, JPEG …)."""
    import zxingcpp
    from PIL import Image

    with Image.open(BytesIO(png)) as picture:
        return [code.text for code in zxingcpp.read_barcodes(picture.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)]


def docx_pictures(document) -> list[bytes]:  # noqa: ANN001
    """The pictures the document's body shows (its image parts; not the package's thumbnail)."""
    return [rel.target_part.blob for rel in document.part.rels.values() if rel.reltype.endswith("/image")]


def pdf_pictures(pdf: bytes, tmp_path: Path) -> list[bytes]:
    """Every image drawn in the PDF, as poppler's pdfimages extracts it (PNG)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "form.pdf").write_bytes(pdf)
    subprocess.run(["pdfimages", "-png", str(tmp_path / "form.pdf"), str(tmp_path / "img")], check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob("img-*.png"))]


def test_the_completion_form_carries_a_qr_code_that_opens_the_rating_page(printed, world, tmp_path):
    """附件8 as printed: a QR code (decoded back from the PDF's image and from the DOCX's picture) to the case's
    rating page on BANGNIN_PUBLIC_URL, its URL printed below it; the blank 办结单 has none (no case to rate)."""
    _, completed, _, _ = world
    url = f"https://bnb.haina.example/cases/{completed}/rating?channel=qr_code"
    if shutil.which("pdfimages") is None:
        from tests.conftest import server_missing

        server_missing("poppler-utils", "pdfimages not on PATH (Debian: apt-get install poppler-utils)")
    found = [text for picture in pdf_pictures(printed["completion"], tmp_path) for text in qr_codes(picture)]
    assert found == [url]
    assert words(url) in words(pdf_text(printed["completion"]))  # the URL in small text, for whoever types it
    document = Document(BytesIO(fetch(world, "completion").content))
    assert [text for picture in docx_pictures(document) for text in qr_codes(picture)] == [url]
    assert url in docx_text(fetch(world, "completion").content)
    blank = Document(BytesIO(world[0].get("/reporting/forms/completion", "applicant2", params={"format": "docx"}).content))
    assert not docx_pictures(blank)
    assert not pdf_pictures(printed["completion-blank"], tmp_path / "blank")
    # nothing else prints a QR code: the 评价表 is filled in by hand
    assert not [t for picture in pdf_pictures(printed["rating"], tmp_path / "rating") for t in qr_codes(picture)]


def test_the_qr_codes_page_rates_through_the_qr_code_channel(world):
    """The page the QR code opens (/cases/{id}/rating?channel=qr_code) records the rating's channel as qr_code
    (a 追评 here: the demo case was rated before)."""
    from tests.e2e.test_web import csrf_of, logged_in

    api, completed, _, _ = world
    client = logged_in(api, "applicant")
    try:
        page = client.get(f"/cases/{completed}/rating", params={"channel": "qr_code"})
        assert page.status_code == 200 and 'name="channel" value="qr_code"' in page.text
        assert 'name="channel"' not in client.get(f"/cases/{completed}/rating", params={"channel": "sms"}).text
        r = client.post(f"/cases/{completed}/rating", data={"csrf": csrf_of(page.text), "channel": "qr_code",
                                                            "level": "very_satisfied", "comment": "扫码追评"},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
    finally:
        client.cookies.clear()
    api.settle()
    ratings = api.get(f"/reporting/cases/{completed}", AGENT).json()["ratings"]
    assert [(r["level"], r["channel"]) for r in ratings][-1] == ("very_satisfied", "qr_code")
