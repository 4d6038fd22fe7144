"""Staff pages for programs: the list, planning (program and its sessions), publishing and
calling a program off.

The roster, phone entries and the lottery are in ``views_entries.py``, attendance in
``views_attendance.py``. Views stay thin: scoped queries to read, services to write, a
``ProgramError`` from a service becomes a message next to the field it concerns.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, can, staff_view
from hiroba.core.htmx import redirect_after_post
from hiroba.programs import queries, services, staff_queries
from hiroba.programs.choices import ProgramStatus, SignupMode
from hiroba.programs.errors import ProgramError
from hiroba.programs.forms import ProgramForm, SessionForm, program_initial
from hiroba.programs.permissions import MANAGE_PROGRAMS, VIEW_PROGRAMS

PAGE_SIZE = 30
FIELD_OF_ERROR = {"capacity_below_taken": "capacity_families", "session_outside_hub": "venue"}


def program_url(program, name: str = "program-detail") -> str:
    return reverse(f"programs:{name}", kwargs={"program_id": program.pk})


# -- the list ------------------------------------------------------------------------------------
@staff_view(VIEW_PROGRAMS)
def program_list(request):
    """The current hub's programs, upcoming or past, with seats and waiting lists."""
    hub = current_hub(request)
    tab = request.GET.get("tab")
    tab = tab if tab in staff_queries.TABS else staff_queries.UPCOMING
    page = Paginator(staff_queries.program_list(hub, tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/program_list.html",
        {
            "hub": hub,
            "tab": tab,
            "page": page,
            "query": f"tab={tab}",
            "can_manage": can(request, MANAGE_PROGRAMS),
        },
    )


# -- planning ------------------------------------------------------------------------------------
def _service_error(form, error: ProgramError | ValidationError) -> None:
    if isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(FIELD_OF_ERROR.get(error.code), error.message)


CREATE_INITIAL = {
    "signup_mode": SignupMode.FIRST_COME,
    "language": "ja",
    "counts_as_lecture": True,
    "requires_child": True,
    "has_waitlist": True,
}


@staff_view(MANAGE_PROGRAMS)
def program_create(request):
    """A new program in draft at the current hub; next, its dates."""
    hub = current_hub(request)
    venues = staff_queries.hub_venues(hub)
    form = ProgramForm(request.POST or None, venues=venues, initial=CREATE_INITIAL)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(hub, form.values(), actor=request.user)
        except (ProgramError, ValidationError) as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The program was saved as a draft. Now add its dates."))
            return redirect_after_post(request, program_url(program, "program-sessions"))
    return render(
        request, "programs/program_form.html", {"hub": hub, "form": form, "venues": venues}
    )


def _edit_problems(program, form) -> None:
    """Rules that depend on what already happened to the program."""
    mode = form.cleaned_data.get("signup_mode")
    if mode != program.signup_mode and staff_queries.has_entries(program):
        form.add_error(
            "signup_mode",
            _("Families have already applied: the way of signing up cannot change now."),
        )


@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def program_edit(request, program_id: int):
    program = queries.get_program_for_user(request.user, program_id, MANAGE_PROGRAMS)
    if program.status == ProgramStatus.CANCELLED:
        messages.error(request, _("This program was cancelled and can no longer be changed."))
        return redirect(program_url(program))
    venues = staff_queries.hub_venues(program.hub, keep=program.venue)
    form = ProgramForm(
        request.POST or None,
        venues=venues,
        initial=program_initial(program),
        translations=program.translations,
    )
    if request.method == "POST" and form.is_valid():
        _edit_problems(program, form)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_program(program, form.values(), actor=request.user)
        except (ProgramError, ValidationError) as error:
            _service_error(form, error)
        else:
            messages.success(request, _("The program was saved."))
            return redirect_after_post(request, program_url(program))
    return render(
        request,
        "programs/program_form.html",
        {"hub": program.hub, "program": program, "form": form, "venues": venues},
    )


@require_POST
@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def program_publish(request, program_id: int):
    """Draft → published: families see it on the portal and may apply when sign-up opens."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_PROGRAMS)
    if program.status != ProgramStatus.DRAFT:
        messages.info(request, _("This program is not a draft."))
    elif program.first_starts_at is None:
        messages.error(request, _("Add at least one date before publishing."))
    else:
        services.publish_program(program, actor=request.user)
        messages.success(request, _("The program is published."))
    return redirect_after_post(request, program_url(program))


@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def program_cancel(request, program_id: int):
    """Call a program off after a confirmation page; every family signed up is told."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_PROGRAMS)
    if program.status == ProgramStatus.CANCELLED:
        messages.info(request, _("This program is already cancelled."))
        return redirect(program_url(program))
    roster = staff_queries.roster(program)
    if request.method == "POST":
        services.cancel_program(program, actor=request.user)
        messages.success(
            request,
            _("The program was cancelled. {count} families were told.").format(
                count=roster.active_count
            ),
        )
        return redirect_after_post(request, program_url(program))
    return render(request, "programs/program_cancel.html", {"program": program, "roster": roster})


# -- sessions ------------------------------------------------------------------------------------
@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def program_sessions(request, program_id: int):
    """The program's dates (a series has several) and a form to add one."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_PROGRAMS)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.span()
        try:
            services.add_session(
                program, starts_at, ends_at, actor=request.user, note=form.cleaned_data["note"]
            )
        except ProgramError as error:
            form.add_error("ends", error.message)
        else:
            messages.success(request, _("The date was added."))
            return redirect_after_post(request, program_url(program, "program-sessions"))
    return render(
        request,
        "programs/program_sessions.html",
        {
            "program": program,
            "sessions": staff_queries.sessions_of(program),
            "form": form,
            "has_entries": staff_queries.has_entries(program),
        },
    )


@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def session_edit(request, session_id: int):
    session = queries.get_session_for_user(request.user, session_id, MANAGE_PROGRAMS)
    program = session.program
    form = SessionForm(request.POST or None, initial=SessionForm.initial_for(session))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.span()
        try:
            services.update_session(
                session, starts_at, ends_at, actor=request.user, note=form.cleaned_data["note"]
            )
        except ProgramError as error:
            form.add_error("ends", error.message)
        else:
            messages.success(request, _("The date was changed."))
            return redirect_after_post(request, program_url(program, "program-sessions"))
    return render(
        request,
        "programs/session_form.html",
        {
            "program": program,
            "session": session,
            "form": form,
            "has_entries": staff_queries.has_entries(program),
        },
    )


@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def session_remove(request, session_id: int):
    """Remove a date after a confirmation page. A published program keeps at least one date:
    to call it off, cancel the program (families are told)."""
    session = queries.get_session_for_user(request.user, session_id, MANAGE_PROGRAMS)
    program = session.program
    if request.method == "POST":
        try:  # the service checks "at least one date" again under the program's lock
            services.remove_session(session, actor=request.user)
        except ProgramError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The date was removed."))
        return redirect_after_post(request, program_url(program, "program-sessions"))
    return render(
        request,
        "programs/session_remove.html",
        {
            "program": program,
            "session": session,
            "last": queries.is_last_date(program),
            "has_entries": staff_queries.has_entries(program),
        },
    )
