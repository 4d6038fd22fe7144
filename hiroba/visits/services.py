"""Writes for the drop-in space: check-in and check-out, walk-ins, day tallies, daily logs.

Every visit write changes the monthly rollup in the same transaction (``rollup.apply``). A
registered family's check-in locks the household row first, so two tablets checking in the
same family at once make one visit (the unique constraint is the last line of defence).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core import audit
from hiroba.core.models import Venue
from hiroba.families import queries as family_queries
from hiroba.families import services as family_services
from hiroba.families.choices import GRANDPARENTS, HouseholdStatus, MemberKind, Relation
from hiroba.families.models import Household, Member
from hiroba.lib.jpcalendar import is_weekend_or_holiday, is_year_end_closure
from hiroba.visits import rollup
from hiroba.visits.choices import DayType, VisitKind
from hiroba.visits.models import COUNT_FIELDS, DailyLog, Incident, Visit, VisitAttendee

VISIT_MESSAGES = {
    "venue_not_of_family_hub": _("This family is registered at another hub."),
    "no_one_present": _("Choose at least one family member who came."),
    "no_adult_present": _("Choose at least one adult who came."),
    "member_not_in_family": _("A chosen person is not a member of this family."),
    "family_not_current": _("This family card is merged or anonymised."),
    "venue_inactive": _("This venue is no longer in use."),
    "future_date": _("Visits cannot be recorded for a future date."),
    "empty_count": _("Enter at least one adult or child."),
    "too_many": _("The numbers are too large for one group. Check the entry."),
    "fathers_exceed_adults": _(
        "Fathers, grandparents and pregnant visitors cannot outnumber the adults."
    ),
    "check_out_before_check_in": _("Check-out cannot be before check-in."),
    "already_checked_out": _("This visit is already checked out."),
}
MAX_WALK_IN_PEOPLE = 30
MAX_TALLY_PEOPLE = 2000


class VisitError(Exception):
    """A rule about visits was broken; ``message`` is for the user."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(VISIT_MESSAGES[self.code])


@dataclass(frozen=True)
class Counts:
    """Counts of people for a walk-in group or a day's tally."""

    adults: int = 0
    fathers: int = 0
    grandparents: int = 0
    pregnant: int = 0
    children_0: int = 0
    children_1: int = 0
    children_2: int = 0
    children_3: int = 0
    pairs: int = 1
    first_visits: int = 0

    @property
    def people(self) -> int:
        return self.adults + self.children_0 + self.children_1 + self.children_2 + self.children_3


def day_type_of(d: date) -> str:
    holiday = is_weekend_or_holiday(d) or is_year_end_closure(d)
    return DayType.HOLIDAY if holiday else DayType.WEEKDAY


def _new_visit(venue: Venue, on: date, kind: str, actor, **values) -> Visit:
    hub = venue.hub
    return Visit(
        kind=kind,
        venue=venue,
        hub=hub,
        registry_hub_id=hub.parent_id or hub.pk,
        ward_id=hub.ward_id,
        visited_on=on,
        day_type=day_type_of(on),
        recorded_by=actor,
        **values,
    )


def _check_date(venue: Venue, on: date) -> None:
    if on > timezone.localdate():
        raise VisitError("future_date")
    if not venue.is_active:
        raise VisitError("venue_inactive")


def _lock_household(household: Household) -> Household:
    locked = Household.objects.select_for_update(no_key=True).get(pk=household.pk)
    if not locked.is_current:
        raise VisitError("family_not_current")
    return locked


def _family_counts(household: Household, members: list[Member], on: date) -> dict[str, int]:
    adults = [m for m in members if m.kind == MemberKind.CAREGIVER]
    children = [m for m in members if m.kind == MemberKind.CHILD and not m.is_expected]
    expecting = any(
        m.is_expected and m.due_date >= on for m in household.members.present().children()
    )
    bands = [m.age_band_on(on) for m in children]
    return {
        "adults": len(adults),
        "fathers": sum(m.relation == Relation.FATHER for m in adults),
        "grandparents": sum(m.relation in GRANDPARENTS for m in adults),
        "pregnant": int(expecting and any(m.relation == Relation.MOTHER for m in adults)),
        "children_0": bands.count(0),
        "children_1": bands.count(1),
        "children_2": bands.count(2),
        "children_3": bands.count(3),
    }


def _chosen_members(household: Household, member_ids: Collection[int]) -> list[Member]:
    members = list(household.members.present().filter(pk__in=member_ids))
    if len(members) != len(set(member_ids)):
        raise VisitError("member_not_in_family")
    if any(m.is_expected for m in members):
        raise VisitError("member_not_in_family")
    if not members:
        raise VisitError("no_one_present")
    if not any(m.kind == MemberKind.CAREGIVER for m in members):
        raise VisitError("no_adult_present")
    return members


@transaction.atomic
def check_in(
    household: Household,
    venue: Venue,
    member_ids: Collection[int],
    *,
    actor,
    on: date | None = None,
    at: datetime | None = None,
) -> tuple[Visit, bool]:
    """Check in the chosen members of a family. Returns (visit, created).

    Checking in a family already here today adds the newly chosen members to the same visit
    (a father joining later), so nobody is counted twice.
    """
    on = on or timezone.localdate()
    _check_date(venue, on)
    if (venue.hub.parent_id or venue.hub_id) != household.hub_id:
        raise VisitError("venue_not_of_family_hub")
    household = _lock_household(household)
    chosen = _chosen_members(household, member_ids)
    existing = Visit.objects.filter(household=household, venue=venue, visited_on=on).first()
    if existing is not None:
        return _add_to_visit(existing, household, chosen, actor), False
    earlier_first = household.first_visit_on
    first = earlier_first is None or earlier_first > on
    visit = _new_visit(
        venue,
        on,
        VisitKind.REGISTERED,
        actor,
        household=household,
        district_id=household.district_id,
        checked_in_at=at or timezone.now(),
        first_visits=int(first),
        **_family_counts(household, chosen, on),
    )
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:  # only reachable without the household lock
        existing = Visit.objects.get(household=household, venue=venue, visited_on=on)
        return _add_to_visit(existing, household, chosen, actor), False
    VisitAttendee.objects.bulk_create([VisitAttendee(visit=visit, member=m) for m in chosen])
    rollup.apply(visit, +1)
    rollup.refresh_flags(household.pk, visit.registry_hub_id, on)
    visit.refresh_from_db(fields=["is_first_of_month", "is_first_of_year"])
    family_services.note_visit(household, on)
    if first and earlier_first is not None:
        _clear_later_first_visit(household, visit)
    audit.record(
        "visits.visit.checked_in",
        actor=actor,
        obj=visit,
        hub=visit.hub,
        payload={"household": household.pk, "members": sorted(m.pk for m in chosen)},
    )
    return visit, True


def _clear_later_first_visit(household: Household, visit: Visit) -> None:
    """A back-dated check-in before the family's recorded first visit becomes the first."""
    later = Visit.objects.filter(household=household, first_visits=1).exclude(pk=visit.pk)
    for other in later:
        rollup.apply(other, -1)
        other.first_visits = 0
        other.save(update_fields=["first_visits"])
        rollup.apply(other, +1)


def _add_to_visit(visit: Visit, household: Household, chosen: list[Member], actor) -> Visit:
    already = set(visit.attendees.values_list("member_id", flat=True))
    new = [m for m in chosen if m.pk not in already]
    if not new:
        return visit
    VisitAttendee.objects.bulk_create([VisitAttendee(visit=visit, member=m) for m in new])
    everyone = list(Member.objects.filter(attendances__visit=visit))
    rollup.apply(visit, -1)
    for name, value in _family_counts(household, everyone, visit.visited_on).items():
        setattr(visit, name, value)
    visit.save(update_fields=list(_family_counts(household, [], visit.visited_on)))
    rollup.apply(visit, +1)
    audit.record(
        "visits.visit.members_added",
        actor=actor,
        obj=visit,
        hub=visit.hub,
        payload={"household": household.pk, "members": sorted(m.pk for m in new)},
    )
    return visit


def _check_counts(counts: Counts, limit: int) -> None:
    if counts.people == 0:
        raise VisitError("empty_count")
    if counts.people > limit or counts.pairs > limit:
        raise VisitError("too_many")
    if max(counts.fathers + counts.grandparents, counts.pregnant) > counts.adults:
        raise VisitError("fathers_exceed_adults")


@transaction.atomic
def record_walk_in(
    venue: Venue, counts: Counts, *, actor, on: date | None = None, at: datetime | None = None
) -> Visit:
    """A group that does not want to register, counted anonymously."""
    on = on or timezone.localdate()
    _check_date(venue, on)
    _check_counts(counts, MAX_WALK_IN_PEOPLE)
    values = {name: getattr(counts, name) for name in COUNT_FIELDS}
    values["pairs"] = 1
    visit = _new_visit(
        venue, on, VisitKind.ANONYMOUS, actor, checked_in_at=at or timezone.now(), **values
    )
    visit.save()
    rollup.apply(visit, +1)
    audit.record("visits.walk_in.recorded", actor=actor, obj=visit, hub=visit.hub)
    return visit


@transaction.atomic
def record_tally(
    venue: Venue, on: date, counts: Counts, *, actor, source_key: str = "manual"
) -> tuple[Visit, bool]:
    """A day's totals for a venue (old spreadsheets, or days without individual check-in).
    The same ``source_key`` for the same venue and day is kept once: (visit, created)."""
    _check_counts(counts, MAX_TALLY_PEOPLE)
    if on > timezone.localdate():
        raise VisitError("future_date")
    existing = Visit.objects.filter(
        kind=VisitKind.TALLY, venue=venue, visited_on=on, source_key=source_key
    ).first()
    if existing is not None:
        return existing, False
    values = {name: getattr(counts, name) for name in COUNT_FIELDS}
    visit = _new_visit(venue, on, VisitKind.TALLY, actor, source_key=source_key, **values)
    visit.save()
    rollup.apply(visit, +1)
    audit.record(
        "visits.tally.recorded",
        actor=actor,
        obj=visit,
        hub=visit.hub,
        payload={"source": source_key},
    )
    return visit, True


@transaction.atomic
def cancel_visit(visit: Visit, *, actor) -> None:
    """Remove a visit recorded by mistake; the rollup and flags follow. Works on any card
    (a merged card keeps its visits); cancelling a visit already gone does nothing."""
    if visit.household_id:
        # Lock without the "current card" check: a wrong record must be removable anyway.
        Household.objects.select_for_update(no_key=True).filter(pk=visit.household_id).first()
    # Re-read under a lock: a double tap or a colleague may have removed it meanwhile, and the
    # rollup must lose the counts of the row as stored, once.
    visit = Visit.objects.select_for_update().select_related("hub").filter(pk=visit.pk).first()
    if visit is None:
        return
    rollup.apply(visit, -1)
    household_id, hub_id, on = visit.household_id, visit.registry_hub_id, visit.visited_on
    audit.record(
        "visits.visit.cancelled",
        actor=actor,
        obj=visit,
        hub=visit.hub,
        payload={"household": household_id, "kind": visit.kind, "date": on.isoformat()},
    )
    visit.delete()
    rollup.refresh_flags(household_id, hub_id, on)
    if household_id:
        _recompute_visit_dates(household_id)


def _card_in_use(household_id: int) -> int:
    """The card a visit's card was merged into, following later merges (A into B, then B into
    C: C), or the card itself."""
    seen = set()
    while household_id not in seen:
        seen.add(household_id)
        into = Household.objects.filter(pk=household_id).values_list("merged_into_id", flat=True)
        parent = into.first()
        if parent is None:
            break
        household_id = parent
    return household_id


def _recompute_visit_dates(household_id: int) -> None:
    """First and last visit of the card in use over it and every card merged into it, however
    long ago (a merge keeps each card's visits where they were), and one first visit among
    them."""
    household_id = _card_in_use(household_id)
    card_ids = [household_id, *family_queries.merged_card_ids(household_id)]
    dates = Visit.objects.filter(household_id__in=card_ids).order_by("visited_on", "pk")
    first = dates.values_list("visited_on", flat=True).first()
    last = dates.reverse().values_list("visited_on", flat=True).first()
    Household.objects.filter(pk=household_id).update(first_visit_on=first, last_visit_on=last)
    if first is not None and not dates.filter(first_visits__gt=0).exists():
        earliest = dates.first()
        rollup.apply(earliest, -1)
        earliest.first_visits = 1
        earliest.save(update_fields=["first_visits"])
        rollup.apply(earliest, +1)


@transaction.atomic
def check_out(visit: Visit, *, actor, at: datetime | None = None) -> Visit:
    at = at or timezone.now()
    if visit.checked_out_at is not None:
        raise VisitError("already_checked_out")
    if visit.checked_in_at and at < visit.checked_in_at:
        raise VisitError("check_out_before_check_in")
    visit.checked_out_at = at
    visit.save(update_fields=["checked_out_at"])
    audit.record("visits.visit.checked_out", actor=actor, obj=visit, hub=visit.hub)
    return visit


# -- daily log --------------------------------------------------------------------------------
DAILY_LOG_FIELDS = ("opened_at", "closed_at", "staff_on_duty", "notes")
INCIDENT_FIELDS = ("kind", "occurred_at", "place", "description", "action_taken", "prevention")


@transaction.atomic
def save_daily_log(venue: Venue, on: date, *, actor, **values) -> DailyLog:
    unknown = set(values) - set(DAILY_LOG_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    log, created = DailyLog.objects.select_for_update().get_or_create(
        venue=venue, date=on, defaults={"hub": venue.hub}
    )
    changed = audit.changed_fields(log, values)
    for name in changed:
        setattr(log, name, values[name])
    if changed or created:
        log.updated_by = actor
        log.full_clean()
        log.save()
        audit.record(
            "visits.daily_log.saved",
            actor=actor,
            obj=log,
            hub=venue.hub,
            payload={"fields": changed, "date": on.isoformat()},
        )
    return log


@transaction.atomic
def add_incident(log: DailyLog, *, actor, **values) -> Incident:
    unknown = set(values) - set(INCIDENT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    incident = Incident(log=log, recorded_by=actor, **values)
    incident.full_clean()
    incident.save()
    audit.record(
        "visits.incident.recorded",
        actor=actor,
        obj=log,
        hub=log.hub,
        payload={"incident": incident.pk, "kind": incident.kind},
    )
    return incident


# -- reception ------------------------------------------------------------------------------
@transaction.atomic
def check_in_and_confirm(
    household: Household,
    venue: Venue,
    member_ids: Collection[int],
    *,
    actor,
    confirm: bool,
    on: date | None = None,
    at: datetime | None = None,
) -> tuple[Visit, bool, bool]:
    """Check a family in and, with ``confirm``, confirm its pre-registration in the same
    transaction. Returns (visit, created, confirmed).

    The check-in goes first: when it is refused nothing is confirmed, and it leaves the
    household row locked, so the status read afterwards cannot change under us (two tablets
    confirming the same family at once confirm it once).
    """
    visit, created = check_in(household, venue, member_ids, actor=actor, on=on, at=at)
    confirmed = False
    if confirm:
        fresh = Household.objects.get(pk=household.pk)
        if fresh.status == HouseholdStatus.PENDING:
            family_services.confirm_registration(fresh, actor=actor, on=visit.visited_on)
            confirmed = True
    return visit, created, confirmed
