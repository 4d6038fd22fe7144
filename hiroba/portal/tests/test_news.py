"""The portal's news: what is live at a moment, the reader's language, the photo, the hub page
and the Atom feeds with their ETags."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from hiroba.core.tests.factories import HubFactory, SatelliteFactory
from hiroba.news import services
from hiroba.news.choices import NewsStatus
from hiroba.news.images import clean_image
from hiroba.news.tests.factories import item, photo_bytes, upload
from hiroba.programs.tests.factories import program

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def items(hub):
    now = timezone.now()
    hour = timedelta(hours=1)
    return {
        "live": item(
            hub, "ひろば通信12月号", body="詳しくは https://example.jp/news を見てください。"
        ),
        "important": item(
            hub, "臨時休館", category="closure", is_pinned=True, publish_at=now - 3 * hour
        ),
        "scheduled": item(hub, "予約投稿", publish_at=now + hour),
        "expired": item(hub, "終わった知らせ", publish_at=now - 3 * hour, expires_at=now - hour),
        "draft": item(hub, "下書き", status=NewsStatus.DRAFT),
        "withdrawn": item(hub, "取り下げ", status=NewsStatus.WITHDRAWN),
    }


def _titles(page: str, items) -> set[str]:
    return {key for key, news in items.items() if news.title in page}


def test_only_live_items_are_listed_important_first(client, items):
    page = client.get(reverse("portal:news")).content.decode()
    assert _titles(page, items) == {"live", "important"}
    assert page.index("臨時休館") < page.index("ひろば通信12月号")  # pinned first though older


@pytest.mark.parametrize("key", ["scheduled", "expired", "draft", "withdrawn"])
def test_an_item_not_live_has_no_page(client, items, key):
    response = client.get(reverse("portal:news-item", args=[items[key].pk]))
    assert response.status_code == 404


def test_a_scheduled_item_appears_by_itself_at_its_time(client, items, time_machine):
    time_machine.move_to(items["scheduled"].publish_at + timedelta(minutes=1))
    assert "予約投稿" in client.get(reverse("portal:news")).content.decode()


def test_an_items_page_links_its_addresses_and_escapes_the_rest(client, hub):
    news = item(hub, body="<script>alert(1)</script>\nhttps://example.jp/news")
    page = client.get(reverse("portal:news-item", args=[news.pk])).content.decode()
    assert '<a href="https://example.jp/news"' in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_readers_language_with_japanese_where_none_was_written(client, hub, english):
    both = item(hub, "お知らせ", translations={"en": {"title": "Notice", "body": "Hello"}})
    japanese_only = item(hub, "日本語だけ")
    page = client.get(reverse("portal:news")).content.decode()
    assert "Notice" in page and "日本語だけ" in page
    detail = client.get(reverse("portal:news-item", args=[both.pk])).content.decode()
    assert "Hello" in detail
    assert (
        "日本語だけ"
        in client.get(reverse("portal:news-item", args=[japanese_only.pk])).content.decode()
    )


def test_filters_by_hub_with_its_satellites_and_by_category(client, hub, items):
    satellite = SatelliteFactory(parent=hub)
    item(satellite, "サテライトの知らせ")
    item(HubFactory(), "よその拠点の知らせ")
    page = client.get(reverse("portal:news"), {"hub": hub.pk}).content.decode()
    assert "サテライトの知らせ" in page and "よその拠点の知らせ" not in page
    page = client.get(reverse("portal:news"), {"category": "closure"}).content.decode()
    assert _titles(page, items) == {"important"}
    assert client.get(reverse("portal:news"), {"hub": "x"}).status_code == 200  # ignored


def test_the_photo_is_served_with_its_etag(client, hub):
    news = services.create_item(
        hub,
        actor=None,
        image=clean_image(upload(photo_bytes())),
        image_alt="入口",
        category="notice",
        title="写真つき",
        body="本文",
        publish_at=timezone.now(),
        status=NewsStatus.PUBLISHED,
    )
    page = client.get(reverse("portal:news-item", args=[news.pk])).content.decode()
    assert 'alt="入口"' in page
    url = reverse("portal:news-image", args=[news.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in response.content
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304
    services.withdraw_item(news, actor=None, revision=1)
    assert client.get(url).status_code == 404


def test_the_hub_page_shows_its_news_and_upcoming_programs(client, hub, items):
    program(hub, title="親子ヨガ")
    page = client.get(reverse("portal:hub", args=[hub.pk])).content.decode()
    assert _titles(page, items) == {"live", "important"}
    assert "親子ヨガ" in page
    assert reverse("portal:hub-news-feed", args=[hub.pk]) in page
    home = client.get(reverse("portal:home")).content.decode()
    assert "ひろば通信12月号" in home


def _entries(response):
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    return root, root.findall(f"{ATOM}entry")


def test_the_atom_feed_has_the_live_items_with_links_and_categories(client, hub, items):
    response = client.get(reverse("portal:news-feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Access-Control-Allow-Origin"] == "*"
    root, entries = _entries(response)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles == ["臨時休館", "ひろば通信12月号"]
    first = entries[0]
    assert first.find(f"{ATOM}category").get("term") == "休館・開館時間の変更"
    link = first.find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("portal:news-item", args=[items["important"].pk]))
    summary = entries[1].find(f"{ATOM}summary").text
    assert '<a href="https://example.jp/news"' in summary


def test_a_hubs_feed_has_only_its_items(client, hub, items):
    other = item(HubFactory(), "よその拠点の知らせ")
    _, entries = _entries(client.get(reverse("portal:hub-news-feed", args=[hub.pk])))
    titles = {e.find(f"{ATOM}title").text for e in entries}
    assert other.title not in titles and "臨時休館" in titles
    assert client.get(reverse("portal:hub-news-feed", args=[999999])).status_code == 404


def test_the_feed_answers_304_until_the_news_changes(client, hub, items):
    url = reverse("portal:news-feed")
    etag = client.get(url)["ETag"]
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again["Access-Control-Allow-Origin"] == "*"
    services.withdraw_item(items["live"], actor=None, revision=1)
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    _, entries = _entries(changed)
    assert [e.find(f"{ATOM}title").text for e in entries] == ["臨時休館"]
