"""Machine clients: a department's own system logs in with OAuth2 client credentials (API.md, Other systems).

A client is bound to one department and to scopes: ``cases:read`` for every read (GET), ``items:write``
for every command.  It acts as that department's agent would — on the department's own items only —
and its commands are recorded with the client as actor, on behalf of the department.  The secret is
random (256 bits) and shown once; the store keeps only its SHA-256 (a slow hash adds nothing to a
secret no one chose).  A revoked client's tokens stop working at once.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import hmac
import secrets

from shared.auth.accounts import Account
from shared.contracts import Role

SCOPES = {"cases:read": "读取本部门可见的案件与办件", "items:write": "办理本部门的办件（命令）"}
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class MachineClient:
    client_id: str
    secret_hash: str
    name: str
    department: str
    scopes: tuple[str, ...]
    created_at: str
    revoked: bool = False

    def account(self) -> Account:
        """The client as the department agent it acts as (the roles and scopes of the API apply unchanged)."""
        return Account(username=self.client_id, password_hash="", role=Role.department_agent, name=self.name,
                       department=self.department)

    def scope_for(self, method: str) -> str:
        return "cases:read" if method.upper() in READ_METHODS else "items:write"

    def allows(self, method: str) -> bool:
        return self.scope_for(method) in self.scopes


def new_client_id(department: str) -> str:
    return f"client-{department}-{secrets.token_hex(4)}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)


def authenticate(client: MachineClient | None, secret: str) -> MachineClient | None:
    """The machine client, when the secret is its own and it is not revoked."""
    if client is None:
        hash_secret(secret)  # same work whether or not the client exists
        return None
    return client if secret_matches(secret, client.secret_hash) and not client.revoked else None


def check_scopes(scopes: list[str]) -> tuple[str, ...]:
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes: 未知的授权范围 {unknown[0]!r}" if unknown else "scopes: 至少一项")
    return tuple(dict.fromkeys(scopes))


class ClientError(ValueError):
    pass


def create_client(store, name: str, department: str, scopes: list[str], now: str) -> tuple[MachineClient, str]:  # noqa: ANN001
    """A new client of ``department`` (a catalog department code); returns it and its secret (shown once)."""
    from shared.reference import load_catalog

    codes = {d.code for d in load_catalog().departments}
    if department not in codes:
        raise ClientError(f"department: 未知的部门代码 {department!r}（可选：{'、'.join(sorted(codes))}）")
    if not name.strip() or len(name) > 100:
        raise ClientError("name: 必填，不超过 100 个字")
    try:
        granted = check_scopes(scopes)
    except ValueError as exc:
        raise ClientError(str(exc)) from None
    secret = new_secret()
    client = MachineClient(client_id=new_client_id(department), secret_hash=hash_secret(secret), name=name.strip(),
                           department=department, scopes=granted, created_at=now)
    store.add_client(client)
    return client, secret
