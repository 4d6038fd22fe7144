"""Demo user support at the demo hub: the partner's slots on Tuesdays and Thursdays for the
past two months and the next three weeks; past bookings held (with their consultation
records), not come or cancelled; upcoming bookings from the portal and by phone; and a few
walk-ins. Written through the services (with the clock set to when each thing happened), so
checks, encryption and audit rows are as in real use. No e-mail goes out."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hiroba.accounts.models import User
from hiroba.consultations.choices import Caregiver, Channel, Outcome
from hiroba.consultations.models import ConsultationTopic
from hiroba.consultations.services import ConsultationData, record_consultation
from hiroba.core.demodata import DemoContext, register
from hiroba.core.models import Venue
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.support import case_demo, notify, services  # noqa: F401 - case_demo registers its step
from hiroba.support.choices import BookingSource, CancelledBy, SlotMode

WEEKS_BACK = 8
WEEKS_AHEAD = 3
TIMES = [time(10, 0), time(11, 0), time(13, 30)]
WEEKDAYS = (1, 3)  # Tuesday, Thursday
MESSAGES = [
    "来年4月から復職予定です。保育園の探し方を相談したいです。",
    "通院の間、数時間だけ子どもを預けられるところを知りたいです。",
    "",
    "引っ越してきたばかりで、近くの遊び場や相談先を知りたいです。",
    "産後ケアの利用について聞きたいです。",
]
TOPIC_CODES = [("nursery", "work"), ("childcare",), (), ("friends", "play"), ("mother_health",)]


def _days(today: date) -> list[date]:
    start = today - timedelta(weeks=WEEKS_BACK)
    span = (WEEKS_BACK + WEEKS_AHEAD) * 7
    return [
        day
        for day in (start + timedelta(days=n) for n in range(span))
        if day.weekday() in WEEKDAYS and day != today
    ]


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def _publish(hub, partner, venue, day):
    plan = services.SlotPlan(
        day=day,
        start_times=TIMES,
        minutes=50,
        mode=SlotMode.IN_PERSON,
        specialist=partner,
        venue=venue,
        note="お子さん連れで大丈夫です",
    )
    return services.publish_slots(
        hub, plan, actor=partner, now=_at(day, time(9, 0)) - timedelta(days=14)
    )


def _book(slot, household, topics, index, partner):
    by_phone = index % 4 == 0
    request = services.BookingRequest(
        household=household,
        topics=topics,
        message=MESSAGES[index % len(MESSAGES)],
        source=BookingSource.STAFF if by_phone else BookingSource.PORTAL,
    )
    return services.book_slot(
        slot.pk,
        request,
        actor=partner if by_phone else None,
        now=slot.starts_at - timedelta(days=5),
    )


def _held(booking, topics, partner) -> None:
    data = ConsultationData(
        happened_at=booking.slot.starts_at,
        channel=Channel.INDIVIDUAL,
        caregiver=Caregiver.MOTHER,
        outcome=Outcome.INFORMATION,
        topics=topics,
        summary="ご家庭の状況を伺い、利用できるサービスと申込み方法を案内した。",
        duration_minutes=50,
        household=booking.household,
        assigned_staff=[partner],
    )
    services.record_booking_consultation(booking, data, actor=partner, now=booking.slot.ends_at)


def _settle_past(booking, topics, partner, index) -> None:
    if index % 7 == 3:
        services.mark_no_show(booking, actor=partner, now=booking.slot.ends_at)
    elif index % 7 == 5:
        services.cancel_booking(
            booking,
            by=CancelledBy.FAMILY,
            actor=None,
            now=booking.slot.starts_at - timedelta(days=1),
        )
    else:
        _held(booking, topics, partner)


def _walk_ins(hub, partner, topics, today, households) -> int:
    for n in range(4):
        record_consultation(
            hub,
            ConsultationData(
                happened_at=_at(today - timedelta(days=5 + n * 9), time(14, 0)),
                channel=Channel.INDIVIDUAL,
                caregiver=Caregiver.MOTHER,
                outcome=Outcome.INFORMATION,
                topics=topics[("nursery", "work")],
                summary="ひろばに来た際に、予約なしで個別に相談を受けた。",
                duration_minutes=30,
                household=households[n % len(households)] if households else None,
            ),
            actor=partner,
        )
    return 4


@register("support.bookings", order=65)
def seed_support(ctx: DemoContext) -> None:
    hub, today = ctx.shared["hub"], ctx.today
    partner = User.objects.filter(email="partner@example.jp").first()
    venue = Venue.objects.filter(hub=hub, is_active=True).order_by("pk").first()
    ids = [family.household_id for family in ctx.shared.get("demo_families", [])][40:80]
    households = list(Household.objects.filter(pk__in=ids, status=HouseholdStatus.ACTIVE))
    if partner is None or venue is None or not households:
        return
    city_topics = {
        t.code: t for t in ConsultationTopic.objects.filter(municipality=ctx.shared["city"])
    }
    topics = {codes: [city_topics[c] for c in codes if c in city_topics] for codes in TOPIC_CODES}
    now, index, held = timezone.now(), 0, 0
    with notify.muted():
        for day in _days(today):
            for slot in _publish(hub, partner, venue, day):
                index += 1
                past = slot.starts_at < now
                if not past and index % 3 == 0:
                    continue  # some upcoming times stay free for the portal
                codes = TOPIC_CODES[index % len(TOPIC_CODES)]
                household = households[index % len(households)]
                booking = _book(slot, household, topics[codes], index, partner)
                if past:
                    _settle_past(booking, topics[codes], partner, index)
                    held += 1
        walk_ins = _walk_ins(hub, partner, topics, today, households)
    ctx.log(f"  user support: {index} slots, {held} past bookings, {walk_ins} walk-ins")
