"""The authorisation matrix: every route of the app, as every kind of account and anonymously, against one policy table.

The routes are read from the app itself (``app.routes``): a route added without an entry in ``POLICY``
fails ``test_every_route_has_an_entry``, and so does an entry whose route is gone.

Each route is called, with the path parameters of one real case — a park case of ``applicant``
(items 2 and 7, concluded, rated 非常不满意, so it has a rectification) and a follow-up draw — as

  anonymous      no token
  applicant      the enterprise whose case it is            applicant2    another enterprise
  park_agent     the case's service point                    window_agent  the other service point (district)
  supervisor     admin
  dept_on        every department agent with an item on the case (dept_fgw, dept_zrzy)
  dept_off       every other department agent (dept_zwfw, dept_zjj, …)

and two stored accounts: ``new_account`` (a window agent that has not yet changed its initial password:
only the public routes and ``POST /auth/password``, else 403) and ``disabled`` (its token, issued before
it was disabled, is refused: 401).  The answer is one of: ``allow`` (a read answers 2xx; a command gets past the checks of who may
call it — it may then be a 404/409/422 for the empty body sent), ``hidden`` (the route is theirs but
this case is not: 404, or 403 where the service answers so), ``deny`` (403: not for this role) or
``login`` (401).  Commands are sent an empty body: the matrix checks who may call what; what each may
do to which case is in the flow tests.  Every role not named in a rule is ``deny``; anonymous is
``login`` except for the public routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re

from fastapi.routing import iter_route_contexts
import pytest

from shared.reference import load_catalog
from tests.conftest import DISTRIBUTED
from tests.e2e.evaluation_support import conclude_case, rate
from tests.support import start_app

pytestmark = pytest.mark.skipif(DISTRIBUTED, reason="the routes are read from the in-process app; "
                                "the distributed processes serve the same routers (and /ops, for operators)")

CASE_ITEMS = (2, 7)
CATALOG = load_catalog()
DEPT_ON = sorted({f"dept_{i.department}" for i in CATALOG.items if i.item_no in CASE_ITEMS})
DEPT_OFF = sorted(f"dept_{d.code}" for d in CATALOG.departments if d.code not in CATALOG.service_point("park").departments and f"dept_{d.code}" not in DEPT_ON)
GROUPS = {"dept_on": DEPT_ON, "dept_off": DEPT_OFF}
# third_party: the third-party assessor (seed 三(八)), read only: the figures, an anonymised sample, its own reports
SIGNED_IN_GROUPS = ("applicant", "applicant2", "window_agent", "park_agent", "supervisor", "admin", "dept_on", "dept_off",
                    "third_party")
SERVICE_GROUPS = tuple(g for g in SIGNED_IN_GROUPS if g != "third_party")  # every account but the assessor


@dataclass(frozen=True)
class Rule:
    allow: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    public: bool = False
    note: str = ""

    def expected(self, group: str) -> str:
        if group == "anonymous":
            return "allow" if self.public else "login"
        if self.public or group in self.allow:
            return "allow"
        return "hidden" if group in self.hidden else "deny"


def only(*allow: str, hidden: tuple[str, ...] = (), note: str = "") -> Rule:
    return Rule(allow=allow, hidden=hidden, note=note)


PUBLIC = Rule(public=True)
EVERYONE = only(*SERVICE_GROUPS)
EVERY_ACCOUNT = only(*SIGNED_IN_GROUPS)
AGENTS_AND_UP = only("window_agent", "park_agent", "supervisor", "admin", "dept_on", "dept_off")
SERVICE_POINTS = only("window_agent", "park_agent")
ADMIN = only("admin")
SUPERVISION = only("supervisor", "admin")
FIGURES_AND_ASSESSOR = only("window_agent", "park_agent", "supervisor", "admin", "dept_on", "dept_off", "third_party")
CASE_READERS = only("applicant", "park_agent", "supervisor", "admin", "dept_on",
                    hidden=("applicant2", "window_agent", "dept_off"))

POLICY: dict[str, Rule] = {
    # -- public: health, documentation, login ------------------------------------------------------------------
    "GET /healthz": PUBLIC,
    "GET /openapi.json": PUBLIC,
    "GET /asyncapi.yaml": PUBLIC,
    "GET /docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /redoc": PUBLIC,
    "POST /auth/token": PUBLIC,
    # -- own account; accounts (admin) -------------------------------------------------------------------------
    "GET /auth/me": EVERY_ACCOUNT,
    "POST /auth/password": EVERY_ACCOUNT,
    "GET /auth/accounts": ADMIN,
    "POST /auth/accounts": ADMIN,
    "GET /auth/accounts/{username}": ADMIN,
    "POST /auth/accounts/{username}/disable": ADMIN,
    "POST /auth/accounts/{username}/enable": ADMIN,
    "PUT /auth/accounts/{username}/role": ADMIN,
    "POST /auth/accounts/{username}/password-reset": ADMIN,
    "GET /auth/security-log": ADMIN,
    # -- intake: applicants apply, the service points accept ------------------------------------------------------
    "POST /intake/applications": only("applicant", "applicant2", "window_agent", "park_agent",
                                      note="代录: a service point keys in a paper application"),
    "GET /intake/applications/{case_id}": only("applicant", "park_agent", "supervisor", "admin",
                                               hidden=("applicant2", "window_agent")),
    "POST /intake/applications/{case_id}/delegation": only("applicant", "applicant2", "window_agent", "park_agent"),
    "POST /intake/applications/{case_id}/commitment": only("applicant", "applicant2", "window_agent", "park_agent"),
    "POST /intake/applications/{case_id}/amendments": only("applicant", "applicant2", "window_agent", "park_agent"),
    "POST /intake/applications/{case_id}/acceptance": only("park_agent", note="the case's own service point only"),
    "POST /intake/applications/{case_id}/rejection": SERVICE_POINTS,
    "POST /intake/applications/{case_id}/withdrawal": only("applicant", hidden=("applicant2",)),
    # -- intake: materials — the applicant, the case's service point, the departments of its items (their items) --
    "POST /intake/applications/{case_id}/materials": only(
        "applicant", "park_agent", "dept_on", hidden=("applicant2", "window_agent", "dept_off"),
        note="an empty body is a 422 for those who may upload; departments for their own items (test_materials.py)"),
    "GET /intake/applications/{case_id}/materials": only("applicant", "park_agent", "supervisor", "admin", "dept_on",
                                                         hidden=("applicant2", "window_agent", "dept_off")),
    "GET /intake/applications/{case_id}/materials/{material_id}": only(
        "applicant", "park_agent", "supervisor", "admin", "dept_on", hidden=("applicant2", "window_agent", "dept_off"),
        note="the case's own material (no item): every department of the case reads it"),
    "POST /intake/applications/{case_id}/materials/{material_id}/withdrawal": only(
        "applicant", "park_agent", hidden=("applicant2", "window_agent", "dept_on", "dept_off"),
        note="the party that uploaded it (the applicant here) or the case's service point; a department is refused"),
    # -- coordination: the service points run the case, departments handle their items -------------------------
    "GET /coordination/cases": EVERYONE,
    "GET /coordination/cases/{case_id}": CASE_READERS,
    "POST /coordination/cases/{case_id}/reassignment": only("window_agent", "park_agent", "supervisor", "admin"),
    "POST /coordination/cases/{case_id}/cover": only("window_agent", "park_agent", "supervisor", "admin"),
    "PUT /coordination/cases/{case_id}/plan": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/items/{item_no}/actions": only("window_agent", "park_agent", "dept_on", "dept_off"),
    "POST /coordination/cases/{case_id}/items/{item_no}/states": only(
        "dept_on", "dept_off", note="a department's system reports its own items' states (another's item: 403)"),
    "POST /coordination/cases/{case_id}/items/{item_no}/commitment-verification": only("window_agent", "park_agent", "dept_on",
                                                                                        "dept_off"),
    "POST /coordination/cases/{case_id}/notifications": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/joint-reviews": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/combined-services": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/cross-level-requests": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/cross-level-requests/{request_id}/result": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/completion": SERVICE_POINTS,
    "POST /coordination/cases/{case_id}/termination": only("window_agent", "park_agent", "applicant", "applicant2",
                                                            note="自愿委托: the applicant may end it; another enterprise's case is "
                                                                 "a 404 once the body is valid (the empty body is a 422 first)"),
    "POST /coordination/cases/{case_id}/closure/confirmation": only("applicant", "park_agent",
                                                                    hidden=("applicant2", "window_agent")),
    "GET /coordination/catalog": EVERYONE,
    "GET /coordination/catalog/items/{item_no}/materials": EVERYONE,
    "GET /coordination/calendar/{year}": EVERYONE,
    "PUT /coordination/calendar/overrides/{year}": ADMIN,
    "GET /coordination/agent-register": EVERYONE,
    "POST /coordination/agent-register/{department}/changes": only("window_agent", "supervisor", "admin", "dept_on", "dept_off",
                                                                   note="a department for itself; the 政务服务局 window for all"),
    # -- evaluation: applicants (and the service points keying in a paper form) rate -----------------------------
    "POST /evaluation/cases/{case_id}/rating": only("applicant", "applicant2", "window_agent", "park_agent", "supervisor"),
    "GET /evaluation/cases/{case_id}": CASE_READERS,
    "GET /evaluation/invitations": only("applicant", "applicant2", "window_agent", "park_agent", "supervisor", "admin"),
    "GET /evaluation/rectifications": AGENTS_AND_UP,
    "GET /evaluation/rectifications/{rectification_id}": only("park_agent", "supervisor", "admin",
                                                             hidden=("window_agent", "dept_on", "dept_off")),
    "POST /evaluation/rectifications/{rectification_id}/actions": only("window_agent", "park_agent", "supervisor",
                                                                      "dept_on", "dept_off"),
    "POST /evaluation/follow-ups/draws": only("supervisor"),
    "GET /evaluation/follow-ups/draws": SUPERVISION,
    "GET /evaluation/follow-ups/draws/{draw_id}": SUPERVISION,
    "POST /evaluation/follow-ups/{draw_id}/visits": only("supervisor"),
    "GET /evaluation/ratings/export": SUPERVISION,
    "GET /evaluation/upward/export": SUPERVISION,
    # -- the supervision loop (served by evaluation): complaints, the departments' monthly submissions ------------
    "POST /supervision/complaints": only("applicant", "applicant2", "window_agent", "park_agent", "supervisor",
                                         note="agents key in 12345 tickets, opinion-box notes, e-mails; applicants online"),
    "GET /supervision/complaints": only(*SERVICE_GROUPS, note="each sees its own: test_complaints.py"),
    "GET /supervision/complaints/{complaint_id}": only("applicant", "park_agent", "supervisor", "admin",
                                                       hidden=("applicant2", "window_agent", "dept_on", "dept_off"),
                                                       note="filed online by applicant about its park case: routed to gyyq"),
    "POST /supervision/complaints/{complaint_id}/reply": only(
        "window_agent", "park_agent", "supervisor", "dept_on", "dept_off",
        note="an empty body is a 422 before the complaint is looked up; the routed department only: test_complaints.py"),
    "PUT /reporting/monthly-submissions/{month}": only("window_agent", "park_agent", "dept_on", "dept_off",
                                                       note="an agent for its own department"),
    "GET /reporting/monthly-submissions/{month}": AGENTS_AND_UP,
    # -- reporting: the case's readers; figures for agents and up ------------------------------------------------
    "GET /reporting/cases": EVERYONE,
    "GET /reporting/cases/{case_id}": CASE_READERS,
    "GET /reporting/cases/{case_id}/history": CASE_READERS,
    "GET /reporting/cases/{case_id}/forms/{form}": CASE_READERS,
    "GET /reporting/forms/{form}": EVERYONE,
    "GET /reporting/reference-history": AGENTS_AND_UP,
    "GET /reporting/workloads": AGENTS_AND_UP,
    "GET /reporting/satisfaction": FIGURES_AND_ASSESSOR,
    "GET /reporting/figure-cases": AGENTS_AND_UP,
    "GET /reporting/assessment": FIGURES_AND_ASSESSOR,
    "GET /reporting/monthly-reports/{month}": FIGURES_AND_ASSESSOR,
    "GET /reporting/monthly-reports/{month}/upward": SUPERVISION,  # the office's report to 市行政审批和政务服务局
    # -- third-party evaluation (seed 三(八)): the assessor's sample and its reports -----------------------------
    "GET /reporting/third-party-sample": only("supervisor", "admin", "third_party"),
    "POST /supervision/third-party-reports": only("supervisor", "third_party", note="the office keys in a paper report"),
    "GET /supervision/third-party-reports": only("supervisor", "admin", "third_party"),
    # -- integration: webhook subscriptions and their delivery log (admin) ---------------------------------------
    "POST /integration/subscriptions": ADMIN,
    "GET /integration/subscriptions": ADMIN,
    "GET /integration/subscriptions/{subscription_id}": ADMIN,
    "DELETE /integration/subscriptions/{subscription_id}": ADMIN,
    "GET /integration/subscriptions/{subscription_id}/deliveries": ADMIN,
    "POST /integration/subscriptions/{subscription_id}/deliveries/{delivery_id}/redelivery": ADMIN,
    "POST /integration/subscriptions/{subscription_id}/replay": ADMIN,
    # -- notifications: each account's own inbox; the text messages for the admin ---------------------------------
    "GET /inbox": EVERYONE,
    "POST /inbox/{message_id}/read": only("applicant", hidden=tuple(g for g in SIGNED_IN_GROUPS if g != "applicant"),
                                          note="the applicant's rating invitation: another account's message is 404"),
    "GET /notifications/sms": ADMIN,
    "GET /reporting/annual-assessment/{year}": SUPERVISION,
}

# Where main still differs from the policy: (route, group) → what it answers today.  Strict: when a fix
# lands, the test fails until its line here is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}

# The forms as DOCX: the same checks of who may fetch them, without a LibreOffice print per call (test_forms.py prints).
QUERIES = {"/evaluation/ratings/export": {"code_list": "haochaping"}, "/evaluation/upward/export": {"month": "2026-09"},
           "/reporting/cases/{case_id}/forms/{form}": {"format": "docx"}, "/reporting/forms/{form}": {"format": "docx"},
           "/reporting/monthly-reports/{month}/upward": {"format": "docx"}}


@dataclass
class World:
    params: dict[str, str] = field(default_factory=dict)


def web_pages() -> set[str]:
    """The pages for people (services/web): HTML, a client of the routes below with the user's own token;
    their login and CSRF are tested in tests/e2e/test_web.py and tests/browser."""
    from services.system import _web_routers

    return {f"{m} {r.path}" for router in _web_routers() for r in router.routes for m in r.methods}


def app_routes(app) -> list[str]:  # noqa: ANN001
    routes, pages = set(), web_pages()
    for context in iter_route_contexts(app.routes):
        for method in getattr(context, "methods", None) or ():
            if method != "HEAD" and f"{method} {context.path}" not in pages:
                routes.add(f"{method} {context.path}")
    return sorted(routes, key=lambda r: (not r.startswith("GET "), r.split(" ", 1)[1]))


def observed(method: str, status: int) -> str:
    if status == 401:
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "hidden"
    if method == "GET":
        return "allow" if 200 <= status < 300 else f"answered {status}"
    return "allow" if status < 500 else f"answered {status}"


def matches(expected: str, seen: str) -> bool:
    return seen == expected or (expected == "hidden" and seen == "deny")  # a service may refuse an unseen case with 403


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from datetime import datetime

    from shared.clock import CHINA, ManualClock
    from shared.settings import Settings

    clock = ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=CHINA))
    settings = Settings(data_dir=tmp_path_factory.mktemp("authz") / "data", relay_poll_seconds=0.05,
                        webhook_allowed_hosts=["127.0.0.1"])
    with start_app(settings, clock) as api:
        r = api.post("/integration/subscriptions", "admin", json={"url": "http://127.0.0.1:9/refused", "events": ["*"]})
        assert r.status_code == 201, r.text
        subscription_id = r.json()["subscription_id"]
        case_id = conclude_case(api, items=list(CASE_ITEMS))
        r = rate(api, case_id, "dissatisfied", comment="用地预审环节来回跑了三次")
        assert r.status_code == 201, r.text
        r = api.post("/evaluation/follow-ups/draws", "supervisor", json={"period_start": "2026-09-01", "period_end": "2026-09-30"})
        assert r.status_code == 201, r.text
        material = api.client.post(f"/intake/applications/{case_id}/materials", headers=api.headers("applicant"),
                                   data={"title": "营业执照"},
                                   files={"file": ("营业执照.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
        assert material.status_code == 201, material.text
        complaint = api.post("/supervision/complaints", "applicant",
                             json={"channel": "portal", "content": "用地预审环节来回跑", "case_id": case_id})
        assert complaint.status_code == 201, complaint.text
        api.settle()
        tokens = special_tokens(api)
        params = {"case_id": case_id, "item_no": "2", "material_id": material.json()["material_id"],
                  "request_id": "no-such-request", "year": "2026", "month": "2026-09",
                  "rectification_id": rate_rectification(api, case_id), "draw_id": r.json()["draw_id"],
                  "department": "fgw", "username": "admin", "form": "completion", "subscription_id": subscription_id,
                  "delivery_id": api.get(f"/integration/subscriptions/{subscription_id}/deliveries", "admin").json()[0]["delivery_id"],
                  "message_id": next(m["message_id"] for m in api.get("/inbox", "applicant").json()["messages"]
                                     if m["kind"] == "rating_invitation" and m["case_id"] == case_id),
                  "complaint_id": complaint.json()["complaint_id"]}
        yield api, params, tokens


def special_tokens(api) -> dict[str, str]:  # noqa: ANN001
    tokens = {}
    for username in ("matrix_new", "matrix_off"):
        r = api.post("/auth/accounts", "admin", json={"username": username, "name": "矩阵", "role": "window_agent"})
        assert r.status_code == 201, r.text
        r = api.client.post("/auth/token", data={"username": username, "password": r.json()["password"]})
        tokens[username] = r.json()["access_token"]
    assert api.post("/auth/accounts/matrix_off/disable", "admin").status_code == 200
    return {"new_account": tokens["matrix_new"], "disabled": tokens["matrix_off"]}


def expected_for(route: str, group: str) -> str:
    rule = POLICY[route]
    if group == "new_account":
        return "allow" if rule.public or route == "POST /auth/password" else "deny"
    if group == "disabled":
        return "allow" if rule.public else "login"
    return rule.expected(group)


def rate_rectification(api, case_id: str) -> str:  # noqa: ANN001
    rectifications = api.get("/evaluation/rectifications", "supervisor").json()
    items = rectifications["rectifications"] if isinstance(rectifications, dict) else rectifications
    return next(r["rectification_id"] for r in items if r["case_id"] == case_id)


def test_every_route_has_an_entry(world):
    api, _, _ = world
    routes = set(app_routes(api.app))
    missing = sorted(routes - POLICY.keys())
    stale = sorted(POLICY.keys() - routes)
    assert not missing, "routes without an entry in POLICY (tests/e2e/test_authorization.py): " + ", ".join(missing)
    assert not stale, "POLICY entries whose route is gone: " + ", ".join(stale)
    assert not {g for rule in POLICY.values() for g in (*rule.allow, *rule.hidden)} - set(SIGNED_IN_GROUPS)


def test_every_role_gets_what_the_policy_says(world):
    api, params, tokens = world
    routes = [r for r in app_routes(api.app) if r in POLICY]
    accounts = {"anonymous": [None], **{g: GROUPS.get(g, [g]) for g in SIGNED_IN_GROUPS},
                "new_account": ["matrix_new"], "disabled": ["matrix_off"]}
    special = {"matrix_new": tokens["new_account"], "matrix_off": tokens["disabled"]}
    problems, gaps_seen = [], {}
    for route in routes:  # reads first: the commands sent afterwards may change the case
        method, template = route.split(" ", 1)
        path = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], template)
        for group, usernames in accounts.items():
            for username in usernames:
                headers = ({"Authorization": f"Bearer {special[username]}"} if username in special
                           else api.headers(username) if username else {})
                extra = {"params": QUERIES.get(template, {})} if method == "GET" else {"json": {}}
                r = api.client.request(method, path, headers=headers, **extra)
                seen, expected = observed(method, r.status_code), expected_for(route, group)
                gap = KNOWN_GAPS.get((route, group))
                if gap is not None:
                    gaps_seen[(route, group)] = seen
                    continue
                if not matches(expected, seen):
                    problems.append(f"{route:<72} {username or 'anonymous':<14} policy {expected:<7} got {seen} ({r.status_code})")
    assert not problems, "answers that differ from POLICY:\n" + "\n".join(problems)
    fixed = [f"{route} as {group}: now {seen}" for (route, group), seen in gaps_seen.items()
             if seen != KNOWN_GAPS[(route, group)]]
    assert not fixed, "a known gap is closed — remove it from KNOWN_GAPS: " + "; ".join(fixed)
