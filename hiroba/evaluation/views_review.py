"""The joint review of a sheet: sending it to the ward, comments beside the part they concern,
the two approvals, publication, corrections of a published sheet, and what changed between
revisions."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.accounts.scope import scope_for
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.evaluation import forms, queries, services
from hiroba.evaluation.choices import Side
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.permissions import (
    APPROVE_FOR_OPERATOR,
    COMMENT,
    EDIT_SHEETS,
    REVIEW_FOR_WARD,
    VIEW_SHEETS,
)
from hiroba.evaluation.views import revision_of, sheet_url


def _step(request, sheet_id, permission, step, done_message: str):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, permission)
    try:
        result = step(sheet, actor=request.user, expected_revision=revision_of(request))
    except EvaluationError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, sheet_url(sheet) + "#review")
    messages.success(request, done_message)
    return redirect_after_post(request, sheet_url(result) + "#review")


@require_POST
@staff_view(EDIT_SHEETS, check=CHECK_OBJECT)
def sheet_submit(request, sheet_id: int):
    return _step(
        request,
        sheet_id,
        EDIT_SHEETS,
        services.submit_for_review,
        _("The sheet was sent to the ward for review."),
    )


@require_POST
@staff_view(APPROVE_FOR_OPERATOR, check=CHECK_OBJECT)
def approve_operator(request, sheet_id: int):
    def step(sheet, **kwargs):
        return services.approve(sheet, Side.OPERATOR, **kwargs)

    return _step(request, sheet_id, APPROVE_FOR_OPERATOR, step, _("Approved for the operator."))


@require_POST
@staff_view(REVIEW_FOR_WARD, check=CHECK_OBJECT)
def approve_ward(request, sheet_id: int):
    def step(sheet, **kwargs):
        return services.approve(sheet, Side.WARD, **kwargs)

    return _step(request, sheet_id, REVIEW_FOR_WARD, step, _("Approved for the ward."))


@require_POST
@staff_view(APPROVE_FOR_OPERATOR, check=CHECK_OBJECT)
def sheet_publish(request, sheet_id: int):
    return _step(
        request,
        sheet_id,
        APPROVE_FOR_OPERATOR,
        services.publish,
        _("The sheet was published. Its text and figures are now frozen."),
    )


@require_POST
@staff_view(APPROVE_FOR_OPERATOR, check=CHECK_OBJECT)
def sheet_correct(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, APPROVE_FOR_OPERATOR)
    try:
        correction = services.start_correction(sheet, actor=request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, sheet_url(sheet))
    messages.success(
        request,
        _(
            "Version {version} was started. The published version stays public until this one "
            "is published."
        ).format(version=correction.version),
    )
    return redirect_after_post(request, sheet_url(correction))


# -- comments ---------------------------------------------------------------------------------
@require_POST
@staff_view(COMMENT, check=CHECK_OBJECT)
def comment_add(request, sheet_id: int):
    sheet = queries.get_sheet_for_user(request.user, sheet_id, COMMENT)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect_after_post(request, sheet_url(sheet) + "#review")
    goal = (
        sheet.goals.filter(pk=form.cleaned_data["goal"]).first()
        if form.cleaned_data["goal"]
        else None
    )
    ward = scope_for(request.user).can(REVIEW_FOR_WARD, hub_id=sheet.hub_id)
    try:
        services.add_comment(
            sheet,
            goal=goal,
            section=form.cleaned_data["section"],
            body=form.cleaned_data["body"],
            side=Side.WARD if ward else Side.OPERATOR,
            actor=request.user,
        )
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The comment was added."))
    anchor = f"#goal-{goal.pk}" if goal else "#header"
    return redirect_after_post(request, sheet_url(sheet) + anchor)


@require_POST
@staff_view(COMMENT, check=CHECK_OBJECT)
def comment_resolve(request, comment_id: int):
    comment = queries.get_comment_for_user(request.user, comment_id, COMMENT)
    try:
        services.resolve_comment(comment, actor=request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
    anchor = f"#goal-{comment.goal_id}" if comment.goal_id else "#header"
    return redirect_after_post(request, sheet_url(comment.sheet) + anchor)


# -- revisions --------------------------------------------------------------------------------
def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The lines of ``after`` against ``before``: ("same" | "added" | "removed", text)."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[0] in kinds
    ]


@staff_view(VIEW_SHEETS, check=CHECK_OBJECT)
def revisions(request, sheet_id: int):
    """Every saved revision; the chosen one (the latest by default) compared with the one
    before it, or with any earlier one chosen as ``against``."""
    sheet = queries.get_sheet_for_user(request.user, sheet_id, VIEW_SHEETS)
    rows = list(sheet.revisions.select_related("created_by"))
    chosen = _pick(rows, request.GET.get("r")) or (rows[0] if rows else None)
    earlier = [r for r in rows if chosen and r.number < chosen.number]
    against = _pick(earlier, request.GET.get("against")) or (earlier[0] if earlier else None)
    diff = diff_lines(against.text if against else "", chosen.text) if chosen else []
    return render(
        request,
        "evaluation/revisions.html",
        {
            "sheet": sheet,
            "revisions": rows,
            "chosen": chosen,
            "against": against,
            "earlier": earlier,
            "diff": diff,
            "changed": sum(1 for kind, _line in diff if kind != "same"),
        },
    )


def _pick(rows, raw):
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return next((r for r in rows if r.number == number), None)
