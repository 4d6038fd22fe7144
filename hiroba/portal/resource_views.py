"""The portal's resource map and list (社会資源): filters that work without JavaScript, the map
on top when JavaScript and tiles are there, "near me" from the phone, each place's page, the
suggestion form, and the open JSON feed for city apps and bots."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_http_methods, require_safe

from hiroba.core.choices import HubKind
from hiroba.core.pagecache import public_page
from hiroba.core.queries import public_hubs
from hiroba.core.ratelimit import take_slot
from hiroba.core.request_context import client_ip
from hiroba.directory import queries as directory
from hiroba.directory import services as directory_services
from hiroba.directory.categories import categories_for, category_choices, directory_rules, label_for
from hiroba.directory.choices import AMENITY_FIELDS, Amenity
from hiroba.directory.exports import age_text, resource_id
from hiroba.portal.resource_forms import ResourceFilterForm, SuggestionForm
from hiroba.portal.responses import open_data

SUGGESTIONS_PER_HOUR = 10


def _hubs(request):
    """Main hubs on the portal: they keep the directory (satellites use their main hub's).
    Read once per request: the feed's ETag and the feed itself both need them."""
    if not hasattr(request, "portal_directory_hubs"):
        request.portal_directory_hubs = list(public_hubs().filter(kind=HubKind.MAIN))
    return request.portal_directory_hubs


def _municipality(hubs):
    return hubs[0].ward.municipality if hubs else None


def _filter_form(request, hubs):
    municipality = _municipality(hubs)
    categories = category_choices(municipality, get_language()) if municipality else []
    wards = {h.ward_id: h.ward for h in hubs}
    districts = [
        (d.pk, d.name) for ward in wards.values() for d in ward.districts.order_by("sort_order")
    ]
    return ResourceFilterForm(
        request.GET or None, categories=categories, districts=districts, hubs=hubs
    )


def _filters(form) -> directory.PublicFilters:
    if not form.is_bound or not form.is_valid():
        return directory.PublicFilters()
    data = form.cleaned_data
    return directory.PublicFilters(
        text=data["q"],
        category=data["category"],
        age=data["age"],
        district_id=data["district"],
        hub_id=data["hub"],
        amenities=data["amenity"],
        near=form.near(),
    )


@require_safe
@public_page(60)
def resource_list(request):
    hubs = _hubs(request)
    form = _filter_form(request, hubs)
    filters = _filters(form)
    found = directory.public_resources([h.pk for h in hubs], filters)
    language = get_language()
    categories = categories_for(_municipality(hubs)) if hubs else []
    items = [_item(f, categories, language) for f in found]
    markers = [_marker(item) for item in items if item["resource"].has_location]
    context = {
        "form": form,
        "items": items,
        "markers": markers,
        "near": filters.near is not None,
        "filtered": form.is_bound,
        "map": _map_settings(),
        "has_hubs": bool(hubs),
        "json_url": reverse("portal:resources-json"),
    }
    return render(request, "portal/resources.html", context)


def _item(found, categories, language) -> dict:
    resource = found.resource
    labels = dict(Amenity.choices)
    return {
        "resource": resource,
        "name": resource.localized("name", language),
        "category": label_for(resource.category, categories, language),
        "distance": found.distance_km,
        "amenities": [str(labels[code]) for code in resource.amenities],
        "ages": age_text(resource),
    }


def _marker(item) -> dict:
    resource = item["resource"]
    return {
        "name": item["name"],
        "category": item["category"],
        "lat": float(resource.latitude),
        "lng": float(resource.longitude),
        "url": reverse("portal:resource", kwargs={"resource_id": resource.pk}),
    }


def _map_settings() -> dict:
    return {"tiles": settings.HIROBA_MAP_TILES, "attribution": settings.HIROBA_MAP_ATTRIBUTION}


@require_safe
def resource_detail(request, resource_id: int):
    hubs = _hubs(request)
    resource = directory.public_resource([h.pk for h in hubs], resource_id)
    if resource is None:
        raise Http404
    language = get_language()
    item = _item(
        directory.Found(resource), categories_for(resource.hub.ward.municipality), language
    )
    context = {
        **item,
        "description": resource.localized("description", language),
        "map": _map_settings(),
        "marker": _marker(item) if resource.has_location else None,
    }
    return render(request, "portal/resource_detail.html", context)


# -- suggestions -----------------------------------------------------------------------------------
def _current(resource) -> dict:
    return {
        "name": resource.name,
        "category": resource.category,
        "address": resource.address,
        "phone": resource.phone,
        "url": resource.url,
        "hours": resource.hours,
        "target_age": age_text(resource),
        "amenities": resource.amenities,
        "description": resource.description,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def suggest(request, resource_id: int | None = None):
    hubs = _hubs(request)
    if not hubs:
        raise Http404
    resource = None
    if resource_id is not None:
        resource = directory.public_resource([h.pk for h in hubs], resource_id)
        if resource is None:
            raise Http404
    current = _current(resource) if resource else None
    initial = dict(current or {}, hub=resource.hub_id if resource else request.GET.get("hub"))
    categories = category_choices(_municipality(hubs), get_language())
    form = SuggestionForm(request.POST or None, initial=initial, hubs=hubs, categories=categories)
    if request.method == "POST":
        response = _send(request, form, resource, current, hubs)
        if response is not None:
            return response
    return render(request, "portal/resource_suggest.html", {"form": form, "resource": resource})


def _send(request, form, resource, current, hubs):
    if form.is_robot:
        form.add_error(None, _("The form could not be sent. Please try again."))
        return None
    if not form.is_valid():
        return None
    proposed = form.proposed(current)
    message = form.cleaned_data["message"]
    if resource is not None and not proposed and not message:
        form.add_error(None, _("Change something, or write what is wrong in the message."))
        return None
    if not take_slot(f"directory-suggest:{client_ip(request)}", SUGGESTIONS_PER_HOUR, 3600):
        form.add_error(
            None,
            _("Too many suggestions were sent from this connection. Please try again in an hour."),
        )
        return None
    hub = resource.hub if resource else next(h for h in hubs if h.pk == form.cleaned_data["hub"])
    try:
        _keep(form, hub, resource, proposed, message)
    except ValidationError as error:  # a rule of the model the form did not know
        form.add_error(None, error)
        return None
    messages.success(
        request, _("Thank you. The hub will check what you sent before it appears on the map.")
    )
    target = (
        reverse("portal:resource", args=[resource.pk]) if resource else reverse("portal:resources")
    )
    return redirect(target)


def _keep(form, hub, resource, proposed, message) -> None:
    directory_services.suggest_resource(
        hub,
        actor=None,
        resource=resource,
        proposed=proposed,
        message=message,
        submitter_kind=form.cleaned_data["submitter_kind"],
        submitter_name=form.cleaned_data["submitter_name"],
        submitter_contact=form.cleaned_data["submitter_contact"],
    )


# -- the open data feed ----------------------------------------------------------------------------
def _feed_etag(request, *args, **kwargs) -> str:
    """Changes whenever the feed would: an entry added, changed, hidden or removed, a hub or
    district renamed, the city's categories or licence changed, another language or filter."""
    hubs = _hubs(request)
    count, newest = directory.last_change([h.pk for h in hubs])
    municipality = _municipality(hubs)
    parts = [
        count,
        newest,
        [(h.pk, h.name) for h in hubs],
        directory.district_names([h.ward_id for h in hubs]),
        directory_rules(municipality) if municipality else None,
        get_language(),
        request.GET.urlencode(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


@require_safe
@open_data
@condition(etag_func=_feed_etag)
def resources_json(request):
    """Every published place (or a hub's: ``?hub=``) as JSON for city apps and LINE bots,
    with the licence the municipality publishes them under."""
    hubs = _hubs(request)
    form = _filter_form(request, hubs)
    found = directory.public_resources([h.pk for h in hubs], _filters(form))
    municipality = _municipality(hubs)
    rules = directory_rules(municipality) if municipality else {}
    categories = categories_for(municipality) if municipality else []
    language = get_language()
    response = JsonResponse(
        {
            "licence": {"name": rules.get("licence_name", ""), "url": rules.get("licence_url", "")},
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "count": len(found),
            "resources": [_record(request, f.resource, categories, language) for f in found],
        },
        json_dumps_params={"ensure_ascii": False},
    )
    return response


def _record(request, resource, categories, language) -> dict:
    return {
        "id": resource_id(resource),
        "name": resource.localized("name", language),
        "name_kana": resource.name_kana,
        "category": {
            "code": resource.category,
            "label": label_for(resource.category, categories, language),
        },
        "description": resource.localized("description", language),
        "postal_code": resource.postal_code,
        "address": resource.address,
        "district": resource.district.name if resource.district else None,
        "latitude": float(resource.latitude) if resource.has_location else None,
        "longitude": float(resource.longitude) if resource.has_location else None,
        "phone": resource.phone,
        "url": resource.url,
        "hours": resource.localized("hours", language),
        "target_age": {
            "from_months": resource.target_age_min_months,
            "to_months": resource.target_age_max_months,
            "expecting": resource.for_expecting,
        },
        "cost": resource.localized("cost", language),
        "amenities": {code: getattr(resource, f) for code, f in AMENITY_FIELDS.items()},
        "languages": resource.languages,
        "last_verified": resource.verified_on.isoformat() if resource.verified_on else None,
        "updated_at": resource.updated_at.isoformat(timespec="seconds"),
        "hub": resource.hub.name,
        "page": request.build_absolute_uri(reverse("portal:resource", args=[resource.pk])),
    }
