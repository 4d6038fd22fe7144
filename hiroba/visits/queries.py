"""Scoped reads of visits, daily logs and statistics.

Lookups by id go through ``accounts.scope.get_for_user`` (404 outside reach, 403 without the
permission); lists are always of one hub's venues. Every list here runs a fixed number of
queries whatever its length (the reception and today-board tests count them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from hiroba.accounts.scope import get_for_user
from hiroba.core.choices import VenueKind
from hiroba.core.models import Hub, Venue
from hiroba.families.choices import HouseholdStatus, MemberKind
from hiroba.families.models import Household, Member
from hiroba.lib.ages import age_in_months
from hiroba.visits.choices import VisitKind
from hiroba.visits.models import COUNT_FIELDS, DailyLog, Visit, VisitAttendee

BAND_FIELDS = ("children_0", "children_1", "children_2", "children_3")


# -- lookups by id ----------------------------------------------------------------------------
def get_visit_for_user(user, visit_id: int, permission: str) -> Visit:
    return get_for_user(
        Visit.objects.select_related("venue", "hub", "household"), user, visit_id, permission
    )


def get_daily_log_for_user(user, log_id: int, permission: str) -> DailyLog:
    """A satellite's log belongs to the satellite hub (``DailyLog.hub`` is the venue's hub)."""
    return get_for_user(DailyLog.objects.select_related("venue", "hub"), user, log_id, permission)


# -- venues -----------------------------------------------------------------------------------
def reception_venues(hub: Hub) -> list[Venue]:
    """Where this hub's reception checks families in: the hub's own venues in use (a
    satellite's rooms; for a main hub its rooms and outreach sites)."""
    return list(
        Venue.objects.filter(hub=hub, is_active=True)
        .select_related("hub")
        .order_by("sort_order", "name", "pk")
    )


def default_venue(venues: list[Venue]) -> Venue | None:
    """The first drop-in room, else the first venue."""
    rooms = [v for v in venues if v.kind == VenueKind.HIROBA_ROOM]
    return (rooms or venues or [None])[0]


# -- reception search results ------------------------------------------------------------------
@dataclass
class ChildAge:
    member: Member
    years: int
    months: int


@dataclass
class FamilyCard:
    """What reception sees of one family found by the search."""

    household: Household
    caregivers: list[Member]
    children: list[ChildAge]
    expected: list[Member]
    visit_here: Visit | None = None  # today, at the venue being checked in to
    visits_elsewhere: list[Visit] = field(default_factory=list)  # today, at other venues

    @property
    def is_pending(self) -> bool:
        return self.household.status == HouseholdStatus.PENDING

    @property
    def is_first_visit(self) -> bool:
        return self.household.first_visit_on is None

    @property
    def here_member_ids(self) -> set[int]:
        if self.visit_here is None:
            return set()
        return {a.member_id for a in self.visit_here.attendees.all()}


def _present_members(household: Household) -> list[Member]:
    """The members prefetched by ``families.queries.with_members`` (or a query otherwise)."""
    present = getattr(household, "present", None)
    return list(present) if present is not None else list(household.members.present())


def family_card(household: Household, on: date) -> FamilyCard:
    members = _present_members(household)
    children = []
    for m in members:
        if m.kind == MemberKind.CHILD and m.birth_date and m.birth_date <= on:
            months = age_in_months(m.birth_date, on)
            children.append(ChildAge(m, months // 12, months % 12))
    return FamilyCard(
        household=household,
        caregivers=[m for m in members if m.kind == MemberKind.CAREGIVER],
        children=children,
        expected=[m for m in members if m.is_expected],
    )


def family_cards(households: list[Household], venue: Venue | None, on: date) -> list[FamilyCard]:
    """Cards for the search results, with today's visits: two queries for any number."""
    cards = [family_card(h, on) for h in households]
    visits = todays_visits([h.pk for h in households], on)
    for card in cards:
        for visit in visits.get(card.household.pk, []):
            if venue is not None and visit.venue_id == venue.pk:
                card.visit_here = visit
            else:
                card.visits_elsewhere.append(visit)
    return cards


def todays_visits(household_ids: Collection[int], on: date) -> dict[int, list[Visit]]:
    if not household_ids:
        return {}
    visits = (
        Visit.objects.filter(household_id__in=household_ids, visited_on=on)
        .select_related("venue")
        .prefetch_related("attendees")
        .order_by("checked_in_at", "pk")
    )
    found: dict[int, list[Visit]] = defaultdict(list)
    for visit in visits:
        found[visit.household_id].append(visit)
    return found


# -- today board ------------------------------------------------------------------------------
@dataclass
class Tally:
    """Sums of the counts of some visits."""

    visits: int = 0
    pairs: int = 0
    adults: int = 0
    fathers: int = 0
    grandparents: int = 0
    pregnant: int = 0
    children_0: int = 0
    children_1: int = 0
    children_2: int = 0
    children_3: int = 0
    first_visits: int = 0
    walk_ins: int = 0

    def add(self, visit: Visit) -> None:
        self.visits += 1
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(visit, name))
        if visit.kind == VisitKind.ANONYMOUS:
            self.walk_ins += 1

    @property
    def children(self) -> int:
        return sum(getattr(self, name) for name in BAND_FIELDS)


@dataclass
class VenueBoard:
    venue: Venue
    present: list[Visit] = field(default_factory=list)
    left: list[Visit] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def groups_present(self) -> int:
        return len(self.present)

    @property
    def at_capacity(self) -> bool:
        capacity = self.venue.capacity_pairs
        return capacity is not None and self.groups_present >= capacity


@dataclass
class TodayBoard:
    on: date
    venues: list[VenueBoard]
    total: Tally

    @property
    def groups_present(self) -> int:
        return sum(board.groups_present for board in self.venues)


def today_board(hub: Hub, on: date) -> TodayBoard:
    """Who is here today at the hub's venues and the day's counts: three queries."""
    boards = {v.pk: VenueBoard(v) for v in reception_venues(hub)}
    attendees = VisitAttendee.objects.select_related("member").order_by(
        "member__kind", "member__sort_order", "member__pk"
    )
    visits = (
        Visit.objects.filter(venue_id__in=list(boards), visited_on=on)
        .select_related("household")
        .prefetch_related(Prefetch("attendees", queryset=attendees))
        .order_by("checked_in_at", "pk")
    )
    total = Tally()
    for visit in visits:
        board = boards[visit.venue_id]
        board.tally.add(visit)
        total.add(visit)
        if visit.kind == VisitKind.TALLY:
            continue  # a day's totals typed in later: counted, but nobody to show
        (board.present if visit.checked_out_at is None else board.left).append(visit)
    return TodayBoard(on=on, venues=list(boards.values()), total=total)


# -- daily log --------------------------------------------------------------------------------
def daily_logs_of(hub: Hub) -> QuerySet[DailyLog]:
    """Logs of the hub's own venues, newest first, with their number of incidents."""
    return (
        DailyLog.objects.filter(hub=hub)
        .select_related("venue")
        .annotate(incident_count=Count("incidents"))
        .order_by("-date", "venue__sort_order", "venue__name", "pk")
    )


def logs_on(venues: Collection[Venue], on: date) -> dict[int, DailyLog]:
    logs = DailyLog.objects.filter(venue__in=list(venues), date=on)
    return {log.venue_id: log for log in logs}


def day_counts(venue: Venue, on: date) -> Tally:
    """The day's visit counts at a venue, summed in the database."""
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    row = Visit.objects.filter(venue=venue, visited_on=on).aggregate(
        visits=Count("pk"),
        walk_ins=Count("pk", filter=Q(kind=VisitKind.ANONYMOUS)),
        **sums,
    )
    return Tally(**{name: value or 0 for name, value in row.items()})
