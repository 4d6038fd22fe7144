"""Consultation statistics for a hub and fiscal year (domain.md §7.2 step 5, §8): counts by
month and channel, by topic, by the children's age, by outcome, and referrals by agency kind.

Counts come from coded columns only (never the encrypted text). People outside the hub's
consultation team (ward officials, the city) get small counts suppressed: a cell from 1 to
``SMALL_CELL - 1`` is hidden, so a rare topic in a small ward cannot point at a family.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from hiroba.consultations.choices import AgencyKind, Channel, Outcome
from hiroba.consultations.models import Consultation, ConsultationTopic, Referral
from hiroba.lib.fiscal import fiscal_year_months

SMALL_CELL = 5
AGE_BANDS = ("pregnant", "0", "1", "2", "3+", "none")


@dataclass
class Table:
    rows: list[tuple[str, list[int | None]]]
    columns: list[str]
    total: list[int | None] = field(default_factory=list)


def hide_small(value: int, suppress: bool) -> int | None:
    """None stands for a suppressed cell (shown as "<5")."""
    return None if suppress and 0 < value < SMALL_CELL else value


def _age_band(ages: list[int], expecting: bool) -> str:
    if not ages:
        return "pregnant" if expecting else "none"
    years = min(ages) // 12
    return "3+" if years >= 3 else str(years)


def consultation_statistics(hub, fiscal_year: int, *, suppress: bool) -> dict:
    records = Consultation.objects.filter(hub=hub, fiscal_year=fiscal_year)
    months = [month for _year, month in fiscal_year_months(fiscal_year)]
    by_month = Counter(
        {
            (row["month"], row["channel"]): row["n"]
            for row in records.annotate(month=ExtractMonth("happened_at"))
            .values("month", "channel")
            .annotate(n=Count("pk"))
        }
    )
    channel_rows = [
        (label, [hide_small(by_month[(m, value)], suppress) for m in months])
        for value, label in Channel.choices
    ]
    monthly_totals = [sum(by_month[(m, c)] for c in Channel.values) for m in months]
    topic_counts = Counter(
        dict(records.values_list("topics").annotate(n=Count("pk")).values_list("topics", "n"))
    )
    topics = ConsultationTopic.objects.filter(municipality_id=hub.ward.municipality_id)
    ages = Counter(
        _age_band(child_ages, expecting)
        for child_ages, expecting in records.values_list("child_ages", "expecting")
    )
    outcomes = Counter(dict(records.values_list("outcome").annotate(n=Count("pk"))))
    referrals = Counter(
        dict(
            Referral.objects.filter(consultation__in=records)
            .values_list("agency__kind")
            .annotate(n=Count("pk"))
        )
    )
    total = records.count()
    by_age = [(band, hide_small(ages[band], suppress)) for band in AGE_BANDS]
    by_outcome = [
        (label, hide_small(outcomes[value], suppress)) for value, label in Outcome.choices
    ]
    # A total next to one hidden cell would give the hidden count away by subtraction, so a
    # total is hidden too when any part of it is (and the year's total when any month's is).
    month_totals = [
        None if any(cells[i] is None for _label, cells in channel_rows) else hide_small(v, suppress)
        for i, v in enumerate(monthly_totals)
    ]
    parts = [*month_totals, *(v for _b, v in by_age), *(v for _o, v in by_outcome)]
    return {
        "total": None if suppress and None in parts else hide_small(total, suppress),
        "months": months,
        "by_month": Table(channel_rows, months, month_totals),
        "by_topic": [
            (topic.label, hide_small(topic_counts[topic.pk], suppress))
            for topic in topics
            if topic.is_active or topic_counts[topic.pk]
        ],
        "by_age": by_age,
        "by_outcome": by_outcome,
        "referrals": [
            (label, hide_small(referrals[value], suppress)) for value, label in AgencyKind.choices
        ],
        "needs_care": hide_small(records.filter(needs_care=True).count(), suppress),
        "suppressed": suppress,
    }
