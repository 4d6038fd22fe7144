"""Drop-in visits (domain.md §6.2 Visit, DailyCount; §7.1; §8 program 1).

One ``Visit`` row is one group that came in together (組): a registered family checked in at
reception, an anonymous walk-in group, or a day's tally entered by hand or imported from the
old spreadsheets (``pairs`` > 1). Every row carries its own counts (adults, fathers,
grandparents, pregnant visitors, children by age band at the visit date) and the visitors'
district, so statistics never read the family registry and survive anonymisation and merges.

``VisitMonth`` is a rollup of the visits per venue, month, district and day type, kept in the
same transaction as every visit write (see docs/concurrency.md); ``is_first_of_month`` and
``is_first_of_year`` mark a household's first visit of the calendar month and of the fiscal
year within its hub, so distinct families per month and year are sums too. A property test
checks that the rollup always equals the raw aggregate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import District, Hub, Venue, Ward
from hiroba.families.models import Household, Member
from hiroba.visits.choices import DayType, IncidentKind, VisitKind

COUNT_FIELDS = (
    "pairs",
    "adults",
    "fathers",
    "grandparents",
    "pregnant",
    "children_0",
    "children_1",
    "children_2",
    "children_3",
    "first_visits",
)
"""The additive counts of a visit, summed by every report and kept in the rollup."""


class VisitQuerySet(models.QuerySet):
    def of_hub_group(self, hub: Hub):
        """Visits at a main hub and its satellites."""
        return self.filter(registry_hub=hub.parent_id or hub.pk)


class Visit(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    # The composite indexes below start with venue, registry hub, ward and household, so these
    # keys need no index of their own (fewer indexes: faster check-ins and bulk loads).
    venue = models.ForeignKey(
        Venue, models.PROTECT, related_name="visits", verbose_name=_("venue"), db_index=False
    )
    # Denormalised from the venue, so reports and scoping filter one table.
    hub = models.ForeignKey(Hub, models.PROTECT, related_name="visits", verbose_name=_("hub"))
    registry_hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="+", verbose_name=_("hub group"), db_index=False
    )
    ward = models.ForeignKey(
        Ward, models.PROTECT, related_name="+", verbose_name=_("ward"), db_index=False
    )
    visited_on = models.DateField(_("date"))
    day_type = models.CharField(_("day type"), max_length=8, choices=DayType.choices)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    household = models.ForeignKey(
        Household,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("family"),
        db_index=False,
    )
    district = models.ForeignKey(
        District,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district of residence"),
    )
    pairs = models.PositiveIntegerField(_("groups"), default=1)
    adults = models.PositiveIntegerField(_("adults"), default=0)
    fathers = models.PositiveIntegerField(_("fathers"), default=0)
    grandparents = models.PositiveIntegerField(_("grandparents"), default=0)
    pregnant = models.PositiveIntegerField(_("pregnant visitors"), default=0)
    children_0 = models.PositiveIntegerField(_("children aged 0"), default=0)
    children_1 = models.PositiveIntegerField(_("children aged 1"), default=0)
    children_2 = models.PositiveIntegerField(_("children aged 2"), default=0)
    children_3 = models.PositiveIntegerField(_("children aged 3 and over"), default=0)
    first_visits = models.PositiveIntegerField(_("first visits"), default=0)
    is_first_of_month = models.BooleanField(default=False, editable=False)
    is_first_of_year = models.BooleanField(default=False, editable=False)
    # For tallies: where the row came from, so re-importing the same file creates nothing twice.
    source_key = models.CharField(_("source"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-checked_in_at", "-pk"]
        constraints = [
            # A family is checked in once per venue and day: a double tap, or two tablets at
            # once, finds the existing visit instead of counting the family twice.
            models.UniqueConstraint(
                fields=["household", "venue", "visited_on"],
                condition=models.Q(household__isnull=False),
                name="visit_once_per_family_venue_day",
            ),
            models.UniqueConstraint(
                fields=["venue", "visited_on", "source_key"],
                condition=models.Q(kind="tally"),
                name="visit_tally_once_per_source",
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "visited_on"], name="visit_venue_day"),
            models.Index(fields=["registry_hub", "visited_on"], name="visit_hub_day"),
            models.Index(fields=["ward", "visited_on"], name="visit_ward_day"),
            models.Index(fields=["household", "visited_on"], name="visit_household_day"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.venue_id} ({self.get_kind_display()})"

    @property
    def children(self) -> int:
        return self.children_0 + self.children_1 + self.children_2 + self.children_3


class VisitAttendee(models.Model):
    """Which members of a registered family came (for the family's history and merges)."""

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="attendees")
    member = models.ForeignKey(Member, models.CASCADE, related_name="attendances")

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        constraints = [
            models.UniqueConstraint(fields=["visit", "member"], name="attendee_once_per_visit")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.member_id}"


class VisitMonth(models.Model):
    """Rollup: the visit counts of a venue for a month, per district and day type."""

    venue = models.ForeignKey(Venue, models.CASCADE, related_name="+")
    hub = models.ForeignKey(Hub, models.CASCADE, related_name="+")
    registry_hub = models.ForeignKey(Hub, models.CASCADE, related_name="+")
    ward = models.ForeignKey(Ward, models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    fiscal_year = models.PositiveSmallIntegerField()
    district = models.ForeignKey(District, models.CASCADE, null=True, related_name="+")
    # The district id, 0 when unknown: a unique key needs a value that is never NULL.
    district_key = models.PositiveIntegerField(default=0)
    day_type = models.CharField(max_length=8, choices=DayType.choices)
    visits = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    fathers = models.PositiveIntegerField(default=0)
    grandparents = models.PositiveIntegerField(default=0)
    pregnant = models.PositiveIntegerField(default=0)
    children_0 = models.PositiveIntegerField(default=0)
    children_1 = models.PositiveIntegerField(default=0)
    children_2 = models.PositiveIntegerField(default=0)
    children_3 = models.PositiveIntegerField(default=0)
    first_visits = models.PositiveIntegerField(default=0)
    families_in_month = models.PositiveIntegerField(default=0)
    families_in_year = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly visit totals")
        verbose_name_plural = _("monthly visit totals")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "month", "district_key", "day_type"], name="visitmonth_key"
            )
        ]
        indexes = [
            models.Index(fields=["ward", "fiscal_year"], name="visitmonth_ward_fy"),
            models.Index(fields=["registry_hub", "month"], name="visitmonth_hub_month"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.month:%Y-%m}"


class DailyLog(models.Model):
    """The day's log (日誌) of a venue: opening hours, staff on duty and notes."""

    venue = models.ForeignKey(
        Venue, models.PROTECT, related_name="daily_logs", verbose_name=_("venue")
    )
    hub = models.ForeignKey(Hub, models.PROTECT, related_name="+", verbose_name=_("hub"))
    date = models.DateField(_("date"))
    opened_at = models.TimeField(_("opened at"), null=True, blank=True)
    closed_at = models.TimeField(_("closed at"), null=True, blank=True)
    staff_on_duty = models.CharField(_("staff on duty"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("daily log")
        verbose_name_plural = _("daily logs")
        ordering = ["-date", "venue"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "date"], name="dailylog_once_per_venue_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.venue}"

    @property
    def open_minutes(self) -> int | None:
        if self.opened_at is None or self.closed_at is None:
            return None
        start = self.opened_at.hour * 60 + self.opened_at.minute
        end = self.closed_at.hour * 60 + self.closed_at.minute
        return max(end - start, 0)


class Incident(models.Model):
    """An incident or near-miss (ヒヤリハット) noted in a daily log."""

    log = models.ForeignKey(
        DailyLog, models.CASCADE, related_name="incidents", verbose_name=_("daily log")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    occurred_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=100, blank=True)
    description = models.TextField(_("what happened"))
    action_taken = models.TextField(_("what was done"), blank=True)
    prevention = models.TextField(_("how to prevent it"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["log", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.log}"
