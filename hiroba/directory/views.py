"""Staff pages of the directory: the list with what needs verifying, adding and correcting
entries, the verification stamp, and the queue of suggestions from the portal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import audit
from hiroba.core.forms import errors_text, posted_revision, shown_revision
from hiroba.core.htmx import redirect_after_post
from hiroba.core.tables import attachment_disposition
from hiroba.directory import guide, queries, services
from hiroba.directory.categories import categories_for, label_for
from hiroba.directory.choices import SuggestionStatus
from hiroba.directory.forms import ResourceForm, StaffFilterForm, initial_for
from hiroba.directory.permissions import (
    EDIT_RESOURCES,
    IMPORT_RESOURCES,
    REVIEW_SUGGESTIONS,
    VIEW_RESOURCES,
)
from hiroba.directory.suggestion_fields import proposed_initial, proposed_rows
from hiroba.families.services import registry_hub

PAGE_SIZE = 50


@staff_view(VIEW_RESOURCES)
def resource_list(request):
    hub = registry_hub(current_hub(request))
    today = timezone.localdate()
    form = StaffFilterForm(request.GET or None, hub=hub)
    filters = queries.StaffFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = queries.StaffFilters(
            category=data["category"],
            text=data["q"],
            stale_only=data["stale"],
            status=data["status"],
        )
    page = Paginator(queries.staff_resources(hub, filters, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    months = queries.reverify_months(hub)
    categories = categories_for(hub.ward.municipality)
    user = request.user
    rows = [
        (r, label_for(r.category, categories, get_language()), r.needs_verification(today, months))
        for r in page
    ]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {
        "hub": hub,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "months": months,
        "stale_count": queries.stale_count(hub, today=today),
        "pending_count": queries.pending_suggestions(hub).count(),
        "can_edit": queries.may(user, EDIT_RESOURCES, hub),
        "can_review": queries.may(user, REVIEW_SUGGESTIONS, hub),
        "can_import": queries.may(user, IMPORT_RESOURCES, hub),
        "districts": hub.ward.districts.order_by("sort_order", "name"),
    }
    return render(request, "directory/resource_list.html", context)


def _save(request, hub, resource=None):
    initial = initial_for(resource) if resource else {"status": "published"}
    form = ResourceForm(request.POST or None, initial=initial, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            if resource is None:
                resource = services.create_resource(
                    hub, actor=request.user, **form.cleaned_values()
                )
            else:
                services.update_resource(
                    resource,
                    actor=request.user,
                    revision=posted_revision(request),
                    **form.cleaned_values(resource.translations),
                )
        except ValidationError as error:
            form.add_error(None, error)
        except services.DirectoryError as error:
            messages.error(request, error.message)
            return redirect(reverse("directory:resource-edit", args=[resource.pk]))
        else:
            messages.success(request, _("「{name}」 was saved.").format(name=resource.name))
            return redirect_after_post(request, reverse("directory:resource-list"))
    if request.method == "POST":
        messages.error(request, errors_text(form))
    context = {
        "form": form,
        "resource": resource,
        "hub": hub,
        "revision": shown_revision(request, resource),
    }
    return render(request, "directory/resource_form.html", context)


@staff_view(EDIT_RESOURCES)
def resource_create(request):
    return _save(request, registry_hub(current_hub(request)))


@staff_view(EDIT_RESOURCES, check=CHECK_OBJECT)
def resource_edit(request, resource_id: int):
    resource = queries.get_resource_for_user(request.user, resource_id, EDIT_RESOURCES)
    return _save(request, resource.hub, resource)


@require_POST
@staff_view(EDIT_RESOURCES, check=CHECK_OBJECT)
def resource_verify(request, resource_id: int):
    resource = queries.get_resource_for_user(request.user, resource_id, EDIT_RESOURCES)
    services.verify_resource(resource, actor=request.user)
    messages.success(
        request, _("「{name}」 is marked as verified today.").format(name=resource.name)
    )
    next_url = request.POST.get("next") or reverse("directory:resource-list")
    if not next_url.startswith("/staff/directory/"):
        next_url = reverse("directory:resource-list")
    return redirect_after_post(request, next_url)


@staff_view(VIEW_RESOURCES)
def resource_guide(request):
    """The printable guide (A4 PDF) of one district, or of the whole directory."""
    hub = registry_hub(current_hub(request))
    district = None
    if request.GET.get("district"):
        district = hub.ward.districts.filter(pk=_int(request.GET["district"])).first()
        if district is None:
            raise Http404
    response = HttpResponse(guide.guide_pdf(hub, district), content_type="application/pdf")
    area = district.name if district else hub.ward.name
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = attachment_disposition(
        f"子育てガイド_{area}_{today}.pdf", f"resource-guide-{today}.pdf"
    )
    return response


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


# -- suggestions -----------------------------------------------------------------------------------
@staff_view(REVIEW_SUGGESTIONS)
def suggestion_list(request):
    hub = registry_hub(current_hub(request))
    context = {
        "hub": hub,
        "pending": list(queries.pending_suggestions(hub)),
        "decided": queries.decided_suggestions(hub),
    }
    return render(request, "directory/suggestion_list.html", context)


@staff_view(REVIEW_SUGGESTIONS, check=CHECK_OBJECT)
def suggestion_review(request, suggestion_id: int):
    """The suggestion beside the current entry, and the resource form filled with what was
    proposed: staff correct it if needed, then approve; or decline with a note."""
    suggestion = queries.get_suggestion_for_user(request.user, suggestion_id, REVIEW_SUGGESTIONS)
    hub = suggestion.hub
    decided = suggestion.status != SuggestionStatus.PENDING
    initial = proposed_initial(suggestion)
    form = ResourceForm(
        request.POST if request.POST.get("decision") == "approve" else None,
        initial=initial,
        hub=hub,
    )
    if request.method == "POST" and not decided:
        response = _decide(request, suggestion, form)
        if response is not None:
            return response
    if suggestion.submitter_contact or suggestion.submitter_name:
        audit.record_view(suggestion, actor=request.user, fields=("sender",))
    context = {
        "hub": hub,
        "suggestion": suggestion,
        "decided": decided,
        "form": form,
        "rows": proposed_rows(suggestion),
        "revision": shown_revision(request, suggestion.resource),
    }
    return render(request, "directory/suggestion_review.html", context)


def _decide(request, suggestion, form):
    try:
        if request.POST.get("decision") == "reject":
            note = (request.POST.get("note") or "").strip()[:300]
            services.reject_suggestion(suggestion, actor=request.user, note=note)
            messages.success(request, _("The suggestion was declined."))
            return redirect_after_post(request, reverse("directory:suggestion-list"))
        if not form.is_valid():
            messages.error(request, errors_text(form))
            return None
        current = suggestion.resource
        resource = services.approve_suggestion(
            suggestion,
            actor=request.user,
            values=form.cleaned_values(current.translations if current else None),
            revision=posted_revision(request) if current else None,
        )
    except ValidationError as error:
        form.add_error(None, error)
        messages.error(request, errors_text(form))
        return None
    except services.DirectoryError as error:
        messages.error(request, error.message)
        return redirect(reverse("directory:suggestion-review", args=[suggestion.pk]))
    messages.success(
        request, _("The suggestion was approved: 「{name}」 is saved.").format(name=resource.name)
    )
    return redirect_after_post(request, reverse("directory:suggestion-list"))
