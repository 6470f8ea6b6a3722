"""User accounts: the demo accounts of the embedded default, and the stored accounts of a real deployment.

Passwords are hashed with bcrypt through pwdlib.  Real accounts are stored data
(:mod:`shared.auth.store`), managed by the admin (``/auth/accounts…``, ``bangnin accounts …``);
an ``accounts.yaml`` in the data folder is imported into the store once (see README).  Demo
accounts live in memory only and cannot be changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import yaml
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from shared.contracts import Actor, Role
from shared.reference import load_catalog

_hasher = PasswordHash((BcryptHasher(rounds=10),))
DEMO_PASSWORD = "demo"
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further (and bcrypt >= 5 refuses longer): no password is longer


@dataclass(frozen=True)
class Enterprise:
    name: str
    credit_code: str


@dataclass(frozen=True)
class Account:
    username: str
    password_hash: str
    role: Role
    name: str
    department: str | None = None  # department code (agents)
    service_point: str | None = None  # 'district' or 'park' (service-point agents)
    enterprise: Enterprise | None = None  # applicants
    disabled: bool = False
    must_change_password: bool = False  # a new or reset password: only POST /auth/password until changed
    version: int = 0  # raised by every change; a token is good for the version it was issued for
    demo: bool = False

    def actor(self) -> Actor:
        return Actor(
            username=self.username, role=self.role, name=self.name, department=self.department,
            enterprise=self.enterprise.credit_code if self.enterprise else None,
        )


DEMO_ENTERPRISES = {
    "applicant": Enterprise("乌海市海南区示范新材料有限公司", "91150303MA0N123401"),
    "applicant2": Enterprise("内蒙古蒙速光伏科技有限公司", "91150303MA0N56780P"),
}


class AccountDirectory:
    """Every account that may log in: the demo accounts (when on) and the stored ones."""

    def __init__(self, builtin: list[Account] | None = None, store=None) -> None:  # noqa: ANN001
        self.builtin = {a.username: a for a in builtin or ()}  # in memory, not changeable: the demo accounts
        self.store = store  # shared.auth.store.AccountStore, or None (no stored accounts)

    def get(self, username: str) -> Account | None:
        account = self.builtin.get(username)
        if account is None and self.store is not None:
            account = self.store.get(username)
        return account

    def all(self) -> list[Account]:
        stored = self.store.all() if self.store is not None else []
        return sorted([*self.builtin.values(), *stored], key=lambda a: a.username)

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account, when the password is its own and it is not disabled."""
        account = self.get(username)
        if account is None:
            verify_password(password, _dummy_hash())  # same time whether or not the user exists
            return None
        return account if verify_password(password, account.password_hash) and not account.disabled else None

    def get_client(self, client_id: str):  # noqa: ANN201 (shared.auth.clients.MachineClient | None)
        return self.store.get_client(client_id) if self.store is not None else None

    @classmethod
    def build(cls, *, demo: Callable[[bool], bool], accounts_file: Path | None = None,
              store=None) -> "AccountDirectory":  # noqa: ANN001
        """The stored accounts (and those of the file); demo accounts too when ``demo(real accounts exist)``."""
        builtin: list[Account] = []
        from_file = load_accounts_file(accounts_file) if accounts_file and accounts_file.exists() else []
        for account in from_file:
            if store is None:
                builtin.append(account)
            else:
                store.add(account)  # once: an account already stored keeps what the admin made of it
        real = bool(from_file)  # an accounts file: a real deployment (accounts made over the API do not count yet)
        if demo(real):
            builtin = demo_accounts() + builtin
        return cls(builtin, store)


def verify_password(password: str, password_hash: str) -> bool:
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:  # never a password: bcrypt reads no further
        return False
    return _hasher.verify(password, password_hash)


def hash_password(password: str) -> str:
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise ValueError(f"密码不能超过 {MAX_PASSWORD_BYTES} 个字节（UTF-8；一个汉字占 3 个字节）")
    return _hasher.hash(password)


# bcrypt is slow by design (a quarter of a second a hash): each of these is made once a process, when first
# needed, not at import (every service process and every test app would pay for it at start).
@cache
def _dummy_hash() -> str:
    return hash_password("not-a-password")


@cache
def _demo_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def demo_accounts() -> list[Account]:
    h = _demo_hash()
    catalog = load_catalog()
    accounts = [
        Account(u, h, Role.applicant, f"{e.name}经办人", enterprise=e, demo=True) for u, e in DEMO_ENTERPRISES.items()
    ]
    accounts += [
        Account("window_agent", h, Role.window_agent, "区政务服务局帮您办窗口代办员", department="zwfw", service_point="district", demo=True),
        Account("park_agent", h, Role.park_agent, "工业园区管委会帮您办服务点代办员", department="gyyq", service_point="park", demo=True),
        Account("cpit_agent", h, Role.park_agent, "区贸易促进会帮您办代办员", department="cpit", service_point="park", demo=True),
        Account("supervisor", h, Role.supervisor, "领导小组办公室督查员", department="zwfw", demo=True),
        Account("admin", h, Role.admin, "系统管理员", demo=True),
        Account("third_party", h, Role.third_party, "第三方评估机构评估员", demo=True),
    ]
    park = catalog.service_point("park").departments  # they serve as park agents above, not as departments
    for dept in catalog.departments:
        if dept.code in park:
            continue
        accounts.append(Account(f"dept_{dept.code}", h, Role.department_agent, f"{dept.name}代办帮办人员",
                                department=dept.code, demo=True))
    # 附件11's agents are people: an account each (its username the register's id), the department account above
    # staying as the fallback for items nobody is registered for
    accounts += [Account(a.id, h, Role.department_agent, a.name, department=a.department, demo=True)
                 for a in catalog.agents if a.department not in park]
    return accounts


def load_accounts_file(path: Path) -> list[Account]:
    """``accounts.yaml``: a list of {username, password_hash, role, name, department?, service_point?, enterprise?}."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    result = []
    for row in rows:
        enterprise = row.get("enterprise")
        result.append(Account(
            username=row["username"], password_hash=row["password_hash"], role=Role(row["role"]),
            name=row.get("name", row["username"]), department=row.get("department"),
            service_point=row.get("service_point"),
            enterprise=Enterprise(**enterprise) if enterprise else None,
        ))
    return result
