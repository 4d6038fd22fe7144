"""Sign-up rules on one connection: seats in families and people, the waiting list, offers,
cancellation deadlines, one active entry per family. Races are in test_concurrency.py."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from hiroba.accounts.tests.factories import UserFactory
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import queries, services, signup
from hiroba.programs.choices import EntryChannel, EntryStatus
from hiroba.programs.errors import ProgramError
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db


def _families(hub, n):
    return [
        family(hub, caregiver(given_name=f"花子{i}"), child(given_name=f"太郎{i}"))
        for i in range(n)
    ]


def _apply(prog, household, **kwargs):
    return services.apply(prog, household, caregivers_and_children(household), **kwargs)


def test_seats_are_confirmed_until_full_then_the_waiting_list_is_numbered():
    hub = HubFactory()
    prog = program(hub, capacity_families=2)
    entries = [_apply(prog, h) for h in _families(hub, 5)]
    assert [e.status for e in entries] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [queries.waitlist_position(e) for e in entries[2:]] == [1, 2, 3]
    assert queries.invariant_violations(prog).ok


def test_capacity_in_people_counts_adults_and_children():
    hub = HubFactory()
    prog = program(hub, capacity_families=None, capacity_people=5)
    big = family(hub, caregiver(), caregiver(given_name="一郎", relation="father"), child())
    small = family(hub, caregiver(given_name="桃子"), child(given_name="次郎"))
    assert _apply(prog, big).status == EntryStatus.CONFIRMED  # 3 people
    assert _apply(prog, small).status == EntryStatus.CONFIRMED  # 2 more: 5
    late = _apply(prog, _families(hub, 1)[0])
    assert late.status == EntryStatus.WAITLISTED
    prog.refresh_from_db()
    assert (prog.taken_families, prog.taken_people) == (2, 5)


def test_a_family_applies_once():
    hub = HubFactory()
    prog = program(hub)
    household = _families(hub, 1)[0]
    _apply(prog, household)
    with pytest.raises(ProgramError) as error:
        _apply(prog, household)
    assert error.value.code == "already_entered"


def test_a_cancelled_seat_is_offered_to_the_first_waiting_family_and_can_be_accepted():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    first, second, third = (_apply(prog, h) for h in _families(hub, 3))
    services.cancel(first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EntryStatus.OFFERED
    assert second.offer_expires_at is not None
    assert queries.waitlist_position(third) == 1
    services.accept_offer(second)
    second.refresh_from_db()
    assert second.status == EntryStatus.CONFIRMED
    assert queries.invariant_violations(prog).ok


def test_a_lapsed_offer_passes_to_the_next_family():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    first, second, third = (_apply(prog, h) for h in _families(hub, 3))
    services.cancel(first)
    second.refresh_from_db()
    later = second.offer_expires_at + timedelta(minutes=1)
    assert services.expire_offers(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == EntryStatus.LAPSED
    assert third.status == EntryStatus.OFFERED
    with pytest.raises(ProgramError) as error:
        services.accept_offer(second)
    assert error.value.code == "no_open_offer"
    assert queries.invariant_violations(prog).ok


def test_declining_passes_the_seat_on():
    hub = HubFactory()
    prog = program(hub, capacity_families=1)
    first, second, third = (_apply(prog, h) for h in _families(hub, 3))
    services.cancel(first)
    second.refresh_from_db()
    services.decline_offer(second)
    third.refresh_from_db()
    assert third.status == EntryStatus.OFFERED


def test_an_offer_made_at_night_starts_its_clock_at_eight():
    hub = HubFactory()
    prog = program(hub, starts_at=timezone.now() + timedelta(days=20))
    night = timezone.localtime(timezone.now()).replace(hour=22, minute=30) + timedelta(days=1)
    expiry = timezone.localtime(signup.offer_expiry(prog, night))
    assert (expiry.date() - night.date()).days == 2
    assert (expiry.hour, expiry.minute) == (8, 0)


def test_parents_cannot_cancel_after_the_deadline_but_staff_can():
    hub = HubFactory()
    prog = program(hub)
    entry = _apply(prog, _families(hub, 1)[0])
    late = prog.first_starts_at - timedelta(hours=2)
    with pytest.raises(ProgramError) as error:
        services.cancel(entry, now=late)
    assert error.value.code == "past_cancel_deadline"
    services.cancel(entry, by_staff=True, now=late)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CANCELLED and entry.cancelled_by_staff


def test_staff_phone_entry_is_marked_with_who_entered_it():
    staff_user = UserFactory()
    hub = HubFactory()
    prog = program(hub)
    entry = _apply(prog, _families(hub, 1)[0], channel=EntryChannel.PHONE, actor=staff_user)
    assert entry.channel == "phone" and entry.entered_by == staff_user


def test_applications_wait_for_opening():
    hub = HubFactory()
    prog = program(hub, opens_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ProgramError) as error:
        _apply(prog, _families(hub, 1)[0])
    assert error.value.code == "not_open_yet"


def test_a_confirmation_e_mail_goes_out_after_commit(django_capture_on_commit_callbacks):
    hub = HubFactory()
    prog = program(hub)
    household = family(hub, caregiver(email="hana@example.jp"), child())
    with django_capture_on_commit_callbacks(execute=True):
        _apply(prog, household)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hana@example.jp"]
    assert any(a[2].startswith("text/calendar") for a in mail.outbox[0].attachments)
