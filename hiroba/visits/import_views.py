"""Day tallies entered by hand, and imports of past tallies (preview, then confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import can, staff_view
from hiroba.core.htmx import redirect_after_post
from hiroba.core.spreadsheets import PreviewRefused, pack_upload, previewed_upload
from hiroba.visits import imports, services
from hiroba.visits.choices import VisitKind
from hiroba.visits.import_forms import TallyEntryForm, TallyImportForm
from hiroba.visits.models import Visit
from hiroba.visits.permissions import CORRECT_VISITS, IMPORT_TALLIES

IMPORT_SALT = "hiroba.visits.tally-import"
RECENT_TALLIES = 15
# Which form field a service refusal is about (None: the form as a whole).
ERROR_FIELDS = {"future_date": "visited_on", "fathers_exceed_adults": "fathers"}


def _recent_tallies(venues) -> list[Visit]:
    return list(
        Visit.objects.filter(kind=VisitKind.TALLY, venue__in=[v.pk for v in venues])
        .select_related("venue", "recorded_by")
        .order_by("-visited_on", "-pk")[:RECENT_TALLIES]
    )


@staff_view(CORRECT_VISITS)
def tally_entry(request):
    """Enter one day's totals for a venue (an outreach day without individual check-in)."""
    hub = current_hub(request)
    venues = imports.venues_for(request.user, hub, CORRECT_VISITS, active_only=True)
    form = TallyEntryForm(request.POST or None, venues=venues)
    if request.method == "POST" and form.is_valid() and _save_tally(request, form):
        return redirect_after_post(request, reverse("visits:tally-entry"))
    return render(
        request,
        "visits/tally_entry.html",
        {
            "form": form,
            "venues": venues,
            "tallies": _recent_tallies(venues),
            "can_import": can(request, IMPORT_TALLIES),
        },
    )


def _save_tally(request, form) -> bool:
    venue, on = form.cleaned_data["venue"], form.cleaned_data["visited_on"]
    imported = imports.imported_tally(venue, on)
    if imported is not None:
        form.add_error(
            None,
            _(
                "This day was imported from a spreadsheet ({pairs} groups, {people} people). "
                "Entering it again would count it twice."
            ).format(pairs=imported.pairs, people=imported.adults + imported.children),
        )
        return False
    try:
        visit, created = services.record_tally(
            venue, on, form.counts(), actor=request.user, source_key=imports.MANUAL_SOURCE_KEY
        )
    except services.VisitError as error:
        form.add_error(ERROR_FIELDS.get(error.code), error.message)
        return False
    if not created:
        form.add_error(
            None,
            _(
                "A tally for this venue and day was already entered ({pairs} groups, {people} "
                "people). Remove it first to enter the day again."
            ).format(pairs=visit.pairs, people=visit.adults + visit.children),
        )
        return False
    messages.success(
        request,
        _("Saved: {venue}, {pairs} groups, {people} people.").format(
            venue=venue.name, pairs=visit.pairs, people=visit.adults + visit.children
        ),
    )
    return True


def _import_page(request, form, **context):
    columns = [
        (spellings[0], name in imports.REQUIRED_COLUMNS)
        for name, spellings in imports.TALLY_COLUMNS.items()
    ]
    context = {"form": form, "columns": columns, **context}
    return render(request, "visits/import.html", context)


@staff_view(IMPORT_TALLIES)
def tally_import(request):
    """Step 1: upload and check. Nothing is written until the preview is confirmed."""
    hub = current_hub(request)
    venues = imports.venues_for(request.user, hub, IMPORT_TALLIES)
    form = TallyImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, venues=venues)
    data = form.cleaned_data["file"].read()
    replace = form.cleaned_data["replace"]
    plan = imports.plan_tally_import(venues, data, replace=replace)
    meta = {"hub": hub.pk, "replace": replace}
    token = pack_upload(data, meta, salt=IMPORT_SALT) if plan.can_apply else ""
    return _import_page(request, form, venues=venues, plan=plan, token=token)


@require_POST
@staff_view(IMPORT_TALLIES)
def tally_import_confirm(request):
    """Step 2: import exactly the previewed file, in one transaction."""
    hub = current_hub(request)
    try:
        meta, data = previewed_upload(
            request.POST.get("token", ""), salt=IMPORT_SALT, hub_id=hub.pk
        )
    except PreviewRefused as refused:
        messages.error(request, refused.message)
        return redirect("visits:tally-import")
    venues = imports.venues_for(request.user, hub, IMPORT_TALLIES)
    try:
        plan = imports.apply_tally_import(
            hub, venues, data, actor=request.user, replace=bool(meta.get("replace"))
        )
    except imports.ImportRefused as refused:
        return _import_page(request, TallyImportForm(), venues=venues, refused=refused.errors)
    messages.success(
        request,
        _(
            "Imported {created} days, replaced {replaced}; {unchanged} were already imported."
        ).format(created=len(plan.new), replaced=len(plan.replaced), unchanged=len(plan.unchanged)),
    )
    return redirect_after_post(request, reverse("visits:tally-import"))
