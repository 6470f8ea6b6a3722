"""Validators for Chinese identifiers, as pydantic v2 ``Annotated`` types and plain functions.

Each ``validate_*`` function normalises its input and returns it, or raises ``ValueError``
with a Chinese message; pydantic reports it with the field name.  What is checked:

* ``CreditCode`` 统一社会信用代码 (GB 32100-2015): 18 characters, digits 1-8 numeric, the rest
  from the code alphabet (no I O Z S V), check character (``stdnum.cn.uscc``).
* ``IdNumber`` 居民身份证号码 (GB 11643-1999): 18 characters, province prefix, a real birth
  date not in the future, check digit (``stdnum.cn.ric``).  The county code is not looked up:
  division codes change and a stale list would reject real people.
* ``ProjectCode`` 投资项目代码 (GB/T 40058-2021): shape only, ``YYYY-RRRRRR-DD-TT-NNNNNC``,
  24 characters: year 2015..next year, 6-digit region code, 2-digit central supervising
  department code, 2-digit project type code, 6 characters (digits or capital letters: five
  random characters and a check character).  The check character's algorithm is not public,
  so it is not verified; codes are issued only by the national platform.
* ``Phone``: mainland mobile ``1[3-9]`` + 9 digits (optional +86), or landline with area code
  (``0473-1234567``, ``04731234567``).  ``Postcode``: 6 digits.
* ``InvestmentWan``: amount in 万元 (str, int or Decimal; spaces and thousands commas ignored),
  non-negative plain decimal, at most 4 decimals and 10 integer digits, returned normalised
  (``"01200.50"`` -> ``"1200.5"``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Callable

from pydantic import BeforeValidator, Field
from stdnum.cn import ric, uscc

_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_PROJECT = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-([0-9A-Z]{6})$")
_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_LANDLINE = re.compile(r"^0\d{2,3}-?[1-9]\d{6,7}$")
_AMOUNT = re.compile(r"^\d{1,10}(?:\.\d{1,4})?$")


def _compact(value: object, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{what}应为文本")
    return re.sub(r"[\s\u3000]", "", value)


def validate_credit_code(value: str) -> str:
    s = _compact(value, "统一社会信用代码").upper()
    if len(s) != 18:
        raise ValueError(f"统一社会信用代码应为18位，实为{len(s)}位")
    if not _USCC.match(s):
        raise ValueError("统一社会信用代码含有非法字符（第3–8位须为数字，且不使用字母I、O、Z、S、V）")
    if s[-1] != uscc.calc_check_digit(s):
        raise ValueError("统一社会信用代码校验码错误，请核对后重新填写")
    return s


def validate_id_number(value: str) -> str:
    s = _compact(value, "居民身份证号码").upper()
    if len(s) != 18:
        raise ValueError(f"居民身份证号码应为18位，实为{len(s)}位")
    if not (s[:17].isdigit() and s[:17].isascii() and (s[17].isdigit() or s[17] == "X")):
        raise ValueError("居民身份证号码格式不正确：前17位应为数字，末位为数字或X")
    if int(s[:2]) not in _PROVINCES:
        raise ValueError("居民身份证号码的行政区划代码无效")
    try:
        born = ric.get_birth_date(s)
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > dt.date.today():
        raise ValueError("居民身份证号码中的出生日期无效")
    if s[-1] != ric.calc_check_digit(s):
        raise ValueError("居民身份证号码校验码错误，请核对后重新填写")
    return s


def validate_project_code(value: str) -> str:
    s = _compact(value, "投资项目代码").upper().replace("－", "-").replace("—", "-")
    m = _PROJECT.match(s)
    if not m:
        raise ValueError("投资项目代码格式不正确，应为24位：年份-行政区划-部门代码-项目类型-6位码，"
                         "如 2021-150303-44-03-012345")
    year = int(m.group(1))
    if not 2015 <= year <= dt.date.today().year + 1:
        raise ValueError(f"投资项目代码的赋码年份{year}不合理")
    return s


def validate_phone(value: str) -> str:
    s = _compact(value, "联系电话")
    m = _MOBILE.match(s.replace("-", ""))
    if m:
        return m.group(1)
    if _LANDLINE.match(s):
        return s
    raise ValueError("联系电话格式不正确：手机号应为11位（1开头），固定电话须带区号，如0473-1234567")


def validate_postcode(value: str) -> str:
    s = _compact(value, "邮政编码")
    if not (len(s) == 6 and s.isdigit() and s.isascii()):
        raise ValueError("邮政编码应为6位数字")
    return s


def validate_investment_wan(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("投资总额应为数字（单位：万元）")
    s = _compact(str(value), "投资总额").replace(",", "").replace("，", "")
    if s.startswith("-"):
        raise ValueError("投资总额不能为负数")
    if not _AMOUNT.match(s):
        raise ValueError("投资总额格式不正确：应为以万元计的数字，最多4位小数、10位整数")
    d = Decimal(s)
    return "0" if d == 0 else format(d.normalize(), "f")


def _is_valid(check: Callable[[str], str]) -> Callable[[object], bool]:
    def is_valid(value: object) -> bool:
        try:
            check(value)  # type: ignore[arg-type]
            return True
        except ValueError:
            return False

    is_valid.__doc__ = f"True when ``{check.__name__}`` accepts the value."
    return is_valid


is_valid_credit_code = _is_valid(validate_credit_code)
is_valid_id_number = _is_valid(validate_id_number)
is_valid_project_code = _is_valid(validate_project_code)
is_valid_phone = _is_valid(validate_phone)
is_valid_postcode = _is_valid(validate_postcode)
is_valid_investment_wan = _is_valid(validate_investment_wan)

# The lengths are those of the normalised value (the schema documents them; the validators decide).
CreditCode = Annotated[str, BeforeValidator(validate_credit_code), Field(max_length=18)]
IdNumber = Annotated[str, BeforeValidator(validate_id_number), Field(max_length=18)]
ProjectCode = Annotated[str, BeforeValidator(validate_project_code), Field(max_length=24)]
Phone = Annotated[str, BeforeValidator(validate_phone), Field(max_length=20)]
Postcode = Annotated[str, BeforeValidator(validate_postcode), Field(max_length=6)]
InvestmentWan = Annotated[str, BeforeValidator(validate_investment_wan), Field(max_length=20)]


def mask_id_number(value: str) -> str:
    """``150303199001011234`` -> ``150303********1234``; short input is fully masked."""
    s = (value or "").strip()
    return s[:6] + "*" * (len(s) - 10) + s[-4:] if len(s) > 10 else "*" * len(s)


def mask_phone(value: str) -> str:
    """``15714730770`` -> ``157****0770``; ``0473-1234567`` -> ``0473-***4567``."""
    s = (value or "").strip()
    if "-" in s:
        area, _, local = s.rpartition("-")
        return f"{area}-{mask_phone(local)}" if len(local) > 4 else s
    if len(s) > 7:
        return s[:3] + "*" * (len(s) - 7) + s[-4:]
    return "*" * (len(s) - 4) + s[-4:] if len(s) > 4 else "*" * len(s)


_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` in ASCII digits -> (year, month); ValueError with a Chinese reason otherwise
    (``int`` alone would read other scripts' digits, ``२०२६-११``, as a month)."""
    match = _MONTH.fullmatch(text)
    year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    if not 1 <= month <= 12 or year < 2000:
        raise ValueError(f"月份应为 YYYY-MM 格式（如 2026-11），收到“{text}”")
    return year, month
