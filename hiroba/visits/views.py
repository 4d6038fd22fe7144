"""Reception (check-in at the counter, tablet first), the today board and the daily log.

Reception works at the *current hub* (the hub switcher) and one of its venues, remembered in
the session. The search answers as the staff member types (htmx), and every page also works
as plain forms without JavaScript.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, can, staff_view
from hiroba.core.forms import errors_text
from hiroba.core.htmx import is_partial, redirect_after_post, template_for
from hiroba.families import queries as family_queries
from hiroba.families.choices import MemberKind
from hiroba.families.permissions import MANAGE_FAMILIES
from hiroba.visits import queries, services
from hiroba.visits.forms import (
    CheckInForm,
    DailyLogForm,
    IncidentForm,
    VenueChoiceForm,
    WalkInForm,
)
from hiroba.visits.permissions import CHECK_IN, CORRECT_VISITS, KEEP_DAILY_LOG
from hiroba.visits.services import VisitError

VENUE_SESSION_KEY = "hiroba_reception_venue"
MAX_QUERY_LENGTH = 100
CHECKED_IN_EVENT = "hiroba:checked-in"


# -- venue of the counter --------------------------------------------------------------------
def _reception_venues(request) -> list:
    hub = current_hub(request)
    if hub is None or not can(request, CHECK_IN, hub_id=hub.pk):
        return []
    return queries.reception_venues(hub)


def _session_venue(request, venues):
    chosen = request.session.get(VENUE_SESSION_KEY)
    return next((v for v in venues if v.pk == chosen), None) or queries.default_venue(venues)


def _remember_venue(request, venue) -> None:
    request.session[VENUE_SESSION_KEY] = venue.pk


# -- reception --------------------------------------------------------------------------------
def _reception_context(request, text: str) -> dict:
    hub = current_hub(request)
    venues = _reception_venues(request)
    venue = _session_venue(request, venues)
    text = text.strip()[:MAX_QUERY_LENGTH]
    households = family_queries.search_households(hub, text) if text and venue else []
    return {
        "hub": hub,
        "venues": venues,
        "venue": venue,
        "q": text,
        "cards": queries.family_cards(households, venue, timezone.localdate()),
        "limit": family_queries.SEARCH_LIMIT,
        "can_confirm": can(request, MANAGE_FAMILIES),
    }


@staff_view(CHECK_IN)
def reception(request):
    """The counter: choose the venue (POST), search (GET ?q=) and check families in."""
    if request.method == "POST":
        form = VenueChoiceForm(request.POST, venues=_reception_venues(request))
        if form.is_valid():
            _remember_venue(request, form.cleaned_data["venue"])
            messages.success(
                request, _("Checking in at {venue}.").format(venue=form.cleaned_data["venue"])
            )
        else:
            messages.error(request, _("Choose one of this hub's venues."))
        return redirect("visits:reception")
    return render(
        request, "visits/reception.html", _reception_context(request, request.GET.get("q", ""))
    )


@staff_view(CHECK_IN)
def reception_search(request):
    """Search results as the staff member types (a fragment for htmx, else the whole page)."""
    context = _reception_context(request, request.GET.get("q", ""))
    page = template_for(request, "visits/reception.html", "visits/partials/_reception_results.html")
    return render(request, page, context)


@staff_view(CHECK_IN)
def card_lookup(request):
    """A scanned or typed family card code: the family's check-in choice, or a clear no."""
    code = request.GET.get("code", "").strip()[:MAX_QUERY_LENGTH]
    hub = current_hub(request)
    household = family_queries.household_by_card_token(hub, code) if code else None
    if household is None:
        return render(request, "visits/card_lookup.html", {"code": code, "hub": hub})
    return _check_in_page(request, household)


def _check_in_page(request, household, form=None):
    venues = _reception_venues(request)
    venue = _session_venue(request, venues)
    card = queries.family_cards([household], venue, timezone.localdate())[0]
    if form is not None:  # a refused POST: keep what was ticked
        checked_ids = {int(v) for v in form.data.getlist("members") if v.isdigit()}
    else:
        checked_ids = {m.pk for m in card.caregivers} | {c.member.pk for c in card.children}
    context = {
        "card": card,
        "venue": venue,
        "venues": venues,
        "form": form,
        "checked_ids": checked_ids,
        "can_confirm": can(request, MANAGE_FAMILIES),
    }
    return render(request, "visits/check_in.html", context)


def _family_name(members) -> str:
    caregivers = [m for m in members if m.kind == MemberKind.CAREGIVER]
    return str(caregivers[0]) if caregivers else ""


def _checked_in_message(name: str, people: int, created: bool, added: bool, confirmed: bool):
    if confirmed:
        return _("{name}: registration confirmed and checked in ({people} people).").format(
            name=name, people=people
        )
    if created:
        return _("{name}: checked in ({people} people).").format(name=name, people=people)
    if added:
        return _("{name}: added to today's visit ({people} people).").format(
            name=name, people=people
        )
    return _("{name} is already checked in today.").format(name=name)


def _toast(request, level: str, text: str, *, clear: bool) -> HttpResponse:
    """htmx answer: the message in the page's message area (out of band); on success the
    result list empties and reception.js clears the search box for the next family."""
    response = render(
        request,
        "visits/partials/_toast.html",
        {"level": level, "text": text, "clear": clear},
    )
    if clear:
        response["HX-Trigger"] = json.dumps({CHECKED_IN_EVENT: {}})
    else:
        response["HX-Reswap"] = "none"
    return response


@staff_view(CHECK_IN, check=CHECK_OBJECT)
def check_in(request, household_id: int):
    """POST: check the chosen members in (one tap from the search). GET: the member choice."""
    household = family_queries.get_household_for_user(request.user, household_id, CHECK_IN)
    if request.method != "POST":
        return _check_in_page(request, household)
    members = list(household.members.present())
    form = CheckInForm(
        request.POST,
        members=[m for m in members if not m.is_expected],
        venues=_reception_venues(request),
    )
    if form.is_valid():
        try:
            text = _do_check_in(request, household, members, form.cleaned_data)
        except VisitError as failure:
            form.add_error(None, failure.message)
        else:
            if is_partial(request):
                return _toast(request, "success", text, clear=True)
            messages.success(request, text)
            return redirect("visits:reception")
    if is_partial(request):
        return _toast(request, "error", errors_text(form), clear=False)
    return _check_in_page(request, household, form)


def _do_check_in(request, household, members, data) -> str:
    """Check in (confirming a pre-registration when the user may) and say what happened."""
    venue, chosen = data["venue"], data["members"]
    before = queries.todays_visits([household.pk], timezone.localdate()).get(household.pk, [])
    here_before = {a.member_id for v in before if v.venue_id == venue.pk for a in v.attendees.all()}
    visit, created, confirmed = services.check_in_and_confirm(
        household, venue, chosen, actor=request.user, confirm=can(request, MANAGE_FAMILIES)
    )
    _remember_venue(request, venue)
    return _checked_in_message(
        _family_name(members),
        visit.adults + visit.children,
        created,
        added=bool(set(chosen) - here_before),
        confirmed=confirmed,
    )


@staff_view(CHECK_IN)
def walk_in(request):
    """Count a group that does not want to register: adults and children by age band."""
    venues = _reception_venues(request)
    venue = _session_venue(request, venues)
    form = WalkInForm(
        request.POST or None, venues=venues, initial={"venue": venue.pk if venue else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_walk_in(form.cleaned_data["venue"], form.counts(), actor=request.user)
        except VisitError as error:
            form.add_error(None, error.message)
        else:
            _remember_venue(request, form.cleaned_data["venue"])
            counts = form.counts()
            messages.success(
                request,
                _("Walk-in group counted: {adults} adults, {children} children.").format(
                    adults=counts.adults, children=counts.people - counts.adults
                ),
            )
            return redirect("visits:reception")
    return render(request, "visits/walk_in.html", {"form": form, "venues": venues})


# -- today board ------------------------------------------------------------------------------
@staff_view(CHECK_IN)
def today_board(request):
    """Who is here now and the day's counts per venue; htmx polls the board every 30 s."""
    hub = current_hub(request)
    context = {
        "hub": hub,
        "board": queries.today_board(hub, timezone.localdate()),
        "can_correct": can(request, CORRECT_VISITS),
        "now": timezone.localtime(),
    }
    page = template_for(request, "visits/today.html", "visits/partials/_today_board.html")
    return render(request, page, context)


@require_POST
@staff_view(CHECK_IN, check=CHECK_OBJECT)
def check_out(request, visit_id: int):
    visit = queries.get_visit_for_user(request.user, visit_id, CHECK_IN)
    try:
        services.check_out(visit, actor=request.user)
    except VisitError as error:
        messages.error(request, error.message)
    return redirect_after_post(request, reverse("visits:today-board"))


@staff_view(CORRECT_VISITS, check=CHECK_OBJECT)
def cancel_visit(request, visit_id: int):
    """Remove a visit recorded by mistake, after a confirmation page."""
    visit = queries.get_visit_for_user(request.user, visit_id, CORRECT_VISITS)
    if request.method == "POST":
        services.cancel_visit(visit, actor=request.user)
        messages.success(request, _("The visit was removed from the records."))
        return redirect_after_post(request, reverse("visits:today-board"))
    attendees = visit.attendees.select_related("member").order_by("member__kind", "member__pk")
    return render(
        request,
        "visits/cancel_visit.html",
        {"visit": visit, "attendees": [a.member for a in attendees]},
    )


# -- daily log --------------------------------------------------------------------------------
@staff_view(KEEP_DAILY_LOG)
def daily_log_list(request):
    hub = current_hub(request)
    venues = queries.reception_venues(hub)
    today = timezone.localdate()
    todays = queries.logs_on(venues, today)
    page = Paginator(queries.daily_logs_of(hub), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/daily_log_list.html",
        {
            "hub": hub,
            "venues": [(v, todays.get(v.pk)) for v in venues],
            "page": page,
            "today": today,
        },
    )


@require_POST
@staff_view(KEEP_DAILY_LOG)
def daily_log_open(request):
    """Open (or go to) today's log of one of the hub's venues."""
    venues = queries.reception_venues(current_hub(request))
    form = VenueChoiceForm(request.POST, venues=venues)
    if not form.is_valid():
        messages.error(request, _("Choose one of this hub's venues."))
        return redirect("visits:daily-log-list")
    log = services.save_daily_log(
        form.cleaned_data["venue"], timezone.localdate(), actor=request.user
    )
    return redirect("visits:daily-log-detail", log_id=log.pk)


@staff_view(KEEP_DAILY_LOG, check=CHECK_OBJECT)
def daily_log_detail(request, log_id: int):
    log = queries.get_daily_log_for_user(request.user, log_id, KEEP_DAILY_LOG)
    initial = {name: getattr(log, name) for name in services.DAILY_LOG_FIELDS}
    form = DailyLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_daily_log(log.venue, log.date, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The daily log was saved."))
        return redirect("visits:daily-log-detail", log_id=log.pk)
    return render(
        request,
        "visits/daily_log_detail.html",
        {
            "log": log,
            "form": form,
            "counts": queries.day_counts(log.venue, log.date),
            "incidents": list(log.incidents.select_related("recorded_by")),
        },
    )


@staff_view(KEEP_DAILY_LOG, check=CHECK_OBJECT)
def incident_add(request, log_id: int):
    log = queries.get_daily_log_for_user(request.user, log_id, KEEP_DAILY_LOG)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_incident(log, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The report was added to the daily log."))
        return redirect("visits:daily-log-detail", log_id=log.pk)
    return render(request, "visits/incident_form.html", {"log": log, "form": form})
