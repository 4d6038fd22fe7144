"""My Page: the family's entries with what they can do about each (cancel before the
deadline, accept or decline a seat offer), the family card and how the hub should contact
them; and the same entry page reached from the link in an e-mail, without signing in.

Every action is a POST with an ``idempotency_key`` (a double tap cancels once), scoped by the
family; an entry id of another family is a 404, never a 403 (no existence oracle).
"""

from __future__ import annotations

import hashlib
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from hiroba.core.idempotency import idempotent
from hiroba.families import services as family_services
from hiroba.families.services import RegistryError
from hiroba.portal import program_queries
from hiroba.portal.parents import current_household, current_member, parent_required
from hiroba.portal.program_display import entry_view
from hiroba.portal.program_forms import ContactForm
from hiroba.portal.program_views import SeeOther
from hiroba.portal.responses import private
from hiroba.programs import links, queries, services
from hiroba.programs.errors import ProgramError
from hiroba.support import queries as support_queries
from hiroba.support.choices import BookingStatus

ACTIONS = {
    "cancel": services.cancel,
    "accept": services.accept_offer,
    "decline": services.decline_offer,
}


def _done_message(action: str) -> str:
    texts = {
        "cancel": _("Your entry is cancelled."),
        "accept": _("Thank you! Your seat is confirmed."),
        "decline": _("Thank you for telling us. The seat goes to the next family."),
    }
    return texts[action]


def _act(request, entry, action: str) -> None:
    """Run one parent action on ``entry``; the outcome is a message on the next page."""
    if action not in ACTIONS:
        raise Http404
    try:
        ACTIONS[action](entry, actor=None)
    except ProgramError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _done_message(action))


def _entry_page(request, entry, action_url, *, signed_in: bool):
    """The one entry page, reached from My Page or from the e-mail link: the two differ only
    in where the buttons post (``action_url(action)``) and whether the family is signed in."""
    context = {
        "view": entry_view(entry),
        "program": entry.program,
        "sessions": list(entry.program.sessions.all()),
        "action_urls": {action: action_url(action) for action in ACTIONS},
        "idempotency_key": str(uuid.uuid4()),
        "signed_in": signed_in,
    }
    return private(render(request, "portal/my/entry.html", context))


# -- My Page -------------------------------------------------------------------------------------
@require_safe
@parent_required
def my_page(request):
    household = current_household(request)
    now = timezone.now()
    views = [entry_view(e, now) for e in program_queries.entries_of(household)]
    context = {
        "household": household,
        "member": current_member(request),
        "current": [v for v in views if not v.is_past],
        "past": [v for v in views if v.is_past],
        "contact_form": ContactForm(initial={"contact_channel": household.contact_channel}),
        "has_email": bool(current_member(request).email),
        "idempotency_key": str(uuid.uuid4()),
        **_support_bookings(household, now),
    }
    return private(render(request, "portal/my/page.html", context))


def _support_bookings(household, now) -> dict:
    """The family's individual consultations: waiting ones on top, the rest folded away."""
    bookings = list(support_queries.bookings_of_household(household))
    waiting = [b for b in bookings if b.status == BookingStatus.BOOKED and b.slot.starts_at > now]
    waiting.reverse()  # soonest first
    return {
        "support_waiting": waiting,
        "support_past": [b for b in bookings if b not in waiting],
    }


def _family_scope(request) -> str:
    return f"household:{current_household(request).pk}"


@require_POST
@parent_required
def contact(request):
    """E-mail or a phone call from staff: how the hub tells the family about seats."""
    household = current_household(request)
    form = ContactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose e-mail or phone call."))
        return SeeOther(reverse("portal:my-page"))
    try:
        family_services.set_contact_channel(
            household, form.cleaned_data["contact_channel"], actor=None
        )
    except RegistryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved. Thank you."))
    return SeeOther(reverse("portal:my-page") + "#contact")


@require_safe
@parent_required
def my_entry(request, program_entry_id: int):
    household = current_household(request)
    entry = queries.entry_of_household(household, program_entry_id)
    return _entry_page(
        request,
        entry,
        lambda action: reverse(f"portal:my-entry-{action}", kwargs={"program_entry_id": entry.pk}),
        signed_in=True,
    )


@require_POST
@parent_required
@idempotent(scope=_family_scope)
def my_entry_action(request, program_entry_id: int, action: str):
    household = current_household(request)
    entry = queries.entry_of_household(household, program_entry_id)
    _act(request, entry, action)
    return SeeOther(reverse("portal:my-entry", kwargs={"program_entry_id": entry.pk}))


# -- the link in the e-mails ---------------------------------------------------------------------
def _entry_for_link(token: str):
    entry = links.entry_for_token(token)
    if entry is None:
        raise Http404
    return entry


def _link_scope(request) -> str:
    token = request.resolver_match.kwargs.get("token", "")
    return "entry-link:" + hashlib.sha256(token.encode()).hexdigest()[:40]


@never_cache
@require_safe
def entry_link(request, token: str):
    """The entry from the e-mail: status, dates, and the buttons, without signing in."""
    entry = _entry_for_link(token)
    return _entry_page(
        request,
        entry,
        lambda action: reverse(f"portal:entry-link-{action}", kwargs={"token": token}),
        signed_in=current_household(request) is not None,
    )


@never_cache
@require_POST
@idempotent(scope=_link_scope)
def entry_link_action(request, token: str, action: str):
    entry = _entry_for_link(token)
    _act(request, entry, action)
    return private(SeeOther(reverse("portal:entry-link", kwargs={"token": token})))
