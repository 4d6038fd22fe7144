"""Hub administration views: dashboard, hub profile, venues, districts and the audit log."""

from __future__ import annotations

import json
import zlib
from base64 import urlsafe_b64decode, urlsafe_b64encode

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts import queries as accounts_queries
from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, CHECK_STAFF, USE_CONSOLE, staff_view
from hiroba.accounts.scope import scope_for
from hiroba.core import audit, services
from hiroba.core import dashboard as dashboard_panels
from hiroba.core.htmx import redirect_after_post, template_for
from hiroba.core.imports import parse_town_block_csv
from hiroba.core.queries import town_block_mapping, town_blocks_of
from hiroba.hubs import queries
from hiroba.hubs.forms import (
    AuditFilterForm,
    DistrictForm,
    HubForm,
    TownBlockImportForm,
    VenueForm,
)
from hiroba.hubs.permissions import (
    CHANGE_CONTRACT,
    CHANGE_HUB,
    MANAGE_DISTRICTS,
    MANAGE_VENUES,
    VIEW_AUDIT_LOG,
    VIEW_DISTRICTS,
    VIEW_HUB,
)
from hiroba.lib.csvio import write_csv
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.lib.jpcalendar import holiday_name, is_year_end_closure

IMPORT_SALT = "hiroba.hubs.townblock-import"


# -- dashboard ------------------------------------------------------------------------------
@staff_view(USE_CONSOLE, check=CHECK_STAFF)
def dashboard(request):
    hub = current_hub(request)
    scope = scope_for(request.user)
    if hub is None:  # e.g. a new city administrator before any hub is set up
        return render(request, "hubs/no_hub.html", {"roles": scope.roles})
    today = timezone.localdate()
    context = {
        "hub": hub,
        "fiscal_year": fiscal_year_of(today),
        "contract_label": hub.contract_label(today),
        "holiday": holiday_name(today),
        "year_end_closure": is_year_end_closure(today),
        "venues": queries.venues_of(hub).filter(is_active=True),
        "roles_here": scope.roles_at(hub.pk),
    }
    context["panels"] = dashboard_panels.panels_for(request, hub)
    if scope.can(VIEW_AUDIT_LOG, hub_id=hub.pk):
        context["recent_entries"] = queries.audit_entries_for(hub, request.user)[:8]
        context["staff_summary"] = accounts_queries.staff_summary(hub)
    return render(request, "hubs/dashboard.html", context)


# -- hub profile ------------------------------------------------------------------------------
@staff_view(VIEW_HUB)
def current_hub_detail(request):
    return redirect("hubs:hub-detail", hub_id=current_hub(request).pk)


@staff_view(VIEW_HUB, check=CHECK_OBJECT)
def hub_detail(request, hub_id: int):
    hub = queries.get_hub_for_user(request.user, hub_id, VIEW_HUB)
    today = timezone.localdate()
    return render(
        request,
        "hubs/hub_detail.html",
        {
            "hub": hub,
            "contract_label": hub.contract_label(today),
            "fiscal_year": fiscal_year_of(today),
            "rules": hub.ward.municipality.rules("hub", on=today),
            "satellites": hub.satellites.all(),
            "venues": queries.venues_of(hub),
            "can_edit": scope_for(request.user).can(CHANGE_HUB, hub_id=hub.pk),
        },
    )


@staff_view(CHANGE_HUB, check=CHECK_OBJECT)
def hub_edit(request, hub_id: int):
    hub = queries.get_hub_for_user(request.user, hub_id, CHANGE_HUB)
    initial = {name: getattr(hub, name) for name in services.HUB_EDITABLE_FIELDS}
    contract_editable = scope_for(request.user).can(CHANGE_CONTRACT, hub_id=hub.pk)
    form = HubForm(request.POST or None, initial=initial, contract_editable=contract_editable)
    if request.method == "POST" and form.is_valid():
        services.update_hub(hub, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The hub profile was saved."))
        return redirect_after_post(request, hub.get_absolute_url())
    return render(request, "hubs/hub_form.html", {"hub": hub, "form": form})


# -- venues -----------------------------------------------------------------------------------
@staff_view(VIEW_HUB)
def venue_list(request):
    hub = current_hub(request)
    return render(
        request,
        "hubs/venue_list.html",
        {
            "hub": hub,
            "venues": queries.venues_of(hub),
            "can_manage": scope_for(request.user).can(MANAGE_VENUES, hub_id=hub.pk),
        },
    )


def _save_venue(request, hub, venue=None):
    initial = (
        {name: getattr(venue, name) for name in services.VENUE_EDITABLE_FIELDS}
        if venue
        else {"sort_order": 0}
    )
    form = VenueForm(request.POST or None, initial=initial, districts=queries.districts_of(hub))
    if request.method == "POST" and form.is_valid():
        try:
            if venue is None:
                services.create_venue(hub, actor=request.user, **form.cleaned_data)
            else:
                services.update_venue(venue, actor=request.user, **form.cleaned_data)
        except services.TenancyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The venue was saved."))
            return redirect_after_post(request, reverse("hubs:venue-list"))
    return render(request, "hubs/venue_form.html", {"hub": hub, "venue": venue, "form": form})


@staff_view(MANAGE_VENUES)
def venue_create(request):
    return _save_venue(request, current_hub(request))


@staff_view(MANAGE_VENUES, check=CHECK_OBJECT)
def venue_edit(request, venue_id: int):
    venue = queries.get_venue_for_user(request.user, venue_id, MANAGE_VENUES)
    return _save_venue(request, venue.hub, venue)


@require_POST
@staff_view(MANAGE_VENUES, check=CHECK_OBJECT)
def venue_set_active(request, venue_id: int):
    venue = queries.get_venue_for_user(request.user, venue_id, MANAGE_VENUES)
    active = request.POST.get("active") == "1"
    services.set_venue_active(venue, active, actor=request.user)
    messages.success(
        request,
        _("The venue is in use again.")
        if active
        else _("The venue is no longer in use. Past records keep it."),
    )
    return redirect_after_post(request, reverse("hubs:venue-list"))


# -- districts --------------------------------------------------------------------------------
@staff_view(VIEW_DISTRICTS)
def district_list(request):
    hub = current_hub(request)
    return render(
        request,
        "hubs/district_list.html",
        {
            "hub": hub,
            "ward": hub.ward,
            "districts": queries.districts_of(hub),
            "can_manage": scope_for(request.user).can(MANAGE_DISTRICTS, hub_id=hub.pk),
        },
    )


@staff_view(VIEW_DISTRICTS, check=CHECK_OBJECT)
def district_detail(request, district_id: int):
    district = queries.get_district_for_user(request.user, district_id, VIEW_DISTRICTS)
    return render(
        request,
        "hubs/district_detail.html",
        {
            "district": district,
            "town_blocks": town_blocks_of(district),
            "venues": queries.venues_in_district(district, request.user),
            "can_manage": scope_for(request.user).can(MANAGE_DISTRICTS, ward_id=district.ward_id),
        },
    )


@staff_view(MANAGE_DISTRICTS)
def district_create(request):
    hub = current_hub(request)
    form = DistrictForm(request.POST or None, initial={"sort_order": 0})
    if request.method == "POST" and form.is_valid():
        if queries.districts_of(hub).filter(name=form.cleaned_data["name"]).exists():
            form.add_error("name", _("This ward already has a district with this name."))
        else:
            services.create_district(hub.ward, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The district was added."))
            return redirect_after_post(request, reverse("hubs:district-list"))
    return render(request, "hubs/district_form.html", {"form": form, "ward": hub.ward})


@staff_view(MANAGE_DISTRICTS, check=CHECK_OBJECT)
def district_edit(request, district_id: int):
    district = queries.get_district_for_user(request.user, district_id, MANAGE_DISTRICTS)
    form = DistrictForm(
        request.POST or None, initial={"name": district.name, "sort_order": district.sort_order}
    )
    if request.method == "POST" and form.is_valid():
        clash = (
            district.ward.districts.filter(name=form.cleaned_data["name"])
            .exclude(pk=district.pk)
            .exists()
        )
        if clash:
            form.add_error("name", _("This ward already has a district with this name."))
        else:
            services.update_district(district, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The district was saved."))
            return redirect_after_post(
                request, reverse("hubs:district-detail", kwargs={"district_id": district.pk})
            )
    return render(
        request,
        "hubs/district_form.html",
        {"form": form, "district": district, "ward": district.ward},
    )


def _sign_mapping(ward, mapping: dict[str, str], replace: bool) -> str:
    raw = json.dumps(
        {
            "ward": ward.pk,
            "replace": replace,
            "mapping": mapping,
            "before": services.town_block_fingerprint(ward),
        },
        ensure_ascii=False,
    ).encode()
    return signing.dumps(urlsafe_b64encode(zlib.compress(raw)).decode(), salt=IMPORT_SALT)


def _unsign_mapping(token: str) -> dict:
    packed = signing.loads(token, salt=IMPORT_SALT, max_age=60 * 60)
    return json.loads(zlib.decompress(urlsafe_b64decode(packed.encode())))


@staff_view(MANAGE_DISTRICTS)
def town_block_import(request):
    """Step 1: upload and check. Nothing is written until the preview is confirmed."""
    hub = current_hub(request)
    form = TownBlockImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "ward": hub.ward}
    if request.method == "POST" and form.is_valid():
        parsed = parse_town_block_csv(form.cleaned_data["file"].read())
        if not parsed.ok:
            context["errors"] = parsed.errors
        else:
            replace = form.cleaned_data["mode"] == "replace"
            context["plan"] = services.plan_town_block_import(
                hub.ward, parsed.mapping, replace=replace
            )
            context["token"] = _sign_mapping(hub.ward, parsed.mapping, replace)
    return render(request, "hubs/town_block_import.html", context)


@require_POST
@staff_view(MANAGE_DISTRICTS)
def town_block_import_confirm(request):
    """Step 2: apply exactly the previewed file, in one transaction."""
    hub = current_hub(request)
    try:
        data = _unsign_mapping(request.POST.get("token", ""))
    except (signing.BadSignature, ValueError, zlib.error):
        messages.error(request, _("The preview has expired. Please upload the file again."))
        return redirect("hubs:town-block-import")
    if data["ward"] != hub.ward_id:
        messages.error(request, _("The preview was for another ward. Please upload again."))
        return redirect("hubs:town-block-import")
    try:
        plan = services.import_town_blocks(
            hub.ward,
            data["mapping"],
            actor=request.user,
            replace=data["replace"],
            expected_fingerprint=data["before"],
        )
    except services.TenancyError as error:
        messages.error(request, str(error))
        return redirect("hubs:town-block-import")
    messages.success(
        request,
        _("Imported: {added} added, {moved} moved, {removed} removed, {new} new districts.").format(
            added=len(plan.added),
            moved=len(plan.moved),
            removed=len(plan.removed),
            new=len(plan.new_districts),
        ),
    )
    return redirect_after_post(request, reverse("hubs:district-list"))


@staff_view(VIEW_DISTRICTS)
def town_block_export(request):
    hub = current_hub(request)
    data = write_csv(town_block_mapping(hub.ward), ["町丁", "地区"])
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    filename = f"town-blocks-{hub.ward.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# -- audit log --------------------------------------------------------------------------------
def _audit_filter_form(request, hub):
    actions = sorted(
        ((code, audit.action_label(code)) for code in audit.registered_actions()),
        key=lambda pair: pair[0],
    )
    actors = accounts_queries.people_ever_at(hub)
    return AuditFilterForm(request.GET or None, actions=actions, actors=actors)


def _filtered_entries(request, hub):
    form = _audit_filter_form(request, hub)
    entries = queries.audit_entries_for(hub, request.user)
    if form.is_bound and not form.is_valid():
        return form, entries.none()  # show the error, not a list that ignores the filter
    if form.is_bound:
        data = form.cleaned_data
        entries = queries.filter_audit(
            entries,
            action=data["action"],
            actor_id=data["actor"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    return form, entries


@staff_view(VIEW_AUDIT_LOG)
def audit_list(request):
    hub = current_hub(request)
    form, entries = _filtered_entries(request, hub)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template_for(request, "hubs/audit_list.html", "hubs/partials/_audit_region.html"),
        {
            "hub": hub,
            "form": form,
            "page": page,
            "query": query.urlencode(),
        },
    )


@staff_view(VIEW_AUDIT_LOG, check=CHECK_OBJECT)
def audit_detail(request, entry_id: int):
    hub = current_hub(request)
    entry = queries.get_audit_entry_for_user(request.user, entry_id)
    return render(request, "hubs/audit_detail.html", {"hub": hub, "entry": entry})


@staff_view(VIEW_AUDIT_LOG)
def audit_export(request):
    hub = current_hub(request)
    form, entries = _filtered_entries(request, hub)
    rows = [
        [
            timezone.localtime(e.created_at).isoformat(timespec="seconds"),
            e.action,
            audit.action_label(e.action),
            e.actor_label,
            e.hub.name if e.hub else "",
            e.object_type,
            e.object_id,
            e.object_repr,
            json.dumps(e.payload, ensure_ascii=False),
            e.ip_address or "",
            e.request_id,
        ]
        for e in entries[:50000]
    ]
    audit.record(
        "core.auditlog.exported",
        actor=request.user,
        hub=hub,
        payload={"rows": len(rows), "filters": request.GET.dict()},
    )
    header = [
        "time",
        "action",
        "label",
        "actor",
        "hub",
        "object_type",
        "object_id",
        "object",
        "details",
        "ip",
        "request_id",
    ]
    response = HttpResponse(write_csv(rows, header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{hub.pk}.csv"'
    return response
