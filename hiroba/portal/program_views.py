"""Programs on the portal: the list with filters, a program's page, calendar files, and the
apply form (issue 4).

The apply POST is the hot path of a sign-up rush (2,000 families in a minute when a popular
class opens): it reads the family with its members (one query, cached on the request by
``parents``), the program (one query), and leaves the rest to ``programs.services.apply``,
which locks the program row once. A double tap or a retry after a timeout carries the same
``idempotency_key`` and gets the first answer back instead of a second entry.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from hiroba.core.idempotency import idempotent
from hiroba.core.pagecache import public_page
from hiroba.families.choices import MemberKind
from hiroba.lib.ages import age_in_months
from hiroba.portal import program_queries
from hiroba.portal.parents import current_household, current_member, parent_required
from hiroba.portal.program_display import seats_text, signup_label
from hiroba.portal.program_forms import ApplyForm, ProgramFilterForm
from hiroba.portal.responses import content_etag
from hiroba.programs import calendar, eligibility, queries, services
from hiroba.programs.choices import ProgramStatus
from hiroba.programs.errors import ProgramError

CHILD_CODES = ("child_too_young", "child_too_old", "pregnancy_out_of_range")
FAMILY_CODES = ("first_child_only", "second_child_only", "residents_only", "father_required")
ICS_TYPE = "text/calendar; charset=utf-8"


class SeeOther(HttpResponseRedirect):
    """303: the browser GETs the entry page; reloading it never re-sends the form."""

    status_code = 303


def _card(program, now, entered: dict) -> dict:
    return {
        "program": program,
        "sessions": list(program.sessions.all()),
        "label": signup_label(program, now),
        "seats": seats_text(program),
        "entry": entered.get(program.pk),
    }


# -- the list ------------------------------------------------------------------------------------
# Seats left change during a rush: an anonymous visitor's list is at most 15 seconds old, and a
# signed-in family (a session cookie) always gets a fresh one.
@require_safe
@public_page(15)
def program_list(request):
    """Upcoming published programs, filtered by what a parent knows: the child's age (judged
    at each program's own date), the hub, the place, the kind and the language."""
    hubs = program_queries.filter_hubs()
    hub = next((h for h in hubs if str(h.pk) == request.GET.get("hub", "")), None)
    hub_ids = program_queries.hub_ids_for(hub, hubs)
    venues = program_queries.filter_venues(hub_ids)
    form = ProgramFilterForm(request.GET or None, hubs=hubs, venues=venues)
    data = {}
    if form.is_bound:
        form.is_valid()  # a wrong field is shown and left out; the others still filter
        data = form.cleaned_data
    programs = queries.public_programs(
        hub_ids=hub_ids,
        category=data.get("category") or "",
        venue_id=data.get("venue"),
        language=data.get("language") or "",
        child_birth_date=form.child_birth_date() if form.is_bound else None,
    )
    programs = list(programs)
    household = current_household(request)
    entered = program_queries.active_entries(household, programs) if household else {}
    now = timezone.now()
    response = render(
        request,
        "portal/programs/list.html",
        {
            "form": form,
            "hub": hub,
            "cards": [_card(p, now, entered) for p in programs],
            "signed_in": household is not None,
        },
    )
    if household is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response


# -- one program ---------------------------------------------------------------------------------
@require_safe
def program_detail(request, program_id: int):
    """Everything a parent checks before applying: dates, place, access, who may come (in
    words), seats left, and the family's own entry when signed in."""
    program = queries.public_program(program_id)
    household = current_household(request)
    entry = queries.active_entry(program, household) if household is not None else None
    context = {
        "program": program,
        "sessions": list(program.sessions.all()),
        "rules": eligibility.describe(program),
        "label": signup_label(program),
        "seats": seats_text(program),
        "entry": entry,
        "signed_in": household is not None,
    }
    response = render(request, "portal/programs/detail.html", context)
    if household is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@content_etag
def program_ics(request, program_id: int):
    program = queries.public_program(program_id)
    body = calendar.program_ics(program, cancelled=program.status == ProgramStatus.CANCELLED)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'attachment; filename="program-{program.pk}.ics"'
    return response


@require_safe
@content_etag
def hub_ics(request, hub_id: int):
    """The hub's upcoming programs as a calendar feed parents can subscribe to."""
    hub = program_queries.public_hub(hub_id)
    hub_ids = program_queries.hub_ids_for(hub, program_queries.filter_hubs())  # + satellites
    programs = queries.public_programs(hub_ids=hub_ids)
    response = HttpResponse(calendar.feed_ics(hub.name, programs), content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="hub-{hub.pk}-programs.ics"'
    patch_cache_control(response, public=True, max_age=15 * 60)
    return response


@require_safe
@content_etag
def all_ics(request):
    """Every hub's upcoming programs in one calendar feed, for city apps and calendar apps."""
    hub_ids = [h.pk for h in program_queries.filter_hubs()]
    programs = queries.public_programs(hub_ids=hub_ids)
    response = HttpResponse(
        calendar.feed_ics(_("Programs of the child-rearing support hubs"), programs),
        content_type=ICS_TYPE,
    )
    response["Content-Disposition"] = 'inline; filename="programs.ics"'
    patch_cache_control(response, public=True, max_age=15 * 60)
    return response


# -- applying ------------------------------------------------------------------------------------
def _back_to_form(request, program_id: int) -> str:
    return reverse("portal:program-apply", kwargs={"program_id": program_id})


def _family_scope(request) -> str:
    return f"household:{current_household(request).pk}"


def _pregnancy_program(program) -> bool:
    return program.min_pregnancy_week is not None or program.max_pregnancy_week is not None


def _first_day(program) -> date:
    """The day ages are judged at: the first session (as ``eligibility`` does)."""
    if program.first_starts_at is None:
        return timezone.localdate()
    return timezone.localtime(program.first_starts_at).date()


def _age_words(child, on) -> str:
    if child.birth_date is None or child.birth_date > on:
        return ""
    months = age_in_months(child.birth_date, on)
    if months < 24:
        return _("{months} months old on the day").format(months=months)
    return _("{years} years {months} months old on the day").format(
        years=months // 12, months=months % 12
    )


def _choices(program, household, member, chosen: set[int] | None) -> list[dict]:
    """The family's present members as the form lists them, with each child's problems for
    this program next to it. Without ``chosen`` (a fresh form) the parent who signed in and
    every child who may come are ticked."""
    on = _first_day(program)
    pregnancy = _pregnancy_program(program)
    rows = []
    for person in household.members.all():
        expected = person.is_expected
        problems = []
        if person.kind == MemberKind.CHILD:
            codes = eligibility.problems(program, household, [person], on=on)
            problems = eligibility.messages([c for c in codes if c in CHILD_CODES])
        usable = not (expected and not pregnancy)
        if chosen is None:
            wanted = program.requires_child if person.is_child else person.pk == member.pk
            ticked = usable and not problems and wanted
        else:
            ticked = person.pk in chosen
        rows.append(
            {
                "member": person,
                "expected": expected,
                "age": _age_words(person, on) if person.is_child else "",
                "problems": problems,
                "disabled": not usable,
                "checked": ticked and usable,
            }
        )
    return rows


def _family_problems(program, household) -> list[str]:
    codes = eligibility.problems(program, household, list(household.members.all()))
    return eligibility.messages([c for c in codes if c in FAMILY_CODES])


def _apply_page(request, program, household, form, *, chosen=None, status=200):
    context = {
        "program": program,
        "sessions": list(program.sessions.all()),
        "label": signup_label(program),
        "seats": seats_text(program),
        "rules": eligibility.describe(program),
        "form": form,
        "choices": _choices(program, household, current_member(request), chosen),
        "family_problems": _family_problems(program, household),
        "refusal": services.signup_state(program, timezone.now()),
        "idempotency_key": str(uuid.uuid4()),
    }
    return render(request, "portal/programs/apply.html", context, status=status)


def _to_entry(entry) -> SeeOther:
    return SeeOther(reverse("portal:my-entry", kwargs={"program_entry_id": entry.pk}))


@require_http_methods(["GET", "POST"])
@parent_required(back_after_post=_back_to_form)
@idempotent(scope=_family_scope)
def apply(request, program_id: int):
    household = current_household(request)
    if request.method == "POST":
        return _apply(request, program_id, household)
    program = program_queries.program_to_apply(program_id, with_sessions=True)
    existing = queries.active_entry(program, household)
    if existing is not None:
        return redirect("portal:my-entry", program_entry_id=existing.pk)
    members = household.members.all()
    return _apply_page(request, program, household, ApplyForm(members=members))


def _chosen_members(form, household, program) -> list | None:
    """The chosen members, or None (with the error on the form) when the choice is wrong."""
    if not form.is_valid():
        return None
    ids = set(form.cleaned_data["members"])
    chosen = [m for m in household.members.all() if m.pk in ids]
    if any(m.is_expected for m in chosen) and not _pregnancy_program(program):
        form.add_error(
            "members", _("An expected baby can only be chosen for programs for expecting parents.")
        )
        return None
    return chosen


def _apply(request, program_id: int, household):
    program = program_queries.program_to_apply(program_id)
    form = ApplyForm(request.POST, members=household.members.all())
    members = _chosen_members(form, household, program)
    if members is not None:
        try:
            entry = services.apply(
                program,
                household,
                members,
                contact=current_member(request),
                message=form.cleaned_data["message"],
            )
        except ProgramError as error:
            if error.code == "already_entered":  # a second tab or a late retry
                existing = queries.active_entry(program, household)
                if existing is not None:
                    return _to_entry(existing)
            form.add_error(None, error.message)
        else:
            return _to_entry(entry)
    chosen = {int(v) for v in request.POST.getlist("members") if v.isdigit()}
    return _apply_page(request, program, household, form, chosen=chosen, status=422)
