"""Members, consent, pre-registrations, the family card and the postal code lookup, through
the staff pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.families import queries, services
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    MemberKind,
    Relation,
)
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def staff(world, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


@pytest.fixture
def english(english, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name, **kwargs):
    return reverse(f"families:{name}", kwargs=kwargs)


# -- members -----------------------------------------------------------------------------------
def test_adding_a_child_takes_the_family_name_of_the_main_contact(world, staff):
    household = family(world.a.hub, caregiver(), child())
    response = staff.post(
        _url("member-add", household_id=household.pk),
        {
            "kind": "child",
            "given_name": "次郎",
            "given_name_kana": "じろう",
            "birth_date": "２０２６／１０／１",
            "sex": "male",
        },
    )
    assert response.status_code == 302
    added = household.members.get(given_name="次郎")
    assert (added.family_name, added.family_name_kana, added.given_name_kana) == (
        "山田",
        "ヤマダ",
        "ジロウ",
    )
    assert (added.birth_date, added.sort_order) == (date(2026, 10, 1), 2)
    assert AuditLog.objects.filter(action="families.member.added").count() == 1


def test_adding_a_caregiver_needs_a_relation(world, staff, english):
    household = family(world.a.hub)
    response = staff.post(
        _url("member-add", household_id=household.pk),
        {
            "kind": "caregiver",
            "family_name": "山田",
            "given_name": "一郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "イチロウ",
            "phone": "12345",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["relation"] == ["Choose how the caregiver is related to the children."]
    assert errors["phone"] == [
        "Enter a Japanese phone number of 10 or 11 digits, e.g. 045-123-4567."
    ]
    assert household.members.count() == 2


def test_a_birth_is_recorded_by_editing_the_pregnancy(world, staff):
    household = family(world.a.hub, caregiver(), child("", "", None, due_date=date(2026, 12, 1)))
    expected = household.members.get(kind=MemberKind.CHILD)
    page = staff.get(_url("member-edit", member_id=expected.pk))
    assert page.context["form"].initial["due_date"] == date(2026, 12, 1)
    response = staff.post(
        _url("member-edit", member_id=expected.pk),
        {
            "family_name": "山田",
            "family_name_kana": "やまだ",
            "given_name": "桜",
            "given_name_kana": "さくら",
            "birth_date": "R8.11.10",
            "due_date": "2026-12-01",
            "birth_order": "1",
            "sex": "female",
        },
    )
    assert response.status_code == 302
    expected.refresh_from_db()
    assert (expected.birth_date, expected.given_name, expected.is_expected) == (
        date(2026, 11, 10),
        "桜",
        False,
    )
    assert expected.search_key.endswith("さくら")
    entry = AuditLog.objects.get(action="families.member.updated")
    assert "birth_date" in entry.payload["fields"]


def test_editing_a_childs_family_name_cannot_blank_it(world, staff, english):
    household = family(world.a.hub)
    kid = household.members.get(kind=MemberKind.CHILD)
    response = staff.post(
        _url("member-edit", member_id=kid.pk),
        {
            "family_name": "",
            "family_name_kana": "",
            "given_name": "太郎",
            "given_name_kana": "タロウ",
            "birth_date": "2025-05-01",
        },
    )
    assert response.context["form"].errors["family_name"] == ["Enter the family name."]


def test_a_member_leaves_but_the_last_caregiver_cannot(world, staff, english):
    household = family(
        world.a.hub,
        caregiver(),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child(),
    )
    mother, father = household.members.filter(kind=MemberKind.CAREGIVER).order_by("sort_order")
    assert staff.get(_url("member-left", member_id=father.pk)).status_code == 200
    response = staff.post(_url("member-left", member_id=father.pk), {"left_on": "2026-11-01"})
    assert response.status_code == 302
    father.refresh_from_db()
    assert father.left_on == date(2026, 11, 1)
    response = staff.post(_url("member-left", member_id=mother.pk), {"left_on": "2026-11-20"})
    assert response.status_code == 200
    assert "A family needs at least one caregiver." in response.content.decode()
    future = staff.post(_url("member-left", member_id=mother.pk), {"left_on": "2026-12-01"})
    assert future.context["form"].errors["left_on"] == ["The date cannot be in the future."]
    detail = staff.get(_url("household-detail", household_id=household.pk))
    assert detail.context["former_members"] == [father]


# -- consent -----------------------------------------------------------------------------------
def test_consent_is_granted_and_withdrawn_with_history(world, staff):
    household = family(world.a.hub)
    url = _url("consent-record", household_id=household.pk)
    staff.post(url, {"purpose": "photos", "action": "granted", "given_on": "R8.4.1"})
    response = staff.post(
        url, {"purpose": "photos", "action": "withdrawn", "given_on": "2026-11-20"}
    )
    assert response.status_code == 302
    events = list(household.consent_events.order_by("recorded_at", "pk"))
    assert [(e.action, e.given_on) for e in events] == [
        (ConsentAction.GRANTED, date(2026, 4, 1)),
        (ConsentAction.WITHDRAWN, date(2026, 11, 20)),
    ]
    assert not queries.has_consent(household, ConsentPurpose.PHOTOS)
    assert AuditLog.objects.filter(action="families.consent.recorded").count() == 2


def test_consent_form_rejects_unknown_purposes_and_future_dates(world, staff, english):
    household = family(world.a.hub)
    response = staff.post(
        _url("consent-record", household_id=household.pk),
        {"purpose": "marketing", "action": "granted", "given_on": "2027-01-01"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"purpose", "given_on"}
    assert errors["given_on"] == ["The date cannot be in the future."]
    assert not household.consent_events.exists()


# -- pre-registrations -------------------------------------------------------------------------
def test_pending_registrations_are_listed_and_confirmed(world, staff):
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)
    family(world.a.hub)  # registered: not listed
    family(world.b.hub, status=HouseholdStatus.PENDING)  # another city
    response = staff.get(_url("pending-list"))
    assert list(response.context["page"].object_list) == [pending]
    response = staff.post(_url("household-confirm", household_id=pending.pk))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.registered_on) == (HouseholdStatus.ACTIVE, date(2026, 11, 20))
    assert list(staff.get(_url("pending-list")).context["page"].object_list) == []


def test_confirming_twice_says_so(world, staff, english):
    household = family(world.a.hub)
    response = staff.post(_url("household-confirm", household_id=household.pk), follow=True)
    assert "This family is already registered." in response.content.decode()
    assert staff.get(_url("household-confirm", household_id=household.pk)).status_code == 405


def test_the_pending_list_makes_a_fixed_number_of_queries(world, staff, django_assert_num_queries):
    family(world.a.hub, status=HouseholdStatus.PENDING)
    staff.get(_url("pending-list"))
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as small:
        staff.get(_url("pending-list"))
    for _ in range(10):
        family(
            world.a.hub, caregiver(), child(), child("花", "ハナ"), status=HouseholdStatus.PENDING
        )
    with django_assert_num_queries(len(small)):
        staff.get(_url("pending-list"))


# -- the family card ---------------------------------------------------------------------------
def test_the_card_page_shows_hub_number_names_and_the_qr_code(world, staff):
    household = family(
        world.a.hub, caregiver(), child(), child("", "", None, due_date=date(2027, 1, 1))
    )
    response = staff.get(_url("household-card", household_id=household.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.a.hub.name in page and household.card_number in page
    assert "太郎" in page
    assert _url("household-card-qr", household_id=household.pk) in page
    assert household.card_token not in page  # the secret is only in the QR code
    assert AuditLog.objects.filter(action="families.card.printed").count() == 1


def test_the_qr_code_is_an_uncached_svg_of_the_card_token(world, staff):
    household = family(world.a.hub)
    response = staff.get(_url("household-card-qr", household_id=household.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg


def test_the_qr_code_encodes_the_card_token(world, staff):
    """segno is deterministic: the page's SVG is exactly the QR code of the card token."""
    import io  # noqa: PLC0415

    import segno  # noqa: PLC0415

    household = family(world.a.hub)
    response = staff.get(_url("household-card-qr", household_id=household.pk))
    expected = io.BytesIO()
    segno.make(household.card_token, error="m", micro=False).save(
        expected, kind="svg", scale=8, border=4, title=household.card_number
    )
    assert response.content == expected.getvalue()


def test_reissuing_the_card_stops_the_old_code(world, staff):
    household = family(world.a.hub)
    old = household.card_token
    response = staff.post(_url("card-reissue", household_id=household.pk))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.card_token != old
    assert queries.household_by_card_token(world.a.hub, old) is None
    assert queries.household_by_card_token(world.a.hub, household.card_token) == household
    assert AuditLog.objects.filter(action="families.card.reissued").count() == 1


def test_a_merged_card_has_no_qr_code(world, staff):
    kept, merged = family(world.a.hub), family(world.a.hub)
    services.merge_households(kept, merged, actor=None)
    assert staff.get(_url("household-card-qr", household_id=merged.pk)).status_code == 404
    assert staff.get(_url("household-card", household_id=merged.pk)).status_code == 200


# -- postal code lookup ------------------------------------------------------------------------
def test_the_postal_code_fills_in_the_address_region(world, staff):
    response = staff.get(
        _url("postal-code-lookup"), {"postal_code": "２２５－０００２"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="神奈川県横浜市青葉区美しが丘"' in page
    assert 'name="address_region"' in page


def test_an_unknown_postal_code_keeps_what_was_typed(world, staff, english):
    response = staff.get(
        _url("postal-code-lookup"), {"postal_code": "000-0000", "address_region": "横浜市"}
    )
    page = response.content.decode()
    assert 'value="横浜市"' in page
    assert "No address was found for this postal code." in page
    partial = staff.get(_url("postal-code-lookup"), {"postal_code": "225-00"}).content.decode()
    assert "No address was found" not in partial


def test_confirming_a_pre_registration_that_looks_like_a_card_shows_the_duplicates(world, staff):
    paper = family(world.a.hub)
    pending = family(world.a.hub, status=HouseholdStatus.PENDING)  # the same 山田 family
    response = staff.post(_url("household-confirm", household_id=pending.pk))
    assert response.url == _url("household-duplicates", household_id=pending.pk)
    page = staff.get(response.url)
    assert [candidate for candidate, _ in page.context["candidates"]] == [paper]
