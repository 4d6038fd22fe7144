"""Reads of the news: scoped by id for staff, and what is live on the portal at a moment
(published, its start reached, its end not), important items first."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Q, QuerySet

from hiroba.accounts.scope import get_for_user
from hiroba.core.models import Hub
from hiroba.news.choices import NewsState, NewsStatus
from hiroba.news.models import NewsImage, NewsItem


def get_item_for_user(user, item_id: int, permission: str) -> NewsItem:
    queryset = NewsItem.objects.select_related(
        "hub__ward__municipality", "image", "created_by", "updated_by"
    ).defer("image__data")
    return get_for_user(queryset, user, item_id, permission)


def state_filter(state: str, now: datetime) -> Q:
    live = Q(status=NewsStatus.PUBLISHED, publish_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return {
        NewsState.DRAFT: Q(status=NewsStatus.DRAFT),
        NewsState.WITHDRAWN: Q(status=NewsStatus.WITHDRAWN),
        NewsState.SCHEDULED: Q(status=NewsStatus.PUBLISHED, publish_at__gt=now),
        NewsState.EXPIRED: Q(status=NewsStatus.PUBLISHED, expires_at__lte=now),
        NewsState.LIVE: live,
    }[state]


def staff_items(hub: Hub, *, state: str = "", now: datetime) -> QuerySet[NewsItem]:
    items = NewsItem.objects.filter(hub=hub).select_related("updated_by").defer("image__data")
    if state:
        items = items.filter(state_filter(state, now))
    return items.order_by("-publish_at", "-pk")


def public_items(
    now: datetime, *, hub_ids=None, category: str = "", limit: int | None = None
) -> QuerySet[NewsItem]:
    """Live items of active hubs, important ones first, newest first."""
    items = NewsItem.objects.filter(state_filter(NewsState.LIVE, now), hub__is_active=True)
    if hub_ids is not None:
        items = items.filter(hub_id__in=hub_ids)
    if category:
        items = items.filter(category=category)
    items = items.select_related("hub__ward__municipality", "image").defer("image__data")
    items = items.order_by("-is_pinned", "-publish_at", "-pk")
    return items[:limit] if limit else items


def public_item(item_id: int, now: datetime) -> NewsItem | None:
    return public_items(now).filter(pk=item_id).first()


def public_image(item_id: int, now: datetime):
    """The photo of a live item (bytes included), or None."""
    item = (
        NewsItem.objects.filter(state_filter(NewsState.LIVE, now), hub__is_active=True)
        .filter(pk=item_id, image__isnull=False)
        .select_related("image")
        .first()
    )
    return item.image if item else None


def image_of(item: NewsItem) -> NewsImage:
    """The photo's bytes, read only when it is served."""
    return NewsImage.objects.get(pk=item.image_id)


def last_change(now: datetime, *, hub_ids=None) -> datetime | None:
    """When the live list last changed: any save (a withdrawal too), a start or an end
    already passed. Used for the feeds' ETag and Last-Modified."""
    items = NewsItem.objects.all()
    if hub_ids is not None:
        items = items.filter(hub_id__in=hub_ids)
    found = items.aggregate(
        saved=Max("updated_at"),
        started=Max("publish_at", filter=Q(publish_at__lte=now)),
        ended=Max("expires_at", filter=Q(expires_at__lte=now)),
    )
    moments = [m for m in found.values() if m is not None]
    return max(moments) if moments else None
