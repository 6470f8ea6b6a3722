"""办结 and 终止 "经双方认可" (附件8 办结单: "经双方认可，……资料已移交"; 附件10 终止单), API.md "Both sides sign":
one side signs, the case waits (待对方确认), the other side's assent concludes it, and only then is the
applicant invited to rate.  自愿委托 (seed 一(二)3): the applicant may itself end the delegation."""

from __future__ import annotations

from tests.e2e.coordination_support import act, on
from tests.support import open_case

AGENT = "park_agent"


def concluded_items(api, clock, items=(2,)) -> str:  # noqa: ANN001
    on(clock, 2026, 11, 17)
    case_id = open_case(api, items=list(items))
    for no in items:
        for action in ("file", "accept", "approve"):
            act(api, case_id, no, action, AGENT)
    return case_id


def post(api, case_id: str, what: str, as_: str, **body):  # noqa: ANN001, ANN201
    return api.post(f"/coordination/cases/{case_id}/{what}", as_, json=body)


def invited(api, case_id: str) -> bool:  # noqa: ANN001
    api.settle()
    return api.get(f"/evaluation/cases/{case_id}", "applicant").json()["can_rate"]


def test_the_agents_completion_waits_for_the_applicant_and_only_then_invites_a_rating(api, clock):
    case_id = concluded_items(api, clock)
    r = post(api, case_id, "completion", AGENT, materials_returned=["投资项目备案证明原件"], note="资料已移交")
    assert r.status_code == 200 and r.json()["status"] == "awaiting_confirmation", r.text
    assert r.json()["status_label"] == "待对方确认（办结或终止）"
    assert post(api, case_id, "completion", AGENT, materials_returned=["投资项目备案证明原件"], note="资料已移交").status_code == 200
    assert invited(api, case_id) is False
    assert api.get(f"/reporting/cases/{case_id}", "supervisor").json()["status"] == "awaiting_confirmation"
    assert api.post(f"/evaluation/cases/{case_id}/rating", "applicant",
                    json={"level": "very_satisfied", "channel": "portal"}).status_code == 409
    r = post(api, case_id, "closure/confirmation", AGENT, signed_on="2026-11-17")  # the agent cannot assent for both
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "material_id"
    on(clock, 2026, 11, 18)
    r = post(api, case_id, "closure/confirmation", "applicant")
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    closure = r.json()["closure"]
    assert closure["confirmation"] == {"side": "applicant", "way": "online", "confirmed_on": "2026-11-18",
                                       "signed_on": None, "material_id": None}
    assert closure["proposed_on"] == "2026-11-17" and closure["on"] == "2026-11-18"
    assert closure["returned_materials"] == ["投资项目备案证明原件"]
    assert post(api, case_id, "closure/confirmation", "applicant").status_code == 200  # a retry changes nothing
    assert invited(api, case_id) is True
    history = api.get(f"/reporting/cases/{case_id}/history", "supervisor").json()["events"]
    types = [e["type"] for e in history]
    assert types.index("coordination.ClosureProposed") < types.index("coordination.CaseCompleted")
    assert types.count("coordination.ClosureProposed") == 1 and types.count("coordination.CaseCompleted") == 1


def test_the_agent_records_the_applicants_signed_paper_with_its_scan_and_date(api, clock):
    case_id = concluded_items(api, clock)
    post(api, case_id, "completion", AGENT, materials_returned=True)
    on(clock, 2026, 11, 20)
    r = post(api, case_id, "closure/confirmation", AGENT, material_id="M-0001", signed_on="2026-11-21")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "signed_on"  # a date not yet come
    r = post(api, case_id, "closure/confirmation", AGENT, material_id="M-0001", signed_on="2026-11-18")
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    assert r.json()["closure"]["confirmation"] == {"side": "applicant", "way": "paper", "confirmed_on": "2026-11-20",
                                                   "signed_on": "2026-11-18", "material_id": "M-0001"}


def test_the_applicant_may_end_its_voluntary_delegation_and_the_agent_confirms(api, clock):
    """自愿委托: the applicant proposes termination (today it was 403); the case agent assents."""
    on(clock, 2026, 11, 17)
    case_id = open_case(api, items=[2, 7])
    act(api, case_id, 2, "file", AGENT)
    r = post(api, case_id, "termination", "applicant", reason="企业决定自行办理", reason_code="falsified_materials")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason_code"
    r = post(api, case_id, "termination", "applicant", reason="企业决定自行办理")
    assert r.status_code == 200 and r.json()["closure_proposal"]["side"] == "applicant", r.text
    assert r.json()["closure_proposal"]["reason_code"] == "applicant_request"
    act(api, case_id, 2, "accept", AGENT, expect=409)  # nothing moves while the case waits
    assert post(api, case_id, "closure/confirmation", "applicant").status_code == 403  # its own proposal
    assert post(api, case_id, "termination", "applicant2", reason="x").status_code == 404  # another enterprise
    r = post(api, case_id, "closure/confirmation", AGENT)
    assert r.status_code == 200 and r.json()["status"] == "terminated", r.text
    closure = r.json()["closure"]
    assert closure["proposed_by"]["username"] == "applicant" and closure["confirmation"]["side"] == "agent"
    assert invited(api, case_id) is True


def test_nothing_to_confirm_and_one_proposal_at_a_time(api, clock):
    case_id = concluded_items(api, clock)
    assert post(api, case_id, "closure/confirmation", "applicant").status_code == 409
    post(api, case_id, "completion", AGENT, materials_returned=True)
    r = post(api, case_id, "termination", AGENT, reason="项目调整")
    assert r.status_code == 409 and "待对方确认" in r.text
    assert post(api, case_id, "completion", AGENT, materials_returned=[]).status_code == 422


def test_the_signed_paper_comes_back_as_a_signed_form_material_and_completes_the_closure(api, clock):
    """API.md "Printable forms": a signed paper form comes back as a material of kind ``signed_form`` naming the
    form (``title``) and the date written on it; its ``material_id`` completes the two-sided 办结."""
    case_id = concluded_items(api, clock)
    post(api, case_id, "completion", AGENT, materials_returned=["投资项目备案证明原件"])
    on(clock, 2026, 11, 19)
    scan = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    def upload(**form):  # noqa: ANN003, ANN202
        return api.client.post(f"/intake/applications/{case_id}/materials", headers=api.headers(AGENT),
                               data={"kind": "signed_form", **form}, files={"file": ("办结单.pdf", scan, "application/pdf")})

    r = upload(title="项目备案证明", signed_on="2026-11-18")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "title"
    r = upload(title="办结单")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "signed_on"
    r = upload(title="办结单", signed_on="2026-11-18")
    assert r.status_code == 201 and r.json()["signed_on"] == "2026-11-18", r.text
    material_id = r.json()["material_id"]
    r = post(api, case_id, "closure/confirmation", AGENT, material_id=material_id, signed_on="2026-11-18")
    assert r.status_code == 200 and r.json()["closure"]["confirmation"]["material_id"] == material_id, r.text
