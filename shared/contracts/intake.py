"""Integration events published by intake."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.registry import EventPayload, contract
from shared.validation import CreditCode, IdNumber, InvestmentWan, Phone, Postcode, ProjectCode

ServicePoint = Literal["district", "park"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class UnitInfo(_Part):
    """项目单位情况 (附件4)."""

    name: str = Field(min_length=1, max_length=200, description="项目单位名称")
    credit_code: CreditCode | None = Field(default=None, description="统一社会信用代码")
    head: str = Field(min_length=1, max_length=50, description="项目单位负责人")
    postcode: Postcode = Field(description="邮编")
    phone: Phone = Field(description="联系电话")
    handler: str = Field(min_length=1, max_length=50, description="经办人")
    address: str = Field(min_length=1, max_length=300, description="项目单位地址")


class ProjectInfo(_Part):
    """项目基本情况 (附件4)."""

    name: str = Field(min_length=1, max_length=200, description="项目名称")
    address: str = Field(min_length=1, max_length=300, description="项目地址")
    code: ProjectCode | None = Field(default=None, description="项目代码（投资项目在线审批监管平台赋码）")
    total_investment: InvestmentWan = Field(description="投资总额（万元，十进制字符串）")
    funding_source: str = Field(min_length=1, max_length=200, description="资金来源")
    land_nature: str = Field(min_length=1, max_length=100, description="土地性质")
    is_key_project: bool = Field(description="是否重点项目")
    in_industrial_park: bool = Field(description="是否位于工业园区内")
    use_and_scale: str = Field(min_length=1, max_length=2000, description="项目主要用途及规模")
    progress: str = Field(default="", max_length=2000, description="目前审批进展情况")


class EnterpriseRef(_Part):
    name: str
    credit_code: str | None = None


class DelegatedAgent(_Part):
    """授权委托书 (附件5): the person authorised to act for the unit."""

    name: str = Field(min_length=1, max_length=50, description="代办人姓名")
    sex: Literal["male", "female"] = Field(description="性别")
    id_number: IdNumber = Field(description="身份号码")
    unit: str = Field(min_length=1, max_length=200, description="单位")
    post: str = Field(min_length=1, max_length=100, description="职务")


class AgentRef(_Part):
    username: str
    name: str | None = None
    department: str | None = None


@contract("intake.ApplicationSubmitted", description="申请表已提交（附件4），含属地分派结果")
class ApplicationSubmitted(EventPayload):
    case_id: str
    channel: Literal["window", "park_point", "portal", "mobile", "hotline"]
    unit: UnitInfo
    project: ProjectInfo
    items: list[int]
    applicant: EnterpriseRef
    service_point: ServicePoint
    routing_reason: str
    catalog_version: int


@contract("intake.DelegationSigned", description="授权委托书已签署（附件5）；新委托书取代旧委托书")
class DelegationSigned(EventPayload):
    delegation_no: int
    legal_representative: str
    agent: DelegatedAgent
    items: list[int]
    item_count: int
    supersedes: int | None = None
    may_sub_delegate: Literal[False] = False


@contract("intake.CommitmentSigned", description="承诺书已签署（附件6）")
class CommitmentSigned(EventPayload):
    signed_by: str
    obligations: list[str]


@contract("intake.ApplicationAccepted", description="服务点受理申请；协调服务据此开立案件")
class ApplicationAccepted(EventPayload):
    case_id: str
    service_point: ServicePoint
    case_agent: AgentRef
    items: list[int]
    delegation_no: int
    delegated_agent: str
    unit: UnitInfo
    project: ProjectInfo
    applicant: EnterpriseRef
    channel: str


@contract("intake.ApplicationRejected", description="服务点不予受理")
class ApplicationRejected(EventPayload):
    reason: str


@contract("intake.ApplicationWithdrawn", description="申请人撤回申请")
class ApplicationWithdrawn(EventPayload):
    reason: str | None = None
