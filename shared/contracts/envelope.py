"""The integration-event envelope every service publishes and every consumer reads.

An integration event is the published, versioned form of one domain event:
an envelope (who, when, where from, which case) and a payload whose model is
registered under the event's type in :mod:`shared.contracts.registry`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The services that publish integration events, upstream first (intake → coordination → evaluation):
#: the one list of publishers.  ``services/system.py`` declares how each is built and checks against it;
#: reporting reads histories in this order and replays the logs in it.
PUBLISHERS: tuple[str, ...] = ("intake", "coordination", "evaluation")
ServiceName = Literal[PUBLISHERS]  # type: ignore[valid-type]
ServicePoint = Literal["district", "park"]
SERVICE_POINT_LABELS: dict[str, str] = {"district": "区政务服务局帮您办窗口",
                                        "park": "工业园区帮您办服务点（工业园区管委会、区贸易促进会）"}


class Role(StrEnum):
    applicant = "applicant"
    window_agent = "window_agent"
    park_agent = "park_agent"
    department_agent = "department_agent"
    supervisor = "supervisor"
    admin = "admin"
    third_party = "third_party"  # 第三方评估机构 (seed 三(八)): the figures and an anonymised sample, read only
    system = "system"


# The service point's own agents (受理, 案件代办帮办员): the district window's and the park point's.
SERVICE_POINT_ROLE: dict[str, Role] = {"district": Role.window_agent, "park": Role.park_agent}


class Channel(StrEnum):
    """Where an application came in (API.md)."""

    window = "window"
    park_point = "park_point"
    portal = "portal"
    mobile = "mobile"
    hotline = "hotline"


CHANNEL_LABELS = {
    Channel.window: "区政务服务大厅帮您办窗口",
    Channel.park_point: "工业园区管委会帮您办服务点",
    Channel.portal: "内蒙古政务服务网乌海端",
    Channel.mobile: "蒙速办移动端",
    Channel.hotline: "12345政务服务热线",
}


class Actor(BaseModel):
    """Who did it: the account, its role, its department or enterprise."""

    model_config = ConfigDict(frozen=True)

    username: str
    role: Role
    name: str | None = None
    department: str | None = Field(default=None, description="Department code for agents")
    enterprise: str | None = Field(default=None, description="Credit code of an applicant's enterprise")


SYSTEM_ACTOR = Actor(username="system", role=Role.system, name="系统")


class IntegrationEvent(BaseModel):
    """Envelope + payload, as published on the bus and documented in docs/events.md."""

    model_config = ConfigDict(frozen=True)

    event_id: str = Field(description="Stable id: the same domain event always has the same id")
    type: str = Field(description="'<service>.<EventName>', e.g. 'intake.ApplicationAccepted'")
    schema_version: int
    case_id: str
    service: ServiceName
    position: int = Field(description="Position in the publishing service's notification log")
    occurred_at: datetime
    actor: Actor
    on_behalf_of: str | None = Field(default=None, description="Whom the actor acted for, if anyone")
    channel: str | None = None
    payload: dict[str, Any]
