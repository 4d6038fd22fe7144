"""The hub a staff member is working at right now (chosen with the hub switcher)."""

from __future__ import annotations

from hiroba.accounts.scope import scope_for
from hiroba.core.models import Hub

SESSION_KEY = "hiroba_hub_id"
_REQUEST_ATTR = "_hiroba_current_hub"


def current_hub(request) -> Hub | None:
    """The session's hub if still in reach, else the first reachable hub (main hubs first)."""
    if hasattr(request, _REQUEST_ATTR):
        return getattr(request, _REQUEST_ATTR)
    hub = None
    reach = scope_for(request.user).hub_ids()
    if reach:
        chosen = request.session.get(SESSION_KEY)
        candidates = Hub.objects.filter(pk__in=reach).select_related(
            "ward__municipality", "operator"
        )
        hub = candidates.filter(pk=chosen).first() if chosen in reach else None
        hub = hub or candidates.order_by("ward__code", "kind", "pk").first()
    setattr(request, _REQUEST_ATTR, hub)
    return hub


def set_current_hub(request, hub: Hub) -> None:
    request.session[SESSION_KEY] = hub.pk
    setattr(request, _REQUEST_ATTR, hub)


def reachable_hubs(request):
    reach = scope_for(request.user).hub_ids()
    return (
        Hub.objects.filter(pk__in=reach)
        .select_related("ward")
        .order_by("ward__code", "kind", "name")
    )
