"""The entry link in the e-mails: signed, tied to one entry and family, usable without
signing in to see, cancel, accept or decline; forged or stale links find nothing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household, Member
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import links, services
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Program
from hiroba.programs.tests.factories import program

from .conftest import apply_for, make_family

pytestmark = pytest.mark.django_db
ENTRY_LINK = re.compile(r"https?://[^/\s]+(/programs/entries/[^/\s]+/)")
DAYTIME = timezone.make_aware(datetime(2026, 6, 1, 11, 0))  # Asia/Tokyo


def _page(entry) -> str:
    """The entry's link; the token is timestamped, so tests that compare links freeze time."""
    return reverse("portal:entry-link", kwargs={"token": links.entry_token(entry)})


def test_a_token_finds_its_entry_and_nothing_else(hub):
    prog = program(hub)
    entry = apply_for(prog, make_family(hub, "hana"))
    token = links.entry_token(entry)
    assert links.entry_for_token(token) == entry
    forged = signing.dumps({"e": entry.pk, "h": entry.household_id}, salt="another salt")
    assert links.entry_for_token(forged) is None
    assert links.entry_for_token(token[:-3] + "xyz") is None
    assert links.entry_for_token("") is None
    wrong_family = signing.dumps({"e": entry.pk, "h": entry.household_id + 1}, salt=links.SALT)
    assert links.entry_for_token(wrong_family) is None


def test_a_token_stops_working_after_the_program_or_for_a_merged_card(hub):
    prog = program(hub)
    household = make_family(hub, "hana")
    entry = apply_for(prog, household)
    token = links.entry_token(entry)
    later = prog.last_ends_at + timedelta(minutes=1)
    assert links.entry_for_token(token, now=later) is None
    Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.MERGED)
    assert links.entry_for_token(token) is None


@time_machine.travel(DAYTIME, tick=False)
def test_the_confirmation_e_mail_links_to_the_entry_page(
    client, hub, english, django_capture_on_commit_callbacks
):
    prog = program(hub, title="離乳食教室")
    household = make_family(hub, "hana", "hana@example.jp", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        entry = apply_for(prog, household)
    (message,) = mail.outbox
    path = ENTRY_LINK.search(message.body).group(1)
    assert path == _page(entry)
    assert "See or cancel your entry here" in message.body
    response = client.get(path)  # not signed in
    assert response.status_code == 200
    page = response.content.decode()
    assert "離乳食教室" in page and "Your seat is confirmed." in page
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


@time_machine.travel(DAYTIME, tick=False)
def test_the_entry_can_be_cancelled_from_the_link(client, hub, english):
    prog = program(hub)
    entry = apply_for(prog, make_family(hub, "hana"))
    token = links.entry_token(entry)
    url = reverse("portal:entry-link-cancel", kwargs={"token": token})
    response = client.post(url, {"idempotency_key": "link-cancel-0001"})
    assert response.status_code == 303 and response["Location"] == _page(entry)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CANCELLED
    assert "Your entry is cancelled." in client.get(response["Location"]).content.decode()
    replay = client.post(url, {"idempotency_key": "link-cancel-0001"})
    assert replay["Idempotent-Replayed"] == "true"


def test_an_offer_is_accepted_from_the_link(client, hub, english):
    prog = program(hub, capacity_families=1)
    first = apply_for(prog, make_family(hub, "hana"))
    entry = apply_for(prog, make_family(hub, "momo"))
    services.cancel(first)
    page = client.get(_page(entry)).content.decode()
    assert "Yes, we will come" in page
    url = reverse("portal:entry-link-accept", kwargs={"token": links.entry_token(entry)})
    client.post(url, {"idempotency_key": "link-accept-0001"})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED


def test_a_forged_or_stale_link_is_not_found(client, hub):
    prog = program(hub)
    entry = apply_for(prog, make_family(hub, "hana"))
    forged = signing.dumps({"e": entry.pk, "h": entry.household_id}, salt="x")
    assert client.get(reverse("portal:entry-link", kwargs={"token": forged})).status_code == 404
    cancel = reverse("portal:entry-link-cancel", kwargs={"token": forged})
    assert client.post(cancel, {"idempotency_key": "k-0009"}).status_code == 404
    Program.objects.filter(pk=prog.pk).update(last_ends_at=timezone.now() - timedelta(hours=1))
    assert client.get(_page(entry)).status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED


def test_the_link_stops_working_when_its_addressee_leaves_the_family(hub):
    household = family(
        hub,
        caregiver(email="hana@example.jp"),
        caregiver(given_name="一郎", relation="father", email="ichiro@example.jp"),
        child(),
    )
    prog = program(hub)
    mother = household.members.get(email="hana@example.jp")
    entry = services.apply(prog, household, list(household.members.all()), contact=mother)
    token = links.entry_token(entry)
    assert links.entry_for_token(token) == entry
    Member.objects.filter(pk=mother.pk).update(left_on=timezone.localdate())
    assert links.entry_for_token(token) is None  # her old e-mail no longer opens the entry
    entry.refresh_from_db()
    entry.contact.refresh_from_db()
    assert links.entry_for_token(links.entry_token(entry)) == entry  # the father's new one does
