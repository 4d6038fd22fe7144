"""Consultation statistics for a hub or a whole ward and a fiscal year (domain.md §7.2 step 5,
§8): counts by month and channel, by topic, by the children's age (and the share about children
aged 0–2), by outcome, referrals by agency kind and by status, and follow-ups done on time.

Counts come from coded columns only (never the encrypted text). People outside the hub's
consultation team (ward officials, the city) get small counts suppressed: a cell from 1 to
``SMALL_CELL - 1`` is hidden, so a rare topic in a small ward cannot point at a family.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.consultations.areas import SMALL_CELL, Area
from hiroba.consultations.choices import AgencyKind, Channel, Outcome, ReferralStatus
from hiroba.consultations.models import Consultation, ConsultationTopic, Referral
from hiroba.lib.fiscal import fiscal_year_months

AGE_BANDS = ("pregnant", "0", "1", "2", "3+", "none")
UNDER_THREE = ("0", "1", "2")
FOLLOW_UPS = (
    ("on_time", _("Done by the date set")),
    ("late", _("Done after the date set")),
    ("overdue", _("Open past the date set")),
    ("not_due", _("Open, not yet due")),
)


@dataclass
class Table:
    rows: list[tuple[str, list[int | None]]]
    columns: list[str]
    total: list[int | None] = field(default_factory=list)


def hide_small(value: int, suppress: bool) -> int | None:
    """None stands for a suppressed cell (shown as "<5")."""
    return None if suppress and 0 < value < SMALL_CELL else value


def hide_total(value: int, parts: Iterable[int | None], suppress: bool) -> int | None:
    """A total is hidden with any of its parts: it would give the hidden count away."""
    return None if suppress and None in list(parts) else hide_small(value, suppress)


def hide_breakdown(values: list[int], suppress: bool) -> list[int | None]:
    """One breakdown of a count that can be known (a total shown elsewhere, another table of
    the same records): small cells hidden, and when only one is, the smallest other non-zero
    cell too, so that the hidden one cannot be found by subtraction."""
    cells = [hide_small(value, suppress) for value in values]
    if cells.count(None) == 1:
        shown = [(v, i) for i, (v, c) in enumerate(zip(values, cells, strict=True)) if c and v]
        if shown:
            cells[min(shown)[1]] = None
    return cells


def labelled(pairs: list[tuple[object, int]], suppress: bool) -> list[tuple[object, int | None]]:
    """(label, count) pairs of one breakdown with ``hide_breakdown`` applied."""
    cells = hide_breakdown([count for _label, count in pairs], suppress)
    return [(label, cell) for (label, _count), cell in zip(pairs, cells, strict=True)]


def _age_band(ages: list[int], expecting: bool) -> str:
    if not ages:
        return "pregnant" if expecting else "none"
    years = min(ages) // 12
    return "3+" if years >= 3 else str(years)


def _share(part: int | None, whole: int | None) -> float | None:
    """A percentage, or None when there is nothing to divide or a part of it is hidden."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _follow_ups(records, today: date, suppress: bool) -> list[tuple[str, int | None]]:
    """Follow-ups the year's records set: done by their date, done later, still open past
    their date, and open but not yet due."""
    counts = Counter()
    for due, done_at in records.filter(follow_up_on__isnull=False).values_list(
        "follow_up_on", "follow_up_done_at"
    ):
        if done_at is not None:
            counts["on_time" if timezone.localdate(done_at) <= due else "late"] += 1
        else:
            counts["overdue" if due < today else "not_due"] += 1
    return labelled([(label, counts[key]) for key, label in FOLLOW_UPS], suppress)


def consultation_statistics(
    area: Area, fiscal_year: int, *, suppress: bool, today: date | None = None
) -> dict:
    today = today or timezone.localdate()
    records = Consultation.objects.filter(hub_id__in=area.hub_ids, fiscal_year=fiscal_year)
    months = [month for _year, month in fiscal_year_months(fiscal_year)]
    by_month = Counter(
        {
            (row["month"], row["channel"]): row["n"]
            for row in records.annotate(month=ExtractMonth("happened_at"))
            .values("month", "channel")
            .annotate(n=Count("pk"))
        }
    )
    # Each month is a breakdown by channel (its total can be known from other tables).
    columns = [hide_breakdown([by_month[(m, c)] for c in Channel.values], suppress) for m in months]
    channel_rows = [
        (label, [column[row] for column in columns])
        for row, (_value, label) in enumerate(Channel.choices)
    ]
    monthly_totals = [sum(by_month[(m, c)] for c in Channel.values) for m in months]
    topic_counts = Counter(
        dict(records.values_list("topics").annotate(n=Count("pk")).values_list("topics", "n"))
    )
    topics = ConsultationTopic.objects.filter(municipality_id=area.municipality_id)
    ages = Counter(
        _age_band(child_ages, expecting)
        for child_ages, expecting in records.values_list("child_ages", "expecting")
    )
    outcomes = Counter(dict(records.values_list("outcome").annotate(n=Count("pk"))))
    referred = Referral.objects.filter(consultation__in=records)
    referrals = Counter(dict(referred.values_list("agency__kind").annotate(n=Count("pk"))))
    referral_status = Counter(dict(referred.values_list("status").annotate(n=Count("pk"))))
    total = records.count()
    by_age = labelled([(band, ages[band]) for band in AGE_BANDS], suppress)
    by_outcome = labelled([(label, outcomes[value]) for value, label in Outcome.choices], suppress)
    # A total next to one hidden cell would give the hidden count away by subtraction, so a
    # total is hidden too when any part of it is (and the year's total when any month's is).
    month_totals = [
        hide_total(v, [cells[i] for _label, cells in channel_rows], suppress)
        for i, v in enumerate(monthly_totals)
    ]
    parts = [*month_totals, *(v for _b, v in by_age), *(v for _o, v in by_outcome)]
    shown_total = hide_total(total, parts, suppress)
    young = [value for band, value in by_age if band in UNDER_THREE]
    return {
        "area": area,
        "fiscal_year": fiscal_year,
        "total": shown_total,
        "under_three_share": _share(None if None in young else sum(young), shown_total),
        "months": months,
        "by_month": Table(channel_rows, months, month_totals),
        "by_topic": [
            (topic.label, hide_small(topic_counts[topic.pk], suppress))
            for topic in topics
            if topic.is_active or topic_counts[topic.pk]
        ],
        "by_age": by_age,
        "by_outcome": by_outcome,
        # Both tables count the same referrals: each hides at least two cells or none.
        "referrals": labelled(
            [(label, referrals[value]) for value, label in AgencyKind.choices], suppress
        ),
        "referral_status": labelled(
            [(label, referral_status[value]) for value, label in ReferralStatus.choices], suppress
        ),
        "follow_ups": _follow_ups(records, today, suppress),
        "needs_care": hide_small(records.filter(needs_care=True).count(), suppress),
        "suppressed": suppress,
    }
