"""User-support statistics for a hub or a whole ward and a fiscal year (domain.md §7.7 step 6,
§8 row 7): individual consultations booked vs walk-in by month, what happened to bookings, how
families booked, slots published and used, and the case and 地域連携 figures
(``case_statistics``).

Counts only, from coded columns. Outside the hub's user-support team (the ward, the city) a
count from 1 to 4 is hidden, and so is any total that would give a hidden cell away.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from hiroba.consultations.areas import Area
from hiroba.consultations.choices import Channel
from hiroba.consultations.models import Consultation
from hiroba.consultations.statistics import (
    SMALL_CELL,
    hide_breakdown,
    hide_small,
    hide_total,
    labelled,
)
from hiroba.lib.fiscal import fiscal_year_months
from hiroba.support.case_statistics import case_figures, fiscal_year_span
from hiroba.support.choices import BookingSource, BookingStatus, CancelledBy, SlotStatus
from hiroba.support.models import SupportBooking, SupportSlot


def _month_of(moment: datetime) -> int:
    return timezone.localtime(moment).month


def _individual_by_month(hub_ids, fiscal_year: int) -> tuple[Counter, Counter]:
    """(booked, walk-in) individual consultations per calendar month: a record linked to a
    booking was booked; one of the individual channel without a booking was a walk-in."""
    linked = SupportBooking.objects.filter(consultation=OuterRef("pk"))
    records = Consultation.objects.filter(
        hub_id__in=hub_ids, fiscal_year=fiscal_year, channel=Channel.INDIVIDUAL
    ).annotate(booked=Exists(linked))
    booked, walk_in = Counter(), Counter()
    for happened_at, was_booked in records.values_list("happened_at", "booked"):
        (booked if was_booked else walk_in)[_month_of(happened_at)] += 1
    return booked, walk_in


def _individual_rows(booked: Counter, walk_in: Counter, months: list[int], suppress) -> list:
    """Booked and walk-in per month. The consultation statistics show the month's individual
    consultations (booked + walk-in), so each month hides both cells or neither."""
    columns = [hide_breakdown([booked[m], walk_in[m]], suppress) for m in months]
    rows = []
    for index, (label, counter) in enumerate((("booked", booked), ("walk_in", walk_in))):
        cells = [column[index] for column in columns]
        total = sum(counter[m] for m in months)
        rows.append({"label": label, "cells": cells, "total": hide_total(total, cells, suppress)})
    return rows


def _outcomes(bookings, suppress: bool) -> list[tuple[str, int | None]]:
    by = Counter(
        (status, cancelled_by)
        for status, cancelled_by in bookings.values_list("status", "cancelled_by")
    )
    rows = [
        ("attended", by[(BookingStatus.ATTENDED, "")]),
        ("no_show", by[(BookingStatus.NO_SHOW, "")]),
        ("cancelled_by_family", by[(BookingStatus.CANCELLED, CancelledBy.FAMILY)]),
        ("cancelled_by_hub", by[(BookingStatus.CANCELLED, CancelledBy.HUB)]),
        ("waiting", by[(BookingStatus.BOOKED, "")]),
    ]
    return labelled(rows, suppress)


def support_statistics(area: Area, fiscal_year: int, *, suppress: bool) -> dict:
    start, end = fiscal_year_span(fiscal_year)
    months = [month for _year, month in fiscal_year_months(fiscal_year)]
    booked, walk_in = _individual_by_month(area.hub_ids, fiscal_year)
    rows = _individual_rows(booked, walk_in, months, suppress)
    bookings = SupportBooking.objects.filter(
        slot__hub_id__in=area.hub_ids, slot__starts_at__gte=start, slot__starts_at__lt=end
    )
    sources = Counter(dict(bookings.values_list("source").annotate(n=Count("pk"))))
    slots = SupportSlot.objects.filter(
        hub_id__in=area.hub_ids, status=SlotStatus.OPEN, starts_at__gte=start, starts_at__lt=end
    )
    published = slots.count()
    used = bookings.filter(status__in=(BookingStatus.ATTENDED, BookingStatus.NO_SHOW)).count()
    outcomes = _outcomes(bookings, suppress)
    shown = dict(outcomes)
    held = [shown["attended"], shown["no_show"]]
    return {
        "area": area,
        "fiscal_year": fiscal_year,
        "months": months,
        "individual": rows,
        "outcomes": outcomes,
        # The same bookings by how they were made: at least two cells hidden or none.
        "sources": labelled(
            [(label, sources[value]) for value, label in BookingSource.choices], suppress
        ),
        "slots_published": hide_small(published, suppress),
        # Sums of the outcome cells above: hidden with any of their parts.
        "slots_booked": hide_total(
            bookings.exclude(status=BookingStatus.CANCELLED).count(),
            [*held, shown["waiting"]],
            suppress,
        ),
        "slots_held": hide_total(used, held, suppress),
        "cases": case_figures(area.hub_ids, fiscal_year, suppress_small=suppress),
        "suppressed": suppress,
        "small_cell": SMALL_CELL,
    }
