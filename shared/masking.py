"""Personal data in views: shown whole to those who need it, masked for everyone else."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from shared.contracts import Role
from shared.validation import mask_id_number, mask_phone

# Service-point agents contact the applicant and verify the 委托书; they see personal data whole.
SEES_PERSONAL_DATA = {Role.window_agent, Role.park_agent}
_MASKERS = {"id_number": mask_id_number, "phone": mask_phone}

M = TypeVar("M", bound=BaseModel)


def mask_value(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: (_MASKERS[k](v) if k in _MASKERS and isinstance(v, str) else mask_value(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_value(v) for v in data]
    return data


def mask_personal_data(body: M, role: Role, *, owner: bool = False) -> M:
    if owner or role in SEES_PERSONAL_DATA:
        return body
    return type(body).model_validate(mask_value(body.model_dump()))
