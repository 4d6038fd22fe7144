"""Slots and bookings: what the services allow and refuse, and what they leave behind."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction

from hiroba.accounts.choices import Role
from hiroba.consultations.choices import Caregiver, Channel, Outcome
from hiroba.consultations.services import ConsultationData
from hiroba.consultations.tests.factories import topics
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.families import services as family_services
from hiroba.support import services
from hiroba.support.choices import BookingStatus, CancelledBy, SlotMode, SlotStatus
from hiroba.support.errors import SupportError
from hiroba.support.models import SupportBooking, SupportSlot
from hiroba.support.tests.factories import SECRET, a_family, book, slot, slots

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
NEXT_WEEK = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _plan(world, **changes):
    values = {
        "day": NEXT_WEEK,
        "start_times": [time(10, 0), time(11, 0)],
        "minutes": 50,
        "mode": SlotMode.IN_PERSON,
        "specialist": world.a.person(Role.USER_SUPPORT),
        "venue": VenueFactory(hub=world.a.hub),
    }
    values.update(changes)
    return services.SlotPlan(**values)


# -- publishing ----------------------------------------------------------------------------------
def test_publishing_makes_each_time_for_each_week_and_audits_once(world):
    made = services.publish_slots(
        world.a.hub, _plan(world, weeks=3), actor=world.a.person(Role.USER_SUPPORT)
    )
    starts = sorted(s.starts_at.astimezone(TOKYO) for s in made)
    assert len(starts) == 6
    assert starts[0] == datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
    assert starts[-1] == datetime(2026, 12, 11, 11, 0, tzinfo=TOKYO)
    assert all(s.ends_at - s.starts_at == timedelta(minutes=50) for s in made)
    row = AuditLog.objects.get(action="support.slot.published")
    assert sorted(row.payload["slots"]) == sorted(s.pk for s in made)
    assert row.hub_id == world.a.hub.pk


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"day": date(2026, 11, 20), "start_times": [time(9, 0)]}, "slot_in_past"),
        ({"minutes": 240}, "slot_too_long"),
        ({"minutes": 90}, "slot_overlaps"),  # 10:00–11:30 overlaps 11:00
        ({"venue": None}, "venue_needed"),
        ({"weeks": 31}, "too_many_slots"),
    ],
)
def test_a_wrong_plan_is_refused_and_nothing_is_saved(world, changes, code):
    with pytest.raises(SupportError) as caught:
        services.publish_slots(
            world.a.hub, _plan(world, **changes), actor=world.a.person(Role.USER_SUPPORT)
        )
    assert caught.value.code == code
    assert not SupportSlot.objects.exists()


def test_a_specialist_cannot_hold_two_slots_at_once_even_across_plans(world):
    slot(world.a, NEXT_WEEK, time(10, 0))
    with pytest.raises(SupportError) as caught:
        slot(world.a, NEXT_WEEK, time(10, 30))
    assert caught.value.code == "slot_overlaps"
    assert SupportSlot.objects.count() == 1


def test_only_user_support_staff_of_the_hub_hold_slots_and_places_are_the_hubs(world):
    for specialist, venue, code in [
        (world.a.person(Role.HUB_STAFF), VenueFactory(hub=world.a.hub), "specialist_elsewhere"),
        (world.b.person(Role.USER_SUPPORT), VenueFactory(hub=world.a.hub), "specialist_elsewhere"),
        (world.a.person(Role.USER_SUPPORT), VenueFactory(hub=world.b.hub), "venue_elsewhere"),
    ]:
        with pytest.raises(SupportError) as caught:
            services.publish_slots(
                world.a.hub,
                _plan(world, specialist=specialist, venue=venue),
                actor=world.a.person(Role.HUB_MANAGER),
            )
        assert caught.value.code == code
    assert not SupportSlot.objects.exists()


def test_a_phone_slot_needs_no_place(world):
    made = services.publish_slots(
        world.a.hub,
        _plan(world, mode=SlotMode.PHONE, venue=None),
        actor=world.a.person(Role.USER_SUPPORT),
    )
    assert [s.venue for s in made] == [None, None]


# -- booking -------------------------------------------------------------------------------------
def test_a_family_books_with_topics_and_a_message_kept_encrypted(
    world, django_capture_on_commit_callbacks
):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub, email="hanako@example.jp")
    chosen = topics(world.a.hub, "sleep")
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(free, household, message=SECRET, topics=chosen)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.message == SECRET
    assert list(booking.topics.all()) == chosen
    with connection.cursor() as cursor:
        cursor.execute("SELECT message FROM support_supportbooking WHERE id = %s", [booking.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("hb1:") and SECRET not in stored
    row = AuditLog.objects.get(action="support.booking.made")
    assert SECRET not in str(row.payload)
    assert row.payload == {"slot": free.pk, "source": "portal"}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hanako@example.jp"]
    assert mail.outbox[0].attachments[0][0] == "consultation.ics"
    assert SECRET not in mail.outbox[0].body


def test_a_booked_slot_cannot_be_booked_again_until_cancelled(world):
    free = slot(world.a, NEXT_WEEK)
    first = book(free, a_family(world.a.hub, "花子"))
    other = a_family(world.a.hub, "桜")
    with pytest.raises(SupportError) as caught:
        book(free, other)
    assert caught.value.code == "slot_taken"
    services.cancel_booking(first, by=CancelledBy.FAMILY, actor=None)
    again = book(free, other)
    assert again.status == BookingStatus.BOOKED
    assert SupportBooking.objects.filter(slot=free).count() == 2


def test_the_constraint_holds_even_if_the_check_is_skipped(world):
    free = slot(world.a, NEXT_WEEK)
    book(free, a_family(world.a.hub, "花子"))
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportBooking.objects.create(
            slot=free, household=a_family(world.a.hub, "桜"), source="portal"
        )


def test_a_family_holds_at_most_the_limit_and_never_two_at_once(world):
    made = slots(world.a, NEXT_WEEK, time(10, 0), time(11, 0), time(13, 0))
    household = a_family(world.a.hub)
    book(made[0], household)
    specialist_b = world.a.person(Role.HUB_MANAGER)
    parallel = slot(world.a, NEXT_WEEK, time(10, 0), specialist=specialist_b)
    with pytest.raises(SupportError) as same_time:
        book(parallel, household)
    assert same_time.value.code == "family_already_booked"
    book(made[1], household)
    with pytest.raises(SupportError) as limit:
        book(made[2], household)
    assert limit.value.code == "too_many_bookings"
    assert "2" in limit.value.message


def test_booking_beyond_the_horizon_is_refused(world):
    far = slot(world.a, (NOW + timedelta(days=61)).date(), time(10, 0))
    with pytest.raises(SupportError) as caught:
        book(far, a_family(world.a.hub))
    assert caught.value.code == "too_far_ahead"
    assert "60" in caught.value.message


def test_a_slot_that_started_or_was_withdrawn_cannot_be_booked(world):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub)
    started_at = datetime(2026, 11, 27, 10, 1, tzinfo=TOKYO)
    with time_machine.travel(started_at, tick=False), pytest.raises(SupportError) as started:
        book(free, household)
    assert started.value.code == "slot_started"
    services.withdraw_slot(free, actor=world.a.person(Role.USER_SUPPORT))
    with pytest.raises(SupportError) as withdrawn:
        book(free, household)
    assert withdrawn.value.code == "slot_withdrawn"


def test_a_family_of_another_city_or_a_wrong_contact_is_refused(world):
    free = slot(world.a, NEXT_WEEK)
    stranger = a_family(world.b.hub)
    with pytest.raises(SupportError) as caught:
        book(free, stranger)
    assert caught.value.code == "household_elsewhere"
    household = a_family(world.a.hub)
    child = household.members.get(kind="child")
    with pytest.raises(SupportError) as contact:
        book(free, household, contact=child)
    assert contact.value.code == "contact_elsewhere"
    with pytest.raises(SupportError) as topic:
        book(free, household, topics=topics(world.b.hub)[:1])  # world B's city has its own list
    assert topic.value.code == "topic_elsewhere"
    assert not SupportBooking.objects.exists()


# -- cancelling, not coming, recording -----------------------------------------------------------
def test_the_family_cancels_until_the_deadline_staff_after_it(
    world, django_capture_on_commit_callbacks
):
    free = slot(world.a, NEXT_WEEK, time(10, 0))
    booking = book(free, a_family(world.a.hub))
    with time_machine.travel(datetime(2026, 11, 27, 8, 30, tzinfo=TOKYO), tick=False):
        with pytest.raises(SupportError) as late:
            services.cancel_booking(booking, by=CancelledBy.FAMILY, actor=None)
        assert late.value.code == "cancel_deadline"
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_booking(
                booking, by=CancelledBy.FAMILY, actor=world.a.person(Role.HUB_STAFF)
            )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by == CancelledBy.FAMILY
    assert "キャンセル" in mail.outbox[-1].subject
    assert "METHOD:CANCEL" in mail.outbox[-1].attachments[0][1]
    with pytest.raises(SupportError) as twice:
        services.cancel_booking(booking, by=CancelledBy.HUB, actor=world.a.person(Role.HUB_STAFF))
    assert twice.value.code == "not_booked"


def test_a_booked_slot_cannot_be_withdrawn(world):
    free = slot(world.a, NEXT_WEEK)
    book(free, a_family(world.a.hub))
    with pytest.raises(SupportError) as caught:
        services.withdraw_slot(free, actor=world.a.person(Role.USER_SUPPORT))
    assert caught.value.code == "slot_booked"
    free.refresh_from_db()
    assert free.status == SlotStatus.OPEN


def _consultation_data(hub, household):
    return ConsultationData(
        happened_at=datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO),
        channel=Channel.INDIVIDUAL,
        caregiver=Caregiver.MOTHER,
        outcome=Outcome.INFORMATION,
        topics=topics(hub, "childcare_place")[:1] or topics(hub)[:1],
        summary="一時預かりの利用方法を案内",
        household=household,
    )


def test_a_held_meeting_is_recorded_as_a_linked_consultation(world):
    free = slot(world.a, NEXT_WEEK)
    household = a_family(world.a.hub)
    booking = book(free, household)
    specialist = world.a.person(Role.USER_SUPPORT)
    with pytest.raises(SupportError) as early:
        services.record_booking_consultation(
            booking, _consultation_data(world.a.hub, household), actor=specialist
        )
    assert early.value.code == "not_started"
    with time_machine.travel(datetime(2026, 11, 27, 11, 0, tzinfo=TOKYO), tick=False):
        consultation = services.record_booking_consultation(
            booking, _consultation_data(world.a.hub, household), actor=specialist
        )
        booking.refresh_from_db()
        assert booking.status == BookingStatus.ATTENDED
        assert booking.consultation == consultation
        assert consultation.channel == Channel.INDIVIDUAL
        assert consultation.hub == world.a.hub
        with pytest.raises(SupportError) as again:
            services.record_booking_consultation(
                booking, _consultation_data(world.a.hub, household), actor=specialist
            )
        assert again.value.code == "not_booked"


def test_no_show_only_once_the_time_has_come(world):
    booking = book(slot(world.a, NEXT_WEEK), a_family(world.a.hub))
    specialist = world.a.person(Role.USER_SUPPORT)
    with pytest.raises(SupportError) as early:
        services.mark_no_show(booking, actor=specialist)
    assert early.value.code == "not_started"
    with time_machine.travel(datetime(2026, 11, 27, 11, 0, tzinfo=TOKYO), tick=False):
        services.mark_no_show(booking, actor=specialist)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW


# -- family cards --------------------------------------------------------------------------------
def test_anonymising_a_card_cancels_waiting_bookings_and_wipes_messages(world):
    household = a_family(world.a.hub)
    booking = book(slot(world.a, NEXT_WEEK), household, message=SECRET, topics=topics(world.a.hub))
    family_services.anonymise_household(household, actor=world.a.person(Role.HUB_MANAGER))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.message == ""
    assert booking.contact is None
    assert not booking.topics.exists()
    assert not SupportBooking.objects.filter(slot=booking.slot).holding().exists()
