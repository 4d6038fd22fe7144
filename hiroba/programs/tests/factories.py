"""Factories for programs: ``program()`` builds a published program with one session through
the services, so counters and the session span are set as in real use."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.programs import services
from hiroba.programs.choices import ProgramCategory, SignupMode


def program(
    hub=None,
    *,
    starts_at: datetime | None = None,
    hours: int = 2,
    sessions: int = 1,
    publish: bool = True,
    actor=None,
    **values,
):
    hub = hub or HubFactory()
    venue = values.pop("venue", None) or VenueFactory(hub=hub)
    starts_at = starts_at or (timezone.now() + timedelta(days=14)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )  # 10:00 in Tokyo
    defaults = {
        "title": "離乳食教室",
        "category": ProgramCategory.CLASS,
        "venue": venue,
        "capacity_families": 10,
        "signup_mode": SignupMode.FIRST_COME,
    }
    defaults.update(values)
    created = services.create_program(hub, defaults, actor=actor)
    for week in range(sessions):
        start = starts_at + timedelta(weeks=week)
        services.add_session(created, start, start + timedelta(hours=hours), actor=actor)
    if publish:
        services.publish_program(created, actor=actor)
    created.refresh_from_db()
    return created


def caregivers_and_children(household):
    """Everyone present in a family, as sign-up takes them."""
    return list(
        household.members.filter(left_on__isnull=True).exclude(
            birth_date__isnull=True, due_date__isnull=False
        )
    )
