"""``GET /reporting/cases?q=``: find a case by what a caller has at hand — the enterprise's name or 统一社会信用代码,
the project's name or 项目代码, the case id — or any part of one.

Every word of ``q`` must occur in one of those fields; full-width and half-width forms, and letter case, are
the same (``ｂｎ１２`` finds ``BN12…``).  Nothing personal is searched: names of people and phones stay out.
"""

from __future__ import annotations

import unicodedata

from shared.errors import Invalid


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def search_terms(q: str | None) -> list[str]:
    if q is None:
        return []
    terms = _folded(q).split()
    if not terms:
        raise Invalid("检索内容不能为空白", field="q")
    return terms


def _fields(case: dict) -> list[str]:
    applicant, unit, project = case.get("applicant") or {}, case.get("unit") or {}, case.get("project") or {}
    return [case["case_id"], applicant.get("name") or "", applicant.get("credit_code") or "",
            unit.get("name") or "", project.get("name") or "", project.get("code") or ""]


def searchable_text(case: dict) -> str:
    """The case's searchable fields, folded: what ``q``'s words are looked for in (kept in the case index)."""
    return "\n".join(_folded(f) for f in _fields(case))
