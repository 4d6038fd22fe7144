"""The dashboard card: this hub's evaluation sheets still open, with what each is waiting for
and the review comments not yet resolved."""

from __future__ import annotations

from hiroba.accounts.scope import scope_for
from hiroba.core.dashboard import Panel, register
from hiroba.evaluation import queries
from hiroba.evaluation.permissions import VIEW_SHEETS


@register
def evaluation_panel(request, hub) -> Panel | None:
    if hub.is_satellite or not scope_for(request.user).can(VIEW_SHEETS, hub_id=hub.pk):
        return None
    sheets = queries.open_sheets(hub)
    if not sheets:
        return None
    return Panel("evaluation/partials/_dashboard_card.html", {"sheets": sheets}, order=80)
