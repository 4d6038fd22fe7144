from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.news import services
from hiroba.news.choices import NewsState, NewsStatus
from hiroba.news.images import clean_image
from hiroba.news.models import NewsImage, NewsItem
from hiroba.news.tests.factories import item, photo_bytes, upload

pytestmark = pytest.mark.django_db


def _values(**changes):
    values = {
        "category": "event",
        "title": "クリスマス会",
        "body": "12月20日 10時から。",
        "publish_at": timezone.now(),
        "status": NewsStatus.PUBLISHED,
    }
    values.update(changes)
    return values


def test_an_item_is_written_with_its_photo_and_audited(world):
    staff = world.a.person(Role.HUB_STAFF)
    photo = clean_image(upload(photo_bytes()))
    news = services.create_item(
        world.a.hub, actor=staff, image=photo, image_alt="飾り", **_values()
    )
    news.refresh_from_db()
    assert news.image.digest == photo.digest and news.image.size == len(photo.data)
    assert news.created_by == staff == news.updated_by
    assert AuditLog.objects.filter(action="news.item.created", object_id=str(news.pk)).exists()


def test_a_photo_without_a_description_is_refused_and_nothing_saved(world, english):
    photo = clean_image(upload(photo_bytes()))
    with pytest.raises(ValidationError, match="Describe the image"):
        services.create_item(world.a.hub, actor=None, image=photo, **_values())
    assert not NewsItem.objects.exists() and not NewsImage.objects.exists()


def test_showing_must_end_after_it_starts(world, english):
    start = timezone.now()
    with pytest.raises(ValidationError, match="must come after the start"):
        services.create_item(world.a.hub, actor=None, **_values(publish_at=start, expires_at=start))


def test_a_stale_page_is_refused_and_the_newer_text_kept(world):
    news = item(world.a.hub)
    services.update_item(news, actor=None, revision=1, title="新しい題")
    with pytest.raises(services.NewsError):
        services.update_item(NewsItem.objects.get(pk=news.pk), actor=None, revision=1, title="古い")
    assert NewsItem.objects.get(pk=news.pk).title == "新しい題"


def test_saving_unchanged_values_changes_nothing(world):
    news = item(world.a.hub)
    services.update_item(news, actor=None, revision=1, title=news.title)
    assert NewsItem.objects.get(pk=news.pk).revision == 1
    assert not AuditLog.objects.filter(action="news.item.updated").exists()


def test_a_new_photo_replaces_the_old_ones_bytes(world):
    first = clean_image(upload(photo_bytes()))
    news = services.create_item(world.a.hub, actor=None, image=first, image_alt="a", **_values())
    second = clean_image(upload(photo_bytes(size=(50, 40), orientation=1)))
    services.update_item(news, actor=None, revision=1, image=second)
    assert list(NewsImage.objects.values_list("digest", flat=True)) == [second.digest]
    services.update_item(news, actor=None, revision=2, remove_image=True)
    news.refresh_from_db()
    assert news.image is None and news.image_alt == "" and news.revision == 3
    assert not NewsImage.objects.exists()


def test_withdrawing_takes_it_off_at_once_and_keeps_the_record(world):
    news = item(world.a.hub)
    now = timezone.now()
    assert news.state(now) == NewsState.LIVE
    services.withdraw_item(news, actor=None, revision=1)
    assert NewsItem.objects.get(pk=news.pk).state(now) == NewsState.WITHDRAWN
    with pytest.raises(services.NewsError):
        services.withdraw_item(news, actor=None, revision=2)


def test_states_follow_the_clock(world):
    now = timezone.now()
    hour = timedelta(hours=1)
    assert item(world.a.hub, publish_at=now + hour).state(now) == NewsState.SCHEDULED
    expired = item(world.a.hub, publish_at=now - 2 * hour, expires_at=now - hour)
    assert expired.state(now) == NewsState.EXPIRED
    assert item(world.a.hub, status=NewsStatus.DRAFT).state(now) == NewsState.DRAFT
