"""Request and response bodies of the intake API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.contracts import Channel
from shared.contracts.intake import DelegatedAgent, EnterpriseRef, ProjectInfo, UnitInfo
from shared.reference import load_catalog


def check_catalog_items(items: list[int]) -> list[int]:
    catalog = load_catalog()
    unknown = [n for n in items if not catalog.has_item(n)]
    if unknown:
        raise ValueError(f"事项编号 {unknown} 不在帮您办代办帮办服务事项目录中")
    if len(set(items)) != len(items):
        raise ValueError("事项编号有重复")
    return items


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ApplicationCreate(_Body):
    channel: Channel = Field(description="受理渠道: window 窗口, park_point 园区服务点, portal 政务服务网, mobile 蒙速办, hotline 12345")
    unit: UnitInfo
    project: ProjectInfo
    items: list[int] = Field(min_length=1, description="申请代办的事项编号（事项目录 item_no）")

    _items = field_validator("items")(check_catalog_items)


class DelegationCreate(_Body):
    legal_representative: str = Field(min_length=1, max_length=50, description="法定代表人")
    agent: DelegatedAgent
    items: list[int] = Field(min_length=1, description="委托代办的事项编号")

    _items = field_validator("items")(check_catalog_items)


class CommitmentCreate(_Body):
    signed_by: str = Field(min_length=1, max_length=50, description="项目经办人签字")


class RejectionCreate(_Body):
    reason: str = Field(min_length=1, max_length=1000, description="不予受理原因")


class WithdrawalCreate(_Body):
    reason: str | None = Field(default=None, max_length=1000, description="撤回原因")


class ItemRef(BaseModel):
    item_no: int
    name: str
    department: dict


class ApplicationRead(BaseModel):
    case_id: str
    status: str
    status_label: str
    channel: str
    service_point: str
    service_point_name: str
    routing_reason: str
    unit: dict
    project: dict
    items: list[ItemRef]
    applicant: EnterpriseRef
    recorded_by: dict
    submitted_at: str
    delegation: dict | None
    delegations: list[dict]
    commitment: dict | None
    missing_for_acceptance: list[str]
    decision: dict | None
