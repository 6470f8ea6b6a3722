from pathlib import Path

import pytest
import yaml

from shared.reference import DEFAULT_PATH, CatalogError, clear_catalog_cache, load_catalog


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _shipped() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def test_33_items_of_first_batch_plus_item_34():
    c = load_catalog()
    assert c.version == 2
    assert [i.item_no for i in c.items] == list(range(1, 35))
    assert len(c.items_as_of(1)) == 33
    assert [i.item_no for i in c.items_as_of(2)] == list(range(1, 35))
    assert c.item(34).name == "非公司企业法人注册登记"
    assert (c.item(34).department, c.item(34).since_version) == ("scjg", 2)
    assert c.item(31).name == "农民合作社法人注册登记"
    assert c.has_item(33) and not c.has_item(35)
    with pytest.raises(KeyError):
        c.item(35)


def test_item_fields_follow_the_seed():
    c = load_catalog()
    assert c.item(1).name == "企业投资项目核准" and c.item(1).item_type == "行政许可"
    assert c.item(2).item_type == "其他行政权力"
    assert c.item(32).item_type == "公共服务" and c.item(32).department == "rsj"
    assert c.item(21).department == "zjj_jt"
    assert c.item(10).stage == 3 and c.item(12).stage == 4 and c.item(7).stage == 1
    assert {i.stage for i in c.items} == {1, 2, 3, 4, 5}


def test_errata_decisions_are_in_the_data():
    c = load_catalog()
    assert c.item(29).name.startswith("法定代表人签字备案")  # printed as "39" in 附件2
    assert c.item(16).department == "nmsw" and c.item(17).department == "nmsw"
    ids = {e.id for e in c.errata}
    assert {"E1", "E2", "E3", "E4", "E5"} <= ids
    assert any("39" in e.issue for e in c.errata)


def test_every_time_limit_names_its_source_and_basis():
    """Issue 11: every 行政许可 defaulted to 20/10 working days; some are wrong in law.  A limit found in a law
    is marked ``law`` with the law and article; every other keeps the type's default and says so."""
    c = load_catalog()
    assert all(i.limits_source in ("law", "local", "default") and i.limits_basis for i in c.items)
    licence = c.item(10)  # 建筑法 第八条: 七日内颁发施工许可证
    assert (licence.statutory_days, licence.limits_source) == (7, "law") and "建筑法" in licence.limits_basis
    assert "第八条" in licence.limits_basis
    assert (c.item(32).statutory_days, c.item(32).limits_source) == (15, "law")  # 社会保险法 第五十七条
    assert {c.item(n).statutory_days for n in (27, 31, 34)} == {3}  # 市场主体登记管理条例 第十九条
    assert c.item(7).limits_source == "default" and c.item(7).limits_basis.startswith("未查到该事项的法定时限")
    assert all(0 < i.promised_days <= i.statutory_days for i in c.items)


def test_departments_and_service_points():
    c = load_catalog()
    codes = {d.code for d in c.departments}
    assert codes == {"fgw", "zrzy", "zjj", "zjj_jt", "zwfw", "nmsw", "gxj", "yjgl", "sthj", "rfb",
                     "scjg", "rsj", "gyyq", "cpit"}
    assert c.department("zrzy").name == "乌海市自然资源局海南区分局"
    assert c.department("gyyq").approving is False and c.department("cpit").approving is False
    assert c.service_point("district").department == "zwfw"
    assert c.service_point("park").department == "gyyq"
    # seed 一(二)4: 工业园区管委会和区贸易促进会承担园区内的投资项目代办帮办职责
    assert c.service_point("park").departments == ("gyyq", "cpit") and c.department("cpit").name == "区贸易促进会"
    with pytest.raises(KeyError):
        c.department("nope")


def test_agents_of_attachment_11():
    c = load_catalog()
    assert [(a.name, a.phone) for a in c.agents_for(11)] == [("王斌", "18304732917"), ("张奋奇", "15204730533")]
    assert [a.name for a in c.agents_for(16)] == ["谷广伟"]
    assert [a.name for a in c.agents_for(34)] == ["张伟"]
    assert c.agents_for(1) == []
    chen = next(a for a in c.agents if a.name == "陈起")
    assert chen.items == (2, 3, 4, 5, 6) and chen.department == "fgw"


def test_unserved_items_are_visible():
    c = load_catalog()
    assert [i.item_no for i in c.unserved_items()] == [1, 19, 20, 21, 22, 23, 27, 31]


def test_leading_group():
    c = load_catalog()
    roles = [m.role for m in c.leading_group]
    assert roles.count("组长") == 1 and roles.count("副组长") == 2 and len(roles) == 18
    assert c.leading_group[0].name == "秀芳"
    assert c.leading_group_office == "zwfw"


def test_removed_item_is_rejected(tmp_path):
    data = _shipped()
    data["items"] = [i for i in data["items"] if i["item_no"] != 34]
    data["agents"] = [{**a, "items": [n for n in a["items"] if n != 34]} for a in data["agents"]]
    data["versions"] = data["versions"][:1]
    with pytest.raises(CatalogError, match="能增不减") as err:
        load_catalog(_write(tmp_path, data))
    assert "事项34" in str(err.value) and "删除" in str(err.value)


def test_gap_in_numbering_is_rejected(tmp_path):
    data = _shipped()
    data["items"] = [i for i in data["items"] if i["item_no"] != 5]
    data["agents"] = [{**a, "items": [n for n in a["items"] if n != 5]} for a in data["agents"]]
    with pytest.raises(CatalogError, match="连续"):
        load_catalog(_write(tmp_path, data))


def test_renumbered_item_is_rejected(tmp_path):
    data = _shipped()
    by_no = {i["item_no"]: i for i in data["items"]}
    by_no[2]["item_no"], by_no[3]["item_no"] = 3, 2
    with pytest.raises(CatalogError, match="改编为事项3"):
        load_catalog(_write(tmp_path, data))


def test_grown_catalog_loads_and_env_var_is_honoured(tmp_path, monkeypatch):
    data = _shipped()
    data["versions"].append({"version": 3, "title": "第三批"})
    data["items"].append({"item_no": 35, "name": "测试新增事项", "department": "fgw",
                          "item_type": "行政许可", "stage": 1, "since_version": 3,
                          "statutory_days": 15, "promised_days": 5, "limits_source": "local",
                          "limits_basis": "某区政务服务网公布的办事指南"})
    path = _write(tmp_path, data)
    monkeypatch.setenv("BANGNIN_CATALOG_FILE", str(path))
    clear_catalog_cache()
    try:
        c = load_catalog()
        assert c.version == 3 and c.item(35).limits_source == "local"
        assert len(c.items_as_of(2)) == 34 and c.unserved_items()[-1].item_no == 35
    finally:
        monkeypatch.delenv("BANGNIN_CATALOG_FILE")
        clear_catalog_cache()
    assert load_catalog().version == 2
