"""The dashboard card for support cases: linkage follow-ups and plan items due within a week
(or overdue) on open cases, for ``MANAGE_CASES`` holders. It names the case and the date, never
the text or the service (a service such as 産後ケア says why), so no read is audited here."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.core.dashboard import Panel, register
from hiroba.support import case_queries as queries
from hiroba.support.permissions import MANAGE_CASES

HORIZON_DAYS = 7
SHOWN = 8


@register
def case_panel(request, hub) -> Panel | None:
    if not scope_for(request.user).can(MANAGE_CASES, hub_id=hub.pk):
        return None
    today = timezone.localdate()
    until = today + timedelta(days=HORIZON_DAYS)
    follow_ups = list(queries.linkage_follow_ups_due(hub, until=until)[: SHOWN + 1])
    plan_items = list(queries.plan_items_due(hub, until=until)[: SHOWN + 1])
    return Panel(
        "support/cases/partials/_dashboard_card.html",
        {
            "today": today,
            "follow_ups": follow_ups[:SHOWN],
            "plan_items": plan_items[:SHOWN],
            "more": len(follow_ups) > SHOWN or len(plan_items) > SHOWN,
        },
        order=30,
    )
