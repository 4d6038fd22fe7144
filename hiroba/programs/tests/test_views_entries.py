"""The roster of a program, entering a family by phone or at the counter, and cancelling an
entry on a family's behalf."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.families.choices import ContactChannel, Relation
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.choices import EntryChannel, EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)
FIRST_SESSION = datetime(2026, 12, 4, 10, 0, tzinfo=TOKYO)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff_user(world):
    return world.a.person(Role.HUB_STAFF)


@pytest.fixture
def staff(client, staff_user):
    client.cookies["hiroba_language"] = "en"
    client.force_login(staff_user)
    return client


_EMAILS = itertools.count(1)


def _family(hub, name, **household):
    return family(
        hub,
        caregiver(given_name=name, email=f"parent{next(_EMAILS)}@example.jp"),
        child(given_name=f"{name}の子", birth_date=date(2026, 3, 4)),  # 9 months on Dec 4
        **household,
    )


def _apply(prog, household, **kwargs):
    return services.apply(prog, household, caregivers_and_children(household), **kwargs)


def _roster(client, prog):
    return client.get(reverse("programs:program-detail", args=[prog.pk]))


# -- the roster ----------------------------------------------------------------------------------
def test_the_roster_groups_entries_as_staff_work_through_them(world, staff):
    hub = world.a.hub
    prog = program(hub, starts_at=FIRST_SESSION, capacity_families=2)
    a, b, c, d, e = (_apply(prog, _family(hub, n)) for n in ["あ", "い", "う", "え", "お"])
    services.cancel(a)  # c is offered a's seat
    roster = _roster(staff, prog).context["roster"]
    assert [r.entry.pk for r in roster.confirmed] == [b.pk]
    assert [r.entry.pk for r in roster.offered] == [c.pk]
    assert [(r.entry.pk, r.position) for r in roster.waiting] == [(d.pk, 1), (e.pk, 2)]
    assert [r.entry.pk for r in roster.ended] == [a.pk]
    assert roster.applied == []


def test_the_roster_shows_members_ages_at_the_first_session_and_who_entered(
    world, staff, staff_user
):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    household = _family(world.a.hub, "花子")
    _apply(
        prog, household, actor=staff_user, channel=EntryChannel.PHONE, message="ベビーカーで来ます"
    )
    page = _roster(staff, prog).content.decode()
    assert f">{household.card_number}<" in page
    assert "山田 花子の子" in page and "9 months" in page
    assert "Phone" in page and str(staff_user.full_name or staff_user.email) in page
    assert "ベビーカーで来ます" in page


def test_a_family_registered_at_another_hub_is_marked_with_its_hub(world, staff):
    """Parents may apply online to any hub's program; the roster says whose card it is (the
    hub's own satellites share its cards, so they are not marked)."""
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    own = _apply(prog, _family(world.a.hub, "本体"))
    visitor = _apply(prog, _family(world.b.hub, "よそ"))
    satellite_prog = program(world.a.satellite, starts_at=FIRST_SESSION)
    _apply(satellite_prog, _family(world.a.hub, "サテライト"))
    rows = {r.entry.pk: r for r in _roster(staff, prog).context["roster"].confirmed}
    assert rows[own.pk].other_registry is None
    assert rows[visitor.pk].other_registry == world.b.hub
    assert f"Card of {world.b.hub.name}" in _roster(staff, prog).content.decode()
    (row,) = _roster(staff, satellite_prog).context["roster"].confirmed
    assert row.other_registry is None


def test_families_without_e_mail_are_flagged_to_be_called(world, staff):
    hub = world.a.hub
    prog = program(hub, starts_at=FIRST_SESSION)
    by_mail = _family(hub, "メール")
    by_phone = _family(hub, "電話")
    Household.objects.filter(pk=by_phone.pk).update(contact_channel=ContactChannel.PHONE)
    no_address = family(hub, caregiver(given_name="住所なし"), child())
    for household in (by_mail, by_phone, no_address):
        _apply(prog, household)
    rows = _roster(staff, prog).context["roster"].confirmed
    flagged = {r.entry.household_id: r.call_family for r in rows}
    assert flagged == {by_mail.pk: False, by_phone.pk: True, no_address.pk: True}


def test_the_roster_takes_a_fixed_number_of_queries(world, staff, django_assert_num_queries):
    hub = world.a.hub
    prog = program(hub, starts_at=FIRST_SESSION, capacity_families=3)
    _apply(prog, _family(hub, "一"))
    staff.get(reverse("programs:program-list"))  # the session's first request stores the hub
    with CaptureQueriesContext(connection) as few:
        _roster(staff, prog)
    entries = [_apply(prog, _family(hub, f"家族{i}")) for i in range(6)]
    services.cancel(entries[0])
    with django_assert_num_queries(len(few)):
        roster = _roster(staff, prog).context["roster"]
    assert (len(roster.confirmed), len(roster.offered), len(roster.waiting)) == (2, 1, 3)


def test_volunteers_read_the_roster_but_cannot_enter_or_cancel(world, client):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    entry = _apply(prog, _family(world.a.hub, "花子"))
    client.force_login(world.a.person(Role.VOLUNTEER))
    page = _roster(client, prog)
    assert page.status_code == 200
    assert reverse("programs:entry-cancel", args=[entry.pk]) not in page.content.decode()
    assert client.get(reverse("programs:entry-search", args=[prog.pk])).status_code == 403
    assert client.post(reverse("programs:entry-cancel", args=[entry.pk])).status_code == 403


def test_another_hubs_program_and_entry_are_not_found(world, staff):
    prog = program(world.b.hub, starts_at=FIRST_SESSION)
    entry = _apply(prog, _family(world.b.hub, "花子"))
    assert _roster(staff, prog).status_code == 404
    assert staff.get(reverse("programs:entry-search", args=[prog.pk])).status_code == 404
    assert staff.post(reverse("programs:entry-cancel", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED


# -- the phone entry -----------------------------------------------------------------------------
def test_the_search_answers_as_staff_type_and_marks_families_already_entered(world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    entered = _family(world.a.hub, "花子")
    other = family(world.a.hub, caregiver("山本", "桃子", "ヤマモト", "モモコ"), child())
    _apply(prog, entered)
    family(world.b.hub)  # another city's Yamada
    response = staff.get(reverse("programs:entry-search", args=[prog.pk]), {"q": "やま"}, **HTMX)
    assert response.templates[0].name == "programs/partials/_entry_results.html"
    results = dict(response.context["results"])
    assert {h.pk for h in results} == {entered.pk, other.pk}
    assert "Already entered: Confirmed" in response.content.decode()
    create_url = reverse("programs:entry-create", args=[prog.pk, other.pk])
    assert create_url in response.content.decode()


def test_a_phone_entry_records_the_channel_and_the_staff_member(world, staff, staff_user):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    household = _family(world.a.hub, "花子")
    members = [m.pk for m in caregivers_and_children(household)]
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {
        "members": members,
        "channel": "phone",
        "message": "アレルギーあり",
        "idempotency_key": "k1",
    }
    response = staff.post(url, data)
    entry = Entry.objects.get(program=prog)
    assert response.status_code == 302
    assert response.url == reverse("programs:program-detail", args=[prog.pk]) + f"#entry-{entry.pk}"
    assert (entry.channel, entry.entered_by, entry.status) == (
        EntryChannel.PHONE,
        staff_user,
        EntryStatus.CONFIRMED,
    )
    assert entry.message == "アレルギーあり"
    assert sorted(entry.members.values_list("pk", flat=True)) == sorted(members)


def test_a_counter_entry_to_a_full_program_joins_the_waiting_list(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION, capacity_families=1)
    _apply(prog, _family(world.a.hub, "先着"))
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {"members": [m.pk for m in caregivers_and_children(household)], "channel": "counter"}
    response = staff.post(url, data, follow=True)
    assert "is on the waiting list, number 1." in response.content.decode()
    entry = Entry.objects.get(household=household)
    assert (entry.status, entry.channel) == (EntryStatus.WAITLISTED, EntryChannel.COUNTER)


def test_eligibility_problems_are_all_shown_and_nothing_is_saved(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION, max_age_months=6, requires_father=True)
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {"members": [m.pk for m in caregivers_and_children(household)], "channel": "phone"}
    response = staff.post(url, data)
    errors = [str(e) for e in response.context["form"].errors["members"]]
    assert "The child is older than this program is for on the day." in errors
    assert "This program is for fathers: a father takes part." in errors
    assert not Entry.objects.exists()


def test_a_father_and_child_may_enter_a_fathers_program(world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION, requires_father=True)
    household = family(
        world.a.hub,
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child(birth_date=date(2026, 3, 4)),
    )
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {"members": [m.pk for m in household.members.all()], "channel": "phone"}
    assert staff.post(url, data).status_code == 302
    assert Entry.objects.get().household == household


def test_choosing_nobody_is_refused_with_a_message(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    response = staff.post(url, {"channel": "phone"})
    assert "Choose the family members who come." in response.context["form"].errors["members"]


def test_a_resent_phone_entry_is_entered_once(world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {
        "members": [m.pk for m in caregivers_and_children(household)],
        "channel": "phone",
        "idempotency_key": "same-form",
    }
    first, second = staff.post(url, data), staff.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Idempotent-Replayed"] == "true"
    assert Entry.objects.count() == 1


def test_the_entry_form_carries_a_fresh_request_key_and_the_programs_rules(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION, min_age_months=6, max_age_months=12)
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    first, second = staff.get(url), staff.get(url)
    assert first.context["idempotency_key"] != second.context["idempotency_key"]
    page = first.content.decode()
    assert 'name="idempotency_key"' in page
    assert "Children aged 6 months to 1 years on the day" in page
    assert "9 months on the day" in page


def test_a_family_of_another_registry_cannot_be_entered(world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    foreign = _family(world.b.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, foreign.pk])
    assert staff.get(url).status_code == 404
    members = [m.pk for m in foreign.members.all()]
    assert staff.post(url, {"members": members, "channel": "phone"}).status_code == 404
    assert not Entry.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION, publish=False)
    household = _family(world.a.hub, "花子")
    url = reverse("programs:entry-create", args=[prog.pk, household.pk])
    data = {"members": [m.pk for m in caregivers_and_children(household)], "channel": "phone"}
    response = staff.post(url, data)
    assert (
        "This program is not open for applications." in response.context["form"].non_field_errors()
    )
    assert not Entry.objects.exists()


# -- cancelling on a family's behalf -------------------------------------------------------------
def test_staff_cancel_an_entry_and_the_seat_goes_to_the_waiting_list(world, staff, staff_user):
    hub = world.a.hub
    prog = program(hub, starts_at=FIRST_SESSION, capacity_families=1)
    first, waiting = (_apply(prog, _family(hub, n)) for n in ["一", "二"])
    url = reverse("programs:entry-cancel", args=[first.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(url)
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, first.cancelled_by_staff) == (EntryStatus.CANCELLED, True)
    assert waiting.status == EntryStatus.OFFERED


def test_cancelling_an_ended_entry_says_so(english, world, staff):
    prog = program(world.a.hub, starts_at=FIRST_SESSION)
    entry = _apply(prog, _family(world.a.hub, "花子"))
    services.cancel(entry)
    response = staff.post(reverse("programs:entry-cancel", args=[entry.pk]), follow=True)
    assert "This entry is already cancelled or ended." in response.content.decode()
