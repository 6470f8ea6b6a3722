"""Request and response bodies of the coordination API."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.coordination import CombinedService, ItemAction, TerminationReason
from shared.validation import Phone

Text = Field(min_length=1, max_length=2000)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PersonIn(_Body):
    name: str = Field(min_length=1, max_length=50, description="姓名")
    phone: Phone = Field(description="联系电话")


class ReassignmentCreate(_Body):
    username: str = Field(min_length=1, max_length=100, description="新的案件代办帮办员账号（窗口或园区服务点代办员）")
    reason: str = Field(min_length=1, max_length=1000, description="变更原因")


class PlanStepIn(_Body):
    item_no: int = Field(ge=1, description="事项编号")
    planned_start: dt.date | None = Field(default=None, description="计划开始日期")
    planned_finish: dt.date | None = Field(default=None, description="计划完成日期")
    after: list[int] = Field(default_factory=list, description="须先完成的事项编号")


class PlanPut(_Body):
    steps: list[PlanStepIn] = Field(min_length=1, description="申报计划步骤")
    note: str | None = Field(default=None, max_length=2000)


class ItemActionCreate(_Body):
    action: ItemAction = Field(description="file 申报, accept 受理, request_correction 补正告知, correction_done 补正完成/容缺材料补齐, "
                                           "accept_with_deficiency 容缺受理, start_special_procedure/end_special_procedure 特别程序, "
                                           "approve 办结（准予）, refuse 办结（不予）, withdraw 撤回")
    note: str | None = Field(default=None, max_length=2000)
    missing_materials: list[str] = Field(default_factory=list, description="所缺（或须补正的）材料")
    until: dt.date | None = Field(default=None, description="容缺材料承诺补齐日期")


class ItemRequirementsIn(_Body):
    item_no: int = Field(ge=1)
    requirements: list[str] = Field(min_length=1, description="该事项的全部申报要求（一次性告知）")


class NotificationCreate(_Body):
    items: list[ItemRequirementsIn] = Field(min_length=1)
    note: str | None = Field(default=None, max_length=2000)


class JointReviewCreate(_Body):
    date: dt.date = Field(description="会议日期")
    departments: list[str] = Field(min_length=1, description="参会部门代码")
    items: list[int] = Field(min_length=1, description="会商事项编号")
    conclusion: str = Text


class CombinedServiceCreate(_Body):
    kind: CombinedService = Field(description="multi_assessment 多评合一, multi_drawing_review 多图联审, joint_acceptance 联合验收")
    items: list[int] = Field(min_length=2, description="合并办理的事项编号")
    note: str | None = Field(default=None, max_length=2000)


class CrossLevelCreate(_Body):
    items: list[int] = Field(min_length=1, description="协办事项编号")
    reason: str = Field(min_length=1, max_length=2000, description="协办原因")
    required_documents: list[str] = Field(min_length=1, description="办理要件")
    requested_unit: str = Field(min_length=1, max_length=200, description="需协办单位（上级代办帮办中心或部门）")
    project_contact: PersonIn = Field(description="项目负责人及联系方式")
    agent_phone: Phone | None = Field(default=None, description="帮办人员联系方式（案件代办帮办员）")
    remark: str | None = Field(default=None, max_length=2000, description="备注")


class CrossLevelResult(_Body):
    result: str = Field(min_length=1, max_length=2000, description="协办结果")
    assisted_by: PersonIn = Field(description="协办人员及联系方式")
    assisting_center: str | None = Field(default=None, max_length=200, description="协办代办帮办中心（签字）")
    remark: str | None = Field(default=None, max_length=2000)


class CompletionCreate(_Body):
    materials_returned: bool = Field(description="有关资料已向申请单位移交完毕（须为 true）")
    note: str | None = Field(default=None, max_length=2000)


class TerminationCreate(_Body):
    reason: str = Field(min_length=1, max_length=2000, description="终止原因")
    reason_code: TerminationReason = Field(default="other", description="conditions_not_met 不具备办理条件, falsified_materials 弄虚作假, "
                                                                        "unlawful 其他违法违规, applicant_request 申请人申请终止, other 其他")


class RegisterChangeCreate(_Body):
    items: list[int] = Field(min_length=1, description="涉及的事项编号")
    replaced: str | None = Field(default=None, max_length=50, description="被替换的代办帮办人员姓名（新增人员时省略）")
    replacement: PersonIn
    effective_on: dt.date = Field(description="调整生效日期")
    reason: str = Field(min_length=1, max_length=1000)


class CalendarPut(_Body):
    announced: bool = Field(default=True, description="该年安排已由国务院办公厅公布（不再标记为预估）")
    overrides: dict[dt.date, Literal["workday", "holiday"]] = Field(
        default_factory=dict, description="该年的调整：holiday 放假的工作日，workday 调休上班的周末")


class Created(BaseModel):
    case_id: str
    id: str | int
