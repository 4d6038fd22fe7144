"""Every write to the news: items saved with compare-and-set on ``revision`` (a stale page never
overwrites a colleague's correction), their photos replaced or removed, and withdrawal, which
takes an item off the portal at once and keeps it for the record."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.services import copy_saved, save_changes
from hiroba.news.choices import NewsStatus
from hiroba.news.images import CleanImage
from hiroba.news.models import NewsImage, NewsItem

EDITABLE_FIELDS = (
    "category",
    "title",
    "body",
    "translations",
    "publish_at",
    "expires_at",
    "status",
    "is_pinned",
    "image_alt",
)


class NewsError(Exception):
    """A news rule was broken; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def create_item(hub: Hub, *, actor, image: CleanImage | None = None, **values) -> NewsItem:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    item = NewsItem(hub=hub, created_by=actor, updated_by=actor, **values)
    if image is not None:
        item.image = _store(image)
    item.full_clean()
    item.save()
    audit.record("news.item.created", actor=actor, obj=item, payload={"status": item.status})
    return item


@transaction.atomic
def update_item(
    item: NewsItem,
    *,
    actor,
    revision: int,
    image: CleanImage | None = None,
    remove_image: bool = False,
    **values,
) -> NewsItem:
    """Save the page that showed ``revision``; a newer save in between is refused. A new
    photo replaces the old one, whose bytes are deleted with it."""
    current = _locked(item, revision)
    old_image_id = current.image_id  # the id only: the bytes are not read to delete them
    image_changed = image is not None or (remove_image and old_image_id is not None)
    if image is not None:
        current.image = _store(image)
    elif remove_image:
        current.image = None
        values = {**values, "image_alt": ""}
    changed = save_changes(
        current, values, allowed=EDITABLE_FIELDS, action="news.item.updated", actor=actor
    )
    if changed or image_changed:
        current.revision += 1
        current.updated_by = actor
        current.full_clean()
        current.save(update_fields=["image", "revision", "updated_by", "updated_at"])
    if image_changed:
        NewsImage.objects.filter(pk=old_image_id).delete()
        audit.record("news.item.image_changed", actor=actor, obj=current)
    copy_saved(item, current)
    return item


@transaction.atomic
def withdraw_item(item: NewsItem, *, actor, revision: int) -> NewsItem:
    """Take an item off the portal now (a mistake, a cancelled event); it stays on record."""
    current = _locked(item, revision)
    if current.status == NewsStatus.WITHDRAWN:
        raise NewsError(_("This item has already been withdrawn."))
    current.status = NewsStatus.WITHDRAWN
    current.revision += 1
    current.updated_by = actor
    current.save(update_fields=["status", "revision", "updated_by", "updated_at"])
    audit.record("news.item.withdrawn", actor=actor, obj=current)
    copy_saved(item, current)
    return item


def _store(image: CleanImage) -> NewsImage:
    return NewsImage.objects.create(
        data=image.data,
        content_type=image.content_type,
        width=image.width,
        height=image.height,
        size=len(image.data),
        digest=image.digest,
    )


def _locked(item: NewsItem, revision: int) -> NewsItem:
    current = NewsItem.objects.select_for_update().get(pk=item.pk)
    if current.revision != revision:
        raise NewsError(
            _(
                "Someone else saved this item while you were editing. Your changes were not "
                "saved; the page now shows the newer version."
            )
        )
    return current
