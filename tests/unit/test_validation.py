import pytest
from pydantic import BaseModel, ValidationError

from shared.validation import (
    CreditCode,
    IdNumber,
    InvestmentWan,
    Phone,
    Postcode,
    ProjectCode,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_investment_wan,
    is_valid_phone,
    is_valid_postcode,
    is_valid_project_code,
    mask_id_number,
    mask_phone,
)


class Application(BaseModel):
    unit_credit_code: CreditCode
    agent_id_number: IdNumber | None = None
    project_code: ProjectCode | None = None
    phone: Phone | None = None
    postcode: Postcode | None = None
    total_investment: InvestmentWan | None = None


def _error(**fields) -> str:
    with pytest.raises(ValidationError) as err:
        Application(unit_credit_code="91110000600037341L", **fields)
    return str(err.value)


def test_credit_codes():
    assert is_valid_credit_code("91110000600037341L")
    assert is_valid_credit_code("91350100M000100Y43")
    assert Application(unit_credit_code=" 91110000600037341l ").unit_credit_code == "91110000600037341L"
    assert not is_valid_credit_code("91110000600037341A")  # bad check character
    assert not is_valid_credit_code("9111000060003734")  # too short
    assert not is_valid_credit_code("91110000I00037341L")  # letter I is not in the alphabet


def test_id_numbers():
    assert is_valid_id_number("360426199101010071")
    assert is_valid_id_number("150303199001011238")
    assert is_valid_id_number("150303200002290027")  # 29 February of a leap year
    assert not is_valid_id_number("150303199001011237")  # bad check digit
    assert not is_valid_id_number("150303199002301235")  # 30 February
    assert not is_valid_id_number("15030319900101123")  # 17 characters
    assert not is_valid_id_number("990303199001011238")  # no such province


def test_id_number_messages_are_chinese():
    assert "校验码错误" in _error(agent_id_number="150303199001011237")
    assert "出生日期无效" in _error(agent_id_number="150303199002301235")


def test_project_codes():
    assert is_valid_project_code("2021-150303-44-03-012345")
    assert Application(unit_credit_code="91110000600037341L",
                       project_code="2024-150303-04-01-1a2b3c").project_code == "2024-150303-04-01-1A2B3C"
    assert not is_valid_project_code("2021-150303-44-03-01234")  # 23 characters
    assert not is_valid_project_code("2021150303440301234567")  # no separators
    assert not is_valid_project_code("1999-150303-44-03-012345")  # implausible year
    assert not is_valid_project_code("2021-15030-344-03-012345")  # wrong grouping


def test_phones_and_postcodes():
    for good in ("15714730770", "+86 157 1473 0770", "0473-1234567", "04731234567", "010-62345678"):
        assert is_valid_phone(good), good
    for bad in ("12345678901", "1571473077", "1234567", "0473-0234567"):
        assert not is_valid_phone(bad), bad
    assert Application(unit_credit_code="91110000600037341L", phone="+86 15714730770").phone == "15714730770"
    assert is_valid_postcode("016000")
    assert not is_valid_postcode("16000") and not is_valid_postcode("01600A")


def test_investment_amounts():
    def amount(v):
        return Application(unit_credit_code="91110000600037341L", total_investment=v).total_investment

    assert amount("01200.50") == "1200.5"
    assert amount(3000) == "3000"
    assert amount("0.0001") == "0.0001"
    assert amount("0.000") == "0"
    assert not is_valid_investment_wan("1.23456")
    assert not is_valid_investment_wan("1e3")
    assert not is_valid_investment_wan(True)
    assert "不能为负数" in _error(total_investment="-5")


def test_pydantic_error_names_field_in_chinese():
    text = _error(phone="123")
    assert "phone" in text and "联系电话格式不正确" in text
    with pytest.raises(ValidationError) as err:
        Application(unit_credit_code="91110000600037341A")
    assert err.value.errors()[0]["loc"] == ("unit_credit_code",)
    assert "统一社会信用代码校验码错误" in err.value.errors()[0]["msg"]


def test_masks():
    assert mask_id_number("150303199001011234") == "150303********1234"
    assert mask_phone("15714730770") == "157****0770"
    assert mask_phone("0473-1234567") == "0473-***4567"
    assert mask_id_number("") == ""
