"""The evaluation's other staff pages: the year's action log against the key goals, importing a
past sheet from its published text, and the sheet as PDF and as an editable workbook."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import audit
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.core.tables import attachment_disposition, file_name_part
from hiroba.evaluation import (
    action_services,
    document,
    forms,
    import_services,
    pdf,
    queries,
    xlsx,
)
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.permissions import APPROVE_FOR_OPERATOR, LOG_ACTIONS, VIEW_SHEETS
from hiroba.evaluation.textimport import parse_sheet_text
from hiroba.evaluation.views import sheet_url
from hiroba.lib.wareki import format_fiscal_year


# -- the action log ---------------------------------------------------------------------------
def _actions_url(sheet) -> str:
    return reverse("evaluation:actions", kwargs={"sheet_id": sheet.pk})


@staff_view(LOG_ACTIONS, check=CHECK_OBJECT)
def actions(request, sheet_id: int):
    """What was done towards each of the year's key goals, and a form to log more."""
    sheet = queries.get_sheet_for_user(request.user, sheet_id, LOG_ACTIONS)
    logged = queries.logged_actions(sheet)
    programs = queries.programs_in_year(sheet)
    goals = [
        {
            "goal": goal,
            "actions": logged.get(goal.pk, []),
            "form": forms.LoggedActionForm(
                programs=programs,
                prefix=f"g{goal.pk}",
                initial={"done_on": timezone.localdate()},
            ),
        }
        for goal in queries.current_goals(sheet)
    ]
    return render(request, "evaluation/actions.html", {"sheet": sheet, "goals": goals})


@require_POST
@staff_view(LOG_ACTIONS, check=CHECK_OBJECT)
def action_add(request, goal_id: int):
    goal = queries.get_goal_for_user(request.user, goal_id, LOG_ACTIONS)
    sheet = goal.sheet
    form = forms.LoggedActionForm(
        request.POST, programs=queries.programs_in_year(sheet), prefix=f"g{goal.pk}"
    )
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect_after_post(request, _actions_url(sheet) + f"#goal-{goal.pk}")
    try:
        action_services.log_action(
            goal,
            done_on=form.cleaned_data["done_on"],
            text=form.cleaned_data["text"],
            program=form.cleaned_data["program"],
            actor=request.user,
        )
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action was logged."))
    return redirect_after_post(request, _actions_url(sheet) + f"#goal-{goal.pk}")


@require_POST
@staff_view(LOG_ACTIONS, check=CHECK_OBJECT)
def action_delete(request, evaluation_action_id: int):
    action = queries.get_logged_action_for_user(request.user, evaluation_action_id, LOG_ACTIONS)
    sheet = action.goal.sheet
    try:
        action_services.delete_logged_action(action, actor=request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The logged action was deleted."))
    return redirect_after_post(request, _actions_url(sheet) + f"#goal-{action.goal_id}")


# -- importing a past sheet -------------------------------------------------------------------
@staff_view(APPROVE_FOR_OPERATOR)
def sheet_import(request):
    """Paste the text of a published sheet, check how it was read, then save it."""
    hub = current_hub(request)
    parsed = None
    form = forms.ImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parsed = parse_sheet_text(form.cleaned_data["text"])
        if parsed.ward_name and parsed.ward_name != hub.ward.name:
            parsed.warnings.insert(
                0,
                _(
                    "The text is of {ward}, not {hub_ward}. Check that it is this hub's sheet."
                ).format(ward=parsed.ward_name, hub_ward=hub.ward.name),
            )
        fiscal_year = form.cleaned_data["fiscal_year"] or parsed.fiscal_year
        if fiscal_year is None:
            form.add_error("fiscal_year", _("Enter the fiscal year the sheet evaluates."))
        elif request.POST.get("confirm") == "1":
            try:
                sheet = import_services.import_sheet(
                    hub, parsed, fiscal_year=fiscal_year, actor=request.user
                )
            except EvaluationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("The sheet for {year} was saved as published.").format(
                        year=format_fiscal_year(fiscal_year)
                    ),
                )
                return redirect_after_post(request, sheet_url(sheet))
        if fiscal_year and not form.cleaned_data["fiscal_year"]:
            form.data = {**form.data.dict(), "fiscal_year": str(fiscal_year)}
    return render(
        request,
        "evaluation/import.html",
        {"hub": hub, "form": form, "parsed": parsed},
    )


# -- downloads --------------------------------------------------------------------------------
def _file_name(sheet, extension: str) -> tuple[str, str]:
    year = format_fiscal_year(sheet.fiscal_year)
    name = file_name_part(f"{sheet.hub.name}_{year}_単年度事業評価_v{sheet.version}")
    return f"{name}.{extension}", f"evaluation-{sheet.fiscal_year}-v{sheet.version}.{extension}"


def sheet_file_response(sheet, kind: str) -> HttpResponse:
    data = document.sheet_document(sheet)
    if kind == "pdf":
        body, content_type = pdf.sheet_pdf(data), "application/pdf"
    else:
        body = xlsx.sheet_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(*_file_name(sheet, kind))
    return response


def _download(request, sheet_id: int, kind: str) -> HttpResponse:
    sheet = queries.get_sheet_for_user(request.user, sheet_id, VIEW_SHEETS)
    response = sheet_file_response(sheet, kind)
    response["Cache-Control"] = "no-store"
    audit.record(
        "evaluation.sheet.exported",
        actor=request.user,
        obj=sheet,
        payload={"format": kind, "status": sheet.status},
    )
    return response


@staff_view(VIEW_SHEETS, check=CHECK_OBJECT)
def sheet_pdf(request, sheet_id: int):
    return _download(request, sheet_id, "pdf")


@staff_view(VIEW_SHEETS, check=CHECK_OBJECT)
def sheet_xlsx(request, sheet_id: int):
    return _download(request, sheet_id, "xlsx")
