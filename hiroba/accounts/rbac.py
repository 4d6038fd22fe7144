"""The permission registry: which role may do what.

Each app's ``permissions.py`` declares its permissions with ``define``; ``docs/permissions.md``
is generated from this registry (``manage.py permissions_matrix``) and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hiroba.accounts.choices import MFA_REQUIRED_ROLES, Role


@dataclass(frozen=True)
class Permission:
    code: str
    label: Any
    roles: frozenset[Role]
    personal_data: bool = False


_REGISTRY: dict[str, Permission] = {}


def define(code: str, label: Any, roles: Iterable[Role], *, personal_data: bool = False) -> str:
    """Register a permission and return its code (so modules can keep it as a constant)."""
    app, _sep, name = code.partition(".")
    if not app or not name:
        raise ValueError(f"Permission code {code!r} must look like 'app.verb_object'")
    roles = frozenset(roles)
    if personal_data and not roles <= MFA_REQUIRED_ROLES:
        raise ValueError(f"{code} shows personal data to a role without mandatory two-factor")
    _REGISTRY[code] = Permission(code, label, roles, personal_data)
    return code


def get(code: str) -> Permission:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"Unknown permission {code!r}") from None


def roles_with(code: str) -> frozenset[Role]:
    return get(code).roles


def all_permissions() -> list[Permission]:
    return sorted(_REGISTRY.values(), key=lambda p: p.code)
