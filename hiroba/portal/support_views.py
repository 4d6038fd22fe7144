"""Individual consultations on the portal (利用者支援, issue 6): free slots of the user-support
specialists by day, booking one from a phone, and the family's bookings with a cancel button.

Booking needs a signed-in family (the specialist prepares with the family card). The POST
carries an ``idempotency_key``, so a double tap or a retry on a bad connection books once; two
families pressing together get one booking and one clear message (``support.services``).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from itertools import groupby

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hiroba.consultations.queries import topics_for
from hiroba.core.idempotency import idempotent
from hiroba.portal.parents import current_household, current_member, parent_required
from hiroba.portal.program_views import SeeOther
from hiroba.portal.responses import private
from hiroba.support import queries, services
from hiroba.support.choices import BookingSource, BookingStatus, CancelledBy
from hiroba.support.errors import SupportError
from hiroba.support.forms import BookingForm
from hiroba.support.rules import support_rules

LIST_DAYS = 60


def _family_scope(request) -> str:
    return f"household:{current_household(request).pk}"


# -- free slots ----------------------------------------------------------------------------------
@require_safe
def slot_list(request):
    """Free slots by day, optionally of one hub. Staff publish them; a booked slot disappears."""
    now = timezone.now()
    until = now + timedelta(days=LIST_DAYS)
    hubs = queries.public_hubs_with_slots(now, until)
    hub = next((h for h in hubs if str(h.pk) == request.GET.get("hub", "")), None)
    slots = list(queries.free_slots(now=now, until=until, hub_id=hub.pk if hub else None))
    days = [
        (day, list(group))
        for day, group in groupby(slots, key=lambda s: timezone.localtime(s.starts_at).date())
    ]
    household = current_household(request)
    response = render(
        request,
        "portal/support/list.html",
        {"hubs": hubs, "hub": hub, "days": days, "signed_in": household is not None},
    )
    patch_cache_control(response, private=True, no_store=True)  # seats change by the minute
    return response


# -- booking -------------------------------------------------------------------------------------
def _back_to_form(request, slot_id: int) -> str:
    return reverse("portal:support-book", kwargs={"slot_id": slot_id})


def _book_page(request, slot, form, *, error: str = "", status: int = 200):
    context = {
        "slot": slot,
        "form": form,
        "error": error,
        "idempotency_key": str(uuid.uuid4()),
        "cancel_hours": support_rules(slot.hub)["cancel_deadline_hours"],
        "has_email": bool(current_member(request).email),
    }
    return private(render(request, "portal/support/book.html", context, status=status))


def _gone(slot) -> str:
    """Why an opened slot can no longer be booked (an old link, a slow phone), or ""."""
    if slot.starts_at <= timezone.now():
        return SupportError("slot_started").message
    if queries.holding_booking_exists(slot.pk):
        return SupportError("slot_taken").message
    return ""


@require_http_methods(["GET", "POST"])
@parent_required(back_after_post=_back_to_form)
@idempotent(scope=_family_scope)
def book(request, slot_id: int):
    slot = queries.public_slot(slot_id)
    topics = topics_for(slot.hub.ward.municipality_id)
    if request.method == "GET":
        return _book_page(request, slot, BookingForm(topics=topics), error=_gone(slot))
    form = BookingForm(request.POST, topics=topics)
    if not form.is_valid():
        return _book_page(request, slot, form, status=422)
    try:
        booking = services.book_slot(
            slot.pk,
            services.BookingRequest(
                household=current_household(request),
                contact=current_member(request),
                topics=list(form.cleaned_data["topics"]),
                message=form.cleaned_data["message"],
                source=BookingSource.PORTAL,
            ),
            actor=None,
        )
    except SupportError as error:
        return _book_page(request, slot, form, error=error.message, status=409)
    messages.success(request, _("Booked. We look forward to talking with you."))
    return SeeOther(reverse("portal:my-support-booking", kwargs={"booking_id": booking.pk}))


# -- the family's bookings -----------------------------------------------------------------------
@require_safe
@parent_required
def my_booking(request, booking_id: int):
    booking = queries.booking_of_household(current_household(request), booking_id)
    slot = booking.slot
    now = timezone.now()
    waiting = booking.status == BookingStatus.BOOKED and slot.starts_at > now
    context = {
        "booking": booking,
        "slot": slot,
        "waiting": waiting,
        "may_cancel": waiting and services.portal_cancel_deadline(slot) >= now,
        "cancel_hours": support_rules(slot.hub)["cancel_deadline_hours"],
        "idempotency_key": str(uuid.uuid4()),
    }
    return private(render(request, "portal/support/booking.html", context))


@require_POST
@parent_required
@idempotent(scope=_family_scope)
def my_booking_cancel(request, booking_id: int):
    booking = queries.booking_of_household(current_household(request), booking_id)
    try:
        services.cancel_booking(booking, by=CancelledBy.FAMILY, actor=None)
    except SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your booking is cancelled."))
    return SeeOther(reverse("portal:my-support-booking", kwargs={"booking_id": booking.pk}))
