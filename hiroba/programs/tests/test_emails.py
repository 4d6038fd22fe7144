"""E-mails about entries: subject and body of each kind (confirmed, waiting list with the
position, applied for the lottery, lottery results, seat offer with its deadline, lapsed
offer, cancellation, reminder), the calendar file where it helps (times in UTC), the family's
language, no e-mail for families who want a phone call or have no address, offers held back
during the quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.families.choices import ContactChannel
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import emails, notify, services
from hiroba.programs.choices import EntryStatus, SignupMode
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Entry, Message
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)  # a Tuesday
TITLE = "離乳食教室"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _noon():
    with time_machine.travel(_at("2026-11-20 12:00"), tick=False):
        yield


@pytest.fixture
def hub():
    return HubFactory(name="はなみずきひろば", phone="0459995555")


@pytest.fixture
def venue(hub):
    return VenueFactory(hub=hub, name="ひろば（本体）", address="さくら台1-2-3")


def _family(hub, n: int = 1, *, language: str = "en", email: str | None = None):
    address = f"parent{n}@example.jp" if email is None else email
    return family(
        hub,
        caregiver(given_name=f"花子{n}", email=address),
        child(given_name=f"太郎{n}"),
        language=language,
    )


def _program(hub, venue, **values):
    values.setdefault("capacity_families", 10)
    return program(hub, title=TITLE, venue=venue, starts_at=START, **values)


def _apply(prog, household):
    return services.apply(prog, household, caregivers_and_children(household))


def _send(kind: str, entry) -> object:
    mail.outbox.clear()
    assert emails.send(kind, entry.pk) is True
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def _ics(message) -> Calendar | None:
    files = [a for a in message.attachments if a[2].startswith("text/calendar")]
    if not files:
        return None
    assert files[0][0] == "program.ics"
    return Calendar.from_ical(files[0][1])


def _events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


# -- each kind, in English ------------------------------------------------------------------------
def test_confirmed_entry(english, hub, venue):
    entry = _apply(_program(hub, venue), _family(hub))
    assert entry.status == EntryStatus.CONFIRMED
    message = _send(notify.ENTRY_RECEIVED, entry)
    assert message.subject == f"[Confirmed] {TITLE}"
    assert message.to == ["parent1@example.jp"]
    body = message.body
    assert "Your seat is confirmed." in body
    assert f"Program: {TITLE}" in body
    assert "Date: 2026/12/1 (Tue) 10:00–12:00" in body
    assert "Venue: ひろば（本体） (さくら台1-2-3)" in body
    assert "Adults: 1 / Children: 1" in body
    assert f"See or cancel your entry here:\n{emails.entry_url(entry)}" in body
    assert "My Page (see, accept or cancel your entries):\nhttp" in body
    assert "はなみずきひろば (phone 0459995555)" in body
    (event,) = _events(_ics(message))
    assert event["DTSTART"].dt == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert event["DTEND"].dt == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == TITLE


def test_waiting_list_entries_are_told_their_position(english, hub, venue):
    prog = _program(hub, venue, capacity_families=1)
    _first, second, third = (_apply(prog, _family(hub, n)) for n in range(3))
    message = _send(notify.ENTRY_RECEIVED, third)
    assert message.subject == f"[Waiting list] {TITLE}"
    assert "You are number 2 on the waiting list" in message.body
    assert _ics(message) is None
    assert "You are number 1 on the waiting list" in _send(notify.ENTRY_RECEIVED, second).body


def _lottery(hub, venue, **values):
    return _program(
        hub,
        venue,
        signup_mode=SignupMode.LOTTERY,
        closes_at=_at("2026-11-25 17:00"),
        draw_at=_at("2026-11-26 09:00"),
        **values,
    )


def test_lottery_application_and_results(english, hub, venue):
    prog = _lottery(hub, venue, capacity_families=1)
    entries = [_apply(prog, _family(hub, n)) for n in range(2)]
    applied = _send(notify.ENTRY_RECEIVED, entries[0])
    assert applied.subject == f"[Application received] {TITLE}"
    assert "The lottery result will be sent by e-mail after the draw." in applied.body
    assert _ics(applied) is None
    services.draw_lottery(prog, seed="fixed", now=_at("2026-11-26 09:00"))
    for entry in entries:
        entry.refresh_from_db()
    won = next(e for e in entries if e.status == EntryStatus.CONFIRMED)
    lost = next(e for e in entries if e.status == EntryStatus.WAITLISTED)
    winner = _send(notify.LOTTERY_RESULT, won)
    assert winner.subject == f"[Lottery: you have a seat] {TITLE}"
    assert "Your seat is confirmed." in winner.body
    assert _ics(winner) is not None
    loser = _send(notify.LOTTERY_RESULT, lost)
    assert loser.subject == f"[Lottery: waiting list] {TITLE}"
    assert "You are number 1 on the waiting list" in loser.body
    assert _ics(loser) is None


def _offered(hub, venue):
    prog = _program(hub, venue, capacity_families=1)
    first, second = (_apply(prog, _family(hub, n)) for n in range(2))
    services.cancel(first)
    second.refresh_from_db()
    assert second.status == EntryStatus.OFFERED
    return first, second


def test_seat_offer_names_its_deadline(english, hub, venue):
    _first, offered = _offered(hub, venue)
    message = _send(notify.OFFER_MADE, offered)
    assert message.subject == f"[A seat is free for you] {TITLE}"
    assert "Please accept or decline it by 11/21 12:00 with the link below." in message.body
    assert f"Accept or decline the seat here:\n{emails.entry_url(offered)}" in message.body
    assert _ics(message) is not None
    offered.refresh_from_db()
    assert offered.offer_notified_at is not None


def test_lapsed_offer(english, hub, venue):
    _first, offered = _offered(hub, venue)
    services.expire_offers(now=_at("2026-11-21 12:00"))
    offered.refresh_from_db()
    assert offered.status == EntryStatus.LAPSED
    message = _send(notify.OFFER_LAPSED, offered)
    assert message.subject == f"[Offer ended] {TITLE}"
    assert "the seat has gone to the next family" in message.body
    assert _ics(message) is None


def test_cancellation_carries_a_cancelled_calendar_event(english, hub, venue):
    cancelled, _offered_entry = _offered(hub, venue)
    message = _send(notify.ENTRY_CANCELLED, cancelled)
    assert message.subject == f"[Cancelled] {TITLE}"
    assert "Your entry has been cancelled." in message.body
    calendar = _ics(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = _events(calendar)
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["DTSTART"].dt == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_reminder(english, hub, venue):
    entry = _apply(_program(hub, venue, sessions=2), _family(hub))
    message = _send(notify.REMINDER, entry)
    assert message.subject == f"[Tomorrow] {TITLE}"
    assert "Date: 2026/12/1 (Tue)" in message.body and "Date: 2026/12/8 (Tue)" in message.body
    starts = [e["DTSTART"].dt for e in _events(_ics(message))]
    assert starts == [
        datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
        datetime(2026, 12, 8, 1, 0, tzinfo=UTC),
    ]
    entry.refresh_from_db()
    assert entry.reminded_at is not None


def test_a_moved_session_is_told_to_every_family_still_entered(english, hub, venue):
    prog = _program(hub, venue, capacity_families=1)
    seated, waiting, left = (_apply(prog, _family(hub, n)) for n in (1, 2, 3))
    services.cancel(left, actor=None)
    Entry.objects.filter(pk=seated.pk).update(reminded_at=_at("2026-11-20 10:00"))
    Message.objects.all().delete()
    session = prog.sessions.get()
    services.update_session(session, _at("2026-12-03 13:00"), _at("2026-12-03 15:00"), actor=None)
    told = dict(Message.objects.values_list("entry_id", "kind"))
    assert told == {seated.pk: "schedule_changed", waiting.pk: "schedule_changed"}
    seated.refresh_from_db()
    assert seated.reminded_at is None  # the reminder goes again before the new date
    message = _send(notify.SCHEDULE_CHANGED, seated)
    assert message.subject == f"[New date or time] {TITLE}"
    assert "The date or time of this program has changed." in message.body
    assert "The attached calendar file has the new dates." in message.body
    assert "Date: 2026/12/3 (Thu) 13:00–15:00" in message.body
    (event,) = _events(_ics(message))
    assert event["DTSTART"].dt == datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    waiting_message = _send(notify.SCHEDULE_CHANGED, waiting)
    assert "calendar file" not in waiting_message.body and _ics(waiting_message) is None


def test_a_later_session_added_or_removed_leaves_the_reminder_alone(hub, venue):
    """The reminder is about the first session: only moving that one re-arms it."""
    prog = _program(hub, venue)
    entry = _apply(prog, _family(hub))
    Entry.objects.filter(pk=entry.pk).update(reminded_at=_at("2026-11-30 10:00"))
    later = services.add_session(prog, _at("2026-12-08 10:00"), _at("2026-12-08 12:00"), actor=None)
    services.remove_session(later, actor=None)
    entry.refresh_from_db()
    assert entry.reminded_at is not None
    assert Message.objects.filter(entry=entry, kind="schedule_changed").count() == 2
    prog.refresh_from_db()
    assert prog.last_ends_at == _at("2026-12-01 12:00")


def test_an_open_offer_ends_by_the_new_start_when_the_class_moves_earlier(hub, venue):
    prog = _program(hub, venue, capacity_families=1)
    seated, waiting = (_apply(prog, _family(hub, n)) for n in (1, 2))
    services.cancel(seated, actor=None)
    waiting.refresh_from_db()
    assert waiting.status == EntryStatus.OFFERED
    assert waiting.offer_expires_at == _at("2026-11-21 12:00")  # 24 hours from noon
    earlier = _at("2026-11-21 09:00")
    services.update_session(prog.sessions.get(), earlier, _at("2026-11-21 11:00"), actor=None)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at == earlier


def test_a_published_program_keeps_its_last_date(hub, venue):
    prog = _program(hub, venue)
    with pytest.raises(ProgramError) as refused:
        services.remove_session(prog.sessions.get(), actor=None)
    assert refused.value.code == "last_session"
    assert prog.sessions.count() == 1
    draft = program(hub, title="下書き", venue=venue, starts_at=START, publish=False)
    services.remove_session(draft.sessions.get(), actor=None)  # a draft may have none yet
    draft.refresh_from_db()
    assert draft.first_starts_at is None and not draft.sessions.exists()


def test_a_new_note_alone_or_a_draft_tells_nobody(hub, venue):
    prog = _program(hub, venue)
    _apply(prog, _family(hub))
    Message.objects.all().delete()
    session = prog.sessions.get()
    services.update_session(session, session.starts_at, session.ends_at, actor=None, note="2階")
    assert not Message.objects.exists()
    draft = program(hub, title="下書き", venue=venue, starts_at=START, publish=False)
    services.add_session(draft, _at("2026-12-09 10:00"), _at("2026-12-09 12:00"), actor=None)
    assert not Message.objects.exists()
    services.add_session(prog, _at("2026-12-09 10:00"), _at("2026-12-09 12:00"), actor=None)
    assert Message.objects.filter(kind="schedule_changed").count() == 1


# -- language, channel, quiet hours ------------------------------------------------------------
def test_the_familys_language_is_used(english, hub, venue):
    prog = _program(hub, venue)
    japanese = _apply(prog, _family(hub, 1, language="ja"))
    vietnamese = _apply(prog, _family(hub, 2, language="vi"))
    english_entry = _apply(prog, _family(hub, 3, language="en"))
    assert "(Tue)" in _send(notify.ENTRY_RECEIVED, english_entry).body
    for entry in (japanese, vietnamese):  # Japanese until the site speaks the family's language
        body = _send(notify.ENTRY_RECEIVED, entry).body
        assert "(火)" in body and "(Tue)" not in body


def test_the_entrys_contact_person_gets_the_e_mail(hub, venue):
    household = family(
        hub,
        caregiver(given_name="花子", email="mother@example.jp", is_primary_contact=True),
        caregiver(
            given_name="一郎", given_kana="イチロウ", relation="father", email="f@example.jp"
        ),
        child(),
    )
    prog = _program(hub, venue)
    father = household.members.get(given_name="一郎")
    kid = household.members.get(kind="child")
    entry = services.apply(prog, household, [father, kid], contact=father)
    assert _send(notify.ENTRY_RECEIVED, entry).to == ["f@example.jp"]


def test_no_e_mail_for_a_phone_family_or_without_an_address(hub, venue):
    prog = _program(hub, venue)
    phone = _family(hub, 1)
    Household.objects.filter(pk=phone.pk).update(contact_channel=ContactChannel.PHONE)
    silent = _family(hub, 2, email="")
    for household in (phone, silent):
        entry = _apply(prog, household)
        for kind in (notify.ENTRY_RECEIVED, notify.REMINDER):
            assert emails.send(kind, entry.pk) is False
    assert mail.outbox == []


def test_offers_are_held_back_during_the_quiet_hours(hub, venue):
    _first, offered = _offered(hub, venue)
    mail.outbox.clear()
    for night in ("2026-11-20 21:00", "2026-11-21 02:00", "2026-11-21 07:59"):
        assert emails.send(notify.OFFER_MADE, offered.pk, now=_at(night)) is False
    assert mail.outbox == []
    offered.refresh_from_db()
    assert offered.offer_notified_at is None
    assert emails.send(notify.OFFER_MADE, offered.pk, now=_at("2026-11-21 08:00")) is True
    assert len(mail.outbox) == 1


def test_an_offer_no_longer_open_is_not_sent(hub, venue):
    _first, offered = _offered(hub, venue)
    services.accept_offer(offered)
    assert emails.send(notify.OFFER_MADE, offered.pk) is False
    assert emails.send(notify.ENTRY_CONFIRMED, offered.pk) is True


def test_messages_go_out_only_after_commit(hub, venue, django_capture_on_commit_callbacks):
    prog = _program(hub, venue)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _apply(prog, _family(hub))
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
