"""The rules of a case's materials (pure: the application's ``materials`` and the actor in, decisions out).

Who may upload: the applicant (its own enterprise's case), the agents of the case's service point, the
departments of the case's items (for their own items).  Who may read: the same, departments only the
materials of their own items and the case's own (no item), supervisors and admins everything.  Another
enterprise's case, and a case without an item of the department, do not exist for them (404); the other
service point is refused (403), as the rest of intake answers.
"""

from __future__ import annotations

from typing import Iterable

from shared.contracts import SERVICE_POINT_ROLE, Actor, Role
from shared.contracts.intake import MATERIAL_KIND_LABELS
from shared.errors import Forbidden, Invalid, NotFound
from shared.reference.materials import MaterialsList

READ_ALL = (Role.supervisor, Role.admin)
SAME_UPLOAD = ("kind", "file_name", "sha256")


def latest(materials: dict[str, dict], title: str, item_no: int | None) -> dict | None:
    versions = [m for m in materials.values() if (m["title"], m["item_no"]) == (title, item_no)]
    return max(versions, key=lambda m: m["version"]) if versions else None


def same_upload(current: dict, upload: dict) -> bool:
    """The same file under the same name and item again (a retry): no new version."""
    return current["withdrawal"] is None and all(current[k] == upload[k] for k in SAME_UPLOAD)


def case_items(application) -> list[int]:  # noqa: ANN001 - services.intake.domain.Application
    """The case's items: those delegated (the latest 委托书), else those applied for."""
    return list(application.delegation["items"] if application.delegation else application.items)


def require_case(actor: Actor, application, departments: dict[int, str]) -> None:  # noqa: ANN001
    """May ``actor`` see this case's materials at all (``departments``: item → department code)."""
    if actor.role in READ_ALL:
        return
    if actor.role == Role.applicant:
        if application.applicant.get("credit_code") != actor.enterprise:
            raise NotFound(f"申请 {application.case_id} 不存在")
    elif actor.role in SERVICE_POINT_ROLE.values():
        if SERVICE_POINT_ROLE[application.service_point] != actor.role:
            raise Forbidden("无权查看该案件的材料：它由另一服务点负责（属地分派），仅该服务点的代办帮办员可以查看")
    elif actor.role == Role.department_agent:
        if actor.department not in departments.values():
            raise NotFound(f"申请 {application.case_id} 不存在")
    else:
        raise Forbidden("当前角色无权查看材料")


def may_read(actor: Actor, material: dict, departments: dict[int, str]) -> bool:
    if actor.role != Role.department_agent:
        return True  # past require_case
    return material["item_no"] is None or departments.get(material["item_no"]) == actor.department


def require_upload(actor: Actor, item_no: int | None, departments: dict[int, str]) -> None:
    """Past :func:`require_case`: the item must be the case's, and a department's own."""
    if actor.role in READ_ALL:
        raise Forbidden("督查人员只能查看材料，不能上传")
    if item_no is not None and item_no not in departments:
        raise Invalid(f"事项 {item_no} 不是本案件的事项（本案件事项：{sorted(departments)}）", field="item_no")
    if actor.role == Role.department_agent:
        own = sorted(n for n, d in departments.items() if d == actor.department)
        if item_no is None:
            raise Invalid(f"部门上传材料须注明本部门承办的事项编号（{own}）", field="item_no")
        if item_no not in own:
            raise Forbidden(f"事项 {item_no} 不由本部门承办：只能上传本部门事项（{own}）的材料")


def require_withdraw(actor: Actor, material: dict) -> None:
    """The party that uploaded a material withdraws it (the same enterprise, department or account), or the
    agents of the case's service point, who run the case."""
    by = material["uploaded_by"]
    if actor.role in SERVICE_POINT_ROLE.values() or actor.username == by["username"]:
        return
    if actor.role == by["role"] == Role.applicant and actor.enterprise == by.get("enterprise"):
        return
    if actor.role == by["role"] == Role.department_agent and actor.department == by.get("department"):
        return
    raise Forbidden("只有上传该材料的一方或本案件服务点的代办帮办员可以撤回材料")


def grouped(materials: Iterable[dict], item_names: dict[int, str]) -> list[dict]:
    """By item (the case's own materials first), then by name: every version, newest last."""
    groups: dict[int | None, dict[str, list[dict]]] = {}
    for m in sorted(materials, key=lambda m: (m["item_no"] is not None, m["item_no"] or 0, m["title"], m["version"])):
        groups.setdefault(m["item_no"], {}).setdefault(m["title"], []).append(m)
    return [{"item_no": no, "item_name": item_names.get(no) if no is not None else None,
             "materials": [{"title": title, "kind": versions[-1]["kind"],
                            "kind_label": MATERIAL_KIND_LABELS[versions[-1]["kind"]],
                            "latest_version": versions[-1]["version"], "versions": versions}
                           for title, versions in by_title.items()]}
            for no, by_title in groups.items()]


def checklist(materials: Iterable[dict], items: Iterable[int], listed: MaterialsList) -> list[dict]:
    """Per item of the case, its 材料清单 (shared.reference.materials) against what was uploaded: an entry is
    supplied when a material of that item carries the entry's name as its title and is not withdrawn."""
    supplied: dict[tuple[int, str], dict] = {}
    for m in sorted(materials, key=lambda m: m["version"]):
        if m["item_no"] is not None and not m.get("withdrawal"):
            supplied[(m["item_no"], m["title"])] = m
    rows = []
    for no in sorted(items):
        if not listed.has_item(no):
            continue
        entries = [{**e.model_dump(), "supplied": (no, e.name) in supplied,
                    "material_id": supplied[(no, e.name)]["material_id"] if (no, e.name) in supplied else None}
                   for e in listed.for_item(no).materials]
        rows.append({"item_no": no, "entries": entries,
                     "missing": [e["name"] for e in entries if e["required"] and not e["supplied"]]})
    return rows
