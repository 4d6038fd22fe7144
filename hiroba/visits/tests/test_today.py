"""The today board: who is here, the day's counts per venue, capacity, check-out and removal."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.choices import Relation
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family
from hiroba.visits import services
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.services import Counts

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def room(world):
    return VenueFactory(hub=world.a.hub, name="ひろば室", capacity_pairs=3)


def _login(client, user):
    client.cookies["hiroba_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def staff(world, client, room):
    return _login(client, world.a.person(Role.HUB_STAFF))


def _arrive(hub, venue, *members, on=None):
    household = family(hub, *members)
    ids = [m.pk for m in household.members.all()]
    return services.check_in(household, venue, ids, actor=None, on=on)[0]


def _board(client, **extra):
    return client.get(reverse("visits:today-board"), **extra)


def test_the_board_shows_who_is_here_and_the_days_counts(world, staff, room):
    _arrive(
        world.a.hub,
        room,
        caregiver(),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child("太郎", "タロウ", date(2026, 3, 1)),  # 0
        child("花", "ハナ", date(2023, 1, 1)),  # 3
    )
    left = _arrive(world.a.hub, room, caregiver("鈴木", "愛", "スズキ", "アイ"), child())
    services.check_out(left, actor=None)
    services.record_walk_in(room, Counts(adults=1, children_2=1, first_visits=1), actor=None)
    _arrive(world.a.hub, room, caregiver("昨日", "来た", "キノウ", "キタ"), on=date(2026, 11, 19))

    response = _board(staff)
    board = response.context["board"]
    (venue_board,) = board.venues
    assert [v.household.card_number if v.household else "walk-in" for v in venue_board.present] == [
        "000001",
        "walk-in",
    ]
    assert [v.pk for v in venue_board.left] == [left.pk]
    tally = venue_board.tally
    assert (tally.pairs, tally.adults, tally.fathers) == (3, 4, 1)
    assert (tally.children_0, tally.children_1, tally.children_2, tally.children_3) == (1, 1, 1, 1)
    assert (tally.first_visits, tally.walk_ins) == (3, 1)
    page = response.content.decode()
    assert "山田 花子、山田 一郎、山田 太郎、山田 花" in page
    assert "1 adults, 1 children" in page  # the walk-in group
    assert "昨日" not in page


def test_only_the_current_hubs_venues_are_on_the_board(world, staff, room):
    satellite_room = VenueFactory(hub=world.a.satellite)
    _arrive(world.a.hub, satellite_room)
    board = _board(staff).context["board"]
    assert [b.venue for b in board.venues] == [room]
    assert board.total.pairs == 0


def test_capacity_warning_when_the_room_is_full(world, staff, room):
    for _ in range(2):
        _arrive(world.a.hub, room)
    assert "Capacity reached." not in _board(staff).content.decode()
    services.record_walk_in(room, Counts(adults=1, children_1=1), actor=None)
    page = _board(staff).content.decode()
    assert "Capacity reached." in page
    assert "3 groups are here; the room is for 3 pairs." in page
    services.check_out(Visit.objects.filter(kind="anonymous").get(), actor=None)
    assert "Capacity reached." not in _board(staff).content.decode()


def test_a_venue_without_capacity_never_warns(world, staff, room):
    room.capacity_pairs = None
    room.save()
    for _ in range(4):
        _arrive(world.a.hub, room)
    assert not _board(staff).context["board"].venues[0].at_capacity


def test_the_board_polls_every_30_seconds_as_a_fragment(staff):
    page = _board(staff).content.decode()
    assert 'hx-trigger="every 30s"' in page
    fragment = _board(staff, HTTP_HX_REQUEST="true")
    assert fragment.templates[0].name == "visits/partials/_today_board.html"
    assert "<html" not in fragment.content.decode()


def test_the_board_takes_a_fixed_number_of_queries(world, staff, room):
    room.capacity_pairs = 50
    room.save()

    def add_and_measure(count):
        for _ in range(count):
            _arrive(world.a.hub, room, caregiver(), child(), child("次郎", "ジロウ"))
        services.record_walk_in(room, Counts(adults=1), actor=None)
        _board(staff)  # the first request of a session records the device; measure the next
        with CaptureQueriesContext(connection) as queries:
            response = _board(staff)
        return response.context["board"].groups_present, len(queries)

    small_groups, small = add_and_measure(2)
    large_groups, large = add_and_measure(8)
    assert (small_groups, large_groups) == (3, 12)
    assert large == small


def test_check_out_moves_the_family_to_left_today(world, staff, room):
    visit = _arrive(world.a.hub, room)
    response = staff.post(reverse("visits:check-out", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.checked_out_at is not None
    board = _board(staff).context["board"]
    assert board.venues[0].present == [] and board.venues[0].left == [visit]
    again = staff.post(reverse("visits:check-out", args=[visit.pk]), follow=True)
    assert "This visit is already checked out." in again.content.decode()


def test_check_out_is_post_only(world, staff, room):
    visit = _arrive(world.a.hub, room)
    assert staff.get(reverse("visits:check-out", args=[visit.pk])).status_code == 405


def test_removing_a_visit_asks_first_then_updates_the_rollup(world, staff, room):
    visit = _arrive(world.a.hub, room)
    url = reverse("visits:cancel-visit", args=[visit.pk])
    confirm = staff.get(url)
    assert confirm.status_code == 200
    assert "Remove the visit" in confirm.content.decode()
    assert Visit.objects.count() == 1
    response = staff.post(url)
    assert response.status_code == 302
    assert Visit.objects.count() == 0
    assert VisitMonth.objects.get().visits == 0


def test_a_volunteer_checks_out_but_cannot_remove_visits(world, client, room):
    volunteer = _login(client, world.a.person(Role.VOLUNTEER))
    visit = _arrive(world.a.hub, room)
    page = _board(volunteer).content.decode()
    assert "Check out" in page
    assert reverse("visits:cancel-visit", args=[visit.pk]) not in page
    assert volunteer.get(reverse("visits:cancel-visit", args=[visit.pk])).status_code == 403
    assert volunteer.post(reverse("visits:cancel-visit", args=[visit.pk])).status_code == 403
    assert Visit.objects.count() == 1
    assert volunteer.post(reverse("visits:check-out", args=[visit.pk])).status_code == 302


def test_staff_see_the_remove_link(world, staff, room):
    visit = _arrive(world.a.hub, room)
    assert reverse("visits:cancel-visit", args=[visit.pk]) in _board(staff).content.decode()


def test_visits_of_another_city_answer_404(world, staff):
    foreign = _arrive(world.b.hub, VenueFactory(hub=world.b.hub))
    assert staff.post(reverse("visits:check-out", args=[foreign.pk])).status_code == 404
    assert staff.get(reverse("visits:cancel-visit", args=[foreign.pk])).status_code == 404
