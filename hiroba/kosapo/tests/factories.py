"""Factories for 子サポ members: families who live in the city, members made through the
services, and providers with their training recorded."""

from __future__ import annotations

from datetime import date

from hiroba.families.tests.factories import caregiver, child, family
from hiroba.kosapo import services
from hiroba.kosapo.choices import IdentityDocument, MemberKind, TrainingItem


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


def member(hub, kind=MemberKind.USER, *, household=None, actor=None, activate=False):
    """A member made through the services: provisional, or registered with ``activate``."""
    if household is None:
        household = provider_family(hub) if MemberKind(kind).provides else resident_family(hub)
    person = household.members.caregivers().first()
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


__all__ = ["caregiver", "child", "member", "provider_family", "resident_family"]
