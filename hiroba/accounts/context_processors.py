"""Template context for the staff console: current hub, reachable hubs, navigation."""

from __future__ import annotations

from hiroba.accounts.context import current_hub, reachable_hubs
from hiroba.accounts.scope import scope_for
from hiroba.core import navigation


def console(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    if not scope.is_staff:
        return {"is_staff_member": False}
    hub = current_hub(request)
    match = getattr(request, "resolver_match", None)
    url_name = (
        f"{match.namespace}:{match.url_name}"
        if match and match.namespace
        else (match.url_name if match else None)
    )

    def can(permission: str) -> bool:
        return hub is not None and scope.can(permission, hub_id=hub.pk)

    return {
        "is_staff_member": True,
        "current_hub": hub,
        "reachable_hubs": reachable_hubs(request) if len(scope.hub_ids()) > 1 else [],
        "nav_areas": navigation.build(can, url_name),
        "user_roles_here": sorted(scope.roles_at(hub.pk)) if hub else [],
    }
