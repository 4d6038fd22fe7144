"""The portal's news (お知らせ): the list with its filters, each item's page and photo, and the
Atom feeds (all hubs, or one hub with its satellites) for city apps and LINE bots."""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import linebreaks, urlize
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe

from hiroba.core.categories import label_for, section_categories
from hiroba.core.pagecache import public_page
from hiroba.core.queries import public_hubs
from hiroba.lib.furigana import without_marks
from hiroba.news import queries as news
from hiroba.portal.program_queries import hub_ids_for, public_hub
from hiroba.portal.responses import open_data

PAGE_SIZE = 20


def news_categories(hubs):
    return section_categories(hubs[0].ward.municipality, "news") if hubs else []


class NewsFilterForm(forms.Form):
    hub = forms.TypedChoiceField(label=gettext_lazy("Hub"), required=False, coerce=int)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args, hubs, categories, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language()
        self.fields["hub"].choices = [("", _("All hubs")), *((h.pk, h.name) for h in hubs)]
        self.fields["category"].choices = [
            ("", _("All categories")),
            *((c.code, c.label(language)) for c in categories),
        ]


@require_safe
@public_page(60)
def news_list(request):
    hubs = list(public_hubs())
    categories = news_categories(hubs)
    form = NewsFilterForm(request.GET or None, hubs=hubs, categories=categories)
    hub_id, category = None, ""
    if form.is_bound and form.is_valid():
        hub_id, category = form.cleaned_data["hub"], form.cleaned_data["category"]
    chosen = next((h for h in hubs if h.pk == hub_id), None)
    hub_ids = hub_ids_for(chosen, hubs) if chosen else None
    items = news.public_items(timezone.now(), hub_ids=hub_ids, category=category)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "cards": news_cards(page, categories),
        "hub": chosen,
        "query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page" and v),
    }
    return render(request, "portal/news/list.html", context)


def news_cards(items, categories) -> list[dict]:
    """What a list shows of each item, in the reader's language."""
    language = get_language()
    return [
        {
            "item": item,
            "title": item.localized("title", language),
            "category": label_for(item.category, categories, language),
        }
        for item in items
    ]


@require_safe
@public_page(60)
def news_item(request, item_id: int):
    item = news.public_item(item_id, timezone.now())
    if item is None:
        raise Http404
    language = get_language()
    categories = section_categories(item.hub.ward.municipality, "news")
    context = {
        "item": item,
        "title": item.localized("title", language),
        "body": item.localized("body", language),
        "category": label_for(item.category, categories, language),
    }
    return render(request, "portal/news/item.html", context)


@require_safe
def news_image(request, item_id: int):
    image = news.public_image(item_id, timezone.now())
    version = request.GET.get("v", "")
    if image is None or (version and not image.digest.startswith(version)):
        raise Http404  # withdrawn, expired or replaced: the old address stops working
    etag = f'"{image.digest[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["ETag"] = etag
    # Kept, but asked about again each time: a withdrawn photo (a child shown without
    # consent) must not live on in browsers and proxies.
    response["Cache-Control"] = "public, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Atom ------------------------------------------------------------------------------------------
class NewsFeed(Feed):
    """Live items, newest first, in the reader's language (Japanese where none was written)."""

    feed_type = Atom1Feed
    limit = 50

    def get_object(self, request, hub_id: int | None = None):
        self.request = request
        self.language = get_language()
        self.portal_hubs = list(public_hubs())
        self.category_list = news_categories(self.portal_hubs)
        return public_hub(hub_id) if hub_id is not None else None

    def _hub_ids(self, hub):
        return hub_ids_for(hub, self.portal_hubs) if hub else None

    def title(self, hub):
        return _("{hub}: news").format(hub=hub.name) if hub else _("Hub news")

    def subtitle(self, hub):
        return _("Announcements of the child-rearing support hubs")

    def link(self, hub):
        url = reverse("portal:news")
        return f"{url}?hub={hub.pk}" if hub else url

    def feed_url(self, hub):
        if hub:
            return reverse("portal:hub-news-feed", kwargs={"hub_id": hub.pk})
        return reverse("portal:news-feed")

    def feed_guid(self, hub):
        return self.request.build_absolute_uri(self.feed_url(hub))

    def items(self, hub):
        return news.public_items(timezone.now(), hub_ids=self._hub_ids(hub), limit=self.limit)

    def item_title(self, item):
        return without_marks(item.localized("title", self.language))

    def item_description(self, item):
        # Escaped first, then links and paragraphs: the summary is HTML, the text is plain.
        return linebreaks(
            urlize(item.localized("body", self.language), nofollow=True, autoescape=True)
        )

    def item_link(self, item):
        return reverse("portal:news-item", kwargs={"item_id": item.pk})

    def item_enclosures(self, item):
        if item.image is None:
            return []
        url = reverse("portal:news-image", kwargs={"item_id": item.pk})
        url = self.request.build_absolute_uri(f"{url}?v={item.image.digest[:12]}")
        return [Enclosure(url, str(item.image.size), item.image.content_type)]

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.publish_at, item.updated_at)

    def item_author_name(self, item):
        return item.hub.name

    def item_categories(self, item):
        return [label_for(item.category, self.category_list, self.language)]


def _feed_etag(request, hub_id: int | None = None) -> str:
    """Changes whenever the feed would: an item saved, started, ended or withdrawn, a hub
    renamed, the categories changed, another language."""
    hubs = list(public_hubs())
    hub = next((h for h in hubs if h.pk == hub_id), None)
    hub_ids = hub_ids_for(hub, hubs) if hub else None
    parts = [
        news.last_change(timezone.now(), hub_ids=hub_ids),
        [(h.pk, h.name) for h in hubs],
        [(c.code, c.ja, c.en) for c in news_categories(hubs)],
        get_language(),
        hub_id,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@require_safe
@open_data
@condition(etag_func=_feed_etag)
def news_feed(request, hub_id: int | None = None):
    """A new feed object per request: it keeps the request and language on itself."""
    return NewsFeed()(request, hub_id=hub_id)
