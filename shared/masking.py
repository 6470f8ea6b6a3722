"""Personal data in views: shown whole to those who need it, masked for everyone else."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.contracts import Role
from shared.validation import mask_id_number, mask_phone

# Service-point agents contact the applicant and verify the 委托书; they see personal data whole.
SEES_PERSONAL_DATA = {Role.window_agent, Role.park_agent}
_MASKERS = {"id_number": mask_id_number, "phone": mask_phone}

M = TypeVar("M", bound=BaseModel)


# 身份证号 and phones people write into notes, reasons and comments ("请回电 13612345678")
_IN_TEXT = (
    (re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])"), mask_id_number),
    (re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])"), mask_phone),
    (re.compile(r"(?<![0-9A-Za-z-])0[0-9]{2,3}-[0-9]{7,8}(?![0-9A-Za-z])"), mask_phone),
)


def mask_text(text: str) -> str:
    """Free text with every 身份证号 and phone number in it masked."""
    for pattern, masker in _IN_TEXT:
        text = pattern.sub(lambda m: masker(m.group(0)), text)
    return text


def mask_value(data: Any) -> Any:
    """``data`` with ``id_number`` and ``phone`` fields masked, and those numbers masked inside any other text."""
    if isinstance(data, dict):
        return {k: (_MASKERS[k](v) if k in _MASKERS and isinstance(v, str) else mask_value(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_value(v) for v in data]
    if isinstance(data, str):
        return mask_text(data)
    return data


def mask_free_text(data: Any) -> Any:
    """``data`` with 身份证号 and phones masked inside text only; ``phone`` fields (staff contacts) left as they are."""
    if isinstance(data, dict):
        return {k: (v if k in _MASKERS else mask_free_text(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_free_text(v) for v in data]
    return mask_text(data) if isinstance(data, str) else data


def mask_personal_data(body: M, role: Role, *, owner: bool = False) -> M:
    if owner or role in SEES_PERSONAL_DATA:
        return body
    return type(body).model_validate(mask_value(body.model_dump()))
