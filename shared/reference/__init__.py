"""Reference data of the Haina District plan (附件1, 附件2, 附件11) and its loader."""

from shared.reference.catalog import (
    DEFAULT_PATH,
    ENV_VAR,
    Agent,
    Catalog,
    CatalogError,
    CatalogItem,
    CatalogVersion,
    Department,
    Erratum,
    LeadingGroupMember,
    ServicePoint,
    check_grows_only,
    clear_catalog_cache,
    load_catalog,
)

__all__ = [
    "DEFAULT_PATH",
    "ENV_VAR",
    "Agent",
    "Catalog",
    "CatalogError",
    "CatalogItem",
    "CatalogVersion",
    "Department",
    "Erratum",
    "LeadingGroupMember",
    "ServicePoint",
    "check_grows_only",
    "clear_catalog_cache",
    "load_catalog",
]
