"""Factories for 子サポ members: families who live in the city, members made through the
services, and providers with their training recorded."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from hiroba.families.tests.factories import caregiver, child, family
from hiroba.kosapo import profile_services, request_services, services
from hiroba.kosapo.choices import (
    CarePlace,
    IdentityDocument,
    MemberKind,
    RequestKind,
    RequestPattern,
    RequestReason,
    TrainingItem,
)


def resident_family(hub, *members, **household):
    """A family whose address is in ``hub``'s city (a mother and a child born 2025-05-01)."""
    city = hub.ward.municipality
    household.setdefault("address_region", f"{city.prefecture}{city.name}{hub.ward.name}本町")
    return family(hub, *members, **household)


def provider_family(hub, birth_date=date(1965, 6, 1)):
    """A one-person household of a future provider."""
    return resident_family(
        hub, caregiver("佐藤", "和子", "サトウ", "カズコ", birth_date=birth_date)
    )


def member(hub, kind=MemberKind.USER, *, household=None, person=None, actor=None, activate=False):
    """A member made through the services: provisional, or registered with ``activate``."""
    if household is None:
        household = provider_family(hub) if MemberKind(kind).provides else resident_family(hub)
    person = person or household.members.caregivers().first()
    made = services.register_member(
        hub=hub, household=household, person=person, kind=kind, actor=actor
    )
    if activate:
        brief(made, actor=actor)
        if made.provides:
            train(made, actor=actor)
        made = services.activate_member(made, actor=actor)
    return made


def brief(made, *, actor=None, on=date(2026, 11, 1)):
    return services.record_briefing(
        made,
        briefing_on=on,
        identity_checked_on=on,
        identity_document=IdentityDocument.DRIVING_LICENCE,
        photo_received=True,
        actor=actor,
    )


def train(made, *, actor=None, safety_on=date(2026, 10, 1)):
    """The full training and both safety courses."""
    for item, minutes, on in (
        (TrainingItem.ONSITE, 350, date(2026, 10, 10)),
        (TrainingItem.ELEARNING, 790, date(2026, 10, 20)),
        (TrainingItem.LIFE_SAVING, 180, safety_on),
        (TrainingItem.ACCIDENT_PREVENTION, 90, safety_on),
    ):
        services.record_training(made, item=item, minutes=minutes, completed_on=on, actor=actor)


WEEKDAYS_7_TO_19 = [(day, time(7, 0), time(19, 0)) for day in range(5)]


def provider(hub, *, weekly=None, actor=None, household=None, person=None, **flags):
    """A registered provider with a profile: weekdays 7:00-19:00 unless ``weekly`` is given."""
    made = member(
        hub, MemberKind.PROVIDER, activate=True, household=household, person=person, actor=actor
    )
    profile_services.update_profile(
        made,
        flags={
            "escorts_on_foot": True,
            "cares_at_own_home": True,
            "accepts_infants": True,
            "accepts_siblings": True,
            "cares_at_hub": True,
            **flags,
        },
        max_distance_km=Decimal("2.0"),
        districts=[],
        weekly=WEEKDAYS_7_TO_19 if weekly is None else weekly,
        actor=actor,
    )
    made.refresh_from_db()
    return made


def ask(user_member, *, children=None, actor=None, **details):
    """A one-off request for the family's children: Monday 2026-12-07, 9:00-11:00 at the
    provider's home, unless ``details`` say otherwise."""
    values = dict(
        kind=RequestKind.CARE,
        pattern=RequestPattern.ONCE,
        first_on=date(2026, 12, 7),
        last_on=None,
        weekdays="",
        starts=time(9, 0),
        ends=time(11, 0),
        reason=RequestReason.REFRESH,
        care_place=CarePlace.PROVIDER_HOME,
    )
    values.update(details)
    if children is None:
        children = list(user_member.household.members.children())
    return request_services.create_request(
        user_member,
        children=children,
        details=request_services.RequestDetails(**values),
        actor=actor,
    )


__all__ = ["ask", "caregiver", "child", "member", "provider", "provider_family", "resident_family"]
