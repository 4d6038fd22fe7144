"""The registry pages as staff use them: list and search, a family's page, registration at the
counter, editing. Permissions per role are covered by tests/test_permission_matrix.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import TownBlockFactory
from hiroba.families import services
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    MemberKind,
    Relation,
)
from hiroba.families.models import ConsentEvent, Household, Member
from hiroba.families.tests.factories import AT_NOON, caregiver, child, family

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def staff(world, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


@pytest.fixture
def english(english, client, settings):
    """Pages in English too (the language cookie), for assertions on message text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _list(client, **params):
    return client.get(reverse("families:household-list"), params)


def _detail_url(household):
    return reverse("families:household-detail", kwargs={"household_id": household.pk})


# -- the registry list -------------------------------------------------------------------------
def test_the_registry_lists_current_families_of_the_hub_only(world, staff):
    ours = family(world.a.hub)
    satellites = family(world.a.satellite)  # the satellite shares the main hub's registry
    family(world.b.hub)
    merged = family(world.a.hub, caregiver("田中", "恵", "タナカ", "メグミ"))
    services.merge_households(ours, merged, actor=None)
    response = _list(staff)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [satellites, ours]
    merged_only = _list(staff, status=HouseholdStatus.MERGED)
    assert list(merged_only.context["page"].object_list) == [merged]
    assert len(_list(staff, status="all").context["page"].object_list) == 3


def test_the_registry_search_reads_furigana_phone_and_card_number(world, staff):
    sato = family(world.a.hub, caregiver("佐藤", "優子", "サトウ", "ユウコ", phone="09011112222"))
    suzuki = family(world.a.hub, caregiver("鈴木", "一", "スズキ", "ハジメ"))
    for typed, expected in [
        ("ｻﾄｳ", [sato]),
        ("satou", [sato]),
        ("すずき", [suzuki]),
        ("090-1111", [sato]),
        ("2", [suzuki]),  # card number 000002
        (sato.card_token, [sato]),
    ]:
        page = _list(staff, q=typed).context["page"]
        assert list(page.object_list) == expected, typed
    response = _list(staff, q="やまもと")
    assert "No family matches" in response.content.decode() or response.context["searching"]
    assert list(response.context["page"].object_list) == []


def test_the_registry_shows_children_with_their_age_today(world, staff, english):
    family(
        world.a.hub,
        caregiver(),
        child("太郎", "タロウ", date(2025, 8, 3)),  # 1 year 3 months on 2026-11-20
        child("", "", None, due_date=date(2027, 2, 1)),
    )
    page = _list(staff).content.decode()
    assert "1 y 3 m" in page
    assert "Due " in page


def test_the_registry_is_paginated(world, staff):
    for _ in range(27):
        family(world.a.hub)
    first = _list(staff).context["page"]
    assert (len(first.object_list), first.paginator.num_pages) == (25, 2)
    second = _list(staff, page=2).context["page"]
    assert len(second.object_list) == 2


def test_the_registry_page_makes_a_fixed_number_of_queries(world, staff, django_assert_num_queries):
    def queries_for_page():
        from django.db import connection  # noqa: PLC0415
        from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

        with CaptureQueriesContext(connection) as captured:
            assert _list(staff).status_code == 200
        return len(captured)

    family(world.a.hub)
    queries_for_page()  # the first request of a session also writes the session
    small = queries_for_page()
    for n in range(15):
        family(
            world.a.hub,
            caregiver(phone=f"0901234{n:04d}"),
            caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
            child(),
            child("次郎", "ジロウ", date(2024, 1, 1)),
        )
    with django_assert_num_queries(small):
        assert _list(staff).status_code == 200
    with django_assert_num_queries(small):
        assert _list(staff, q="やまだ").status_code == 200


def test_the_registry_answers_htmx_with_the_results_region_only(world, staff):
    family(world.a.hub)
    response = staff.get(
        reverse("families:household-list"), {"q": "やまだ"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert 'id="registry-results"' in page
    assert "<html" not in page and 'role="search"' not in page  # the search box keeps focus


# -- a family's page ---------------------------------------------------------------------------
def test_the_family_page_shows_members_consent_and_visits_and_is_audited(world, staff, english):
    block = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台2丁目")
    household = family(
        world.a.hub,
        caregiver(phone="0451234567"),
        child("太郎", "タロウ", date(2025, 8, 3)),
        child("", "", None, due_date=date(2027, 2, 1)),
        address_region=f"{world.a.municipality.name}{world.a.ward.name}さくら台",
        address_rest="2-3-4",
        consents={ConsentPurpose.VISIT_RECORDS: True},
    )
    services.record_consent(
        household,
        ConsentPurpose.PHOTOS,
        ConsentAction.GRANTED,
        actor=None,
        given_on=date(2026, 5, 1),
    )
    services.record_consent(
        household,
        ConsentPurpose.PHOTOS,
        ConsentAction.WITHDRAWN,
        actor=None,
        given_on=date(2026, 9, 1),
    )
    response = staff.get(_detail_url(household))
    page = response.content.decode()
    assert response.status_code == 200
    assert "山田 花子" in page and "ヤマダ ハナコ" in page
    assert "045-123-4567" in page
    assert "1 y 3 m" in page
    assert "Pregnancy" in page
    assert block.district.name in page
    assert [label for label, event in response.context["consents"] if event] == [
        ConsentPurpose.VISIT_RECORDS.label,
        ConsentPurpose.PHOTOS.label,
    ]
    photos = dict(response.context["consents"])[ConsentPurpose.PHOTOS.label]
    assert photos.action == ConsentAction.WITHDRAWN
    assert len(response.context["consent_history"]) == 3  # the grant stays as history
    assert response.context["card_visits"].total == 0
    viewed = AuditLog.objects.get(action="families.household.viewed")
    assert (viewed.object_id, viewed.actor) == (str(household.pk), world.a.person(Role.HUB_STAFF))


def test_a_volunteer_sees_the_family_but_no_edit_links(world, client):
    household = family(world.a.hub)
    client.force_login(world.a.person(Role.VOLUNTEER))
    response = client.get(_detail_url(household))
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert reverse("families:household-edit", kwargs={"household_id": household.pk}) not in (
        response.content.decode()
    )


# -- registration at the counter ---------------------------------------------------------------
def _management(prefix, total, minimum=0, maximum=1000):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": str(minimum),
        f"{prefix}-MAX_NUM_FORMS": str(maximum),
    }


def _registration(**values):
    data = {
        **_management("caregivers", 2, 1),
        **_management("children", 2),
        "caregivers-0-relation": "mother",
        "caregivers-0-family_name": "佐藤",
        "caregivers-0-given_name": "優子",
        "caregivers-0-family_name_kana": "ｻﾄｳ",
        "caregivers-0-given_name_kana": "ゆうこ",
        "caregivers-0-phone": "０９０－１２３４－５６７８",
        "caregivers-0-email": "",
        "children-0-given_name": "陽翔",
        "children-0-given_name_kana": "はると",
        "children-0-birth_date": "R7.8.15",
        "postal_code": "２２５－０００２",
        "address_region": "",
        "address_rest": "１－２－３",
        "language": "ja",
        "how_heard": "friend",
        "notes": "",
        "consent_visit_records": "on",
        "consent_photos": "",
    }
    data.update(values)
    return data


def _register(client, **values):
    return client.post(reverse("families:household-create"), _registration(**values))


def test_the_registration_form_opens_with_empty_rows(staff):
    response = staff.get(reverse("families:household-create"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="caregivers-TOTAL_FORMS" value="2"' in page
    assert 'name="children-TOTAL_FORMS" value="2"' in page
    assert "children-__prefix__-birth_date" in page  # the row JavaScript copies
    assert 'hx-get="/staff/families/postal-code/"' in page or "postal-code" in page


def test_registering_a_family_normalises_input_and_fills_in_the_address(world, staff):
    response = _register(staff)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response.url == _detail_url(household)
    assert (household.hub, household.status, household.card_number) == (
        world.a.hub,
        HouseholdStatus.ACTIVE,
        "000001",
    )
    # Without JavaScript the address is looked up on saving (offline postal data).
    assert household.address_region == "神奈川県横浜市青葉区美しが丘"
    assert (household.postal_code, household.address_rest) == ("2250002", "1-2-3")
    mother, baby = household.members.order_by("kind", "sort_order")
    assert (mother.family_name_kana, mother.phone, mother.is_primary_contact) == (
        "サトウ",
        "09012345678",
        True,
    )
    # The child takes the caregiver's family name when none is typed.
    assert (baby.kind, baby.family_name, baby.family_name_kana) == (
        MemberKind.CHILD,
        "佐藤",
        "サトウ",
    )
    assert baby.birth_date == date(2025, 8, 15)
    consents = ConsentEvent.objects.filter(household=household)
    assert [(c.purpose, c.action) for c in consents] == [
        (ConsentPurpose.VISIT_RECORDS, ConsentAction.GRANTED)
    ]
    assert consents[0].recorded_by == world.a.person(Role.HUB_STAFF)
    assert AuditLog.objects.filter(action="families.household.registered").count() == 1


def test_registering_a_pregnancy_and_a_second_caregiver(world, staff):
    _register(
        staff,
        **{
            "caregivers-1-relation": "father",
            "caregivers-1-family_name": "佐藤",
            "caregivers-1-given_name": "健",
            "caregivers-1-family_name_kana": "サトウ",
            "caregivers-1-given_name_kana": "ケン",
            "caregivers-1-is_primary_contact": "on",
            "children-1-due_date": "2027-03-01",
        },
    )
    household = Household.objects.get()
    father = household.members.get(relation=Relation.FATHER)
    expected = household.members.get(due_date=date(2027, 3, 1))
    assert father.is_primary_contact
    assert not household.members.get(relation=Relation.MOTHER).is_primary_contact
    assert expected.is_expected and expected.given_name == ""


def test_invalid_registration_saves_nothing_and_explains_in_english(world, staff, english):
    response = _register(
        staff,
        **{
            "caregivers-0-relation": "",
            "caregivers-0-given_name_kana": "Yuko",
            "children-0-birth_date": "",
            "children-1-given_name": "花",
            "children-1-given_name_kana": "はな",
            "children-1-birth_date": "2027-01-01",
            "postal_code": "12",
        },
    )
    assert response.status_code == 200
    assert Household.objects.count() == Member.objects.count() == 0
    caregiver_errors = response.context["caregivers"].forms[0].errors
    assert caregiver_errors["relation"] == ["Choose how the caregiver is related to the children."]
    assert caregiver_errors["given_name_kana"] == [
        "Use only hiragana or katakana for the kana reading."
    ]
    children = response.context["children"].forms
    assert children[0].errors["birth_date"] == ["Enter the child's date of birth, or the due date."]
    assert children[1].errors["birth_date"] == ["The date of birth cannot be in the future."]
    assert response.context["form"].errors["postal_code"] == [
        "Enter a 7-digit postal code, e.g. 225-0002."
    ]
    assert "Nothing has been saved yet." in response.content.decode()


def test_invalid_registration_answers_in_japanese_by_default(world, staff):
    response = _register(staff, **{"caregivers-0-family_name_kana": "sato"})
    assert response.status_code == 200
    assert "ふりがなは、ひらがなまたはカタカナで入力してください。" in response.content.decode()


def test_a_family_needs_a_caregiver_row(world, staff, english):
    blank = {
        f"caregivers-0-{name}": ""
        for name in ("relation", "family_name", "given_name", "family_name_kana", "given_name_kana")
    }
    blank["caregivers-0-phone"] = ""
    response = _register(staff, **blank)
    assert response.status_code == 200
    assert response.context["caregivers"].forms[0].errors["family_name"] == [
        "Enter the family name."
    ]
    assert not Household.objects.exists()


def test_due_dates_must_be_plausible(world, staff, english):
    response = _register(
        staff,
        **{"children-0-birth_date": "", "children-0-due_date": "2028-01-01"},
    )
    errors = response.context["children"].forms[0].errors
    assert errors["due_date"] == ["The due date is too far ahead. Check the year."]
    response = _register(
        staff,
        **{"children-0-birth_date": "", "children-0-due_date": "2026-01-01"},
    )
    errors = response.context["children"].forms[0].errors
    assert errors["due_date"] == ["The due date is long past. Enter the date of birth instead."]


def test_registering_a_look_alike_family_warns_and_shows_the_duplicates(world, staff, english):
    existing = family(world.a.hub, caregiver(phone="09012345678"))
    response = _register(staff)
    new = Household.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("families:household-duplicates", kwargs={"household_id": new.pk})
    page = staff.get(response.url)
    assert "looks like a family already registered" in page.content.decode()
    assert [c for c, _ in page.context["candidates"]] == [existing]
    assert page.context["candidates"][0][1] == ["Same phone number: サトウ ユウコ"]


def test_a_satellite_registers_into_the_main_hubs_registry(world, client):
    person = world.a.person(Role.HUB_STAFF)
    client.force_login(person)
    session = client.session
    session["hiroba_hub_id"] = world.a.satellite.pk
    session.save()
    _register(client)
    assert Household.objects.get().hub == world.a.hub


# -- editing -----------------------------------------------------------------------------------
def test_editing_the_address_saves_it_and_relocates_the_district(world, staff):
    block = TownBlockFactory(ward=world.a.ward, district__ward=world.a.ward, key="さくら台2丁目")
    household = family(world.a.hub)
    response = staff.post(
        reverse("families:household-edit", kwargs={"household_id": household.pk}),
        {
            "postal_code": "",
            "address_region": f"{world.a.municipality.name}{world.a.ward.name}さくら台",
            "address_rest": "２－５",
            "language": "en",
            "how_heard": "",
            "notes": "アレルギー：卵",
            "contact_channel": "email",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.address_rest, household.language, household.notes) == (
        "2-5",
        "en",
        "アレルギー:卵",  # NFKC: full-width punctuation becomes ASCII
    )
    assert household.district == block.district
    entry = AuditLog.objects.get(action="families.household.updated")
    assert "address_rest" in entry.payload["fields"]
    assert "アレルギー" not in str(entry.payload)  # names fields, never values


def test_a_merged_card_cannot_be_edited(world, staff, english):
    kept, merged = family(world.a.hub), family(world.a.hub)
    services.merge_households(kept, merged, actor=None)
    response = staff.get(
        reverse("families:household-edit", kwargs={"household_id": merged.pk}), follow=True
    )
    assert "merged or anonymised" in response.content.decode()


# -- how to contact the family -----------------------------------------------------------------
def _edit_url(household):
    return reverse("families:household-edit", kwargs={"household_id": household.pk})


def _edit_data(household, **changes):
    fields = ("postal_code", "address_region", "address_rest", "language", "how_heard", "notes")
    return {**{name: getattr(household, name) for name in fields}, **changes}


def test_staff_see_and_change_how_the_family_wants_to_be_contacted(world, staff, english):
    household = family(world.a.hub)
    assert "E-mail" in staff.get(_detail_url(household)).content.decode()
    form = staff.get(_edit_url(household))
    assert 'name="contact_channel" value="phone"' in form.content.decode()
    assert form.context["form"]["contact_channel"].value() == "email"
    response = staff.post(_edit_url(household), _edit_data(household, contact_channel="phone"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.contact_channel == "phone"
    entry = AuditLog.objects.get(action="families.household.contact_channel_changed")
    assert entry.payload == {"from": "email", "to": "phone"}
    assert not AuditLog.objects.filter(action="families.household.updated").exists()
    assert "Phone call from staff" in staff.get(_detail_url(household)).content.decode()


def test_an_unknown_contact_channel_is_refused_with_a_message(world, staff, english):
    household = family(world.a.hub)
    response = staff.post(_edit_url(household), _edit_data(household, contact_channel="fax"))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_channel"] == [
        "Choose how the family wants to be contacted."
    ]
    household.refresh_from_db()
    assert household.contact_channel == "email"
    changes = ("families.household.contact_channel_changed", "families.household.updated")
    assert not AuditLog.objects.filter(action__in=changes).exists()
