"""Small parts the response bodies of several services share (people, actors, numbers).

Read models describe what the API returns; nothing here validates input.  A field without a
default is always present in the answer (``None`` where the type says so).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema

# An int or a float, kept as computed (40 stays 40, 0.5 stays 0.5); documented as a JSON number.
Number = Annotated[int | float, WithJsonSchema({"type": "number"})]


class ActorRead(BaseModel):
    username: str = Field(description="账号")
    role: str = Field(description="角色：applicant, window_agent, park_agent, department_agent, supervisor, admin, system")
    name: str | None = Field(description="姓名")
    department: str | None = Field(description="部门代码（代办帮办人员）")
    enterprise: str | None = Field(description="申请单位统一社会信用代码（申请人账号）")


class AgentRead(BaseModel):
    username: str = Field(description="代办帮办员账号")
    name: str | None = Field(description="姓名")
    department: str | None = Field(description="所属部门代码")


class PersonRead(BaseModel):
    name: str = Field(description="姓名")
    phone: str | None = Field(description="联系电话（无权查看个人信息的角色看到的是遮蔽后的号码）")


class ApplicantRead(BaseModel):
    name: str = Field(description="申请单位名称")
    credit_code: str | None = Field(description="统一社会信用代码")


class DepartmentRef(BaseModel):
    code: str = Field(description="部门代码")
    name: str = Field(description="部门名称")
