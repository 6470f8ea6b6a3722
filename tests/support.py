"""Test helpers: an HTTP client with logins, and realistic request bodies."""

from __future__ import annotations

from contextlib import contextmanager
import copy
from typing import Any, Iterator

from fastapi.testclient import TestClient

from services.app import create_app

VALID_CREDIT_CODE = "91150303MA0N123401"  # the demo 'applicant' enterprise
OTHER_CREDIT_CODE = "91150303MA0N56780P"  # the demo 'applicant2' enterprise
VALID_ID_NUMBER = "150303198506121235"
VALID_ID_NUMBER_X = "15030219900301118X"


class ApiClient:
    """A TestClient that remembers one token per demo account."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.app = getattr(client, "app", None)  # None: the distributed harness (tests/distributed)
        self._tokens: dict[str, str] = {}

    @property
    def runtime(self):
        return self.app.state.runtime

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = self.client.post("/auth/token", data={"username": username, "password": "demo"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def headers(self, username: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}", **extra}

    def get(self, path: str, as_: str, **kw: Any):
        return self.client.get(path, headers=self.headers(as_), **kw)

    def post(self, path: str, as_: str, json: Any = None, headers: dict | None = None, **kw: Any):
        return self.client.post(path, headers={**self.headers(as_), **(headers or {})}, json=json, **kw)

    def put(self, path: str, as_: str, json: Any = None, **kw: Any):
        return self.client.put(path, headers=self.headers(as_), json=json, **kw)

    def settle(self) -> None:
        self.runtime.settle()


@contextmanager
def start_app(settings, clock) -> Iterator[ApiClient]:
    app = create_app(settings, clock)
    with TestClient(app) as client:
        yield ApiClient(client)


def application_body(**changes: Any) -> dict[str, Any]:
    body = {
        "channel": "portal",
        "unit": {
            "name": "乌海市海南区示范新材料有限公司",
            "credit_code": VALID_CREDIT_CODE,
            "head": "王建国",
            "postcode": "016000",
            "phone": "15714730770",
            "handler": "李晓明",
            "address": "内蒙古乌海市海南区人民路18号",
        },
        "project": {
            "name": "年产5万吨高性能碳材料项目",
            "address": "海南区西卓子山工业园区",
            "code": "2026-150303-30-03-01234A",
            "total_investment": "12000.50",
            "funding_source": "企业自筹",
            "land_nature": "工业用地",
            "is_key_project": True,
            "in_industrial_park": True,
            "use_and_scale": "建设碳材料生产线两条，年产5万吨",
            "progress": "已完成项目选址",
        },
        "items": [2, 7, 9, 10, 24],
    }
    body = copy.deepcopy(body)
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            body[section][field] = value
        else:
            body[section] = value
    return body


def delegation_body(items: list[int] | None = None, **agent_changes: Any) -> dict[str, Any]:
    agent = {"name": "陈起", "sex": "male", "id_number": VALID_ID_NUMBER, "unit": "区政务服务局", "post": "代办帮办员"}
    agent.update(agent_changes)
    return {"legal_representative": "王建国", "agent": agent, "items": items or [2, 7, 9, 10, 24]}


def confirm_closure(api: ApiClient, case_id: str, applicant: str = "applicant") -> dict:
    """The applicant's side of the 办结单 / 终止单 (经双方认可), online: the case concludes."""
    r = api.post(f"/coordination/cases/{case_id}/closure/confirmation", applicant, json={})
    assert r.status_code == 200 and r.json()["status"] in ("completed", "terminated"), r.text
    return r.json()


def open_case(api: ApiClient, *, applicant: str = "applicant", in_park: bool = True,
              items: list[int] | None = None, channel: str = "portal") -> str:
    """Submit, sign both documents and accept: returns the case id, open in coordination once settled."""
    items = items or [2, 7, 9, 10, 24]
    credit = VALID_CREDIT_CODE if applicant == "applicant" else OTHER_CREDIT_CODE
    body = application_body(channel=channel, items=items, project__in_industrial_park=in_park, unit__credit_code=credit)
    r = api.post("/intake/applications", applicant, json=body)
    assert r.status_code == 201, r.text
    case_id = r.json()["case_id"]
    assert api.post(f"/intake/applications/{case_id}/delegation", applicant, json=delegation_body(items)).status_code == 201
    assert api.post(f"/intake/applications/{case_id}/commitment", applicant, json={"signed_by": "李晓明"}).status_code == 201
    agent = "park_agent" if in_park else "window_agent"
    r = api.post(f"/intake/applications/{case_id}/acceptance", agent)
    assert r.status_code == 200, r.text
    api.settle()
    return case_id
