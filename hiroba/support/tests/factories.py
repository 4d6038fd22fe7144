"""Slots and bookings made through the services, so audit rows and checks are as in real use."""

from __future__ import annotations

from datetime import date, time
from itertools import count

from hiroba.accounts.choices import Role
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.support import services
from hiroba.support.choices import BookingSource, SlotMode

SECRET = "夫の帰りが遅くて眠れない-カナリア-91c2"


def slots(tenant_or_hub, day: date, *times: time, minutes=50, weeks=1, specialist=None, **values):
    """Slots of ``day`` at ``times`` (10:00 by default); a tenant's user-support person holds
    them unless ``specialist`` is given (it must be, with a bare hub)."""
    hub = getattr(tenant_or_hub, "hub", tenant_or_hub)
    specialist = specialist or tenant_or_hub.person(Role.USER_SUPPORT)
    plan = services.SlotPlan(
        day=day,
        start_times=list(times) or [time(10, 0)],
        minutes=minutes,
        mode=values.pop("mode", SlotMode.IN_PERSON),
        specialist=specialist,
        venue=values.pop("venue", None) or VenueFactory(hub=hub),
        weeks=weeks,
        **values,
    )
    return services.publish_slots(hub, plan, actor=specialist)


def slot(tenant, day: date, at: time = time(10, 0), **values):
    return slots(tenant, day, at, **values)[0]


_numbers = count(1)


def a_family(hub, name="花子", email=None):
    """A mother (with an e-mail address unless ``email=""``) and a child."""
    email = email if email is not None else f"parent{next(_numbers)}@example.jp"
    return family(hub, caregiver(given_name=name, email=email), child(given_name=f"{name}の子"))


def book(slot_, household, *, actor=None, message="", topics=(), **values):
    request = services.BookingRequest(
        household=household,
        contact=values.pop("contact", None),
        topics=list(topics),
        message=message,
        source=values.pop("source", BookingSource.STAFF if actor else BookingSource.PORTAL),
    )
    return services.book_slot(slot_.pk, request, actor=actor, **values)
