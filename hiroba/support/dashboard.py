"""The dashboard card: individual consultations booked for the coming days (times and families,
never what they wrote) and past bookings still to be recorded."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.core.dashboard import Panel, register
from hiroba.support import queries
from hiroba.support.permissions import BOOK_ON_BEHALF, MANAGE_SLOTS

HORIZON_DAYS = 2
SHOWN = 8


@register
def bookings_panel(request, hub) -> Panel | None:
    scope = scope_for(request.user)
    if not scope.can(BOOK_ON_BEHALF, hub_id=hub.pk):
        return None
    today = timezone.localdate()
    upcoming = list(queries.bookings_due(hub, until=today + timedelta(days=HORIZON_DAYS))[:SHOWN])
    to_mark = (
        queries.bookings_to_mark(hub, now=timezone.now()).count()
        if scope.can(MANAGE_SLOTS, hub_id=hub.pk)
        else 0
    )
    if not upcoming and not to_mark:
        return None
    return Panel(
        "support/partials/_dashboard_card.html",
        {"upcoming": upcoming, "to_mark": to_mark, "today": today},
        order=25,
    )
