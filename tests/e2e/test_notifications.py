"""Reaching people (README "Reaching people"; API.md): events become messages in the right accounts' inboxes,
once per event and recipient, read or unread; text messages wait for the next working morning, go through
the SMS port (recording adapter by default, the HTTP gateway when configured) and every attempt is recorded.

Item 7 (区自然资源局, zrzy) promises 10 working days; 附件11 names its agent 肖健 (15147428699). The applicant's
联系电话 on the 申请表 is 15714730770. 17 Nov 2026 is a Tuesday."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
import hashlib
import hmac
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import threading

import pytest

from shared.clock import CHINA
from shared.settings import Settings
from tests.e2e.coordination_support import act, events, on
from tests.e2e.evaluation_support import conclude_case
from tests.support import open_case

PROJECT = "年产5万吨高性能碳材料项目"
APPLICANT_PHONE, ZRZY_PHONE = "15714730770", "15147428699"


def inbox(api, as_: str) -> dict:  # noqa: ANN001
    r = api.get("/inbox", as_)
    assert r.status_code == 200, r.text
    return r.json()


def messages(api, as_: str, kind: str | None = None, case_id: str | None = None) -> list[dict]:  # noqa: ANN001
    return [m for m in inbox(api, as_)["messages"]
            if (kind is None or m["kind"] == kind) and (case_id is None or m["case_id"] == case_id)]


def sms(api, kind: str | None = None) -> list[dict]:  # noqa: ANN001
    r = api.get("/notifications/sms", "admin")
    assert r.status_code == 200, r.text
    return [s for s in r.json()["items"] if kind is None or s["kind"] == kind]


def at(clock, y: int, m: int, d: int, hour: int, minute: int = 0) -> None:  # noqa: ANN001
    clock.set(datetime(y, m, d, hour, minute, tzinfo=CHINA))


def received(api, clock) -> str:  # noqa: ANN001
    on(clock, 2026, 11, 17)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    api.settle()
    return case_id


def test_a_correction_request_reaches_the_applicant_and_its_text_waits_for_the_working_morning(api, clock):
    case_id = received(api, clock)
    (filed,) = messages(api, "dept_zrzy", "item_filed", case_id)  # the department is told of the filed item
    assert PROJECT in filed["text"] and "2026-11-24" in filed["text"] and filed["due_date"] == "2026-11-24"
    at(clock, 2026, 11, 17, 21, 30)  # Tuesday night
    act(api, case_id, 7, "request_correction", "dept_zrzy", missing_materials=["宗地图", "不动产权籍调查成果"])
    api.settle()

    (notice,) = messages(api, "applicant", "correction_requested", case_id)
    assert PROJECT in notice["text"] and "宗地图、不动产权籍调查成果" in notice["text"]
    assert notice["read"] is False and notice["item_no"] == 7 and notice["link"] == f"/cases/{case_id}"
    assert not messages(api, "applicant2", case_id=case_id)  # another enterprise sees nothing of it

    (text,) = sms(api, "correction_requested")
    assert text["recipient"] == "157****0770" and APPLICANT_PHONE not in json.dumps(text)
    assert "宗地图" in text["text"] and text["text"].startswith("【帮您办】")
    assert text["status"] == "waiting" and text["sent_at"] is None
    assert datetime.fromisoformat(text["send_after"]) == datetime(2026, 11, 18, 8, 30, tzinfo=CHINA)

    api.runtime.run_scheduled()  # still night: nothing goes
    assert sms(api, "correction_requested")[0]["status"] == "waiting"
    at(clock, 2026, 11, 18, 8, 31)
    api.runtime.run_scheduled()
    (text,) = sms(api, "correction_requested")
    assert text["status"] == "sent" and text["sent_at"].startswith("2026-11-18T08:31")
    assert [a["ok"] for a in text["attempts"]] == [True]


def test_a_text_made_before_a_holiday_waits_for_the_first_working_day_after_it(api, clock):
    """30 Sep 2026 evening: the National Day holiday follows; the text waits for its first working morning."""
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    at(clock, 2026, 9, 30, 19)
    act(api, case_id, 7, "request_correction", "dept_zrzy", missing_materials=["宗地图"])
    api.settle()
    (text,) = sms(api, "correction_requested")
    waits = datetime.fromisoformat(text["send_after"])
    calendar = api.runtime.calendar
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range((waits.date() - date(2026, 10, 1)).days)]
    assert waits.time() == time(8, 30) and calendar.is_workday(waits.date())
    assert days and not any(calendar.is_workday(d) for d in days)  # every day before it is a holiday or weekend
    at(clock, 2026, 10, 3, 10)  # a holiday, in the daytime: still waits
    api.runtime.run_scheduled()
    assert sms(api, "correction_requested")[0]["status"] == "waiting"


def test_a_deadline_warning_reaches_the_department_and_an_overdue_item_the_supervisor(api, clock):
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    act(api, case_id, 7, "accept", "dept_zrzy")  # due 2026-10-12
    on(clock, 2026, 10, 10)  # a make-up working day, one working day before
    api.runtime.run_scheduled()
    api.settle()
    (warning,) = messages(api, "dept_zrzy", "deadline_warning", case_id)
    assert warning["due_date"] == "2026-10-12" and "2026-10-12" in warning["text"] and PROJECT in warning["text"]
    assert "临期" in warning["kind_label"]
    assert not messages(api, "dept_fgw", case_id=case_id)  # another department: nothing
    assert not messages(api, "supervisor", "deadline_warning", case_id)
    assert [s["recipient"] for s in sms(api, "deadline_warning")] == ["151****8699"]  # 肖健, 附件11

    on(clock, 2026, 10, 13)
    api.runtime.run_scheduled()
    api.settle()
    for account in ("supervisor", "dept_zrzy", "window_agent"):  # the supervisor, the department, the case agent
        (overdue,) = messages(api, account, "overdue", case_id)
        assert "超期" in overdue["text"] and "2026-10-12" in overdue["text"] and PROJECT in overdue["text"]
    assert not messages(api, "park_agent", "overdue", case_id)


def test_marking_read_is_the_accounts_own(api, clock):
    case_id = received(api, clock)
    (filed,) = messages(api, "dept_zrzy", "item_filed", case_id)
    before = inbox(api, "dept_zrzy")["unread"]
    r = api.post(f"/inbox/{filed['message_id']}/read", "dept_zrzy")
    assert r.status_code == 200 and r.json()["read"] is True
    assert messages(api, "dept_zrzy", "item_filed", case_id)[0]["read"] is True
    assert inbox(api, "dept_zrzy")["unread"] == before - 1
    assert api.post(f"/inbox/{filed['message_id']}/read", "dept_zrzy").status_code == 200  # again: the same
    for other in ("supervisor", "dept_fgw", "applicant"):  # not theirs: 404, as if it did not exist
        r = api.post(f"/inbox/{filed['message_id']}/read", other)
        assert r.status_code == 404 and r.json()["detail"] == "消息不存在"
    assert api.post("/inbox/0000-not-a-message/read", "dept_zrzy").status_code == 404
    # the window agent's message of the same case stays unread for it
    (accept,) = messages(api, "window_agent", "application_to_accept", case_id)
    assert accept["read"] is False


def test_each_event_reaches_each_recipient_once_under_redelivery(api, clock):
    on(clock, 2026, 9, 21)
    case_id = open_case(api, in_park=False, items=[7])
    act(api, case_id, 7, "file", "dept_zrzy")
    act(api, case_id, 7, "accept", "dept_zrzy")
    on(clock, 2026, 10, 13)
    api.runtime.run_scheduled()
    api.settle()
    service = api.runtime.services.notifications
    (overdue,) = events(api, case_id=case_id, type_="coordination.ItemOverdue")
    assert service.consume(overdue) is False  # processed before at this position
    moved = overdue.model_copy(update={"position": overdue.position + 10_000})
    assert service.consume(moved) is True  # the same event published again elsewhere in the log
    assert service.consume(moved) is False
    for account in ("supervisor", "dept_zrzy", "window_agent"):
        assert len(messages(api, account, "overdue", case_id)) == 1
    assert len(sms(api, "overdue")) == 1


def test_a_rating_invitation_reaches_the_applicant_with_the_link(api, clock):
    case_id = conclude_case(api)
    api.settle()
    (invitation,) = messages(api, "applicant", "rating_invitation", case_id)
    assert invitation["link"] == f"/cases/{case_id}/rating" and PROJECT in invitation["text"]
    assert "评价" in invitation["text"] and invitation["kind_label"] == "评价邀请"
    (text,) = sms(api, "rating_invitation")  # the text message carries the whole link (BANGNIN_PUBLIC_URL)
    assert text["text"].endswith(f"http://127.0.0.1:8000/cases/{case_id}/rating") and PROJECT in text["text"]


class Gateway:
    """A local SMS gateway: fails the first ``failures`` requests for each message with a 503, then accepts;
    checks the signature."""

    def __init__(self, secret: str, failures: int) -> None:
        self.secret, self.failures, self.received = secret, failures, []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-Bangnin-Timestamp"]
                expected = hmac.new(gateway.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                gateway.received.append({"body": json.loads(body), "signed": self.headers["X-Bangnin-Signature"] == f"sha256={expected}"})
                tries = [r for r in gateway.received if r["body"]["sms_id"] == gateway.received[-1]["body"]["sms_id"]]
                ok = len(tries) > gateway.failures
                self.send_response(200 if ok else 503)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": f"gw-{len(gateway.received)}"}).encode())

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class TestTheHttpGateway:
    @pytest.fixture
    def gateway(self):
        gateway = Gateway("gateway-secret-0123456789", failures=2)
        yield gateway
        gateway.close()

    @pytest.fixture
    def settings(self, data_dir, gateway):  # noqa: ANN001
        return Settings(data_dir=data_dir, relay_poll_seconds=0.05, sms_gateway_url=gateway.url,
                        sms_gateway_secret=gateway.secret, sms_templates={"correction_requested": "SMS_0042"})

    def test_failing_twice_then_succeeding_every_attempt_recorded(self, api, clock, gateway):
        case_id = received(api, clock)
        at(clock, 2026, 11, 17, 10)
        act(api, case_id, 7, "request_correction", "dept_zrzy", missing_materials=["宗地图"])
        api.settle()
        for minute in (1, 2, 3, 4):  # the check runs again and again: it fails twice, then the gateway takes it
            at(clock, 2026, 11, 17, 10, minute)
            api.runtime.run_scheduled()
        (text,) = sms(api, "correction_requested")
        assert text["status"] == "sent" and text["template_id"] == "SMS_0042"
        assert [(a["ok"], a["error"]) for a in text["attempts"]] == [
            (False, "短信网关答复 503"), (False, "短信网关答复 503"), (True, None)]
        assert text["attempts"][-1]["gateway_id"] and text["sent_at"].startswith("2026-11-17T10:03")
        bodies = [r["body"] for r in gateway.received if r["body"]["sms_id"] == text["sms_id"]]
        assert all(r["signed"] for r in gateway.received) and len(bodies) == 3
        assert {b["sms_id"] for b in bodies} == {text["sms_id"]} and bodies[0]["phone"] == APPLICANT_PHONE
        assert bodies[0]["template_id"] == "SMS_0042" and "宗地图" in bodies[0]["params"]["text"]
        # the item filed earlier had its text to the department's agent (附件11) too: the same three attempts
        (filed,) = sms(api, "item_filed")
        assert filed["recipient"] == "151****8699" and [a["ok"] for a in filed["attempts"]] == [False, False, True]


def test_a_cross_level_request_reaches_the_case_agent_and_is_chased_when_its_answer_is_due(api, clock):
    """协办单 (附件7): answered in 10 working days; the case agent is told when it goes out and, once, when the
    answer is due and has not come."""
    on(clock, 2026, 11, 2)  # Monday
    case_id = open_case(api, in_park=False, items=[7])
    body = {"reason": "项目用地涉及林地，须自治区林草局审核", "required_documents": ["使用林地申请表"], "items": [7],
            "requested_unit": "内蒙古自治区政务服务中心", "project_contact": {"name": "王建国", "phone": APPLICANT_PHONE}}
    r = api.post(f"/coordination/cases/{case_id}/cross-level-requests", "window_agent", json=body)
    assert r.status_code == 201, r.text
    due = r.json()["due_date"]
    api.settle()
    (sent,) = messages(api, "window_agent", "cross_level_due", case_id)
    assert due in sent["text"] and PROJECT in sent["text"] and sent["due_date"] == due
    api.runtime.run_scheduled()
    assert len(messages(api, "window_agent", "cross_level_due", case_id)) == 1  # not due yet: nothing more
    y, m, d = map(int, due.split("-"))
    on(clock, y, m, d)
    api.runtime.run_scheduled()
    api.runtime.run_scheduled()
    chased = [m for m in messages(api, "window_agent", "cross_level_due", case_id) if "尚未收到协办结果" in m["text"]]
    assert len(chased) == 1 and due in chased[0]["text"]
    assert not messages(api, "dept_zrzy", "cross_level_due", case_id)
