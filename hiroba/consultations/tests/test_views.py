"""Recording a consultation, referring with consent, agencies: what staff type and see."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.consultations import services
from hiroba.consultations.models import Agency, Consultation, Referral
from hiroba.consultations.tests.factories import (
    CANARY,
    agency,
    consultation,
    referral_data,
    topics,
)
from hiroba.families.tests.factories import family

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(client, world):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


def _form(world, **changes):
    data = {
        "happened_on": "Ｒ８．１１．２０",
        "happened_time": "10時30分",
        "channel": "hiroba",
        "duration_minutes": "１５",
        "card_number": "",
        "caregiver": "mother",
        "child_ages": "０歳５か月、２歳",
        "topics": [t.pk for t in topics(world.a.hub, "sleep", "feeding")],
        "summary": "夜泣きについて",
        "outcome": "advice",
        "follow_up_on": "2026-11-27",
    }
    data.update(changes)
    return data


def test_staff_record_a_consultation_as_they_type_it(staff, world):
    response = staff.post(reverse("consultations:consultation-create"), _form(world))
    record = Consultation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "consultations:consultation-detail", kwargs={"consultation_id": record.pk}
    )
    assert (record.case_number, record.duration_minutes, record.child_ages) == (1, 15, [5, 24])
    assert record.happened_at == datetime(2026, 11, 20, 10, 30, tzinfo=TOKYO)
    assert {t.code for t in record.topics.all()} == {"sleep", "feeding"}
    assert record.author == world.a.person(Role.HUB_STAFF)
    page = staff.get(response.url).content.decode()
    assert "0歳5か月、2歳" in page and "夜泣きについて" in page


def test_a_registered_family_gives_its_childrens_ages(staff, world):
    household = family(world.a.hub)  # a child born 2025-05-01
    staff.post(
        reverse("consultations:consultation-create"),
        _form(world, card_number=household.card_number, child_ages=""),
    )
    record = Consultation.objects.get()
    assert record.household == household and record.child_ages == [18]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"child_ages": "五歳"}, "is not an age we can read"),
        ({"card_number": "99999"}, "No family of this hub has that card number."),
        ({"topics": []}, "This field is required."),
        ({"follow_up_on": "2026-11-01"}, "The follow-up date cannot be before the consultation."),
        ({"happened_on": "2026-12-24"}, "The consultation cannot be in the future."),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(staff, world, changes, message):
    response = staff.post(reverse("consultations:consultation-create"), _form(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_an_edit_on_an_old_copy_is_refused_with_a_message(staff, world):
    record = consultation(world.a.hub, actor=world.a.person(Role.HUB_STAFF))
    url = reverse("consultations:consultation-edit", kwargs={"consultation_id": record.pk})
    staff.post(url, _form(world, summary="最初の保存", revision=1))
    response = staff.post(url, _form(world, summary="古い画面からの保存", revision=1))
    assert "Someone else saved this record" in response.content.decode()
    record.refresh_from_db()
    assert (record.summary, record.revision) == ("最初の保存", 2)


def _referral_form(target, **changes):
    data = {
        "agency": target.pk,
        "method": "phone",
        "reason": "保健師の家庭訪問を依頼",
        "consent_given": "on",
        "consent_method": "verbal",
        "consent_on": "2026-11-20",
        "consent_time": "１０：４５",
    }
    data.update(changes)
    return data


def test_a_referral_without_consent_is_refused_and_not_saved(staff, world):
    record = consultation(world.a.hub, actor=world.a.person(Role.HUB_STAFF))
    url = reverse("consultations:referral-create", kwargs={"consultation_id": record.pk})
    form = _referral_form(agency(world.a))
    del form["consent_given"]
    response = staff.post(url, form)
    assert "A referral needs the family's consent" in response.content.decode()
    assert not Referral.objects.exists()
    assert staff.post(url, _referral_form(agency(world.a))).status_code == 302
    referral = Referral.objects.get()
    assert referral.consent_given_at == datetime(2026, 11, 20, 10, 45, tzinfo=TOKYO)


def test_a_referral_moves_through_its_states(staff, world):
    record = consultation(world.a.hub, actor=world.a.person(Role.HUB_STAFF))
    staff.post(
        reverse("consultations:referral-create", kwargs={"consultation_id": record.pk}),
        _referral_form(agency(world.a)),
    )
    referral = Referral.objects.get()
    url = reverse("consultations:referral-move", kwargs={"referral_id": referral.pk})
    assert 'value="done"' not in staff.get(url).content.decode()  # not straight from requested
    staff.post(url, {"status": "accepted", "note": "受理の連絡あり"})
    staff.post(url, {"status": "done", "feedback": "訪問済み"})
    referral.refresh_from_db()
    assert (referral.status, referral.feedback) == ("done", "訪問済み")
    page = staff.get(
        reverse("consultations:consultation-detail", kwargs={"consultation_id": record.pk})
    ).content.decode()
    assert "受理の連絡あり" in page and "訪問済み" in page


def test_the_dashboard_lists_follow_ups_without_their_reasons(staff, world):
    colleague = world.a.person(Role.HUB_MANAGER)
    record = consultation(
        world.a.hub, actor=colleague, follow_up_on=NOW.date(), summary="秘密の内容"
    )
    services.refer(
        record,
        referral_data(agency(world.a), follow_up_on=NOW.date()),
        actor=colleague,
    )
    page = staff.get(reverse("hubs:dashboard")).content.decode()
    assert record.reference in page and "秘密の内容" not in page and "睡眠" not in page
    assert "referral" not in page.split("Consultation follow-ups")[1]  # that says why


def test_a_hub_manager_adds_an_agency_of_the_ward_only(client, world):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.HUB_MANAGER))
    url = reverse("consultations:agency-create")
    response = client.post(
        url,
        {
            "kind": "concierge",
            "name": "保育・教育コンシェルジュ",
            "phone": "０４５－１２３－４５６７",
            "ward": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and not Agency.objects.exists()  # a ward is required
    client.post(
        url,
        {
            "kind": "concierge",
            "name": "保育・教育コンシェルジュ",
            "phone": "０４５－１２３－４５６７",
            "ward": world.a.ward.pk,
            "is_active": "on",
        },
    )
    made = Agency.objects.get()
    assert (made.ward, made.phone) == (world.a.ward, "0451234567")


def test_a_city_administrator_adds_a_city_wide_agency(client, world):
    client.force_login(world.a.person(Role.CITY_ADMIN))
    client.post(
        reverse("consultations:agency-create"),
        {"kind": "child_guidance", "name": "中央児童相談所", "ward": "", "is_active": "on"},
    )
    assert Agency.objects.get().ward is None


def test_statistics_count_coded_fields_and_hide_small_cells_from_the_ward(client, world):
    author = world.a.person(Role.HUB_STAFF)
    for _index in range(6):
        consultation(world.a.hub, actor=author, topics=topics(world.a.hub, "sleep"))
    consultation(world.a.hub, actor=author, topics=topics(world.a.hub, "money"), child_ages=[30])
    consultation(world.a.hub, actor=author, channel="phone")
    url = reverse("consultations:statistics")
    client.cookies["hiroba_language"] = "en"
    client.force_login(author)
    team = client.get(url).context["stats"]
    assert team["total"] == 8
    assert dict(team["by_topic"])["睡眠"] == 7 and dict(team["by_topic"])["経済"] == 1
    assert dict(team["by_age"])["2"] == 1
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    response = client.get(url)
    ward = response.context["stats"]
    assert dict(ward["by_topic"])["睡眠"] == 7
    assert dict(ward["by_topic"])["経済"] is None  # one family: hidden
    assert dict(ward["by_age"])["2"] is None
    # The totals would give the hidden cells away by subtraction: hidden too.
    november = ward["months"].index(11)
    assert ward["by_month"].total[november] is None and ward["total"] is None
    assert team["by_month"].total[november] == 8
    assert "&lt;5" in response.content.decode()
    assert CANARY not in response.content.decode()
