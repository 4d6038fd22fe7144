import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.news import services
from hiroba.news.choices import NewsStatus
from hiroba.news.images import clean_image
from hiroba.news.models import NewsImage, NewsItem
from hiroba.news.tests.factories import item, photo_bytes, upload

pytestmark = pytest.mark.django_db

FORM = {
    "category": "closure",
    "title": "年末年始の休館",
    "body": "１２月２９日から１月３日まで休館します。\nhttps://example.jp/closing",
    "title_easy": "おやすみ の おしらせ",
    "body_easy": "12月29日から 1月3日まで おやすみ です。",
    "title_en": "Closed over the New Year",
    "publish_at": "２０２６/１２/１ ９時",
    "expires_at": "2027-01-04 00:00",
    "status": NewsStatus.PUBLISHED,
}


def test_staff_write_news_typed_in_full_width_with_a_photo(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, image=upload(photo_bytes()), image_alt="ひろばの入口の写真")
    response = client.post(reverse("news:item-create"), data)
    assert response.status_code == 302
    news = NewsItem.objects.get()
    assert news.hub == world.a.hub and news.category == "closure"
    local = timezone.localtime(news.publish_at)
    assert (local.year, local.month, local.day, local.hour) == (2026, 12, 1, 9)
    assert news.body.startswith("12月29日")
    assert news.translations == {
        "ja-easy": {
            "title": "おやすみ の おしらせ",
            "body": "12月29日から 1月3日まで おやすみ です。",
        },
        "en": {"title": "Closed over the New Year"},
    }
    stored = Image.open(io.BytesIO(bytes(news.image.data)))
    assert dict(stored.getexif()) == {} and b"PhoneMaker" not in bytes(news.image.data)


def test_a_form_with_mistakes_saves_nothing_and_asks_for_the_photo_again(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, expires_at="2026-11-30 09:00", image=upload(photo_bytes()), image_alt="写真")
    response = client.post(reverse("news:item-create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not NewsItem.objects.exists() and not NewsImage.objects.exists()
    assert "掲載終了は掲載開始より後に" in page and "画像をもう一度選んで" in page
    assert 'value="年末年始の休館"' in page


def test_a_file_that_is_not_an_image_is_refused_on_the_form(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, image=upload(b"MZ\x90\x00 not a photo", "virus.jpg"), image_alt="x")
    response = client.post(reverse("news:item-create"), data)
    assert response.status_code == 200 and not NewsItem.objects.exists()
    assert "画像として読み込めませんでした" in response.content.decode()


def test_a_photo_needs_a_description(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("news:item-create"), dict(FORM, image=upload(photo_bytes())))
    assert response.status_code == 200 and not NewsItem.objects.exists()
    assert "画像の説明を入力してください" in response.content.decode()


def test_a_stale_edit_is_refused_and_the_newer_item_shown(client, world):
    news = item(world.a.hub)
    services.update_item(news, actor=None, revision=1, title="同僚の修正")
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(
        reverse("news:item-edit", args=[news.pk]), dict(FORM, revision="1"), follow=True
    )
    assert NewsItem.objects.get(pk=news.pk).title == "同僚の修正"
    assert "編集中に他の人がこのお知らせを保存しました" in response.content.decode()


def test_an_edit_keeps_other_languages_and_replaces_the_photo(client, world):
    news = item(world.a.hub, translations={"zh": {"title": "通知"}})
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = dict(FORM, revision="1", image=upload(photo_bytes()), image_alt="写真")
    assert client.post(reverse("news:item-edit", args=[news.pk]), data).status_code == 302
    news.refresh_from_db()
    assert news.translations["zh"] == {"title": "通知"} and news.image is not None
    data = dict(FORM, revision="2", remove_image="on")
    assert client.post(reverse("news:item-edit", args=[news.pk]), data).status_code == 302
    news.refresh_from_db()
    assert news.image is None and not NewsImage.objects.exists()


def test_withdrawing_from_the_edit_page(client, world):
    news = item(world.a.hub)
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("news:item-withdraw", args=[news.pk]), {"revision": "1"})
    assert response.status_code == 302
    assert NewsItem.objects.get(pk=news.pk).status == NewsStatus.WITHDRAWN


def test_the_list_shows_each_items_state(client, world):
    now = timezone.now()
    item(world.a.hub, "公開中")
    item(world.a.hub, "来週の予定", publish_at=now + timedelta(days=2))
    item(world.b.hub, "よその拠点")
    client.force_login(world.a.person(Role.HUB_STAFF))
    page = client.get(reverse("news:item-list")).content.decode()
    assert "公開中" in page and "来週の予定" in page and "予約投稿" in page
    assert "よその拠点" not in page
    scheduled = client.get(reverse("news:item-list"), {"state": "scheduled"}).content.decode()
    assert "来週の予定" in scheduled and "公開中" not in scheduled


def test_scope_and_roles(client, world):
    theirs = item(world.b.hub)
    ours = item(world.a.hub)
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("news:item-edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("news:item-image", args=[theirs.pk])).status_code == 404
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    assert client.get(reverse("news:item-list")).status_code == 200
    assert client.get(reverse("news:item-edit", args=[ours.pk])).status_code == 403
    assert client.post(reverse("news:item-create"), FORM).status_code == 403
    assert not NewsItem.objects.filter(title=FORM["title"]).exists()


def test_staff_see_a_drafts_photo_the_public_does_not(client, world):
    photo = services.create_item(
        world.a.hub,
        actor=None,
        image=clean_image(upload(photo_bytes())),
        image_alt="写真",
        category="notice",
        title="下書き",
        body="本文",
        publish_at=timezone.now(),
        status=NewsStatus.DRAFT,
    )
    assert client.get(reverse("portal:news-image", args=[photo.pk])).status_code == 404
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.get(reverse("news:item-image", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"  # staff pages are never cached


def test_a_year_typed_wrongly_is_refused(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("news:item-create"), dict(FORM, publish_at="1026-12-01 09:00"))
    assert response.status_code == 200 and not NewsItem.objects.exists()
    assert "年の間の日付" in response.content.decode()


def test_a_first_photo_alone_is_saved_and_audited(client, world):
    news = item(world.a.hub, image_alt="入口の写真")
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = {
        "category": news.category,
        "title": news.title,
        "body": news.body,
        "publish_at": timezone.localtime(news.publish_at).strftime("%Y-%m-%d %H:%M"),
        "status": news.status,
        "image_alt": "入口の写真",
        "image": upload(photo_bytes()),
        "revision": "1",
    }
    assert client.post(reverse("news:item-edit", args=[news.pk]), data).status_code == 302
    news.refresh_from_db()
    assert news.image is not None and news.revision == 2
    assert AuditLog.objects.filter(action="news.item.image_changed").exists()
