"""材料清单: per catalog item, the materials its department takes (``data/materials.yaml``).

The list drives the one-time notice (一次性告知: everything an item needs, named once), the correction and
容缺 requests (they name entries of the list) and what a case shows as supplied and missing per item.  Like
the catalog, an administrator may point ``BANGNIN_MATERIALS_FILE`` at an edited copy; a copy that renames or
removes an entry of the shipped list is refused, so every request already recorded still names an entry.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.reference.catalog import load_catalog

ENV_VAR = "BANGNIN_MATERIALS_FILE"
DEFAULT_PATH = Path(__file__).parent / "data" / "materials.yaml"
MaterialForm = Literal["原件", "复印件", "原件及复印件", "电子件"]


class MaterialsError(ValueError):
    """The materials file is malformed, names an item the catalog lacks, or drops a shipped entry."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MaterialEntry(_Frozen):
    name: str = Field(min_length=1, max_length=120)
    form: MaterialForm
    copies: int = Field(default=1, ge=1, le=20)
    required: bool = True  # False: only for some projects (``when``)
    deficiency_allowed: bool = False  # may follow acceptance under 容缺受理
    when: str = ""

    def notice_line(self) -> str:
        """The entry as the one-time notice writes it: 名称（原件1份；可容缺后补；适用情形）."""
        parts = [f"{self.form}{self.copies}份"]
        if self.deficiency_allowed:
            parts.append("可容缺后补")
        if self.when:
            parts.append(f"{self.when}提供")
        return f"{self.name}（{'；'.join(parts)}）"


class ItemMaterials(_Frozen):
    source: str = Field(min_length=1)
    verified: bool  # True: follows the law or rule named in ``source``; False: common 办事指南 elements
    materials: tuple[MaterialEntry, ...] = Field(min_length=1)

    def names(self) -> list[str]:
        return [m.name for m in self.materials]


class MaterialsVersion(_Frozen):
    version: int = Field(ge=1)
    title: str
    date: dt.date
    source: str


class _File(_Frozen):
    versions: tuple[MaterialsVersion, ...] = Field(min_length=1)
    items: dict[int, ItemMaterials]


class MaterialsList:
    """The loaded, cross-checked 材料清单 (read-only)."""

    def __init__(self, raw: _File, source: Path):
        self.source = source
        self.versions = tuple(sorted(raw.versions, key=lambda v: v.version))
        self.version = self.versions[-1].version
        self.items = dict(sorted(raw.items.items()))
        _check(self)

    def has_item(self, item_no: int) -> bool:
        return item_no in self.items

    def for_item(self, item_no: int) -> ItemMaterials:
        return self.items[item_no]

    def notice(self, item_no: int) -> list[str]:
        """The one-time notice's lines for the item: every entry of its list."""
        return [m.notice_line() for m in self.items[item_no].materials]


def _check(m: MaterialsList) -> None:
    catalog = load_catalog()
    problems = [f"材料清单列出的事项{n}不在事项目录中" for n in m.items if not catalog.has_item(n)]
    problems += [f"事项{i.item_no}（{i.name}）没有材料清单" for i in catalog.items if i.item_no not in m.items]
    for n, entry in m.items.items():
        names = entry.names()
        problems += [f"事项{n}的材料“{x}”重复" for x in sorted({x for x in names if names.count(x) > 1})]
        problems += [f"事项{n}的材料“{e.name}”标为视情形提供，须写明适用情形（when）"
                     for e in entry.materials if not e.required and not e.when]
    if problems:
        raise MaterialsError(f"材料清单 {m.source} 有误：\n- " + "\n- ".join(problems))


def check_grows_only(old: MaterialsList, new: MaterialsList) -> None:
    """Raise unless ``new`` keeps every entry of ``old`` under its name (能增不减)."""
    problems = [f"材料清单版本从 {old.version} 降为 {new.version}"] if new.version < old.version else []
    for n, entry in old.items.items():
        kept = set(new.items[n].names()) if n in new.items else set()
        problems += [f"事项{n}的材料“{x}”被删除或改名" for x in entry.names() if x not in kept]
    if problems:
        raise MaterialsError(f"材料清单 {new.source} 违反“能增不减”：\n- " + "\n- ".join(problems))


def _read(path: Path) -> MaterialsList:
    try:
        return MaterialsList(_File.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))), path)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise MaterialsError(f"无法读取材料清单 {path}：{exc}") from exc


@lru_cache(maxsize=4)
def _cached(env_path: str) -> MaterialsList:
    if not env_path:
        return _read(DEFAULT_PATH)
    edited = _read(Path(env_path))
    check_grows_only(_read(DEFAULT_PATH), edited)
    return edited


def load_materials() -> MaterialsList:
    """The 材料清单: ``$BANGNIN_MATERIALS_FILE``, else the shipped file (cached)."""
    return _cached(os.environ.get(ENV_VAR, ""))
