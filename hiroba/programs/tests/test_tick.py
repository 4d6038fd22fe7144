"""``manage.py programs_tick``: due lotteries drawn once, lapsed offers passed on, offers made
at night sent at 8:00 and not before, reminders the day before sent once and only to confirmed
families, old idempotency records pruned, one failing e-mail not stopping the others."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from hiroba.core.models import IdempotencyRecord
from hiroba.core.tests.factories import HubFactory
from hiroba.families.choices import ContactChannel
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import emails, outbox, queries, services
from hiroba.programs.choices import EntryStatus, SignupMode
from hiroba.programs.management.commands.programs_tick import ADVISORY_LOCK_KEY, due_reminders
from hiroba.programs.models import Entry, LotteryDraw, Message
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def _at(text: str) -> datetime:
    """An aware time in Tokyo from "2026-11-19 10:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


def _family(hub, n: int, *, email: bool = True):
    return family(
        hub,
        caregiver(given_name=f"花子{n}", email=f"parent{n}@example.jp" if email else ""),
        child(given_name=f"太郎{n}"),
        language="en",  # the e-mails are in the family's language; the tests read English
    )


@pytest.fixture(autouse=True)
def _setup_messages_already_sent(monkeypatch):
    """Messages about the entries the tests set up (applied, confirmed …) count as delivered,
    so each test sees only what its own tick sends; ``test_queued_messages_are_sent`` and
    test_outbox.py cover the queue itself."""
    real_queue = outbox.queue

    def queue_as_sent(kind, entry_ids):
        messages = real_queue(kind, entry_ids)
        Message.objects.filter(pk__in=[m.pk for m in messages]).update(sent_at=timezone.now())
        return messages

    monkeypatch.setattr(outbox, "queue", queue_as_sent)


def test_queued_messages_are_sent(monkeypatch):
    monkeypatch.undo()
    hub = HubFactory()
    prog = program(hub)
    entry = _apply(prog, _family(hub, 1))
    assert Message.objects.filter(entry=entry, sent_at__isnull=True).count() == 1
    mail.outbox.clear()
    assert "queued messages sent: 1" in _tick()
    assert [m.to for m in mail.outbox] == [["parent1@example.jp"]]
    assert "queued messages sent: 0" in _tick()


def _apply(prog, household):
    return services.apply(prog, household, caregivers_and_children(household))


def _tick(now: str | None = None) -> str:
    out = io.StringIO()
    args = ["--now", now] if now else []
    call_command("programs_tick", *args, stdout=out)
    return out.getvalue()


def _subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


# -- reminders ---------------------------------------------------------------------------------
def test_reminders_go_out_once_the_day_before_and_only_to_confirmed_families(english):
    with time_machine.travel(_at("2026-11-10 12:00"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-20 10:00"), capacity_families=2)
        confirmed, cancelled, waiting = (_apply(prog, _family(hub, n)) for n in range(3))
        services.cancel(cancelled)
        waiting.refresh_from_db()  # offered the cancelled seat, then accepts
        services.accept_offer(waiting)
        waiting_list = _apply(prog, _family(hub, 9))  # no reminder either
        other_day = program(hub, starts_at=_at("2026-11-21 10:00"))
        later = _apply(other_day, _family(hub, 5))
    mail.outbox.clear()

    with time_machine.travel(_at("2026-11-19 09:59"), tick=False):
        assert "reminders sent: 0" in _tick()
    assert mail.outbox == []

    with time_machine.travel(_at("2026-11-19 10:00"), tick=False):
        output = _tick()
    assert "reminders sent: 2" in output
    assert sorted(m.to[0] for m in mail.outbox) == ["parent0@example.jp", "parent2@example.jp"]
    assert all(s.startswith("[Tomorrow]") for s in _subjects())
    for entry in (confirmed, waiting):
        entry.refresh_from_db()
        assert entry.reminded_at is not None
    for entry in (cancelled, waiting_list, later):
        entry.refresh_from_db()
        assert entry.reminded_at is None

    with time_machine.travel(_at("2026-11-19 10:01"), tick=False):
        assert "reminders sent: 0" in _tick()
    assert len(mail.outbox) == 2


def test_families_who_prefer_a_phone_call_get_no_reminder_and_are_not_retried():
    with time_machine.travel(_at("2026-11-10 12:00"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-20 10:00"))
        household = _family(hub, 1)
        Household.objects.filter(pk=household.pk).update(contact_channel=ContactChannel.PHONE)
        entry = _apply(prog, household)
    with time_machine.travel(_at("2026-11-19 11:00"), tick=False):
        assert "reminders sent: 0" in _tick()
    assert mail.outbox == []
    assert entry.pk not in due_reminders(_at("2026-11-19 11:00"))


# -- offers made at night ------------------------------------------------------------------------
def test_an_offer_made_at_night_is_sent_at_eight_and_not_before(
    english, django_capture_on_commit_callbacks
):
    with time_machine.travel(_at("2026-11-10 22:30"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-30 10:00"), capacity_families=1)
        first, second = (_apply(prog, _family(hub, n)) for n in range(2))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel(first)
    second.refresh_from_db()
    assert second.status == EntryStatus.OFFERED
    assert timezone.localtime(second.offer_expires_at) == _at("2026-11-12 08:00")
    assert not [s for s in _subjects() if "A seat is free" in s]  # held back at night

    for moment in ("2026-11-10 23:00", "2026-11-11 03:00", "2026-11-11 07:59"):
        with time_machine.travel(_at(moment), tick=False):
            assert "held offers sent: 0" in _tick()
    assert not [s for s in _subjects() if "A seat is free" in s]

    with time_machine.travel(_at("2026-11-11 08:00"), tick=False):
        assert "held offers sent: 1" in _tick()
    offers = [m for m in mail.outbox if "A seat is free" in m.subject]
    assert [m.to for m in offers] == [["parent1@example.jp"]]
    second.refresh_from_db()
    assert second.offer_notified_at is not None

    with time_machine.travel(_at("2026-11-11 08:01"), tick=False):
        assert "held offers sent: 0" in _tick()
    assert len([m for m in mail.outbox if "A seat is free" in m.subject]) == 1


def test_an_offer_sent_by_day_is_not_sent_again(django_capture_on_commit_callbacks, monkeypatch):
    with time_machine.travel(_at("2026-11-10 14:00"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-30 10:00"), capacity_families=1)
        first, second = (_apply(prog, _family(hub, n)) for n in range(2))
        monkeypatch.undo()  # from here on messages are queued and sent for real
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel(first)
        assert len(mail.outbox) == 2  # the cancellation and the offer
        assert "held offers sent: 0" in _tick()
    assert len(mail.outbox) == 2


# -- lapsed offers -------------------------------------------------------------------------------
def test_a_lapsed_offer_passes_to_the_next_family():
    with time_machine.travel(_at("2026-11-10 14:00"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-30 10:00"), capacity_families=1)
        first, second, third = (_apply(prog, _family(hub, n)) for n in range(3))
        services.cancel(first)
    second.refresh_from_db()
    assert timezone.localtime(second.offer_expires_at) == _at("2026-11-11 14:00")

    with time_machine.travel(_at("2026-11-11 13:59"), tick=False):
        assert "offers lapsed: 0" in _tick()
    with time_machine.travel(_at("2026-11-11 14:00"), tick=False):
        assert "offers lapsed: 1" in _tick()
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EntryStatus.LAPSED
    assert third.status == EntryStatus.OFFERED
    assert queries.invariant_violations(prog).ok
    with time_machine.travel(_at("2026-11-11 14:01"), tick=False):
        assert "offers lapsed: 0" in _tick()


# -- the lottery -------------------------------------------------------------------------------
def test_a_due_lottery_is_drawn_once():
    with time_machine.travel(_at("2026-11-01 09:00"), tick=False):
        hub = HubFactory()
        prog = program(
            hub,
            starts_at=_at("2026-11-30 10:00"),
            capacity_families=2,
            signup_mode=SignupMode.LOTTERY,
            closes_at=_at("2026-11-10 17:00"),
            draw_at=_at("2026-11-11 09:00"),
        )
        entries = [_apply(prog, _family(hub, n)) for n in range(3)]
    assert {e.status for e in entries} == {EntryStatus.APPLIED}

    with time_machine.travel(_at("2026-11-11 08:59"), tick=False):
        assert "lotteries drawn: 0" in _tick()
    assert not LotteryDraw.objects.filter(program=prog).exists()

    with time_machine.travel(_at("2026-11-11 09:00"), tick=False):
        assert "lotteries drawn: 1" in _tick()
        assert "lotteries drawn: 0" in _tick()
    statuses = sorted(Entry.objects.filter(program=prog).values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert LotteryDraw.objects.filter(program=prog).count() == 1
    assert queries.invariant_violations(prog).ok


# -- housekeeping and failures -------------------------------------------------------------------
def test_idempotency_records_older_than_a_day_are_pruned():
    with time_machine.travel(_at("2026-11-10 09:00"), tick=False):
        IdempotencyRecord.objects.create(scope="family:1", key="old", fingerprint="x")
    with time_machine.travel(_at("2026-11-11 08:00"), tick=False):
        IdempotencyRecord.objects.create(scope="family:1", key="new", fingerprint="y")
    with time_machine.travel(_at("2026-11-11 10:00"), tick=False):
        assert "idempotency records pruned: 1" in _tick()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_one_failing_e_mail_does_not_stop_the_others(monkeypatch):
    with time_machine.travel(_at("2026-11-10 12:00"), tick=False):
        hub = HubFactory()
        prog = program(hub, starts_at=_at("2026-11-20 10:00"))
        broken, fine = (_apply(prog, _family(hub, n)) for n in range(2))
    real_send = emails.send

    def send(kind, entry_id, **kwargs):
        if entry_id == broken.pk:
            raise ConnectionRefusedError("mail server down")
        return real_send(kind, entry_id, **kwargs)

    monkeypatch.setattr(emails, "send", send)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("programs_tick", "--now", "2026-11-19T10:30:00+09:00", stdout=out)
    assert "reminders sent: 1" in out.getvalue()
    assert f"FAILED: reminder for entry {broken.pk}" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["parent1@example.jp"]]
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.reminded_at is None and fine.reminded_at is not None


def test_now_can_be_given_and_a_bad_value_is_refused():
    with pytest.raises(CommandError):
        _tick("yesterday")
    assert "2026-11-19T08:00:00+09:00" in _tick("2026-11-19T08:00")


@pytest.mark.postgres
def test_an_overlapping_run_does_nothing():
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
    try:
        assert "Another programs_tick is running; nothing done." in _tick()
    finally:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        other.close()
    assert "lotteries drawn: 0" in _tick()
