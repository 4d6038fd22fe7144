"""Import of family cards: upload and preview (nothing written), then confirm (all at once)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.core.htmx import redirect_after_post
from hiroba.core.spreadsheets import (
    PreviewRefused,
    SpreadsheetUploadField,
    pack_upload,
    previewed_upload,
)
from hiroba.families import imports
from hiroba.families.permissions import IMPORT_FAMILIES
from hiroba.families.services import registry_hub

IMPORT_SALT = "hiroba.families.import"


class FamilyImportForm(forms.Form):
    file = SpreadsheetUploadField(
        label=gettext_lazy("File (CSV or Excel)"),
        help_text=gettext_lazy(
            "One row per child; rows with the same カード番号 are one family. UTF-8 or "
            "Shift_JIS CSV, or .xlsx."
        ),
    )


def _columns() -> list[tuple[str, str, bool]]:
    """(Japanese header, English alias, required) for the format help."""
    return [
        (
            spellings[0],
            next((s for s in spellings if s.isascii()), ""),
            name in imports.REQUIRED_COLUMNS,
        )
        for name, spellings in imports.FAMILY_COLUMNS.items()
    ]


def _render(request, hub, form, **context):
    context = {"form": form, "hub": hub, "columns": _columns(), **context}
    return render(request, "families/import.html", context)


@staff_view(IMPORT_FAMILIES)
def family_import(request):
    """Step 1: upload and check. Nothing is written until the preview is confirmed."""
    hub = registry_hub(current_hub(request))
    form = FamilyImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render(request, hub, form)
    data = form.cleaned_data["file"].read()
    plan = imports.plan_family_import(hub, data)
    token = pack_upload(data, {"hub": hub.pk}, salt=IMPORT_SALT) if plan.can_apply else ""
    return _render(request, hub, form, plan=plan, token=token)


@require_POST
@staff_view(IMPORT_FAMILIES)
def family_import_confirm(request):
    """Step 2: import exactly the previewed file, in one transaction."""
    hub = registry_hub(current_hub(request))
    try:
        meta, data = previewed_upload(
            request.POST.get("token", ""), salt=IMPORT_SALT, hub_id=hub.pk
        )
    except PreviewRefused as refused:
        messages.error(request, refused.message)
        return redirect("families:family-import")
    try:
        plan = imports.apply_family_import(hub, data, actor=request.user)
    except imports.ImportRefused as refused:
        return _render(request, hub, FamilyImportForm(), refused=refused.errors)
    messages.success(
        request,
        _(
            "Imported {created} family cards ({members} people). {skipped} were already imported."
        ).format(created=len(plan.new), members=plan.members, skipped=len(plan.existing)),
    )
    return redirect_after_post(request, reverse("families:household-list"))
