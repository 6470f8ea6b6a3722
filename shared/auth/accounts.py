"""User accounts: the demo accounts of the embedded default, and an accounts file for real ones.

Passwords are hashed with bcrypt through pwdlib; a real deployment lists its
accounts in ``<data_dir>/accounts.yaml`` (see README) and turns demo accounts off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pwdlib import PasswordHash
from pwdlib.hashers.bcrypt import BcryptHasher

from shared.contracts import Actor, Role
from shared.reference import load_catalog

_hasher = PasswordHash((BcryptHasher(rounds=10),))
DEMO_PASSWORD = "demo"


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

    def actor(self) -> Actor:
        return Actor(
            username=self.username, role=self.role, name=self.name, department=self.department,
            enterprise=self.enterprise.credit_code if self.enterprise else None,
        )


DEMO_ENTERPRISES = {
    "applicant": Enterprise("乌海市海南区示范新材料有限公司", "91150303MA0N123401"),
    "applicant2": Enterprise("内蒙古蒙速光伏科技有限公司", "91150303MA0N56780P"),
}


@dataclass
class AccountDirectory:
    accounts: dict[str, Account] = field(default_factory=dict)

    def add(self, account: Account) -> None:
        self.accounts[account.username] = account

    def get(self, username: str) -> Account | None:
        return self.accounts.get(username)

    def authenticate(self, username: str, password: str) -> Account | None:
        account = self.accounts.get(username)
        if account is None:
            _hasher.verify(password, _DUMMY_HASH)  # same time whether or not the user exists
            return None
        return account if _hasher.verify(password, account.password_hash) else None

    @classmethod
    def build(cls, *, demo: bool, accounts_file: Path | None = None) -> "AccountDirectory":
        directory = cls()
        if demo:
            for account in demo_accounts():
                directory.add(account)
        if accounts_file and accounts_file.exists():
            for account in load_accounts_file(accounts_file):
                directory.add(account)
        return directory


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_DUMMY_HASH = hash_password("not-a-password")


def demo_accounts() -> list[Account]:
    h = hash_password(DEMO_PASSWORD)
    catalog = load_catalog()
    accounts = [
        Account(u, h, Role.applicant, f"{e.name}经办人", enterprise=e) for u, e in DEMO_ENTERPRISES.items()
    ]
    accounts += [
        Account("window_agent", h, Role.window_agent, "区政务服务局帮您办窗口代办员", department="zwfw", service_point="district"),
        Account("park_agent", h, Role.park_agent, "工业园区管委会帮您办服务点代办员", department="gyyq", service_point="park"),
        Account("supervisor", h, Role.supervisor, "领导小组办公室督查员", department="zwfw"),
        Account("admin", h, Role.admin, "系统管理员"),
    ]
    for dept in catalog.departments:
        if dept.code == "gyyq":
            continue
        accounts.append(Account(f"dept_{dept.code}", h, Role.department_agent, f"{dept.name}代办帮办人员", department=dept.code))
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
