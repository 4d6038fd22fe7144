"""Staff planning pages: the program list, creating and editing a program, its dates,
publishing and cancelling."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.core.forms import LocalDateTimeField
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.choices import EntryStatus, ProgramStatus, SignupMode
from hiroba.programs.forms import ClockField
from hiroba.programs.models import Entry, Program
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def staff(world, client):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


@pytest.fixture
def room(world):
    return VenueFactory(hub=world.a.hub, name="ひろば室")


def _form(room, **changes) -> dict:
    data = {
        "title": "離乳食教室",
        "category": "class",
        "venue": room.pk,
        "language": "ja",
        "counts_as_lecture": "on",
        "requires_child": "on",
        "has_waitlist": "on",
        "signup_mode": SignupMode.FIRST_COME,
        "capacity_families": "10",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response) -> dict:
    return {
        name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()
    }


def _apply(prog, household):
    return services.apply(prog, household, caregivers_and_children(household))


# -- the list ------------------------------------------------------------------------------------
def test_the_list_shows_upcoming_programs_of_the_current_hub_with_seats_and_waiting(world, staff):
    prog = program(world.a.hub, title="ベビーマッサージ", capacity_families=1, capacity_people=3)
    for i in range(3):
        _apply(prog, family(world.a.hub, caregiver(given_name=f"花子{i}"), child()))
    program(world.b.hub, title="他の市の講座")
    page = staff.get(reverse("programs:program-list")).content.decode()
    assert "ベビーマッサージ" in page and "他の市の講座" not in page
    assert "1 / 1 families" in page and "2 / 3 people" in page
    assert "First come, first served" in page
    prog.refresh_from_db()
    assert prog.waitlisted_families == 2


def test_past_programs_are_on_their_own_tab(world, staff):
    past = program(world.a.hub, title="先月の講座", sessions=0, publish=False)
    services.add_session(
        past,
        timezone.now() - timedelta(days=30),
        timezone.now() - timedelta(days=30, hours=-2),
        actor=None,
    )
    program(world.a.hub, title="来週の講座")
    upcoming = staff.get(reverse("programs:program-list")).content.decode()
    past_tab = staff.get(reverse("programs:program-list"), {"tab": "past"}).content.decode()
    assert "来週の講座" in upcoming and "先月の講座" not in upcoming
    assert "先月の講座" in past_tab and "来週の講座" not in past_tab


def test_the_list_takes_a_fixed_number_of_queries(world, staff, django_assert_num_queries):
    program(world.a.hub)
    url = reverse("programs:program-list")
    staff.get(url)  # the first request of a session stores the current hub
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for _ in range(6):
        program(world.a.hub, sessions=2)
    with django_assert_num_queries(len(few)):
        response = staff.get(url)
    assert len(response.context["page"].object_list) == 7


def test_volunteers_see_the_list_but_not_the_new_program_button(world, client):
    client.force_login(world.a.person(Role.VOLUNTEER))
    response = client.get(reverse("programs:program-list"))
    assert response.status_code == 200
    assert reverse("programs:program-create") not in response.content.decode()
    assert client.get(reverse("programs:program-create")).status_code == 403


# -- creating ------------------------------------------------------------------------------------
def test_a_new_program_is_a_draft_with_times_read_in_japan(world, staff, room):
    data = _form(
        room,
        signup_mode=SignupMode.LOTTERY,
        opens_at="２０２６/４/１ １０：００",
        closes_at="2026-04-10T17:00",
        draw_at="2026-04-11 09:00",
        priority_groups=["resident", "first_time"],
        capacity_families="１２",
        min_age_months="6",
        max_age_months="11",
    )
    response = staff.post(reverse("programs:program-create"), data)
    created = Program.objects.get(hub=world.a.hub)
    assert response.status_code == 302
    assert response.url == reverse("programs:program-sessions", args=[created.pk])
    assert created.status == ProgramStatus.DRAFT
    assert created.capacity_families == 12
    assert created.opens_at == datetime(2026, 4, 1, 10, 0, tzinfo=TOKYO)
    assert created.closes_at == datetime(2026, 4, 10, 17, 0, tzinfo=TOKYO)
    assert created.priority_groups == ["resident", "first_time"]
    assert (created.min_age_months, created.max_age_months) == (6, 11)
    assert created.created_by == world.a.person(Role.HUB_STAFF)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"opens_at": "2026-04-10 10:00", "closes_at": "2026-04-01 10:00"},
            "closes_at",
            "Applications must close after they open.",
        ),
        (
            {"signup_mode": "lottery", "closes_at": "2026-04-10 10:00"},
            "draw_at",
            "Enter when the lottery is drawn.",
        ),
        (
            {"signup_mode": "lottery", "draw_at": "2026-04-10 10:00"},
            "closes_at",
            "A lottery needs the time applications close.",
        ),
        (
            {
                "signup_mode": "lottery",
                "closes_at": "2026-04-10 10:00",
                "draw_at": "2026-04-09 10:00",
            },
            "draw_at",
            "The lottery is drawn after applications close, not before.",
        ),
        (
            {"min_age_months": "12", "max_age_months": "6"},
            "max_age_months",
            "The youngest age must not be above the oldest age.",
        ),
        ({"max_pregnancy_week": "43"}, "max_pregnancy_week", "Enter a week from 0 to 42."),
        (
            {"min_pregnancy_week": "30", "max_pregnancy_week": "20"},
            "max_pregnancy_week",
            "The first week of pregnancy must not be after the last week.",
        ),
        (
            {"capacity_families": ""},
            "capacity_families",
            "Enter the capacity in families, in people or both.",
        ),
        ({"opens_at": "来週"}, "opens_at", "Enter a date and time such as 2026-04-01 10:00."),
    ],
)
@pytest.mark.usefixtures("english")
def test_planning_mistakes_get_a_message_next_to_the_field(staff, room, changes, field, message):
    response = staff.post(reverse("programs:program-create"), _form(room, **changes))
    assert response.status_code == 200
    assert message in _errors(response)[field]
    assert not Program.objects.exists()


def test_a_drop_in_program_needs_no_capacity_and_keeps_no_sign_up_times(staff, room):
    data = _form(
        room, signup_mode=SignupMode.DROP_IN, capacity_families="", closes_at="2026-04-01 10:00"
    )
    assert staff.post(reverse("programs:program-create"), data).status_code == 302
    created = Program.objects.get()
    assert created.capacity_families is None and created.closes_at is None


def test_only_venues_of_the_current_hub_can_be_chosen(english, world, staff, room):
    foreign = VenueFactory(hub=world.b.hub)
    response = staff.post(reverse("programs:program-create"), _form(room, venue=foreign.pk))
    assert "Choose one of this hub's venues." in _errors(response)["venue"]
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "typed",
    [
        "2026-04-01 10:30",
        "2026-04-01T10:30",
        "2026/4/1 10:30",
        "２０２６/０４/０１　１０：３０",
        "2026年4月1日 10時半",
        "2026年4月1日10時30分",
    ],
)
def test_date_and_time_are_read_as_staff_type_them(typed):
    field = LocalDateTimeField()
    assert field.clean(typed) == datetime(2026, 4, 1, 10, 30, tzinfo=TOKYO)


@pytest.mark.parametrize("typed", ["10:30", "１０：３０", "1030", "10時30分", "10時半"])
def test_clock_times_are_read_as_staff_type_them(typed):
    assert ClockField().clean(typed) == time(10, 30)


# -- editing -------------------------------------------------------------------------------------
def test_capacity_below_the_seats_taken_is_refused_by_the_service(english, world, staff):
    prog = program(world.a.hub, capacity_families=3)
    for i in range(2):
        _apply(prog, family(world.a.hub, caregiver(given_name=f"花子{i}"), child()))
    data = _form(prog.venue, title=prog.title, capacity_families="1")
    response = staff.post(reverse("programs:program-edit", args=[prog.pk]), data)
    assert (
        "The capacity cannot be lower than the seats already taken (2)."
        in (_errors(response)["capacity_families"])
    )
    prog.refresh_from_db()
    assert prog.capacity_families == 3


def test_raising_the_capacity_offers_seats_to_the_waiting_list(world, staff):
    prog = program(world.a.hub, capacity_families=1)
    first, second = (
        _apply(prog, family(world.a.hub, caregiver(given_name=f"花子{i}"), child()))
        for i in range(2)
    )
    data = _form(prog.venue, title="新しい題名", capacity_families="2")
    response = staff.post(reverse("programs:program-edit", args=[prog.pk]), data)
    assert response.status_code == 302
    prog.refresh_from_db()
    second.refresh_from_db()
    assert prog.title == "新しい題名"
    assert second.status == EntryStatus.OFFERED


def test_the_way_of_signing_up_cannot_change_once_families_applied(english, world, staff):
    prog = program(world.a.hub)
    _apply(prog, family(world.a.hub))
    data = _form(
        prog.venue,
        signup_mode="lottery",
        closes_at="2030-04-01 10:00",
        draw_at="2030-04-02 10:00",
    )
    response = staff.post(reverse("programs:program-edit", args=[prog.pk]), data)
    assert "Families have already applied" in _errors(response)["signup_mode"][0]


def test_the_edit_form_shows_the_stored_values_in_japan_time(world, staff):
    opens = datetime(2026, 4, 1, 9, 30, tzinfo=TOKYO)
    prog = program(world.a.hub, opens_at=opens, priority_groups=["not_won_before", "resident"])
    response = staff.get(reverse("programs:program-edit", args=[prog.pk]))
    page = response.content.decode()
    assert 'value="2026-04-01T09:30"' in page
    choices = [
        value for value, _label in response.context["form"].fields["priority_groups"].choices
    ]
    assert choices[:2] == ["not_won_before", "resident"]


def test_another_hubs_program_is_not_found(world, staff):
    prog = program(world.b.hub)
    assert staff.get(reverse("programs:program-edit", args=[prog.pk])).status_code == 404
    assert staff.get(reverse("programs:program-sessions", args=[prog.pk])).status_code == 404


# -- dates ---------------------------------------------------------------------------------------
def test_a_date_is_added_with_times_typed_in_full_width(world, staff):
    prog = program(world.a.hub, sessions=0, publish=False)
    data = {"day": "2026/6/3", "starts": "１０：００", "ends": "11時半", "note": ""}
    response = staff.post(reverse("programs:program-sessions", args=[prog.pk]), data)
    assert response.status_code == 302
    prog.refresh_from_db()
    assert prog.first_starts_at == datetime(2026, 6, 3, 10, 0, tzinfo=TOKYO)
    assert prog.last_ends_at == datetime(2026, 6, 3, 11, 30, tzinfo=TOKYO)


def test_a_date_must_end_after_it_starts(english, world, staff):
    prog = program(world.a.hub, sessions=0, publish=False)
    data = {"day": "2026-06-03", "starts": "11:00", "ends": "10:00"}
    response = staff.post(reverse("programs:program-sessions", args=[prog.pk]), data)
    assert "The end must be after the start." in _errors(response)["ends"]
    assert not prog.sessions.exists()


def test_a_date_is_changed_and_removed(world, staff):
    prog = program(world.a.hub, sessions=2)
    first, second = prog.sessions.order_by("starts_at")
    data = {"day": "2030-01-07", "starts": "13:00", "ends": "15:00", "note": "2回目"}
    staff.post(reverse("programs:session-edit", args=[second.pk]), data)
    second.refresh_from_db()
    assert second.starts_at == datetime(2030, 1, 7, 13, 0, tzinfo=TOKYO)
    assert second.note == "2回目"
    staff.post(reverse("programs:session-remove", args=[first.pk]))
    prog.refresh_from_db()
    assert list(prog.sessions.all()) == [second]
    assert prog.first_starts_at == second.starts_at


def test_the_last_date_of_a_published_program_is_not_removed(english, world, staff):
    prog = program(world.a.hub)
    session = prog.sessions.get()
    response = staff.post(reverse("programs:session-remove", args=[session.pk]), follow=True)
    assert "Cancel the program instead." in response.content.decode()
    assert prog.sessions.count() == 1


# -- publishing and cancelling -------------------------------------------------------------------
def test_a_draft_is_published_only_with_a_date(english, world, staff):
    prog = program(world.a.hub, sessions=0, publish=False)
    url = reverse("programs:program-publish", args=[prog.pk])
    response = staff.post(url, follow=True)
    assert "Add at least one date before publishing." in response.content.decode()
    prog.refresh_from_db()
    assert prog.status == ProgramStatus.DRAFT
    services.add_session(
        prog,
        timezone.now() + timedelta(days=3),
        timezone.now() + timedelta(days=3, hours=2),
        actor=None,
    )
    staff.post(url)
    prog.refresh_from_db()
    assert prog.status == ProgramStatus.PUBLISHED


def test_cancelling_a_program_cancels_every_entry_after_a_confirmation(english, world, staff):
    prog = program(world.a.hub, capacity_families=1)
    entries = [
        _apply(prog, family(world.a.hub, caregiver(given_name=f"花子{i}"), child()))
        for i in range(2)
    ]
    url = reverse("programs:program-cancel", args=[prog.pk])
    confirm = staff.get(url).content.decode()
    assert "2 families have signed up." in confirm
    assert Entry.objects.active().count() == 2
    staff.post(url)
    prog.refresh_from_db()
    assert prog.status == ProgramStatus.CANCELLED
    for entry in entries:
        entry.refresh_from_db()
        assert entry.status == EntryStatus.CANCELLED and entry.cancelled_by_staff
    assert (prog.taken_families, prog.waitlisted_families) == (0, 0)


def test_volunteers_cannot_plan_or_cancel(world, client):
    prog = program(world.a.hub)
    client.force_login(world.a.person(Role.VOLUNTEER))
    assert client.get(reverse("programs:program-edit", args=[prog.pk])).status_code == 403
    assert client.post(reverse("programs:program-cancel", args=[prog.pk])).status_code == 403
    prog.refresh_from_db()
    assert prog.status == ProgramStatus.PUBLISHED


# -- text in other languages ------------------------------------------------------------------
def test_a_program_is_written_in_easy_japanese_and_english_too(world, staff, room):
    data = _form(
        room,
        title_easy="りにゅうしょく の 教室",
        description_en="Learn to make baby food.",
    )
    assert staff.post(reverse("programs:program-create"), data).status_code == 302
    prog = Program.objects.get()
    assert prog.translations == {
        "ja-easy": {"title": "りにゅうしょく の 教室"},
        "en": {"description": "Learn to make baby food."},
    }
    Program.objects.filter(pk=prog.pk).update(
        translations={**prog.translations, "zh": {"title": "辅食课"}}
    )
    edit = reverse("programs:program-edit", args=[prog.pk])
    assert 'value="りにゅうしょく の 教室"' in staff.get(edit).content.decode()
    data = _form(room, title_en="Baby food class", description_en="")
    assert staff.post(edit, data).status_code == 302
    prog.refresh_from_db()
    assert prog.translations == {"en": {"title": "Baby food class"}, "zh": {"title": "辅食课"}}
