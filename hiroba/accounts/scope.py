"""What a signed-in user may reach: hub and ward ids per permission, computed once per request.

Scoping fails closed: a user without an active membership reaches no hub, and
``get_for_user`` answers 404 for any row outside the hubs the user can reach at all, so foreign
ids reveal nothing. Within reach but without the permission, the answer is 403.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from hiroba.accounts import rbac
from hiroba.accounts.choices import MFA_REQUIRED_ROLES, ROLE_LEVEL, Role, ScopeLevel
from hiroba.accounts.models import Membership
from hiroba.core.models import Hub, Ward

M = TypeVar("M", bound=Model)
_CACHE_ATTR = "_hiroba_scope"


class AccessScope:
    """Hubs, wards and cities a user reaches, per role. A role's reach is its place: a hub (with
    the satellites of a main hub), a ward (every hub in it) or a city (every ward and hub)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.held: frozenset[Role] = frozenset()
        self.hubs_by_role: dict[Role, set[int]] = defaultdict(set)
        self.wards_by_role: dict[Role, set[int]] = defaultdict(set)
        self.cities_by_role: dict[Role, set[int]] = defaultdict(set)
        if user is not None and user.is_authenticated and user.is_active:
            self._load(user)

    def _load(self, user) -> None:
        memberships = list(
            Membership.objects.active()
            .filter(user=user)
            .values_list("role", "hub_id", "ward_id", "ward__municipality_id", "municipality_id")
        )
        if not memberships:
            return
        self.held = frozenset(Role(role) for role, *_place in memberships)
        hubs = list(Hub.objects.values_list("id", "parent_id", "ward_id", "ward__municipality_id"))
        for role_value, hub_id, ward_id, ward_city, city_id in memberships:
            reached = [
                (h, w, m)
                for h, parent, w, m in hubs
                if h == hub_id
                or (hub_id and parent == hub_id)
                or (ward_id and w == ward_id)
                or (city_id and m == city_id)
            ]
            role = Role(role_value)
            self.hubs_by_role[role] |= {h for h, _w, _m in reached}
            self.wards_by_role[role] |= {w for _h, w, _m in reached} | ({ward_id} - {None})
            self.cities_by_role[role] |= {m for _h, _w, m in reached} | (
                {ward_city, city_id} - {None}
            )

    # -- questions -------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        """Every role the user holds, even where its place has no hub yet."""
        return self.held

    @property
    def is_staff(self) -> bool:
        return bool(self.held)

    @property
    def requires_mfa(self) -> bool:
        return bool(self.held & MFA_REQUIRED_ROLES)

    def hub_ids(self, permission: str | None = None) -> frozenset[int]:
        return self._union(self.hubs_by_role, permission)

    def ward_ids(self, permission: str | None = None) -> frozenset[int]:
        return self._union(self.wards_by_role, permission)

    def municipality_ids(self, permission: str | None = None) -> frozenset[int]:
        return self._union(self.cities_by_role, permission)

    def overseen_ward_ids(self, permission: str) -> frozenset[int]:
        """Wards the user oversees as a whole through a ward or city role with ``permission``
        (a hub role's reach is its hub group, even where that is the ward's only one): the
        wards whose ward-wide statistics the user may see."""
        return self._union(
            self.wards_by_role,
            permission,
            roles=[r for r in self._roles_for(permission) if ROLE_LEVEL[r] != ScopeLevel.HUB],
        )

    def can(
        self,
        permission: str,
        *,
        hub_id: int | None = None,
        ward_id: int | None = None,
        municipality_id: int | None = None,
    ) -> bool:
        if hub_id is not None:
            return hub_id in self.hub_ids(permission)
        if ward_id is not None:
            return ward_id in self.ward_ids(permission)
        if municipality_id is not None:
            return municipality_id in self.municipality_ids(permission)
        return bool(self._roles_for(permission))

    def roles_at(self, hub_id: int) -> frozenset[Role]:
        return frozenset(role for role, hubs in self.hubs_by_role.items() if hub_id in hubs)

    def _roles_for(self, permission: str | None) -> list[Role]:
        if permission is None:
            return list(self.held)
        allowed = rbac.roles_with(permission)
        return [role for role in self.held if role in allowed]

    def _union(
        self, by_role: dict[Role, set[int]], permission: str | None, *, roles=None
    ) -> frozenset[int]:
        chosen = self._roles_for(permission) if roles is None else roles
        return frozenset().union(*(by_role[role] for role in chosen))


def scope_for(user: Any) -> AccessScope:
    """The user's scope, cached on the user object for the rest of the request."""
    scope = getattr(user, _CACHE_ATTR, None)
    if scope is None:
        scope = AccessScope(user)
        if user is not None and user.is_authenticated:
            setattr(user, _CACHE_ATTR, scope)
    return scope


def overseen_wards(user: Any, permission: str) -> list[Ward]:
    """The wards ``user`` oversees as a whole with ``permission`` (``overseen_ward_ids``)."""
    ward_ids = scope_for(user).overseen_ward_ids(permission)
    if not ward_ids:
        return []
    wards = Ward.objects.filter(pk__in=ward_ids).select_related("municipality")
    return list(wards.order_by("code", "pk"))


def ward_from_request(request, permission: str) -> tuple[Ward | None, list[Ward]]:
    """(the ward a statistics page was asked for with ``?ward=<id>``, or None for the current
    hub; the wards the user may choose). A ward the user does not oversee as a whole is 403
    when it is within reach (through a hub role) and 404 otherwise, as is a ward id that is
    not a number ("中央区", "²")."""
    wards = overseen_wards(request.user, permission)
    raw = request.GET.get("ward", "").strip()
    if not raw:
        return None, wards
    try:
        ward_id = int(raw)
    except ValueError as error:
        raise Http404 from error
    ward = next((w for w in wards if w.pk == ward_id), None)
    if ward is not None:
        return ward, wards
    if ward_id in scope_for(request.user).ward_ids():
        raise PermissionDenied
    raise Http404


def forget_scope(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def get_for_user(
    queryset: QuerySet[M],
    user: Any,
    pk: Any,
    permission: str,
    *,
    hub_field: str = "hub_id",
    ward_field: str | None = None,
    municipality_field: str | None = None,
) -> M:
    """Fetch one row by id within the user's reach: 404 outside it, 403 without permission.

    Rows are matched on ``hub_field`` (the id of the hub they belong to) or, for ward- or
    city-level rows, on ``ward_field`` / ``municipality_field``.
    """
    scope = scope_for(user)
    if municipality_field:
        field, reach, check = municipality_field, scope.municipality_ids(), "municipality_id"
    elif ward_field:
        field, reach, check = ward_field, scope.ward_ids(), "ward_id"
    else:
        field, reach, check = hub_field, scope.hub_ids(), "hub_id"
    obj = queryset.filter(pk=pk, **{f"{field}__in": reach}).first() if reach else None
    if obj is None:
        raise Http404
    if not scope.can(permission, **{check: _value(obj, field)}):
        raise PermissionDenied
    return obj


def _value(obj, field: str):
    """``field`` may follow relations with "__", like a queryset lookup."""
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj
