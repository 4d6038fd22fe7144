"""Staff pages of the annual evaluation: the hub's sheets by year, one sheet as it will print
with the review around it, and the operator's editing (header, goals, targets). The review's
steps (send, comment, approve, publish, correct, revisions) are in ``views_review.py``; the
action log, the import and the downloads in ``views_work.py``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.accounts.scope import scope_for
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.evaluation import document, forms, indicators, queries, services, term
from hiroba.evaluation.choices import GoalPart, SheetStatus
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.permissions import (
    APPROVE_FOR_OPERATOR,
    COMMENT,
    EDIT_SHEETS,
    LOG_ACTIONS,
    REVIEW_FOR_WARD,
    VIEW_SHEETS,
)
from hiroba.lib.fiscal import fiscal_year_of


def sheet_url(sheet) -> str:
    return reverse("evaluation:sheet-detail", kwargs={"sheet_id": sheet.pk})


def revision_of(request) -> int:
    """The revision the page was shown at; a form without one is treated as out of date."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        raise EvaluationError("stale") from None


# -- the hub's sheets -------------------------------------------------------------------------
@staff_view(VIEW_SHEETS)
def sheet_list(request):
    hub = current_hub(request)
    scope = scope_for(request.user)
    sheets = list(queries.sheets_of(hub))
    this_year = fiscal_year_of(timezone.localdate())
    taken = {s.fiscal_year for s in sheets}
    return render(
        request,
        "evaluation/sheet_list.html",
        {
            "hub": hub,
            "sheets": sheets,
            "may_edit": scope.can(EDIT_SHEETS, hub_id=hub.pk) and not hub.is_satellite,
            "may_import": scope.can(APPROVE_FOR_OPERATOR, hub_id=hub.pk) and not hub.is_satellite,
            "create_form": forms.SheetCreateForm(
                initial={"fiscal_year": this_year if this_year not in taken else this_year + 1}
            ),
            "public_url": reverse("evaluation-public:hub", kwargs={"hub_id": hub.pk}),
        },
    )


@require_POST
@staff_view(EDIT_SHEETS)
def sheet_create(request):
    hub = current_hub(request)
    form = forms.SheetCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect_after_post(request, reverse("evaluation:sheet-list"))
    try:
        sheet = services.create_sheet(hub, form.cleaned_data["fiscal_year"], actor=request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, reverse("evaluation:sheet-list"))
    messages.success(
        request, _("The sheet was started. Last year's next-year goals are its key goals.")
    )
    return redirect_after_post(request, sheet_url(sheet))


# -- one sheet --------------------------------------------------------------------------------
@staff_view(VIEW_SHEETS, check=CHECK_OBJECT)
def sheet_detail(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, VIEW_SHEETS)
    scope = scope_for(request.user)
    hub_id = sheet.hub_id
    data = document.sheet_document(sheet)
    editable = not sheet.is_frozen
    return render(
        request,
        "evaluation/sheet_detail.html",
        {
            "sheet": sheet,
            "doc": data,
            "figures": list(data.get("figures", {}).values()),
            "comments": queries.comments_by_place(sheet),
            "may_edit": editable and scope.can(EDIT_SHEETS, hub_id=hub_id),
            "may_comment": editable and scope.can(COMMENT, hub_id=hub_id),
            "may_approve_operator": scope.can(APPROVE_FOR_OPERATOR, hub_id=hub_id),
            "may_review": scope.can(REVIEW_FOR_WARD, hub_id=hub_id),
            "may_log": scope.can(LOG_ACTIONS, hub_id=hub_id),
            "may_correct": sheet.status == SheetStatus.PUBLISHED
            and scope.can(APPROVE_FOR_OPERATOR, hub_id=hub_id),
            "comment_form": forms.CommentForm(),
            "statuses": SheetStatus,
        },
    )


@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def header_edit(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, EDIT_SHEETS)
    if request.method == "POST":
        form = forms.HeaderForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.HEADER_FIELDS}
            try:
                services.update_header(
                    sheet,
                    values,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except EvaluationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The header was saved."))
                return redirect_after_post(request, sheet_url(sheet))
    else:
        initial = {name: getattr(sheet, name) for name in services.HEADER_FIELDS}
        form = forms.HeaderForm(initial={**initial, "revision": sheet.revision})
    return render(
        request,
        "evaluation/header_form.html",
        {"sheet": sheet, "form": form, "frozen": sheet.is_frozen},
    )


def _goal_page(request, sheet, goal, part):
    """The goal form: its title and, per theme, the three sections (next year's goals have
    their actions only). One theme in the simple layout; up to six in the themed one."""
    themed = sheet.is_themed
    if request.method == "POST":
        form = forms.GoalForm(request.POST)
        themes = forms.ThemeFormSet(request.POST, prefix="theme")
        if form.is_valid() and themes.is_valid():
            content = services.GoalContent(
                title=form.cleaned_data["title"],
                themes=[services.ThemeContent(**t) for t in themes.cleaned_data if t],
            )
            try:
                services.save_goal(
                    sheet,
                    content,
                    part=part,
                    goal=goal,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except EvaluationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The key goal was saved."))
                return redirect_after_post(request, sheet_url(sheet) + "#goals")
    else:
        rows = [
            {"title": t.title, "actions": t.actions, "results": t.results, "issues": t.issues}
            for t in (goal.themes.all() if goal else [])
        ]
        if (themed and len(rows) < forms.MAX_THEMES) or not rows:
            rows.append({})
        form = forms.GoalForm(
            initial={"title": goal.title if goal else "", "revision": sheet.revision}
        )
        themes = forms.ThemeFormSet(initial=rows, prefix="theme")
    return render(
        request,
        "evaluation/goal_form.html",
        {
            "sheet": sheet,
            "goal": goal,
            "part": part,
            "is_next": part == GoalPart.NEXT,
            "form": form,
            "themes": themes,
            "themed": themed,
            "frozen": sheet.is_frozen,
            "indicators": indicators.all_indicators(),
            "logged": queries.logged_actions(sheet).get(goal.pk, []) if goal else [],
        },
    )


@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def goal_create(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, EDIT_SHEETS)
    part = GoalPart.NEXT if request.GET.get("part") == GoalPart.NEXT else GoalPart.CURRENT
    return _goal_page(request, sheet, None, part)


@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def goal_edit(request, goal_id: int):
    goal = queries.get_goal_for_user(request.user, goal_id, EDIT_SHEETS)
    return _goal_page(request, goal.sheet, goal, goal.part)


@require_POST
@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def goal_delete(request, goal_id: int):
    goal = queries.get_goal_for_user(request.user, goal_id, EDIT_SHEETS)
    try:
        services.delete_goal(goal, actor=request.user, expected_revision=revision_of(request))
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The key goal was deleted."))
    return redirect_after_post(request, sheet_url(goal.sheet) + "#goals")


@require_POST
@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def goal_move(request, goal_id: int):
    goal = queries.get_goal_for_user(request.user, goal_id, EDIT_SHEETS)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_goal(goal, offset, actor=request.user, expected_revision=revision_of(request))
    except EvaluationError as error:
        messages.error(request, error.message)
    return redirect_after_post(request, sheet_url(goal.sheet) + f"#goal-{goal.pk}")


@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def targets_edit(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, EDIT_SHEETS)
    if request.method == "POST":
        form = forms.TargetsForm(request.POST)
        if form.is_valid():
            try:
                services.set_targets(
                    sheet,
                    form.cleaned_data["targets"],
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                )
            except EvaluationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The targets were saved."))
                return redirect_after_post(request, sheet_url(sheet) + "#figures")
    else:
        current = {t.code: t.target for t in sheet.targets.all()}
        initial = {"revision": sheet.revision}
        for code, target in current.items():
            initial[forms.TargetsForm.field_name(code)] = f"{target.normalize():f}"
        form = forms.TargetsForm(initial=initial)
    values = indicators.values_for(sheet.hub, sheet.fiscal_year)
    previous = indicators.values_for(sheet.hub, sheet.fiscal_year - 1)
    rows = [
        {
            "indicator": indicator,
            "field": form[forms.TargetsForm.field_name(indicator.code)],
            "value": indicators.format_value(indicator, values.get(indicator.code)),
            "previous": indicators.format_value(indicator, previous.get(indicator.code)),
        }
        for indicator in indicators.all_indicators()
    ]
    return render(
        request,
        "evaluation/targets_form.html",
        {"sheet": sheet, "form": form, "rows": rows, "frozen": sheet.is_frozen},
    )


@staff_view(VIEW_SHEETS)
def term_review(request):
    """The 5-year term review of the current hub: goals per year and the indicator trend."""
    hub = current_hub(request)
    starts = list(
        range(
            hub.contract_start_fiscal_year,
            hub.contract_start_fiscal_year - 15,
            -hub.contract_term_years,
        )
    )
    try:
        start = int(request.GET.get("start", ""))
    except ValueError:
        start = hub.contract_start_fiscal_year
    if start not in starts:
        start = hub.contract_start_fiscal_year
    years = term.term_years(hub, start)
    rows, trend = term.term_review(hub, years, today=timezone.localdate())
    return render(
        request,
        "evaluation/term_review.html",
        {"hub": hub, "years": rows, "trend": trend, "start": start, "starts": starts},
    )
