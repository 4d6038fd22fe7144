"""Parents' pre-registration on the portal and the family card on their phone."""

from __future__ import annotations

from datetime import date

import pytest
import segno
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory, SatelliteFactory
from hiroba.families import services as family_services
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    MemberKind,
    RegistrationSource,
    Relation,
)
from hiroba.families.models import ConsentEvent, Household, Member
from hiroba.families.services import RegistryError

pytestmark = pytest.mark.django_db
URL = reverse("portal:register")


@pytest.fixture(autouse=True)
def _today_and_clean_cache():
    cache.clear()
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield
    cache.clear()


@pytest.fixture
def hub(db):
    return HubFactory(
        name="あおばの拠点", address="横浜市青葉区1-1", opening_hours="火〜土 10時〜16時"
    )


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _form(the_hub, **changes):
    data = {
        "key": "k" * 32,
        "hub": the_hub.pk,
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "やまだ",
        "given_name_kana": "ﾊﾅｺ",
        "relation": Relation.MOTHER,
        "phone": "０９０－１２３４－５６７８",
        "email": "",
        "postal_code": "225-0002",
        "address_region": "",
        "address_rest": "1-2-3",
        "language": "ja",
        "how_heard": "friend",
        "consent_visit_records": "on",
        "consent_photos": "on",
        "child-0-given_name": "太郎",
        "child-0-given_name_kana": "たろう",
        "child-0-birth_date": "2025-05-01",
        "child-1-due_date": "R9.2.1",
        "website": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_offers_active_main_hubs_only(client, hub):
    SatelliteFactory(parent=hub, name="サテライト")
    HubFactory(name="閉じた拠点", is_active=False)
    response = client.get(URL, {"hub": hub.pk})
    choices = [name for _pk, name in response.context["form"].fields["hub"].choices]
    assert choices == ["あおばの拠点"]
    assert response.context["form"]["hub"].value() == str(hub.pk)
    assert "no-store" in response["Cache-Control"]


def test_hubs_of_several_wards_are_grouped_by_ward(client, hub):
    other = HubFactory(name="みどりの拠点")
    choices = client.get(URL).context["form"].fields["hub"].choices
    assert choices == [
        (str(hub.ward), [(hub.pk, "あおばの拠点")]),
        (str(other.ward), [(other.pk, "みどりの拠点")]),
    ] or choices == [
        (str(other.ward), [(other.pk, "みどりの拠点")]),
        (str(hub.ward), [(hub.pk, "あおばの拠点")]),
    ]


def test_a_pre_registration_creates_a_pending_family(client, hub):
    response = client.post(URL, _form(hub))
    household = Household.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:card", kwargs={"card_token": household.card_token})
    assert (household.hub, household.status, household.source) == (
        hub,
        HouseholdStatus.PENDING,
        RegistrationSource.PORTAL,
    )
    assert household.registered_on is None
    assert (household.postal_code, household.address) == (
        "2250002",
        "神奈川県横浜市青葉区美しが丘1-2-3",
    )
    assert household.how_heard == "friend"
    mother, son, baby = household.members.order_by("kind", "sort_order")
    assert (mother.kind, mother.relation, mother.phone, mother.is_primary_contact) == (
        MemberKind.CAREGIVER,
        Relation.MOTHER,
        "09012345678",
        True,
    )
    assert (mother.family_name_kana, mother.given_name_kana) == ("ヤマダ", "ハナコ")
    assert (son.family_name, son.given_name, son.given_name_kana, son.birth_date) == (
        "山田",
        "太郎",
        "タロウ",
        date(2025, 5, 1),
    )
    assert (baby.is_expected, baby.due_date) == (True, date(2027, 2, 1))
    consents = set(ConsentEvent.objects.values_list("purpose", "action", "recorded_by_label"))
    assert consents == {
        (ConsentPurpose.VISIT_RECORDS, ConsentAction.GRANTED, "portal"),
        (ConsentPurpose.PHOTOS, ConsentAction.GRANTED, "portal"),
    }
    log = AuditLog.objects.get(action="families.household.registered")
    assert log.actor is None and log.payload["source"] == "portal"


def test_a_name_in_latin_letters_needs_no_kana(client, hub):
    form = _form(
        hub,
        family_name="Silva",
        given_name="Ana",
        family_name_kana="",
        given_name_kana="",
        **{"child-0-given_name": "Ken", "child-0-given_name_kana": ""},
    )
    assert client.post(URL, form).status_code == 302
    ana = Member.objects.get(kind=MemberKind.CAREGIVER)
    assert (ana.family_name_kana, ana.given_name_kana) == ("Silva", "Ana")
    assert Member.objects.get(given_name="Ken").given_name_kana == "Ken"


BAD_INPUT = [
    ({"consent_visit_records": None}, "consent_visit_records", "keep a record of your visits"),
    ({"phone": "090-1234"}, "phone", "phone number"),
    ({"family_name_kana": ""}, "family_name_kana", "kana"),
    ({"given_name_kana": "花子"}, "given_name_kana", "hiragana or katakana"),
    ({"postal_code": ""}, "postal_code", "required"),
    ({"postal_code": "999-9999"}, "address_region", "could not find the town"),
    ({"email": "hana@"}, "email", "valid e-mail"),
    ({"hub": "999"}, "hub", "valid choice"),
]


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda case: case[1])
def test_bad_input_is_explained_and_everything_typed_is_kept(client, hub, english, case):
    changes, field, message = case
    response = client.post(URL, _form(hub, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    assert form["given_name"].value() == "花子" and form["address_rest"].value() == "1-2-3"
    assert response.context["children"][1]["due_date"].value() == "R9.2.1"
    assert not Household.objects.exists()


CHILD_PROBLEMS = [
    ({"child-0-birth_date": "2026-12-01"}, 0, "birth_date", "in the future"),
    ({"child-0-birth_date": "R7.2.30"}, 0, "birth_date", "does not exist"),
    ({"child-0-birth_date": ""}, 0, "birth_date", "date of birth (or the due date)"),
    ({"child-0-given_name": ""}, 0, "given_name", "child's name"),
    ({"child-0-given_name_kana": ""}, 0, "given_name_kana", "kana"),
    ({"child-1-birth_date": "2025-01-01"}, 1, "due_date", "not both"),
    ({"child-1-due_date": "2026-09-01"}, 1, "due_date", "If the baby is born"),
]


@pytest.mark.parametrize("case", CHILD_PROBLEMS, ids=lambda case: case[2] + case[3])
def test_children_are_checked(client, hub, english, case):
    changes, index, field, message = case
    response = client.post(URL, _form(hub, **changes))
    assert response.status_code == 200
    child = response.context["children"][index]
    assert message in " ".join(child.errors[field]), child.errors
    assert not Household.objects.exists()


def test_at_least_one_child_or_pregnancy(client, hub, english):
    form = _form(hub, **{"child-0-given_name": "", "child-0-given_name_kana": ""})
    form = {k: v for k, v in form.items() if not k.startswith("child-")}
    response = client.post(URL, form)
    assert "at least one child" in " ".join(response.context["children"][0].errors["birth_date"])
    assert not Household.objects.exists()


def test_nothing_is_half_saved_when_the_registry_refuses(client, hub, english, monkeypatch):
    def refuse(*args, **kwargs):
        raise RegistryError("unknown_consent_purpose")

    monkeypatch.setattr(family_services, "_consent", refuse)
    response = client.post(URL, _form(hub))
    assert response.status_code == 200
    assert "Unknown consent purpose." in response.content.decode()
    assert not Household.objects.exists() and not Member.objects.exists()
    assert response.context["form"]["family_name"].value() == "山田"
    monkeypatch.undo()
    assert client.post(URL, _form(hub)).status_code == 302  # the same key may be sent again


def test_a_double_tap_registers_once(client, hub):
    first = client.post(URL, _form(hub))
    second = client.post(URL, _form(hub))
    assert second.status_code == 302 and second.url == first.url
    assert Household.objects.count() == 1


def test_registrations_per_connection_are_limited(client, hub, english, settings):
    settings.HIROBA_PORTAL_REGISTRATIONS_PER_HOUR = 2
    for n in range(2):
        assert client.post(URL, _form(hub, key=f"key-{n}" * 4)).status_code == 302
    response = client.post(URL, _form(hub, key="key-2" * 4))
    assert response.status_code == 429
    assert "Too many registrations" in response.content.decode()
    assert response.context["form"]["phone"].value() == "090-1234-5678"  # kept (shown with hyphens)
    assert Household.objects.count() == 2
    other = client.post(URL, _form(hub, key="key-3" * 4), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    with time_machine.travel("2026-11-20T13:30:00+09:00", tick=False):
        assert client.post(URL, _form(hub, key="key-4" * 4)).status_code == 302


def test_robots_filling_the_honeypot_are_refused(client, hub):
    response = client.post(URL, _form(hub, website="http://spam.example"))
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_the_form_needs_a_csrf_token(hub):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, _form(hub)).status_code == 403
    assert not Household.objects.exists()


def test_the_town_is_filled_in_from_the_postal_code(client, hub):
    response = client.get(reverse("portal:postal-code"), {"postal_code": "２２５－０００２"})
    assert 'value="神奈川県横浜市青葉区美しが丘"' in response.content.decode()
    unknown = client.get(reverse("portal:postal-code"), {"postal_code": "999"})
    assert 'name="address_region"' in unknown.content.decode()


# -- the card --------------------------------------------------------------------------------------
def _card_url(token):
    return reverse("portal:card", kwargs={"card_token": token})


def test_the_card_shows_the_qr_code_and_how_to_use_it(client, hub, english):
    client.post(URL, _form(hub))
    household = Household.objects.get()
    response = client.get(_card_url(household.card_token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in page
    qr = segno.make(household.card_token, error="m", micro=False)
    assert qr.svg_inline(
        scale=1, border=4, omitsize=True, svgclass="phone-card__qr"
    ) in page.replace("<title>Family card QR code</title>", "")
    assert household.card_number in page and "あおばの拠点" in page and "山田 family" in page
    assert "Show this at reception" in page and "screenshot" in page
    assert "Thank you. Your family card is ready." in page
    assert client.get(_card_url(household.card_token.lower())).status_code == 200


@pytest.mark.parametrize("status", [HouseholdStatus.MERGED, HouseholdStatus.ANONYMISED])
def test_merged_or_anonymised_cards_are_gone(client, hub, status):
    client.post(URL, _form(hub))
    household = Household.objects.get()
    Household.objects.filter(pk=household.pk).update(status=status)
    assert client.get(_card_url(household.card_token)).status_code == 404


def test_unknown_or_malformed_tokens_answer_404(client, hub):
    assert client.get(_card_url("A" * 24)).status_code == 404
    assert client.get(_card_url("not-a-token")).status_code == 404


def test_hub_pages_lead_to_the_registration_of_their_registry(client, hub):
    satellite = SatelliteFactory(parent=hub, name="サテライト")
    for page in (hub, satellite):
        response = client.get(reverse("portal:hub", kwargs={"hub_id": page.pk}))
        assert f'href="{URL}?hub={hub.pk}"' in response.content.decode()
    assert f'href="{URL}"' in client.get(reverse("portal:home")).content.decode()
