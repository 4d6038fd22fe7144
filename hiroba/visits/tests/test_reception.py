"""Reception at the counter: search as you type, one-tap check-in, cards, walk-ins."""

from __future__ import annotations

import html
import json
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.choices import VenueKind
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.choices import HouseholdStatus, Relation
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.views import VENUE_SESSION_KEY

pytestmark = pytest.mark.django_db
NOON = "2026-11-20T12:00:00+09:00"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def room(world):
    # An outreach site sorts first, so the default must pick the drop-in room by kind.
    VenueFactory(hub=world.a.hub, name="出張ひろば", kind=VenueKind.OUTREACH, sort_order=0)
    return VenueFactory(hub=world.a.hub, name="ひろば室", sort_order=1)


@pytest.fixture
def english_client(client):
    """Pages in English, for assertions on message text (the default UI is Japanese)."""
    client.cookies["hiroba_language"] = "en"
    return client


@pytest.fixture
def staff(world, english_client, room):
    english_client.force_login(world.a.person(Role.HUB_STAFF))
    return english_client


@pytest.fixture
def yamada(world):
    return family(
        world.a.hub,
        caregiver(phone="09012345678"),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child("太郎", "タロウ", date(2025, 5, 1)),  # 1 year 6 months
        child("", "", None, due_date=date(2027, 2, 1)),  # expected
    )


def _search(client, text, **extra):
    return client.get(reverse("visits:reception-search"), {"q": text}, **extra)


def _found(response) -> list[int]:
    return [card.household.pk for card in response.context["cards"]]


def _members(household) -> list[int]:
    return [m.pk for m in household.members.all() if not m.is_expected]


def _check_in(client, household, venue, members=None, **extra):
    data = {"venue": venue.pk, "members": members if members is not None else _members(household)}
    return client.post(reverse("visits:check-in", args=[household.pk]), data, **extra)


# -- search -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "yamada", "Yamada Hanako", "はなこ", "090-1234", "０９０１２３４"],
)
def test_search_finds_the_family_by_furigana_in_any_script_and_by_phone(staff, yamada, text):
    response = _search(staff, text, **HTMX)
    assert response.status_code == 200
    assert _found(response) == [yamada.pk]
    assert [t.name for t in response.templates][0] == "visits/partials/_reception_results.html"


def test_search_finds_the_family_by_qr_token_and_card_number(staff, yamada):
    assert _found(_search(staff, yamada.card_token.lower(), **HTMX)) == [yamada.pk]
    assert _found(_search(staff, yamada.card_number, **HTMX)) == [yamada.pk]


def test_search_without_htmx_renders_the_whole_page_and_the_plain_form_works(staff, yamada):
    response = staff.get(reverse("visits:reception"), {"q": "やまだ"})
    page = response.content.decode()
    assert response.templates[0].name == "visits/reception.html"
    assert _found(response) == [yamada.pk]
    assert 'hx-trigger="input changed delay:200ms"' in page
    assert "autofocus" in page and 'inputmode="text"' in page


def test_search_does_not_find_families_of_another_registry(world, staff, yamada):
    family(world.b.hub)  # another city's Yamada
    assert _found(_search(staff, "やまだ")) == [yamada.pk]


def test_result_card_shows_members_ages_pregnancy_and_badges(staff, yamada):
    page = _search(staff, "やまだ", **HTMX).content.decode()
    assert "山田 花子" in page and "山田 一郎" in page and "山田 太郎" in page
    assert "1 y 6 m" in page
    assert "Expecting a baby (due 2027-02-01)" in page
    assert "First visit" in page
    expected = yamada.members.get(due_date__isnull=False)
    assert f'value="{expected.pk}"' not in page  # a pregnancy cannot be ticked
    assert page.count(" checked") == 3  # every member who can come is preselected


def test_result_card_shows_pending_and_already_here(world, staff, room):
    pending = family(world.a.hub, caregiver("佐藤", "恵", "サトウ", "メグミ"), status="pending")
    page = _search(staff, "さとう", **HTMX).content.decode()
    assert "Pre-registered" in page
    assert "checking in confirms the registration" in page
    _check_in(staff, pending, room)
    page = _search(staff, "さとう", **HTMX).content.decode()
    assert "Here today since 12:00" in page
    assert "Update today's visit" in page
    assert "First visit" not in page


def test_search_results_take_a_fixed_number_of_queries(world, staff, room):
    def add_and_measure(count):
        for n in range(count):
            household = family(world.a.hub, caregiver(phone=f"0801111{n:04d}"), child())
            _check_in(staff, household, room)  # so every card shows today's visit too
        with CaptureQueriesContext(connection) as queries:
            response = _search(staff, "やまだ", **HTMX)
        return len(response.context["cards"]), len(queries)

    small_cards, small = add_and_measure(2)
    large_cards, large = add_and_measure(8)
    assert (small_cards, large_cards) == (2, 10)
    assert large == small


# -- one-tap check-in ---------------------------------------------------------------------------
def test_one_tap_creates_one_visit_with_the_right_counts(staff, yamada, room):
    response = _check_in(staff, yamada, room)
    assert response.status_code == 302 and response.url == reverse("visits:reception")
    visit = Visit.objects.get()
    assert (visit.venue, visit.household) == (room, yamada)
    assert (visit.adults, visit.fathers, visit.pregnant) == (2, 1, 1)
    assert (visit.children_1, visit.children, visit.first_visits) == (1, 1, 1)
    follow = staff.get(response.url)
    assert "山田 花子: checked in (3 people)." in follow.content.decode()
    assert staff.session[VENUE_SESSION_KEY] == room.pk


def test_a_second_tap_the_same_day_creates_nothing_twice(staff, yamada, room):
    _check_in(staff, yamada, room)
    response = _check_in(staff, yamada, room, **HTMX)
    assert Visit.objects.count() == 1
    assert VisitMonth.objects.get().visits == 1
    assert AuditLog.objects.filter(action="visits.visit.checked_in").count() == 1
    assert "山田 花子 is already checked in today." in response.content.decode()


def test_htmx_check_in_clears_the_results_and_shows_a_toast(staff, yamada, room):
    mother = yamada.members.get(given_name="花子")
    response = _check_in(staff, yamada, room, members=[mother.pk], **HTMX)
    page = response.content.decode()
    assert json.loads(response["HX-Trigger"]) == {"hiroba:checked-in": {}}
    assert 'hx-swap-oob="true"' in page and "checked in (1 people)" in page
    assert "Search for the next family." in page
    father = yamada.members.get(given_name="一郎")
    response = _check_in(staff, yamada, room, members=[father.pk], **HTMX)
    assert "added to today's visit (2 people)" in html.unescape(response.content.decode())
    assert Visit.objects.get().adults == 2


def test_check_in_refusals_show_the_service_message(staff, yamada, room):
    baby = yamada.members.get(given_name="太郎")
    response = _check_in(staff, yamada, room, members=[baby.pk], **HTMX)
    assert response["HX-Reswap"] == "none"
    assert "Choose at least one adult who came." in response.content.decode()
    response = _check_in(staff, yamada, room, members=[baby.pk])  # without JavaScript
    assert response.status_code == 200
    assert "Choose at least one adult who came." in response.content.decode()
    response = _check_in(staff, yamada, room, members=[])
    assert "Choose at least one family member who came." in response.content.decode()
    assert Visit.objects.count() == 0


def test_an_expected_baby_or_another_familys_member_cannot_be_posted(world, staff, yamada, room):
    expected = yamada.members.get(due_date__isnull=False)
    other = family(world.a.hub).members.first()
    for intruder in (expected, other):
        response = _check_in(staff, yamada, room, members=[*_members(yamada), intruder.pk])
        assert response.status_code == 200 and response.context["form"].errors
    assert Visit.objects.count() == 0


def test_a_venue_of_another_hub_is_refused(world, staff, yamada):
    foreign_room = VenueFactory(hub=world.b.hub)
    response = _check_in(staff, yamada, foreign_room)
    assert "venue" in response.context["form"].errors
    assert Visit.objects.count() == 0


def test_a_family_of_another_city_answers_404(world, staff, room):
    foreign = family(world.b.hub)
    assert _check_in(staff, foreign, room).status_code == 404


def test_staff_check_in_confirms_a_pre_registration(world, staff, room):
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)
    _check_in(staff, pending, room)
    pending.refresh_from_db()
    assert pending.status == HouseholdStatus.ACTIVE
    assert pending.registered_on == date(2026, 11, 20)
    assert AuditLog.objects.filter(action="families.household.confirmed").count() == 1


def test_a_refused_check_in_leaves_the_pre_registration_pending(world, staff, room):
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)
    baby = pending.members.get(kind="child")
    _check_in(staff, pending, room, members=[baby.pk])
    pending.refresh_from_db()
    assert pending.status == HouseholdStatus.PENDING
    assert not AuditLog.objects.filter(action="families.household.confirmed").exists()


def test_a_volunteer_checks_in_but_leaves_confirmation_to_staff(world, english_client, room):
    client = english_client
    client.force_login(world.a.person(Role.VOLUNTEER))
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)
    page = _search(client, "やまだ", **HTMX).content.decode()
    assert "a staff member confirms the registration" in page
    assert _check_in(client, pending, room).status_code == 302
    pending.refresh_from_db()
    assert Visit.objects.count() == 1
    assert pending.status == HouseholdStatus.PENDING


def test_check_in_page_without_javascript_lists_the_members(staff, yamada, room):
    response = staff.get(reverse("visits:check-in", args=[yamada.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "hx-post" not in page  # a plain form that redirects back to reception
    assert f'name="venue" value="{room.pk}"' in page


# -- venue --------------------------------------------------------------------------------------
def test_the_default_venue_is_the_first_drop_in_room_and_a_choice_is_remembered(world, staff, room):
    assert staff.get(reverse("visits:reception")).context["venue"] == room
    outreach = world.a.hub.venues.get(kind=VenueKind.OUTREACH)
    response = staff.post(reverse("visits:reception"), {"venue": outreach.pk})
    assert response.status_code == 302
    assert staff.get(reverse("visits:reception")).context["venue"] == outreach


def test_closed_and_foreign_venues_cannot_be_chosen(world, staff, room):
    closed = VenueFactory(hub=world.a.hub, is_active=False)
    for venue in (closed, VenueFactory(hub=world.b.hub)):
        staff.post(reverse("visits:reception"), {"venue": venue.pk})
        assert staff.get(reverse("visits:reception")).context["venue"] == room


def test_a_satellite_checks_in_at_its_own_rooms_from_the_main_registry(world, client, yamada):
    satellite_room = VenueFactory(hub=world.a.satellite)
    VenueFactory(hub=world.a.hub)
    person = world.a.person(Role.HUB_STAFF)
    client.force_login(person)
    session = client.session
    session["hiroba_hub_id"] = world.a.satellite.pk
    session.save()
    response = _search(client, "やまだ")
    assert response.context["venues"] == [satellite_room]
    assert _found(response) == [yamada.pk]
    _check_in(client, yamada, satellite_room)
    visit = Visit.objects.get()
    assert (visit.hub, visit.registry_hub) == (world.a.satellite, world.a.hub)


def test_a_hub_without_venues_says_so(world, english_client):
    client = english_client
    client.force_login(world.b.person(Role.HUB_STAFF))
    page = client.get(reverse("visits:reception")).content.decode()
    assert "This hub has no venue in use" in page


# -- card lookup --------------------------------------------------------------------------------
def test_card_lookup_shows_the_check_in_choice(staff, yamada):
    response = staff.get(reverse("visits:card-lookup"), {"code": yamada.card_token.lower()})
    assert response.status_code == 200
    assert response.context["card"].household == yamada
    assert "山田 太郎" in response.content.decode()


def test_an_unknown_or_foreign_card_is_not_recognised(world, staff):
    foreign = family(world.b.hub)
    for code in (foreign.card_token, "A" * 24, "not-a-card"):
        response = staff.get(reverse("visits:card-lookup"), {"code": code})
        assert "Card not recognised" in response.content.decode()
        assert "card" not in response.context


def test_the_scan_button_is_hidden_until_the_script_finds_a_camera(staff):
    page = staff.get(reverse("visits:reception")).content.decode()
    assert "data-card-scan hidden" in page
    assert "hiroba/js/reception.js" in page


# -- walk-ins -----------------------------------------------------------------------------------
def _walk_in(client, room, **counts):
    return client.post(reverse("visits:walk-in"), {"venue": room.pk, **counts})


def test_walk_in_counts_an_anonymous_group_with_full_width_digits(staff, room):
    response = _walk_in(
        staff, room, adults="２", fathers="1", children_0="１", children_3="3", first_visit="on"
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.household is None and visit.kind == "anonymous"
    assert (visit.adults, visit.fathers, visit.children_0, visit.children_3) == (2, 1, 1, 3)
    assert (visit.pairs, visit.first_visits) == (1, 1)


@pytest.mark.parametrize(
    ("counts", "field", "message"),
    [
        ({}, None, "Enter at least one adult or child."),
        ({"adults": "1", "fathers": "2"}, "fathers", "counted among the adults"),
        ({"adults": "1", "pregnant": "2"}, "pregnant", "counted among the adults too"),
        ({"adults": "abc"}, "adults", "Enter a whole number."),
        ({"adults": "-1"}, "adults", "greater than or equal to 0"),
        ({"adults": "20", "children_1": "20"}, None, "At most 30 people in one group."),
    ],
)
def test_walk_in_validation_messages(staff, room, counts, field, message):
    response = _walk_in(staff, room, **counts)
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field or "__all__")
    assert any(message in e for e in errors)
    assert message in html.unescape(response.content.decode())
    assert Visit.objects.count() == 0
