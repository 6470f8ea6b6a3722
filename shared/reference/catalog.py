"""Reference data of the Haina District plan: item catalog, departments, agents.

The data lives in ``data/catalog.yaml``; an administrator may point the environment
variable ``BANGNIN_CATALOG_FILE`` (or the ``path`` argument) at an edited copy.  Any
catalog other than the shipped one is checked against it: items are only ever added
(能增不减), never removed, renumbered or renamed.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_VAR = "BANGNIN_CATALOG_FILE"
DEFAULT_PATH = Path(__file__).parent / "data" / "catalog.yaml"
ItemType = Literal["行政许可", "其他行政权力", "公共服务"]


class CatalogError(ValueError):
    """The catalog file is malformed or breaks 能增不减."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Department(_Frozen):
    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str
    short_name: str
    approving: bool = True


class ServicePoint(_Frozen):
    code: str
    name: str
    department: str
    partners: tuple[str, ...] = ()  # departments sharing the point's responsibility (seed 一(二)4: 区贸易促进会)
    scope: str = ""

    @property
    def departments(self) -> tuple[str, ...]:
        """The departments whose agents serve at this point: its own first, then its partners."""
        return (self.department, *self.partners)


# Where an item's time limits come from: ``law`` a law, administrative regulation or ministerial rule (named with
# its article in ``limits_basis``), ``local`` a published local 办事指南 or government document, ``default`` the
# project's default for the item type (nothing found; ``limits_basis`` says what the default rests on).
LimitsSource = Literal["law", "local", "default"]


class CatalogItem(_Frozen):
    item_no: int = Field(ge=1)
    name: str
    department: str
    item_type: ItemType
    stage: int = Field(ge=1, le=5)
    since_version: int = Field(ge=1)
    statutory_days: int = Field(gt=0)
    promised_days: int = Field(gt=0)
    limits_source: LimitsSource
    limits_basis: str  # the law or regulation and its article; for a default, where the default comes from
    former_names: tuple[str, ...] = ()


class Agent(_Frozen):
    id: str
    name: str
    phone: str
    department: str
    items: tuple[int, ...]


class LeadingGroupMember(_Frozen):
    name: str
    post: str
    role: Literal["组长", "副组长", "成员"]


class Erratum(_Frozen):
    id: str
    source: str
    issue: str
    decision: str


class CatalogVersion(_Frozen):
    version: int = Field(ge=1)
    title: str
    source: str = ""
    date: dt.date | None = None


class _Limits(_Frozen):
    statutory_days: int = Field(gt=0)
    promised_days: int = Field(gt=0)
    basis: str


class _RawItem(_Frozen):
    item_no: int
    name: str
    department: str
    item_type: ItemType
    stage: int
    since_version: int
    statutory_days: int | None = None
    promised_days: int | None = None
    limits_source: LimitsSource = "default"
    limits_basis: str | None = None
    former_names: tuple[str, ...] = ()


class _LeadingGroup(_Frozen):
    office_department: str
    members: tuple[LeadingGroupMember, ...]


class _File(_Frozen):
    versions: tuple[CatalogVersion, ...]
    limit_defaults: dict[ItemType, _Limits]
    stages: dict[int, str]
    departments: tuple[Department, ...]
    service_points: tuple[ServicePoint, ...]
    items: tuple[_RawItem, ...]
    agents: tuple[Agent, ...]
    leading_group: _LeadingGroup
    errata: tuple[Erratum, ...] = ()


class Catalog:
    """The loaded, cross-checked reference data (read-only)."""

    def __init__(self, raw: _File, source: Path):
        self.source = source
        self.versions = tuple(sorted(raw.versions, key=lambda v: v.version))
        self.version = self.versions[-1].version if self.versions else 0
        self.stages = dict(raw.stages)
        self.departments = raw.departments
        self.service_points = raw.service_points
        self.items = tuple(sorted((_complete(i, raw) for i in raw.items), key=lambda i: i.item_no))
        self.agents = raw.agents
        self.leading_group = raw.leading_group.members
        self.leading_group_office = raw.leading_group.office_department
        self.errata = raw.errata
        self._items = {i.item_no: i for i in self.items}
        self._depts = {d.code: d for d in self.departments}
        self._points = {p.code: p for p in self.service_points}
        _check(self, raw)

    def item(self, no: int) -> CatalogItem:
        return self._items[no]

    def has_item(self, no: int) -> bool:
        return no in self._items

    def items_as_of(self, version: int) -> list[CatalogItem]:
        return [i for i in self.items if i.since_version <= version]

    def department(self, code: str) -> Department:
        return self._depts[code]

    def department_name(self, code: str) -> str:
        """The department's name; an unknown code as it is (a record made under another catalog)."""
        return self._depts[code].name if code in self._depts else code

    def items_of_department(self, code: str) -> list[CatalogItem]:
        return [i for i in self.items if i.department == code]

    def service_point(self, code: str) -> ServicePoint:
        return self._points[code]
    def agents_for(self, item_no: int) -> list[Agent]:
        return [a for a in self.agents if item_no in a.items]

    def unserved_items(self) -> list[CatalogItem]:
        """Items no agent of 附件11 serves: the case falls back to department / service point."""
        served = {n for a in self.agents for n in a.items}
        return [i for i in self.items if i.item_no not in served]


def _complete(raw: _RawItem, f: _File) -> CatalogItem:
    data = raw.model_dump()
    if raw.limits_source == "default":
        if raw.statutory_days is not None or raw.promised_days is not None or raw.limits_basis:
            raise CatalogError(f"事项{raw.item_no}标为 default，不应填写时限或依据（填写时标为 law 或 local）")
        default = f.limit_defaults[raw.item_type]
        data.update(statutory_days=default.statutory_days, promised_days=default.promised_days,
                    limits_basis=f"未查到该事项的法定时限，按{raw.item_type}默认：{default.basis}")
    elif raw.statutory_days is None or raw.promised_days is None or not raw.limits_basis:
        raise CatalogError(f"事项{raw.item_no}标为 {raw.limits_source}，须填写法定时限、承诺时限和依据（limits_basis）")
    return CatalogItem(**data)


def _check(c: Catalog, raw: _File) -> None:
    problems: list[str] = []
    nos = [i.item_no for i in raw.items]
    if sorted(nos) != list(range(1, len(nos) + 1)):
        problems.append(f"事项编号须为连续的 1–{len(nos)}，不得缺号或重号（能增不减）：{sorted(nos)}")
    declared = {v.version for v in c.versions}
    if len(declared) != len(c.versions) or declared != set(range(1, c.version + 1)):
        problems.append("versions 须为连续编号的 1..N 且不重复")
    last_max = 0
    for v in sorted(declared):
        batch = [i.item_no for i in c.items if i.since_version == v]
        if batch and min(batch) <= last_max:
            problems.append(f"第{v}版新增事项须排在既有事项之后编号：{batch}")
        last_max = max([last_max, *batch])
    for i in c.items:
        if i.since_version not in declared:
            problems.append(f"事项{i.item_no}的 since_version={i.since_version} 未在 versions 中声明")
        if i.department not in c._depts:
            problems.append(f"事项{i.item_no}的承办部门 {i.department} 不存在")
        if i.promised_days > i.statutory_days:
            problems.append(f"事项{i.item_no}的承诺时限超过法定时限")
    if len(c._depts) != len(c.departments) or len(c._points) != len(c.service_points):
        problems.append("部门代码或服务点代码重复")
    for a in c.agents:
        if a.department not in c._depts:
            problems.append(f"代办人员{a.name}的部门 {a.department} 不存在")
        problems += [f"代办人员{a.name}负责的事项{n}不存在" for n in a.items if n not in c._items]
    problems += [f"服务点{p.code}的部门 {d} 不存在" for p in c.service_points for d in p.departments if d not in c._depts]
    if problems:
        raise CatalogError(f"目录文件 {c.source} 有误：\n- " + "\n- ".join(problems))


def check_grows_only(old: Catalog, new: Catalog) -> None:
    """Raise CatalogError unless ``new`` keeps every item of ``old`` (能增不减)."""
    problems: list[str] = []
    if new.version < old.version:
        problems.append(f"目录版本从 {old.version} 降为 {new.version}")
    by_name = {i.name: i.item_no for i in new.items}
    for i in old.items:
        now = new._items.get(i.item_no)
        if now is not None and (now.name == i.name or i.name in now.former_names):
            if now.since_version != i.since_version:
                problems.append(f"事项{i.item_no}（{i.name}）的 since_version 被改动")
            continue
        if i.name in by_name:
            problems.append(f"第{i.since_version}版事项{i.item_no}（{i.name}）被改编为事项{by_name[i.name]}")
        elif now is None:
            problems.append(f"第{i.since_version}版事项{i.item_no}（{i.name}）被删除")
        else:
            problems.append(f"第{i.since_version}版事项{i.item_no}（{i.name}）被替换为“{now.name}”（改名须列入 former_names）")
    if problems:
        raise CatalogError(f"目录文件 {new.source} 违反“能增不减”：\n- " + "\n- ".join(problems))


def _read(path: Path) -> Catalog:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Catalog(_File.model_validate(data), path)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"无法读取目录文件 {path}：{exc}") from exc


def _load_checked(path: Path) -> Catalog:
    catalog = _read(path)
    if path.resolve() != DEFAULT_PATH.resolve():
        check_grows_only(_cached(""), catalog)
    return catalog


@lru_cache(maxsize=4)
def _cached(env_path: str) -> Catalog:
    return _load_checked(Path(env_path)) if env_path else _read(DEFAULT_PATH)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load the catalog: ``path``, else ``$BANGNIN_CATALOG_FILE``, else the shipped file.

    The default (path None) is cached; call :func:`clear_catalog_cache` after an edit.
    """
    if path is None:
        return _cached(os.environ.get(ENV_VAR, ""))
    return _load_checked(Path(path))


def clear_catalog_cache() -> None:
    _cached.cache_clear()
