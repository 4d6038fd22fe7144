"""Applying on the portal: the form lists the family with each child's problems, a seat is
confirmed or the family joins the waiting list, refusals are explained, and a double tap
(the same idempotency key) makes one entry and gets the same answer back."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hiroba.core.models import IdempotencyRecord
from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import child
from hiroba.programs import queries
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import program

from .conftest import make_family, parent_of, sign_in_as

pytestmark = pytest.mark.django_db
KEY = "0b8f3c1e-1f7a-4a53-9a4e-3f3a1b2c4d5e"


@pytest.fixture
def hub():
    return HubFactory()


def _url(prog) -> str:
    return reverse("portal:program-apply", kwargs={"program_id": prog.pk})


def _everyone(household) -> list[int]:
    return [m.pk for m in household.members.all() if not m.is_expected]


def _post(client, prog, household, key=KEY, **extra):
    data = {"members": _everyone(household), "message": "", "idempotency_key": key, **extra}
    return client.post(_url(prog), data)


def _entry_id(response) -> int:
    return int(re.fullmatch(r"/my/entries/(\d+)/", response["Location"]).group(1))


def test_the_form_needs_a_signed_in_family(client, hub):
    prog = program(hub)
    response = client.get(_url(prog))
    assert response.status_code == 302
    assert response.url == reverse("portal:sign-in") + f"?next=%2Fprograms%2F{prog.pk}%2Fapply%2F"
    posted = client.post(_url(prog), {"members": [1]})
    assert posted.status_code == 302 and "next=%2Fprograms%2F" in posted.url
    assert not Entry.objects.exists()


def test_the_form_lists_the_family_with_each_childs_problems(client, hub, english):
    prog = program(hub, min_age_months=6, max_age_months=11)
    starts = timezone.localtime(prog.first_starts_at).date()
    household = make_family(
        hub,
        "hana",
        None,
        child(given_name="小春", birth_date=starts - timedelta(days=240)),  # 7 months
        child(given_name="大地", birth_date=starts - timedelta(days=3 * 365)),  # too old
        child(given_name="", birth_date=None, due_date=timezone.localdate() + timedelta(days=90)),
    )
    sign_in_as(client, household)
    page = client.get(_url(prog)).content.decode()
    assert "小春" in page and "7 months old on the day" in page
    assert "The child is older than this program is for on the day." in page
    assert "Expected baby" in page
    baby = household.members.get(due_date__isnull=False)
    assert re.search(rf'value="{baby.pk}"[^>]*disabled', page)  # not a pregnancy program
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}"', page)
    # The signed-in parent and the child who may come are ticked; the older child is not.
    kid = household.members.get(given_name="小春")
    old = household.members.get(given_name="大地")
    assert re.search(rf'value="{kid.pk}" checked', page)
    assert re.search(rf'value="{parent_of(household).pk}" checked', page)
    assert not re.search(rf'value="{old.pk}" checked', page)


def test_a_family_gets_a_seat_and_an_e_mail_with_its_entry_link(
    client, hub, django_capture_on_commit_callbacks
):
    prog = program(hub, capacity_families=2)
    household = make_family(hub, "hana", "hana@example.jp")
    sign_in_as(client, household)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, prog, household, message="アレルギーあり")
    assert response.status_code == 303
    entry = Entry.objects.get()
    assert response["Location"] == f"/my/entries/{entry.pk}/"
    assert entry.status == EntryStatus.CONFIRMED
    assert entry.contact == parent_of(household)
    assert entry.message == "アレルギーあり"
    assert {m.pk for m in entry.members.all()} == set(_everyone(household))
    assert len(mail.outbox) == 1
    assert "/programs/entries/" in mail.outbox[0].body and "/my/" in mail.outbox[0].body
    assert queries.invariant_violations(prog).ok


def test_a_full_program_puts_the_family_on_the_waiting_list(client, hub, english):
    prog = program(hub, capacity_families=1)
    first = make_family(hub, "hana")
    second = make_family(hub, "momo")
    sign_in_as(client, first)
    _post(client, prog, first)
    sign_in_as(client, second)
    response = _post(client, prog, second, key="second-key-0001")
    assert response.status_code == 303
    entry = Entry.objects.get(pk=_entry_id(response))
    assert entry.status == EntryStatus.WAITLISTED
    page = client.get(response["Location"]).content.decode()
    assert "Waiting list: number 1" in page


def test_an_ineligible_child_is_refused_with_the_reason(client, hub, english):
    prog = program(hub, max_age_months=11)
    household = make_family(hub, "hana", None, child(birth_date=date(2019, 4, 1)))
    sign_in_as(client, household)
    response = _post(client, prog, household)
    assert response.status_code == 422
    assert "The child is older than this program is for on the day." in response.content.decode()
    assert not Entry.objects.exists()
    assert not IdempotencyRecord.objects.exists()  # a corrected form may reuse the key


def test_nobody_chosen_is_explained(client, hub, english):
    prog = program(hub)
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    response = client.post(_url(prog), {"idempotency_key": KEY})
    assert response.status_code == 422
    assert "Choose who comes." in response.content.decode()


def test_a_member_of_another_family_cannot_be_chosen(client, hub, english):
    prog = program(hub)
    household = make_family(hub, "hana")
    stranger = make_family(hub, "momo")
    sign_in_as(client, household)
    response = _post(client, prog, household, members=[*_everyone(household), *_everyone(stranger)])
    assert response.status_code == 422
    assert "A chosen person is not a member of this family." in response.content.decode()
    assert not Entry.objects.exists()


def test_an_expected_baby_is_refused_for_a_program_not_for_expecting_parents(client, hub, english):
    prog = program(hub)
    household = make_family(
        hub,
        "hana",
        None,
        child(birth_date=None, due_date=timezone.localdate() + timedelta(days=60)),
    )
    sign_in_as(client, household)
    members = [m.pk for m in household.members.all()]
    response = _post(client, prog, household, members=members)
    assert response.status_code == 422
    assert "An expected baby can only be chosen" in response.content.decode()


def test_a_double_tap_makes_one_entry_and_replays_the_same_answer(client, hub):
    prog = program(hub, capacity_families=5)
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    first = _post(client, prog, household)
    second = _post(client, prog, household)
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Entry.objects.count() == 1
    prog.refresh_from_db()
    assert prog.taken_families == 1


def test_a_second_form_after_applying_leads_to_the_entry(client, hub):
    prog = program(hub)
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    first = _post(client, prog, household)
    again = _post(client, prog, household, key="another-key-0002")
    assert again.status_code == 303 and again["Location"] == first["Location"]
    assert Entry.objects.count() == 1
    # And the form itself sends the family to its entry.
    assert client.get(_url(prog))["Location"] == first["Location"]


def test_a_closed_program_says_why(client, hub, english):
    prog = program(hub, opens_at=timezone.now() + timedelta(days=3))
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    page = client.get(_url(prog)).content.decode()
    assert "Sign-up opens" in page and 'name="members"' not in page
    response = _post(client, prog, household)
    assert response.status_code == 422
    assert "Applications have not opened yet." in response.content.decode()


def test_drafts_cannot_be_applied_for(client, hub):
    prog = program(hub, publish=False)
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    assert client.get(_url(prog)).status_code == 404
    assert _post(client, prog, household).status_code == 404


def test_another_familys_entry_is_not_found(client, hub):
    prog = program(hub)
    mine, theirs = make_family(hub, "hana"), make_family(hub, "momo")
    sign_in_as(client, theirs)
    their_entry = _entry_id(_post(client, prog, theirs))
    sign_in_as(client, mine)
    url = reverse("portal:my-entry", kwargs={"program_entry_id": their_entry})
    assert client.get(url).status_code == 404
    cancel = reverse("portal:my-entry-cancel", kwargs={"program_entry_id": their_entry})
    assert client.post(cancel, {"idempotency_key": "k-0003"}).status_code == 404
    assert Entry.objects.get(pk=their_entry).status == EntryStatus.CONFIRMED


def test_the_apply_post_reads_little(client, hub, settings, django_assert_max_num_queries):
    """The rush hot path, statement by statement: the session, the family with its members
    (one query), the idempotency key (one INSERT … ON CONFLICT), the program, then the locked
    re-read (which also says whether the family entered already), the counters, the entry
    with its members, the audit row, the queued e-mail and the stored answer, with the
    savepoint and transaction statements around them. The e-mail itself goes out later."""
    settings.HIROBA_SEND_MESSAGES_AT_ONCE = False
    prog = program(hub, capacity_families=5)
    household = make_family(hub, "hana")
    sign_in_as(client, household)
    data = {"members": _everyone(household), "message": "", "idempotency_key": KEY}
    with django_assert_max_num_queries(15):
        response = client.post(_url(prog), data)
    assert response.status_code == 303
    assert Entry.objects.get(pk=_entry_id(response)).status == EntryStatus.CONFIRMED


def test_the_signed_in_familys_members_are_read_once_and_stay_the_present_ones(rf, hub):
    """``parents`` reads the family and its present members in one query and serves
    ``household.members.all()`` from it; a further filter still leaves out who moved out."""
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from hiroba.portal import parents  # noqa: PLC0415

    household = make_family(hub, "hana")
    moved_out = household.members.get(kind="child")
    moved_out.left_on = date(2026, 1, 1)
    moved_out.save(update_fields=["left_on"])
    request = rf.get("/my/")
    request.session = SessionStore()
    request.session[parents.SESSION_HOUSEHOLD] = household.pk
    request.session[parents.SESSION_MEMBER] = parent_of(household).pk
    with CaptureQueriesContext(connection) as captured:
        signed_in = parents.current_household(request)
        present = list(signed_in.members.all())
    assert len(captured) == 1
    assert [m.pk for m in present] == [parent_of(household).pk]
    assert moved_out.pk not in set(
        signed_in.members.filter(kind="child").values_list("pk", flat=True)
    )
