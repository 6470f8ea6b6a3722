"""Accounts, signed tokens and the FastAPI dependencies that check them."""

from shared.auth.accounts import Account, AccountDirectory, Enterprise
from shared.auth.dependencies import Principal, current_principal, require_roles, signed_in

__all__ = ["Account", "AccountDirectory", "Enterprise", "Principal", "current_principal", "require_roles", "signed_in"]
