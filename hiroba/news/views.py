"""Staff pages of the news: the list with each item's state, writing and correcting items
(with a photo), and withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.accounts.scope import scope_for
from hiroba.core.categories import label_for, section_categories
from hiroba.core.forms import errors_text, posted_revision, shown_revision
from hiroba.core.htmx import redirect_after_post
from hiroba.news import queries, services
from hiroba.news.choices import NewsState
from hiroba.news.forms import NewsForm, StateFilterForm, initial_for
from hiroba.news.permissions import EDIT_NEWS, VIEW_NEWS

PAGE_SIZE = 50


@staff_view(VIEW_NEWS)
def item_list(request):
    hub = current_hub(request)
    now = timezone.now()
    form = StateFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(queries.staff_items(hub, state=state, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    categories = section_categories(hub.ward.municipality, "news")
    language = get_language()
    rows = []
    for item in page:
        shown = item.state(now)
        category = label_for(item.category, categories, language)
        rows.append((item, category, shown, NewsState(shown).label))
    context = {
        "hub": hub,
        "form": form,
        "page": page,
        "rows": rows,
        "query": f"state={state}" if state else "",
        "can_edit": scope_for(request.user).can(EDIT_NEWS, hub_id=hub.pk),
    }
    return render(request, "news/item_list.html", context)


def _save(request, hub, item=None):
    form = NewsForm(
        request.POST or None,
        request.FILES or None,
        initial=initial_for(item),
        hub=hub,
        item=item,
        language=get_language(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                item = services.create_item(
                    hub, actor=request.user, image=form.clean_photo, **form.cleaned_values()
                )
            else:
                services.update_item(
                    item,
                    actor=request.user,
                    revision=posted_revision(request),
                    image=form.clean_photo,
                    remove_image=form.cleaned_data.get("remove_image", False),
                    **form.cleaned_values(item.translations),
                )
        except ValidationError as error:
            form.add_error(None, error)
        except services.NewsError as error:
            messages.error(request, error.message)
            return redirect(reverse("news:item-edit", args=[item.pk]))
        else:
            messages.success(request, _("「{title}」 was saved.").format(title=item.title))
            return redirect_after_post(request, reverse("news:item-list"))
    if request.method == "POST":
        messages.error(request, errors_text(form))
    context = {
        "form": form,
        "item": item,
        "hub": hub,
        "revision": shown_revision(request, item),
        "state": item.state(timezone.now()) if item else "",
    }
    return render(request, "news/item_form.html", context)


@staff_view(EDIT_NEWS)
def item_create(request):
    return _save(request, current_hub(request))


@staff_view(EDIT_NEWS, check=CHECK_OBJECT)
def item_edit(request, item_id: int):
    item = queries.get_item_for_user(request.user, item_id, EDIT_NEWS)
    return _save(request, item.hub, item)


@require_POST
@staff_view(EDIT_NEWS, check=CHECK_OBJECT)
def item_withdraw(request, item_id: int):
    item = queries.get_item_for_user(request.user, item_id, EDIT_NEWS)
    try:
        services.withdraw_item(item, actor=request.user, revision=posted_revision(request))
    except services.NewsError as error:
        messages.error(request, error.message)
        return redirect(reverse("news:item-edit", args=[item.pk]))
    messages.success(request, _("「{title}」 was taken off the portal.").format(title=item.title))
    return redirect_after_post(request, reverse("news:item-list"))


@staff_view(VIEW_NEWS, check=CHECK_OBJECT)
def item_image(request, item_id: int):
    """The photo as staff see it before it is live (drafts, scheduled items)."""
    item = queries.get_item_for_user(request.user, item_id, VIEW_NEWS)
    if item.image_id is None:
        raise Http404
    image = queries.image_of(item)
    response = HttpResponse(bytes(image.data), content_type=image.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
