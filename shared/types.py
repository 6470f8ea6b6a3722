"""Bounded input types for request bodies: one place for how long a name, a note or a list may be.

Every string a request carries is plain text: no control characters (NUL, BEL …; a multi-line
note keeps newlines and tabs) and no bidirectional-override characters (U+202E and its kin, which
make a name read differently from what is stored). Ordinary CJK punctuation is text and stays, and
so do private-use and not-yet-assigned code points (rare characters of names, 生僻字, live there).
Item numbers are strict integers (``true``, ``2.0`` and ``"2"`` are refused), path numbers are
ASCII digits only, and dates a case may carry lie in a window around today
(:data:`DATE_WINDOW_YEARS` years either way). Errors are Chinese; the 422 names the field.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict

from shared.clock import CHINA

# Bidirectional formatting characters (Unicode TR9): embeddings, overrides, isolates, marks.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\n\r\t")


def _refuse(text: str, *, multiline: bool) -> str:
    for ch in text:
        if ch in _LINE_BREAKS and multiline:
            continue
        if ch in _BIDI:
            raise ValueError(f"含有文字方向控制符 U+{ord(ch):04X}，请删除后重新填写")
        if unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029":
            raise ValueError(f"含有控制字符 U+{ord(ch):04X}，请删除后重新填写")
    return text


def plain_line(text: str) -> str:
    """One line of text: no control, bidi-override or line-break characters."""
    return _refuse(text, multiline=False)


def plain_text(text: str) -> str:
    """Text that may run over several lines: newlines and tabs allowed, other controls not."""
    return _refuse(text, multiline=True)


def _line(max_length: int, min_length: int = 1):  # noqa: ANN202
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(plain_line)]


def _text(max_length: int, min_length: int = 1):  # noqa: ANN202
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(plain_text)]


# -- strings -----------------------------------------------------------------------------------
Name = _line(50)            # a person's name, a signature
Code = _line(100)           # an account name, a department code, an id
Title = _line(200)          # a unit's or project's name, a unit, a source of funds
Address = _line(300)        # an address; a short entry of a list (a material, a requirement)
ShortText = _line(300)
Reason = _text(1000)        # a reason given for a decision
Text = _text(2000)          # a conclusion, a result, a note
Note = _text(2000, min_length=0)   # an optional note: may be empty
LongNote = _text(4000, min_length=0)

# -- lists -------------------------------------------------------------------------------------
MAX_ITEMS = 100             # more item numbers than the catalogue will ever hold
MAX_ENTRIES = 50            # entries of a list of materials, requirements, departments
ItemNo = Annotated[int, Strict(), Field(ge=1, le=9999)]
ItemList = Annotated[list[ItemNo], Field(max_length=MAX_ITEMS)]                # may be empty
ItemNumbers = Annotated[list[ItemNo], Field(min_length=1, max_length=MAX_ITEMS)]  # at least one
Entries = Annotated[list[ShortText], Field(max_length=MAX_ENTRIES)]
Codes = Annotated[list[Code], Field(min_length=1, max_length=MAX_ENTRIES)]

# -- dates -------------------------------------------------------------------------------------
DATE_WINDOW_YEARS = 5


def date_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or dt.datetime.now(CHINA).date()
    return today.replace(year=today.year - DATE_WINDOW_YEARS, day=min(today.day, 28)), \
        today.replace(year=today.year + DATE_WINDOW_YEARS, day=min(today.day, 28))


def _in_window(day: dt.date) -> dt.date:
    first, last = date_window()
    if not first <= day <= last:
        raise ValueError(f"日期应在 {first.isoformat()} 至 {last.isoformat()} 之间（今日前后 {DATE_WINDOW_YEARS} 年）")
    return day


CaseDate = Annotated[dt.date, AfterValidator(_in_window)]

# -- path parameters ---------------------------------------------------------------------------
_DIGITS = re.compile(r"[0-9]{1,9}")


def _ascii_number(value: object) -> object:
    """A path number as it was sent: ASCII digits only (no spaces, signs, other scripts' digits)."""
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("应为不带空格和符号的阿拉伯数字（0–9）")
    return value


PathNumber = Annotated[int, BeforeValidator(_ascii_number)]


# -- personal data in the contracts ------------------------------------------------------------
class Sealed:
    """Marks a contract field sealed outside the event stores (``shared.sealing``): ``kind`` says why."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"Sealed({self.kind!r})"


PERSONAL = Sealed("personal")     # 身份证号, a phone, a person's name
FREE_TEXT = Sealed("free_text")   # notes, reasons, comments: people write phones and names into them
PersonalStr = Annotated[str, PERSONAL]
FreeTextStr = Annotated[str, FREE_TEXT]
