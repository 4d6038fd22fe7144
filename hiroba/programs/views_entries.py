"""Staff pages about who signed up: the roster of a program, entering a family who phoned or
came to the counter, cancelling an entry for a family, and the lottery (draw and record).

A phone entry is the same ``services.apply`` a parent's web sign-up uses, with the staff
member as actor and the channel recorded, so the same seats, waiting list and messages apply;
staff may still enter a family after the closing time (a late phone call), never before
sign-up opens.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.permissions import CHECK_OBJECT, can, staff_view
from hiroba.core import audit
from hiroba.core.htmx import redirect_after_post, template_for
from hiroba.core.idempotency import idempotent
from hiroba.families import queries as family_queries
from hiroba.families.choices import ContactChannel
from hiroba.programs import eligibility, queries, services, staff_queries
from hiroba.programs.choices import EntryStatus, ProgramStatus
from hiroba.programs.errors import ProgramError
from hiroba.programs.forms import PhoneEntryForm
from hiroba.programs.permissions import (
    MANAGE_ENTRIES,
    MANAGE_PROGRAMS,
    TAKE_ATTENDANCE,
    VIEW_PROGRAMS,
)
from hiroba.programs.views import program_url

MAX_QUERY_LENGTH = 100


def _user_scope(request) -> str:
    return f"user:{request.user.pk}"


# -- the roster ----------------------------------------------------------------------------------
def _lottery_state(program, now) -> str:
    """What the lottery box says: "" (no lottery), "open", "due" (staff may draw), "drawn"."""
    if not program.is_lottery:
        return ""
    if program.drawn_at is not None:
        return "drawn"
    if program.status == ProgramStatus.PUBLISHED and (
        program.closes_at is None or now >= program.closes_at
    ):
        return "due"
    return "open"


@staff_view(VIEW_PROGRAMS, check=CHECK_OBJECT)
def program_detail(request, program_id: int):
    """The program at a glance, its dates and its roster grouped as staff work through it."""
    program = queries.get_program_for_user(request.user, program_id, VIEW_PROGRAMS)
    audit.record_view(program, actor=request.user, fields=("roster",))
    now = timezone.now()
    hub_id = program.hub_id
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "sessions": staff_queries.sessions_of(program),
            "roster": staff_queries.roster(program),
            "rules": eligibility.describe(program),
            "lottery_state": _lottery_state(program, now),
            "can_manage": can(request, MANAGE_PROGRAMS, hub_id=hub_id),
            "can_enter": can(request, MANAGE_ENTRIES, hub_id=hub_id),
            "can_attend": can(request, TAKE_ATTENDANCE, hub_id=hub_id),
        },
    )


# -- entering a family by phone or at the counter ------------------------------------------------
def _refusal_text(program) -> str:
    code = services.signup_state(program, timezone.now(), by_staff=True)
    return ProgramError(code).message if code else ""


def _search_context(request, program) -> dict:
    text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    households = family_queries.search_households(program.hub, text) if text else []
    entered = staff_queries.active_entries_of(program, [h.pk for h in households])
    return {
        "program": program,
        "q": text,
        "results": [(h, entered.get(h.pk)) for h in households],
        "limit": family_queries.SEARCH_LIMIT,
        "refusal": _refusal_text(program),
    }


@staff_view(MANAGE_ENTRIES, check=CHECK_OBJECT)
def entry_search(request, program_id: int):
    """Find the family on the phone: results as the staff member types (htmx), or a plain
    search form without JavaScript."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_ENTRIES)
    page = template_for(
        request, "programs/entry_search.html", "programs/partials/_entry_results.html"
    )
    return render(request, page, _search_context(request, program))


def _household(request, program, household_id):
    household = family_queries.get_household_for_user(request.user, household_id, MANAGE_ENTRIES)
    if household.hub_id != family_queries.registry_hub_id(program.hub):
        raise Http404  # a family of another registry cannot join this hub's program
    return household


def _entered_message(entry, household, position) -> str:
    family = str(household)
    if entry.status == EntryStatus.CONFIRMED:
        return _("{family} has a confirmed seat.").format(family=family)
    if entry.status == EntryStatus.WAITLISTED:
        return _("{family} is on the waiting list, number {position}.").format(
            family=family, position=position
        )
    return _("{family} has applied for the lottery.").format(family=family)


def _apply(request, program, household, form):
    """Check eligibility (every problem, not only the first), then apply; None on refusal."""
    chosen = form.chosen()
    problems = eligibility.problems(program, household, chosen)
    if problems:
        for text in eligibility.messages(problems):
            form.add_error("members", text)
        return None
    try:
        return services.apply(
            program,
            household,
            chosen,
            actor=request.user,
            channel=form.cleaned_data["channel"],
            message=form.cleaned_data["message"],
        )
    except ProgramError as error:
        form.add_error(None, error.message)
    return None


@staff_view(MANAGE_ENTRIES, check=CHECK_OBJECT)
@idempotent(scope=_user_scope)
def entry_create(request, program_id: int, household_id: int):
    """Choose who comes and enter the family; a double tap or a resent form enters it once."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_ENTRIES)
    household = _household(request, program, household_id)
    members = staff_queries.family_members(household)
    form = PhoneEntryForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        entry = _apply(request, program, household, form)
        if entry is not None:
            text = _entered_message(entry, household, queries.waitlist_position(entry))
            messages.success(request, text)
            if staff_queries.households_without_email([household.pk]) or (
                household.contact_channel != ContactChannel.EMAIL
            ):
                messages.warning(
                    request, _("No e-mail goes to this family: tell them the result now.")
                )
            return redirect_after_post(request, program_url(program) + f"#entry-{entry.pk}")
    chosen = (
        {int(v) for v in form.data.getlist("members") if v.isdigit()} if form.is_bound else set()
    )
    return render(
        request,
        "programs/entry_form.html",
        {
            "program": program,
            "household": household,
            "people": staff_queries.people_on(members, staff_queries.first_day(program)),
            "chosen": chosen,
            "form": form,
            "rules": eligibility.describe(program),
            "active": queries.active_entry(program, household),
            "refusal": _refusal_text(program),
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@staff_view(MANAGE_ENTRIES, check=CHECK_OBJECT)
def entry_cancel(request, program_entry_id: int):
    """Cancel a family's entry for them (a phone call, even on the morning of the class);
    the freed seat goes to the waiting list and the family is told."""
    entry = queries.get_entry_for_user(request.user, program_entry_id, MANAGE_ENTRIES)
    program = entry.program
    if request.method == "POST":
        try:
            services.cancel(entry, actor=request.user, by_staff=True)
        except ProgramError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The entry of {family} was cancelled.").format(family=entry.household)
            )
        return redirect_after_post(request, program_url(program))
    return render(
        request,
        "programs/entry_cancel.html",
        {"entry": entry, "program": program, "members": list(entry.members.all())},
    )


# -- the lottery ---------------------------------------------------------------------------------
@require_POST
@staff_view(MANAGE_PROGRAMS, check=CHECK_OBJECT)
def lottery_draw(request, program_id: int):
    """Draw now (after applications closed) instead of waiting for the automatic draw."""
    program = queries.get_program_for_user(request.user, program_id, MANAGE_PROGRAMS)
    try:
        draw = services.draw_lottery(program, actor=request.user)
    except ProgramError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, program_url(program))
    messages.success(
        request,
        _("The lottery was drawn: {confirmed} confirmed, {waitlisted} on the waiting list.").format(
            confirmed=draw.confirmed, waitlisted=draw.waitlisted
        ),
    )
    return redirect_after_post(request, program_url(program, "lottery-record"))


@staff_view(VIEW_PROGRAMS, check=CHECK_OBJECT)
def lottery_record(request, program_id: int):
    """The record of the draw, re-run from its seed so anyone can see it was fair."""
    program = queries.get_program_for_user(request.user, program_id, VIEW_PROGRAMS)
    return render(
        request,
        "programs/lottery_record.html",
        {
            "program": program,
            "record": staff_queries.draw_record(program),
            "lottery_state": _lottery_state(program, timezone.now()),
            "can_manage": can(request, MANAGE_PROGRAMS, hub_id=program.hub_id),
        },
    )
