"""Import (upload and preview, then confirm) and export of the directory."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.core import audit
from hiroba.core.htmx import redirect_after_post
from hiroba.core.spreadsheets import (
    PreviewRefused,
    SpreadsheetUploadField,
    pack_upload,
    previewed_upload,
)
from hiroba.core.tables import CONTENT_TYPES, attachment_disposition
from hiroba.directory import exports, imports, queries
from hiroba.directory.categories import categories_for
from hiroba.directory.permissions import IMPORT_RESOURCES
from hiroba.families.services import registry_hub

IMPORT_SALT = "hiroba.directory.import"


class ResourceImportForm(forms.Form):
    file = SpreadsheetUploadField(
        label=gettext_lazy("File (CSV or Excel)"),
        help_text=gettext_lazy(
            "The city's 子育て施設一覧 open data file, or your own list with a 名称 column. "
            "UTF-8 or Shift_JIS CSV, or .xlsx."
        ),
    )


def _columns() -> list[tuple[str, str, bool]]:
    return [
        (spellings[0], ", ".join(spellings[1:4]), name in imports.REQUIRED)
        for name, spellings in imports.COLUMNS.items()
    ]


def _render(request, hub, form, **context):
    context = {"form": form, "hub": hub, "columns": _columns(), **context}
    return render(request, "directory/import.html", context)


@staff_view(IMPORT_RESOURCES)
def resource_import(request):
    """Step 1: upload and check. Nothing is written until the preview is confirmed."""
    hub = registry_hub(current_hub(request))
    form = ResourceImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _render(request, hub, form)
    data = form.cleaned_data["file"].read()
    plan = imports.plan_resource_import(hub, data)
    token = pack_upload(data, {"hub": hub.pk}, salt=IMPORT_SALT) if plan.can_apply else ""
    return _render(request, hub, form, plan=plan, token=token)


@require_POST
@staff_view(IMPORT_RESOURCES)
def resource_import_confirm(request):
    """Step 2: import exactly the previewed file, in one transaction."""
    hub = registry_hub(current_hub(request))
    try:
        meta, data = previewed_upload(
            request.POST.get("token", ""), salt=IMPORT_SALT, hub_id=hub.pk
        )
    except PreviewRefused as refused:
        messages.error(request, refused.message)
        return redirect("directory:resource-import")
    try:
        plan = imports.apply_resource_import(hub, data, actor=request.user)
    except imports.ImportRefused as refused:
        return _render(request, hub, ResourceImportForm(), refused=refused.errors)
    messages.success(
        request,
        _("Imported the file: {new} new entries, {updated} updated.").format(
            new=len(plan.new), updated=len(plan.updated)
        ),
    )
    return redirect_after_post(request, reverse("directory:resource-list"))


@staff_view(IMPORT_RESOURCES)
def resource_export(request):
    """Every entry of the hub's directory (hidden ones too) in the open-data columns."""
    hub = registry_hub(current_hub(request))
    rows = queries.staff_resources(hub, queries.StaffFilters(), today=timezone.localdate())
    rows = rows.select_related("hub__ward__municipality")
    data = exports.open_data_csv(rows, categories_for(hub.ward.municipality))
    audit.record("directory.resource.exported", actor=request.user, hub=hub)
    response = HttpResponse(data, content_type=CONTENT_TYPES["csv"])
    today = timezone.localdate().isoformat()
    response["Content-Disposition"] = attachment_disposition(
        f"子育て施設一覧_{hub.name}_{today}.csv", f"resources-{today}.csv"
    )
    return response
