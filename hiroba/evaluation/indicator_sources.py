"""The per-app computations behind the evaluation indicators (``indicators.py``).

Each source takes the hubs of a sheet and a period (first and last day, both inclusive) and
returns the few figures its indicators pick from: one aggregate query, or a call to the owning
app's statistics function where one exists (one definition of a number). Rows are never looped
over in Python.

Inside ``sharing()`` (``indicators.values_for`` opens it) a source runs once per hubs and
period however many indicators read it, so a whole sheet costs a fixed number of queries.

Sources built on an app's fiscal-year statistics (programs, consultations) answer None for a
period that is not one whole fiscal year; their indicators are then None ("cannot be computed").
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hiroba.consultations.areas import Area
from hiroba.consultations.statistics import UNDER_THREE, consultation_statistics
from hiroba.core.choices import VenueKind
from hiroba.core.models import Hub
from hiroba.families import queries as family_queries
from hiroba.kosapo.choices import CouponEntry, MemberKind, MemberStatus, RequestStatus
from hiroba.kosapo.models import CareRequest, CouponLedgerEntry, KosapoMember, ProviderTraining
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of
from hiroba.programs.statistics import Figures as ProgramFigures
from hiroba.programs.statistics import program_statistics
from hiroba.support.choices import BookingStatus, LinkageStatus
from hiroba.support.models import CommunityActivity, Linkage, SupportBooking, SupportCase
from hiroba.visits.models import COUNT_FIELDS, DailyLog, Visit, VisitMonth
from hiroba.visits.reports import Figures as VisitFigures

Hubs = Sequence[Hub]
T = TypeVar("T")
ONE_DECIMAL = Decimal("0.1")

# -- sharing one computation between indicators ----------------------------------------------
_memo: ContextVar[dict | None] = ContextVar("evaluation_indicator_memo", default=None)


@contextmanager
def sharing():
    """Within the block each source runs once per hubs and period (nested blocks share)."""
    token = _memo.set({}) if _memo.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _memo.reset(token)


def shared(func: Callable[[Hubs, date, date], T]) -> Callable[[Hubs, date, date], T]:
    @functools.wraps(func)
    def source(hubs: Hubs, first: date, last: date) -> T:
        memo = _memo.get()
        if memo is None:
            return func(hubs, first, last)
        key = (func.__qualname__, tuple(hub.pk for hub in hubs), first, last)
        if key not in memo:
            memo[key] = func(hubs, first, last)
        return memo[key]

    return source


# -- helpers ---------------------------------------------------------------------------------
def rate(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` per ``whole`` in percent with one decimal (half up); None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def whole_fiscal_year(first: date, last: date) -> int | None:
    """The fiscal year that ``first``..``last`` is exactly, else None."""
    fiscal_year = fiscal_year_of(first)
    return fiscal_year if (first, last) == fiscal_year_bounds(fiscal_year) else None


def _whole_months(first: date, last: date) -> bool:
    return first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]


def local_span(first: date, last: date) -> tuple[datetime, datetime]:
    """The days as local times: [first 00:00, the day after last 00:00)."""
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


def _ids(hubs: Hubs) -> list[int]:
    return sorted(hub.pk for hub in hubs)


# -- program 1: drop-in visits (visits, families) --------------------------------------------
@shared
def visit_figures(hubs: Hubs, first: date, last: date) -> VisitFigures:
    """Sums of the counts every visit row carries (decision 0006): from the monthly rollup for
    whole months, from the visits otherwise. Cancelled visits are deleted with their rollup."""
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    if _whole_months(first, last):
        row = VisitMonth.objects.filter(
            hub_id__in=_ids(hubs), month__gte=first, month__lte=last
        ).aggregate(visits=Sum("visits"), **sums)
    else:
        row = Visit.objects.filter(
            hub_id__in=_ids(hubs), visited_on__gte=first, visited_on__lte=last
        ).aggregate(visits=Count("pk"), **sums)
    figures = VisitFigures()
    figures.add(row)
    return figures


@shared
def visiting_families(hubs: Hubs, first: date, last: date) -> int:
    """Distinct registered families who visited (walk-ins and tallies name no family)."""
    return (
        Visit.objects.filter(
            hub_id__in=_ids(hubs),
            visited_on__gte=first,
            visited_on__lte=last,
            household__isnull=False,
        )
        .values("household_id")
        .distinct()
        .count()
    )


@shared
def opening_days(hubs: Hubs, first: date, last: date) -> int:
    """Days on which at least one drop-in room of the hubs was open (daily log with an
    opening time), as the monthly report counts a room's open days."""
    return (
        DailyLog.objects.filter(
            hub_id__in=_ids(hubs),
            venue__kind=VenueKind.HIROBA_ROOM,
            opened_at__isnull=False,
            date__gte=first,
            date__lte=last,
        )
        .values("date")
        .distinct()
        .count()
    )


@shared
def registrations(hubs: Hubs, first: date, last: date) -> int:
    """New family registrations at the hubs' registries (merged cards left out), as the visit
    statistics count them (``families.queries.registrations_by_day``)."""
    return sum(family_queries.registrations_by_day(_ids(hubs), first, last).values())


# -- program 1: programs (講座) ----------------------------------------------------------------
@shared
def program_figures(hubs: Hubs, first: date, last: date) -> ProgramFigures | None:
    """The programs app's year figures (``program_statistics``) added up over the hubs."""
    fiscal_year = whole_fiscal_year(first, last)
    if fiscal_year is None:
        return None
    total = ProgramFigures()
    for hub in hubs:
        total.add(program_statistics(hub, fiscal_year).total)
    return total


# -- program 2: consultations ----------------------------------------------------------------
@shared
def consultation_figures(hubs: Hubs, first: date, last: date) -> dict[str, int] | None:
    """Records, those about children aged 0-2 and referrals, from the consultation statistics
    with exact counts (``consultation_statistics``; coded columns only)."""
    fiscal_year = whole_fiscal_year(first, last)
    if fiscal_year is None:
        return None
    if not hubs:
        return {"total": 0, "under_three": 0, "referrals": 0}
    area = Area("", frozenset(_ids(hubs)), hubs[0].ward.municipality_id)
    stats = consultation_statistics(area, fiscal_year, suppress=False)
    by_age = dict(stats["by_age"])
    return {
        "total": stats["total"],
        "under_three": sum(by_age[band] for band in UNDER_THREE),
        "referrals": sum(count for _kind, count in stats["referrals"]),
    }


# -- program 6: 子サポ ----------------------------------------------------------------------------
@shared
def kosapo_members(hubs: Hubs, first: date, last: date) -> dict[str, int]:
    """Members at the period's end and members registered in it. The app keeps no status
    history: at the end means registered by then with a membership running to or past it,
    and active or awaiting renewal now (suspended and withdrawn members are left out)."""
    valid = Q(
        registered_on__lte=last,
        expires_on__gte=last,
        status__in=[MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE],
    )
    return KosapoMember.objects.filter(hub_id__in=_ids(hubs)).aggregate(
        users=Count("pk", filter=valid & Q(kind__in=[MemberKind.USER, MemberKind.BOTH])),
        providers=Count("pk", filter=valid & Q(kind__in=[MemberKind.PROVIDER, MemberKind.BOTH])),
        new=Count("pk", filter=Q(registered_on__gte=first, registered_on__lte=last)),
    )


@shared
def kosapo_requests(hubs: Hubs, first: date, last: date) -> dict[str, int]:
    """Requests received in the period (cancelled by the family left out) and how they ended:
    a provider introduced, or not matched."""
    start, end = local_span(first, last)
    return (
        CareRequest.objects.filter(hub_id__in=_ids(hubs), created_at__gte=start, created_at__lt=end)
        .exclude(status=RequestStatus.CANCELLED)
        .aggregate(
            received=Count("pk"),
            matched=Count("pk", filter=Q(introduced_on__isnull=False)),
            unmatched=Count("pk", filter=Q(status=RequestStatus.UNMATCHED)),
        )
    )


@shared
def kosapo_coupons(hubs: Hubs, first: date, last: date) -> dict[str, int]:
    """Trial coupons issued to and used by the branch's members, from the ledger."""
    row = CouponLedgerEntry.objects.filter(
        member__hub_id__in=_ids(hubs), on__gte=first, on__lte=last
    ).aggregate(
        issued=Sum("coupons", filter=Q(entry=CouponEntry.ISSUED)),
        used=Sum("coupons", filter=Q(entry=CouponEntry.USED)),
    )
    return {name: value or 0 for name, value in row.items()}


@shared
def kosapo_trainings(hubs: Hubs, first: date, last: date) -> int:
    """Training parts and safety courses completed by the branch's providers."""
    return ProviderTraining.objects.filter(
        member__hub_id__in=_ids(hubs), completed_on__gte=first, completed_on__lte=last
    ).count()


# -- program 7: user support -----------------------------------------------------------------
@shared
def support_bookings_held(hubs: Hubs, first: date, last: date) -> int:
    """Booked individual consultations that took place (attended; cancelled bookings and
    no-shows left out), by the slot's time."""
    start, end = local_span(first, last)
    return SupportBooking.objects.filter(
        slot__hub_id__in=_ids(hubs),
        slot__starts_at__gte=start,
        slot__starts_at__lt=end,
        status=BookingStatus.ATTENDED,
    ).count()


@shared
def support_cases_opened(hubs: Hubs, first: date, last: date) -> int:
    """Support cases opened in the period (``case_statistics``: opened_on)."""
    return SupportCase.objects.filter(
        hub_id__in=_ids(hubs), opened_on__gte=first, opened_on__lte=last
    ).count()


@shared
def support_linkages(hubs: Hubs, first: date, last: date) -> dict[str, int]:
    """Linkages (つなぎ) made in the period and those that connected the family to the
    service (``case_statistics``: created_at in the period, status now)."""
    start, end = local_span(first, last)
    return Linkage.objects.filter(
        case__hub_id__in=_ids(hubs), created_at__gte=start, created_at__lt=end
    ).aggregate(
        total=Count("pk"),
        connected=Count("pk", filter=Q(status=LinkageStatus.CONNECTED)),
    )


@shared
def support_activities(hubs: Hubs, first: date, last: date) -> int:
    """地域連携 activities logged in the period (``case_statistics``: happened_on)."""
    return CommunityActivity.objects.filter(
        hub_id__in=_ids(hubs), happened_on__gte=first, happened_on__lte=last
    ).count()
