"""The hub's opening times and closed days, which the portal turns into "open now" and
today's hours: the weekly grid (two times a day, a row for public holidays) and the list of
closed days with their reasons."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.core import services
from hiroba.core.forms import errors_text
from hiroba.core.htmx import redirect_after_post
from hiroba.core.queries import opening_calendar
from hiroba.hubs import queries
from hiroba.hubs.forms import ClosureForm, OpeningHoursForm, opening_initial
from hiroba.hubs.permissions import MANAGE_OPENING

WEEK_AHEAD = 7


@staff_view(MANAGE_OPENING)
def opening_hours(request):
    hub = current_hub(request)
    action = request.POST.get("action") if request.method == "POST" else None
    hours = OpeningHoursForm(
        request.POST if action == "hours" else None,
        initial=opening_initial(hub.opening_periods.all()),
    )
    closure = ClosureForm(request.POST if action == "closure" else None)
    if action == "hours" and hours.is_valid():
        try:
            services.set_opening_hours(hub, hours.periods(), actor=request.user)
        except services.TenancyError as error:
            hours.add_error(None, str(error))
        else:
            messages.success(request, _("The opening times were saved."))
            return redirect_after_post(request, reverse("hubs:opening-hours"))
    if action == "closure" and closure.is_valid():
        services.add_closure(hub, actor=request.user, **closure.cleaned_data)
        messages.success(request, _("The closed days were added."))
        return redirect_after_post(request, reverse("hubs:opening-hours"))
    if action in ("hours", "closure"):
        messages.error(request, errors_text(hours if action == "hours" else closure))
    today = timezone.localdate()
    calendar = opening_calendar(hub, today)
    context = {
        "hub": hub,
        "hours": hours,
        "closure": closure,
        "closures": queries.closures_of(hub, today),
        "week": calendar.days_from(today, WEEK_AHEAD),
    }
    return render(request, "hubs/opening_hours.html", context)


@require_POST
@staff_view(MANAGE_OPENING, check=CHECK_OBJECT)
def closure_delete(request, closure_id: int):
    closure = queries.get_closure_for_user(request.user, closure_id, MANAGE_OPENING)
    services.delete_closure(closure, actor=request.user)
    messages.success(request, _("The closed days were removed."))
    return redirect_after_post(request, reverse("hubs:opening-hours"))
