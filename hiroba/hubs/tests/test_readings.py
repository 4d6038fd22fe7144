"""Staff correct furigana readings; the portal's やさしい日本語 pages use them at once."""

import pytest
from django.conf import settings
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog, Reading
from hiroba.news.tests.factories import item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache  # noqa: PLC0415

    cache.clear()
    yield
    cache.clear()


def _easy(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja-easy"
    return client


def test_a_reading_typed_in_katakana_is_kept_in_hiragana_and_used_on_the_portal(
    client, world, django_capture_on_commit_callbacks
):
    news = item(world.a.hub, "新羽のひろば")
    page = _easy(client).get(reverse("portal:news-item", args=[news.pk])).content.decode()
    assert "<rt>にっぱ</rt>" not in page  # the dictionary reads it しんはね
    staff = world.a.person(Role.HUB_STAFF)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the portal's cache is emptied
        response = client.post(reverse("hubs:reading-list"), {"word": "新羽", "reading": "ニッパ"})
    assert response.status_code == 302
    row = Reading.objects.get()
    assert (row.municipality, row.reading, row.updated_by) == (
        world.a.municipality,
        "にっぱ",
        staff,
    )
    assert AuditLog.objects.filter(action="core.reading.saved").exists()
    client.logout()
    page = _easy(client).get(reverse("portal:news-item", args=[news.pk])).content.decode()
    assert "<ruby>新羽<rp>(</rp><rt>にっぱ</rt><rp>)</rp></ruby>" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"word": "ひろば", "reading": "ひろば"}, "漢字"),
        ({"word": "新羽", "reading": "nippa"}, "ひらがな"),
        ({"word": "", "reading": ""}, "必須"),
    ],
)
def test_a_wrong_reading_is_refused_with_a_message(client, world, data, message):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("hubs:reading-list"), data)
    assert response.status_code == 200 and not Reading.objects.exists()
    assert message in response.content.decode()


def test_the_preview_shows_the_furigana_and_deleting_takes_a_reading_back(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    client.post(reverse("hubs:reading-list"), {"word": "今日", "reading": "きょう"})
    page = client.get(reverse("hubs:reading-list"), {"text": "今日は休館"}).content.decode()
    assert "<rt>きょう</rt>" in page and "<rt>きゅうかん</rt>" in page
    row = Reading.objects.get()
    theirs = Reading.objects.create(municipality=world.b.municipality, word="港", reading="みなと")
    delete = reverse("hubs:reading-delete", args=[theirs.pk])
    assert client.post(delete).status_code == 404
    assert client.post(reverse("hubs:reading-delete", args=[row.pk])).status_code == 302
    assert list(Reading.objects.all()) == [theirs]


def test_staff_pages_and_other_languages_get_no_ruby(client, world):
    news = item(world.a.hub, "休館のお知らせ")
    japanese = client.get(reverse("portal:news-item", args=[news.pk])).content.decode()
    assert "<ruby>" not in japanese
    _easy(client).force_login(world.a.person(Role.HUB_STAFF))
    staff_page = client.get(reverse("news:item-list")).content.decode()
    assert "<ruby>" not in staff_page
