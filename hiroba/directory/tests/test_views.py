from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.directory import services
from hiroba.directory.choices import ResourceStatus, SuggestionStatus
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.directory.tests.factories import resource

pytestmark = pytest.mark.django_db

FORM = {
    "category": "baby_station",
    "name": "港北区役所　授乳室",
    "postal_code": "２２２－００３２",
    "address": "横浜市港北区大豆戸町26-1",
    "latitude": "３５．５１０６",
    "longitude": "139.6275",
    "phone": "０４５（５４０）２２２２",
    "hours": "平日 8:45〜17:00",
    "target_age_min_months": "0歳",
    "target_age_max_months": "2歳",
    "amenities": ["nursing_room", "diaper_changing"],
    "languages": ["en"],
    "name_en": "Kohoku Ward Office nursing room",
    "status": ResourceStatus.PUBLISHED,
}


def test_staff_add_a_place_typed_in_full_width(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("directory:resource-create"), FORM)
    assert response.status_code == 302
    entry = Resource.objects.get()
    assert entry.name == "港北区役所 授乳室" and entry.postal_code == "2220032"
    assert str(entry.latitude) == "35.510600" and entry.phone == "0455402222"
    assert (entry.target_age_min_months, entry.target_age_max_months) == (0, 35)
    assert entry.has_nursing_room and entry.has_diaper_changing and not entry.has_parking
    assert entry.translations == {"en": {"name": "Kohoku Ward Office nursing room"}}
    page = client.get(reverse("directory:resource-edit", args=[entry.pk]))
    assert 'value="2歳"' in page.content.decode()  # shown as typed, not as 35 months


def test_swapped_coordinates_are_refused_with_the_form_kept(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, latitude="139.6275", longitude="35.5106")
    response = client.post(reverse("directory:resource-create"), data)
    assert response.status_code == 200
    assert not Resource.objects.exists()
    assert 'value="港北区役所　授乳室"' in response.content.decode()  # kept as typed


def test_a_stale_edit_is_refused_and_the_newer_entry_shown(client, world):
    entry = resource(world.a.hub)
    services.update_resource(entry, actor=None, revision=1, hours="9:00〜")
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, name="古いページの名前", revision="1")
    response = client.post(reverse("directory:resource-edit", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "こどもログハウス" and entry.hours == "9:00〜"


def test_list_flags_entries_to_verify_and_verifying_clears_the_flag(client, world):
    entry = resource(world.a.hub, verified_on=date(2020, 4, 1))
    client.force_login(world.a.person(Role.HUB_STAFF))
    page = client.get(reverse("directory:resource-list"), {"stale": "on"})
    assert [r.name for r, _category, stale in page.context["rows"] if stale] == ["こどもログハウス"]
    client.post(reverse("directory:resource-verify", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.verified_on == timezone.localdate()
    page = client.get(reverse("directory:resource-list"), {"stale": "on"})
    assert page.context["rows"] == []


def test_another_hubs_entry_is_not_found(client, world):
    entry = resource(world.b.hub)
    client.force_login(world.a.person(Role.HUB_MANAGER))
    assert client.get(reverse("directory:resource-edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("directory:resource-verify", args=[entry.pk])).status_code == 404


def test_a_suggested_correction_is_reviewed_and_approved(client, world):
    entry = resource(world.a.hub, hours="9:00〜16:00")
    suggestion = services.suggest_resource(
        world.a.hub,
        resource=entry,
        proposed={"hours": "9:00〜17:00", "amenities": ["nursing_room"]},
        message="時間が変わりました",
        submitter_kind="parent",
    )
    client.force_login(world.a.person(Role.HUB_STAFF))
    url = reverse("directory:suggestion-review", args=[suggestion.pk])
    page = client.get(url).content.decode()
    assert "9:00〜16:00" in page and "9:00〜17:00" in page and "時間が変わりました" in page
    data = dict(FORM, name=entry.name, category="park", hours="9:00〜17:00")
    data.update(decision="approve", revision="1", amenities=["nursing_room"])
    response = client.post(url, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    suggestion.refresh_from_db()
    assert entry.hours == "9:00〜17:00" and entry.has_nursing_room
    assert suggestion.status == SuggestionStatus.APPROVED


def test_declining_keeps_the_directory_as_it_was(client, world):
    suggestion = services.suggest_resource(
        world.a.hub, proposed={"name": "宣伝の店"}, submitter_kind="other"
    )
    client.force_login(world.a.person(Role.HUB_STAFF))
    url = reverse("directory:suggestion-review", args=[suggestion.pk])
    client.post(url, {"decision": "reject", "note": "子育て資源ではない"})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED
    assert not Resource.objects.exists()


def test_volunteers_cannot_see_who_suggested(client, world):
    suggestion = services.suggest_resource(
        world.a.hub, proposed={"name": "x"}, submitter_kind="parent", submitter_contact="a@b.jp"
    )
    client.force_login(world.a.person(Role.VOLUNTEER))
    url = reverse("directory:suggestion-review", args=[suggestion.pk])
    assert client.get(url).status_code == 403


def test_import_preview_then_confirm_and_export(client, world):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    data = "名称,種別,緯度,経度\n大倉山公園,公園,35.5221,139.6299\n".encode("cp932")
    upload = _file(data)
    page = client.post(reverse("directory:resource-import"), {"file": upload})
    assert not Resource.objects.exists()
    token = page.context["token"]
    assert token and page.context["plan"].can_apply
    client.post(reverse("directory:resource-import-confirm"), {"token": token})
    assert Resource.objects.get().name == "大倉山公園"
    export = client.get(reverse("directory:resource-export"))
    assert export["Content-Type"].startswith("text/csv")
    assert "大倉山公園" in export.content.decode("utf-8-sig")


def test_an_import_with_bad_rows_shows_them_and_offers_no_confirmation(client, world):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    upload = _file("名称,種別\n良い,公園\n悪い,映画館\n".encode())
    page = client.post(reverse("directory:resource-import"), {"file": upload})
    text = page.content.decode()
    assert "映画館" in text and page.context["token"] == ""
    assert "resource-import-confirm" not in text and not Resource.objects.exists()


def test_hub_staff_cannot_import(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("directory:resource-import")).status_code == 403


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    return SimpleUploadedFile("resources.csv", data, content_type="text/csv")


def test_dashboard_card_counts_what_waits(client, world):
    resource(world.a.hub, verified_on=None)
    ResourceSuggestion.objects.create(hub=world.a.hub, kind="new", proposed={"name": "x"})
    client.force_login(world.a.person(Role.HUB_STAFF))
    page = client.get(reverse("hubs:dashboard")).content.decode()
    assert reverse("directory:suggestion-list") in page
    assert reverse("directory:resource-list") + "?stale=on" in page


def test_a_form_with_mistakes_keeps_the_revision_the_page_started_from(client, world):
    entry = resource(world.a.hub)
    client.force_login(world.a.person(Role.HUB_STAFF))
    url = reverse("directory:resource-edit", args=[entry.pk])
    services.update_resource(entry, actor=None, revision=1, hours="9:00〜")  # a colleague
    page = client.post(url, dict(FORM, latitude="1000", revision="1"))
    assert page.context["revision"] == 1
    client.post(url, dict(FORM, revision=str(page.context["revision"])))
    entry.refresh_from_db()
    assert entry.hours == "9:00〜" and entry.name == "こどもログハウス"  # the colleague's stays


def test_ages_come_back_as_they_were_saved(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, target_age_min_months="6か月", target_age_max_months="36か月")
    client.post(reverse("directory:resource-create"), data)
    entry = Resource.objects.get()
    assert (entry.target_age_min_months, entry.target_age_max_months) == (6, 36)
    form = client.get(reverse("directory:resource-edit", args=[entry.pk])).context["form"]
    again = {
        name: form[name].value() for name in ("target_age_min_months", "target_age_max_months")
    }
    assert [form.fields[n].prepare_value(v) for n, v in again.items()] == ["0歳6か月", "3歳0か月"]
    client.post(
        reverse("directory:resource-edit", args=[entry.pk]),
        dict(
            FORM, revision="1", target_age_min_months="0歳6か月", target_age_max_months="3歳0か月"
        ),
    )
    entry.refresh_from_db()
    assert (entry.target_age_min_months, entry.target_age_max_months) == (6, 36)


@pytest.mark.parametrize("typed", ["0・1・2歳", "20歳", "赤ちゃん"])
def test_an_age_that_is_not_one_age_is_a_message(client, world, typed):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(
        reverse("directory:resource-create"), dict(FORM, target_age_max_months=typed)
    )
    assert response.status_code == 200 and response.context["form"].errors["target_age_max_months"]
    assert not Resource.objects.exists()


def test_editing_keeps_translations_the_form_does_not_show(client, world):
    entry = resource(world.a.hub, translations={"en": {"hours": "9am-5pm"}, "zh": {"name": "公园"}})
    client.force_login(world.a.person(Role.HUB_STAFF))
    client.post(reverse("directory:resource-edit", args=[entry.pk]), dict(FORM, revision="1"))
    entry.refresh_from_db()
    assert entry.translations == {
        "en": {"hours": "9am-5pm", "name": "Kohoku Ward Office nursing room"},
        "zh": {"name": "公园"},
    }


def test_satellite_staff_keep_their_main_hubs_directory(client, world):
    from hiroba.accounts.tests.factories import MembershipFactory  # noqa: PLC0415

    entry = resource(world.a.hub)
    staff = MembershipFactory(hub=world.a.satellite, role=Role.HUB_STAFF).user
    client.force_login(staff)
    assert client.get(reverse("directory:resource-edit", args=[entry.pk])).status_code == 200
    page = client.get(reverse("directory:resource-list"))
    assert page.context["can_edit"] is True


def test_reading_who_suggested_is_audited(client, world):
    suggestion = services.suggest_resource(
        world.a.hub, proposed={"name": "x"}, submitter_kind="parent", submitter_contact="a@b.jp"
    )
    client.force_login(world.a.person(Role.HUB_STAFF))
    client.get(reverse("directory:suggestion-review", args=[suggestion.pk]))
    from hiroba.core.models import AuditLog  # noqa: PLC0415

    assert AuditLog.objects.filter(
        action="directory.resourcesuggestion.viewed", object_id=str(suggestion.pk)
    ).exists()


def test_the_printable_guide_of_a_district_lists_its_places_by_category(client, world):
    import io  # noqa: PLC0415

    from pypdf import PdfReader  # noqa: PLC0415

    from hiroba.core.tests.factories import DistrictFactory  # noqa: PLC0415

    district = DistrictFactory(ward=world.a.ward, name="日吉地区")
    resource(world.a.hub, "日吉の森公園", district=district, hours="終日", has_parking=True)
    resource(world.a.hub, "#set text(red) 授乳室", category="baby_station", district=district)
    resource(world.a.hub, "よその地区の公園")
    resource(world.a.hub, "閉じた広場", district=district, status=ResourceStatus.HIDDEN)
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.get(reverse("directory:resource-guide"), {"district": district.pk})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = "".join(text.split())
    assert "日吉の森公園" in text and "#settext(red)授乳室" in text  # markup printed as typed
    assert "よその地区" not in text and "閉じた広場" not in text
    assert text.index("公園・遊び場") < text.index("授乳室・おむつ替え")
    other = client.get(reverse("directory:resource-guide"), {"district": "999999"})
    assert other.status_code == 404
