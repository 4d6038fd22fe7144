"""The dashboard card: entries whose verification is older than the municipality's limit and
suggestions from the portal waiting for review."""

from __future__ import annotations

from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.core.dashboard import Panel, register
from hiroba.directory import queries
from hiroba.directory.permissions import EDIT_RESOURCES, REVIEW_SUGGESTIONS


@register
def directory_panel(request, hub) -> Panel | None:
    scope = scope_for(request.user)
    can_edit = scope.can(EDIT_RESOURCES, hub_id=hub.pk)
    can_review = scope.can(REVIEW_SUGGESTIONS, hub_id=hub.pk)
    if not (can_edit or can_review):
        return None
    stale = queries.stale_count(hub, today=timezone.localdate()) if can_edit else 0
    pending = queries.pending_suggestions(hub).count() if can_review else 0
    if not (stale or pending):
        return None
    context = {"stale": stale, "pending": pending, "months": queries.reverify_months(hub)}
    return Panel("directory/partials/_dashboard_card.html", context, order=85)
