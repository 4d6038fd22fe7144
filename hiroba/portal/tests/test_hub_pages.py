"""A ward's page lists its hubs with whether each is open now; a hub's page links its
address to a map."""

from datetime import time

import pytest
import time_machine
from django.urls import reverse

from hiroba.core.models import OpeningPeriod
from hiroba.core.tests.factories import HubFactory, SatelliteFactory
from hiroba.news.tests.factories import item

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-24T10:00:00+09:00", tick=False)  # a Tuesday morning
def test_a_ward_page_lists_its_hubs_with_open_now_and_their_news(client, hub):
    satellite = SatelliteFactory(parent=hub, name="サテライト")
    elsewhere = HubFactory(name="よその区の拠点")
    OpeningPeriod.objects.create(hub=hub, weekday=1, opens=time(9, 30), closes=time(16))
    item(satellite, "サテライトの知らせ")
    item(elsewhere, "よその知らせ")
    page = client.get(reverse("portal:ward", args=[hub.ward_id])).content.decode()
    assert hub.name in page and "サテライト" in page and "よその区の拠点" not in page
    assert "開館中（16:00まで）" in page
    assert "サテライトの知らせ" in page and "よその知らせ" not in page
    assert client.get(reverse("portal:ward", args=[999999])).status_code == 404


def test_a_hubs_address_links_to_a_map_search(client, settings, hub):
    hub.address = "横浜市港北区大豆戸町26-1"
    hub.save()
    page = client.get(reverse("portal:hub", args=[hub.pk])).content.decode()
    assert "https://www.openstreetmap.org/search?query=%E6%A8%AA%E6%B5%9C" in page
    settings.HIROBA_DIRECTIONS_URL = ""
    assert "openstreetmap" not in client.get(reverse("portal:hub", args=[hub.pk])).content.decode()
