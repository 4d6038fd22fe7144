"""The dashboard card: follow-ups due this week (which records, not why) and, for the manager,
break-glass openings waiting to be acknowledged."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.consultations import access, queries
from hiroba.consultations.permissions import RECORD_CONSULTATIONS, REVIEW_ACCESS
from hiroba.core.dashboard import Panel, register

FOLLOW_UP_HORIZON_DAYS = 7
SHOWN = 8


@register
def follow_up_panel(request, hub) -> Panel | None:
    scope = scope_for(request.user)
    if not scope.can(RECORD_CONSULTATIONS, hub_id=hub.pk):
        return None
    today = timezone.localdate()
    until = today + timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    consultations = list(queries.follow_ups_due(hub, until=until)[: SHOWN + 1])
    referrals = list(queries.referral_follow_ups_due(hub, until=until)[: SHOWN + 1])
    # That a referral exists says why; only those who may read the record see it here.
    readable = access.content_bases(request.user, [r.consultation for r in referrals])
    referrals = [r for r in referrals if r.consultation_id in readable]
    openings = (
        queries.unacknowledged_openings(hub).count()
        if scope.can(REVIEW_ACCESS, hub_id=hub.pk)
        else None
    )
    return Panel(
        "consultations/partials/_dashboard_card.html",
        {
            "today": today,
            "consultations": consultations[:SHOWN],
            "referrals": referrals[:SHOWN],
            "more": len(consultations) > SHOWN or len(referrals) > SHOWN,
            "openings": openings,
        },
        order=20,
    )
