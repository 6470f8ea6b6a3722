"""Read models: what the API answers, built from the published contract models.

One field list per event: a response body that shows an event's data takes those fields — names,
types, defaults, descriptions — from the event's contract in ``shared/contracts`` (as Netflix
Dispatch builds ``CaseRead`` on ``CaseBase``), and adds only what the read side derives.  Read
models that several services answer live here, so reporting imports them from ``shared/`` only.

A read model documents every field as always present (a default is a value that is answered);
``X | None`` where it may be null.  Nothing here validates input.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, Iterable

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from shared.contracts.coordination import (
    ITEM_STATE_FIELDS, Applicant, CaseAgent, CombinedServiceMarked, CrossLevelAnswered, CrossLevelRequested, ItemRequirements,
    ItemStateChanged, JointReviewHeld, NoticeBreach, NotificationGiven, OpenedItem, Person, PlanStep,
)

# An int or a float, kept as computed (40 stays 40, 0.5 stays 0.5); documented as a JSON number.
Number = Annotated[int | float, WithJsonSchema({"type": "number"})]


class ReadModel(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


def read_model(name: str, contract: type[BaseModel], *, without: Iterable[str] = (), only: Iterable[str] | None = None,
               doc: str | None = None, base: type[BaseModel] = ReadModel, **fields: Any) -> type[ReadModel]:
    """A read model named ``name`` with ``contract``'s fields (``only`` those, or all but ``without``),
    in the contract's order, then ``fields`` (``name=(type, Field(...))``, which may also override one)."""
    keep = set(only) if only is not None else set(contract.model_fields) - set(without)
    taken = {k: (f.annotation, copy.copy(f)) for k, f in contract.model_fields.items() if k in keep}
    model = create_model(name, __base__=base, __module__=__name__, **{**taken, **fields})
    model.__doc__ = doc or f"As published in ``{getattr(contract, 'event_type', contract.__name__)}``."
    return model


def from_payload(model: type[BaseModel], data: dict) -> dict:
    """The entries of ``data`` (an event payload or a stored part of one) that ``model`` shows."""
    return {k: data[k] for k in model.model_fields if k in data}


class ActorRead(BaseModel):
    username: str = Field(description="账号")
    role: str = Field(description="角色：applicant, window_agent, park_agent, department_agent, supervisor, admin, system")
    name: str | None = Field(description="姓名")
    department: str | None = Field(description="部门代码（代办帮办人员）")
    enterprise: str | None = Field(description="申请单位统一社会信用代码（申请人账号）")


AgentRead = read_model("AgentRead", CaseAgent, doc="代办帮办员")
PersonRead = read_model("PersonRead", Person, doc="人员及联系方式")
ApplicantRead = read_model("ApplicantRead", Applicant, doc="申请单位")


class DepartmentRef(BaseModel):
    code: str = Field(description="部门代码")
    name: str = Field(description="部门名称")


# -- parts of a case that coordination and reporting both answer --------------------------------
PlanStepRead = read_model("PlanStepRead", PlanStep)
NotificationItemRead = read_model("NotificationItemRead", ItemRequirements)
NotificationEntry = read_model("NotificationEntry", NotificationGiven, without=("case_id",),
                               items=(list[NotificationItemRead], Field(description="各事项的全部申报要求")))
JointReviewRead = read_model("JointReviewRead", JointReviewHeld, without=("case_id",))
CombinedServiceRead = read_model("CombinedServiceRead", CombinedServiceMarked, without=("case_id",))
CrossLevelAnswerRead = read_model("CrossLevelAnswerRead", CrossLevelAnswered, without=("case_id", "request_id"),
                                  assisted_by=(PersonRead, Field(description="协办人员及联系方式")))
CrossLevelRequestRead = read_model(
    "CrossLevelRequestRead", CrossLevelRequested, without=("case_id",), doc="跨层级审批事项服务协办单（附件7）",
    helper=(PersonRead, Field(description="帮办人员（案件代办帮办员）及联系方式")),
    project_contact=(PersonRead, Field(description="项目负责人及联系方式")),
    answer=(CrossLevelAnswerRead | None, Field(description="协办结果；尚未反馈时为 null")))

# An item as the read sides keep it: as opened (``coordination.CaseOpened``), then the state each
# ``coordination.ItemStateChanged`` leaves it in (ITEM_STATE_FIELDS, beside the contract).
OpenedItemPart = read_model("OpenedItemPart", OpenedItem,
                            assignees=(list[PersonRead], OpenedItem.model_fields["assignees"]))
ItemProgressPart = read_model("ItemProgressPart", ItemStateChanged, only=ITEM_STATE_FIELDS)


class NoticeBreachRead(BaseModel):
    """A breach of 一次性告知 (《行政许可法》第三十二条), from ``ItemStateChanged.notice_breach``."""

    kind: NoticeBreach = Field(description="repeat 一次性告知后再次要求补正；late 超过受理时限才告知补正")
    on_date: str = Field(description="要求补正的日期")


class MaterialEntryRead(BaseModel):
    """An entry of an item's 材料清单 (shared.reference.materials), as coordination's catalog and intake's
    materials list show it."""

    name: str = Field(description="材料名称（补正、容缺须引用此名称；上传时以此为材料名称即计为已提交）")
    form: str = Field(description="原件、复印件、原件及复印件或电子件")
    copies: int = Field(description="份数")
    required: bool = Field(description="必须提交；false 为视情形提供（见 when）")
    deficiency_allowed: bool = Field(description="可容缺受理、受理后补齐")
    when: str = Field(description="视情形提供的材料适用的情形")
