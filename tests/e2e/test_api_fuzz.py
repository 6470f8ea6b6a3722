"""Property-based robustness of the whole HTTP API (schemathesis over the app's own OpenAPI schema).

For every operation, schemathesis generates requests that fit the schema and requests that do not;
each is sent as every kind of account (applicant, window_agent, park_agent, a department agent,
supervisor, admin), and every answer must be

* no 5xx (``not_a_server_error``; an exception the app did not handle counts as one),
* what the schema documents, where the endpoint declares a body (``response_schema_conformance``),
* when refused (4xx), a Chinese reason, and a 422 lists each bad field by name (``chinese_errors``),
* when a command is refused, nothing stored: no service's event log moved.

Before fuzzing, real data is made over HTTP — a case open at each service point (one with a
cross-level request), one concluded with a 差评 and its rectification, one terminated, one submitted
and not yet accepted, a follow-up draw — and three in four requests take their path parameters
(case_id, item_no, request_id, rectification_id, draw_id, year, department, month) from that data, so
the generated bodies reach the commands and not only the 404s. Query parameters that the schema
leaves free text but that are dates, months, moments or department codes are, three times in four,
drawn as such (any date from 0001 to 9999, any UTC offset, the first and last moment there is), so
the parsers behind them are exercised too. Afterwards every relay must have delivered everything (no
event the fuzzing stored is refused downstream), nothing may have been logged as an error, and the
seeded cases must still be readable.

The app runs in-process (the ``api`` fixture: real SQLite files in a temp folder, a manual clock) and
the requests go through its own TestClient. Deterministic and bounded: a fixed Hypothesis seed per
operation, no example database, no schemathesis cache, 15 examples per operation (about 4,000
requests; ~30 s on two cores). Problems are collected and reported together, one per distinct kind.

pytest 9.2 removed the ``Node._nodeid`` that ``schemathesis.pytest.from_fixture`` rewrites, so the
operations are driven with ``APIOperation.as_strategy`` rather than ``@schema.parametrize()``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
import logging
import re
from typing import Any
import zlib

import hypothesis
from hypothesis import strategies as st
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from shared.reference import load_catalog
from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case, rate, terminate_case
from tests.support import application_body, open_case

ROLES = ("applicant", "window_agent", "park_agent", "dept_zrzy", "supervisor", "admin")
EXAMPLES_PER_OPERATION = 15  # × 45 operations × 6 roles ≈ 4,000 requests
BASE_URL = "http://testserver"
CHINESE = re.compile(r"[\u4e00-\u9fff]")

SEED = 20260921
CONFIG = SchemathesisConfig.from_dict({"cache": {"enabled": False}})  # and no schemathesis.toml is looked for
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION, database=None, deadline=None,
    phases=[hypothesis.Phase.generate],  # problems are collected, not raised: nothing to shrink
    suppress_health_check=list(hypothesis.HealthCheck),
)

DATES = st.dates().map(date.isoformat)
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
MOMENTS = st.one_of(
    DATES,
    st.datetimes(timezones=st.one_of(st.none(), OFFSETS)).map(datetime.isoformat),
    st.builds(datetime.replace, st.sampled_from([datetime.min, datetime.max]), tzinfo=OFFSETS).map(datetime.isoformat),
)  # a date, a moment, the first or last moment there is in some time zone
MONTHS = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}")
QUERY_VALUES = {
    "as_of": MOMENTS, "from": DATES, "to": DATES, "period_start": DATES, "period_end": DATES, "period": MONTHS,
    "department": st.sampled_from([d.code for d in load_catalog().departments]),
}


def seed_world(api) -> dict[str, list[dict[str, Any]]]:  # noqa: ANN001
    """Real data in every state, made over HTTP; returns, per path template, the path parameters that exist."""
    open_park = open_case(api)  # park point, five items
    open_district = open_case(api, in_park=False, items=[2, 7])
    r = api.post(f"/coordination/cases/{open_district}/cross-level-requests", "window_agent", json={
        "items": [2], "reason": "需市发改委出具意见", "required_documents": ["项目申请报告"],
        "requested_unit": "乌海市代办帮办中心", "project_contact": {"name": "王建国", "phone": "15714730770"},
        "agent_phone": "0473-1234567"})
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    concluded = conclude_case(api, items=[2, 7])
    r = rate(api, concluded, "dissatisfied", comment="用地预审环节来回跑了三次")
    assert r.status_code == 201, r.text
    rectification_id = r.json()["rectification_id"]
    terminated = terminate_case(api)
    r = api.post("/intake/applications", "applicant", json=application_body())
    assert r.status_code == 201, r.text
    submitted = r.json()["case_id"]  # not accepted: delegation, acceptance, rejection, withdrawal all apply
    r = api.post("/evaluation/follow-ups/draws", "supervisor", json={"period_start": "2026-09-01", "period_end": "2026-09-30"})
    assert r.status_code == 201, r.text
    draw_id = r.json()["draw_id"]
    r = api.client.post(f"/intake/applications/{open_park}/materials", headers=api.headers("applicant"),
                        data={"title": "营业执照", "item_no": "2"},
                        files={"file": ("营业执照.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert r.status_code == 201, r.text
    material_id = r.json()["material_id"]
    api.settle()

    items = {open_park: [2, 7, 9, 10, 24], open_district: [2, 7], concluded: [2, 7], terminated: [2], submitted: [2]}
    return {
        "case_id": [{"case_id": c} for c in items],
        "case_id item_no": [{"case_id": c, "item_no": n} for c, nos in items.items() for n in nos],
        "case_id request_id": [{"case_id": open_district, "request_id": request_id}],
        "case_id material_id": [{"case_id": open_park, "material_id": material_id}],
        "rectification_id": [{"rectification_id": rectification_id}],
        "draw_id": [{"draw_id": draw_id}],
        "year": [{"year": 2026}, {"year": 2027}],
        "department": [{"department": d} for d in ("zrzy", "fgw", "gyyq")],
        "month": [{"month": m} for m in ("2026-08", "2026-09", "2026-10")],
    }


def cases_for(operation, world: dict[str, list[dict[str, Any]]]):  # noqa: ANN001, ANN201
    """Valid and invalid requests for ``operation``; mostly on existing data."""
    names = " ".join(sorted(re.findall(r"{(\w+)}", operation.path), key=operation.path.index))
    real = world.get(names, [])
    known = {p.name: QUERY_VALUES[p.name] for p in operation.query if p.name in QUERY_VALUES}

    @st.composite
    def draw_case(draw):  # noqa: ANN001, ANN202
        mode = draw(st.sampled_from(list(GenerationMode)))
        path = draw(st.sampled_from(real)) if real and draw(st.integers(0, 3)) else None
        query = {name: draw(values) for name, values in known.items() if draw(st.integers(0, 3))}
        return draw(operation.as_strategy(generation_mode=mode, path_parameters=path, query=query or None))

    return draw_case()


def chinese_errors(ctx, response, case) -> None:  # noqa: ANN001
    """A refused request says why in Chinese; a 422 names each bad field."""
    if not 400 <= response.status_code < 500:
        return None
    body = response.json()
    detail = body.get("detail")
    if response.status_code == 422:
        assert isinstance(detail, list) and detail, f"a 422 must list the bad fields: {body}"
    if isinstance(detail, list):
        for entry in detail:
            field = str(entry.get("field") or "")
            # a bare index is no name; an extra field is named by the key the client sent, digits or not
            assert field and (not field.isdigit() or entry.get("type") == "extra_forbidden"), \
                f"an error entry does not name its field: {entry}"
            assert CHINESE.search(str(entry.get("msg", ""))), f"error message is not Chinese: {entry}"
    else:
        assert isinstance(detail, str) and CHINESE.search(detail), f"error message is not Chinese: {body}"
    return None


CHECKS = [not_a_server_error, response_schema_conformance, chinese_errors]


def send(api, case, role: str):  # noqa: ANN001, ANN201
    """The generated request, signed in as ``role``, through the app's TestClient (httpx)."""
    headers = {"Authorization": f"Bearer {api.token(role)}"}
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)  # requests-style keywords
    data = kwargs.pop("data", None)
    if isinstance(data, (str, bytes)):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data  # a form
    if not kwargs.get("cookies"):
        kwargs.pop("cookies", None)
    if kwargs.get("files"):  # a generated file that is not bytes (a negative case) goes as its text, as a client sends it
        files = kwargs["files"]
        pairs = files.items() if isinstance(files, dict) else files
        kwargs["files"] = [(name, _file_part(value)) for name, value in pairs]
    response = api.client.request(**kwargs)
    response.request.read()  # a multipart body (an upload) is a stream: the checks read what was sent
    return response, headers


def _file_part(value: Any) -> Any:
    if isinstance(value, tuple):
        return (value[0], _file_part(value[1]), *value[2:])
    return value if isinstance(value, (bytes, str)) or hasattr(value, "read") else str(value).encode()


def heads(api) -> tuple[int, ...]:  # noqa: ANN001
    """How far each writing service's event log has got."""
    services = api.runtime.services
    return services.intake.head(), services.coordination.head(), services.evaluation.head()


@pytest.mark.skipif(DISTRIBUTED, reason="fuzzes the in-process app; the processes answer the same schema")
def test_every_operation_as_every_role(api, caplog, monkeypatch):  # noqa: ANN001
    caplog.set_level(logging.ERROR)
    # The PDF of the monthly report is the workbook printed by LibreOffice (5-10 s a conversion, tested on its own
    # in tests/e2e/test_reporting_print.py): here a stand-in, so that fuzzing ?format=pdf measures the route, not the printer.
    import services.reporting.api as reporting_api

    monkeypatch.setattr(reporting_api, "workbook_to_pdf", lambda xlsx: b"%PDF-1.4 fuzz stand-in")
    monkeypatch.setattr(reporting_api, "document_to_pdf", lambda docx: b"%PDF-1.4 fuzz stand-in")  # the forms, likewise
    world = seed_world(api)
    spec = api.client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec, config=CONFIG)
    problems: dict[tuple, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        command = operation.method.upper() in ("POST", "PUT") and operation.path != "/auth/token"

        @hypothesis.seed(SEED + zlib.crc32(operation.label.encode()))  # fixed per operation, whatever the code below
        @SETTINGS
        @hypothesis.given(case=cases_for(operation, world))
        def fuzz(case) -> None:  # noqa: ANN001
            for role in ROLES:
                before = heads(api) if command else None
                try:
                    response, headers = send(api, case, role)
                except Exception as exc:  # noqa: BLE001 - the TestClient re-raises what the app did not handle: a 500
                    key = (operation.label, 500, f"{type(exc).__name__}: {exc}")
                    problems.setdefault(key, f"{operation.label} as {role} → 500 {type(exc).__name__}: {exc}\n"
                                             f"{case.as_curl_command(headers={'Authorization': '[Filtered]'}, base_url=BASE_URL)}")
                    continue
                if command and response.status_code >= 400 and heads(api) != before:
                    problems.setdefault((operation.label, response.status_code, "stored"),
                                        f"{operation.label} as {role} → {response.status_code}, yet events were stored\n"
                                        f"{response.text[:300]}")
                elif command and response.status_code < 300:
                    api.settle()  # what other services do in reaction lands before the next request is measured
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (FailureGroup, AssertionError) as exc:  # every distinct problem is kept, then reported
                    failures = getattr(exc, "exceptions", [exc])
                    key = (operation.label, response.status_code,
                           tuple(sorted(str(getattr(f, "message", f)).splitlines()[0][:100] for f in failures)))
                    problems.setdefault(key, f"{operation.label} as {role} → {response.status_code}\n{exc}")

        fuzz()

    assert operations == sum(len(methods) for methods in spec["paths"].values())
    assert not problems, f"{len(problems)} problem(s):\n\n" + "\n\n".join(problems.values())
    api.settle()  # every relay delivered what the fuzzing stored: no event refused downstream
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, "\n".join(r.getMessage() for r in errors)
    for params in world["case_id"]:
        assert api.get(f"/reporting/cases/{params['case_id']}", "supervisor").status_code == 200
