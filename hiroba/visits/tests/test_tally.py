"""Entering a day's tally by hand (outreach days without individual check-in)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from hiroba.accounts.choices import Role
from hiroba.core.tests.factories import VenueFactory
from hiroba.visits import services
from hiroba.visits.choices import VisitKind
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
URL = reverse("visits:tally-entry")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


@pytest.fixture
def venue(world):
    return VenueFactory(hub=world.a.satellite, name="さくら地区センター")


@pytest.fixture
def staff(world, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


def _post(client, venue, **counts):
    data = {"venue": venue.pk, "visited_on": "R8.11.3", "pairs": "4", "adults": "5"}
    data.update({k: str(v) for k, v in counts.items()})
    return client.post(URL, data)


def test_a_day_tally_is_saved_with_its_counts(world, venue, staff):
    response = _post(staff, venue, fathers="１", children_0="３", children_2="2", first_visits="1")
    assert response.status_code == 302 and response.url == URL
    visit = Visit.objects.get()
    assert (visit.kind, visit.source_key, visit.venue, visit.visited_on) == (
        VisitKind.TALLY,
        "manual",
        venue,
        date(2026, 11, 3),
    )
    assert (visit.pairs, visit.adults, visit.fathers, visit.children_0, visit.children_2) == (
        4,
        5,
        1,
        3,
        2,
    )
    assert visit.recorded_by == world.a.person(Role.HUB_STAFF)
    assert VisitMonth.objects.get().pairs == 4
    assert "Saved: さくら地区センター, 4 groups, 10 people." in staff.get(URL).content.decode()


def test_the_same_venue_and_day_is_not_entered_twice(world, venue, staff):
    _post(staff, venue, children_1=2)
    response = _post(staff, venue, children_1=3)
    assert response.status_code == 200
    assert "already entered (4 groups, 7 people)" in response.content.decode()
    assert Visit.objects.get().children_1 == 2


@pytest.mark.parametrize(
    "case",
    [
        ({"visited_on": "2026/11/21"}, "visited_on", "future date"),
        ({"visited_on": "R8.2.30"}, "visited_on", "does not exist"),
        ({"fathers": 6}, "fathers", "cannot outnumber the adults"),
        ({"adults": "0", "pairs": "0"}, None, "at least one adult or child"),
        ({"adults": "-1"}, "adults", "greater than or equal to 0"),
        ({"adults": "たくさん"}, "adults", "whole number"),
    ],
)
def test_bad_counts_and_dates_are_explained(world, venue, staff, case):
    counts, field, message = case
    response = _post(staff, venue, **counts)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors), form.errors
    assert not Visit.objects.exists()
    assert response.context["form"]["adults"].value() == counts.get("adults", "5")  # kept


def test_only_venues_of_the_hub_group_in_use_can_be_chosen(world, venue, staff):
    foreign = VenueFactory(hub=world.b.hub)
    closed = VenueFactory(hub=world.a.hub, is_active=False)
    for other in (foreign, closed):
        response = _post(staff, other)
        assert "venue" in response.context["form"].errors
    assert not Visit.objects.exists()
    choices = [name for _pk, name in response.context["form"].fields["venue"].choices]
    assert choices == ["さくら地区センター"]


def test_a_day_imported_from_a_spreadsheet_is_not_entered_again(world, venue, staff):
    services.record_tally(
        venue,
        date(2026, 11, 3),
        Counts(pairs=2, adults=2, children_0=2),
        actor=None,
        source_key="import",
    )
    response = _post(staff, venue, children_1=2)
    assert "imported from a spreadsheet (2 groups, 4 people)" in response.content.decode()
    assert Visit.objects.count() == 1


def test_the_import_is_offered_to_those_who_may_import(world, venue, staff):
    import_url = reverse("visits:tally-import")
    assert import_url not in staff.get(URL).content.decode()
    staff.force_login(world.a.person(Role.HUB_MANAGER))
    assert import_url in staff.get(URL).content.decode()


def test_volunteers_cannot_enter_tallies(world, venue, client):
    client.force_login(world.a.person(Role.VOLUNTEER))
    assert client.get(URL).status_code == 403
    assert _post(client, venue).status_code == 403


def test_recent_tallies_use_a_fixed_number_of_queries(
    world, venue, staff, django_assert_num_queries
):
    def add(days):
        for day in days:
            services.record_tally(venue, date(2026, 10, day), Counts(adults=1), actor=None)

    add([1])
    staff.get(URL)  # the first request sets up the session
    with CaptureQueriesContext(connection) as one:
        staff.get(URL)
    add(range(2, 12))
    with django_assert_num_queries(len(one.captured_queries)):
        page = staff.get(URL).content.decode()
    assert page.count("さくら地区センター</td>") == 11
