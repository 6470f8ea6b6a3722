"""Satisfaction levels and rating channels (pure).

The level is stored as a name; a code appears only at the edge, always with its code list (the code lists:
``shared/haochaping.py``, one place for them and for the record reported upward).
"""

from __future__ import annotations

from shared.contracts.evaluation import FORM_LEVEL_LABELS as SEED_FORM_LABELS, LEVEL_LABELS
from shared.haochaping import CODE_LISTS, LEVELS  # noqa: F401 - the code lists live there

BAD_LEVELS = frozenset({"dissatisfied", "very_dissatisfied"})  # 差评
DEFAULT_LEVEL = "basically_satisfied"

# Channels through which staff record a rating on the rater's behalf; the others are the applicant's own.
RECORDED_CHANNELS = frozenset({"phone", "written"})


def is_bad(level: str) -> bool:
    return level in BAD_LEVELS


def level_view(level: str) -> dict:
    """How a level is shown: its name and both labels (national, and the seed form's)."""
    return {"level": level, "level_label": LEVEL_LABELS[level], "level_label_form": SEED_FORM_LABELS[level]}


def coded(level: str, code_list: str) -> dict:
    """A level at the edge: name, labels, code and the code list it belongs to."""
    cl = CODE_LISTS[code_list]
    return {**level_view(level), "code": cl.code(level), "code_list": {"id": cl.id, "name": cl.name}}
