"""My Page and the entry page: statuses in words, the waiting-list position, cancelling
until the deadline, answering a seat offer, the family card and the contact preference."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hiroba.families.choices import ContactChannel
from hiroba.programs import services
from hiroba.programs.choices import EntryStatus
from hiroba.programs.tests.factories import program

from .conftest import apply_for, make_family, sign_in_as

pytestmark = pytest.mark.django_db
DAYTIME = timezone.make_aware(datetime(2026, 6, 1, 11, 0))  # Asia/Tokyo


def _entry_url(entry, action=None) -> str:
    name = f"portal:my-entry-{action}" if action else "portal:my-entry"
    return reverse(name, kwargs={"program_entry_id": entry.pk})


def _act(client, entry, action, key):
    return client.post(_entry_url(entry, action), {"idempotency_key": key})


def test_my_page_lists_the_entries_in_words(client, hub, english):
    full = program(hub, title="満席の講座", capacity_families=1)
    free = program(hub, title="空きのある講座")
    household, other = make_family(hub, "hana"), make_family(hub, "momo")
    apply_for(full, other)
    apply_for(full, household)
    apply_for(free, household)
    sign_in_as(client, household)
    response = client.get(reverse("portal:my-page"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "満席の講座" in page and "Waiting list: number 1" in page
    assert "空きのある講座" in page and "Your seat is confirmed." in page
    assert reverse("portal:card", kwargs={"card_token": household.card_token}) in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_waiting_list_positions_cost_no_query_per_entry(client, hub, english):
    """Each position counts only the families still waiting ahead (one who left no longer
    counts), and the page reads them with the entries, whatever their number."""
    household = make_family(hub, "hana")
    sign_in_as(client, household)

    def queries_for_my_page() -> tuple[int, str]:
        from django.db import connection  # noqa: PLC0415
        from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("portal:my-page"))
        assert page.status_code == 200
        return len(captured), page.content.decode()

    families = iter(make_family(hub, f"p{i}") for i in range(20))

    def full_program_with_queue(title: str, ahead: int):
        prog = program(hub, title=title, capacity_families=1)
        apply_for(prog, next(families))
        queue = [apply_for(prog, next(families)) for _ in range(ahead)]
        return prog, queue

    first, queue = full_program_with_queue("一つ目", 3)
    services.cancel(queue[0], actor=None)  # left the list: no longer ahead
    apply_for(first, household)
    one, page = queries_for_my_page()
    assert "Waiting list: number 3" in page
    for n, title in enumerate(["二つ目", "三つ目", "四つ目"], start=1):
        prog, _queue = full_program_with_queue(title, n)
        apply_for(prog, household)
    many, page = queries_for_my_page()
    assert many == one
    for number in (3, 2, 3, 4):
        assert f"Waiting list: number {number}" in page


@time_machine.travel(DAYTIME, tick=True)  # offers made at night wait for the morning
def test_a_family_cancels_and_the_next_family_is_offered_the_seat(
    client, hub, english, django_capture_on_commit_callbacks
):
    prog = program(hub, capacity_families=1)
    household = make_family(hub, "hana")
    waiting = make_family(hub, "momo", "momo@example.jp")
    entry = apply_for(prog, household)
    queued = apply_for(prog, waiting)
    sign_in_as(client, household)
    page = client.get(_entry_url(entry)).content.decode()
    assert "Cancel this entry" in page and "You can cancel here until" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, entry, "cancel", "cancel-key-0001")
    assert response.status_code == 303 and response["Location"] == _entry_url(entry)
    entry.refresh_from_db()
    queued.refresh_from_db()
    assert entry.status == EntryStatus.CANCELLED
    assert queued.status == EntryStatus.OFFERED
    assert "Your entry is cancelled." in client.get(response["Location"]).content.decode()
    assert [m.to for m in mail.outbox if "momo@example.jp" in m.to]  # the offer went out


def test_a_double_tap_on_cancel_cancels_once(client, hub):
    prog = program(hub)
    household = make_family(hub, "hana")
    entry = apply_for(prog, household)
    sign_in_as(client, household)
    first = _act(client, entry, "cancel", "cancel-key-0002")
    second = _act(client, entry, "cancel", "cancel-key-0002")
    assert first.status_code == second.status_code == 303
    assert second["Idempotent-Replayed"] == "true"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CANCELLED


def test_after_the_deadline_the_family_is_asked_to_call(client, hub, english):
    prog = program(hub, starts_at=timezone.now() + timedelta(hours=5))
    household = make_family(hub, "hana")
    entry = apply_for(prog, household)
    sign_in_as(client, household)
    page = client.get(_entry_url(entry)).content.decode()
    assert "Cancel this entry" not in page and "please call the hub" in page
    response = _act(client, entry, "cancel", "cancel-key-0003")
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "The deadline for cancelling online has passed." in page
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED


@pytest.mark.parametrize(
    "answer",
    [
        ("accept", EntryStatus.CONFIRMED, "Thank you! Your seat is confirmed."),
        ("decline", EntryStatus.DECLINED, "The seat goes to the next family."),
    ],
    ids=["accept", "decline"],
)
def test_an_offer_is_answered_on_the_entry_page(client, hub, english, answer):
    action, status, words = answer
    prog = program(hub, capacity_families=1)
    first, household = make_family(hub, "hana"), make_family(hub, "momo")
    taken = apply_for(prog, first)
    entry = apply_for(prog, household)
    services.cancel(taken)
    sign_in_as(client, household)
    my_page = client.get(reverse("portal:my-page")).content.decode()
    assert "A seat is free for you!" in my_page and "Answer the offer" in my_page
    page = client.get(_entry_url(entry)).content.decode()
    assert "Yes, we will come" in page and "No, give the seat to another family" in page
    response = _act(client, entry, action, f"{action}-key-0004")
    entry.refresh_from_db()
    assert entry.status == status
    assert words in client.get(response["Location"]).content.decode()


def test_a_lapsed_offer_cannot_be_accepted(client, hub, english):
    prog = program(hub, capacity_families=1)
    first, household = make_family(hub, "hana"), make_family(hub, "momo")
    taken = apply_for(prog, first)
    entry = apply_for(prog, household)
    services.cancel(taken)
    entry.refresh_from_db()
    entry.__class__.objects.filter(pk=entry.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    sign_in_as(client, household)
    response = _act(client, entry, "accept", "accept-key-0005")
    assert (
        "the time to accept this seat has passed"
        in client.get(response["Location"]).content.decode()
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LAPSED


def test_the_family_chooses_how_the_hub_contacts_it(client, hub, english):
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    response = client.post(reverse("portal:my-contact"), {"contact_channel": ContactChannel.PHONE})
    assert response.status_code == 303
    household.refresh_from_db()
    assert household.contact_channel == ContactChannel.PHONE
    bad = client.post(reverse("portal:my-contact"), {"contact_channel": "carrier pigeon"})
    assert "Choose e-mail or phone call." in client.get(bad["Location"]).content.decode()
    household.refresh_from_db()
    assert household.contact_channel == ContactChannel.PHONE


def test_my_page_needs_a_signed_in_family(client):
    response = client.get(reverse("portal:my-page"))
    assert response.status_code == 302
    assert response.url == reverse("portal:sign-in") + "?next=%2Fmy%2F"
