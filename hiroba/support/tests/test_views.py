"""Staff pages: publishing slots as typed, the schedule, booking for a family who called, who
reads what the family wrote (audited), recording the meeting, statistics for the ward."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.accounts.context import SESSION_KEY
from hiroba.consultations.areas import Area
from hiroba.consultations.models import Consultation
from hiroba.consultations.tests.factories import topics
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.support import services, statistics
from hiroba.support.choices import BookingSource, BookingStatus
from hiroba.support.models import SupportBooking, SupportSlot
from hiroba.support.tests.factories import SECRET, a_family, book, slot, slots
from hiroba.support.tests.test_services import _consultation_data

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
NEXT_WEEK = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _as(client, world, role):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(role))
    return client


def test_slots_are_published_as_typed_with_full_width_times(client, world):
    _as(client, world, Role.USER_SUPPORT)
    venue = VenueFactory(hub=world.a.hub)
    response = client.post(
        reverse("support:slot-create"),
        {
            "day": "Ｒ８．１１．２７",
            "start_times": "１０：００、11時 13時半",
            "minutes": "５０",
            "mode": "in_person",
            "specialist": world.a.person(Role.USER_SUPPORT).pk,
            "venue": venue.pk,
            "note": "英語対応可",
            "weeks": "2",
        },
    )
    assert response.status_code == 302
    starts = sorted(
        s.starts_at.astimezone(TOKYO).strftime("%m-%d %H:%M") for s in SupportSlot.objects.all()
    )
    assert starts == [
        "11-27 10:00", "11-27 11:00", "11-27 13:30",
        "12-04 10:00", "12-04 11:00", "12-04 13:30",
    ]  # fmt: skip
    assert set(SupportSlot.objects.values_list("note", flat=True)) == {"英語対応可"}


def test_a_time_that_is_not_a_time_is_named_and_nothing_is_saved(client, world):
    _as(client, world, Role.USER_SUPPORT)
    response = client.post(
        reverse("support:slot-create"),
        {
            "day": "2026-11-27",
            "start_times": "10:00 25:99",
            "minutes": "50",
            "mode": "phone",
            "specialist": world.a.person(Role.USER_SUPPORT).pk,
            "weeks": "1",
        },
    )
    assert response.status_code == 200
    assert "25:99 is not a time" in response.content.decode()
    assert not SupportSlot.objects.exists()


def test_the_schedule_shows_who_booked_but_never_what_they_wrote(client, world):
    booked = slot(world.a, NEXT_WEEK, time(10, 0))
    slot(world.a, NEXT_WEEK, time(11, 0))
    household = a_family(world.a.hub)
    book(booked, household, message=SECRET)
    _as(client, world, Role.HUB_STAFF)
    page = client.get(reverse("support:schedule") + "?week=2026-11-27").content.decode()
    assert household.card_number in page or str(household) in page
    assert "Free" in page
    assert SECRET not in page


def test_counter_staff_book_for_a_family_by_card_number(client, world):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub)
    _as(client, world, Role.HUB_STAFF)
    response = client.post(
        reverse("support:slot-book", kwargs={"slot_id": free.pk}),
        {"card_number": household.card_number, "message": "電話で予約。保育園の相談"},
    )
    assert response.status_code == 302
    booking = SupportBooking.objects.get()
    assert booking.household == household
    assert booking.source == BookingSource.STAFF
    assert booking.entered_by == world.a.person(Role.HUB_STAFF)


def test_an_unknown_card_number_is_explained(client, world):
    free = slot(world.a, NEXT_WEEK)
    stranger = a_family(world.b.hub)
    _as(client, world, Role.HUB_STAFF)
    response = client.post(
        reverse("support:slot-book", kwargs={"slot_id": free.pk}),
        {"card_number": stranger.card_number},
    )
    assert "No family of this hub has that card number." in response.content.decode()
    assert not SupportBooking.objects.exists()


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        (Role.USER_SUPPORT, True),  # the slot's specialist
        (Role.HUB_MANAGER, True),  # consultation access
        (Role.HUB_STAFF, False),  # takes bookings, does not read them
    ],
)
def test_only_the_specialist_and_consultation_access_read_the_message(client, world, role, reads):
    booking = book(slot(world.a, NEXT_WEEK), a_family(world.a.hub), message=SECRET)
    _as(client, world, role)
    page = client.get(reverse("support:booking-detail", kwargs={"booking_id": booking.pk}))
    assert page.status_code == 200
    assert (SECRET in page.content.decode()) is reads
    assert "no-store" in page["Cache-Control"]
    rows = AuditLog.objects.filter(action="support.supportbooking.viewed")
    assert rows.count() == (1 if reads else 0)
    if reads:
        row = rows.get()
        assert row.actor == world.a.person(role)
        assert row.payload["fields"] == ["topics", "message"]
        assert SECRET not in str(row.payload)


def test_another_hubs_booking_answers_404(client, world):
    booking = book(slot(world.b, NEXT_WEEK), a_family(world.b.hub))
    _as(client, world, Role.HUB_MANAGER)
    url = reverse("support:booking-detail", kwargs={"booking_id": booking.pk})
    assert client.get(url).status_code == 404


def test_the_specialist_records_the_meeting_from_the_booking(client, world):
    household = a_family(world.a.hub)
    booking = book(slot(world.a, NEXT_WEEK), household, topics=topics(world.a.hub, "sleep"))
    url = reverse("support:booking-record", kwargs={"booking_id": booking.pk})
    with time_machine.travel(datetime(2026, 11, 27, 11, 0, tzinfo=TOKYO), tick=False):
        _as(client, world, Role.USER_SUPPORT)  # a week later: a fresh sign-in
        form = client.get(url)
        assert form.context["form"].initial["channel"] == "individual"
        assert form.context["form"].initial["card_number"] == household.card_number
        response = client.post(
            url,
            {
                "happened_on": "2026-11-27",
                "happened_time": "10:00",
                "channel": "individual",
                "duration_minutes": "50",
                "card_number": household.card_number,
                "caregiver": "mother",
                "child_ages": "1歳",
                "topics": [t.pk for t in topics(world.a.hub, "sleep")],
                "summary": "寝かしつけの工夫を一緒に考えた",
                "outcome": "advice",
            },
        )
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    assert booking.consultation == consultation
    assert response.url == reverse(
        "consultations:consultation-detail", kwargs={"consultation_id": consultation.pk}
    )


def test_statistics_count_booked_and_walk_in_and_hide_small_cells_from_the_ward(client, world):
    booking = book(slot(world.a, NEXT_WEEK), a_family(world.a.hub))
    with time_machine.travel(datetime(2026, 11, 27, 11, 0, tzinfo=TOKYO), tick=False):
        services.record_booking_consultation(
            booking,
            _consultation_data(world.a.hub, booking.household),
            actor=world.a.person(Role.USER_SUPPORT),
        )
    _as(client, world, Role.USER_SUPPORT)
    stats = client.get(reverse("support:statistics")).context["stats"]
    booked = next(r for r in stats["individual"] if r["label"] == "booked")
    assert booked["total"] == 1
    assert dict(stats["outcomes"])["attended"] == 1
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    session = client.session
    session[SESSION_KEY] = world.a.hub.pk
    session.save()
    ward = client.get(reverse("support:statistics"))
    assert ward.status_code == 200
    stats = ward.context["stats"]
    assert stats["suppressed"] is True
    booked = next(r for r in stats["individual"] if r["label"] == "booked")
    assert booked["cells"][7] is None  # November: 1, hidden
    assert booked["total"] is None


def _slots_at(world, hub, count, hour=10):
    """``count`` slots on the days after next Tuesday, at ``hour`` (one specialist: the hours
    of two hubs must differ)."""
    specialist = world.a.person(Role.USER_SUPPORT)
    for index in range(count):
        slots(hub, date(2026, 11, 24 + index), time(hour, 0), specialist=specialist)


def test_the_ward_view_and_download_count_every_hub_of_the_ward(client, world):
    _slots_at(world, world.a.hub, 5)
    _slots_at(world, world.a.satellite, 6, hour=14)
    official = _as(client, world, Role.WARD_OFFICIAL)
    page = official.get(reverse("support:statistics"), {"ward": world.a.ward.pk})
    assert page.context["stats"]["slots_published"] == 11  # 5 + 6 across the ward
    assert page.context["area"].whole_ward
    response = official.get(
        reverse("support:statistics-export"), {"ward": world.a.ward.pk, "format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    assert "hiroba-user-support-2026.csv" in response["Content-Disposition"]
    assert "Slots published,11" in text.splitlines()
    assert "Slots booked,0" in text.splitlines()
    assert SECRET not in text
    entry = AuditLog.objects.get(action="support.statistics.exported")
    assert entry.hub_id is None and entry.ward_id == world.a.ward.pk
    assert entry.payload["small_cells_hidden"] is True


def test_a_hub_role_gets_no_ward_view_and_the_team_gets_exact_files(client, world):
    _slots_at(world, world.a.hub, 2)
    team = _as(client, world, Role.USER_SUPPORT)
    url = reverse("support:statistics")
    assert team.get(url, {"ward": world.a.ward.pk}).status_code == 403
    assert team.get(url, {"ward": world.b.ward.pk}).status_code == 404
    response = team.get(reverse("support:statistics-export"), {"format": "csv"})
    assert "Slots published,2" in response.content.decode("utf-8-sig").splitlines()
    assert team.get(reverse("support:statistics-export"), {"format": "ods"}).status_code == 400


def test_sums_of_hidden_booking_outcomes_are_hidden_with_them(world, english):
    for index in range(6):
        booking = book(slot(world.a, date(2026, 11, 24 + index)), a_family(world.a.hub))
        if index == 0:
            with time_machine.travel(datetime(2026, 11, 24, 11, 0, tzinfo=TOKYO), tick=False):
                services.mark_no_show(booking, actor=world.a.person(Role.USER_SUPPORT))
    stats = statistics.support_statistics(Area.of_hub(world.a.hub), 2026, suppress=True)
    outcomes = dict(stats["outcomes"])
    assert outcomes["no_show"] is None and outcomes["waiting"] is None  # 1, and 5 beside it
    assert stats["slots_booked"] is None and stats["slots_held"] is None
    exact = statistics.support_statistics(Area.of_hub(world.a.hub), 2026, suppress=False)
    assert (exact["slots_booked"], exact["slots_held"]) == (6, 1)
