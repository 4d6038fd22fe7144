"""Attendance at the door, on a tablet: today's sessions, one row per confirmed family with
three big buttons, and the count of people who came without signing up.

A tap posts one mark (htmx swaps just that row; without JavaScript the page reloads). Tapping
another button changes the mark. A family that did not come is only recorded as such: no
penalty follows from it, and the wording on the page says so.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core.htmx import is_partial, redirect_after_post
from hiroba.programs import queries, services, staff_queries
from hiroba.programs.choices import AttendanceStatus
from hiroba.programs.errors import ProgramError
from hiroba.programs.forms import AttendanceForm, WalkInForm
from hiroba.programs.permissions import TAKE_ATTENDANCE


def _sheet_url(session) -> str:
    return reverse("programs:attendance", kwargs={"session_id": session.pk})


@staff_view(TAKE_ATTENDANCE)
def attendance_today(request):
    """Where the tablet starts: the current hub's sessions today."""
    hub = current_hub(request)
    today = timezone.localdate()
    return render(
        request,
        "programs/attendance_today.html",
        {"hub": hub, "today": today, "sessions": staff_queries.sessions_on(hub, today)},
    )


def _sheet(request, session, walk_in_form=None):
    return render(
        request,
        "programs/attendance.html",
        {
            "session": session,
            "program": session.program,
            "rows": staff_queries.attendance_sheet(session),
            "statuses": AttendanceStatus.choices,
            "summary": _summary(session),
            "walk_in_form": walk_in_form
            or WalkInForm(
                initial={
                    "families": session.walk_in_families,
                    "people": session.walk_in_people,
                }
            ),
        },
    )


def _summary(session) -> list:
    """(label, count) per mark, then the families not marked yet."""
    counts = staff_queries.attendance_counts(session)
    rows = [(label, counts.counts[status]) for status, label in AttendanceStatus.choices]
    return [*rows, (_("Not marked yet"), counts.unmarked)]


@staff_view(TAKE_ATTENDANCE, check=CHECK_OBJECT)
def attendance(request, session_id: int):
    """GET: the sheet. POST (entry, status): mark one family; htmx gets the row back."""
    session = queries.get_session_for_user(request.user, session_id, TAKE_ATTENDANCE)
    if request.method != "POST":
        return _sheet(request, session)
    form = AttendanceForm(request.POST)
    entry = staff_queries.confirmed_entry(session, request.POST.get("entry"))
    if not form.is_valid() or entry is None:
        messages.error(
            request, _("That mark could not be saved. The page was reloaded: please tap again.")
        )
        return redirect_after_post(request, _sheet_url(session))
    try:
        services.record_attendance(session, entry, form.cleaned_data["status"], actor=request.user)
    except ProgramError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, _sheet_url(session))
    if is_partial(request):
        row, mark = staff_queries.attendance_row(session, entry)
        return render(
            request,
            "programs/partials/_attendance_row.html",
            {
                "session": session,
                "row": row,
                "mark": mark,
                "statuses": AttendanceStatus.choices,
                "summary": _summary(session),
                "saved": True,
            },
        )
    return redirect_after_post(request, _sheet_url(session) + f"#entry-{entry.pk}")


@require_POST
@staff_view(TAKE_ATTENDANCE, check=CHECK_OBJECT)
def walk_ins(request, session_id: int):
    """The number of families and people who came without signing up (replaces the count)."""
    session = queries.get_session_for_user(request.user, session_id, TAKE_ATTENDANCE)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        return _sheet(request, session, walk_in_form=form)
    try:
        services.record_walk_ins(
            session,
            form.cleaned_data["families"],
            form.cleaned_data["people"],
            actor=request.user,
        )
    except ProgramError as error:
        form.add_error(None, error.message)
        return _sheet(request, session, walk_in_form=form)
    messages.success(request, _("The count of people without sign-up was saved."))
    return redirect_after_post(request, _sheet_url(session))
