"""Request and response bodies of the intake API."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from shared.contracts import Channel
from shared.contracts.intake import DelegatedAgent, EnterpriseRef, MaterialKind, MaterialUploaded, ProjectInfo, UnitInfo
from shared.read_models import ActorRead, MaterialEntryRead, read_model
from shared.reference import load_catalog
from shared.types import CaseDate, ItemNo, ItemNumbers, Name, Reason, Title


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
    items: ItemNumbers = Field(description="申请代办的事项编号（事项目录 item_no）")

    _items = field_validator("items")(check_catalog_items)


class DelegationCreate(_Body):
    legal_representative: Name = Field(description="法定代表人")
    agent: DelegatedAgent
    items: ItemNumbers = Field(description="委托代办的事项编号")

    _items = field_validator("items")(check_catalog_items)


class CommitmentCreate(_Body):
    signed_by: Name = Field(description="项目经办人签字")


class RejectionCreate(_Body):
    reason: Reason = Field(description="不予受理原因")


class WithdrawalCreate(_Body):
    reason: Reason | None = Field(default=None, description="撤回原因")


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
    amendments: list[dict] = Field(description="更正记录：第几次、更正的字段、原因、时间、更正人")


def _partial(name: str, model: type[BaseModel]) -> type[BaseModel]:
    """``model`` with every field optional (the same types, limits and descriptions): the fields to change."""
    def typed(info) -> object:  # noqa: ANN001
        return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation

    fields = {key: (Optional[typed(info)], Field(default=None, description=info.description))
              for key, info in model.model_fields.items()}
    return create_model(name, __config__=ConfigDict(extra="forbid", str_strip_whitespace=True), **fields)


UnitChanges = _partial("UnitChanges", UnitInfo)
ProjectChanges = _partial("ProjectChanges", ProjectInfo)


class ApplicationChanges(_Body):
    unit: UnitChanges | None = Field(default=None, description="项目单位情况中要更正的字段")
    project: ProjectChanges | None = Field(default=None, description="项目基本情况中要更正的字段（如后补的 code 项目代码）")


class AmendmentCreate(_Body):
    changes: ApplicationChanges = Field(description="要更正的字段（只填要改的）；是否位于工业园区、立项层级不能更正")
    reason: Reason = Field(description="更正原因")


# -- materials -------------------------------------------------------------------------------------
class MaterialUpload(_Body):
    """The form fields of an upload (multipart/form-data; the file itself is the part ``file``)."""

    title: Title = Field(description="材料名称，如“项目备案证明”；同一名称、同一事项再次上传为新版本")
    item_no: ItemNo | None = Field(default=None, description="所属事项编号（事项目录 item_no）；不填：整个案件的材料")
    kind: MaterialKind = Field(default="application", description="application 申报材料, correction 补正材料, "
                               "deficiency 容缺后补材料, result 批文证照, signed_form 签字回传的表单, other 其他")
    signed_on: CaseDate | None = Field(default=None, description="签字回传的表单（signed_form）上写的签字日期（必填）；"
                                       "其他材料不填")

    @field_validator("item_no", mode="before")
    @classmethod
    def _form_number(cls, value: object) -> object:
        """A form sends text: digits are the number, an empty field is none."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if value.isascii() and value.isdigit() and len(value) <= 4:
                return int(value)
        return value


class MaterialWithdrawalCreate(_Body):
    reason: Reason | None = Field(default=None, description="撤回原因")


class WithdrawalRead(BaseModel):
    by: ActorRead
    at: str
    reason: str | None


MaterialRead = read_model(
    "MaterialRead", MaterialUploaded, doc="一份材料（一个版本）",
    kind_label=(str, Field(description="材料类别")),
    uploaded_at=(str, Field(description="上传时间")),
    uploaded_by=(ActorRead, Field(description="上传人")),
    on_behalf_of=(str | None, Field(description="代谁上传（服务点代办帮办员代申请人提交时）")),
    downloads=(int, Field(description="已下载次数（每次下载均记入案件历史）")),
    withdrawal=(WithdrawalRead | None, Field(description="撤回记录；空：有效")),
    download_url=(str, Field(description="下载地址（原样返回上传的文件）")),
)


class MaterialTitleRead(BaseModel):
    title: str
    kind: str
    kind_label: str
    latest_version: int
    versions: list[MaterialRead]  # type: ignore[valid-type]


class MaterialGroupRead(BaseModel):
    item_no: int | None = Field(description="事项编号；空：整个案件的材料")
    item_name: str | None
    materials: list[MaterialTitleRead]


class ChecklistEntryRead(MaterialEntryRead):
    supplied: bool = Field(description="已上传（未撤回）")
    material_id: str | None = Field(description="最新一版的材料编号；未提交为 null")


class ItemChecklistRead(BaseModel):
    item_no: int
    entries: list[ChecklistEntryRead] = Field(description="材料清单逐项：已提交或缺")
    missing: list[str] = Field(description="尚缺的必要材料")


class MaterialListRead(BaseModel):
    case_id: str
    groups: list[MaterialGroupRead]
    checklist: list[ItemChecklistRead] = Field(description="按事项的材料清单：已提交与尚缺")
    accepted_types: list[str] = Field(description="可上传的文件类型")
    max_bytes: int = Field(description="单个文件大小上限（字节）")
