"""Staff pages of user support: the week's booking schedule, publishing and withdrawing slots,
booking for a family after a phone call, and what happened to each booking (held and recorded
as a consultation, not come, cancelled). What a family wrote is shown only to those
``access.may_read_message`` allows, after its audit row is written; such pages are not cached.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import CHECK_OBJECT, staff_view
from hiroba.accounts.scope import scope_for
from hiroba.consultations import forms as consultation_forms
from hiroba.consultations.choices import Channel
from hiroba.consultations.errors import ConsultationError
from hiroba.consultations.permissions import RECORD_CONSULTATIONS
from hiroba.consultations.queries import topics_for
from hiroba.consultations.staff import staff_who_record
from hiroba.core.htmx import redirect_after_post
from hiroba.families.queries import households_of
from hiroba.support import access, forms, queries, services
from hiroba.support.choices import BookingSource, BookingStatus, CancelledBy
from hiroba.support.errors import SupportError
from hiroba.support.permissions import (
    BOOK_ON_BEHALF,
    MANAGE_SLOTS,
)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- the schedule --------------------------------------------------------------------------------
@never_cache
@staff_view(BOOK_ON_BEHALF)
def schedule(request):
    """One week of slots with who booked them (names only: never what they wrote)."""
    hub = current_hub(request)
    form = forms.WeekForm(request.GET or None)
    today = timezone.localdate()
    chosen = form.cleaned_data["week"] if form.is_valid() and form.cleaned_data["week"] else today
    monday = _monday(chosen)
    slots = queries.week_of(hub, monday)
    days = [
        (monday + timedelta(days=n), [s for s in slots if _local_day(s) == monday + timedelta(n)])
        for n in range(7)
    ]
    may_manage = scope_for(request.user).can(MANAGE_SLOTS, hub_id=hub.pk)
    return render(
        request,
        "support/schedule.html",
        {
            "hub": hub,
            "monday": monday,
            "days": days,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "today": today,
            "may_manage": may_manage,
            "to_mark": list(queries.bookings_to_mark(hub, now=timezone.now())[:20])
            if may_manage
            else [],
        },
    )


def _local_day(slot) -> date:
    return timezone.localtime(slot.starts_at).date()


# -- slots ---------------------------------------------------------------------------------------
@staff_view(MANAGE_SLOTS)
def slot_create(request):
    hub = current_hub(request)
    form = forms.SlotPlanForm(
        request.POST or None,
        specialists=queries.specialists_of(hub),
        venues=queries.venues_of(hub),
        initial={"specialist": request.user.pk, "day": timezone.localdate() + timedelta(days=7)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.SlotPlan(
            day=data["day"],
            start_times=data["start_times"],
            minutes=data["minutes"],
            mode=data["mode"],
            specialist=data["specialist"],
            venue=data["venue"],
            note=data["note"],
            weeks=data["weeks"],
        )
        try:
            slots = services.publish_slots(hub, plan, actor=request.user)
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(count)d slots were published.") % {"count": len(slots)})
            url = reverse("support:schedule") + f"?week={data['day'].isoformat()}"
            return redirect_after_post(request, url)
    return render(request, "support/slot_form.html", {"hub": hub, "form": form})


@never_cache
@staff_view(BOOK_ON_BEHALF, check=CHECK_OBJECT)
def slot_detail(request, slot_id: int):
    slot = queries.get_slot_for_user(request.user, slot_id, BOOK_ON_BEHALF)
    bookable = not slot.live and slot.starts_at > timezone.now()
    return _slot_page(request, slot, _book_form(slot) if bookable else None)


def _slot_page(request, slot, book_form):
    """The slot, its live booking and history, and the form to book it for a family."""
    context = {
        "slot": slot,
        "live": slot.live[0] if slot.live else None,
        "history": queries.slot_history(slot),
        "may_manage": scope_for(request.user).can(MANAGE_SLOTS, hub_id=slot.hub_id),
        "book_form": book_form,
    }
    return render(request, "support/slot_detail.html", context)


def _book_form(slot, data=None):
    return forms.CardNumberForm(
        data,
        households=households_of(slot.hub).current(),
        topics=topics_for(slot.hub.ward.municipality_id),
    )


@require_POST
@staff_view(MANAGE_SLOTS, check=CHECK_OBJECT)
def slot_withdraw(request, slot_id: int):
    slot = queries.get_slot_for_user(request.user, slot_id, MANAGE_SLOTS)
    try:
        services.withdraw_slot(slot, actor=request.user)
    except SupportError as error:
        messages.error(request, error.message)
        return redirect_after_post(request, _slot_url(slot))
    messages.success(request, _("The slot was withdrawn."))
    week = _local_day(slot).isoformat()
    return redirect_after_post(request, reverse("support:schedule") + f"?week={week}")


def _slot_url(slot) -> str:
    return reverse("support:slot-detail", kwargs={"slot_id": slot.pk})


@require_POST
@staff_view(BOOK_ON_BEHALF, check=CHECK_OBJECT)
def book_for_family(request, slot_id: int):
    """A family called or came to the counter: staff book the slot for them."""
    slot = queries.get_slot_for_user(request.user, slot_id, BOOK_ON_BEHALF)
    form = _book_form(slot, request.POST)
    if form.is_valid():
        household = form.cleaned_data["card_number"]
        try:
            booking = services.book_slot(
                slot.pk,
                services.BookingRequest(
                    household=household,
                    topics=list(form.cleaned_data["topics"]),
                    message=form.cleaned_data["message"],
                    source=BookingSource.STAFF,
                ),
                actor=request.user,
            )
        except SupportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The slot was booked for the family."))
            return redirect_after_post(request, _booking_url(booking))
    return _slot_page(request, slot, form)


# -- bookings ------------------------------------------------------------------------------------
def _booking_url(booking) -> str:
    return reverse("support:booking-detail", kwargs={"booking_id": booking.pk})


@never_cache
@staff_view(BOOK_ON_BEHALF, check=CHECK_OBJECT)
def booking_detail(request, booking_id: int):
    booking = queries.get_booking_for_user(request.user, booking_id, BOOK_ON_BEHALF)
    may_read = access.may_read_message(request.user, booking)
    if may_read:
        services.record_message_read(booking, actor=request.user)
    scope = scope_for(request.user)
    now = timezone.now()
    started = booking.slot.starts_at <= now
    waiting = booking.status == BookingStatus.BOOKED
    may_manage = scope.can(MANAGE_SLOTS, hub_id=booking.slot.hub_id)
    return render(
        request,
        "support/booking_detail.html",
        {
            "booking": booking,
            "slot": booking.slot,
            "may_read": may_read,
            "may_cancel": waiting and not started,
            "may_mark": may_manage and waiting and started,
            "may_record": may_manage
            and started
            and booking.status in (BookingStatus.BOOKED, BookingStatus.NO_SHOW)
            and scope.can(RECORD_CONSULTATIONS, hub_id=booking.slot.hub_id),
        },
    )


@require_POST
@staff_view(BOOK_ON_BEHALF, check=CHECK_OBJECT)
def booking_cancel(request, booking_id: int):
    booking = queries.get_booking_for_user(request.user, booking_id, BOOK_ON_BEHALF)
    by = CancelledBy.FAMILY if request.POST.get("by") == CancelledBy.FAMILY else CancelledBy.HUB
    try:
        services.cancel_booking(booking, by=by, actor=request.user)
    except SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The booking was cancelled; the slot is free again."))
    return redirect_after_post(request, _booking_url(booking))


@require_POST
@staff_view(MANAGE_SLOTS, check=CHECK_OBJECT)
def booking_no_show(request, booking_id: int):
    booking = queries.get_booking_for_user(request.user, booking_id, MANAGE_SLOTS)
    try:
        services.mark_no_show(booking, actor=request.user)
    except SupportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as not come."))
    return redirect_after_post(request, _booking_url(booking))


def _consultation_initial(booking) -> dict:
    local = timezone.localtime(booking.slot.starts_at)
    return {
        "happened_on": local.date(),
        "happened_time": local.strftime("%H:%M"),
        "channel": Channel.INDIVIDUAL,
        "duration_minutes": int((booking.slot.ends_at - booking.slot.starts_at).seconds / 60),
        "card_number": booking.household.card_number,
        "topics": list(booking.topics.all()),
        "assigned_staff": [booking.slot.specialist],
    }


@never_cache
@staff_view(MANAGE_SLOTS, check=CHECK_OBJECT)
def booking_record(request, booking_id: int):
    """The meeting took place: write its consultation record, linked to the booking."""
    booking = queries.get_booking_for_user(request.user, booking_id, MANAGE_SLOTS)
    hub = booking.slot.hub
    if not scope_for(request.user).can(RECORD_CONSULTATIONS, hub_id=hub.pk):
        raise PermissionDenied
    form = consultation_forms.ConsultationForm(
        request.POST or None,
        initial=_consultation_initial(booking),
        topics=topics_for(hub.ward.municipality_id),
        staff=staff_who_record(hub),
        households=households_of(hub).current(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.record_booking_consultation(
                booking, form.consultation_data(), actor=request.user
            )
        except (SupportError, ConsultationError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Consultation %(case)s was recorded.") % {"case": consultation.reference},
            )
            url = reverse(
                "consultations:consultation-detail", kwargs={"consultation_id": consultation.pk}
            )
            return redirect_after_post(request, url)
    may_read = access.may_read_message(request.user, booking)
    if may_read:  # the page shows the family's message: its read is audited first
        services.record_message_read(booking, actor=request.user)
    return render(
        request,
        "support/booking_record.html",
        {"form": form, "hub": hub, "booking": booking, "may_read": may_read},
    )
