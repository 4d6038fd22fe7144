"""User-support case figures for a fiscal year (domain.md §8, program 7): cases opened, closed
(by reason) and open at the year's end; linkages by service and status, warm hand-overs and
follow-ups done on time or late; 地域連携 activities by kind with their participants.

A pure read of coded columns (never the encrypted text), for one hub or several (the ward's
view adds up its hubs). With ``suppress_small`` every count from 1 to ``SMALL_CELL - 1`` is
None, the rule of the consultation statistics, and a total is hidden with any of its parts
(it would give a hidden part away by subtraction).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hiroba.consultations.statistics import SMALL_CELL, hide_breakdown, hide_small, hide_total
from hiroba.lib.fiscal import fiscal_year_bounds
from hiroba.support.choices import (
    ActivityKind,
    CaseStatus,
    ClosureReason,
    LinkageStatus,
    ServiceKind,
)
from hiroba.support.models import CommunityActivity, Linkage, SupportCase


class Row(NamedTuple):
    code: str
    label: str
    value: int | None


class ActivityRow(NamedTuple):
    code: str
    label: str
    count: int | None
    participants: int | None


def fiscal_year_span(fiscal_year: int) -> tuple[datetime, datetime]:
    """The fiscal year as local times: [1 April 00:00, next 1 April 00:00)."""
    first, last = fiscal_year_bounds(fiscal_year)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def _rows(counts: Counter, choices, suppress: bool) -> list[Row]:
    """One breakdown (closure reasons, service kinds, linkage states): its total can be known,
    so at least two cells are hidden or none (``hide_breakdown``)."""
    cells = hide_breakdown([counts[value] for value, _label in choices], suppress)
    return [
        Row(value, str(label), cell) for (value, label), cell in zip(choices, cells, strict=True)
    ]


def _case_figures(hub_ids, fiscal_year: int, suppress: bool) -> dict:
    first, last = fiscal_year_bounds(fiscal_year)
    cases = SupportCase.objects.filter(hub_id__in=hub_ids)
    closed = cases.filter(status=CaseStatus.CLOSED, closed_on__range=(first, last))
    reasons = Counter(dict(closed.values_list("closure_reason").annotate(n=Count("pk"))))
    by_reason = _rows(reasons, ClosureReason.choices, suppress)
    open_at_end = cases.filter(opened_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=last)
    )
    return {
        "opened": hide_small(cases.filter(opened_on__range=(first, last)).count(), suppress),
        "closed": hide_total(sum(reasons.values()), (r.value for r in by_reason), suppress),
        "by_closure_reason": by_reason,
        "open_at_year_end": hide_small(open_at_end.count(), suppress),
    }


def _follow_ups(hub_ids, start: datetime, end: datetime) -> tuple[int, int]:
    """Follow-ups done in the year: on time when done on or before the day planned."""
    done = Linkage.objects.filter(
        case__hub_id__in=hub_ids,
        follow_up_on__isnull=False,
        follow_up_done_at__gte=start,
        follow_up_done_at__lt=end,
    ).values_list("follow_up_on", "follow_up_done_at")
    on_time = late = 0
    for planned, done_at in done:
        if timezone.localtime(done_at).date() <= planned:
            on_time += 1
        else:
            late += 1
    return on_time, late


def _linkage_figures(hub_ids, fiscal_year: int, suppress: bool) -> dict:
    start, end = fiscal_year_span(fiscal_year)
    linkages = Linkage.objects.filter(
        case__hub_id__in=hub_ids, created_at__gte=start, created_at__lt=end
    )
    kinds = Counter(dict(linkages.values_list("service_kind").annotate(n=Count("pk"))))
    statuses = Counter(dict(linkages.values_list("status").annotate(n=Count("pk"))))
    by_kind = _rows(kinds, ServiceKind.choices, suppress)
    by_status = _rows(statuses, LinkageStatus.choices, suppress)
    on_time, late = _follow_ups(hub_ids, start, end)
    parts = [r.value for r in by_kind] + [r.value for r in by_status]
    return {
        "total": hide_total(sum(kinds.values()), parts, suppress),
        "by_service_kind": by_kind,
        "by_status": by_status,
        "warm_handovers": hide_small(linkages.filter(warm_handover=True).count(), suppress),
        "follow_ups_on_time": hide_small(on_time, suppress),
        "follow_ups_late": hide_small(late, suppress),
    }


def _activity_figures(hub_ids, fiscal_year: int, suppress: bool) -> dict:
    first, last = fiscal_year_bounds(fiscal_year)
    rows = (
        CommunityActivity.objects.filter(hub_id__in=hub_ids, happened_on__range=(first, last))
        .values("kind")
        .annotate(n=Count("pk"), people=Sum("participants"))
    )
    counts = {row["kind"]: (row["n"], row["people"] or 0) for row in rows}
    by_kind = [
        ActivityRow(
            value,
            str(label),
            hide_small(counts.get(value, (0, 0))[0], suppress),
            hide_small(counts.get(value, (0, 0))[1], suppress),
        )
        for value, label in ActivityKind.choices
    ]
    return {
        "total": hide_total(
            sum(n for n, _p in counts.values()), (r.count for r in by_kind), suppress
        ),
        "participants": hide_total(
            sum(p for _n, p in counts.values()), (r.participants for r in by_kind), suppress
        ),
        "by_kind": by_kind,
    }


def case_figures(hub_ids: Iterable[int], fiscal_year: int, *, suppress_small: bool) -> dict:
    """The year's figures for the hubs ``hub_ids``: ``cases``, ``linkages`` and
    ``activities`` (each a dict of counts and ``Row`` lists), None where a cell is hidden."""
    hub_ids = list(hub_ids)
    return {
        "fiscal_year": fiscal_year,
        "cases": _case_figures(hub_ids, fiscal_year, suppress_small),
        "linkages": _linkage_figures(hub_ids, fiscal_year, suppress_small),
        "activities": _activity_figures(hub_ids, fiscal_year, suppress_small),
        "suppressed": suppress_small,
        "small_cell": SMALL_CELL,
    }
