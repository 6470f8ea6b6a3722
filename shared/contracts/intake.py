"""Integration events published by intake."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import ServicePoint
from shared.contracts.registry import EventPayload, contract
from shared.types import FREE_TEXT, PERSONAL, FreeTextStr, PersonalStr
from shared.types import Address, Name, Note, Text, Title
from shared.validation import CreditCode, IdNumber, InvestmentWan, Phone, Postcode, ProjectCode

ApplicationStatus = Literal["submitted", "accepted", "rejected", "withdrawn"]
APPLICATION_STATUS_LABELS: dict[str, str] = {
    "submitted": "已申请", "accepted": "已受理", "rejected": "不予受理", "withdrawn": "已撤回"}


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class UnitInfo(_Part):
    """项目单位情况 (附件4)."""

    name: Title = Field(description="项目单位名称")
    credit_code: CreditCode | None = Field(default=None, description="统一社会信用代码")
    head: Annotated[Name, PERSONAL] = Field(description="项目单位负责人")
    postcode: Postcode = Field(description="邮编")
    phone: Annotated[Phone, PERSONAL] = Field(description="联系电话")
    handler: Annotated[Name, PERSONAL] = Field(description="经办人")
    address: Address = Field(description="项目单位地址")


ApprovalLevel = Literal["district", "city", "region", "national"]
APPROVAL_LEVEL_LABELS: dict[str, str] = {"district": "区本级", "city": "市级", "region": "自治区级", "national": "国家级"}


class ProjectInfo(_Part):
    """项目基本情况 (附件4)."""

    name: Title = Field(description="项目名称")
    address: Address = Field(description="项目地址")
    code: ProjectCode | None = Field(default=None, description="项目代码（投资项目在线审批监管平台赋码）")
    total_investment: InvestmentWan = Field(description="投资总额（万元，十进制字符串）")
    funding_source: Title = Field(description="资金来源")
    land_nature: Title = Field(max_length=100, description="土地性质")
    is_key_project: bool = Field(description="是否重点项目")
    in_industrial_park: bool = Field(description="是否位于工业园区内")
    approval_level: ApprovalLevel | None = Field(
        default=None, description="立项层级：district 区本级, city 市级, region 自治区级, national 国家级；未填按区本级")
    use_and_scale: Annotated[Text, FREE_TEXT] = Field(description="项目主要用途及规模")
    progress: Annotated[Note, FREE_TEXT] = Field(default="", description="目前审批进展情况")


class EnterpriseRef(_Part):
    name: str
    credit_code: str | None = None


class DelegatedAgent(_Part):
    """授权委托书 (附件5): the person authorised to act for the unit."""

    name: Annotated[Name, PERSONAL] = Field(description="代办人姓名")
    sex: Literal["male", "female"] = Field(description="性别")
    id_number: Annotated[IdNumber, PERSONAL] = Field(description="身份号码")
    unit: Title = Field(description="单位")
    post: Title = Field(max_length=100, description="职务")


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
    legal_representative: PersonalStr
    agent: DelegatedAgent
    items: list[int]
    item_count: int
    supersedes: int | None = None
    may_sub_delegate: Literal[False] = False


@contract("intake.CommitmentSigned", description="承诺书已签署（附件6）")
class CommitmentSigned(EventPayload):
    signed_by: PersonalStr
    obligations: list[str]
    preamble: str | None = Field(default=None, description="承诺书开头一句，空白已按服务点填写")
    addressed_to: str | None = Field(default=None, description="承诺书所向的部门：区政务服务局或工业园区管委会")


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
    reason: FreeTextStr
    # whom and what the decision concerns, so the applicant is invited to rate it (服务事项全覆盖); null in older events
    service_point: ServicePoint | None = Field(default=None, description="作出决定的服务点")
    applicant: EnterpriseRef | None = Field(default=None, description="申请单位")
    project: ProjectInfo | None = Field(default=None, description="项目")


@contract("intake.ApplicationWithdrawn", description="申请人撤回申请")
class ApplicationWithdrawn(EventPayload):
    reason: FreeTextStr | None = None
    service_point: ServicePoint | None = Field(default=None, description="受理该申请的服务点")
    applicant: EnterpriseRef | None = Field(default=None, description="申请单位")
    project: ProjectInfo | None = Field(default=None, description="项目")


@contract("intake.ApplicationAmended",
          description="更正申请表（附件4）的内容，如后补的项目代码；附理由，更正前的内容留在历史中")
class ApplicationAmended(EventPayload):
    amendment_no: int = Field(description="第几次更正")
    changed: list[str] = Field(description="更正的字段，如 project.code、unit.phone")
    unit: UnitInfo = Field(description="更正后的项目单位情况")
    project: ProjectInfo = Field(description="更正后的项目基本情况")
    reason: FreeTextStr = Field(description="更正原因")


# Fields an amendment may not change: they chose the service point (属地服务); a different answer is a new application.
NOT_AMENDABLE = ("project.in_industrial_park", "project.approval_level")


# -- materials (申报材料, 补正材料, 批文证照, 归档): the events carry the metadata and the SHA-256, never the bytes --
MaterialKind = Literal["application", "correction", "deficiency", "result", "signed_form", "other"]
# A signed paper form that comes back (signed_form) names its form (API.md "Printable forms"): its title is one of these.
SIGNED_FORM_TITLES = ("申请表", "授权委托书", "承诺书", "跨层级审批事项服务协办单", "办结单", "评价表", "终止单")
MATERIAL_KIND_LABELS: dict[str, str] = {
    "application": "申报材料", "correction": "补正材料", "deficiency": "容缺后补材料",
    "result": "批文证照（审批结果）", "signed_form": "签字回传的表单", "other": "其他材料"}


@contract("intake.MaterialUploaded",
          description="上传材料；同一名称、同一事项再次上传为新版本，旧版本保留（事件只记元数据与 SHA-256，不含文件内容）")
class MaterialUploaded(EventPayload):
    case_id: str
    material_id: str = Field(description="材料编号（每个版本一个）")
    title: FreeTextStr = Field(description="材料名称")
    item_no: int | None = Field(default=None, description="所属事项编号；空：整个案件的材料")
    kind: MaterialKind = Field(description="材料类别：application 申报材料, correction 补正材料, deficiency 容缺后补材料, "
                                           "result 批文证照, signed_form 签字回传的表单, other 其他")
    version: int = Field(description="版本号：同一名称、同一事项的第几次上传")
    supersedes: str | None = Field(default=None, description="上一版本的材料编号")
    file_name: FreeTextStr = Field(description="文件名（已去除路径与控制字符）")
    content_type: str = Field(description="按文件内容识别的类型（MIME）")
    size: int = Field(description="字节数")
    sha256: str = Field(description="上传文件原样的 SHA-256（十六进制）")
    signed_on: str | None = Field(default=None, description="签字回传的表单（signed_form）上写的签字日期")


@contract("intake.MaterialDownloaded", description="下载材料（每次下载均记录：谁、何时）")
class MaterialDownloaded(EventPayload):
    material_id: str
    title: FreeTextStr = Field(description="材料名称")
    item_no: int | None = None
    version: int


@contract("intake.MaterialWithdrawn", description="撤回材料：标记为已撤回，文件与记录均保留")
class MaterialWithdrawn(EventPayload):
    material_id: str
    title: FreeTextStr = Field(description="材料名称")
    item_no: int | None = None
    version: int
    reason: FreeTextStr | None = None
