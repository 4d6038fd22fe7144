"""The portal's resource map and list, the suggestion form and the open JSON feed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from hiroba.core.tests.factories import DistrictFactory
from hiroba.directory.choices import ResourceStatus, SuggestionStatus
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.directory.tests.factories import resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(hub):
    district = DistrictFactory(ward=hub.ward, name="日吉地区")
    return {
        "park": resource(
            hub,
            "大倉山公園",
            category="park",
            target_age_min_months=0,
            latitude=Decimal("35.5221"),
            longitude=Decimal("139.6299"),
        ),
        "room": resource(
            hub,
            "駅前授乳室",
            category="baby_station",
            has_nursing_room=True,
            has_diaper_changing=True,
            target_age_max_months=23,
            district=district,
            latitude=Decimal("35.5063"),
            longitude=Decimal("139.6172"),
        ),
        "clinic": resource(
            hub,
            "こどもクリニック",
            category="medical",
            target_age_min_months=12,
            target_age_max_months=155,
            latitude=None,
            longitude=None,
            for_expecting=False,
        ),
        "hidden": resource(hub, "閉鎖した広場", status=ResourceStatus.HIDDEN),
    }


def _names(client, **params):
    response = client.get(reverse("portal:resources"), params)
    assert response.status_code == 200
    return [item["name"] for item in response.context["items"]]


def test_the_list_shows_published_places_only(client, places):
    assert sorted(_names(client)) == sorted(["大倉山公園", "駅前授乳室", "こどもクリニック"])


def test_filters_by_kind_age_area_amenity_and_words(client, places):
    assert _names(client, category="baby_station") == ["駅前授乳室"]
    assert sorted(_names(client, age="0")) == ["大倉山公園", "駅前授乳室"]
    assert sorted(_names(client, age="3-5")) == ["こどもクリニック", "大倉山公園"]
    assert _names(client, district=places["room"].district_id) == ["駅前授乳室"]
    assert _names(client, amenity=["nursing_room", "diaper_changing"]) == ["駅前授乳室"]
    assert _names(client, q="クリニック") == ["こどもクリニック"]


def test_near_me_sorts_by_distance_and_keeps_places_without_a_point_last(client, places):
    near_station = {"lat": "35.5060", "lng": "139.6170"}
    assert _names(client, **near_station) == ["駅前授乳室", "大倉山公園", "こどもクリニック"]
    response = client.get(reverse("portal:resources"), near_station)
    assert response.context["items"][0]["distance"] < 0.1


def test_the_map_gets_only_places_with_a_point(client, places):
    response = client.get(reverse("portal:resources"))
    markers = response.context["markers"]
    assert sorted(m["name"] for m in markers) == ["大倉山公園", "駅前授乳室"]
    assert 'id="resource-map-data"' in response.content.decode()


def test_a_hidden_place_has_no_page(client, places):
    assert client.get(reverse("portal:resource", args=[places["hidden"].pk])).status_code == 404
    page = client.get(reverse("portal:resource", args=[places["park"].pk]))
    assert page.status_code == 200 and "大倉山公園" in page.content.decode()


def test_english_names_fall_back_to_japanese(client, places):
    Resource.objects.filter(pk=places["park"].pk).update(
        translations={"en": {"name": "Okurayama Park"}}
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    names = _names(client)
    assert "Okurayama Park" in names and "駅前授乳室" in names


def _suggest(client, url, **data):
    values = {
        "name": "綱島公園こどもログハウス",
        "category": "park",
        "submitter_kind": "parent",
        "target_age": "",
    }
    values.update(data)
    return client.post(url, values)


def test_a_suggested_place_waits_for_staff(client, hub, places):
    response = _suggest(
        client,
        reverse("portal:resource-suggest"),
        hub=hub.pk,
        target_age="０〜６歳",
        message="雨の日も遊べます",
    )
    assert response.status_code == 302
    suggestion = ResourceSuggestion.objects.get()
    assert suggestion.status == SuggestionStatus.PENDING and suggestion.resource is None
    assert suggestion.proposed == {
        "name": "綱島公園こどもログハウス",
        "category": "park",
        "target_age": "0〜6歳",
    }
    assert not Resource.objects.filter(name="綱島公園こどもログハウス").exists()


def test_a_correction_keeps_only_what_changed(client, hub, places):
    park = places["park"]
    url = reverse("portal:resource-suggest-correction", args=[park.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data.update(hours="9:00〜17:00", submitter_kind="partner", hub=hub.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    assert ResourceSuggestion.objects.get().proposed == {"hours": "9:00〜17:00"}


def test_a_correction_without_any_change_or_message_is_refused(client, hub, places):
    park = places["park"]
    url = reverse("portal:resource-suggest-correction", args=[park.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v}
    data.update(submitter_kind="parent", hub=hub.pk)
    response = client.post(url, data)
    assert response.status_code == 200 and not ResourceSuggestion.objects.exists()


def test_a_robot_and_a_flood_are_refused(client, hub, places):
    url = reverse("portal:resource-suggest")
    assert _suggest(client, url, hub=hub.pk, website="http://spam").status_code == 200
    assert not ResourceSuggestion.objects.exists()
    for _ in range(10):
        assert _suggest(client, url, hub=hub.pk).status_code == 302
    assert _suggest(client, url, hub=hub.pk).status_code == 200
    assert ResourceSuggestion.objects.count() == 10


def test_a_bad_age_is_explained(client, hub, places):
    response = _suggest(
        client, reverse("portal:resource-suggest"), hub=hub.pk, target_age="赤ちゃん"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target_age"]


def test_the_json_feed_carries_the_licence_and_answers_304_when_unchanged(client, places):
    response = client.get(reverse("portal:resources-json"))
    body = json.loads(response.content)
    assert body["licence"]["name"] == "CC BY 4.0" and body["count"] == 3
    park = next(r for r in body["resources"] if r["name"] == "大倉山公園")
    assert park["latitude"] == 35.5221 and park["category"]["code"] == "park"
    assert park["page"].endswith(reverse("portal:resource", args=[places["park"].pk]))
    etag = response["ETag"]
    again = client.get(reverse("portal:resources-json"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    Resource.objects.filter(pk=places["park"].pk).update(status=ResourceStatus.HIDDEN)
    changed = client.get(reverse("portal:resources-json"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and json.loads(changed.content)["count"] == 2


def test_a_correction_with_only_a_message_is_kept(client, hub, places):
    park = places["park"]
    url = reverse("portal:resource-suggest-correction", args=[park.pk])
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v}
    data.update(submitter_kind="parent", hub=hub.pk, message="冬は閉まっています")
    assert client.post(url, data).status_code == 302
    suggestion = ResourceSuggestion.objects.get()
    assert suggestion.proposed == {} and suggestion.message == "冬は閉まっています"


@pytest.mark.parametrize("typed", ["0・1・2歳", "1,2歳"])
def test_several_ages_are_a_message_not_an_error_page(client, hub, places, typed):
    response = _suggest(client, reverse("portal:resource-suggest"), hub=hub.pk, target_age=typed)
    assert response.status_code == 200 and response.context["form"].errors["target_age"]


def test_a_location_beyond_the_globe_is_ignored(client, places):
    response = client.get(reverse("portal:resources"), {"lat": "1e30", "lng": "1"})
    assert response.status_code == 200 and not response.context["near"]


def test_the_feeds_304_keeps_its_headers_and_a_renamed_hub_changes_it(client, hub, places):
    first = client.get(reverse("portal:resources-json"))
    again = client.get(reverse("portal:resources-json"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*" and "max-age=300" in again["Cache-Control"]
    hub.name = "新しい名前のひろば"
    hub.save()
    renamed = client.get(reverse("portal:resources-json"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert renamed.status_code == 200
